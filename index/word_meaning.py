"""The documents' own words, by meaning: for a word a question uses and the documents never do
("owe", "religion", "IVF"), the corpus words closest to it in meaning ("payment", "faith",
"conception"), so a paraphrase can be answered from the passage it paraphrases.

Ingest embeds every distinct English word the documents use (one short text each, reusing
the previous build's vectors for words it already had) and stores them beside the build;
answering looks a question's unknown words up here (``bot.answering``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path

import numpy as np

from index.text import is_english_word, without_possessive
from index.vocabulary import STOPWORDS

WORDS_FILE = "corpus_words.json"
VECTORS_FILE = "corpus_word_vectors.npy"
# Corpus words offered for one unknown word: its two closest (a word and its inflection, often). Set by hand.
NEIGHBOURS = 2
# Shorter words are mostly function words and abbreviations typed in lower case ("ceo" brought "executive",
# and the CEO report's title line displaced its covid figures), whose nearest words in meaning mislead.
MIN_LETTERS = 4

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


@dataclass(frozen=True)
class CorpusWords:
    """The documents' distinct English words, lower case, with a unit meaning vector each."""

    words: tuple[str, ...]
    vectors: np.ndarray  # len(words) x dimension, rows of length 1

    def closest(self, vector: np.ndarray, similarity: float) -> list[str]:
        """The NEIGHBOURS words closest in meaning to ``vector``, those at least ``similarity`` close (cosine)."""
        if not self.words:
            return []
        scores = self.vectors @ (vector / (np.linalg.norm(vector) or 1.0))
        best = np.argsort(-scores)[:NEIGHBOURS]
        return [self.words[i] for i in best if scores[i] >= similarity]

    def likeness(self, one: str, other: str) -> float | None:
        """How close two short phrases are in meaning: the cosine of the mean vectors of their words the
        documents use ("travel" and "building energy emissions": 0.38; "travel" and "need": 0.18); None when
        either has none (a name, an acronym, a word the documents never use)."""
        first, second = self.phrase_vector(one), self.phrase_vector(other)
        return None if first is None or second is None else float(first @ second)

    def phrase_vector(self, phrase: str) -> np.ndarray | None:
        """The unit mean vector of the phrase's words the table holds; None when it holds none."""
        return _mean_direction([self.vectors[self._row[word]] for word in meaningful_words(phrase) if word in self._row])

    @property
    def words_held(self) -> Mapping[str, int]:
        """The table's words, each with its row."""
        return self._row

    @cached_property
    def _row(self) -> dict[str, int]:
        return {word: i for i, word in enumerate(self.words)}


NO_WORDS = CorpusWords((), np.zeros((0, 1), dtype=np.float32))


class TypedWordLikeness:
    """How close a word of the documents is to what was typed, in meaning: ``CorpusWords.likeness``, with the words
    typed that the table lacks embedded as typed. The table holds English words only, so a drug the documents name
    ("desflurane") had no meaning, and "and for desflurane?" after "what is the target for cutting nitrous oxide
    emissions?" replaced the question's first word, "target" (a trial). Any word of ``MIN_LETTERS`` letters or more
    that the table lacks is so embedded (a drug, a misspelling, a word of no language), each once (about 10 ms), up to
    ``MAX_TYPED`` kept. ``one``, a word of the question before, is so embedded only when the documents use it
    (``documents_use``: "statins"), so a misspelled word there ("emisions") is no word like the one typed and is not
    replaced with it (a review)."""

    MAX_TYPED = 1024

    def __init__(self, words: CorpusWords, embed: Callable[[list[str]], np.ndarray], documents_use: Callable[[str], bool]) -> None:
        self.words = words
        self.embed = embed
        self.documents_use = documents_use
        self._typed: dict[str, np.ndarray] = {}

    def __call__(self, one: str, typed: str) -> float | None:
        first = self._vector(one) if self.documents_use(one) else self.words.phrase_vector(one)
        second = self._vector(typed)
        return None if first is None or second is None else float(first @ second)

    def _vector(self, phrase: str) -> np.ndarray | None:
        """The unit mean vector of the phrase's words: the table's, else embedded as typed ("desflurane's" as
        "desflurane"); None when none is worth a meaning (short words, stop words) or the table is empty."""
        if not self.words.words:
            return None
        found = (without_possessive(word.lower()) for word in _WORD.findall(phrase))
        words = [word for word in dict.fromkeys(found) if _TYPED_WORD.fullmatch(word) and word not in STOPWORDS]
        held = self.words.words_held
        return _mean_direction([self.words.vectors[held[word]] if word in held else self._embedded(word) for word in words])

    def _embedded(self, word: str) -> np.ndarray:
        vector = self._typed.get(word)  # one read: another thread may clear the cache between two
        if vector is None:
            vector = _unit(self.embed([word]))[0]
            if len(self._typed) >= self.MAX_TYPED:
                self._typed.clear()
            self._typed[word] = vector
        return vector


# A word worth embedding as typed: letters only, MIN_LETTERS or more ("ceo", "gp" mislead; see MIN_LETTERS).
_TYPED_WORD = re.compile(rf"[a-z]{{{MIN_LETTERS},}}")


# Two words are one name when the documents write the first before the second at least this share of the times
# they write the first, and at least WRITTEN_TOGETHER_TIMES times: "nitrous oxide" (16 of 16), "net zero" (76 of
# 83), "mental health" (55 of 63); not "building energy" (5 of 35) or "continuing healthcare" (9 of 21). Set by hand.
WRITTEN_TOGETHER_SHARE = 0.8
WRITTEN_TOGETHER_TIMES = 3


def pairs_written_together(texts: Iterable[str]) -> frozenset[tuple[str, str]]:
    """The pairs of words (lower case) the texts write as one name, by ``WRITTEN_TOGETHER_SHARE``."""
    singles: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for text in texts:
        words = [word.lower() for word in _WORD.findall(text)]
        singles.update(words)
        pairs.update(pairwise(words))
    return frozenset(
        pair for pair, times in pairs.items()
        if times >= WRITTEN_TOGETHER_TIMES and times >= WRITTEN_TOGETHER_SHARE * singles[pair[0]] and not STOPWORDS & set(pair)
    )


def meaningful_words(text: str) -> list[str]:
    """The words of a text worth looking up by meaning, lower case, each once: English words of
    MIN_LETTERS or more that are not stopwords or contractions ("aren't")."""
    found = (word.lower() for word in _WORD.findall(text))
    return list(dict.fromkeys(w for w in found if len(w) >= MIN_LETTERS and w.isalpha() and w not in STOPWORDS and is_english_word(w)))


def build(texts: Iterable[str], embed: Callable[[list[str]], np.ndarray], previous: CorpusWords = NO_WORDS) -> CorpusWords:
    """Every meaningful word of ``texts`` with its vector; words ``previous`` has keep theirs."""
    words = sorted({word for text in texts for word in meaningful_words(text)})
    known = {word: i for i, word in enumerate(previous.words)}
    missing = [word for word in words if word not in known]
    new = dict(zip(missing, _unit(embed(missing)))) if missing else {}
    rows = [previous.vectors[known[word]] if word in known else new[word] for word in words]
    return CorpusWords(tuple(words), np.vstack(rows).astype(np.float32) if rows else NO_WORDS.vectors)


def save(corpus_words: CorpusWords, build_dir: Path) -> None:
    (build_dir / WORDS_FILE).write_text(json.dumps(list(corpus_words.words)), encoding="utf-8")
    np.save(build_dir / VECTORS_FILE, corpus_words.vectors)


def load(build_dir: Path, dimension: int) -> CorpusWords:
    """The build's corpus words; none for a build made before they were stored, or whose vectors are
    not the model's (answers then use the question's own words only)."""
    try:
        words = tuple(json.loads((build_dir / WORDS_FILE).read_text(encoding="utf-8")))
        vectors = np.load(build_dir / VECTORS_FILE)
    except (OSError, ValueError):
        return NO_WORDS
    fits = vectors.ndim == 2 and len(words) == len(vectors) and vectors.shape[1] == dimension
    return CorpusWords(words, vectors) if fits else NO_WORDS


def _mean_direction(vectors: list[np.ndarray]) -> np.ndarray | None:
    """The unit vector of the vectors' mean; None for no vectors."""
    if not vectors:
        return None
    mean = np.mean(vectors, axis=0)
    return mean / (np.linalg.norm(mean) or 1.0)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms
