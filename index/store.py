"""The on-disk knowledge base: what ingest writes and every channel reads.

Layout of ``KB_DIR``::

    CURRENT                   name of the complete build in use (swapped atomically)
    leases/<name>/<holder>    a running server's claim on a build, renewed while it answers from it
    builds/<name>/manifest.json   model, dimension, format, per-file hashes, counts, build time
    builds/<name>/kb.sqlite       documents, pages, sentences, chunks, actions
    builds/<name>/chunks.faiss    dense index over chunk vectors
    builds/<name>/chunk_vectors.npy, sentence_vectors.npy

A new build is written in full under ``builds/`` and only then named in
``CURRENT`` (write-then-rename), so an interrupted ingest leaves the previous
build in use. An ingest removes older builds, except those a running server
still holds a fresh lease on: a server keeps answering from its build while it
loads the new one, and lets go of the old one after the swap.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, dataclass, field, fields
from itertools import accumulate
from pathlib import Path

import faiss
import numpy as np

from index import actions_store
from index.records import ActionRow, Chunk, DocumentRecord, Sentence

FORMAT_VERSION = 8  # 4: a table row keeps its closing cells; 5: a list of people splits into one entry per person;
# 6: words the PDF text layer ran together are split (ingest/words.py); 7: and words glued to a short word ("emissionsfrom");
# 8: "the 4Is" is one search token ("4i"), where it was the figure 4 (the stored search statistics change)
CURRENT_FILE = "CURRENT"
BUILDS_DIR = "builds"
LEASES_DIR = "leases"
# A lease not renewed for this long belongs to a server that stopped without letting go. Set by hand:
# many times the servers' check of kb/CURRENT (KB_WATCH_SECONDS, 2 s), which renews it.
LEASE_SECONDS = 120
# Exact search is fast up to this many chunks; beyond it, HNSW keeps answers quick. Set by hand: the
# bundled corpus has about 590 chunks, far below it (exact search, exact answers).
EXACT_SEARCH_LIMIT = 50_000
# A partial build (a hidden folder under builds/) untouched this long was left by an ingest that died;
# a younger one may be another ingest still running. Set by hand: no ingest takes a day.
STALE_PARTIAL_SECONDS = 24 * 3600


logger = logging.getLogger(__name__)


class KnowledgeBaseError(Exception):
    """The knowledge base is missing or unusable; the message says what to do."""


@dataclass
class StoredDocument:
    """Everything the knowledge base keeps about one source file."""

    record: DocumentRecord
    pages: list[str]  # page texts as extracted, page 1 first
    sentences: list[Sentence]
    chunks: list[Chunk]
    sentence_vectors: np.ndarray
    chunk_vectors: np.ndarray
    actions: list[ActionRow] = field(default_factory=list)


@dataclass(frozen=True)
class Manifest:
    format_version: int
    model: str
    dimension: int
    built_at: str
    files: dict[str, dict]
    counts: dict[str, int]
    # How ingest read the documents' text (``ingest.build.TEXT_PIPELINE``): a build read another way is
    # not reused file by file, so a change to cleaning or splitting reaches every document. 0: unrecorded.
    text_pipeline: int = 0


class KnowledgeBase:
    """A loaded build: documents, flat chunk and sentence lists, vectors, dense index."""

    def __init__(
        self,
        directory: Path,
        manifest: Manifest,
        documents: list[StoredDocument],
        dense_index: faiss.Index,
        actions: list[ActionRow],
    ):
        self.directory = directory
        self.actions = actions  # with leads' corrections applied
        self.manifest = manifest
        self.documents = documents
        self.by_slug = {doc.record.slug: doc for doc in documents}
        self.chunks: list[tuple[str, Chunk]] = [(d.record.slug, c) for d in documents for c in d.chunks]
        self.sentences: list[tuple[str, Sentence]] = [(d.record.slug, s) for d in documents for s in d.sentences]
        starts = accumulate((len(d.sentences) for d in documents), initial=0)
        self.sentence_offsets = {d.record.slug: start for d, start in zip(documents, starts)}
        self.chunk_vectors = _stack([d.chunk_vectors for d in documents], manifest.dimension)
        self.sentence_vectors = _stack([d.sentence_vectors for d in documents], manifest.dimension)
        self.dense_index = dense_index
        self._page_sentences = _page_sentence_ranges(self.sentences)

    def page_sentence_ids(self, slug: str, page: int) -> range:
        """Global sentence ids on one page (sentences are stored in reading order)."""
        return self._page_sentences.get((slug, page), range(0))

    def chunk_sentence_ids(self, chunk_id: int) -> range:
        """Global sentence ids covered by a chunk."""
        slug, chunk = self.chunks[chunk_id]
        offset = self.sentence_offsets[slug]
        return range(offset + chunk.first_sentence, offset + chunk.last_sentence + 1)

    def page_text(self, slug: str, page: int) -> str:
        return self.by_slug[slug].pages[page - 1]


def _page_sentence_ranges(sentences: list[tuple[str, Sentence]]) -> dict[tuple[str, int], range]:
    ranges: dict[tuple[str, int], range] = {}
    for sentence_id, (slug, sentence) in enumerate(sentences):
        key = (slug, sentence.page)
        start = ranges[key].start if key in ranges else sentence_id
        ranges[key] = range(start, sentence_id + 1)
    return ranges


def database_path(kb_dir: Path) -> Path:
    """The SQLite file of the build in use (for the action table's CSV import and export)."""
    build = current_build(kb_dir)
    if build is None:
        raise _no_build(kb_dir)
    return build / "kb.sqlite"


def _no_build(kb_dir: Path) -> KnowledgeBaseError:
    """What to say when ``CURRENT`` names no build: damage where an ingest finished before, else that there is none."""
    if has_knowledge_base(kb_dir):
        return KnowledgeBaseError(
            f"The knowledge base in {kb_dir} is damaged: {CURRENT_FILE} names no build. "
            f"Re-ingest with: python -m ingest corpus --index {kb_dir}"
        )
    return KnowledgeBaseError(f"No knowledge base in {kb_dir}. Build it with: python -m ingest corpus --index {kb_dir}")


def has_knowledge_base(kb_dir: Path) -> bool:
    """Whether an ingest ever finished here: ``CURRENT`` is there (written last), or a finished build is. When one did,
    a build that will not load is told as damaged, never built again from the corpus over it (two reviews: an emptied,
    then a deleted CURRENT had a server's start build from the default corpus and remove the real build)."""
    builds = kb_dir / BUILDS_DIR
    return (kb_dir / CURRENT_FILE).exists() or (builds.is_dir() and any(not p.name.startswith(".") for p in builds.iterdir()))


def current_build(kb_dir: Path) -> Path | None:
    pointer = kb_dir / CURRENT_FILE
    if not pointer.exists():
        return None
    try:
        name = pointer.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:  # a folder, say: it names no build
        return None
    # A build's own name only: an empty or edited CURRENT ("", "..") named builds/ itself or a folder outside it.
    if not name or Path(name).name != name or name in {".", ".."} or name.startswith("."):
        return None
    build = kb_dir / BUILDS_DIR / name
    return build if build.is_dir() else None


# What reading a damaged build raises: a truncated or missing file (OSError), JSON or an array cut short (ValueError),
# a manifest of the wrong shape (TypeError, KeyError), SQLite's and faiss's own errors (sqlite3.Error, RuntimeError).
_DAMAGE = (OSError, ValueError, TypeError, KeyError, sqlite3.Error, RuntimeError)


def load(kb_dir: Path, model_name: str, dimension: int, build: Path | None = None) -> KnowledgeBase:
    """Open the build in use (or ``build``), refusing one made with another model or format, or damaged."""
    build = build or current_build(kb_dir)
    if build is None:
        raise _no_build(kb_dir)
    try:
        data = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise TypeError("the manifest is not a JSON object")
        if data.get("format_version") != FORMAT_VERSION or data.get("model") != model_name or data.get("dimension") != dimension:
            raise KnowledgeBaseError(
                f"The knowledge base in {kb_dir} was built with format {data.get('format_version')} and model "
                f"{data.get('model')}; this version needs format {FORMAT_VERSION} and {model_name}. "
                f"Re-ingest with: python -m ingest corpus --index {kb_dir}"
            )
        manifest = _manifest_of(data)
        database = build / "kb.sqlite"
        if not database.is_file():  # sqlite3 would make an empty one
            raise FileNotFoundError(f"no {database.name}")
        with sqlite3.connect(database) as conn:
            documents = _read_documents(conn, build)
            actions = actions_store.load_actions(conn)
        dense_index = faiss.read_index(str(build / "chunks.faiss"))
    except _DAMAGE as error:
        # An attack review: a truncated manifest, index or database ended the server's start in a traceback.
        raise KnowledgeBaseError(
            f"The knowledge base build {build.name} in {kb_dir} is damaged ({type(error).__name__}: {error}). "
            f"Re-ingest with: python -m ingest corpus --index {kb_dir}"
        ) from error
    return KnowledgeBase(build, manifest, documents, dense_index, actions)


def _manifest_of(data: dict) -> Manifest:
    """A manifest of this format, read from its JSON: fields a later version adds are left aside rather than refused as
    an unknown argument (its format version was checked first)."""
    known = {f.name for f in fields(Manifest)}
    return Manifest(**{key: value for key, value in data.items() if key in known})


def write(
    kb_dir: Path,
    documents: list[StoredDocument],
    model_name: str,
    dimension: int,
    before_publish: Callable[[Path], None] | None = None,
    text_pipeline: int = 0,
) -> Manifest:
    """Write a complete new build, then make it current; older builds are removed.

    ``before_publish`` may add files to the finished build (search statistics) before anyone can load it.
    """
    builds = kb_dir / BUILDS_DIR
    builds.mkdir(parents=True, exist_ok=True)
    name = f"build-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    staging = builds / f".{name}.partial"
    staging.mkdir()
    try:
        manifest = _manifest(documents, model_name, dimension, text_pipeline)
        _write_sqlite(staging / "kb.sqlite", documents, current_build(kb_dir))
        chunk_vectors = _stack([d.chunk_vectors for d in documents], dimension)
        np.save(staging / "chunk_vectors.npy", chunk_vectors)
        np.save(staging / "sentence_vectors.npy", _stack([d.sentence_vectors for d in documents], dimension))
        faiss.write_index(build_dense_index(chunk_vectors), str(staging / "chunks.faiss"))
        (staging / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
        if before_publish is not None:
            before_publish(staging)
        staging.rename(builds / name)
    except BaseException:
        # A failed write (a full disk, an interrupt) takes its partial build with it: an attack review saw three failed
        # runs leave three full-size partials, on a disk already full, until the day-old sweep.
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _point_current_at(kb_dir, name)
    _remove_other_builds(builds, keep=name)
    return manifest


def build_dense_index(vectors: np.ndarray) -> faiss.Index:
    """Exact inner-product search at this size; HNSW when the corpus grows a hundred-fold."""
    dimension = vectors.shape[1]
    index: faiss.Index
    if len(vectors) <= EXACT_SEARCH_LIMIT:
        index = faiss.IndexFlatIP(dimension)
    else:
        hnsw = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efSearch = 128
        index = hnsw
    index.add(vectors)
    return index


def _manifest(documents: list[StoredDocument], model_name: str, dimension: int, text_pipeline: int) -> Manifest:
    return Manifest(
        format_version=FORMAT_VERSION,
        text_pipeline=text_pipeline,
        model=model_name,
        dimension=dimension,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        files={
            d.record.file: {"sha256": d.record.sha256, "slug": d.record.slug, "pages": d.record.page_count, "chunks": len(d.chunks)}
            for d in documents
        },
        counts={
            "documents": len(documents),
            "pages": sum(d.record.page_count for d in documents),
            "chunks": sum(len(d.chunks) for d in documents),
            "sentences": sum(len(d.sentences) for d in documents),
            "actions": sum(len(d.actions) for d in documents),
        },
    )


def _point_current_at(kb_dir: Path, name: str) -> None:
    pointer = kb_dir / f".{CURRENT_FILE}.tmp"
    pointer.write_text(name, encoding="utf-8")
    os.replace(pointer, kb_dir / CURRENT_FILE)


def _remove_other_builds(builds: Path, keep: str) -> None:
    """Remove finished builds no longer in use, and partial ones abandoned over a day ago.

    A partial build younger than that may belong to an ingest still running; a
    finished one with a fresh lease is still answering questions in a server.
    """
    for path in builds.iterdir():
        try:
            abandoned = path.name.startswith(".") and time.time() - path.stat().st_mtime > STALE_PARTIAL_SECONDS
        except FileNotFoundError:
            continue  # removed by another ingest while we looked (a failed one removes its partial build at once)
        leased = is_leased(builds.parent, path.name)
        if path.name != keep and not leased and (not path.name.startswith(".") or abandoned):
            shutil.rmtree(path, ignore_errors=True)
            shutil.rmtree(builds.parent / LEASES_DIR / path.name, ignore_errors=True)


def take_lease(build: Path) -> Path | None:
    """Claim ``build`` (a folder under ``builds/``) for a running server; returns the lease to renew and release, or
    None when the knowledge base cannot be written to (the Docker image's, built by root and read by its own user:
    an attack review saw the server fail to start there). No ingest can remove a build from such a folder either.

    A lease is a file whose modification time is its heartbeat, so it works
    across processes and containers sharing the folder, and a crashed server's
    lease simply goes stale.
    """
    folder = build.parent.parent / LEASES_DIR / build.name
    lease = folder / f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lease.touch()
    except OSError:
        return None
    return lease


def renew_lease(lease: Path | None) -> None:
    """Touch the lease, making it again if its folder went (an error still reaches the caller, which logs it: a lease
    that cannot be renewed goes stale, and ingest may then remove the build in use)."""
    if lease is not None:
        lease.parent.mkdir(parents=True, exist_ok=True)
        lease.touch()


def release_lease(lease: Path | None) -> None:
    if lease is not None:
        with suppress(OSError):
            lease.unlink(missing_ok=True)


def is_leased(kb_dir: Path, name: str) -> bool:
    """Whether some server renewed a lease on build ``name`` in the last ``LEASE_SECONDS``."""
    folder = kb_dir / LEASES_DIR / name
    if not folder.is_dir():
        return False
    now = time.time()
    for lease in folder.iterdir():
        try:
            if now - lease.stat().st_mtime < LEASE_SECONDS:
                return True
        except FileNotFoundError:
            continue  # released while we looked
    return False


_SCHEMA = """
CREATE TABLE documents (position INTEGER PRIMARY KEY, slug TEXT UNIQUE, title TEXT, date TEXT, kind TEXT,
                        file TEXT, sha256 TEXT, page_count INTEGER);
CREATE TABLE pages (slug TEXT, page INTEGER, text TEXT, PRIMARY KEY (slug, page));
CREATE TABLE sentences (slug TEXT, position INTEGER, page INTEGER, heading TEXT, text TEXT, PRIMARY KEY (slug, position));
CREATE TABLE chunks (slug TEXT, position INTEGER, page INTEGER, heading TEXT, first_sentence INTEGER,
                     last_sentence INTEGER, text TEXT, PRIMARY KEY (slug, position));
"""


def _write_sqlite(path: Path, documents: list[StoredDocument], previous_build: Path | None) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(_SCHEMA)
        actions_store.create_schema(conn)
        if previous_build is not None and (previous_build / "kb.sqlite").is_file():
            # The edits made to the action table are kept. A damaged build in use cannot give them, and the new build is
            # what mends it (an attack review: re-ingesting, as the error told, failed on the old database): said so.
            try:
                with sqlite3.connect(previous_build / "kb.sqlite") as previous:
                    actions_store.copy_overrides(conn, previous)
            except sqlite3.Error as error:
                logger.warning(
                    "The action table's corrections could not be read from the damaged build %s (%s); import them again "
                    "with: python -m ingest actions --import FILE.csv", previous_build.name, error,
                )
        for position, doc in enumerate(documents):
            r = doc.record
            conn.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?)",
                (position, r.slug, r.title, r.date, r.kind, r.file, r.sha256, r.page_count),
            )
            conn.executemany("INSERT INTO pages VALUES (?,?,?)", [(r.slug, n, t) for n, t in enumerate(doc.pages, 1)])
            conn.executemany(
                "INSERT INTO sentences VALUES (?,?,?,?,?)",
                [(r.slug, i, s.page, s.heading, s.text) for i, s in enumerate(doc.sentences)],
            )
            conn.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?)",
                [(r.slug, i, c.page, c.heading, c.first_sentence, c.last_sentence, c.text) for i, c in enumerate(doc.chunks)],
            )
            actions_store.replace_actions(conn, r.slug, doc.actions)


def _read_documents(conn: sqlite3.Connection, build: Path) -> list[StoredDocument]:
    chunk_vectors = np.load(build / "chunk_vectors.npy")
    sentence_vectors = np.load(build / "sentence_vectors.npy")
    documents: list[StoredDocument] = []
    chunk_start = sentence_start = 0
    for row in conn.execute("SELECT slug, title, date, kind, file, sha256, page_count FROM documents ORDER BY position"):
        record = DocumentRecord(*row)
        pages = [t for (t,) in conn.execute("SELECT text FROM pages WHERE slug=? ORDER BY page", (record.slug,))]
        sentences = [
            Sentence(*r) for r in conn.execute("SELECT page, heading, text FROM sentences WHERE slug=? ORDER BY position", (record.slug,))
        ]
        chunks = [
            Chunk(*r)
            for r in conn.execute(
                "SELECT page, heading, first_sentence, last_sentence, text FROM chunks WHERE slug=? ORDER BY position", (record.slug,)
            )
        ]
        documents.append(
            StoredDocument(
                record=record,
                pages=pages,
                sentences=sentences,
                chunks=chunks,
                sentence_vectors=sentence_vectors[sentence_start : sentence_start + len(sentences)],
                chunk_vectors=chunk_vectors[chunk_start : chunk_start + len(chunks)],
            )
        )
        chunk_start += len(chunks)
        sentence_start += len(sentences)
    if (sentence_start, chunk_start) != (len(sentence_vectors), len(chunk_vectors)):
        # A review: vectors cut short loaded, and every question then failed; a re-ingest reused them as unchanged.
        raise ValueError("the vectors do not match the sentences and chunks")
    return documents


def _stack(arrays: list[np.ndarray], dimension: int) -> np.ndarray:
    arrays = [a for a in arrays if len(a)]
    return np.ascontiguousarray(np.vstack(arrays), dtype=np.float32) if arrays else np.zeros((0, dimension), np.float32)
