"""The topic of a briefing: its facets, the stems of its words and what they weigh,
and the acronyms the documents use for its phrases.

A topic is read into ``Query`` objects (the whole topic, then each facet), which
the writer scores sentences against; ``coverage`` is the share of a query's
weighted stems that a text contains.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from bot.answering import AnsweringService
from index.text import tokenize

# How people ask for a briefing rather than what it is about: "whats happening with virtual
# wards", "maternity update", "finance report headlines" ("numbers" and "figures" stay: they
# ask for the figures, and find the sentences that give them). Hand-written
# from the ways a request is phrased (not from the evaluation topics' facts); the words are
# dropped from what is searched so a sloppy topic finds what its tidy form finds.
_REQUEST_WORDS = re.compile(
    # How a chat asks after a topic rather than what it is about ("how bad is A&E at the moment", "the ICS deficit -
    # how big is it", "what are we doing for refugees", "staff wellbeing stuff"): the words left behind ("bad",
    # "moment", "doing", "stuff") are rare in the documents, so they weighed most in the search and found nothing.
    # Written from the ways English asks, after a comms trial's topics; not fitted. First, as the longer forms.
    r"\bhow\s+(?:bad|good|big|well|serious|large|severe)\s+(?:is|are|was|were|has|have)\b"
    r"|\b(?:at\s+the\s+moment|right\s+now|currently|these\s+days|at\s+present)\b"
    r"|\bwhat\s+(?:are|is)\s+(?:we|they|you)\s+doing(?:\s+(?:about|for|on|with))?\b"
    r"|\b(?:(?:are|is)\s+)?(?:we|they|you)\s+doing\b|\bbeing\s+done(?:\s+(?:about|for|on))?\b"
    r"|\bwhere\s+are\s+we\s+(?:with|on)\b|\b(?:stuff|etc)\b\.?"
    r"|\b(?:what'?s|what\s+is|what\s+are|how|are|is|happening|going\s+on|with|the\s+latest|latest|news|"
    r"updates?|headlines?|summary|overview|tell\s+me\s+about|"
    r"anything\s+on|info(?:rmation)?\s+(?:on|about))\b"
    # Where the briefing is going, closing the topic, not what it is about ("green plan update for the newsletter",
    # "... (for our weekly staff bulletin)": "newsletter", a word the documents use four times, had weighed most and
    # found the comms report's newsletters; a second trial). Only a publication, and only at the end: "plans for
    # social media" and "plans for the intranet" are about them (a review).
    r"|\(?\bfor\s+(?:(?:the|our|my|a|an|this|next)\s+)?(?:[\w-]+\s+){0,3}?(?:newsletter|bulletin|blog|press\s+release)\W*$",
    re.IGNORECASE,
)
_FACET_BREAK = re.compile(r"\s+(?:and|&)\s+|\s*[,;/]\s*")
# Control characters (Unicode category Cc) other than tab, line feed and carriage return,
# which are white space; XML, and so a Word document, cannot hold most of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Query:
    """The topic, or one facet of it ("covid pressures" in "vaccination and covid pressures")."""

    text: str
    vector: np.ndarray
    terms: dict[str, float]  # stem -> how telling it is


def read_topic(topic: str, service: AnsweringService) -> list[Query]:
    """The whole topic first, then each of its facets (one embedding call for all), each
    without the words of the request ("numbers", "whats happening with")."""
    topic = what_it_is_about(topic)
    texts = [topic, *facets(topic)]
    return [Query(t, v, _terms(t, service)) for t, v in zip(texts, service.embedder.embed(texts))]


def what_it_is_about(topic: str) -> str:
    """The topic without the words of asking ("whats happening with virtual wards" -> "virtual wards");
    the topic as typed when nothing would be left."""
    kept = " ".join(_REQUEST_WORDS.sub(" ", topic).split())
    return kept if tokenize(kept) else topic


def _terms(text: str, service: AnsweringService) -> dict[str, float]:
    """Stems weighted by how telling their words are; a word the corpus never uses weighs most."""
    unseen = math.log(1 + len(service.kb.sentences))
    terms: dict[str, float] = {}
    for token in tokenize(text):
        terms[token] = max(terms.get(token, 0.0), service.searcher.term_weight(token) or unseen)
    return terms


def acronyms(topic: str, service: AnsweringService) -> dict[str, frozenset[str]]:
    """Acronyms the documents use for a phrase of the topic: "PHM" for "population health management"."""
    return service.searcher.acronyms_spelled_out(tokenize(topic))


def facets(topic: str) -> list[str]:
    """The parts of a topic joined by "and" or commas; [] for a single-part topic.

    A one-word part shares the other words of the part before it:
    "PHM funding and staffing" -> ["PHM funding", "PHM staffing"].
    """
    parts = [part for part in _FACET_BREAK.split(topic) if tokenize(part)]
    if len(parts) < 2:
        return []
    return [
        " ".join(parts[i - 1].split()[:-1] + [part]) if i and len(tokenize(part)) == 1 else part
        for i, part in enumerate(parts)
    ]


def stems_of(text: str) -> set[str]:
    """The text's search tokens, which are stemmed words."""
    return set(tokenize(text))


def with_phrases(stems: frozenset[str] | set[str], aliases: dict[str, frozenset[str]]) -> set[str]:
    """Stems, plus the topic's phrase for each acronym among them ("phm" brings "population", "health", ...)."""
    return set(stems).union(*(phrase for acronym, phrase in aliases.items() if acronym in stems))


def coverage(stems: set[str], terms: dict[str, float]) -> float:
    """Share of a query's weighted stems present in a text."""
    total = sum(terms.values())
    return sum(weight for term, weight in terms.items() if term in stems) / total if total else 0.0


def without_control_characters(text: str) -> str:
    """The text with control characters ("\\x00", "\\x01", ...) removed; tabs and line breaks stay."""
    return _CONTROL.sub("", text)
