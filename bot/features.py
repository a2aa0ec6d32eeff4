"""What the answer ranker and the answer-or-decline decision see: a few interpretable features.

Every candidate sentence of a question (the sentences of the retrieved chunks
and of the best chunks' pages) becomes one row of ``SENTENCE_FEATURES``; the
evidence an answer would be built from becomes one row of ``DECISION_FEATURES``.
Nothing here is tuned by hand: how much each feature counts is fitted on the
gold questions (``bot.training``) and stored in ``bot/models/answering.json``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from bot.facts import (
    ABOUT_THE_ASKER,
    TIME_ASKING_WORDS,
    FactKind,
    asks_when,
    gives_a_figure_for,
    holds,
    split_question,
    states_a_count,
    value_asked_for_years,
    wanted_fact_kinds,
)
from bot.missing import date_missing, month_a_title_reports, reporting_month_missing, what_is_missing
from bot.quoting import Quoter
from index.search import NO_FILTERS, ChunkHit, Filters, HybridSearcher
from index.short_names import initials_spelled_out
from index.store import KnowledgeBase
from index.text import BULLET, YEAR_TOKEN, ends_with_stop, english_word_ranks, tokenize, without_possessive
from index.vocabulary import BODY_WORDS, CAPTION, DOCUMENT_NOUNS, OWN_BODY_WORDS, STOPWORDS, TITLE_WORDS_CUT_SHORT

# Sentences of the pages the best chunks are on are candidates too.
PAGES_EXPANDED = 6
# ... and those of the best pages by page-level BM25, which finds the page as often as anything.
PAGES_BY_BM25 = 3
# A name in fewer than this share of sentences is specific: evidence about it should mention it.
SPECIFIC_NAME_SHARE = 0.03
# A name in at least this share of the documents ("Coventry", "Warwickshire", "ICB") is what the whole corpus is
# about, not a place or body a question singles out: the NHS England letter, addressed to "Coventry and
# Warwickshire ICS" on its first page, does not repeat it on the page that answers ("... the system will remain
# in segment 3"). Such a name is not asked of the quoted pages. Set by hand from a trial: "Coventry", "Warwickshire",
# "ICB", "ICS" and "NHS" are in 10 or 11 of the 11 documents, the trusts' names in 3 to 7.
CORPUS_SUBJECT_SHARE = 0.9
# ... read only in a corpus of at least this many documents: in two or three, a name all of them use may be
# any organisation they share, not what the corpus is about. Set by hand.
CORPUS_SUBJECT_MIN_DOCUMENTS = 5
# Initials this long or longer name a document ("QSRM": Quarterly System Review Meeting); shorter ones
# ("GB", "CCG") are too often other things. Set by hand.
MIN_TITLE_INITIALS = 4
# A misspelled or unknown word counts this much (term weights are inverse sentence frequencies).
MIN_TERM_WEIGHT = 0.5

SENTENCE_FEATURES = (
    "dense",  # cosine similarity of the sentence to the question
    "dense_gap",  # ... minus the best candidate's
    "chunk_rank",  # 1 / rank of the sentence's chunk in the fused retrieval (0: found only through its page)
    "chunk_dense_rank",  # 1 / rank of its chunk among the dense (meaning) results
    "chunk_bm25_rank",  # 1 / rank of its chunk among the BM25 (word) results
    "page_bm25_rank",  # 1 / rank of its page among pages by BM25
    "chunk_dense",  # cosine similarity of its chunk to the question
    "page_rank",  # 1 / rank of its page among the retrieved pages
    "page_bm25",  # BM25 of its page for the question, over the best page's
    "words",  # share of the question's telling words (by weight) the sentence holds
    "words_gap",  # ... minus the best candidate's
    "rarest_word",  # holds the question's rarest word
    "heading_words",  # share of the telling words its section heading holds
    "wants_count_no_figure",  # "how many" asked, no figure in it
    "wants_quantity_amount",  # an amount asked for, an amount (%, £, thousands) in it
    "wants_date_date",  # "when" asked, a date in it
    "wants_person_person",  # "who" asked, a person in it
    "has_figure",
    "log_length",
    "short",  # under 30 characters: a fragment
    "digit_share",  # table debris is mostly figures
    "caption",  # "Figure 15 ...", "Table 3 ..."
    "names_in_sentence",  # share of the question's specific names it mentions
    "names_on_page",  # ... that its page mentions
    "years_in_sentence",  # share of the question's years it mentions
    "years_on_page",
    "months_on_page",  # share of the question's months its page mentions
    "list_item",
    "page_hits",  # how many retrieved chunks stand on its page
    "neighbour_dense",  # the closer in meaning of the sentences either side of it
)

DECISION_FEATURES = (
    "top_logit",  # the ranker's confidence in the best sentence
    "second_logit",
    "top_dense",
    "top_words",
    "evidence_words",  # share of the question's telling words the best three sentences' pages hold
    "unknown_name",  # the question names something the documents never mention
    "names_missing",  # share of the question's specific names the evidence pages do not mention
    "years_missing",  # share of its years the evidence pages do not mention
    "months_missing",  # share of its months the evidence pages do not mention
    "count_no_figure",  # "how many" and the best sentence has no figure, in digits or words (an action row's references are none)
    "when_no_date",  # "when" is the one question word, and neither the best sentence nor those beside it on its page hold a date
    "when_date_apart",  # ... or none holding a date holds, with the best, WHEN_DATE_SHARE of the question's words
    "year_no_figure",  # a value asked for a year (a question in one part), and no sentence the answer would quote gives that year with a figure
    "unseen_words",  # share of the question's weight in words the documents never use
    "best_page_bm25",  # BM25 of the best page, per question word
    "sentences_words",  # share of the question's telling words the best three sentences hold
    "rarest_missing",  # weight of the most telling question word the best three sentences lack, over the ceiling
    "names_missing_sentences",  # share of its specific names the best three sentences do not mention
    "years_missing_sentences",
    "months_missing_sentences",
    "any_names_missing_best",  # share of all the question's names (common ones too) the best sentence and its neighbours lack
    # The same of the pages the answer would quote (its chosen sentences and their lists), not the best three's:
    "quoted_words",  # share of the question's telling words the quoted pages hold
    "quoted_names_missing",  # share of its names (those the documents use) the quoted pages do not mention
    "quoted_years_missing",
    "quoted_months_missing",
)

# What the subject gate sees (``AnsweringModels.subject_gate``): whether the documents are about the question's subject at
# all, not whether they give the fact asked. Of the decision's features, those of closeness and words held, with
# none about a name, year, month or kind of fact missing (that is what separates a near miss, which the decision
# declines, from an answerable question; an off-topic question shares few words and little meaning with any page).
SUBJECT_FEATURES = (
    "top_logit",
    "top_dense",
    "top_words",
    "sentences_words",
    "unseen_words",
    "rarest_missing",
    "best_page_bm25",
)


# Where they stand in a decision row.
SUBJECT_COLUMNS = tuple(DECISION_FEATURES.index(name) for name in SUBJECT_FEATURES)


def subject_row(decision_row: Sequence[float]) -> list[float]:
    """The gate's features, out of a decision row."""
    return [decision_row[i] for i in SUBJECT_COLUMNS]


# The decision row of a question nothing was found for, by feature: no confidence and no words held;
# every other feature (a share missing, a name unknown, no figure) at 1.0, as with nothing to hold it.
_NOTHING_FOUND = {
    "top_logit": -10.0, "second_logit": -10.0, "top_dense": 0.0, "top_words": 0.0, "evidence_words": 0.0,
    "best_page_bm25": 0.0, "sentences_words": 0.0, "quoted_words": 0.0,
}


class DeclineRule(Enum):
    """A reason to decline whatever the decision's score says. Training keeps a rule only when, on
    the questions it is fitted on, the rule flags almost no answerable question (``bot.training``):
    a linear decision gives a rare but telling sign too little weight to tip it alone."""

    ABOUT_THE_ASKER = "about_the_asker"  # the asker's own work arrangements ("how do I book leave")
    COUNT_WITHOUT_FIGURE = "count_without_figure"  # "how many" asked, the best sentence holds no figure
    WHEN_WITHOUT_DATE = "when_without_date"  # "when" asked, the best sentence and its page neighbours hold no date
    # A value asked for a year ("procurement emissions in 2019/20") and no sentence the answer would quote gives
    # that year with a figure: the year is named in passing ("... for 2018/19 and 2019/20 only").
    YEAR_WITHOUT_FIGURE = "year_without_figure"
    # A month, year or name (one the documents use) asked about is on none of the pages the answer would
    # quote ("UHCW" asked, the pages quoted are about SWFT): checked on the sentences it would quote.
    NOT_ON_QUOTED_PAGES = "not_on_quoted_pages"


# The decline rules that are a decision feature at 1.0 (a kind of fact asked for that the evidence lacks).
_RULE_OF_FEATURE = {
    "count_no_figure": DeclineRule.COUNT_WITHOUT_FIGURE,
    "when_no_date": DeclineRule.WHEN_WITHOUT_DATE,
    "year_no_figure": DeclineRule.YEAR_WITHOUT_FIGURE,
}


def decline_rules_met(question: str, decision_row: Sequence[float]) -> list[DeclineRule]:
    """The rules a question and its evidence (its ``decision_row``) meet, kept by training or not; all
    but NOT_ON_QUOTED_PAGES, which looks at the quoted pages themselves (``bot.answering.quoted_pages_lack``)."""
    met = []
    if ABOUT_THE_ASKER.search(question):
        met.append(DeclineRule.ABOUT_THE_ASKER)
    met += [rule for feature, rule in _RULE_OF_FEATURE.items() if decision_row[DECISION_FEATURES.index(feature)] > 0.5]
    return met


_DIGIT = re.compile(r"\d")
# A sentence with nothing of its own to quote: a bare section number ("2.11."), a label waiting for its value on
# the next line ("Date:", "Apologies:") or a short heading of up to three capitalised words, numbered or not
# ("Risk Mitigation", "2. Summary Financial Position"; four would take "Dr Sarah Raistrick Chair"). The text
# layer makes them sentences of their own; quoted alone, they answered "2.11. [1]". 70 sentences of the corpus
# are one; no gold snippet of the dev questions is one alone (three begin with one: "Apologies:" and the names).
NOTHING_TO_QUOTE = re.compile(r"^\s*(?=\S)(?:\d+(?:\.\d+)*\.?\s*)?(?:[A-Z][\w&'’/-]*\s?){0,3}:?\s*$")
# ... and a numbered heading of any length: a section number, then no lower-case word but "and", "of", "the" ...,
# and no closing stop or colon ("5. Patient Information - Media", "8.3.2 CANCER: 62 Day Backlog"; not the action
# "2 Create an ICS Biodiversity and Greenspace Plan.", nor "8.3.1 CANCER: ... Screening Performance:", which
# brings the list it introduces). 19 more sentences, none of them in a gold snippet.
_SECTION_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s")
_LOWER_CASE_WORD = re.compile(r"(?<![A-Za-z])[a-z]{2,}(?![A-Za-z])")
# ... but a unit of time after a number is no word of a heading's own: a title writes it in lower case too ("8.3.1
# CANCER: ... 62 day Wait from GP Referral – Performance"). A list of units, so "12 Plant 5,000 trees" stays prose.
_UNIT_AFTER_A_NUMBER = re.compile(r"(?<=\d)\s?(?:day|days|week|weeks|hour|hours|hr|hrs|month|months|year|years|min|mins|minute|minutes)\b")
# A list item of at most this many words and no figure is a bare name or title (set by hand from the corpus's
# 73 such items: agenda items, policy names, partner organisations; no gold snippet of the dev questions is one).
MAX_BARE_ITEM_WORDS = 3


def has_nothing_to_quote(text: str) -> bool:
    """A bare section number, a label or a heading (see ``NOTHING_TO_QUOTE``): never quoted alone."""
    if NOTHING_TO_QUOTE.match(text):
        return True
    numbered_heading = _SECTION_NUMBER.match(text) and not ends_with_stop(text, ".:")
    return bool(numbered_heading) and all(word in STOPWORDS for word in _LOWER_CASE_WORD.findall(_UNIT_AFTER_A_NUMBER.sub("", text)))


def is_bare_list_item(text: str) -> bool:
    """A list item of a few words and no figure: a name or title ("• CHC Appeals Policy", "• Coventry University").
    Quoted, it brings its list along, so answers quote one only when it is what the question asks about
    (``bot.answering``): "• CHC Appeals Policy" had brought an agenda and "Committee Chair: Zubair Khan" under an
    answer on the policy's appeal timeframe that already named it."""
    item = BULLET.sub("", text, count=1)
    return item != text and len(item.split()) <= MAX_BARE_ITEM_WORDS and not _DIGIT.search(item)


_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][A-Za-z0-9&]*[A-Z0-9]?[a-z]*\b|\b[A-Z]{2,}[a-z]?\b")
MONTHS = frozenset(tokenize("january february march april may june july august september october november december"))
# How far before a word for a body (index.vocabulary.BODY_WORDS) a place's name typed in lower case may stand
# ("worcestershire acute trust"). English, not fitted.
MAX_WORDS_BEFORE_BODY = 2
MIN_PLACE_LETTERS = 4
# ... and not among this many most common English words, which are mostly kinds of body ("teaching hospitals").
# Set by hand from a review: "teaching" is 2,143rd; it lets "birmingham" (3,167th) by and takes "alexandra"
# (6,658th) and "worcestershire" (14,062nd), and rarer kinds of body too ("cottage hospitals", "dispensing
# practice": the documents never say them, and their questions are declined).
COMMON_WORD_RANK = 5000
# Words that frame a question rather than say what it is about, as search tokens ("according" is "accord").
QUESTION_WORDS = frozenset(
    tokenize(
        "what which who whom whose when where why how much many tell say says said does do did according "
        "there their our we us is are was were any give list show"
    )
)


_QUESTION_WORD = re.compile(r"[\w&'’]+")
_ARTICLES = frozenset({"the", "a", "an", "our", "this", "that"})


@dataclass(frozen=True)
class QuestionReading:
    """What the question asks about, as search tokens."""

    terms: dict[str, float]  # telling words and their weights
    wants: frozenset[FactKind]
    names: tuple[str, ...]  # proper nouns and acronyms
    specific: tuple[str, ...]  # names rare enough that evidence must mention them
    years: tuple[str, ...]
    months: tuple[str, ...]
    # The words that name a document the question is about ("the CEO report says ..."): where, not what.
    document_words: frozenset[str] = frozenset()
    # Acronyms the documents use for runs of its telling words ("phm": population, health, management).
    acronyms: dict[str, frozenset[str]] = field(default_factory=dict)
    places: tuple[str, ...] = ()  # those of ``names`` typed in lower case that name a place the documents never mention

    @property
    def asked_names(self) -> tuple[str, ...]:
        """The specific names but those naming a document ("the CEO report says ..."), which say where to read, not
        what: evidence on what the performance report says need not mention the CEO."""
        return tuple(n for n in self.specific if n not in self.document_words)


@dataclass(frozen=True)
class _SentenceForm:
    """The features of a sentence that do not depend on the question."""

    holds_figure: bool
    holds_amount: bool
    holds_date: bool
    holds_person: bool
    log_length: float
    short: float  # under 30 characters: a fragment
    digit_share: float
    caption: float
    list_item: float
    nothing_to_quote: bool  # see has_nothing_to_quote
    bare_item: bool  # see is_bare_list_item


@dataclass(frozen=True)
class Candidates:
    """One question's candidate sentences and their features: everything the fitted models need."""

    reading: QuestionReading
    hits: list[ChunkHit]
    sentence_ids: np.ndarray
    features: np.ndarray  # len(sentence_ids) x len(SENTENCE_FEATURES)
    best_page_bm25: float


class FeatureMaker:
    """Turns a question and its retrieval hits into feature rows; shared by answering and training."""

    def __init__(self, kb: KnowledgeBase, searcher: HybridSearcher, action_rows: dict[int, str] | None = None) -> None:
        """``action_rows``: the sentences that are action-table text, with the actions' own words, read for
        the figures they give: a row's number, due year and references are no values
        (``bot.action_answers.ActionAnswerer.actions_own_words``)."""
        self.kb = kb
        self.searcher = searcher
        self.action_rows = action_rows or {}
        self._quoter = Quoter(kb)  # the passages an answer would show, for reading a year in the sentence before its figure
        self._page_token_cache: dict[tuple[str, int], frozenset[str]] = {}
        self._page_acronym_cache: dict[tuple[str, int], frozenset[str]] = {}
        self._form_cache: dict[int, _SentenceForm] = {}
        self._heading_cache: dict[int, frozenset[str]] = {}
        # What names each document: its title's words and initials ("phm"), and its kind ("green plan").
        self._kinds = {slug: frozenset(tokenize(document.record.kind)) for slug, document in kb.by_slug.items()}
        self._title_initials = {slug: frozenset(acronyms_of(document.record.title)) for slug, document in kb.by_slug.items()}
        # Those long enough to name the document ("nhse", "qsrm"), not "gp" of "Green Plan".
        self._title_acronyms = {slug: frozenset(i for i in initials if len(i) >= MIN_TITLE_INITIALS) for slug, initials in self._title_initials.items()}
        # The month a report's title says it is of, as search tokens ("june", "2022"), which every page of it gives.
        self._title_months = {slug: frozenset(tokenize(month_a_title_reports(d.record.title))) for slug, d in kb.by_slug.items()}
        self._corpus_subject = self._used_by_nearly_every_document() if len(kb.by_slug) >= CORPUS_SUBJECT_MIN_DOCUMENTS else frozenset()
        # (Initials as ``acronyms_of`` reads them, an acronym's letters counting: "the nhse letter" names the
        # "NHS England ... letter"; capitalised words' initials alone had missed it, a trial's "NHSE letter" naming none.)
        self._document_names = {
            slug: searcher.title_tokens(slug) | self._title_initials[slug] | self._kinds[slug] for slug, document in kb.by_slug.items()
        }
        # Each document's text in lower case, with one space for each run of white space: what it writes.
        self._text_as_written = {
            slug: " ".join(" ".join(page.lower().split()) for page in document.pages) for slug, document in kb.by_slug.items()
        }
        # The initials the documents spell out exactly, by search token, with their names ("chc": "Continuing Healthcare").
        self.initials_names = initials_spelled_out(sentence.text for _, sentence in kb.sentences)
        # ... as search tokens: a page spelling out the name speaks of the initials (p. 31 of the performance report says
        # "Improving Access to Psychological Therapies", not "IAPT": a dialogue's "... nhse now using for iapt?").
        self._initials_words = {initials: frozenset(tokenize(name)) for initials, name in self.initials_names.items()}
        self._own_body_tokens = frozenset(tokenize(" ".join(OWN_BODY_WORDS)))
        # The words of the other documents' titles, by document: "Derbyshire's green plan" is the case study's.
        self._other_titles = {
            slug: frozenset().union(*(self.title_words(other) for other in kb.by_slug if other != slug)) for slug in kb.by_slug
        }

    # -- the question -------------------------------------------------------

    def read(self, question: str) -> QuestionReading:
        tokens = self.searcher.query_tokens(question)
        terms = {t: self.term_weight(t) for t in dict.fromkeys(tokens) if t not in QUESTION_WORDS}
        places = self.unknown_places(question)
        names = self.names_in(question, places)
        return QuestionReading(
            terms=terms,
            wants=frozenset(wanted_fact_kinds(question)),
            names=tuple(names),
            specific=tuple(n for n in names if n.isalpha() and self.searcher.sentence_share(n) < SPECIFIC_NAME_SHARE),
            years=tuple(t for t in dict.fromkeys(tokenize(question)) if YEAR_TOKEN.fullmatch(t)),
            months=tuple(t for t in dict.fromkeys(tokenize(question)) if t in MONTHS),
            document_words=frozenset(t for _, words in self._document_mentions(question) for t in tokenize(words)),
            acronyms=self.searcher.acronyms_spelled_out(list(terms)),
            places=tuple(places),
        )

    def term_weight(self, token: str) -> float:
        """How telling a word is; a word the documents never use is as telling as words get,
        unless it looks like a misspelling of one they do use."""
        if self.searcher.knows(token):
            return max(self.searcher.term_weight(token), MIN_TERM_WEIGHT)
        return MIN_TERM_WEIGHT if self.searcher.resembles_known(token) else self.searcher.term_weight_ceiling()

    def names_in(self, question: str, places: list[str]) -> list[str]:
        """Proper nouns and acronyms in the question, as search tokens: capitalised there (not its
        first word) or, typed all in lower case, written as names in the documents ("geh"); and ``places``, those
        the documents never mention typed in lower case (``unknown_places``)."""
        if question.lower() == question:
            tokens = [t for t in tokenize(question) if self.searcher.is_name(t)]
        else:
            tokens = [t for match in _NAME.findall(question) for t in tokenize(match)]
        tokens += places
        return [t for t in dict.fromkeys(tokens) if t not in MONTHS and not t[0].isdigit()]

    def unknown_places(self, question: str) -> list[str]:
        """Words typed in lower case that name a place or body the documents never mention, by where they stand:
        before a word for a body ("heartlands hospital", "kettering general", "worcestershire acute trust"); as
        search tokens. Not a word of the documents, nor a misspelling of one, nor one of the COMMON_WORD_RANK most
        common English words ("teaching hospitals"). Capitalised, "Heartlands Hospital" is read as a name anyway."""
        words = _QUESTION_WORD.findall(question)
        lowered = [word.lower() for word in words]
        ranks = english_word_ranks()
        found = []
        for n, word in enumerate(words):
            if not (word.islower() and word.isalpha() and len(word) >= MIN_PLACE_LETTERS):
                continue
            if ranks.get(word, COMMON_WORD_RANK) < COMMON_WORD_RANK or not BODY_WORDS & set(lowered[n + 1 : n + 1 + MAX_WORDS_BEFORE_BODY]):
                continue
            found += [t for t in tokenize(word) if not self.searcher.knows(t) and not self.searcher.resembles_known(t)]
        return found

    def documents_named_in(self, question: str) -> set[str]:
        """The documents a question names ("what did the CEO report say ...", "in the green plan")."""
        return {slug for slug, _ in self._document_mentions(question)}

    def documents_quoted_from(self, question: str) -> set[str]:
        """The documents a question names as where to read ("what did the nhse letter say ...", "in the green plan");
        not one named as what is asked about ("what did the governing body say about the green plan?")."""
        return {
            slug for slug, naming in self._document_mentions(question)
            if not re.search(rf"\b(?:about|regarding)\s+(?:the\s+|our\s+|its\s+)?{re.escape(naming)}\b", question, re.IGNORECASE)
            and not self._someone_elses(question, naming, slug)
        }

    def _someone_elses(self, question: str, naming: str, slug: str) -> bool:
        """Whether the words naming a document are said to be another body's: "their ICS Green Plan" (Joined Up Care
        Derbyshire's, a held-out question's) or "Derbyshire's system-wide green plan", a possessive up to two words before
        them of a word in another document's title and not in this one's. Such a question asks about the other body's
        plan; ours is not where to read (a held-out answer had opened "Nothing in Coventry and Warwickshire ICS Green Plan
        answers this"). Not our own bodies' ("the icb's finance report", "the system's green plan"), nor an author's
        ("madi parmar's finance report"): a re-review's."""
        found = re.search(rf"\b(their|[\w-]+['’]s)\s+(?:[\w-]+\s+){{0,2}}?{re.escape(naming)}\b", question, re.IGNORECASE)
        if found is None:
            return False
        owner = without_possessive(found.group(1)).lower()
        if owner == "their":
            return True
        words = set(tokenize(owner))
        if not words or words & self._own_body_tokens:
            return False
        return words <= self._other_titles[slug] and not words <= self.title_words(slug)

    def title_words(self, slug: str) -> frozenset[str]:
        """A document's title as search tokens, and its initials ("qsrm", "nhse")."""
        return self.searcher.title_tokens(slug) | self._title_initials[slug]

    def document_mentions(self, question: str) -> list[tuple[str, str]]:
        """Each document the question names and the words naming it: by a document noun ("the nhse
        letter", "the green plan") or by its title's initials, four letters or more, that no other title
        has ("the QSRM actions")."""
        by_initials = [
            (slug, token)
            for token in dict.fromkeys(tokenize(question))
            if len(slugs := [slug for slug, acronyms in self._title_acronyms.items() if token in acronyms]) == 1
            for slug in slugs
        ]
        mentions = self._document_mentions(question) + by_initials
        return [(slug, self._with_title_words_around(question, slug, naming)) for slug, naming in mentions]

    def _with_title_words_around(self, question: str, slug: str, naming: str) -> str:
        """The naming words with the words of the document's title either side of them ("the governing body
        minutes" where "body minutes" named it, "the nhse letter" where "nhse" did), so none of them is
        left to be read as something else."""
        words = _QUESTION_WORD.findall(question)
        named = [w.lower() for w in naming.split()]
        title = self.title_words(slug)
        lowered = [w.lower() for w in words]
        for start in range(len(words) - len(named) + 1):
            if lowered[start : start + len(named)] == named:
                end = start + len(named)
                first, last = start, end
                while start > 0 and set(tokenize(words[start - 1])) <= title:
                    start -= 1
                while end < len(words) and set(tokenize(words[end])) <= title:
                    end += 1
                # Words that name nothing (stop words) only between title words, or "the" before them: in "what does
                # phil johns have to do from the qsrm letter" the naming words had run back to "have", and without
                # them the question no longer read as asking a person's actions, so "qsrm letter" became words its
                # actions must mention (a held-out leads question's, which listed none of Phil Johns' rows).
                while start < first and not tokenize(words[start]):
                    start += 1
                if start > 0 and words[start - 1].lower() in _ARTICLES:
                    start -= 1
                while end > last and not tokenize(words[end - 1]):
                    end -= 1
                return " ".join(words[start:end])
        return naming

    def _document_mentions(self, question: str) -> list[tuple[str, str]]:
        """Each document the question names and the words that name it: a document noun ("report",
        "minutes", ...) with the one to three words before it naming one document, the most of them that
        do ("the JUCD green plan" names the case study, where "green plan" alone names our Green Plan); the noun may be
        possessive ("the ICS green plan's carbon footprint", which had been answered from the case study), and the
        naming words are then without its "'s"."""
        words = _QUESTION_WORD.findall(question)
        found = []
        for end, word in enumerate(words):
            noun = without_possessive(word)
            if noun.lower() not in DOCUMENT_NOUNS:
                continue
            for start in range(max(end - 3, 0), end):
                if not tokenize(words[start]):
                    continue  # "the", "what": a naming opens on a word of the title
                naming = " ".join([*words[start:end], noun])
                slug = self.named_document(naming)
                if slug is not None:
                    if not self._names_a_part_of_a_paper(words, start, naming, slug):
                        found.append((slug, naming))
                    break
        return found

    def _names_a_part_of_a_paper(self, words: list[str], start: int, naming: str, slug: str) -> bool:
        """Whether the word before the naming words, of no word of the document's title, makes them the name of something
        the documents write, not of the document ("safeguarding assurance report" is a report the quality committee
        received, where "assurance report" alone would name the communications and engagement assurance report: a
        trial's answer had opened "Nothing in Communications and Engagement Assurance Report ... answers this")."""
        before = words[start - 1] if start else ""
        if not before.isalpha() or not tokenize(before) or set(tokenize(before)) <= self.title_words(slug):
            return False  # a year or initials before the naming name the document more closely ("the c&w green plan")
        # Written in another paper, not in the one named: a paper names itself so ("the Month 3 finance report"). As whole
        # words: "All NHS ICS Green Plans are required ..." (the case study's) names no "nhs ics green plan" (a review's),
        # nor its "organisation-level Green Plan" a "level green plan" (a re-review's "ics level green plan").
        written, texts = f"{before} {naming}".lower(), self._text_as_written
        return not _written_whole(written, texts[slug]) and any(_written_whole(written, text) for text in texts.values())

    def named_document(self, words: str) -> str | None:
        """The one document these words name ("the green plan", "the phm roadmap"), or None.

        A document is named when each of the words is in its title, its title's initials ("phm") or its
        kind, a word cut short as staff write it counting as the title's ("the comms report"); when several
        are, the one whose kind the words say ("green plan", not the "case study" about another ICS's green
        plan).
        """
        asked = set(tokenize(" ".join(TITLE_WORDS_CUT_SHORT.get(word.lower(), word) for word in words.split())))
        if not asked:
            return None
        titled = [slug for slug, names in self._document_names.items() if asked <= names]
        if len(titled) > 1:
            titled = [slug for slug in titled if self._kinds[slug] and self._kinds[slug] <= asked] or titled
        if len(titled) > 1:  # "the cwccg report": the title that says "CWCCG", not one whose initials spell it
            titled = [slug for slug in titled if asked <= self.searcher.title_tokens(slug) | self._kinds[slug]]
        return titled[0] if len(titled) == 1 else None

    # -- candidate sentences ------------------------------------------------

    def candidates(
        self, question: str, query_vector: np.ndarray, hits: list[ChunkHit], filters: Filters = NO_FILTERS
    ) -> Candidates:
        reading = self.read(question)
        chunk_rank, page_rank = self._ranks(hits)
        page_bm25 = self.searcher.page_scores(list(reading.terms))
        allowed = [page for page in page_bm25 if filters.allows_document(self.kb, page[0])]
        best_pages = sorted(allowed, key=page_bm25.__getitem__, reverse=True)[:PAGES_BY_BM25]
        page_bm25_rank = {page: 1.0 / (rank + 1) for rank, page in enumerate(best_pages)}
        by_page = {i for page in best_pages for i in self.kb.page_sentence_ids(*page)} if hits else set()
        ids = np.fromiter(chunk_rank.keys() | page_rank.keys() | by_page, dtype=np.int64) if hits else np.zeros(0, np.int64)
        ids.sort()
        best_page = max((page_bm25.get(self._page_of(i), 0.0) for i in ids.tolist()), default=0.0)
        dense = self.kb.sentence_vectors[ids] @ query_vector if len(ids) else np.zeros(0)
        on_page: dict[tuple[str, int], tuple[float, float, float]] = {}
        hit_of = self._hit_of(hits)
        rows = [
            self._sentence_row(i, reading, float(d), chunk_rank, page_rank, page_bm25, best_page, hit_of, page_bm25_rank, on_page)
            for i, d in zip(ids.tolist(), dense.tolist())
        ]
        features = np.array(rows, dtype=np.float64).reshape(len(rows), len(SENTENCE_FEATURES))
        if len(rows):
            pages_hit = Counter(self._page_of(self.kb.chunk_sentence_ids(h.chunk_id).start) for h in hits)
            features[:, SENTENCE_FEATURES.index("page_hits")] = [pages_hit[self._page_of(i)] for i in ids.tolist()]
            features[:, SENTENCE_FEATURES.index("neighbour_dense")] = self._neighbour_dense(ids, query_vector)
        for column in ("dense", "words"):
            j = SENTENCE_FEATURES.index(column)
            if len(rows):
                features[:, j + 1] = features[:, j] - features[:, j].max()
        per_word = best_page / max(len(reading.terms), 1)
        return Candidates(reading, hits, ids, features, per_word)

    def _ranks(self, hits: list[ChunkHit]) -> tuple[dict[int, float], dict[int, float]]:
        chunk_rank: dict[int, float] = {}
        for rank, hit in enumerate(hits):
            for sentence_id in self.kb.chunk_sentence_ids(hit.chunk_id):
                chunk_rank.setdefault(sentence_id, 1.0 / (rank + 1))
        page_rank: dict[int, float] = {}
        pages: list[tuple[str, int]] = []
        for hit in hits:
            slug, chunk = self.kb.chunks[hit.chunk_id]
            if (slug, chunk.page) not in pages:
                pages.append((slug, chunk.page))
        for rank, (slug, page) in enumerate(pages[:PAGES_EXPANDED]):
            for sentence_id in self.kb.page_sentence_ids(slug, page):
                page_rank.setdefault(sentence_id, 1.0 / (rank + 1))
        return chunk_rank, page_rank

    def _sentence_row(self, sentence_id, reading, dense, chunk_rank, page_rank, page_bm25, best_page, hit_of, page_bm25_rank, on_page):
        """One candidate's features; ``on_page`` caches, for this question, what each page holds of it."""
        tokens = self.searcher.sentence_tokens(sentence_id)
        page = self._page_of(sentence_id)
        if page not in on_page:
            page_tokens = self.page_tokens(*page)
            on_page[page] = (
                _share_mentioned(reading.specific, page_tokens),
                _share_present(reading.years, page_tokens),
                _share_present(reading.months, page_tokens),
            )
        names_on_page, years_on_page, months_on_page = on_page[page]
        covered = covered_terms(reading, tokens)
        total = sum(reading.terms.values()) or 1.0
        rarest = max(reading.terms, key=reading.terms.__getitem__) if reading.terms else None
        heading = self._heading_tokens(sentence_id)
        wants = reading.wants
        form = self._form(sentence_id)
        hit = hit_of.get(sentence_id)
        return [
            dense,
            0.0,
            chunk_rank.get(sentence_id, 0.0),
            hit.dense_rank if hit else 0.0,
            hit.lexical_rank if hit else 0.0,
            page_bm25_rank.get(page, 0.0),
            hit.dense if hit else 0.0,
            page_rank.get(sentence_id, 0.0),
            page_bm25.get(page, 0.0) / best_page if best_page > 0 else 0.0,
            sum(reading.terms[t] for t in covered) / total,
            0.0,
            float(rarest is not None and rarest in covered),
            sum(w for t, w in reading.terms.items() if t in heading) / total,
            float(FactKind.COUNT in wants and not form.holds_figure),
            float(FactKind.QUANTITY in wants and form.holds_amount),
            float(FactKind.DATE in wants and form.holds_date),
            float(FactKind.PERSON in wants and form.holds_person),
            float(form.holds_figure),
            form.log_length,
            form.short,
            form.digit_share,
            form.caption,
            _share_mentioned(reading.specific, tokens),
            names_on_page,
            _share_present(reading.years, tokens),
            years_on_page,
            months_on_page,
            form.list_item,
            0.0,
            0.0,
        ]

    def _form(self, sentence_id: int) -> _SentenceForm:
        """What a sentence holds whatever is asked (computed once per sentence: answering is warm-path)."""
        form = self._form_cache.get(sentence_id)
        if form is None:
            text = self.kb.sentences[sentence_id][1].text
            form = self._form_cache[sentence_id] = _SentenceForm(
                holds_figure=holds(text, FactKind.COUNT),
                holds_amount=holds(text, FactKind.AMOUNT),
                holds_date=holds(text, FactKind.DATE),
                holds_person=holds(text, FactKind.PERSON),
                log_length=math.log(1 + len(text)),
                short=float(len(text) < 30),
                digit_share=len(_DIGIT.findall(text)) / max(len(text), 1),
                caption=float(bool(CAPTION.match(text))),
                list_item=float(bool(BULLET.match(text))),
                nothing_to_quote=has_nothing_to_quote(text),
                bare_item=is_bare_list_item(text),
            )
        return form

    def has_nothing_to_quote(self, sentence_id: int) -> bool:
        """See the function of that name: computed once per sentence."""
        return self._form(sentence_id).nothing_to_quote

    def is_bare_list_item(self, sentence_id: int) -> bool:
        """See the function of that name: computed once per sentence."""
        return self._form(sentence_id).bare_item

    def _heading_tokens(self, sentence_id: int) -> frozenset[str]:
        tokens = self._heading_cache.get(sentence_id)
        if tokens is None:
            tokens = self._heading_cache[sentence_id] = frozenset(tokenize(self.kb.sentences[sentence_id][1].heading))
        return tokens

    def _neighbour_dense(self, ids: np.ndarray, query_vector: np.ndarray) -> np.ndarray:
        """The closer in meaning of the sentences before and after each one on its page: an answer
        often spans two sentences, and the one that reads as the answer may not hold the words."""
        last = len(self.kb.sentences) - 1
        before, after = np.clip(ids - 1, 0, last), np.clip(ids + 1, 0, last)
        return np.maximum(self.kb.sentence_vectors[before] @ query_vector, self.kb.sentence_vectors[after] @ query_vector)

    def _hit_of(self, hits: list[ChunkHit]) -> dict[int, ChunkHit]:
        """For each sentence in a retrieved chunk, the best of those chunks (a sentence found only
        through its page has none)."""
        best: dict[int, ChunkHit] = {}
        for hit in hits:
            for sentence_id in self.kb.chunk_sentence_ids(hit.chunk_id):
                best.setdefault(sentence_id, hit)
        return best

    # -- the evidence as a whole ------------------------------------------------

    def decision_row(self, candidates: Candidates, logits: np.ndarray, question: str, quoted: list[int], said: str = "") -> list[float]:
        """Features of the evidence an answer would quote: its best three sentences by ``logits``, and the
        sentences it would quote (``quoted``: chosen before deciding, as answering would choose them), with
        what a table row among them ``said`` of the month asked ("December 2021 62.4%", ``bot.tables``)."""
        reading = candidates.reading
        if not len(logits) or not quoted:
            return [_NOTHING_FOUND.get(name, 1.0) for name in DECISION_FEATURES]
        order = np.argsort(-logits)
        best = [int(candidates.sentence_ids[i]) for i in order[:3]]
        # A table row giving the month asked is evidence beside the best sentences, read with its columns' months.
        table_tokens = frozenset(tokenize(said))
        words_held, *missing_there = self._pages_coverage(reading, self.evidence_tokens(best) | table_tokens, reading.asked_names)
        total = sum(reading.terms.values()) or 1.0
        unknown_name = any(
            not self.searcher.knows(n) and not self.searcher.resembles_known(n) for n in reading.names
        )
        top = order[0]
        # The best-ranked sentence an answer can quote: a heading ("8. International Nurses Day & Day of the Midwife:
        # 12 May") is never quoted alone (``has_nothing_to_quote``), so whether a count is given is read in the next.
        ranked = (int(candidates.sentence_ids[i]) for i in order)
        shown = next((i for i in ranked if not self.has_nothing_to_quote(i)), best[0])
        dense_j, words_j = SENTENCE_FEATURES.index("dense"), SENTENCE_FEATURES.index("words")
        dated = [i for i in self._beside(best[0]) if self._form(i).holds_date]  # where a "when" may be answered
        return [
            float(logits[top]),
            float(logits[order[1]]) if len(order) > 1 else -10.0,
            float(candidates.features[top, dense_j]),
            float(candidates.features[top, words_j]),
            words_held,
            float(unknown_name),
            *missing_there,
            # A table row giving the month asked gives its count too ("Total appointments: February 2022 413,658").
            float(FactKind.COUNT in reading.wants and not states_a_count(self.figure_text(shown)) and not states_a_count(said)),
            float(asks_when(question) and not dated),
            float(asks_when(question) and not self._dates_what_is_asked(reading, best[0], dated)),
            float(self._year_without_figure(question, quoted, said)),
            sum(w for t, w in reading.terms.items() if not self.searcher.knows(t)) / total,
            candidates.best_page_bm25,
            *self._sentences_coverage(reading, best, table_tokens),
            self._names_missing_around(reading, best[0]),
            # What the pages it would quote hold: a near miss's lack the name asked.
            *self._pages_coverage(reading, self.evidence_tokens(quoted) | table_tokens, self.names_to_find(reading)),
        ]

    def _dates_what_is_asked(self, reading: QuestionReading, best: int, dated: list[int]) -> bool:
        """One of the ``dated`` sentences (those beside the best on its page holding a date), with the best, holds
        WHEN_DATE_SHARE of the question's telling words: "when did coventry city council declare a climate emergency" is
        not answered by a table of the council's plans dated 2021-2026."""
        # Neither the words asking the time nor those naming a paper ("what date was the qsrm letter": its date is on
        # its letterhead, which does not say "letter") are what a date is about.
        about = {t: w for t, w in reading.terms.items() if t not in _TIME_ASKING_TOKENS and t not in reading.document_words}
        if not about:
            return bool(dated)
        total = sum(about.values()) or 1.0
        best_tokens = self.searcher.sentence_tokens(best)
        # The best and the date's sentence. (With all the sentences beside the best when it holds the date itself, out
        # of fold d146 was answered again and d412 still declined: not kept.)
        for i in dated:
            covered = covered_terms(reading, best_tokens | self.searcher.sentence_tokens(i))
            if sum(w for t, w in about.items() if t in covered) / total >= WHEN_DATE_SHARE:
                return True
        return False

    def _year_without_figure(self, question: str, quoted: list[int], said: str = "") -> bool:
        """A value asked for a year that none of the quoted sentences gives (a compound question's years may
        be its other part's, so only a question in one part). An action-table row gives none: its year is the
        year it is due, its figures its number and references ("9 Run ... workshops ... 23/24 ICB LTP 17")."""
        years = value_asked_for_years(question)
        if not years or len(split_question(question)) > 1:
            return False
        texts = [self.figure_text(i) for i in quoted] + [said] * bool(said)
        # A passage of sentences that follow one another on a page is read whole: the year may be named in the
        # sentence before the one giving its figure ("... (Month 12 - 2021/22). ... finished with a £28,000 surplus").
        texts += [" ".join(self.figure_text(i) for i in run) for run in self._quoter.runs(sorted(set(quoted))) if len(run) > 1]
        return not any(gives_a_figure_for(text, years) for text in texts)

    def figure_text(self, sentence_id: int) -> str:
        """The text a sentence gives figures in: an action-table row's own words, or the sentence."""
        return self.action_rows.get(sentence_id, self.kb.sentences[sentence_id][1].text)

    @staticmethod
    def _pages_coverage(reading: QuestionReading, evidence: frozenset[str], names: tuple[str, ...]) -> list[float]:
        """Of pages' words (``evidence``): the share of the question's telling words they hold, and the
        shares of these names, of its years and of its months they do not mention."""
        total = sum(reading.terms.values()) or 1.0
        return [
            sum(w for t, w in reading.terms.items() if t in evidence) / total,
            1.0 - _share_mentioned(names, evidence),
            1.0 - _share_present(reading.years, evidence),
            1.0 - _share_present(reading.months, evidence),
        ]

    def not_on_pages(self, question: str, reading: QuestionReading, sentence_ids: list[int], said: str = "") -> str:
        """What the question asks about that none of these sentences' pages mention: a month (of the financial
        year: "month 6"), a date ("21 july"), a year or a name, said as ``bot.missing`` says it ("" when they mention all of them). A name
        naming a document ("the CEO report says ...") says where, not what, and is not asked for; a name
        the documents never use is on no page at all (the decision weighs those: ``unknown_name``); a name
        counts as mentioned in a longer form too ("NHSE" in "NHSEI")."""
        if not sentence_ids:
            return ""
        pages = dict.fromkeys(self._page_of(i) for i in sentence_ids)
        if month_missing := reporting_month_missing(question, (self.kb.page_text(*page) for page in pages)):
            return month_missing
        # A date asked is given by a page or by its document's title ("... Minutes (18 May 2022)").
        titles = {self.kb.by_slug[slug].record.title for slug, _ in pages}
        if date_lacking := date_missing(question, [self.kb.page_text(*page) for page in pages], titles):
            return date_lacking
        evidence = self.evidence_tokens(sentence_ids) | frozenset(tokenize(said))
        best = self.kb.sentences[sentence_ids[0]][1].text
        missing = [
            n for n in self.names_to_find(reading) if not _mentioned(n, evidence) and not self._initials_words.get(n, {""}) <= evidence
        ]
        # Initials typed in lower case ("ytd position for swft at m3?") are asked about as much as "SWFT" is: a trial's
        # was answered from the CCG's finance report, which never mentions SWFT. Not an English word the documents
        # write in capitals somewhere ("ACTIONS" heading a table: ``what_is_missing`` reads the word as typed), nor the
        # initials of a document's title, which say where rather than what ("what did we tell nhse at the qsrm ...").
        naming = frozenset(t for _, words in self.document_mentions(question) for t in tokenize(words)) if missing else frozenset()
        initials = [n for n in missing if self.searcher.is_acronym(n) and n not in naming]
        if not what_is_missing(question, evidence, best, missing, initials=initials):
            return ""
        # Said with the names the documents never use too ("Herefordshire"): surely missing, and what was asked.
        unknown = [n for n in reading.asked_names if not self.searcher.knows(n)]
        return what_is_missing(question, evidence, best, unknown + missing, initials=initials)

    @property
    def corpus_subject(self) -> frozenset[str]:
        """The search tokens nearly every document uses ("plan", "care"): what the corpus is about, which says nothing
        of what a question or topic is about."""
        return self._corpus_subject

    def _used_by_nearly_every_document(self) -> frozenset[str]:
        """The search tokens in CORPUS_SUBJECT_SHARE or more of the documents: what the corpus is about."""
        documents_using: dict[str, set[str]] = {}
        for sentence_id, (slug, _) in enumerate(self.kb.sentences):
            for token in self.searcher.sentence_tokens(sentence_id):
                documents_using.setdefault(token, set()).add(slug)
        return frozenset(t for t, slugs in documents_using.items() if len(slugs) >= CORPUS_SUBJECT_SHARE * len(self.kb.by_slug))

    def names_to_find(self, reading: QuestionReading) -> tuple[str, ...]:
        """The question's names that the evidence should mention: those the documents use (however
        often: "Coventry" asked, the quoted pages are about Warwickshire), other than the words naming
        a document."""
        return tuple(
            n for n in reading.names
            if n.isalpha() and n not in reading.document_words and n not in self._corpus_subject and self.searcher.knows(n)
        )

    def evidence_tokens(self, sentence_ids: list[int]) -> frozenset[str]:
        """What the pages of these sentences say: their words, titles and acronyms, as search tokens."""
        return frozenset().union(*(self.page_subjects(*self._page_of(i)) for i in sentence_ids))

    def _names_missing_around(self, reading: QuestionReading, sentence_id: int) -> float:
        """"UHCW" asked, the best sentence is about SWFT: names the answer itself does not carry."""
        names = tuple(n for n in reading.names if n.isalpha())
        tokens = frozenset().union(*(self.searcher.sentence_tokens(i) for i in self._around(sentence_id)))
        return 1.0 - _share_mentioned(names, tokens)

    def _around(self, sentence_id: int) -> range:
        """A sentence and those either side of it in the corpus."""
        return range(max(sentence_id - 1, 0), min(sentence_id + 1, len(self.kb.sentences) - 1) + 1)

    def _beside(self, sentence_id: int) -> list[int]:
        """A sentence and those either side of it on its page: where a sentence split mid-thought ends."""
        page = self._page_of(sentence_id)
        return [i for i in self._around(sentence_id) if self._page_of(i) == page]

    def _sentences_coverage(self, reading: QuestionReading, best: list[int], also: frozenset[str] = frozenset()) -> list[float]:
        """What the best sentences themselves (not their pages) hold of the question, with ``also``."""
        tokens = also.union(*(self.searcher.sentence_tokens(i) for i in best))
        covered = covered_terms(reading, tokens)
        total = sum(reading.terms.values()) or 1.0
        missing = [w for t, w in reading.terms.items() if t not in covered]
        return [
            sum(reading.terms[t] for t in covered) / total,
            max(missing, default=0.0) / self.searcher.term_weight_ceiling(),
            1.0 - _share_mentioned(reading.asked_names, tokens),
            1.0 - _share_present(reading.years, tokens),
            1.0 - _share_present(reading.months, tokens),
        ]

    def page_tokens(self, slug: str, page: int) -> frozenset[str]:
        key = (slug, page)
        if key not in self._page_token_cache:
            self._page_token_cache[key] = frozenset(tokenize(self.kb.page_text(slug, page)))
        return self._page_token_cache[key]

    def page_subjects(self, slug: str, page: int) -> frozenset[str]:
        """A page's words, with its document title's words and initials ("NHSE" on every page of the "NHS
        England ... letter"), the acronyms of its capitalised runs, and the month its title says it reports ("June
        2022" on every page of the "2022/23 Month 3 ... Finance Report": ``month_a_title_reports``)."""
        title = self.kb.by_slug[slug].record.title
        key = (slug, page)
        if key not in self._page_acronym_cache:
            self._page_acronym_cache[key] = frozenset(acronyms_of(f"{title}\n{self.kb.page_text(slug, page)}"))
        subjects = self.page_tokens(slug, page) | self.searcher.title_tokens(slug) | self._title_acronyms[slug]
        return subjects | self._title_months[slug] | self._page_acronym_cache[key]

    def _page_of(self, sentence_id: int) -> tuple[str, int]:
        slug, sentence = self.kb.sentences[sentence_id]
        return slug, sentence.page


def _written_whole(words: str, text: str) -> bool:
    """The text holds the words with no letter, digit or hyphen joined to either end (a plain search first: a pattern
    opening on a look-behind would read every character of a growing corpus)."""
    start = text.find(words)
    while start != -1:
        end = start + len(words)
        joined_before = start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-")
        joined_after = end < len(text) and (text[end].isalnum() or text[end] == "_")
        if not joined_before and not joined_after:
            return True
        start = text.find(words, start + 1)
    return False


def acronyms_of(text: str) -> set[str]:
    """Initials of runs of capitalised words, an acronym among them counting all its letters: "Chief Executive
    Officer" gives "ceo", "NHS England" gives "nhse". A run is cut only between words ("NHS England" gives no "hse").
    Titles are read so too: "NHS England Quarterly System Review Meeting" gives "nhse" and "qsrm" among its runs."""
    acronyms: set[str] = set()
    for run in re.findall(r"(?:\b(?:[A-Z][a-z]+|[A-Z]{2,}\b)(?:\s+(?:and|of|for)\s+|\s+)?){2,}", text):
        pieces = [word if word.isupper() else word[0] for word in run.split() if word[0].isupper()]
        for start in range(len(pieces)):
            for end in range(start + 1, len(pieces) + 1):
                letters = "".join(pieces[start:end])
                if len(letters) >= 2:
                    acronyms.add(letters.lower())
    return acronyms


# The share of a "when" question's telling words (by weight) that a sentence holding a date, with the best sentence,
# must hold for the date to be the one asked (the decision feature "when_date_apart"). Chosen out of fold among 0.5 /
# 0.6 / 0.7 (and no share: any date beside the best counted), as the share of the "when_no_date" rule's feature: each
# fold's other four folds chose 0.7 (0.8 gives the same outcomes). As a rule it took the budget of answerable declines
# and the shipped bar fell from 0.54 to 0.28 (off-topic questions were answered), so it is a feature of the decision
# instead, with the same outcomes out of fold: three near misses more declined (d146 and d444 in fold 2, d340 in fold 3:
# "when did coventry city council declare a climate emergency" had been answered with a table of plans dated 2021-2026).
WHEN_DATE_SHARE = 0.7
# ... counted without the words asking the time ("since when?", "now"), which the date answers.
_TIME_ASKING_TOKENS = frozenset(tokenize(" ".join(TIME_ASKING_WORDS)))


def covered_terms(reading: QuestionReading, tokens: frozenset[str]) -> frozenset[str]:
    """The question's words a sentence holds, also through an acronym it uses for a run of them
    ("DDR" covers "dementia diagnosis rate")."""
    covered = set(reading.terms).intersection(tokens)
    for acronym, words in reading.acronyms.items():
        if acronym in tokens:
            covered |= words
    return frozenset(covered)


def _mentioned(name: str, tokens: frozenset[str]) -> bool:
    """In the tokens, allowing a longer form ("NHSE" in "NHSEI")."""
    return name in tokens or any(token.startswith(name) for token in tokens)


def _share_mentioned(names: tuple[str, ...], tokens: frozenset[str]) -> float:
    return sum(_mentioned(n, tokens) for n in names) / len(names) if names else 1.0


def _share_present(items: tuple[str, ...], tokens: frozenset[str]) -> float:
    return sum(i in tokens for i in items) / len(items) if items else 1.0

