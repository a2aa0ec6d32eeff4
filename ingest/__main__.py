"""``python -m ingest [CORPUS_DIR] [--index DIR]``: build or refresh the knowledge base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings
from ingest.build import NothingToIngest, ingest_corpus


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=settings.corpus_dir, help="folder of PDFs (default: %(default)s)")
    parser.add_argument("--index", type=Path, default=settings.kb_dir, help="knowledge base folder (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        report = ingest_corpus(args.corpus, args.index, show_progress=sys.stderr.isatty())
    except NothingToIngest as exc:
        print(exc, file=sys.stderr)
        return 2
    print(report.summary())
    return 1 if report.skipped else 0


if __name__ == "__main__":
    sys.exit(main())
