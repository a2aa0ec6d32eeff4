"""Figures broken down by organisation: the row of a benchmark table that gives a measure for each trust.

The performance report prints, beside each measure's charts, a small table of the month's figure per
organisation ("Organisation % CWCCG 79.0% SWFT 90.0% GEH UHCW 72.2%"; a blank where a trust sent no
data). "62 day cancer performance in April by trust?" asks for that row; the ranker finds the section's
prose ("In April there were 98 breaches ...") or the system-wide summary table instead. Here such rows are
read, and the one whose title (its section heading and its own label) names the measure asked is chosen;
``AnsweringService._organisation_rows`` finds them in the knowledge base.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from index.text import FINANCIAL_YEAR_TOKEN, WEEK_WAIT_SHORTENED, YEAR_TOKEN, tokenize
from index.vocabulary import MONTH_WITH_YEAR, MONTHS, NUMBER_WORDS, QUARTER, YEAR_WRITTEN

# A quarter named ("q4", "quarter 1", "qtr1", "this quarter", "the first quarter"). English, not fitted.
_QUARTER_NAMED = re.compile(
    rf"\b(?:{QUARTER}|qtr\s*[1-4]\b|(?:this|last|next|previous|first|second|third|fourth|final)\s+quarter\b)", re.IGNORECASE
)


def names_a_longer_period(question: str) -> bool:
    """Whether a question names a period longer than a month: a quarter, or a financial year as the tokenizer reads one
    ("2021/22", "fy22/23", "2021 to 2022": the token "fy21/22"; two years in a row, so "52-78 week waiters" is none). The
    rows by trust give one month, the report's (a review had "62 day cancer performance at swft in q4?" and "... by trust
    in 2021/22?" answered with April 2022's row)."""
    return bool(_QUARTER_NAMED.search(question)) or any(FINANCIAL_YEAR_TOKEN.fullmatch(token) for token in tokenize(question))


_BODIES = r"trusts?|providers?|organi[sz]ations?|orgs?|hospitals?"
# A breakdown by organisation asked: "by trust", "per provider", "broken down by organisation", "split by the trusts".
# Not "by the trust" or "by trusts" alone, a passive's agent ("what data was not submitted by the trust?", a review).
# English, set by hand after a new user's trial ("cancer 2ww ... by trust?").
_BY_ORGANISATION = re.compile(
    rf"\b(?:broken\s+down|split(?:\s+out)?)\s+by\s+(?:the\s+)?(?:{_BODIES})\b"
    rf"|\bper\s+(?:each\s+|individual\s+)?(?:{_BODIES})\b"
    r"|\bby\s+(?:each\s+|individual\s+)?(?:trust|provider|organi[sz]ation|org|hospital)\b(?!['’]?s\b)",
    re.IGNORECASE,
)
# A figure after an organisation's initials: "79.0%", "299", "1,234".
_FIGURE = re.compile(r"\s*(-?\d[\d,]*(?:\.\d+)?%?)(?![\w/])")
# A table's organisations are printed close together: at most this many characters between two of them.
MAX_GAP_BETWEEN_ORGANISATIONS = 12
# A row gives a figure for at least this many organisations (one alone is a sentence about that trust).
MIN_ORGANISATIONS_WITH_FIGURES = 2
# How far back (in sentences of the document) a row's section heading is looked for: a section's table may be
# printed on the page after its heading (the performance report's p. 27 holds nothing else).
MAX_SENTENCES_BACK_TO_HEADING = 60
# A row answers when its title holds at least this share of the measure asked (the question's telling words, by
# weight, its month and year aside), and every number of it ("31 day" is no row titled "62 Day"): "bed occupancy by
# trust" is no row titled "Two Week Wait", whose "week" alone it shares with "latest week". Set by hand, not fitted:
# one dev question asks a breakdown by trust (q058). "cancer 62 day upgrade performance by trust" still gets the 62-day
# standard row, labelled with its heading (its title holds about three quarters of the measure; a re-review).
MIN_MEASURE_NAMED = 0.6
# ... and this share when the question names one organisation and asks no breakdown ("62 day cancer performance at
# uhcw"): it may ask another figure of the section (a review: "62 day screening performance at uhcw" 0.69, "gynae 2ww
# performance at uhcw" 0.69, "how many breast 2ww breaches at uhcw" 0.61 had the row of percentages), where a breakdown
# asked is that row's. Set by hand on the review's and the trial's questions ("hows swft doing on 2ww breast referrals
# in april?" 0.79, "2ww performance at uhcw in april?" 0.74 are the row's), no dev question asks either.
MIN_MEASURE_NAMED_FOR_ONE = 0.7
# Words comparing or asking how a figure goes, no part of the measure ("is it better than swft?", "how bad is the 2ww
# performance at uhcw?": a re-review).
_NOT_A_MEASURE = frozenset(tokenize("better worse compare compared comparison higher lower best worst perf bad good poor well"))
# A heading's words: capitalised, figures, little words and marks between them ("CANCER: Two Week Wait (93%) –
# Breast Symptomatic"); a lower-case word other than these ends it, and makes it a numbered paragraph's prose.
_HEADING_TOKEN = re.compile(r"\([^)]{0,80}\)|\S+")
_HEADING_MINOR = frozenset("and of for the to in on with at by from & – - : /".split())
MAX_HEADING_TOKENS = 12
# A run of cells: figures side by side ("0 13", "94% 96.1% 91.8%"), where a table's earlier row ends.
_CELLS = re.compile(r"\d[\d,.]*%?(?:\s+\d[\d,.]*%?)+")
# The search tokens of month names ("april", "sept"): a row's title names the measure, not the month.
_MONTH_TOKENS = frozenset(token for month in MONTHS for token in tokenize(month))


def names_a_time(token: str) -> bool:
    """Whether a search token is a month, a calendar year or a financial year ("fy21/22")."""
    return token in _MONTH_TOKENS or bool(YEAR_TOKEN.fullmatch(token))


def asks_by_organisation(question: str) -> bool:
    """Whether a question asks for a figure broken down by organisation ("... by trust?")."""
    return bool(_BY_ORGANISATION.search(question))


def measure_tokens(text: str) -> list[str]:
    """The search tokens of a measure as a title or a question names it, its shorthand and numbers in words read
    alike ("2ww" and "Two Week Wait" both give "2", "week", "wait"), its breakdown and times left out."""
    undated = YEAR_WRITTEN.sub(" ", MONTH_WITH_YEAR.sub(" ", text))  # "apr-22": no "22" for a title to hold (a re-review)
    spelled = WEEK_WAIT_SHORTENED.sub(lambda match: f"{match.group(1)} week wait", _BY_ORGANISATION.sub(" ", undated))
    tokens = [str(NUMBER_WORDS[token]) if token in NUMBER_WORDS else token for token in tokenize(spelled)]
    return [token for token in tokens if not names_a_time(token) and token not in _NOT_A_MEASURE]


@dataclass(frozen=True)
class OrganisationRow:
    """A run of organisations each with its figure (or a blank), as printed: ``start``/``end`` in the sentence."""

    entries: tuple[tuple[str, str], ...]  # (initials, figure or "")
    start: int
    end: int

    def shown(self) -> str:
        return "; ".join(f"{name} {figure}" if figure else f"{name} (no figure given)" for name, figure in self.entries)


def organisation_row(sentence: str, organisations: Collection[str]) -> OrganisationRow | None:
    """The organisations a sentence lists with their figures, close together as a table prints them, with the
    system's own row before them ("CWCCG 79.0%", "CW 51.5%"); None unless MIN_ORGANISATIONS_WITH_FIGURES of the
    ``organisations`` have one, or when the row follows another row's cells in the sentence (a summary table the text
    layer ran together, whose label for it cannot be told: the performance report's p. 4)."""
    names = "|".join(sorted((re.escape(o) for o in organisations), key=len, reverse=True))
    if not names:
        return None
    runs: list[list[tuple[str, str, int, int]]] = [[]]
    for match in re.finditer(rf"\b(?:CW\w*|{names})\b", sentence):
        figure = _FIGURE.match(sentence, match.end())
        end = figure.end() if figure else match.end()
        if runs[-1] and match.start() - runs[-1][-1][3] > MAX_GAP_BETWEEN_ORGANISATIONS:
            runs.append([])
        runs[-1].append((match.group(), figure.group(1) if figure else "", match.start(), end))
    entries = next((run for run in runs if sum(1 for e in run if e[1] and e[0] in organisations) >= MIN_ORGANISATIONS_WITH_FIGURES), None)
    if entries is None or _CELLS.search(sentence[: entries[0][2]]):
        return None
    return OrganisationRow(tuple((name, figure) for name, figure, _, _ in entries), entries[0][2], entries[-1][3])


def section_heading(text: str) -> str | None:
    """The numbered section heading a text opens with ("8.3.1 CANCER: 62 Day Standard Performance (85% ...)"), or None:
    also for a numbered paragraph, whose heading-like start runs on into prose ("3.2 GEH Cancer Waits Data for April is
    missing ...", a review)."""
    number = re.match(r"\s*\d+(?:\.\d+)+\s+", text)
    if number is None:
        return None
    end, closed = number.end(), False
    for count, token in enumerate(_HEADING_TOKEN.finditer(text, number.end())):
        word = token.group()
        if closed and word not in ("–", "-"):
            break  # the bracketed target closes a heading unless a dash goes on ("(93%) – Breast Symptomatic")
        if count == MAX_HEADING_TOKENS or not (word[0] in "(0123456789" or word[0].isupper() or word.lower() in _HEADING_MINOR):
            if word[0].isalpha() and word[0].islower():
                return None  # prose
            break
        end, closed = token.end(), word.startswith("(")
    return text[:end].strip() if end > number.end() else None


def title_fit(heading: str, label: str, measure: dict[str, float]) -> tuple[float, int]:
    """How well a row's title names the measure asked (``measure``: tokens by weight): the share of its weight the
    heading (its bracketed targets aside: "(85% 62 Day Standard, 90% 62 Day Screening)" names no measure) and the
    row's own label hold, 0 when a number of the measure is not among them; and (negated, for sorting) how many words
    the heading has that the question does not ("Breast Symptomatic")."""
    words = set(measure_tokens(f"{re.sub(r'[(][^)]*[)]', ' ', heading)} {label}"))
    if any(token.isdigit() and token not in words for token in measure):
        return 0.0, 0
    total = sum(measure.values())
    held = sum(weight for token, weight in measure.items() if token in words) / total if total else 0.0
    return held, -len({t for t in measure_tokens(heading) if t not in measure and not t.isdigit()})


def row_label(sentence: str, row: OrganisationRow) -> str:
    """The words printed before a row in its sentence: the table's own label ("Completed two week pathways
    Organisation %")."""
    return sentence[: row.start]
