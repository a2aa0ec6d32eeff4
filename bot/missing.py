"""Saying what was missing when answering declines.

Near misses are the questions staff most often ask wrongly: the right topic,
another month, year or organisation ("IAPT recovery rate for April 2022"
when the report gives May). When the bot declines, the closest evidence
usually shows why, and saying so is more use than a bare "couldn't find":

    The closest passages give May, not April.
    The closest passages give 2020/21, not 2019/20.
    The closest passages do not mention GEH.

Only words that match these patterns are echoed from the question (month
names, years, single capitalised or all-capital words), never free text; a
briefing names the words of its topic the documents never use, as typed
(``terms_named``).

Where a paper itself says the data is missing ("GEH Cancer Waits Data for April
is missing from nationally published data"), the decline quotes it
(``DATA_MISSING``; chosen in ``bot.answering``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable

from index.text import and_list, is_english_word, tokenize, without_modal_may, years_written
from index.vocabulary import DAY_AND_MONTH, FINANCIAL_YEAR, MONTH_NAME, MONTHS, REPORTING_MONTH

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&]*")

MAX_TERMS_NAMED = 3  # the terms a briefing says the documents do not mention, at most (a review typed 150)


def as_typed(word: str, text: str) -> str:
    """The word of the text a lower-case word was read from, as typed ("SGLT2" for "sglt"): the whole word when the text
    has it ("Kooth", not "Koothplus" before it), else the first word holding it."""
    typed = re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) or re.search(rf"\w*{re.escape(word)}\w*", text, re.IGNORECASE)
    return typed.group() if typed else word


def terms_named(terms: tuple[str, ...]) -> str:
    """"Kooth", "Kooth or Qwell", "A, B or C and 4 more"."""
    if len(terms) <= MAX_TERMS_NAMED:
        return " or ".join(terms)
    return f"{', '.join(terms[:MAX_TERMS_NAMED])} and {len(terms) - MAX_TERMS_NAMED} more"


# Data a paper says is not in: "data" and, before the sentence's next stop, "missing" or "not (yet) (been)
# submitted / available / published / reported / received" ("GEH Cancer Waits Data for April is missing ...",
# "Cancer waits data has not been submitted by GEH ..."), or "missing data". "No data breaches" is none.
DATA_MISSING = re.compile(
    r"\bdata\b[^.]{0,60}?\b(?:missing|not\s+(?:yet\s+)?(?:been\s+)?(?:submitted|available|published|reported|received))\b"
    r"|\bmissing\s+data\b",
    re.IGNORECASE,
)
# A question about data itself ("has geh submitted its april cancer data?", "why is geh missing from the figures?", "is
# geh included in the april cancer figures"), which a sentence saying it is missing answers. Set by hand.
ABOUT_DATA_ITSELF = re.compile(r"\b(?:missing|submit\w*|publish\w*|includ\w*)\b|^\W*why\b", re.IGNORECASE)
# The words either side of the words saying data is missing, within which the name it is missing for stands ("GEH
# Cancer Waits Data for April is missing", "has not been submitted by GEH for April"). Set by hand.
DATA_MISSING_WORDS_AROUND = 6


def words_near_data_missing(text: str) -> list[str]:
    """The words of ``text`` within DATA_MISSING_WORDS_AROUND of where it says data is missing."""
    words = list(re.finditer(r"\S+", text))
    near: list[str] = []
    for match in DATA_MISSING.finditer(text):
        first = next(n for n, w in enumerate(words) if w.end() > match.start())
        last = max(n for n, w in enumerate(words) if w.start() < match.end())
        near += [w.group() for w in words[max(first - DATA_MISSING_WORDS_AROUND, 0) : last + DATA_MISSING_WORDS_AROUND + 1]]
    return near


def what_is_missing(
    question: str,
    evidence_tokens: frozenset[str],
    best_sentence: str,
    names: Iterable[str],
    lower_case_names: Iterable[str] = (),
    initials: Iterable[str] = (),
) -> str:
    """One sentence on the month, year or name the question asks about and the evidence lacks ("" if none).

    ``evidence_tokens`` are the search tokens of the pages the answer would have come from,
    ``best_sentence`` the sentence it would have led with, ``names`` the question's specific
    names as search tokens. A name is said as the question wrote it, capitalised, or in lower case when it
    is among ``lower_case_names`` (a place typed so: ``FeatureMaker.unknown_places``); ``initials`` typed in lower
    case ("swft") are said in capitals, as the documents write them.
    """
    asked_months = _months_in(question)
    missing_months = [m for m, forms in asked_months.items() if not any(set(tokenize(form)) & evidence_tokens for form in forms)]
    if missing_months:
        given = [m for m in dict.fromkeys([*_months_in(best_sentence), *calendar_months_reported(best_sentence)]) if m not in asked_months]
        return _sentence(given, missing_months)
    asked_years = years_written(question)
    missing_years = [y for y in asked_years if not set(tokenize(y)) <= evidence_tokens]
    if missing_years:
        asked_tokens = {t for y in asked_years for t in tokenize(y)}
        given = [y for y in years_written(best_sentence) if not set(tokenize(y)) & asked_tokens]
        return _sentence(given, missing_years)
    missing_names = set(names) - evidence_tokens
    typed, capitals = set(lower_case_names), set(initials)
    shown = []
    for word in dict.fromkeys(_WORD.findall(question)):
        tokens = tokenize(word)
        # Initials as typed, not an English word whose stem the documents write in capitals ("approve": "APPROVED",
        # "timescale": a table's "TIMESCALE" column).
        as_initials = tokens and tokens[0] in capitals and not is_english_word(word.lower())
        if tokens and tokens[0] in missing_names and (word[0].isupper() or tokens[0] in typed or as_initials):
            shown.append(word.upper() if as_initials and word.islower() else word)
    return _sentence([], list(dict.fromkeys(shown)))


def reporting_month_missing(question: str, page_texts: Iterable[str]) -> str:
    """The financial year's month the question asks about ("at month 6", "M6") when the pages an answer would
    come from number none of those months: "The closest passages give month 3, not month 6." ("" if none is
    asked or the pages give it). The finance report of month 3 answers nothing about month 6. The pages are
    read only when the question asks about such a month."""
    asked = _reporting_months(question)
    if not asked:
        return ""
    on_pages = _reporting_months("\n".join(page_texts))
    missing = [m for m in asked if m not in on_pages]
    given = [m for m in on_pages if m not in asked]
    return _sentence([f"month {m}" for m in given[:1]], [f"month {m}" for m in missing])


def date_missing(question: str, page_texts: Iterable[str], titles: Iterable[str] = ()) -> str:
    """The day an event was on that the question asks about ("the staff briefing on 21 july", "the 12 may
    briefing") when the pages an answer would come from give none of them, said for the user: "The closest
    passages give 4 July, not 21 July." (the pages' days of that month nearest the one asked first; "" if none is
    asked or the pages give them all). A month that the pages name on another day is no date they give: a
    trial's "and 21 july?" after the briefings of 12 May and 9 June was answered with the list of July's other
    news. A day that bounds a period ("as at 31 march", "from 1 april", "to 30 april") is no event's: the pages give
    the period's figures whatever days they print. A document's title gives its date ("... Minutes (18 May 2022)"),
    but a paper's own date is no other day to offer instead."""
    asked = [date for date in dates_named(question, events_only=True) if _is_a_day_of_the_year(date)]
    if not asked:
        return ""
    on_pages, in_titles = dates_named("\n".join(page_texts)), dates_named("\n".join(titles))
    missing = [date for date in asked if date not in on_pages and date not in in_titles]
    nearest = lambda date: min((abs(date[0] - day), day) for day, month in missing if month == date[1])  # noqa: E731
    given = sorted((date for date in on_pages if date[1] in {month for _, month in missing} and date not in asked), key=nearest)
    return _sentence([_said_date(date) for date in given[:3]], [_said_date(date) for date in missing])


# Before a day an event was on: "on 21 july", "the 12 may briefing", "its 11 May meeting".
_EVENT_DAY = re.compile(r"\b(?:on|the|its|their|our)\s*$", re.IGNORECASE)


def dates_named(text: str, events_only: bool = False) -> list[tuple[int, int]]:
    """The (day, month) dates a text names, each once, in order ("which 2 may need" names none); with
    ``events_only``, those written as the day something happened (``_EVENT_DAY``)."""
    text = without_modal_may(text)
    found = []
    for m in DAY_AND_MONTH.finditer(text):
        if events_only and not _EVENT_DAY.search(text[: m.start()]):
            continue
        day = m["day_after"] or re.match(r"\d+", m.group())[0]  # type: ignore[index]
        found.append((int(day), MONTHS[(m["month"] or m["month_first"]).lower()]))
    return list(dict.fromkeys(found))


def _is_a_day_of_the_year(date: tuple[int, int]) -> bool:
    """ "31 june" is none (a leap year's days: the year is seldom asked with the day)."""
    return date[0] <= calendar.monthrange(2024, date[1])[1]


def _said_date(date: tuple[int, int]) -> str:
    return f"{date[0]} {calendar.month_name[date[1]]}"


def gives_the_months_asked(question: str, sentence: str) -> bool:
    """The sentence names every month the question asks about, in a form the question writes it, and it asks
    about one at least ("Attendances in May have increased ... to 37,300" for "... A&E attendances in May").
    "April" is not given by a column header "Apr-22", which stands over every table of months."""
    asked, given = _months_written(question), _months_written(sentence)
    return bool(asked) and all(forms & given.get(month, set()) for month, forms in asked.items())


def months_named(text: str) -> list[str]:
    """The months a text names, by their calendar names ("apr", "in may" -> ["April", "May"]), in order."""
    return list(_months_in(text))


def _months_written(text: str) -> dict[str, set[str]]:
    """Each month the text names, with the forms it writes it in, lower-cased."""
    return {month: {m.group().lower() for m in MONTH_NAME.finditer(text) if m.group() in forms} for month, forms in _months_in(text).items()}


def _reporting_months(text: str) -> list[int]:
    return list(dict.fromkeys(int(m["number"]) for m in REPORTING_MONTH.finditer(text)))


# The calendar month a financial year's first month is: the NHS year runs April to March, so month 3 is June.
FIRST_MONTH_OF_THE_YEAR = 4


def calendar_months_reported(text: str) -> list[str]:
    """The calendar months of the financial year's months a text numbers ("Month 3" or "M3": June), as their names."""
    return [calendar.month_name[_calendar_month(number)] for number in _reporting_months(text)]


def _calendar_month(number: int) -> int:
    return (number + FIRST_MONTH_OF_THE_YEAR - 2) % 12 + 1


def month_a_title_reports(title: str) -> str:
    """The calendar month, and its year where the title gives the financial year, of a report titled with the financial
    year's month it is of ("2022/23 Month 3 ... Finance Report": "June 2022"), "" for any other title. Its pages give
    that month whether or not they say it (a trial's "cash position at end of june" was declined as "The closest passages
    do not mention June"). The title's, not a page's: a page's "budget setting has been based on month 9 outturn" is
    last year's December (a review had "the overspend in december" answered with May's figures)."""
    months = _reporting_months(title)
    if len(months) != 1:
        return ""
    month = _calendar_month(months[0])
    year = re.search(rf"\b{FINANCIAL_YEAR}", title, re.IGNORECASE)
    in_year = f" {2000 + int(year['first']) + (month < FIRST_MONTH_OF_THE_YEAR)}" if year else ""
    return f"{calendar.month_name[month]}{in_year}"


def _months_in(text: str) -> dict[str, set[str]]:
    """Month names as calendar names ("Sept" -> "September"), in order, each with the ways the text
    writes it, its calendar name among them; "may" is a month only as "May", before a date ("may
    2022") or after a preposition ("in may"), not the verb. A month is on a page in any of its forms: "apr" is on a page that prints
    "Apr-22" (the same search token), as "April" is on one that says "April"; a month asked by its full
    name is not on a page that only prints "Apr-22" column headers: those stand on every page of the
    performance report's tables, whatever month a figure is for."""
    months: dict[str, set[str]] = {}
    for m in MONTH_NAME.finditer(text):
        after_preposition = re.search(r"\b(?:in|for|during|since|until|from|of)\s+$", text[: m.start()], re.IGNORECASE)
        if m.group().lower() != "may" or m.group() == "May" or re.match(r"\s+\d", text[m.end() :]) or after_preposition:
            name = calendar.month_name[MONTHS[m.group().lower()]]
            months.setdefault(name, {name}).add(m.group())
    return months


def _sentence(given: list[str], missing: list[str]) -> str:
    if not missing:
        return ""
    if given:
        return f"The closest passages give {and_list(given[:3], 'and')}, not {and_list(missing, 'or')}."
    return f"The closest passages do not mention {and_list(missing, 'or')}."
