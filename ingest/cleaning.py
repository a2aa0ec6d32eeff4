"""Step 2: remove extraction noise that hurts search and quoting.

``strip_page_furniture`` drops whole lines that repeat at the top or bottom
of many pages (running headers, "Page 3 of 41"). The words that remain are
untouched, so a quote taken from them is still verbatim on the page.

(The other kind of cleaning, ``index.text.search_form``, which repairs
hyphenation across line breaks for what search sees and never for what a user
is shown, lives beside the tokenizer that search and answering share.)
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

# A line is furniture when it sits at a page edge on at least this share of
# pages (and on at least MIN_PAGES of them); the edge is the first and last EDGE_LINES lines of a
# page. Set by hand: running headers and footers ("Page 3 of 41") recur on most pages at the very top
# or bottom; a line repeated on fewer pages is more likely the text's own.
FURNITURE_SHARE = 0.3
MIN_PAGES = 3
EDGE_LINES = 2

_DIGITS = re.compile(r"\d+")
# A line that is only a page number, after a few words of title ("Performance Report  Page 29 of 51"):
# furniture wherever it stands, as a slide or an embedded page prints it mid-page.
_PAGE_NUMBER_LINE = re.compile(r"^\s*(?:[A-Za-z&'’ -]{0,60}\s)?Page\s+\d+\s+of\s+\d+\s*$")


# A line that is only a web address, maybe printed twice over ("happyhealthylives.ukHappyhealthylives.uk"):
# a logo or link laid over the page. Furniture wherever it stands when it recurs on MIN_PAGES pages or more.
_ADDRESS_LINE = re.compile(r"^\s*\S*(?:www\.|\.uk|\.com|\.org)\S*\s*$", re.IGNORECASE)


# A footnote at the foot of a page: its number, then the note ("7 Case studies at annex 1").
_FOOTNOTE_LINE = re.compile(r"^\s*(\d{1,2})\s+[A-Z]")


def strip_page_furniture(pages: list[str], as_read: list[str] | None = None) -> list[str]:
    """Pages with repeated header and footer lines, lines that are only a page number, a web address
    laid over many pages, and the footnotes at a page's foot, removed. ``as_read`` are the same pages
    before glued words were parted, where a footnote's marker still stands glued to its word."""
    furniture = _furniture_lines(pages)
    addresses = Counter(line.strip() for page in pages for line in set(page.split("\n")) if _ADDRESS_LINE.match(line))
    overlaid = {line for line, count in addresses.items() if count >= MIN_PAGES}

    def anywhere(line: str) -> bool:
        return bool(_PAGE_NUMBER_LINE.match(line)) or line.strip() in overlaid

    markers = as_read if as_read is not None else pages
    kept = [
        _without_footnotes(_remove_edges([line for line in page.split("\n") if not anywhere(line)], furniture), marked)
        for page, marked in zip(pages, markers)
    ]
    return ["\n".join(lines) for lines in kept]


def _without_footnotes(lines: list[str], marked: str) -> list[str]:
    """The page without the footnotes at its foot: the last lines, each a number and a note, numbered one
    after another, each number also standing as its marker on the page (``marked``), glued to a word
    ("Matrix8") or after a sentence's close ("Borough). 3"). A note may wrap onto a line or two of its own, and the page may end with the notes' web
    addresses printed again, one to a line (the PDF's link annotations). Left in, they ran on from a
    sentence the page break cut ("... capability in population 7 Case studies at annex 1 8 PHM Maturity
    Matrix ..."), which then read as one sentence."""
    positions = [i for i, line in enumerate(lines) if line.strip()]
    while positions and _ADDRESS_LINE.match(lines[positions[-1]]):
        positions.pop()  # the notes' addresses printed again
    starts = [k for k, i in enumerate(positions) if _FOOTNOTE_LINE.match(lines[i])]
    for first in starts:  # the earliest start from which the rest of the page is all notes
        block = positions[first:]
        numbers = [int(match.group(1)) for i in block if (match := _FOOTNOTE_LINE.match(lines[i]))]
        wrapped = _longest_run_between_notes(block, lines)
        if wrapped > MAX_NOTE_WRAP_LINES or any(after != before + 1 for before, after in pairwise(numbers)):
            continue
        if all(re.search(rf"(?:[a-z]{{2}}|[a-z)][.)]\s?){number}(?!\d)", marked) for number in numbers):
            return lines[: block[0]]
    return lines


# A footnote wraps onto at most this many lines of its own ("content/uploads/2021/06/B0642-ics-design-
# framework-june-2021.pdf" after "5 Integrated Care Systems: Design Framework, NHS, June 2021 https://www.england.nhs.uk/wp-").
# Set by hand: a longer run is the page's own text, not a note.
MAX_NOTE_WRAP_LINES = 2


def _longest_run_between_notes(block: list[int], lines: list[str]) -> int:
    """The most lines in a row, in a block that starts with a note, that do not start a note."""
    longest = run = 0
    for i in block:
        run = 0 if _FOOTNOTE_LINE.match(lines[i]) else run + 1
        longest = max(longest, run)
    return longest


def _shape(line: str) -> str:
    """A line with its numbers blanked, so "Page 3 of 41" matches "Page 4 of 41"."""
    return _DIGITS.sub("#", line.strip())


def _edge_lines(lines: list[str]) -> set[str]:
    non_empty = [line for line in lines if line.strip()]
    return {_shape(line) for line in non_empty[:EDGE_LINES] + non_empty[-EDGE_LINES:]}


def _furniture_lines(pages: list[str]) -> set[str]:
    if len(pages) < MIN_PAGES:
        return set()
    counts = Counter(shape for page in pages for shape in _edge_lines(page.split("\n")))
    threshold = max(MIN_PAGES, FURNITURE_SHARE * len(pages))
    return {shape for shape, count in counts.items() if count >= threshold and shape}


def _remove_edges(lines: list[str], furniture: set[str]) -> list[str]:
    """Drop furniture lines, but only within the edge lines of the page."""
    positions = [i for i, line in enumerate(lines) if line.strip()]
    edges = set(positions[:EDGE_LINES] + positions[-EDGE_LINES:])
    return [line for i, line in enumerate(lines) if not (i in edges and _shape(line) in furniture)]
