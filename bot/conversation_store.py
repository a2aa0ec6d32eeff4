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

Remembering is a convenience, never a condition of answering: when Redis
cannot be reached, or a conversation's stored state cannot be read (written by
hand, or by a newer replica whose turns this one cannot read), the message is
answered as the first of its conversation. Each kind of failure is logged once
until Redis answers again, naming where Redis is (never its password) and never
what was said.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import logging
import time
import types
import typing
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from bot.action_query import ActionFilter, is_well_formed
from bot.answering import MAX_QUESTION_CHARS
from bot.followup import TURNS_KEPT, Turn

# A conversation idle this long is forgotten (a follow-up then reads as a new question); the
# servers take it from CONVERSATION_IDLE_MINUTES. Set by hand: a chat picked up after half an hour
# is rarely about the same thing.
DEFAULT_IDLE_SECONDS = 30 * 60
KEY_PREFIX = "ics-bot:conversation:"
# How long one Redis call may take before the message is answered without it. Set by hand: Redis answers
# in a millisecond or two on the same network; a second means it is down or unreachable.
REDIS_TIMEOUT_SECONDS = 1.0
_MAX_EXPIRY_MS = 2**62  # Redis refuses expiry times it cannot add to the clock
# A stored state longer than this is not read. Set by hand: a hundred times the longest seen, 8 KB after a listing paged
# twice with "more", a row asked about and its source; a state of 100,000 turns had taken seconds of the event loop to
# read (an attack review).
MAX_STORED_BYTES = 1_000_000
# The longest question, subject or word a stored turn may hold. A turn's question is the message as rewritten: up to
# MAX_QUESTION_CHARS as answering reads it, with the polite opening that reading drops ("Can you tell me ...") or what a
# pronoun stood for put in, so a message at the limit is still followed up. Set by hand.
MAX_TURN_TEXT_CHARS = 2 * MAX_QUESTION_CHARS

logger = logging.getLogger(__name__)
_Result = TypeVar("_Result")


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


def milliseconds(seconds: float) -> int:
    """A time for Redis's PX (whole milliseconds, at least one: PX 0 is an error)."""
    return max(1, round(seconds * 1000))


class RedisConnection:
    """A Redis client whose calls give up after ``timeout`` and never raise: a failure returns None and is logged once
    per kind until Redis answers again, naming where Redis is (never its password). Shared by a ``RedisStore`` and the
    conversations' lock (``bot.conversation_locks``), so Redis answering again is said once for both."""

    def __init__(self, url: str, timeout: float = REDIS_TIMEOUT_SECONDS) -> None:
        from redis import asyncio as aioredis

        self.timeout = timeout
        self.redis = aioredis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self.where = _redacted(url)
        self._failing: set[str] = set()  # the kinds of Redis failure logged since it last answered
        self._warned: set[str] = set()  # every kind of warning logged since then (a state it gave unreadable, say)

    async def call(self, doing: str, command: Callable[[], Awaitable[_Result]], meanwhile: str) -> _Result | None:
        """``command``'s result, or None when Redis failed it or took longer than the timeout; the warning then says
        what could not be done (``doing``: "read a conversation") and what happens ``meanwhile``."""
        from redis.exceptions import RedisError

        try:
            async with asyncio.timeout(self.timeout):  # the client's retries too: a message waits at most this long
                result = await command()
        except (RedisError, OSError, TimeoutError) as error:
            failure = f"{doing}:{type(error).__name__}"
            self._failing.add(failure)
            self.warn_once(failure, f"could not {doing} in Redis at {self.where} ({type(error).__name__}); {meanwhile} until it answers")
            return None
        if self._failing:
            logger.info("Redis at %s answers again", self.where)
            self._failing.clear()
            self._warned.clear()
        return result

    def warn_once(self, kind: str, message: str) -> None:
        """Log ``message``, unless a warning of its ``kind`` was logged since Redis last failed and answered again."""
        if kind not in self._warned:
            self._warned.add(kind)
            logger.warning("Conversation store: %s", message)

    async def close(self) -> None:
        await self.redis.aclose()


class RedisStore:
    """Conversations in Redis, as JSON under one key each, expiring after ``idle_seconds`` without a save.

    Never raises for Redis being down or a stored value it cannot read: a load then finds nothing, a save
    or clear is skipped, and a warning is logged once per kind of failure (see the module's docstring).
    """

    def __init__(self, url: str, idle_seconds: float = DEFAULT_IDLE_SECONDS, timeout: float = REDIS_TIMEOUT_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self.connection = RedisConnection(url, timeout)
        self.redis = self.connection.redis

    async def load(self, key: str) -> tuple[Turn, ...]:
        raw = await self._call("read", lambda: self._read(KEY_PREFIX + key))
        if raw is None:
            return ()
        try:
            if len(raw) > MAX_STORED_BYTES:
                raise ValueError("longer than any conversation's state")
            items = json.loads(raw)
            if not isinstance(items, list):
                raise TypeError(type(items).__name__)
            # Only the turns this version keeps are read: a state of 100,000 turns reads as its last few, at once.
            turns = tuple(Turn.from_json(item) for item in items[-TURNS_KEPT:])
            if not all(_fits(turn, Turn) for turn in turns):
                raise TypeError("a field of the wrong type")
            if not all(_holds_readable_values(turn) for turn in turns):
                raise ValueError("a value no turn holds")
            return turns
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError, OverflowError) as error:
            # Not JSON, or not turns this version knows (a newer replica's fields or values; a count of Infinity, which
            # int() overflows on): a conversation without context.
            self.connection.warn_once("unreadable", f"a conversation's stored state could not be read ({type(error).__name__}); "
                                      "it is answered as a new conversation")
            return ()

    async def _read(self, full_key: str) -> bytes | None:
        """The value stored under ``full_key``, or None when there is none. Of a value longer than MAX_STORED_BYTES only
        its first MAX_STORED_BYTES + 1 bytes cross the wire, enough to tell that it is too long: an attack review found a
        value of any size fetched whole before it was refused. GETRANGE reads a missing key as an empty value, which no
        state is (``save`` writes a JSON list): one command, which a Redis user limited to the commands the README names
        may run (a review: a transaction with EXISTS had lost every conversation under such a user)."""
        head = await self.redis.getrange(full_key, 0, MAX_STORED_BYTES)
        head = head.encode() if isinstance(head, str) else head  # bytes, as this client does not decode; typed as either
        return head or None

    async def save(self, key: str, turns: tuple[Turn, ...]) -> None:
        value = json.dumps([turn.as_json() for turn in turns], ensure_ascii=False)
        expiry = min(max(1, int(self.idle_seconds * 1000)), _MAX_EXPIRY_MS)
        await self._call("write", lambda: self.redis.set(KEY_PREFIX + key, value, px=expiry))

    async def clear(self, key: str) -> None:
        await self._call("clear", lambda: self.redis.delete(KEY_PREFIX + key))

    async def close(self) -> None:
        await self.connection.close()

    async def _call(self, kind: str, command: Callable[[], Awaitable[_Result]]) -> _Result | None:
        """``command``'s result, or None when Redis failed it or took longer than the timeout."""
        return await self.connection.call(f"{kind} a conversation", command, "messages are answered without their conversation")


def _fits(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the type ``hint`` names (str, int, a union, a tuple of, a dataclass of them):
    ``Turn.from_json`` takes what a stored turn holds as it is, and a "question" of 5 would fail later."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    if origin is tuple:
        return isinstance(value, tuple) and all(_fits(item, typing.get_args(hint)[0]) for item in value)
    if hint is type(None):
        return value is None
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return isinstance(value, hint) and all(_fits(getattr(value, name), field) for name, field in _hints(hint).items())
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return not isinstance(hint, type) or isinstance(value, hint)


def _holds_readable_values(turn: Turn) -> bool:
    """Whether a turn of the right types (``_fits``) also holds values the follow-ups read without failing: a listing's
    filter as a question makes it (``is_well_formed``), counts and places of rows not below 0, cited pages from 1, and
    no text longer than a turn's. An attack review: a listing stored with the status "bogus" or the due "<=zzz" (by a
    newer replica, say) made every "more" fail with "Sorry, something went wrong" until the conversation expired."""
    texts = (turn.question, turn.inserted, turn.subject, *turn.said, *_words_of(turn.action_filter))
    return (
        all(len(text) <= MAX_TURN_TEXT_CHARS for text in texts)
        and turn.rows_shown >= 0
        and (turn.row is None or turn.row >= 0)
        and all(passage.slug and passage.page >= 1 for passage in turn.citations)
        and (turn.action_filter is None or is_well_formed(turn.action_filter))
    )


def _words_of(action_filter: ActionFilter | None) -> list[str]:
    """A filter's words, each held to a turn's length; not a briefing's rows, which ``is_well_formed`` bounds (a briefing
    on the Green Plan counts its 150 actions)."""
    if action_filter is None:
        return []
    return [value for spec in dataclasses.fields(action_filter) if spec.name != "briefed" and isinstance(value := getattr(action_filter, spec.name), str)]


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _redacted(url: str) -> str:
    """Where Redis is as its client reads ``url`` (host and port, or socket path, and database), never the user name or
    password the URL may carry.

    Built from what the client's own parser returns, never from pieces of the URL: a password with an unencoded "/"
    (``redis://:4242/Zq9secret@10.0.0.5:6379/0``) is read by the client as the port 4242 and a path, and a split of the
    URL had logged the rest of the password as that path (a review). Then the URL has an "@" beyond what the client read
    as its address, and that address is itself a piece of the password: only that is said, with nothing of the URL.
    """
    from redis.connection import parse_url  # the parser ``redis.asyncio.from_url`` reads REDIS_URL with

    try:
        parts = parse_url(url)
        read_past = urlsplit(url)
    except ValueError:
        return "(an unreadable REDIS_URL)"
    if "@" in read_past.path + read_past.query + read_past.fragment:
        return "(the address in REDIS_URL, misread: its password has a / ? or # that should be percent-encoded)"
    where = parts.get("path") or f"{parts.get('host', 'localhost')}:{parts.get('port', 6379)}"
    return f"{where} (database {parts.get('db', 0)})"


def make_store(redis_url: str = "", idle_seconds: float = DEFAULT_IDLE_SECONDS) -> ConversationStore:
    """Redis when a URL is given (several replicas share conversations), memory otherwise."""
    return RedisStore(redis_url, idle_seconds) if redis_url else MemoryStore(idle_seconds)
