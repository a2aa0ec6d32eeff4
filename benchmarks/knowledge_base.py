"""Benchmark: ingest from scratch, unchanged re-ingest, warm answer latency, peak memory.

    python benchmarks/knowledge_base.py [--corpus corpus] [--questions eval/questions.jsonl]

Prints figures; asserts nothing (times depend on the machine and its load).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.answering import AnsweringService  # noqa: E402
from index import store  # noqa: E402
from index.embedder import Embedder  # noqa: E402
from ingest.build import ingest_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--questions", type=Path, default=REPO / "eval" / "questions.jsonl")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions for latency")
    args = parser.parse_args()

    started = time.perf_counter()
    embedder = Embedder()
    print(f"model load:               {time.perf_counter() - started:6.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        kb_dir = Path(tmp) / "kb"
        scratch = ingest_corpus(args.corpus, kb_dir, lambda: embedder)
        print(f"ingest from scratch:      {scratch.seconds:6.2f} s  ({scratch.files} files, {scratch.pages} pages, {scratch.chunks} chunks)")
        again = ingest_corpus(args.corpus, kb_dir, lambda: embedder)
        print(f"unchanged re-ingest:      {again.seconds:6.2f} s  ({again.reused} files reused)")

        started = time.perf_counter()
        service = AnsweringService(store.load(kb_dir, embedder.name, embedder.dimension), embedder)
        print(f"knowledge base load:      {time.perf_counter() - started:6.2f} s")
        questions = [json.loads(line)["question"] for line in args.questions.read_text().splitlines() if line.strip()]
        service.answer(questions[0])  # warm-up
        latencies = []
        for _ in range(args.rounds):
            for question in questions:
                t = time.perf_counter()
                service.answer(question)
                latencies.append((time.perf_counter() - t) * 1000)
        print(
            f"warm answer latency:      p50 {np.percentile(latencies, 50):.1f} ms, p95 {np.percentile(latencies, 95):.1f} ms "
            f"({len(latencies)} answers)"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS):        {peak_mb:6.0f} MB")


if __name__ == "__main__":
    main()
