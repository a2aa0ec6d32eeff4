"""Step 1 of the pipeline: a file on disk becomes a list of page texts.

PDFs are read with pypdf page by page; ``.txt`` and ``.md`` files split into
pages on form feeds. Anything that cannot give us text raises
``UnreadableDocument`` with a reason a person can act on, so the caller can
skip the file and report it while the rest of the corpus ingests.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import LimitReachedError

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md")

# pypdf complains loudly about harmless oddities in real-world PDFs.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class UnreadableDocument(Exception):
    """The file gives no usable text; ``str(exc)`` says why."""


def read_pages(path: Path) -> list[str]:
    """Return the text of each page, page 1 first."""
    if path.suffix.lower() == ".pdf":
        pages = _read_pdf(path)
    elif path.suffix.lower() in (".txt", ".md"):
        pages = path.read_text(encoding="utf-8", errors="replace").split("\f")
    else:
        raise UnreadableDocument(f"unsupported file type {path.suffix!r}")
    if not any(page.strip() for page in pages):
        raise UnreadableDocument("no extractable text (empty, or scanned images only)")
    return pages


def read_pdf_title(path: Path) -> str | None:
    """The title stored in the PDF's metadata, if it has a useful one."""
    try:
        title = PdfReader(path).metadata.title  # type: ignore[union-attr]
    except Exception:  # metadata is a nicety; any failure just means "no title"
        return None
    return title.strip() if isinstance(title, str) and title.strip() else None


def _read_pdf(path: Path) -> list[str]:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise UnreadableDocument("the PDF is encrypted")
        return [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except LimitReachedError as exc:
        raise UnreadableDocument(f"a compressed stream in it expands past pypdf's limit ({exc})") from exc
    # Any error at all: pypdf reads what the file says, and a file can say anything. Besides its own errors it raises
    # NotImplementedError (a filter it does not know), DependencyError (Brotli not installed) and Python's own on a
    # malformed file; one of them had stopped the whole ingest with a traceback (an attack review).
    except Exception as exc:
        raise UnreadableDocument(f"not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
