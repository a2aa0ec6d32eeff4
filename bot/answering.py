"""The answering service every channel calls: a question in, a cited answer out.

Extractive by design, so nothing is invented: retrieve chunks (hybrid
search), score each of their sentences (and those on the best chunks' pages)
against the question, and answer with the best one to four sentences, with
the rest of their lists (``bot.quoting``), each followed by a numbered
citation (document, page, the sentence itself). When the evidence is weak,
or the question names something the evidence never mentions, it says so and
points to the closest sources instead of guessing.

Holds no conversation state and is thread-safe: channels run ``answer`` in worker threads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from bot.action_answers import ROWS_IN_TEXT, ActionAnswerer, shown_rows
from bot.action_query import ActionFilter, ActionListing, render_listing_text
from bot.quoting import Quoter
from index.embedder import Embedder
from index.search import Filters, HybridSearcher, NO_FILTERS
from index.store import KnowledgeBase
from index.text import tokenize
from ingest.actions import HONORIFICS
from ingest.cleaning import collapse_whitespace

NOT_FOUND = "I couldn't find that in the documents."
UNREADABLE_YEAR = (
    "I couldn't tell which financial year you mean. Try 23/24, 2023-24, FY2023/24, "
    "“this financial year” or “next year”."
)
CHUNKS_SEARCHED = 12
PART_CHUNKS_SEARCHED = 6
MAX_SENTENCES = 4
# Two sentences sharing this share of their words, but not their figures, report one measure of two things.
SAME_MEASURE_WORD_SHARE = 0.6
# Sentences of the pages the best chunks are on are candidates too, ranked below the chunks themselves.
PAGES_EXPANDED = 6
PAGE_RANK_SHARE = 0.5
# How a sentence is scored: closeness in meaning, share of the question's telling words, rank of its chunk.
MEANING_WEIGHT = 0.5
WORDS_WEIGHT = 0.35
RANK_WEIGHT = 0.1
MAX_ANSWER_CHARS = 550
# A fourth sentence only while the answer stays short enough to take in at a glance.
MAX_ANSWER_CHARS_WITH_FOURTH = 460
# A list's items follow the sentence that introduces it, within this longer budget.
MAX_ANSWER_WITH_LIST_CHARS = 900
# Calibrated on ../shared/eval/questions.jsonl (see README, "Answer quality").
MIN_EVIDENCE_SCORE = 0.38
FOLLOW_ON_SHARE = 0.65
# A name in fewer than this share of sentences is specific enough that the evidence must mention it.
SPECIFIC_NAME_SHARE = 0.03
# The evidence must share at least this much of the question's telling words (by weight).
MIN_COVERAGE = 0.3
MIN_TERM_WEIGHT = 0.5
NAMED_PAGE_BONUS = 0.08

_NUMBER = re.compile(r"\d")
_PERCENT_OR_MONEY = re.compile(r"\d\s?%|£\s?\d|\d\s?(?:m|k|bn)\b|\d{1,3}(?:,\d{3})+")
_DATE = re.compile(
    r"\b(?:19|20)\d{2}\b|\b\d{2}/\d{2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)
# A person: a title and a name ("Mrs Wilson"), or a name with a role ("Laura Nelson – Director of ...").
_ROLE = r"(?:Director|Officer|Lead|Manager|Chair|Chief|Executive|Head|Member|Secretary|Clinician)"
_PERSON = re.compile(
    rf"\b(?:{HONORIFICS}|Professor|Cllr)\.? [A-Z][a-z]+"
    rf"|\b[A-Z][a-z]+ [A-Z][a-z'’-]+\s*[–,-]\s*(?:[A-Za-z]+ ){{0,4}}{_ROLE}"
    rf"|\b{_ROLE}\b[^.]{{0,40}}?(?:,|\s[–-])\s*[A-Z][a-z]+ [A-Z][a-z]+"
)
_YEAR_TOKEN = re.compile(r"fy\d\d/\d\d|(?:19|20)\d\d")
_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][A-Za-z0-9&]*[A-Z0-9]?[a-z]*\b|\b[A-Z]{2,}[a-z]?\b")
_MONTHS = frozenset(tokenize("january february march april may june july august september october november december"))


# "due in 2024", "due 2023/25": a year the due-date parser could not turn into a financial year.
_ASKS_FOR_A_YEAR = re.compile(r"\b(?:due|by|in|for)\s+(?:fy\s*)?(?:20\d\d|\d\d/\d\d)\b", re.IGNORECASE)
_COUNT_QUESTION = re.compile(r"\bhow (?:many|much)\b", re.IGNORECASE)
_FIGURE = re.compile(r"£\s?\d|\d[\d,.]*\s?%|\b\d[\d,.]*\b")


def _figures(text: str) -> set[str]:
    return {m.group().strip() for m in _FIGURE.finditer(text)}


def _same_measure(text: str, other: str) -> bool:
    """Worded alike but with other figures: "... waited was 92 days for treatment for breast
    cancer" and "... waited was 222 days for treatment": the same measure of two things."""
    figures, other_figures = _figures(text), _figures(other)
    if not figures or not other_figures or figures == other_figures:
        return False
    words, other_words = _words(text), _words(other)
    return len(words & other_words) >= SAME_MEASURE_WORD_SHARE * len(words | other_words)


def _words(text: str) -> set[str]:
    return {token for token in tokenize(text) if token.isalpha()}


def _has_figure(text: str) -> bool:
    """A number that is not a year: a count, an amount or a percentage."""
    return any(not _YEAR_TOKEN.fullmatch(m.group().strip()) for m in _FIGURE.finditer(text))


_PART_BREAK = re.compile(
    r"\?\s+|;\s+|\s+-\s+|,?\s+and\s+(?=(?:what|when|who|how|why|which|where|did|does|is|are|was|were)\b)"
    r"|,\s+(?=(?:what|when|who|how|why|which|where)\b)",
    re.IGNORECASE,
)


# "... and when should we hit it?": a part that names its subject only by a word pointing back.
_REFERS_BACK = re.compile(r"\b(?:it|its|they|them|their|this|that|these|those|one)\b", re.IGNORECASE)


def _as_asked(question: str) -> str:
    """The question with its question mark: the embedding model reads "... the ICS Green Plan"
    without one as a statement about the plan, and ranks sentences merely naming it higher."""
    return question if question.rstrip().endswith("?") else question.rstrip() + "?"


def split_question(question: str) -> list[str]:
    """The parts of a compound question that ask for something of their own."""
    parts = [part.strip(" ,?") for part in _PART_BREAK.split(question)]
    return [part for part in parts if len(tokenize(part)) >= 1]


def _acronyms_of(text: str) -> set[str]:
    """Initials of runs of capitalised words: "Chief Executive Officer" gives "ceo"."""
    acronyms = set()
    for run in re.findall(r"(?:\b[A-Z][a-z]+(?:\s+(?:and|of|for)\s+|\s+)?){2,}", text):
        initials = "".join(word[0] for word in run.split() if word[0].isupper())
        acronyms.update(initials[i:j].lower() for i in range(len(initials)) for j in range(i + 2, len(initials) + 1))
    return acronyms


def _covered_terms(
    terms: dict[str, float],
    text: str,
    tokens: frozenset[str],
    spelled_out: dict[str, frozenset[str]],
    acronyms: frozenset[str],
) -> frozenset[str]:
    """The question's words a sentence (its ``text`` and search ``tokens``) holds, also through
    acronyms either way: "DDR" covers "dementia diagnosis rate" (``spelled_out``), "Quality
    Assurance Framework" covers "QAF" (one of the question's ``acronyms``)."""
    covered = set(terms).intersection(tokens)
    for acronym, words in spelled_out.items():
        if acronym in tokens:
            covered |= words
    missing = [t for t in acronyms if t not in covered]
    if missing:
        initials = _acronyms_of(text)
        covered.update(t for t in missing if t in initials)
    return frozenset(covered)


def _coverage(chosen: list[_Scored], terms: dict[str, float]) -> float:
    """Share of the question's telling words (by weight) that the evidence contains."""
    covered = set().union(*(c.covered for c in chosen))
    return sum(terms[t] for t in covered) / (sum(terms.values()) or 1.0)


def _mentioned(name: str, evidence: set[str]) -> bool:
    """In the evidence, allowing a longer form ("NHSE" in "NHSEI")."""
    return name in evidence or any(token.startswith(name) for token in evidence)


@dataclass(frozen=True)
class Citation:
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


@dataclass(frozen=True)
class Answer:
    text: str
    citations: list[Citation]
    abstained: bool
    see_also: list[SourceHint] = field(default_factory=list)
    actions: ActionListing | None = None  # set when answered from the action table

    def as_json(self) -> dict:
        return {
            "answer": self.text,
            "citations": [c.__dict__ for c in self.citations],
            "abstained": self.abstained,
        }


@dataclass(frozen=True)
class RankedSentence:
    """A sentence of the knowledge base and how well it answers a query (higher is better)."""

    sentence_id: int
    score: float


@dataclass(frozen=True)
class _Scored:
    sentence_id: int
    score: float
    covered: frozenset[str]


class AnsweringService:
    def __init__(self, kb: KnowledgeBase, embedder: Embedder, today: Callable[[], date] = date.today) -> None:
        self.kb = kb
        self.embedder = embedder
        self.searcher = HybridSearcher(kb)
        self.actions = ActionAnswerer(kb)
        self.quoter = Quoter(kb)
        self.today = today
        self._page_token_cache: dict[tuple[str, int], set[str]] = {}
        self._page_subject_cache: dict[tuple[str, int], frozenset[str]] = {}

    def answer(self, question: str, filters: Filters = NO_FILTERS) -> Answer:
        """Leads' questions about actions are answered from the action table; the rest by retrieval."""
        question = collapse_whitespace(question)
        action_filter = self.actions.understand(question, self.today())
        if action_filter is not None and action_filter.due is None and _ASKS_FOR_A_YEAR.search(question):
            return Answer(text=UNREADABLE_YEAR, citations=[], abstained=True)
        if action_filter is not None:
            listing = self.actions.listing(action_filter)
            # Free words that match no action mean the question was not about the table after all.
            if listing.groups or action_filter.constraints() != ["text"]:
                return self.answer_from_table(listing)
        return self._answer_from_documents(question, filters)

    def answer_actions(self, action_filter: ActionFilter) -> Answer:
        """The action table filtered directly (the CLI's and channels' /due and /owner)."""
        return self.answer_from_table(self.actions.listing(action_filter))

    def answer_from_table(self, listing: ActionListing) -> Answer:
        cited = self.actions.cite_pages(shown_rows(listing))
        text = render_listing_text(
            listing, location=lambda row: f"p. {row.page} [{cited[(row.source, row.page)][0]}]", limit=ROWS_IN_TEXT
        )
        citations = [
            Citation(n, slug, self.kb.by_slug[slug].record.title, page, quote) for (slug, page), (n, quote) in cited.items()
        ]
        return Answer(text=text, citations=citations, abstained=False, actions=listing)

    def rank_sentences(self, query: str, k: int = 20, filters: Filters = NO_FILTERS) -> list[RankedSentence]:
        """The knowledge base's sentences that best answer ``query``, best first: the ranker answers
        use, for other writers (briefings) to share."""
        query_vector = self.embedder.embed_one(_as_asked(query))
        hits = self.searcher.search(query, query_vector, k=CHUNKS_SEARCHED, filters=filters)
        scored = self._score_sentences(query, query_vector, self._question_terms(query), hits)
        return [RankedSentence(s.sentence_id, s.score) for s in scored[:k]]

    def _answer_from_documents(self, question: str, filters: Filters) -> Answer:
        query_vector = self.embedder.embed_one(_as_asked(question))
        hits = self.searcher.search(question, query_vector, k=CHUNKS_SEARCHED, filters=filters)
        terms = self._question_terms(question)
        scored = self._score_sentences(question, query_vector, terms, hits)
        chosen = self._choose(scored, self._best_for_each_part(question, scored))
        if not chosen or self._too_weak(chosen, question, terms):
            return self._abstain(hits)
        shown = self.quoter.with_lists([c.sentence_id for c in chosen], MAX_ANSWER_WITH_LIST_CHARS)
        return self._compose(self.quoter.as_passages(shown, MAX_ANSWER_CHARS))

    # -- scoring -----------------------------------------------------------

    def _question_terms(self, question: str) -> dict[str, float]:
        """Content words of the question, weighted by how telling they are in the corpus.

        A word the corpus never uses is as telling as words get ("football"),
        unless it looks like a misspelling of one it does use ("desflurance").
        """
        return {t: self._term_weight(t) for t in dict.fromkeys(tokenize(question)) if t not in _QUESTION_WORDS}

    def _term_weight(self, token: str) -> float:
        if self.searcher.knows(token):
            return max(self.searcher.term_weight(token), MIN_TERM_WEIGHT)
        return MIN_TERM_WEIGHT if self.searcher.resembles_known(token) else self.searcher.term_weight_ceiling()

    def _score_sentences(self, question: str, query_vector: np.ndarray, terms: dict[str, float], hits) -> list[_Scored]:
        candidate_rank = self._candidates(hits)
        if not candidate_rank:
            return []
        ids = np.fromiter(candidate_rank, dtype=np.int64)
        dense = self.kb.sentence_vectors[ids] @ query_vector
        wants = _wanted_fact_kinds(question)
        specific = self._specific_names(self._names_in(question))
        total_weight = sum(terms.values()) or 1.0
        spelled_out = self.searcher.acronyms_spelled_out(list(terms))
        acronyms = frozenset(t for t in terms if self.searcher.is_acronym(t))
        scored = []
        for sentence_id, similarity in zip(ids.tolist(), dense.tolist()):
            slug, sentence = self.kb.sentences[sentence_id]
            text = sentence.text
            covered = _covered_terms(terms, text, self.searcher.sentence_tokens(sentence_id), spelled_out, acronyms)
            lexical = sum(terms[t] for t in covered) / total_weight
            score = (
                MEANING_WEIGHT * similarity
                + WORDS_WEIGHT * lexical
                + RANK_WEIGHT * candidate_rank[sentence_id]
                + _fact_bonus(text, wants)
            )
            if specific and self._page_mentions(slug, sentence.page, specific):
                score += NAMED_PAGE_BONUS
            scored.append(_Scored(sentence_id, score - _noise_penalty(text), covered))
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def _candidates(self, hits) -> dict[int, float]:
        """Sentences of the retrieved chunks, and of the pages the best chunks are on, by chunk rank."""
        candidate_rank: dict[int, float] = {}
        for rank, hit in enumerate(hits):
            for sentence_id in self.kb.chunk_sentence_ids(hit.chunk_id):
                candidate_rank.setdefault(sentence_id, 1.0 / (rank + 1))
        for rank, hit in enumerate(hits[:PAGES_EXPANDED]):
            slug, chunk = self.kb.chunks[hit.chunk_id]
            for sentence_id in self.kb.page_sentence_ids(slug, chunk.page):
                candidate_rank.setdefault(sentence_id, PAGE_RANK_SHARE / (rank + 1))
        return candidate_rank

    def _best_for_each_part(self, question: str, scored: list[_Scored]) -> list[_Scored]:
        """For a question in parts ("X, and when is Y?"), the best sentence for each later part.

        A later part leans on the first for its subject ("... and when is the next
        one?"), so it is looked for in the document the best answer comes from; a
        part that asks for a kind of fact and points back ("when should we hit it?")
        is searched together with the first part. Its sentence must carry that kind
        of fact (a date for "when") and be other than the best answer.
        """
        parts = split_question(question)
        if len(parts) < 2 or not scored:
            return []
        document = Filters(slugs=frozenset({self.kb.sentences[scored[0].sentence_id][0]}))
        best = []
        for part in parts[1:]:
            wants = _wanted_fact_kinds(part)
            query = f"{parts[0]} {part}" if wants and _REFERS_BACK.search(part) else part
            vector = self.embedder.embed_one(_as_asked(query))
            hits = self.searcher.search(query, vector, k=PART_CHUNKS_SEARCHED, filters=document)
            scored_part = self._score_sentences(query, vector, self._question_terms(query), hits)
            fitting = [
                c
                for c in scored_part
                if c.score >= MIN_EVIDENCE_SCORE
                and c.sentence_id != scored[0].sentence_id  # the first part's answer says nothing new here
                and _carries(self._text(c), wants)
            ]
            best.extend(fitting[:1])
        return best

    def _choose(self, scored: list[_Scored], seeds: list[_Scored]) -> list[_Scored]:
        """The best sentence, the same measure given for something else, the best for each part
        of the question, then others nearly as good; a fourth only while the answer stays short."""
        if not scored:
            return []
        chosen = [scored[0]]
        length = len(self._text(scored[0]))
        followers = [c for c in scored[1:] if c.score >= FOLLOW_ON_SHARE * scored[0].score]
        twins = [c for c in scored[1:] if c.score >= MIN_EVIDENCE_SCORE and _same_measure(self._text(c), self._text(scored[0]))]
        for candidate in twins + seeds + followers:
            if len(chosen) == MAX_SENTENCES:
                break
            text = self._text(candidate)
            limit = MAX_ANSWER_CHARS_WITH_FOURTH if len(chosen) == 3 else MAX_ANSWER_CHARS
            if length + len(text) > limit or self._repeats(candidate, chosen):
                continue
            chosen.append(candidate)
            length += len(text)
        return chosen

    def _page_mentions(self, slug: str, page: int, names: list[str]) -> bool:
        page_tokens = self._page_tokens(slug, page)
        return any(_mentioned(name, page_tokens) for name in names)

    def _page_tokens(self, slug: str, page: int) -> set[str]:
        """A page's search tokens, cached: every question checks the pages of its evidence."""
        key = (slug, page)
        if key not in self._page_token_cache:
            self._page_token_cache[key] = set(tokenize(self.kb.page_text(slug, page)))
        return self._page_token_cache[key]

    def _repeats(self, candidate: _Scored, chosen: list[_Scored]) -> bool:
        """Says the same as a chosen sentence: close in meaning, with the same figures.

        Sentences alike but for their figures ("waited 92 days", "waited 222
        days") state different facts, and both may be wanted.
        """
        vector = self.kb.sentence_vectors[candidate.sentence_id]
        figures = _figures(self._text(candidate))
        return any(
            float(vector @ self.kb.sentence_vectors[c.sentence_id]) > 0.9 and _figures(self._text(c)) == figures
            for c in chosen
        )

    def _too_weak(self, chosen: list[_Scored], question: str, terms: dict[str, float]) -> bool:
        """Abstain when the best evidence is weak or is about something else.

        "Something else" means the question names a place, body or year that
        the evidence never mentions (GEH's footprint answered with the ICS's),
        or a name the documents have never heard of at all.
        """
        if chosen[0].score < MIN_EVIDENCE_SCORE or _coverage(chosen, terms) < MIN_COVERAGE:
            return True
        if _COUNT_QUESTION.search(question) and not _has_figure(self._text(chosen[0])):
            return True  # "how many ...?" answered by a sentence with no figure in it
        names = self._names_in(question)
        if any(not self.searcher.knows(name) and not self.searcher.resembles_known(name) for name in names):
            return True
        evidence = self._evidence_tokens(chosen)
        specific = self._specific_names(names)
        if specific and not any(_mentioned(name, evidence) for name in specific):
            return True
        return any(year not in evidence for year in tokenize(question) if _YEAR_TOKEN.fullmatch(year))

    def _names_in(self, question: str) -> list[str]:
        """Proper nouns and acronyms in the question, as search tokens: capitalised there (not its
        first word) or, in a question typed all in lower case, written as names in the documents
        ("geh", "cwpt", "coventry")."""
        if question.lower() == question:
            tokens = [t for t in tokenize(question) if self.searcher.is_name(t)]
        else:
            tokens = [t for match in _NAME.findall(question) for t in tokenize(match)]
        return [t for t in dict.fromkeys(tokens) if t not in _MONTHS and not t[0].isdigit()]

    def _specific_names(self, names: list[str]) -> list[str]:
        """Names rare enough in the corpus that an answer about them must mention them."""
        return [n for n in names if n.isalpha() and self.searcher.sentence_share(n) < SPECIFIC_NAME_SHARE]

    # -- output ------------------------------------------------------------

    def _compose(self, sentence_ids: list[int]) -> Answer:
        """One citation per run of consecutive sentences on a page, quoting the run verbatim;
        the answer shows each list item on a line of its own."""
        citations: list[Citation] = []
        text = ""
        previous: int | None = None
        for run in self.quoter.runs(sentence_ids):
            slug, first = self.kb.sentences[run[0]]
            n = len(citations) + 1
            citations.append(Citation(n, slug, self.kb.by_slug[slug].record.title, first.page, self.quoter.quote(run)))
            separator = "" if previous is None else self.quoter.separator(previous, run[0])
            text += f"{separator}{self.quoter.display(run)} [{n}]"
            previous = run[-1]
        return Answer(text=text, citations=citations, abstained=False)

    def _abstain(self, hits) -> Answer:
        hints: list[SourceHint] = []
        for hit in hits:
            slug, chunk = self.kb.chunks[hit.chunk_id]
            hint = SourceHint(slug, self.kb.by_slug[slug].record.title, chunk.page)
            if hint not in hints:
                hints.append(hint)
            if len(hints) == 3:
                break
        text = NOT_FOUND
        if hints:
            text += " The closest passages are in: " + "; ".join(f"{h.title}, p. {h.page}" for h in hints) + "."
        return Answer(text=text, citations=[], abstained=True, see_also=hints)

    def _text(self, item: _Scored) -> str:
        return self.kb.sentences[item.sentence_id][1].text

    def _evidence_tokens(self, chosen: list[_Scored]) -> set[str]:
        """What the evidence is about: the words and acronyms of its pages and documents' titles."""
        tokens: set[str] = set()
        for item in chosen:
            slug, sentence = self.kb.sentences[item.sentence_id]
            tokens |= self._page_subjects(slug, sentence.page)
        return tokens

    def _page_subjects(self, slug: str, page: int) -> frozenset[str]:
        """A page's words and acronyms with its document title's, cached as its tokens are."""
        key = (slug, page)
        if key not in self._page_subject_cache:
            title = self.kb.by_slug[slug].record.title
            acronyms = _acronyms_of(f"{title}\n{self.kb.page_text(slug, page)}")
            self._page_subject_cache[key] = frozenset(self._page_tokens(slug, page) | set(tokenize(title)) | acronyms)
        return self._page_subject_cache[key]


# Words that frame a question rather than say what it is about, as search tokens ("according" is "accord").
_QUESTION_WORDS = frozenset(
    tokenize(
        "what which who whom whose when where why how much many tell say says said does do did according "
        "there their our we us is are was were any give list show"
    )
)


def _wanted_fact_kinds(question: str) -> set[str]:
    q = question.lower()
    wants = {"count"} if _COUNT_QUESTION.search(q) else set()
    if re.search(r"how (much|many|long)|\bwhat (%|percent|proportion|share)|\btotal\b|\bnumber of\b|\bcost|\b%", q):
        wants.add("quantity")
    if re.search(r"\bwhen\b|\bby when\b|\bdeadline\b|\bdue\b|\bwhat date\b|\bsince\b", q):
        wants.add("date")
    if re.search(r"\bwho\b|\bwhich (consultancy|organisation|company|person)", q):
        wants.add("person")
    return wants


def _holds(text: str, kind: str) -> bool:
    """Whether a sentence holds a kind of fact: a figure ("count", "quantity"), a date or a person."""
    if kind in ("count", "quantity"):
        return _has_figure(text)
    return bool((_DATE if kind == "date" else _PERSON).search(text))


def _carries(text: str, wants: set[str]) -> bool:
    """Holds every kind of fact asked for: a figure for "how many", a date for "when", a name for "who"."""
    return all(_holds(text, kind) for kind in wants)


def _fact_bonus(text: str, wants: set[str]) -> float:
    """Favour sentences carrying the kind of fact asked for; a count question needs a figure."""
    bonus = 0.0
    if "count" in wants and not _holds(text, "count"):
        bonus -= 0.05
    if "quantity" in wants and _PERCENT_OR_MONEY.search(text):  # an amount, more than any figure
        bonus += 0.06
    if "date" in wants and _holds(text, "date"):
        bonus += 0.06
    if "person" in wants and _holds(text, "person"):
        bonus += 0.12
    return bonus


def _noise_penalty(text: str) -> float:
    """Table debris and fragments make poor answers: short, or mostly figures."""
    penalty = 0.1 if len(text) < 30 else 0.0
    digits = len(_NUMBER.findall(text))
    return penalty + (0.1 if digits > 0.25 * len(text) else 0.0)
