"""Where the tests find the repository, its corpus and the gold evaluation data."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO / "corpus"
# The gold questions, topics, dialogues and action rows ship with the repository (eval/); EVAL_DIR points elsewhere.
EVAL_DIR = Path(os.environ.get("EVAL_DIR", REPO / "eval"))
