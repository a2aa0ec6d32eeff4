"""Benchmark: how long embedding one question takes, on one torch thread or two, idle and with a core busy.

    python benchmarks/query_embedding.py [--repeats 90]

Every answer embeds its question first, so this is the floor of answer latency.
``index.embedder`` embeds small batches on one thread; this prints what that
choice is worth beside torch's default, with the machine idle and with another
process spinning on one core (as when a second bot replica, an ingest or a test
run shares the machine). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index import embedder as embedding

QUESTIONS = (
    "how many EV charging points has SWFT got",
    "what is the ICS carbon footprint in 2020/21?",
    "who leads the water actions?",
)


def measure(model: embedding.Embedder, repeats: int) -> tuple[float, float]:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        model.embed_one(QUESTIONS[i % len(QUESTIONS)])
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=90)
    args = parser.parse_args()
    model = embedding.Embedder()
    model.embed_one("warm up")
    shipped = embedding.SINGLE_THREAD_BATCH
    for load in ("idle", "one core busy"):
        spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if load != "idle" else None
        try:
            for label, single in (("one thread (shipped)", shipped), ("torch default threads", 0)):
                embedding.SINGLE_THREAD_BATCH = single
                p50, p95 = measure(model, args.repeats)
                print(f"{load:<14} {label:<22} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms", flush=True)
        finally:
            embedding.SINGLE_THREAD_BATCH = shipped
            if spinner is not None:
                spinner.kill()
                spinner.wait()


if __name__ == "__main__":
    main()
