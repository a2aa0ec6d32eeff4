from datetime import date

import pytest

from index.due_dates import (
    calendar_year_due,
    calendar_year_of,
    describe_due,
    describe_month,
    due_in_month,
    due_of_both,
    financial_year_of,
    find_due_by_year,
    find_period,
    is_due_filter,
    is_normalised_due,
    is_readable_due,
    meets_due,
    narrowed_due,
    normalise_due,
    not_over_yet,
    parse_due_month,
    parse_financial_year,
    year_beside,
    year_told_from_today,
)

# 1 February 2023 falls in financial year 2022/23; 1 April 2023 starts 2023/24.
WINTER = date(2023, 2, 1)
SPRING = date(2023, 4, 1)


@pytest.mark.parametrize(
    "question",
    [
        "what's due in 23/24?",
        "actions for 2023/24",
        "actions for 2023-24",
        "due FY23/24",
        "due in FY 2023/24",
        "due in FY2023-24",
        "actions from 2023 to 2024",
        "2023/2024 actions",
    ],
)
def test_every_spelling_of_a_financial_year_means_2023_24(question):
    assert parse_financial_year(question, WINTER) == "2023/24"


@pytest.mark.parametrize(
    ("question", "today", "expected"),
    [
        ("what is due this financial year?", WINTER, "2022/23"),
        ("what is due this financial year?", SPRING, "2023/24"),
        ("anything due this year?", WINTER, "2022/23"),
        ("what's due next year?", WINTER, "2023/24"),
        ("whats due next yr", WINTER, "2023/24"),  # as chat writes it (a trial's had been searched for as words)
        ("what's due next financial year?", SPRING, "2024/25"),
        ("what was due last year?", WINTER, "2021/22"),
        ("what was due last financial year?", SPRING, "2022/23"),
        # One list of words with follow-ups ("the prior year", "the following year"): index.vocabulary.
        ("what was due the prior year?", WINTER, "2021/22"),
        ("what is due the following financial year?", WINTER, "2023/24"),
    ],
)
def test_relative_years_count_from_the_april_that_started_today_s_year(question, today, expected):
    assert parse_financial_year(question, today) == expected


def test_an_explicit_year_wins_over_a_relative_one():
    assert parse_financial_year("next year, i.e. 24/25", WINTER) == "2024/25"


@pytest.mark.parametrize(
    ("question", "beside"),
    [
        ("which 22/23 actions are due next year?", "2023/24"),
        ("which 22/23 actions are due this financial year?", "2022/23"),
        ("which 24/25 actions were due last year?", "2021/22"),
        ("which 22/23 actions are due in 2024?", "2024-01-01..2024-12-31"),
        ("what 2023/24 actions are there for 2025?", "2025-01-01..2025-12-31"),
        # A calendar year naming the rows, the other way round ("which 2023 actions are due in 22/23?", a trial's).
        ("which 2023 actions are due in 22/23?", "2023-01-01..2023-12-31"),
        ("are any of the 2024 ones due in 23/24?", "2024-01-01..2024-12-31"),
        # ... not a document's year, a span's end or a target (a review's).
        ("what does the 2021 action plan say about 23/24?", None),
        ("which of the green plan 2022-2025 actions are due in 23/24?", None),
        ("which net zero 2040 actions are due in 23/24?", None),
        ("which of the 2023 and 2024 actions are due in 23/24?", None),
        ("which of the qsrm may 2022 actions are due in 22/23?", None),
        ("which of the nhse letter 2022 actions are due in 22/23?", None),
        # The financial year's own years are no calendar year asked, nor is one without a financial year beside it.
        ("which actions are due in 2022/23?", None),
        ("which actions are due in 2023 to 2024?", None),
        ("which actions are due in 2024?", None),
        ("which actions are due next year?", None),
        ("which 22/23 actions are there?", None),
    ],
)
def test_a_second_year_long_due_is_read_beside_a_financial_year(question, beside):
    """A lead trial: "which 22/23 actions are due in 2024?" listed 2022/23's actions, the explicit year having won over
    the other year asked (``parse_financial_year`` still reads the first alone)."""
    assert year_beside(question, WINTER) == beside


def test_a_calendar_year_is_read_back_from_its_due_and_a_year_told_from_today_named():
    assert calendar_year_of(calendar_year_due(2024)) == 2024
    assert calendar_year_of("2023/24") is None and calendar_year_of("2023/24|2025/26") is None
    assert [year_told_from_today(year, WINTER) for year in ("2021/22", "2022/23", "2023/24", "2024/25")] == [
        "last year", "this year", "next year", None,
    ]


@pytest.mark.parametrize("question", ["open 24/7?", "who leads the water actions?", "years 2023/25", "1/2 of trusts"])
def test_no_financial_year_is_read_where_none_is_named(question):
    assert parse_financial_year(question, WINTER) is None


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("22/23", "2022/23"),
        ("2024/25", "2024/25"),
        ("Q1 22/23", "2022-06-30"),
        ("Q4 22/23", "2023-03-31"),
        ("20 June 22", "2022-06-20"),
        ("31/05/2022", "2022-05-31"),
        ("End May 22", "2022-05-31"),
        ("by end of March 2023", "2023-03-31"),
        ("June 22", "2022-06"),
        ("Post July 22", None),
        ("Immediate", None),
        ("TBC", None),
        ("TBC by AH", None),
        ("As available", None),
        ("December", None),
        ("", None),
        (None, None),
    ],
)
def test_printed_dues_normalise_to_a_financial_year_an_iso_date_or_nothing(printed, expected):
    assert normalise_due(printed) == expected


@pytest.mark.parametrize(
    ("normalised", "year"),
    [
        ("2023/24", "2023/24"),
        ("2022-05-31", "2022/23"),
        ("2023-03", "2022/23"),
        ("2023-04-01", "2023/24"),
        (None, None),
    ],
)
def test_normalised_dues_fall_in_the_financial_year_that_contains_them(normalised, year):
    assert financial_year_of(normalised) == year


def test_normal_forms_must_name_real_years_and_days():
    assert is_normalised_due("2023/24") and is_normalised_due("2022-06") and is_normalised_due("2022-05-31")
    assert not is_normalised_due("2023/25")
    assert not is_normalised_due("2022-02-30")
    assert not is_normalised_due("next year")


def test_printed_dues_with_numbers_must_make_a_date_or_year():
    assert all(is_readable_due(due) for due in ("22/23", "Post July 22", "TBC", "As required", "End May 22"))
    assert not is_readable_due("2023/25")
    assert not is_readable_due("31/02/23")


@pytest.mark.parametrize(
    ("question", "month"),
    [
        ("whats due end of may", "--05"),
        ("which actions are due end may 22", "2022-05"),
        ("anything due by June 2022?", "<=2022-06"),  # by then: that month or before
        ("anything due by end of june?", "--06"),  # no year: that month, of any year
        ("what is due in sept", "--09"),
        ("which actions may slip?", None),
        ("actions due may be late", None),  # the verb
        # A lead trial's "which actions due in may are overdue?" had read "may" as the verb: after a preposition it is
        # the month, whatever follows; right after "due", before a word the verb never takes, too.
        ("which actions due in may are overdue?", "--05"),
        ("which actions due by may are overdue?", "--05"),
        ("in may, which actions are due?", "--05"),
        ("actions due may are late", "--05"),
        ("which actions may be late?", None),
        ("which actions that ICP is responsible for may slip?", None),  # a review: the verb after a preposition
        ("which of the actions ICP is accountable for may be late?", None),
        # A re-review: after "due" and a preposition it is the month, whatever follows.
        ("which actions are due in May for the ICP?", "--05"),
        ("which actions due in may haven't been done?", "--05"),
        ("what's due in may then?", "--05"),
        ("due june 30 2022", "2022-06"),  # a day is no year
        ("due at the end of june", "--06"),
        ("due before june 2022", None),  # asks for more than June
        ("what's due in 23/24?", None),
    ],
)
def test_a_month_asked_for_is_read_with_or_without_its_year(question, month):
    assert parse_due_month(question) == month


@pytest.mark.parametrize(
    ("question", "month", "said"),
    [
        ("which actions are due in may and june", "--05|--06", "in May or June"),
        ("what's due may or june 2022?", "2022-05|2022-06", "in May or June 2022"),
        ("due in may 2022 or june 2023", "2022-05|2023-06", "in May 2022 or in June 2023"),
        ("which actions are due in june and may be late", "--06", "in June"),  # "may" the verb
    ],
)
def test_two_months_asked_for_at_once_are_both_read(question, month, said):
    assert parse_due_month(question) == month and describe_month(month) == said


def test_a_due_falls_in_either_of_two_months():
    assert due_in_month("2022-05-31", "--05|--06") and due_in_month("2022-06", "2022-05|2022-06")
    assert not due_in_month("2022-07-01", "--05|--06") and not due_in_month("2023-05", "2022-05|2022-06")


def test_a_due_falls_in_its_month_of_any_or_that_year_and_a_financial_year_in_none():
    assert due_in_month("2022-05-31", "--05") and due_in_month("2022-05-31", "2022-05") and due_in_month("2022-05", "2022-05")
    assert not due_in_month("2022-05-31", "2023-05") and not due_in_month("2022/23", "--05") and not due_in_month(None, "--05")
    assert describe_month("2022-05") == "in May 2022" and describe_month("--05") == "in May"
    assert describe_month("<=2024-03") == "by March 2024"


def test_due_by_a_month_holds_every_due_that_ends_by_then():
    assert due_in_month("2022-05-31", "<=2024-03") and due_in_month("2023/24", "<=2024-03")
    assert not due_in_month("2024/25", "<=2024-03") and not due_in_month("2024-04", "<=2024-03")


@pytest.mark.parametrize(
    "question, by",
    [
        ("what's due by 2024/25?", "<=2025-03"),  # a financial year at its March
        ("anything due by 23/24", "<=2024-03"),
        ("due no later than FY 2023-24", "<=2024-03"),
        ("actions due before 2024/25", "<=2024-03"),  # before it: by the end of the year before
        ("anything due by 2025?", "<=2025-12"),  # a calendar year at its December
        ("due by the end of 2024", "<=2024-12"),
        ("waste actions before 2024", "<=2023-12"),
    ],
)
def test_a_year_asked_to_be_due_by_reads_as_every_due_up_to_its_end(question, by):
    found = find_due_by_year(question, WINTER)
    assert found is not None and found[0] == by
    assert not find_due_by_year("what's due in 2024/25?", WINTER) and not find_due_by_year("emissions by 2040/45 will need offsetting", WINTER)
    # A review: a target year far ahead ("net zero by 2040") or a quantity ("by 2000 tonnes") is no deadline; a
    # second review: nor must a deadline need "due" before it ("what actions do we have by 2024 for waste?").
    assert not find_due_by_year("what actions will get us to net zero by 2040?", WINTER)
    assert find_due_by_year("which actions are due by 2040?", WINTER) is not None
    assert not find_due_by_year("which actions reduce emissions by 2000 tonnes?", WINTER)
    for deadline in ("what actions do we have by 2024 for waste?", "which actions have to be completed by 2024?", "what are we committed to by 2024?"):
        assert find_due_by_year(deadline, WINTER) is not None and find_due_by_year(deadline, WINTER)[0] == "<=2024-12", deadline


def test_overdue_of_a_listing_keeps_a_year_already_over_and_the_earlier_deadline():
    assert narrowed_due("2023/24", "<=2026-10") == "2023/24"  # all of 2023/24 was due by October 2026
    # A year not yet over: its rows dated by the deadline, both met together (the deadline alone had listed every
    # overdue action of any year as overdue of 2027/28).
    assert narrowed_due("2027/28", "<=2026-10") == "2027/28&<=2026-10"
    assert narrowed_due("<=2024-12", "<=2026-10") == "<=2024-12"  # "due by 2024", then "overdue": those due by 2024
    assert narrowed_due(None, "<=2026-10") == "<=2026-10"
    assert narrowed_due("2027/28&<=2026-10", "<=2026-08") == "2027/28&<=2026-08"  # overdue asked again, later on


def test_a_financial_year_not_over_is_overdue_only_in_its_rows_dated_by_the_deadline():
    """A lead trial, on 15 January 2023: "which 22/23 actions are overdue?" listed all 72 due in 2022/23, a year that
    runs to 31 March 2023. Both the year and the deadline must be met: only the rows dated in the year by December
    2022 are overdue, and the year's end is what the rest wait for."""
    due = narrowed_due("2022/23", "<=2022-12")
    assert due is not None and is_due_filter(due)
    assert meets_due("2022-05-31", due) and meets_due("2022-06", due)
    assert not meets_due("2022/23", due) and not meets_due("2023-02-01", due) and not meets_due("2021-05", due)
    assert describe_due(due) == "in 2022/23, by December 2022"
    assert not is_due_filter("2022/23&") and not is_due_filter("2022/23&&<=2022-12")


@pytest.mark.parametrize(
    ("question", "today", "period", "said"),
    [
        ("what's due this quarter?", date(2023, 8, 10), "2023-07-01..2023-09-30", "in the financial year of July to September 2023, 2023/24"),
        ("and this month?", date(2023, 8, 10), "2023-08-01..2023-08-31", "in the financial year of August 2023, 2023/24"),
        ("due next quarter", date(2023, 2, 1), "2023-04-01..2023-06-30", "in the financial year of April to June 2023, 2023/24"),
        ("due last month", date(2023, 1, 15), "2022-12-01..2022-12-31", "in the financial year of December 2022, 2022/23"),
        # A week across the year's end falls in both.
        ("this week", date(2023, 3, 30), "2023-03-27..2023-04-02", "in the financial years of 27 March to 2 April 2023, 2022/23 or 2023/24"),
    ],
)
def test_a_period_told_from_today_is_read_as_its_days(question, today, period, said):
    found = find_period(question, today)
    assert found is not None and found[0] == period and is_due_filter(period)
    assert describe_due(period) == said


def test_a_due_falls_in_a_period_when_it_overlaps_it():
    """A due by financial year falls in every period of its year (it is all the table can say); a finer due only in its own."""
    quarter = "2022-04-01..2022-06-30"
    assert meets_due("2022/23", quarter) and meets_due("2022-05-31", quarter) and meets_due("2022-06", quarter)
    assert not meets_due("2023/24", quarter) and not meets_due("2022-07-01", quarter) and not meets_due(None, quarter)
    assert not is_due_filter("2022-06-30..2022-04-01") and not is_due_filter("2022-02-30..2022-03-01")


def test_a_period_reads_without_brackets_and_a_due_not_over_says_why():
    """A review: "(due in 2023/24 (the financial year July to September 2023 falls in) and not marked closed)" nested
    brackets, and "the financial years 27 March to 2 April 2023 falls in" did not agree; a due not yet past is told from
    its own kind ("2023/24 runs to ...", a month's "is not over")."""
    period = find_period("this quarter", date(2023, 8, 10))
    assert period is not None
    said = describe_due(narrowed_due(period[0], "<=2023-07") or "")
    assert said == "in the financial year of July to September 2023, 2023/24, by July 2023" and "(" not in said
    assert describe_due("2023-03-27..2023-04-02") == "in the financial years of 27 March to 2 April 2023, 2022/23 or 2023/24"
    assert not_over_yet("2023/24") == "2023/24 runs to 31 March 2024"
    assert not_over_yet("2022-05-31") == not_over_yet("2022-05") == "May 2022 is not over"


def test_two_dues_met_together_keep_one_only_when_it_lies_within_the_others_years():
    """The rows of a narrowing by a second due are those meeting both: one alone when its rows all fall in the other's
    financial years, else both, which the rows must each meet (a calendar year leaves out a financial year's rows dated
    in the year before)."""
    year_2023 = calendar_year_due(2023)
    quarter = "2023-07-01..2023-09-30"
    assert due_of_both("2022/23|2023/24", "2023/24") == due_of_both("2023/24", "2022/23|2023/24") == "2023/24"
    assert due_of_both("2023/24", quarter) == due_of_both(quarter, "2023/24") == quarter
    assert due_of_both("2022/23|2023/24", year_2023) == year_2023
    both = due_of_both(year_2023, "2022/23")
    assert both == f"{year_2023}&2022/23" and describe_due(both) == "in 2023 and in 2022/23"
    assert meets_due("2022/23", both) and meets_due("2023-02", both) and not meets_due("2022-05-31", both)
    assert due_of_both("2023/24", "2024/25") == "2023/24&2024/25"
    # A month or period within a calendar year is itself; a part already met is not written again (a review: "due in
    # 2023, in 2023, by December 2023").
    assert due_of_both(calendar_year_due(2022), "2022-05") == "2022-05"
    assert due_of_both(calendar_year_due(2023), quarter) == quarter
    deadline = f"{year_2023}&<=2023-12"
    assert due_of_both(year_2023, deadline) == deadline and describe_due(deadline) == "in 2023, by December 2023"
