"""The briefing writer: gathers the sentences that speak to a topic, scores them,
chooses the points and key figures, and numbers the citations.

``BriefingWriter.write`` is the whole flow, top to bottom; below it come the
steps in turn: gathering, scoring, de-duplication (methods, as they use the
knowledge base), then choosing points and key figures and the headline
(functions of the scored sentences).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property

import numpy as np

from bot.answering import MAX_SENTENCES, AnsweringService, Citation, RankedSentence
from bot.briefing.clauses import (
    continues_previous,
    ends_unfinished,
    figure_clauses,
    figures_in,
    gives_a_value,
    gives_thanks,
    has_amount,
    has_figure,
    is_a_run_of_cells,
    is_a_run_of_worded_cells,
    is_commitment,
    is_whole_sentence,
    leans_on_its_sentence,
    leans_on_previous,
    measured_figures,
    names_share,
    needs_the_sentence_before,
    point_quote,
    points_ahead,
    refers_elsewhere,
    reports_a_question,
    runs_form_fields,
    shown_as_a_point,
    stands_on_the_sentence_before,
)
from bot.briefing.next_steps import NextAction, action_texts, actions_on, document_actions, nearest
from bot.briefing.selection import FEATURES, Feature, SelectionWeights, load_weights
from bot.briefing.topic import Query, acronyms, coverage, read_topic, stems_of, with_phrases, without_control_characters
from bot.missing import as_typed, terms_named
from bot.quoting import Quoter
from bot.ranker import probability
from bot.tables import TableRow
from index.search import NO_FILTERS, Filters
from index.text import (
    WHOLE_CLAIM_STOPS,
    collapse_whitespace,
    ends_with_stop,
    is_list_item,
    months_spelled_out,
    tokenize,
    with_valid_characters,
)
from index.vocabulary import BULLET_GLYPHS, CAPTION, MONTH_NAME, STOPWORDS

RANKED_PER_QUERY = 60  # sentences asked of the shared ranker for the topic, each facet and each aspect
ASPECT_SOURCES = 10  # the headings of this many best-ranked sentences are candidate aspects
FEEDBACK_SENTENCES = 10  # pseudo relevance feedback: words shared by this many of the topic's best sentences
FEEDBACK_TERMS = 4  # ... this many of them, searched with the topic
MAX_ASPECTS = 2  # aspects searched as well as the topic (each costs one ranker call: kept small for ≤ 1 s)
ASPECT_SIMILARITY = 0.45  # a heading this close to the topic in meaning is an aspect of it (set by hand)
FOCUS_SENTENCES = 20  # the page and document focus features count the topic's best this many sentences
NEIGHBOURS_OF = 20  # the page neighbours of this many best-ranked sentences are gathered too
# Two points whose sentences are this close in meaning (cosine) say the same thing: one is dropped.
# Set by hand: the benchmark's duplicate check found none left at 0.9.
NEAR_DUPLICATE = 0.9
# A briefing has 4-8 points and at most 8 key figures: issue 15's shape, not fitted.
MIN_POINTS = 4
SEED_SHARE = 0.8  # the best passage of a facet or document leads when its probability is within this share of the best
MAX_POINTS = 8
MAX_LIST_POINT_CHARS = 600  # a list's introduction brings its items as far as this
MAX_FIGURES = 8
MAX_COMMITMENTS = 3  # dated commitments shown under "What happens next"
FIGURES_NAME_TOPIC = True  # a key figure's clause must name a word of the topic
# Key figures come from the sentences the model ranks this high or better. Set by hand; measured out of fold on
# the 24 topics: 20 gives 69/103 facts, 30, 45, 60 and 100 give 72 (a figure ranked lower loses to those above).
FIGURE_POOL = 30
MAX_FIGURES_PER_SENTENCE = 2
MAX_FIGURES_PER_PAGE = 4
MAX_HEADLINE_CHARS = 320  # a headline is one whole sentence no longer than this
# Relevance of a sentence to a query: its meaning, the query's telling words in it or
# its heading, and what its section is about (the chunk around it). Hand-set before this
# data existed; the learned selection weighs it against the other features.
MEANING, WORDS, SECTION = 0.45, 0.3, 0.25
RELEVANT = 0.45  # a sentence at or above this speaks to the topic (fewer than MIN_POINTS: a thin briefing)
# A sentence next to a relevant one on its page shares its subject ("there were 291
# positive patients" after a sentence about Covid patients), at a discount.
NEIGHBOUR_SHARE = 0.85
# An action's first this many characters found in a sentence make it a row of the action table.
ACTION_TEXT_CHARS = 60


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
    nearest_topics: tuple[str, ...] = ()  # for a thin briefing: what the documents do cover near it
    commitments: tuple[Point, ...] = ()  # dated commitments the documents make on the topic
    as_of: date | None = None  # the day it was written for: an action due before it shows its date passed
    unmentioned: tuple[str, ...] = ()  # terms of the topic the documents never use; the rest of it is what is briefed


@dataclass(frozen=True)
class Candidate:
    """A sentence gathered for the topic, with its relevance and the query it answers best."""

    sentence_id: int
    slug: str
    page: int
    text: str
    relevance: float  # its own relevance, or a share of its neighbour's, whichever is higher
    facet: int  # index of the query it answers best
    cut: bool = False  # a page break cuts it: it stops a page mid-sentence, or carries on one the page before stopped
    action_row: bool = False  # it holds a row of an action table: "What happens next" lists those, not the points


@dataclass(frozen=True)
class Gathered:
    """Everything found for a topic before choosing: its queries, the candidate sentences
    with one row of selection features each, and the actions on it. Choosing (``compose``)
    is cheap, so the benchmark gathers once and composes with each fold's weights."""

    topic: str
    queries: list[Query]
    aliases: dict[str, frozenset[str]]
    candidates: list[Candidate]
    rows: np.ndarray  # len(candidates) x len(FEATURES)
    actions: list[NextAction]
    nearest_topics: tuple[str, ...]
    answerable: bool = False  # the answering service would answer the topic as a question (its decision and subject gate)
    # ... and then the sentences its answer would rest on (the best and those near it): a thin briefing gives them
    # however far in meaning they are ("winter pressures": the Winter Access Fund had been "not covered").
    answered_by: frozenset[int] = frozenset()
    documents: frozenset[str] = frozenset()  # the documents the topic names, which it is briefed from
    # Terms of the topic the documents never use (``HybridSearcher.words_never_used``: "monkeypox"): what was gathered is
    # for the rest of the topic ("vaccination"), and the briefing says the documents do not mention them.
    unmentioned: tuple[str, ...] = ()

    @classmethod
    def nothing(cls, topic: str, queries: list[Query] | None = None, aliases: dict[str, frozenset[str]] | None = None) -> Gathered:
        """Nothing found for the topic: no word to look for, or none but terms the documents never use."""
        return cls(topic, queries or [], aliases or {}, [], np.zeros((0, len(FEATURES))), [], ())


class _Ledger:
    """Numbers citations in order of first use; a quote inside an earlier one on its page keeps that number."""

    def __init__(self, service: AnsweringService) -> None:
        self._kb = service.kb
        self.citations: list[Citation] = []

    def cite(self, candidate: Candidate, quote: str, shown: str | None = None) -> Point:
        """The point ``quote`` makes, cited; shown as ``shown`` when that says it better (a benchmark row's value
        named with its month and target), the quote staying verbatim in the citation."""
        shown = shown or quote
        for citation in self.citations:
            if (citation.slug, citation.page) == (candidate.slug, candidate.page) and quote in citation.quote:
                return Point(shown, (citation.n,))
        title = self._kb.by_slug[candidate.slug].record.title
        self.citations.append(Citation(len(self.citations) + 1, candidate.slug, title, candidate.page, quote))
        return Point(shown, (len(self.citations),))


class BriefingWriter:
    """Writes briefings from one loaded knowledge base; safe to share between threads.

    ``warm_up`` does the one-off work (embedding the actions, indexing sentences'
    stems and chunks) so a server or the terminal pays for it at start-up, not in
    the first briefing.
    """

    def __init__(self, service: AnsweringService, weights: SelectionWeights | None = None) -> None:
        self.service = service
        self.kb = service.kb
        self.weights = weights or load_weights()
        self._vectors: dict[str, np.ndarray] | None = None  # text -> embedding; see _cached_vectors
        self._vectors_lock = threading.Lock()
        self._quoter = Quoter(service.kb)

    def warm_up(self) -> None:
        """Do the one-off work of the first briefing now, and write one briefing so the
        model, the ranker and the search indexes have run once."""
        self._cached_vectors()
        # Cached properties: reading them computes and keeps them.
        _ = self._heading_vectors, self._sentence_stems, self._action_sentences, self._sentence_chunks
        self.service.document_tokens(frozenset())  # the documents' words, read once
        self.write("net zero")

    def write(self, topic: str) -> Briefing:
        return self.compose(self.gather(topic))

    # -- gathering --------------------------------------------------------------------

    def gather(self, topic: str) -> Gathered:
        """The topic read into queries; the sentences the shared ranker finds for the topic,
        each facet and each aspect, with their page neighbours; near-duplicates removed."""
        topic = collapse_whitespace(without_control_characters(with_valid_characters(topic)))
        # "george eliot" looked for as "GEH", "104ww" as "104 week wait", "m3" as "month 3", "avg" as "average", "inhalors"
        # and "Dementa" as "inhalers" and "dementia" (a new user's trial: the briefing said the documents do not cover
        # inhalors, then gave inhaler figures; a name a word of the documents resembles is read as that word too,
        # "Moderna" as "modern", the price of reading typos, which are the commoner); the title keeps the topic typed
        searcher = self.service.searcher
        read_as = months_spelled_out(searcher.as_the_documents_write(searcher.question_as_the_documents_write(searcher.spelled_as_the_documents(topic))))
        # A term the documents never use ("monkeypox vaccination", "Kooth and CAMHS waiting times"): the topic is briefed
        # without it, and the briefing says the documents do not mention it (a trial had a briefing on COVID vaccination
        # for the first; a review, "The documents do not mention Kooth" and nothing drafted for the second).
        if unmentioned := tuple(dict.fromkeys(as_typed(word, topic) for word in searcher.words_never_used(read_as))):
            # The rest is briefed when it says what it is about: not "the plan" of "the monkeypox plan" (a review), whose
            # words every document uses.
            rest = _without_words(topic, unmentioned)
            telling = set(tokenize(rest)) - STOPWORDS - self.service.features.corpus_subject
            gathered = self.gather(rest) if telling else Gathered.nothing(topic)
            return replace(gathered, topic=topic, unmentioned=unmentioned)
        # A topic naming documents ("the nhse letter: concerns and actions", "phm roadmap plan and timeline") is
        # briefed from them: a trial's NHSE letter briefing opened with the minutes and listed a Green Plan action.
        # (The words naming them stay in the topic: read without them, "month 3 finance report headlines" is
        # "headlines", and its briefing lost its three facts.) When they use none of the topic's other words, the
        # topic is looked for everywhere: "green plan: ockenden" had been a briefing of Green Plan sentences on
        # "green" and "plan" (a review); the Ockenden passages are the minutes'.
        mentions = self.service.features.document_mentions(read_as)
        named = frozenset(slug for slug, _ in mentions)
        other_words = set(tokenize(read_as)) - {t for _, words in mentions for t in tokenize(words)}
        if other_words and not other_words & self.service.document_tokens(named):
            named = frozenset()
        # The words naming the documents say whose actions, not what they are about: "travel and transport in the green
        # plan" had counted the Green Space and Biodiversity actions, which name "green", as on the topic (a trial).
        rest = _without_words(read_as, tuple(words for _, words in mentions)) if named else ""
        about = read_topic(rest, self.service) if set(tokenize(rest)) - STOPWORDS else []
        read_as = self.service.as_titled(read_as, mentions)  # "brief the ceo report": its title (it never writes "CEO")
        aliases = acronyms(read_as, self.service)
        queries = read_topic(read_as, self.service)
        if not queries[0].terms:  # no content words ("", "the and of"): nothing to look for
            return Gathered.nothing(topic, queries, aliases)
        also = " ".join(aliases)
        within = Filters(slugs=named) if named else NO_FILTERS

        def ranked(query: str) -> list[RankedSentence]:
            return self.service.rank_sentences(query.strip(), k=RANKED_PER_QUERY, filters=within)

        ranking, answerable = self._ranked_and_answerable(f"{queries[0].text} {also}".strip(), within)
        rankings = [ranking] + [ranked(f"{q.text} {also}") for q in queries[1:]]
        aspects = self._aspects(queries[0].vector, [r.sentence_id for r in rankings[0][:ASPECT_SOURCES]])
        rankings += [ranked(f"{queries[0].text} {aspect} {also}") for aspect in aspects]
        like = self.service.with_words_of_like_meaning(queries[0].text)
        if like != queries[0].text:  # "kids" searched as "children" too, as answers choose their sentences
            rankings.append(ranked(f"{like} {also}"))
        if FEEDBACK_TERMS and (feedback := self._feedback_words(rankings[0], queries[0])):
            rankings.append(ranked(f"{queries[0].text} {also} {' '.join(feedback)}"))
        ranked_ids = [r.sentence_id for ranking in rankings for r in ranking]
        best = [r.sentence_id for r in sorted((r for ranking in rankings for r in ranking), key=lambda r: -r.score)]
        around = [n for sentence_id in dict.fromkeys(best) for n in self._page_neighbours(sentence_id)][: 2 * NEIGHBOURS_OF]
        sentence_ids = sorted(set(ranked_ids) | set(around))
        candidates, rows = self._features(sentence_ids, queries, aliases, rankings)
        keep = self._without_near_duplicates(candidates, rows)
        # None of the named documents' actions on the topic's other words: all of them ("the nhse letter: concerns and
        # actions" is about the letter's own action log; "nhse letter: desflurane" is looked for everywhere, above).
        # Matched on the topic without the naming words first; when they find none, as before (a review: "green plan
        # anaesthetic gases" had got all 150 of the plan's actions from ``document_actions``).
        actions = (
            (about and actions_on(self.kb, about, aliases, self._embed_cached, named))
            or actions_on(self.kb, queries, aliases, self._embed_cached, named)
            or document_actions(self.kb, named)
        )
        nearest_topics = self._nearest_topics(best)
        near_the_best = [r.sentence_id for r in ranking if r.score >= self.service.models.follow_on_share * ranking[0].score]
        answered_by = frozenset(near_the_best[:MAX_SENTENCES]) if answerable else frozenset()  # as many as an answer quotes
        return Gathered(topic, queries, aliases, [candidates[i] for i in keep], rows[keep], actions, nearest_topics, answerable, answered_by, named)

    def _ranked_and_answerable(self, query: str, filters: Filters = NO_FILTERS) -> tuple[list[RankedSentence], bool]:
        """The shared ranker's best sentences for the topic (as ``rank_sentences`` gives them) and
        whether the answering service would answer the topic as a question (its decision and subject gate): one
        search for both."""
        candidates, logits, answerable = self.service.decide(query, filters)
        order = np.argsort(-logits, kind="stable")[:RANKED_PER_QUERY]
        ranked = [RankedSentence(int(candidates.sentence_ids[i]), float(p)) for i, p in zip(order, probability(logits[order]))]
        return ranked, answerable

    def _feedback_words(self, ranking: list[RankedSentence], query: Query) -> list[str]:
        """Pseudo relevance feedback: the most telling words the topic's best-ranked sentences share
        (in at least two of them) that the topic does not say."""
        found: Counter[str] = Counter()
        surface: dict[str, str] = {}
        for r in ranking[:FEEDBACK_SENTENCES]:
            for word in dict.fromkeys(re.findall(r"[A-Za-z][A-Za-z-]{2,}", self.kb.sentences[r.sentence_id][1].text)):  # in reading order, not hash order
                for token in tokenize(word):
                    if token not in query.terms:
                        surface.setdefault(token, word)
                        found[token] += 1
        weights = {t: n * self.service.searcher.term_weight(t) for t, n in found.items() if n >= 2}
        return [surface[t] for t in sorted(weights, key=lambda t: -weights[t])[:FEEDBACK_TERMS]]

    def _aspects(self, topic_vector: np.ndarray, sentence_ids: list[int]) -> list[str]:
        """Section headings of the best-ranked sentences and action themes that are close to the topic."""
        headings = [h for h in dict.fromkeys(self.kb.sentences[i][1].heading for i in sentence_ids) if h]
        themes = [t for t in dict.fromkeys(a.theme for a in self.kb.actions) if t and t not in headings]
        vectors = np.vstack([self._heading_vectors[h] for h in headings] + [self._embed_cached(themes)]) if headings or themes else np.zeros((0, len(topic_vector)))
        ranked = sorted(zip((vectors @ topic_vector).tolist(), headings + themes), key=lambda item: -item[0])
        return [name for similarity, name in ranked[:MAX_ASPECTS] if similarity >= ASPECT_SIMILARITY]

    def _nearest_topics(self, best: list[int]) -> tuple[str, ...]:
        """The section headings of the best-ranked sentences: what the documents cover nearest the topic."""
        headings = [self.kb.sentences[i][1].heading for i in best]
        return tuple([h for h in dict.fromkeys(headings) if h and _names_a_topic(h)][:3])

    # -- features ---------------------------------------------------------------------

    def _features(
        self, sentence_ids: list[int], queries: list[Query], aliases: dict[str, frozenset[str]], rankings: list[list[RankedSentence]]
    ) -> tuple[list[Candidate], np.ndarray]:
        """The candidates and one row of ``FEATURES`` for each (see ``selection.Feature``)."""
        if not sentence_ids:
            return [], np.zeros((0, len(FEATURES)))
        ids = np.asarray(sentence_ids)
        query_vectors = np.array([q.vector for q in queries])
        meaning = self.kb.sentence_vectors[ids] @ query_vectors.T
        section = self.kb.chunk_vectors[self._sentence_chunks[ids]] @ query_vectors.T
        stems = [with_phrases(self._sentence_stems[i], aliases) for i in sentence_ids]
        words = np.array([[coverage(found, q.terms) for q in queries] for found in stems])
        relevance = MEANING * meaning + WORDS * words + SECTION * section
        own = dict(zip(sentence_ids, relevance.max(axis=1).tolist()))
        ranked_share: dict[int, float] = {}
        rank_share: dict[int, float] = {}
        found_by: Counter[int] = Counter()
        for ranking in rankings:
            top = max((r.score for r in ranking), default=0.0) or 1.0
            for rank, r in enumerate(ranking):
                ranked_share[r.sentence_id] = max(ranked_share.get(r.sentence_id, 0.0), max(r.score, 0.0) / top)
                rank_share[r.sentence_id] = max(rank_share.get(r.sentence_id, 0.0), 1.0 / (1.0 + rank / 10))
                found_by[r.sentence_id] += 1
        leaders = [r.sentence_id for r in rankings[0][:FOCUS_SENTENCES]]
        pages = Counter((self.kb.sentences[i][0], self.kb.sentences[i][1].page) for i in leaders)
        documents = Counter(self.kb.sentences[i][0] for i in leaders)
        candidates, rows = [], []
        for row, sentence_id in enumerate(sentence_ids):
            slug, sentence = self.kb.sentences[sentence_id]
            neighbour = max([own.get(n, 0.0) for n in self._page_neighbours(sentence_id)], default=0.0)
            terms = queries[int(relevance[row].argmax())].terms
            values = {
                Feature.RANKED: ranked_share.get(sentence_id, 0.0),
                Feature.RANK: rank_share.get(sentence_id, 0.0),
                Feature.QUERIES: found_by[sentence_id] / len(rankings),
                Feature.RELEVANCE: own[sentence_id],
                Feature.NEIGHBOUR: neighbour,
                Feature.WORDS: float(words[row].max()),
                Feature.PAGE_FOCUS: pages[(slug, sentence.page)] / max(len(leaders), 1),
                Feature.DOCUMENT_FOCUS: documents[slug] / max(len(leaders), 1),
                Feature.FIGURE: float(has_figure(sentence.text)),
                Feature.AMOUNT: float(has_amount(sentence.text)),
                Feature.LEANING: float(leans_on_previous(sentence.text)),
                Feature.QUOTABLE: float(point_quote(sentence.text, terms) is not None),
                Feature.LENGTH: min(len(sentence.text) / 300, 1.0),
                Feature.NAMES: names_share(sentence.text),
                Feature.LIST_ITEM: float(is_list_item(sentence.text)),
                Feature.SECTION_START: float(self._opens_section(sentence_id)),
            }
            rows.append([values[f] for f in FEATURES])
            relevant = max(own[sentence_id], NEIGHBOUR_SHARE * neighbour)
            facet = int(relevance[row].argmax())
            candidates.append(
                Candidate(sentence_id, slug, sentence.page, sentence.text, relevant, facet, bool(self._quoter.over_the_page_break(sentence_id)), sentence_id in self._action_sentences)
            )
        return candidates, np.array(rows, dtype=float)

    def _measure_rows(self, sentence_id: int) -> dict[str, TableRow]:
        """The rows of a benchmark table run into one sentence (``bot.tables``), each by its text as printed: a key
        figure names its measure, not the run of rows around it. None for prose or a sentence of one row."""
        rows = [row for row in self.service.tables.rows(sentence_id) if row.one_month and len(row.values) > 1]
        return {row.text(): row for row in rows} if len(rows) > 1 else {}

    def _with_its_list(self, candidate: Candidate, quote: str) -> str:
        """A quote that ends its sentence's introduction to a list ("... the following 3 policies:")
        with the list's items on the page, and one that ends a sentence the next spells out
        ("... five key building blocks." "These are aligned to the 4Is ...") with that sentence
        (as answers quote them: ``bot.quoting``), or that the next carries on ("... a trend of
        increased ambulance handover delays." "You recognised this risk and described the actions
        ..."), as far as MAX_LIST_POINT_CHARS: either alone is half a claim. The quote unchanged
        when it is none of these, or when the whole would not be verbatim on the page or would
        point elsewhere."""
        text = candidate.text.rstrip()
        start = text.find(quote)
        if start < 0 or text[start + len(quote) :].strip(" :.") or not (text.endswith(":") or not is_list_item(text)):
            return quote
        sentence_id = candidate.sentence_id
        items = [i for i in self._quoter.with_lists([sentence_id], MAX_LIST_POINT_CHARS) if i > sentence_id]
        run = [i for n, i in enumerate(items) if i == sentence_id + 1 + n and self.kb.sentences[i][1].page == candidate.page]
        if not run and self._continued_by(sentence_id):
            following = self.kb.sentences[sentence_id + 1][1].text
            run = [sentence_id + 1] if len(text) - start + 1 + len(following) <= MAX_LIST_POINT_CHARS else []
        if not run:
            return quote
        whole = " ".join([text[start:], *(self.kb.sentences[i][1].text for i in run)]).rstrip(" •▪●")  # a bullet that opens the next line
        return whole if self._quotable_on_its_page(candidate, whole) else quote

    def _with_what_it_stands_on(self, candidate: Candidate, own: str, quote: str) -> str | None:
        """A point whose subject the sentence before names ("It has evolved from the work carried out by Feeding Coventry
        ...") with that sentence before it, verbatim on the page; None when the sentence
        before cannot be quoted with it (another page, leaning itself, longer than a point with its list may be,
        MAX_LIST_POINT_CHARS): half a claim is no point. After a list item it stands as it is. ``own``: the
        quote of the candidate's sentence alone; ``quote``, that with its list."""
        text = candidate.text.strip()
        start = text.find(own.strip())
        # Only a quote from its sentence's start, a bullet aside ("• This means upskilling staff ...", a re-review's).
        if not stands_on_the_sentence_before(own) or start < 0 or text[:start].strip(f" {BULLET_GLYPHS}"):
            return quote
        sentence_id = candidate.sentence_id
        if sentence_id == 0:
            return None
        slug, before = self.kb.sentences[sentence_id - 1]
        if slug != candidate.slug or before.page != candidate.page or stands_on_the_sentence_before(before.text.strip()):
            return None
        if is_list_item(before.text):
            # A bullet's words ("• University of Warwick All establishments ...") are no subject to join (a third review's),
            # and dropping the point lost a fact ("She said that the Governing Body was not being asked to recommend the
            # Assisted Conception Policy ...", t119: 73 → 72 of 103 out of fold): kept as it stands, as before the join.
            return quote
        joined = f"{before.text.strip()} {quote}"
        return joined if len(joined) <= MAX_LIST_POINT_CHARS and self._quotable_on_its_page(candidate, joined) else None

    def _quotable_on_its_page(self, candidate: Candidate, text: str) -> bool:
        """A quote run over several sentences is verbatim on the candidate's page (up to white space) and points nowhere
        else ("as shown below")."""
        page = collapse_whitespace(self.kb.page_text(candidate.slug, candidate.page))
        return collapse_whitespace(text) in page and not refers_elsewhere(text)

    def _continued_by(self, sentence_id: int) -> bool:
        """The next sentence on the page carries this one on ("... increased ambulance handover delays."
        "You recognised this risk and described the actions ..."), so a point quotes both."""
        following = sentence_id + 1
        if following >= len(self.kb.sentences):
            return False
        (slug, sentence), (other_slug, other) = self.kb.sentences[sentence_id], self.kb.sentences[following]
        whole = ends_with_stop(other.text.rstrip(" •▪●"), WHOLE_CLAIM_STOPS)  # not one cut at the page's foot
        return (slug, sentence.page) == (other_slug, other.page) and whole and not is_list_item(other.text) and continues_previous(other.text)

    def _opens_section(self, sentence_id: int) -> bool:
        """Among the first two sentences under its heading on its page: where a section says what it is about."""
        slug, sentence = self.kb.sentences[sentence_id]
        before = [self.kb.sentences[i][1] for i in range(max(sentence_id - 2, 0), sentence_id) if self.kb.sentences[i][0] == slug]
        return sum(b.page == sentence.page and b.heading == sentence.heading for b in before) < 2

    def _page_neighbours(self, sentence_id: int) -> list[int]:
        """The sentences just before and after, when they are on the same page of the same document."""
        slug, sentence = self.kb.sentences[sentence_id]
        return [
            other
            for other in (sentence_id - 1, sentence_id + 1)
            if 0 <= other < len(self.kb.sentences) and (self.kb.sentences[other][0], self.kb.sentences[other][1].page) == (slug, sentence.page)
        ]

    @cached_property
    def _heading_vectors(self) -> dict[str, np.ndarray]:
        """What each section heading is about: the mean of its sentences' vectors, normalised.
        Embedding every heading took 37 s at start-up on the bundled corpus; this takes milliseconds."""
        members: dict[str, list[int]] = {}
        for sentence_id, (_, sentence) in enumerate(self.kb.sentences):
            members.setdefault(sentence.heading, []).append(sentence_id)
        return {heading: _unit(self.kb.sentence_vectors[ids].mean(axis=0)) for heading, ids in members.items()}

    @cached_property
    def _sentence_stems(self) -> list[frozenset[str]]:
        """Stems of each sentence with its heading, for matching the topic's words."""
        return [frozenset(stems_of(f"{s.heading} {s.text}")) for _, s in self.kb.sentences]

    @cached_property
    def _action_sentences(self) -> frozenset[int]:
        """The sentences that hold an action table's row: the action's words, in a line with its lead, due
        year and references ("Phil Johns Immediate Partial ... 2 ICS Transition Identify support ...")."""
        held = set()
        for action in self.kb.actions:
            words = collapse_whitespace(action.action)[:ACTION_TEXT_CHARS]
            for sentence_id in self.kb.page_sentence_ids(action.source, action.page):
                if words and words in collapse_whitespace(self.kb.sentences[sentence_id][1].text):
                    held.add(sentence_id)
        return frozenset(held)

    @cached_property
    def _sentence_chunks(self) -> np.ndarray:
        """For each sentence, the first chunk that holds it."""
        owners = np.zeros(len(self.kb.sentences), dtype=np.int64)
        for chunk_id in reversed(range(len(self.kb.chunks))):
            owners[list(self.kb.chunk_sentence_ids(chunk_id))] = chunk_id
        return owners

    def _without_near_duplicates(self, candidates: list[Candidate], rows: np.ndarray) -> list[int]:
        """Indexes of the candidates to keep: one of two sentences close in meaning (cosine above
        NEAR_DUPLICATE) is dropped unless it gives a figure the other lacks (the model barely sees
        numbers, so "72,045 boosters, 78.2%" and "9,628 doses, 11.8%" are different facts)."""
        order = sorted(range(len(candidates)), key=lambda i: -rows[i][FEATURES.index(Feature.RANKED)] - candidates[i].relevance)
        kept: list[int] = []
        for i in order:
            vector = self.kb.sentence_vectors[candidates[i].sentence_id]
            numbers = figures_in(candidates[i].text)
            if not any(
                float(vector @ self.kb.sentence_vectors[candidates[k].sentence_id]) > NEAR_DUPLICATE and numbers <= figures_in(candidates[k].text)
                for k in kept
            ):
                kept.append(i)
        return sorted(kept)

    # -- choosing ---------------------------------------------------------------------

    def compose(self, gathered: Gathered, weights: SelectionWeights | None = None) -> Briefing:
        """The briefing from what was gathered: points, key figures and headline chosen in the
        order the selection model puts the candidates; citations numbered in order of use."""
        weights = weights or self.weights
        probabilities = probability(weights.score(gathered.rows))
        order: np.ndarray | list[int] = np.argsort(-probabilities, kind="stable") if len(gathered.candidates) else []
        words, neighbour = FEATURES.index(Feature.WORDS), FEATURES.index(Feature.NEIGHBOUR)
        ranked = [gathered.candidates[i] for i in order]
        strength = [float(probabilities[i]) for i in order]
        # A point speaks to the topic: it or its heading holds a word of it, or it or the sentence beside it is close to
        # it in meaning, or it is from the document the topic names ("month 3 finance report headlines": the report's "breakeven"). A trial's
        # "staff away day and staff briefings" had points on a diabetes workshop and a Roma health event, a
        # neighbour's page and the model's ranking their only tie to it.
        on_topic = {
            gathered.candidates[i].sentence_id
            for i in order
            if gathered.documents
            or gathered.rows[i][words] > 0
            or max(gathered.candidates[i].relevance, gathered.rows[i][neighbour]) >= RELEVANT
        }
        terms = {term: weight for q in gathered.queries for term, weight in q.terms.items()}
        # A topic naming documents is gathered from them alone, so each of their passages speaks to it: "what nhse said at
        # the quarterly review", mostly words of asking, scores low on meaning, and a trial's briefing had said the
        # documents do not cover it above the letter's 13 actions.
        relevant = [(c, p) for c, p in zip(ranked, strength) if c.relevance >= RELEVANT or gathered.documents]
        # Thin when fewer than MIN_POINTS passages speak to the topic, unless the answering
        # service (its decision and subject gate, fitted on questions, not on these topics) would answer the
        # topic and at least one passage does: a sloppy topic ("gp access numbers") scores low
        # on meaning while the documents plainly cover it.
        speaking = len(_choose_points([c for c, _ in relevant], terms, [p for _, p in relevant]))
        thin = speaking < MIN_POINTS and not (gathered.answerable and speaking >= 1)
        # A thin briefing says what the documents do say: the passages that speak to it, and those an answer to the
        # topic asked as a question would rest on.
        pool = list(zip(ranked, strength)) if not thin else [(c, p) for c, p in zip(ranked, strength) if c.relevance >= RELEVANT or c.sentence_id in gathered.answered_by]
        # One more than the points: the headline is taken from them and not repeated as a point.
        points_pool = [(c, p) for c, p in pool if c.sentence_id in on_topic]
        chosen = _choose_points(
            [c for c, _ in points_pool], terms, [p for _, p in points_pool], MAX_POINTS + 1, self._with_its_list, self._with_what_it_stands_on
        )
        ledger = _Ledger(self.service)
        headline = _headline(chosen, ranked, terms, thin)
        if headline is not None:
            ledger.cite(*headline)
        said = [headline] if headline is not None else []
        if len(chosen) > MIN_POINTS:
            chosen = [item for item in chosen if item != headline]
        chosen = chosen[:MAX_POINTS]
        points = [ledger.cite(c, quote, shown_as_a_point(c.text, quote)) for c, quote in chosen]
        used = {c.sentence_id for c, _ in chosen + said}
        shown = set().union(*(figures_in(quote) for _, quote in chosen + said))
        # Key figures are not held to ``on_topic``: a finance report's "£1.4m slippage in relation to SDF" holds no word
        # of "month 3 finance report headlines" (t110 lost two of three facts with them held to it, a re-review's idea).
        figure_pool = [c for c, _ in pool[:FIGURE_POOL] if c.sentence_id not in used]
        figures = [
            ledger.cite(c, clause, said)
            for c, clause, said in _key_figures(figure_pool, gathered.queries, gathered.aliases, shown, self._measure_rows)
        ]
        said_texts = [quote for _, quote in chosen + said] + [p.text for p in figures]
        commitments = [ledger.cite(c, quote) for c, quote in _commitments(figure_pool, terms, said_texts, self._written)]
        shown_actions = nearest(gathered.actions)
        return Briefing(
            topic=gathered.topic,
            headline=_headline_text(headline, gathered.topic, bool(points), thin, ledger, gathered.unmentioned),
            points=points,
            key_figures=figures,
            actions=gathered.actions,
            next_actions=shown_actions,
            citations=ledger.citations,
            sources=self._sources(ledger.citations, shown_actions),
            generated_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
            as_of=self.service.today(),
            kb_built_at=self.kb.manifest.built_at,
            thin=thin,
            nearest_topics=gathered.nearest_topics if thin else (),
            commitments=tuple(commitments),
            unmentioned=gathered.unmentioned,
        )

    # -- embeddings of headings and actions -------------------------------------------------

    def _cached_vectors(self) -> dict[str, np.ndarray]:
        """Every action and action theme, embedded in one batch the first time they are
        needed; headings are embedded as aspects need them; "" is the zero vector."""
        with self._vectors_lock:
            if self._vectors is None:
                texts = [t for a in self.kb.actions for t in action_texts(a)]
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
        if not texts:  # a corpus without action themes: nothing to stack
            return np.zeros((0, self.service.embedder.dimension), dtype=np.float32)
        return np.array([vectors[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)

    # -- sources ------------------------------------------------------------------------------

    def _written(self, slug: str) -> tuple[date, bool] | None:
        """When a document was written, from the catalogue, and whether it gives the year alone; None when it gives no date."""
        document = self.kb.by_slug.get(slug)
        day = written_on(document.record.date) if document else None
        return (day, dated_by_year_alone(document.record.date)) if document and day else None

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


# -- choosing points, key figures and the headline -------------------------------------------


def _choose_points(
    ranked: list[Candidate],
    terms: dict[str, float],
    strength: list[float],
    limit: int = MAX_POINTS,
    whole: Callable[[Candidate, str], str] | None = None,
    leaning: Callable[[Candidate, str, str], str | None] | None = None,
) -> list[tuple[Candidate, str]]:
    """Up to ``limit`` candidates that stand as a point: a whole claim (no caption, figure
    reference or table debris) not already said by another; ``whole`` completes a quote
    (a list's introduction with its items), and ``leaning`` gives a quote whose subject the sentence before
    names with that sentence, or None when it cannot (the point is then left out).

    The strongest passage of each facet and of each document goes first (a strong one is
    within SEED_SHARE of the best's probability), so a briefing spans the documents and the
    facets that speak to the topic; the rest follow in the model's order.
    """
    quotable = [(c, q, p) for c, p in zip(ranked, strength) if not c.cut and not c.action_row and (q := point_quote(c.text, terms))]
    own = {c.sentence_id: q for c, q, _ in quotable}  # each quote before ``whole`` completed it
    if whole is not None:
        quotable = [(c, whole(c, q), p) for c, q, p in quotable]
    # "The following policies were due ..." stands only with what follows it (and so when counting a thin briefing's).
    quotable = [(c, q, p) for c, q, p in quotable if q != own[c.sentence_id] or not points_ahead(q)]
    # ... and one its list did not complete stops mid-sentence ("The average wait by Place as of April 2022 are", a trial's).
    quotable = [(c, q, p) for c, q, p in quotable if not ends_unfinished(q)]
    if leaning is not None:
        quotable = [(c, joined, p) for c, q, p in quotable if (joined := leaning(c, own[c.sentence_id], q)) is not None]
    if not quotable:
        return []
    strong = [(c, q) for c, q, p in quotable if p >= SEED_SHARE * quotable[0][2]]
    firsts = list({c.facet: (c, q) for c, q in reversed(strong)}.values()) + list({c.slug: (c, q) for c, q in reversed(strong)}.values())
    order = {c.sentence_id: i for i, (c, _, _) in enumerate(quotable)}
    chosen: list[tuple[Candidate, str]] = []
    for candidate, quote in sorted(firsts, key=lambda item: order[item[0].sentence_id]) + [(c, q) for c, q, _ in quotable]:
        if len(chosen) == limit:
            break
        if all(
            candidate.sentence_id != c.sentence_id and not _same_claim(quote, other) and not _same_claim(own[candidate.sentence_id], other)
            and not _same_claim(own[c.sentence_id], quote)
            for c, other in chosen
        ):  # a list point and a point of one of its items say the same
            chosen.append((candidate, quote))
    return sorted(chosen, key=lambda item: order[item[0].sentence_id])


def written_on(catalogue_date: str) -> date | None:
    """The catalogue's date of a document as a day: "2022-07-20"; "2022-07" is its first day, and a year
    alone ("2022") its first day too, so a promise dated earlier that year still counts as one."""
    match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", catalogue_date or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None


def dated_by_year_alone(catalogue_date: str) -> bool:
    """The catalogue gives a document's year and nothing more ("2022"): ``written_on`` is that year's first day, which
    a promise dated later that year must not be read as past by."""
    match = re.match(r"(\d{4})(-\d{2})?", catalogue_date or "")
    return match is not None and not match[2]


def _commitments(
    pool: list[Candidate], terms: dict[str, float], said: list[str], written: Callable[[str], tuple[date, bool] | None]
) -> list[tuple[Candidate, str]]:
    """Up to MAX_COMMITMENTS dated promises among the best candidates not already said, in the model's
    order: whole sentences (not one a page break cuts), not yet kept when their document was ``written``
    (a day, and whether the catalogue gives its year alone)."""
    found: list[tuple[Candidate, str]] = []
    for candidate in pool:
        quote = None if candidate.cut else point_quote(candidate.text, terms)
        day, year_only = written(candidate.slug) or (None, False)
        if quote and is_commitment(quote, day, year_only) and not is_a_run_of_worded_cells(quote) and not any(_same_claim(quote, other) for other in said + [q for _, q in found]):
            found.append((candidate, quote))
            if len(found) == MAX_COMMITMENTS:
                break
    return found


# Words the text layer ran together in a heading: a capital inside a word ("SustainableProcurement"), a comma with
# no space after it ("commuting,patient").
_RUN_TOGETHER = re.compile(r"[a-z][A-Z]|[A-Za-z],[A-Za-z]")


# A heading's section number ("3.2 ", "8.3.2 "), and a word of at least two letters.
_SECTION_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+")
_WORD = re.compile(r"[A-Za-z]{2,}")
# Words no heading ends on: a line break cut it ("Green Space and"). "Speak Up", "Buildings we own" and "How we will get
# there" end on function words too.
_UNFINISHED = frozenset("and or of the a an to for with in on at by from as &".split())


def _names_a_topic(heading: str) -> bool:
    """A heading that names something to brief on: two words or more besides its number and function words, no month,
    no caption, no words run together, and no last word (a conjunction, preposition or article) that leaves it unfinished. A trial was offered a chart's axis
    read as a heading ("March April May June July"), a paper's running header ("Performance Report – ICB Meeting 20th
    July 2022") and a caption ("Figure 22 Emissionsfromcommuting, patient,..."); a later one table cells ("No N/A"), a
    numbered caption ("3.2 Table 3") and a heading a line break cut ("Green Space and")."""
    words = _SECTION_NUMBER.sub("", heading).split()
    content = [word for word in words if (_WORD.search(word) or word.isdigit()) and word.lower() not in STOPWORDS]
    return (
        len(content) >= 2
        and words[-1].lower() not in _UNFINISHED
        and not MONTH_NAME.search(heading)
        and not CAPTION.match(" ".join(words))
        and not _RUN_TOGETHER.search(heading)
    )


def _same_claim(quote: str, other: str) -> bool:
    """One quote inside the other, ignoring case and white space: the same point twice."""
    a, b = (" ".join(text.lower().split()) for text in (quote, other))
    return a in b or b in a


def _key_figures(
    pool: list[Candidate],
    queries: list[Query],
    aliases: dict[str, frozenset[str]],
    shown: set[str],
    measure_rows: Callable[[int], dict[str, TableRow]] = lambda sentence_id: {},
) -> list[tuple[Candidate, str, str | None]]:
    """Clauses giving figures not ``shown`` yet, in the model's order, each figure once, each with how a briefing
    shows it when that is not the clause as printed (a benchmark row's value named with its month and target).

    A clause must name a word of the topic (so it says what the figure measures) and
    give a figure; a sentence with no such clause gives the claim that holds its figure
    whole (as a point would quote it: what it measures is in it), so a figure stated in
    one long clause ("there were 291 positive patients across the system ...") is not
    lost. A table of measures run into one sentence (``measure_rows``: its rows by their text)
    gives its rows that name the topic, each a clause whose figure is the value for its month
    ("4300" as much as "4,300"; "Cancer - 2 week wait Breast CCG 93% 89.2% 61.9%" is the
    monthly table's April 89.2% again, whatever its target and average). At most two come from
    one sentence and four from one page, so a long table does not crowd out the rest of the
    documents.
    """
    terms = {term: weight for q in queries for term, weight in q.terms.items()}
    figures: list[tuple[Candidate, str, str | None]] = []
    shown = set(shown)
    per_sentence: Counter[int] = Counter()
    per_page: Counter[tuple[str, int]] = Counter()
    for candidate in pool:
        if candidate.action_row:
            continue  # "What happens next" lists actions; their cells ("23/24 ICB NZ 3.4.1") are no key figures
        if runs_form_fields(candidate.text):
            continue  # a cover sheet's fields ("Purpose: ... (Month 3 - 2022/23) Contribution to ...": a review)
        measures = measure_rows(candidate.sentence_id)
        naming = {row: max(coverage(with_phrases(stems_of(row), aliases), q.terms) for q in queries) for row in measures}
        rows = sorted((row for row in measures if naming[row]), key=lambda row: -naming[row])  # the row most on the topic first
        clauses = rows or [c for c in figure_clauses(candidate.text, queries, aliases, named=FIGURES_NAME_TOPIC) if not leans_on_its_sentence(c)]
        if not clauses and (whole := point_quote(candidate.text, terms)) and measured_figures(whole):
            clauses = [whole]  # no short clause names the topic: the claim that gives the figure, whole
        for clause in clauses:
            # "62 day Wait from GP referral" names a measure and gives no value; a table row's value is its month's.
            numbers = {measures[clause].values[1]} if clause in measures else measured_figures(clause)
            if not gives_a_value(clause) or numbers <= shown or refers_elsewhere(clause) or is_a_run_of_cells(clause) or gives_thanks(clause):
                continue
            if needs_the_sentence_before(clause):
                continue  # "This incorporates £1,100k surplus ...": what it measures is said before (a review's)
            if per_sentence[candidate.sentence_id] == MAX_FIGURES_PER_SENTENCE or per_page[candidate.slug, candidate.page] == MAX_FIGURES_PER_PAGE:
                continue
            figures.append((candidate, clause, measures[clause].said() if clause in measures else None))
            shown |= numbers
            per_sentence[candidate.sentence_id] += 1
            per_page[candidate.slug, candidate.page] += 1
            if len(figures) == MAX_FIGURES:
                return figures
    return figures


def _headline(
    chosen: list[tuple[Candidate, str]], ranked: list[Candidate], terms: dict[str, float], thin: bool
) -> tuple[Candidate, str] | None:
    """The most important fact as one whole sentence: the first point that is a whole
    sentence (and no question someone asked, "Dr Menon asked how ...", nor one introducing what follows it), else the model's best candidate
    that is; None for a thin briefing."""
    if thin:
        return None
    quote: str | None
    def leads(candidate: Candidate, quote: str) -> bool:  # a whole statement, not a question someone asked
        whole = is_whole_sentence(quote, candidate.text) and len(quote) <= MAX_HEADLINE_CHARS
        # ... and one saying something of the topic: "NOTED the contents of the report and were ASSURED of the actions
        # ..." had headed the briefing on commissioning policies (a minutes' formula, and no word of the topic).
        # Nor one leaning on the sentence before it ("She said that the Governing Body was not being asked ...": a
        # new user's trial's headline on commissioning policies, whose "she" the reader never meets).
        return (
            whole and not reports_a_question(quote) and not points_ahead(quote) and not needs_the_sentence_before(quote)
            and coverage(stems_of(quote), terms) > 0
        )

    for candidate, quote in chosen:
        if leads(candidate, quote):
            return candidate, quote
    for candidate in ranked:
        quote = None if candidate.action_row else point_quote(candidate.text, terms)
        if quote and leads(candidate, quote):
            return candidate, quote
    return chosen[0] if chosen else None


# What a word taken out of a topic leaves behind: a conjunction or joining mark at either end, or one doubled ("CAMHS &
# and ..."), empty brackets, quotes, emphasis or links ("CAMHS (Kooth) waiting times", "[Kooth](http://...) and CAMHS").
_DANGLING = re.compile(
    r"^(?:\W|\b(?:and|or)\b)+|(?:\W|\b(?:and|or)\b)+$|\[\s*\]\([^)]*\)|\(\s*\)|\"\s*\"|\*\s*\*"
    r"|(?<=\s)(?:(?:and|or)\b|[&/+,;:-])(?=\s+(?:(?:and|or)\b|[&/+,;:-]))",
    re.IGNORECASE,
)


_MARKDOWN_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\([^)]*\)")


def _without_words(topic: str, words: tuple[str, ...]) -> str:
    """The topic without these words, with a possessive or a joining mark on them ("Kooth's", "Kooth-CAMHS"), and
    without what they leave dangling (``_DANGLING``): "Kooth and CAMHS waiting times" is "CAMHS waiting times"."""
    topic = _MARKDOWN_LINK.sub(r"\g<text>", topic)  # "[Kooth](http://...)": its text
    for word in words:
        typed = rf"[-/]?(?<!\w){re.escape(word)}(?:['’]s)?(?!\w)[-/]?"
        # With the conjunction or mark joining it to the rest, before it ("CAMHS & Kooth") or else after it.
        before = re.sub(rf"(?:\s+(?:and|or)\b|\s*[&+,])\s*{typed}", " ", topic, count=1, flags=re.IGNORECASE)
        topic = before if before != topic else re.sub(rf"{typed}(?:\s*(?:(?:and|or)\b|[&+,]))?", " ", topic, count=1, flags=re.IGNORECASE)
    for _ in range(3):  # a mark left dangling may leave another at the end ("X and & Kooth")
        topic = collapse_whitespace(_DANGLING.sub(" ", topic)).strip()
    return topic


def _headline_text(
    headline: tuple[Candidate, str] | None, topic: str, any_points: bool, thin: bool, ledger: _Ledger, unmentioned: tuple[str, ...] = ()
) -> str:
    """The headline with its citation, or a plain statement that the documents say little, or nothing of a term."""
    if unmentioned and not any_points:
        return f"The documents do not mention {terms_named(unmentioned)}."
    if headline is None:
        return f"The documents {'say little about' if any_points else 'do not cover'} {topic}."
    candidate, quote = headline
    n = next(c.n for c in ledger.citations if (c.slug, c.page) == (candidate.slug, candidate.page) and quote in c.quote)
    return f"{quote} [{n}]"
