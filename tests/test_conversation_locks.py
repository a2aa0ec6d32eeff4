"""The conversation lock shared through Redis (``bot.conversation_locks``), against a real redis-server started here.

How replicas use it is tested through the Teams endpoint (``test_teams_faults``); here, what the lock itself promises: a
holder that dies frees its conversation once its lock expires, a live holder keeps it past that, and a Redis user
limited to the commands the bot runs can take it and give it back.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.conversation_locks import LOCK_PREFIX, RedisLocks
from bot.conversation_store import RedisConnection
from bot.teams.delivered import SharedDeliveries
from tests.support.paths import REPO
from tests.support.redis import keep_busy, redis_server

# A guard on waits that should end at once, or once a lock of a second expired: far longer than either.
GUARD_SECONDS = 10.0
# Takes a conversation's lock, says so, and waits to be killed.
HOLDER = """
import asyncio, sys
from bot.conversation_locks import RedisLocks
from bot.conversation_store import RedisConnection

async def hold(url, key, ttl):
    async with RedisLocks(RedisConnection(url), ttl=ttl).held(key):
        print("held", flush=True)
        await asyncio.Event().wait()

asyncio.run(hold(sys.argv[1], sys.argv[2], float(sys.argv[3])))
"""
# Takes an activity's delivery (a turn that never ends), says so, and waits to be killed.
TAKER = """
import asyncio, sys
from bot.conversation_store import RedisConnection
from bot.teams.delivered import SharedDeliveries

async def take(url, conversation, lease):
    assert await SharedDeliveries(RedisConnection(url), taken_seconds=lease).take((conversation, "message", "1")) is None
    print("taken", flush=True)
    await asyncio.Event().wait()

asyncio.run(take(sys.argv[1], sys.argv[2], float(sys.argv[3])))
"""


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
async def connection(redis_url) -> AsyncIterator[RedisConnection]:
    connection = RedisConnection(redis_url)
    yield connection
    await connection.close()


async def test_a_lock_whose_holder_died_expires(redis_url, connection):
    """A replica killed while answering a message leaves its conversation's lock behind: another replica has it once it
    expires (the holder renews it no more), not never."""
    key = "teams:a:dead-holder"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, redis_url, key, "1.0"], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    finally:
        holder.kill()
        holder.wait()
    dead_token = await connection.redis.get(LOCK_PREFIX + key)
    assert dead_token and await connection.redis.pttl(LOCK_PREFIX + key) > 0  # left behind, with an expiry

    async with asyncio.timeout(GUARD_SECONDS), RedisLocks(connection).held(key):
        assert await connection.redis.get(LOCK_PREFIX + key) not in (None, dead_token)
    assert await connection.redis.get(LOCK_PREFIX + key) is None  # given back


async def test_a_live_holder_keeps_its_lock_past_its_expiry_and_the_next_has_it_once_given_back(connection):
    """The holder renews its lock: a turn longer than the lock's expiry (a briefing, a send the connector holds) keeps its
    conversation, and another replica's message waits for it to be given back."""
    key = "teams:a:long-turn"
    holder, other = RedisLocks(connection, ttl=0.3), RedisLocks(connection, ttl=0.3)  # two replicas
    order: list[str] = []

    async def wait_then_hold() -> None:
        async with other.held(key):
            order.append("other")

    async with holder.held(key):
        waiting = asyncio.create_task(wait_then_hold())
        await asyncio.sleep(1.2)  # four expiries: time passing, not a way to sequence events
        order.append("holder")
    await asyncio.wait_for(waiting, GUARD_SECONDS)
    assert order == ["holder", "other"]


async def test_a_redis_user_allowed_the_stores_commands_and_eval_holds_and_gives_back_locks(redis_url, connection, caplog):
    """The lock's scripts run only the store's commands (GETRANGE, SET, DEL), so a Redis user limited by ACL to those
    needs EVAL besides, and nothing else; so does the Teams endpoint's record of delivered activities."""
    await connection.redis.execute_command(
        "ACL", "SETUSER", "icslock", "on", ">lockpw", "~ics-bot:*", "+getrange", "+set", "+del", "+eval", "+@connection"
    )
    limited = RedisConnection(redis_url.replace("redis://", "redis://icslock:lockpw@"))
    key = "teams:a:limited-user"
    try:
        locks = RedisLocks(limited, ttl=0.3)
        with caplog.at_level(logging.INFO):
            activity = ("a:limited-user", "message", "1")
            deliveries = SharedDeliveries(limited, wait=0.0, taken_seconds=0.3)
            async with asyncio.timeout(GUARD_SECONDS), locks.held(key):
                assert await deliveries.take(activity) is None  # recorded: to be answered here
                await asyncio.sleep(0.5)  # past both expiries: the renewal script ran under the limited user
                assert await connection.redis.pttl(LOCK_PREFIX + key) > 0
                assert (await connection.redis.get("ics-bot:activity:a:limited-user:message:1")).startswith(b"taken:")
            await deliveries.in_line(activity)
            assert await deliveries.take(activity) == 202
            await deliveries.forget(activity)  # the record it wrote, deleted by the give-back script
            assert await deliveries.take(activity) is None  # so taken again
            await deliveries.answered(activity)
            assert await deliveries.take(activity) == 200
            await connection.redis.delete("ics-bot:activity:a:limited-user:message:1")
        assert await connection.redis.exists(LOCK_PREFIX + key, "ics-bot:activity:a:limited-user:message:1") == 0
        assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]  # no command was refused
    finally:
        await limited.close()
        await connection.redis.execute_command("ACL", "DELUSER", "icslock")


async def test_a_take_redis_answers_only_after_the_timeout_is_given_back_after_the_turn(redis_url, connection):
    """A review: Redis busy past the client's timeout (1 s) ran the SET NX after the message was answered without the
    lock; nobody gave that lock back, and the conversation's next message waited out the whole expiry (10 s)."""
    key = "teams:a:late-take"
    await connection.redis.ping()  # a connection already open, as in a replica that has been running
    busy = asyncio.create_task(keep_busy(redis_url, 1.5))
    await asyncio.sleep(0.1)  # the busy script has started
    async with RedisLocks(connection).held(key):  # the production expiry
        await busy  # the turn outlasts Redis's busy spell (a typing indicator and working out take that long)
        assert await connection.redis.exists(LOCK_PREFIX + key) == 1  # the late SET ran: a lock nobody holds

    assert await connection.redis.exists(LOCK_PREFIX + key) == 0  # given back after the turn all the same
    started = time.monotonic()
    async with asyncio.timeout(GUARD_SECONDS), RedisLocks(connection).held(key):
        waited = time.monotonic() - started
    assert waited < 1.0, f"the next message waited {waited:.1f} s for a lock nobody held"


async def test_a_delivery_taken_by_a_replica_that_died_is_answered_elsewhere_once_its_lease_ends(redis_url, connection):
    """A re-review: a replica killed mid-turn left its activity's record "taken" for the record's hour, so every delivery
    again got 503 and the message was never answered. "Taken" is a lease now, renewed while its replica lives: a delivery
    again elsewhere gets 503 while the turn runs, past the lease, and is answered once the replica is killed and its
    lease ends; a delivery that moved on (in line, answered) is kept for the hour."""
    activity, lease = ("a:died-mid-turn", "message", "1"), 0.5
    record = "ics-bot:activity:a:died-mid-turn:message:1"
    taker = subprocess.Popen([sys.executable, "-c", TAKER, redis_url, activity[0], str(lease)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    elsewhere = SharedDeliveries(connection, wait=0.1, taken_seconds=lease)
    try:
        assert taker.stdout is not None and taker.stdout.readline() == "taken\n"
        await asyncio.sleep(2.5 * lease)  # past two leases (time passing is what is tested): renewed while its turn runs
        assert await elsewhere.take(activity) == 503  # still being answered, as far as anyone knows
    finally:
        taker.kill()
        taker.wait()
    assert (await connection.redis.get(record)).startswith(b"taken:") and 0 < await connection.redis.pttl(record) <= 500  # left behind

    async with asyncio.timeout(GUARD_SECONDS):  # a delivery again waits for the record; the lease ends, renewed no more
        assert await SharedDeliveries(connection, wait=GUARD_SECONDS, taken_seconds=lease).take(activity) is None
    await elsewhere.answered(activity)
    assert await connection.redis.pttl(record) > 0.5 * 3_600_000  # the hour, not the lease


async def test_a_record_in_a_state_this_version_does_not_know_gets_503_by_the_deadline(connection):
    """A re-review: a record another version wrote ("sent", during a rolling deploy) made a delivery again look at it
    without a pause for as long as it stood, thousands of Redis commands a second, and its POST was never answered."""
    activity = ("a:other-version", "message", "1")
    await connection.redis.set("ics-bot:activity:a:other-version:message:1", "sent", px=60_000)
    looks_before = (await connection.redis.info("commandstats")).get("cmdstat_getrange", {}).get("calls", 0)
    async with asyncio.timeout(GUARD_SECONDS):
        assert await SharedDeliveries(connection, wait=0.5).take(activity) == 503
    looks = (await connection.redis.info("commandstats")).get("cmdstat_getrange", {}).get("calls", 0) - looks_before
    assert looks <= 20, looks  # a look every 0.05-0.5 s over 0.5 s, not a spin


async def test_a_lapsed_lease_taken_by_another_replica_is_not_renewed_or_deleted_by_the_first(connection, caplog):
    """A review: "taken" held no owner, so a replica whose lease lapsed (Redis or its loop stalled) and was then taken by
    another renewed the other's lease as its own, kept it past the other's death, and its failed turn deleted the other's
    record. Each take writes a token of its own; the first finds its lease lapsed, says so, and touches nothing more."""
    activity = ("a:lapsed", "message", "1")
    record = "ics-bot:activity:a:lapsed:message:1"
    first, second = SharedDeliveries(connection, wait=0.0, taken_seconds=0.6), SharedDeliveries(connection, wait=0.0, taken_seconds=0.6)
    with caplog.at_level(logging.WARNING):
        async with asyncio.timeout(GUARD_SECONDS):
            assert await first.take(activity) is None
            await connection.redis.delete(record)  # the lease lapsed, as a stall past it would leave it
            assert await second.take(activity) is None  # so another delivery of it is answered elsewhere
            held_by_second = await connection.redis.get(record)
            await asyncio.sleep(0.5)  # past the first's next renewal (every 0.2 s): time passing, not sequencing
            assert await connection.redis.get(record) == held_by_second
            assert any("lapsed while its turn ran" in r.getMessage() for r in caplog.records)  # the first said so
            await first.forget(activity)  # the first's turn failed: the second's record stands
            assert await connection.redis.get(record) == held_by_second
            await second.answered(activity)
            assert await connection.redis.get(record) == b"answered"
    await connection.redis.delete(record)
