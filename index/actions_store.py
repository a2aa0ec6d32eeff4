"""The action table in the knowledge base's SQLite file, with leads' corrections kept apart.

Extraction fills ``actions``; corrections and progress updates that leads send
back as CSV live in ``action_overrides``, keyed by (source, theme, number). A
re-extracted document replaces its rows but keeps what people have told us,
and every read applies the overrides on top.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from index.due_dates import is_normalised_due, is_readable_due, normalise_due
from index.records import MISSING_DUE, MISSING_LEAD, ActionRow

if TYPE_CHECKING:
    import _csv

CSV_COLUMNS = (
    "source",
    "page",
    "theme",
    "scope",
    "number",
    "action",
    "due",
    "due_normalised",
    "lead",
    "nhs_refs",
    "status",
    "progress",
)
KEY_COLUMNS = ("source", "theme", "number")
# What a lead may correct; source, theme and number identify the row, and page locates it.
CORRECTABLE_COLUMNS = ("scope", "action", "due", "due_normalised", "lead", "nhs_refs", "status", "progress")
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Python's csv module refuses longer fields; we say so by line rather than let csv.Error escape.
CSV_FIELD_LIMIT = csv.field_size_limit()
# A flag that a correction makes untrue.
_FLAG_CLEARED_BY = {MISSING_DUE: "due", MISSING_LEAD: "lead"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS actions (
    source TEXT NOT NULL,
    position INTEGER NOT NULL,
    page INTEGER NOT NULL,
    theme TEXT NOT NULL,
    scope TEXT,
    number TEXT NOT NULL,
    action TEXT NOT NULL,
    due TEXT,
    due_normalised TEXT,
    lead TEXT,
    nhs_refs TEXT,
    status TEXT,
    progress TEXT,
    flags TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS actions_by_key ON actions (source, theme, number);
CREATE TABLE IF NOT EXISTS action_overrides (
    source TEXT NOT NULL,
    theme TEXT NOT NULL,
    number TEXT NOT NULL,
    corrections TEXT NOT NULL,
    PRIMARY KEY (source, theme, number)
);
"""
_ROW_COLUMNS = ", ".join((*CSV_COLUMNS, "flags"))  # ActionRow's fields, in its order

Key = tuple[str, str, str]


class MalformedCsv(ValueError):
    """The CSV cannot be imported; nothing was changed. ``line`` is 1 for the header."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line


@dataclass(frozen=True)
class UnmatchedRow:
    """A CSV row whose (source, theme, number) no longer names any extracted action."""

    line: int
    source: str
    theme: str
    number: str


@dataclass
class ImportReport:
    changed: int = 0  # rows whose corrections were added, altered or withdrawn
    unchanged: int = 0
    unmatched: list[UnmatchedRow] = field(default_factory=list)


def create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)


def copy_overrides(conn: sqlite3.Connection, previous: sqlite3.Connection) -> None:
    """Bring leads' corrections from the previous build into a new one."""
    rows = previous.execute("SELECT source, theme, number, corrections FROM action_overrides").fetchall()
    with conn:
        conn.executemany("INSERT OR REPLACE INTO action_overrides VALUES (?, ?, ?, ?)", rows)


def replace_actions(conn: sqlite3.Connection, source: str, rows: list[ActionRow]) -> None:
    """Rebuild one document's rows; its overrides stay and apply to the new rows."""
    strangers = {row.source for row in rows} - {source}
    if strangers:
        raise ValueError(f"rows of {sorted(strangers)} passed as rows of {source!r}")
    with conn:
        conn.execute("DELETE FROM actions WHERE source = ?", (source,))
        conn.executemany(
            f"INSERT INTO actions (position, {_ROW_COLUMNS}) VALUES (?, {', '.join('?' * len(CSV_COLUMNS))}, ?)",
            [(position, *_row_values(row)) for position, row in enumerate(rows)],
        )


def load_actions(conn: sqlite3.Connection) -> list[ActionRow]:
    """Every action, document by document in table order, with leads' corrections applied."""
    corrections = _stored_corrections(conn)
    return [_corrected(row, corrections.get(_key(row), {})) for row in _extracted_rows(conn)]


def export_csv(conn: sqlite3.Connection, path: Path) -> None:
    """The table as leads see it, for them to correct and send back.

    Cells a spreadsheet would run as a formula are written with a leading
    ``'`` (OWASP's rule), which Excel shows as text; import takes it off again.
    """
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for cells in _table_cells(conn):
            writer.writerow([neutralised(cell) for cell in cells])


def export_xlsx(conn: sqlite3.Connection, path: Path) -> None:
    """The table as an Excel workbook, every cell stored as text so nothing in it runs as a formula."""
    from openpyxl import Workbook  # only this export needs it

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(CSV_COLUMNS)
    for row_number, cells in enumerate(_table_cells(conn), start=2):
        for column_number, value in enumerate(cells, start=1):
            cell = sheet.cell(row=row_number, column=column_number)
            cell.value = value
            cell.data_type = "s"  # openpyxl would store "=..." as a formula; text it is
    sheet.freeze_panes = "A2"
    workbook.save(path)


def neutralised(cell: str) -> str:
    """``cell`` as a spreadsheet will show it rather than run it: a formula-like cell gets a leading ``'``."""
    return f"'{cell}" if cell.startswith(FORMULA_TRIGGERS) else cell


def _imported(cell: str) -> str:
    """A cell read back from a CSV: our own ``'`` comes off; a formula someone typed is kept as inert text."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_TRIGGERS):
        return cell[1:]
    return neutralised(cell)


def _table_cells(conn: sqlite3.Connection) -> list[list[str]]:
    return [["" if value is None else str(value) for value in _row_values(row)[: len(CSV_COLUMNS)]] for row in load_actions(conn)]


def import_csv(conn: sqlite3.Connection, path: Path) -> ImportReport:
    """Take a lead's corrections and progress updates as overrides, all or nothing.

    The whole file is checked before anything is written; a malformed file
    raises ``MalformedCsv`` naming the line. Empty cells never erase extracted
    values, and a cell equal to the extracted value withdraws any earlier correction.
    """
    records = _read_csv(path)
    extracted = {_key(row): row for row in _extracted_rows(conn)}
    stored = _stored_corrections(conn)
    report = ImportReport()
    with conn:
        for line, values in records:
            key = (values["source"], values["theme"], values["number"])
            if key not in extracted:
                report.unmatched.append(UnmatchedRow(line, *key))
                continue
            corrections = _corrections(values, extracted[key])
            if corrections == stored.get(key, {}):
                report.unchanged += 1
                continue
            _store_corrections(conn, key, corrections)
            stored[key] = corrections
            report.changed += 1
    return report


# --- Reading and writing rows ---------------------------------------------------------------------


def _row_values(row: ActionRow) -> tuple[object, ...]:
    return (*(getattr(row, column) for column in CSV_COLUMNS), json.dumps(list(row.flags)))


def _extracted_rows(conn: sqlite3.Connection) -> list[ActionRow]:
    cursor = conn.execute(f"SELECT {_ROW_COLUMNS} FROM actions ORDER BY source, position")
    # The row's columns in the dataclass's order, then its flags as JSON (mypy cannot count a row's values).
    return [ActionRow(*values[:-1], flags=tuple(json.loads(values[-1]))) for values in cursor]  # type: ignore[misc]


def _stored_corrections(conn: sqlite3.Connection) -> dict[Key, dict[str, str | None]]:
    cursor = conn.execute("SELECT source, theme, number, corrections FROM action_overrides")
    return {(source, theme, number): json.loads(corrections) for source, theme, number, corrections in cursor}


def _store_corrections(conn: sqlite3.Connection, key: Key, corrections: dict[str, str | None]) -> None:
    if corrections:
        conn.execute(
            "INSERT OR REPLACE INTO action_overrides (source, theme, number, corrections) VALUES (?, ?, ?, ?)",
            (*key, json.dumps(corrections)),
        )
    else:
        conn.execute("DELETE FROM action_overrides WHERE source = ? AND theme = ? AND number = ?", key)


def _key(row: ActionRow) -> Key:
    return (row.source, row.theme, row.number)


def _corrected(row: ActionRow, corrections: dict[str, str | None]) -> ActionRow:
    if not corrections:
        return row
    # Progress is news the document never had, not a correction of it; a due's normal form is the due (a review: one
    # corrected alone had said nothing).
    named = {"due" if column == "due_normalised" else column for column in corrections if column != "progress"}
    corrected = tuple(column for column in CORRECTABLE_COLUMNS if column in named)
    if corrections.get("due_normalised") and "due" not in corrections:
        # The due shown is the normal form given, not the document's due beside "due updated" (the re-review).
        corrections = {**corrections, "due": corrections["due_normalised"]}
    flags = tuple(flag for flag in row.flags if _FLAG_CLEARED_BY.get(flag) not in corrections)
    return replace(row, **corrections, flags=flags, corrected=corrected)  # type: ignore[arg-type]  # corrections name text columns only


def _corrections(values: dict[str, str], extracted: ActionRow) -> dict[str, str | None]:
    """The CSV's values that differ from what was extracted; a corrected due brings its normal form."""
    corrections: dict[str, str | None] = {
        column: values[column]
        for column in CORRECTABLE_COLUMNS
        if values.get(column) and values[column] != getattr(extracted, column)
    }
    if "due" in corrections and "due_normalised" not in corrections:
        corrections["due_normalised"] = normalise_due(corrections["due"])
    return corrections


# --- Checking a CSV before anything is written ----------------------------------------------------


def _read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Every non-blank record with its line number, or ``MalformedCsv`` for the first problem."""
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    header = [name.strip() for name in _next_record(reader) or []]
    _check_header(header)
    records = []
    while (record := _next_record(reader)) is not None:
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise MalformedCsv(reader.line_num, f"expected {len(header)} fields, found {len(record)}")
        values = dict(zip(header, (_imported(cell.strip()) for cell in record)))
        _check_values(values, reader.line_num)
        records.append((reader.line_num, values))
    return records


def _next_record(reader: _csv.Reader) -> list[str] | None:
    """The next record, None at the end, or ``MalformedCsv`` at the line the csv module choked on."""
    started_at = reader.line_num + 1
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise MalformedCsv(started_at, f"a cell is longer than {CSV_FIELD_LIMIT:,} characters") from None
        raise MalformedCsv(started_at, f"the CSV is malformed ({error})") from None


def _read_text(path: Path) -> str:
    """The file as text; spreadsheets often save CSV in a legacy encoding, which we name plainly."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise MalformedCsv(line, "the file is not UTF-8 text; save it as 'CSV UTF-8'") from None


def _check_header(header: list[str]) -> None:
    if not header:
        raise MalformedCsv(1, "the file is empty; expected a header row")
    missing = [column for column in KEY_COLUMNS if column not in header]
    if missing:
        raise MalformedCsv(1, f"missing required column(s): {', '.join(missing)}")
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if unknown:
        raise MalformedCsv(1, f"unknown column(s): {', '.join(unknown)}; expected {', '.join(CSV_COLUMNS)}")
    if len(set(header)) != len(header):
        raise MalformedCsv(1, "a column appears twice")


def _check_values(values: dict[str, str], line: int) -> None:
    if not values["source"] or not values["number"]:
        raise MalformedCsv(line, "source and number must not be empty")
    if values.get("page") and not values["page"].isdigit():
        raise MalformedCsv(line, f"page {values['page']!r} is not a page number")
    if values.get("due") and not is_readable_due(values["due"]):
        raise MalformedCsv(line, f"due {values['due']!r} is not a date or financial year")
    if values.get("due_normalised") and not is_normalised_due(values["due_normalised"]):
        raise MalformedCsv(
            line, f"due_normalised {values['due_normalised']!r} is not like 2023/24, 2023-06 or 2023-06-30"
        )
