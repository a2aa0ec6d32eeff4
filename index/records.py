"""The records every layer shares: what ingest produces, the knowledge base stores and answers cite.

This module imports nothing of the project, so ``ingest/`` (which makes these
records), ``index/`` (which stores and searches them) and ``bot/`` (which
quotes them) all depend on it and never on each other the wrong way round.
Every record is a frozen dataclass: once read from a document it is not
changed, only replaced (a lead's correction makes a new ``ActionRow``).
"""

from __future__ import annotations

from dataclasses import dataclass

# Damage an action row can carry, found while reading its table; a lead's correction clears it.
MISSING_DUE = "missing due"
MISSING_LEAD = "missing lead"
MISSING_THEME = "missing theme"


@dataclass(frozen=True)
class DocumentRecord:
    slug: str
    title: str
    date: str
    kind: str
    file: str
    sha256: str
    page_count: int


@dataclass(frozen=True)
class Sentence:
    """One sentence as a user is shown it: the page's own words, line breaks folded to spaces."""

    page: int
    heading: str
    text: str


@dataclass(frozen=True)
class Chunk:
    """A run of consecutive sentences from one page, the unit retrieval searches."""

    page: int
    heading: str
    first_sentence: int  # index into the document's sentence list
    last_sentence: int  # inclusive
    text: str


@dataclass(frozen=True)
class ActionRow:
    """One row of a document's action table, as extracted (corrections are applied on read)."""

    source: str
    page: int
    theme: str
    scope: str | None
    number: str
    action: str
    due: str | None  # as printed: "22/23", "End May 22", "TBC"
    due_normalised: str | None  # "2022/23", "2022-05-31", "2022-06" or None
    lead: str | None
    nhs_refs: str | None
    status: str | None
    progress: str | None
    flags: tuple[str, ...] = ()  # damage found while reading, e.g. "missing due"
    # The columns a lead's imported correction changed from what the document prints ("lead", "due"): a listing says
    # so, as the row's citation still quotes the document.
    corrected: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    """A numbered quote an answer rests on: verbatim text from one page of one document."""

    n: int
    slug: str
    title: str
    page: int
    quote: str


@dataclass(frozen=True)
class SourceHint:
    """A place to look when the bot could not answer."""

    slug: str
    title: str
    page: int
