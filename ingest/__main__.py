"""Build or refresh the knowledge base, and exchange the action table with leads.

    python -m ingest [CORPUS_DIR] [--index DIR]
    python -m ingest actions --export FILE.csv|FILE.xlsx [--index DIR]
    python -m ingest actions --import FILE.csv [--index DIR]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from index import actions_store, store
from index.config import ConfigurationError, Settings
from index.files import reason_of, why_not_a_folder, why_unwritable
from ingest.build import NothingToIngest, ingest_corpus
from ingest.catalog import CatalogError


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        settings = Settings.from_env()
    except ConfigurationError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    if argv[:1] == ["actions"]:
        return _actions(argv[1:], settings)
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=settings.corpus_dir, help="folder of PDFs (default: %(default)s)")
    parser.add_argument("--index", type=Path, default=settings.kb_dir, help="knowledge base folder (default: %(default)s)")
    args = parser.parse_args(argv)
    if problem := why_not_a_folder(args.index):  # said before the build, not after it
        print(f"Cannot use {args.index} as the knowledge base folder: {problem}. Nothing was changed.", file=sys.stderr)
        return 2
    from index.embedder import quiet_libraries

    quiet_libraries()
    try:
        report = ingest_corpus(args.corpus, args.index, show_progress=sys.stderr.isatty())
    except (NothingToIngest, CatalogError) as exc:
        print(f"{exc}. Nothing was changed." if isinstance(exc, CatalogError) else exc, file=sys.stderr)
        return 2
    except OSError as exc:
        # A read-only, full or mistaken --index (a file): the build in use stays, as an interrupted ingest leaves it.
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"Ingest failed: {exc.strerror or exc}{where}. The knowledge base in use is unchanged.", file=sys.stderr)
        return 1
    print(report.summary())
    return 1 if report.skipped else 0


def _actions(argv: list[str], settings: Settings) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest actions", description="Export the action table, or import leads' corrections.")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--export", type=Path, metavar="FILE.csv|FILE.xlsx", help="write the table (with corrections applied) as CSV or an Excel workbook"
    )
    which.add_argument("--import", dest="import_file", type=Path, metavar="FILE.csv", help="load corrections; kept across re-ingests")
    parser.add_argument("--index", type=Path, default=settings.kb_dir, help="knowledge base folder (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.export and args.export.suffix.lower() not in (".csv", ".xlsx"):
        parser.error("--export needs a file name ending in .csv or .xlsx")
    if args.export and (problem := why_unwritable(args.export)):  # an attack review: these had been tracebacks
        print(f"Cannot write {args.export}: {problem}.", file=sys.stderr)
        return 2
    try:
        database = store.database_path(args.index)
    except store.KnowledgeBaseError as exc:
        print(exc, file=sys.stderr)
        return 2
    with sqlite3.connect(database) as conn:
        if args.export:
            export = actions_store.export_xlsx if args.export.suffix.lower() == ".xlsx" else actions_store.export_csv
            try:
                export(conn, args.export)
            except OSError as exc:
                print(f"Cannot write {args.export}: {reason_of(exc)}.", file=sys.stderr)
                return 2
            print(f"Wrote {len(actions_store.load_actions(conn))} actions to {args.export}")
            return 0
        try:
            report = actions_store.import_csv(conn, args.import_file)
        except actions_store.MalformedCsv as exc:
            print(f"{args.import_file}: {exc}. Nothing was changed.", file=sys.stderr)
            return 2
        except OSError as exc:  # an attack review: a file that is not there had been a traceback
            print(f"Cannot read {args.import_file}: {reason_of(exc)}. Nothing was changed.", file=sys.stderr)
            return 2
    print(f"Imported {args.import_file}: {report.changed} rows changed, {report.unchanged} unchanged.")
    for row in report.unmatched:
        print(f"  line {row.line}: no action {row.source} / {row.theme} / {row.number} any more; ignored", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
