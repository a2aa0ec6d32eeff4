"""Benchmark: how many of the facts a good briefing carries ours contain, out of fold, and how long one takes.

    python benchmarks/briefings.py [--index kb] [--topics eval/topics.jsonl] [--rounds 3] [--fit]
    python benchmarks/briefings.py --topics eval/heldout_topics.jsonl --held-out

Each line of the topics file is {"id", "fold", "topic", "facts": [...]}; a fact
counts as contained when it appears (ignoring case and runs of white space)
anywhere in the briefing's Markdown.

Out of fold: for each fold, the selection model (bot/briefing/selection.py) is
fitted on the topics of the other four folds and the fold's own topics are
written with it; the coverage printed per fold and overall is of those
briefings, so no topic is measured with weights that saw it. ``--fit`` then fits
on all the topics and writes bot/briefing/selection_weights.json, the weights
the bot ships with.

Checks, on every out-of-fold briefing: every quote is verbatim on its cited page
(up to white space), no point is a caption or refers to a figure or to "above/below",
no two points say the same, the headline is one whole sentence.

Time is per briefing (gather, choose, render) with the model and knowledge base
loaded and the writer warmed up first. Prints figures; asserts nothing (times
depend on the machine and its load).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.briefing import BriefingWriter, render_markdown  # noqa: E402
from bot.briefing.clauses import refers_elsewhere  # noqa: E402
from bot.briefing.selection import carries_fact, fit, save_weights  # noqa: E402
from bot.briefing.writer import Briefing, Gathered  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.evaluation import quote_is_verbatim  # noqa: E402
from bot.runtime import load_service  # noqa: E402

TARGET = 0.75


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=REPO / "kb", help="knowledge base folder (built from corpus/ if absent)")
    parser.add_argument("--topics", type=Path, help="default: eval/topics.jsonl, or eval/heldout_topics.jsonl with --held-out")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the topics for timing")
    parser.add_argument("--fit", action="store_true", help="fit on all topics and write bot/briefing/selection_weights.json")
    parser.add_argument(
        "--held-out", action="store_true",
        help="topics kept apart (eval/heldout_topics.jsonl): written with the shipped weights, nothing fitted",
    )
    args = parser.parse_args()
    if args.fit and args.held_out:
        parser.error("--fit fits the shipped weights on the topics: not on a held-out set")
    args.topics = args.topics or REPO / "eval" / ("heldout_topics.jsonl" if args.held_out else "topics.jsonl")

    settings = replace(Settings.from_env(), kb_dir=args.index, corpus_dir=REPO / "corpus")
    started = time.perf_counter()
    writer = BriefingWriter(load_service(settings))
    writer.warm_up()
    print(f"start-up with warm-up (model, knowledge base, actions embedded, one briefing): {time.perf_counter() - started:.2f} s\n")
    topics = [json.loads(line) for line in args.topics.read_text(encoding="utf-8").splitlines() if line.strip()]

    seconds = {item["id"]: _timed(writer, item["topic"], args.rounds) for item in topics}
    gathered = {item["id"]: writer.gather(item["topic"]) for item in topics}
    # Held out: one "fold" of every topic, written with the shipped weights; else each fold with weights fitted on the others.
    folds = [None] if args.held_out else sorted({item["fold"] for item in topics})
    found = total = 0
    problems: list[str] = []
    for fold in folds:
        training = [item for item in topics if item["fold"] != fold]
        weights = writer.weights if fold is None else fit(*_examples(training, gathered), fitted_on=f"folds {','.join(str(f) for f in folds if f != fold)}")
        fold_found = fold_total = 0
        for item in (item for item in topics if fold is None or item["fold"] == fold):
            briefing = writer.compose(gathered[item["id"]], weights)
            markdown = " ".join(render_markdown(briefing).lower().split())
            present = [fact for fact in item["facts"] if " ".join(fact.lower().split()) in markdown]
            fold_found, fold_total = fold_found + len(present), fold_total + len(item["facts"])
            problems += [f"{item['id']}: {problem}" for problem in _problems(briefing, writer)]
            missing = ", ".join(fact for fact in item["facts"] if fact not in present) or "-"
            median = statistics.median(seconds[item["id"]])
            print(f"  {item['id']:<5} {len(present)}/{len(item['facts'])}  {median:5.2f} s  {item['topic']}  (missing: {missing})")
        if fold is not None:
            print(f"fold {fold}: {fold_found}/{fold_total} = {fold_found / fold_total:.2f}\n")
        found, total = found + fold_found, total + fold_total
    every = [s for elapsed in seconds.values() for s in elapsed]
    measured = "held-out (shipped weights)" if args.held_out else "out-of-fold"
    print(f"{measured} facts contained: {found}/{total} = {found / total:.2f} (target >= {TARGET})")
    print(f"checks (verbatim quotes, no captions or figure references, no duplicate points, whole-sentence headline): {len(problems)} problem(s)")
    for problem in problems:
        print(f"  {problem}")
    print(f"time per briefing (warm): median {statistics.median(every):.2f} s, max {max(every):.2f} s (target <= 1 s)")
    if args.fit:
        weights = fit(*_examples(topics, gathered), fitted_on=f"{args.topics.name}, all {len(topics)} topics")
        save_weights(weights)
        print(f"\nwrote the weights fitted on all {len(topics)} topics to bot/briefing/selection_weights.json")


def _examples(items: list[dict], gathered: dict[str, Gathered]) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate of the topics, labelled by whether it holds one of the topic's facts."""
    rows = np.vstack([gathered[item["id"]].rows for item in items])
    labels = np.array([carries_fact(c.text, item["facts"]) for item in items for c in gathered[item["id"]].candidates])
    return rows, labels


def _problems(briefing: Briefing, writer: BriefingWriter) -> list[str]:
    """What breaks the rules of a briefing: quotes off their page, captions, repeats, a cut headline."""
    found = [f"quote not on p. {c.page} of {c.slug}: {c.quote[:60]}" for c in briefing.citations if not quote_is_verbatim(c, writer.kb)]
    found += [f"caption or reference as a point: {p.text[:60]}" for p in briefing.points if refers_elsewhere(p.text)]
    found += [f"caption or reference as the headline: {briefing.headline[:60]}"] if refers_elsewhere(briefing.headline) else []
    flat = [" ".join(p.text.lower().split()) for p in briefing.points]
    found += [f"duplicate points: {a[:40]} / {b[:40]}" for a, b in combinations(flat, 2) if a in b or b in a]
    if not briefing.thin:
        quote = briefing.headline.rsplit(" [", 1)[0]
        if not any(quote == " ".join(c.quote.split()) or quote == c.quote for c in briefing.citations) or not quote.endswith((".", "!", "”", "’", '"', ")")):
            found.append(f"headline not a whole cited sentence: {briefing.headline[:60]}")
    return found


def _timed(writer: BriefingWriter, topic: str, rounds: int) -> list[float]:
    """The seconds each of ``rounds`` writes (gather, choose, render) took."""
    elapsed = []
    for _ in range(rounds):
        started = time.perf_counter()
        render_markdown(writer.write(topic))
        elapsed.append(time.perf_counter() - started)
    return elapsed


if __name__ == "__main__":
    main()
