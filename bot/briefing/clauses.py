"""Sentences cut into clauses, and what of a sentence can stand in a briefing.

Everything here works on the text of one sentence and returns a substring of
it, so a point or a key figure stays verbatim on the cited page. It recognises
figures (amounts, percentages, years, counts of things), splits a sentence at
clause boundaries (never inside brackets; flattened table rows and glued chart
captions too), and tells prose from table debris, captions and links.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

from bot.briefing.topic import Query, coverage, stems_of, with_phrases
from bot.quoting import without_heading
from index.due_dates import financial_year_end
from index.text import WHOLE_CLAIM_STOPS, collapse_whitespace, ends_with_stop, is_english_word, is_ordinary_word
from index.vocabulary import (
    CALENDAR_YEAR,
    CAPTION_END,
    DAY_BEFORE_MONTH,
    MONTH_FULL_NAMES,
    MONTH_WITH_YEAR,
    MONTHS,
    WEB_ADDRESS,
)

# What can stand as a point or a key figure. Set by hand, none fitted: read off the dev topics' sentences
# (a point a comms officer can paste is one or two lines; a key figure's clause names what it measures in
# a short line; shorter clauses are fragments, and lines mostly in capitals or figures are headings or
# table rows).
# A longer sentence is cut at a clause break to this length (two to three lines). Chosen for each fold
# among 300, 330, 360, 400 and 450 on the other four (the smallest best; 360, 400 and 450 tie on each
# four): out of fold 73 -> 75 of 103 facts, one in fold 2 and one in fold 3, none lost. At 300 the
# 357-character sentence naming Saving Babies Lives was cut before it.
MAX_POINT_CHARS = 360
MAX_FIGURE_CHARS = 220  # a key figure's clause at most this long
MIN_CLAUSE_CHARS = 25  # a clause shorter than this is a fragment
MIN_LOWER_SHARE = 0.4  # below this share of lower-case words a line is a heading or a table row
MIN_POINT_WORDS = 6  # a point has at least this many words
MAX_FIGURE_TOKEN_SHARE = 0.3  # above this share of figures a text is a table, not prose
MIN_TABLE_ROWS = 2  # row breaks that make a "sentence" a flattened table

_WORD = re.compile(r"[A-Za-z][a-z]+")
_WORD_TOKEN = re.compile(r"[A-Za-z][A-Za-z’'-]*")
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]{2,}")  # glued words ("totalled27,420") count too
_UNIT = (
    r"(?:days?|weeks?|months?|years?|hours?|minutes?|patients?|people|staff|posts?|beds|sites|practices|"
    r"appointments|referrals|breaches|cases|vaccinations|doses|boosters|suppliers|tonnes|miles|km|"
    r"[kM]?t?CO2e|kgCO2e|[kMG]Wh|m³)"
)
# A year or a financial year as a figure: "2040", "2021/22".
_YEAR_TEXT = rf"{CALENDAR_YEAR}(?:/\d{{2,4}})?"
# A key figure, as a briefing shows one: amounts, percentages, large numbers, years, ranks and counts of
# things with their unit. Broader than a fact's figure (index.vocabulary.FIGURE, any number): a briefing
# lists figures that measure something, not section numbers.
# pypdf glues words to numbers ("totalled27,420"), so no word boundary is asked before them.
_FIGURE = re.compile(
    r"£\s?\d[\d,.]*(?:\s?(?:bn|m|k|million|billion)\b)?"
    r"|(?<![\d.,])\d[\d,.]*\s?%"
    r"|(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    rf"|\b{_YEAR_TEXT}\b"
    r"|\b\d+(?:st|nd|rd|th)\b"
    r"|\b\d+(?:\.\d+)?\s?(?:[a-z]+\s)?" + _UNIT + r"(?![a-z]|[\s-]+olds?\b)"
)
# An amount: money, a share or a large count. Narrower than index.vocabulary.AMOUNT, which also counts
# "3m" and "5k"; kept because the briefing's selection weights were fitted with this one.
_AMOUNT = re.compile(r"£\s?\d|(?<![\d.,])\d[\d,.]*\s?%|(?<![\d.,])\d{1,3}(?:,\d{3})+")
# Clause breaks: after , ; : and before a spaced dash, a bullet or an "o" sub-bullet.
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—]\s)|\s+(?=[•▪●]\s)|\s+(?=o\s[A-Z])")
# In a flattened table a row ends with a run of figures and the next starts with a capitalised word.
_TABLE_ROW_BREAK = re.compile(r"(?:\S*\d\S*\s+)\S*\d\S*\s+(?=[A-Z][A-Za-z’'()-]*(?:\s|$))")
# A chart caption glued to the sentence after it: "Figure 15Total carbonfootprint in2020/21 The Carbon ...".
_CAPTION = re.compile(r"^(?:Figure|Table|Chart)\s?\d+")
_GOOD_START = re.compile(r"[A-Z£“‘\"'(•▪●–]|\d[\d,.%]*\s")
_FIGURE_TOKEN = re.compile(r"^[(£$]?\d")
# A chart or table caption anywhere in a text ("... emissions Figure 15Total carbon footprint"), or a
# pointer to one or to another part of the page ("as shown in Figure 34 above", "see below"):
# neither means anything pasted into a briefing.
_FIGURE_MENTION = re.compile(r"\b(?:Figures?|Fig\.|Tables?|Charts?|Graphs?|Diagrams?)\s?\d+", re.IGNORECASE)
_POINTING_VERB = r"(?:see|shown|set out|stated|mentioned|described|outlined|detailed|listed|illustrated)"
_ELSEWHERE = r"\s+(?:\w+\s+){0,2}(?:above|below|overleaf)"
_SEE_ELSEWHERE = re.compile(rf"\b(?:{_POINTING_VERB}|as){_ELSEWHERE}\b", re.IGNORECASE)
# ... or a table or chart named by where it stands ("The table below shows in April 2022 ...", a trial's GP access
# headline): the briefing shows no table.
# (Not "figures", which are numbers too: "these figures above 92%"; a review's.)
_SHOWN_ELSEWHERE = re.compile(r"\b(?:the|this)\s+(?:table|chart|graph|diagram|map)\s+(?:above|below|overleaf)\b", re.IGNORECASE)
# A pointer that ends a sentence as an aside ("... took place on the 1st July as detailed below."): the
# claim before it stands without it. Only "as ...", so "The governance is outlined below." is not cut to "... is".
_TRAILING_POINTER = re.compile(rf"[\s,;:]*\bas\s+{_POINTING_VERB}{_ELSEWHERE}\W*$", re.IGNORECASE)
# A pointer to a chart that opens a sentence or stands as an aside in it ("As shown in Figure 27, we need to reduce
# total waste arisings by over 1,000 tonnes by 2024/25 ...", "... commute (as shown in Figure 12).", "... (see Figure
# 28)."): the claim stands without it (a trial's "water and waste" briefing left the 1,000 tonnes out for its
# opening). Other mentions of a figure ("Figure 20 shows ...") still refuse the sentence.
_LEADING_POINTER = re.compile(
    r"^As\s+(?:can\s+be\s+)?(?:shown|seen|illustrated|depicted|set\s+out)\s+in\s+(?:Figures?|Tables?|Charts?)\s+\d+"
    r"(?:\s*(?:,|and|&)\s*\d+)*\s*,\s*(?=[a-z])"
    # ... or to what was said before it ("In addition to the above, Primary Care has also delivered ...", "In addition to
    # this, a further ...", a trial's GP access points): the claim after it stands alone.
    r"|^(?:In\s+addition\s+to|Further\s+to|As\s+well\s+as)\s+(?:(?:all\s+of\s+)?the\s+above|this|these|that)\s*,\s*(?=\S)"
)
_ASIDE_POINTER = re.compile(r"\s*\((?:see|as\s+shown\s+in)\s+(?:Figures?|Tables?)\s+\d+(?:\s+and\s+\d+)?\)(?=\W*$)", re.IGNORECASE)
# A report's closing words run onto its last sentence ("... for assurance and information only End of Report").
_END_OF_REPORT = re.compile(r"\s+End\s+of\s+(?:Report|Paper|Document)\W*$", re.IGNORECASE)
# A table's header row run into a sentence: three or more words in capitals that are words, not acronyms
# ("AREA ACTION LEAD TIMESCALE STATUS"). Acronyms are told apart as words English does not have.
_CAPITALS_RUN = re.compile(r"\b[A-Z]{3,}(?:\s+[A-Z]{3,}){2,}\b")
_LEANING = re.compile(r"^(?:This|These|Those|They|Such|He|She|Their)\b")
# A clause cut from the middle of its sentence that needs what came before it: "and 1 kgCO2e per dry powder
# inhaler.", "it accounts for 72% of all emissions from volatile anaesthetics." (desflurane, named before it).
_PARTICIPLE = re.compile(r"[a-z]+ing\b")  # "emitting", "resulting", "including": a clause going on from the one before
_CUT_AND_LEANING = re.compile(r"^(?:and|or|but|nor|so|which|whose|who|it|its|they|their|them|this|these|those|with|whilst|while)\b")
# A sentence that carries on the one before: it opens by pointing back ("This ...", "They ...") or
# names what that one said in its first few words ("You recognised this risk and described the actions").
_CONTINUES = re.compile(r"^(?:(?:This|These|Those|They|Such)\b|(?:\S+\s+){1,3}(?:this|these|those)\s+[a-z]{3,})")
_LEADING_MARK = re.compile(r"^(?:[•▪●–—-]|o(?=\s[A-Z])|\d{1,2}\.(?=\s[A-Z]))\s+")
_MONTH = rf"(?:{MONTH_FULL_NAMES})"
_DATE = re.compile(rf"\b{_YEAR_TEXT}\b|{DAY_BEFORE_MONTH}{_MONTH}\b|\b{_MONTH}\s+{CALENDAR_YEAR}\b")
# A year as a time limit, after "by", "before", "until" (or "from"): "by the end of March 2023".
_LIMIT_YEAR = rf"\s+(?:the\s+end\s+of\s+)?(?:{DAY_BEFORE_MONTH})?(?:{_MONTH}\s+)?{CALENDAR_YEAR}\b"
# What makes a dated sentence a commitment rather than a report of the past.
_PROMISE = re.compile(
    r"\b(?:will|due|plan(?:s|ned)? to|aim(?:s|ing)? to|commit(?:s|ted)? to)\b"
    rf"|\b(?:by|from|before|until){_LIMIT_YEAR}"
    r"|\b(?:by|from|before)\s+" + _MONTH + r"\b",
    re.IGNORECASE,
)
# A year a text names, read for when it falls: a financial year, a month with its year, or a year alone.
_DATED = re.compile(
    rf"\b(?P<financial>{CALENDAR_YEAR})/\d{{2,4}}\b|\b(?P<month>{_MONTH})\s+(?P<month_year>{CALENDAR_YEAR})\b|\b(?P<year>{CALENDAR_YEAR})\b"
)
# A week given by the day it starts, with no year after it: "W/C 20 June", "w/c 4th July", "week commencing 20 June".
# Papers write them for the weeks about them; a trial's July 2022 paper had "File migration which is due to take place
# W/C 20 June" shown as a commitment, its date unread for want of a year.
_WEEK_COMMENCING = re.compile(
    rf"(?:\bw/c|\bw\.c\.|\bweek\s+(?:commencing|beginning))\s*{DAY_BEFORE_MONTH}(?P<month>{_MONTH})\b(?!,?\s+{CALENDAR_YEAR}\b)",
    re.IGNORECASE,
)
# A month a text names, with a year or without: "by December", "June 2023", "Sept"; not "may", the verb (read apart).
_MONTH_NAMED = re.compile(rf"\b(?:{'|'.join(MONTHS)}|sept)\b", re.IGNORECASE)
# The years a week with no year could be in, beside the year a document was written: the one nearest it is meant (and
# so for a month with no year beside the week). Later first, so a week as far ahead as behind (six months either way)
# is read as ahead: kept as a promise.
_YEARS_AROUND = (1, 0, -1)
# The words that make the month after them a deadline: "by January", "until March", "by the end of May".
_DEADLINE_BEFORE = re.compile(r"\b(?:by|until|till|before)\s+(?:(?:the\s+)?end\s+of\s+)?$", re.IGNORECASE)
_TRAILING_PUNCTUATION = " ,;:–—-"


def figures_in(text: str) -> set[str]:
    return {collapse_whitespace(match) for match in _FIGURE.findall(text)}


# A number with a singular unit of time names a measure, not a value of it: "62 day Wait from GP referral", "the
# 4 hour standard", "12 hour trolley waits" (English writes the value plural: "waited 57 days"). One is both.
_NAMES_A_MEASURE = re.compile(r"^(?!1\b)\d+\s?(?:day|week|month|year|hour|minute)$")


def measured_figures(text: str) -> set[str]:
    """The figures of a text that are values: not those naming a measure ("62 day" of "62 day wait")."""
    return {figure for figure in figures_in(text) if not _NAMES_A_MEASURE.match(figure)}


_YEAR_FIGURE = re.compile(_YEAR_TEXT)
# A year set as a deadline or target: "net zero by 2040/2045", "by March 2023", "until 2025".
_DEADLINE = re.compile(rf"\b(?:by|until|before){_LIMIT_YEAR}", re.IGNORECASE)


def gives_a_value(text: str) -> bool:
    """A figure other than a year, or a year set as a deadline: "for 2021/22" dates a claim ("We thanked you for
    reaching the agreed year-end position for 2021/22") and "The 2023 event" names one, they measure nothing; a
    day ("3rd October"), a count, an amount or "net zero by 2040" does."""
    return bool(_DEADLINE.search(text)) or any(not _YEAR_FIGURE.fullmatch(figure) for figure in measured_figures(text))


# A clause with more numbers than this, each a word of its own, is a run of a table's cells ("6,771 6,408 -363 -5%
# 6,771 6,408 ..."), whose numbers say nothing of what each measures. Set by hand, not fitted: a table row of one
# measure by trust with its week's and six weeks' values ("... Last 6 weeks GEH 299 0 299 299 100.0% 99.9%") has
# seven; no fact of eval/topics.jsonl is carried by a longer run alone.
MAX_NUMBERS_IN_A_CLAIM = 7
_NUMBER_WORD = re.compile(r"\(?[-–]?£?\d[\d,.]*%?\)?[.,;:]?")


def is_a_run_of_cells(text: str) -> bool:
    """Whether the text holds more than MAX_NUMBERS_IN_A_CLAIM numbers standing as words of their own (years, counts,
    amounts and percentages alike): a table's cells, not a claim that says what a figure measures."""
    return sum(bool(_NUMBER_WORD.fullmatch(word)) for word in text.split()) > MAX_NUMBERS_IN_A_CLAIM


# A cell's first word in a table the text layer ran into one line: a capitalised everyday word straight after a
# word or figure of the cell before, with no stop or comma between, no article or preposition before it and no
# capitalised word after it (not a name: "the Clean Air Hospital Framework", "said Mr Johns"). "Variance -2.2%
# Maximise 2 hour urgent community response Reduction of community service waiting lists Deceasing trend ..."
# has seven. Set by hand on the corpus: 46 of its 2,475 sentences have three or more, nearly all table rows,
# chart labels or headings run into one another. A trial's briefing had given that one as a dated commitment; as
# points, such rows still carry facts (the PHM Roadmap's staffing table: two of t03's five), so only commitments
# are kept from them.
MIN_CELL_STARTS = 3
_NOT_A_CELL_START_AFTER = frozenset("the a an our their its his her this that these those of to and or by for with in at on from as into per than nhs".split())
_TOKEN = re.compile(r"\S+")
_QUOTES = "()‘’'\"“”"


def is_a_run_of_worded_cells(sentence: str) -> bool:
    """A table's cells of words run into one line by the text layer (see ``MIN_CELL_STARTS``); ``is_a_run_of_cells``
    finds those of numbers."""
    tokens = [token.strip(_QUOTES) for token in _TOKEN.findall(sentence)]
    starts = 0
    for before, word, after in zip(tokens, tokens[1:], tokens[2:] + [""]):
        titled = len(word) >= 3 and word.isalpha() and word[0].isupper() and word[1:].islower()
        if not titled or not is_ordinary_word(word.lower()) or not before or before[-1] in ".,;:!?":
            continue
        if before.lower() in _NOT_A_CELL_START_AFTER or before[:1].isupper() or after[:1].isupper():
            continue
        starts += 1
    return starts >= MIN_CELL_STARTS


def has_figure(text: str) -> bool:
    return bool(_FIGURE.search(text))


def has_amount(text: str) -> bool:
    """Money, a percentage or a large count: the figures comms lead with."""
    return bool(_AMOUNT.search(text))


def refers_elsewhere(text: str) -> bool:
    """A caption, a figure or table reference, or "see above/below": not a point on its own."""
    return bool(_FIGURE_MENTION.search(text) or _SEE_ELSEWHERE.search(text) or _SHOWN_ELSEWHERE.search(text))


# A sentence that introduces what comes after it ("The following policies were due for renewal April 2022."): alone,
# with nothing after it, it says nothing (a briefing's headline was one). Not when what it introduces is in it, after a
# colon or a list's mark ("The committee noted the following: CWPT: six concerns on level two ...").
# Only one that opens on "The following ..." or ends on "... as follows." or "... the following (3 policies) ...:", so
# "APPROVED the following - Financial Budget ..." and "In the following year ..." stand.
_POINTS_AHEAD = re.compile(
    r"^\W*the\s+following\b(?![^:;•▪●–-]*[:;•▪●–-]\s*\w)|\b(?:the\s+following|as\s+follows)\b[^.;]*:\s*$|\bas\s+follows\W*$",
    re.IGNORECASE,
)


def points_ahead(text: str) -> bool:
    return bool(_POINTS_AHEAD.search(text.strip()))


# A question someone asked, reported ("Dr Menon asked how ...", "Mr Percival queried whether ..."): the
# minutes' record of a discussion, not a fact to lead a briefing with.
_REPORTED_QUESTION = re.compile(r"\b(?:asked|queried|enquired|wondered|questioned)\s+(?:\w+\s+){0,3}?(?:how|whether|if|what|why|when|where|who|which)\b", re.IGNORECASE)


def reports_a_question(text: str) -> bool:
    return bool(_REPORTED_QUESTION.search(text))


# Thanks given ("Thank you to you and your colleagues for attending ...", "I thanked Danielle for ...", "I would like
# to take this opportunity to thank you all", "She gave sincere thanks to all ...", "my thanks to all those ...",
# "Thanks again for your time"): courtesy of a letter or a chair's report, not a claim to brief with (a trial's briefing
# on the NHSE review had three of its eight points so). Not "thanks to the funding, ...". English, set by hand.
_THANKS = re.compile(
    r"\b[Tt]hank(?:ed|s)?\s+(?:you\b|all\b|everyone\b|colleagues\b|again\b|[A-Z][A-Za-z]+\b)"
    r"|\b(?:my|our|sincere|special|warm|heartfelt|grateful)\s+thanks\b"
    r"|\b(?:gave|give|gives|giving|echoed|reiterated|expressed|extended|offered|passed\s+on|recorded)\b[^.]{0,40}?\bthanks\b"
)


def gives_thanks(text: str) -> bool:
    """Courtesy rather than a claim: thanks given and no amount ("We thanked you for reaching the agreed year-end
    position ..." still serves when it gives the position in pounds)."""
    return bool(_THANKS.search(text)) and not has_amount(text)


# A cover sheet's fields run into one sentence by the text layer ("Purpose: To advise Members of the financial position
# ... Contribution to meeting the aims of the ICS: Enhancing Productivity ..."): a label of capitalised words closing on
# a colon, twice. A form, not a claim (a trial's month 3 finance briefing was headed by one). One label ("Key Points:
# The draft financial position ...") introduces a claim and stays, and so do initials ("The committee noted the
# following: CWPT: six concerns ...": an organisation's item of a list) and a label before a figure ("Coventry: 52%;
# Warwickshire: 48%": a review).
_FORM_LABEL = re.compile(r"(?:^|(?<=[\s.)]))[A-Z][A-Za-z&'’ -]{2,60}?:\s(?![\d£])")


def runs_form_fields(text: str) -> bool:
    """Two or more of a form's labels in one sentence: a cover sheet's fields, not a claim."""
    return sum(not label.rstrip(": ").isupper() for label in _FORM_LABEL.findall(text)) >= 2


def is_whole_sentence(quote: str, sentence: str) -> bool:
    """The quote is the sentence itself (bar a bullet), opening with a capital and closing with a full stop."""
    return quote == tidy(sentence) and quote[:1].isupper() and ends_with_stop(quote, WHOLE_CLAIM_STOPS)


def is_commitment(text: str, written: date | None = None, year_only: bool = False) -> bool:
    """A dated promise: "By April 2023, to have in place ...", "contracts above £5 million will ... from April 2023".

    Given the day the document was written, a promise all of whose dates were past by then is a report
    of what happened ("The target ... was achieved by 31 March 2022" in a July 2022 paper), not one.
    ``year_only``: the document is dated by its year alone, and ``written`` is that year's first day.
    """
    if not (_DATE.search(text) and _PROMISE.search(text)):
        return False
    if written is None:
        return True
    named = [latest_month_named(text), *week_commencing_months(text, written, year_only)]
    latest = max((month for month in named if month is not None), default=None)
    return latest is None or latest >= (written.year, written.month)


def week_commencing_months(text: str, written: date, year_only: bool = False) -> list[tuple[int, int]]:
    """The (year, month) of each week a text gives by its first day and no year ("W/C 20 June"), in the year that puts
    it nearest to when its document was ``written``: June 2022 in a July 2022 paper, "W/C 9 January" in a December 2022
    paper January 2023.

    In a paper dated by its year alone (``year_only``) a week is read in that year, so never past: a promise dated
    earlier that year still counts, as ``written_on`` has it (a 2022 paper's "w/c 5 September" was read as 2021's).
    After them, each month the text names with no year, in the year that puts it nearest its first week: the week is
    its date context. A later month names the real deadline ("planned W/C 20 June and will be delivered by December":
    December 2022 in a July 2022 paper, so the promise stands), an earlier one what led to the week ("W/C 4 April, as
    agreed in March": March 2022, so a week past is still past; a review found it kept, the sentence read undated).
    A deadline month ("by", "until", "before", "till" January) is read as the first such month at or after the week, not the
    nearest: "W/C 20 June ... completed by January" is January 2023, a promise still to keep in a July 2022 paper."""
    weeks = list(_WEEK_COMMENCING.finditer(text))
    if not weeks:
        return []
    at = (written.year, written.month)
    months = [(written.year, month) if year_only else _nearest(month, at) for month in (MONTHS[week["month"].lower()] for week in weeks)]
    return months + [
        _at_or_after(month, months[0]) if deadline else _nearest(month, months[0])
        for month, deadline in _months_without_a_year(text, weeks)
    ]


def _at_or_after(month: int, at: tuple[int, int]) -> tuple[int, int]:
    """A month given with no year, as (year, month) the first time it comes at or after ``at``."""
    year, at_month = at
    return (year, month) if month >= at_month else (year + 1, month)


def _nearest(month: int, at: tuple[int, int]) -> tuple[int, int]:
    """A month given with no year, as (year, month) in the year that puts it nearest ``at`` (later when as far either way)."""
    year, at_month = at
    return min(((year + step, month) for step in _YEARS_AROUND), key=lambda candidate: abs((candidate[0] - year) * 12 + month - at_month))


def _months_without_a_year(text: str, weeks: list[re.Match[str]]) -> list[tuple[int, bool]]:
    """The months a text names besides its weeks' own and with no year after them ("by December", "in Sept"); not
    "may", the verb, and not one with its year ("March 2022"), which ``latest_month_named`` reads. Each with whether it
    is a deadline, after "by", "until", "before" or "till" ("by (the) end of" too)."""
    dated = [(match.start(), match.end()) for match in (*weeks, *MONTH_WITH_YEAR.finditer(text))]
    return [
        (MONTHS[match.group().lower()], bool(_DEADLINE_BEFORE.search(text, 0, match.start())))
        for match in _MONTH_NAMED.finditer(text)
        if match.group() != "may" and not any(start <= match.start() < end for start, end in dated)
    ]


def latest_month_named(text: str) -> tuple[int, int] | None:
    """The latest (year, month) a text names: a financial year ends in March ("2024/25": 2025, 3), a year
    alone in December; None when it names no year ("from April")."""
    months = []
    for match in _DATED.finditer(text):
        if match["financial"]:
            months.append(financial_year_end(int(match["financial"])))
        elif match["month"]:
            months.append((int(match["month_year"]), MONTHS[match["month"].lower()]))
        else:
            months.append((int(match["year"]), 12))
    return max(months, default=None)


def names_share(text: str) -> float:
    """Share of the words after the first that are capitalised or acronyms ("Winter Access Fund",
    "DESMOND"): a sentence naming schemes, places and bodies."""
    words = _WORD_TOKEN.findall(text)[1:]
    return sum(word[0].isupper() for word in words) / len(words) if words else 0.0


def leans_on_its_sentence(clause: str) -> bool:
    """A clause that opens in lower case on a conjunction or a pronoun: a key figure that does not say what it measures."""
    return bool(_CUT_AND_LEANING.match(clause))


def leans_on_previous(text: str) -> bool:
    """"This identifies the groups ..." needs the sentence before it to make sense."""
    return bool(_LEANING.match(text))


# A demonstrative standing for something said before, as the subject of a verb in a sentence's first few words: "It is
# expected that this will reduce the number of people on the waiting list by 10%" (a trial's CAMHS headline, whose "this"
# is an autism assessment pilot the briefing never gives). Read for the headline only: as a selection feature too (the
# weights refitted) it took the latest inpatient figure out of "transforming care" and put a table's cells into "population
# health management" (a review), for the same facts out of fold.
_DEMONSTRATIVE_SUBJECT = re.compile(
    r"^(?:\S+\s+){1,5}?(?:this|these|those)\s+(?:will|would|is|was|are|were|has|have|had|can|could|may|might|means|meant)\b"
)


# "It" opening a sentence stands for something the one before named ("It has evolved from the work carried out by Feeding
# Coventry ..."), unless it is the "it" of "It is expected that ...", "It was agreed to ...", which stands for nothing.
_IT_STANDS_FOR_SOMETHING = re.compile(r"^It\s+(?!(?:is|was|will|would|has\s+been|had\s+been|remains|seems|appears|may|might|should|must)\b)")


def stands_on_the_sentence_before(text: str) -> bool:
    """A sentence whose subject is said in the one before: "They also provides ...", "It has evolved from ..." (a
    trial's food waste briefing had both as points, each half a claim)."""
    return leans_on_previous(text) or bool(_IT_STANDS_FOR_SOMETHING.match(text))


def needs_the_sentence_before(text: str) -> bool:
    """A sentence that cannot head a briefing alone: its subject is said in the one before
    (``stands_on_the_sentence_before``), or a demonstrative in its first words stands for something said there."""
    return stands_on_the_sentence_before(text) or bool(_DEMONSTRATIVE_SUBJECT.match(text))


# A quote the text layer cut before its sentence ended: no stop, and a last word no English sentence ends on ("The
# average wait by Place as of April 2022 are", its figures in a table; "... the ICS needs to"). "... where that may come
# from." ends on a preposition, with its stop.
_ENDS_UNFINISHED = re.compile(r"\b(?:are|is|was|were|be|of|the|a|an|to|and|or|for|with|by|from|as|our|their|its)\s*$", re.IGNORECASE)


def ends_unfinished(quote: str) -> bool:
    """A quote that stops mid-sentence (``_ENDS_UNFINISHED``): no point a comms officer could paste."""
    return bool(_ENDS_UNFINISHED.search(quote))


def continues_previous(text: str) -> bool:
    """"You recognised this risk and described the actions ...": the sentence goes on from the one before."""
    return bool(_CONTINUES.match(text))


def shown_as_a_point(sentence: str, quote: str) -> str:
    """How a point's quote is shown: with a capital when its sentence's opening pointer to a chart was cut off before
    it ("we need to reduce ..." of "As shown in Figure 27, we need to reduce ..."), else as quoted."""
    lead = _LEADING_POINTER.match(without_heading(sentence))
    first = quote.split(maxsplit=1)[0] if quote.strip() else ""
    # "eConsult", "iPads": a word written with a capital inside keeps its first letter (a review's).
    return quote[:1].upper() + quote[1:] if lead and quote[:1].islower() and first.islower() else quote


def point_quote(sentence: str, terms: dict[str, float]) -> str | None:
    """What of a sentence can stand as a point; None for a fragment, a question, a table or a heading.
    A closing "as detailed below" is left off; any other pointer elsewhere refuses the sentence; a heading
    run into its start is left off (``bot.quoting.without_heading``)."""
    sentence = without_heading(sentence)
    if lead := _LEADING_POINTER.match(sentence):
        sentence = sentence[lead.end() :]  # a suffix of the sentence, shown with a capital (``shown_as_a_point``)
    elif aside := _ASIDE_POINTER.search(sentence):
        sentence = sentence[: aside.start()]  # a prefix, verbatim
    if not (_GOOD_START.match(sentence) or lead) or sentence.rstrip().endswith("?") or _is_table(sentence):
        return None
    if gives_thanks(sentence) or runs_form_fields(sentence):
        return None  # courtesy or a cover sheet's fields: no claim
    if pointer := _TRAILING_POINTER.search(sentence):
        sentence = sentence[: pointer.start()]  # still a prefix of the sentence: verbatim on the page
    if ending := _END_OF_REPORT.search(sentence):
        sentence = sentence[: ending.start()]
    if any(sum(is_english_word(word) for word in run.group().split()) >= 3 for run in _CAPITALS_RUN.finditer(sentence)):
        return None  # a table's header row
    quote = trim_to_clauses(sentence, terms, opened=bool(lead))
    if quote is None or refers_elsewhere(quote):
        return None
    words = quote.split()
    return quote if words and len(_LOWER_WORD.findall(quote)) >= MIN_LOWER_SHARE * len(words) else None


def figure_clauses(sentence: str, queries: list[Query], aliases: dict[str, frozenset[str]], named: bool = True) -> list[str]:
    """Readable clauses of a sentence with numbers that name a word of the topic or a facet,
    so a table row about another measure, or a figure that merely sits near the topic, is left out."""
    found = []
    for start, end in clause_spans(sentence):
        clause = tidy(sentence[start:end])
        if not figures_in(clause) or not _readable(clause) or len(clause) > MAX_FIGURE_CHARS:
            continue
        stems = with_phrases(stems_of(clause), aliases)
        if not named or any(coverage(stems, q.terms) for q in queries):
            found.append(clause)
    return found


def trim_to_clauses(sentence: str, terms: dict[str, float], limit: int = MAX_POINT_CHARS, opened: bool = False) -> str | None:
    """The sentence, or the run of its clauses that says most about the topic within ``limit``; ``opened``: the
    sentence's opening was cut off (a pointer to a chart), so its first clause may start in lower case.

    The result is always a substring of the sentence, so it stays verbatim on
    the page. None when no run reads as prose (table debris, bare codes).
    """
    spans = clause_spans(sentence)
    windows = [
        (spans[first][0], spans[last][1])
        for first in range(len(spans))
        for last in range(first, len(spans))
        if (first == last or spans[last][1] - spans[first][0] <= limit)
        and (_GOOD_START.match(tidy(sentence[spans[first][0] : spans[first][1]])) or (opened and first == 0))
        and _plain(sentence[spans[first][0] : spans[first][1]])
        and _plain(sentence[spans[last][0] : spans[last][1]])
        and _readable(sentence[spans[first][0] : spans[last][1]])
    ]
    if not windows:
        return None
    start, end = max(windows, key=lambda w: (coverage(stems_of(sentence[w[0] : w[1]]), terms), w[0] == 0, w[1] - w[0]))
    text = tidy(sentence[start:end])
    return text if len(_WORD.findall(text)) >= MIN_POINT_WORDS else None


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """Character spans of a sentence's clauses, never cut inside brackets nor before a participle; a clause too short
    to stand alone joins the next. A clause opening on a participle says what the one before did ("We prescribed
    588,000 MDIs (76% of all inhalers), emitting 27,320 tCO2e and 188,000 DPIs ..."): cut off, a key figure read
    "emitting 27,320 tCO2e and 188,000 DPIs (24% of all inhalers)" (a new user's trial)."""
    cuts = {m.end() for m in _CLAUSE_BREAK.finditer(sentence) if not _PARTICIPLE.match(sentence, m.end())}
    if _is_table(sentence):
        cuts |= {m.end() for m in _TABLE_ROW_BREAK.finditer(sentence)}
    if _CAPTION.match(sentence) and (caption_end := CAPTION_END.search(sentence)):
        cuts.add(caption_end.end())
    cuts = {c for c in cuts if 0 < c < len(sentence) and sentence[:c].count("(") <= sentence[:c].count(")")}
    spans: list[tuple[int, int]] = []
    start = 0
    for end in sorted(cuts) + [len(sentence)]:
        if end - start >= MIN_CLAUSE_CHARS or end == len(sentence):
            spans.append((start, end))
            start = end
    return spans


def tidy(text: str) -> str:
    """A clause without its bullet, list number, trailing comma or a chart's axis after it; still a substring of the
    original."""
    return without_axis_ticks(_LEADING_MARK.sub("", text.strip()).rstrip(_TRAILING_PUNCTUATION))


# Percentages at the end of a text, each with the white space before it: a chart's axis when they step evenly.
_TRAILING_PERCENTAGES = re.compile(r"(?:\s+\d{1,3}(?:\.\d+)?%)+$")
_PERCENTAGE = re.compile(r"(\d{1,3}(?:\.\d+)?)%")
MIN_AXIS_TICKS = 3  # evenly stepped round percentages, this many or more, are a chart's axis (three: "50% 75% 100%")
MIN_AXIS_STEP = 10  # ... stepping by at least this much: a target rising by 5 points a year ("80% 85% ... 100%") is none


def without_axis_ticks(text: str) -> str:
    """The text without a chart's axis the text layer ran onto its end ("... all cancers 96% Apr-22 94.5% 50% 75%
    100%": the row's figures, then the axis ticks 50%, 75% and 100%): the longest run of at least ``MIN_AXIS_TICKS``
    round percentages (multiples of 5) ending the text, rising or falling by one step of ``MIN_AXIS_STEP`` or more from
    or to 0% or 100% (an axis's end; a trajectory's "70% 75% 80% 85%" and "80% 85% 90% 95% 100%" are the text's own,
    the reviews). A trial's key figure had ended on one."""
    trailing = _TRAILING_PERCENTAGES.search(text)
    if trailing is None:
        return text
    values = [float(v) for v in _PERCENTAGE.findall(trailing.group())]
    ticks = 0
    for n in range(len(values) - MIN_AXIS_TICKS + 1):  # the longest even run ending the text, from its earliest start
        run = values[n:]
        steps = {b - a for a, b in pairwise(run)}
        if len(steps) == 1 and abs(next(iter(steps))) >= MIN_AXIS_STEP and all(v % 5 == 0 for v in run) and {run[0], run[-1]} & {0.0, 100.0}:
            ticks = len(run)
            break
    if not ticks:
        return text
    cut = trailing.start()
    for _ in range(len(values) - ticks):  # keep the percentages before the axis
        cut = text.index("%", cut) + 1
    return text[:cut].rstrip(_TRAILING_PUNCTUATION)


def _readable(text: str) -> bool:
    """Prose rather than table cells, a caption, a link or a cut bracket: lower-case words, few figures."""
    tokens = text.split()
    figures = sum(bool(_FIGURE_TOKEN.match(token)) for token in tokens)
    plain = not _CAPTION.match(text.strip()) and not WEB_ADDRESS.search(text) and text.count("(") == text.count(")")
    return plain and len(_LOWER_WORD.findall(text)) >= 2 and figures <= MAX_FIGURE_TOKEN_SHARE * len(tokens)


def _plain(text: str) -> bool:
    """An end of a passage: words, not a caption, link or cut bracket (a short dated clause,
    "Between 30th April and 4th July,", is as dense in figures as a table cell, so the
    share of figures is judged on the whole passage, not on each end)."""
    plain = not _CAPTION.match(text.strip()) and not WEB_ADDRESS.search(text) and text.count("(") == text.count(")")
    return plain and len(_LOWER_WORD.findall(text)) >= 1


def _is_table(sentence: str) -> bool:
    return len(_TABLE_ROW_BREAK.findall(sentence)) >= MIN_TABLE_ROWS
