"""Activities delivered to any replica, recorded in Redis, so that a delivery again reaching another replica is not
answered twice.

The Bot Connector gives up on a POST after about 15 s and delivers the activity
again, perhaps to another replica. Each replica remembers the activities it took
(``server.SEEN``); with the Redis store the replicas also record each in Redis,
under ``ics-bot:activity:`` and its conversation, type and id (never what it
says), holding how its answer stands: taken (being answered, with the taking
delivery's random token, so that only it renews or deletes it), in line (its POST
answered 202, to be answered in its turn) or answered. A delivery whose turn
fails (the bot could not sign in to reply) deletes its record, so that the
next delivery is answered. "Taken" is a lease of ``TAKEN_SECONDS``, renewed by the
replica that took it for as long as its turn runs and the record says taken (by
the conversation lock's compare-and-renew, ``renew_while_held``), so a turn of any
length keeps it; a replica that dies mid-turn renews it no more, and once it
ends a delivery again is answered elsewhere. Renewing stops as the delivery moves
on (in line, answered or forgotten: a turn that failed, was cut off or
cancelled forgets it).

A replica that finds another delivery's record waits for it to change, as it
would for a delivery of its own: answered gets 200, in line 202, a record
deleted is taken and answered here. Still taken after ``RECORD_WAIT_SECONDS``,
the delivery gets 503 with Retry-After. Not 200 or 202: this replica cannot know
how the first delivery will end, and were it to fail after this one was told
"delivered", nothing would deliver the message again and it would be lost; 503
has the Bot Connector deliver it again later, when the record says how the
first ended. So no message is answered twice, and none is lost while the
connector retries; the price is a 503 for a message whose first delivery is
answered slowly elsewhere.

Like the store, the record is a convenience, never a condition of answering:
when Redis does not answer, the delivery is answered as a single replica would
answer it (the warning is the connection's), and a renewal it does not answer is
tried again at the next. A lease found lapsed by its renewal (Redis or the event
loop stalled past it) is logged each time, by its key. The commands are the
store's and the lock's: SET, GETRANGE, DEL and EVAL, within the ACL the README
documents.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from functools import partial

from bot.conversation_locks import delete_if_held, renew_while_held
from bot.conversation_store import ConversationStore, RedisConnection, RedisStore, milliseconds

RECORD_PREFIX = "ics-bot:activity:"  # under the store's ics-bot:*, which an ACL names
# How long an activity's record is kept once its delivery waits in line or was answered. Set by hand: it must outlive
# the wait in line (a message may wait behind a briefing or a held send for minutes) and the Bot Connector's retries
# (seconds to a minute); a record is ~100 bytes.
RECORD_SECONDS = 3600
# How long a record says "taken" (being answered) after its replica's last renewal, unless its delivery moves on first.
# Its replica renews it every third of this while the turn runs (a re-review: not renewed, a turn longer than it, a slow
# send or a long briefing, let it lapse, and a delivery again elsewhere was answered a second time). A replica that dies
# mid-turn (killed, out of memory, a deploy's drain cut short) renews it no more, and a delivery again elsewhere gets 503
# until it expires, then is answered (a re-review: at RECORD_SECONDS the message was lost, every retry getting 503 for an
# hour). Set by hand, when it was not renewed: past a turn whose POST is open (WAIT_IN_LINE_SECONDS, 5 s, then its work
# and two sends of up to TEAMS_SEND_TIMEOUT_SECONDS, 15 s); renewed, it is kept through renewals lost to Redis not
# answering (each given up after REDIS_TIMEOUT_SECONDS, 1 s) or an event loop stalled for up to two thirds of it.
TAKEN_SECONDS = 45.0
# How long a delivery again waits for the record of another replica's delivery to say how it ended, before it gets 503.
# Set by hand: within the Bot Connector's 15 s wait for the POST's answer, and past WAIT_IN_LINE_SECONDS (5 s), after
# which the first delivery, if waiting in line, says so.
RECORD_WAIT_SECONDS = 8.0
# The pause between looks at another replica's record, doubling from the first to the most. Set by hand: a quick turn
# (help) is seen ended at once; a long wait costs Redis a few commands a second.
LOOK_FIRST_SECONDS = 0.05
LOOK_MOST_SECONDS = 0.5
TAKEN, IN_LINE, ANSWERED = "taken", "in line", "answered"
# "Taken" is written with the taking delivery's token after it ("taken:3f9c..."), so that only that delivery renews,
# marks in line or deletes it: a replica whose lease lapsed, the record since taken by another, had renewed the other's
# lease as its own and kept it past that replica's death (a review). Another version reads it as a state it does not
# know: still being answered, 503.
_TAKEN_BY = TAKEN + ":"
# Marks the record in line, kept for ARGV[3] ms, only while it is taken: never over "answered", should the turn end first.
_MARK_IN_LINE = (
    "if redis.call('getrange', KEYS[1], 0, -1) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'px', ARGV[3]) end "
    "return 0"
)
# What a failed call could not do, one kind of warning for the calls that record and one for the renewals of a lease:
# each logged once until Redis answers.
_DOING = "record a conversation's activity"
_MEANWHILE = "an activity delivered again to another replica may be answered twice"
_RENEWING = "renew a conversation's activity's lease"
# The status a delivery again gets, by how the other replica's delivery of it stands; a state this version does not
# know (written by another version during a rolling deploy) is read as one still being answered, 503.
STATUS_BY_STATE = {ANSWERED: 200, IN_LINE: 202, TAKEN: 503}
NOT_KNOWN_YET = 503

logger = logging.getLogger(__name__)


class SharedDeliveries:
    """The replicas' record of the activities delivered to any of them (see the module's docstring)."""

    def __init__(
        self, connection: RedisConnection, seconds: float = RECORD_SECONDS, wait: float = RECORD_WAIT_SECONDS,
        taken_seconds: float = TAKEN_SECONDS,
    ) -> None:
        self.connection = connection
        self.seconds = seconds
        self.wait = wait
        self.taken_seconds = taken_seconds
        self._renewals: dict[str, asyncio.Task[None]] = {}  # by record key: the leases this replica holds and renews
        self._written: dict[str, str] = {}  # by record key: what this replica's delivery wrote there, as it stands

    async def take(self, key: tuple[str, str, str]) -> int | None:
        """None when this delivery is to be answered here (recorded as taken, or Redis did not answer); else the status
        for its POST, as another replica's delivery of it stands: 200 answered, 202 in line, 503 not known yet."""
        full_key = record_key(key)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait
        pause = LOOK_FIRST_SECONDS
        while True:
            value = f"{_TAKEN_BY}{secrets.token_hex(8)}"
            # Before asking: a SET Redis runs after the client gave up on it holds it, for ``forget`` to delete.
            earlier = self._written.get(full_key)
            self._written[full_key] = value
            taken = await self.connection.call(_DOING, partial(self._set_if_new, full_key, value), _MEANWHILE)
            if taken:
                self._renew(full_key, value)
            if taken is None or taken:
                return None
            if self._written.get(full_key) == value:  # not this delivery's record: as it stood (a review: a take of the
                # same activity meanwhile, here, had its entry deleted)
                if earlier is None:
                    del self._written[full_key]
                else:
                    self._written[full_key] = earlier
            state = await self.connection.call(_DOING, lambda: self.connection.redis.getrange(full_key, 0, -1), _MEANWHILE)
            if state is None:
                return None
            if not (text := _text(state)):
                continue  # deleted meanwhile (its delivery failed, or its lease ran out): take it again
            # Any state but a known end waits, up to the deadline: a state of another version's spun without a pause for
            # as long as it stood (a re-review: thousands of Redis commands a second, the POST never answered).
            status = STATUS_BY_STATE.get(TAKEN if text.startswith(_TAKEN_BY) else text, NOT_KNOWN_YET)
            if status != NOT_KNOWN_YET or loop.time() >= deadline:
                return status
            await asyncio.sleep(max(LOOK_FIRST_SECONDS, min(pause, deadline - loop.time())))
            pause = min(2 * pause, LOOK_MOST_SECONDS)

    async def in_line(self, key: tuple[str, str, str]) -> None:
        """This replica's delivery waits in line, its POST answered 202."""
        full_key = record_key(key)
        self._stop_renewing(full_key)
        taken = self._written.get(full_key)
        if taken is None:  # the turn ended first (answered, forgotten): nothing of this delivery's to mark (a review: a
            return  # missing record read as "" and was written "in line" for the hour, its retries never answered)
        self._written[full_key] = IN_LINE
        await self.connection.call(
            _DOING, lambda: self.connection.redis.eval(_MARK_IN_LINE, 1, full_key, taken, IN_LINE, milliseconds(self.seconds)), _MEANWHILE
        )

    async def answered(self, key: tuple[str, str, str]) -> None:
        self._stop_renewing(record_key(key))
        self._written.pop(record_key(key), None)
        await self.connection.call(
            _DOING, lambda: self.connection.redis.set(record_key(key), ANSWERED, xx=True, px=milliseconds(self.seconds)), _MEANWHILE
        )

    async def forget(self, key: tuple[str, str, str]) -> None:
        """This replica's delivery was not answered: a delivery again is to be, wherever it comes. Only the record this
        delivery wrote is deleted, not one another replica's delivery wrote since."""
        full_key = record_key(key)
        self._stop_renewing(full_key)
        if (written := self._written.pop(full_key, None)) is not None:
            await delete_if_held(
                self.connection, full_key, written, _DOING, f"a delivery again of it gets 503 until its record expires ({self.seconds:g} s)"
            )

    async def _set_if_new(self, full_key: str, value: str) -> bool:
        return bool(await self.connection.redis.set(full_key, value, nx=True, px=milliseconds(self.taken_seconds)))

    def _renew(self, full_key: str, value: str) -> None:
        """Keep the lease this replica took until its delivery moves on (``_stop_renewing``), or it is found lapsed."""
        self._stop_renewing(full_key)  # a lease of the same activity taken before (lapsed, or forgotten) is not this one
        renewing = asyncio.create_task(self._keep_renewed(full_key, value))
        self._renewals[full_key] = renewing

        def ended(_: asyncio.Task[None]) -> None:  # found lapsed: no longer this replica's to stop
            if self._renewals.get(full_key) is renewing:
                del self._renewals[full_key]

        renewing.add_done_callback(ended)

    def _stop_renewing(self, full_key: str) -> None:
        """Before the record moves on. Not awaited: a renewal Redis runs after the record moved on finds it no longer
        taken, and does nothing."""
        if (renewing := self._renewals.pop(full_key, None)) is not None:
            renewing.cancel()

    async def _keep_renewed(self, full_key: str, value: str) -> None:
        await renew_while_held(self.connection, full_key, value, self.taken_seconds, _RENEWING, _MEANWHILE)
        # Each time, not once: every lapse is a message another replica may have answered a second time.
        logger.warning("Delivered activities: %s in Redis at %s lapsed while its turn ran; a delivery again of it at another "
                       "replica may have been answered a second time", full_key, self.connection.where)


def record_key(key: tuple[str, str, str]) -> str:
    """``ics-bot:activity:<conversation>:<type>:<id>``: which activity, never what it says."""
    return RECORD_PREFIX + ":".join(key)


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def deliveries_for(store: ConversationStore) -> SharedDeliveries | None:
    """The record shared by the replicas of a Redis store; None for a store in memory (one process: ``SEEN`` is enough)."""
    return SharedDeliveries(store.connection) if isinstance(store, RedisStore) else None
