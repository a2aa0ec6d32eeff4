"""Ingest of small PDFs made here: pages, headings, bad files, re-ingest, interruption."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import random
import re
import shutil
import signal
import string
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import wordninja
from fpdf import FPDF

from index import store
from index.embedder import Embedder
from index.text import MAX_GLUED_LETTERS, english_word_costs, glued_parts
from ingest import build, sentences
from ingest.build import NothingToIngest, ingest_corpus, runs_on_page
from ingest.catalog import CatalogError
from ingest.sentences import page_sentences, split_sentences
from ingest.words import MAX_SEGMENTED_LETTERS_PER_PAGE, repair_pages


def write_pdf(path: Path, pages: list[list[str]], title: str | None = None) -> Path:
    """A real PDF with one text line per entry, one list of lines per page."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    if title:
        pdf.set_title(title)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


BIKE_PAGES = [
    ["Cycling to Work", "The trust will fund 40 new bicycle shelters at Rugby St Cross by March 2024."],
    ["Fleet Plans", "All pool cars will be electric by 2026.", "Charging points will be installed in every car park."],
]


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_pdf(corpus / "travel-plan.pdf", BIKE_PAGES, title="Staff Travel Plan 2023")
    (corpus / "catalog.json").write_text(
        json.dumps([{"file": "pdf/travel-plan.pdf", "slug": "travel", "title": "Travel Plan", "date": "2023-01", "kind": "plan"}])
    )
    (corpus / "notes.txt").write_text("Waste Notes\nClinical waste is collected twice a week.\fPage two says nothing new.")
    return corpus


def load(kb_dir: Path) -> store.KnowledgeBase:
    return store.load(kb_dir, Embedder.name, Embedder.dimension)


def test_pages_headings_and_catalog_titles(small_corpus, tmp_path, embedder):
    report = ingest_corpus(small_corpus, tmp_path / "kb", lambda: embedder)
    kb = load(tmp_path / "kb")

    assert report.files == 2 and not report.skipped
    travel = kb.by_slug["travel"]
    assert travel.record.title == "Travel Plan"  # from the catalog
    electric = next(s for s in travel.sentences if "electric" in s.text)
    assert (electric.page, electric.heading) == (2, "Fleet Plans")
    notes = kb.by_slug["notes"]
    assert notes.record.title == "Notes"  # no catalog entry: titled from the file name
    assert notes.record.page_count == 2


def test_unreadable_files_are_skipped_and_reported(small_corpus, tmp_path, embedder):
    (small_corpus / "corrupt.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    write_pdf(small_corpus / "blank.pdf", [[]])

    report = ingest_corpus(small_corpus, tmp_path / "kb", lambda: embedder)

    assert {s.file for s in report.skipped} == {"corrupt.pdf", "blank.pdf"}
    assert any("no extractable text" in s.reason for s in report.skipped)
    assert report.files == 2
    assert "Skipped corrupt.pdf" in report.summary()


def pdf_with_stream(path: Path, stream: bytes, filter_name: str) -> Path:
    """A one-page PDF whose page content is ``stream``, encoded (as its dictionary says) with ``filter_name``."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /%s >>\nstream\n%s\nendstream" % (len(stream), filter_name.encode(), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    path.write_bytes(bytes(pdf))
    return path


def test_a_pdf_pypdf_cannot_decode_is_skipped_and_reported_and_the_rest_ingested(small_corpus, tmp_path, embedder):
    """An attack review: a PDF with a filter pypdf does not know, one in Brotli (not installed) and a compression bomb
    each stopped the whole ingest with a traceback (NotImplementedError, DependencyError, LimitReachedError)."""
    text = b"BT /F1 12 Tf 72 720 Td (The water actions are led by the ICB and due in 23/24.) Tj ET"
    pdf_with_stream(small_corpus / "unknown-filter.pdf", text, "FooDecode")
    pdf_with_stream(small_corpus / "brotli.pdf", b"\x0b\x02\x80hello\x03", "BrotliDecode")
    pdf_with_stream(small_corpus / "bomb.pdf", zlib.compress(text + b" " * 80_000_000, 9), "FlateDecode")

    report = ingest_corpus(small_corpus, tmp_path / "kb", lambda: embedder)

    reasons = {skipped.file: skipped.reason for skipped in report.skipped}
    assert reasons["unknown-filter.pdf"] == "not a readable PDF (NotImplementedError: Unsupported filter /FooDecode)"
    assert reasons["brotli.pdf"].startswith("not a readable PDF (DependencyError: brotli is required")
    assert reasons["bomb.pdf"].startswith("a compressed stream in it expands past pypdf's limit")
    assert len(reasons) == 3 and report.files == 2 and set(load(tmp_path / "kb").by_slug) == {"travel", "notes"}
    assert "Skipped bomb.pdf: a compressed stream in it expands past pypdf's limit" in report.summary()


def test_unchanged_reingest_reuses_everything_and_changes_are_picked_up(small_corpus, tmp_path, embedder):
    kb_dir = tmp_path / "kb"
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)

    def must_not_load() -> Embedder:
        raise AssertionError("an unchanged corpus must not need the embedding model")

    again = ingest_corpus(small_corpus, kb_dir, must_not_load)
    assert again.reused == 2

    (small_corpus / "notes.txt").write_text("Waste Notes\nGlass is now recycled at every site.")
    (small_corpus / "travel-plan.pdf").unlink()
    changed = ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    kb = load(kb_dir)
    assert changed.reused == 0 and set(kb.by_slug) == {"notes"}
    assert any("Glass is now recycled" in s.text for s in kb.by_slug["notes"].sentences)


def test_a_build_whose_text_was_read_another_way_is_read_again(small_corpus, tmp_path, embedder, monkeypatch):
    """An upgrade that reads text differently (cleaning, repairs, sentence splitting) must reach every
    document, not only the files that changed since the last ingest."""
    kb_dir = tmp_path / "kb"
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    assert load(kb_dir).manifest.text_pipeline == build.TEXT_PIPELINE
    monkeypatch.setattr(build, "TEXT_PIPELINE", build.TEXT_PIPELINE + 1)
    again = ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    assert again.reused == 0 and load(kb_dir).manifest.text_pipeline == build.TEXT_PIPELINE


def test_a_line_that_is_only_a_page_number_is_dropped_wherever_it_stands(knowledge_base):
    # "Performance Report  Page 29 of 51" printed mid-page by an embedded slide had led an answer.
    assert not [s for _, s in knowledge_base.sentences if re.search(r"\bPage \d+ of \d+\b", s.text)]


def test_a_sentence_joined_across_removed_furniture_keeps_the_runs_that_stand_on_the_page(knowledge_base):
    """Removing "Performance Report Page 24 of 51" mid-page joined the text before and after it into a sentence
    that is not on the page, and the whole of it was dropped: with it the breast cancer table by trust."""
    page = "Benchmarking CW MIDLANDS ENGLAND Performance Report Page 24 of 51 8.2 CANCER: Two Week Wait (93%)"
    joined = "Benchmarking CW MIDLANDS ENGLAND 8.2 CANCER: Two Week Wait (93%) New"
    assert runs_on_page(joined, page) == ["Benchmarking CW MIDLANDS ENGLAND", "8.2 CANCER: Two Week Wait (93%)"]
    assert runs_on_page("ENGLAND zz Performance Report", page) == []  # a word or two found on the page is no sentence
    on_page_24 = [s.text for slug, s in knowledge_base.sentences if slug == "icb-performance-report-2022-07" and s.page == 24]
    assert any("SWFT 93.9%" in text and "UHCW 85.7%" in text for text in on_page_24)


def test_what_a_colon_announces_is_text_not_a_heading(knowledge_base):
    """"The committee noted the following:" / "CWPT: six concerns on level two of the Quality Assurance": the second
    line had become the heading of the list under it and left the text (a new user's trial asked for the six)."""
    texts = [s.text for slug, s in knowledge_base.sentences if slug == "ccg-quality-committee-report-2022-06"]
    assert any(t.endswith("CWPT: six concerns on level two of the Quality Assurance Framework (QAF);") for t in texts)
    headings = {s.heading for _, s in knowledge_base.sentences}
    assert not any(h.startswith("CWPT: six concerns") for h in headings)


def test_a_web_address_laid_over_many_pages_is_not_part_of_any_sentence(knowledge_base):
    # The Green Plan prints "happyhealthylives.ukHappyhealthylives.uk" mid-page on several pages; it had
    # been glued into the sentences beside it ("... is also taken happyhealthylives.ukHappyhealthylives.uk The ...").
    assert not [s for _, s in knowledge_base.sentences if "healthylives.ukHappy" in s.text]
    assert any("happyhealthylives.uk/" in s.text for _, s in knowledge_base.sentences)  # a link in the text stays


def test_interrupted_ingest_leaves_previous_knowledge_base_usable(small_corpus, tmp_path, embedder, monkeypatch):
    kb_dir = tmp_path / "kb"
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    (small_corpus / "notes.txt").write_text("Waste Notes\nA brand new sentence about incinerators.")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store.faiss, "write_index", crash)  # dies halfway through writing the new build
    with pytest.raises(KeyboardInterrupt):
        ingest_corpus(small_corpus, kb_dir, lambda: embedder)

    kb = load(kb_dir)
    assert not any("incinerators" in s.text for s in kb.by_slug["notes"].sentences)
    assert any("twice a week" in s.text for s in kb.by_slug["notes"].sentences)
    # ... and takes its partial build with it (an attack review: failed runs on a full disk left theirs).
    assert [p.name for p in (kb_dir / store.BUILDS_DIR).iterdir()] == [kb.directory.name]


DAMAGE = {
    "a truncated database": lambda build: (build / "kb.sqlite").write_bytes((build / "kb.sqlite").read_bytes()[:4096]),
    "no database": lambda build: (build / "kb.sqlite").unlink(),
    "a truncated dense index": lambda build: (build / "chunks.faiss").write_bytes((build / "chunks.faiss").read_bytes()[:1000]),
    "a manifest that is a list": lambda build: (build / "manifest.json").write_text("[]"),
    "truncated vectors": lambda build: (build / "sentence_vectors.npy").write_bytes(b"\x93NUMPY"),
    # A review: vectors cut to fewer rows loaded, every question then failed, and a re-ingest reused them as unchanged.
    "vectors of fewer rows": lambda build: store.np.save(build / "sentence_vectors.npy", store.np.load(build / "sentence_vectors.npy")[:2]),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_build_is_named_so_and_reingesting_mends_it(small_corpus, tmp_path, embedder, damage):
    """An attack review: each of these ended the bot's start in a traceback, and the re-ingest its message asked for
    failed on the same damage."""
    kb_dir = tmp_path / "kb"
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    DAMAGE[damage](store.current_build(kb_dir))
    with pytest.raises(store.KnowledgeBaseError, match=r"is damaged \(.*\)\. Re-ingest with: python -m ingest corpus"):
        load(kb_dir)
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    assert any("twice a week" in s.text for s in load(kb_dir).by_slug["notes"].sentences)


def test_a_manifest_field_of_a_later_version_is_read_past(small_corpus, tmp_path, embedder):
    """A field the code does not know is left aside: the format version says whether the build can be read."""
    kb_dir = tmp_path / "kb"
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    manifest_path = store.current_build(kb_dir) / "manifest.json"
    manifest_path.write_text(json.dumps(json.loads(manifest_path.read_text()) | {"signed_by": "a later ingest"}))
    assert "travel" in load(kb_dir).by_slug


@pytest.mark.parametrize("named", ["", "..", ".", "../builds", ".build-x.partial", "build-that-is-gone", None, "a folder"])
def test_current_naming_no_build_is_damage_and_never_built_over(small_corpus, tmp_path, embedder, named, monkeypatch):
    """An empty or edited CURRENT had named the builds folder itself; then (a review) a server's start read it as no
    knowledge base, built one from the default corpus and removed the real build. It is damage, said as such."""
    from bot.config import Settings
    from bot.runtime import load_service

    kb_dir = tmp_path / "kb"
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    builds = sorted((kb_dir / store.BUILDS_DIR).iterdir())
    current = kb_dir / store.CURRENT_FILE
    current.unlink()
    if named == "a folder":
        current.mkdir()
    elif named is not None:  # None: deleted (a re-review), with the finished build still there
        current.write_text(named)
    monkeypatch.setattr("bot.runtime.ingest_corpus", lambda *args, **kwargs: pytest.fail("built over a knowledge base"))
    with pytest.raises(store.KnowledgeBaseError, match=r"is damaged: CURRENT names no build\. Re-ingest"):
        load_service(Settings(kb_dir=kb_dir, corpus_dir=small_corpus))
    with pytest.raises(store.KnowledgeBaseError, match=r"is damaged: CURRENT names no build"):
        store.database_path(kb_dir)  # the action table's export and import say the same (a re-review)
    assert sorted((kb_dir / store.BUILDS_DIR).iterdir()) == builds


def test_a_build_of_another_format_is_told_so_whatever_its_manifest_lacks(small_corpus, tmp_path, embedder):
    """A review: a later format's manifest without a field this one has was told as damage, not as another format."""
    kb_dir = tmp_path / "kb"
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    manifest_path = store.current_build(kb_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["built_at"]
    manifest_path.write_text(json.dumps(manifest | {"format_version": 99}))
    with pytest.raises(store.KnowledgeBaseError, match=r"built with format 99 .* needs format"):
        load(kb_dir)



def test_empty_corpus_changes_nothing(small_corpus, tmp_path, embedder):
    kb_dir = tmp_path / "kb"
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NothingToIngest):
        ingest_corpus(empty, kb_dir, lambda: embedder)
    assert "travel" in load(kb_dir).by_slug


def test_knowledge_base_from_another_model_asks_for_reingest(small_corpus, tmp_path, embedder):
    kb_dir = tmp_path / "kb"
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    manifest_path = store.current_build(kb_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"] = "some/other-model"
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(store.KnowledgeBaseError, match="Re-ingest"):
        load(kb_dir)


def test_corpus_files_ignore_the_catalog_and_unsupported_types(small_corpus):
    (small_corpus / "photo.jpg").write_bytes(b"\xff\xd8")
    shutil.copy(small_corpus / "notes.txt", small_corpus / "more.md")
    names = [p.name for p in build.corpus_files(small_corpus)]
    assert names == ["more.md", "notes.txt", "travel-plan.pdf"]


def test_a_bad_setting_is_named_in_one_line(tmp_path):
    import subprocess
    import sys

    from tests.support.paths import REPO

    result = subprocess.run(
        [sys.executable, "-m", "ingest", str(tmp_path)], cwd=REPO, capture_output=True, text=True, env={"PORT": "abc", "PATH": ""}
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "Configuration error: PORT should be a port number, not 'abc'"


def test_a_long_run_of_table_rows_is_cut_between_rows_never_inside_one():
    # The performance report's benchmarking table, as its page gives it: one row a line (two for a
    # wrapped one). Cut anywhere past 400 characters, "Dementia Diagnosis Rate 82%" lost its "Apr-22 56.3%".
    rows = [
        "Cancer 62-day wait from referral from an NHS screening service to",
        "first definitive treatment for all cancers 90% Apr-22 75.0%",
    ] * 4 + ["Dementia Diagnosis Rate 82% Apr-22 56.3%", "Physical health checks for people with SMI 60% Q3 21/22 32.4%"]
    sentences = [s.text for s in page_sentences("\n\n".join(rows), 9, "")[0]]
    assert all(len(s) <= 400 for s in sentences)
    assert any(s.startswith("Dementia Diagnosis Rate 82% Apr-22 56.3%") or " Dementia Diagnosis Rate 82% Apr-22 56.3%" in s for s in sentences)
    assert all(s.endswith(("75.0%", "56.3%", "32.4%")) for s in sentences)
    assert " ".join(sentences) == " ".join(" ".join(rows).split())  # nothing lost, nothing added


def test_sentences_split_at_sentence_ends_but_not_at_inline_item_numbers():
    text = (
        "The Committee approved the policy subject to 1. consideration of language. "
        "2. The timeframe is reduced to 4-6 weeks and 3. A sentence is added to invite appeals in writing. "
        "The final position was 44. Dr. Yadav agreed. Children aged 5 and 11. The board agreed. "
        "Weeks 4, 5 and 6. Referrals rose."
    )
    assert split_sentences(text) == [
        "The Committee approved the policy subject to 1. consideration of language.",
        "2. The timeframe is reduced to 4-6 weeks and 3. A sentence is added to invite appeals in writing.",
        "The final position was 44.",
        "Dr. Yadav agreed.",
        "Children aged 5 and 11.",
        "The board agreed.",
        "Weeks 4, 5 and 6.",
        "Referrals rose.",
    ]


class _CountedPattern:
    """A pattern that counts the characters it is asked to search."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.searched = 0

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        self.searched += min(endpos, len(text)) - pos
        return self.pattern.search(text, pos, endpos)


@pytest.mark.parametrize(
    "text",
    ["A. " * 20_000, "x " * 15_000 + "1. a, 2. B, " + "2. B, " * 5_000 + "end."],
    ids=["initials", "inline item numbers"],
)
def test_a_sentence_end_skipped_again_and_again_is_judged_by_its_last_characters(monkeypatch: pytest.MonkeyPatch, text: str):
    # An attack review: the abbreviation and inline item number patterns were searched over the whole sentence so far,
    # which grows while its ends are skipped (initials, or "2." after "1."), so such a page took time in the square of
    # its length (8,000 initials took 3.5 s, the second text 20 s). Counted, not timed: each word ends a sentence at
    # most once, and each pattern looks at no more than a sentence end's last characters (a few million characters
    # searched had been a few hundred million); the text still splits as it did.
    patterns = {name: _CountedPattern(getattr(sentences, name)) for name in ("_ABBREVIATION", "_INLINE_ITEM_NUMBER")}
    for name, counted in patterns.items():
        monkeypatch.setattr(sentences, name, counted)
    split = split_sentences(text)
    assert " ".join(split) == " ".join(text.split())
    assert all(len(s) <= 400 for s in split)
    assert sum(counted.searched for counted in patterns.values()) <= 2 * sentences.MAX_ENDING_CHARS * len(text.split())


def test_the_number_of_the_section_that_follows_is_no_part_of_the_sentence_before():
    # As the comms report and the minutes print them: the next section's number opens a line of its own.
    text = (
        "5. Patient Information - Media\n5.1. Proactive Media Releases\n2 media releases were issued.\n"
        "No red risks were identified at this stage\n4.\n4.1 Quality Report Mr Khan presented the report.\n"
        "The board NOTED the position for Month 12. Mrs Cartwright presented the accounts.\n"
        "Average length of stay was 4.5. The meeting closed at 12.30. It is set out in section 4.2.\n"
        "Reduce single-use plastics. 22/23 ICB LTP 17 SC\n18.4.3. 10 Support Trusts."
    )
    assert split_sentences(text) == [
        "5. Patient Information - Media",
        "Proactive Media Releases 2 media releases were issued.",
        "No red risks were identified at this stage",
        "4.1 Quality Report Mr Khan presented the report.",
        "The board NOTED the position for Month 12.",  # a month's number, not the next section's
        "Mrs Cartwright presented the accounts.",
        "Average length of stay was 4.5.",  # figures and references within a line stay
        "The meeting closed at 12.30.",
        "It is set out in section 4.2.",
        "Reduce single-use plastics.",
        "22/23 ICB LTP 17 SC 18.4.3.",  # an action row's reference to the NHS Standard Contract
        "10 Support Trusts.",
    ]


def test_no_quote_of_the_board_papers_ends_on_the_next_section_s_number(knowledge_base):
    """The comms report ran "9.4." onto "4 July - 219 in attendance" and "5.1." onto its Media heading."""
    board_papers = [sentence.text for slug, sentence in knowledge_base.sentences if slug != "cw-ics-green-plan"]
    assert "• 4 July - 219 in attendance" in board_papers
    assert not [text for text in board_papers if re.search(r"\s\d{1,2}(?:\.\d{1,2})+\.$", text)]


def test_a_table_row_keeps_its_closing_cells():
    page = "\n".join([
        "3 Engage with CWaPC Formulary committee",
        "to discuss ways of prescribing Dry Powder Inhalers.",
        "22/23 ICB NZ 3.4.1 IIF",
        "ES- 01",
        "17  SC 18.4.4.2",
        "4 Establish Green Inhaler guidance across the system.",
        "22/23 ICB LTP 17",
        "The ICS will report progress yearly.",
    ])
    sentences, _ = page_sentences(page, 78, "Medicines Action Plan")
    assert [s.text for s in sentences] == [
        "3 Engage with CWaPC Formulary committee to discuss ways of prescribing Dry Powder Inhalers. "
        "22/23 ICB NZ 3.4.1 IIF ES- 01 17 SC 18.4.4.2",
        "4 Establish Green Inhaler guidance across the system. 22/23 ICB LTP 17",
        "The ICS will report progress yearly.",
    ]


def test_a_list_of_people_splits_into_one_entry_each_but_prose_about_a_person_does_not():
    page = "\n".join([
        "The meeting was held on 18 May 2022 by Microsoft Teams.",
        "Dr Sarah Raistrick Chair",
        "Dr Arshad Khan Practice Member of the Governing Body (Warwickshire North",
        "Place)",
        "In Attendance:",
        "Ms Jo Galloway  Chief Nurse",
        "The Chair thanked the report's author,",
        "Dr Colette Marshall for her work on it.",
    ])
    sentences, _ = page_sentences(page, 1, "")
    assert [s.text for s in sentences] == [
        "The meeting was held on 18 May 2022 by Microsoft Teams.",
        "Dr Sarah Raistrick Chair",
        "Dr Arshad Khan Practice Member of the Governing Body (Warwickshire North Place)",
        "In Attendance:",
        "Ms Jo Galloway Chief Nurse",
        "The Chair thanked the report's author, Dr Colette Marshall for her work on it.",
    ]


def test_a_build_carries_its_search_statistics_and_start_up_loads_them(small_corpus, tmp_path, embedder):
    """Start-up and a swap load BM25 and the word statistics ingest stored, instead of tokenizing the corpus;
    a build without them (or with another version) still loads, computing them."""
    from index.search import STATISTICS_FILE, HybridSearcher, compute_statistics, load_statistics

    kb_dir = tmp_path / "kb"
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    kb = store.load(kb_dir, embedder.name, embedder.dimension)
    stored = load_statistics(kb.directory)
    assert stored is not None
    assert stored["sentence_tokens"] == compute_statistics(kb)["sentence_tokens"]
    # What the searcher knows comes from the stored file: a word put only there is known.
    stored["sentence_document_frequency"]["zzstoredonly"] = 1
    (kb.directory / STATISTICS_FILE).write_bytes(pickle.dumps(stored))
    assert HybridSearcher(kb).knows("zzstoredonly")

    (kb.directory / STATISTICS_FILE).write_bytes(b"not a pickle")
    assert load_statistics(kb.directory) is None
    searcher = HybridSearcher(kb)  # computed afresh
    assert not searcher.knows("zzstoredonly") and searcher.knows(next(iter(compute_statistics(kb)["sentence_document_frequency"])))


def test_the_english_word_list_is_read_once_and_shared_read_only():
    # Search asks it of every word of every question: a copy per call had been half of a warm answer's time
    # (a decorator left on the wrong function), and a shared list one caller could change would change them all.
    words = english_word_costs()
    assert words is english_word_costs()
    assert "staff" in words
    with pytest.raises(TypeError):
        words["notaword"] = 1.0  # type: ignore[index]


def test_words_split_at_a_ligature_are_joined_and_real_word_pairs_kept():
    page = (
        "Risks were identif ied early. The post is f ixed term (Chief Nursing Of f icer) and will improve patient f low "
        "despite diff iculty recruiting. Values f or each area. Most of the staff said that if there is time, staff to "
        "attend. Ask staff a question. Treated if identif ied via screening."
    )
    repaired = repair_pages([page])[0]
    for whole in ("identified early", "if identified via", "fixed term", "Chief Nursing Officer", "patient flow", "difficulty recruiting", "Values for"):
        assert whole in repaired
    for kept in ("of the", "if there", "staff to", "staff a question"):
        assert kept in repaired
    assert re.sub(r"\s", "", repaired) == re.sub(r"\s", "", page)  # only white space differs


def test_a_word_run_onto_a_figure_is_parted_and_a_broken_word_is_not():
    page = (
        "inhalers totalled27,420 tCO2e, a saving of around40 tCO2e, inhalersby2024/25. F igure9 shows it. "
        "We use 2020/21as our baseline, from 2018/19to 2020/21, in the 2020s."
    )
    repaired = repair_pages([page])[0]
    for parted in ("totalled 27,420", "around 40 tCO2e", "inhalers by 2024/25", "igure9", "2020/21 as our", "2018/19 to", "2020s"):
        assert parted in repaired
    assert re.sub(r"\s", "", repaired) == re.sub(r"\s", "", page)


def test_a_rare_word_is_not_read_as_glue_and_glued_words_are_still_parted():
    page = (
        "Other volatile anaesthetics, such as sevoflurane and isoflurane have far lower GWP ratings. "
        "We will incentivise change. The impact ofheat waves andextreme weather on services. "
        "Patients on atorvastatin were reviewed with rigour."
    )
    repaired = repair_pages([page])[0]
    for whole in ("isoflurane have", "incentivise change", "on atorvastatin were", "with rigour"):
        assert whole in repaired
    for parted in ("of heat", "and extreme"):
        assert parted in repaired
    assert re.sub(r"\s", "", repaired) == re.sub(r"\s", "", page)


def test_a_sentence_run_onto_a_full_stop_is_parted_and_addresses_and_initials_are_not():
    page = "Asylum Seekers who attend Inini Group in Coventry.There was over 20 people. See happyhealthylives.uk and the N.H.S. site."
    repaired = repair_pages([page])[0]
    assert "Coventry. There was" in repaired
    assert "happyhealthylives.uk" in repaired and "N.H.S." in repaired
    assert re.sub(r"\s", "", repaired) == re.sub(r"\s", "", page)


def test_an_acronym_run_onto_the_words_after_it_is_parted_and_names_are_not():
    page = (
        "GEH and the ICS report anaesthetic gases and inhaler data; GEH and the ICS record anaesthetic gases and "
        "inhaler data. GEHdoes not prescribe. Total ICSanaestheticgasesandinhalerdata were available. "
        "The SHAPEAtlas and the CWaPC team, GEH and the ICS."
    )
    repaired = repair_pages([page])[0]
    assert "GEH does not" in repaired and "ICS anaesthetic gases and inhaler data" in repaired
    assert "SHAPEAtlas" in repaired and "CWaPC" in repaired
    assert re.sub(r"\s", "", repaired) == re.sub(r"\s", "", page)


def test_a_ligature_split_is_not_joined_across_a_line_break():
    assert repair_pages(["the f\nlow road"])[0] == "the f\nlow road"


@contextlib.contextmanager
def stopped_after(seconds: float) -> Iterator[None]:
    """Stops the block, failing the test, when it runs longer than ``seconds`` (a regular expression too): a guard
    against the hours the code before took, not a measure of speed (about 0.1 s here; benchmarks measure speed)."""

    def stop(_signal: int, _frame: object) -> None:
        raise AssertionError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# A page's text layer holding 200,000 characters without a space: an image embedded as base64. An attack review: the
# web address pattern of ``ingest.words``, and the contact pattern ``page_sentences`` looks for, tried every character
# of such a run as a start and ran to its end from each, so 40,000 characters took 40 s to repair and up to 22 s to
# split into sentences (this page, hours); now well under a second each.
_BLOB = "iVBORw0KGgo+AAAANSUhEUg" * 8_696
_BLOB_PAGE = f"The chart is below.\n{_BLOB}\nIt shows the trend."


def test_a_page_with_a_long_run_without_spaces_is_repaired_at_once_and_left_as_it_is():
    with stopped_after(60):
        assert repair_pages([_BLOB_PAGE]) == [_BLOB_PAGE]


def test_a_page_with_a_long_run_without_spaces_is_split_into_sentences_at_once():
    with stopped_after(60):
        sentences, _heading = page_sentences(_BLOB_PAGE, 1, "")
    assert [s.text for s in sentences] == ["The chart is below.", _BLOB, "It shows the trend."]


def _counting_splits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of each run wordninja's segmenter is handed from now on, in order."""
    segmented: list[int] = []
    split = wordninja.LanguageModel._split

    def counted(model: wordninja.LanguageModel, run: str) -> object:
        segmented.append(len(run))
        return split(model, run)

    monkeypatch.setattr(wordninja.LanguageModel, "_split", counted)
    return segmented


def test_a_run_of_letters_too_long_to_be_glued_words_is_never_segmented(monkeypatch: pytest.MonkeyPatch):
    # An attack review: a page holding 200,000 letters without a space took 7 s to repair, as wordninja segmented the
    # whole run (glued words in the corpus run to 66 letters). Counted, not timed: no run longer than the bound reaches
    # the segmenter, while glued words beside it are still parted.
    segmented = _counting_splits(monkeypatch)
    letters = "abcdefghij" * 2_000
    page = f"The impact ofheat waves andextreme weather on services. {letters} and Ab{letters} end."
    repaired = repair_pages([page])[0]
    assert f" {letters} " in repaired and f" Ab{letters} " in repaired
    assert "of heat" in repaired and "and extreme" in repaired
    assert segmented and max(segmented) <= MAX_GLUED_LETTERS
    assert glued_parts(letters) is None
    # ... but a line a text layer ran together whole is still parted (a review: 210 letters had been left as they were).
    line = "thecarbonfootprintofthesystemwillbereportedtotheboardeveryquarterandthetrustswillsharetheirplanswithpartners" * 2
    assert len(line) > 200 and glued_parts(line) is not None


def test_a_page_of_many_long_runs_of_letters_segments_a_bounded_share_of_them_and_keeps_the_rest_verbatim(monkeypatch: pytest.MonkeyPatch):
    # A review: each run under MAX_GLUED_LETTERS was segmented, twice when in lower case, so a page of 200 runs of 900
    # random letters took 8–17 s to repair. Counted, not timed: the letters the page hands the segmenter are bounded,
    # the runs past the bound are kept as they are, glued words before them are still parted, and the next page has
    # its own share: the first page's short runs after its long ones use up its share to the last few letters, fewer
    # than the next page's glued words need.
    segmented = _counting_splits(monkeypatch)
    letters = random.Random(7)

    def runs(count: int, length: int) -> str:
        return " ".join("".join(letters.choice(string.ascii_lowercase) for _ in range(length)) for _ in range(count))

    page = f"The impact ofheat waves andextreme weather on services. {runs(200, 900)} {runs(200, 12)} end."
    repaired, after = repair_pages([page, "The impact ofheat waves andextreme weather on services."])
    assert repaired == page.replace("ofheat", "of heat").replace("andextreme", "and extreme")
    assert after == "The impact of heat waves and extreme weather on services."
    assert sum(segmented) <= 2 * MAX_SEGMENTED_LETTERS_PER_PAGE  # two pages' shares, of 360,000 letters


def test_the_knowledge_base_quotes_words_whole_that_the_pdf_split_at_ligatures(knowledge_base):
    def on_page(slug: str, page: int) -> str:
        return " ".join(s.text for name, s in knowledge_base.sentences if name == slug and s.page == page)

    assert "In 2021 we identified five key building blocks" in on_page("cw-phm-roadmap", 10)
    assert "risk stratification" in on_page("cw-phm-roadmap", 3)
    assert "support patient flow." in on_page("icb-performance-report-2022-07", 16)
    assert "diff iculty" not in on_page("icb-performance-report-2022-07", 30) and "difficulty" in on_page("icb-performance-report-2022-07", 30)
    everything = " ".join(s.text for _, s in knowledge_base.sentences)
    assert not re.search(r"\b(?:identif ied|f ixed|f low|f inanc|stratif ication|f icer)\b", everything)
    assert " of the " in everything


def test_a_person_s_entry_does_not_swallow_the_table_header_after_it():
    page = "\n".join(["Apologies:", "Mrs Elaine Strachan-Hall Registered Nurse", "Item", "No:"])
    sentences, _ = page_sentences(page, 2, "")
    assert [s.text for s in sentences] == ["Apologies:", "Mrs Elaine Strachan-Hall Registered Nurse", "Item No:"]


def test_the_minutes_name_who_sent_apologies_without_the_table_header_after_it(knowledge_base):
    minutes = [s.text for name, s in knowledge_base.sentences if name == "ccg-governing-body-minutes-2022-05" and s.page == 2]
    apologies = minutes.index("Apologies:")
    assert minutes[apologies + 1] == "Mrs Elaine Strachan-Hall Registered Nurse"
    assert "Item No:" in minutes
    assert "Dr Arshad Khan Practice Member of the Governing Body (Warwickshire North Place)" in minutes


def test_a_contacts_block_is_a_sentence_of_its_own_and_runs_into_no_other(knowledge_base):
    # A trial: a quote of the NHS England letter's page 1 ended "... without penalisation for any impact
    # Julie Grant Director of Strategic Transformation, West Midlands 23 St Stephenson Street ... T: 07876
    # 354253 E: J.grant10@nhs.net ...", and the Green Plan's contact ran into the sentence after it.
    texts = [s.text for _, s in knowledge_base.sentences]
    letter = next(t for t in texts if "without penalisation" in t)
    assert letter.endswith("without penalisation for any impact")
    sender = next(t for t in texts if "J.grant10@nhs.net" in t)
    assert sender.startswith("Julie Grant Director of Strategic Transformation") and "penalisation" not in sender
    contact = next(t for t in texts if "david.hobday@cwstp.uk" in t)
    assert contact == "David Hobday System Transformation Manager 01788 663286 david.hobday@cwstp.uk"
    assert "David Hobday" not in {s.heading for _, s in knowledge_base.sentences}


def test_a_letters_address_salutation_and_close_run_into_none_of_its_sentences(knowledge_base):
    # A trial: quotes of the NHS England letter opened "Phil Johns ICS Executive lead (Designate) ... Sent by
    # email 27 May 2022 Dear Phil and Danielle ...", and "who signed the letter?" found no signature.
    letter = [s for name, s in knowledge_base.sentences if name == "nhse-system-review-letter-2022-05"]
    texts = [s.text for s in letter]
    assert "Dear Phil and Danielle" in texts
    assert texts[texts.index("Dear Phil and Danielle") - 1].endswith("Sent by email 27 May 2022")
    assert "Yours sincerely Julie Grant Director of Strategic Transformation, West Midlands" in texts
    assert "Yours sincerely" not in {s.heading for s in letter}


def test_footnotes_at_a_page_foot_are_dropped_and_numbered_lines_of_the_text_kept():
    """As ingest runs it: glued words parted first, footnote markers looked for as the page was read."""
    from ingest.cleaning import strip_page_furniture

    noted = (
        "We set out our ambitions7 and reviewed our maturity against the national Matrix8.\n"
        "We worked to develop capability in population\n\n"
        "7 Case studies at annex 1\n8 PHM Maturity Matrix, shared with materials. See annex 2"
    )
    listed = "The plan has these actions:\n7 Create a travel plan\n8 Run workshops for members"  # no markers
    headed = "Emissions fell in scope 3.\n\n3 Our Next Steps"  # a number after a space is no marker
    as_read = [noted, listed, headed]
    cleaned = strip_page_furniture(repair_pages(as_read), as_read)
    assert cleaned[0].rstrip().endswith("capability in population") and "Case studies" not in cleaned[0]
    assert cleaned[1] == listed and cleaned[2] == headed


def test_footnotes_that_wrap_or_are_followed_by_their_addresses_are_dropped_too():
    """PHM Roadmap p. 5: a note after a sentence's close ("Borough). 3"), one wrapping onto a line of its
    own, then the notes' addresses printed again; left in, they ran on from "This will"."""
    from ingest.cleaning import strip_page_furniture

    page = (
        "both areas within Rugby Borough). 3\n\nThe NHS Long Term Plan4 set out a vision. The Framework5 says ICSs will:\n"
        "• Cultivate a function to support clinical decisions. This will\n\n"
        "3 Source: Life Expectancy 2015-19 at JSNA level, Fingertips\n"
        "4 The NHS Long Term Plan, January 2019 https://www.longtermplan.nhs.uk/\n"
        "5 Integrated Care Systems: Design Framework, NHS, June 2021 https://www.england.nhs.uk/wp-\n"
        "content/uploads/2021/06/B0642-ics-design-framework-june-2021.pdf\n\n"
        "https://www.longtermplan.nhs.uk/\nhttps://www.england.nhs.uk/wp-content/uploads/2021/06/B0642.pdf"
    )
    cleaned = strip_page_furniture(repair_pages([page]), [page])[0]
    assert cleaned.rstrip().endswith("This will") and "Fingertips" not in cleaned and "https" not in cleaned
    # Three lines of text after a numbered line are the page's own, not a note wrapping.
    long_tail = "See section 2). 1\n\n1 Our plan\nWe will act.\nWe will report.\nWe will review."
    assert strip_page_furniture(repair_pages([long_tail]), [long_tail])[0] == repair_pages([long_tail])[0]


def test_a_sentence_first_line_shaped_like_a_heading_stays_in_its_sentence():
    """The Green Plan's p. 49 lost "UHCW have installed electric vehicle charging points at University" as a
    heading, so its sentence began "Hospital and have plans ..."; short or title-case headings stay headings."""
    page = (
        "Charging infrastructure is a potential barrier.\n\n"
        "UHCW have installed electric vehicle charging points at University\n"
        "Hospital and have plans to install further charge points at the Hospital\n"
        "of St Cross, Rugby.\n"
        "Provider collaboratives are partnership arrangements involving our\n"
        "NHS Trusts, the voluntary and private sector.\n"
        "Risks to delivery of our PHM Programme\n"
        "The programme has risks.\n"
    )
    found, heading = page_sentences(page, 49, "Electric vehicles (EV)")
    texts = [s.text for s in found]
    assert texts[1].startswith("UHCW have installed electric vehicle charging points at University Hospital")
    assert texts[2].startswith("Provider collaboratives are partnership arrangements involving our NHS Trusts")
    assert heading == "Risks to delivery of our PHM Programme" and found[-1].heading == heading


def test_each_row_of_a_table_of_figures_with_comments_is_a_sentence_of_its_own():
    """The finance report's variance table (p. 6): its rows had run into one sentence, so "why is primary care
    underspent?" quoted another row's comment, and a row had been read as a heading."""
    page = (
        "Community (183) The overspend relates to CHC - Long Term Conditions As above\n\n"
        "Primary Care    100 Underspend due to vacant posts within Medicine Management and GP IT\n\n"
        "Primary Care Delegated  0 Delegated is currently on plan\n\n"
        "Other Programme Services    115 Underspend is due to vacant posts within POD, Safeguarding and Nursing and\n"
        "Quality.  \n"
    )
    sentences, heading = page_sentences(page, 6, "3.2 Table 3")
    assert [s.text for s in sentences] == [
        "Community (183) The overspend relates to CHC - Long Term Conditions As above",
        "Primary Care 100 Underspend due to vacant posts within Medicine Management and GP IT",
        "Primary Care Delegated 0 Delegated is currently on plan",
        "Other Programme Services 115 Underspend is due to vacant posts within POD, Safeguarding and Nursing and Quality.",
    ]
    assert heading == "3.2 Table 3"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # Wrapped prose whose second line looks like a row: one sentence (a review).
        (
            "The Trust's performance against the\nCancer 62 Day standard was 65% in April and is improving.",
            ["The Trust's performance against the Cancer 62 Day standard was 65% in April and is improving."],
        ),
        # A year is no figure cell: a policy's name and year run on as before.
        (
            "Policy drivers:\nHealth and Care Bill 2021 Sets out Integrated Care Systems as statutory bodies",
            ["Policy drivers: Health and Care Bill 2021 Sets out Integrated Care Systems as statutory bodies"],
        ),
    ],
)
def test_prose_and_other_rows_are_not_parted_as_rows_with_comments(page, expected):
    sentences, _ = page_sentences(page, 1, "")
    assert [s.text for s in sentences] == expected


@pytest.mark.parametrize(
    ("catalog", "told"),
    [
        ('[{"file": ', r"catalog\.json: not JSON \(Expecting value at line 1, column 11\)"),
        ('{"file": "travel-plan.pdf"}', "should be a list of documents"),
        ('[{"file": "travel-plan.pdf", "title": "T"}]', "entry 1 has no text for 'slug'"),
        ('[{"file": null, "slug": null, "title": null}]', "entry 1 has no text for 'file', 'slug', 'title'"),
        ('[{"file": "travel-plan.pdf", "slug": "t", "title": ["T"]}]', "entry 1 has no text for 'title'"),
        ('[{"file": "travel-plan.pdf", "slug": "t", "title": "T", "kind": {}}]', "entry 1 has 'kind' that is not text"),
        ('[{"file": "travel-plan.pdf", "slug": "t", "title": "T", "date": true}]', "entry 1 has 'date' that is not text"),
        (b"[\xff]", "not UTF-8 text"),
    ],
)
def test_a_malformed_catalog_is_refused_saying_where_and_changes_nothing(small_corpus, tmp_path, embedder, catalog, told):
    """An attack review: each ended the ingest in a traceback (a list for a title only while writing the new build)."""
    kb_dir = tmp_path / "kb"
    ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    before = store.current_build(kb_dir)
    path = small_corpus / "catalog.json"
    path.write_bytes(catalog if isinstance(catalog, bytes) else catalog.encode())
    with pytest.raises(CatalogError, match=told):
        ingest_corpus(small_corpus, kb_dir, lambda: embedder)
    assert store.current_build(kb_dir) == before


def test_a_file_named_outside_utf8_is_skipped_and_a_catalog_entry_without_its_file_is_told(small_corpus, tmp_path, embedder):
    """An attack review: a file name that is not UTF-8 ended the whole ingest in a traceback, and a catalog entry
    naming a file the corpus lacks (a typo) lost that document's title without a word."""
    os.close(os.open(os.fsencode(small_corpus) + b"/bad\xff.txt", os.O_CREAT | os.O_WRONLY))
    catalog = json.loads((small_corpus / "catalog.json").read_text())
    (small_corpus / "catalog.json").write_text(json.dumps([*catalog, {"file": "pdf/travle-plan.pdf", "slug": "x", "title": "X"}]))
    report = ingest_corpus(small_corpus, tmp_path / "kb", lambda: embedder)
    assert "Skipped bad?.txt: its name is not UTF-8; rename it" in report.summary()
    assert "catalog.json lists travle-plan.pdf, which is not in the corpus" in report.summary()
    report.not_found = ["x\x1b[31m.pdf\n"]  # the catalog's own text: shown, not acted on by the terminal
    assert "catalog.json lists x?[31m.pdf?, which" in report.summary()
    assert report.files == 2


def test_the_ingest_command_tells_a_bad_catalog_and_a_target_it_cannot_write_in_one_line(small_corpus, tmp_path, capsys, monkeypatch):
    """What a lead sees at the terminal: one line each, no traceback, and the build in use untouched."""
    from ingest.__main__ import main

    monkeypatch.setattr(build, "Embedder", lambda: pytest.fail("nothing is embedded before the catalog is read"))
    (small_corpus / "catalog.json").write_text('[{"file": "travel-plan.pdf"}]')
    assert main([str(small_corpus), "--index", str(tmp_path / "kb")]) == 2
    assert capsys.readouterr().err.strip() == f"{small_corpus / 'catalog.json'}: entry 1 has no text for 'slug', 'title'. Nothing was changed."
    (small_corpus / "catalog.json").unlink()
    target = tmp_path / "a-file"
    target.write_text("not a folder")
    monkeypatch.setattr(build, "Embedder", lambda: pytest.fail("nothing is embedded for a target that is a file"))
    assert main([str(small_corpus), "--index", str(target)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"Cannot use {target} as the knowledge base folder: {target} is a file, not a folder. Nothing was changed."]
    # A folder it cannot write into fails while writing: one line all the same.
    monkeypatch.undo()
    blocked = tmp_path / "kb2"
    blocked.mkdir()
    (blocked / "builds").write_text("not a folder")
    assert main([str(small_corpus), "--index", str(blocked)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("Ingest failed: ") and err[-1].endswith(f"({blocked / 'builds'}). The knowledge base in use is unchanged.")
