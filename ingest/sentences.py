"""Step 3a: a page becomes sentences, each knowing its page and section heading.

Sentences are the unit a user is shown, so each one is the page's own words
with line breaks folded to single spaces: ``collapse_whitespace(page)``
contains every sentence verbatim. Headings are recognised by shape (short,
capitalised, no closing punctuation, after a finished sentence) because PDF
text carries no styling.
"""

from __future__ import annotations

import bisect
import re
from enum import Enum

from index.records import Sentence
from index.text import BULLET, MAX_SENTENCE_CHARS, collapse_whitespace, ends_with_stop, is_named_entry
from index.vocabulary import CALENDAR_YEAR, CONTACT, HONORIFICS
from ingest.actions import continues_row_tail, opens_row_tail

# A section heading is a short line: at most this many words and characters. Set by hand: the
# documents' headings are a few words; a longer line is a sentence's first line.
MAX_HEADING_WORDS = 10
MAX_HEADING_CHARS = 80

# A line ending on one of these words goes on onto the next line: a sentence's first line, not a heading.
_LEADS_ON_WORDS = frozenset("a an and as at by for from in its of on or our that the their this to with".split())
# ... when it has at least this many words: a heading wrapped after "and" ("Green Space and" / "Biodiversity")
# is shorter. Set by hand from the corpus's lines.
MIN_LEADING_ON_WORDS = 4
# A line of at least this many words, this share of them (after the first) in lower case and no colon, is
# a sentence's first line ("UHCW have installed electric vehicle charging points at University"); the
# documents' headings are shorter or in title case ("Risks to delivery of our PHM Programme") or open
# with a label ("Our way of working: embedding PHM ..."). Set by hand from the lines the corpus's shape
# rules read as headings: 13 lines change, 11 of them sentences that had lost their first line, 2 table rows.
MIN_SENTENCE_LINE_WORDS = 8
MIN_SENTENCE_LINE_LOWER_SHARE = 0.6
# After a line ending in a colon, a label and then at least this many words, that share of them in lower case,
# are what the colon announces ("CWPT: six concerns on level two of the Quality Assurance"), not a heading. Set by
# hand: one line of the corpus reads so; "Our way of working: embedding PHM ..." follows no colon and stays one.
MIN_LABELLED_SENTENCE_WORDS = 4
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\s+[A-Z]")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'’”)]*\s+(?=[\"'‘“(£•]?[A-Z0-9])")
_ABBREVIATION = re.compile(rf"(?:\b(?:e\.g|i\.e|etc|vs|No|St|approx|Cllr|{HONORIFICS})|\b[A-Z])\.$")
# "2. ... reduced to 4-6 weeks and 3. A sentence is added": an inline item number, not a sentence end,
# when the item before it ("2.") comes just before.
_INLINE_ITEM_NUMBER = re.compile(r"(?:\b(?:and|or)|[,;])\s+\(?(\d{1,2})[.)]$")
# An item number standing on its own ("1.", "(2)"), as the item before an inline item number is written.
_ITEM_NUMBER = re.compile(r"(?:^|(?<=\s))\(?(?P<number>\d{1,2})[.)](?=\s)")
# How far back from a sentence end the two patterns above are looked for: the longest ending either matches is
# "approx." or "and (12." (8 characters, as ``split_sentences`` leaves one white space between words); set above that
# with room. An attack review: each was searched over the whole sentence so far, which grows while its ends are
# skipped, so a page of 20,000 initials ("A. A. A. ...") took time in the square of its length (8,000 took 3.5 s).
MAX_ENDING_CHARS = 16
# "5. Patient Information - Media\n5.1." then "Proactive Media Releases ...": the number of the section that
# starts next, on a line of its own at the end of the sentence before it (the page's line breaks are still
# in the text when it is split). A dotted number closed by a full stop before a sentence that opens with a
# word (an action row's reference, "SC 18.4.3.", comes before the next row's number), or a bare "4." before
# "4.1 ...". Only at the start of a line: "was 4.5.", "closed at 12.30." and "section 4.2." stay.
_NEXT_SECTION_NUMBER = re.compile(r"\n(?P<number>\d{1,2}(?:\.\d{1,2})+\.)$")
_BARE_SECTION_NUMBER = re.compile(r"\n(?P<number>\d{1,2})\.$")
# A person's entry in a list of those present wraps onto at most this many words ("Place)"); how long
# the entry itself may be is index.text.MAX_ENTRY_CHARS. Set by hand for the board papers' attendance lists.
MAX_ENTRY_WRAP_WORDS = 3
# The end of an entry that leads on to the next line: "Director of Public Health and", "Coventry,". The same
# words as a sentence's first line ends on (they once were a shorter list of their own; the built text is
# the same with either).
_ENTRY_LEADS_ON = re.compile(rf"(?:[,–&-]|\b(?:{'|'.join(sorted(_LEADS_ON_WORDS))}))$")
_LIST_MARKER = re.compile(r"^\(?[0-9a-zA-Z]{1,3}[.)]$")
# A row of a table of figures with comments, on a line of its own: a label in title case, one figure (a variance
# "(183)", "100", "0"), then the comment in prose ("Primary Care    100 Underspend due to vacant posts within ...",
# the finance report's variance table). Each row starts a sentence of its own: run together with the rows around it,
# "why is primary care underspent?" was answered with another row's comment, and "Primary Care Delegated 0 Delegated
# is currently on plan" was read as a heading. A label may hold "and", "of" and an "(inc ...)" aside; a year is no
# figure cell ("Health and Care Bill 2021 Sets out ..." is a policy's name and year), nor is a figure's or table's
# number. Shapes read from the corpus's lines, not fitted: 7 lines of the corpus open such a row, all in that table.
_COMMENTED_ROW = re.compile(
    r"^(?!(?:Figure|Table)\b)(?P<label>[A-Z][\w&'’/-]*(?:\s+(?:[A-Z][\w&'’/-]*|and|of|&|\((?:inc|incl)\b[^)]*\)))*)"
    r"\s+(?P<figure>\(?-?£?\d[\d,.]*[mk%]?\)?)\s+(?P<comment>[A-Z][a-z]+\b.*)$"
)
_YEAR_CELL = re.compile(rf"\(?{CALENDAR_YEAR}\)?")
# A row's comment is prose: at least this many words in lower case among its first few (a table's header row, "Hour
# Trolley Waits Provider 0 13", has none; "The overspend relates to CHC - Long Term Conditions" has three). Set by hand.
MIN_ROW_COMMENT_LOWER_WORDS = 2
ROW_COMMENT_WORDS_READ = 6
_CLAUSE_BREAK = re.compile(r"(?<=[;,])\s+")
# A line whose last cell is a figure closes a table row: "82% Apr-22 56.3%", "(980)", "£1.4m", "5,484". A
# line of prose ending in a number (a section number "4.2", a year) matches too, so an over-long run of
# prose may be cut at such a line's end rather than at a clause break.
_CLOSES_ROW = re.compile(r"(?:^|\s)[(£]?\d[\d,.]*(?:%|[mk]|bn)?\)?$")


def is_heading(line: str, previous: str | None, following: str | None) -> bool:
    """A short capitalised line with no closing punctuation, between finished sentences.

    The line after it must start a new sentence too: otherwise it is the first
    line of a wrapped paragraph, whose words must stay in the text.
    """
    text = line.strip()
    if following is None or not following.strip()[:1].isupper():
        return False
    if not (3 <= len(text) <= MAX_HEADING_CHARS) or len(text.split()) > MAX_HEADING_WORDS:
        return False
    if text[-1] in ".,;:" or not (text[0].isupper() or _SECTION_NUMBER.match(text)):
        return False
    if sum(ch.isdigit() for ch in text) > 0.3 * len(text) or BULLET.match(text):
        return False
    if _reads_as_sentence_start(text):
        return False
    if previous is not None and previous.rstrip().endswith(":") and _labels_a_sentence(text):
        return False  # what the colon announces: "The committee noted the following:" / "CWPT: six concerns on ..."
    return previous is None or ends_with_stop(previous)


def _labels_a_sentence(text: str) -> bool:
    """A label and then a sentence's first words in lower case ("CWPT: six concerns on level two of the")."""
    _label, colon, rest = text.partition(":")
    words = rest.split()
    lower = sum(word[:1].islower() for word in words)
    return bool(colon) and len(words) >= MIN_LABELLED_SENTENCE_WORDS and lower >= MIN_SENTENCE_LINE_LOWER_SHARE * len(words)


def _reads_as_sentence_start(text: str) -> bool:
    """A line that is the start of a sentence wrapped onto the next line, though shaped like a heading."""
    words = text.split()
    if len(words) >= MIN_LEADING_ON_WORDS and words[-1].lower() in _LEADS_ON_WORDS:
        return True
    lower = sum(word[:1].islower() for word in words[1:])
    return len(words) >= MIN_SENTENCE_LINE_WORDS and ":" not in text and lower >= MIN_SENTENCE_LINE_LOWER_SHARE * (len(words) - 1)


def opens_commented_row(line: str, previous: str | None) -> bool:
    """A line opening a table row of a label, a figure and a comment in prose (see ``_COMMENTED_ROW``), not after a
    line that leads on to it ("The Trust's performance against the" / "Cancer 62 Day standard was 65% ...", a review)."""
    if previous is not None and _ENTRY_LEADS_ON.search(collapse_whitespace(previous)):
        return False
    match = _COMMENTED_ROW.match(collapse_whitespace(line))
    if match is None or _YEAR_CELL.fullmatch(match["figure"]):
        return False
    words = match["comment"].split()[1:ROW_COMMENT_WORDS_READ]
    return sum(word[:1].islower() for word in words) >= MIN_ROW_COMMENT_LOWER_WORDS


def starts_list_item(line: str, previous: str | None, following: str | None) -> bool:
    """A bullet, a numbered item, or a person's line in a list of people; a dash only counts
    after a finished sentence.

    A line opening with a dash in mid-sentence continues it ("Laura Nelson –
    Director ... / – Executive Lead for Sustainability."). A line opening with
    "Dr Jane Smith" is an entry only among others like it or after an introduction ("Apologies:"),
    not prose that wraps before a name.
    """
    if is_named_entry(line):
        after_introduction = previous is not None and previous.strip().endswith(":")
        return after_introduction or any(other is not None and is_named_entry(other) for other in (previous, following))
    if not BULLET.match(line):
        return False
    if line.lstrip()[0] in "-–":
        return previous is None or ends_with_stop(previous)
    return True


def _ends_entry(block: list[str], line: str) -> bool:
    """A person's entry wraps onto a few words at most ("Place)"), and only while it visibly goes on:
    a bracket still open, a last word that leads on ("and", a comma or dash), or a line in lower case.
    A longer line, an introduction such as "In Attendance:", or a short line after a finished entry
    (the minutes' table header "Item", after "Mrs Elaine Strachan-Hall Registered Nurse") comes after it."""
    if not block or not is_named_entry(block[0]):
        return False
    text = line.strip()
    if text.endswith(":") or (len(text.split()) > MAX_ENTRY_WRAP_WORDS and not text[0].islower()):
        return True
    return not (text[0].islower() or _goes_on(" ".join(block)))


def _goes_on(entry: str) -> bool:
    """An entry that stops mid-phrase: a bracket left open, or ending on a comma, a dash or a linking word."""
    entry = entry.strip()
    return entry.count("(") > entry.count(")") or bool(_ENTRY_LEADS_ON.search(entry))


# A letter's formulas, each on a line of its own: the salutation ("Dear Phil and Danielle"), which ends the
# address block above it and stands before the letter's subject line, and the close ("Yours sincerely"),
# which the signer's name and role follow. Left to the page's flow, the address block, salutation and
# subject ran into the letter's first sentence, and "Yours sincerely" read as a section heading over the
# signature, the copy list and the appendix after it. Word lists set by hand (English letter forms).
_SALUTATION = re.compile(r"^\s*Dear\s+[A-Z][\w .,&'’-]{0,60}$")
_VALEDICTION = re.compile(
    r"^\s*(?:Yours\s+(?:sincerely|faithfully|truly)|(?:With\s+)?(?:Kind|Best|Warm)\s+(?:regards|wishes)|Many\s+thanks)[,.]?\s*$",
    re.IGNORECASE,
)
# The lines after a letter's close that sign it: a name and a role. Set by hand.
SIGNATURE_LINES = 2


def contact_block_lines(lines: list[str]) -> set[int]:
    """The lines of a sender's or contact's block, whose short lines give an email address or a telephone
    number ("Julie Grant / Director of Strategic Transformation, West Midlands / 23 St Stephenson Street /
    ... / T: 07876 354253 / E: J.grant10@nhs.net / W: www.england.nhs.uk"): the run of short lines around
    one that gives either, up to a line of prose or one that ends a sentence or introduces ("please
    contact:"). Left in the page's flow they ran into the sentence a page break cut ("... without
    penalisation for any impact Julie Grant Director of ...") or the one after them, and the name
    became a section heading."""

    def short(line: str) -> bool:
        text = line.strip()
        return len(text.split()) <= MAX_HEADING_WORDS and len(text) <= MAX_HEADING_CHARS and text[-1:] not in (".", ":")

    found: set[int] = set()
    for k, line in enumerate(lines):
        if k in found or not CONTACT.search(line) or not short(line):
            continue
        start, end = k, k
        while start > 0 and short(lines[start - 1]):
            start -= 1
        while end + 1 < len(lines) and short(lines[end + 1]):
            end += 1
        found.update(range(start, end + 1))
    return found


class _OwnLine(Enum):
    """A line that stands in a sentence of its own, by what it is."""

    SALUTATION = "salutation"  # "Dear Phil and Danielle": alone
    CLOSE = "close"  # "Yours sincerely": with the lines that sign it
    SIGNATURE = "signature"  # one of the SIGNATURE_LINES after a close
    CONTACT = "contact"  # a line of a contact's block, with the rest of the block


# The line before that a line of each kind goes on from, in the same sentence.
_GOES_ON_FROM = {
    _OwnLine.SALUTATION: frozenset(),
    _OwnLine.CLOSE: frozenset(),
    _OwnLine.SIGNATURE: frozenset({_OwnLine.CLOSE, _OwnLine.SIGNATURE}),
    _OwnLine.CONTACT: frozenset({_OwnLine.CONTACT}),
}


def lines_of_their_own(lines: list[str]) -> dict[int, int]:
    """The lines that make sentences of their own, each with the index of the first line of the sentence it
    is in: a letter's salutation; its close with the SIGNATURE_LINES after it that sign it; a contact's
    block (``contact_block_lines``). A letter's formula comes first, then a signature, then a contact's block."""
    contact = contact_block_lines(lines)
    signing = range(0)
    kinds: dict[int, _OwnLine] = {}
    sentence_of: dict[int, int] = {}
    for index, line in enumerate(lines):
        if _SALUTATION.match(line):
            kinds[index] = _OwnLine.SALUTATION
        elif _VALEDICTION.match(line):
            kinds[index] = _OwnLine.CLOSE
            signing = range(index + 1, index + 1 + SIGNATURE_LINES)
        elif index in signing:
            kinds[index] = _OwnLine.SIGNATURE
        elif index in contact:
            kinds[index] = _OwnLine.CONTACT
        else:
            continue
        goes_on = kinds.get(index - 1) in _GOES_ON_FROM[kinds[index]]
        sentence_of[index] = sentence_of[index - 1] if goes_on else index
    return sentence_of


def _is_letter_formula(line: str) -> bool:
    """A salutation or a close: what follows it opens anew (a salutation's subject line may be a heading)."""
    return bool(_SALUTATION.match(line) or _VALEDICTION.match(line))


def page_sentences(text: str, page: int, heading: str) -> tuple[list[Sentence], str]:
    """Sentences of one page, and the heading in force at its end. A contact's block (``contact_block_lines``),
    a letter's salutation, and its close with the lines that sign it are each a sentence of their own."""
    sentences: list[Sentence] = []
    block: list[str] = []
    row_tail: list[str] = []  # a table row's closing cells stay with the row they close
    previous: str | None = None

    def flush() -> None:
        found = split_sentences("\n".join(block))
        if row_tail:
            closing = collapse_whitespace(" ".join(row_tail))
            found = found[:-1] + [f"{found[-1]} {closing}"] if found else [closing]
        sentences.extend(Sentence(page, heading, s) for s in found)
        block.clear()
        row_tail.clear()

    lines = [line for line in text.split("\n") if line.strip()]
    own = lines_of_their_own(lines)
    for index, (line, following) in enumerate(zip(lines, lines[1:] + [None])):
        if index in own:
            if own.get(index - 1) != own[index]:
                flush()
            block.append(line)
            if own.get(index + 1) != own[index]:
                flush()
            previous = None if _is_letter_formula(line) else line
            continue
        if (row_tail and not continues_row_tail(line)) or _ends_entry(block, line):
            flush()
        if row_tail or opens_row_tail(line):
            row_tail.append(line)
        elif starts_list_item(line, previous, following) or opens_commented_row(line, previous):
            flush()
            block.append(line)
        elif is_heading(line, previous, following):
            flush()
            heading = collapse_whitespace(line)
        else:
            block.append(line)
        previous = line
    flush()
    return sentences, heading


def split_sentences(text: str) -> list[str]:
    """Split running text at sentence ends; very long runs split where a table row ends, at clause
    breaks, then between words. Line breaks are kept until then (a table's rows are its lines)."""
    text = "\n".join(collapse_whitespace(line) for line in text.split("\n") if line.strip())
    if not text:
        return []
    items = _ItemNumbers(text)
    pieces: list[str] = []
    start = earlier = 0  # where the sentence so far starts, and the one before it (a bare "2." is a piece of its own)
    for match in _BOUNDARY.finditer(text):
        end = match.start()  # just after the stop: the boundary's closing marks and space come after it
        if _ends_with_abbreviation(text, start, end) or _ends_with_item_number(text, earlier, start, end, items):
            continue
        pieces.append(text[start : end + len(match.group(0).rstrip())].strip())
        earlier, start = start, match.end()
    pieces.append(text[start:].strip())
    pieces = _without_next_section_numbers(pieces)
    return [collapse_whitespace(part) for piece in _attach_list_markers(pieces) for part in _limit_length(piece) if part.strip()]


def _without_next_section_numbers(pieces: list[str]) -> list[str]:
    """Without a section's number that ends the sentence before the section ("... Media 5.1.", "... at this
    stage 4." before "4.1 Quality Report"): it numbers neither sentence, and a quote should not end on it
    (nor a sentence open with one, which would read as a figure). What is left is still on the page."""
    kept = list(pieces)
    for n in range(len(kept) - 1):
        bare = _BARE_SECTION_NUMBER.search(kept[n])
        dotted = _NEXT_SECTION_NUMBER.search(kept[n]) if not kept[n + 1][:1].isdigit() else None
        match = dotted or (bare if bare and kept[n + 1].startswith(f"{bare['number']}.") else None)
        if match and match.start() > 0:
            kept[n] = kept[n][: match.start()]
    return kept


def _ends_with_abbreviation(text: str, start: int, end: int) -> bool:
    """Whether the sentence ``text[start:end]`` ends on an abbreviation or an initial ("e.g.", "Dr.", "J."), looked
    for in its last characters only (the text before them is still seen, so a word boundary reads as it would)."""
    return bool(_ABBREVIATION.search(text, max(start, end - MAX_ENDING_CHARS), end))


def _ends_with_item_number(text: str, earlier: int, start: int, end: int, items: _ItemNumbers) -> bool:
    """Whether the sentence ``text[start:end]`` ends on an inline item number ("..., 3.") whose item before ("2.")
    comes earlier in it or in the sentence before it, which starts at ``earlier``."""
    match = _INLINE_ITEM_NUMBER.search(text, max(start, end - MAX_ENDING_CHARS), end)
    if not match or int(match.group(1)) < 2:
        return False
    return items.any_between(str(int(match.group(1)) - 1), earlier, match.start())


class _ItemNumbers:
    """Where each item number ("1.", "(2)") stands in a text, found once: whether the item before an inline item
    number comes earlier is then a look-up, not a search of everything before it for every sentence end."""

    def __init__(self, text: str) -> None:
        self._spans: dict[str, list[tuple[int, int]]] = {}
        for match in _ITEM_NUMBER.finditer(text):
            self._spans.setdefault(match["number"], []).append(match.span())

    def any_between(self, number: str, start: int, end: int) -> bool:
        """Whether the item number stands in ``text[start:end]`` with the space after it (starts and ends of one
        number's places rise together, so the first place from ``start`` on is the one to check)."""
        spans = self._spans.get(number, [])
        first = bisect.bisect_left(spans, (start, -1))
        return first < len(spans) and spans[first][1] < end


def _attach_list_markers(pieces: list[str]) -> list[str]:
    """Keep a bare list marker ("2.") with the sentence it numbers."""
    merged: list[str] = []
    for piece in pieces:
        if merged and _LIST_MARKER.match(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def _limit_length(sentence: str) -> list[str]:
    """Cut an over-long "sentence" (often a run of table cells) after a line that closes a table row,
    so that no row is cut from its figures ("Dementia Diagnosis Rate 82%" | "Apr-22 56.3%"); a row or
    run of prose still too long is cut at clause breaks, then words."""
    if len(collapse_whitespace(sentence)) <= MAX_SENTENCE_CHARS:
        return [sentence]
    rows = _table_rows(sentence.split("\n"))
    if len(rows) > 1:
        return [part for piece in _pack(rows) for part in _limit_length(piece)]
    flat = collapse_whitespace(sentence)
    clauses = _pack(_CLAUSE_BREAK.split(flat))
    return [part for clause in clauses for part in (_pack(clause.split(" ")) if len(clause) > MAX_SENTENCE_CHARS else [clause])]


def _table_rows(lines: list[str]) -> list[str]:
    """Lines joined into table rows: a row ends with a line whose last cell is a figure ("... 82% Apr-22
    56.3%"), and a row's wrapped first line ("Cancer 31-day wait for subsequent treatment where that
    treatment is") stays with the line that closes it."""
    rows: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if _CLOSES_ROW.search(line):
            rows.append(" ".join(current))
            current = []
    if current:
        rows.append(" ".join(current))
    return rows


def _pack(tokens: list[str]) -> list[str]:
    """Greedily join tokens with spaces into pieces of at most MAX_SENTENCE_CHARS."""
    pieces: list[str] = []
    current = ""
    for token in tokens:
        if current and len(current) + 1 + len(token) > MAX_SENTENCE_CHARS:
            pieces.append(current)
            current = token
        else:
            current = f"{current} {token}".strip()
    pieces.append(current)
    return pieces
