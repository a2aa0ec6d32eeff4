"""Financial years and due dates, as staff ask about them and as documents print them.

The NHS financial year runs from 1 April to 31 March: "2023/24" is 1 April 2023
to 31 March 2024. Questions name years loosely ("23/24", "FY 2023-24", "next
year") and documents print dues loosely ("22/23", "End May 22", "TBC"). Both
end up in one of three normal forms: a financial year "2023/24", an ISO date
"2022-05-31" or an ISO month "2022-06".
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from index.text import and_list
from index.vocabulary import (
    AGE_RANGE_GUARD,
    CALENDAR_YEAR,
    DAY_BEFORE_MONTH,
    DOCUMENT_NOUNS,
    EARLIER_YEAR,
    FIRST_MONTH_OF_FINANCIAL_YEAR,
    LATER_YEAR,
    MONTH_NAMES,
    MONTHS,
)

_MONTH = rf"(?P<month>{MONTH_NAMES})\b\.?"
_YEAR = r"(?P<year>\d{4}|\d{2})\b"

# How action logs print a due, for finding one inside a line of other cells: "Immediate",
# "TBC by AH", "As available", "End May 22", "20 June 22", "December", "Q1 22/23", "31/05/2022", "22/23".
PRINTED_DUE = (
    r"(?:Immediate(?:ly)?|ASAP|Ongoing|TB[CA](?:\s+by\s+[A-Z]{2,4})?|As\s+(?:available|required|needed)"
    r"|(?:(?:Post|End(?:\s+of)?|By|Mid|Early|Late|Before|From)\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
    rf"(?i:{MONTH_NAMES})\b(?:\s+\d{{4}}|\s+\d{{2}})?"
    r"|Q[1-4](?:\s+\d{2,4}/\d{2})?|\d{1,2}/\d{1,2}/\d{2,4}|\d{2,4}/\d{2})"
)

# "23/24", "2023/24", "2023-24", "FY23/24", "FY 2023/2024", "2023 to 2024".
_FINANCIAL_YEAR = re.compile(
    AGE_RANGE_GUARD + r"(?:\bFY\s*|\b)(?P<start>\d{4}|\d{2})\s*(?:/|-|\bto\b)\s*(?P<end>\d{4}|\d{2})(?![\d/])",
    re.I,
)
_QUARTER = re.compile(r"\bQ(?P<quarter>[1-4])\b", re.I)
_DAY_MONTH_YEAR = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"\s*" + _YEAR, re.I)
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r"\s*" + _YEAR, re.I)
_NUMERIC_DATE = re.compile(r"\b(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4}|\d{2})\b")
# A due "after July" or "from May" names no deadline.
_NOT_A_DEADLINE = re.compile(r"^\s*(?:post|after|from|beyond)\b", re.I)
_END_OF = re.compile(r"\bend\b", re.I)

# "yr" as chat writes it ("whats due next yr": a trial's had been searched for as words).
_RELATIVE_YEARS = (
    (re.compile(rf"\b(?:{LATER_YEAR})\s+(?:financial\s+year|fy|year|yr)\b", re.I), 1),
    (re.compile(rf"\b(?:{EARLIER_YEAR})\s+(?:financial\s+year|fy|year|yr)\b", re.I), -1),
    (re.compile(r"\b(?:this|current)\s+(?:financial\s+year|fy|year|yr)\b", re.I), 0),
)
# A year told from today, in words, by how many years it is after this one: what ``_RELATIVE_YEARS`` reads.
_YEAR_TOLD_FROM_TODAY = {1: "next year", 0: "this year", -1: "last year"}
# Rows named after a year, which it is the due of: "the 2024 actions", "which 2023 ones" (a trial's "what are the 2024
# actions?" had listed all 165); not "the 2021 action plan" or "the 2022 action log", a document's year. English, set by hand.
_YEAR_NAMING_ROWS = re.compile(rf"\b(?P<year>{CALENDAR_YEAR})\s+(?:actions|ones)\b", re.IGNORECASE)
# ... and not a year said of something else just before it: the end of a span ("the green plan 2022-2025 actions", "2022
# through 2025"), the last of a list ("the 2023 and 2024 actions", "2023, 2024 actions"), a target ("the net zero 2040
# actions"), a date's year ("the qsrm may 2022 actions", "the 11 may 2022 actions": the letter's 13, of any due) or a
# document's ("the nhse letter 2022 actions").
# Three reviews'.
_SAID_OF_SOMETHING_ELSE = re.compile(
    rf"(?:[-–—/&,]|\b(?:to|and|or|till|until|through|by|zero|{MONTH_NAMES}|{'|'.join(sorted(DOCUMENT_NOUNS))})\.?)\s*$",
    re.IGNORECASE,
)


_WORD_BEFORE_CHARS = 12  # the longest word read before the year ("september", "roadmap", and the spaces after it)


def year_naming_rows(text: str) -> int | None:
    """The calendar year a question names its actions by ("what are the 2024 actions?": 2024), or None."""
    for named in _YEAR_NAMING_ROWS.finditer(text):
        if not _SAID_OF_SOMETHING_ELSE.search(text[max(0, named.start() - _WORD_BEFORE_CHARS) : named.start()]):
            return int(named["year"])
    return None


# A calendar year asked as a due ("due in 2024", "due 2024", "for 2024"), not the first year of a financial year ("in
# 2023/24", "for 2023 to 2024"). "By 2024" is a deadline (``find_due_by_year``).
_CALENDAR_YEAR_DUE = re.compile(
    rf"\b(?:due|in|for|during)\s+(?P<year>{CALENDAR_YEAR})\b(?!\s*(?:/|-|\bto\b)\s*\d)", re.I
)

_NORMALISED_DUE = re.compile(r"^(?:\d{4}/\d{2}|\d{4}-\d{2}(?:-\d{2})?)$")
# A month a question asks dues for: "due end of may", "due in June 22", "by 31 May 2022", "due at the end
# of june", "due june 30 2022". After a word of timing, so "which actions may slip" names no month. After "due" and a
# preposition it is the month, whatever follows ("which actions due in may are overdue?" had read the verb and listed
# every overdue action; "due in May for the ICP", "due in may then"); otherwise "may" in lower case followed by a word
# in lower case is the verb ("actions due may be late", "which actions ICP is responsible for may slip?", a review),
# unless that word is one the verb never takes ("are"). "Before June" asks for more than June, so it is no month either.
_ASKED_MONTH = re.compile(
    r"\b(?P<due_then>due\s+(?=by|in|for|during|at|end))?(?P<timing>due|by|in|for|during|at|end(?:\s+of)?)\s+(?:the\s+)?(?:end\s+of\s+)?"
    r"(?:(?:the\s+)?" + DAY_BEFORE_MONTH + r")?"
    r"(?P<month>" + MONTH_NAMES + r")\b\.?"
    r"(?(due_then)|(?-i:(?!(?<=may)\s+(?!and\b|or\b|actions?\b|deadlines?\b|are\b|is\b|were\b|was\b|\d)[a-z])))"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?,?(?=\s+\d{4}\b))?(?:\s*(?P<year>\d{4}|\d{2})\b)?(?![/\d])",
    re.I,
)
# A second month joined to the first: "due in may and june", "by may or june 2022", "in may, june".
_ALSO_MONTH = re.compile(
    r"\s*(?:,|/|&|\band\b|\bor\b)\s*(?:(?:in|by|during|end\s+of)\s+)?(?P<month>" + MONTH_NAMES + r")\b\.?"
    r"(?!(?<=may)\s+(?!actions?\b|deadlines?\b|\d)[a-z])(?:\s*(?P<year>\d{4}|\d{2})\b)?(?![/\d])",
    re.I,
)
# Two months a question asks for at once, in one due field: "--05|--06" (as two themes are joined); or two financial
# years, "2023/24|2024/25", either of which a calendar year asked of a table kept by financial year could mean.
MONTH_SEPARATOR = "|"
# Two dues a filter asks for together, each of which a row's due must meet: "2022/23&<=2022-12" is the actions due in
# 2022/23 that were due by December 2022 (those of 2022/23 that are overdue in January 2023: a lead trial had listed the
# whole year as overdue though it runs to March 2023).
BOTH_SEPARATOR = "&"
# A stretch of days a question asks dues for, told from today ("this quarter", "next month", "this week"), as
# ISO 8601 writes an interval's two days: "2023-07-01..2023-09-30". A due falls in it when it overlaps it: a financial
# year holding it, or a month or day within it; the table gives most dues by financial year only.
PERIOD_SEPARATOR = ".."
_PERIOD_ASKED = re.compile(
    rf"\b(?P<which>this|current|{LATER_YEAR}|{EARLIER_YEAR})\s+(?P<unit>quarter|month|week)\b", re.IGNORECASE
)
_LATER = re.compile(rf"^(?:{LATER_YEAR})$", re.IGNORECASE)
_EARLIER = re.compile(rf"^(?:{EARLIER_YEAR})$", re.IGNORECASE)
# A month of any year, as ISO 8601 writes one: "--05" is May.
_ANY_YEAR = "--"
# "due by March 2024": due in that month or before it (a month with its year only).
_BY = "<="


# "due by 2024/25", "before 23/24", "by the end of 2025", "no later than 2025": every due that ends by then, a
# financial year asked for at its March and a calendar year at its December; "before" one ends with the year
# before it. ("by March 2024" is a month: ``find_due_month``.)
# The year ends the phrase (a stop or a word such as "on", "for", "led" after it): "by 2000 tonnes" is a quantity.
_BY_YEAR = re.compile(
    r"\b(?P<timing>by|before|until|till|no\s+later\s+than|up\s+to)\s+(?:the\s+end\s+of\s+|end\s+of\s+)?(?:fy\s*)?"
    r"(?:(?P<start>\d{4}|\d{2})\s*(?:/|-|\bto\b)\s*(?P<end>\d{4}|\d{2})|(?P<year>(?:19|20)\d\d))(?![\d/])"
    r"(?=\s*(?:$|[?.!,;:)]|(?:on|for|in|and|or|across|within|from|led|with|please|at|of|that|which|are|is)\b))",
    re.I,
)
# "due" or "deadline" just before the year makes it one whatever it is; without, a year further ahead than this is a
# target ("what actions will get us to net zero by 2040?", a review), not when actions are due. Set by hand: the
# action plans run to 2024/25.
MAX_YEARS_AHEAD_UNSAID = 5
_SAID_DUE = re.compile(r"\b(?:due|deadlines?)\s*$", re.I)


def find_due_by_year(text: str, today: date) -> tuple[str, int, int] | None:
    """The month a question asks for everything due by ("<=2025-03" for "due by 2024/25", "<=2024-12" for
    "before 2025") and where the words asking it stand; None when it asks for none."""
    for match in _BY_YEAR.finditer(text):
        earlier = 1 if match["timing"].lower() == "before" else 0
        if match["year"]:
            year, month = int(match["year"]) - earlier, 12
        elif (first := _financial_year_start(match["start"], match["end"])) is not None:
            year, month = financial_year_end(first - earlier)
        else:
            continue
        if year > today.year + MAX_YEARS_AHEAD_UNSAID and not _SAID_DUE.search(text[: match.start()]):
            continue
        return f"{_BY}{year:04d}-{month:02d}", match.start(), match.end()
    return None


def names_a_period(text: str) -> bool:
    """Whether a text names a period told from today ("this quarter", "next month", "last week": ``find_period``)."""
    return bool(_PERIOD_ASKED.search(text))


def find_period(text: str, today: date) -> tuple[str, int, int] | None:
    """The stretch of days a question asks dues for, told from ``today`` ("2023-07-01..2023-09-30" for "this quarter"
    on 10 August 2023: a quarter of the financial year, whose quarters are the calendar's), and where the words asking
    it stand; None when it asks for none."""
    match = _PERIOD_ASKED.search(text)
    if not match:
        return None
    offset = 1 if _LATER.match(match["which"]) else -1 if _EARLIER.match(match["which"]) else 0
    unit = match["unit"].lower()
    if unit == "week":  # Monday to Sunday
        start = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
        return f"{start.isoformat()}{PERIOD_SEPARATOR}{(start + timedelta(days=6)).isoformat()}", match.start(), match.end()
    months = 3 if unit == "quarter" else 1
    first = (today.year * 12 + today.month - 1) // months * months + offset * months  # months since year 0
    start, last = date(first // 12, first % 12 + 1, 1), first + months - 1
    end = _last_day(last // 12, last % 12 + 1)
    return f"{start.isoformat()}{PERIOD_SEPARATOR}{end.isoformat()}", match.start(), match.end()


def _period(due: str) -> tuple[date, date] | None:
    """The first and last days of a period filter ("2023-07-01..2023-09-30"); None for any other due."""
    parts = due.split(PERIOD_SEPARATOR)
    if len(parts) != 2 or not all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", part) and is_normalised_due(part) for part in parts):
        return None
    start, end = date.fromisoformat(parts[0]), date.fromisoformat(parts[1])
    return (start, end) if start <= end else None


def _days_of(normalised_due: str | None) -> tuple[date, date] | None:
    """The days a normalised due spans: a financial year's, a month's, or the one day."""
    if not normalised_due or not is_normalised_due(normalised_due):
        return None
    if "/" in normalised_due:
        start = date(int(normalised_due[:4]), FIRST_MONTH_OF_FINANCIAL_YEAR, 1)
        return start, financial_year_last_day(normalised_due)
    year, month = int(normalised_due[:4]), int(normalised_due[5:7])
    if len(normalised_due) == len("2022-05"):
        return date(year, month, 1), _last_day(year, month)
    day = date.fromisoformat(normalised_due)
    return day, day


def within_period(day: date, due: str) -> bool:
    """Whether a day falls in a period filter ("2023-07-01..2023-09-30")."""
    period = _period(due)
    return period is not None and period[0] <= day <= period[1]


def financial_years_of_period(due: str) -> list[str]:
    """The financial years a period filter falls in ("2023/24" for this quarter); [] for any other due."""
    period = _period(due)
    if period is None:
        return []
    return list(dict.fromkeys(financial_year_containing(day) for day in period))


def describe_period(due: str) -> str:
    """A period filter in words: "August 2023", "July to September 2023", "7 to 13 August 2023"."""
    period = _period(due)
    if period is None:
        return due
    if (year := calendar_year_of(due)) is not None:
        return str(year)
    start, end = period
    whole_months = start.day == 1 and end == _last_day(end.year, end.month)
    if whole_months:
        first = f"{start:%B}" if start.year == end.year else f"{start:%B} {start.year}"
        return f"{end:%B} {end.year}" if (start.year, start.month) == (end.year, end.month) else f"{first} to {end:%B} {end.year}"
    first = str(start.day) if (start.year, start.month) == (end.year, end.month) else f"{start.day} {start:%B}" if start.year == end.year else f"{start.day} {start:%B} {start.year}"
    return f"{first} to {end.day} {end:%B} {end.year}"


def due_before(day: date) -> str:
    """The month filter of everything due before ``day``'s month: "<=2026-10" on 30 November 2026 (a
    financial year counts at its March, as for "due by")."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return f"{_BY}{year:04d}-{month:02d}"


def financial_year_label(start_year: int) -> str:
    """``2023`` -> ``"2023/24"``."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year_containing(day: date) -> str:
    """The financial year a calendar day falls in (1 April starts a new one)."""
    start = day.year if day.month >= FIRST_MONTH_OF_FINANCIAL_YEAR else day.year - 1
    return financial_year_label(start)


def parse_financial_year(text: str, today: date) -> str | None:
    """The financial year a question names, or None when it names none.

    Explicit years ("23/24", "FY 2023-24", "2023 to 2024") win over relative
    ones ("this financial year", "next year", "last year"), which count from
    ``today``.
    """
    return _first_financial_year(text) or relative_financial_year(text, today)


# What joins financial years a question asks as a list ("22/23 and 23/24", "23/24 or 24/25", "22/23, 23/24 and
# 24/25", "22/23 and in 23/24"): nothing else may stand between them. English, set by hand.
_YEARS_JOINED_BY = re.compile(r"\s*(?:,|&|\+|\band\b|\bor\b)\s*(?:(?:and|or)\s+)?(?:(?:in|for|during|fy)\s*)?", re.IGNORECASE)


def financial_years_joined(text: str) -> str | None:
    """The due of a list of financial years a question asks ("2022/23|2023/24" of "what's due in 22/23 and 23/24?"):
    the first year named and those joined to it by "and", "or" or a comma, each asked, so a row due in any of them
    is listed (``parse_financial_year`` reads the first alone: 2023/24's 68 had answered "which actions are due in 23/24
    or 24/25?"). None when fewer than two are so joined ("which 22/23 actions are due in 23/24?" asks both at once)."""
    years: list[str] = []
    end = 0
    for match in _FINANCIAL_YEAR.finditer(text):
        start = _financial_year_start(match["start"], match["end"])
        if start is None:
            continue
        if years and not _YEARS_JOINED_BY.fullmatch(text[end : match.start()]):
            break
        years.append(financial_year_label(start))
        end = match.end()
    listed = list(dict.fromkeys(years))
    return MONTH_SEPARATOR.join(listed) if len(listed) > 1 else None


def relative_financial_year(text: str, today: date) -> str | None:
    """The financial year a question names told from ``today`` ("this financial year", "next year", "last year"), or
    None when it names none."""
    current_start = int(financial_year_containing(today)[:4])
    for pattern, offset in _RELATIVE_YEARS:
        if pattern.search(text):
            return financial_year_label(current_start + offset)
    return None


def year_told_from_today(financial_year: str, today: date) -> str | None:
    """How a question names a financial year told from ``today`` ("next year" of 2027/28 on 7 December 2026); None for
    a year no words of ``_RELATIVE_YEARS`` name then."""
    return _YEAR_TOLD_FROM_TODAY.get(int(financial_year[:4]) - int(financial_year_containing(today)[:4]))


def calendar_year_asked(text: str) -> int | None:
    """The calendar year a question asks dues in ("which actions are due in 2024?", "what are the 2024 actions?": 2024),
    or None."""
    match = _CALENDAR_YEAR_DUE.search(text)
    return int(match["year"]) if match else year_naming_rows(text)


def year_beside(text: str, today: date) -> str | None:
    """Beside a financial year a question names ("22/23"), another year-long due it asks: a year told from today ("next
    year", 2027/28 on 7 December 2026) or a calendar year (``calendar_year_due``: "2023/24|2024/25" of "in 2024"). None
    when it names no financial year, or no other: ``parse_financial_year`` reads the first alone, the other is to be
    met with it (a lead trial's "which 22/23 actions are due in 2024?" had listed 2022/23's 72 as if 2024 had not been
    asked)."""
    if _first_financial_year(text) is None:
        return None
    if relative := relative_financial_year(text, today):
        return relative
    calendar = calendar_year_asked(text)
    return calendar_year_due(calendar) if calendar is not None else None


def financial_year_end(start_year: int) -> tuple[int, int]:
    """The (year, month) a financial year ends in: 2023/24 ends in March 2024."""
    last = FIRST_MONTH_OF_FINANCIAL_YEAR - 1 or 12
    return (start_year + 1 if last < FIRST_MONTH_OF_FINANCIAL_YEAR else start_year), last


def as_month_filter(text: str) -> str | None:
    """A month written as the action filter writes one ("2022-05", "--05"), for the CLI's and channels'
    /due; None for anything else."""
    text = text.strip()
    return text if re.fullmatch(rf"(?:\d{{4}}-|{_ANY_YEAR})(?:0[1-9]|1[0-2])", text) else None


def of_any_year(month: str) -> bool:
    """Whether a month filter names the month of any year ("--05", "may"), not of one ("2022-05", "may 2022")."""
    return month.startswith(_ANY_YEAR)


def month_within(month: str, listed: str | None) -> str:
    """A month of any year ("--06", or several: "--05|--06") asked after rows due as ``listed``: that month of each
    financial year listed ("2023-06|2024-06" after 2023/24 and 2024/25), of the calendar year listed ("2024-06" after
    2024), or of the year of the months listed ("2022-05" after June 2022); as it is after anything else (May of any
    year)."""
    if not listed or not of_any_year(month):
        return month
    if (calendar_year := calendar_year_of(listed)) is not None:  # "and in june?" after "what's due in 2024?"
        return _months_of_year(month, f"{calendar_year:04d}")
    years = financial_years_asked(listed)
    if years:
        return MONTH_SEPARATOR.join(month_in_financial_year(month, year) for year in years)
    listed_years = sorted({part[:4] for part in listed.split(MONTH_SEPARATOR) if re.fullmatch(r"\d{4}-\d{2}", part)})
    return _months_of_year(month, listed_years[0]) if len(listed_years) == 1 else month


def _months_of_year(month: str, year: str) -> str:
    """Months of any year ("--05|--06") as those of ``year`` ("2022-05|2022-06")."""
    return MONTH_SEPARATOR.join(f"{year}-{one[len(_ANY_YEAR) :]}" for one in month.split(MONTH_SEPARATOR))


def parse_due_month(text: str) -> str | None:
    """The month a question asks dues for: "2022-05" for "due end of May 22", "--05" for "due in may"
    (May of any year); None when it names none."""
    found = find_due_month(text)
    return found[0] if found else None


def month_in_financial_year(month: str, financial_year: str) -> str:
    """ "--05" in "2022/23" is "2022-05"; "--02" in it is "2023-02"; a month with its year stays as it is."""
    if MONTH_SEPARATOR in month:
        return MONTH_SEPARATOR.join(month_in_financial_year(one, financial_year) for one in month.split(MONTH_SEPARATOR))
    if not month.startswith(_ANY_YEAR):
        return month
    number = int(month[len(_ANY_YEAR) :])
    start = int(financial_year[:4])
    return f"{start + (1 if number < FIRST_MONTH_OF_FINANCIAL_YEAR else 0)}-{number:02d}"


def find_due_month(text: str) -> tuple[str, int, int] | None:
    """The month a question asks dues for (as ``parse_due_month``) and where the words naming it stand,
    so that they are not read as words an action must mention too."""
    match = _ASKED_MONTH.search(text)
    if not match:
        return None
    also = _ALSO_MONTH.match(text, match.end()) if not match["year"] or match["timing"].lower() != "by" else None
    first_year = match["year"] or (also["year"] if also else None)  # "may and june 2022": both in 2022
    asked = [(match["month"], first_year)] + ([(also["month"], also["year"] or first_year)] if also else [])
    values = list(dict.fromkeys(f"{_full_year(year)}-{MONTHS[month.lower()]:02d}" if year else f"{_ANY_YEAR}{MONTHS[month.lower()]:02d}" for month, year in asked))
    if first_year and match["timing"].lower() == "by":
        values = [_BY + values[0]]
    return MONTH_SEPARATOR.join(values), match.start(), (also or match).end()


def due_in_month(normalised_due: str | None, month: str) -> bool:
    """Whether a normalised due ("2022-05-31", "2022-05") falls in a month ("2022-05", or "--05" in any
    year); a due of a whole financial year falls in no one month. "<=2024-03" (due by March 2024) holds
    every due that ends by then, a financial year at its March."""
    if MONTH_SEPARATOR in month:
        return any(due_in_month(normalised_due, one) for one in month.split(MONTH_SEPARATOR))
    if not normalised_due or not _NORMALISED_DUE.match(normalised_due):
        return False
    if month.startswith(_BY):
        ends = "{}-{:02d}".format(*financial_year_end(int(normalised_due[:4]))) if "/" in normalised_due else normalised_due[:7]
        return ends <= month[len(_BY) :]
    if "/" in normalised_due:
        return False
    if month.startswith(_ANY_YEAR):
        return normalised_due[5:7] == month[len(_ANY_YEAR) :]
    return normalised_due[:7] == month


def is_due_filter(value: str) -> bool:
    """Whether ``value`` is a due as an action filter holds one: a financial year ("2023/24") or several, or a month
    ("2022-05", "--05", "<=2024-03") or several, joined by MONTH_SEPARATOR, each a real year or month. What
    ``meets_due`` and ``describe_due`` read without failing: a filter read back from a conversation's stored state may
    hold anything (an attack review: "<=zzz" made every "more" fail). Several joined by BOTH_SEPARATOR are met together."""
    if BOTH_SEPARATOR in value:
        return all(part and BOTH_SEPARATOR not in part and is_due_filter(part) for part in value.split(BOTH_SEPARATOR))
    if PERIOD_SEPARATOR in value:
        return _period(value) is not None
    return bool(financial_years_asked(value)) or all(_is_month_filter(month) for month in value.split(MONTH_SEPARATOR))


def financial_years_asked(due: str) -> list[str]:
    """The financial years a due filter asks for ("2023/24|2024/25": both); [] for one asking months."""
    years = due.split(MONTH_SEPARATOR)
    return years if all("/" in year and is_normalised_due(year) and len(year) == len("2023/24") for year in years) else []


def financial_years_meant(due: str) -> list[str]:
    """The financial years a due filter lists rows of: those asked ("2022/23|2023/24"), or the two a calendar year asked
    could mean ("2023/24", "2024/25" of 2024's ``calendar_year_due``); [] for any other due."""
    if calendar_year_of(due) is not None:
        return financial_years_of_period(due)
    return financial_years_asked(due)


def due_of_both(first: str, second: str) -> str:
    """The due of the rows that meet both ``first`` and ``second``: one alone when every row meeting it meets the other
    (2023/24 of "2022/23|2023/24"; July to September 2023 of 2023/24; May 2022 of the calendar year 2022), else both
    joined by BOTH_SEPARATOR, a part the first holds not written again (a review: "due in 2023, in 2023, by December
    2023"). A calendar year and a financial year are met together: of the actions due in 2022/23, those due in 2023
    leave out the rows dated May 2022 (a trial's "which of those are due in 22/23?" after "what's due in 2023?" had
    listed all 72 of 2022/23)."""
    if _rows_meet_also(second, first):
        return second
    if _rows_meet_also(first, second):
        return first
    parts = first.split(BOTH_SEPARATOR)
    return BOTH_SEPARATOR.join(parts + [part for part in second.split(BOTH_SEPARATOR) if part not in parts])


def _rows_meet_also(due: str, other: str) -> bool:
    """Whether every row meeting ``due`` meets ``other``: the same due; a due within the financial years ``other`` asks;
    a month or period within the period ``other`` is (a row meets a period by falling in it or overlapping it)."""
    if due == other:
        return True
    holding = financial_years_asked(due) or financial_years_of_period(due)
    if holding and set(holding) <= set(financial_years_asked(other)):
        return True
    days, within = _period(due) or _days_of(due), _period(other)  # a period's days, or a month's
    return days is not None and within is not None and within[0] <= days[0] and days[1] <= within[1]


def calendar_year_due(year: int) -> str:
    """The due filter of a calendar year asked of a table kept by financial year: the year as a period (2024:
    "2024-01-01..2024-12-31"), which a row due in either financial year it could mean meets (2023/24 or 2024/25, as the
    table keeps most dues by financial year), and a row dated by month or day only when it falls in the year: "what's
    due in 2023?" had listed the letter's actions due in May 2022, as 2022/23 holds May 2022. So a listing and the
    "more" after it page through the same rows (a review: "more" had listed rows due in any year)."""
    return f"{date(year, 1, 1).isoformat()}{PERIOD_SEPARATOR}{date(year, 12, 31).isoformat()}"


def calendar_year_of(due: str) -> int | None:
    """The calendar year whose due filter ``due`` is (``calendar_year_due``: 2024 of "2024-01-01..2024-12-31"), or
    None."""
    period = _period(due)
    return period[0].year if period is not None and due == calendar_year_due(period[0].year) else None


def meets_due(normalised_due: str | None, due: str) -> bool:
    """Whether a row's normalised due meets a due filter: in its financial year (or one of its several), or in its
    month (``due_in_month``); each of several joined by BOTH_SEPARATOR."""
    if BOTH_SEPARATOR in due:
        return all(meets_due(normalised_due, part) for part in due.split(BOTH_SEPARATOR))
    if (period := _period(due)) is not None:  # a due overlapping it: a financial year holding it, a day within it
        days = _days_of(normalised_due)
        return days is not None and days[0] <= period[1] and period[0] <= days[1]
    years = financial_years_asked(due)
    return financial_year_of(normalised_due) in years if years else due_in_month(normalised_due, due)


def describe_due(due: str) -> str:
    """How a due filter reads after "due": "in 2023/24", "in 2023/24 or 2024/25", a month's "in May 2022", a period's
    "in the financial year of July to September 2023, 2023/24", or two met together, "in 2022/23, by December
    2022", "in 2023 and in 2022/23"."""
    if BOTH_SEPARATOR in due:
        parts = due.split(BOTH_SEPARATOR)
        # "in 2022/23, by December 2022" with a deadline; two years met together, "in 2023 and in 2022/23".
        joiner = ", " if any(part.startswith(_BY) for part in parts) else " and "
        return joiner.join(describe_due(part) for part in parts)
    if (year := calendar_year_of(due)) is not None:  # "in 2024": the note above its listing names its financial years
        return f"in {year}"
    if years := financial_years_of_period(due):  # not in brackets: it stands in the brackets of "overdue (due ...)"
        kind = "year" if len(years) == 1 else "years"
        return f"in the financial {kind} of {describe_period(due)}, {' or '.join(years)}"
    years = financial_years_asked(due)
    return f"in {and_list(years, 'or')}" if years else describe_month(due)


def _is_month_filter(month: str) -> bool:
    """ "2022-05", "--05" or "<=2024-03", with a month from 01 to 12 (and a year from 0001)."""
    if month.startswith(_ANY_YEAR):
        return re.fullmatch(r"0[1-9]|1[0-2]", month[len(_ANY_YEAR) :]) is not None
    dated = month.removeprefix(_BY)
    return re.fullmatch(r"\d{4}-\d{2}", dated) is not None and is_normalised_due(dated)


def narrowed_due(listed: str | None, deadline: str | None) -> str | None:
    """The due of the rows due as ``listed`` that are overdue by ``deadline`` ("<=2026-10", what "overdue" reads as):
    the listed due alone when all of it falls by then ("overdue" of the actions due in 2023/24 keeps 2023/24: it had
    listed every overdue action of the table), the earlier of two deadlines ("due by 2024", then "overdue"), else both
    met together ("2022/23&<=2022-12" in January 2023: a year not yet over is overdue only in its rows dated earlier; a
    lead trial had listed all of 2022/23 as overdue, and "overdue" after a later year's listing every overdue action)."""
    if not listed or not deadline or not deadline.startswith(_BY):
        return deadline
    parts = listed.split(BOTH_SEPARATOR)
    earliest = min([part for part in parts if part.startswith(_BY)] + [deadline])
    others = [part for part in parts if not part.startswith(_BY)]
    if others and all(due_in_month(one, earliest) for part in others for one in part.split(MONTH_SEPARATOR)):
        return BOTH_SEPARATOR.join(others)
    return BOTH_SEPARATOR.join([*others, earliest])


def not_over_yet(normalised_due: str) -> str:
    """Why a row's due is not yet past, for an "overdue" asked of it: "2023/24 runs to 31 March 2024" for a financial
    year, "May 2022 is not over" for a month or a day in it (a month's rows are overdue only once it has passed)."""
    if "/" in normalised_due:
        last = financial_year_last_day(normalised_due)
        return f"{normalised_due} runs to {last.day} {last:%B} {last.year}"
    return f"{date(int(normalised_due[:4]), int(normalised_due[5:7]), 1):%B %Y} is not over"


def without_deadline(due: str) -> str | None:
    """A due filter without the deadline "overdue" put in it: "2022/23" of "2022/23&<=2022-12"; None when it is all
    deadline."""
    return BOTH_SEPARATOR.join(part for part in due.split(BOTH_SEPARATOR) if not part.startswith(_BY)) or None


def financial_year_last_day(financial_year: str) -> date:
    """ "2022/23" -> 31 March 2023."""
    return _last_day(*financial_year_end(int(financial_year[:4])))


def describe_month(month: str) -> str:
    """How a due month reads after "due": "2022-05" -> "in May 2022", "--05" -> "in May", "<=2024-03" ->
    "by March 2024", "--05|--06" -> "in May or June"."""
    if MONTH_SEPARATOR in month:
        first, *others = month.split(MONTH_SEPARATOR)
        same_year = all(_year_of(other) == _year_of(first) for other in others)
        names = [calendar.month_name[int(one[-2:])] for one in (first, *others)]
        year = "" if first.startswith(_ANY_YEAR) or not same_year else f" {first[:4]}"
        return f"in {' or '.join(names)}{year}" if same_year else " or ".join(describe_month(one) for one in (first, *others))
    name = calendar.month_name[int(month[-2:])]
    if month.startswith(_BY):
        return f"by {name} {month[len(_BY) : len(_BY) + 4]}"
    return f"in {name}" if month.startswith(_ANY_YEAR) else f"in {name} {month[:4]}"


def _year_of(month: str) -> str:
    """ "2022-05" -> "2022"; "" for a month of any year, "--05"."""
    return "" if month.startswith(_ANY_YEAR) else month[:4]


def normalise_due(printed: str | None) -> str | None:
    """A printed due in normal form: ``"2022/23"``, ``"2022-05-31"``, ``"2022-06"`` or None.

    "22/23" -> "2022/23"; "Q1 22/23" -> "2022-06-30" (end of that quarter);
    "20 June 22" -> "2022-06-20"; "End May 22" -> "2022-05-31";
    "June 22" -> "2022-06"; "Post July 22", "Immediate", "TBC", "December" -> None.
    """
    if not printed or _NOT_A_DEADLINE.search(printed):
        return None
    return (
        _numeric_date(printed)
        or _quarter_end(printed)
        or _first_financial_year(printed)
        or _day_month_year(printed)
        or _month_year(printed)
    )


def financial_year_of(normalised_due: str | None) -> str | None:
    """The financial year a normalised due falls in (itself when it is one)."""
    if not normalised_due or not _NORMALISED_DUE.match(normalised_due):
        return None
    if "/" in normalised_due:
        return normalised_due
    year, month = int(normalised_due[:4]), int(normalised_due[5:7])
    return financial_year_containing(date(year, month, 1))


def is_normalised_due(value: str) -> bool:
    """True for "2023/24", "2022-05-31" or "2022-06" that name real years and days."""
    if not _NORMALISED_DUE.match(value):
        return False
    if "/" in value:
        return _first_financial_year(value) == value
    parts = [int(part) for part in value.split("-")]
    return _real_date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1) is not None


def is_readable_due(printed: str) -> bool:
    """False when a printed due has numbers that make no date or financial year.

    Words alone ("TBC", "As required") are fine; "2023/25" or "31/02/23" are not.
    """
    if not any(ch.isdigit() for ch in printed):
        return True
    return bool(normalise_due(printed) or _MONTH_YEAR.search(printed))


def _first_financial_year(text: str) -> str | None:
    for match in _FINANCIAL_YEAR.finditer(text):
        if (start := _financial_year_start(match["start"], match["end"])) is not None:
            return financial_year_label(start)
    return None


def _quarter_end(text: str) -> str | None:
    """Last day of "Q1 22/23"-style quarters (Q1 ends 30 June, Q4 ends 31 March)."""
    quarter, year = _QUARTER.search(text), _first_financial_year(text)
    if not quarter or not year:
        return None
    month = (FIRST_MONTH_OF_FINANCIAL_YEAR - 1 + 3 * int(quarter["quarter"]) - 1) % 12 + 1
    calendar_year = int(year[:4]) + (1 if month < FIRST_MONTH_OF_FINANCIAL_YEAR else 0)
    return _month_end(calendar_year, month)


def _numeric_date(text: str) -> str | None:
    match = _NUMERIC_DATE.search(text)
    if not match:
        return None
    return _real_date(_full_year(match["year"]), int(match["month"]), int(match["day"]))


def _day_month_year(text: str) -> str | None:
    match = _DAY_MONTH_YEAR.search(text)
    if not match:
        return None
    return _real_date(_full_year(match["year"]), MONTHS[match["month"].lower()], int(match["day"]))


def _month_year(text: str) -> str | None:
    match = _MONTH_YEAR.search(text)
    if not match:
        return None
    year, month = _full_year(match["year"]), MONTHS[match["month"].lower()]
    if _END_OF.search(text[: match.start()]):
        return _month_end(year, month)
    return f"{year}-{month:02d}"


def _month_end(year: int, month: int) -> str:
    return _last_day(year, month).isoformat()


def _last_day(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _real_date(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _full_year(digits: str) -> int:
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def _financial_year_start(start: str, end: str) -> int | None:
    """The first year of a financial year as written ("2023/24", "2023-2024", "1998/99", "1999/00"), or None when the
    second year does not follow the first. A second year in two digits is in the first's century when the first is written
    in full: "1998/99" had been read as 1998 to 2099, no financial year, and asking for actions due in 1999 crashed; every
    reader of a financial year reads it so."""
    first = _full_year(start)
    if len(end) == 4 or len(start) != 4:
        second = _full_year(end)
    else:
        second = first - first % 100 + int(end)
        second += 100 if second < first else 0
    return first if second == first + 1 else None
