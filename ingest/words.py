"""Step 2b: words the PDF text layer ran together, given their space back.

The text layer of the Green Plan drops spaces between words set in different
fonts or runs: "Coventryand", "theemissions", "NHSTrust", "15Total",
"in2020/21". Search, the embedding model and readers all stumble on them.
Only spaces are inserted, never other characters, so a quote still stands
on its page once white space is set aside.

A run of letters is split when wordninja's segmenter (an English word list,
with this document's own words added) splits it into known words that are
each more common in the document than the run itself. Names and acronyms the
document uses ("Brownsover", "UHCW", "CWaPC") are left alone: a name is as
common as its would-be parts, or is written with capitals inside.

The opposite fault comes first: the text layer breaks words at the "fi", "fl"
and "ff" ligatures, so readers are quoted "identif ied", "f ixed", "patient
f low", "diff iculty" and "Of f icer", and search misses "identified" and
"flow". Pieces are joined, again by removing spaces only, when the first ends
in "f" (or is a lone "f"), the joined form is a word (the document's own or
English), and the pieces are not all ordinary words in their own right: "of
the", "if there" and "staff to" are two words each, even though the English
list holds "ofthe".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable

import wordninja

from index.text import MAX_GLUED_LETTERS, english_word_costs, english_word_ranks, glued_parts, is_ordinary_word
from index.vocabulary import CALENDAR_YEAR

# The four numbers below are set by hand, none fitted: each keeps splitting to runs that are plainly
# glued words ("theemissions", "emissionsfrom"), since a wrong split changes a quote's words.
# Runs shorter than this are left alone: short words split into nonsense ("often" is "of ten").
MIN_GLUED_LETTERS = 6
# Each part must be at least this long, "a" and "I" aside.
MIN_PART_LETTERS = 2
# A run splits into at most this many words; more is more likely a guess than a repair.
MAX_PARTS = 8
# A part the document never uses must be among this many most common English words.
COMMON_ENGLISH_RANK = 30000
# The letters one page may hand to wordninja's segmenter, run by run, counting a run each time it is segmented (a
# lower-case run twice: against wordninja's list, ``index.text.glued_parts``, then the document's). Past them the page's
# runs are left as they are, as a run over MAX_GLUED_LETTERS is. Segmenting tries every word length up to the longest
# word (58 letters) at each letter, so a page of 200 runs of 900 random letters took 8–17 s (a review); the busiest
# page of the bundled corpus segments 421 letters. Set by hand: five of the longest runs.
MAX_SEGMENTED_LETTERS_PER_PAGE = 5 * MAX_GLUED_LETTERS

# Whether a piece is an ordinary word in its own right (``index.text.is_ordinary_word``) decides whether a
# space between two pieces is a real one and is kept ("of the", "staff to"), even where the English list
# holds the pair run together ("ofthe"): the document's own counts are no guide there, as its broken
# words repeat their fragments ("identif" and "ied" four times each in the PHM Roadmap).

# "identif ied", "f ixed", "Of f icer": letters ending in "f" (a lone "f" among them), a space, and
# lower-case letters; spaces only, never a line break.
_LIGATURE_SPLIT = re.compile(r"(?<![A-Za-z0-9'’])([A-Za-z]*f(?:[ \t]+f)*)[ \t]+([a-z]+)(?![A-Za-z0-9'’])")
_LETTERS = re.compile(r"(?<![A-Za-z0-9'’])[A-Za-z]+(?![A-Za-z0-9'’])")
# "NHSTrust": a run of capitals, then a capitalised word.
_ACRONYM_THEN_WORD = re.compile(r"\b([A-Z]{2,})([A-Z][a-z]{2,})\b")
# "GEHdoes", "ICSanaestheticgasesandinhalerdata": an acronym and the lower-case words after it run together.
_ACRONYM_THEN_LOWER = re.compile(r"\b([A-Z]{2,})([a-z]{2,})\b")
# "15Total", "in2020/21": a figure and a word run together.
_FIGURE_THEN_WORD = re.compile(r"(?<![A-Za-z0-9])(\d+)([A-Z][a-z]{2,})\b")
# "totalled27,420", "around40", "inhalersby2024", "30%of", "tCO2eacross": a word, a figure or a
# unit run onto the next. A single digit stays glued: it is mostly a footnote's marker ("aim1,").
_WORD_THEN_FIGURE = re.compile(r"\b([a-z]{3,})(\d{2}[\d,]*(?:\.\d+)?%?|\d(?:,\d{3})+|\d(?:\.\d+)?%)")
_PERCENT_THEN_WORD = re.compile(r"(\d%)([a-z]{2,})")
_UNIT_THEN_WORD = re.compile(r"(tCO2e|CO2e|MWh|kWh)([a-z]{3,})")
# "2020/21as our baseline", "2018/19to 2020/21": a year and the word after it run together.
_YEAR_THEN_WORD = re.compile(rf"\b({CALENDAR_YEAR}(?:/\d\d)?)([a-z]{{2,}})\b")
_WORD_THEN_YEAR = re.compile(rf"\b(in|of|to|by|from|for|and|the|since|until|during)({CALENDAR_YEAR})", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")
# "Coventry.There was ...", "authority.This": a full stop with no space before the next sentence's first word
# (lower-case letters before it, so initials "N.H.S." and a bare domain "cwstp.uk" are left alone).
_STOP_THEN_SENTENCE = re.compile(r"(?<=[a-z]{2}\.)(?=[A-Z][a-z]+\b)")
# "Figure23Emissions": a caption's number run onto its label.
_LABEL_THEN_FIGURE = re.compile(r"\b(Figure|Table|Chart)(\d)")
# Web and email addresses are left exactly as they are: wider than ``index.vocabulary.WEB_ADDRESS`` (which
# finds links in a sentence), as a glued word must not be split inside a bare domain ("cwstp.uk"), an
# email address or an encoded space either. An address is a whole run without white space holding one of these
# marks; the run is matched only from its start and looked through once (an attack review: the pattern had been
# "\S*(?:...)\S*", which tried every start in a run without a mark and backtracked over the rest of it, so a page
# with 40,000 characters without a space took 40 s to repair, and 2 MB about a day).
_ADDRESS = re.compile(r"(?<!\S)(?=\S*?(?:://|www\.|\.uk\b|\.com\b|\.org\b|%20|@))\S+")


def repair_pages(pages: list[str]) -> list[str]:
    """Every page with words split at ligatures joined and glued words split, judged against the
    whole document's words."""
    joined = join_ligature_splits(pages)
    counts = Counter(word.lower() for page in joined for word in _WORD.findall(page))
    segmenter = _Segmenter(counts)
    return [segmenter.repair(page) for page in joined]


def join_ligature_splits(pages: list[str]) -> list[str]:
    """Pages with words the text layer broke at an "fi", "fl" or "ff" ligature made whole again
    ("identif ied" is "identified", "f low" is "flow"), spaces removed and nothing else changed."""
    own = Counter(word.lower() for page in pages for word in _WORD.findall(page))

    def joins(pieces: list[str]) -> bool:
        whole = "".join(pieces).lower()
        is_word = bool(own[whole]) or whole in english_word_costs()
        return is_word and not all(is_ordinary_word(piece.lower()) for piece in pieces)

    def join(text: str) -> str:
        """Left to right; a pair that does not join gives its second piece the chance to start one
        ("if identif ied": "if" and "identif" stay apart, "identif ied" joins)."""
        out: list[str] = []
        position = 0
        while match := _LIGATURE_SPLIT.search(text, position):
            pieces = match.group().split()
            if joins(pieces):
                out.append(text[position : match.start()] + "".join(pieces))
                position = match.end()
            else:
                out.append(text[position : match.start(2)])
                position = match.start(2)
        return "".join(out) + text[position:]

    return [_outside_addresses(page, join) for page in pages]


def _outside_addresses(text: str, repair: Callable[[str], str]) -> str:
    """``repair`` applied to the text between web addresses, which are left exactly as they are."""
    pieces = _ADDRESS.split(text)
    addresses = _ADDRESS.findall(text)
    return "".join(repair(piece) + address for piece, address in zip(pieces, addresses + [""]))


class _Segmenter:
    def __init__(self, counts: Counter) -> None:
        self.counts = counts
        english = english_word_costs()
        self.model = wordninja.LanguageModel.__new__(wordninja.LanguageModel)
        ranked = [word for word, _ in counts.most_common() if word in english or counts[word] >= 2]
        own = {word: math.log((rank + 1) * math.log(len(ranked) + 2)) for rank, word in enumerate(ranked)}
        self.model._wordcost = {**english, **{w: min(c, english.get(w, c)) for w, c in own.items()}}
        self.model._maxword = max(len(w) for w in self.model._wordcost)
        self.english_rank = english_word_ranks()
        self.letters_left = MAX_SEGMENTED_LETTERS_PER_PAGE

    def repair(self, text: str) -> str:
        """The page with its words repaired; each page has its own MAX_SEGMENTED_LETTERS_PER_PAGE to segment."""
        self.letters_left = MAX_SEGMENTED_LETTERS_PER_PAGE
        return _outside_addresses(text, self._repair_words)

    def _repair_words(self, text: str) -> str:
        text = _LABEL_THEN_FIGURE.sub(r"\1 \2", text)
        text = _ACRONYM_THEN_WORD.sub(self._acronym_then_word, text)
        text = _ACRONYM_THEN_LOWER.sub(self._acronym_then_lower, text)
        text = _FIGURE_THEN_WORD.sub(r"\1 \2", text)
        text = _WORD_THEN_YEAR.sub(r"\1 \2", text)
        text = _YEAR_THEN_WORD.sub(self._year_then_word, text)
        text = _WORD_THEN_FIGURE.sub(self._word_then_figure, text)
        text = _PERCENT_THEN_WORD.sub(r"\1 \2", text)
        text = _UNIT_THEN_WORD.sub(r"\1 \2", text)
        text = _STOP_THEN_SENTENCE.sub(" ", text)
        return _LETTERS.sub(self._split_run, text)

    def _word_then_figure(self, match: re.Match) -> str:
        """Split when the letters read as words ("totalled27,420", "inhalersby2024"); "igure9" stays."""
        word = match.group(1)
        return f"{word} {match.group(2)}" if self._reads_as_words(word) else match.group()

    def _year_then_word(self, match: re.Match) -> str:
        """Split when the letters are a word or words ("as", "andforecast"); "2020s" and ordinals stay."""
        word = match.group(2)
        if word in ("st", "nd", "rd", "th"):
            return match.group()
        return f"{match.group(1)} {word}" if self._reads_as_words(word) else match.group()

    def _reads_as_words(self, letters: str) -> bool:
        """Letters run onto a figure are a word (however rare: "totalled") or words the segmenter
        would part ("inhalersby"), not a broken word ("igure")."""
        return self._known(letters) or letters in self.model._wordcost or self._segmented(letters) != letters

    def _acronym_then_word(self, match: re.Match) -> str:
        acronym, word = match.groups()
        if self.counts[acronym.lower()] >= 2 and self._known(word.lower()) and not self._known(match.group().lower()):
            return f"{acronym} {word}"
        return match.group()

    def _acronym_then_lower(self, match: re.Match) -> str:
        """Split when the acronym stands alone elsewhere in the document and the letters after it read as
        a word or words ("does", "anaestheticgasesandinhalerdata"); the whole is not a word of its own."""
        acronym, letters = match.groups()
        if self.counts[acronym.lower()] >= 2 and self._reads_as_words(letters) and not self._known(match.group().lower()):
            return f"{acronym} {letters}"
        return match.group()

    def _split_run(self, match: re.Match) -> str:
        return self._segmented(match.group())

    def _segmented(self, run: str) -> str:
        """The run of letters as the words it is made of, or as it is (a run too long to be glued words among them, or
        one past the letters its page may segment)."""
        lowered = run.lower()
        if len(run) > MAX_GLUED_LETTERS or lowered in self.english_rank:  # a word: nothing to segment
            return run
        if run.islower() and self._may_segment(run):
            glued = glued_parts(run)
            if glued:
                return " ".join(glued)
        if len(run) < MIN_GLUED_LETTERS or self._is_word(lowered) or _has_inner_capital(run) or not self._may_segment(run):
            return run
        parts = self.model._split(run)
        parts = list(parts)
        if not 2 <= len(parts) <= MAX_PARTS or "".join(parts) != run:
            return run
        if all(self._good_part(part.lower(), lowered) for part in parts):
            return " ".join(parts)
        return run

    def _may_segment(self, run: str) -> bool:
        """Whether the page has letters left to segment the run, taking them when it has."""
        if len(run) > self.letters_left:
            return False
        self.letters_left -= len(run)
        return True

    def _is_word(self, lowered: str) -> bool:
        """An English word ("digitalised", "roadmap") or one the document uses on its own often."""
        return lowered in self.english_rank or (self.counts[lowered] >= 3 and not self._glued_often(lowered))

    def _glued_often(self, lowered: str) -> bool:
        return False

    def _known(self, lowered: str) -> bool:
        return self.counts[lowered] >= 2 or self.english_rank.get(lowered, COMMON_ENGLISH_RANK) < COMMON_ENGLISH_RANK

    def _good_part(self, part: str, run: str) -> bool:
        if len(part) < MIN_PART_LETTERS and part not in ("a", "i"):
            return False
        return self._known(part) and self.counts[part] > self.counts[run]




def _has_inner_capital(run: str) -> bool:
    """"CWaPC", "McDonald", "iPhone": capitals inside a word are how names are written, not glue."""
    return any(c.isupper() for c in run[1:]) and not run.isupper()
