"""Figures broken down by organisation: the row of a benchmark table that gives a measure for each trust.

The performance report prints, beside each measure's charts, a small table of the month's figure per
organisation ("Organisation % CWCCG 79.0% SWFT 90.0% GEH UHCW 72.2%"; a blank where a trust sent no
data). "62 day cancer performance in April by trust?" asks for that row; the ranker finds the section's
prose ("In April there were 98 breaches ...") or the system-wide summary table instead. Here such rows are
found, and the one under the section heading that names the measure asked is chosen.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from index.text import tokenize
from index.vocabulary import CALENDAR_YEAR, MONTHS

# A breakdown by organisation asked: "by trust", "per provider", "broken down by organisation", "split by hospital".
# English, set by hand after a new user's trial ("cancer 2ww ... by trust?").
_BY_ORGANISATION = re.compile(
    r"\b(?:by|per)\s+(?:each\s+|the\s+|individual\s+)?(?:trusts?|providers?|organisations?|organizations?|orgs?|hospitals?)\b",
    re.IGNORECASE,
)
# A figure after an organisation's initials: "79.0%", "299", "1,234".
_FIGURE = re.compile(r"\s*(-?\d[\d,]*(?:\.\d+)?%?)(?![\w/])")
# A table's organisations are printed close together: at most this many characters between two of them.
MAX_GAP_BETWEEN_ORGANISATIONS = 12
# A row gives a figure for at least this many organisations (one alone is a sentence about that trust).
MIN_ORGANISATIONS_WITH_FIGURES = 2
# The numbered section heading a row's table stands under: "8.3.1 CANCER: 62 Day Standard Performance (85% 62 Day
# Standard, 90% 62 Day Screening)", "8.2 CANCER: Two Week Wait (93%) – Breast Symptomatic".
SECTION_HEADING = re.compile(r"^\s*\d+(?:\.\d+)+\s+[^.:]{0,60}:?[^.(:]{0,80}(?:\([^)]{0,80}\))?(?:\s+[–-]\s+(?:[A-Z][a-z]+\s?){1,3})?")
# How far back (in sentences of the document) a row's section heading is looked for: a section's table may be
# printed on the page after its heading (the performance report's p. 27 holds nothing else).
MAX_SENTENCES_BACK_TO_HEADING = 60
# A row answers when its title holds at least this share of the measure asked (the question's telling words, by
# weight, its month and year aside): "bed occupancy by trust" is no row titled "Two Week Wait", whose "week" alone
# it shares with "latest week". Set by hand, not fitted: one dev question asks a breakdown by trust (q058).
MIN_MEASURE_NAMED = 0.5


# The search tokens of month names ("april", "sept"): a row's title names the measure, not the month.
_MONTH_TOKENS = frozenset(token for month in MONTHS for token in tokenize(month))


def names_a_time(token: str) -> bool:
    """Whether a search token is a month, a calendar year or a financial year ("fy21/22")."""
    return token in _MONTH_TOKENS or token.startswith("fy") or bool(re.fullmatch(CALENDAR_YEAR, token))


def asks_by_organisation(question: str) -> bool:
    """Whether a question asks for a figure broken down by organisation ("... by trust?")."""
    return bool(_BY_ORGANISATION.search(question))


def without_breakdown(question: str) -> str:
    """The question without its "by trust": what the measure is."""
    return _BY_ORGANISATION.sub(" ", question)


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
    system's own row before them ("CWCCG 79.0%", "CW 51.5%"); None unless MIN_ORGANISATIONS_WITH_FIGURES have one."""
    names = "|".join(sorted((re.escape(o) for o in organisations), key=len, reverse=True))
    if not names:
        return None
    entries: list[tuple[str, str, int, int]] = []
    for match in re.finditer(rf"\b(?:CW\w*|{names})\b", sentence):
        figure = _FIGURE.match(sentence, match.end())
        end = figure.end() if figure else match.end()
        if entries and match.start() - entries[-1][3] > MAX_GAP_BETWEEN_ORGANISATIONS:
            if sum(1 for e in entries if e[1]) >= MIN_ORGANISATIONS_WITH_FIGURES:
                break
            entries = []
        entries.append((match.group(), figure.group(1) if figure else "", match.start(), end))
    if sum(1 for e in entries if e[1] and e[0] in organisations) < MIN_ORGANISATIONS_WITH_FIGURES:
        return None
    return OrganisationRow(tuple((name, figure) for name, figure, _, _ in entries), entries[0][2], entries[-1][3])


def section_heading(sentence: str) -> str | None:
    """The numbered section heading a sentence opens with, or None."""
    match = SECTION_HEADING.match(sentence)
    return match.group().strip() if match else None


# A run of cells: figures side by side ("0 13", "94% 96.1% 91.8%"), where a table's earlier row ends.
_CELLS = re.compile(r"\d[\d,.]*%?(?:\s+\d[\d,.]*%?)+|\d%")


def row_title(heading: str, before: str) -> str:
    """What a row of organisations gives: its section heading and the words printed before the row since the last
    run of cells (the table's own label, "Completed two week pathways Organisation %"; not the label of another
    measure's row earlier in a summary table that the text layer ran into one sentence)."""
    ends = [cells.end() for cells in _CELLS.finditer(before)]
    return f"{heading} {before[ends[-1] :] if ends else before}"


def title_fit(title: str, heading: str, terms: dict[str, float]) -> tuple[float, int]:
    """How well a row's title names the measure asked: the share of the question's telling words (by weight) it
    holds, and (negated, for sorting) how many words its heading has that the question does not ("Breast
    Symptomatic")."""
    words = set(tokenize(title))
    total = sum(terms.values())
    held = sum(weight for term, weight in terms.items() if term in words) / total if total else 0.0
    unasked = {t for t in tokenize(heading) if t not in terms and not t.isdigit()}
    return held, -len(unasked)
