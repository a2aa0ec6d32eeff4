"""Where a conversation's recent turns live between messages.

A conversation is a Teams conversation (a reply chain in a channel has its own
id, with ``;messageid=``), a Telegram chat or a terminal session. Its state is
the last few ``Turn``s (``bot.followup``): small, and forgotten after a while
idle (``CONVERSATION_IDLE_MINUTES``, 30 by default) so that tomorrow's "and
what about GEH?" is not read against today's question.

Two stores behind one small interface: in-process memory (the default, for one
process), and Redis when ``REDIS_URL`` is set, so that several replicas behind
one Bot Framework endpoint share their conversations. Nothing of a
conversation is logged by either.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Protocol

from bot.followup import Turn

# A conversation idle this long is forgotten (a follow-up then reads as a new question); the
# servers take it from CONVERSATION_IDLE_MINUTES. Set by hand: a chat picked up after half an hour
# is rarely about the same thing.
DEFAULT_IDLE_SECONDS = 30 * 60
KEY_PREFIX = "ics-bot:conversation:"


class ConversationStore(Protocol):
    """The recent turns of each conversation, by key; a key idle longer than the store's limit reads as empty."""

    async def load(self, key: str) -> tuple[Turn, ...]: ...

    async def save(self, key: str, turns: tuple[Turn, ...]) -> None: ...

    async def clear(self, key: str) -> None: ...


class MemoryStore:
    """Conversations in this process's memory; expired ones are dropped as they are met, and on each save."""

    def __init__(self, idle_seconds: float = DEFAULT_IDLE_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._turns: dict[str, tuple[float, tuple[Turn, ...]]] = {}

    async def load(self, key: str) -> tuple[Turn, ...]:
        stored = self._turns.get(key)
        if stored is None:
            return ()
        saved_at, turns = stored
        if self.clock() - saved_at > self.idle_seconds:
            del self._turns[key]
            return ()
        return turns

    async def save(self, key: str, turns: tuple[Turn, ...]) -> None:
        now = self.clock()
        self._turns = {k: v for k, v in self._turns.items() if now - v[0] <= self.idle_seconds}
        self._turns[key] = (now, turns)

    async def clear(self, key: str) -> None:
        self._turns.pop(key, None)


class RedisStore:
    """Conversations in Redis, as JSON under one key each, expiring after ``idle_seconds`` without a save."""

    def __init__(self, url: str, idle_seconds: float = DEFAULT_IDLE_SECONDS) -> None:
        from redis import asyncio as aioredis

        self.idle_seconds = idle_seconds
        self.redis = aioredis.from_url(url, decode_responses=True)

    async def load(self, key: str) -> tuple[Turn, ...]:
        raw = await self.redis.get(KEY_PREFIX + key)
        if raw is None:
            return ()
        return tuple(Turn.from_json(item) for item in json.loads(raw))

    async def save(self, key: str, turns: tuple[Turn, ...]) -> None:
        value = json.dumps([turn.as_json() for turn in turns], ensure_ascii=False)
        await self.redis.set(KEY_PREFIX + key, value, px=max(1, int(self.idle_seconds * 1000)))

    async def clear(self, key: str) -> None:
        await self.redis.delete(KEY_PREFIX + key)

    async def close(self) -> None:
        await self.redis.aclose()


def make_store(redis_url: str = "", idle_seconds: float = DEFAULT_IDLE_SECONDS) -> ConversationStore:
    """Redis when a URL is given (several replicas share conversations), memory otherwise."""
    return RedisStore(redis_url, idle_seconds) if redis_url else MemoryStore(idle_seconds)
