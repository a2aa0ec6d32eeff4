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
import math
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import bm25s
import faiss
import numpy as np

from bot.answering import Answer, AnsweringService, Citation
from index.embedder import TextEmbedder
from index.files import reason_of
from index.store import KnowledgeBase
from index.text import glued_parts, tokenize, without_whitespace

AnswerFn = Callable[[str], Answer]
# The baselines quote this much of each page or chunk they cite (the tutorial-style answers we compare with).
BASELINE_SNIPPET_CHARS = 200


@dataclass(frozen=True)
class Evidence:
    slug: str
    page: int
    snippet: str


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    gold_pages: frozenset[tuple[str, int]]
    must_include: tuple[str, ...]
    fold: int = 0
    category: str = ""
    type: str = ""
    evidence: tuple[Evidence, ...] = ()
    # Written for the subject gate (``eval/offtopic_questions.jsonl``): fitted on by the gate alone, and measured
    # apart from the shared questions.
    gate_only: bool = False

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
    glued_words: float
    mean_citations: float
    median_answer_chars: float
    latency_p50_ms: float
    latency_p95_ms: float

    def row(self, name: str) -> str:
        return (
            f"{name:<22} {self.citation_hit:>6.2f} {self.must_include:>6.2f} {self.unanswerable_abstained:>6.2f} "
            f"{self.answerable_abstained:>6.2f} {self.quote_faithfulness:>6.2f} {self.glued_words:>6.2f} {self.mean_citations:>6.2f} "
            f"{self.median_answer_chars:>7.0f} {self.latency_p50_ms:>7.1f} {self.latency_p95_ms:>7.1f}"
        )


HEADER = f"{'system':<22} {'cite':>6} {'must':>6} {'unans':>6} {'wrong':>6} {'faith':>6} {'glued':>6} {'ncite':>6} {'chars':>7} {'p50ms':>7} {'p95ms':>7}"


def load_questions(path: Path) -> list[EvalQuestion]:
    """The questions of a JSONL file; ``EvalFileError`` names the line of the first that cannot be read."""
    return read_jsonl(path, _question, "questions")


def _question(item: dict) -> EvalQuestion:
    evidence = tuple(Evidence(e["slug"], whole_number(e["page"], "page"), e.get("snippet", "")) for e in item.get("evidence", []))
    return EvalQuestion(
        id=item["id"],
        question=item["question"],
        gold_pages=frozenset((e.slug, e.page) for e in evidence),
        must_include=tuple(item.get("must_include", [])),
        fold=whole_number(item.get("fold", 0), "fold"),
        category=item.get("category", ""),
        type=item.get("type", ""),
        evidence=evidence,
        gate_only=bool(item.get("gate_only", False)),
    )


class EvalFileError(ValueError):
    """A file of eval questions or dialogues that cannot be used, said in one line: the file, the line, what is wrong."""


_Item = TypeVar("_Item")


def read_jsonl(path: Path, build: Callable[[dict], _Item], what: str) -> list[_Item]:
    """Each non-blank line of ``path``, a JSON object, as ``build`` makes it; ``EvalFileError`` for a file with none.

    An attack review: a missing file, a folder, a line that is not JSON, a missing "id" or a page of "x" had been
    tracebacks after the model loaded; ``build`` raises KeyError for a missing field, ValueError or TypeError for a bad one.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"Cannot read {path}: {reason_of(exc)}.") from None
    built = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise EvalFileError(f"{path}, line {number}: not valid JSON ({getattr(exc, 'msg', 'nested too deeply')}).") from None
        if not isinstance(item, dict):
            raise EvalFileError(f"{path}, line {number}: not a JSON object.")
        try:
            built.append(build(item))
        except KeyError as missing:
            raise EvalFileError(f'{path}, line {number}: no "{missing.args[0]}".') from None
        except (ValueError, TypeError, AttributeError) as exc:
            raise EvalFileError(f"{path}, line {number}: {exc}.") from None
    if not built:
        raise EvalFileError(f"{path}: no {what} in it.")
    return built


def whole_number(value: object, name: str) -> int:
    """``value`` if it is a whole number: ``int()`` had read a page of 2.5 as 2, and "x" as a traceback."""
    if isinstance(value, str) and value.strip().isdigit():  # "12", as the files written before this check may say it
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f'"{name}" is not a whole number: {json.dumps(value)}')
    return value


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
        "glued": has_glued_words(answer.text),
        "answer": answer.text,
    }


def quote_is_verbatim(citation: Citation, kb: KnowledgeBase) -> bool:
    """The quote stands on its cited page, white space aside (glued words are given their spaces back)."""
    if citation.slug not in kb.by_slug or not 1 <= citation.page <= len(kb.by_slug[citation.slug].pages):
        return False
    return without_whitespace(citation.quote) in without_whitespace(kb.page_text(citation.slug, citation.page))


def has_glued_words(text: str) -> bool:
    """Words the PDF text layer ran together and ingest left so: a lower-case run that reads as English
    words with a glue word at either end ("andmonitoring", "emissionsfrom"), by ingest's own rule."""
    return any(glued_parts(run) for run in _LOWER_RUN.findall(text))


_LOWER_RUN = re.compile(r"(?<![A-Za-z])[a-z]{6,}(?![A-Za-z])")


# The measures that are a share of the answerable or of the unanswerable questions, and the result field each counts:
# what ``Scores`` reports and what ``interval`` and ``compare`` resample.
_MEASURES: dict[str, tuple[bool, str]] = {
    "cite": (True, "cited_gold"),
    "must": (True, "has_all"),
    "unans": (False, "abstained"),
    "wrong": (True, "abstained"),
}


# The result fields those measures read: what `eval --details` must write for ``compare`` to read it.
RESULT_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(field_name for _, field_name in _MEASURES.values()))


def _aggregate(details: list[dict], latencies: list[float]) -> Scores:
    answered = [d for d in details if not d["abstained"]]
    quotes = [ok for d in details for ok in d["faithful"]]
    return Scores(
        citation_hit=_measured(details, "cite"),
        must_include=_measured(details, "must"),
        unanswerable_abstained=_measured(details, "unans"),
        answerable_abstained=_measured(details, "wrong"),
        quote_faithfulness=sum(quotes) / len(quotes) if quotes else 1.0,
        glued_words=_share(answered, lambda d: d["glued"]),
        mean_citations=statistics.mean(d["citations"] for d in answered) if answered else 0.0,
        median_answer_chars=statistics.median(d["chars"] for d in answered) if answered else 0.0,
        latency_p50_ms=_percentile(latencies, 50),
        latency_p95_ms=_percentile(latencies, 95),
    )


def _share(items: list[dict], test: Callable[[dict], bool]) -> float:
    return sum(1 for d in items if test(d)) / len(items) if items else 0.0


def _percentile(values: list[float], percent: float) -> float:
    return float(np.percentile(values, percent)) if values else 0.0


# -- is a change more than noise? -------------------------------------------------

# Resamples of the questions for the 95% intervals below. Set by hand: enough for the second decimal to settle.
BOOTSTRAP_RESAMPLES = 2000


# A change is marked as more than chance below this p-value of the exact sign test (McNemar's) on the
# questions whose outcome moved. The usual 5%, with no correction for the four measures tested at once.
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Change:
    """A measure before and after a change: the 95% interval of the difference over resampled questions,
    and the p-value of the exact sign test on the questions that moved, which the mark follows (the
    bootstrap is too generous when only a few questions move: four the same way give [+0.00, +0.04])."""

    measure: str
    before: float
    after: float
    low: float
    high: float
    p_value: float

    def row(self) -> str:
        sign = "  *" if self.p_value < SIGNIFICANCE else ""
        return f"{self.measure:<6} {self.before:>6.2f} {self.after:>6.2f} {self.after - self.before:>+7.2f}   [{self.low:+.2f}, {self.high:+.2f}]{sign}"


def interval(details: list[dict], measure: str, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0) -> tuple[float, float]:
    """The 95% interval of a measure (``_MEASURES``) over questions resampled with replacement."""
    values = _outcomes(details, measure)
    if not len(values):
        return 0.0, 0.0
    means = np.random.default_rng(seed).choice(values, size=(resamples, len(values))).mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def compare(before: list[dict], after: list[dict], resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0) -> list[Change]:
    """Each measure before and after, on the questions both sets of results hold, with the interval of
    the difference from resampling those questions in pairs (the same question on both sides)."""
    paired = pairs(before, after)
    rng = np.random.default_rng(seed)
    changes = []
    for measure in _MEASURES:
        x = _outcomes([b for b, _ in paired], measure)
        y = _outcomes([a for _, a in paired], measure)
        if not len(x):
            continue
        picks = rng.integers(0, len(x), size=(resamples, len(x)))
        differences = (y[picks] - x[picks]).mean(axis=1)
        gained, lost = int(((y == 1) & (x == 0)).sum()), int(((y == 0) & (x == 1)).sum())
        changes.append(
            Change(measure, float(x.mean()), float(y.mean()), float(np.percentile(differences, 2.5)), float(np.percentile(differences, 97.5)), sign_test(gained, lost))
        )
    return changes


def pairs(before: list[dict], after: list[dict]) -> list[tuple[dict, dict]]:
    """Each question's results before and after, for the questions both sets hold, in ``before``'s order."""
    after_by_id = {d["id"]: d for d in after}
    return [(d, after_by_id[d["id"]]) for d in before if d["id"] in after_by_id]


def sign_test(gained: int, lost: int) -> float:
    """The two-sided p-value of ``gained`` questions against ``lost`` if either way were as likely."""
    moved = gained + lost
    if not moved:
        return 1.0
    tail = sum(math.comb(moved, k) for k in range(min(gained, lost) + 1)) / 2**moved
    return min(1.0, 2 * tail)


def _measured(details: list[dict], measure: str) -> float:
    """A measure's share (``_MEASURES``); 0 when no question is of its kind."""
    values = _outcomes(details, measure)
    return float(values.mean()) if len(values) else 0.0


def _outcomes(details: list[dict], measure: str) -> np.ndarray:
    answerable, field_name = _MEASURES[measure]
    return np.array([float(d[field_name]) for d in details if d["answerable"] == answerable])


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


def tutorial_baseline(kb: KnowledgeBase, embedder: TextEmbedder) -> AnswerFn:
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


# -- out-of-fold answering -------------------------------------------------------


class OutOfFold:
    """Answers each question with models fitted on the other folds only: the figures that count.

    Call it with a question as an ``AnswerFn``. The models the service ships with are set aside while
    it answers, and put back after.
    """

    def __init__(self, service: AnsweringService, questions: list[EvalQuestion]) -> None:
        from bot import training

        self.service = service
        self.data = training.collect(service, questions)
        self.fold_models = {
            fold: training.fit([d for d in self.data if d.question.fold != fold], f"folds other than {fold}")
            for fold in sorted({q.fold for q in questions})
        }
        self._fold_of = {q.question: q.fold for q in questions}

    def __call__(self, question: str) -> Answer:
        shipped = self.service.models
        self.service.models = self.fold_models[self._fold_of[question]]
        try:
            return self.service.answer(question)
        finally:
            self.service.models = shipped

    def ranked_page_recall(self) -> dict[int, float]:
        """Recall@k of a gold page among the first k pages in the order answering ranks them: hybrid
        search's candidates scored by the sentence ranker of the other folds, each page where its best
        sentence stands (the ranking that decides whether to answer; the quoted sentences may then come
        from a search adding words of like meaning, and a compound question's parts from their own)."""
        kb = self.service.kb
        answerable = [d for d in self.data if d.question.answerable]
        found = dict.fromkeys(RECALL_AT, 0)
        for d in answerable:
            logits = self.fold_models[d.question.fold].ranker.logits(d.candidates.features)
            pages: list[tuple[str, int]] = []
            for i in np.argsort(-logits, kind="stable"):
                slug, sentence = kb.sentences[int(d.candidates.sentence_ids[i])]
                if (slug, sentence.page) not in pages:
                    pages.append((slug, sentence.page))
            for k in RECALL_AT:
                found[k] += bool(d.question.gold_pages & set(pages[:k]))
        return {k: n / max(len(answerable), 1) for k, n in found.items()}


def out_of_fold(service: AnsweringService, questions: list[EvalQuestion]) -> OutOfFold:
    return OutOfFold(service, questions)


def scores_by_group(details: list[dict], latencies: list[float], questions: list[EvalQuestion]) -> dict[str, Scores]:
    """Scores overall, per category and per type (latency overall only)."""
    groups: dict[str, list[dict]] = {"all": details}
    for question, detail in zip(questions, details):
        groups.setdefault(f"category {question.category}", []).append(detail)
        groups.setdefault(f"type {question.type}", []).append(detail)
    return {name: _aggregate(items, latencies) for name, items in groups.items()}


def evaluate_with_latency(answer_fn: AnswerFn, questions: list[EvalQuestion], kb: KnowledgeBase) -> tuple[list[dict], list[float]]:
    details, latencies = [], []
    for question in questions:
        started = time.perf_counter()
        answer = answer_fn(question.question)
        latencies.append((time.perf_counter() - started) * 1000)
        details.append(_judge(question, answer, kb))
    return details, latencies


# -- retrieval on its own --------------------------------------------------------

RECALL_AT = (1, 3, 10)


def retrieval_recall(service: AnsweringService, questions: list[EvalQuestion]) -> dict[str, dict[int, float]]:
    """Recall@k of a gold page among the pages of the top k results, for each retriever."""
    searcher = service.searcher
    found: dict[str, dict[int, int]] = {name: dict.fromkeys(RECALL_AT, 0) for name in ("dense", "bm25", "fused", "page BM25")}
    answerable = [q for q in questions if q.answerable]
    for question in answerable:
        vector = service.query_vector(question.question)
        rankings = searcher.rankings(question.question, vector)
        pages = {name: [_chunk_page(service.kb, c) for c in ranking] for name, ranking in rankings.items()}
        page_scores = searcher.page_scores(searcher.query_tokens(question.question))
        pages["page BM25"] = sorted(page_scores, key=page_scores.__getitem__, reverse=True)
        for name, ranked in pages.items():
            for k in RECALL_AT:
                found[name][k] += bool(question.gold_pages & set(ranked[:k]))
    return {name: {k: n / max(len(answerable), 1) for k, n in counts.items()} for name, counts in found.items()}


def _chunk_page(kb: KnowledgeBase, chunk_id: int) -> tuple[str, int]:
    slug, chunk = kb.chunks[chunk_id]
    return slug, chunk.page
