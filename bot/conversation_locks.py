"""A conversation's messages answered one at a time, in one process or across replicas.

``Conversation.one_at_a_time`` holds a conversation from working out a reply to
keeping its turn, so that a message is read once the turn before it is kept
("what's due in 23/24?" then "more" at once: "more" continues the listing).
Two locks behind one small interface, as there are two stores beside it
(``bot.conversation_store``): in this process's memory (the default), and in
Redis with the Redis store, because the Bot Connector sends a conversation's
messages to any replica behind its endpoint.

The Redis lock is one key per conversation, ``ics-bot:lock:`` and the
conversation's key (which names the chat, never what was said), holding a
random token of its holder's. It is taken with SET NX PX; given back by a
script that deletes it only while it holds that token, so a holder whose lock
expired never frees another's; and renewed by its holder while held, so that
it can expire soon after a replica that dies holding it (``LOCK_TTL_SECONDS``).
A waiter asks again with a short backoff; in one process only the first waiter
of a conversation asks Redis, the others waiting in order for the process's
own lock first. So within one process the lock is first come first served, but
across replicas it is not: the first to ask after the lock is given back has
it, and the holder's replica asks at once (its next waiter is already first in
line there) while a waiter at another replica asks only at its next poll. A
message waiting at another replica can be overtaken by later messages of its
conversation at the holder's replica, for as long as they keep coming; two
messages sent at once to two replicas are answered one after the other, in
either order. (A fair queue in Redis was judged a bigger change than this
needs: a conversation's messages come from one person, seconds apart.)

A take that Redis did not answer in time (or that was cancelled while asked)
may still be run by Redis later, leaving a lock nobody holds: the token is made
before asking, and such a lock is given back after the turn all the same (a
give-back of a lock never taken deletes nothing).

Like the store, the lock is a convenience, never a condition of answering:
when Redis cannot be reached a message is answered without waiting for other
replicas, and a warning is logged once, naming where Redis is, never its
password. A lock found expired by its holder is logged each time, by its key
(the conversation's, never what was said). The scripts run GETRANGE, SET and DEL, the commands the store runs, so
a Redis user limited by ACL to the store's commands needs only EVAL besides.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import random
import secrets
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from bot.conversation_store import ConversationStore, RedisConnection, RedisStore, milliseconds
from bot.keyed_locks import KeyedLocks

LOCK_PREFIX = "ics-bot:lock:"  # under the store's ics-bot:*, which an ACL names
# How long a conversation's lock outlives its holder's last renewal: a replica that dies holding one (stopped mid-answer)
# keeps its conversation waiting this long at most. Set by hand: a holder renews every third of it, so it keeps its lock
# through two renewals lost to Redis not answering (each given up after REDIS_TIMEOUT_SECONDS, 1 s); and it is under the
# Bot Connector's 15 s, so the delivery again of the message a dead replica was answering finds its conversation free.
LOCK_TTL_SECONDS = 10.0
RENEWALS_PER_TTL = 3
# A waiter asks Redis again after POLL_FIRST_SECONDS, the pause doubling up to POLL_MOST_SECONDS, each pause cut by up to
# half at random so that two replicas' waiters do not ask in step. Set by hand: a turn takes from milliseconds (help, a
# reset) to seconds (a briefing), so the first asks come quickly, and a long wait costs Redis 5-10 asks a second (a pause
# of 0.1-0.2 s) per waiting conversation and replica; a message starts at most 0.2 s after the turn before it ends.
POLL_FIRST_SECONDS = 0.01
POLL_MOST_SECONDS = 0.2
# Deletes the lock, or renews it for ARGV[2] ms, only while it holds its holder's token (ARGV[1]); the renewal keeps a
# delivered activity's record "taken" too (``bot.teams.delivered``). GETRANGE reads it as GET would (a missing key reads
# as "", which no token is), and SET renews it rather than PEXPIRE: the store's own commands, which its ACL allows.
_GIVE_BACK = "if redis.call('getrange', KEYS[1], 0, -1) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
_RENEW = (
    "if redis.call('getrange', KEYS[1], 0, -1) == ARGV[1] then redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2]) return 1 end "
    "return 0"
)
_MEANWHILE = "messages are answered without waiting for other replicas"

logger = logging.getLogger(__name__)


class _Asked(enum.Enum):
    """What one ask for the lock came to."""

    TAKEN = enum.auto()
    HELD_BY_ANOTHER = enum.auto()
    FAILED = enum.auto()  # an error from the client or Redis (mostly a refused connection): taken to have never run
    UNSURE = enum.auto()  # cut off waiting for Redis (the timeout, or the waiter cancelled): Redis may run the SET yet


class ConversationLocks(Protocol):
    """A lock per conversation key: ``async with locks.held(key):`` holds it, waiting for it first."""

    def held(self, key: str) -> AbstractAsyncContextManager[None]: ...


class MemoryLocks(KeyedLocks[str]):
    """In this process: one asyncio lock per conversation, first come first served."""


class RedisLocks:
    """Shared through Redis by every replica using it (see the module's docstring); first this process's own lock."""

    def __init__(self, connection: RedisConnection, ttl: float = LOCK_TTL_SECONDS) -> None:
        self.connection = connection
        self.ttl = ttl
        self._in_process: KeyedLocks[str] = KeyedLocks()

    @asynccontextmanager
    async def held(self, key: str) -> AsyncIterator[None]:
        """Hold ``key``'s lock in this process, then in Redis, renewing it there until let go. Without an answer from
        Redis the turn runs unshared; the lock is given back after it all the same unless the SET surely never ran (a
        review: a SET that Redis ran after the timeout left a lock nobody gave back, and the conversation's next
        message waited out the whole ``ttl``)."""
        async with self._in_process.held(key):
            full_key = LOCK_PREFIX + key
            token = secrets.token_hex(16)  # before asking: what a SET run late by Redis holds, to give back
            asked = _Asked.UNSURE  # until the take ends: cancelled while asking, Redis may yet run the SET
            renewing: asyncio.Task[None] | None = None
            try:
                asked = await self._take(full_key, token)
                if asked is _Asked.TAKEN:
                    renewing = asyncio.create_task(self._keep_renewed(full_key, token))
                yield
            finally:
                if renewing is not None:
                    renewing.cancel()  # not awaited: a renewal still running finds the lock gone, or another's, and does nothing
                if asked is not _Asked.FAILED:
                    await self._give_back(full_key, token)

    async def _take(self, full_key: str, token: str) -> _Asked:
        """Wait until the lock is taken with ``token`` (TAKEN), or Redis did not answer an ask (FAILED or UNSURE)."""
        pause = POLL_FIRST_SECONDS
        while (asked := await self._ask(full_key, token)) is _Asked.HELD_BY_ANOTHER:
            await asyncio.sleep(pause * random.uniform(0.5, 1.0))
            pause = min(2 * pause, POLL_MOST_SECONDS)
        return asked

    async def _ask(self, full_key: str, token: str) -> _Asked:
        """One SET NX of the lock; a failure is UNSURE when the SET was cut off waiting for Redis's answer, as Redis may
        have it and run it later, and FAILED when the client or Redis gave up on it (refused, an error)."""
        cut_off = False

        async def set_if_free() -> bool:
            nonlocal cut_off
            try:
                return bool(await self.connection.redis.set(full_key, token, nx=True, px=milliseconds(self.ttl)))
            except asyncio.CancelledError:
                cut_off = True
                raise

        taken = await self.connection.call("take a conversation's lock", set_if_free, _MEANWHILE)
        if taken is None:
            return _Asked.UNSURE if cut_off else _Asked.FAILED
        return _Asked.TAKEN if taken else _Asked.HELD_BY_ANOTHER

    async def _keep_renewed(self, full_key: str, token: str) -> None:
        """Renew the lock until cancelled, or until it is found expired (logged: the event loop or Redis stalled longer
        than ``ttl``, and another replica may have answered meanwhile)."""
        await renew_while_held(self.connection, full_key, token, self.ttl, "renew a conversation's lock", _MEANWHILE)
        # Each time, not once: every expiry is a message another replica may have answered out of turn.
        logger.warning("Conversation lock: %s in Redis at %s expired while its message was answered; another replica "
                       "may have answered the next message before this one's turn was kept", full_key, self.connection.where)

    async def _give_back(self, full_key: str, token: str) -> None:
        await delete_if_held(
            self.connection, full_key, token, "give back a conversation's lock",
            f"a conversation's next message waits up to {self.ttl:g} s for its lock to expire",
        )


async def delete_if_held(connection: RedisConnection, full_key: str, value: str, doing: str, meanwhile: str) -> None:
    """Delete ``full_key`` only while it holds ``value`` (its holder's token), in one step: never another's."""
    await connection.call(doing, lambda: connection.redis.eval(_GIVE_BACK, 1, full_key, value), meanwhile)


async def renew_while_held(connection: RedisConnection, full_key: str, value: str, ttl: float, doing: str, meanwhile: str) -> None:
    """Renew ``full_key`` for ``ttl`` every ``ttl / RENEWALS_PER_TTL`` for as long as it holds ``value``, until cancelled;
    returns once it is found not to (it expired, or another holds it), having renewed nothing of another's. A renewal
    Redis does not answer is warned of by ``connection`` (``doing``, ``meanwhile``) and tried again at the next."""
    while True:
        await asyncio.sleep(ttl / RENEWALS_PER_TTL)
        renewed = await connection.call(doing, lambda: connection.redis.eval(_RENEW, 1, full_key, value, milliseconds(ttl)), meanwhile)
        if renewed == 0:
            return


def locks_for(store: ConversationStore) -> ConversationLocks:
    """The lock that goes with ``store``: shared through its Redis by the replicas that share its conversations, or in
    this process for a store in memory."""
    return RedisLocks(store.connection) if isinstance(store, RedisStore) else MemoryLocks()
