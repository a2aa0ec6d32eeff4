"""Loading the knowledge base and model once, for any entry point."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import numpy as np

from bot.answering import AnsweringService
from bot.briefing import BriefingWriter
from bot.conversation import Conversation
from bot.conversation_store import make_store
from bot.follow_answers import written_together
from bot.ranker import AnsweringModels
from index import store
from index.config import Settings
from index.embedder import Embedder, quiet_libraries
from index.files import why_not_a_folder
from ingest.build import corpus_files, ingest_corpus

logger = logging.getLogger(__name__)

# The first build of the bundled corpus (11 PDFs, 253 pages) on 2 CPU cores: 17 s ingest alone on an
# idle machine (benchmarks/knowledge_base.py), over a minute from a fresh clone with the model's first
# load, 5 min on a machine shared with other jobs. "About a minute" is the honest typical case.
FIRST_BUILD_SECONDS_PER_FILE = 6
# A build that failed to load is tried again after this long. A failure may pass (a file briefly unreadable while a
# backup or a copy holds it, an OSError): not trying again had kept a server on the old build until the next ingest.
# A build that stays damaged then costs one load a minute, not one at every check (every 2 s had logged a traceback
# each time, about 50,000 an hour: an attack review). Set by hand: longer than copying a build's files takes, rare
# beside the checks.
RETRY_FAILED_BUILD_SECONDS = 60.0


class LazyEmbedder:
    """An ``Embedder`` that loads the model the first time something is embedded.

    Table look-ups (``actions``), ``sources`` and ``help`` never embed, so they
    no longer wait ten seconds for a model they do not use. Servers call
    ``load`` before they listen, so no user waits for it either.
    """

    name = Embedder.name
    dimension = Embedder.dimension

    def __init__(self) -> None:
        self._embedder: Embedder | None = None
        self._lock = threading.Lock()

    def load(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                quiet_libraries()
                self._embedder = Embedder()
            return self._embedder

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return self.load().embed(texts, show_progress)

    def embed_one(self, text: str) -> np.ndarray:
        return self.load().embed_one(text)


def load_service(settings: Settings, models: AnsweringModels | None = None) -> AnsweringService:
    """The answering service over ``settings.kb_dir``, built from the corpus first if there is none."""
    if problem := why_not_a_folder(settings.kb_dir):
        raise store.KnowledgeBaseError(f"Cannot use {settings.kb_dir} as the knowledge base folder: {problem}.")
    quiet_libraries()
    embedder = LazyEmbedder()
    if not store.has_knowledge_base(settings.kb_dir):
        print(first_build_notice(settings), file=sys.stderr, flush=True)
        report = ingest_corpus(settings.corpus_dir, settings.kb_dir, embedder.load, show_progress=sys.stderr.isatty())
        print(report.summary(), file=sys.stderr)
    kb = store.load(settings.kb_dir, embedder.name, embedder.dimension)
    return AnsweringService(kb, embedder, today=settings.current_date, models=models)


def first_build_notice(settings: Settings) -> str:
    """What a fresh clone's first command says before it spends a minute or more building."""
    files = len(corpus_files(settings.corpus_dir)) if settings.corpus_dir.is_dir() else 0
    minutes = max(1, round(files * FIRST_BUILD_SECONDS_PER_FILE / 60))
    duration = "about a minute" if minutes == 1 else f"about {minutes} minutes"
    return (
        f"First run: building the knowledge base from {settings.corpus_dir} ({files} file{'s' * (files != 1)}) into {settings.kb_dir}. "
        f"This takes {duration} (longer on a busy machine), once; later starts take seconds."
    )


def load_conversation(settings: Settings) -> Conversation:
    """What a channel server needs: the model loaded, the conversation store, and briefings warmed up before the first user."""
    service = load_service(settings)
    if isinstance(service.embedder, LazyEmbedder):
        service.embedder.load()
    store = make_store(settings.redis_url, settings.conversation_idle_minutes * 60)
    conversation = Conversation(service, store)
    conversation.warm_up()
    return conversation


class KnowledgeBaseWatcher:
    """Keeps a running server answering from the newest build, without a restart.

    Every ``interval`` seconds it reads ``kb/CURRENT``; when an ingest has named
    a new build, the build is loaded beside the one in use (in a worker thread:
    reading and indexing is CPU work) and swapped in with one assignment, so a
    question is answered wholly from the old build or wholly from the new. The
    build in use is held by a lease that ingest respects, so it is not deleted
    under the server; the old lease is let go after the swap.
    """

    def __init__(
        self,
        conversation: Conversation,
        interval: float,
        retry_after: float = RETRY_FAILED_BUILD_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.conversation = conversation
        self.interval = interval
        self.retry_after = retry_after
        self.clock = clock
        self.kb_dir = conversation.service.kb.directory.parent.parent
        self._lease = store.take_lease(conversation.service.kb.directory)
        self._failed = ""  # the build that failed to load: tried again ``retry_after`` seconds on, told only once
        self._retry_at = 0.0  # on ``clock``: when the failed build is tried again
        self._renewing_failed = False  # told once
        if self._lease is None:
            logger.warning("Cannot write to %s: answering without a lease on the build in use", self.kb_dir)

    @property
    def build(self) -> str:
        return self.conversation.service.kb.directory.name

    async def watch(self) -> None:
        """Check for a new build until cancelled. A build that fails to load is logged once and tried again only every
        ``retry_after`` seconds: an attack review saw a damaged one log a traceback every 2 s, loading it whole each
        time, but a failure may pass (a file copied in), so it is not given up on either. The next ingest names another."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except Exception:
                logger.exception("Could not switch to the new knowledge base build; still answering from %s", self.build)

    async def check(self) -> bool:
        """Swap in the build ``CURRENT`` names if it is not the one in use; True if it swapped."""
        try:
            store.renew_lease(self._lease)
            self._renewing_failed = False
        except OSError as error:
            # Told once, and the watch goes on (a re-review: raising here kept every new build out, a traceback each time).
            if not self._renewing_failed:
                logger.warning("Could not renew the lease on build %s (%s): an ingest may remove it", self.build, error)
            self._renewing_failed = True
        build = await asyncio.to_thread(store.current_build, self.kb_dir)
        if build is None or build.name == self.build or (build.name == self._failed and self.clock() < self._retry_at):
            return False
        lease = store.take_lease(build)
        if lease is None:
            logger.warning("Cannot write to %s: answering from build %s without a lease on it", self.kb_dir, build.name)
        try:
            service, writer = await asyncio.to_thread(self._load, build)
        except Exception:
            store.release_lease(lease)
            self._failed_to_load(build.name)
            return False
        except BaseException:  # cancelled at shutdown
            store.release_lease(lease)
            raise
        self._swap(service, writer)
        store.release_lease(self._lease)
        self._lease, self._failed = lease, ""
        logger.info("Now answering from knowledge base build %s", build.name)
        return True

    def _failed_to_load(self, name: str) -> None:
        """Called in the ``except`` that caught why: told the first time the build fails, tried again later."""
        if name != self._failed:
            logger.exception("Could not switch to knowledge base build %s; still answering from %s", name, self.build)
        self._failed = name
        self._retry_at = self.clock() + self.retry_after

    def _load(self, build: Path) -> tuple[AnsweringService, BriefingWriter]:
        old = self.conversation.service
        kb = store.load(self.kb_dir, old.embedder.name, old.embedder.dimension, build=build)
        service = AnsweringService(kb, old.embedder, today=old.today, models=old.models)
        writer = BriefingWriter(service)
        writer.warm_up()
        written_together(kb)  # read here, in a worker thread, not when the swap makes its follow-up reader
        return service, writer

    def _swap(self, service: AnsweringService, writer: BriefingWriter) -> None:
        self.conversation.use(service, writer)

    def close(self) -> None:
        store.release_lease(self._lease)


@asynccontextmanager
async def watching(conversation: Conversation, interval: float) -> AsyncIterator[KnowledgeBaseWatcher | None]:
    """A ``KnowledgeBaseWatcher`` at work for the duration of the block (none if ``interval`` is 0)."""
    if interval <= 0:
        yield None
        return
    watcher = KnowledgeBaseWatcher(conversation, interval)
    task = asyncio.create_task(watcher.watch(), name="knowledge-base-watcher")
    try:
        yield watcher
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        watcher.close()
