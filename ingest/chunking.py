"""Step 3b: sentences become retrieval chunks.

A chunk is a run of consecutive sentences from one page of one document,
sized to fit the embedding model (all-MiniLM-L6-v2 truncates at 256 word
pieces, roughly 900 characters of English), overlapping by one sentence so
that a fact on a chunk boundary is still found with its context.
"""

from __future__ import annotations

from index.records import Chunk, Sentence

# Chunk size and overlap, as the module's docstring explains. Set by hand from the model: about the
# 256 word pieces all-MiniLM-L6-v2 reads; one sentence of overlap keeps a boundary fact in context.
MAX_CHUNK_CHARS = 900
OVERLAP_SENTENCES = 1


def chunk_sentences(sentences: list[Sentence]) -> list[Chunk]:
    """Group a document's sentences into overlapping, page-bounded chunks."""
    chunks: list[Chunk] = []
    start = 0
    while start < len(sentences):
        end = _chunk_end(sentences, start)
        chunks.append(_make_chunk(sentences, start, end))
        if end + 1 >= len(sentences):
            break
        next_start = end + 1 - OVERLAP_SENTENCES
        same_page = sentences[end + 1].page == sentences[end].page
        start = next_start if same_page and next_start > start else end + 1
    return chunks


def _chunk_end(sentences: list[Sentence], start: int) -> int:
    """Index of the last sentence that fits in a chunk starting at ``start``."""
    size = len(sentences[start].text)
    end = start
    while end + 1 < len(sentences):
        following = sentences[end + 1]
        if following.page != sentences[start].page or size + 1 + len(following.text) > MAX_CHUNK_CHARS:
            break
        size += 1 + len(following.text)
        end += 1
    return end


def _make_chunk(sentences: list[Sentence], start: int, end: int) -> Chunk:
    first = sentences[start]
    return Chunk(
        page=first.page,
        heading=first.heading,
        first_sentence=start,
        last_sentence=end,
        text=" ".join(s.text for s in sentences[start : end + 1]),
    )
