"""Hybrid retrieval over the knowledge base: dense (FAISS) plus lexical (BM25).

Staff type acronyms, figures and names ("GEH", "N2O", "£14.5m") that a small
dense model blurs, and paraphrases that BM25 cannot match; each list is
ranked separately and the two are fused by reciprocal rank.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass

import bm25s
import numpy as np

from index.store import KnowledgeBase
from ingest.chunking import retrieval_text

RRF_K = 60
CANDIDATES = 50

_FINANCIAL_YEAR = re.compile(r"\b(?:fy\s?)?(?:20)?(\d{2})\s?[/-]\s?(?:20)?(\d{2})\b|\b20(\d{2}) to 20(\d{2})\b")
_APOSTROPHE = re.compile(r"['’]s\b|['’]")
_TOKEN = re.compile(r"fy\d\d/\d\d|[£$]?\d+(?:[,.]\d+)*%?|[a-z][a-z0-9]*")
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers him his how i if in into is it its itself just me more most my no nor not of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why will with would you your
    yours isnt arent wasnt werent dont doesnt didnt whats whens wheres whos hows""".split()
)


def tokenize(text: str) -> list[str]:
    """Lower-cased words and figures, stopwords dropped, simple plurals folded.

    Financial years are written many ways ("20/21", "2020/21", "2020-21",
    "FY20/21", "2020 to 2021"); they all become one token, ``fy20/21``.
    """
    text = _FINANCIAL_YEAR.sub(_financial_year_token, _APOSTROPHE.sub("", text.lower()))
    return [
        _fold_plural(token)
        for token in _TOKEN.findall(text)
        if token not in STOPWORDS and (len(token) > 1 or token.isdigit())
    ]


def _financial_year_token(match: re.Match) -> str:
    start, end = [group for group in match.groups() if group is not None]
    return f" fy{start}/{end} " if int(end) == (int(start) + 1) % 100 else match.group(0)


def _fold_plural(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss") and token.isalpha():
        return token[:-1]
    return token


@dataclass(frozen=True)
class Filters:
    slugs: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    def allows(self, slug: str, kind: str) -> bool:
        return (not self.slugs or slug in self.slugs) and (not self.kinds or kind in self.kinds)


NO_FILTERS = Filters()


@dataclass(frozen=True)
class ChunkHit:
    chunk_id: int
    score: float  # fused reciprocal-rank score
    dense: float  # cosine similarity of the chunk to the query


class HybridSearcher:
    """Searches one loaded knowledge base; safe to share between threads once built."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._bm25 = bm25s.BM25()
        self._bm25.index([tokenize(self._lexical_text(i)) for i in range(len(kb.chunks))] or [[]], show_progress=False)
        self._sentence_document_frequency = Counter(
            token for _, sentence in kb.sentences for token in set(tokenize(sentence.text))
        )
        self._vocabulary_by_initial: dict[str, list[str]] = {}
        for word in self._sentence_document_frequency:
            self._vocabulary_by_initial.setdefault(word[:1], []).append(word)

    def search(self, query: str, query_vector: np.ndarray, k: int = 10, filters: Filters = NO_FILTERS) -> list[ChunkHit]:
        allowed = self._allowed_chunks(filters)
        if allowed is not None and not allowed.any():
            return []
        dense_scores = self._dense_scores(query_vector, allowed)
        dense_ranking = self._ranking(dense_scores, allowed)
        query_tokens = tokenize(query)
        lexical_ranking = (
            self._ranking(self._bm25.get_scores(query_tokens), allowed, positive_only=True) if query_tokens else []
        )
        fused: dict[int, float] = {}
        for ranking in (dense_ranking, lexical_ranking):
            for rank, chunk_id in enumerate(ranking):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
        best = sorted(fused, key=fused.__getitem__, reverse=True)[:k]
        return [ChunkHit(i, fused[i], float(dense_scores[i])) for i in best]

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

    def _lexical_text(self, chunk_id: int) -> str:
        slug, chunk = self.kb.chunks[chunk_id]
        return f"{self.kb.by_slug[slug].record.title}\n{retrieval_text(chunk)}"

    def _allowed_chunks(self, filters: Filters) -> np.ndarray | None:
        if filters == NO_FILTERS:
            return None
        return np.array(
            [filters.allows(slug, self.kb.by_slug[slug].record.kind) for slug, _ in self.kb.chunks], dtype=bool
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
