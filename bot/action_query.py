"""Leads' questions about actions, answered from the action table.

"What's due in 23/24?", "who leads the water actions?" or "which actions
mention inhalers?" become an ``ActionFilter``; ordinary questions ("ICS carbon
footprint 20/21?") are left to the answering service. Matching rows come back
grouped by theme with a one-line count first; when nothing matches, the
listing says so plainly and offers the nearest looser filter that does match.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import Enum
from functools import lru_cache
from itertools import combinations, pairwise
from typing import NamedTuple

from bot.facts import split_question
from index.due_dates import (
    BOTH_SEPARATOR,
    MONTH_SEPARATOR,
    calendar_year_asked,
    calendar_year_due,
    calendar_year_of,
    describe_due,
    describe_period,
    due_before,
    due_of_both,
    financial_year_last_day,
    financial_year_of,
    financial_years_asked,
    financial_years_joined,
    financial_years_meant,
    financial_years_of_period,
    find_due_by_year,
    find_due_month,
    find_period,
    is_due_filter,
    meets_due,
    month_in_financial_year,
    narrowed_due,
    not_over_yet,
    parse_financial_year,
    within_period,
    without_deadline,
    year_beside,
    year_told_from_today,
)
from index.records import MISSING_DUE, MISSING_LEAD, ActionRow
from index.text import and_list, collapse_whitespace, is_ordinary_word, plain_tokens, stem
from index.vocabulary import OPENS_WITH_WHO, PERSON_TITLES, STOPWORDS

# Words that make a question one about actions rather than about the documents' facts.
_ACTION_CUE = re.compile(
    r"\bactions?\b|\bdue\b(?!\s+to\s+(?!be\b))|\bdeadlines?\b|\bby\s+when\b|\btimescales?\b"
    r"|\b(?:own|owns|owned|owner|owners|owning)\b|\bresponsible\b"
    r"|\bwho\s+(?:leads|is\s+leading|are\s+leading)\b|\bleading\b|\bled\s+by\b|\blead\s+on\b|\boverdue\b"
    r"|\bhow\s+many\s+themes\b",
    re.I,
)
# A theme named as one ("whats in the water theme", "the travel and transport theme"): the words before "theme", which
# must name one of the table's themes ("the recurring theme" of a task and finish group names none).
_NAMED_AS_A_THEME = re.compile(r"(?P<name>(?:[\w&'’-]+\s+){0,3}[\w&'’-]+)\s+theme\b", re.I)
# What a person has to do, asked of one the table names as a lead ("what has Danielle Oum got to do?", "what is Andy
# Hardy doing?", "anything for Mel Coombes?"), and what a lead leads ("what does the ICP lead?"): questions about
# actions without the word (a lead trial had them answered from the documents' prose, one with another person's
# action). "How is the ICB doing on A&E?" asks after performance, not tasks: "doing" only after "what", and only of a
# person (a review). Such a question goes to the table only when some action matches (``asks_about_actions``).
_TASK_PHRASES = r"\b(?:got|need|needs|has|have|had)\s+to\s+do\b|\bworking\s+on\b|\bon\s+(?:his|her|their)\s+plate\b|\banything\s+(?:for|on)\b"
_TASKS_ASKED = re.compile(rf"{_TASK_PHRASES}|\bwhat\b[^?]*\bdoing\b", re.I)
# The words of such asking, taken out before the rest is read for what the actions must mention.
_TASK_WORDS = re.compile(rf"{_TASK_PHRASES}|\bdoing\b", re.I)
_WHAT_IS_LED = re.compile(r"\bwhat\s+(?:does|do|did|will)\b[^?]*\blead\b", re.I)
# A lead that is a person: a first name and a surname ("Andy Hardy", "NHSEI Julie Grant and ICS Mel Coombes").
_PERSON_NAMED = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+")


# An owner of something other than an action, a role the documents name ("who is the risk owner?": the minutes' "Mrs
# Cartwright as the Risk Owner"; "the budget owner", "the SRO and process owners"): no cue for the action table, whose
# leads it is not (a trial's had listed the 7 actions mentioning "risk"). English, set by hand.
_OWNER_OF_ANOTHER_THING = re.compile(
    r"\b(?!(?:actions?|tasks?|items?|the|an?|its|their|his|her|our|your|my|joint|named|overall)\b)[a-z]+\s+owners?\b", re.I
)


def asks_about_actions(question: str) -> bool:
    """Whether a question says it is about actions ("actions", "due", "who leads", ...): one that does not, read as one
    only for the lead it names, is answered by the table only when an action matches."""
    question = _OWNER_OF_ANOTHER_THING.sub(" ", question)
    return bool(_ACTION_CUE.search(question) or _WHAT_IS_LED.search(question))


def _names_a_theme_as_one(question: str, themes: list[str]) -> bool:
    """Whether a question names one of the table's themes as a theme ("whats in the water theme"): a question about
    its actions, though it says neither "actions" nor "due" (a new user's trial had it answered from the prose)."""
    return any(match_theme(named["name"], themes) is not None for named in _NAMED_AS_A_THEME.finditer(question))


def _asks_a_persons_tasks(question: str, leads: list[str], ordinary_words: frozenset[str] | None) -> bool:
    lead = _match_lead(question, leads, ordinary_words)[0] if _TASKS_ASKED.search(question) else None
    return lead is not None and bool(_PERSON_NAMED.search(lead))


# "... mention inhalers", "... about carbon accounts": what follows is words to look for.
_TOPIC_CUE = re.compile(
    r"\b(?:mention(?:s|ing)?|about|regarding|concerning|involv(?:e|es|ing)|relat(?:ed|ing)\s+to|containing)\b", re.I
)
# Beside the usual stopwords, the words of asking about actions ("the QSRM action log" names the table): none of
# them names what an action is about.
_STOPWORDS = STOPWORDS | frozenset(
    """done may might must shall many much us whose every list show tell give find get please thanks thank
    action actions log logs tracker item items task tasks due deadline deadlines timescale timescales owner owners own owns owned
    owning lead leads leading led responsible year years date dates financial fy next last previous current coming past ics
    nhs theme themes area areas specific outstanding green anything something saying say says document
    documents one ones total""".split()
)
# "The green plan", "the medicines action plan", "the plan(s)", "the travel plan actions": the plan (or its table)
# the actions are from, no word an action must mention; "the travel plan action", one action, is one mentioning a plan
# (the theme's actions that do: "Create an ICS-wide Travel Plan ...", "Ensure Trusts have Travel Plans ..."). Any other plan ("the ICS-wide travel plan", "a climate change adaptation plan")
# is: the action to create it is the one asked.
_THE_PLAN = re.compile(
    r"\b(?:green|action)\s+plans?\b|\b(?:the|this|our|its|ics)\s+plans?\b(?!\s+to\b)|\bplan(?:s|['’]s)?(?=\s+actions\b)",
    re.IGNORECASE,
)
# How a question asks for the whole listing or names the due year, no word an action must mention: "across all the
# themes", "across every theme", "in all areas", "with a 23/24 target year" (a held-out dialogue's "list every green
# plan action with a 23/24 target year, across all the themes" had listed the six mentioning "target", and "... due in
# 22/23 across every theme" the nine mentioning "across").
_WHOLE_LISTING = re.compile(
    r"\b(?:across|in|for|from|over)\s+(?:all|every|each|the\s+whole|the\s+entire)(?:\s+(?:of\s+)?the)?\s+(?:themes?|areas?|sections?|plan)\b"
    r"|\btarget\s+(?=(?:financial\s+)?(?:years?|dates?)\b)",
    re.IGNORECASE,
)
# Everyday words for the themes' own words; other words are matched by stem and prefix.
_SYNONYMS = {
    "meds": "medicines",
    "medication": "medicines",
    "drugs": "medicines",
    "prescribing": "medicines",
    "buildings": "estates",
    "premises": "estates",
    "cars": "transport",
    "vehicles": "transport",
    "tech": "digital",
    "online": "digital",
    "catering": "food",
    "meals": "food",
    "rubbish": "waste",
    "nature": "biodiversity",
    "greenspace": "biodiversity",
    "purchasing": "procurement",
    "suppliers": "procurement",
    "staff": "workforce",
    "flooding": "adaptation",
    "heatwaves": "adaptation",
}
# None of the tunables below is fitted; each comment says why it is set as it is.
# How strongly a question word names a theme word: a listed synonym ("meds" for "Medicines") beats the
# same stem, which beats a prefix. Set by hand; a theme scores their sum over its words, so two
# prefix matches weigh as much as one synonym.
_SYNONYM_STRENGTH, _EXACT_STRENGTH, _PREFIX_STRENGTH = 4, 3, 2
# A theme is chosen only when at least this share of its words are matched. Set by hand:
# "coventry" alone must not pick a long theme that merely mentions Coventry.
_MIN_THEME_COVERAGE = 1 / 3
# Words (and stems) at least this long, and no common word of their own, match as prefixes ("inhal" finds "inhaler");
# shorter ones must match exactly. Set by hand: a shorter stem prefixes unrelated words ("car" would find "carbon").
_MIN_PREFIX = 4
# Of a free-worded question's words, an action must contain this share to be listed. Set by hand:
# most of the words, so one stray word of a question does not empty the listing.
_SHARE_OF_WORDS_TO_MENTION = 0.6
# Fewer stray words than this beside a theme, lead or year are noise ("QSRM") and add no text
# constraint. Set by hand: one leftover word is most often a name the table does not use.
_MIN_LEFTOVER_WORDS_FOR_TEXT = 2
# Joins two themes in one filter: no theme's name holds it.
THEME_SEPARATOR = "|"
# Two themes are read only where the question joins them ("water and waste", "medicines, water").
_JOINED = re.compile(r"\s(?:and|or|&)\s|/|,|\+", re.IGNORECASE)


@dataclass(frozen=True)
class ActionFilter:
    due: str | None = None  # a financial year, "2023/24", or a month: "2022-05", "--05" (May of any year), "<=2024-03" (by then)
    lead: str | None = None  # "ICP", "Phil Johns", or a surname such as "Coombes"
    theme: str | None = None  # a theme exactly as the table names it, or two joined by THEME_SEPARATOR ("Water|Waste")
    text: str | None = None  # words the action should mention
    scope: str | None = None  # the Green Plan's scope of an action: "ICS specific" or "Trust / PCN specific"
    source: str | None = None  # the document the actions come from, by slug ("the QSRM actions")
    status: str | None = None  # an ActionStatus value ("open", "in progress", "closed", "overdue"), read against the log's status column
    # The numbers the actions are printed with, "4" or "2,3" ("waste action 4"): numbers start again in each theme.
    number: str | None = None
    # A stray everyday word or two beside a theme, lead, year or scope: too few to require (a stray word is most
    # often a name the table does not use), they narrow the listing when an action it lists mentions them
    # (see ``settle_narrowing``).
    narrowing: str | None = None
    # The rows a briefing's "What happens next" counted on its topic (``briefed_rows``), in the order it showed them:
    # "which are still open?" after ``brief <topic>`` narrows those, as after a listing of them.
    briefed: str | None = None

    def themes(self) -> list[str]:
        """The themes asked for: one, or two when the question names two ("water and waste actions")."""
        return self.theme.split(THEME_SEPARATOR) if self.theme else []

    def constraints(self) -> list[str]:
        """The constraints every listed action meets (narrowing words are a preference, not one)."""
        return [spec.name for spec in fields(self) if spec.name != "narrowing" and getattr(self, spec.name)]

    def with_constraints_of(self, other: ActionFilter) -> ActionFilter:
        """This filter with each constraint ``other`` sets in place of its own ("which of those are due 23/24?": the
        listing's filter with that due year)."""
        return replace(self, **{name: getattr(other, name) for name in other.constraints()})


@dataclass(frozen=True)
class Relaxation:
    """A looser filter that does match: ``dropped`` names the constraints left out."""

    filter: ActionFilter
    dropped: tuple[str, ...]
    rows: tuple[ActionRow, ...]  # the rows it matches, written out when there are few (NEAREST_ROWS_SHOWN)

    @property
    def count(self) -> int:
        return len(self.rows)


_FINANCIAL_YEAR = re.compile(r"\d{4}/\d{2}")


@dataclass
class ActionListing:
    summary: str
    groups: dict[str, list[ActionRow]]
    nearest: Relaxation | None = None
    titles: dict[str, str] = field(default_factory=dict)  # documents' titles by slug, for wording a source
    # The filter the rows were listed by: what "more" and "which of those ..." go on with, as the question may not say
    # it again when read once more ("due in 2024" is read as no due year, a calendar year naming two financial years).
    filter: ActionFilter | None = None

    def rows(self) -> list[ActionRow]:
        """Every row listed, theme by theme, in the order shown."""
        return [row for group in self.groups.values() for row in group]


class ActionDetail(Enum):
    """What a follow-up asks of the actions just listed ("who leads them?", "when are they due?")."""

    LEAD = "lead"
    DUE = "due"
    LEAD_AND_DUE = "lead and due"  # "who leads no 4 and when is it due?"
    THEME = "theme"  # "which theme has the most actions?", "how many themes are there?", "which themes are they in?"
    STATUS = "status"  # "whats the status of them?"


_ASKS_WHO = re.compile(r"\bwho\b", re.I)
_ASKS_DUE = re.compile(r"\bdue\b|\bdeadlines?\b|\btimescales?\b|\bby\s+when\b", re.I)
_ASKS_LEAD = re.compile(r"\bleads?\b|\bleading\b|\bled\b|\bresponsible\b|\bowns?\b|\bowners?\b", re.I)
# The themes of actions asked for, which a count by theme answers: "which theme has the most actions?", "what themes are
# the 23/24 actions in?", "how many themes are there?". English, set by hand from a new user's trial.
_ASKS_THEME = re.compile(r"\b(?:which|what|how\s+many)\s+(?:\w+\s+)?themes?\b", re.I)


# The status of actions asked ("whats the status of them", "what's the status of the qsrm actions?"): the status column
# summed up, or said to be given for none (a trial's was listed again, saying nothing of it). Not "progress", which the
# documents' prose answers ("which areas are showing good progress?"). English, set by hand.
_ASKS_STATUS = re.compile(r"\bstatus(?:es)?\b", re.I)
# Asking when something is due, beside asking who leads it ("who leads no 4 and when is it due?"); not a due year
# that only says which rows ("who leads those due in 24/25?").
_ASKS_WHEN_DUE = re.compile(r"\bwhen\b.*\bdue\b|\bby\s+when\b|\bdeadlines?\b|\btimescales?\b", re.I)


def detail_asked(message: str) -> ActionDetail | None:
    """The column a message asks about, when it asks about one: "who" asks for the lead whatever else
    it says ("who leads those due in 24/25?"), and the due year too when it asks when ("... and when is
    it due?"), then the due year ("when are they due?"), then the lead; a bare "when" does not ask for the
    due year ("when did they agree that?"). Themes asked for come first: "which themes have actions due in 23/24?"
    asks the themes of those actions."""
    if _ASKS_THEME.search(message):
        return ActionDetail.THEME
    if _ASKS_WHO.search(message):
        return ActionDetail.LEAD_AND_DUE if _ASKS_WHEN_DUE.search(message) else ActionDetail.LEAD
    if _ASKS_DUE.search(message):
        return ActionDetail.DUE
    if _ASKS_LEAD.search(message):
        return ActionDetail.LEAD
    return ActionDetail.STATUS if _ASKS_STATUS.search(message) else None


def with_detail_summed_up(listing: ActionListing, detail: ActionDetail) -> ActionListing:
    """The listing headed by who leads its rows or when they are due, counted, so the answer to
    "who leads them?" is in its first line rather than left to be read off every row."""
    rows = listing.rows()
    if not rows:
        return listing
    columns = (ActionDetail.LEAD, ActionDetail.DUE) if detail is ActionDetail.LEAD_AND_DUE else (detail,)
    by_year = bool(listing.filter and listing.filter.due and financial_years_meant(listing.filter.due))
    said = " ".join(_column_summed_up(rows, column, by_year) for column in columns)
    return replace(listing, summary=f"{listing.summary.rstrip(' .')}. {said}")


def _column_summed_up(rows: list[ActionRow], column: ActionDetail, by_year: bool = False) -> str:
    """ "It is led by ICB.", "All 6 are due 23/24.", "Leads: ICB (3), ICP (1).": one column of the rows, counted; dues
    ``by_year`` by the financial year they fall in, as a listing of financial years asked counts its rows ("Due: 2023/24
    (68), 2022/23 (72)." of "22/23 and 23/24", not "2022/23 (67), End May 22 (3), ...")."""
    if column is ActionDetail.THEME:
        return _themes_summed_up(rows)
    if column is ActionDetail.STATUS:
        return _statuses_summed_up(rows)
    lead = column is ActionDetail.LEAD
    missing = "no lead given" if lead else "no due date given"
    values = Counter((row.lead if lead else _due_as_said(row, by_year)) or missing for row in rows)
    if len(values) == 1 and next(iter(values)) != missing:
        which = "It is" if len(rows) == 1 else "Both are" if len(rows) == 2 else f"All {len(rows)} are"
        return f"{which} {'led by' if lead else 'due'} {next(iter(values))}."
    parts = ", ".join(f"{value} ({count})" for value, count in values.most_common())
    return f"{'Leads' if lead else 'Due'}: {parts}."


def _statuses_summed_up(rows: list[ActionRow]) -> str:
    """ "Status: Open (11), In progress (1), none given (2).", or that none is given when none of the rows has one (the
    Green Plan's table has no status column, and its Progress column is empty)."""
    given = Counter(row.status for row in rows if row.status)
    if not given:
        which = "it" if len(rows) == 1 else "either of them" if len(rows) == 2 else f"any of the {len(rows)}"
        return f"No status or progress is given for {which}: the table {'it is' if len(rows) == 1 else 'they are'} in has none."
    if len(rows) == 1:
        return f"Its status is “{rows[0].status}”."
    parts = [f"{status} ({count})" for status, count in given.most_common()]
    if unsaid := len(rows) - given.total():
        parts.append(f"none given ({unsaid})")
    return f"Status: {', '.join(parts)}."


def _themes_summed_up(rows: list[ActionRow]) -> str:
    """ "All 4 are in Water.", "Themes (14): Travel and Transport (18), Digital Transformation (17), ...": the most first."""
    themes = Counter(row.theme or "no theme given" for row in rows)
    if len(themes) == 1:
        which = "It is" if len(rows) == 1 else "Both are" if len(rows) == 2 else f"All {len(rows)} are"
        return f"{which} in {next(iter(themes))}."
    return f"Themes ({len(themes)}): {', '.join(f'{theme} ({count})' for theme, count in themes.most_common())}."


def with_the_detail_asked(question: str, action_filter: ActionFilter, listing: ActionListing) -> ActionListing:
    """The listing summed up by the column a question asks about ("who leads the medicines actions?": "All 15 are
    led by ICB."), as "who leads them?" after a listing is; as it is when the filter already says it ("what's due
    in 23/24?") or the question asks about no column."""
    detail = detail_asked(question)
    if detail is not None and not (OPENS_WITH_WHO.match(question) or _ASKS_LEAD.search(question)):
        # "which actions support staff who cycle to work?": a "who" of its own, not asking the lead (a review).
        detail = ActionDetail.DUE if detail is ActionDetail.LEAD_AND_DUE else None if detail is ActionDetail.LEAD else detail
    detail = detail_not_filtered(detail, action_filter)
    return with_detail_summed_up(listing, detail) if detail is not None else listing


def detail_not_filtered(detail: ActionDetail | None, action_filter: ActionFilter) -> ActionDetail | None:
    """The columns asked that the filter does not already fix: "when are they due?" of the actions due in 23/24
    would say "All 68 are due 2023/24." (a review), and "who leads them and when are they due?" of them says the
    leads alone."""
    if detail is ActionDetail.THEME:
        return None if len(action_filter.themes()) == 1 else detail
    if detail is ActionDetail.STATUS:
        return detail  # a status filter ("overdue", "open") leaves the log's own statuses to say (a review)
    lead = detail in (ActionDetail.LEAD, ActionDetail.LEAD_AND_DUE) and not action_filter.lead
    # Of several financial years ("2024": 2023/24 or 2024/25), each row's is still to say.
    due = detail in (ActionDetail.DUE, ActionDetail.LEAD_AND_DUE) and (not action_filter.due or len(financial_years_meant(action_filter.due)) > 1)
    return ActionDetail.LEAD_AND_DUE if lead and due else ActionDetail.LEAD if lead else ActionDetail.DUE if due else None



def _due_as_said(row: ActionRow, by_year: bool = False) -> str | None:
    """A due year as the listing's summary writes it ("2023/24"); another due date as printed ("End May 22"), or
    ``by_year`` the financial year it falls in."""
    normalised = row.due_normalised or ""
    if by_year and (year := financial_year_of(normalised)):
        return year
    return normalised if _FINANCIAL_YEAR.fullmatch(normalised) else row.due


# Words asking about due dates, beside which "this quarter", "next month" or "last week" is a due asked for ("what's due
# this quarter?", "which actions are coming up next month?"); without them it is no due ("what actions were agreed last
# month?" had listed 2023/24's 68 actions as due in July 2023, where the documents had answered). Not "overdue",
# "late" or "outstanding": "which actions are overdue this quarter?" asks what is overdue now (a re-review: the quarter
# read as the due had answered that none of 2022/23's was overdue yet, beside 5 overdue). Set by hand.
_ASKS_ABOUT_DUES = re.compile(r"\b(?:due|deadlines?|timescales?|by\s+when|coming\s+up|upcoming|expected|scheduled)\b", re.I)


def _due_of_year_or_period(question: str, today: date, asks_dues: bool, status: str | None = None) -> tuple[str | None, str]:
    """The due a question names by financial year or by a period told from today, and the question without the
    period's words. A period is a due only when the question asks about dues (``asks_dues``; a follow-up's "and this
    week?" after a listing is read as asking them: ``bot.followup``), not in "any actions from last month?" or "what are
    this week's actions?" (a re-review: each had listed 2023/24's 68 as due). With a status asked and no due,
    "which actions are overdue this month?", it asks what is so now, and the period's words are dropped. A year named
    beside a period is kept: the period alone when it falls within that year, else both, met together ("which 23/24
    actions are due this quarter?" in January 2023 had listed 2022/23's 67, the year the quarter falls in, and then
    2023/24's 68 as if the quarter had not been asked; ``_years_apart`` says why none is due in both). A year told from
    today or a calendar year asked beside it (``year_beside``: "which 22/23 actions are due next year?", "... due in
    2024?", "... due in 2023?") is met with it (``due_of_both``; a lead trial had listed 2022/23's 72 as if 2024 had not
    been asked)."""
    in_parts = _years_asked_in_parts(question, today)  # each part's year asked, the one beside among them
    year = in_parts or financial_years_joined(question) or parse_financial_year(question, today)
    if asks_dues and year is not None and in_parts is None and (beside := year_beside(question, today)):
        year = due_of_both(year, beside)
    period = find_period(question, today)
    if period is None:
        return year, question
    without = question[: period[1]] + " " + question[period[2] :]
    if not asks_dues:
        return year, without if status is not None else question
    if year is not None and not set(financial_years_of_period(period[0])) <= set(financial_years_asked(year)):
        return f"{year}{BOTH_SEPARATOR}{period[0]}", without
    return period[0], without


def _years_asked_in_parts(question: str, today: date) -> str | None:
    """The due years of a question whose parts each ask one of their own ("what's due in 22/23 and what's due next
    year?", "which actions are due in 22/23, and which in 2024?"): every year asked, as a list of years is
    ("2022/23|2027/28" on 7 December 2026), so a row due in any is listed. Read as one, the years had been met together
    and nothing matched ("No actions match: next year is 2027/28, not 2022/23."). None unless two parts or more name a
    year and each of them asks about actions or asks nothing else ("... and what about next year?"): in "what is the
    footprint in 20/21 and which actions are due in 23/24?" the first year is no due."""
    dated = [(part, years) for part in split_question(question) if (years := _due_years_of_part(part, today))]
    if len(dated) < 2 or not all(asks_about_actions(part) or not _content_words(part) for part, _ in dated):
        return None
    return MONTH_SEPARATOR.join(sorted({year for _, years in dated for year in years.split(MONTH_SEPARATOR)}))


def _due_years_of_part(part: str, today: date) -> str | None:
    """The financial years one part of a question names: a list of them, one, or the two a calendar year asked as a
    due could mean ("in 2024": "2023/24|2024/25"; joined with the other parts' years as a list, so not the calendar
    year's period, which a list of years cannot hold: a review found "which actions are due in 2023 and which in 2024?"
    crashed)."""
    calendar = calendar_year_asked(part)
    years = financial_years_joined(part) or parse_financial_year(part, today)
    return years or (MONTH_SEPARATOR.join(financial_years_meant(calendar_year_due(calendar))) if calendar is not None else None)


def parse_action_question(
    question: str,
    themes: list[str],
    leads: list[str],
    today: date,
    ordinary_words: frozenset[str] | None = None,
    source: str | None = None,
    phrases: frozenset[tuple[str, str]] = frozenset(),
    deadline_of_overdue: bool = True,
) -> ActionFilter | None:
    """The filter a question about actions asks for, or None for an ordinary question; "overdue" puts its deadline in the
    due unless ``deadline_of_overdue`` is False (the due as asked: ``ActionAnswers.due_asked``). A person's
    first name or surname alone must be written with a capital when it is among ``ordinary_words``
    (the documents' words in lower case; always, when they are not given): "grant funding" names nobody.
    ``source`` is the document the question names, its naming words already taken out by the caller;
    like a theme, it makes one stray word beside it noise rather than a word to look for. ``phrases``: the pairs of
    words the actions write side by side (``phrases_written``), which two theme words may be (``_phrase_across_themes``)."""
    if not asks_about_actions(question) and not _names_a_theme_as_one(question, themes):
        if not _asks_a_persons_tasks(question, leads, ordinary_words):
            return None
        question = _TASK_WORDS.sub(" ", question)
    question = _WHOLE_LISTING.sub(" ", _THE_PLAN.sub(" ", question))
    number = None
    # "who leads waste action 4?": that row, not the theme's six; "is no 4 overdue?" with no listing to point at (a
    # trial's, after an answer quoting three unnumbered rows, had listed all 155 overdue actions): the rows numbered 4.
    # "who leads number 10 in travel?" (a lead trial's, after a listing): a row's number beside the theme it is numbered
    # in, as "travel action 10" is; not "the number 1 priority", which asks about no action.
    if numbered := NUMBERED_ACTION.search(question) or (
        (status_asked_of_rows(question) or match_theme(NUMBERED_ROW.sub(" ", question), themes) is not None) and NUMBERED_ROW.search(question)
    ):
        number, question = numbers_named(numbered), question[: numbered.start()] + " actions " + question[numbered.end() :]
    scope, question = _take_named(question, _SCOPES)
    asks_dues = bool(_ASKS_ABOUT_DUES.search(question))  # before "overdue" is taken out with the status
    status, question = _read_status(question)[:2]
    if deadline := find_due_by_year(question, today):  # "due by 24/25": all that is due by then, not only what is due in it
        due: str | None = deadline[0]
        question = question[: deadline[1]] + " " + question[deadline[2] :]
    else:
        due, question = _due_of_year_or_period(question, today, asks_dues, status)
    if month := find_due_month(question):  # "due end of june": the month's words are no words to look for
        due = month_in_financial_year(month[0], due) if due and "/" in due else month[0]
        question = question[: month[1]] + " " + question[month[2] :]
    lead, rest = _match_lead(question, leads, ordinary_words)
    if lead is None and (unknown := _lead_the_table_lacks(question, themes, ordinary_words)):
        lead, rest = unknown  # "which green plan actions does SWFT lead?": none, not all 150 (a trial's)
    before_topic, topic = _split_topic(rest)
    content = _content_words(before_topic)
    phrase = _phrase_across_themes(before_topic, themes, phrases)  # "food waste": words to look for, not the Waste theme
    theme, leftover = _match_theme([word for word in content if word not in phrase], themes)
    leftover = [word for word in content if word in phrase or word in leftover]
    if theme and _JOINED.search(before_topic):
        others = [t for t in themes if not within_theme(t, theme) and not within_theme(theme, t)]
        other, rest_after = _match_theme(leftover, others)
        if other:
            theme, leftover = f"{theme}{THEME_SEPARATOR}{other}", rest_after
    words = list(dict.fromkeys(_content_words(topic) if topic is not None else leftover))  # "risk ... care ... risk": once each
    wants_text = topic is not None or not (due or lead or theme or source or status) or len(words) >= _MIN_LEFTOVER_WORDS_FOR_TEXT
    wants_text = wants_text and not (scope and topic is None and len(words) < _MIN_LEFTOVER_WORDS_FOR_TEXT)
    text = " ".join(words) if wants_text and words else None
    # Only words the documents write in lower case narrow ("create", not "N2O", which the actions also spell out
    # as "nitrous oxide"); none when the documents' words are not given.
    everyday = [word for word in words if ordinary_words is not None and word in ordinary_words]
    narrowing = " ".join(everyday) if everyday and not wants_text else None
    asked = ActionFilter(due=due, lead=lead, theme=theme, text=text, scope=scope, source=source, status=status, number=number, narrowing=narrowing)
    return with_overdue_deadline(asked, today) if deadline_of_overdue else asked


def with_overdue_deadline(f: ActionFilter, today: date) -> ActionFilter:
    """An "overdue" filter with its due narrowed to what is due before this month, and as asked ("which 22/23 actions
    are overdue?" in January 2023: 2022/23's rows dated by December 2022), whatever due it ended up with: one asked
    alone, or one a follow-up swapped in ("and next month?" after the overdue water actions had called all of 2023/24
    overdue in August 2023, as the due swapped in had dropped the deadline). Any other filter as it is. Applying it
    again changes nothing."""
    if f.status != ActionStatus.OVERDUE.value:
        return f
    return replace(f, due=narrowed_due(f.due, due_before(today)))


# The numbers an action table prints its rows with, as typed: "14", or a few ("2 and 3", "2, 3 or 5"); not a count or a
# measure ("number 4 weeks", "no 30%", "23/24"). Minutes' item numbers ("2.2.") are not read: a dotted number is none.
_ONE_NUMBER = r"\d{1,3}(?:\s*(?:-|–|to)\s*\d{1,3})?"  # "3", or a range "3-5", "10 to 12"
_NUMBERS = (
    rf"(?P<numbers>{_ONE_NUMBER}(?:\s*(?:,|and|&|or)\s*(?:(?:no\.?|number|#)\s*)?{_ONE_NUMBER})*)\b"
    r"(?![%/.,]\d|\s*(?:%|per\s*cent|weeks?|days?|hours?|hrs?|years?|months?)\b)"
)
# A range of action numbers is read up to this long ("actions 3-5"); a longer one is no list of rows. Set by hand.
MAX_RANGE = 20
# An action named by its number in a question of its own: "action 4", "action no. 14", "actions 2 and 3" (the word
# "action" must come first: "number 7 bus route" is a bus). A trial's "who leads waste action 4?" had listed all six
# Waste actions.
NUMBERED_ACTION = re.compile(rf"\bactions?\s+(?:no\.?\s*|numbers?\s+|#\s*)?{_NUMBERS}", re.IGNORECASE)
# ... and after a listing, which printed the numbers: "who leads no 14?", "tell me more about number 2", "#3"; or
# numbers alone there ("3", "who leads 2 and 3?"), when the message says nothing else of its own.
NUMBERED_ROW = re.compile(rf"(?:\b(?:actions?|items?|rows?|numbers?|nos?\.?|num)\s*#?\s*|#\s*){_NUMBERS}", re.IGNORECASE)
# ... and "point 3" asked alone of a listing ("tell me more about point 3", "point 4?"; a trial's had been read as a drill
# into the listing's page), not a point of something else ("point 3 of the digital strategy", "charge point 12": a review).
NUMBERED_POINT = re.compile(
    rf"^\W*(?:(?:and|so|ok)\s+)?(?:(?:tell\s+me\s+)?more\s+(?:about|on)\s+|what\s+about\s+|what['’]?s\s+)?(?:the\s+)?"
    rf"points?\s*#?\s*{_NUMBERS}\W*$",
    re.IGNORECASE,
)
NUMBERS_ALONE = re.compile(rf"(?<![\w/.£%#-]){_NUMBERS}", re.IGNORECASE)


def numbers_named(match: re.Match[str]) -> str:
    """The numbers a NUMBERED_ACTION or NUMBERED_ROW match names, as ``ActionFilter.number`` holds them: "2,3";
    "3-5" and "10 to 12" are ranges."""
    numbers: list[int] = []
    for one in re.finditer(r"(\d+)(?:\s*(?:-|–|to)\s*(\d+))?", match["numbers"]):
        first, last = int(one[1]), int(one[2] or one[1])
        numbers += range(first, last + 1) if first <= last <= first + MAX_RANGE else [first, last]
    return ",".join(str(number) for number in dict.fromkeys(numbers))


def has_number(row: ActionRow, numbers: str) -> bool:
    """Whether the row is printed with one of the numbers ("2,3"); its own is written "14." or "14"."""
    return row.number.rstrip(".") in numbers.split(",")


# The numbers of ``ActionFilter.number``: "4", "2,3".
_PRINTED_NUMBERS = re.compile(r"\d+(?:,\d+)*")
# ``ActionFilter.briefed``: each document's slug, then its rows as page/number ("cw-ics-green-plan 78/1 80/14"), a
# document's slug again whenever the next row is another's. At most this long: a filter read back from a conversation's
# stored state is read without a bound otherwise; every row of this corpus's table takes about a thousand characters.
MAX_BRIEFED_CHARS = 20_000
_BRIEFED = re.compile(r"[^\s/]+(?: \d+/\S+)+(?: [^\s/]+(?: \d+/\S+)+)*")


class RowKey(NamedTuple):
    """An action row as a briefing's rows name it: its document, page and printed number (one row of the table)."""

    source: str
    page: int
    number: str


def row_key(row: ActionRow) -> RowKey:
    return RowKey(row.source, row.page, row.number)


def briefed_rows(keys: Iterable[RowKey]) -> str | None:
    """``ActionFilter.briefed`` for these rows, in their order; None when there are none, or when one cannot be written so
    (a slug or number with a space in it) or they are too many to keep."""
    parts: list[str] = []
    source = None
    for key in keys:
        if not key.source or not key.number or "/" in key.source or any(c.isspace() for c in key.source + key.number):
            return None
        if key.source != source:
            parts.append(key.source)
            source = key.source
        parts.append(f"{key.page}/{key.number}")
    written = " ".join(parts)
    return written if parts and len(written) <= MAX_BRIEFED_CHARS else None


@lru_cache(maxsize=64)
def rows_briefed(briefed: str) -> tuple[RowKey, ...]:
    """The rows ``briefed_rows`` wrote, in order."""
    keys: list[RowKey] = []
    source = ""
    for part in briefed.split():
        page, slash, number = part.partition("/")
        if slash and page.isdigit():
            keys.append(RowKey(source, int(page), number))
        else:
            source = part
    return tuple(keys)


def is_well_formed(f: ActionFilter) -> bool:
    """Whether the filter holds only what ``parse_actions`` and ``filter_from_options`` make, which listing and
    describing it read without failing: a due ``is_due_filter`` reads, an ``ActionStatus`` value, printed numbers, and
    words (a lead, a theme) that are not blank. A filter read back from a conversation's stored state may hold anything
    (an attack review: a listing stored with the status "bogus" made every "more" after it fail)."""
    words = (f.lead, f.theme, f.text, f.scope, f.source, f.narrowing)
    return (  # an empty constraint, "" as None, is none
        (not f.due or is_due_filter(f.due))
        and (not f.briefed or (len(f.briefed) <= MAX_BRIEFED_CHARS and _BRIEFED.fullmatch(f.briefed) is not None))
        and (not f.status or f.status in {status.value for status in ActionStatus})
        and (not f.number or _PRINTED_NUMBERS.fullmatch(f.number) is not None)
        and all(not word or word.strip() for word in words)
    )


def settle_narrowing(f: ActionFilter, rows: list[ActionRow]) -> ActionFilter:
    """The filter with its narrowing words required when some action it matches among ``rows`` mentions them
    ("who owns the action to create an ICS wide travel plan": the one Travel and Transport action of the
    thirteen ICS-specific ones that mentions "create"), and without them otherwise."""
    if not f.narrowing:
        return f
    required = replace(f, text=f"{f.text} {f.narrowing}" if f.text else f.narrowing, narrowing=None)
    return required if filter_actions(rows, required) else replace(f, narrowing=None)


# The Green Plan's action plans are split into actions for the ICS and actions for each Trust and PCN.
# A scope as the Green Plan heads its action tables, or as staff narrow a list to one ("just the trust ones",
# "the ICS ones"; not "Trust actions", which the JUCD case study counts and the table does not hold).
_SCOPES = (
    (re.compile(r"\btrusts?\s*(?:/|&|and|or|,)\s*pcns?(?:\s*[- ]specific)?\b|\b(?:trusts?|pcns?)(?:\s+ones?\b|[- ]specific\b)", re.I), "Trust / PCN specific"),
    (re.compile(r"\bics(?:[- ]specific|[- ]wide)\b|\bics\s+ones?\b", re.I), "ICS specific"),
)


class ActionStatus(Enum):
    """Where an action stands, as an action log's status column says it (the QSRM letter's do; the Green
    Plan's action plans have no status column)."""

    OPEN = "open"  # any status but closed: "Open", "In progress", "Partial ..."
    IN_PROGRESS = "in progress"  # started: "In progress", "Partial ...", "On-going"
    PARTIAL = "partial"  # partly done, as the log says: "Partial re new appointments ..." (a trial's was not read)
    CLOSED = "closed"
    OVERDUE = "overdue"  # due before this month and not closed, status or none (the due field holds the date)


# How a question asks for a status, and how a status cell says one. Hand-written from the words of
# asking and the cells of the letter's log ("Open", "In progress", "Partial re new appointments ..."); not fitted.
_STATUS_ASKED = (
    # First, as "partially completed" is no closed action; "partial" as a status, not "partially funded" (a review).
    (re.compile(r"\bpartial(?=\s*(?:$|[?.!,;])|\s+(?:status|ones?|actions?|and|or|so\s+far)\b)|\bpart(?:ial)?ly\s+(?:done|complete[d]?|closed|delivered)\b", re.I), ActionStatus.PARTIAL.value),
    (re.compile(r"\b(?:in\s+progress|ongoing|on-going|under\s?way|started)\b", re.I), ActionStatus.IN_PROGRESS.value),
    (re.compile(r"\b(?:overdue|late|past\s+(?:their\s+)?due(?:\s+dates?)?|behind)\b", re.I), ActionStatus.OVERDUE.value),
    (re.compile(r"\b(?:still\s+)?(?:open|outstanding|not\s+(?:yet\s+)?(?:done|closed|complete(?:d)?))\b", re.I), ActionStatus.OPEN.value),
    # Not "be done" of "when should the plan be done" (a deadline asked: a new user's trial got "No actions match: ...,
    # closed") nor "being done" ("what actions are being done on water?", a review); "which have been completed" still
    # asks for those closed.
    (re.compile(r"(?<!\bbe\s)(?<!\bbeing\s)\b(?:closed|completed?|done|finished)\b", re.I), ActionStatus.CLOSED.value),
)
_CLOSED_CELL = re.compile(r"\b(?:closed|complete[d]?|done)\b", re.I)
_STATUS_CELL = {
    ActionStatus.OPEN: re.compile(r"\b(?:open|in\s+progress|partial|on\s?-?going)\b", re.I),
    ActionStatus.IN_PROGRESS: re.compile(r"\b(?:in\s+progress|partial|on\s?-?going)\b", re.I),
    ActionStatus.CLOSED: _CLOSED_CELL,
    ActionStatus.PARTIAL: re.compile(r"\bpartial(?:ly)?\b", re.I),
}


def has_status(row: ActionRow, status: ActionStatus) -> bool:
    """Whether a row stands as asked; an overdue row is one not closed (its due date is the due filter's)."""
    if status is ActionStatus.OVERDUE:
        return not _CLOSED_CELL.search(row.status or "")
    return bool(_STATUS_CELL[status].search(row.status or ""))


# A yes/no question ("is no 4 overdue?", "are 2 and 3 still open?", "has no 1 been closed?", "isn't no 4 overdue?"), not
# one asking what or who ("what has been done on no 4?", "who's behind no 4"); a status negated is read as
# ``_read_status`` reads it.
_ASKING_YES_OR_NO = r"(?:is|are|has|have|was|were)(?:n[’']t)?\b"
_POLAR_QUESTION = re.compile(rf"^\W*(?:and\s+)?{_ASKING_YES_OR_NO}", re.IGNORECASE)
# A later part asking yes or no of the rows the first part named ("who leads no 4 and is it overdue?", "and no 6, is it
# closed?", "and no 6 - is it open?").
_POLAR_PART = re.compile(rf"(?:[,;:–-]\s*(?:and\s+)?|\s+and\s+){_ASKING_YES_OR_NO}", re.IGNORECASE)
# A negation before a status word that ``_STATUS_ASKED`` does not read with its "not" ("not overdue", "aren't overdue",
# "haven't been closed", "no longer open").
_NEGATED_BEFORE = re.compile(r"(?:\bnot|n[’']t|\bno\s+longer)\s+(?:yet\s+)?(?:been\s+)?$", re.IGNORECASE)
# A status negated that has an opposite among the statuses: "not open" asks for those closed ("not closed" is read as
# open by ``_STATUS_ASKED`` itself). "Not overdue" and "not in progress" have none: no status is read, and the answer
# says so (``status_not_read``).
_OPPOSITE = {ActionStatus.OPEN.value: ActionStatus.CLOSED.value, ActionStatus.CLOSED.value: ActionStatus.OPEN.value}


class _StatusRead(NamedTuple):
    value: str | None  # an ``ActionStatus`` value
    rest: str  # the question without the words naming it
    unread: str | None = None  # a negated status no status stands for, when none is read ("not overdue")


def _read_status(question: str) -> _StatusRead:
    """The status a question asks for and the question without its words. A status negated is read as its opposite;
    one with none is passed over for any other the question names ("open and not overdue": open), and said unread when
    there is none. "Which actions are not overdue?" had listed the overdue ones."""
    for pattern, value in _STATUS_ASKED:
        if match := pattern.search(question):
            if not (negation := _NEGATED_BEFORE.search(question[: match.start()])):
                return _StatusRead(value, question[: match.start()] + " " + question[match.end() :])
            rest = question[: negation.start()] + " " + question[match.end() :]
            if value in _OPPOSITE:
                return _StatusRead(_OPPOSITE[value], rest)
            other = _read_status(rest).value
            return _StatusRead(other, rest, None if other else f"not {match.group().strip()}")
    return _StatusRead(None, question)


def status_not_read(question: str) -> str | None:
    """A negated status no status can stand for, as "not" and the status words typed ("not overdue" of "aren't
    overdue"), when the question names no other: the table lists no rows by it, and the answer says so."""
    return _read_status(question).unread


def status_named_in(message: str) -> ActionStatus | None:
    """The status a message names anywhere, read as a listing reads it ("and no 6 closed?": closed)."""
    named = _read_status(message).value
    return ActionStatus(named) if named else None


class StatusVerdict(Enum):
    """Whether a listed row has the status asked of it (``status_of_row``)."""

    YES = "yes"
    NO = "no"
    NO_STATUS = "no status"  # its document gives its actions no status (the Green Plan's action plans)
    PAST_DUE = "past due"  # overdue asked of a row with no status: its due date has passed, and nothing says if it is done
    NO_DATE = "no date"  # overdue asked, not marked closed, and its due ("Immediate", "TBC") is no date to be late by


def status_asked_of_rows(message: str) -> ActionStatus | None:
    """The status a yes/no question asks of listed rows ("is no 4 overdue?": overdue), or None."""
    if not _POLAR_QUESTION.match(message):
        part = _POLAR_PART.search(message)
        if part is None:
            return None
        message = message[part.start() :]  # the yes/no part only: "who leads no 4 and is it overdue?"
    return status_named_in(message)


def status_of_row(row: ActionRow, status: ActionStatus, today: date) -> StatusVerdict:
    """Whether a row has ``status``, read as a listing of that status reads it (overdue: due before ``today``'s month
    and not marked closed), or why that cannot be said."""
    if status is not ActionStatus.OVERDUE:
        return StatusVerdict.NO_STATUS if row.status is None else StatusVerdict.YES if has_status(row, status) else StatusVerdict.NO
    if not has_status(row, status):
        return StatusVerdict.NO  # marked closed
    if row.due_normalised is None:
        return StatusVerdict.NO_DATE
    if not _matches(row, ActionFilter(due=due_before(today))):
        return StatusVerdict.NO  # not due yet
    return StatusVerdict.YES if row.status is not None else StatusVerdict.PAST_DUE


def _take_named(question: str, named: tuple[tuple[re.Pattern[str], str], ...]) -> tuple[str | None, str]:
    """The value of the first pattern the question matches (a scope, "the trust / pcn specific actions"; a
    status, "which QSRM actions are still open?"), and the question without its words."""
    for pattern, value in named:
        match = pattern.search(question)
        if match:
            return value, question[: match.start()] + " " + question[match.end() :]
    return None, question


def match_lead(text: str, leads: list[str]) -> str:
    """The lead a user's words name ("johns" finds "Phil Johns"); the words themselves if none."""
    return _match_lead(text, leads)[0] or text.strip()


def match_theme(text: str, themes: list[str]) -> str | None:
    """The theme a user's loose words name ("meds" finds "Medicines"), if any."""
    return _match_theme(_content_words(text), themes)[0]


def names_its_themes_in_full(text: str, f: ActionFilter) -> bool:
    """Whether the words name every word of each theme of the filter ("water", "mental health"), not one
    word of a longer theme ("the PHM board" names one of "Board Assurance Framework")."""
    words = _content_words(text)
    return all(_theme_score(words, theme)[0][1] >= 1 for theme in f.themes())


def filter_actions(rows: Iterable[ActionRow], f: ActionFilter) -> list[ActionRow]:
    """Rows meeting every constraint of the filter, in table order; of words asked, only the rows holding all of them
    when any does (a trial's "is there a green plan action about appointing a climate change adaptation lead?" had
    listed all seven adaptation actions as mentioning "appointing": the theme's name gave each most of the words)."""
    matching = [row for row in rows if _matches(row, f)]
    if not f.text or len(matching) < 2:
        return matching
    words = _content_words(f.text)
    whole = [row for row in matching if _mentions(row, words, share=1.0)]
    return whole or matching


def describe_matches(
    rows: list[ActionRow],
    f: ActionFilter,
    all_rows: list[ActionRow],
    titles: dict[str, str] | None = None,
    table_years: bool = True,
    today: date | None = None,
) -> ActionListing:
    """What to tell the lead about ``rows`` (the matches of ``f`` within ``all_rows``); ``titles`` name
    the documents by slug, for a filter on the document the actions come from. ``table_years``: with no match for a due
    year the table does not reach, say the years it does (not when a note before the listing says them already).
    ``today``: what a year told from today is called ("next year"), when one was asked beside another."""
    titles = titles or {}
    if not rows and (none_yet := _none_overdue_yet(f, all_rows, titles)):
        return ActionListing(none_yet, {}, titles=titles, filter=f)
    if not rows and (apart := _years_apart(f.due, today)):
        return ActionListing(f"No actions match: {apart}.", {}, titles=titles, filter=f)
    if not rows:
        described = _describe_filter(f, titles)
        summary = f"No actions match: {described}." if described else "No actions match."
        years = financial_years_due(all_rows)
        asked = (financial_years_asked(f.due) or financial_years_of_period(f.due)) if f.due else []
        if table_years and asked and years and not set(asked) & set(years):  # a year the table does not reach: say which it does
            summary += f" The table's actions are due in the financial years {years[0]} to {years[-1]}."
        return ActionListing(summary + _status_note(f, all_rows, titles), {}, _nearest_relaxation(f, all_rows), titles, f)
    groups: dict[str, list[ActionRow]] = {}
    for row in rows:
        groups.setdefault(row.theme, []).append(row)
    # "energy and food actions led by icp": a theme asked for with no rows is said to have none, not left unsaid.
    empty = [theme for theme in f.themes() if not any(within_theme(row.theme, theme) for row in rows)]
    notes = _status_note(f, all_rows, titles) + (f" None {'is' if len(rows) == 1 else 'are'} in {and_list(empty)}." if empty else "")
    notes += _not_yet_note(f, rows, all_rows)
    notes += _by_year_note(f, rows)
    notes += _years_without_rows_note(f, rows, all_rows if table_years else [])
    notes += _undated_note(f, all_rows)
    summary = _summary(len(rows), len(groups), f, titles, rows)
    return ActionListing(f"{summary}.{notes}" if notes else summary, groups, titles=titles, filter=f)


def _years_apart(due: str | None, today: date | None = None) -> str:
    """For a financial year asked beside another due that falls outside it, why none can be due in both, in words; ""
    for any other due. The other is a period told from today ("which 23/24 actions are due next month?" in December
    2026: "January 2027 falls in 2026/27, not in 2023/24"), a year told from today ("... due next year?": "next year is
    2027/28, not 2023/24", its words as ``today`` names it) or a calendar year ("... due in 2026?": "2026 falls in
    2025/26 or 2026/27, not in 2023/24"). The year's actions had been listed as if the other had not been asked (lead
    trials). Asked "overdue", the same, whatever the deadline "overdue" adds ("which 22/23 actions due next year are
    overdue?" had fallen back to "Nearest: without being past due, 165 actions match")."""
    parts = (without_deadline(due) or "").split(BOTH_SEPARATOR) if due else []
    periods = [part for part in parts if financial_years_of_period(part)]
    others = [part for part in parts if not financial_years_of_period(part)]
    if len(parts) != 2 or len(periods) > 1 or not (years := financial_years_asked(others[0])):
        return ""
    other = periods[0] if periods else others[1]
    other_years = financial_years_of_period(other) or financial_years_asked(other)
    if not other_years or set(other_years) & set(years):
        return ""
    asked = " or ".join(years)
    if periods:  # a period told from today, or a calendar year ("2026 falls in 2025/26 or 2026/27")
        return f"{describe_period(other)} falls in {' or '.join(other_years)}, not in {asked}"
    told = year_told_from_today(other, today) if today else None
    return f"{told} is {other}, not {asked}" if told else f"{other} is another financial year than {asked}"


def financial_years_due(rows: Iterable[ActionRow]) -> list[str]:
    """The financial years the rows are due in, in order ("2022/23", ...); months and undated rows aside."""
    return sorted({row.due_normalised for row in rows if row.due_normalised and _FINANCIAL_YEAR.fullmatch(row.due_normalised)})


def _years_without_rows_note(f: ActionFilter, rows: list[ActionRow], all_rows: list[ActionRow]) -> str:
    """For several financial years asked ("what's due in 22/23 and what's due next year?"), those no listed row is due
    in, named as a theme with none is: "None are due in 2027/28; the table's actions are due in the financial years
    2022/23 to 2024/25." A listing of 2022/23's 72 headed "due in 2022/23 or 2027/28" had left the lead to work out that
    next year holds none. The years of ``all_rows`` (the table's, or none when a note before the listing says them) are
    said when the year is beyond them."""
    asked = financial_years_meant(f.due) if f.due else []
    listed = {financial_year_of(row.due_normalised) for row in rows}
    missing = [year for year in asked if year not in listed]
    if len(asked) < 2 or not missing:
        return ""
    table_years = financial_years_due(all_rows)
    beyond = table_years and any(year not in table_years for year in missing)
    reach = f"; the table's actions are due in the financial years {table_years[0]} to {table_years[-1]}" if beyond else ""
    return f" None {'is' if len(rows) == 1 else 'are'} due in {and_list(missing, 'or')}{reach}."


def _status_note(f: ActionFilter, all_rows: list[ActionRow], titles: dict[str, str]) -> str:
    """For a status asked for: which documents' actions have one at all (the Green Plan's have none)."""
    if not f.status:
        return ""
    with_status = list(dict.fromkeys(row.source for row in all_rows if row.status))
    if not with_status:
        return " No action in the table has a status."
    return f" Only the actions of {and_list([titles.get(slug, slug) for slug in with_status])} have a status."


def _by_year_note(f: ActionFilter, rows: list[ActionRow]) -> str:
    """For a period asked ("this quarter"): what the rows' dues can say of it. Most are by financial year only, so the
    listing is of the year the period falls in; a lead must not read them as due within it (a lead trial's "which are
    due this quarter?" had searched the actions for the word "quarter"). Rows with a finer due are placed exactly."""
    if not f.due or not financial_years_of_period(f.due) or calendar_year_of(f.due) is not None:  # a calendar year's note is above it
        return ""
    period = describe_period(f.due)
    by_year = Counter(row.due_normalised for row in rows if row.due_normalised and _FINANCIAL_YEAR.fullmatch(row.due_normalised))
    said = []
    for year, count in by_year.items():
        last_day = financial_year_last_day(year)
        which = "these are" if count == len(rows) else f"{count} of these {'is' if count == 1 else 'are'}"
        when = "within" if within_period(last_day, f.due) else "not necessarily within"
        said.append(f"{which} due by the end of {year} ({last_day.day} {last_day:%B} {last_day.year}), {when} {period}")
    finer = len(rows) - sum(by_year.values())
    if not said:
        return ""
    if finer:
        said.append(f"the other {finer} {'has' if finer == 1 else 'have'} a due date within {period}")
    else:
        said.append(f"an action given a finer due date (a month or a day) is listed only when it falls in {period}")
    return f" The table gives most due dates by financial year only: {'; '.join(said)}."


def _not_yet_overdue(f: ActionFilter, all_rows: list[ActionRow]) -> tuple[list[ActionRow], str]:
    """For "overdue" of a due not over by its deadline (a financial year, a month, or a period told from today: "which
    22/23 actions are overdue?" in January 2023, "which actions due this quarter are overdue?"): the rows the filter
    would list without the deadline that are not overdue, and why, told from their own dues ("2023/24 runs to 31 March
    2024", "May 2022 is not over"). Of the rows, not of the due asked: a period had fallen back to every open action."""
    asked = without_deadline(f.due) if f.status == ActionStatus.OVERDUE.value and f.due else None
    if asked is None or asked == f.due:
        return [], ""
    overdue = filter_actions(all_rows, f)
    later = [row for row in filter_actions(all_rows, replace(f, due=asked)) if row not in overdue]
    dues = sorted({row.due_normalised for row in later if row.due_normalised})
    return later, and_list(list(dict.fromkeys(not_over_yet(due) for due in dues))) if dues else ""


def _none_overdue_yet(f: ActionFilter, all_rows: list[ActionRow], titles: dict[str, str]) -> str:
    """ "None of the 4 actions in Water and due in 2023/24 is overdue yet: 2023/24 runs to 31 March 2024.": why no row
    of a due not yet over is overdue, said plainly rather than as a filter no action matches; "" for any other filter.
    Its traits joined as a list ("led by ICP and due in 2023/24"), not by commas alone (a review's stray comma)."""
    later, ends = _not_yet_overdue(f, all_rows)
    if not later or not ends:
        return ""
    plain = replace(f, due=without_deadline(f.due or ""), status=None)
    described = and_list(_constraints_in_words(plain, titles))
    which = f"The action {described} is not" if len(later) == 1 else f"None of the {len(later)} actions {described} is"
    return f"{which} overdue yet: {ends}."


def _not_yet_note(f: ActionFilter, rows: list[ActionRow], all_rows: list[ActionRow]) -> str:
    """For "overdue" of a year not yet over, beside the rows that are: how many more it holds that are not overdue yet."""
    later, ends = _not_yet_overdue(f, all_rows)
    if not later or not ends:
        return ""
    more = "1 more action is" if len(later) == 1 else f"{len(later)} more actions are"
    return f" {more} due {describe_due(without_deadline(f.due or '') or '')}: not overdue yet, as {ends}."


def _undated_note(f: ActionFilter, all_rows: list[ActionRow]) -> str:
    """For "overdue": how many other actions it would take in are not closed and have no date to be overdue by
    ("Immediate", "TBC", "Post July 22"), with what their due column says. A lead trial read "5 overdue" as the
    whole backlog of the NHS England letter's log, whose "Immediate" action was still "Partial"."""
    if f.status != ActionStatus.OVERDUE.value:
        return ""
    undated = [row for row in filter_actions(all_rows, replace(f, due=None, status=ActionStatus.OPEN.value)) if not row.due_normalised]
    if not undated:
        return ""
    said = and_list(list(dict.fromkeys(f"“{row.due}”" if row.due else "none" for row in undated)))
    more = "1 more action is" if len(undated) == 1 else f"{len(undated)} more actions are"
    return f" {more} open with no date to be overdue by (due {said})."


def render_listing_text(
    listing: ActionListing,
    location: Callable[[ActionRow], str] = lambda row: f"{row.source} p. {row.page}",
    limit: int | None = None,
) -> str:
    """Plain text: the count line, then each theme's rows with number, lead, due and where they stand.

    ``location`` says where a row comes from (a page, or a citation marker in
    an answer); ``limit`` caps the rows written out, with a count of the rest.
    """
    lines = [listing.summary]
    shown = 0
    for theme, rows in listing.groups.items():
        room = rows if limit is None else rows[: max(limit - shown, 0)]
        if not room:
            break
        lines += ["", theme or "(no theme)"]
        lines += [f"  {row.number}. {row.action} ({row_details(row, location)})" for row in room]
        shown += len(room)
    hidden = listing.rows()[shown:]
    if hidden:
        lines += ["", left_out_note(hidden)]
    if listing.nearest:
        lines += ["", _describe_relaxation(listing.nearest, listing.titles)]
        lines += [f"  {row.number}. {row.action} ({row_details(row, location)})" for row in nearest_rows_shown(listing)]
    return "\n".join(lines)


# The nearest looser filter's rows are written out when there are at most this many: "Nearest: without the status, 2
# actions match" had left a new user to ask again for two rows. Set by hand (a chat pane).
NEAREST_ROWS_SHOWN = 5


def nearest_rows_shown(listing: ActionListing) -> tuple[ActionRow, ...]:
    """The rows of the nearest looser filter a listing that matched nothing writes out: all of them, when few and on the
    topic asked."""
    nearest = listing.nearest
    if nearest is None or listing.groups or len(nearest.rows) > NEAREST_ROWS_SHOWN:
        return ()
    # Only rows still on the topic asked: a looser filter that dropped the theme or the words (the fewest rows may be
    # another document's, a review found) is said, not listed.
    return () if {"theme", "text", "briefed"} & set(nearest.dropped) else nearest.rows


def left_out_note(hidden: list[ActionRow]) -> str:
    """What a listing cut short left out, by theme, and how to see it: "…and 26 more, in Digital
    Transformation (4) and Travel and Transport (22): say “more” to see them, or ask about one theme,
    lead or year to narrow the list." Naming the themes tells a lead whether the rest matters to them."""
    counts: dict[str, int] = {}
    for row in hidden:
        counts[row.theme or "(no theme)"] = counts.get(row.theme or "(no theme)", 0) + 1
    themes = [f"{theme} ({count})" for theme, count in counts.items()]
    return (
        f"…and {len(hidden)} more, in {and_list(themes)}: say “more” to see them, "
        "or ask about one theme, lead or year to narrow the list."
    )


# --- Understanding the question ----------------------------------------------------------------


# A body or person asked about as the lead of actions: "led by SWFT", "does uhcw lead", "is GEH leading", "which actions
# is Laura Nelson responsible for"; not "own" or "run", which are adjectives and nouns too ("what is GEH's own carbon
# footprint?" had read GEH as a lead, a measurement's catch). English, set by hand from a trial's question.
_LEAD_ASKED_OF = re.compile(
    r"\b(?:led|run|owned)\s+by\s+(?:the\s+)?(?P<by>[A-Za-z][\w&'’-]*(?:\s+[A-Z][\w'’-]*)*)"
    r"|\b(?:does|do|is|are|will|did)\s+(?:the\s+)?(?P<who>[A-Za-z][\w&'’-]*(?:\s+[A-Z][\w'’-]*)*)\s+"
    r"(?:lead|leading|responsible)\b"
)


# Words naming a group of people by what it works on ("the Medicines Team").
_TEAM_WORDS = frozenset({"team", "teams", "group", "department", "function", "programme", "service", "unit", "leads"})


def _lead_the_table_lacks(question: str, themes: list[str], ordinary_words: frozenset[str] | None) -> tuple[str, str] | None:
    """A lead the question names that leads no action (``_match_lead`` found none), and the question without it: names
    the documents never write in lower case ("SWFT", "uhcw") or capitalised words ("Laura Nelson", "Warwickshire County
    Council", "the Finance Director"), so the table says no action is led by it rather than listing every action (a
    trial's "which green plan actions does SWFT lead?" got all 150). Not "led by trusts", "does anyone lead", nor a
    theme's team ("the Medicines Team": the theme's actions). A word of a lead's name ("ICS" of "NHSEI Julie Grant and
    ICS Mel Coombes") is that lead's, as the filter reads it."""
    if ordinary_words is None or not re.search(r"\bactions?\b", question, re.IGNORECASE) or not (match := _LEAD_ASKED_OF.search(question)):
        return None  # only of actions: "who's leading the Pride event (led by Warwickshire Pride)?" asks the documents
    name = match["by"] or match["who"]
    if re.search(r"['’]s?$", name):
        return None  # "is GEH's ...": whose, not who
    words = [word.lower() for word in name.split()]
    if any(word in STOPWORDS for word in words) or (len(words) == 1 and (words[0] in ordinary_words or is_ordinary_word(words[0]))):
        return None
    theme_words = {word.lower() for theme in themes for word in re.findall(r"[A-Za-z]+", theme)}
    if len(words) > 1 and set(words) - _TEAM_WORDS <= theme_words:
        return None  # "the Medicines Team", "the Digital Team": a theme's actions (a review); not "Warwickshire County Council"
    start, end = match.span("by" if match["by"] else "who")
    return name, question[:start] + " " + question[end:]


def _match_lead(question: str, leads: list[str], ordinary_words: frozenset[str] | None = None) -> tuple[str | None, str]:
    """The lead a question names, and the question without it.

    Leads are matched whole ("ICB Execs"), by each person in a shared lead
    ("Phil Johns" in "Phil Johns / Rob Pickup"), by a surname ("Coombes") or by a
    first name that names one person ("danielle's actions" are Danielle Oum's).
    """
    phrases = _lead_phrases(leads, ordinary_words)
    known = {phrase.lower() for phrase, _, _ in phrases}
    for phrase, case_sensitive, lead in phrases:
        pattern = re.compile(rf"(?<![\w/]){re.escape(phrase)}(?![\w/])", 0 if case_sensitive else re.I)
        match = pattern.search(question)
        # A surname after another first name is another person ("Laura Nelson" is not Theresa Nelson), and so is a first
        # name before another surname ("Rob Jones" is not Rob Pickup; a re-review).
        before = re.search(r"([A-Z][a-z'’-]+)\s+$", question[: match.start()]) if match and " " not in phrase else None
        after = re.match(r"\s+([A-Z][a-z'’-]+)", question[match.end() :]) if match else None
        other_before = before and f"{before[1]} {phrase}".lower() not in known and not _opens_sentence(question, before)
        other_after = after and f"{phrase} {after[1]}".lower() not in known and after[1].lower() not in STOPWORDS
        if match and not other_before and not other_after:
            return lead, question[: match.start()] + " " + question[match.end() :]
    return None, question


def _opens_sentence(question: str, word: re.Match[str]) -> bool:
    """Whether the capitalised word is the question's first ("Coombes ..."), a question word ("Does Coombes ...") or a
    title ("Dr Nelson", "Mr Johns": a review's)."""
    return not question[: word.start()].strip() or word[1].lower() in STOPWORDS or bool(_TITLE.fullmatch(word[1]))


_TITLE = re.compile(PERSON_TITLES, re.IGNORECASE)


_LOWER_CASE_WORD = re.compile(r"(?<![\w’'-])[a-z]+(?![\w’'-])")


def words_in_lower_case(texts: Iterable[str]) -> frozenset[str]:
    """The words these texts write in lower case somewhere: a lead's name that is one ("Grant") must be
    typed with its capital to name them (``parse_action_question``'s ``ordinary_words``)."""
    return frozenset(word for text in texts for word in _LOWER_CASE_WORD.findall(text))


def _lead_phrases(leads: list[str], ordinary_words: frozenset[str] | None = None) -> list[tuple[str, bool, str]]:
    """(phrase, whether its case must match, the lead it names), longest phrase first.

    A person's surname or first name alone must be written with a capital ("Grant", "Pickup") when it
    is also a word: one the documents use in lower case (``ordinary_words``), or a common English one
    ("which actions mention pickup" names nobody); otherwise any case will do ("oum"). Its possessive
    names them in any case ("danielle's actions"), and so does "for" or "by" before it when the documents
    never write it in lower case ("actions for danielle"; not "for grant"). A first name two people share names neither.
    Without ``ordinary_words`` every name part alone needs its capital.
    """

    def needs_capital(word: str) -> bool:
        return ordinary_words is None or word.lower() in ordinary_words or is_ordinary_word(word.lower())

    phrases: dict[str, tuple[bool, str]] = {}
    first_names: dict[str, set[str]] = {}

    def add_part(part: str, lead: str) -> None:
        phrases.setdefault(part, (needs_capital(part), lead))
        for apostrophe in "'’":
            phrases.setdefault(f"{part}{apostrophe}s", (ordinary_words is None, lead))
        if ordinary_words is not None and part.lower() not in ordinary_words:
            for before in ("for", "by"):  # "actions for danielle", "led by danielle": a name the documents never write in lower case
                phrases.setdefault(f"{before} {part}", (False, lead))

    for lead in leads:
        phrases[lead] = (False, lead)
        for part in re.split(r"\s*(?:/|&|,|\band\b)\s*", lead):
            phrases.setdefault(part, (False, part))
            person = re.search(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z'’-]+)+$", part)
            if person:
                name = person.group()
                phrases.setdefault(name, (False, name))
                add_part(name.split()[-1], name.split()[-1])
                first_names.setdefault(name.split()[0], set()).add(name)
    for first, people in first_names.items():
        if len(people) == 1:
            add_part(first, next(iter(people)))
    return sorted(((p, exact, lead) for p, (exact, lead) in phrases.items() if p), key=lambda item: -len(item[0]))


def _split_topic(question: str) -> tuple[str, str | None]:
    """ "which waste actions mention recycling" -> ("which waste actions ", " recycling")."""
    cue = _TOPIC_CUE.search(question)
    return (question[: cue.start()], question[cue.end() :]) if cue else (question, None)


def _content_words(text: str) -> list[str]:
    """The words of ``text`` that say what an action is about: the tokenizer's words, unstemmed (they are
    shown back: "mention “inhalers”"), without figures, financial years or the words of asking."""
    return [word for word in plain_tokens(text) if word.isalnum() and word[0].isalpha() and len(word) > 1 and word not in _STOPWORDS]


def phrases_written(rows: Iterable[ActionRow]) -> frozenset[tuple[str, str]]:
    """Every pair of words the actions write side by side, as tokens ("food", "waste" of "... reducing food waste"), not
    across a comma or "and" ("energy, water, waste, transport" writes no phrase "water waste": a re-review)."""
    return frozenset(pair for row in rows for part in _JOINED.split(row.action) for pair in pairwise(plain_tokens(part)))


def _phrase_across_themes(text: str, themes: list[str], phrases: frozenset[tuple[str, str]]) -> set[str]:
    """Words standing side by side that each name a theme alone but no one theme together, and that an action writes
    side by side (``phrases``): a phrase of the actions' text ("food waste" names Food and Nutrition and Waste; the
    Food and Nutrition action "... reducing food waste" is what a lead asking "what actions are there for food waste?"
    wants, and a trial had got the Waste theme's actions mentioning "food" alone). Words no action writes together
    name themes as before ("sustainable travel", "maternity workforce", "supply chain waste": a review had them
    answered from the documents or no match), and so do words of one theme's name ("building energy", "capital
    projects") and words a comma or "and" joins ("medicines, water")."""
    pairs = [pair for part in _JOINED.split(text) for pair in pairwise(plain_tokens(part)) if pair in phrases]
    phrase: set[str] = set()
    for pair in pairs:
        words = _content_words(" ".join(pair))
        if len(words) < len(pair):  # "water actions", "the waste": a word of asking between
            continue
        together, unused = _match_theme(words, themes)
        if together is not None and unused and all(_match_theme([word], themes)[0] is not None for word in words):
            phrase.update(words)
    return phrase


def _match_theme(words: list[str], themes: list[str]) -> tuple[str | None, list[str]]:
    """The theme the words name best, and the words it did not use.

    A theme scores the strength of its best-matched words (synonym > same stem
    > prefix); ties go to the theme whose words are more fully covered, so
    "workforce" prefers a theme called "Workforce" to "Workforce and Systems Leadership".
    """
    best: tuple[int, float] = (0, 0.0)
    chosen, used = None, set()
    for theme in dict.fromkeys(themes):
        score, words_used = _theme_score(words, theme)
        if score[1] >= _MIN_THEME_COVERAGE and score > best:
            best, chosen, used = score, theme, words_used
    return chosen, [word for word in words if word not in used]


def _theme_score(words: list[str], theme: str) -> tuple[tuple[int, float], set[str]]:
    """(total strength, share of the theme's words matched), and the question words that matched."""
    theme_words = _content_words(theme)
    best_per_theme_word = [
        max(((_strength(word, theme_word), word) for word in words), default=(0, "")) for theme_word in theme_words
    ]
    matched = [(strength, word) for strength, word in best_per_theme_word if strength]
    total = sum(strength for strength, _ in matched)
    return (total, len(matched) / max(len(theme_words), 1)), {word for _, word in matched}


def _strength(word: str, theme_word: str) -> int:
    if _SYNONYMS.get(word) == theme_word:
        return _SYNONYM_STRENGTH
    if stem(word) == stem(theme_word):
        return _EXACT_STRENGTH
    if len(word) >= _MIN_PREFIX and theme_word.startswith(stem(word)) and not is_ordinary_word(word):
        # A word cut short ("inhal", "sustainab"); a common word of its own is another word ("worked" is no
        # "Workforce", "medical" no "Medicines": a paraphrase asking "... so their carbon can be worked out?" had
        # been read as a Workforce action and answered "No actions match").
        return _PREFIX_STRENGTH
    return 0


# --- Filtering -----------------------------------------------------------------------------------


def _matches(row: ActionRow, f: ActionFilter) -> bool:
    if f.due and not meets_due(row.due_normalised, f.due):
        return False
    if f.status and not has_status(row, ActionStatus(f.status)):
        return False
    if f.lead and not led_by(row.lead or "", f.lead):
        return False
    if f.theme and not any(within_theme(row.theme, theme) for theme in f.themes()):
        return False
    if f.scope and row.scope != f.scope:
        return False
    if f.source and row.source != f.source:
        return False
    if f.number and not has_number(row, f.number):
        return False
    if f.briefed and row_key(row) not in _briefed_set(f.briefed):
        return False
    return not f.text or _mentions(row, _content_words(f.text))


@lru_cache(maxsize=64)
def _briefed_set(briefed: str) -> frozenset[RowKey]:
    return frozenset(rows_briefed(briefed))


def _mentions(row: ActionRow, words: list[str], share: float = _SHARE_OF_WORDS_TO_MENTION) -> bool:
    """Whether the row's text holds enough of the words, ``share`` of them (by stem, or as a prefix of a longer word)."""
    stems = {stem(word) for word in _content_words(f"{row.theme} {row.action} {row.progress or ''}")}
    wanted = [stem(word) for word in words]
    found = sum(1 for want in wanted if any(_stem_matches(want, row_stem) for row_stem in stems))
    return found >= math.ceil(len(words) * share)


def _stem_matches(wanted: str, row_stem: str) -> bool:
    """Same stem, or a longer word starting with it ("inhal" finds "inhaler"); short stems must be exact."""
    return row_stem == wanted or (len(wanted) >= _MIN_PREFIX and row_stem.startswith(wanted))


def _nearest_relaxation(f: ActionFilter, all_rows: list[ActionRow]) -> Relaxation | None:
    """Drop as few constraints as possible; among equals, the one matching fewest rows is nearest."""
    constraints = f.constraints()
    # Dropping every constraint "matches" the whole table, which tells the lead nothing.
    for size in range(1, len(constraints)):
        options = []
        for dropped in combinations(constraints, size):
            relaxed = replace(f, **{name: None for name in dropped})
            matched = filter_actions(all_rows, relaxed)
            if matched:
                options.append(Relaxation(relaxed, dropped, tuple(matched)))
        if options:
            # A number asked is the first to go: "action 16 in medicines" is nearest to Medicines' actions, not to
            # other themes' actions numbered 16.
            return min(options, key=lambda option: ("number" not in option.dropped, option.count))
    return None


def within_theme(row_theme: str, theme: str) -> bool:
    """The row's theme is the theme asked for, or a longer one whose name holds it whole: the QSRM
    letter's "Workforce" and "Capital" beside the Green Plan's "Workforce and Systems Leadership" and
    "Capital Projects", which a lead asking for "workforce actions" means as well."""
    return row_theme == theme or bool(re.search(rf"(?<!\w){re.escape(theme)}(?!\w)", row_theme))


def led_by(row_lead: str, lead: str) -> bool:
    """Whether a row's lead cell names the lead asked for: as written ("ICB", "Coombes"), or, for a first
    name and surname, the same surname after a first name one is short for ("Mel Coombes" and "Melanie
    Coombes" are one person: the letter writes her both ways)."""
    if re.search(rf"(?<!\w){re.escape(lead)}(?!\w)", row_lead, re.I):
        return True
    *first, surname = lead.split()
    if len(first) != 1 or len(first[0]) < 2:
        return False
    asked = first[0].lower()
    return any(
        _short_for(named, asked) or _short_for(asked, named)
        for named in (m.group(1).lower() for m in re.finditer(rf"(\w+)\s+{re.escape(surname)}(?!\w)", row_lead, re.I))
    )


# A first name this long or shorter, at the start of a longer one, is short for it ("Mel", "Melanie";
# "Chris", "Christopher"); longer ones are names of their own ("Daniel", "Danielle"). Set by hand.
MAX_SHORT_NAME = 5


def _short_for(short: str, full: str) -> bool:
    return len(short) <= MAX_SHORT_NAME and len(short) < len(full) and full.startswith(short)


# --- Wording -------------------------------------------------------------------------------------


def _summary(count: int, theme_count: int, f: ActionFilter, titles: dict[str, str], rows: list[ActionRow] | None = None) -> str:
    """ "17 actions are due in 2023/24 across 9 themes". Of the words asked, those the ``rows`` mention: a row
    holding most of them matches, and "mentions “cost”" of a row that does not would mislead."""
    be, mention = ("is", "mentions") if count == 1 else ("are", "mention")
    traits = _traits(f, titles)
    predicates = [f"{be} {and_list(traits)}"] if traits else []
    words = f.text.split() if f.text else []
    mentioned = [word for word in words if rows is None or any(_mentions(row, [word]) for row in rows)] or words
    predicates += [f"{mention} {_quoted_words(' '.join(mentioned))}"] if mentioned else []
    across = f" across {theme_count} themes" if theme_count > 1 else ""
    return f"{counted_actions(count)} {' and '.join(predicates) or be + ' listed'}{across}{_per_document(rows or [], f, titles)}"


def _per_document(rows: list[ActionRow], f: ActionFilter, titles: dict[str, str]) -> str:
    """How many rows each document gives, when they come from more than one and the filter names none: a lead trial
    read "72 actions are due in 2022/23" as the Green Plan's 67 (the NHS England letter's log gave the other 5)."""
    counts = Counter(row.source for row in rows)
    if f.source or len(counts) < 2:
        return ""
    return f" ({and_list([f'{n} from {titles.get(slug, slug)}' for slug, n in counts.items()])})"


def _traits(f: ActionFilter, titles: dict[str, str]) -> list[str]:
    """Theme, lead, due and document in words: "in Water", "led by ICB", "due in 2023/24", "from the ... letter"."""
    due = describe_due(f.due) if f.due else ""
    source = f"from {titles.get(f.source, f.source)}" if f.source else ""
    themes = f"in {and_list(f.themes())}" if f.theme else ""
    if f.status == ActionStatus.OVERDUE.value and f.due:  # "overdue": due before this month and not closed
        status, due_trait = f"overdue (due {due} and not marked closed)", ""
    elif f.status == ActionStatus.OVERDUE.value:
        # Without its due date "overdue" holds every row not closed: a nearest match that dropped the date had been
        # labelled "(in Water, overdue)" for four actions due in 23/24 (a new user's trial, in January 2023).
        status, due_trait = "not marked closed", ""
    else:
        status, due_trait = f"{f.status}", f"due {due}"
    traits = [
        (f"numbered {and_list(f.number.split(','), 'or')}" if f.number else "", f.number), (BRIEFED_TRAIT, f.briefed), (themes, f.theme),
        (f"led by {f.lead}", f.lead), (due_trait, f.due), (f"{f.scope}", f.scope), (source, f.source), (status, f.status),
    ]
    # An overdue filter's due date is said with its status: no trait of its own (a trial saw "5 actions are , from ...").
    return [trait for trait, value in traits if value and trait]


# The rows of a briefing's "What happens next" in words: "7 actions are on the briefing's topic" (its own words, "The action
# table has 7 actions on this topic").
BRIEFED_TRAIT = "on the briefing's topic"


def _describe_filter(f: ActionFilter, titles: dict[str, str]) -> str:
    """Every constraint in words, "" for none."""
    return ", ".join(_constraints_in_words(f, titles))


def _constraints_in_words(f: ActionFilter, titles: dict[str, str]) -> list[str]:
    """Each constraint in words: its traits (``_traits``), then the words it looks for ("mentioning “food”")."""
    return _traits(f, titles) + ([f"mentioning {_quoted_words(f.text)}"] if f.text else [])


def actions_described(f: ActionFilter, titles: dict[str, str]) -> str:
    """The actions a filter lists, as words a follow-up's pronoun can stand for: "the actions in Green Space and
    Biodiversity, due in 2022/23" ("what's the progress on them?" after narrowing to them)."""
    described = _describe_filter(f, titles).replace("“", "").replace("”", "")
    return f"the actions {described}" if described else "the actions"


def _describe_relaxation(relaxation: Relaxation, titles: dict[str, str]) -> str:
    # The due date of an overdue filter is its being past due: "which water actions are overdue?" named no date.
    overdue = relaxation.filter.status == ActionStatus.OVERDUE.value
    names = {"due": "being past due" if overdue else "the due date", "lead": "the lead", "theme": "the theme", "text": "the words", "scope": "the scope", "source": "the document", "status": "the status", "number": "the number", "briefed": "the briefing's topic"}
    dropped = and_list([names[name] for name in relaxation.dropped])
    verb = "matches" if relaxation.count == 1 else "match"
    described = _describe_filter(relaxation.filter, titles)
    return f"Nearest: without {dropped}, {counted_actions(relaxation.count)} {verb}" + (f" ({described})." if described else ".")


def row_details(row: ActionRow, location: Callable[[ActionRow], str] | None = None) -> str:
    """ "lead ICB; due 22/23", then the row's status, its progress and what a lead corrected (both from the action
    log's import: a trial found them imported and never shown, and a corrected lead beside a citation quoting the
    document's), where it is (``location``) and any damage found reading it."""
    details = [f"lead {row.lead}" if row.lead else "no lead given", f"due {row.due}" if row.due else "no due date given"]
    details += [f"status {row.status}"] if row.status else []
    details += [f"progress: {progress_shown(row.progress)}"] if row.progress else []
    # "updated": a lead may correct a value the document prints or give one it does not (a status, say).
    details += [f"{and_list(list(row.corrected))} updated since the document"] if row.corrected else []
    # A lead or due missing is said above in words; the flags for them would only say it again ("due ?; missing due").
    flags = [flag for flag in row.flags if flag not in {MISSING_DUE, MISSING_LEAD}]
    return "; ".join(details + ([location(row)] if location else []) + flags)


# The most of a lead's progress update a listing shows (``progress_shown``): an import takes cells of up to 131,072
# characters, and a re-review's Teams card of 15 rows each with 1,650 characters of progress ran to 37 KB, near or over
# what Teams takes in one message. A few sentences; set by hand, not fitted. The export and --json carry it whole.
MAX_PROGRESS_CHARS = 300


def progress_shown(progress: str) -> str:
    """A progress update as a listing shows it: on one line, as the row is (a review: a line break split the row), and
    cut after MAX_PROGRESS_CHARS at a word, marked "…"."""
    text = collapse_whitespace(progress)
    if len(text) <= MAX_PROGRESS_CHARS:
        return text
    cut = text[:MAX_PROGRESS_CHARS].rsplit(" ", 1)[0] or text[:MAX_PROGRESS_CHARS]
    return f"{cut.rstrip(' ,;:')}…"


def _quoted_words(text: str) -> str:
    """The words an action must mention, each quoted: “appoint” and “sro”, not “need appoint sro”, which
    read as a phrase of the documents (a new user's trial)."""
    return and_list([f"“{word}”" for word in text.split()])


def counted_actions(count: int) -> str:
    """"1 action", "4 actions"."""
    return f"{count} action" if count == 1 else f"{count} actions"
