"""A real redis-server for the tests that keep conversations in Redis."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import asyncio as aioredis

# A script that keeps Redis busy (it runs one command at a time) for ARGV[1] microseconds, by its own clock: what a slow
# command, a fork or a stalled disk does to every other client.
_BUSY = (
    "local t = redis.call('time') local start = t[1] * 1e6 + t[2] "
    "repeat local now = redis.call('time') until now[1] * 1e6 + now[2] - start > tonumber(ARGV[1]) return 1"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def redis_server(folder: Path, password: str | None = None) -> Iterator[str]:
    """A real redis-server on a free port of 127.0.0.1, without persistence; yields its URL, stops it after."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    port = free_port()
    options = ["--requirepass", password] if password else []
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://{f':{password}@' if password else ''}127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


async def keep_busy(url: str, seconds: float) -> None:
    """Keep the Redis at ``url`` from answering anyone for ``seconds`` (shorter than its busy-reply threshold, 5 s, after
    which it would answer BUSY), on a connection of its own; returns when Redis is free again."""
    busy = aioredis.from_url(url)
    try:
        await busy.eval(_BUSY, 0, round(seconds * 1e6))
    finally:
        await busy.aclose()
