"""Names staff shorten, read as the initials the documents use for them.

The documents spell an organisation out once, with its initials in brackets
("George Eliot Hospital NHS Trust (GEH)"), and use the initials from then on.
Staff type the name, often only its start ("george eliot bed occupancy"), and
the pages with the answer say "GEH": the words asked for are not on them,
so search misses them and the decision declines ("the closest passages do
not mention George Eliot").

From those definitions, a question's name is read as its initials when it is
the whole name written out, or the start of it (two words at the least) that
is itself a name: its first two words are capitalised wherever the documents write them,
and where the documents write that start, at least ``SHORT_NAME_SHARE`` of the
time it goes on as the full name does. "George Eliot" (6 of 8 times "George
Eliot Hospital") is GEH; "West Midlands" (3 of 27 times "West Midlands
Ambulance") is not WMAS, nor "global warming" GWP (not a name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.vocabulary import DEFINED_INITIALS

# How often the start of a name must go on as the name where the documents write it, for the start alone to
# stand for it. Set by hand, not fitted (no dev question names an organisation by the start of its name):
# two thirds keeps "George Eliot" (0.75) and "University Hospitals" (0.8) and leaves "Coventry and" (0.68).
SHORT_NAME_SHARE = 2 / 3
# Words that do not count towards initials ("Getting it Right First Time": GIRFT).
# ... and write that start at least this many times: once ("Royal College of General Practitioners") says
# nothing of what else "Royal College" may go on as. Set by hand.
MIN_TIMES_WRITTEN = 3
_MINOR_WORDS = frozenset({"and", "of", "the", "for", "to", "&", "it", "on", "in", "nhs"})


def defined_names(texts: Iterable[str]) -> dict[str, str]:
    """Each name the documents spell out before its initials, lower-cased, to the initials:
    {"george eliot hospital nhs trust": "GEH", "quarterly system review meeting": "QSRM", ...}."""
    names: dict[str, str] = {}
    for text in texts:
        for match in DEFINED_INITIALS.finditer(text):
            words, initials = match["words"].split(), match["initials"]
            for size in range(2, len(words) + 1):
                name = words[-size:]
                spelled = "".join(word[0].upper() for word in name if word.lower() not in _MINOR_WORDS)
                if spelled == initials or (len(initials) >= 3 and spelled.startswith(initials) and name[0][0].isupper()):
                    names[" ".join(name).lower()] = initials
                    break
    return names


def short_names(texts: list[str]) -> dict[str, str]:
    """Each start of a defined name that stands for the name (see the module's docstring), lower-cased,
    to the name's initials. The whole name is left to search as it is: its words are on the page that
    defines it, and ``HybridSearcher.acronyms_spelled_out`` reads pages with the initials as holding them."""
    names = defined_names(texts)
    as_written = " ".join(" ".join(text.split()) for text in texts)
    corpus = as_written.lower()
    lower_case = {word.lower() for word in re.findall(r"(?<![\w-])[a-z][\w-]*", as_written)}
    written: dict[str, str] = {}
    for name, initials in names.items():
        words = name.split()
        if any(word in lower_case for word in words[:2]):
            continue  # "global warming": not a name, whatever the initials of "global warming potential"
        for size in range(2, len(words)):
            start = " ".join(words[:size])
            following = re.findall(rf"(?<!\w){re.escape(start)}\s+([\w&]+)", corpus)
            if len(following) >= MIN_TIMES_WRITTEN and sum(word == words[size] for word in following) >= SHORT_NAME_SHARE * len(following):
                written.setdefault(start, initials)
    return written


def with_initials(text: str, written: dict[str, str]) -> str:
    """The text with each name (or start of one) the documents define initials for written as those
    initials, the longest first: "george eliot bed occupancy" is "GEH bed occupancy"."""
    if not written:
        return text
    pattern = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in sorted(written, key=len, reverse=True))
    return re.sub(rf"(?<!\w)(?:{pattern})(?!\w)", lambda m: written[" ".join(m.group().lower().split())], text, flags=re.IGNORECASE)
