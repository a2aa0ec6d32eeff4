"""Benchmark: how start-up and a knowledge-base swap grow with the corpus.

    python benchmarks/startup_scale.py [--copies 10]

Builds a corpus of COPIES copies of the bundled PDFs (each under its own name, so each is a document of
its own), ingests it, then times what a server does at start and at a swap once the model is loaded:
loading the build and building the answering service. It does so with the search statistics ingest
stored in the build, and again with them removed (computed at start, as before they were stored).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.answering import AnsweringService  # noqa: E402
from index import store  # noqa: E402
from index.embedder import Embedder  # noqa: E402
from index.search import STATISTICS_FILE  # noqa: E402
from ingest.build import ingest_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    embedder = Embedder()
    with tempfile.TemporaryDirectory() as folder:
        corpus, kb_dir = Path(folder) / "corpus", Path(folder) / "kb"
        corpus.mkdir()
        for copy in range(args.copies):
            for pdf in sorted((REPO / "corpus" / "pdf").glob("*.pdf")):
                shutil.copy(pdf, corpus / f"{pdf.stem}-copy{copy}.pdf")
        started = time.perf_counter()
        report = ingest_corpus(corpus, kb_dir, lambda: embedder)
        print(f"ingest of {report.files} PDFs: {time.perf_counter() - started:.0f} s ({report.chunks} chunks)")
        print(f"start-up / swap with stored statistics:   {_start(kb_dir, embedder):.2f} s")
        (store.current_build(kb_dir) / STATISTICS_FILE).unlink()
        print(f"start-up / swap computing them at start:  {_start(kb_dir, embedder):.2f} s")


def _start(kb_dir: Path, embedder: Embedder) -> float:
    started = time.perf_counter()
    AnsweringService(store.load(kb_dir, embedder.name, embedder.dimension), embedder)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
