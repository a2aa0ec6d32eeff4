"""The parts of a compound question: "What's the target, and when should we hit it?" asks two things.

Answering looks for a sentence for each later part; follow-ups read a message
whose first part names its own subject as a new question, whatever its later
parts point back to.
"""

from __future__ import annotations

import re

from index.text import tokenize

_PART_BREAK = re.compile(
    r"\?\s+|;\s+|\s+-\s+|,?\s+and\s+(?=(?:what|when|who|how|why|which|where|did|does|is|are|was|were)\b)"
    r"|,\s+(?=(?:what|when|who|how|why|which|where)\b)",
    re.IGNORECASE,
)


def split_question(question: str) -> list[str]:
    """The parts of a compound question that ask for something of their own."""
    parts = [part.strip(" ,?") for part in _PART_BREAK.split(question)]
    return [part for part in parts if len(tokenize(part)) >= 1]
