"""Briefings for comms: a topic in, a cited briefing out.

Extractive like the answering service, so every point can be trusted: each
is a sentence of a document, or the run of its clauses that speaks to the
topic (cut only at clause boundaries, so still verbatim on the page), cited
with its page. A briefing is wider than an answer:

* Gathering. The topic is searched (hybrid search), and so is each of its
  facets ("covid-19 vaccination and current covid pressures" has two) and the
  aspects the documents themselves discuss under it: the section headings of
  the best hits and the action-table themes close in meaning to the topic.
  Every sentence of the chunks found is scored against its best-matching query
  (meaning; the query's telling words, or an acronym the documents use for
  them, in the sentence or its heading; what its section is about), and
  near-duplicates (sentence vectors with cosine above 0.9, no new figure) are
  dropped.
* Writing. Points are the most important passages, the best of each facet and
  of each document that speaks strongly to the topic taken first; key figures
  are further clauses that give numbers (targets, dates, amounts); "What
  happens next" counts the topic's actions in the action table and shows the
  nearest due. When fewer than four passages speak to the topic the briefing
  says the documents say little, rather than padding.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from weakref import WeakKeyDictionary

import numpy as np

from bot.answering import AnsweringService, Citation
from index.search import tokenize
from index.store import KnowledgeBase
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
MAX_NEXT_ACTIONS = 6
MAX_ACTIONS_PER_DUE = 3
MAX_POINT_CHARS = 300
MAX_FIGURE_CHARS = 220
MAX_HEADLINE_CHARS = 160
HEADLINE_CANDIDATES = 3
MIN_CLAUSE_CHARS = 25
MIN_LOWER_SHARE = 0.4  # below this share of lower-case words a line is a heading or a table row
# Relevance of a sentence to a query: its meaning, the query's telling words in it or
# its heading, and what its section is about (its heading, or the chunk around it).
MEANING, WORDS, SECTION = 0.45, 0.3, 0.25
RELEVANT = 0.45  # a sentence at or above this speaks to the topic
# A sentence next to a relevant one on its page shares its subject ("there were 291
# positive patients" after a sentence about Covid patients), at a discount.
NEIGHBOUR_SHARE = 0.85
FIGURE_BONUS = 0.08  # comms lead with numbers: among near-equals, the sentence with a figure first
LEANING_PENALTY = 0.05  # "This identifies the groups ..." needs the sentence before it to make sense
MIN_POINT_WORDS = 6
MAX_FIGURE_TOKEN_SHARE = 0.3  # above this share of figures a text is a table, not prose
ACTION_SIMILARITY = 0.45
MIN_ACRONYM_LETTERS = 3

_STEM_SUFFIXES = ("ations", "ation", "ings", "ing", "ed", "es", "e", "s")
_FACET_BREAK = re.compile(r"\s+(?:and|&)\s+|\s*[,;/]\s*")
_WORD = re.compile(r"[A-Za-z][a-z]+")
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]{2,}")  # glued words ("totalled27,420") count too
_UNIT = (
    r"(?:days?|weeks?|months?|years?|hours?|minutes?|patients?|people|staff|posts?|beds|sites|practices|"
    r"appointments|referrals|breaches|cases|vaccinations|doses|boosters|suppliers|tonnes|miles|km|"
    r"[kM]?t?CO2e|kgCO2e|[kMG]Wh|m³)"
)
# Figures: amounts, percentages, large numbers, years, ranks and counts of things.
# pypdf glues words to numbers ("totalled27,420"), so no word boundary is asked before them.
_FIGURE = re.compile(
    r"£\s?\d[\d,.]*(?:\s?(?:bn|m|k|million|billion)\b)?"
    r"|(?<![\d.,])\d[\d,.]*\s?%"
    r"|(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\b(?:19|20)\d{2}(?:/\d{2,4})?\b"
    r"|\b\d+(?:st|nd|rd|th)\b"
    r"|\b\d+(?:\.\d+)?\s?(?:[a-z]+\s)?" + _UNIT + r"(?![a-z]|[\s-]+olds?\b)"
)
_AMOUNT = re.compile(r"£\s?\d|(?<![\d.,])\d[\d,.]*\s?%|(?<![\d.,])\d{1,3}(?:,\d{3})+")  # money, shares, large counts
# Clause breaks: after , ; : and before a spaced dash, a bullet or an "o" sub-bullet.
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—]\s)|\s+(?=[•▪●]\s)|\s+(?=o\s[A-Z])")
# In a flattened table a row ends with a run of figures and the next starts with a capitalised word.
_TABLE_ROW_BREAK = re.compile(r"(?:\S*\d\S*\s+)\S*\d\S*\s+(?=[A-Z][A-Za-z’'()-]*(?:\s|$))")
MIN_TABLE_ROWS = 2  # row breaks that make a "sentence" a flattened table
# A chart caption glued to the sentence after it: "Figure 15Total carbonfootprint in2020/21 The Carbon ...".
_CAPTION = re.compile(r"^(?:Figure|Table|Chart)\s?\d+")
_CAPTION_END = re.compile(r"\s(?=(?:The|This|These|Our|We|In|As|It|There)\s)")
_GOOD_START = re.compile(r"[A-Z£“‘\"'(•▪●–]|\d[\d,.%]*\s")
_FIGURE_TOKEN = re.compile(r"^[(£$]?\d")
_LINK = re.compile(r"https?://|www\.")
_LEANING = re.compile(r"^(?:This|These|Those|They|Such|He|She|Their)\b")
_LEADING_MARK = re.compile(r"^(?:[•▪●–—-]|o(?=\s[A-Z])|\d{1,2}\.(?=\s[A-Z]))\s+")
_TRAILING_PUNCTUATION = " ,;:–—-"

_VECTORS: WeakKeyDictionary[KnowledgeBase, dict[str, np.ndarray]] = WeakKeyDictionary()


@dataclass(frozen=True)
class Point:
    """A statement taken from the documents, with the numbers of its citations."""

    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class NextAction:
    action: str
    due: str | None
    lead: str | None
    theme: str
    slug: str
    title: str
    page: int


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
class _Query:
    """The topic, or one facet of it ("covid pressures" in "vaccination and covid pressures")."""

    text: str
    vector: np.ndarray
    terms: dict[str, float]  # stem -> how telling it is


@dataclass(frozen=True)
class _Evidence:
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
    """Writes briefings from one loaded knowledge base; thread-safe once the first briefing is written."""

    def __init__(self, service: AnsweringService) -> None:
        self.service = service
        self.kb = service.kb
        self._max_weight = math.log(1 + len(self.kb.sentences))

    def write(self, topic: str) -> Briefing:
        topic = collapse_whitespace(topic)
        aliases = self._acronyms(topic)
        queries = self._queries(topic)
        relevant = [e for e in self._gather(queries, aliases) if e.score >= RELEVANT]
        ledger = _Ledger(self.service)
        chosen = _choose_points(relevant, queries)
        points = [ledger.cite(e, quote) for e, quote in chosen]
        used = {e.sentence_id for e, _ in chosen}
        in_points = set().union(*(figures_in(quote) for _, quote in chosen))
        others = [e for e in relevant if e.sentence_id not in used]
        figures = [ledger.cite(e, clause) for e, clause in _key_figures(others, queries, aliases, in_points)]
        actions = [self._next_action(a) for a in self._actions_on(queries, aliases)]
        nearest = _nearest(actions)
        thin = len(points) < MIN_POINTS
        return Briefing(
            topic=topic,
            headline=_headline(queries[0], points, thin),
            points=points,
            key_figures=figures,
            actions=actions,
            next_actions=nearest,
            citations=ledger.citations,
            sources=self._sources(ledger.citations, nearest),
            generated_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
            kb_built_at=self.kb.manifest.built_at,
            thin=thin,
        )

    # -- the topic ------------------------------------------------------------------

    def _queries(self, topic: str) -> list[_Query]:
        """The whole topic first, then each of its facets (one embedding call for all)."""
        texts = [topic, *facets(topic)]
        return [_Query(t, v, self._terms(t)) for t, v in zip(texts, self.service.embedder.embed(texts))]

    def _terms(self, text: str) -> dict[str, float]:
        """Stems weighted by how telling their words are; a word the corpus never uses weighs most."""
        terms: dict[str, float] = {}
        for token in tokenize(text):
            terms[stem(token)] = max(terms.get(stem(token), 0.0), self.service.searcher.term_weight(token) or self._max_weight)
        return terms

    def _acronyms(self, topic: str) -> dict[str, frozenset[str]]:
        """Acronyms the documents use for a phrase of the topic: "PHM" for "population health management"."""
        words = tokenize(topic)
        aliases = {}
        for size in range(MIN_ACRONYM_LETTERS, 5):
            for start in range(len(words) - size + 1):
                phrase = words[start : start + size]
                acronym = "".join(word[0] for word in phrase)
                if all(word.isalpha() for word in phrase) and self.service.searcher.knows(acronym):
                    aliases[acronym] = frozenset(stem(word) for word in phrase)
        return aliases

    # -- gathering --------------------------------------------------------------------

    def _gather(self, queries: list[_Query], aliases: dict[str, frozenset[str]]) -> list[_Evidence]:
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
        names = [self.kb.chunks[i][1].heading for i in chunk_ids] + [a.theme for a in _actions(self.kb)]
        names = [name for name in dict.fromkeys(names) if name]
        vectors = self._embed_cached(names)
        ranked = sorted(zip((vectors @ topic_vector).tolist(), names, vectors), key=lambda item: -item[0])
        return [(name, vector) for similarity, name, vector in ranked[:MAX_ASPECTS] if similarity >= ASPECT_SIMILARITY]

    def _score(self, sentence_ids: list[int], queries: list[_Query], aliases: dict[str, frozenset[str]]) -> list[_Evidence]:
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

    @property
    def _vectors(self) -> dict[str, np.ndarray]:
        """Every section heading, action theme and action, embedded in one batch the first
        time any writer needs them for this knowledge base; "" is the zero vector."""
        if self.kb not in _VECTORS:
            texts = [s.heading for _, s in self.kb.sentences] + [t for a in _actions(self.kb) for t in _action_texts(a)]
            texts = [text for text in dict.fromkeys(texts) if text]
            _VECTORS[self.kb] = dict(zip(texts, self.service.embedder.embed(texts)))
            _VECTORS[self.kb][""] = np.zeros(self.kb.manifest.dimension, dtype=np.float32)
        return _VECTORS[self.kb]

    def _embed_cached(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        self._vectors.update(zip(missing, self.service.embedder.embed(missing)))
        return np.array([self._vectors[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)

    # -- the action table ------------------------------------------------------------------

    def _actions_on(self, queries: list[_Query], aliases: dict[str, frozenset[str]]) -> list:
        """Action rows that name a word of the topic (or a facet) and are close to it in meaning, by theme or text."""
        actions = _actions(self.kb)
        if not actions:
            return []
        vectors = np.array([q.vector for q in queries]).T
        by_text, by_theme = (self._embed_cached([_action_texts(a)[i] for a in actions]) @ vectors for i in (0, 1))
        on_topic = []
        for action, row in zip(actions, np.maximum(by_text, by_theme).tolist()):
            stems = with_phrases(stems_of(_action_texts(action)[0]), aliases)
            if any(similarity >= ACTION_SIMILARITY and coverage(stems, q.terms) > 0 for q, similarity in zip(queries, row)):
                on_topic.append((action, max(row)))
        return [action for action, closeness in sorted(on_topic, key=lambda item: (_due_key(item[0].due_normalised), -item[1]))]

    def _next_action(self, action) -> NextAction:
        title = self.kb.by_slug[action.source].record.title if action.source in self.kb.by_slug else action.source
        return NextAction(action.action, action.due, action.lead, action.theme, action.source, title, action.page)

    def _sources(self, citations: list[Citation], actions: list[NextAction]) -> list[Source]:
        """Each document cited or holding an action shown, with the pages used, in order of first use."""
        pages: dict[str, set[int]] = {}
        for slug, page in [(c.slug, c.page) for c in citations] + [(a.slug, a.page) for a in actions]:
            if slug in self.kb.by_slug:
                pages.setdefault(slug, set()).add(page)
        records = {slug: self.kb.by_slug[slug].record for slug in pages}
        return [Source(slug, records[slug].title, records[slug].date, tuple(sorted(found))) for slug, found in pages.items()]


# -- the topic's words -------------------------------------------------------------------------


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


def figures_in(text: str) -> set[str]:
    return {collapse_whitespace(match) for match in _FIGURE.findall(text)}


def stem(token: str) -> str:
    """A crude stem, enough to match "waiting" with "waited" and "vaccine" with "vaccination"."""
    for suffix in _STEM_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 4 and token.isalpha():
            return token[: -len(suffix)]
    return token


def stems_of(text: str) -> set[str]:
    return {stem(token) for token in tokenize(text)}


def with_phrases(stems: frozenset[str] | set[str], aliases: dict[str, frozenset[str]]) -> set[str]:
    """Stems, plus the topic's phrase for each acronym among them ("phm" brings "population", "health", ...)."""
    return set(stems).union(*(phrase for acronym, phrase in aliases.items() if acronym in stems))


def coverage(stems: set[str], terms: dict[str, float]) -> float:
    """Share of a query's weighted stems present in a text."""
    total = sum(terms.values())
    return sum(weight for term, weight in terms.items() if term in stems) / total if total else 0.0


# -- choosing and trimming -------------------------------------------------------------


def _choose_points(relevant: list[_Evidence], queries: list[_Query]) -> list[tuple[_Evidence, str]]:
    """The most important passages: the best for each facet and each document first, then the rest.

    Only strong passages (SEED_SHARE of the best) are taken first, so a document that
    barely touches the topic does not displace a better point from another.

    Importance is relevance, with a small lead for passages that carry a figure.
    """
    if not relevant:
        return []
    terms = {term: weight for q in queries for term, weight in q.terms.items()}
    candidates = [(e, quote) for e in relevant if (quote := _point_quote(e.text, terms))]
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
    return evidence.score + (FIGURE_BONUS if _FIGURE.search(quote) else 0.0) - (LEANING_PENALTY if _LEANING.match(quote) else 0.0)


def _point_quote(sentence: str, terms: dict[str, float]) -> str | None:
    """What of a sentence can stand as a point; None for a fragment, a question, a table or a heading."""
    if not _GOOD_START.match(sentence) or sentence.rstrip().endswith("?") or _is_table(sentence):
        return None
    quote = trim_to_clauses(sentence, terms)
    words = quote.split() if quote else []
    return quote if words and len(_LOWER_WORD.findall(quote)) >= MIN_LOWER_SHARE * len(words) else None


def _key_figures(
    relevant: list[_Evidence], queries: list[_Query], aliases: dict[str, frozenset[str]], shown: set[str]
) -> list[tuple[_Evidence, str]]:
    """Clauses giving numbers not ``shown`` yet (in the points): amounts first among near-equals, each number once.

    At most two clauses come from one sentence and four from one page, so a
    long table does not crowd out the rest of the documents.
    """
    figures: list[tuple[_Evidence, str]] = []
    shown = set(shown)
    per_sentence: Counter[int] = Counter()
    per_page: Counter[tuple[str, int]] = Counter()
    for evidence, clause in sorted(_figure_clauses(relevant, queries, aliases), key=lambda item: -_figure_weight(*item)):
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


def _figure_clauses(
    relevant: list[_Evidence], queries: list[_Query], aliases: dict[str, frozenset[str]]
) -> list[tuple[_Evidence, str]]:
    """Readable clauses with numbers that name a word of the topic or a facet, so a table
    row about another measure, or a figure that merely sits near the topic, is left out."""
    found = []
    for evidence in relevant:
        for start, end in clause_spans(evidence.text):
            clause = tidy(evidence.text[start:end])
            if not figures_in(clause) or not _readable(clause) or len(clause) > MAX_FIGURE_CHARS:
                continue
            stems = with_phrases(stems_of(clause), aliases)
            if any(coverage(stems, q.terms) for q in queries):
                found.append((evidence, clause))
    return found


def _figure_weight(evidence: _Evidence, clause: str) -> float:
    return evidence.score + (FIGURE_BONUS if _AMOUNT.search(clause) else 0.0)


def trim_to_clauses(sentence: str, terms: dict[str, float], limit: int = MAX_POINT_CHARS) -> str | None:
    """The sentence, or the run of its clauses that says most about the topic within ``limit``.

    The result is always a substring of the sentence, so it stays verbatim on
    the page. None when no run reads as prose (table debris, bare codes).
    """
    spans = clause_spans(sentence)
    windows = [
        (spans[first][0], spans[last][1])
        for first in range(len(spans))
        for last in range(first, len(spans))
        if (first == last or spans[last][1] - spans[first][0] <= limit)
        and _GOOD_START.match(tidy(sentence[spans[first][0] : spans[first][1]]))
        and _readable(sentence[spans[first][0] : spans[first][1]])
        and _readable(sentence[spans[last][0] : spans[last][1]])
        and _readable(sentence[spans[first][0] : spans[last][1]])
    ]
    if not windows:
        return None
    start, end = max(windows, key=lambda w: (coverage(stems_of(sentence[w[0] : w[1]]), terms), w[0] == 0, w[1] - w[0]))
    text = tidy(sentence[start:end])
    return text if len(_WORD.findall(text)) >= MIN_POINT_WORDS else None


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """Character spans of a sentence's clauses, never cut inside brackets; a clause too short
    to stand alone joins the next."""
    cuts = {m.end() for m in _CLAUSE_BREAK.finditer(sentence)}
    if _is_table(sentence):
        cuts |= {m.end() for m in _TABLE_ROW_BREAK.finditer(sentence)}
    if _CAPTION.match(sentence) and (caption_end := _CAPTION_END.search(sentence)):
        cuts.add(caption_end.end())
    cuts = {c for c in cuts if 0 < c < len(sentence) and sentence[:c].count("(") <= sentence[:c].count(")")}
    spans: list[tuple[int, int]] = []
    start = 0
    for end in sorted(cuts) + [len(sentence)]:
        if end - start >= MIN_CLAUSE_CHARS or end == len(sentence):
            spans.append((start, end))
            start = end
    return spans


def tidy(text: str) -> str:
    """A clause without its bullet, list number or trailing comma; still a substring of the original."""
    return _LEADING_MARK.sub("", text.strip()).rstrip(_TRAILING_PUNCTUATION)


def _readable(text: str) -> bool:
    """Prose rather than table cells, a caption, a link or a cut bracket: lower-case words, few figures."""
    tokens = text.split()
    figures = sum(bool(_FIGURE_TOKEN.match(token)) for token in tokens)
    plain = not _CAPTION.match(text.strip()) and not _LINK.search(text) and text.count("(") == text.count(")")
    return plain and len(_LOWER_WORD.findall(text)) >= 2 and figures <= MAX_FIGURE_TOKEN_SHARE * len(tokens)


def _is_table(sentence: str) -> bool:
    return len(_TABLE_ROW_BREAK.findall(sentence)) >= MIN_TABLE_ROWS


def _headline(topic: _Query, points: list[Point], thin: bool) -> str:
    """The first of the leading points to give an amount (else the first point), cut to a
    line at a clause boundary and cited; or a plain statement that the documents say little."""
    if thin:
        return f"The documents {'say little about' if points else 'do not cover'} {topic.text}."
    lead = next((p for p in points[:HEADLINE_CANDIDATES] if _AMOUNT.search(p.text)), points[0])
    return f"{trim_to_clauses(lead.text, topic.terms, MAX_HEADLINE_CHARS) or lead.text} [{lead.citations[0]}]"


# -- the action table ----------------------------------------------------------------------


def _actions(kb) -> list:
    """The knowledge base's action-table rows ([] for a build without them)."""
    return list(getattr(kb, "actions", None) or [])


def _nearest(actions: list[NextAction]) -> list[NextAction]:
    """The actions to show: the most relevant few of each due date, nearest dates first,
    so later dates show too; spare places go to the next most relevant.

    ``actions`` come sorted by due date, then by closeness to the topic.
    """
    per_due: Counter[str | None] = Counter()
    shown: set[int] = set()
    for index, action in enumerate(actions):
        if per_due[action.due] < MAX_ACTIONS_PER_DUE and len(shown) < MAX_NEXT_ACTIONS:
            shown.add(index)
            per_due[action.due] += 1
    spare = [index for index in range(len(actions)) if index not in shown][: MAX_NEXT_ACTIONS - len(shown)]
    return [actions[index] for index in sorted(shown | set(spare))]


def _due_key(normalised: str | None) -> str:
    """A sortable date for "2023/24" (its last day), "2022-06" or "2022-05-31"; undated sorts last."""
    if not normalised:
        return "9999"
    if "/" in normalised:
        return f"{int(normalised[:4]) + 1}-03-31"
    return normalised if len(normalised) == 10 else f"{normalised}-31"


def _action_texts(action) -> tuple[str, str]:
    """What an action is matched on: its theme with its text, and its theme alone."""
    return f"{action.theme}: {action.action}", action.theme or action.action


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / (np.linalg.norm(vector) or 1.0)


# -- output -------------------------------------------------------------------------------


def render_markdown(briefing: Briefing) -> str:
    """The briefing as Markdown: chat channels and ``--out FILE.md``."""
    lines = [f"# Briefing: {briefing.topic}", "", f"**{briefing.headline}**", ""]
    if briefing.thin:
        lines += [thin_note(briefing), ""]
    lines += _section("Key points", [f"{i}. {_cited(p)}" for i, p in enumerate(briefing.points, 1)])
    lines += _section("Key figures", [f"- {_cited(p)}" for p in briefing.key_figures])
    lines += _section("What happens next", [next_steps_intro(briefing), *[f"- {action_line(a)}" for a in briefing.next_actions]] if briefing.next_actions else [])
    lines += _section("References", [f"[{c.n}] {reference_line(c)}" for c in briefing.citations])
    lines += _section("Sources", [f"- {source_line(s)}" for s in briefing.sources])
    lines.append(f"_{footer(briefing)}_")
    return "\n".join(lines) + "\n"


def briefing_json(briefing: Briefing) -> dict:
    """The briefing as the JSON object ``python -m bot brief --json`` prints."""
    return {
        "topic": briefing.topic,
        "headline": briefing.headline,
        "points": [{"text": p.text, "citations": list(p.citations)} for p in briefing.points],
        "key_figures": [{"text": p.text, "citations": list(p.citations)} for p in briefing.key_figures],
        "next_actions": [
            {"action": a.action, "due": a.due, "lead": a.lead, "theme": a.theme, "slug": a.slug, "title": a.title, "page": a.page}
            for a in briefing.next_actions
        ],
        "action_count": len(briefing.actions),
        "citations": [{"n": c.n, "slug": c.slug, "title": c.title, "page": c.page, "quote": c.quote} for c in briefing.citations],
        "sources": [{"slug": s.slug, "title": s.title, "date": s.date, "pages": list(s.pages)} for s in briefing.sources],
        "generated_at": briefing.generated_at,
        "kb_built_at": briefing.kb_built_at,
        "thin": briefing.thin,
    }


def thin_note(briefing: Briefing) -> str:
    if not briefing.points:
        return "Nothing in the documents speaks to this topic, so there is no briefing to draft. Try a broader topic or type sources to see the documents."
    return f"Only {len(briefing.points)} passage(s) in the documents speak to this topic; they are below, with nothing added."


def next_steps_intro(briefing: Briefing) -> str:
    """How many actions, when they fall due and who leads them; then the ones due soonest."""
    dues = Counter(a.due or "no due date" for a in briefing.actions)
    leads = Counter(a.lead or "no lead named" for a in briefing.actions)
    return (
        f"The action table has {_count(len(briefing.actions), 'action')} on this topic: "
        + ", ".join(f"{n} due {due}" if due != "no due date" else f"{n} with no due date" for due, n in dues.items())
        + "; led by "
        + ", ".join(f"{lead} ({n})" for lead, n in leads.most_common())
        + (". They are:" if len(briefing.actions) == len(briefing.next_actions) else ". Those due soonest, most relevant first:")
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def action_line(action: NextAction) -> str:
    due = f"Due {action.due}" if action.due else "No due date"
    lead = f"lead {action.lead}" if action.lead else "no lead named"
    return f"{due}, {lead}: {action.action} ({action.title}, p. {action.page})"


def reference_line(citation: Citation) -> str:
    return f"{citation.title}, p. {citation.page}: \u201c{citation.quote}\u201d"


def source_line(source: Source) -> str:
    pages = ", ".join(str(p) for p in source.pages)
    return f"{source.title} ({source.date or 'undated'}), {'page' if len(source.pages) == 1 else 'pages'} {pages}"


def footer(briefing: Briefing) -> str:
    return (
        f"Draft generated {briefing.generated_at} from the knowledge base built {briefing.kb_built_at}. "
        "Every point is quoted from the page cited; check the references before publishing."
    )


def _cited(point: Point) -> str:
    return f"{point.text} " + " ".join(f"[{n}]" for n in point.citations)


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"## {title}", *lines, ""] if lines else []
