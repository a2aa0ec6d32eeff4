import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from fpdf import FPDF

from ingest.actions import MISSING_DUE, MISSING_LEAD, extract_actions
from ingest.reading import read_pages
from tests.support.paths import EVAL_DIR, REPO

GREEN_PLAN = "cw-ics-green-plan"
LETTER = "nhse-system-review-letter-2022-05"

GREEN_PLAN_ROWS_PER_THEME = {
    "Workforce and Systems Leadership": 16,
    "Sustainable Models of Care": 13,
    "Digital Transformation": 17,
    "Travel and Transport": 18,
    "Estates and Facilities": 10,
    "Building Energy": 11,
    "Capital Projects": 5,
    "Water": 4,
    "Waste": 6,
    "Green Space and Biodiversity": 6,
    "Medicines": 15,
    "Supply Chain and Procurement": 12,
    "Food and Nutrition": 9,
    "Climate Adaptation": 8,
}


def _pages(slug: str) -> list[str]:
    return read_pages(REPO / "corpus" / "pdf" / f"{slug}.pdf")


@pytest.fixture(scope="module")
def green_plan_pages() -> list[str]:
    return _pages(GREEN_PLAN)


@pytest.fixture(scope="module")
def table(green_plan_pages) -> dict[tuple[str, str, str], object]:
    rows = extract_actions(GREEN_PLAN, green_plan_pages) + extract_actions(LETTER, _pages(LETTER))
    return {(row.source, row.theme, row.number): row for row in rows}


def _squashed(text: str | None) -> str:
    """Compare text as a reader would: whitespace (and so glued words) and case ignored."""
    return re.sub(r"\s+", "", text or "").casefold()


def _gold_rows() -> list[dict[str, str]]:
    with (EVAL_DIR / "actions_sample.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _gold_id(gold: dict[str, str]) -> str:
    return f"{gold['source'][:8]}-{gold['theme']}-{gold['number']}"


@pytest.mark.parametrize("gold", _gold_rows(), ids=_gold_id)
def test_every_sample_gold_row_is_reproduced(table, gold):
    row = table.get((gold["source"], gold["theme"], gold["number"]))
    assert row is not None, "row missing"
    assert (row.page, row.scope or "", row.due or "", row.lead or "") == (
        int(gold["page"]),
        gold["scope"],
        gold["due"],
        gold["lead"],
    )
    assert _squashed(row.action) == _squashed(gold["action"])
    assert _squashed(row.nhs_refs) == _squashed(gold["nhs_refs"])
    assert _squashed(row.status) == _squashed(gold["status"])


def test_every_green_plan_theme_has_all_its_rows_numbered_from_one(table):
    green_rows = [row for row in table.values() if row.source == GREEN_PLAN]
    assert Counter(row.theme for row in green_rows) == GREEN_PLAN_ROWS_PER_THEME
    for theme, count in GREEN_PLAN_ROWS_PER_THEME.items():
        numbers = [int(row.number) for row in green_rows if row.theme == theme]
        assert numbers == list(range(1, count + 1)), theme
    assert all(row.due and row.lead in ("ICB", "ICP") and not row.flags for row in green_rows)


def test_headings_printed_after_their_rows_still_name_the_theme(table):
    row = table[(GREEN_PLAN, "Sustainable Models of Care", "8")]
    assert row.action == "Roll out monitoring systems for community-based care e.g., oximeters."
    assert (row.page, row.due, row.lead) == (41, "24/25", "ICP")
    assert table[(GREEN_PLAN, "Travel and Transport", "18")].page == 55


def test_glued_words_are_split_where_the_document_uses_both_words_alone(table):
    workforce_10 = table[(GREEN_PLAN, "Workforce and Systems Leadership", "10")]
    assert "Local Authorities and other public bodies" in workforce_10.action
    assert "the PCN have water efficiency targets" in table[(GREEN_PLAN, "Water", "3")].action
    assert "that ICP members have hyperlinks" in table[(GREEN_PLAN, "Digital Transformation", "14")].action


def test_green_plan_dues_normalise_to_financial_years(table):
    dues = Counter(row.due_normalised for row in table.values() if row.source == GREEN_PLAN)
    assert set(dues) == {"2022/23", "2023/24", "2024/25"}
    assert sum(dues.values()) == sum(GREEN_PLAN_ROWS_PER_THEME.values())


def test_the_whole_letter_action_log_and_its_outstanding_action_are_read(table):
    letter = [row for row in table.values() if row.source == LETTER]
    assert [row.number for row in letter] == [str(n) for n in range(1, 13)] + ["2020/21Q3"]
    workforce = table[(LETTER, "Workforce", "12")]
    assert (workforce.lead, workforce.due, workforce.due_normalised, workforce.status) == (
        "Adrian Stokes / Theresa Nelson",
        "20 June 22",
        "2022-06-20",
        "Open",
    )
    assert table[(LETTER, "Mental Health", "10")].lead == "Melanie Coombes/ Nina Morgan"
    outstanding = table[(LETTER, "Anti-ligature", "2020/21Q3")]
    assert (outstanding.page, outstanding.lead, outstanding.due, outstanding.status) == (
        6,
        "NHSEI Julie Grant and ICS Mel Coombes",
        "December",
        "In progress",
    )
    assert outstanding.progress.startswith("Independent arbitration with PFI provider")


def test_minutes_actions_are_owned_by_the_attendee_whose_initials_mark_them():
    rows = extract_actions("minutes", _pages("ccg-governing-body-minutes-2022-05"))
    assert [(row.number, row.theme, row.lead, row.flags) for row in rows] == [
        ("2.2", "Board Assurance Framework", "Anita Wilson", (MISSING_DUE,)),
        (
            "2.4",
            "Public Health Coventry and Warwickshire Joint Report – Asylum Seekers and Refugees",
            "Anita Wilson",
            (MISSING_DUE,),
        ),
    ]


@pytest.mark.parametrize(
    "slug", ["icb-finance-report-m3-2022-07", "icb-performance-report-2022-07", "jucd-green-plan-case-study"]
)
def test_documents_without_action_tables_give_no_rows(slug):
    assert extract_actions(slug, _pages(slug)) == []


def test_a_row_missing_its_year_or_lead_is_flagged_not_dropped(green_plan_pages):
    damaged = list(green_plan_pages)
    page_36 = damaged[35].replace("22/23 ICB SC 18.2.2", "ICB SC 18.2.2")  # row 1 loses its year
    damaged[35] = page_36.replace("22/23 ICB NZ 4.2.1", "22/23 NZ 4.2.1", 1)  # row 2 loses its lead
    rows = [row for row in extract_actions(GREEN_PLAN, damaged) if row.theme == "Workforce and Systems Leadership"]
    assert len(rows) == 16
    first, second = rows[0], rows[1]
    assert (first.due, first.lead, first.nhs_refs, first.flags) == (None, "ICB", "SC 18.2.2", (MISSING_DUE,))
    assert first.action == "Ensure that the ICS and Trusts have board level Net Zero lead."
    assert (second.due, second.lead, second.nhs_refs, second.flags) == ("22/23", None, "NZ 4.2.1", (MISSING_LEAD,))
    assert second.action == "Appoint additional members from across the ICS into the Greener NHS Delivery Board."


# --- A plan of the same shape with other themes, rows and leads -------------------------------------

_HEADER = ("No", "Actions", "Target Year", "Progress", "Responsible lead/dept.", "NHS Req.")


def _plan_table(pdf: FPDF, rows: list[tuple[str, ...]]) -> None:
    widths = (8, 70, 14, 14, 18, 26)
    with pdf.table(col_widths=widths, text_align="LEFT", v_align="TOP", first_row_as_headings=False) as table:
        for cells in [_HEADER, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(cell)


def _scope(name: str) -> tuple[str, ...]:
    return ("", name, "", "", "", "")


def _write_revised_plan(path: Path) -> None:
    """Theme one is headed above its rows (glued, as pypdf reads the Green Plan), theme two below."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.cell(0, 8, "Green TheatresAction Plan", new_x="LMARGIN", new_y="NEXT")
    _plan_table(
        pdf,
        [
            _scope("ICS Specific"),
            ("1", "Appoint a sustainability lead for every operating theatre across the system.", "22/23", "", "ICB",
             "SC 18.2.2"),
            ("2", "Switch theatre lighting to LED.", "23/24", "", "Trusts", "NZ 3.1 LTP 17"),
        ],
    )
    pdf.add_page()
    _plan_table(
        pdf,
        [
            _scope("Trust / PCN specific"),
            ("3", "Make reusable gowns the default in day surgery units.", "24/25", "", "Trusts", "SC 18.4.3.1"),
        ],
    )
    _plan_table(
        pdf,
        [
            _scope("ICS Specific"),
            ("1", "Stop buying desflurane.", "22/23", "", "ICB", "NZ 4.2.1"),
            ("2", "Report nitrous oxide waste every quarter and fix leaking manifolds.", "23/24", "", "Trusts",
             "SC 18.3.2.2"),
        ],
    )
    pdf.multi_cell(0, 8, "Anaesthetic Gases\nAction Plan")
    pdf.output(str(path))


def test_a_revised_plan_with_other_themes_and_rows_is_read_the_same_way(tmp_path):
    path = tmp_path / "revised-plan.pdf"
    _write_revised_plan(path)
    rows = extract_actions("revised-plan", read_pages(path))
    fields = [(r.page, r.theme, r.scope, r.number, r.due, r.due_normalised, r.lead, r.nhs_refs) for r in rows]
    assert fields == [
        (1, "Green Theatres", "ICS specific", "1", "22/23", "2022/23", "ICB", "SC 18.2.2"),
        (1, "Green Theatres", "ICS specific", "2", "23/24", "2023/24", "Trusts", "NZ 3.1 LTP 17"),
        (2, "Green Theatres", "Trust / PCN specific", "3", "24/25", "2024/25", "Trusts", "SC 18.4.3.1"),
        (2, "Anaesthetic Gases", "ICS specific", "1", "22/23", "2022/23", "ICB", "NZ 4.2.1"),
        (2, "Anaesthetic Gases", "ICS specific", "2", "23/24", "2023/24", "Trusts", "SC 18.3.2.2"),
    ]
    assert rows[0].action == "Appoint a sustainability lead for every operating theatre across the system."
    assert rows[4].action == "Report nitrous oxide waste every quarter and fix leaking manifolds."
    assert not any(row.flags for row in rows)
