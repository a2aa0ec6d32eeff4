"""What users see about a document: its slug, title, date and kind.

These come from ``catalog.json`` beside the PDFs. A file without a catalog
entry still ingests, titled from its PDF metadata or, failing that, its name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.reading import read_pdf_title

CATALOG_FILE = "catalog.json"


@dataclass(frozen=True)
class DocumentInfo:
    slug: str
    title: str
    date: str
    kind: str


def load_catalog(corpus_dir: Path) -> dict[str, DocumentInfo]:
    """Catalog entries keyed by file name (``cw-ics-green-plan.pdf``)."""
    path = corpus_dir / CATALOG_FILE
    if not path.exists():
        return {}
    entries = json.loads(path.read_text(encoding="utf-8"))
    return {
        Path(entry["file"]).name: DocumentInfo(
            slug=entry["slug"],
            title=entry["title"],
            date=str(entry.get("date", "")),
            kind=entry.get("kind", "document"),
        )
        for entry in entries
    }


def describe_uncatalogued(path: Path) -> DocumentInfo:
    """Fallback description for a file the catalog does not list."""
    title = (read_pdf_title(path) if path.suffix.lower() == ".pdf" else None) or _title_from_name(path)
    return DocumentInfo(slug=slugify(path.stem), title=title, date="", kind="document")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def _title_from_name(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name
