"""A declined answer says what the closest evidence lacks: another month, year or organisation."""

from dataclasses import replace

import pytest

from bot.answering import AnsweringService
from bot.facts import asks_an_amount, asks_when, counts_given, gives_a_figure_for, value_asked_for_years
from bot.features import DeclineRule
from bot.follow_answers import FollowUpAnswerer
from bot.followup import Turn
from bot.missing import (
    calendar_months_reported,
    date_missing,
    month_a_title_reports,
    reporting_month_missing,
    what_is_missing,
)
from index import store
from index.text import tokenize
from ingest.build import ingest_corpus


def _tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


def test_a_month_the_evidence_lacks_is_named_beside_the_one_it_gives():
    best = "Improving Access to Psychological Therapies (IAPT): Recovery Rate (March 2022) CCG 50% 51.0%"
    said = what_is_missing("What was the IAPT recovery rate in September 2021?", _tokens(best), best, [])
    assert said == "The closest passages give March, not September."


def test_a_month_written_short_is_on_a_page_that_prints_it_so():
    # The performance report's tables print months as "Apr-22"; a question typed "apr 22" asks for that.
    best = "Dementia Diagnosis Rate 66.7% Apr-22 56.3%"
    assert what_is_missing("dementia diagnosis rate apr 22", _tokens(best), best, []) == ""
    # Asked by its full name, April is not read off column headers, which stand on every page of those tables.
    assert what_is_missing("dementia diagnosis rate in April 2022", _tokens(best), best, []) == "The closest passages do not mention April."


def test_may_the_verb_is_not_a_month():
    best = "Recovery Rate (March 2022) CCG 50% 51.0%"
    assert what_is_missing("what may the recovery rate be?", _tokens(best), best, []) == ""


def test_a_year_the_evidence_lacks():
    best = "The Carbon Footprint in 2020/21 was 258,211 tCO2e."
    said = what_is_missing("What were the ICS's carbon emissions in 2015/16?", _tokens(best), best, [])
    assert said == "The closest passages give 2020/21, not 2015/16."


def test_a_name_the_evidence_lacks_is_echoed_only_as_the_word_asked():
    best = "Zero 104 week waits by June 2022"
    said = what_is_missing(
        "How is [Shropshire](http://evil.example) doing on 104 week waits?", _tokens(best), best, ["shropshir"]
    )
    assert said == "The closest passages do not mention Shropshire."


def test_nothing_is_said_when_the_evidence_has_what_was_asked():
    best = "The Carbon Footprint in 2020/21 was 258,211 tCO2e."
    assert what_is_missing("What was the carbon footprint in 2020/21?", _tokens(best), best, []) == ""


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("How is Shropshire doing on 104 week waits?", "do not mention Shropshire"),
        ("What was the IAPT recovery rate in September 2021?", "not September"),
    ],
)
def test_the_service_declines_near_misses_saying_what_was_missing(service, question, said):
    answer = service.answer(question)
    assert answer.abstained
    assert said in answer.text
    assert "They are in:" in answer.text  # and still points to the closest sources


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("whats the a&e performance at heartlands hospital", "do not mention heartlands"),
        ("Whats the a&e performance at heartlands hospital", "do not mention heartlands"),  # a phone's capital
        ("bed occupancy at kettering general", "do not mention kettering"),
        ("what is the carbon footprint of worcestershire acute trust", "do not mention worcestershire"),
    ],
)
def test_a_place_the_documents_never_mention_typed_in_lower_case_is_read_as_a_name(service, question, said):
    """Typed "Heartlands Hospital", the name declined the question; typed in lower case, the same question was
    answered with another hospital's figures. A word the documents never use before a word for a body is a name
    however it is typed."""
    answer = service.answer(question)
    assert answer.abstained
    assert said in answer.text


@pytest.mark.parametrize(
    "question",
    ["what do teaching hospitals do on net zero", "what is the forecast deficit at yearend", "what are the 104 week waits at uhwc"],
)
def test_a_common_word_before_a_body_or_a_word_after_at_is_no_place(service, question):
    """A review: "teaching hospitals", "at yearend" and a typo of an acronym ("uhwc") had been read as places the
    documents never mention, and these answerable questions declined."""
    assert not service.answer(question).abstained


def test_an_organisation_the_quoted_pages_never_mention_declines_what_would_have_been_quoted(service):
    # The pages an answer would quote give SWFT's digital appointments; asked about UHCW's, it declines.
    answer = service.answer("How many digital appointments has UHCW delivered since the pandemic?")
    assert answer.abstained, answer.text
    assert "do not mention UHCW" in answer.text and "They are in:" in answer.text
    asked_right = service.answer("How many digital appointments has SWFT delivered since the pandemic?")
    assert not asked_right.abstained and "139,333" in asked_right.text


def test_initials_typed_in_lower_case_are_asked_about_and_a_page_spelling_them_out_mentions_them(service, monkeypatch):
    """A trial: "ytd position for swft at m3?" was answered from the CCG's finance report, which never mentions SWFT
    (its "SWFT" typed as "swft" was no name the rule looked for); the decline names it as the documents write it. And a page saying "Improving Access to
    Psychological Therapies" mentions IAPT, which the documents spell out so (a dialogue's "... for iapt?")."""
    lenient = replace(service.models, threshold=-1e9, decline_rules=(DeclineRule.NOT_ON_QUOTED_PAGES,))
    monkeypatch.setattr(service, "models", lenient)
    near_miss = service.answer("ytd position for swft at m3?")
    assert near_miss.abstained and near_miss.declined_by == (DeclineRule.NOT_ON_QUOTED_PAGES,)
    assert "do not mention SWFT" in near_miss.text
    # An English word whose stem the documents write in capitals ("APPROVED") is no initials: the bare clone's chat
    # had said "The closest passages do not mention APPROVE" for "what did the quality committee approve on 30 june".
    assert "APPROVE" not in service.answer("what did the quality committee approve on 30 june").text
    assert "TIMESCALE" not in service.answer("what is the timescale for the phm roadmap?").text  # a re-review's
    spelled_out = service.answer("what prevalence figure is nhse now using for iapt?")
    assert not spelled_out.abstained and "123,621" in spelled_out.text


def test_the_quoted_pages_rule_declines_whatever_the_decision_says(service, monkeypatch):
    # A decision that would answer anything: the rule alone declines the near miss, and only it.
    lenient = replace(service.models, threshold=-1e9, decline_rules=(DeclineRule.NOT_ON_QUOTED_PAGES,))
    monkeypatch.setattr(service, "models", lenient)
    answer = service.answer("How many digital appointments has UHCW delivered since the pandemic?")
    assert answer.abstained and answer.declined_by == (DeclineRule.NOT_ON_QUOTED_PAGES,)
    assert "do not mention UHCW" in answer.text
    assert not service.answer("How many digital appointments has SWFT delivered since the pandemic?").abstained


def test_a_compound_question_is_not_declined_for_what_one_part_names(service, monkeypatch):
    # Its quotes answer the April part; the 2019/20 the other part names is not on their pages. Asked
    # alone, the 2019/20 part is declined by the rule; asked together, the April part is answered. (Asked
    # for 2021/22, the monthly table's "21-22" column gives the year: ``tests/test_tables.py``.)
    lenient = replace(service.models, threshold=-1e9, decline_rules=(DeclineRule.NOT_ON_QUOTED_PAGES,))
    monkeypatch.setattr(service, "models", lenient)
    alone = service.answer("How many 12 hour trolley waits were there across the whole of 2019/20?")
    # (said of the monthly table whose row is about the measure: "gives it from April 2021 to April 2022, not 2019/20")
    assert alone.declined_by == (DeclineRule.NOT_ON_QUOTED_PAGES,) and "not 2019/20" in alone.text
    together = service.answer("12 hour trolley waits - how many in April 2022, and how many across the whole of 2019/20?")
    assert not together.abstained and together.citations


@pytest.mark.parametrize(
    "question",
    [
        "how do i book annual leave on ESR",
        "who do I call to get my smartcard unlocked",
        "whats the mileage rate for my own car",
        # A staff trial: "mine" is the asker's as "my" is (the Freedom to Speak Up champions had been quoted).
        "who do i speak to about getting a new laptop, mine keeps crashing",
        # A new user's trial: the UHCW Green Travel Plan's "priority parking spaces" had been quoted. Getting "a" thing
        # for oneself; not "how do i get the green plan's figures" (below).
        "how do i get a staff parking permit at uhcw",
        "how can i get an id badge",
    ],
)
def test_questions_about_the_askers_own_arrangements_are_declined_as_out_of_scope(service, question):
    answer = service.answer(question)
    assert answer.abstained
    assert "your own work arrangements" in answer.text
    assert "They are in:" not in answer.text and not answer.see_also  # no passage is worth pointing to


@pytest.mark.parametrize(
    "question",
    [
        "what do I need to know about the PHM roadmap?",
        # "get" is no personal task: "how do i get a staff parking permit" had been declined by it, and so were these (a
        # review): the asker's rule lists no "get".
        "how do i get the green plan's carbon footprint figures?",
        "how do i get funding for EV charging points?",
        "how can I help the ICS reach net zero?",
        "who do I contact about the green plan?",
        "A colleague of mine asked what the ICS net zero target is",  # a review: "of mine" is no arrangement of the asker's
        "I want to familiarise myself with the ICS green plan, what are its priorities?",
    ],
)
def test_a_question_in_the_first_person_about_the_documents_is_not_taken_for_a_personal_one(service, question):
    assert "your own work arrangements" not in service.answer(question).text


def test_a_question_about_the_askers_organisation_is_still_answered(service):
    answer = service.answer("What is my trust's plan for EV charging points?")
    assert not answer.abstained
    assert "charg" in answer.text.lower()


def test_a_figure_asked_in_its_unit_that_no_sentence_gives_is_declined(service):
    """A staff trial: "What was Joined Up Care Derbyshire's carbon footprint in tCO2e?" was answered with the case study's
    opening, which gives no figure. Naming the unit asks for a figure as "how many" does."""
    answer = service.answer("What was Joined Up Care Derbyshire's carbon footprint in tCO2e?")
    assert answer.abstained and "no figure" in answer.text
    answered = service.answer("what was the ICS carbon footprint in tCO2e in 2020/21?")
    assert not answered.abstained and "258,211" in answered.text
    # A review: a question about the unit asks no figure.
    assert "no figure" not in service.answer("why are emissions expressed in tCO2e?").text


def test_a_count_written_in_words_answers_how_many(service):
    answer = service.answer("how many EV charging points has SWFT got")
    assert not answer.abstained, answer.text
    assert "five" in answer.text.lower()


def test_a_count_of_none_answers_how_many(service):
    answer = service.answer("how many EV charging points has GEH got")
    assert not answer.abstained, answer.text
    assert "GEH and CWPT do not currently have EV charging points" in answer.text


def test_a_date_is_no_count_for_how_many(service):
    """A staff trial: "how many people came to the BNO open day ..." was answered with the event's description, whose
    only number is its date ("30 May"). A count asked of the same passage's own figure is still answered."""
    answer = service.answer("how many people came to the BNO open day for hong kong nationals")
    assert answer.abstained and "no figure" in answer.text
    answered = service.answer("how many staff came to the staff away day on 28 june")
    assert not answered.abstained and "240 staff" in answered.text


def test_counts_are_read_whole_and_where_they_stand():
    # A review: "£16.8m" had been read as "£1", the same as "£1.4m"; a figure in a name ("Type 2") is still a value.
    assert counts_given("£16.8m against £1.4m, £4.4M and £250,000") == {"£16.8m", "£1.4m", "£4.4M", "£250,000"}
    assert counts_given("There are three GP federations; GEH and CWPT do not currently have EV charging points") == {"three", "none"}
    assert counts_given("the 28 June away day in 2021/22, 5.2 Finance Report") == set()


def test_a_list_items_number_is_no_count_for_how_many(service):
    """"how many virtual ward beds have we got across c&w now" was answered with a numbered list of discharge actions
    ("8. Outpatient parenteral antimicrobial therapy (OPAT) virtual ward at GEH commenced ..."): its "8." passed for
    a count. A count that ends a sentence is still one, and so are "hundreds" and "dozens"."""
    answer = service.answer("how many virtual ward beds have we got across c&w now")
    assert answer.abstained and "no figure" in answer.text, answer.text
    assert counts_given("6. Direct access to SDEC for WMAS/EMAS. 7. Increase in ward rounds at weekends") == set()
    assert counts_given("• 10. Additional bridging capacity in place") == set()
    assert counts_given("The system had a total of 8. The next meeting is in June") == {"8"}
    assert counts_given("We have heard hundreds of comments and dozens of ideas") == {"hundreds", "dozens"}
    assert counts_given("Virtual ward beds: 8. Staffing is stable") == {"8"}  # a value after a colon, no list
    # "We are in the process of developing the One People plan ... and have heard hundreds of comments from colleagues"
    feedback = service.answer("What is the One People Plan, and how much feedback has it had from colleagues so far?")
    assert not feedback.abstained and "hundreds of comments" in feedback.text
    assert counts_given("– 8. Outpatient parenteral antimicrobial therapy") == set()  # after a dash as a bullet too


def test_a_range_of_counts_is_not_offered_as_the_year_given():
    best = "SWFT's walking aid supplier collects around 35-50 walking aids a week for reuse in 2019."
    said = what_is_missing("How many walking aids were reissued in 2021/22?", _tokens(best), best, [])
    assert said == "The closest passages give 2019, not 2021/22."


@pytest.mark.parametrize("question", ["asdfgh", "qwerty uiop?"])
def test_a_question_with_no_word_the_documents_use_is_declined_without_pointers(service, question):
    """Closeness in meaning to keyboard mashing is chance: it used to quote "No:", "2.10." and "Action 3."."""
    answer = service.answer(question)
    assert answer.abstained and answer.citations == [] and answer.see_also == []
    assert "none of the words of the question" in answer.text


@pytest.mark.parametrize(
    ("question", "pages", "said"),
    [
        ("What was the CCG financial position at month 6?", "2022/23 Month 3 Finance Report", "The closest passages give month 3, not month 6."),
        ("forecast outturn at M6?", "Following M3 close, CCGs are required to ...", "The closest passages give month 3, not month 6."),
        ("why is acute overspending at M3?", "Acute is overspending at Month 3.", ""),
        ("what did months 1-3 cost", "Month 3", ""),  # a span is no one month asked
        ("how busy is the M40 at rush hour", "Month 3", ""),  # a motorway, not a month
        # The months still to come ("reporting M4-12") are no month the page gives figures for (a trial's "Month 4?").
        ("What is the CCG financial position at Month 4?", "the correct allocation for reporting M4-12. At month 3 the CCG", "The closest passages give month 3, not month 4."),
        ("position at Month 3 - 2022/23?", "(Month 3 - 2022/23)", ""),
    ],
)
def test_a_month_of_the_financial_year_the_pages_do_not_give_is_said_to_be_missing(question, pages, said):
    """A new user's "financial position at month 6?" was answered from the month 3 report."""
    assert reporting_month_missing(question, [pages]) == said


def test_a_question_about_another_reporting_month_is_declined_saying_which_month_the_report_gives(service):
    answer = service.answer("What was the CCG financial position at month 6?")
    assert answer.abstained and answer.citations == []
    assert "give month 3, not month 6" in answer.text


def test_a_calendar_month_is_given_by_the_report_of_its_financial_month(service):
    """A trial's "cash position at end of june" was declined as "do not mention June": the finance report is month 3's,
    June's, whether or not its page says "June"; May it does not give, and says which month it does."""
    june = service.answer("cash position at end of june")
    assert not june.abstained and any("month 3 maximum cash limit" in c.quote for c in june.citations)
    may = service.answer("cash position at end of may")
    assert may.abstained and "The closest passages give June, not May." in may.text
    assert calendar_months_reported("2022/23 Month 3 Finance Report; M12 close; month 10") == ["June", "March", "January"]
    # The title's month, with its year, not a page's: "budget setting has been based on month 9 outturn" (p. 6) is last
    # year's December, and "the overspend in december" had been answered with May's figures (a review).
    assert month_a_title_reports("2022/23 Month 3 Coventry and Warwickshire CCG Finance Report") == "June 2022"
    assert month_a_title_reports("2021-22 Month 10 Finance Report") == "January 2022"
    assert service.answer("what was the overspend in december").abstained
    assert not service.answer("what was the cash balance in june 2022").abstained


@pytest.mark.parametrize(
    ("question", "pages", "said"),
    [
        ("how many attended the staff briefing on 21 july?", "• 9 June - 177 • 4 July - 219 in attendance", "The closest passages give 4 July, not 21 July."),
        ("how many attended the 9th of june briefing?", "• 9 June - 177 • 4 July - 219 in attendance", ""),
        ("what was agreed on July 21st?", "• 4 July - 219", "The closest passages give 4 July, not 21 July."),
        ("how many came to the 9 june and 21 july briefings?", "• 9 June - 177", ""),  # a list's later days are not read
        ("april 12 hour waits", "Apr-22", ""),  # a measure, not the 12th of April
        ("rtt in April 22", "Apr-22", ""),  # April 2022
        ("how many came, if i may ask? 2 may be enough", "nothing", ""),  # "may" the verb
        ("what did the 18 may gb meeting decide", "CCG Governing Body Unconfirmed Minutes (18 May 2022)", ""),
        # A review: a day that bounds a period is no event's; nor a count, an impossible day or a range's end.
        ("cancer performance to 30 april 2022", "6 April", ""),
        ("the 62 day performance as at 31 march 2022", "6 April", ""),
        ("budget for the year from 1 april 2022", "6 April", ""),
        ("what events did the comms team attend from 4 to 14 may", "12 May", ""),
        ("top 3 may priorities and 5 may-related incidents", "12 May", ""),
        ("the briefing on 31 june", "20 June", ""),
        # The pages' days nearest the one asked come first.
        ("the briefing on 22 june", "9 June 20 June 28 June 23 June", "The closest passages give 23 June, 20 June and 28 June, not 22 June."),
    ],
)
def test_a_date_the_pages_do_not_give_is_said_to_be_missing(question, pages, said):
    """A new user's "and 21 july?" after the staff briefings of 12 May and 9 June was answered with July's other news."""
    assert date_missing(question, [pages]) == said
    # A title's date is one the pages give, not one to offer instead.
    assert date_missing("the 18 may gb meeting", ["nothing"], ["Minutes (18 May 2022)"]) == ""
    assert date_missing("the briefing on 21 july", ["4 July"], ["Report - ICB Board 20 July 2022"]) == "The closest passages give 4 July, not 21 July."


def test_a_date_asked_that_the_quoted_pages_do_not_give_is_declined(service):
    answer = service.answer("how many people attended the staff briefing on 21 july?")
    assert answer.abstained and "not 21 July" in answer.text
    answer = service.answer("how many people attended the 9 june staff briefing?")
    assert not answer.abstained and "9 June - 177 in attendance" in answer.text


@pytest.mark.parametrize(
    ("question", "sentence", "gives"),
    [
        ("What were the ICS's procurement emissions in 2019/20?", "Distances ... from their Sustainability Strategy 2021-2026 (for 2018/19 and 2019/20 only).", False),
        ("What were the ICS's procurement emissions in 2019/20?", "Procurement emissions in 2019/20 were 45,000 tCO2e.", True),
        ("How much is the prescribing efficiency target for 22/23 in £?", "Prescribing efficiencies for 2022/23 are assumed to be achieving.", False),
        ("What was the IAPT recovery rate in 2022?", "IAPT Recovery Rate CCG 50% 48.2% Apr-22", True),  # a table's "Apr-22" is 2022
        ("how many walking aids were reissued in 2021/22?", "around 35-50 walking aids a week in 2021/22", True),
        # A trial's "year-end surplus for 2022/23": the minutes name 2022/23 beside a section number, the month of the
        # financial year and a date, none of them a value; the surplus they give is 2021/22's.
        (
            "What was the CCG's year-end surplus for 2022/23?",
            "APPROVED the following - Financial Budget 2022/23 - CHC Budget Setting 2022/23 5.2 Finance Report - Month 12 Mr "
            "Stokes presented this report ... up to 31st March 2022 (Month 12 - 2021/22).",
            False,
        ),
        ("How much did we spend in 2022/23?", "In Q2 of 2022/23 we spent 5.2 million", True),
        # The figure goes with the year named nearest it: the surplus is 2021/22's, 2022/23 is a budget's year.
        ("What was the CCG's year-end surplus for 2021/22?", "Financial Budget 2022/23 ... (Month 12 - 2021/22). Mr Stokes said the CCG had finished with a £28,000 surplus", True),
        ("What was the CCG's year-end surplus for 2022/23?", "Financial Budget 2022/23 ... (Month 12 - 2021/22). Mr Stokes said the CCG had finished with a £28,000 surplus", False),
    ],
)
def test_a_value_asked_for_a_year_needs_a_sentence_giving_that_year_with_a_figure(question, sentence, gives):
    years = value_asked_for_years(question)
    assert years and gives_a_figure_for(sentence, years) is gives


@pytest.mark.parametrize(
    "question",
    [
        "what is the green plan about",
        "when was it approved in 2022",
        "what is the carbon footprint?",
        # A year dating a month asks the month's value ("In April there were 9 breaches"): the month is checked.
        "What was the cancer 62 day screening performance in April 2022?",
    ],
)
def test_no_value_for_a_year_is_asked_without_a_value_or_a_year(question):
    assert value_asked_for_years(question) == []


def test_a_value_for_a_year_the_pages_only_name_in_passing_is_declined_and_one_they_give_is_answered(service):
    """d238, a near miss: the Green Plan names 2019/20 only in passing (WMAS's distances "for 2018/19 and
    2019/20 only"), and had been quoted as the answer."""
    declined = service.answer("What were the ICS's procurement emissions in 2019/20?")
    assert declined.abstained and "no figure for that year" in declined.text
    answered = service.answer("What was the ICS carbon footprint in 2020/21?")
    assert not answered.abstained and "258,211" in answered.text
    # A new user's trial: asked with the system's name, the best sentence is about how the footprint was worked out
    # and the one giving 2020/21's figure ranks third; it is quoted beside the best, not declined for want of it.
    answered = service.answer("What was the Coventry and Warwickshire ICS carbon footprint in 2020/21?")
    assert not answered.abstained and "The Carbon Footprint in 2020/21 was 258,211 tCO2e." in answered.text
    # A trial: the surplus the minutes give is 2021/22's, beside "Financial Budget 2022/23 ... 5.2 Finance Report".
    declined = service.answer("What was the CCG's year-end surplus for 2022/23?")
    assert declined.abstained and "no figure for that year" in declined.text
    # ... and the year the minutes give it for is answered (a review): the year is named in the sentence before.
    answered = service.answer("What was the CCG's year-end surplus for 2021/22?")
    assert not answered.abstained and "£28,000 surplus" in answered.text


@pytest.mark.parametrize("message", ["??", "...", " - "])
def test_a_message_with_no_word_in_it_is_asked_for_a_question(service, message):
    """A new user's "??" had been answered "I couldn't find that" with three pages of the minutes."""
    answer = service.answer(message)
    assert answer.abstained and answer.citations == [] and answer.see_also == []
    assert answer.text.startswith("Please type a question about the documents")


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("when did the nature reserve at university hospital open", True),
        ("by when do we need an adaptation plan?", True),
        ("what date was the festival", True),
        ("who leads it and when is it due", False),  # two things asked: one part may carry the date
        ("how many waits were there", False),
    ],
)
def test_a_question_asking_only_when(question, asks):
    assert asks_when(question) is asks


def test_when_asked_and_the_closest_passages_hold_no_date_it_declines(service, monkeypatch):
    # The page says the nature reserve was created, never when: a near miss the decision alone answers.
    lenient = replace(service.models, threshold=-1e9, decline_rules=(DeclineRule.WHEN_WITHOUT_DATE,))
    monkeypatch.setattr(service, "models", lenient)
    answer = service.answer("when was the nature reserve at university hospital opened?")
    assert answer.abstained and answer.declined_by == (DeclineRule.WHEN_WITHOUT_DATE,)
    assert "give no date for it" in answer.text and "They are in:" in answer.text


def test_a_date_in_the_sentence_beside_the_best_answers_when(service, monkeypatch):
    # The sentence splitter cuts "3. PHM data platform ... team members." from "Funding for the positions
    # agreed (January 2022) ...": a date beside the best sentence on its page answers "when".
    lenient = replace(service.models, threshold=-1e9, decline_rules=(DeclineRule.WHEN_WITHOUT_DATE,))
    monkeypatch.setattr(service, "models", lenient)
    answer = service.answer("when was the money for the PHM data platform project team posts agreed")
    assert not answer.abstained, answer.text
    assert "January 2022" in answer.text


def test_a_date_in_a_sentence_about_something_else_weighs_against_answering_when(service):
    """A near miss had been answered with a table of the council's plans dated 2021-2026: the decision sees that no
    date beside the best sentence is in a sentence holding, with it, WHEN_DATE_SHARE of what is asked
    ("when_date_apart"); the words asking the time ("since when", "now") are not counted against a date (q115)."""
    answer = service.answer("when did coventry city council declare a climate emergency")
    assert answer.abstained and "when_date_apart=1.00" in " ".join(answer.trace)
    since = service.answer("is the ICB a Cat 1 responder now? since when?")
    assert not since.abstained and "July 1st 2022" in since.text and "when_date_apart=0.00" in " ".join(since.trace)
    # "date" asks the time, and the words naming a paper are no subject its date must be in (a re-review).
    assert "11 May 2022" in service.answer("what date was the qsrm letter").text


def test_contact_details_are_answered_only_by_a_passage_giving_them(service):
    # Found by a trial: "whats her email" was answered with the sentence naming her role.
    given = service.answer("julie grant email")
    assert not given.abstained and "J.grant10@nhs.net" in given.text
    assert "01788 663286" in service.answer("what is david hobday's phone number").text
    missing = service.answer("whats laura nelson's email")
    assert missing.abstained and "no email address or phone number" in missing.text
    assert "Green Plan" in missing.text  # where the closest passages are


def test_a_contact_asked_of_a_document_is_the_contact_it_gives_for_itself(service):
    # A trial: "whats the email for the green plan lead" was declined, no contact among the best sentences for its words.
    answer = service.answer("whats the email for the green plan lead")
    assert not answer.abstained and "david.hobday@cwstp.uk" in answer.text
    assert (answer.citations[0].slug, answer.citations[0].page) == ("cw-ics-green-plan", 97)
    assert "07876 354253" in service.answer("phone number for the nhse letter").text
    # A letter named by its noun alone is not the NHS England one, and a question asking more than the document's
    # contact ("to a patient") is not answered with it (a review).
    letter = service.answer("Can I email a discharge letter with patient details to a patient's own gmail address?")
    assert letter.abstained and "J.grant10" not in letter.text
    more = service.answer("can I email the green plan to a patient?")
    assert more.abstained and "david.hobday" not in more.text
    # "email" as a verb: sending the plan, not asking its contact (a re-review).
    assert "david.hobday" not in service.answer("email me the green plan").text
    # A possessive names the document too, and its own contact answers, not another green plan's (the case study's).
    assert "david.hobday@cwstp.uk" in service.answer("the green plan's contact email?").text
    # Asked for an organisation's contact, the document's own is not it: declined as before.
    swft = service.answer("what's the email for SWFT's sustainability lead in the green plan")
    assert swft.abstained and "no email address or phone number" in swft.text


def test_the_initials_of_a_documents_title_are_on_its_pages(service):
    # A new user's trial: "the closest passages do not mention NHSE", of a page of the NHS England letter,
    # which spells itself out. The rule that declines for a name missing from the quoted pages reads the
    # title's initials as said on every page of the document.
    answer = service.answer("what was the planned deficit NHSE said was still too high")
    assert not answer.abstained, answer.text
    assert "planned deficit of £37.9 is still too high" in answer.text


def test_the_name_of_the_system_every_document_is_about_is_not_asked_of_the_quoted_page(service):
    # A new user's trial: "The closest passages do not mention Coventry", of the NHS England letter's page 2,
    # which gives the segment; the letter is addressed to "Coventry and Warwickshire ICS" on its first page.
    answer = service.answer("Which segment of the System Oversight Framework will the Coventry and Warwickshire system remain in?")
    assert not answer.abstained, answer.text
    assert "the system will remain in segment 3" in answer.text
    # A trust is not the system: asked about UHCW, pages about SWFT still decline (the test above).
    assert "coventri" not in service.features.names_to_find(service.features.read("How is Coventry doing on RTT?"))


def test_in_a_corpus_of_a_few_documents_no_name_is_taken_for_its_subject(tmp_path, embedder):
    """Two notes that both name Rugby are not a corpus about Rugby: a question about Rugby asks the quoted pages for it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "travel.txt").write_text("Travel Notes\nRugby St Cross will fund 40 bicycle shelters by March 2024.")
    (corpus / "waste.txt").write_text("Waste Notes\nClinical waste at Rugby St Cross is collected twice a week.")
    ingest_corpus(corpus, tmp_path / "kb", lambda: embedder)
    small = AnsweringService(store.load(tmp_path / "kb", embedder.name, embedder.dimension), embedder)
    assert "rugbi" in small.features.names_to_find(small.features.read("How many bicycle shelters will Rugby fund?"))


def test_the_pages_a_decline_lists_are_the_pages_it_read_for_what_is_missing(service):
    """A new user's trial: "The closest passages do not mention SWFT" beside a page printing "SWFT 68.6%".
    The pages listed after "do not mention ..." are those that were read and found without it."""
    answer = service.answer("Is the staff canteen at UHCW open at weekends?")
    assert answer.abstained and "do not mention UHCW" in answer.text
    assert answer.see_also
    assert all("uhcw" not in service.kb.page_text(hint.slug, hint.page).lower() for hint in answer.see_also)


def test_a_sentence_giving_the_month_asked_answers_though_a_table_stops_short_of_it(service):
    """A new user's trial: "How many A&E attendances were there in May at provider level?" was declined as
    "the closest table gives it for April 2022" while the best sentence gave May's 37,300. A month no
    sentence gives is still declined with the table's months."""
    may = service.answer("How many A&E attendances were there in May at provider level?")
    assert not may.abstained and "37,300" in may.text
    june = service.answer("How many A&E attendances were there in June at provider level?")
    assert june.abstained and "not June" in june.text


def test_a_decline_quotes_the_papers_saying_the_data_asked_about_is_missing(service):
    """A new user's trial: "GEH's 62 day cancer performance in April 2022?" was declined as "the closest passages
    do not mention GEH", while the performance report says GEH's April cancer data is missing."""
    answer = service.answer("What was GEH's 62 day cancer performance in April 2022?")
    assert answer.abstained and "GEH Cancer Waits Data for April is missing" in answer.text
    assert [(hint.slug, hint.page) for hint in answer.see_also] == [("icb-performance-report-2022-07", 4)]
    # Typed fast, the question had scored as answerable, and got the system's figures beside that sentence.
    typed = service.answer("62 day cancer % at geh in april")
    assert typed.abstained and "GEH Cancer Waits Data for April is missing" in typed.text
    # A question about the data itself is answered by that sentence, not declined with it (a review).
    for about_the_data in ("why is geh missing from the system cancer figures in april?", "why no geh cancer figures for april"):
        about = service.answer(about_the_data)
        assert not about.abstained and about.text.startswith("GEH Cancer Waits Data for April is missing"), about_the_data
    # Typed with no word of a figure, as fast as that (a re-review: answered with WMAS's 111 figures).
    bare = service.answer("uhcw ambulance handover 60 mins")
    assert bare.abstained and "Data currently missing for George Eliot and UHCW" in bare.text
    # The organisation named by its name, not its initials: "George Eliot" in "Data currently missing for George Eliot
    # and UHCW" (a review: "the closest passages do not mention GEH").
    spelled = service.answer("ambulance handovers at george eliot")
    assert spelled.abstained and "Data currently missing for George Eliot and UHCW" in spelled.text
    # Not of another measure: the page saying data is missing for George Eliot is about ambulance handovers, and a
    # trial's "did we meet the DPI target at GEH?" had been declined with it (the Green Plan gives GEH's 5%).
    dpi = service.answer("Did we meet the DPI target at GEH?")
    assert not dpi.abstained and "5%" in dpi.text and "Data currently missing" not in dpi.text
    # Not for another year than the paper's: "April 2023" keeps its own reason.
    later = service.answer("What was GEH's 62 day cancer performance in April 2023?")
    assert later.abstained and "GEH Cancer Waits Data" not in later.text and "2023" in later.text
    # Nor a sentence naming the name far from where it says data is missing ("Data currently missing for George
    # Eliot and UHCW Reduce 12 hour waits ... annual health checks delivered by GPs"), nor in place of a table's months.
    table = service.answer("2 week wait GP referral performance in March 2021")
    assert table.abstained and "not March 2021" in table.text and "currently missing" not in table.text


def test_only_sentences_saying_data_is_missing_are_read_as_saying_so():
    from bot.missing import DATA_MISSING

    for said in (
        "GEH Cancer Waits Data for April is missing from nationally published data",
        "Cancer waits data has not been submitted nationally by GEH for April",
        "Data has not yet been submitted",
        "Data currently missing for George Eliot",
    ):
        assert DATA_MISSING.search(said), said
    for not_said in ("There were no data breaches", "Data protection training was completed by 95% of staff"):
        assert not DATA_MISSING.search(not_said), not_said


def test_an_action_row_gives_its_own_words_as_figures_not_its_number_due_year_and_references(service):
    """An action-table row's year is the year it is due and its other figures its number and references
    ("9 Run a series of ... workshops to ICS members. 23/24 ICB LTP 17"): no value asked for that year."""
    row = next(i for i in sorted(service.features.action_rows) if "knowledge transfer workshops" in service.kb.sentences[i][1].text)
    assert "LTP 17" in service.kb.sentences[row][1].text
    assert service.features.figure_text(row) == "Run a series of ongoing knowledge transfer workshops to ICS members."
    assert not gives_a_figure_for(service.features.figure_text(row), ["2023/24"])
    prose = next(i for i, (_, s) in enumerate(service.kb.sentences) if "258,211" in s.text)
    assert service.features.figure_text(prose) == service.kb.sentences[prose][1].text


def test_an_amount_asked_of_an_action_is_not_answered_with_the_action_alone(service):
    """The action table holds an action's words, lead and due year, never a cost: the documents answer, and
    when no passage gives an amount of money the decline says so and what the table holds."""
    answer = service.answer("how much will the inhaler recycling scheme action cost?")
    assert answer.abstained and not answer.citations and answer.actions is None
    assert "The action table holds no amounts." in answer.text
    assert "“Establish a system-wide inhaler recycling scheme across primary care” is led by ICB and due 22/23" in answer.text
    # Of several actions, the table's own summary; "cost" is no word the actions must mention.
    several = service.answer("what is the cost of the water actions?")
    assert several.abstained and several.text.endswith("The action table holds no amounts. 4 actions are in Water.")
    # Asked for who as well, the table answers the part it holds.
    both = service.answer("who leads the inhaler recycling scheme action and what does it cost?")
    assert not both.abstained and both.actions is not None and "The action table holds no amounts." in both.text
    # A lead or year filtering the actions an amount is asked of is no second question for the table; "LED" is no lead.
    for question in ("how much will the ICB led actions cost?", "what will the LED action cost us?"):
        filtered = service.answer(question)
        assert filtered.abstained and filtered.actions is None and "165 actions" not in filtered.text
    # "how much" of something other than money is answered from the documents as they give it.
    carbon = service.answer("how much carbon will the inhaler actions save?")
    assert not carbon.abstained and "512,330 tCO2e" in carbon.text
    # A question naming costs as a topic is still a question about actions.
    topic = service.answer("which actions mention costs?")
    assert not topic.abstained and topic.actions is not None and "void costs" in topic.text


@pytest.mark.parametrize(
    "question",
    [
        "What is the cost to achieve the action on sub-meters?",
        "what's the budget for the ICS-wide travel plan action?",
        "what will the LED action cost us?",
        "how expensive is the LED action",
        "is there funding for the EV charging action?",
        "what budget is allocated to the travel plan?",
        "what savings will the LED action deliver?",
        "how much funding is there for the travel plan action?",
        "whats the cost of the water actions",
    ],
)
def test_an_amount_asked(question):
    assert asks_an_amount(question)


@pytest.mark.parametrize(
    "question",
    [
        "how many actions are due in 23/24?",
        "who leads the cost improvement actions?",
        "which actions mention funding?",
        "which actions mention costs?",
        "who owns the actions on costs",
        "how much longer until the travel plan action is due?",
        "what are the main cost pressures facing the ICB?",
        "what cost reduction actions are there",
    ],
)
def test_a_word_of_money_naming_a_topic_asks_no_amount(question):
    assert not asks_an_amount(question)


def test_a_follow_up_asking_another_month_that_no_quote_gives_declines_saying_so(service):
    """A trial: "and in May?" after April's two week wait at UHCW was answered with April's figures again, as
    if they were May's (the page names May elsewhere, so the question alone gets by the quoted-pages rule)."""
    answerer = FollowUpAnswerer(service)
    history: tuple[Turn, ...] = ()
    for message in ("what was the 2 week wait cancer performance in april", "and at UHCW?"):
        turn = answerer.answer(message, history)
        assert not turn.answer.abstained
        history = turn.history
    may = answerer.answer("and in May?", history)
    assert may.answer.abstained and may.answer.citations == []
    assert "not mention May" in may.answer.text or "not May" in may.answer.text
    # A year is no month: March 2022's rate is 2021/22's (a review had it declined as "give 2022, not 2021/22").
    history = answerer.answer("what was the IAPT recovery rate in march 2022?", ()).history
    assert not answerer.answer("and in 2021/22?", history).answer.abstained
    # A month a later quote gives is answered: the July staff briefing after May's. (Since "exec" is read as the
    # documents' "executive", the branding list's "virtual briefing on 4 July which saw attendance of over 200 staff"
    # outranks the attendance list's "4 July - 219 in attendance" on the next page.)
    history = answerer.answer("how many came to the 12 may exec staff briefing", ()).history
    july = answerer.answer("what about the july one?", history).answer
    assert not july.abstained and "4 July" in july.text and "attendance" in july.text
