"""Shared fixtures: the embedding model loads once, the corpus index builds once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import AnsweringService
from bot.conversation import Conversation
from index import store
from index.embedder import Embedder
from ingest.build import ingest_corpus
from tests.support.paths import CORPUS_DIR, EVAL_DIR


def pytest_sessionstart(session: pytest.Session) -> None:
    if not (EVAL_DIR / "questions.jsonl").is_file():
        pytest.exit(
            f"The gold evaluation data is not at {EVAL_DIR}: set EVAL_DIR to the folder holding "
            "questions.jsonl and actions_sample.csv, or leave it unset to use the repository's eval/.",
            returncode=4,
        )


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="session")
def corpus_kb_dir(tmp_path_factory, embedder) -> Path:
    """The bundled corpus ingested once into a temporary knowledge base."""
    kb_dir = tmp_path_factory.mktemp("corpus-kb")
    ingest_corpus(CORPUS_DIR, kb_dir, lambda: embedder)
    return kb_dir


@pytest.fixture(scope="session")
def knowledge_base(corpus_kb_dir, embedder) -> store.KnowledgeBase:
    return store.load(corpus_kb_dir, embedder.name, embedder.dimension)


@pytest.fixture(scope="session")
def service(knowledge_base, embedder) -> AnsweringService:
    return AnsweringService(knowledge_base, embedder)


@pytest.fixture(scope="session")
def conversation(service) -> Conversation:
    return Conversation(service)
