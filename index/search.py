"""Hybrid retrieval over the knowledge base: dense (FAISS) plus lexical (BM25).

Staff type acronyms, figures and names ("GEH", "N2O", "£14.5m") that a small
dense model blurs, and paraphrases that BM25 cannot match; each list is
ranked separately and the two are fused by reciprocal rank.
"""

from __future__ import annotations

import difflib
import functools
import math
import pickle
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from index.short_names import Initials, short_names
from index.store import KnowledgeBase
from index.text import (
    is_english_word,
    retrieval_text,
    search_words,
    shortenings_written,
    shorthand_spelled_out,
    stem,
    tokenize,
    with_capitals_only_on_names,
)
from index.vocabulary import CHAT_SHORTHAND, CHAT_WORDS, NUMBER_WORDS, number_words

# Reciprocal rank fusion's constant: a chunk scores 1 / (RRF_K + rank) in each retriever. Not tuned
# here: 60 is the value of the method's paper (Cormack, Clarke and Büttcher, 2009).
RRF_K = 60
# A query word the documents never use is read as the closest word they do use when this alike
# (difflib's ratio) and at least this long: "chargin" is "charging", "ev" stays "ev". Set by hand on
# such examples: shorter words have too many close neighbours to guess from.
SPELLING_CUTOFF = 0.8
MIN_CORRECTED_LETTERS = 5
# Chunks each retriever (dense and BM25) hands to fusion. Set by hand: many more than an answer
# quotes (a few sentences), few enough that fusion and the features stay quick.
CANDIDATES = 50
# Acronyms of this many words are looked for in a question's words ("population health management":
# "phm"). Set by hand: two letters would take too many ordinary pairs of words for acronyms.
MIN_ACRONYM_LETTERS = 3
MAX_ACRONYM_LETTERS = 4
_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9&]+s?\b")
_WORD = re.compile(r"[A-Za-z][a-z]+[’']?s?[,.;:]?")
_QUERY_WORD = re.compile(r"[A-Za-z]+")
_CHAT_WORD = re.compile(r"(?<![\w&/-])[A-Za-z][A-Za-z0-9]*(?![\w&/-])")
# A word, whatever stands between it and the next ("Exec / SRO": "Exec", "SRO").
_WORD_ANYWHERE = re.compile(r"[A-Za-z0-9]+")
# A count and the capitals it counts, typed apart after "the" ("the 4 Is", "the 4 I's", "the four Is"): the documents
# write them as one ("the 4Is"). Only after "the": "month 4 Is it higher?" and "section 4 Is there ..." run a number into
# a sentence (a review).
_COUNT_THEN_CAPITALS = re.compile(
    rf"\b(?P<the>the\s+)(?P<count>\d|{number_words(2, 9)})\s+(?P<capitals>[A-Z]{{1,2}})['’]?s\b", re.IGNORECASE
)
# A word counts as a name when it is capitalised in this share of its uses after a lower-case word,
# and is used so at least this often. Set by hand: "geh", "cwpt", "coventry" typed in lower case count
# as names; words capitalised only now and then (in headings, say) do not. The same share of all its uses, wherever
# they stand, lets a word typed capitalised in a message in capitals throughout keep its capital
# (``HybridSearcher.may_name``: "Birmingham", written only inside a hospital's name).
NAME_CAPITALISED_SHARE = 0.9
MIN_NAME_USES = 2


@dataclass(frozen=True)
class Filters:
    slugs: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    def allows(self, slug: str, kind: str) -> bool:
        return (not self.slugs or slug in self.slugs) and (not self.kinds or kind in self.kinds)

    def allows_document(self, kb: KnowledgeBase, slug: str) -> bool:
        """Whether a document of this knowledge base passes, by its slug and its kind."""
        return self.allows(slug, kb.by_slug[slug].record.kind)


NO_FILTERS = Filters()


@dataclass(frozen=True)
class ChunkHit:
    chunk_id: int
    score: float  # fused reciprocal-rank score
    dense: float  # cosine similarity of the chunk to the query
    dense_rank: float = 0.0  # 1 / rank among the dense results (0: not among them)
    lexical_rank: float = 0.0  # 1 / rank among the BM25 results (0: not among them)


# Words shorter than this are not read as terms the documents never use ("wifi" is, "gp" and "ae" are not). Set by hand.
MIN_UNUSED_LETTERS = 4
# A word typed as several the documents use ("yearend", "evchargers") has each of at least this many letters ("ebike"
# is not one), and at most this many of them ("cycletowork"). Set by hand, after a review's 60 answerable questions.
MIN_JOINED_LETTERS = 2
MAX_JOINED_WORDS = 3
_ALPHABETIC_WORD = re.compile(r"[A-Za-z]+")
_STRETCHED = re.compile(r"([a-z])\1{2,}")
# British spellings whose American form an English word list may hold alone ("paediatric", "haematology", "oesophageal",
# "colourful"). English usage.
_BRITISH_SPELLINGS = ((re.compile(r"ae|oe"), "e"), (re.compile(r"our(?=\w)"), "or"), (re.compile(r"is(?=e|ation|ing)"), "iz"))
# A word at most this share of a word the documents write, with its letters in order and the same first and last letter,
# or the start of it, is a shortening of it ("cttee" of "committee", 5 of 9; "govt" of "government"; "gynae" of
# "gynaecology"). English usage, set by hand.
ABBREVIATION_SHARE = 0.6


def _spelled_as_in_america(word: str) -> str:
    """The word with its British spellings written the American way ("paediatric": "pediatric")."""
    for pattern, replacement in _BRITISH_SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


def _uninflected(word: str) -> tuple[str, ...]:
    """The word without an English ending it may carry ("googled": "google", "googl"; "zooming": "zoom")."""
    return tuple(word[: -len(ending)] for ending in ("s", "es", "d", "ed", "ing") if word.endswith(ending) and len(word) - len(ending) >= 3)


def _unstretched(word: str) -> tuple[str, ...]:
    """The word, and as it reads with each run of three or more of a letter cut to one or two ("sooo": "so", "soo";
    "thanksss": "thanks")."""
    return (word, _STRETCHED.sub(r"\1", word), _STRETCHED.sub(r"\1\1", word))


class HybridSearcher:
    """Searches one loaded knowledge base; safe to share between threads once built."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        statistics = load_statistics(kb.directory) or compute_statistics(kb)
        self._bm25: bm25s.BM25 = statistics["bm25"]
        self._sentence_tokens: list[frozenset[str]] = statistics["sentence_tokens"]
        self._sentence_document_frequency: Counter = statistics["sentence_document_frequency"]
        self._acronyms: set[str] = statistics["acronyms"]
        self._names: set[str] = statistics["names"]
        self._capitalised: frozenset[str] = statistics["capitalised"]
        self._vocabulary_by_initial: dict[str, list[str]] = statistics["vocabulary_by_initial"]
        self._words_by_initial: dict[str, list[str]] = statistics["words_by_initial"]
        self._pages: list[tuple[str, int]] = statistics["pages"]
        self._page_bm25: bm25s.BM25 = statistics["page_bm25"]
        self._title_tokens: dict[str, frozenset[str]] = statistics["title_tokens"]
        self._initials = Initials(statistics["short_names"])
        self._short_form_neighbours = self._neighbours_of_short_forms()

    def search(self, query: str, query_vector: np.ndarray, k: int = 10, filters: Filters = NO_FILTERS) -> list[ChunkHit]:
        allowed = self._allowed_chunks(filters)
        if allowed is not None and not allowed.any():
            return []
        dense_scores, dense_ranking, lexical_ranking = self._rank_both(query, query_vector, allowed)
        fused = _fuse(dense_ranking, lexical_ranking)
        best = sorted(fused, key=fused.__getitem__, reverse=True)[:k]
        # The best few of each retriever come too, wherever fusion put them: either may be the one that is right.
        for ranking in (lexical_ranking, dense_ranking):
            best += [i for i in ranking[: k // 2] if i not in best]
        dense_rank = {chunk_id: 1.0 / (rank + 1) for rank, chunk_id in enumerate(dense_ranking)}
        lexical_rank = {chunk_id: 1.0 / (rank + 1) for rank, chunk_id in enumerate(lexical_ranking)}
        return [
            ChunkHit(i, fused[i], float(dense_scores[i]), dense_rank.get(i, 0.0), lexical_rank.get(i, 0.0)) for i in best
        ]

    def rankings(self, query: str, query_vector: np.ndarray) -> dict[str, list[int]]:
        """Chunk ids best first by each retriever alone and fused (to measure retrieval on its own)."""
        _, dense_ranking, lexical_ranking = self._rank_both(query, query_vector, None)
        fused = _fuse(dense_ranking, lexical_ranking)
        return {"dense": dense_ranking, "bm25": lexical_ranking, "fused": sorted(fused, key=fused.__getitem__, reverse=True)}

    def _rank_both(self, query: str, query_vector: np.ndarray, allowed: np.ndarray | None):
        dense_scores = self._dense_scores(query_vector, allowed)
        dense_ranking = self._ranking(dense_scores, allowed)
        query_tokens = self.query_tokens(query)
        lexical_ranking = (
            self._ranking(self._bm25.get_scores(query_tokens), allowed, positive_only=True) if query_tokens else []
        )
        return dense_scores, dense_ranking, lexical_ranking

    def query_tokens(self, query: str) -> list[str]:
        """The query's search tokens, a misspelled word replaced by the corpus word it is closest to
        ("chargin" finds "charging"). Kept as typed: words the documents use, figures, short words, and
        English words the documents happen not to use ("promptly" is not a misspelling of "promote")."""
        english = {token for word in _QUERY_WORD.findall(query) if is_english_word(word) for token in tokenize(word)}
        return [
            token if (token := stem(word)) in english and not self._acronym_in_plural(word) else self.closest_known(word)
            for word in search_words(query)
        ]

    def closest_known(self, word: str) -> str:
        """The search token of the documents' word closest to a word as written ("inhlaer": "inhaler"),
        or the word's own token when the documents use it or none is close enough."""
        return stem(self.closest_word(word))

    def closest_word(self, word: str) -> str:
        """The documents' word closest to a word as written ("inhlaer": "inhaler"), or the word itself when
        the documents use it or none is close enough. Words are compared as written, not as stems, which
        are short enough to draw wrong neighbours ("inher" for "inhlaer")."""
        word = word.lower()
        if acronym := self._acronym_in_plural(word):
            return acronym
        if self.knows(stem(word)) or len(word) < MIN_CORRECTED_LETTERS or not word.isalpha():
            return word
        same_start = self._words_by_initial.get(word[:1], [])
        match = difflib.get_close_matches(word, same_start, n=1, cutoff=SPELLING_CUTOFF)
        return match[0] if match else word

    def _acronym_in_plural(self, word: str) -> str:
        """The acronym a word the documents never use is the plural of, typed in lower case ("evs", "gps": "ev", "gp"),
        as ``index.text.plain_tokens`` reads "EVs"; or "". Three letters only: ``stem`` takes the "s" off longer words
        ("pcns"). ("icss" for "ICSs" read as "ics" too moved two dev questions by the refit alone, one each way.)"""
        word = word.lower()
        singular = word[:-1]
        if len(word) == 3 and word.endswith("s") and singular.isalpha() and self.is_acronym(singular) and not self.knows(stem(word)):
            return singular
        return ""

    def words_never_used(self, text: str) -> list[str]:
        """The words of ``text``, lower case, that are no English word, that the documents never use, and that are no
        misspelling or shortening of a word they write: names and terms of another subject ("monkeypox", "nhsmail",
        "dapagliflozin"). Not an English word the documents happen not to use ("jabs", which may be said in other
        words), nor one inflected ("googled"), stretched ("sooo"), spelled the British way ("paediatric") or typed without
        its apostrophe ("havent", "weve"), nor chat ("hiya": ``index.vocabulary.CHAT_WORDS``), nor "cttee" or "gynae"
        (``abbreviates_a_word``), "yearend" (``joins_words_of_theirs``), "inhalors" (``resembles_known``) or "uhwc" (two
        letters of "uhcw" swapped)."""
        words = dict.fromkeys(w.lower() for w in _ALPHABETIC_WORD.findall(text) if len(w) >= MIN_UNUSED_LETTERS)
        return [w for w in words if not self._reads_as_a_known_word(w)]

    def _reads_as_a_known_word(self, word: str) -> bool:
        """Whether a word is English, chat, or the documents' own, as typed or as staff slip in typing it; cheapest first."""
        tokens = tokenize(word)
        if not tokens or all(self.knows(t) for t in tokens) or self._acronym_in_plural(word):
            return True
        english = (
            *_unstretched(word), *_uninflected(word), _spelled_as_in_america(word), *(f"{word[:i]}'{word[i:]}" for i in range(1, len(word)))
        )
        return (
            any(form in CHAT_WORDS or is_english_word(form) for form in english)
            or any(self.resembles_known(t) for t in tokens)
            or self.abbreviates_a_word(word)
            or self._swaps_two_letters_of_a_known(word)
            or self.joins_words_of_theirs(word)
        )

    def _swaps_two_letters_of_a_known(self, word: str) -> bool:
        """A word the documents use, typed with two letters next to each other swapped ("uhwc"), a slip ``resembles_known``
        misses in short words."""
        swapped = (word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
        return any(self._one_word_of_theirs(other) for other in swapped)

    def _one_word_of_theirs(self, text: str) -> bool:
        """Whether the text is one search token the documents use."""
        tokens = tokenize(text)
        return len(tokens) == 1 and self.knows(tokens[0])

    def joins_words_of_theirs(self, word: str, pieces: int = MAX_JOINED_WORDS) -> bool:
        """Words the documents use (or little words such as "to"), typed as one: "yearend", "netzero", "evchargers",
        "msteams", "cycletowork"; up to ``pieces`` of them, each of MIN_JOINED_LETTERS or more."""

        def theirs(part: str) -> bool:
            return not tokenize(part) or self._one_word_of_theirs(part)

        return pieces > 1 and any(
            theirs(word[:cut]) and (theirs(word[cut:]) or self.joins_words_of_theirs(word[cut:], pieces - 1))
            for cut in range(MIN_JOINED_LETTERS, len(word) - MIN_JOINED_LETTERS + 1)
        )

    def abbreviates_a_word(self, word: str) -> bool:
        """A shortening of a word the documents write ("cttee": "committee"; "gynae": "gynaecology", "leam":
        "leamington"): its letters in order within that word, with the same first and last letter, or its start, and
        at most ABBREVIATION_SHARE of its length. Chat shorthand, not a term of another subject ("monkeypox")."""
        word = word.lower()
        for written in self._words_by_initial.get(word[:1], []):
            if len(word) <= ABBREVIATION_SHARE * len(written) and (written.startswith(word) or written[-1:] == word[-1:]):
                letters = iter(written)
                if all(letter in letters for letter in word):
                    return True
        return False

    def as_the_documents_write(self, query: str) -> str:
        """The query with its shorthand written out as the documents write it ("4 hr": "4 hour", "104ww": "104 week
        wait"; ``index.text.shorthand_spelled_out``), for search only, never shown."""
        return shorthand_spelled_out(query, self._written_shortenings)

    @functools.cached_property
    def _written_shortenings(self) -> frozenset[str]:
        """The waits in weeks the documents write shortened ("2ww"), which search reads as typed."""
        return shortenings_written(sentence.text for _, sentence in self.kb.sentences)

    def spelled_as_the_documents(self, text: str) -> str:
        """The text with each word the documents never use, and no English word, replaced by the documents'
        word it resembles ("digitial actions": "digital actions"); for reading action questions, which
        match themes and words as written."""

        def respelled(match: re.Match) -> str:
            word = match.group()
            closest = word if is_english_word(word) else self.closest_word(word)
            return word if closest == word.lower() else closest

        return _QUERY_WORD.sub(respelled, text)

    def question_as_the_documents_write(self, text: str) -> str:
        """A question or topic read as the documents write its words, for answering and briefing alike: chat shorthand
        written out ("avg wait in hosp": "average wait in hospital"; ``index.vocabulary.CHAT_SHORTHAND``) where the
        documents use the full form more and the words beside it are not of a phrase they write the short form in
        (``_theirs_written_out``), a count typed apart from the capitals it counts as the documents write it one
        ("the 4 Is": "the 4Is"), and the start of a name the documents give initials for written as the initials
        ("george eliot": "GEH"; ``with_initials``)."""

        def spelled(match: re.Match) -> str:
            word = match.group()
            # lower case or capitalised: "PLS" and "B4" ("B3 Admin support") are initials or a band
            full = CHAT_SHORTHAND.get(word.lower()) if word.islower() or (word[:1].isupper() and word[1:].islower()) else None
            if full is None or not self._theirs_written_out(stem(word.lower()), full):
                return word
            beside = set(tokenize(" ".join(_WORD_ANYWHERE.findall(text[: match.start()])[-1:] + _WORD_ANYWHERE.findall(text[match.end() :])[:1])))
            # "what did nhse say about exec / sro engagement?", "the ICB execs": their own phrase, their own word (a review's)
            return word if beside & self._short_form_neighbours.get(stem(word.lower()), frozenset()) else full

        def joined(match: re.Match) -> str:
            """"the 4 Is" as "the 4Is" when the documents write that word; else as typed."""
            count = match["count"].lower()
            together = f"{NUMBER_WORDS.get(count, count)}{match['capitals']}s"
            return match["the"] + together if match["capitals"].isupper() and self._one_word_of_theirs(together) else match.group()

        text = _COUNT_THEN_CAPITALS.sub(joined, text)
        return self.with_initials(re.sub(r"\s{2,}", " ", _CHAT_WORD.sub(spelled, text)).strip())

    def _neighbours_of_short_forms(self) -> dict[str, frozenset[str]]:
        """The search tokens beside each chat short form the documents use themselves, by its token: "exec" has
        "strong" and "sro" ("strong Exec / SRO engagement"), "icb" and "post" ("ICB Execs Post July 22")."""
        used = {token for short in CHAT_SHORTHAND if (token := stem(short)) in self._sentence_document_frequency}
        beside: dict[str, set[str]] = {token: set() for token in used}
        for tokens, (_, sentence) in zip(self._sentence_tokens, self.kb.sentences, strict=True):
            if not tokens & beside.keys():
                continue  # most sentences hold none
            words = _WORD_ANYWHERE.findall(sentence.text)
            for place, word in enumerate(words):
                if (token := stem(word.lower())) in beside:
                    beside[token].update(tokenize(" ".join(words[max(place - 1, 0) : place] + words[place + 1 : place + 2])))
        return {token: frozenset(words) for token, words in beside.items()}

    def _theirs_written_out(self, short: str, full: str) -> bool:
        """Whether the documents write a shortened word out (see ``CHAT_SHORTHAND``): they never use the short form, or
        use the full form in more sentences ("executive" in 23, "exec" in 6 headings and table cells), so the short form
        is their shorthand for it too ("dept", in 28 to "department"'s 10, is a word of theirs)."""
        used = self._sentence_document_frequency.get(short, 0)
        full_tokens = tokenize(full)
        return not used or (len(full_tokens) == 1 and self._sentence_document_frequency.get(full_tokens[0], 0) > used)

    def with_initials(self, text: str) -> str:
        """The text with the start of a name the documents give initials for written as the initials
        ("george eliot bed occupancy": "GEH bed occupancy"; ``index.short_names``)."""
        return self._initials.rewrite(text)

    def page_scores(self, tokens: list[str]) -> dict[tuple[str, int], float]:
        """BM25 of every page for these search tokens (pages with none of them left out)."""
        if not tokens:
            return {}
        scores = self._page_bm25.get_scores(tokens)
        return {self._pages[i]: float(scores[i]) for i in np.flatnonzero(scores > 0)}

    def title_tokens(self, slug: str) -> frozenset[str]:
        return self._title_tokens[slug]

    def term_weight(self, token: str) -> float:
        """Inverse sentence frequency: how telling a word is in this corpus (0 if unseen)."""
        count = self._sentence_document_frequency.get(token, 0)
        return math.log(1 + len(self.kb.sentences) / count) if count else 0.0

    def term_weight_ceiling(self) -> float:
        """The weight of a word found in a single sentence: the most telling a word can be."""
        return math.log(1 + len(self.kb.sentences))

    def knows(self, token: str) -> bool:
        return token in self._sentence_document_frequency

    def sentence_share(self, token: str) -> float:
        return self._sentence_document_frequency.get(token, 0) / max(len(self.kb.sentences), 1)

    def resembles_known(self, token: str) -> bool:
        """A likely misspelling of a word in the corpus ("Okenden" for "Ockenden")."""
        # Misspellings rarely change the first letter; comparing only those words keeps this fast.
        same_start = self._vocabulary_by_initial.get(token[:1], [])
        return bool(difflib.get_close_matches(token, same_start, n=1, cutoff=0.8))

    def sentence_tokens(self, sentence_id: int) -> frozenset[str]:
        """A sentence's search tokens, tokenized once when the searcher is built."""
        return self._sentence_tokens[sentence_id]

    def is_name(self, token: str) -> bool:
        """Written as a name in the documents: in capitals ("GEH"), or capitalised wherever it
        stands inside a sentence ("Coventry", "Nelson"), so "geh" typed in lower case is one too."""
        return token in self._names

    def may_name(self, word: str) -> bool:
        """Whether a word as typed may be a name: the documents write it as one ("GEH", "Coventry"), or with a capital
        nearly wherever they use it ("Birmingham", in "University Hospitals Birmingham"), or use neither it nor a word it
        may be a misspelling of ("Kettering", "Monkeypox": a name of something they do not cover)."""
        tokens = tokenize(word)
        return bool(tokens) and all(
            self.is_name(t) or t in self._capitalised or not (self.knows(t) or self.resembles_known(t)) for t in tokens
        )

    def with_capitals_only_on_names(self, message: str) -> str:
        """A message typed in capitals throughout with capitals kept only where they may name (``index.text``)."""
        return with_capitals_only_on_names(message, self.may_name)

    def is_acronym(self, token: str) -> bool:
        """Written in capitals somewhere in the documents ("PHM", "GPs")."""
        return token in self._acronyms

    def acronyms_spelled_out(self, words: list[str]) -> dict[str, frozenset[str]]:
        """Acronyms the documents use for runs of these words (search tokens, in order).

        "population health management" gives {"phm": {population, health, management}},
        so a text saying "PHM" covers those words. Initials that only spell an
        ordinary word ("total inhaler emissions", "tie") do not count.
        """
        found: dict[str, frozenset[str]] = {}
        for size in range(MIN_ACRONYM_LETTERS, MAX_ACRONYM_LETTERS + 1):
            for start in range(len(words) - size + 1):
                run = words[start : start + size]
                acronym = "".join(word[0] for word in run)
                if all(word.isalpha() for word in run) and acronym not in words and self.is_acronym(acronym):
                    found[acronym] = frozenset(run)
        return found

    def _allowed_chunks(self, filters: Filters) -> np.ndarray | None:
        if filters == NO_FILTERS:
            return None
        return np.array(
            [filters.allows_document(self.kb, slug) for slug, _ in self.kb.chunks], dtype=bool
        )

    def _dense_scores(self, query_vector: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
        """Cosine similarity for the chunks FAISS returns; -1 for the rest."""
        scores = np.full(len(self.kb.chunks), -1.0, dtype=np.float32)
        wanted = len(self.kb.chunks) if allowed is not None else min(CANDIDATES, len(self.kb.chunks))
        similarities, ids = self.kb.dense_index.search(query_vector.reshape(1, -1).astype(np.float32), wanted)
        valid = ids[0] >= 0
        scores[ids[0][valid]] = similarities[0][valid]
        return scores

    @staticmethod
    def _ranking(scores: np.ndarray, allowed: np.ndarray | None, positive_only: bool = False) -> list[int]:
        candidates = np.argsort(-scores)[: CANDIDATES * 4]
        keep = [int(i) for i in candidates if (allowed is None or allowed[i]) and (scores[i] > 0 or not positive_only)]
        return keep[:CANDIDATES]


# What search needs beyond the stored records, computed once at ingest and saved in the build, so that
# a server's start and a knowledge-base swap do not tokenize the whole corpus again (7 s at ten times
# the bundled corpus). A build without the file, or with one of another version, is computed afresh.
STATISTICS_FILE = "search_statistics.pickle"
STATISTICS_VERSION = 7  # raised when what compute_statistics stores changes, so older files are recomputed


def compute_statistics(kb: KnowledgeBase) -> dict[str, Any]:
    """The BM25 indexes (chunks and pages) and the corpus's word statistics."""
    # A chunk is found by its document's title too ("what does the finance report say ...").
    chunk_texts = [f"{kb.by_slug[slug].record.title}\n{retrieval_text(chunk)}" for slug, chunk in kb.chunks]
    bm25 = bm25s.BM25()
    bm25.index([tokenize(text) for text in chunk_texts] or [[]], show_progress=False)
    sentence_tokens = [frozenset(tokenize(sentence.text)) for _, sentence in kb.sentences]
    frequency = Counter(token for tokens in sentence_tokens for token in tokens)
    acronyms = {token for _, sentence in kb.sentences for word in _CAPITALS.findall(sentence.text) for token in tokenize(word)}
    by_initial: dict[str, list[str]] = {}
    for word in frequency:
        by_initial.setdefault(word[:1], []).append(word)
    # The documents' words as written, long enough to be corrected towards, for spelling.
    words = {w for _, sentence in kb.sentences for w in search_words(sentence.text) if w.isalpha() and len(w) >= MIN_CORRECTED_LETTERS}
    words_by_initial: dict[str, list[str]] = {}
    for word in sorted(words):
        words_by_initial.setdefault(word[:1], []).append(word)
    page_bm25 = bm25s.BM25()
    page_bm25.index([tokenize(text) for d in kb.documents for text in d.pages] or [[]], show_progress=False)
    return {
        "version": STATISTICS_VERSION,
        "bm25": bm25,
        "sentence_tokens": sentence_tokens,
        "sentence_document_frequency": frequency,
        "acronyms": acronyms,
        "names": acronyms | _proper_nouns(sentence.text for _, sentence in kb.sentences),
        "capitalised": _always_capitalised(sentence.text for _, sentence in kb.sentences),
        "vocabulary_by_initial": by_initial,
        "words_by_initial": words_by_initial,
        "pages": [(d.record.slug, n) for d in kb.documents for n in range(1, len(d.pages) + 1)],
        "page_bm25": page_bm25,
        "title_tokens": {d.record.slug: frozenset(tokenize(d.record.title)) for d in kb.documents},
        "short_names": short_names([sentence.text for _, sentence in kb.sentences]),
    }


def save_statistics(kb: KnowledgeBase, build: Path) -> None:
    """Compute the search statistics of a build and store them in it (ingest does, before publishing)."""
    with (build / STATISTICS_FILE).open("wb") as handle:
        pickle.dump(compute_statistics(kb), handle, protocol=pickle.HIGHEST_PROTOCOL)


def load_statistics(build: Path) -> dict[str, Any] | None:
    """The statistics ingest stored in this build (our own file, written beside the build's database)."""
    try:
        with (build / STATISTICS_FILE).open("rb") as handle:
            statistics = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return statistics if isinstance(statistics, dict) and statistics.get("version") == STATISTICS_VERSION else None


def _fuse(*rankings: list[int]) -> dict[int, float]:
    """Reciprocal-rank fusion: a chunk high in either ranking comes high."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    return fused


def _always_capitalised(texts: Iterable[str]) -> frozenset[str]:
    """Words the documents write with a capital in NAME_CAPITALISED_SHARE of their uses or more, wherever they stand
    ("Birmingham", used twice, each time in a name), as search tokens: a word typed so may name something."""
    return _mostly_capitalised((word for text in texts for word in _WORD.findall(text)), min_uses=1)


def _proper_nouns(texts: Iterable[str]) -> frozenset[str]:
    """Words the documents capitalise wherever they follow a lower-case word in running text:
    place, body and person names ("Coventry", "Healthwatch"), as search tokens. Headings and
    table cells, where every word may be capitalised, do not count."""
    after_lower_case = (
        word
        for text in texts
        for previous, word in pairwise(text.split())
        if previous.isalpha() and previous.islower() and _WORD.fullmatch(word)
    )
    return _mostly_capitalised(after_lower_case, min_uses=MIN_NAME_USES)


def _mostly_capitalised(words: Iterable[str], min_uses: int) -> frozenset[str]:
    """The search tokens of ``words`` used at least ``min_uses`` times, written with a capital in NAME_CAPITALISED_SHARE
    of those uses or more."""
    capitalised: Counter = Counter()
    seen: Counter = Counter()
    for word in words:
        for token in tokenize(word):
            seen[token] += 1
            capitalised[token] += word[0].isupper()
    return frozenset(
        token for token, count in seen.items() if count >= min_uses and capitalised[token] >= NAME_CAPITALISED_SHARE * count
    )
