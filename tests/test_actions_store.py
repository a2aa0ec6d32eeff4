import csv
import sqlite3
from pathlib import Path

import pytest

from index.actions_store import (
    CSV_COLUMNS,
    ImportReport,
    MalformedCsv,
    UnmatchedRow,
    create_schema,
    export_csv,
    import_csv,
    load_actions,
    replace_actions,
)
from ingest.actions import MISSING_DUE, ActionRow

PLAN = "cw-ics-green-plan"
LETTER = "nhse-system-review-letter-2022-05"


def _plan_row(number: str, action: str, due: str | None, flags: tuple[str, ...] = ()) -> ActionRow:
    return ActionRow(
        source=PLAN,
        page=66,
        theme="Water",
        scope="ICS specific",
        number=number,
        action=action,
        due=due,
        due_normalised={"23/24": "2023/24", None: None}[due],
        lead="ICB",
        nhs_refs="SC 18.3.3.1",
        status=None,
        progress=None,
        flags=flags,
    )


PLAN_ROWS = [
    _plan_row("1", "Assist member organisations to develop Water Management Plans.", "23/24"),
    _plan_row("2", "Assist member organisations in communicating water efficiency.", None, (MISSING_DUE,)),
]
LETTER_ROW = ActionRow(
    source=LETTER,
    page=5,
    theme="Workforce",
    scope=None,
    number="12",
    action="To triangulate finance and workforce plans to ensure alignment and deliverability.",
    due="20 June 22",
    due_normalised="2022-06-20",
    lead="Adrian Stokes / Theresa Nelson",
    nhs_refs=None,
    status="Open",
    progress=None,
)


@pytest.fixture
def conn() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    create_schema(connection)
    replace_actions(connection, PLAN, PLAN_ROWS)
    replace_actions(connection, LETTER, [LETTER_ROW])
    return connection


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, records: list[dict[str, str]], columns=CSV_COLUMNS) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)


def _edit_and_import(conn, tmp_path, **changes_by_number) -> ImportReport:
    """Export, change some rows' cells as a lead would in a spreadsheet, import."""
    exported = tmp_path / "actions.csv"
    export_csv(conn, exported)
    records = _read(exported)
    for record in records:
        record.update(changes_by_number.get(record["number"], {}))
    edited = tmp_path / "edited.csv"
    _write(edited, records)
    return import_csv(conn, edited)


def test_the_table_loads_back_as_it_was_stored(conn):
    assert load_actions(conn) == PLAN_ROWS + [LETTER_ROW]


def test_an_untouched_export_imports_as_no_change(conn, tmp_path):
    exported = tmp_path / "actions.csv"
    export_csv(conn, exported)
    records = _read(exported)
    assert [record["number"] for record in records] == ["1", "2", "12"]
    assert records[0]["due_normalised"] == "2023/24" and records[1]["due"] == ""

    report = import_csv(conn, exported)

    assert (report.changed, report.unchanged, report.unmatched) == (0, 3, [])
    assert load_actions(conn) == PLAN_ROWS + [LETTER_ROW]


def test_a_lead_s_corrections_and_progress_show_in_the_table_and_in_the_next_export(conn, tmp_path):
    report = _edit_and_import(
        conn,
        tmp_path,
        **{"2": {"due": "24/25"}, "12": {"status": "Closed", "progress": "Plans aligned on 18 June."}},
    )

    assert (report.changed, report.unchanged) == (2, 1)
    water_2, workforce = load_actions(conn)[1:]
    assert (water_2.due, water_2.due_normalised, water_2.flags) == ("24/25", "2024/25", ())
    assert (workforce.status, workforce.progress) == ("Closed", "Plans aligned on 18 June.")
    again = tmp_path / "again.csv"
    export_csv(conn, again)
    assert _read(again)[2]["status"] == "Closed"


def test_a_listing_says_which_columns_a_lead_updated_and_shows_progress_on_the_row_s_line(conn, tmp_path):
    """A review: a due corrected in its normal form alone was not said to be updated, and a progress cell's line break
    split the listing's row in two."""
    from bot.action_query import row_details

    _edit_and_import(conn, tmp_path, **{"1": {"due_normalised": "2025/26"}, "12": {"progress": "Plans aligned.\n- next: sign-off"}})
    water_1, _, workforce = load_actions(conn)
    assert water_1.corrected == ("due",) and workforce.corrected == ()
    assert row_details(water_1).startswith("lead ICB; due 2025/26;") and row_details(water_1).endswith("due updated since the document")
    assert "progress: Plans aligned. - next: sign-off" in row_details(workforce) and "\n" not in row_details(workforce)


def test_a_long_progress_update_is_shown_cut_at_a_word():
    """A re-review: 15 rows each with 1,650 characters of progress made a Teams card of 37 KB, near or over what Teams
    takes in one message; an import takes cells of up to 131,072 characters. The export carries it whole."""
    from bot.action_query import MAX_PROGRESS_CHARS, progress_shown

    long = "Plans agreed with every Trust and shared with partners. " * 40
    shown = progress_shown(long)
    assert shown.endswith("partners.…") or shown.endswith("…")
    assert len(shown) <= MAX_PROGRESS_CHARS + 1 and long.startswith(shown[:-1])
    assert progress_shown("Plans agreed.") == "Plans agreed."


def test_corrections_survive_re_extracting_the_document(conn, tmp_path):
    _edit_and_import(conn, tmp_path, **{"1": {"lead": "ICP", "progress": "Two Trusts have plans."}})

    replace_actions(conn, PLAN, PLAN_ROWS)

    water_1 = load_actions(conn)[0]
    assert (water_1.lead, water_1.progress, water_1.action) == ("ICP", "Two Trusts have plans.", PLAN_ROWS[0].action)


def test_putting_back_the_extracted_value_withdraws_a_correction(conn, tmp_path):
    _edit_and_import(conn, tmp_path, **{"1": {"lead": "ICP"}})
    report = _edit_and_import(conn, tmp_path, **{"1": {"lead": "ICB"}})
    assert report.changed == 1
    assert load_actions(conn)[0].lead == "ICB"


def test_rows_that_no_longer_match_an_action_are_reported_not_stored(conn, tmp_path):
    edited = tmp_path / "edited.csv"
    _write(edited, [{"source": PLAN, "theme": "Water", "number": "9", "status": "Done"}])

    report = import_csv(conn, edited)

    assert report.unmatched == [UnmatchedRow(line=2, source=PLAN, theme="Water", number="9")]
    assert load_actions(conn) == PLAN_ROWS + [LETTER_ROW]


def _import_fails_at(conn, path: Path) -> MalformedCsv:
    before = load_actions(conn)
    with pytest.raises(MalformedCsv) as failure:
        import_csv(conn, path)
    assert load_actions(conn) == before, "a rejected file must change nothing"
    return failure.value


def test_a_file_missing_required_columns_is_rejected_at_its_header(conn, tmp_path):
    path = tmp_path / "no-number.csv"
    _write(path, [{"source": PLAN, "theme": "Water", "status": "Done"}], columns=("source", "theme", "status"))
    error = _import_fails_at(conn, path)
    assert error.line == 1 and "number" in str(error)


def test_a_row_with_the_wrong_number_of_fields_is_rejected_by_line_and_nothing_changes(conn, tmp_path):
    path = tmp_path / "short-row.csv"
    good = f"{PLAN},66,Water,ICS specific,1,text,23/24,2023/24,ICP,SC,Done,half way"
    path.write_text(",".join(CSV_COLUMNS) + f"\n{good}\n{PLAN},66,Water,2\n", encoding="utf-8")
    error = _import_fails_at(conn, path)
    assert error.line == 3 and "expected 12 fields, found 4" in str(error)


def test_a_file_saved_in_a_legacy_encoding_is_rejected_at_the_line_that_shows_it(conn, tmp_path):
    path = tmp_path / "latin-1.csv"
    text = ",".join(CSV_COLUMNS) + f"\n{PLAN},66,Water,ICS specific,1,Café plans,23/24,,ICB,,,\n"
    path.write_bytes(text.encode("latin-1"))
    error = _import_fails_at(conn, path)
    assert error.line == 2 and "UTF-8" in str(error)


@pytest.mark.parametrize(
    ("column", "value"), [("due", "2023/25"), ("due", "31/02/23"), ("due_normalised", "next year"), ("page", "p66")]
)
def test_a_bad_due_or_page_is_rejected_by_line_and_nothing_changes(conn, tmp_path, column, value):
    exported = tmp_path / "actions.csv"
    export_csv(conn, exported)
    records = _read(exported)
    records[0]["status"] = "Done"  # a good change on line 2 must not be applied either
    records[2][column] = value
    path = tmp_path / "bad.csv"
    _write(path, records)

    error = _import_fails_at(conn, path)

    assert error.line == 4 and repr(value) in str(error)


# --- Formulas, huge cells and Excel ------------------------------------------------------------------

HYPERLINK = '=HYPERLINK("http://evil.example/login","click")'
FORMULA_ROW = ActionRow(
    source="board-minutes",
    page=3,
    theme=HYPERLINK,
    scope=None,
    number="1",
    action="+cmd|' /C calc'!A0",
    due=None,
    due_normalised=None,
    lead="@ICB",
    nhs_refs=None,
    status="-2+3",
    progress="\tSUM(1,1)",
)


def test_cells_a_spreadsheet_would_run_are_exported_as_text_and_import_back_unchanged(conn, tmp_path):
    replace_actions(conn, FORMULA_ROW.source, [FORMULA_ROW])
    exported = tmp_path / "actions.csv"
    export_csv(conn, exported)

    (cells,) = [r for r in _read(exported) if r["source"] == FORMULA_ROW.source]
    assert (cells["theme"], cells["action"], cells["lead"], cells["status"], cells["progress"]) == (
        "'" + HYPERLINK, "'+cmd|' /C calc'!A0", "'@ICB", "'-2+3", "'\tSUM(1,1)"
    )
    report = import_csv(conn, exported)
    assert (report.changed, report.unmatched) == (0, [])
    assert FORMULA_ROW in load_actions(conn)


def test_a_formula_typed_into_an_imported_csv_is_kept_as_inert_text(conn, tmp_path):
    report = _edit_and_import(conn, tmp_path, **{"1": {"status": HYPERLINK, "progress": "@SUM(A1:A9)"}})

    assert report.changed == 1
    row = load_actions(conn)[0]
    assert (row.status, row.progress) == ("'" + HYPERLINK, "'@SUM(A1:A9)")
    again = tmp_path / "again.csv"
    export_csv(conn, again)
    assert _read(again)[0]["status"] == "'" + HYPERLINK  # not doubled, still text in Excel


def test_the_xlsx_export_holds_every_cell_as_text(conn, tmp_path):
    from openpyxl import load_workbook

    from index.actions_store import export_xlsx

    replace_actions(conn, FORMULA_ROW.source, [FORMULA_ROW])
    path = tmp_path / "actions.xlsx"
    export_xlsx(conn, path)

    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == list(CSV_COLUMNS)
    assert len(rows) == 1 + len(load_actions(conn))
    assert all(cell.data_type == "s" for row in rows for cell in row if cell.value is not None)
    assert HYPERLINK in [cell.value for row in rows for cell in row]  # as written, but as text


def test_a_cell_over_the_csv_field_limit_is_rejected_by_line_and_nothing_changes(conn, tmp_path):
    path = tmp_path / "huge.csv"
    good = f"{PLAN},66,Water,ICS specific,1,text,23/24,2023/24,ICP,SC,Done,half way"
    huge = f'{PLAN},66,Water,ICS specific,2,"{"x" * 200_000}",,,,,,'
    path.write_text(",".join(CSV_COLUMNS) + f"\n{good}\n{huge}\n", encoding="utf-8")

    error = _import_fails_at(conn, path)

    assert error.line == 3 and "131,072" in str(error)


def test_the_command_line_says_which_line_is_too_long_without_a_traceback(corpus_kb_dir, tmp_path, capsys):
    from ingest.__main__ import main

    path = tmp_path / "huge.csv"
    path.write_text(",".join(CSV_COLUMNS) + f'\n{PLAN},66,Water,,1,"{"x" * 200_000}",,,,,,\n', encoding="utf-8")

    assert main(["actions", "--import", str(path), "--index", str(corpus_kb_dir)]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "Nothing was changed" in err and "Traceback" not in err

    workbook = tmp_path / "actions.xlsx"
    assert main(["actions", "--export", str(workbook), "--index", str(corpus_kb_dir)]) == 0
    assert workbook.read_bytes()[:2] == b"PK"  # a real workbook (a zip), not CSV text


def test_the_command_line_says_when_a_file_cannot_be_written_or_read_without_a_traceback(corpus_kb_dir, tmp_path, capsys):
    """An attack review: --export to a folder or into a missing folder, and --import of a missing file, were tracebacks."""
    from ingest.__main__ import main

    folder = tmp_path / "actions.csv"
    folder.mkdir()
    said = {
        f"Cannot write {folder}: it is a folder; give a file name.": ["--export", str(folder)],
        f"Cannot write {tmp_path / 'no' / 'a.xlsx'}: the folder {tmp_path / 'no'} does not exist.": ["--export", str(tmp_path / "no" / "a.xlsx")],
        f"Cannot read {tmp_path / 'no.csv'}: No such file or directory. Nothing was changed.": ["--import", str(tmp_path / "no.csv")],
    }
    for message, args in said.items():
        assert main(["actions", *args, "--index", str(corpus_kb_dir)]) == 2
        assert capsys.readouterr().err == message + "\n"
    if Path("/sys").is_dir():  # sysfs refuses new files even to root, whom a read-only folder would not stop
        assert main(["actions", "--export", "/sys/actions.csv", "--index", str(corpus_kb_dir)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("Cannot write /sys/actions.csv: ") and len(err.splitlines()) == 1
