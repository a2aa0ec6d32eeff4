from datetime import date
from pathlib import Path

import pytest

from bot.action_query import (
    ActionFilter,
    describe_matches,
    filter_actions,
    parse_action_question,
    phrases_written,
    render_listing_text,
    with_overdue_deadline,
    words_in_lower_case,
)
from ingest.actions import extract_actions
from ingest.reading import read_pages

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2023, 2, 1)  # in financial year 2022/23


SLUGS = ("cw-ics-green-plan", "nhse-system-review-letter-2022-05")


@pytest.fixture(scope="module")
def pages():
    return {slug: read_pages(REPO / "corpus" / "pdf" / f"{slug}.pdf") for slug in SLUGS}


@pytest.fixture(scope="module")
def table(pages):
    return [row for slug in SLUGS for row in extract_actions(slug, pages[slug])]


@pytest.fixture(scope="module")
def ordinary_words(pages):
    """The words the two documents write in lower case, as the bot reads them from its knowledge base."""
    return words_in_lower_case(page for slug in SLUGS for page in pages[slug])


def _parse(question: str, table, ordinary_words: frozenset[str] | None = None) -> ActionFilter | None:
    themes = list(dict.fromkeys(row.theme for row in table))
    leads = list(dict.fromkeys(row.lead for row in table if row.lead))
    return parse_action_question(question, themes, leads, TODAY, ordinary_words, phrases=phrases_written(table))


def _answer(question: str, table):
    f = _parse(question, table)
    assert f is not None, "should be read as a question about actions"
    return describe_matches(filter_actions(table, f), f, table)


@pytest.mark.parametrize(
    "question",
    [
        "ICS carbon footprint 20/21?",
        "what % of GP appointments were face to face",
        "why did waiting times rise due to staffing?",
        "who is the clinical lead for cancer?",
    ],
)
def test_ordinary_questions_are_left_to_the_answering_service(table, question):
    assert _parse(question, table) is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what's due in 23/24?", ActionFilter(due="2023/24")),
        ("who leads the water actions?", ActionFilter(theme="Water")),
        ("what does the ICP own in travel?", ActionFilter(lead="ICP", theme="Travel and Transport")),
        ("ICP actions due 24/25 in waste", ActionFilter(due="2024/25", lead="ICP", theme="Waste")),
        ("which actions mention inhalers", ActionFilter(text="inhalers")),
        ("Which QSRM actions is Phil Johns leading?", ActionFilter(lead="Phil Johns")),
        ("what meds actions are due next year?", ActionFilter(due="2023/24", theme="Medicines")),
        ("any actions for our buildings?", ActionFilter(theme="Estates and Facilities")),
        ("which building energy actions are due this year?", ActionFilter(due="2022/23", theme="Building Energy")),
        ("what is Coombes responsible for?", ActionFilter(lead="Coombes")),
        ("whats due end of may", ActionFilter(due="--05")),
        ("which actions are due end may 22", ActionFilter(due="2022-05")),
        ("whats due at the end of june", ActionFilter(due="--06")),  # the month's words are no text to look for
        ("which water actions are due in march 2024", ActionFilter(due="2024-03", theme="Water")),
        ("what is due in may 22/23", ActionFilter(due="2022-05")),
        ("which actions due 31 may 2022", ActionFilter(due="2022-05")),
        # Held-out dialogues: the whole listing asked ("across every theme"), or the due year as a "target year", had
        # been read as words to look for ("across", "target").
        ("give me all the green plan actions due in 22/23 across every theme", ActionFilter(due="2022/23")),
        ("list every green plan action with a 23/24 target year, across all the themes", ActionFilter(due="2023/24")),
        ("which actions mention targets", ActionFilter(text="targets")),
    ],
)
def test_action_questions_become_filters(table, question, expected):
    assert _parse(question, table) == expected


def test_a_first_name_or_surname_alone_names_its_lead_in_any_case(table, ordinary_words):
    assert _parse("show me danielle's actions", table, ordinary_words) == ActionFilter(lead="Danielle Oum")
    assert _parse("what is oum responsible for", table, ordinary_words) == ActionFilter(lead="Oum")
    # Not a name the documents also use as an ordinary word, unless written with its capital.
    assert "grant" in ordinary_words
    assert _parse("which actions mention a grant?", table, ordinary_words) == ActionFilter(text="grant")
    assert _parse("which actions does Grant own?", table, ordinary_words) == ActionFilter(lead="Grant")
    # ... nor a common English word ("pickup"), unless written with its capital or as a possessive.
    assert _parse("which actions mention pickup", table, ordinary_words) == ActionFilter(text="pickup")
    assert _parse("which actions does Pickup own?", table, ordinary_words) == ActionFilter(lead="Pickup")
    assert _parse("what are phil's actions", table, ordinary_words) == ActionFilter(lead="Phil Johns")
    # Without the documents' words, only a whole name or a capitalised surname names a lead.
    assert _parse("show me danielle's actions", table) != ActionFilter(lead="Danielle Oum")


def test_a_month_lists_the_actions_due_in_it_and_no_year_long_ones(table):
    listing = _answer("which actions are due end of may?", table)
    listed = [row for rows in listing.groups.values() for row in rows]
    assert listed and listed == [row for row in table if (row.due_normalised or "").startswith("2022-05")]
    assert listing.summary.startswith(f"{len(listed)} actions are due in May")
    assert _parse("which actions may slip?", table) is None or _parse("which actions may slip?", table).due is None


def test_a_theme_lists_the_longer_themes_that_hold_its_name_too(table):
    """The QSRM letter's "Workforce" and the Green Plan's "Workforce and Systems Leadership": a lead asking
    for the workforce actions means both; asking for the longer theme gets it alone."""
    listing = _answer("workforce actions", table)
    assert set(listing.groups) == {"Workforce", "Workforce and Systems Leadership"}
    longer = _answer("workforce and systems leadership actions", table)
    assert set(longer.groups) == {"Workforce and Systems Leadership"}


def test_a_common_word_starting_like_a_theme_names_no_theme(table):
    """A paraphrase, "... so their carbon can be worked out?", had been read as asking for Workforce actions and
    answered "No actions match: in Workforce, ..."; "medical" is no "Medicines". A word cut short still names it."""
    for question in ("By when should GP groupings send in their power use so their carbon can be worked out?", "what medical equipment actions are there"):
        parsed = _parse(question, table)
        assert parsed is None or parsed.theme is None, parsed
    cut_short = _parse("which biodiv actions are due 22/23?", table)
    assert cut_short is not None and cut_short.theme == "Green Space and Biodiversity"


def test_filtering_by_year_lists_exactly_the_actions_due_that_year(table):
    listing = _answer("what's due in 23/24?", table)
    listed = [row for rows in listing.groups.values() for row in rows]
    assert listed == [row for row in table if row.due == "23/24"]
    assert listing.summary == f"{len(listed)} actions are due in 2023/24 across 14 themes"


def test_a_person_leads_the_actions_they_share(table):
    listing = _answer("Which QSRM actions is Phil Johns leading?", table)
    assert [(row.number, row.lead) for rows in listing.groups.values() for row in rows] == [
        ("1", "Phil Johns"),
        ("2", "Phil Johns/ Danielle Oum"),
        ("4", "Phil Johns"),
        ("5", "Phil Johns / Rob Pickup"),
    ]
    assert listing.summary == "4 actions are led by Phil Johns across 3 themes"


def test_a_free_worded_question_finds_the_letter_action(table):
    listing = _answer("who is triangulating finance and workforce plans for NHSE and by when?", table)
    [row] = [row for rows in listing.groups.values() for row in rows]
    assert (row.number, row.lead, row.due) == ("12", "Adrian Stokes / Theresa Nelson", "20 June 22")


def test_words_an_action_mentions_are_found_in_every_theme(table):
    listing = _answer("which actions mention inhalers", table)
    assert list(listing.groups) == ["Workforce and Systems Leadership", "Medicines"]
    assert all("inhaler" in row.action.lower() for rows in listing.groups.values() for row in rows)


def test_the_listing_groups_rows_by_theme_with_number_lead_due_and_page(table):
    text = render_listing_text(_answer("who leads the water actions?", table))
    assert text.splitlines()[:3] == [
        "4 actions are in Water",
        "",
        "Water",
    ]
    assert "  1. Assist member organisations to develop Water Management Plans. " in text
    assert "(lead ICB; due 23/24; cw-ics-green-plan p. 66)" in text


def test_no_match_says_so_and_offers_the_nearest_filter_that_matches(table):
    listing = _answer("ICP actions due 22/23 in water", table)

    assert listing.summary == "No actions match: in Water, led by ICP, due in 2022/23."
    assert listing.groups == {}
    assert listing.nearest.dropped == ("theme",)
    relaxed = filter_actions(table, listing.nearest.filter)
    assert listing.nearest.count == len(relaxed) > 0
    assert all(row.lead == "ICP" and row.due == "22/23" for row in relaxed)
    assert f"Nearest: without the theme, {len(relaxed)} actions match (led by ICP, due in 2022/23)." in (
        render_listing_text(listing)
    )


def test_a_single_nearest_match_is_worded_in_the_singular(table):
    text = render_listing_text(_answer("ICP actions due 24/25 in waste", table))
    lines = text.splitlines()
    assert lines[:3] == [
        "No actions match: in Waste, led by ICP, due in 2024/25.",
        "",
        "Nearest: without the lead, 1 action matches (in Waste, due in 2024/25).",
    ]
    # ... and, being few, the nearest rows are written out (a new user's trial had to ask again for two rows).
    assert len(lines) == 4 and "due 24/25" in lines[3] and lines[3].startswith("  ")


@pytest.mark.parametrize(
    ("question", "nearest"),
    [
        ("which water actions are overdue?", "Nearest: without being past due, 4 actions match (in Water, not marked closed)."),
        (
            "overdue travel actions led by ICP",
            "Nearest: without being past due, 9 actions match (in Travel and Transport, led by ICP, not marked closed).",
        ),
    ],
)
def test_the_nearest_match_of_overdue_says_what_its_rows_are(table, question, nearest):
    """A new user's trial: "which water actions are overdue?" offered "Nearest: without the due date, 4 actions match (in
    Water, overdue)", four actions due 23/24, none of them overdue. Without its date passed, "overdue" holds every row not
    marked closed, and the nearest match says so."""
    lines = render_listing_text(_answer(question, table)).splitlines()
    assert lines[2] == nearest
    assert "overdue" not in " ".join(lines[2:])


def test_overdue_of_a_year_not_over_lists_only_its_rows_dated_before_this_month(table):
    """A lead trial, on 15 January 2023: "which 22/23 actions are overdue?" answered "72 actions are overdue (due in
    2022/23 and not marked closed)", though 2022/23 runs to 31 March 2023. Today is 1 February 2023: of 2022/23 only the
    letter's rows dated May and June 2022 are overdue, and the year's own rows are said to be still to come."""
    listing = _answer("which 22/23 actions are overdue?", table)
    assert listing.summary.startswith("5 actions are overdue (due in 2022/23, by January 2023 and not marked closed)")
    assert "67 more actions are due in 2022/23: not overdue yet, as 2022/23 runs to 31 March 2023." in listing.summary
    assert all(row.source == "nhse-system-review-letter-2022-05" for row in listing.rows())
    # None overdue yet is said plainly, not as a filter nothing matches with a nearer one that drops the year.
    for question in ("which water actions due in 23/24 are overdue?", "are any of the 23/24 water actions overdue?"):
        text = render_listing_text(_answer(question, table))
        assert text == "None of the 4 actions in Water and due in 2023/24 is overdue yet: 2023/24 runs to 31 March 2024.", text


def test_overdue_of_a_month_keeps_the_month(table):
    """A lead trial: "which actions due in may are overdue?" read "may" as the verb and listed every overdue action
    ("72 actions are overdue (due by July 2023 ..."): the letter's three rows due at the end of May are the ones."""
    listing = _answer("which actions due in may are overdue?", table)
    assert listing.summary.startswith("3 actions are overdue (due in May, by January 2023 and not marked closed)")
    assert {row.due for row in listing.rows()} == {"End May 22"}
    assert _parse("which actions may be late?", table).due == "<=2023-01"  # "may" the verb: overdue, of any month


def test_a_period_told_from_today_lists_the_financial_year_it_falls_in_and_says_so(table):
    """A lead trial: "what's due this quarter?" listed the actions mentioning "quarter". The table gives most dues by
    financial year: it lists the year the quarter falls in, says that is all it can tell, and places the rows with a
    finer due date exactly (the letter's, at the end of May and in June 2022)."""
    listing = _answer("what's due this quarter?", table)  # 1 February 2023: January to March 2023
    assert listing.summary.startswith("67 actions are due in the financial year of January to March 2023, 2022/23")
    assert "these are due by the end of 2022/23 (31 March 2023), within January to March 2023" in listing.summary
    themes = list(dict.fromkeys(row.theme for row in table))
    may = parse_action_question("which actions are due this month?", themes, [], date(2022, 5, 10))
    assert may is not None and may.text is None  # no word "month" to look for
    rows = filter_actions(table, may)
    said = describe_matches(rows, may, table).summary
    assert said.startswith("70 actions are due in the financial year of May 2022, 2022/23"), said
    assert "67 of these are due by the end of 2022/23 (31 March 2023), not necessarily within May 2022; the other 3 have a due date within May 2022." in said
    assert {row.due for row in rows if row.source == "nhse-system-review-letter-2022-05"} == {"End May 22"}
    week = parse_action_question("anything due next week?", themes, [], date(2023, 8, 10))
    assert week is not None and week.due == "2023-08-14..2023-08-20" and week.text is None


def test_two_words_naming_two_themes_side_by_side_are_a_phrase_to_look_for(table):
    """A lead trial: "what actions are there for food waste?" read the Waste theme and the word "food", and missed the
    Food and Nutrition action on reducing food waste (p. 87) that `actions --text "food waste"` finds."""
    food_waste = _parse("what actions are there for food waste?", table)
    assert food_waste.theme is None and food_waste.text == "food waste"
    listing = _answer("what actions are there for food waste?", table)
    assert {row.theme for row in listing.rows()} == {"Food and Nutrition", "Waste"}
    assert any(row.theme == "Food and Nutrition" and "food waste" in row.action for row in listing.rows())
    # A theme's own name, or a theme beside a word of asking, is still the theme.
    assert _parse("which water actions are due in 23/24?", table) == ActionFilter(due="2023/24", theme="Water")
    assert _parse("who leads the water actions?", table) == ActionFilter(theme="Water")
    assert _parse("what are the capital projects actions?", table) == ActionFilter(theme="Capital Projects")
    assert _parse("which food and nutrition actions are there?", table) == ActionFilter(theme="Food and Nutrition")
    assert _parse("medicines, water actions", table) == ActionFilter(theme="Water|Medicines")  # joined: two themes
    # A review: theme words no action writes side by side name their themes.
    assert _parse("what are the sustainable travel actions?", table) == ActionFilter(theme="Travel and Transport")
    assert _parse("what are the maternity workforce actions?", table).theme is not None
    assert _parse("what are the supply chain waste actions?", table).theme is not None
    # A re-review: a list in an action's text ("energy, water, waste, transport") writes no phrase.
    assert _parse("what are the water waste actions?", table).theme is not None


def test_the_trust_and_pcn_actions_are_told_from_the_ics_ones(table):
    """The Green Plan splits each action plan into actions for the ICS and actions for every Trust and PCN."""
    trust = _parse("list the trust / pcn specific actions", table)
    assert trust.scope == "Trust / PCN specific" and trust.text is None
    rows = filter_actions(table, trust)
    assert rows and all(row.scope == "Trust / PCN specific" for row in rows)
    assert _parse("which ICS-wide actions are due 22/23", table) == ActionFilter(due="2022/23", scope="ICS specific")


@pytest.mark.parametrize(
    ("question", "number", "theme"),
    [
        ("who leads waste action 4?", "4", "Waste"),
        ("what is action no. 13 in travel and transport", "13", "Travel and Transport"),
        ("who leads number 10 in travel?", "10", "Travel and Transport"),
        ("when is no 3 in water due?", "3", "Water"),
    ],
)
def test_an_action_asked_by_its_number_is_that_row_alone(table, question, number, theme):
    """A new user's trial: "who leads waste action 4?" had listed all six Waste actions; a lead trial's "who leads number
    10 in travel?" had been answered with a sentence on air pollution."""
    listing = _answer(question, table)
    rows = listing.rows()
    assert [(row.theme, row.number.rstrip(".")) for row in rows] == [(theme, number)]
    assert listing.summary.startswith(f"1 action is numbered {number} and in {theme}")


def test_a_number_beside_no_theme_or_action_is_no_row(table):
    assert _parse("what is the number 1 priority for travel?", table) is None  # asks about no action
    assert _parse("who leads number 10?", table) is not None and _parse("who leads number 10?", table).number is None


def test_a_number_no_action_has_says_so_and_offers_the_theme(table):
    listing = _answer("what is waste action 99", table)
    assert not listing.rows() and listing.summary == "No actions match: numbered 99, in Waste."
    assert listing.nearest is not None and listing.nearest.dropped == ("number",)



def test_a_lead_no_action_has_is_read_as_a_lead_and_matches_none(table, ordinary_words):
    """A trial's "which green plan actions does SWFT lead?" listed all 150 actions: the name was a stray word."""
    for question, lead in [
        ("which actions does SWFT lead?", "SWFT"),
        ("which actions does uhcw lead?", "uhcw"),
        ("is GEH leading any actions?", "GEH"),
        ("which actions are led by SWFT?", "SWFT"),
        ("which actions is Laura Nelson responsible for?", "Laura Nelson"),  # not Theresa Nelson's action
    ]:
        f = _parse(question, table, ordinary_words)
        assert f is not None and f.lead == lead, question
        assert filter_actions(table, f) == []
        assert describe_matches([], f, table).summary.startswith(f"No actions match: led by {lead}")
    # Leads the table has still list their actions, and words that are no name stay words.
    assert _parse("which actions is Theresa Nelson responsible for?", table, ordinary_words).lead == "Theresa Nelson"
    assert _parse("which actions are led by trusts?", table, ordinary_words).lead is None
    assert _parse("does anyone lead the travel actions?", table, ordinary_words).lead is None
    # A review's: a title before a surname is that lead's ("Dr Nelson"), words of a team or a field are no person, and
    # a word inside a lead's name is no missing lead ("NHSE" of "NHSEI Julie Grant and ICS Mel Coombes").
    assert _parse("which actions is Dr Nelson leading?", table, ordinary_words).lead == "Nelson"
    assert _parse("which actions are led by Mr Johns?", table, ordinary_words).lead == "Johns"
    assert _parse("which actions does the Medicines Team lead?", table, ordinary_words).lead is None
    assert _parse("which actions does Warwickshire County Council lead?", table, ordinary_words).lead == "Warwickshire County Council"
    # A word of a lead's name is that lead's (a re-review: "led by the ICS" had listed all 165).
    for word in ("ICS", "NHSEI"):
        f = _parse(f"which actions are led by the {word}?", table, ordinary_words)
        assert f.lead == word and len(filter_actions(table, f)) == 1
    # A first name before another surname is another person too ("Rob Jones" is not Rob Pickup).
    assert filter_actions(table, _parse("which actions are led by Rob Jones?", table, ordinary_words)) == []
    assert len(filter_actions(table, _parse("which actions are led by Rob Pickup?", table, ordinary_words))) == 2
    # "own" is no verb of leading here: GEH's own footprint is not an action question about a lead.
    f = _parse("what is GEH's own carbon footprint in tCO2e?", table, ordinary_words)
    assert f is None or f.lead is None


def _on(question: str, table, today: date) -> ActionFilter | None:
    themes = list(dict.fromkeys(row.theme for row in table))
    leads = list(dict.fromkeys(row.lead for row in table if row.lead))
    return parse_action_question(question, themes, leads, today)


def _said_on(question: str, table, today: date) -> str:
    f = _on(question, table, today)
    assert f is not None, "should be read as a question about actions"
    return render_listing_text(describe_matches(filter_actions(table, f), f, table, today=today))


def test_a_year_named_beside_a_period_is_kept_and_never_switched(table):
    """A review, on 15 January 2023: "which 23/24 actions are due this quarter?" listed 2022/23's 67, the year the
    quarter falls in; a trial then found the period dropped without a word, 2023/24's 68 listed as if due this quarter.
    The year asked holds, with the period: none is due in both, and the answer says why. A period within that year is
    read as asked."""
    winter = date(2023, 1, 15)
    other_year = _on("which 23/24 actions are due this quarter?", table, winter)
    assert other_year is not None and other_year.due == "2023/24&2023-01-01..2023-03-31" and other_year.text is None
    said = _said_on("which 23/24 actions are due this quarter?", table, winter)
    assert said.startswith("No actions match: January to March 2023 falls in 2022/23, not in 2023/24."), said[:200]
    assert "Nearest" not in said
    same_year = _on("which 22/23 actions are due this quarter?", table, winter)
    assert same_year is not None and same_year.due == "2023-01-01..2023-03-31"


def test_a_year_named_beside_a_year_told_from_today_or_a_calendar_year_is_met_with_it(table):
    """A lead trial, on 7 December 2026: "which 22/23 actions are due in 2024?" and "... due next year?" listed
    2022/23's 72 as if the second year had not been asked. Met as a period is: the year asked alone where the two
    overlap (January to March 2024 is in 2023/24), else none, and the answer says why."""
    december = date(2026, 12, 7)
    for question, due, why in [
        ("which 22/23 actions are due next year?", "2022/23&2027/28", "next year is 2027/28, not 2022/23"),
        ("which 22/23 actions are due this year?", "2022/23&2026/27", "this year is 2026/27, not 2022/23"),
        ("which 22/23 actions are due in 2024?", "2022/23&2024-01-01..2024-12-31", "2024 falls in 2023/24 or 2024/25, not in 2022/23"),
    ]:
        f = _on(question, table, december)
        assert f is not None and f.due == due and f.text is None, (question, f)
        said = _said_on(question, table, december)
        assert said == f"No actions match: {why}.", said
    # A year told from today that is the year named is that year; a calendar year is met with it (its rows dated by
    # month or day only when they fall in it), however many that leaves.
    for question, today, due, described in [
        ("which 23/24 actions are due next year?", date(2023, 1, 15), "2023/24", "2023/24"),
        ("which 23/24 actions are due in 2024?", december, "2023/24&2024-01-01..2024-12-31", "2023/24 and in 2024"),
    ]:
        f = _on(question, table, today)
        assert f is not None and f.due == due, (question, f)
        said = _said_on(question, table, today)
        assert said.startswith(f"68 actions are due in {described} across 14 themes"), said[:200]
    # Asked "overdue", the same: none is overdue in both, whatever the deadline "overdue" adds.
    for question, why in [
        ("which 22/23 actions due next year are overdue?", "next year is 2027/28, not 2022/23"),
        ("which 23/24 actions due next month are overdue?", "January 2027 falls in 2026/27, not in 2023/24"),
    ]:
        said = _said_on(question, table, december)
        assert said == f"No actions match: {why}.", said
    # Told with no today, the year is named by its years alone.
    apart = describe_matches([], ActionFilter(due="2022/23&2027/28"), table)
    assert apart.summary == "No actions match: 2027/28 is another financial year than 2022/23.", apart.summary
    # Not asked as a due, a calendar year is none (as a period is not): the year asked as before.
    agreed = _on("which 22/23 actions were agreed in 2024?", table, december)
    assert agreed is not None and agreed.due == "2022/23"


def test_a_period_is_a_due_only_where_dues_are_asked(table):
    """A review, on 10 August 2023: "what actions were agreed last month?" listed 2023/24's 68 actions as "due" in July
    2023. A period told from today is a due when the question asks about dues (a follow-up's "and this week?" after a
    listing is read as asking them: "due this week actions", ``bot.followup``)."""
    summer = date(2023, 8, 10)
    agreed = _on("what actions were agreed last month?", table, summer)
    assert agreed is None or agreed.due is None
    assert "2023/24" not in _said_on("what actions were agreed last month?", table, summer)
    for question, period in [
        ("which actions are due next month?", "2023-09-01..2023-09-30"),
        ("which actions are coming up this quarter?", "2023-07-01..2023-09-30"),
        ("due this week actions", "2023-08-07..2023-08-13"),
    ]:
        f = _on(question, table, summer)
        assert f is not None and f.due == period and f.text is None, (question, f)


def test_overdue_of_a_period_or_month_not_over_says_none_is_overdue_yet(table):
    """A review: "which actions due this quarter are overdue?" on 10 August 2023 fell back to "Nearest: without being
    past due, 165 actions match", every open action whatever its due; "which actions due in june are overdue?" on 10
    June 2022 did the same. Said plainly, as of a financial year, told from the rows' own dues."""
    said = _said_on("which actions due this quarter are overdue?", table, date(2023, 8, 10))
    assert said == (
        "None of the 68 actions due in the financial year of July to September 2023, 2023/24 is overdue yet: "
        "2023/24 runs to 31 March 2024."
    ), said
    june = _said_on("which actions due in june are overdue?", table, date(2022, 6, 10))
    assert june == "None of the 2 actions due in June is overdue yet: June 2022 is not over.", june
    assert "Nearest" not in said + june


def test_none_overdue_yet_lists_its_traits_without_a_stray_comma(table):
    """A review: "None of the 15 actions led by ICP, due in 2023/24 is overdue yet"."""
    f = with_overdue_deadline(ActionFilter(due="2023/24", lead="ICP", status="overdue"), date(2023, 8, 10))
    said = render_listing_text(describe_matches(filter_actions(table, f), f, table))
    assert said == "None of the 15 actions led by ICP and due in 2023/24 is overdue yet: 2023/24 runs to 31 March 2024.", said


def test_the_overdue_deadline_applies_to_any_due_and_only_once():
    """The one place "overdue" gets its deadline, for a question and for a follow-up that swaps in a due: a year not
    over keeps its rows dated before this month only; a year over is kept as it is; applied twice, the same."""
    summer = date(2023, 8, 10)
    for due, expected in [("2023/24", "2023/24&<=2023-07"), ("2022/23", "2022/23"), (None, "<=2023-07")]:
        once = with_overdue_deadline(ActionFilter(due=due, status="overdue"), summer)
        assert once.due == expected and with_overdue_deadline(once, summer) == once
    assert with_overdue_deadline(ActionFilter(due="2023/24"), summer).due == "2023/24"  # not "overdue": as it is


def test_the_period_note_keeps_to_the_dues_the_rows_hold(table):
    """A review: the note named "a quarter's end", a due no row has; the table's finer dues are months and days."""
    said = _said_on("what's due this quarter?", table, date(2023, 8, 10))
    assert "quarter's end" not in said and "an action given a finer due date (a month or a day)" in said


def test_a_period_beside_overdue_asks_what_is_overdue_now_and_alone_asks_no_due(table):
    """A re-review: "which actions are overdue this quarter?" in January 2023 had read the quarter as the due and said
    none of 2022/23's 67 was overdue yet, beside the letter's 5 overdue; "any actions from last month?" and "what are
    this week's actions?" had listed 2023/24's 68 as due then."""
    themes = list(dict.fromkeys(row.theme for row in table))
    january = date(2023, 1, 15)
    overdue = parse_action_question("which actions are overdue?", themes, [], january)
    for question in ("which actions are overdue this quarter?", "are any actions overdue this week?", "were any actions late last quarter?"):
        read = parse_action_question(question, themes, [], january)
        assert read is not None and read.due == overdue.due and read.text is None, (question, read)
    assert len(filter_actions(table, overdue)) == 5
    for question in ("any actions from last month?", "what are this week's actions?"):
        read = parse_action_question(question, themes, [], date(2023, 8, 10))
        assert read is None or read.due is None, (question, read)
