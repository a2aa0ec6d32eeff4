"""A lock per key (a conversation, a connector's conversation), kept only while something holds or waits for it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass
class _Kept:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # wakes its waiters in order: first come, first served
    users: int = 0  # holding or waiting for the lock; the lock is dropped at 0


class KeyedLocks(Generic[K]):
    """One ``asyncio.Lock`` per key, so memory stays flat however many keys come and go: a quiet key keeps no lock."""

    def __init__(self) -> None:
        self._kept: dict[K, _Kept] = {}

    @asynccontextmanager
    async def held(self, key: K, timeout: float | None = None) -> AsyncIterator[None]:
        """Hold ``key``'s lock; TimeoutError if it is not free within ``timeout`` seconds (None: wait as long as it takes)."""
        kept = self._kept.setdefault(key, _Kept())
        kept.users += 1
        try:
            async with asyncio.timeout(timeout):
                await kept.lock.acquire()
            try:
                yield
            finally:
                kept.lock.release()
        finally:
            kept.users -= 1
            if not kept.users:
                del self._kept[key]
