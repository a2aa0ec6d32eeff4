"""Loading the knowledge base and model once, for any entry point."""

from __future__ import annotations

import sys

from bot.answering import AnsweringService
from bot.config import Settings
from bot.conversation import Conversation
from bot.conversation_store import make_store
from index import store
from index.embedder import Embedder
from ingest.build import ingest_corpus


def load_service(settings: Settings) -> AnsweringService:
    """The answering service over ``settings.kb_dir``, built from the corpus first if there is none."""
    embedder = Embedder()
    if store.current_build(settings.kb_dir) is None:
        print(f"Building the knowledge base from {settings.corpus_dir} (first run)...", file=sys.stderr)
        report = ingest_corpus(settings.corpus_dir, settings.kb_dir, lambda: embedder, show_progress=sys.stderr.isatty())
        print(report.summary(), file=sys.stderr)
    kb = store.load(settings.kb_dir, embedder.name, embedder.dimension)
    return AnsweringService(kb, embedder, today=settings.current_date)


def load_conversation(settings: Settings) -> Conversation:
    """What a channel server needs: the conversation, with briefings warmed up before the first user."""
    store = make_store(settings.redis_url, settings.conversation_idle_minutes * 60)
    conversation = Conversation(load_service(settings), store)
    conversation.warm_up()
    return conversation
