"""The briefing writer: gathers the sentences that speak to a topic, scores them,
chooses the points and key figures, and numbers the citations.

``BriefingWriter.write`` is the whole flow, top to bottom; below it come the
steps in turn: gathering, scoring, de-duplication (methods, as they use the
knowledge base), then choosing points and key figures and the headline
(functions of the scored sentences).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np

from bot.answering import AnsweringService, Citation
from bot.briefing.clauses import figure_clauses, figures_in, has_amount, has_figure, leans_on_previous, point_quote, trim_to_clauses
from bot.briefing.next_steps import NextAction, action_texts, actions_on, nearest
from bot.briefing.topic import Query, acronyms, coverage, read_topic, stems_of, with_phrases, without_control_characters
from ingest.cleaning import collapse_whitespace

TOPIC_CHUNKS = 20
ASPECT_CHUNKS = 8
ASPECT_SOURCES = 10  # the headings of this many best hits are candidate aspects
MAX_ASPECTS = 4
ASPECT_SIMILARITY = 0.45
NEAR_DUPLICATE = 0.9
MIN_POINTS = 4
SEED_SHARE = 0.8
MAX_POINTS = 8
MAX_FIGURES = 10
MAX_FIGURES_PER_SENTENCE = 2
MAX_FIGURES_PER_PAGE = 4
MAX_HEADLINE_CHARS = 160
HEADLINE_CANDIDATES = 3
# Relevance of a sentence to a query: its meaning, the query's telling words in it or
# its heading, and what its section is about (its heading, or the chunk around it).
MEANING, WORDS, SECTION = 0.45, 0.3, 0.25
RELEVANT = 0.45  # a sentence at or above this speaks to the topic
# A sentence next to a relevant one on its page shares its subject ("there were 291
# positive patients" after a sentence about Covid patients), at a discount.
NEIGHBOUR_SHARE = 0.85
FIGURE_BONUS = 0.08  # comms lead with numbers: among near-equals, the sentence with a figure first
LEANING_PENALTY = 0.05  # a passage that needs the sentence before it to make sense


@dataclass(frozen=True)
class Point:
    """A statement taken from the documents, with the numbers of its citations."""

    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Source:
    slug: str
    title: str
    date: str
    pages: tuple[int, ...]


@dataclass(frozen=True)
class Briefing:
    topic: str
    headline: str
    points: list[Point]
    key_figures: list[Point]
    actions: list[NextAction]  # every action on the topic, due soonest first
    next_actions: list[NextAction]  # the most relevant few of the nearest due dates
    citations: list[Citation]
    sources: list[Source]
    generated_at: str
    kb_built_at: str
    thin: bool  # the documents say little on the topic


@dataclass(frozen=True)
class _Evidence:
    """A sentence found for the topic, with its relevance and the query it answers best."""

    sentence_id: int
    slug: str
    page: int
    text: str
    score: float
    facet: int  # index of the query it answers best


class _Ledger:
    """Numbers citations in order of first use; a quote inside an earlier one on its page keeps that number."""

    def __init__(self, service: AnsweringService) -> None:
        self._kb = service.kb
        self.citations: list[Citation] = []

    def cite(self, evidence: _Evidence, quote: str) -> Point:
        for citation in self.citations:
            if (citation.slug, citation.page) == (evidence.slug, evidence.page) and quote in citation.quote:
                return Point(quote, (citation.n,))
        title = self._kb.by_slug[evidence.slug].record.title
        self.citations.append(Citation(len(self.citations) + 1, evidence.slug, title, evidence.page, quote))
        return Point(quote, (len(self.citations),))


class BriefingWriter:
    """Writes briefings from one loaded knowledge base; safe to share between threads.

    The first briefing embeds every section heading and action once (seconds on a
    large corpus); call ``warm_up`` at start-up to do that before anyone asks.
    """

    def __init__(self, service: AnsweringService) -> None:
        self.service = service
        self.kb = service.kb
        self._vectors: dict[str, np.ndarray] | None = None  # text -> embedding; see _cached_vectors
        self._vectors_lock = threading.Lock()

    def warm_up(self) -> None:
        """Do the one-off work of the first briefing now: embed the headings and actions,
        and index the sentences' stems and chunks."""
        self._cached_vectors()
        self._sentence_stems  # cached properties: reading them computes and keeps them
        self._sentence_chunks

    def write(self, topic: str) -> Briefing:
        topic = collapse_whitespace(without_control_characters(topic))
        aliases = acronyms(topic, self.service)
        queries = read_topic(topic, self.service)
        relevant = [e for e in self._gather(queries, aliases) if e.score >= RELEVANT]
        ledger = _Ledger(self.service)
        chosen = _choose_points(relevant, queries)
        points = [ledger.cite(e, quote) for e, quote in chosen]
        used = {e.sentence_id for e, _ in chosen}
        in_points = set().union(*(figures_in(quote) for _, quote in chosen))
        others = [e for e in relevant if e.sentence_id not in used]
        figures = [ledger.cite(e, clause) for e, clause in _key_figures(others, queries, aliases, in_points)]
        actions = actions_on(self.kb, queries, aliases, self._embed_cached)
        shown = nearest(actions)
        thin = len(points) < MIN_POINTS
        return Briefing(
            topic=topic,
            headline=_headline(queries[0], points, thin),
            points=points,
            key_figures=figures,
            actions=actions,
            next_actions=shown,
            citations=ledger.citations,
            sources=self._sources(ledger.citations, shown),
            generated_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
            kb_built_at=self.kb.manifest.built_at,
            thin=thin,
        )

    # -- gathering --------------------------------------------------------------------

    def _gather(self, queries: list[Query], aliases: dict[str, frozenset[str]]) -> list[_Evidence]:
        """Sentences found for the topic, its facets and its aspects: best first, near-duplicates removed."""
        if not queries[0].terms:
            return []  # no content words ("", "the and of"): nothing to look for
        searcher = self.service.searcher
        also = " ".join(aliases)
        hits = [searcher.search(f"{q.text} {also}", q.vector, k=TOPIC_CHUNKS) for q in queries]
        chunk_ids = {hit.chunk_id for found in hits for hit in found}
        topic = queries[0]
        for aspect, vector in self._aspects(topic.vector, [hit.chunk_id for hit in hits[0][:ASPECT_SOURCES]]):
            found = searcher.search(f"{topic.text} {aspect} {also}", _unit(topic.vector + vector), k=ASPECT_CHUNKS)
            chunk_ids |= {hit.chunk_id for hit in found}
        sentence_ids = sorted({i for chunk_id in chunk_ids for i in self.kb.chunk_sentence_ids(chunk_id)})
        return self._without_near_duplicates(self._score(sentence_ids, queries, aliases))

    def _aspects(self, topic_vector: np.ndarray, chunk_ids: list[int]) -> list[tuple[str, np.ndarray]]:
        """Section headings of the best hits and action themes that are close to the topic."""
        names = [self.kb.chunks[i][1].heading for i in chunk_ids] + [a.theme for a in self.kb.actions]
        names = [name for name in dict.fromkeys(names) if name]
        vectors = self._embed_cached(names)
        ranked = sorted(zip((vectors @ topic_vector).tolist(), names, vectors), key=lambda item: -item[0])
        return [(name, vector) for similarity, name, vector in ranked[:MAX_ASPECTS] if similarity >= ASPECT_SIMILARITY]

    # -- scoring ----------------------------------------------------------------------

    def _score(self, sentence_ids: list[int], queries: list[Query], aliases: dict[str, frozenset[str]]) -> list[_Evidence]:
        """Each sentence's relevance to its best-matching query, raised to a share of a relevant neighbour's."""
        if not sentence_ids:
            return []
        ids = np.asarray(sentence_ids)
        query_vectors = np.array([q.vector for q in queries])
        meaning = self.kb.sentence_vectors[ids] @ query_vectors.T
        context = self.kb.chunk_vectors[self._sentence_chunks[ids]] @ query_vectors.T
        headings = [self.kb.sentences[i][1].heading for i in sentence_ids]
        section = np.maximum(context, self._embed_cached(headings) @ query_vectors.T)
        stems = [with_phrases(self._sentence_stems[i], aliases) for i in sentence_ids]
        words = np.array([[coverage(found, q.terms) for q in queries] for found in stems])
        relevance = MEANING * meaning + WORDS * words + SECTION * section
        own = dict(zip(sentence_ids, relevance.max(axis=1).tolist()))
        facet = dict(zip(sentence_ids, relevance.argmax(axis=1).tolist()))
        evidence = []
        for sentence_id in sentence_ids:
            score = max([own[sentence_id]] + [NEIGHBOUR_SHARE * own.get(n, 0.0) for n in self._page_neighbours(sentence_id)])
            slug, sentence = self.kb.sentences[sentence_id]
            evidence.append(_Evidence(sentence_id, slug, sentence.page, sentence.text, score, facet[sentence_id]))
        return sorted(evidence, key=lambda e: -e.score)

    def _page_neighbours(self, sentence_id: int) -> list[int]:
        """The sentences just before and after, when they are on the same page of the same document."""
        slug, sentence = self.kb.sentences[sentence_id]
        return [
            other
            for other in (sentence_id - 1, sentence_id + 1)
            if 0 <= other < len(self.kb.sentences) and (self.kb.sentences[other][0], self.kb.sentences[other][1].page) == (slug, sentence.page)
        ]

    @cached_property
    def _sentence_stems(self) -> list[frozenset[str]]:
        """Stems of each sentence with its heading, for matching the topic's words."""
        return [frozenset(stems_of(f"{s.heading} {s.text}")) for _, s in self.kb.sentences]

    @cached_property
    def _sentence_chunks(self) -> np.ndarray:
        """For each sentence, the first chunk that holds it."""
        owners = np.zeros(len(self.kb.sentences), dtype=np.int64)
        for chunk_id in reversed(range(len(self.kb.chunks))):
            owners[list(self.kb.chunk_sentence_ids(chunk_id))] = chunk_id
        return owners

    # -- de-duplication ------------------------------------------------------------------

    def _without_near_duplicates(self, evidence: list[_Evidence]) -> list[_Evidence]:
        """Drop a sentence that says what a better one says: close in meaning (cosine above
        NEAR_DUPLICATE) and giving no figure the other lacks. The model barely sees numbers,
        so "72,045 boosters, 78.2%" and "9,628 doses, 11.8%" are different facts."""
        kept: list[_Evidence] = []
        for item in evidence:
            vector = self.kb.sentence_vectors[item.sentence_id]
            numbers = figures_in(item.text)
            if not any(
                float(vector @ self.kb.sentence_vectors[k.sentence_id]) > NEAR_DUPLICATE and numbers <= figures_in(k.text)
                for k in kept
            ):
                kept.append(item)
        return kept

    # -- embeddings of headings and actions -------------------------------------------------

    def _cached_vectors(self) -> dict[str, np.ndarray]:
        """Every section heading, action theme and action, embedded in one batch the first
        time they are needed; "" is the zero vector."""
        with self._vectors_lock:
            if self._vectors is None:
                texts = [s.heading for _, s in self.kb.sentences] + [t for a in self.kb.actions for t in action_texts(a)]
                texts = [text for text in dict.fromkeys(texts) if text]
                vectors = dict(zip(texts, self.service.embedder.embed(texts)))
                vectors[""] = np.zeros(self.kb.manifest.dimension, dtype=np.float32)
                self._vectors = vectors
            return self._vectors

    def _embed_cached(self, texts: list[str]) -> np.ndarray:
        vectors = self._cached_vectors()
        missing = list(dict.fromkeys(t for t in texts if t not in vectors))
        if missing:
            embedded = dict(zip(missing, self.service.embedder.embed(missing)))
            with self._vectors_lock:
                vectors.update(embedded)
        return np.array([vectors[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)

    # -- sources ------------------------------------------------------------------------------

    def _sources(self, citations: list[Citation], actions: list[NextAction]) -> list[Source]:
        """Each document cited or holding an action shown, with the pages used, in order of first use."""
        pages: dict[str, set[int]] = {}
        for slug, page in [(c.slug, c.page) for c in citations] + [(a.slug, a.page) for a in actions]:
            if slug in self.kb.by_slug:
                pages.setdefault(slug, set()).add(page)
        records = {slug: self.kb.by_slug[slug].record for slug in pages}
        return [Source(slug, records[slug].title, records[slug].date, tuple(sorted(found))) for slug, found in pages.items()]


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / (np.linalg.norm(vector) or 1.0)


# -- choosing points and key figures ----------------------------------------------------------


def _choose_points(relevant: list[_Evidence], queries: list[Query]) -> list[tuple[_Evidence, str]]:
    """The most important passages: the best for each facet and each document first, then the rest.

    Only strong passages (SEED_SHARE of the best) are taken first, so a document that
    barely touches the topic does not displace a better point from another.

    Importance is relevance, with a small lead for passages that carry a figure.
    """
    if not relevant:
        return []
    terms = {term: weight for q in queries for term, weight in q.terms.items()}
    candidates = [(e, quote) for e in relevant if (quote := point_quote(e.text, terms))]
    candidates.sort(key=lambda item: -_importance(*item))
    strong = [(e, q) for e, q in candidates if e.score >= SEED_SHARE * relevant[0].score]
    firsts = list({e.facet: (e, q) for e, q in reversed(strong)}.values())
    firsts += list({e.slug: (e, q) for e, q in reversed(strong)}.values())
    chosen: list[tuple[_Evidence, str]] = []
    for item in sorted(firsts, key=lambda item: -_importance(*item)) + candidates:
        if len(chosen) == MAX_POINTS:
            break
        if all(item[0].sentence_id != c[0].sentence_id and item[1] != c[1] for c in chosen):
            chosen.append(item)
    return sorted(chosen, key=lambda item: -_importance(*item))


def _importance(evidence: _Evidence, quote: str) -> float:
    """Relevance, a little more with a figure, a little less when it leans on the sentence before."""
    return evidence.score + (FIGURE_BONUS if has_figure(quote) else 0.0) - (LEANING_PENALTY if leans_on_previous(quote) else 0.0)


def _key_figures(
    relevant: list[_Evidence], queries: list[Query], aliases: dict[str, frozenset[str]], shown: set[str]
) -> list[tuple[_Evidence, str]]:
    """Clauses giving numbers not ``shown`` yet (in the points): amounts first among near-equals, each number once.

    At most two clauses come from one sentence and four from one page, so a
    long table does not crowd out the rest of the documents.
    """
    clauses = [(e, clause) for e in relevant for clause in figure_clauses(e.text, queries, aliases)]
    figures: list[tuple[_Evidence, str]] = []
    shown = set(shown)
    per_sentence: Counter[int] = Counter()
    per_page: Counter[tuple[str, int]] = Counter()
    for evidence, clause in sorted(clauses, key=lambda item: -_figure_weight(*item)):
        numbers = figures_in(clause)
        if numbers <= shown or per_sentence[evidence.sentence_id] == MAX_FIGURES_PER_SENTENCE:
            continue
        if per_page[evidence.slug, evidence.page] == MAX_FIGURES_PER_PAGE:
            continue
        figures.append((evidence, clause))
        shown |= numbers
        per_sentence[evidence.sentence_id] += 1
        per_page[evidence.slug, evidence.page] += 1
        if len(figures) == MAX_FIGURES:
            break
    return figures


def _figure_weight(evidence: _Evidence, clause: str) -> float:
    return evidence.score + (FIGURE_BONUS if has_amount(clause) else 0.0)


def _headline(topic: Query, points: list[Point], thin: bool) -> str:
    """The first of the leading points to give an amount (else the first point), cut to a
    line at a clause boundary and cited; or a plain statement that the documents say little."""
    if thin:
        return f"The documents {'say little about' if points else 'do not cover'} {topic.text}."
    lead = next((p for p in points[:HEADLINE_CANDIDATES] if has_amount(p.text)), points[0])
    return f"{trim_to_clauses(lead.text, topic.terms, MAX_HEADLINE_CHARS) or lead.text} [{lead.citations[0]}]"
