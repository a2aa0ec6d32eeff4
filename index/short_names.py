"""Names staff shorten, read as the initials the documents use for them.

The documents spell an organisation out once, with its initials in brackets
("George Eliot Hospital NHS Trust (GEH)"), and use the initials from then on.
Staff type the name, often only its start ("george eliot bed occupancy"), and
the pages with the answer say "GEH": the words asked for are not on them,
so search misses them and the decision declines ("the closest passages do
not mention George Eliot").

From those definitions, a question's start of a name (two words at the
least) is read as the initials when it is itself a name: its first two words
are never written in lower case in the documents, and where the documents
write that start (``MIN_TIMES_WRITTEN`` times at the least) it goes on as the
full name at least ``SHORT_NAME_SHARE`` of the time. "George Eliot" (6 of 8
times "George Eliot Hospital") is GEH; "West Midlands" (3 of 27 times "West
Midlands Ambulance") is not WMAS, nor "global warming" GWP (not a name).

Only where the question does not go on as the name does: "george eliot
hospital" is the whole name, which search already reads on the pages that
say "GEH" (``HybridSearcher.acronyms_spelled_out``), and "royal college of
nursing" is another name with the same start as "Royal College of General
Practitioners".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from index.text import tokenize
from index.vocabulary import DEFINED_INITIALS, GLOSSARY_INITIALS

# How often the start of a name must go on as the name where the documents write it, for the start alone to
# stand for it. Set by hand, not fitted (no dev question names an organisation by the start of its name):
# two thirds keeps "George Eliot" (0.75) and leaves "Coventry and" (0.68).
SHORT_NAME_SHARE = 2 / 3
# ... and write that start at least this many times: once ("Royal College of General Practitioners") says
# nothing of what else "Royal College" may go on as. Set by hand.
MIN_TIMES_WRITTEN = 3
# Words that do not count towards initials ("Getting it Right First Time": GIRFT); a start never ends on one.
MINOR_WORDS = frozenset({"and", "of", "the", "for", "to", "&", "it", "on", "in", "nhs"})
# The words a name is made of, as the documents and questions write them.
_NAME_WORD = re.compile(r"[\w&]+")


@dataclass(frozen=True)
class ShortName:
    """The start of a name that stands for it: its initials, and the word the name goes on with."""

    initials: str
    next_word: str


class DefinedName(NamedTuple):
    """A name a text spells out before its initials, as written, whether the initials are exactly its own (not only
    their start: "Investment Impact Fund indicators (IIF)"), whether they were written in the plural ("PCNs"), and
    whether a glossary gave them before the name ("ENZCDP Estates Net Zero Carbon Delivery Plan")."""

    name: str
    initials: str
    exact: bool
    plural: bool = False
    glossary: bool = False

    def singular(self) -> str:
        """The name for one of them: "Primary Care Network" for "Primary Care Networks (PCNs)", "Local Authority" for
        "Local Authorities (LAs)", "Member of Parliament" for "Members of Parliament (MPs)"."""
        if not self.plural:
            return self.name
        words = self.name.split()
        at = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
        words[at] = _singular(words[at])
        return " ".join(words)


def defined_names(texts: Iterable[str]) -> dict[str, str]:
    """Each name the documents spell out before its initials, lower-cased, to the initials:
    {"george eliot hospital nhs trust": "GEH", "quarterly system review meeting": "QSRM", ...}."""
    return {defined.name.lower(): defined.initials for text in texts for defined in names_defined_in(text)}


def _singular(word: str) -> str:
    """English's regular plurals, enough for the names initials stand for."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def initials_spelled_out(texts: Iterable[str]) -> dict[str, str]:
    """The initials the documents spell out exactly, as a search token, each with the name the first text spelling
    them out gives ({"iapt": "Improving Access to Psychological Therapies", "chc": "Continuing Healthcare", ...})."""
    spelled: dict[str, str] = {}
    for text in texts:
        for defined in names_defined_in(text):
            if defined.exact and (initials := tokenize(defined.initials)):
                spelled.setdefault(initials[0], defined.name)
    return spelled


def names_defined_in(text: str) -> list[DefinedName]:
    """The names a text spells out before their initials: "... Population Health Management (PHM) improves ..." gives
    the name "Population Health Management" for "PHM". The name is the shortest run of words before the brackets whose
    initials (minor words aside) are the initials' capitals (or all their letters), or begin them for a capitalised name of three initials
    or more. Initials keep their small letters ("Individual Packages of Care (IPoC)") and lose a plural's "s"
    ("Primary Care Networks (PCNs)" defines "PCN")."""
    defined = []
    for match in DEFINED_INITIALS.finditer(text):
        words, initials = text[: match.start()].split()[-8:], match["initials"]
        capitals = "".join(letter for letter in initials if not letter.islower())
        for size in range(2, len(words) + 1):
            name = words[-size:]
            if not all(_NAME_WORD.fullmatch(word) for word in name):
                break
            spelled = "".join(word[0].upper() for word in name if word.lower() not in MINOR_WORDS)
            # "Sustainable Urban Drainage Systems (SuDS)" too, and a word made of two ("Continuing Healthcare (CHC)")
            exact = spelled in (capitals, initials.upper()) or _spells_with_inner_letters(name, capitals)
            if exact or (len(capitals) >= 3 and spelled.startswith(capitals) and name[0][0].isupper()):
                defined.append(DefinedName(" ".join(name), initials, exact, bool(match["plural"])))
                break
    return defined + _glossary_entries(text)


def _glossary_entries(text: str) -> list[DefinedName]:
    """The names a glossary spells out after their initials ("ENZCDP Estates Net Zero Carbon Delivery Plan"): the
    shortest run of capitalised words after the initials whose first letters (minor words aside) are exactly the
    initials. Exactly, and every word capitalised, as capitals beside a name in running text seldom spell it ("the ICB
    Board" is no glossary's): a question "what does ENZCDP stand for?" had listed the action rows citing it."""
    defined = []
    for match in GLOSSARY_INITIALS.finditer(text):
        initials = match["initials"]
        words = text[match.end() :].split()[: 2 * len(initials)]
        for size in range(2, len(words) + 1):  # initials are two capitals at the least, a name two words
            name = words[:size]
            if not all(_NAME_WORD.fullmatch(word) and (word[0].isupper() or word.lower() in MINOR_WORDS) for word in name):
                break
            if "".join(word[0].upper() for word in name if word.lower() not in MINOR_WORDS) == initials:
                defined.append(DefinedName(" ".join(name), initials, exact=True, glossary=True))
                break
    return defined


def _spells_with_inner_letters(name: list[str], initials: str) -> bool:
    """Each word of a capitalised name (minor words aside) gives the initials its first letter, in order, and the
    initials' other letters are inside the word before them: "Continuing Healthcare" is CHC (health-care)."""
    words = [word.upper() for word in name if word.lower() not in MINOR_WORDS]
    return bool(words) and name[0][0].isupper() and len(initials) > len(words) and _spelled_by(words, initials)


def _spelled_by(words: list[str], initials: str) -> bool:
    if not words:
        return not initials
    if not initials or words[0][0] != initials[0]:
        return False
    inner, rest = words[0][1:], initials[1:]
    return any(_in_order(rest[:taken], inner) and _spelled_by(words[1:], rest[taken:]) for taken in range(len(rest) + 1))


def _in_order(letters: str, word: str) -> bool:
    remaining = iter(word)
    return all(letter in remaining for letter in letters)


def short_names(texts: list[str]) -> dict[str, ShortName]:
    """Each start of a defined name that stands for the name (see the module's docstring), lower-cased."""
    names = defined_names(texts)
    as_written = [word for text in texts for word in _NAME_WORD.findall(text)]
    lower_case = {word for word in as_written if word[0].islower()}
    words = [word.lower() for word in as_written]
    places: defaultdict[str, list[int]] = defaultdict(list)
    for place, word in enumerate(words):
        places[word].append(place)
    written: dict[str, ShortName] = {}
    for name, initials in names.items():
        name_words = name.split()
        if any(word in lower_case for word in name_words[:2]):
            continue  # "global warming": not a name, whatever the initials of "global warming potential"
        for size in range(2, len(name_words)):
            start = name_words[:size]
            if start[-1] in MINOR_WORDS:
                continue
            following = [
                words[place + size] for place in places[start[0]]
                if place + size < len(words) and words[place : place + size] == start
            ]
            if len(following) >= MIN_TIMES_WRITTEN and following.count(name_words[size]) >= SHORT_NAME_SHARE * len(following):
                written.setdefault(" ".join(start), ShortName(initials, name_words[size]))
    return written


class Initials:
    """Reads a text's starts of names as their initials (``short_names`` gives them), with the pattern that
    finds them compiled once, not for every question."""

    def __init__(self, written: dict[str, ShortName]) -> None:
        self.written = written
        starts = "|".join(re.escape(start).replace(r"\ ", r"\s+") for start in sorted(written, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<!\w)(?P<start>{starts})(?!\w)(?P<after>\W+(?P<next>\w+))?", re.IGNORECASE) if written else None

    def rewrite(self, text: str) -> str:
        """The text with each start of a name that stands for it written as the name's initials, where the
        text does not go on as the name does: "george eliot bed occupancy" is "GEH bed occupancy"."""
        return self._pattern.sub(self._initials, text) if self._pattern is not None else text

    def _initials(self, match: re.Match[str]) -> str:
        short = self.written.get(" ".join(match["start"].lower().split()))
        if short is None or (match["next"] or "").lower() == short.next_word:
            return match.group()
        return short.initials + match.group()[len(match["start"]) :]
