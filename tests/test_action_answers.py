"""Leads' questions answered from the action table, through the same service and CLIs as staff questions."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date

import pytest

from bot.answering import AnsweringService
from bot.evaluation import quote_is_verbatim
from index.due_dates import financial_year_of
from index.text import without_whitespace
from ingest.build import ingest_corpus
from tests.support.paths import CORPUS_DIR, REPO


def test_action_question_is_answered_from_the_table_with_page_citations(service):
    answer = service.answer("who leads the water actions and when are they due?")

    assert answer.actions is not None
    assert answer.text.splitlines()[0] == "4 actions are in Water. All 4 are led by ICB. All 4 are due 2023/24."
    assert "Assist member organisations to develop Water Management Plans." in answer.text
    assert "lead ICB; due 23/24; p. 66 [1]" in answer.text
    assert [(c.slug, c.page) for c in answer.citations] == [("cw-ics-green-plan", 66)]
    assert all(quote_is_verbatim(c, service.kb) for c in answer.citations)


def test_a_question_about_what_the_tables_documents_never_mention_is_answered_from_the_documents(service):
    """A trial's "how many trust actions did WRM look at?" listed an air handling action that mentions "trust" and
    "look" (a row needs most of the words): WRM is in the Derbyshire case study alone, not in the table's documents."""
    answer = service.answer("how many trust actions did WRM look at?")
    assert answer.actions is None
    assert "Air Handling" not in answer.text
    # "Cover", "concern" and "affect" are in no action either, but in the table's documents (a review); so are the
    # initials "MH" of what the table spells out.
    for asked, held in [("which actions cover EV charging?", "charging"), ("which actions concern recycling targets?", "recycling"),
                        ("which actions affect GP practices?", "GP practices"), ("who has the follow-up action on MH roles?", "Melanie Coombes"),
                        ("what actions are there on the provision of EV charging?", "charging")]:  # "provision" read as search reads it
        listed = service.answer(asked)
        assert listed.actions is not None and held in listed.text, asked
    # "log" of "the QSRM action log" names the table: no word an action must mention.
    logged = service.answer("In the QSRM action log, who is following up on the emerging mental health roles?")
    assert logged.actions is not None and "Melanie Coombes" in logged.text


def test_a_lead_typed_by_first_name_in_lower_case_gets_their_actions(service):
    answer = service.answer("show me danielle's actions")

    assert answer.actions is not None
    expected = sum(1 for row in service.kb.actions if row.lead and "Danielle Oum" in row.lead)
    assert answer.text.splitlines()[0].startswith(f"{expected} actions are led by Danielle Oum")


def test_a_month_asked_for_lists_the_rows_due_in_it(service):
    expected = [row for row in service.kb.actions if (row.due_normalised or "")[5:7] == "05" and "/" not in (row.due_normalised or "")]
    answer = service.answer("whats due end of may")

    assert expected and answer.actions is not None
    assert answer.text.splitlines()[0].startswith(f"{len(expected)} actions are due in May")
    assert all(row.action in answer.text for row in expected)


def test_who_leads_a_theme_is_answered_in_the_first_line(service):
    """A lead's trial: "who leads X?" listed every action with its lead and never said who leads them."""
    leads = Counter(row.lead for row in service.kb.actions if row.theme == "Sustainable Models of Care")
    answer = service.answer("who leads the models of care actions?")
    first_line = answer.text.splitlines()[0]
    assert first_line.endswith("Leads: " + ", ".join(f"{lead} ({n})" for lead, n in leads.most_common()) + ".")
    medicines = {row.lead for row in service.kb.actions if row.theme == "Medicines"}
    assert len(medicines) == 1 and service.answer("who leads the medicines actions?").text.splitlines()[0].endswith(f"are led by {medicines.pop()}.")
    # What the filter already says is not said twice, and a "who" of the topic's own asks no lead (a review).
    assert "Due:" not in service.answer("what's due in 23/24?").text.splitlines()[0]
    assert "led by" not in service.answer("which actions support staff who cycle to work?").text.splitlines()[0]


def test_due_by_a_year_lists_everything_due_by_its_end_not_only_what_is_due_in_it(service):
    """A lead's trial: "anything due by 2025 on medicines?" got "I couldn't tell which financial year you mean",
    "due by 2024/25" listed only what is due in 2024/25 (none), and "before 2024" was dropped unread."""
    medicines = [row for row in service.kb.actions if row.theme == "Medicines"]
    due_in = {year: sum(1 for row in medicines if row.due_normalised == year) for year in ("2022/23", "2023/24", "2024/25")}
    assert due_in["2022/23"] and due_in["2023/24"]
    by_the_year = service.answer("which medicines actions are due by 2024/25?")
    assert not by_the_year.abstained
    assert by_the_year.text.startswith(f"{sum(due_in.values())} actions are in Medicines and due by March 2025")
    by_a_calendar_year = service.answer("anything due by 2025 on medicines?")
    assert by_a_calendar_year.text.startswith(f"{sum(due_in.values())} actions are in Medicines and due by December 2025")
    before = service.answer("medicines actions due before 23/24")
    assert before.text.startswith(f"{due_in['2022/23']} actions are in Medicines and due by March 2023")


def test_due_by_a_month_lists_everything_due_then_or_before(service):
    """A lead's "actions due by march 2024" means every deadline up to then (a second trial got "No actions
    match: due in March 2024"): the financial years 2022/23 and 2023/24 and the letter's dated actions."""
    def ends(due: str) -> str:
        return f"{int(due[:4]) + 1}-03" if "/" in due else due[:7]

    expected = [row for row in service.kb.actions if row.due_normalised and ends(row.due_normalised) <= "2024-03"]
    answer = service.answer("actions due by march 2024")
    assert answer.actions is not None
    assert answer.text.startswith(f"{len(expected)} actions are due by March 2024 across")


def test_the_due_option_takes_a_month_as_typed_or_as_the_filter_writes_it(service):
    today = date(2023, 2, 1)
    for due in ("May 22", "end of may 2022", "2022-05"):
        assert service.actions.filter_from_options(due, None, None, None, today).due == "2022-05", due
    with pytest.raises(ValueError, match="not a financial year or month"):
        service.actions.filter_from_options("someday", None, None, None, today)


def test_a_rows_quote_starts_at_the_row_not_at_the_tail_of_the_row_before(service):
    """The text layer runs the letter's rows together: row 10's sentence opens with row 9's lead, due and
    status ("Claire Finn TBC Open 10 Mental Health Follow-up ...")."""
    answer = service.answer("whats due end of june")

    assert answer.actions is not None
    quotes = [c.quote for c in answer.citations if c.page == 5]
    assert quotes and quotes[0].startswith("10 Mental Health Follow-up conversation"), quotes
    assert all(quote_is_verbatim(c, service.kb) for c in answer.citations)


def test_due_year_in_any_spelling_lists_exactly_that_years_rows(service):
    expected = sum(1 for row in service.kb.actions if row.due_normalised == "2023/24")
    for question in ["what's due in 23/24?", "what actions are due in FY2023-24?", "actions due 2023 to 2024"]:
        answer = service.answer(question)
        assert answer.text.startswith(f"{expected} actions are due in 2023/24 across"), question


def test_a_listing_from_two_documents_says_how_many_each_gives(service):
    """A lead trial read "72 actions are due in 2022/23" as the Green Plan's: the NHS England letter's log gave 5."""
    action_filter = service.action_filter("how many actions are due in 22/23?")
    assert action_filter is not None
    due = service.actions.listing(action_filter).rows()
    plan = sum(row.source == "cw-ics-green-plan" for row in due)
    letter = sum(row.source == "nhse-system-review-letter-2022-05" for row in due)
    assert plan and letter and plan + letter == len(due)
    first_line = service.answer("how many actions are due in 22/23?").text.splitlines()[0]
    assert first_line.startswith(f"{len(due)} actions are due in 2022/23 across")
    assert f"({plan} from Coventry and Warwickshire ICS Green Plan 2022-2025 and {letter} from NHS England" in first_line


@pytest.mark.parametrize(
    "question", ["who leads the QSRM actions?", "which actions in the nhse letter are due in may", "what are the qsrm actions"]
)
def test_actions_from_the_document_the_question_names_are_listed_from_it_alone(service, question):
    letter = "nhse-system-review-letter-2022-05"
    answer = service.answer(question)

    assert answer.actions is not None, question
    listed = [row for rows in answer.actions.groups.values() for row in rows]
    assert listed and {row.source for row in listed} == {letter}, question
    assert f"from {service.kb.by_slug[letter].record.title}" in answer.text.splitlines()[0]
    if "may" in question:
        assert all("May" in (row.due or "") for row in listed)
    else:
        assert len(listed) == sum(1 for row in service.kb.actions if row.source == letter)


def test_the_words_naming_a_document_are_not_words_its_actions_must_mention_and_others_are(service):
    minutes = service.action_filter("which actions from the governing body minutes are due")
    assert minutes is not None and minutes.source == "ccg-governing-body-minutes-2022-05" and minutes.text is None
    plan = service.action_filter("which green plan actions mention coventry")
    assert plan is not None and plan.source == "cw-ics-green-plan" and plan.text == "coventry"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("digitial actions due 23/24", "digital actions due 23/24"), ("recyling actions", "recycling actions")],
)
def test_a_misspelled_theme_or_word_still_finds_its_actions(service, typed, meant):
    assert service.action_filter(typed) == service.action_filter(meant)
    assert service.answer(typed).text.splitlines()[0] == service.answer(meant).text.splitlines()[0]


def test_one_stray_word_beside_a_named_document_is_noise_not_a_word_to_look_for(service):
    answer = service.answer("what actions came out of the governing body minutes")
    assert answer.actions is not None
    assert answer.text.startswith("2 actions are from CCG Governing Body Unconfirmed Minutes")


def test_an_everyday_word_beside_a_theme_narrows_the_listing_to_the_actions_that_say_it(service):
    """A trial: "who owns the action to create an ICS wide travel plan" listed all 13 ICS-specific Travel and
    Transport actions; "create" is too few words to require, but one of the 13 says it."""
    answer = service.answer("who owns the action to create an ICS wide travel plan")
    assert answer.actions is not None
    assert answer.text.splitlines()[0] == "1 action is in Travel and Transport and ICS specific and mentions “create” and “plan”. It is led by ICP."
    assert "Create an ICS-wide Travel Plan, conjoining Trust, local authority, and other partner Travel Plans. (lead ICP; due 23/24" in answer.text
    # "The travel plan action", one action: the plan it creates narrows as "create" does; "the travel plan actions" are the theme's.
    one = service.answer("who owns the ics wide travel plan action and what year")
    assert one.text.splitlines()[0] == "1 action is in Travel and Transport and ICS specific and mentions “plan”. It is led by ICP."
    assert "(lead ICP; due 23/24" in one.text
    assert service.answer("who leads the travel plan actions").text.startswith("18 actions are in Travel and Transport.")
    # Several words are each quoted, not run together as if the documents said "grant funding" (a trial's
    # "mentions “need appoint sro”" read as a quote).
    assert service.answer("which actions mention grant funding").text.splitlines()[0] == "1 action mentions “grant” and “funding”"
    # A name or acronym beside a theme does not narrow: the Medicines actions also spell N2O out as nitrous oxide.
    listing = service.answer("What N2O actions are in the medicines action plan and what years are they due?")
    assert listing.actions is not None and listing.text.splitlines()[0].startswith("15 actions are in Medicines")
    assert "nitrous oxide use data and emissions from each dentist" in listing.text


def test_this_financial_year_follows_the_configured_date(knowledge_base, embedder):
    in_2024 = AnsweringService(knowledge_base, embedder, today=lambda: date(2024, 6, 1))
    assert "due in 2024/25" in in_2024.answer("which actions are due this financial year?").text.splitlines()[0]


def test_no_match_is_said_plainly_with_the_nearest_filter(service):
    answer = service.answer("ICP actions due 22/23 in water")
    assert answer.text.startswith("No actions match: in Water, led by ICP, due in 2022/23.")
    assert "Nearest: without the theme" in answer.text
    assert answer.abstained  # nothing in the table answers it: a decline, for the channels and the evaluation


def test_a_question_naming_a_document_the_table_is_not_from_goes_to_the_documents(service):
    # "industrial action" is no Green Plan action: the CEO report is asked about, and the table holds none of it.
    answer = service.answer("What did the CEO report say about industrial action?")
    assert answer.actions is None and "battery storage" not in answer.text
    assert service.answer("which green plan actions mention battery storage?").actions is not None


def test_who_leads_a_whole_document_is_not_a_listing_of_every_action(service):
    # A new user's trial: "who leads the green plan" listed all 165 actions, minutes items first.
    assert service.answer("who leads the green plan").actions is None
    assert service.answer("list all the actions").actions is not None


def test_one_word_of_a_longer_theme_does_not_make_a_question_about_actions(service):
    # A new user's trial: "who leads the PHM board?" listed a Board Assurance Framework action from the minutes.
    answer = service.answer("who leads the PHM board?")
    assert answer.actions is None and "Board Assurance Framework" not in answer.text
    assert any(citation.slug == "cw-phm-roadmap" for citation in answer.citations)
    # A theme named in full, or a question naming actions, is still the table's.
    assert service.answer("who leads the water actions?").actions is not None
    assert service.answer("what about procurement actions?").actions is not None


def test_ordinary_questions_still_go_to_retrieval(service):
    answer = service.answer("How many digital appointments has SWFT delivered since the pandemic?")
    assert answer.actions is None and "139,333" in answer.text


@pytest.mark.parametrize(
    ("question", "lead", "shown"),
    [
        # A lead trial: these were answered from the documents' prose, "what is Andy Hardy doing?" with Phil Johns's
        # breast screening action.
        ("what is Andy Hardy doing?", "Andy Hardy", "Clarify if there is sufficient robotic capacity"),
        ("what has Danielle Oum got to do?", "Danielle Oum", "Identify support for coaching / mentoring"),
        ("anything for Mel Coombes?", "Mel Coombes", "Follow-up conversation around emerging Mental Health roles"),
        ("what does the ICP lead in travel?", "ICP", "9 actions are in Travel and Transport and led by ICP"),
        # A held-out leads question: the words naming the letter had run back to "have to do", so what was left no
        # longer asked a person's actions and "qsrm letter" became words to look for (page text, no breast screening).
        ("what does phil johns have to do from the qsrm letter", "Phil Johns", "Share updated Breast Screening Trajectory"),
    ],
)
def test_what_a_lead_has_to_do_is_listed_from_the_table(service, question, lead, shown):
    answer = service.answer(question)
    assert answer.actions is not None and f"led by {lead}" in answer.text and shown in answer.text
    assert "Phil Johns;" not in answer.text or lead != "Andy Hardy"


@pytest.mark.parametrize(
    "question",
    [
        "how are we doing on cancer waits?",
        # A review: an organisation's performance is no list of its actions, and a lead with no action matching the
        # rest of the question is answered from the documents.
        "how is the ICB doing on A&E?",
        "what is the ICB working on for mental health?",
        "what is Phil Johns doing at the July board?",
    ],
)
def test_what_someone_is_doing_is_no_action_listing_unless_a_persons_actions_match(service, question):
    assert service.answer(question).actions is None


def test_a_count_of_all_actions_in_total_is_of_all_of_them(service):
    """A lead trial: "in total" had been read as a word the actions must mention ("1 action mentions “total”")."""
    answer = service.answer("how many actions are in the green plan in total?")
    assert answer.text.startswith("150 actions are from Coventry and Warwickshire ICS Green Plan")


def test_of_the_actions_holding_most_words_asked_those_holding_all_are_listed(service):
    """A follow-up trial: "is there a green plan action about appointing a climate change adaptation lead?" listed all
    seven adaptation actions as mentioning "appointing" (the theme's name gave each most of the words)."""
    answer = service.answer("is there a green plan action about appointing a climate change adaptation lead?")
    assert answer.text.startswith("1 action is") and "Appoint an ICS Climate Change Adaptation Lead." in answer.text
    due = service.answer("who's responsible for the green plan action about appointing a climate change adaptation lead and when's it due?")
    assert "Provide climate change adaptation training" not in due.text


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def test_cli_actions_json_lists_row_objects(corpus_kb_dir):
    result = run("-m", "bot", "--index", str(corpus_kb_dir), "actions", "--theme", "meds", "--due", "2023-24", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all(row["theme"] == "Medicines" and row["due_normalised"] == "2023/24" for row in rows)
    assert set(rows[0]) >= {"source", "page", "theme", "scope", "number", "action", "due", "due_normalised", "lead", "nhs_refs", "status", "progress"}


def test_corrections_survive_reingest_and_malformed_csv_changes_nothing(tmp_path, embedder):
    kb_dir = tmp_path / "kb"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "letter.pdf").write_bytes((CORPUS_DIR / "pdf" / "nhse-system-review-letter-2022-05.pdf").read_bytes())
    ingest_corpus(corpus, kb_dir, lambda: embedder)
    exported = tmp_path / "actions.csv"
    assert run("-m", "ingest", "actions", "--export", str(exported), "--index", str(kb_dir)).returncode == 0

    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    rows[0]["status"] = "Closed"
    rows[0]["progress"] = "Announcement shared on 1 June"
    rows[0]["lead"] = "Jane Doe"
    with exported.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    imported = run("-m", "ingest", "actions", "--import", str(exported), "--index", str(kb_dir))
    assert imported.returncode == 0 and "1 rows changed" in imported.stdout

    malformed = tmp_path / "bad.csv"
    malformed.write_text("source,theme,number,status\nletter,ICS Transition\n", encoding="utf-8")
    rejected = run("-m", "ingest", "actions", "--import", str(malformed), "--index", str(kb_dir))
    assert rejected.returncode == 2 and "line 2" in rejected.stderr and "Nothing was changed" in rejected.stderr

    ingest_corpus(corpus, kb_dir, lambda: embedder)  # unchanged corpus: a new build all the same
    listed = run("-m", "bot", "--index", str(kb_dir), "actions", "--lead", "Jane Doe", "--json")
    first = json.loads(listed.stdout)[0]
    assert (first["status"], first["progress"], first["corrected"]) == ("Closed", "Announcement shared on 1 June", ["lead", "status"])
    # As a lead reads the listing: the progress sent in, and that the lead and status are not the document's, whose
    # words the row's citation still quotes (a trial found progress never shown, and "lead Jane Doe" beside a quote
    # naming Phil Johns).
    shown = run("-m", "bot", "--index", str(kb_dir), "actions", "--lead", "Jane Doe")
    assert "lead Jane Doe; due Immediate; status Closed; progress: Announcement shared on 1 June; lead and status updated since the document" in shown.stdout, shown.stdout


def test_a_year_it_cannot_read_is_questioned_not_ignored(service):
    # A calendar year names two financial years: both are said, with the years the table's actions are due in (a new
    # user's trial found "I couldn't tell which financial year you mean" confusing after "and in 2019?").
    # Asking nothing else, the rows of both, counted by year (the note alone had left a lead to ask twice more).
    answer = service.answer("What actions are due in 2024?")
    first = answer.text.splitlines()[0]
    assert first.startswith(
        "The action table is by financial year, and 2024 could be 2023/24 or 2024/25. "
        "Its actions are due in the financial years 2022/23 to 2024/25"
    )
    assert "83 actions are due in 2024" in first and "Due: 2023/24 (68), 2024/25 (15)." in first
    assert not answer.abstained and answer.citations and answer.actions is not None
    # A year of the last century is a year too (it had crashed: "1998/99" was read as 1998 to 2099).
    old = service.answer("What actions are due in 1999?")
    assert old.abstained and old.text == (
        "The action table is by financial year, and 1999 could be 1998/99 or 1999/00: none of the actions asked about is "
        "due in either. They are due in 2022/23, 2023/24 and 2024/25."
    )
    assert service.answer("which water actions are due in 1999?").text.endswith("They are due in 2023/24.")
    # Said above the rows when the question names them otherwise, in one part or two ("... and who leads them?" had got
    # the documents' water passages); "it" pointing back to the year gets the note, not "Which actions do you mean?".
    water = service.answer("which water actions are due in 2024 and who leads them?")
    assert water.actions is not None and water.text.startswith("The action table is by financial year, and 2024 could be")
    assert "4 actions are in Water and due in 2024." in water.text.splitlines()[0] and "1. Assist member organisations to develop Water Management Plans." in water.text
    led = service.answer("what's due in 2024 and who leads it").text.splitlines()[0]
    assert led.startswith("The action table is by financial year, and 2024") and "Leads: ICB (64), ICP (19)." in led
    # Only the rows due in either financial year the calendar year could mean (a review: the year had been dropped).
    waste = service.answer("waste actions due in 2023")
    assert waste.actions is not None and "due 24/25" not in waste.text and "Due: 2023/24 (4), 2022/23 (1)." in waste.text
    # A year none of the rows asked about is due in: the note alone.
    assert service.answer("which water actions are due in 2019?").actions is None
    later = service.answer("which water actions are due in 2025 and who leads them?")
    assert later.actions is None and later.text == (
        "The action table is by financial year, and 2025 could be 2024/25 or 2025/26: none of the actions asked about is "
        "due in either. They are due in 2023/24."
    )


def test_every_listed_row_can_be_checked_in_its_pages_quote(service):
    answer = service.answer("who leads the water actions?")
    assert answer.actions is not None and answer.citations
    quotes = {(c.slug, c.page): c.quote for c in answer.citations}
    for rows in answer.actions.groups.values():
        for row in rows:
            quote = without_whitespace(quotes[(row.source, row.page)])
            assert without_whitespace(row.action.split(".")[0]) in quote, row.action
    assert all(quote_is_verbatim(c, service.kb) for c in answer.citations)


def test_a_calendar_year_lists_the_rows_dated_by_month_only_when_they_fall_in_it(service, corpus_kb_dir):
    """A new user's trial: "whats due in 2023" listed the QSRM letter's actions due in May and June 2022 with 2022/23's
    and 2023/24's rows, as 2022/23 holds May 2022. A row dated by month or day is in a calendar year only when it falls
    in it; a row dated by financial year is in either year the calendar year could mean."""
    letter = "NHS England Quarterly System Review Meeting letter"
    in_2023 = service.answer("whats due in 2023")
    assert in_2023.actions is not None and letter not in in_2023.text and "May 22" not in in_2023.text
    assert "135 actions are due in 2023" in in_2023.text and "Due: 2023/24 (68), 2022/23 (67)." in in_2023.text
    in_2022 = service.answer("whats due in 2022")
    assert in_2022.actions is not None and f"5 from {letter}" in in_2022.text, in_2022.text[:400]
    # With another year asked in a part of its own, the years of both (a review: it had crashed).
    both = service.answer("which actions are due in 2023 and which in 2024?")
    assert both.actions is not None and both.text.startswith("155 actions are due in 2022/23, 2023/24 or 2024/25"), both.text[:200]
    # The same in the command line's filter.
    listed = run("-m", "bot", "--index", str(corpus_kb_dir), "actions", "--due", "2023", "--json")
    dues = {row["due_normalised"] for row in json.loads(listed.stdout)}
    assert listed.returncode == 0 and dues == {"2022/23", "2023/24"}, listed.stderr


def test_a_due_year_the_table_does_not_reach_is_said_with_the_years_it_does(knowledge_base, embedder):
    in_2026 = AnsweringService(knowledge_base, embedder, today=lambda: date(2026, 11, 30))
    answer = in_2026.answer("whats due next year")
    assert answer.text.startswith("No actions match: due in 2027/28.")
    assert "due in the financial years 2022/23 to 2024/25" in answer.text
    assert "NOTED" not in answer.text  # not the minutes' sentences the documents' search would give
    assert answer.abstained


def test_a_financial_year_beside_a_second_year_long_due_says_why_none_match(knowledge_base, embedder):
    """A lead trial, on 7 December 2026: "which 22/23 actions are due in 2024?" gave "72 actions are due in 2022/23",
    as did "... due next year?". The year told from today is named as the service's today names it."""
    in_december = AnsweringService(knowledge_base, embedder, today=lambda: date(2026, 12, 7))
    for question, said in [
        ("which 22/23 actions are due next year?", "No actions match: next year is 2027/28, not 2022/23."),
        ("which 22/23 actions are due in 2024?", "No actions match: 2024 falls in 2023/24 or 2024/25, not in 2022/23."),
    ]:
        answer = in_december.answer(question)
        assert answer.text == said and answer.abstained, (question, answer.text[:200])
    overlapping = in_december.answer("which 23/24 actions are due in 2024?")
    assert overlapping.text.startswith("68 actions are due in 2023/24 and in 2024 across 14 themes\n"), overlapping.text[:200]
    # The calendar year naming the rows, the other way round (a trial's had listed 2022/23's 72, the letter's too).
    reversed_ = in_december.answer("which 2023 actions are due in 22/23?")
    assert reversed_.text.startswith("67 actions are due in 2022/23 and in 2023 across 13 themes\n"), reversed_.text[:200]


def test_a_calendar_year_naming_the_actions_is_their_due(knowledge_base, embedder):
    """A trial: "what are the 2024 actions?" listed all 165 rows, the year before "actions" read as no due. It is the
    calendar year's, as "what's due in 2024?" asks: the rows of either financial year it could mean, under the note
    saying so; one the table has none of says so."""
    service = AnsweringService(knowledge_base, embedder, today=lambda: date(2026, 12, 7))
    named = service.answer("what are the 2024 actions?")
    asked = service.answer("what's due in 2024?")
    # "what's due" asks the dues too, summed up by year after the count; the rows listed are the same.
    assert asked.text.splitlines()[0].startswith(named.text.splitlines()[0])
    assert named.text.splitlines()[1:] == asked.text.splitlines()[1:]
    assert named.text.startswith("The action table is by financial year, and 2024 could be 2023/24 or 2024/25.")
    assert "83 actions are due in 2024" in named.text.splitlines()[0] and not named.abstained
    none = service.answer("what are the 2030 actions")
    assert none.abstained and "none of the actions asked about is due in either" in none.text


def test_a_question_asking_two_due_years_lists_the_actions_due_in_each(knowledge_base, embedder):
    """A lead trial: "what's due in 22/23 and what's due next year?" said no action matches (the two parts' years had
    been met together, as "which 22/23 actions are due next year?" asks), "what's due in 22/23 and 23/24?" listed
    2022/23's alone and "... 23/24 or 24/25?" 2023/24's alone. Each year asked is listed, named and counted, and one
    holding none is said to (next year, in December 2026); "more" pages through them all."""
    from bot.follow_answers import FollowUpAnswerer

    by_year = Counter(financial_year_of(row.due_normalised) for row in knowledge_base.actions)
    in_june = AnsweringService(knowledge_base, embedder, today=lambda: date(2023, 6, 1))
    for question, years in [
        ("what's due in 22/23 and what's due next year?", ("2022/23", "2024/25")),  # next year is 2024/25 in June 2023
        ("what's due in 22/23 and 23/24?", ("2022/23", "2023/24")),
        ("which actions are due in 23/24 or 24/25?", ("2023/24", "2024/25")),
    ]:
        first = in_june.answer(question).text.splitlines()[0]
        counted = ", ".join(f"{year} ({n})" for year, n in Counter({year: by_year[year] for year in years}).most_common())
        assert first.startswith(f"{by_year[years[0]] + by_year[years[1]]} actions are due in {years[0]} or {years[1]} across"), (question, first)
        assert first.endswith(f"Due: {counted}."), (question, first)
    in_december = AnsweringService(knowledge_base, embedder, today=lambda: date(2026, 12, 7))
    first = in_december.answer("what's due in 22/23 and what's due next year?").text.splitlines()[0]
    assert first.startswith(f"{by_year['2022/23']} actions are due in 2022/23 or 2027/28 across"), first
    assert "None are due in 2027/28; the table's actions are due in the financial years 2022/23 to 2024/25." in first
    # A listing like any other: "more" goes on with both years' rows.
    answerer = FollowUpAnswerer(in_june)
    listed = answerer.answer("what's due in 22/23 and 23/24?", ())
    more = answerer.answer("more", listed.history).answer
    assert more.text.startswith(f"Actions 16–30 of {by_year['2022/23'] + by_year['2023/24']}: "), more.text[:200]
    # A question whose parts are not both about due years is read as before.
    leads = in_june.answer("what's due in 22/23 and who leads them?").text.splitlines()[0]
    assert leads.startswith(f"{by_year['2022/23']} actions are due in 2022/23 across") and "Leads: ICB" in leads, leads


def test_a_question_about_the_askers_own_arrangements_is_not_turned_into_an_action_search(service):
    answer = service.answer("whats the mileage rate for claiming business travel in my own car")
    assert answer.abstained and "No actions match" not in answer.text
    assert "your own work arrangements" in answer.text


def test_an_action_question_pointing_back_at_nothing_asks_which_actions(service):
    answer = service.answer("who leads it?")
    assert answer.abstained and answer.actions is None
    assert answer.text.startswith("Which actions do you mean?")
    assert service.answer("list all the actions").text.startswith("165 actions are listed")


def test_two_themes_joined_in_one_question_list_both(service):
    """A third trial: "water and waste actions" listed Waste's alone; a filter now holds both themes."""
    expected = [row for row in service.kb.actions if row.theme in ("Water", "Waste")]
    answer = service.answer("water and waste actions")

    assert answer.actions is not None
    assert answer.text.splitlines()[0] == f"{len(expected)} actions are in Waste and Water across 2 themes"
    assert all(row.action in answer.text for row in expected)
    assert service.answer("waste actions").text.splitlines()[0].startswith("6 actions are in Waste")


def test_a_follow_up_narrows_a_listing_of_two_themes(service):
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("medicines, water actions", ())
    assert first.answer.text.startswith("19 actions are in Medicines and Water")
    second = answerer.answer("which of those are due 23/24", first.history)
    expected = [r for r in service.kb.actions if r.theme in ("Medicines", "Water") and r.due_normalised == "2023/24"]
    assert expected and second.answer.text.startswith(f"{len(expected)} actions are in Medicines and Water and due in 2023/24")


def test_two_months_asked_for_at_once_list_the_rows_due_in_either(service):
    """A trial: "may and june" listed May's rows alone."""
    from index.due_dates import due_in_month

    expected = [row for row in service.kb.actions if due_in_month(row.due_normalised, "--05") or due_in_month(row.due_normalised, "--06")]
    answer = service.answer("which actions are due in may and june")
    assert answer.actions is not None and len(expected) >= 2
    assert answer.text.splitlines()[0].startswith(f"{len(expected)} actions are due in May or June")
    assert all(row.action in answer.text for row in expected)


def test_a_lead_written_with_a_short_first_name_is_the_same_person(service):
    """A trial: the QSRM letter writes "Mel Coombes" on one row and "Melanie Coombes" on another; asking
    for either listed one row."""
    from bot.action_query import led_by

    both = [row for row in service.kb.actions if "Coombes" in (row.lead or "")]
    leads = " | ".join(row.lead or "" for row in both)
    assert "Melanie Coombes" in leads and re.search(r"\bMel Coombes", leads)
    for asked in ("what actions is melanie coombes leading", "what actions is Mel Coombes leading"):
        answer = service.answer(asked)
        assert answer.actions is not None and all(row.action in answer.text for row in both)
    assert not led_by("Daniel Smith", "Danielle Smith") and not led_by("Melanie Coombes", "Mel Jones")


def test_open_actions_are_the_rows_whose_status_says_so_and_the_answer_says_which_documents_have_one(service):
    """A trial: "which actions are still open" listed actions mentioning "open"; only the QSRM log has a status."""
    open_rows = [row for row in service.kb.actions if re.search(r"open|in progress|partial", row.status or "", re.I)]
    answer = service.answer("which actions are still open")
    first = answer.text.splitlines()[0]
    assert answer.actions is not None and first.startswith(f"{len(open_rows)} actions are open")
    assert "Only the actions of NHS England Quarterly System Review Meeting letter" in first
    assert all(row.action in answer.text for row in open_rows)
    closed = service.answer("what actions are closed")  # none are: the table says so, not the documents
    assert closed.actions is not None and closed.text.startswith("No actions match: closed.")


def test_when_something_should_be_done_asks_its_due_date_not_for_closed_actions(service):
    """A new user's trial: "... be done and who owns it" was read as asking for closed actions ("No actions match: in
    Green Space and Biodiversity, closed, ..."), though the Biodiversity and Greenspace Plan action is in the table."""
    answer = service.answer("when should the ics biodiversity n greenspace plan be done and who owns it")
    assert answer.actions is not None and "Create an ICS Biodiversity and Greenspace Plan. (lead ICB; due 22/23" in answer.text
    assert not answer.text.startswith("No actions match")
    assert service.answer("which actions have been completed").text.startswith("No actions match: closed.")
    being = service.answer("what actions are being done on water?")  # a review: read as closed too
    assert being.actions is not None and "closed" not in being.text.splitlines()[0]


def test_when_nothing_matches_the_few_nearest_actions_are_written_out_and_cited(service):
    """A new user's trial got "Nearest: without the status, 2 actions match" and had to ask again to see the two."""
    answer = service.answer("what water actions are due in 25/26")
    assert answer.abstained and answer.text.startswith("No actions match: in Water, due in 2025/26.")
    water = [row for row in service.kb.actions if row.theme == "Water"]
    assert water and all(row.action in answer.text for row in water)
    assert {(c.slug, c.page) for c in answer.citations} == {(row.source, row.page) for row in water}


def test_the_nearest_actions_written_out_are_what_the_next_message_is_about(service):
    """A review: "who leads them?" after the nearest rows had counted the leads of all 165 actions."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    history = answerer.answer("what water actions are due in 25/26", ()).history
    leads = answerer.answer("who leads them?", history).answer
    assert leads.text.startswith("4 actions") and "ICB" in leads.text


def test_the_nearest_actions_of_another_topic_are_counted_not_written_out(service):
    """A review: the looser filter matching fewest rows may drop the topic asked, and list another document's."""
    answer = service.answer("which actions are in progress on travel")
    assert answer.actions is not None and answer.actions.nearest is not None and "theme" in answer.actions.nearest.dropped
    assert "Nearest: without the theme" in answer.text and "Anti-ligature" not in answer.text and not answer.citations


def test_in_progress_is_narrower_than_open_and_each_row_shows_its_status(service):
    """A fourth trial: "which actions are in progress" listed every open action, and no row said its status."""
    started = [row for row in service.kb.actions if re.search(r"in progress|partial", row.status or "", re.I)]
    answer = service.answer("which actions are in progress")
    assert answer.actions is not None and answer.text.startswith(f"{len(started)} actions are in progress")
    assert all(f"status {row.status}" in answer.text for row in started)


@pytest.mark.parametrize("question", ["which nhse actions are partial", "which actions are partially done"])
def test_partial_lists_the_rows_the_log_marks_partial(service, question):
    """A trial: "which nhse actions are partial" listed all 13 of the letter's actions, the status not read."""
    partial = [row for row in service.kb.actions if re.search(r"\bpartial", row.status or "", re.I)]
    answer = service.answer(question)
    assert partial and answer.actions is not None and answer.actions.rows() == partial, answer.text[:200]
    assert f"status {partial[0].status}" in answer.text


def test_partially_of_anything_but_being_done_is_no_status(service):
    """A re-review: "which actions are partially funded" had been read as the status Partial ("No actions match: in ERF
    Funding, partial") where it had listed the ERF action."""
    answer = service.answer("which actions are partially funded")
    assert answer.actions is not None and answer.actions.filter is not None and answer.actions.filter.status is None, answer.text[:200]


def test_overdue_lists_what_was_due_before_this_month_and_is_not_closed(knowledge_base, embedder):
    from index.due_dates import due_in_month

    service = AnsweringService(knowledge_base, embedder, today=lambda: date(2022, 6, 15))
    expected = [row for row in knowledge_base.actions if due_in_month(row.due_normalised, "<=2022-05")]
    answer = service.answer("whats overdue")
    assert expected and answer.actions is not None
    assert answer.text.startswith(f"{len(expected)} actions are overdue (due by May 2022 and not marked closed)")
    # A lead trial: an overdue listing of one document read "5 actions are , from NHS England ...".
    letter = service.answer("anything overdue on the NHSE action log?")
    assert " , " not in letter.text.splitlines()[0] and "from NHS England" in letter.text.splitlines()[0]
    # ... and read "5 overdue" as the whole backlog: the open actions with no date ("Immediate", "TBC") are counted.
    undated = [row for row in knowledge_base.actions if row.source == "nhse-system-review-letter-2022-05" and not row.due_normalised and (row.status or "").lower() != "closed"]
    assert undated and f"{len(undated)} more actions are open with no date to be overdue by (due “Immediate”" in letter.text


def test_a_lead_named_after_for_or_by_in_lower_case_is_found(service):
    """A fourth trial: "actions for danielle" was declined while "danielle's actions" listed hers."""
    assert service.action_filter("actions for danielle").lead == "Danielle Oum"
    assert service.action_filter("which actions mention grant funding").lead is None  # "grant" is a word here


def test_two_themes_asked_with_one_empty_say_so(service):
    """A fourth trial: "energy and food actions led by icp" headed its list with Food and Nutrition and
    listed none of it, without saying there were none."""
    food = [row for row in service.kb.actions if row.theme == "Food and Nutrition" and "ICP" in (row.lead or "")]
    energy = [row for row in service.kb.actions if row.theme == "Building Energy" and "ICP" in (row.lead or "")]
    assert energy and not food
    first = service.answer("energy and food actions led by icp").text.splitlines()[0]
    assert first.endswith("None are in Food and Nutrition.")
    assert "None" not in service.answer("water and waste actions").text.splitlines()[0]


def test_a_row_without_a_due_date_says_so_in_words_once(service):
    """A trial read "(lead Anita Wilson; due ?; p. 13 [1]; missing due)"; and a topic's words were listed with one
    twice ("mentions “risk”, “care” and “risk”")."""
    answer = service.answer("what actions does anita wilson lead?")
    assert answer.actions is not None and "no due date given" in answer.text
    assert "due ?" not in answer.text and "missing due" not in answer.text
    mentions = service.answer("which actions are about the risk to care and the risk register?").text.splitlines()[0]
    assert mentions.count("“risk”") == 1, mentions


def test_themes_asked_of_the_actions_are_counted_most_first(service):
    """A new user's trial: "how many themes are there" was declined, "which theme has the most actions" listed all 165
    actions from the Board Assurance Framework on, and "whats in the water theme" was answered from the prose."""
    every = Counter(row.theme for row in service.kb.actions)
    counted = ", ".join(f"{theme} ({n})" for theme, n in every.most_common())
    for asked in ("how many themes are there", "which theme has the most actions"):
        first_line = service.answer(asked).text.splitlines()[0]
        assert first_line.endswith(f"Themes ({len(every)}): {counted}."), (asked, first_line)
    due = Counter(row.theme for row in service.kb.actions if row.due == "23/24")
    first_line = service.answer("which themes have actions due in 23/24?").text.splitlines()[0]
    assert first_line.startswith(f"{sum(due.values())} actions are due in 2023/24") and f"Themes ({len(due)}): " in first_line
    water = service.answer("whats in the water theme")
    assert water.actions is not None and water.text.splitlines()[0] == "4 actions are in Water"
    assert "Assist member organisations to develop Water Management Plans." in water.text
    # "theme" naming none of the table's ("the recurring theme" of a task and finish group) is asked of the documents.
    assert service.answer("what was the recurring theme from the climate change adaptation task and finish group?").actions is None


def test_the_year_listed_is_the_year_asked_of_the_actions(knowledge_base, embedder):
    """A re-review: "from the green plan 2022-2025, what are the 2024 actions?" listed 2025's, the note reading the span's
    end; "the 2023 and 2024 actions" had listed 2023's alone (the last year of a list is no due of its own)."""
    service = AnsweringService(knowledge_base, embedder, today=lambda: date(2026, 12, 7))
    spanned = service.answer("from the green plan 2022-2025, what are the 2024 actions?")
    assert "2024 could be 2023/24 or 2024/25" in spanned.text.splitlines()[0], spanned.text[:200]
    for question in ("what are the 2023 and 2024 actions?", "what are the 2023, 2024 actions?"):
        listed = service.answer(question)
        assert not listed.text.startswith("The action table is by financial year"), (question, listed.text[:200])
    # A date's year is no due: the letter's 13 actions of 11 May 2022, whatever they are due (a third review's had 5).
    letter = service.answer("list the qsrm may 2022 actions")
    assert letter.text.startswith("13 actions are from NHS England Quarterly System Review Meeting letter"), letter.text[:200]
