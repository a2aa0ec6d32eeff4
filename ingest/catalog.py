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


class CatalogError(Exception):
    """``catalog.json`` cannot be read; the message names the file and what is wrong, and nothing is ingested."""


# The fields an entry must give, and those it may; each is text (a date may be written as a number: 2022).
_REQUIRED = ("file", "slug", "title")
_OPTIONAL = ("date", "kind")


def load_catalog(corpus_dir: Path) -> dict[str, DocumentInfo]:
    """Catalog entries keyed by file name (``cw-ics-green-plan.pdf``). An attack review saw a malformed catalog (bad
    JSON, an object for the list, an entry without a slug, a list for a title) end the ingest in a traceback, one of
    them only while the new build was being written: each is now refused first, saying where."""
    path = corpus_dir / CATALOG_FILE
    if not path.exists():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise CatalogError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise CatalogError(f"{path}: not JSON ({error.msg} at line {error.lineno}, column {error.colno})") from None
    except OSError as error:
        raise CatalogError(f"{path}: could not be read ({error.strerror or error})") from None
    if not isinstance(entries, list):
        raise CatalogError(f"{path}: should be a list of documents, one object each")
    catalog: dict[str, DocumentInfo] = {}
    for number, entry in enumerate(entries, 1):
        where = f"{path}: entry {number}"
        if not isinstance(entry, dict):
            raise CatalogError(f"{where} is not an object")
        missing = [name for name in _REQUIRED if not isinstance(entry.get(name), str) or not entry[name].strip()]
        if missing:
            raise CatalogError(f"{where} has no text for {', '.join(repr(m) for m in missing)}")
        # Text, or a whole number for a year ("date": 2022); not true/false, which JSON also reads as no text.
        wrong = [name for name in _OPTIONAL if entry.get(name) is not None and (isinstance(entry[name], bool) or not isinstance(entry[name], str | int))]
        if wrong:
            raise CatalogError(f"{where} has {', '.join(repr(w) for w in wrong)} that is not text")
        catalog[Path(entry["file"]).name] = DocumentInfo(
            slug=entry["slug"],
            title=entry["title"],
            date="" if entry.get("date") is None else str(entry["date"]),
            kind=str(entry.get("kind") or "document"),
        )
    return catalog


def describe_uncatalogued(path: Path) -> DocumentInfo:
    """Fallback description for a file the catalog does not list."""
    title = (read_pdf_title(path) if path.suffix.lower() == ".pdf" else None) or _title_from_name(path)
    return DocumentInfo(slug=slugify(path.stem), title=title, date="", kind="document")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def _title_from_name(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name
