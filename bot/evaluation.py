"""Measuring answer quality against gold evidence, beside two peer baselines.

Each system is a function from a question to an ``Answer``; the same
metrics are computed for all of them so the figures can be compared:

* citation hit: a gold (document, page) is among the citations
* must-include: every must-include string is in the answer or its quotes
* abstentions: unanswerable questions declined, answerable ones wrongly declined
* quote faithfulness: each quote occurs verbatim (spaces folded) on its cited page
* mean citations, median answer length, latency p50/p95
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import bm25s
import faiss
import numpy as np

from bot.answering import Answer, Citation
from index.embedder import Embedder
from index.text import tokenize
from index.store import KnowledgeBase
from ingest.cleaning import collapse_whitespace

AnswerFn = Callable[[str], Answer]
BASELINE_SNIPPET_CHARS = 200


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    gold_pages: frozenset[tuple[str, int]]
    must_include: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.gold_pages)


@dataclass(frozen=True)
class Scores:
    citation_hit: float
    must_include: float
    unanswerable_abstained: float
    answerable_abstained: float
    quote_faithfulness: float
    mean_citations: float
    median_answer_chars: float
    latency_p50_ms: float
    latency_p95_ms: float

    def row(self, name: str) -> str:
        return (
            f"{name:<22} {self.citation_hit:>6.2f} {self.must_include:>6.2f} {self.unanswerable_abstained:>6.2f} "
            f"{self.answerable_abstained:>6.2f} {self.quote_faithfulness:>6.2f} {self.mean_citations:>6.2f} "
            f"{self.median_answer_chars:>7.0f} {self.latency_p50_ms:>7.1f} {self.latency_p95_ms:>7.1f}"
        )


HEADER = f"{'system':<22} {'cite':>6} {'must':>6} {'unans':>6} {'wrong':>6} {'faith':>6} {'ncite':>6} {'chars':>7} {'p50ms':>7} {'p95ms':>7}"


def load_questions(path: Path) -> list[EvalQuestion]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            questions.append(
                EvalQuestion(
                    id=item["id"],
                    question=item["question"],
                    gold_pages=frozenset((e["slug"], int(e["page"])) for e in item.get("evidence", [])),
                    must_include=tuple(item.get("must_include", [])),
                )
            )
    return questions


def evaluate(answer_fn: AnswerFn, questions: list[EvalQuestion], kb: KnowledgeBase) -> tuple[Scores, list[dict]]:
    """Answer every question and score the answers; also return per-question details."""
    details = []
    latencies = []
    for question in questions:
        started = time.perf_counter()
        answer = answer_fn(question.question)
        latencies.append((time.perf_counter() - started) * 1000)
        details.append(_judge(question, answer, kb))
    return _aggregate(details, latencies), details


def _judge(question: EvalQuestion, answer: Answer, kb: KnowledgeBase) -> dict:
    haystack = " ".join([answer.text] + [c.quote for c in answer.citations]).lower()
    return {
        "id": question.id,
        "answerable": question.answerable,
        "abstained": answer.abstained,
        "cited_gold": any((c.slug, c.page) in question.gold_pages for c in answer.citations),
        "has_all": all(fact.lower() in haystack for fact in question.must_include),
        "faithful": [quote_is_verbatim(c, kb) for c in answer.citations],
        "citations": len(answer.citations),
        "chars": len(answer.text),
        "answer": answer.text,
    }


def quote_is_verbatim(citation: Citation, kb: KnowledgeBase) -> bool:
    if citation.slug not in kb.by_slug or not 1 <= citation.page <= len(kb.by_slug[citation.slug].pages):
        return False
    return collapse_whitespace(citation.quote) in collapse_whitespace(kb.page_text(citation.slug, citation.page))


def _aggregate(details: list[dict], latencies: list[float]) -> Scores:
    answerable = [d for d in details if d["answerable"]]
    unanswerable = [d for d in details if not d["answerable"]]
    answered = [d for d in details if not d["abstained"]]
    quotes = [ok for d in details for ok in d["faithful"]]
    return Scores(
        citation_hit=_share(answerable, lambda d: d["cited_gold"]),
        must_include=_share(answerable, lambda d: d["has_all"]),
        unanswerable_abstained=_share(unanswerable, lambda d: d["abstained"]),
        answerable_abstained=_share(answerable, lambda d: d["abstained"]),
        quote_faithfulness=sum(quotes) / len(quotes) if quotes else 1.0,
        mean_citations=statistics.mean(d["citations"] for d in answered) if answered else 0.0,
        median_answer_chars=statistics.median(d["chars"] for d in answered) if answered else 0.0,
        latency_p50_ms=_percentile(latencies, 50),
        latency_p95_ms=_percentile(latencies, 95),
    )


def _share(items: list[dict], test: Callable[[dict], bool]) -> float:
    return sum(1 for d in items if test(d)) / len(items) if items else 0.0


def _percentile(values: list[float], percent: float) -> float:
    return float(np.percentile(values, percent)) if values else 0.0


# -- peer baselines ------------------------------------------------------------


def page_bm25_baseline(kb: KnowledgeBase) -> AnswerFn:
    """BM25 over whole pages: the answer is the best page, citing the top three pages."""
    pages = [(d.record.slug, n, text) for d in kb.documents for n, text in enumerate(d.pages, 1)]
    retriever = bm25s.BM25()
    retriever.index([tokenize(text) for _, _, text in pages], show_progress=False)

    def answer(question: str) -> Answer:
        scores = retriever.get_scores(tokenize(question))
        top = [pages[i] for i in np.argsort(-scores)[:3]]
        return _baseline_answer(kb, top)

    return answer


def tutorial_baseline(kb: KnowledgeBase, embedder: Embedder) -> AnswerFn:
    """The common tutorial pipeline: 1000-character chunks, 200 overlap, same model, FAISS top 3."""
    chunks = [
        (d.record.slug, n, text[start : start + 1000])
        for d in kb.documents
        for n, text in enumerate(d.pages, 1)
        for start in range(0, max(len(text) - 200, 1), 800)
    ]
    index = faiss.IndexFlatIP(embedder.dimension)
    index.add(embedder.embed([text for _, _, text in chunks]))

    def answer(question: str) -> Answer:
        _, ids = index.search(embedder.embed([question]), 3)
        return _baseline_answer(kb, [chunks[i] for i in ids[0] if i >= 0])

    return answer


def _baseline_answer(kb: KnowledgeBase, passages: list[tuple[str, int, str]]) -> Answer:
    """The best passage is the answer; each citation quotes its passage's opening, as a search snippet does."""
    citations = [
        Citation(n, slug, kb.by_slug[slug].record.title, page, text.strip()[:BASELINE_SNIPPET_CHARS])
        for n, (slug, page, text) in enumerate(passages, 1)
    ]
    return Answer(text=passages[0][2] if passages else "", citations=citations, abstained=False)
