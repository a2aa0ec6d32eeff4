"""Benchmark: how many of the facts a good briefing carries ours contain, and how long one takes.

    python benchmarks/briefings.py [--index kb] [--topics eval/topics.jsonl] [--rounds 3]

Each line of the topics file is {"id", "topic", "facts": [...]}; a fact counts as
contained when it appears (ignoring case) anywhere in the briefing's Markdown.
Time is per briefing with the model and knowledge base loaded and the writer
warmed up first (``warm_up`` embeds headings and actions once). Prints figures;
asserts nothing (times depend on the machine and its load).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.briefing import BriefingWriter, render_markdown  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.runtime import load_service  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=REPO / "kb", help="knowledge base folder (built from corpus/ if absent)")
    parser.add_argument("--topics", type=Path, default=REPO / "eval" / "topics.jsonl")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the topics for timing")
    args = parser.parse_args()

    settings = replace(Settings.from_env(), kb_dir=args.index, corpus_dir=REPO / "corpus")
    writer = BriefingWriter(load_service(settings))
    topics = [json.loads(line) for line in args.topics.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    writer.warm_up()
    print(f"warm-up (embeds headings and actions): {time.perf_counter() - started:.2f} s\n")

    found = total = 0
    seconds: list[float] = []
    for item in topics:
        markdown, elapsed = _timed(writer, item["topic"], args.rounds)
        seconds += elapsed
        present = [fact for fact in item["facts"] if fact.lower() in markdown.lower()]
        found, total = found + len(present), total + len(item["facts"])
        missing = ", ".join(fact for fact in item["facts"] if fact not in present) or "-"
        print(f"{item['id']:<5} {len(present)}/{len(item['facts'])}  {statistics.median(elapsed):5.2f} s  {item['topic']}  (missing: {missing})")
    print(f"\nfacts contained: {found}/{total} = {found / total:.2f} (target >= 0.7)")
    print(f"time per briefing (warm): median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s (target <= 1 s)")


def _timed(writer: BriefingWriter, topic: str, rounds: int) -> tuple[str, list[float]]:
    """The briefing's Markdown and the seconds each of ``rounds`` writes took."""
    elapsed = []
    for _ in range(rounds):
        started = time.perf_counter()
        markdown = render_markdown(writer.write(topic))
        elapsed.append(time.perf_counter() - started)
    return markdown, elapsed


if __name__ == "__main__":
    main()
