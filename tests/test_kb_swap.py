"""A running Teams server picks up a new knowledge base build without a restart, over real HTTP."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import aiohttp
import pytest

from bot.answering import AnsweringService
from bot.conversation import Conversation
from bot.runtime import KnowledgeBaseWatcher
from bot.teams.server import create_app
from index import store
from index.config import Settings
from ingest.build import ingest_corpus
from tests.support.teams import Connector, new_conversation_id, serving, teams_message
from tests.test_ingest import BIKE_PAGES, write_pdf

QUESTION = "How many bicycle shelters will the trust fund?"
CHANGED_PAGES = [
    ["Cycling to Work", "The trust will fund 75 new bicycle shelters at Rugby St Cross by March 2025."],
    BIKE_PAGES[1],
]


@pytest.fixture
async def connector():
    async with Connector().running() as running:
        yield running


def built(tmp_path, embedder) -> tuple[Path, Path]:
    """A corpus of the travel plan and its knowledge base, built once."""
    corpus, kb_dir = tmp_path / "corpus", tmp_path / "kb"
    corpus.mkdir()
    write_pdf(corpus / "travel-plan.pdf", BIKE_PAGES, title="Staff Travel Plan 2023")
    ingest_corpus(corpus, kb_dir, lambda: embedder)
    return corpus, kb_dir


async def ask(http: aiohttp.ClientSession, bot_url: str, connector: Connector) -> str:
    conversation_id = new_conversation_id()
    async with http.post(f"{bot_url}/api/messages", json=teams_message(QUESTION, connector.url, conversation_id)) as response:
        assert response.status == 201, await response.text()
    (reply,) = connector.messages_to(conversation_id)
    return reply["text"]


async def test_a_running_server_answers_from_a_new_build_within_seconds(tmp_path, embedder, connector):
    corpus, kb_dir = built(tmp_path, embedder)
    first_build = store.current_build(kb_dir)
    conversation = Conversation(AnsweringService(store.load(kb_dir, embedder.name, embedder.dimension), embedder))
    settings = Settings(kb_dir=kb_dir, kb_watch_seconds=0.5, feedback_file=tmp_path / "feedback.jsonl")

    async with aiohttp.ClientSession() as http, serving(create_app(settings, conversation)) as bot_url:
        assert "40" in await ask(http, bot_url, connector)

        # A lead re-ingests a changed corpus while people keep asking.
        write_pdf(corpus / "travel-plan.pdf", CHANGED_PAGES, title="Staff Travel Plan 2023")
        ingesting = asyncio.create_task(asyncio.to_thread(ingest_corpus, corpus, kb_dir, lambda: embedder))
        answers_during = []
        while not ingesting.done():
            answers_during.append(await ask(http, bot_url, connector))  # each asserts a 201 and one reply
            await asyncio.sleep(0.1)
        await ingesting
        new_build = store.current_build(kb_dir)
        assert new_build.name != first_build.name
        assert first_build.is_dir(), "the build the server answers from must not be deleted under it"

        ingested_at = time.perf_counter()
        while "75" not in (answer := await ask(http, bot_url, connector)):
            assert "40" in answer
            assert time.perf_counter() - ingested_at < 10, "the new build was not picked up within 10 s"
            await asyncio.sleep(0.2)
        async with http.get(f"{bot_url}/readyz") as response:
            ready = await response.json()

    assert ready["build"] == new_build.name
    assert answers_during and all("40" in a or "75" in a for a in answers_during)
    # The server let go of the old build: the next ingest clears it away.
    write_pdf(corpus / "travel-plan.pdf", BIKE_PAGES, title="Staff Travel Plan 2023")
    ingest_corpus(corpus, kb_dir, lambda: embedder)
    assert not first_build.exists()


async def test_a_damaged_new_build_is_told_once_and_the_server_keeps_its_own(tmp_path, embedder, caplog):
    """An attack review: a build named in CURRENT that would not load was loaded again every 2 s, a traceback each time
    (about 50,000 log lines an hour). It is told once; the build in use goes on answering."""
    corpus, kb_dir = built(tmp_path, embedder)
    first_build = store.current_build(kb_dir)
    conversation = Conversation(AnsweringService(store.load(kb_dir, embedder.name, embedder.dimension), embedder))
    watcher = KnowledgeBaseWatcher(conversation, interval=0.02)
    write_pdf(corpus / "travel-plan.pdf", CHANGED_PAGES, title="Staff Travel Plan 2023")
    ingest_corpus(corpus, kb_dir, lambda: embedder)
    (store.current_build(kb_dir) / "kb.sqlite").write_bytes(b"not a database")
    with caplog.at_level(logging.ERROR):
        watching = asyncio.create_task(watcher.watch())
        await asyncio.sleep(0.5)
        watching.cancel()
        await asyncio.gather(watching, return_exceptions=True)
    watcher.close()
    told = [r.getMessage() for r in caplog.records if "Could not switch" in r.getMessage()]
    assert len(told) == 1 and store.current_build(kb_dir).name in told[0]
    assert watcher.build == first_build.name
    assert "40" in (await conversation.respond(QUESTION, "after")).text


def watching_a_new_build(tmp_path, embedder, clock):
    """A watcher on ``clock`` (retrying a failed build after 60 s) answering from a first build, a second build ingested
    beside it, and the names of the builds the watcher loads, as it loads them."""
    corpus, kb_dir = built(tmp_path, embedder)
    conversation = Conversation(AnsweringService(store.load(kb_dir, embedder.name, embedder.dimension), embedder))
    watcher = KnowledgeBaseWatcher(conversation, interval=1, retry_after=60, clock=clock)
    loads: list[str] = []
    load = watcher._load
    watcher._load = lambda build: loads.append(build.name) or load(build)  # type: ignore[method-assign]
    write_pdf(corpus / "travel-plan.pdf", CHANGED_PAGES, title="Staff Travel Plan 2023")
    ingest_corpus(corpus, kb_dir, lambda: embedder)
    return kb_dir, conversation, watcher, loads


async def test_a_new_build_that_failed_to_load_is_tried_again_after_a_while_and_told_once(tmp_path, embedder, caplog):
    """An attack review: a build that failed to load was never tried again until CURRENT named another, so a failure that
    passed (a file unreadable while it was copied in) kept the server on the old build until the next ingest. It is
    tried again once ``retry_after`` has passed on the watcher's clock (not at each check before), and told once."""
    now = [0.0]
    kb_dir, conversation, watcher, loads = watching_a_new_build(tmp_path, embedder, lambda: now[0])
    database = store.current_build(kb_dir) / "kb.sqlite"
    whole = database.read_bytes()
    database.write_bytes(b"half copied")
    with caplog.at_level(logging.ERROR):
        assert not await watcher.check()
        now[0] = 30.0
        assert not await watcher.check()  # still failing, and not loaded again
        database.write_bytes(whole)  # the copy is done
        now[0] = 59.0
        assert not await watcher.check() and len(loads) == 1  # not yet: no load at every check
        now[0] = 60.0
        assert await watcher.check() and len(loads) == 2
    watcher.close()
    assert watcher.build == database.parent.name
    assert "75" in (await conversation.respond(QUESTION, "after")).text
    told = [r.getMessage() for r in caplog.records if "Could not switch" in r.getMessage()]
    assert len(told) == 1 and database.parent.name in told[0]


async def test_a_build_that_stays_damaged_is_loaded_once_a_retry_interval_and_told_once(tmp_path, embedder, caplog):
    now = [0.0]
    kb_dir, _conversation, watcher, loads = watching_a_new_build(tmp_path, embedder, lambda: now[0])
    first_build = watcher.build
    (store.current_build(kb_dir) / "kb.sqlite").write_bytes(b"not a database")
    with caplog.at_level(logging.ERROR):
        for second in range(0, 181, 2):  # three minutes of checks every 2 s
            now[0] = float(second)
            assert not await watcher.check()
    watcher.close()
    assert len(loads) == 4  # at 0, 60, 120 and 180 s
    assert len([r for r in caplog.records if "Could not switch" in r.getMessage()]) == 1
    assert watcher.build == first_build


async def test_a_server_that_cannot_write_to_the_knowledge_base_answers_and_swaps_without_a_lease(tmp_path, embedder, caplog):
    """The Docker image's knowledge base is built by root and read by the image's own user: taking a lease there had
    stopped the server's start (an attack review). It answers, says once why it holds no lease, and still picks up a
    new build. (A file where the leases folder goes fails as a read-only folder does, even for root.)"""
    corpus, kb_dir = built(tmp_path, embedder)
    (kb_dir / store.LEASES_DIR).write_text("not a folder")
    conversation = Conversation(AnsweringService(store.load(kb_dir, embedder.name, embedder.dimension), embedder))
    with caplog.at_level(logging.WARNING):
        watcher = KnowledgeBaseWatcher(conversation, interval=1)
        assert "40" in (await conversation.respond(QUESTION, "before")).text
        write_pdf(corpus / "travel-plan.pdf", CHANGED_PAGES, title="Staff Travel Plan 2023")
        ingest_corpus(corpus, kb_dir, lambda: embedder)
        assert await watcher.check()
    watcher.close()
    assert "75" in (await conversation.respond(QUESTION, "after")).text
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.runtime"]
    assert warnings[0] == f"Cannot write to {kb_dir}: answering without a lease on the build in use"
    assert warnings[1].startswith(f"Cannot write to {kb_dir}: answering from build build-")
