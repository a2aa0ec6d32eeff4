"""Monthly tables: a question about a month gets the row's value for that month, and a month the row does
not reach is no answer. Found by a new user's trial: "... in December 2021" was declined ("give April and
May, not December") and "... in April 2022" answered with the whole row, its target first. Tables of
amounts (a finance report's budget, actual and variance) show the row the question names."""

from __future__ import annotations

import pytest

from bot.evaluation import quote_is_verbatim
from bot.tables import (
    benchmark_columns,
    benchmark_row,
    cells_without_labels,
    columns_asked,
    header_columns,
    periods_alone,
    rows_in,
)
from index.text import months_in_their_year, months_parted_from_years, tokenize, without_modal_may

HEADER = "Annual Target Apr-21 May-21 Jun-21 Jul-21 Aug-21 Sep-21 Oct-21 Nov-21 Dec-21 Jan-22 Feb-22 Mar-22 Q1 Q2 Q3 Q4 21-22 Apr-22 May-22"
ROWS = (
    "RTT > 52 weeks breaches - Incomplete Pathways (Snapshot) 0 6,339 5,776 5,428 5,281 5,298 5,553 5,766 5,034 5,360 "
    "4,781 4,677 5,078 5,428 5,553 5,360 5,078 5,078 5,484 Patients should be admitted, transferred or discharged within "
    "4 hours of their arrival at an A&E department 95% 88.1% 84.9% 83.2% 78.8% 77.8% 73.9% 70.9% 71.7% 73.2% 72.4% "
    "72.9% 71.3% 85.3% 74.1% 71.9% 72.1% 76.5% 68.9% 71.7%"
)


def test_a_row_gives_its_value_under_each_column_and_none_past_its_last():
    columns = header_columns(HEADER)
    assert columns is not None and columns[:2] == ("Target", "Apr-21") and columns[-1] == "May-22"
    breaches, waits = rows_in(ROWS, columns)
    # "52" in the label is part of it, not a value: a run of values fits the columns.
    assert breaches.label == "RTT > 52 weeks breaches - Incomplete Pathways (Snapshot)"
    assert breaches.value_for("Dec-21") == "5,360" and breaches.value_for("21-22") == "5,078"
    assert breaches.value_for("May-22") is None  # not yet reported for this measure
    assert waits.value_for("May-22") == "71.7%" and waits.value_for("Target") == "95%"
    assert waits.reading(["Dec-21", "21-22"]) == "December 2021 73.2%, 2021/22 76.5%"


def test_a_header_runs_forward_in_time():
    # The GP appointments table sets a pre-Covid baseline before the latest months.
    assert header_columns("Category Feb-20 Feb-22 Mar-22 Apr-22") == ("Feb-20", "Feb-22", "Mar-22", "Apr-22")
    assert header_columns("Apr-22 Feb-20 Mar-20") is None  # back in time: a chart's labels, not a table's columns
    assert header_columns("Target Apr-22 Trend Regional Average") is None  # one month: a benchmark table's
    assert header_columns("Indicator Target May-21 Jun-21 Jul-21 Aug-21") == ("Target", "May-21", "Jun-21", "Jul-21", "Aug-21")


def test_the_month_or_year_asked_is_read_as_a_column():
    assert columns_asked("RTT in December 2021?") == ["Dec-21"]
    assert columns_asked("any 12 hour waits in jan 22") == ["Jan-22"]
    assert columns_asked("A&E for 2021/22 as a whole, and for April 2022") == ["Apr-22", "21-22"]
    assert columns_asked("35-50 walking aids in April") == []
    # A day of the month, a percentage or a measure after a month is no year (found in a review).
    assert columns_asked("the meeting on march 15 2022") == columns_asked("In March 15% of patients") == []
    assert columns_asked("how many may 12 hour trolley waits") == []
    # Months written before a month with its year share its year (a review found "April and May 2022" read as May).
    assert columns_asked("A&E for April and May 2022") == ["Apr-22", "May-22"]
    assert columns_asked("RTT for apr, may & jun 22") == ["Apr-22", "May-22", "Jun-22"]
    # A quarter is read with its financial year, which is then not asked for itself.
    assert columns_asked("A&E in Q3 2021/22") == ["Q3 21-22"]
    assert columns_asked("RTT in quarter 1 of 22/23 and in April 2022") == ["Apr-22", "Q1 22-23"]
    # Found in a review: quarters in words, after a comma, after their year, or sharing one; ranges of months;
    # a list running into the next year; a count after a month's comma is no year.
    assert columns_asked("in quarter three, 2021/22") == columns_asked("2021/22 Q3") == ["Q3 21-22"]
    assert columns_asked("Q3 and Q4 2021/22") == ["Q3 21-22", "Q4 21-22"]
    assert columns_asked("April–June 2022") == columns_asked("april to june 2022") == ["Apr-22", "May-22", "Jun-22"]
    assert columns_asked("December and January 2022") == ["Dec-21", "Jan-22"]
    assert columns_asked("from Nov 2021 to Feb 2022") == ["Nov-21", "Dec-21", "Jan-22", "Feb-22"]
    assert columns_asked("from January 2019 to May 2022") == ["Jan-19", "May-22"]  # too long a range: its ends
    assert columns_asked("In May, 22 patients waited") == [] and columns_asked("march, 2023") == ["Mar-23"]


def test_a_month_without_its_year_is_the_last_one_before_the_document():
    """Staff write "A&E in may" of a report written in July 2022: May 2022; "in December" is December 2021."""
    assert periods_alone("a&e 4hr performance in may?", "2022-07-20") == ["May-22"]
    assert periods_alone("RTT for December and January", "2022-07-20") == ["Dec-21", "Jan-22"]
    assert periods_alone("what may happen in June", "2022-07-20") == ["Jun-22"]  # "may" the verb is no month
    assert periods_alone("RTT in May 2022", "2022-07-20") == []  # a month with its year is read as written
    # Ending the question as typed on a phone (a trial: "diagnostics 6 week wait march" was declined).
    assert periods_alone("diagnostics 6 week wait march", "2022-07-20") == ["Mar-22"]
    assert periods_alone("a&e 4hr jan?", "2022-07-20") == ["Jan-22"]
    assert periods_alone("how may we improve", "2022-07-20") == []
    # A quarter without its financial year is the last such quarter to end before the document (a trial's "rtt q3").
    assert periods_alone("a&e 4 hour performance in q3", "2022-07-20") == ["Q3 21-22"]
    assert periods_alone("a&e in q1 and quarter four", "2022-07-20") == ["Q1 21-22", "Q4 21-22"]  # one year for both
    assert periods_alone("a&e in q3 2021/22", "2022-07-20") == []  # read with its year by columns_asked
    # A review: no quarter inside a word or before a unit, none when a year is given, a list of months at the end.
    for question in ("phq2 a&e 4 hour performance", "faq1", "which quarter 4 hour a&e performance was worst", "q3 fy22", "q3 last year"):
        assert periods_alone(question, "2022-07-20") == []
    assert periods_alone("rtt 18 weeks april and may", "2022-07-20") == ["Apr-22", "May-22"]


def test_a_month_ending_the_question_without_its_year_is_answered_from_the_table(service):
    answer = service.answer("diagnostics 6 week wait march")
    assert not answer.abstained and "March 2022 93.7% (target 99%)" in answer.text
    answer = service.answer("a&e 4 hour performance in q3")
    assert not answer.abstained and "Q3 2021/22 71.9% (target 95%)" in answer.text
    answer = service.answer("a&e 4 hour performance in quarter four")  # a number word is the quarter's, not the measure's
    assert not answer.abstained and "Q4 2021/22 72.1% (target 95%)" in answer.text


def test_a_quarter_is_the_quarter_of_the_year_its_columns_precede():
    _, waits = rows_in(ROWS, header_columns(HEADER) or ())
    assert waits.value_for("Q3 21-22") == "71.9%" and waits.reading(["Q3 21-22"]) == "Q3 2021/22 71.9%"
    assert waits.value_for("Q3 22-23") is None  # the table's quarters are 2021/22's


def test_a_cell_printed_n_a_is_not_given():
    """The autism waits' rows print "N/A" until December 2021: no value for those months, nor months they give."""
    columns = ("Target", "Oct-21", "Nov-21", "Dec-21", "Jan-22")
    (row,) = rows_in("School Age N/A N/A N/A 166 158", columns)
    assert row.value_for("Nov-21") is None and row.value_for("Target") is None and row.value_for("Dec-21") == "166"


def test_a_month_of_a_monthly_table_is_answered_with_that_months_value(service):
    answer = service.answer("How many patients spent more than 12 hours from decision to admit to admission in January 2022?")
    assert not answer.abstained
    assert "Number of patients spending >12 hours from decision to admit to admission: January 2022 14 (target 0)" in answer.text
    row = next(c for c in answer.citations if c.quote.startswith("Number of patients spending >12 hours"))
    assert (row.slug, row.page) == ("icb-performance-report-2022-07", 6) and quote_is_verbatim(row, service.kb)
    assert row.quote.endswith("19 24 13")  # the row alone, not the A&E row the text layer ran into it

    answer = service.answer("What was RTT 18 week incomplete pathway performance in December 2021?")
    assert "December 2021 62.4% (target 92%)" in answer.text
    # A financial year is a column too; and a table page search did not find is read all the same.
    answer = service.answer("What was C&W's A&E 4-hour performance for 2021/22 as a whole, and for April 2022?")
    assert "A&E department: April 2022 68.9%, 2021/22 76.5% (target 95%)" in answer.text


def test_a_and_e_typed_in_lower_case_finds_its_row(service):
    """"A&E" is one search token: its single letters had been dropped, and "a&e 4hr performance in may 2022" was
    answered with "NOTED the Reports from Finance and Performance Committee ... 4 May 2022" (a new user's trial)."""
    assert {"a&e", "c&w"} <= set(tokenize("C&W's A&E waits"))
    answer = service.answer("a&e 4hr performance in may 2022")
    assert "A&E department: May 2022 71.7% (target 95%)" in answer.text


def test_the_row_most_of_whose_label_is_asked_answers(service):
    """"total GP appointments" holds two words of the GP appointments table's "Total appointments" and two of the
    cancer table's "... referred urgently with suspected cancer by a GP": the row whose label it holds whole answers."""
    answer = service.answer("How many total GP appointments were there in February 2022?")
    assert "Total appointments: February 2022 413,658" in answer.text and "cancer by a GP" not in answer.text
    answer = service.answer("face to face GP appointments in March 2022")
    assert "Face to face appointments: March 2022 272,623" in answer.text
    # A percentage asked is no row of counts: the table is quoted whole, percentages and all.
    answer = service.answer("what % of GP appointments were face to face in April 22 compared with pre-covid (Feb 20)?")
    assert "Face to face appointments: April 2022" not in answer.text and "57.9%" in answer.text


BENCHMARK = (
    "Areas of Concern Basis Target Apr-22 Trend Regional Average A&E - 12 Hour Trolley Waits Provider 0 13 GEH 78.3% "
    "SWFT 68.6% UHCW 70.2% Ambulance Handovers over 15 minutes Provider 0 5,643 RTT - Incomplete Pathway CCG 92% "
    "60.8% 58.0% Improving Access to Psychological Therapies (IAPT): Recovery Rate (March 2022) CCG 50% 51.0% "
    "Annual Health Checks for patients with Severe Mental Illness (Q4) CCG 50% 32.4% 41.5%"
)


def test_a_benchmark_table_gives_one_month_of_each_measure_or_the_month_its_label_dates():
    columns = benchmark_columns(BENCHMARK)
    assert columns == ("Target", "Apr-22", "Average")
    trolley, handovers, rtt, iapt, checks = (benchmark_row(row) for row in rows_in(BENCHMARK, columns))
    assert trolley.label == "A&E - 12 Hour Trolley Waits Provider" and trolley.value_for("Apr-22") == "13"
    assert handovers.label.startswith("Ambulance Handovers")  # not the chart's "GEH 78.3% SWFT 68.6% ..." before it
    assert rtt.value_for("Apr-22") == "60.8%" and rtt.value_for("Average") == "58.0%"
    assert iapt.value_for("Mar-22") == "51.0%" and iapt.value_for("Apr-22") is None  # reported a month behind
    assert checks.value_for("Apr-22") is None  # a quarter's figure, no month's
    assert header_columns(BENCHMARK) is None  # not a monthly table


def test_a_benchmark_row_without_its_basis_is_not_read(service):
    """A second trial: "what was GEH's A&E 4 hour performance?" was answered "May 2022 72.8% (target 95%)", read off
    a row that lacks its basis and the system's value ("... within 4 hours (May 22) 95% 72.8%"): 72.8% is the
    Midlands average (the report's p. 15), not the system's, and not GEH's."""
    answer = service.answer("what was GEH's A&E 4 hour performance?")
    assert "72.8% (target 95%)" not in answer.text
    answer = service.answer("what was a&e 4 hour performance in may 2022?")
    assert "May 2022 71.7% (target 95%)" in answer.text  # the monthly table's row, the system's value


def test_abenchmark_row_answers_its_month_and_declines_only_a_later_one(service):
    answer = service.answer("ambulance handovers over 15 mins in april 2022")
    assert "Ambulance Handovers over 15 minutes Provider: April 2022 5,643 (target 0)" in answer.text
    answer = service.answer("What was the IAPT recovery rate for April 2022?")
    assert answer.abstained and "The closest table gives it for March 2022, not April 2022." in answer.text
    answer = service.answer("IAPT recovery rate in march 2022")
    assert not answer.abstained and "March 2022 51.0% (target 50%)" in answer.text
    # A second trial: the system's row ("... Breast CCG") had answered about SWFT, named only by the page's charts.
    answer = service.answer("What was the SWFT breast two week wait performance in April 2022?")
    assert "Breast CCG: April 2022" not in answer.text
    # Asked an earlier month than the table's, the prose answers: one month of a measure says nothing of another.
    answer = service.answer("Were there any 104 week waits left at the end of March 2022?")
    assert not answer.abstained and "achieved by 31 March 2022" in answer.text


def test_the_row_asked_leads_a_table_sentence_that_only_names_the_month_in_its_header(service):
    """A second trial: "breast 2ww nov 21" led with the RTT table's first sentence (its header names "Nov-21", and
    its row is RTT's), the breast row's November value after it."""
    answer = service.answer("breast 2ww nov 21")
    assert answer.text.startswith("Cancer two-week wait for first outpatient appointment for patients referred urgently with breast symptoms: November 2021 58.2%")


def test_a_month_dated_by_its_financial_year_is_that_month(service):
    """Finance papers date a month by its financial year: December of 2021/22 is December 2021, March is March 2022."""
    assert months_in_their_year("RTT in december 2021/22 and Mar 21-22") == "RTT in december 2021 and Mar 2022"
    assert months_in_their_year("in may 12/14, the 2021/22 year") == "in may 12/14, the 2021/22 year"  # no financial year after a month
    answer = service.answer("RTT 18 weeks performance in december 2021/22")
    assert "December 2021 62.4% (target 92%)" in answer.text
    answer = service.answer("A&E 4 hour performance in march 2021/22?")
    assert "March 2022 71.3% (target 95%)" in answer.text and "2021/22 76.5%" not in answer.text


def test_a_month_typed_onto_its_year_reads_as_the_month_and_year(service):
    """A new user's trial: "camhs urgent 5 day rtt apr22?" was declined, "apr22" being a word no page uses."""
    assert months_parted_from_years("rtt apr22, may2022 and Jun-22 at m3") == "rtt apr 22, may 2022 and Jun-22 at m3"
    assert months_parted_from_years("the mayor in 2022") == "the mayor in 2022"
    glued, spaced = service.answer("breast 2ww nov21"), service.answer("breast 2ww nov 21")
    assert not glued.abstained and glued.text == spaced.text


def test_may_the_verb_is_no_month(service):
    """A question asking politely ("if i may, ...") had been searched and answered as one about May."""
    assert without_modal_may("if i may, a&e in may? may i ask; the report may be late in May 2022") == (
        "if i    , a&e in may?     i ask; the report     be late in May 2022"
    )
    # A review: a word that dates a month before it, or a day's number, keeps it a month.
    for month in ("in May we saw", "18 may gb", "a&e performance during may this year", "in early may this year",
                  "which may staff briefing", "what happened this may", "is it may or june", "on 12 May there was"):
        assert without_modal_may(month) == month
    # (Not A&E: asked with no month, its latest month is May 2022, which the answer rightly names.)
    polite, plain = service.answer("if i may, what was the 62 day cancer performance"), service.answer("what was the 62 day cancer performance")
    assert polite.text == plain.text and "May" not in polite.text and "April 2022 51.5%" in polite.text
    polite = service.answer("what was the diagnostics 6 week wait in march, if i may")
    assert "March 2022 93.7%" in polite.text and "May" not in polite.text


def test_a_month_the_row_does_not_reach_is_declined_saying_which_months_it_gives(service):
    """A second trial's near misses had been answered with the rows around them ("RTT ... in May 2022" with
    the A&E row's May figure beside the RTT row's April one)."""
    # The RTT row stops at Apr-22 (the A&E row above it goes on to May-22): its May is not reported.
    answer = service.answer("What was our RTT 18-week incomplete pathway performance in May 2022?")
    assert answer.abstained and "The closest table gives it from April 2021 to April 2022, not May 2022." in answer.text
    assert "p. 6" in answer.text  # the table is pointed to
    # Asked for two months, the row that gives one shows it and says it lacks the other.
    answer = service.answer("What was our RTT 18-week incomplete pathway performance in April and May 2022?")
    assert "April 2022 60.8%; May 2022 not in the table (target 92%)" in answer.text
    answer = service.answer("Autism assessment waits for school age children in March and April 2022?")
    assert "School Age: March 2022 163; April 2022 not in the table" in answer.text
    answer = service.answer("A&E 4 hour performance in June?")  # June 2022: the report is of July 2022
    assert answer.abstained and "The closest table gives it from April 2021 to May 2022, not June 2022." in answer.text
    answer = service.answer("Autism assessment waits for school age children in June 2021?")
    assert answer.abstained and "The closest table gives it from December 2021 to March 2022, not June 2021." in answer.text
    answer = service.answer("2 week wait GP referral performance in March 2021")
    assert answer.abstained and "not March 2021" in answer.text
    # Nor is another measure's row read for a measure the table does not hold, nor the system's row for a trust.
    assert "December 2021" not in service.answer("What was the 104 week wait in December 2021?").text
    assert "64.1%" not in service.answer("What was UHCW's RTT 18 week performance in October 2021?").text
    # One shared word is no measure: the mental health table's "Total" row says nothing of inhaler emissions,
    # and a table of months alone nothing of a financial year (found in a bare-clone run of the tests).
    answer = service.answer("total inhaler emissions in 20/21?")
    assert not answer.abstained and "27,420" in answer.text


def test_a_row_giving_the_month_for_the_measure_asked_answers_whatever_the_score(service):
    """A trial's "A&E 4hr % for apr 22 and may 22" was declined: its row was read, but the sentence ranker puts
    rows of figures low and the evidence scored under the bar. The row answers, as an action-table row does."""
    answer = service.answer("A&E 4hr % for apr 22 and may 22")
    assert not answer.abstained
    assert "A&E department: April 2022 68.9%, May 2022 71.7% (target 95%)" in answer.text
    answer = service.answer("A&E 4 hour performance in Q3 2021/22?")
    assert "A&E department: Q3 2021/22 71.9% (target 95%)" in answer.text


def test_no_row_is_shown_without_a_value(service):
    """Found in a review: a compound question's row was shown with an empty value ("...:  (target 0)")."""
    answer = service.answer("How many patients spent over 12 hours from decision to admit to admission, and how many in March 2021?")
    assert ":  (target" not in answer.text


@pytest.mark.parametrize("question", ["What was cancer 62 day performance in 2021/22?", "cancer 62 day performance dec 21?"])
def test_rows_alike_each_give_their_value_in_the_tables_order(service, question):
    """"62 day performance" is said of three rows alike (GP referral, screening, upgrade). One chosen by rank alone
    may not be the one meant; none chosen (as before) left the month unread, and a trial's "cancer 62 day performance
    dec 21?" got the whole row of 18 values. Each is shown with its value for the period asked, on a line of its own."""
    answer = service.answer(question)
    assert not answer.abstained
    period = "2021/22" if "2021/22" in question else "December 2021"
    expected = {"2021/22": ["60.6%", "69.6%", "79.1%"], "December 2021": ["54.0%", "55.0%", "78.0%"]}[period]
    lines = [line for line in answer.text.splitlines() if line.startswith("Cancer") and f": {period} " in line]
    assert [line.split(f": {period} ")[1].split()[0] for line in lines] == expected
    assert "GP referral" in lines[0] and "screening" in lines[1] and "upgrade" in lines[2]


def test_rows_alike_printed_in_one_sentence_are_each_given(service):
    """A review: the radiotherapy and surgery rows of the 31-day subsequent-treatment measures share a sentence, and
    only the better fitting of the two was read, so the answer gave two of the three rows as if they were all."""
    answer = service.answer("cancer 31 day wait for subsequent treatment in December 2021")
    for value in ("December 2021 100.0%", "December 2021 85.1%", "December 2021 92.1%"):
        assert value in answer.text
    assert [line.split(":")[0].rsplit(" ", 1)[-1] for line in answer.text.splitlines()[:3]] == ["regimen", "radiotherapy", "surgery"]


def test_a_quarter_written_q2_leaves_the_measures_number_asked(service):
    """A review: "2 week wait in Q2 2021/22" lost its "2" to the quarter and showed the RTT 18-week and diagnostics
    6-week rows as 2-week waits."""
    answer = service.answer("2 week wait in Q2 2021/22")
    assert "Q2 2021/22 86.6% (target 93%)" in answer.text and "Q2 2021/22 95.3% (target 93%)" in answer.text
    assert "Q2 2021/22 65.6%" not in answer.text and "Q2 2021/22 93.3%" not in answer.text


def test_a_table_of_amounts_is_read_into_its_header_and_rows_and_prose_is_not():
    from bot.amount_tables import read_amount_table

    table = read_amount_table(
        "Table 1 CCG Expenditure Analysis Budget Actual Under / (Over) spend £000s £000s £000s "
        "Acute Healthcare 236,711 236,850 (139) Mental Health & LD 54,953 54,109 844 Continuing Healthcare 26,077 27,057 (980)"
    )
    assert table is not None and table.header.endswith("£000s £000s £000s")
    assert [row.text() for row in table.rows][-1] == "Continuing Healthcare 26,077 27,057 (980)"
    # Prose with figures in it, even under a unit, is no table: most of its "rows" hold one figure.
    assert read_amount_table("Costs in £000s rose by 12 in May, 14 in June and 9 in July, then fell by 3 in August.") is None
    assert read_amount_table("Acute Healthcare 236,711 236,850 (139) Prescribing 37,860 37,617 244 Other 1 2 3") is None  # no header
    # A unit per column: the header runs to the last; a row is quoted where it stands, not where its words recur.
    units = read_amount_table("Table 2 Budget £000s Actual £000s Variance £000s Acute Care 1 2 3 Primary Care 5 60 4 Care 5 6 7")
    assert units is not None and units.header == "Table 2 Budget £000s Actual £000s Variance £000s"
    sentence = "Table 2 Budget £000s Actual £000s Variance £000s Acute Care 1 2 3 Primary Care 5 60 4 Care 5 6 7"
    assert [sentence[row.start : row.end] for row in units.rows] == ["Acute Care 1 2 3", "Primary Care 5 60 4", "Care 5 6 7"]


@pytest.mark.parametrize(
    ("question", "row"),
    [
        ("What is the CCG's in-year Revenue Resource Limit for months 1-3?", "Revenue Resource Limit M1-3 (in year) 456,612"),
        ("Primary care (non-delegated) at month 3: budget vs actual?", "Primary Care 6,410 6,310 100"),
        # A trial: named by the initials the report gives it, or ranked below the report's prose on the measure
        # (the table is on the page between), the row had not been found ("Following M3 close ...").
        ("chc variance at m3?", "Continuing Healthcare 26,077 27,057 (980)"),
        ("continuing healthcare variance m3", "Continuing Healthcare 26,077 27,057 (980)"),
    ],
)
def test_the_row_of_a_table_of_amounts_the_question_names_is_shown_not_the_whole_table(service, question, row):
    """A new user's trial: finance questions were answered with Table 1 quoted whole ("Revenue Resource Limit ...
    Acute Healthcare 236,711 236,850 (139) Mental Health & LD ..."), a dozen rows for the reader to search, and
    read off the wrong row."""
    answer = service.answer(question)
    assert not answer.abstained and row in answer.text
    assert "Acute Healthcare" not in answer.text  # a row not asked about is not shown
    assert "Primary Care Delegated" not in answer.text  # nor one the question rules out ("non-delegated")
    assert all(quote_is_verbatim(c, service.kb) for c in answer.citations)


@pytest.mark.parametrize("question", ["mental health non chc position at m3", "what is the variance at m3 excluding chc?"])
def test_a_row_the_question_rules_out_by_its_initials_is_not_shown(service, question):
    """A review: "non chc" had brought the Continuing Healthcare row, its initials spelled out after the "non" was read."""
    assert "Continuing Healthcare 26,077" not in service.answer(question).text


@pytest.mark.parametrize(
    "question",
    [
        "What is the ICS doing about acute healthcare emissions?",  # the table ranks ninth, at 0.05
        # The table ranks first, and is of 2022/23 (its document's title says so; its page does not).
        "At month 3, what were the prescribing budget and actual spend in the CCG expenditure table for 2019/20?",
    ],
)
def test_a_table_of_amounts_the_answer_does_not_rest_on_shows_no_row(service, question):
    """A review of the pass: any of the ten best candidates had been read for a row, however unlikely, and a year
    asked that its page does not give did not stop it."""
    assert "(Table 1 CCG Expenditure Analysis" not in service.answer(question).text  # no row shown under the header


def test_the_year_of_a_table_of_amounts_may_be_in_its_documents_title(service):
    answer = service.answer("At month 3, what were the prescribing budget and actual spend in the CCG expenditure table for 2022/23?")
    assert answer.text.startswith("Prescribing 37,860 37,617 244 (Table 1")


def test_a_row_whose_label_starts_a_longer_label_named_is_not_shown_too(service):
    answer = service.answer("primary care delegated budget at month 3?")
    assert answer.text.startswith("Primary Care Delegated 41,033 41,033 0 (") and "Primary Care 6,410" not in answer.text


def test_a_target_printed_with_its_unit_of_time_is_one_cell():
    """The benchmark table's "... Assessment Waits (CYP ASD) (over 12 weeks - proxy ) CCG 12 weeks 4300": its
    target is "12 weeks", so the row reads target and value, and the "12 weeks" of its label stays in the label."""
    text = (
        "Children and Young People’s Emotional Well-Being and Mental Health Follow-ups (over 12 weeks ) CCG 12 weeks 242 "
        "Children and Young People’s Autism Spectrum Disorder Assessment Waits (CYP ASD) (over 12 weeks - proxy ) CCG 12 weeks 4300"
    )
    rows = rows_in(text, ("Target", "Apr-22", "Average"))
    assert [row.values for row in rows] == [("12 weeks", "242"), ("12 weeks", "4300")]
    assert rows[1].label.endswith("(CYP ASD) (over 12 weeks - proxy ) CCG")


def test_a_labels_number_and_unit_stay_in_the_label_when_the_values_fit_without_them():
    columns = ("Target", "Jan-22", "Feb-22", "Mar-22", "Apr-22", "May-22")
    for text in ("RTT > 52 weeks 0 1,234 1,300 1,310 1,320 1,330", "RTT > 52 weeks 0 1,234 1,300 1,310 1,320"):
        (row,) = rows_in(text, columns)
        assert row.label == "RTT > 52 weeks" and row.values[0] == "0"


def test_a_row_of_organisations_is_read_with_each_ones_figure_or_its_blank():
    from bot.breakdowns import organisation_row

    sentence = "Benchmarking CW MIDLANDS ENGLAND Completed two week pathways Organisation % CWCCG 79.0% SWFT 90.0% GEH UHCW 72.2%"
    row = organisation_row(sentence, {"SWFT", "GEH", "UHCW", "CCG"})
    # After another row's cells, in a summary table run into one sentence, a row has no label of its own to read.
    assert organisation_row("A&E - 12 Hour Trolley Waits Provider 0 13 GEH 78.3% SWFT 68.6% UHCW 70.2%", {"SWFT", "GEH", "UHCW"}) is None
    assert row is not None and sentence[row.start : row.end] == "CWCCG 79.0% SWFT 90.0% GEH UHCW 72.2%"
    assert row.shown() == "CWCCG 79.0%; SWFT 90.0%; GEH (no figure given); UHCW 72.2%"
    # One trust named with a figure is a sentence about that trust, not a breakdown.
    assert organisation_row("UHCW failed to achieve the 93% target; 39.1% of SWFT patients", {"SWFT", "UHCW"}) is None


@pytest.mark.parametrize(
    ("question", "shown", "page"),
    [
        ("62 day cancer performance in April by trust?", "CW 51.5%; SWFT 49.7%; GEH (no figure given); UHCW 55.0%", 27),
        # A new user's trial: the 62-day row had answered, and "by trust?" after it was declined.
        ("cancer two week wait for gp referrals in april by trust?", "CWCCG 79.0%; SWFT 90.0%; GEH (no figure given); UHCW 72.2%", 22),
        ("2ww breast symptomatic per trust", "CWCCG 89.2%; SWFT 93.9%; GEH (no figure given); UHCW 85.7%", 24),
        ("2ww performance by trust", "CWCCG 79.0%; SWFT 90.0%; GEH (no figure given); UHCW 72.2%", 22),  # "2ww" is "Two Week Wait"
        # This pass's trial and a held-out set: one trust named asks its cell of the same row ("at uhcw" had got the
        # section's screening breaches; "breast 2ww swft april" the 62-day prose).
        ("62 day cancer performance at uhcw in april", "CW 51.5%; SWFT 49.7%; GEH (no figure given); UHCW 55.0%", 27),
        ("breast 2ww swft april", "CWCCG 89.2%; SWFT 93.9%; GEH (no figure given); UHCW 85.7%", 24),
        ("whats uhcw's 62 day cancer perf for april, is it better than swft?", "CW 51.5%; SWFT 49.7%; GEH (no figure given)", 27),
        ("how bad is the 2ww performance at uhcw?", "CWCCG 79.0%; SWFT 90.0%; GEH (no figure given); UHCW 72.2%", 22),
        # A trial: the month written as the appendix's columns write it finds the appendix best, whose pages never
        # name UHCW; the row on the report's p. 27 does, and the question was declined as "do not mention UHCW".
        ("62 day cancer performance apr 22 at uhcw?", "CW 51.5%; SWFT 49.7%; GEH (no figure given); UHCW 55.0%", 27),
    ],
)
def test_a_figure_asked_by_trust_leads_with_the_row_of_trusts_under_its_measures_heading(service, question, shown, page):
    """The benchmark row of each trust's figure sits on a page of its own or under the section's charts; the ranker
    had found the section's prose or the system-wide summary table instead."""
    answer = service.answer(question)
    assert answer.text.startswith(shown)
    assert answer.citations[0].page == page and all(quote_is_verbatim(c, service.kb) for c in answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "a&e 4 hour performance by trust",  # no row of trusts is titled "A&E 4 hour"
        # A review: another measure's row had led these. A number asked must be in the row's title; the rows give the
        # report's month, so a month their pages do not name is none of theirs; a numbered paragraph ("3.2 GEH Cancer
        # Waits Data for April is missing ...") is no heading, and a row after another row's cells has no label of its own.
        "31 day cancer performance by trust",
        "62 day cancer performance in March by trust?",
        "two week wait performance in december 2021 by trust",
        "cancer figures by trust",
        # "by the trust" is a passive's agent, no breakdown.
        "what cancer waits data was not submitted by the trust?",
        # A trust named whose cell is blank (GEH sent no April cancer data), or a measure no row is titled with.
        "62 day cancer performance at geh in april",
        # The rows give the report's month, which no quarter or financial year is (reviews had April 2022's row for these).
        "62 day cancer performance at swft in q4?",
        "62 day cancer performance at uhcw for quarter 1",
        "62 day cancer performance at uhcw in qtr1?",
        "62 day cancer performance at swft this quarter?",
        "62 day cancer performance by trust in 2021/22?",
        "how many ev charging points has swft got?",
        # A review: one trust named asks the row only when its title holds most of the measure asked (screening, gynae
        # and breaches are other figures of the section), and a month is the report's (p. 22's "early July" is a pilot's).
        "62 day screening performance at uhcw",
        "gynae 2ww performance at uhcw",
        "how many breast 2ww breaches at uhcw",
        "uhcw 2ww performance in july",
        "2ww performance by trust in july",
    ],
)
def test_a_breakdown_by_trust_no_row_of_trusts_gives_shows_none(service, question):
    assert "(no figure given)" not in service.answer(question).text


def test_a_numbered_heading_is_told_from_a_numbered_paragraph():
    from bot.breakdowns import section_heading

    assert section_heading("8.3.1 CANCER: 62 Day Standard Performance (85% 62 Day Standard) Benchmarking CW") == (
        "8.3.1 CANCER: 62 Day Standard Performance (85% 62 Day Standard)"
    )
    assert section_heading("8.2 CANCER: Two Week Wait (93%) – Breast Symptomatic Organisation % CWCCG 89.2%") == (
        "8.2 CANCER: Two Week Wait (93%) – Breast Symptomatic Organisation"
    )
    assert section_heading("3.2 GEH Cancer Waits Data for April is missing from nationally published data") is None


@pytest.mark.parametrize(
    ("question", "sentence", "out"),
    [
        ("Primary care (non-delegated) at month 3: budget vs actual?", "Primary Care Delegated 0 Delegated is currently on plan", True),
        ("Primary care (non-delegated) at month 3: budget vs actual?", "Primary Care 100 Underspend due to vacant posts", False),
        # Asked about both: neither is ruled out (a review).
        ("how does delegated primary care compare with non-delegated?", "Primary Care Delegated 0 Delegated is currently on plan", False),
        # A label is the opening words before an amount: prose mentioning the word later is no row.
        ("mental health non chc position at m3", "The underspend relates to MH Non CHC as per Broadcare Data, offset by CHC", False),
    ],
)
def test_a_row_the_question_rules_out_is_told_by_its_label(question, sentence, out):
    from bot.amount_tables import names_a_row_ruled_out, ruled_out

    assert names_a_row_ruled_out(ruled_out(question), sentence) is out



@pytest.mark.parametrize(
    ("question", "shown"),
    [
        # A trial's: the page's "Concern remains for A&E 4 hour standard ..." and no figure.
        ("What is the A&E 4 hour performance?", "May 2022 71.7% (target 95%)"),
        ("what's the 62 day cancer performance?", "April 2022 51.5% (target 85%)"),
        ("what is the IAPT recovery rate?", "March 2022 51.0% (target 50%)"),  # a benchmark row: its one month
    ],
)
def test_a_measure_asked_with_no_time_is_answered_with_the_latest_month_its_row_gives(service, question, shown):
    answer = service.answer(question)
    assert not answer.abstained and answer.text.startswith(answer.text.split("[1]")[0]) and shown in answer.text.split("[1]")[0]


def test_the_latest_month_is_not_offered_where_no_value_is_asked(service):
    """A measurement's catch: "which professionals make up the children's autism assessment team?" had been led by the
    ASD waits row, and "why has the dementia diagnosis rate dropped so much?" asks why, not how much."""
    answer = service.answer("Which professionals make up the children's autism assessment team?")
    assert "(CYP ASD)" not in answer.text.split("[1]")[0]
    answer = service.answer("why has the dementia diagnosis rate dropped so much?")
    assert "Covid" in answer.text.split("[1]")[0]


def test_the_latest_month_of_a_whole_label_answers_only_a_value_of_its_kind(service):
    """A re-review: with no month asked, a row whose label holds every word of the question answered "how many diagnostic
    tests?" with the share waiting under 6 weeks, and "how many 52 week breaches will there be?" with April's actual.
    A count is answered by no percentage, and what will be by no month reported; "how many 52 week breaches?" still is."""
    answered = service.answer("how many 52 week breaches?")
    assert answered.text.startswith("RTT > 52 weeks breaches - Incomplete Pathways (Snapshot): April 2022 5,484"), answered.text[:200]
    for question in ("how many diagnostic tests?", "how many 52 week breaches will there be?"):
        answer = service.answer(question)
        assert not answer.text.startswith(("Patients waiting less than 6 weeks", "RTT > 52 weeks breaches")), (question, answer.text[:200])


def test_a_run_of_values_cut_from_their_labels_is_told_from_a_row():
    """The text layer cut a table's values from their labels on the performance report's p. 1 ("184,510 27,119 ...
    Apr-22 Feb-20 Enc J Pack 2"), which had ridden along in an answer; a row with its label, before or after its values
    (a review's), is a row."""
    assert cells_without_labels("184,510 27,119 80,832 51,169 23,067 14,514 10,717 49.7% 6.7% 19.4% Apr-22 Feb-20 Enc J Pack 2")
    assert not cells_without_labels("GEH 299 0 299 299 100.0%")
    assert not cells_without_labels("1,020 944 812 748 Total appointments")
    assert not cells_without_labels("5,643 handovers took longer than 15 minutes in April")
