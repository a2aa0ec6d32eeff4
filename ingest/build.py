"""The ingest run: a corpus folder becomes a new knowledge base build.

For each file: hash it; if the previous build has the same file with the
same hash and catalog entry, reuse its sentences, chunks and vectors (so an
unchanged re-ingest never loads the embedding model); otherwise read, clean,
split, chunk and embed it. Unreadable files are skipped and reported. The
result is written as a complete new build and swapped in at the end.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
from tqdm import tqdm

from index import store, word_meaning
from index.embedder import Embedder
from index.records import Chunk, DocumentRecord, Sentence
from index.search import save_statistics
from index.store import StoredDocument
from index.terminal import printable
from index.text import collapse_whitespace, search_form
from ingest.actions import extract_actions
from ingest.catalog import CATALOG_FILE, DocumentInfo, describe_uncatalogued, load_catalog
from ingest.chunking import chunk_sentences
from ingest.cleaning import strip_page_furniture
from ingest.reading import SUPPORTED_SUFFIXES, UnreadableDocument, read_pages
from ingest.sentences import page_sentences
from ingest.words import repair_pages

# Raised whenever reading, cleaning, repairing or splitting text changes what a document's sentences are:
# a build made by another version is read again in full instead of reused file by file (``_previous_documents``).
# 2: lines that are only a page number ("Performance Report  Page 29 of 51") dropped wherever they stand.
# 3: words broken at an fi/fl/ff ligature joined ("identif ied"); attendance entries keep short wrapped lines only
#    while they visibly go on.
# 4: a web address laid over many pages ("happyhealthylives.ukHappyhealthylives.uk") dropped wherever it stands.
# 5: a word run onto a plain number ("around40", "inhalersby2024") parted, as it was for amounts.
# 6: footnotes at a page's foot ("7 Case studies at annex 1") dropped, which ran on from the sentence above.
# 7: a year run onto the word after it ("2020/21as", "2018/19to") parted.
# 8: a single digit stays glued to its word (mostly a footnote's marker: "aim1,"); footnote markers are
#    looked for on the page as read, before glued words are parted.
# 9: a rare word is not read as glue when wordninja cuts it into fragments ("isoflurane" was "is of lu ran e").
# 10: ... nor when the run is mostly glue words ("atorvastatin": "at or vast at in"; "rigour" was "rig our").
# 11: footnotes that wrap onto a line of their own, or are followed by their web addresses printed again, or
#     whose marker follows a sentence's close ("Borough). 3"), dropped too (PHM Roadmap pp. 3 and 5).
# 12: an acronym run onto the lower-case words after it parted ("GEHdoes", "ICSanaestheticgasesandinhalerdata").
# 13: a sentence's first line is no section heading when it ends on a word that leads on ("... involving our")
#     or is a long line of mostly lower-case words ("UHCW have installed electric vehicle charging points at University").
# 14: a financial year after a pair of numbers that is none ("Month 12 - 2021/22") is read as one ("fy21/22"),
#     not lost to the "12 - 2021" before it (index/text.py; one sentence of the minutes changes).
# 15: an over-long run of table rows is cut after a row's closing figure, never inside a row
#     ("Dementia Diagnosis Rate 82%" | "Apr-22 56.3%"); 54 sentences of tables change.
# 16: a section's number that the text layer put at the end of the sentence before the section ("... Media
#     5.1.") is left out of both sentences
# 17: ... only when the number opens a line of its own, as a section's number does ("was 4.5." stays); 16
#     sentences change
# 18: a contact's block (name, role, address, telephone, email) is a sentence of its own, not run into the
#     sentence a page break cut (NHSE letter p. 1) or the one after it (Green Plan p. 97)
# 19: a letter's salutation ("Dear Phil and Danielle") and close ("Yours sincerely", with the signer's name and
#     role) are sentences of their own: the address block ran into the letter's first sentence, and "Yours
#     sincerely" was read as the heading of the signature, copy list and appendix (NHSE letter pp. 1 and 4)
# 20, 21 and 22 were tried and undone (docs/experiments.md): the people a label introduces joined to it, and no
#     heading after a line ending in a colon. 23 reads the text as 19 did; the number only moves on so that a
#     knowledge base built at 20-22 is rebuilt
# 24: initials joined by an ampersand ("A&E", "C&W") are one search token; their single letters had been dropped,
#     so "a&e 4hr performance in may 2022" was searched as "4hr performance may 2022"
# 25: a sentence that removing page furniture joined across the furniture is kept as the runs of it that stand on
#     the page, not dropped: the breast cancer table by trust ("SWFT 93.9% ... UHCW 85.7%", performance report
#     p. 24) and five more sentences had been lost
# 26: a label and a sentence's first words after a line ending in a colon are what the colon announces, not a
#     heading ("The committee noted the following:" / "CWPT: six concerns on level two of the Quality Assurance"
#     had become the heading of the list under it and left the text: the quality committee report p. 2)
# 27: a sentence run onto the one before with no space after its full stop ("Coventry.There was ...") is parted
# 28: a table row of a label, a figure and a comment in prose starts a sentence of its own (the finance report's
#     variance table, p. 6: "Primary Care 100 Underspend due to vacant posts ..." had run on with three other rows)
# 29: a pair of numbers that the words beside it make an age range ("16-17 year olds", "aged 17-18") is no financial
#     year token; no page of the bundled corpus has one, so its build reads the same
TEXT_PIPELINE = 29
# A run of a sentence kept on its page has at least this many words (``runs_on_page``). Set by hand: the shortest
# of the corpus's twelve runs has four.
MIN_RUN_WORDS = 3

# How much a section heading pulls its chunk's vector towards the section's topic (the chunk's mean
# sentence vector plus this times the heading's). Set by hand: a half, so the heading helps a chunk
# be found under its topic without outweighing what the chunk says.
HEADING_WEIGHT = 0.5


@dataclass(frozen=True)
class SkippedFile:
    file: str
    reason: str


@dataclass
class IngestReport:
    files: int = 0
    pages: int = 0
    chunks: int = 0
    actions: int = 0
    reused: int = 0
    seconds: float = 0.0
    skipped: list[SkippedFile] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)  # files catalog.json lists that the corpus lacks
    built_at: str = ""

    def summary(self) -> str:
        lines = [
            f"Ingested {self.files} files ({self.reused} unchanged), {self.pages} pages, "
            f"{self.chunks} chunks, {self.actions} actions in {self.seconds:.1f}s."
        ]
        # A file's name, the reason (pypdf's message may quote the file) and the catalog's own text, shown: a line break
        # or a terminal's escape in them is shown as "?", not acted on.
        lines += [f"Skipped {printable(s.file, one_line=True)}: {printable(s.reason, one_line=True)}" for s in self.skipped]
        lines += [f"catalog.json lists {printable(name, one_line=True)}, which is not in the corpus" for name in self.not_found]
        return "\n".join(lines)


class NothingToIngest(Exception):
    """No readable document was found; the previous knowledge base is left as it was."""


def ingest_corpus(
    corpus_dir: Path,
    kb_dir: Path,
    embedder_factory: Callable[[], Embedder] = Embedder,
    show_progress: bool = False,
) -> IngestReport:
    started = time.perf_counter()
    get_embedder = cache(embedder_factory)  # loaded only if some file needs embedding
    catalog = load_catalog(corpus_dir)
    previous = _previous_documents(kb_dir)
    # Vectors of the build in use are reused only when its documents are (same model, text read alike).
    previous_words = _previous_corpus_words(kb_dir) if previous else word_meaning.NO_WORDS
    report = IngestReport()
    documents: list[StoredDocument] = []
    files = corpus_files(corpus_dir)
    # A typo in the catalog had lost that document's title and date without a word (an attack review).
    report.not_found = sorted(set(catalog) - {path.name for path in files})
    for path in tqdm(files, desc="Ingesting", unit="file", disable=not show_progress):
        if (problem := _unreadable_file(path)) is not None:
            report.skipped.append(SkippedFile(path.name.encode("utf-8", "replace").decode(), problem))
            continue
        info = catalog.get(path.name) or describe_uncatalogued(path)
        record = _record(path, _unique(info, documents))
        reusable = previous.get(path.name)
        if reusable is not None and replace(reusable.record, page_count=0) == record:
            documents.append(reusable)
            report.reused += 1
            continue
        try:
            documents.append(process_document(path, record, get_embedder()))
        except UnreadableDocument as exc:
            report.skipped.append(SkippedFile(path.name, str(exc)))
    if not documents:
        raise NothingToIngest(f"No readable documents in {corpus_dir}; the knowledge base was not changed.")
    # The action table is rebuilt from the pages every run: it takes a tenth of a second.
    documents = [replace(d, actions=extract_actions(d.record.slug, d.pages)) for d in documents]

    def before_publish(build: Path) -> None:
        """Search statistics and the corpus words' meanings, computed now so that servers load them instead."""
        kb = store.load(build.parent.parent, Embedder.name, Embedder.dimension, build=build)
        save_statistics(kb, build)
        texts = (sentence.text for _, sentence in kb.sentences)
        word_meaning.save(word_meaning.build(texts, lambda words: get_embedder().embed(words), previous_words), build)

    manifest = store.write(
        kb_dir, documents, Embedder.name, Embedder.dimension, before_publish=before_publish, text_pipeline=TEXT_PIPELINE
    )
    report.files = len(documents)
    report.pages = manifest.counts["pages"]
    report.chunks = manifest.counts["chunks"]
    report.actions = manifest.counts["actions"]
    report.built_at = manifest.built_at
    report.seconds = time.perf_counter() - started
    return report


def corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(
        path
        for path in corpus_dir.rglob("*")
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES and path.name != CATALOG_FILE
    )


def process_document(path: Path, record: DocumentRecord, embedder: Embedder) -> StoredDocument:
    """Read, clean, split, chunk and embed one file."""
    as_read = read_pages(path)
    pages = repair_pages(as_read)
    sentences = quotable(document_sentences(strip_page_furniture(pages, as_read)), pages)
    chunks = chunk_sentences(sentences)
    sentence_vectors = embedder.embed([search_form(s.text) for s in sentences])
    return StoredDocument(
        record=replace(record, page_count=len(pages)),
        pages=pages,
        sentences=sentences,
        chunks=chunks,
        sentence_vectors=sentence_vectors,
        chunk_vectors=chunk_vectors(chunks, sentence_vectors, embedder),
    )


def chunk_vectors(chunks: list[Chunk], sentence_vectors: np.ndarray, embedder: Embedder) -> np.ndarray:
    """A chunk's vector: the mean of its sentences' vectors plus its heading's, normalised.

    Embedding every chunk again would double ingest time on a 2-core machine
    (the model is the cost); the mean of sentence embeddings keeps their
    meaning, and the heading adds the section's context that a sentence lacks.
    """
    headings = sorted({c.heading for c in chunks if c.heading})
    heading_vectors = dict(zip(headings, embedder.embed(headings)))
    vectors = np.zeros((len(chunks), sentence_vectors.shape[1]), dtype=np.float32)
    for row, chunk in enumerate(chunks):
        vector = sentence_vectors[chunk.first_sentence : chunk.last_sentence + 1].mean(axis=0)
        if chunk.heading:
            vector = vector + HEADING_WEIGHT * heading_vectors[chunk.heading]
        vectors[row] = vector / max(float(np.linalg.norm(vector)), 1e-12)
    return vectors


def document_sentences(pages: list[str]) -> list[Sentence]:
    """All sentences in reading order; a heading carries over page breaks."""
    sentences: list[Sentence] = []
    heading = ""
    for number, text in enumerate(pages, start=1):
        page, heading = page_sentences(text, number, heading)
        sentences.extend(page)
    return sentences


def quotable(sentences: list[Sentence], pages: list[str]) -> list[Sentence]:
    """Sentences that stand word for word on their page, so every quote can be checked.

    Removing a running header between two lines ("Performance Report Page 24 of 51" mid-page) joins text that
    is not together on the page: such a sentence is kept as the runs of it that are (``runs_on_page``).
    """
    folded = [collapse_whitespace(page) for page in pages]
    return [
        replace(s, text=run)
        for s in sentences
        for run in ([s.text] if s.text in folded[s.page - 1] else runs_on_page(s.text, folded[s.page - 1]))
    ]


def runs_on_page(text: str, page: str) -> list[str]:
    """The longest runs of a text's words, in order, that stand word for word on the page (white space
    folded), of MIN_RUN_WORDS or more: a word or two found somewhere on the page ("the", "2022") is no sentence."""
    words = text.split(" ")
    runs: list[str] = []
    start = 0
    while start < len(words):
        end = start
        while end < len(words) and " ".join(words[start : end + 1]) in page:
            end += 1  # every start of a run on the page is on it too: grow it while it stays there
        if end - start >= MIN_RUN_WORDS:
            runs.append(" ".join(words[start:end]))
        start = max(end, start + 1)
    return runs


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _unreadable_file(path: Path) -> str | None:
    """Why one file cannot be ingested before it is read, or None: one such file had ended the whole ingest in a
    traceback (an attack review), where an unreadable PDF is skipped and reported."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not UTF-8; rename it"
    try:
        with path.open("rb") as file:
            file.read(1)
    except OSError as error:
        return f"it could not be opened ({error.strerror or error})"
    return None


def _record(path: Path, info: DocumentInfo) -> DocumentRecord:
    # page_count is filled in when the file is read; 0 marks "not read yet".
    return DocumentRecord(info.slug, info.title, info.date, info.kind, path.name, file_sha256(path), page_count=0)


def _unique(info: DocumentInfo, documents: list[StoredDocument]) -> DocumentInfo:
    """Two files must not share a slug: the second gets a numbered one."""
    taken = {d.record.slug for d in documents}
    slug, n = info.slug, 2
    while slug in taken:
        slug, n = f"{info.slug}-{n}", n + 1
    return replace(info, slug=slug)


def _previous_corpus_words(kb_dir: Path) -> word_meaning.CorpusWords:
    """The build in use's corpus words, whose vectors a new build reuses (none without one)."""
    build = store.current_build(kb_dir)
    return word_meaning.load(build, Embedder.dimension) if build is not None else word_meaning.NO_WORDS


def _previous_documents(kb_dir: Path) -> dict[str, StoredDocument]:
    """Documents of the build in use, by file name, when it read their text the way this code does."""
    try:
        previous = store.load(kb_dir, Embedder.name, Embedder.dimension)
    except (store.KnowledgeBaseError, OSError, ValueError, KeyError, TypeError):
        return {}  # nothing to reuse: missing, from another model, or damaged
    if previous.manifest.text_pipeline != TEXT_PIPELINE:
        return {}  # read another way: every document is read again
    return {d.record.file: d for d in previous.documents}
