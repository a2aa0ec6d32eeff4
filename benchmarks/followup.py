"""Benchmark: what resolving a follow-up adds to a message's latency.

    python benchmarks/followup.py [--index kb] [--dialogues eval/dialogues.jsonl] [--rounds 50]

Every turn of every dialogue is resolved against the turns before it (gold
histories: the questions and their evidence), the way a channel does before
answering: the resolver's reading (word lists, the action table's reading of a
narrowing fragment) and a memory-store load and save. Answering itself is not
timed; it is the same with or without a conversation. Prints figures; asserts
nothing (times depend on the machine and its load). The target is a p95 of at
most 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.conversation_store import MemoryStore
from bot.dialogue_eval import gold_history, load_dialogues
from bot.follow_answers import FollowUpAnswerer
from bot.followup import remember
from bot.runtime import load_service
from index.config import Settings


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=Settings.from_env().kb_dir)
    parser.add_argument("--dialogues", type=Path, default=Path("eval/dialogues.jsonl"))
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()

    service = load_service(Settings(kb_dir=args.index))
    followups = FollowUpAnswerer(service)
    store = MemoryStore()
    cases = [
        (dialogue.turns[upto].question, gold_history(dialogue, upto))
        for dialogue in load_dialogues(args.dialogues)
        for upto in range(1, len(dialogue.turns))
    ]
    resolve_ms: list[float] = []
    round_trip_ms: list[float] = []
    for _ in range(args.rounds):
        for n, (message, history) in enumerate(cases):
            key = f"bench:{n}"
            await store.save(key, history)
            started = time.perf_counter()
            loaded = await store.load(key)
            resolution = followups.resolve(message, loaded)
            resolved = time.perf_counter()
            await store.save(key, remember(loaded, loaded[-1]))
            finished = time.perf_counter()
            resolve_ms.append((resolved - started) * 1000)
            round_trip_ms.append((finished - started) * 1000)
            assert resolution.question
    print(f"{len(cases)} follow-up turns x {args.rounds} rounds")
    for name, values in (("resolve (load + read)", resolve_ms), ("with the save", round_trip_ms)):
        p50 = statistics.median(values)
        p95 = statistics.quantiles(values, n=20)[-1]
        print(f"{name:<24} p50 {p50:6.3f} ms   p95 {p95:6.3f} ms   max {max(values):6.3f} ms")


if __name__ == "__main__":
    asyncio.run(main())
