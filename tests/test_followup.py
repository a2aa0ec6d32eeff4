"""Follow-ups: how a message is read against the conversation, and where the conversation is kept.

The resolver is checked on what it makes of a message (the kind, and the question a
person would have asked standalone); the stores on expiry, reset and isolation,
Redis against a real redis-server started here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.action_query import ActionFilter, led_by
from bot.answering import MAX_QUESTION_CHARS
from bot.conversation import RESET_TEXT, Conversation, ReplyKind
from bot.conversation_store import MAX_STORED_BYTES, MemoryStore, RedisStore
from bot.dialogue_eval import EXPECTED_KINDS, decision_examples, fit_tunables, load_dialogues
from bot.followup import (
    TURNS_KEPT,
    CitedPassage,
    FollowUpKind,
    Turn,
    is_reset,
    remember,
    resolve,
    up_to_reply,
    words_typed,
)
from index.due_dates import financial_year_of
from tests.support.paths import EVAL_DIR
from tests.support.redis import redis_server

PASSAGE = (CitedPassage("cw-phm-roadmap", 15, "The chair of the DTB also co-chairs the PHM Board."),)


def asked(question: str, **fields) -> tuple[Turn, ...]:
    return (Turn(question, PASSAGE, **fields),)


def parse_due(text: str) -> ActionFilter | None:
    """A stand-in for the action table's reading of a fragment: enough to narrow by year or lead."""
    if "23/24" in text:
        return ActionFilter(due="2023/24")
    if "ICP" in text:
        return ActionFilter(lead="ICP")
    return None


# -- reading a message -----------------------------------------------------------------


def test_a_first_message_stands_alone():
    resolution = resolve("who chairs it?", ())
    assert resolution.kind is FollowUpKind.STANDALONE and resolution.question == "who chairs it?"


def test_a_pronoun_is_replaced_by_the_subject_of_the_question_before():
    resolution = resolve("who chairs it?", asked("who sits on the PHM board?"))
    assert resolution.kind is FollowUpKind.PRONOUN
    assert "PHM board" in resolution.question and " it" not in resolution.question


def test_they_beside_it_stands_for_the_organisation_the_question_before_named():
    resolution = resolve("when did they join it?", asked("which waste consortium has geh signed up to"))
    assert resolution.question == "when did geh join waste consortium?"
    # One pointer: it is the subject, whatever else the question before named.
    assert "SDF slippage" in resolve("have they got plans for it yet", asked("how much SDF slippage is in the plan?")).question


def test_the_subject_leaves_out_the_verb_and_the_time_of_the_question_before():
    # Found by dialogues written blind to the code: "when's it meeting next?" after "who chairs the ...
    # committee?" became "when's chairs the ... committee meeting next?".
    assert resolve("when's it meeting next?", asked("who chairs the cwccg clinical quality and governance committee?")).question == (
        "when's the cwccg clinical quality and governance committee meeting next?"
    )
    assert resolve("what's it meant to do?", asked("when's the FIT pilot launching?")).question == "what's the FIT pilot meant to do?"
    assert resolve("when did it start?", asked("how's uhcw's 111 pulmonary embolism pilot going?")).question == (
        "when did uhcw's 111 pulmonary embolism pilot start?"
    )
    assert "programme now" not in resolve("when did they take it over?", asked("who's responsible for the transforming care programme now?")).question
    assert resolve("what was it for?", asked("who wrote jucd's green plan?")).question == "what was jucd's green plan for?"
    assert "wrm" in resolve("what did they say?", asked("who did wrm talk to outside the nhs?")).question  # the doer stays
    # After "what did ... say about ...": the document that said it, or else what was said about. A new user's
    # trial saw "who wrote it?" after "what did the NHSE letter say about cancer?" become "who wrote the NHSE
    # letter say about cancer?".
    assert resolve("who wrote it?", asked("what did the NHSE letter say about cancer?")).question == "who wrote the NHSE letter?"
    assert resolve("when was it sent?", asked("what does the ceo report say on covid")).question == "when was the ceo report sent?"
    assert resolve("when is it due?", asked("what did the ccg decide about ivf?")).question == "when is ivf due?"
    # A paper is "it" only where a paper's doing is asked (written, sent, said): a trial's "what actions are there on
    # it?" after "what does the green plan say about desflurane?" had listed the whole plan, and "will they hold
    # budgets next year?" after the chair's update on care collaboratives had asked if the update would.
    assert resolve("what actions are there on it?", asked("what does the Green Plan say about desflurane?")).question == (
        "what actions are there on desflurane?"
    )
    assert resolve("will they hold budgets next year?", asked("what did the chair's update say about care collaboratives?")).question == (
        "will care collaboratives hold budgets next year?"
    )
    assert resolve("what else does it say?", asked("what does the Green Plan say about desflurane?")).question == (
        "what else does the Green Plan say?"
    )
    # A review's: approving, finding and covering are a paper's too; "said" of another is not ("what did NHSE say about
    # it?" asks of desflurane).
    for papers in ("when was it approved?", "who signed it?", "what date is it?"):
        assert "Green Plan" in resolve(papers, asked("what does the Green Plan say about desflurane?")).question, papers
    # ... and "date", "find" and "cover" ask of the topic as often (a re-review's "what is the target date for it?").
    for topics in ("what did NHSE say about it?", "what is the target date for it?", "how do we cover the cost of it?"):
        assert "desflurane" in resolve(topics, asked("what does the Green Plan say about desflurane?")).question, topics
    # A thing asked of with what it is about: "it" is both (a trial's "what action was agreed on it?" had been asked of
    # "concerns" alone).
    assert resolve("what action was agreed on it?", asked("What concerns did NHSE raise about mental health?")).question == (
        "what action was agreed on concerns about mental health?"
    )
    assert resolve("is it being extended?", asked("how much SDF slippage is built into the plan?")).question.count("about") == 0
    # An organisation stands for the one named before, not for a measure's initials (a trial's "what about at GEH?"
    # after "did we meet the DPI target?" had become "did we meet the GEH target?").
    assert resolve("What about at GEH?", asked("Did we meet the DPI target?")).question == "Did we meet the DPI target at GEH?"
    assert resolve("and geh?", asked("what was uhcw DPI percentage?")).question == "what was geh DPI percentage?"
    # ... and every place's name is read whole (a review: "swft" had been read as "wft", so SWFT stayed beside GEH),
    # the system's two counties as one.
    assert resolve("what about at GEH?", asked("did we meet the DPI target at SWFT?")).question == "did we meet the DPI target at GEH?"
    assert resolve("what about at GEH?", asked("ED performance for Coventry and Warwickshire?")).question == "ED performance for GEH?"
    assert resolve("and GEH?", asked("what is Coventry and Warwickshire's RTT performance?")).question == "what is GEH's RTT performance?"
    # A possessive typed in lower case keeps its name whole ("swft's" had been read as "wft", and "geh" added beside it).
    assert resolve("and geh?", asked("what was swft's dpi percentage?")).question == "what was geh's dpi percentage?"
    # "on" says where or when as often as what about: no "risks about the register" (a review's).
    assert "about" not in resolve("who owns them?", asked("what risks are on the register?")).question
    # ... but a date is no topic "it" stands for: a trial's "who chairs it?" after "what did the quality committee
    # approve on 30 june" had become "who chairs 30 june?".
    assert resolve("who chairs it?", asked("what did the quality committee approve on 30 june")).question == "who chairs the quality committee?"
    # What was counted going to an event: "it" is the event (a held-out dialogue's "what date was it?" had become "what
    # date was staff came to the staff away day ...?"); a count of a thing itself stays whole.
    assert resolve("when was it?", asked("how many people attended the wellbeing festival in leamington?")).question == (
        "when was the wellbeing festival in leamington?"
    )
    assert resolve("what date was it?", asked("how many staff went to the away day?")).question == "what date was the away day?"
    # ... whatever the body did: a held-out dialogue's "... want changed in the chc appeals policy" had stayed in "it".
    assert resolve("when do they meet next?", asked("what did the quality cttee ask to change in the appeals policy?")).question == (
        "when do the quality cttee meet next?"
    )
    # A review's: the whole name up to its last word for a body, not a possessive's owner, and no verb or preposition in it.
    for before, meant in [
        ("what did the ccg's clinical quality committee approve?", "who chairs the ccg's clinical quality committee?"),
        ("what does the mental health partnership board do?", "who chairs the mental health partnership board?"),
        ("what did the staff say at the board meeting?", "who chairs the board meeting?"),
        ("what is the role of the digital board?", "who chairs the digital board?"),
    ]:
        assert resolve("who chairs it?", asked(before)).question == meant, before
    # A count of visits is no event: "is that up?" asks of the count (a review's had become "the emergency department").
    assert resolve("is that up?", asked("how many patients went to the emergency department in june?")).question != (
        "is the emergency department in june up?"
    )
    # ... when a pronoun stands for it: "that meeting" is the meeting asked about (a review's had become "(the icb)").
    assert "fire service" in resolve("what came out of that meeting", asked("when did the icb chair meet the fire service?")).question
    # "in" dates what was done only when a date follows it alone (a re-review: "say in its report about water" is about water).
    assert resolve("who leads it?", asked("what did the board say in its report about water")).question == "who leads water?"
    for dated in ("on 30/06/2022", "on monday", "on q1", "on 30 june, please", "in june"):  # a review's; a second trial's
        assert resolve("who chairs it?", asked(f"what did the board decide {dated}")).question == "who chairs the board?", dated
    assert resolve("when is it due?", asked("what did the gb approve on 1 april 2022 about ivf")).question == "when is ivf due?"
    # A body meets and is chaired: after what a committee decided on a policy, "it" that meets is the committee (a
    # trial's "when's it meeting next?" had been asked of the CHC appeals policy and declined); "it" that is due is
    # still the policy.
    decided = asked("What did the quality committee decide on the CHC appeals policy?")
    assert resolve("when's it meeting next?", decided).question == "when's the quality committee meeting next?"
    assert resolve("who chairs it?", decided).question == "who chairs the quality committee?"
    assert resolve("when is it due?", decided).question == "when is the CHC appeals policy due?"
    # ... and so does a body pointed at by its kind (a trial's "who chairs that committee" had asked of all the question
    # before, "(the cwccg quality cttee want changed in the chc appeals policy)"); "that meeting" is the meeting (above).
    wanted = asked("what did the cwccg quality cttee want changed in the chc appeals policy")
    assert resolve("who chairs that committee", wanted).question == "who chairs the committee (the cwccg quality cttee)?"
    assert resolve("who sits on this board?", asked("what did the phm board decide about the data platform?")).question == (
        "who sits on the board (the phm board)?"
    )
    # The body of the kind pointed at, not the one that acted, nor an organisation (a review's, after "that committee"
    # had gone to the governing body, "that board" to the ICB); a policy is no body that meets.
    about = asked("what did the governing body say about the audit committee?")
    assert resolve("who chairs that committee?", about).question == "who chairs the committee (the audit committee)?"
    assert resolve("who chairs that body?", asked("what did the audit committee say about the governing body?")).question == (
        "who chairs the body (the governing body)?"
    )
    uec = asked("what did the icb say about the uec transformation board?")
    assert resolve("who sits on that board?", uec).question == "who sits on the board (the uec transformation board)?"
    assert resolve("when is that policy due?", wanted).question.endswith("the chc appeals policy)?")
    # A re-review's third turns: the body of the kind the conversation named last, whichever turn named it; "the audit
    # cttee" beside "the audit committee" is one body, and "the ... meeting" its committee.
    group_then_board = asked("what did the phm board say about the inequalities group?")
    chaired = remember(group_then_board, Turn(resolve("who chairs that group?", group_then_board).question, ()))
    assert resolve("who chairs that group?", group_then_board).question == "who chairs the group (the inequalities group)?"
    assert resolve("who chairs that board?", chaired).question == "who chairs the board (the phm board)?"
    assert resolve("who chairs that committee?", asked("what did the audit cttee say to the audit committee meeting?")).question == (
        "who chairs the committee (the audit cttee)?"
    )
    # No body of the kind named: as "it", the body that acted; several: all the question (a third review's had gone to
    # the governing body); "the committee" alone names none, so the turn before is read (the third review's "what did
    # the committee say about the gbaf?" had stopped the look-back).
    assert resolve("who chairs that board?", about).question == "who chairs the board (the governing body)?"
    both = asked("what did the governing body say about the audit committee and the quality committee?")
    assert resolve("who chairs that committee?", both).question == (
        "who chairs the committee (the audit committee and the quality committee)?"
    )
    bare = remember(about, Turn("what did the committee say about the gbaf?", ()))
    assert resolve("who chairs that committee?", bare).question.endswith("(the audit committee)?")
    # A target is met by anything (a review's "is it meeting its training targets?").
    said = asked("what did the quality committee say about the safeguarding assurance report?")
    for target in ("is it meeting its training targets?", "has it met its target?", "does it apply to members of staff?", "does it meet NICE guidance?"):
        assert "quality committee" not in resolve(target, said).question, target
    for meeting in ("how often does it meet?", "does it meet monthly?", "where does it meet?", "who are its members?", "who's on it?"):
        assert "quality committee" in resolve(meeting, said).question, meeting  # a re-review's
    assert resolve("who chairs it?", asked("what did the governing body decide about the ICB transition?")).question == (
        "who chairs the governing body?"
    )
    # A review: the first "about" or "on" parts the doer from the topic, and a document noun anywhere names the doer.
    assert resolve("who wrote it?", asked("what did the CEO report say about progress on discharge")).question == "who wrote the CEO report?"
    assert resolve("who wrote it?", asked("what did the minutes of the governing body say about ivf")).question == (
        "who wrote the minutes of the governing body?"
    )
    # A closing "-ing" word that is a noun stays: "the board meeting", "the recurrent funding".
    assert "board meeting" in resolve("who chairs it?", asked("when is the board meeting?")).question
    assert "recurrent funding" in resolve("who gets it?", asked("what's the recurrent funding?")).question
    # How it is going and "about" frame the subject (a second trial's "the PHM roadmap about", "we doing on ...").
    assert resolve("who leads it?", asked("whats the PHM roadmap about")).question == "who leads the PHM roadmap?"
    assert resolve("who leads it?", asked("how are we doing on water efficiency")).question == "who leads water efficiency?"
    assert resolve("who leads it?", asked("62 day cancer how we doing")).question == "who leads 62 day cancer?"
    assert resolve("who leads it?", asked("how we doing on cancer")).question == "who leads cancer?"
    assert resolve("who leads it?", asked("whats the green plan all about?")).question == "who leads the green plan?"


def test_a_follow_ups_own_words_pick_what_is_new_in_the_document_found(service):
    """Dialogues written blind to the code: "who's funding it?" after the PHM data platform's contract had quoted the
    contract's length again, and "when's it meeting next?" the committee report's title line. The words the asker
    typed ("funding", "meeting next") lead, from the document the completed question found."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    contract = answerer.answer("how long is the contract for the phm data platform?", ())
    funding = answerer.answer("who's funding it?", contract.history).answer
    assert "Funding was committed via SWFT" in funding.citations[0].quote, funding.text
    chair = answerer.answer("who chairs the cwccg clinical quality and governance committee?", ())
    meeting = answerer.answer("when's it meeting next?", chair.history).answer
    assert "26th July 2022" in meeting.text.split("[1]")[0], meeting.text


def test_a_word_typed_leads_only_from_a_sentence_about_what_was_asked(service):
    """A review: "how much does it save?" after the desflurane switch had been led by "no-regrets energy saving
    measures", and "is it improving?" after the dementia diagnosis rate by "Improving Access to Psychological
    Therapies": a common word typed alone, or in a name, is no sign of the new fact asked."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    desflurane = answerer.answer("what is the desflurane switch?", ())
    saving = answerer.answer("how much does it save?", desflurane.history).answer
    assert "energy saving" not in saving.citations[0].quote, saving.text
    dementia = answerer.answer("what's the dementia diagnosis rate?", ())
    improving = answerer.answer("is it improving?", dementia.history).answer
    assert "Improving Access" not in improving.text.split("[1]")[0], improving.text
    # Asked of a document itself, any sentence of it is about it (a re-review's).
    plan = answerer.answer("what is the green plan?", ())
    data = answerer.answer("what data does it use?", plan.history).answer
    assert "baseline year" in data.text.split("[1]")[0], data.text


def test_the_words_a_follow_up_types_leave_out_its_frame():
    assert words_typed("when's it meeting next?") == {"meet", "next"}
    assert words_typed("how long have they been doing that") == frozenset()  # "how long" asks a length of time
    assert words_typed("what's it for?") == frozenset()
    assert words_typed("why haven't those posts been filled?") == {"post", "fill"}
    assert resolve("who's funding it?", asked("how long is the contract?")).typed == {"fund"}


def test_which_and_a_word_or_two_asks_which_of_what_was_talked_about(service):
    """A second trial: "which trusts?" after "ockenden compliance?" was asked alone and answered with a Green Plan
    action on LED lighting. A name ("which ICB?", "what SWFT?") or an ellipsis ("what about geh?") is not read so."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    ockenden = answerer.answer("ockenden compliance?", ())
    trusts = answerer.answer("which trusts?", ockenden.history)
    assert trusts.resolution.question == "which trusts (ockenden compliance)?"
    assert all(c.slug != "cw-ics-green-plan" for c in trusts.answer.citations), trusts.answer.text
    for own in ("which ICB?", "what SWFT?", "what about geh?", "which trusts?"):
        resolved = answerer.resolve(own, ()) if own == "which trusts?" else answerer.resolve(own, ockenden.history)
        assert "(ockenden compliance)" not in resolved.question, own


def test_a_question_with_a_subject_of_its_own_is_not_read_as_a_follow_up():
    # Found by a new user's trial: both were answered about the conversation's earlier topic.
    assert resolve("what is phm", asked("how many electric vehicles are in the fleet")).kind is FollowUpKind.STANDALONE
    waste = (Turn("who leads the waste actions", (), action_filter=ActionFilter(theme="Waste"), rows_shown=5),)
    about_a_plan = resolve("what did the ceo say about the one people plan", waste, parse_due)
    assert about_a_plan.kind is FollowUpKind.STANDALONE  # "one" names the plan; it points back nowhere
    # A trial: "there" of "were there" points back at nothing; the A&E question had "(the risks)" put after it.
    attendances = resolve("how many A&E attendances were there in May?", asked("what are the risks of the PHM programme?"))
    assert attendances.kind is FollowUpKind.STANDALONE and attendances.question == "how many A&E attendances were there in May?"
    assert resolve("who was there?", asked("when was the staff away day?")).kind is FollowUpKind.PRONOUN  # nothing of its own
    # A review: with one word of its own, "there" still points back ("how many staff were there?" at the briefing).
    for short in ("how many staff were there?", "is there a target?", "are there any mitigations?"):
        assert resolve(short, asked("what happened at the 12 may exec staff briefing?")).kind is FollowUpKind.PRONOUN, short
    assert resolve("what happened there?", asked("when was the staff away day?")).kind is FollowUpKind.PRONOUN
    assert resolve("what about the july one?", asked("how many came to the 12 may exec staff briefing")).question == (
        "how many came to the july exec staff briefing?"
    )


def test_a_pronoun_standing_for_something_the_message_named_does_not_point_back(service):
    # Dev dialogues' first turns, each asked after another dialogue: "their" is JUCD's, "it" the action plan.
    from bot.follow_answers import FollowUpAnswerer

    before = asked("who sits on the PHM board?")
    answerer = FollowUpAnswerer(service)  # "jucd" typed in lower case is a name the documents write only so
    for own in ("who did jucd get to write their green plan?", "medicines action plan - what's in it"):
        assert answerer.resolve(own, before).kind is FollowUpKind.STANDALONE, own
    assert resolve("who did jucd get to write their green plan?", before).kind is FollowUpKind.PRONOUN  # no names known
    # With nothing named before it, "their" still points back, however many words follow it.
    assert resolve("when's their next meeting after the 30 june one?", before).kind is FollowUpKind.PRONOUN
    assert resolve("the workforce one - who leads it?", before).kind is FollowUpKind.PRONOUN  # "one" points back too


def test_with_four_words_of_its_own_only_a_pronoun_proper_points_back():
    # A review: "this" before a time, and "that" or "there" of a question of its own, had leaned at four words.
    chair = asked("who chairs the quality committee?")
    for own in (
        "how much did the ccg spend on prescribing this year",
        "what is the forecast outturn for this financial year",
        "what actions are there that target water use",
        "who is the person that leads on net zero",
    ):
        assert resolve(own, chair).kind is FollowUpKind.STANDALONE, own
    # ... and a word of thanks or sorry before a dash names nothing: the question after it still points back; a topic
    # of one word does ("medicines - what's in it?", a re-review).
    for polite in ("sorry - who chairs it?", "ok cool - who chairs it?", "one more question - who chairs it?"):
        assert resolve(polite, chair).kind is FollowUpKind.PRONOUN, polite
    assert resolve("medicines - what's in it?", asked("what is the ics carbon footprint?")).kind is FollowUpKind.STANDALONE
    # With few words of its own, "this" still points back (a re-review: "and this month?" had been asked alone).
    assert resolve("and this month?", asked("2ww performance at uhcw in april?")).kind is not FollowUpKind.STANDALONE
    # With three words of its own or fewer, "its" after a trust named is still the measure's: "did uhcw hit its target?".
    assert resolve("did uhcw hit its target?", asked("what's the 2ww performance in april?")).kind is FollowUpKind.PRONOUN


def test_it_of_a_verb_naming_the_subjects_head_is_what_the_subject_is_of():
    # Held-out dialogues in three sets: "who funded it?" had been read as funding "the funding gap", and answered
    # with the gap's passage again; the contract is what was funded ("Funding was committed via SWFT ...").
    gap = asked("whats the funding gap on the phm data platform contract?")
    assert resolve("who funded it initially?", gap).question == "who funded the phm data platform contract initially?"
    assert resolve("how much does it cost to run?", asked("what is the cost of the new ward?")).question == "how much does the new ward cost to run?"
    # Asked how, not who: "how will it be funded?" asks how the gap is met (a re-review).
    assert "funding gap" in resolve("how will it be funded?", gap).question
    # A verb naming something else keeps the whole subject: the gap is what is closed.
    assert "funding gap" in resolve("how will it be closed?", asked("how big is the funding gap on the phm data platform contract?")).question


def test_a_pronoun_with_four_words_of_its_own_points_back():
    # Held-out dialogues: asked alone, neither found what "it" or "they" stood for.
    funding = resolve("who put up the money to kick it off?", asked("whats the funding gap on the phm data platform contract?"))
    assert funding.kind is FollowUpKind.PRONOUN and "phm data platform" in funding.question
    assert resolve("how many trust level actions did they go through?", asked("who did wrm work with?")).kind is FollowUpKind.PRONOUN


def test_it_after_a_counting_question_stands_for_the_doer_not_the_things_counted():
    # Found by a new user's trial: "it" was read as the appointments, which are many.
    counted = asked("how many extra appts did the winter access fund deliver")
    assert resolve("is it being extended", counted).question == "is the winter access fund being extended"
    assert "extra appts" in resolve("are they all face to face", counted).question
    assert "MDIs" in resolve("was it more than the year before", asked("how many MDIs did we prescribe in 20/21")).question
    # An amount is one thing: "it" after "how much" is the amount, not who got it.
    assert resolve("what's it for?", asked("how much recurrent funding did the system get?")).question == "what's recurrent funding for?"


def test_he_or_she_after_a_who_question_is_the_person_the_answer_named():
    # Found by a new user's trial: "his" after "who ..." was read as the question's subject (the board).
    chaired = (Turn("who chairs the PHM board?", (CitedPassage("cw-phm-roadmap", 2, "The PHM Board is chaired by Mr Zubair Khan, Chief Executive."),)),)
    assert resolve("what is his role", chaired).question == "what is Mr Zubair Khan's role"
    assert resolve("when did she start?", chaired).question == "when did Mr Zubair Khan start?"
    assert resolve("who appointed her", chaired).question == "who appointed Mr Zubair Khan"
    # The person stays the subject of the next follow-up; "it" still means the board.
    then = (*chaired, Turn("when did Mr Zubair Khan start?", subject=resolve("when did she start?", chaired).subject))
    assert resolve("what is her background", then).question == "what is Mr Zubair Khan's background"
    assert "PHM board" in resolve("who chairs it?", chaired).question
    # No person in the answer, or no answer at all: the question's subject, as before.
    unnamed = (Turn("who sits on the PHM board?", PASSAGE),)
    assert "PHM board" in resolve("what does he do", unnamed).question
    declined = (Turn("who chairs the PHM board?", chaired[0].citations, abstained=True),)
    assert "Zubair" not in resolve("what is his role", declined).question


def test_her_after_asking_who_wrote_a_letter_is_its_signatory():
    """A trial: "what's her phone number?" after "who wrote the letter?" was declined; the sign-off names the writer with
    no dash before her role, and "West Midlands" after the role is no person."""
    signed = (Turn("who wrote the letter?", (CitedPassage("nhse-system-review-letter-2022-05", 4, "Yours sincerely Julie Grant Director of Strategic Transformation, West Midlands"),)),)
    assert resolve("what's her phone number?", signed).question == "what's Julie Grant's phone number?"


def test_her_phone_number_after_who_wrote_the_letter_is_the_signatorys(service):
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    wrote = answerer.answer("who wrote the letter?", ())
    assert "Julie Grant" in wrote.answer.text
    phone = answerer.answer("what's her phone number?", wrote.history)
    assert "07876 354253" in phone.answer.text
    # A cover sheet names who a paper is from and, after, who wrote it: "her" is the author.
    author = (Turn("who wrote the comms report?", (CitedPassage("icb-comms-engagement-report-2022-07", 1, "Report From: Anita Wilson Director of Corporate Affairs Author: Rose Uwins Senior Communications and Engagement Lead"),)),)
    assert resolve("what is her role?", author).question == "what is Rose Uwins's role?"


def test_he_or_she_after_asking_who_holds_a_role_is_the_person_the_quotes_name_in_it(service):
    """A trial: the Roadmap's signatories answered "who is the ICB chair?", and "she" was read as the first of them;
    a review then found everyday words taken for names ("what does Net Zero do?")."""
    from bot.follow_answers import FollowUpAnswerer

    sense = FollowUpAnswerer(service).sense
    signatories = "Angela Brady, Chief Medical Officer, Coventry and Warwickshire ICB Phil Johns Chief Executive, Coventry and Warwickshire ICB Danielle Oum Chair, Coventry and Warwickshire ICS"
    cited = (CitedPassage("cw-phm-roadmap", 2, signatories),)
    def she(question: str, quote: tuple[CitedPassage, ...] = cited) -> str:
        return resolve("what does she do?", (Turn(question, quote),), sense=sense).question

    assert she("who is the ICB chair?") == "what does Danielle Oum do?"
    assert she("who is the ICB chief executive?") == "what does Phil Johns do?"  # both words of the role, not "chief" alone
    assert she("who is the chief medical officer?") == "what does Angela Brady do?"
    lead = (CitedPassage("cw-ics-green-plan", 36, "Ensure that the ICS and Trusts have board level Net Zero lead."),)
    assert "Net Zero do" not in she("who is the board level net zero lead?", lead)
    titled = (CitedPassage("ccg-governing-body-minutes-2022-05", 1, "Dr Sarah Raistrick Chair opened the meeting."),)
    assert she("who is the chair?", titled) == "what does Dr Sarah Raistrick do?"
    # A second review: every word of the role asked, or no one (the role is then what "she" stands for).
    assert "Angela Brady" not in she("who is the chief operating officer?")
    attending = (CitedPassage("ccg-governing-body-minutes-2022-05", 1, "Ms Jo Galloway Chief Nurse Dr Allison Duggall Coventry Director of Public Health and Wellbeing Mrs Anita Wilson Director of Corporate Affairs"),)
    assert she("who is the director of corporate affairs?", attending) == "what does Mrs Anita Wilson do?"
    executive = (CitedPassage("nhse-system-review-letter-2022-05", 1, "Phil Johns ICS Executive lead (Designate) Danielle Oum ICB Chair (Designate)"),)
    assert she("who is the ICS executive lead?", executive) == "what does Phil Johns do?"


def test_the_thing_the_last_turn_spoke_of_is_read_as_pointing_back_at_it():
    # Found by a new user's trial: "whats the target" was answered as a new question (about any target).
    waits = (Turn("how many people were waiting over 104 weeks", (CitedPassage("icb-performance-report-2022-07", 18, "The target of zero 104 week waits was achieved."),)),)
    pointing = resolve("whats the target", waits)
    assert pointing.kind is FollowUpKind.PRONOUN and "104 weeks" in pointing.question
    # With a name or more words of its own: a question of its own.
    assert resolve("whats the target for cancer waits in Coventry", waits).kind is FollowUpKind.STANDALONE
    # A question of its own whose phrase the last answer happened to quote (found in a bare-clone chat
    # after an overdue listing that quoted the water actions).
    listed = (Turn("whats overdue", (CitedPassage("cw-ics-green-plan", 66, "Assist member organisations in communicating the importance of water efficiency."),)),)
    assert resolve("who leads the water actions", listed).kind is FollowUpKind.STANDALONE


def test_a_message_asking_only_a_measure_is_about_what_the_last_turn_was_about():
    # Found by a new user's trial: "whats the actual figure?" after a question on SMI health checks was searched
    # alone and declined with Green Plan pages.
    smi = asked("what did the may governing body say about smi health checks")
    for message in ("whats the actual figure?", "and the target?", "what are the numbers", "and the status?", "what's the latest position"):
        resolution = resolve(message, smi)
        assert resolution.kind is FollowUpKind.PRONOUN and "smi health checks" in resolution.question, message
    # "the target" is the footprint's, whether or not the answer quoted one.
    assert "carbon footprint" in resolve("whats the target", asked("what is the ics carbon footprint")).question
    # Naming anything beside the measure, or with no "the": a question of its own.
    for message in ("what's the total carbon footprint?", "whats the target for desflurane", "any figures?"):
        assert resolve(message, smi).kind is FollowUpKind.STANDALONE, message


def test_a_figure_asked_of_it_that_no_quote_gives_is_declined(service):
    """A review: "whats the actual figure?" after the minutes on SMI health checks was answered with their actions."""
    from bot.follow_answers import FollowUpAnswerer

    history = (Turn("what did the may governing body say about smi health checks"),)
    answer = FollowUpAnswerer(service).answer("whats the actual figure?", history).answer
    assert answer.abstained and "no figure" in answer.text


def test_the_one_named_by_a_word_is_the_item_of_the_list_quoted_that_holds_it(service):
    """A trial: "who's leading the pride one?" after the coming engagement events were listed had been read as
    "... (community engagement events)?" and declined; the list says the Pride event is led by Warwickshire Pride."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("what community engagement events are coming up?", ())
    pride = answerer.answer("who's leading the pride one?", listed.history)
    assert pride.resolution.question.startswith("who's leading Warwickshire Pride Event")
    assert not pride.answer.abstained and "led by Warwickshire Pride" in pride.answer.text
    # A follow-up the list does not answer is declined; the list is still what "the roma one" is of.
    expected = answerer.answer("how many people are expected at it?", pride.history)
    assert expected.answer.abstained
    roma = answerer.answer("and when is the roma one?", expected.history)
    assert "The Roma Project" in roma.resolution.question and "16th July" in roma.answer.text
    # A time names no item: "the july one" changes the month asked (the Roma event is in July).
    assert "Roma" not in resolve("what about the july one?", listed.history).question


@pytest.mark.parametrize(
    ("before", "message", "meant"),
    [
        (
            "how many media enquiries did comms get between 30 april and 4 july?",
            "how many did we get march to april?",
            "how many media enquiries did we get march to april?",
        ),
        ("how many adult inpatients were there end of may 22?", "how many were there in april?", "how many adult inpatients were there in april?"),
    ],
)
def test_a_count_naming_nothing_to_count_counts_what_the_question_before_counted(before, message, meant):
    # It had been read as a question of its own, "how many did we get march to april?", and answered with the deficit.
    resolution = resolve(message, asked(before))
    assert resolution.kind is FollowUpKind.ELLIPSIS and resolution.question == meant


@pytest.mark.parametrize(
    ("before", "message"),
    [
        # A review: each had been made to count the thing of the question before.
        ("how many ev charging points has swft got?", "how many were waiting over 104 weeks in april?"),
        ("how many MDIs did we prescribe in 20/21?", "how many were at the wellbeing festival?"),
        ("how many covid vaccinations have been given?", "how many in warwickshire?"),
        ("how many attended the diabetes workshop in may?", "how many were there in june?"),  # a verb counts no thing
    ],
)
def test_a_count_with_words_of_its_own_or_after_a_count_of_no_thing_carries_nothing_over(before, message):
    resolution = resolve(message, asked(before))
    assert resolution.kind is not FollowUpKind.ELLIPSIS
    assert not {"charging", "mdis", "vaccinations", "attended"} & set(resolution.question.lower().split()), resolution.question


def test_a_count_naming_nothing_after_a_question_counting_nothing_is_left_as_it_was():
    assert resolve("how many are there?", asked("what GP federations are there?")).question != "how many GP federations are there?"
    assert resolve("how many are there?", asked("what GP federations are there?")).kind is not FollowUpKind.ELLIPSIS


def test_a_breakdown_asks_the_question_before_broken_down_that_way():
    # Found by a new user's trial: "by trust?" after a cancer waits question was searched alone, and "and by trust?"
    # read as "by trust two week wait for gp referrals in april?".
    waits = asked("cancer two week wait for gp referrals in april?")
    for message in ("by trust?", "and by trust?", "broken down by trust please", "split by trust", "by trust, please"):
        resolution = resolve(message, waits)
        assert resolution.kind is FollowUpKind.ELLIPSIS, message
        assert resolution.question == "cancer two week wait for gp referrals in april by trust?", message
    # Any way a figure is broken down (a re-review: "by year?" and "by gp practice?" had been searched alone).
    assert resolve("by year?", asked("what was the ics carbon footprint")).question == "what was the ics carbon footprint by year?"
    assert resolve("by gp practice?", waits).question == "cancer two week wait for gp referrals in april by gp practice?"
    # Another breakdown after one replaces it.
    by_trust = (Turn("cancer two week wait for gp referrals in april by trust?", PASSAGE, inserted="by trust"),)
    assert resolve("and per pcn?", by_trust).question == "cancer two week wait for gp referrals in april per pcn?"
    # "by when" asks a date and "by april" gives one: neither is a breakdown.
    assert "by" not in resolve("and by april?", waits).question.split()[-2:]
    assert resolve("by when?", waits).question != "cancer two week wait for gp referrals in april by when?"
    # Only a way of breaking a figure down (a review: these had been appended to the last question).
    for message in ("per cent?", "by phone?", "by the deadline?", "by half?", "by year end?"):
        assert resolve(message, waits).question != f"cancer two week wait for gp referrals in april {message}", message


def test_by_trust_after_a_measure_gives_the_row_of_trusts_for_it(service):
    from bot.follow_answers import FollowUpAnswerer

    history = (Turn("cancer two week wait for gp referrals in april?"),)
    answer = FollowUpAnswerer(service).answer("by trust?", history).answer
    assert answer.text.startswith("CWCCG 79.0%; SWFT 90.0%; GEH (no figure given); UHCW 72.2%") and answer.citations[0].page == 22


def test_a_follow_up_on_a_counting_question_is_answered_about_its_doer(service):
    from bot.follow_answers import FollowUpAnswerer

    history = (Turn("how many extra appts did the winter access fund deliver"),)
    answer = FollowUpAnswerer(service).answer("is it being extended", history).answer
    assert "extended on a temporary basis" in answer.text and answer.citations


def test_an_ellipsis_adds_a_month_or_organisation_the_question_before_did_not_name():
    assert resolve("and in may?", asked("a&e 4 hour performance")).question == "a&e 4 hour performance in may?"
    assert resolve("and swft", asked("a&e 4 hour performance")).question == "a&e 4 hour performance at swft?"
    # A month with its year too (a new user's trial: it had taken the place of the measure's initials).
    resolved = resolve("and in March 2022?", asked("What is the RTT 52 week breach figure?"))
    assert resolved.question == "What is the RTT 52 week breach figure in March 2022?"


def test_a_message_that_is_only_a_slot_fills_it_as_an_ellipsis_would(service):
    """A second trial: "52 weeks?" after "104 week waits?" was asked alone (and declined), and so were "april?" and
    "geh?"; a measure named by another number of the same unit takes the place of the one asked."""
    assert resolve("april?", asked("a&e 4 hour performance in may 2022")).question == "a&e 4 hour performance in april 2022?"
    assert resolve("geh?", asked("a&e 4 hour performance")).question == "a&e 4 hour performance at geh?"
    assert resolve("52 weeks?", asked("104 week waits?")).question == "52 week waits?"
    assert resolve("and the 62-day?", asked("cancer 31 day performance in april")).question == "cancer 62 day performance in april?"
    assert resolve("april?", ()).kind is FollowUpKind.STANDALONE  # nothing before it to fill
    # Another unit names another measure, not a slot of this one (a review: "cancer 2 62 days wait performance in
    # april?"): asked alone, or at the time the question before asked (``_measure_at_the_time_before``).
    assert resolve("52 weeks?", asked("a&e 4 hour performance")).kind is FollowUpKind.STANDALONE
    assert resolve("62 days?", asked("cancer 2 week wait performance in april")).question == "62 days in april?"
    # A time with its year (a review's).
    assert resolve("april 2021?", asked("a&e 4 hour performance in april 2022")).question == "a&e 4 hour performance in april 2021?"
    # With a preposition before it (a third trial's "in april 2021?" had been asked alone, and answered with May's attendances).
    assert resolve("in april 2021?", asked("how many patients waited over 52 weeks?")).question == "how many patients waited over 52 weeks in april 2021?"
    assert resolve("at geh?", asked("a&e 4 hour performance")).question == "a&e 4 hour performance at geh?"
    assert resolve("in the pipeline?", asked("a&e 4 hour performance")).kind is FollowUpKind.STANDALONE
    assert resolve("in 2 weeks?", asked("what were A&E attendances in May 2022?")).kind is FollowUpKind.STANDALONE  # no measure
    # ... but a measure in the unit of the question's own is (a re-review: "for 52 weeks?" had been asked alone).
    assert resolve("for 52 weeks?", asked("how many patients waited over 104 weeks?")).question == "how many patients waited over 52 weeks?"
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    may = answerer.answer("a&e 4 hour performance in may 2022", ())
    assert "April 2022 68.9%" in answerer.answer("april?", may.history).answer.text
    # A question naming no measure by number takes one as any fragment (a re-review: it had been asked alone).
    rtt = answerer.answer("what is the rtt performance?", ())
    assert "5,484" in answerer.answer("52 weeks?", rtt.history).answer.text


def test_a_month_typed_onto_its_year_fills_the_month_slot():
    assert resolve("and may22?", asked("rtt 18 week performance in apr 22")).question == "rtt 18 week performance in may 22?"


@pytest.mark.parametrize(
    ("before", "message", "meant"),
    [
        ("cancer 62 day performance in December 2021?", "and in january 2022?", "cancer 62 day performance in january 2022?"),
        ("cancer 62 day performance dec 21", "and jan 22?", "cancer 62 day performance jan 22?"),
        ("a&e 4 hour performance in april 2022", "and in may?", "a&e 4 hour performance in may 2022?"),
        ("a&e performance in april 2022", "and march 22?", "a&e performance in march 2022?"),
        ("what were the april 12 hour waits?", "and march 2022?", "what were the march 2022 12 hour waits?"),
        ("what was the 2 week wait performance in q2 2021/22?", "and q3?", "what was the 2 week wait performance in q3 2021/22?"),
        # A time of another kind takes its year from the question's (a trial: "and q4?" after January 2022 repeated January).
        ("12 hour waits from decision to admit in january 2022?", "and q4?", "12 hour waits from decision to admit in q4 2021/22?"),
        ("a&e 4 hour performance in dec 21", "what about q3?", "a&e 4 hour performance in q3 2021/22?"),
        ("a&e performance in q3 2021/22", "and january?", "a&e performance in january 2022?"),
        ("a&e performance in q3 2021/22", "and may?", "a&e performance in may 2021?"),
        # A third review: a month written with its punctuation crashed; a quarter's year went with the wrong slot;
        # a day stayed behind its month.
        ("a&e performance in q3 2021/22", "and march, 2022?", "a&e performance in march, 2022?"),
        ("a&e performance in q3 2021/22", "and Sept. 2022?", "a&e performance in Sept. 2022?"),
        ("a&e performance in q3 2021/22", "and for q1 2022/23?", "a&e performance in q1 2022/23?"),
        ("a&e performance in 2021/22", "and q3 21/22?", "a&e performance in q3 21/22?"),
        ("a&e performance on 5 may 2022", "and q2?", "a&e performance on q2 2022/23?"),
        ("a&e performance on 5 may 2022", "and june 2023?", "a&e performance on june 2023?"),
    ],
)
def test_a_month_given_with_its_year_changes_both(before, message, meant):
    """A review: "and in january 2022?" after "... December 2021" was read as January 2021 and declined. A second
    review: a measure's number after a month is no year ("april 12 hour waits"), and a quarter is a time too
    ("and q3?" had replaced the "2" of "2 week wait")."""
    assert resolve(message, asked(before)).question == meant


def test_where_it_says_so_shows_a_table_once_for_several_of_its_rows(service):
    """A review: after three rows of one table were cited, "where does it say that?" showed three windows over the
    same rows, each row two or three times."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("cancer 62 day performance dec 21", ())
    assert len([c for c in first.answer.citations if c.page == 6]) == 3
    where = answerer.answer("where does it say that?", first.history)
    assert where.answer.text.count("Cancer 62-day wait from referral from an NHS screening service") == 1


def test_where_it_says_so_after_an_action_listing_shows_the_row_not_the_rows_around_it(service, knowledge_base):
    """A staff trial: "where does it say that?" after "who leads the maternity action on the log?" showed the NHS
    England letter's action table around row 11, opening on row 10's lead and status ("Claire Finn TBC Open 10 Mental
    Health ...")."""
    from bot.evaluation import quote_is_verbatim
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listing = answerer.answer("who leads the maternity action on the log?", ())
    assert "To review leadership and support offer to Maternity services" in listing.answer.text
    where = answerer.answer("where does it say that?", listing.history)
    assert where.resolution.kind is FollowUpKind.DRILL and not where.answer.abstained
    assert "To review leadership and support offer to Maternity services" in where.answer.text
    assert "Mental Health" not in where.answer.text and "p. 5" in where.answer.text
    assert all(quote_is_verbatim(c, knowledge_base) for c in where.answer.citations)
    # A review: after "which of those are due 23/24?" the Green Plan's one citation of p. 68 quoted the rows between the
    # first and last listed, the 24/25 and 22/23 ones too.
    waste = answerer.answer("what are the waste actions?", ())
    narrowed = answerer.answer("which of those are due 23/24?", waste.history)
    assert narrowed.resolution.kind is FollowUpKind.NARROW
    where = answerer.answer("where does it say that?", narrowed.history)
    assert "Set ICS-wide waste reduction targets." in where.answer.text
    listed = [line for line in narrowed.answer.text.splitlines() if "(lead " in line]
    assert len(where.answer.citations) == len(listed) and all(c.page == 68 for c in where.answer.citations)
    assert "24/25" not in where.answer.text and "22/23" not in where.answer.text
    assert all(quote_is_verbatim(c, knowledge_base) for c in where.answer.citations)


def test_where_it_says_a_claim_the_message_states_is_looked_for_in_the_documents(service):
    """A new user's trial: "where does it say we need to cut waste by 1000 tonnes" after the waste actions showed the
    listing's rows on p. 68, not the page saying it (p. 67); "where does it say that?" still shows the answer's source.
    And "100,000 m3" is cubic metres, not month 3 (it had been declined as "The closest passages do not mention month
    3")."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    waste = answerer.answer("what are the waste actions?", ())
    claim = answerer.answer("where does it say we need to cut waste by 1000 tonnes", waste.history)
    assert claim.resolution.kind is not FollowUpKind.DRILL and not claim.answer.abstained
    assert "reduce total waste arisings by over 1,000 tonnes" in claim.answer.text and claim.answer.citations[0].page == 67
    where = answerer.answer("where does it say that?", claim.history)
    assert where.resolution.kind is FollowUpKind.DRILL and "p. 67" in where.answer.text
    # "that" is the answer, the words after it where to look (a review: "... in the finance report?" had been a claim).
    for asked in ("where does it say that in the green plan?", "where does it say that on page 67?", "where does it say that exactly in the report?"):
        assert answerer.resolve(asked, claim.history).kind is FollowUpKind.DRILL, asked
    for claimed in ("where does it say that SWFT is at 32% DPI", "where does it say that in 2020/21 the footprint was 30,000 tonnes?"):
        assert answerer.resolve(claimed, claim.history).kind is not FollowUpKind.DRILL, claimed
    water = answerer.answer("where does it say we need to save 100,000 m3", ())
    assert not water.answer.abstained and "100,000 m³ of water" in water.answer.text and water.answer.citations[0].page == 65


def test_list_them_lists_the_listing_and_its_status_is_summed_up_or_said_to_be_given_for_none(service):
    """A new user's trial: "list them" after the 15 actions due in 24/25 listed all 165 ("list actions"), and "whats the
    status of them" after the water actions listed them again saying nothing of a status, which the Green Plan's table
    does not give."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    counted = answerer.answer("how many actions are due in 24/25", ())
    listed = answerer.answer("list them", counted.history)
    assert listed.answer.text.startswith("15 actions are due in 2024/25"), listed.answer.text[:200]
    water = answerer.answer("what are the water actions", ())
    status = answerer.answer("whats the status of them", water.history)
    assert status.answer.text.startswith("4 actions are in Water. No status or progress is given for any of the 4"), status.answer.text[:200]
    letter = answerer.answer("what is the status of the qsrm actions", ())
    assert "Status: Open (11)" in letter.answer.text.splitlines()[0] and "In progress (1)" in letter.answer.text.splitlines()[0]
    row = answerer.answer("what's the status of no 4?", letter.history)
    assert "Its status is “Open”." in row.answer.text.splitlines()[0] and "Breast Screening Trajectory" in row.answer.text
    # A status filter leaves the log's own statuses to say (a review: "whats the status of them" after the overdue
    # actions had listed them again).
    overdue = answerer.answer("which qsrm actions are overdue?", ())
    assert "Status: Open (" in answerer.answer("whats the status of them", overdue.history).answer.text.splitlines()[0]
    # "is it on track?" or "any progress on it?" after one row asks its status (a third trial's was put to the documents
    # and quoted the row again).
    led = answerer.answer("who leads no 4?", letter.history)
    assert "Its status is “Open”." in answerer.answer("any progress on it?", led.history).answer.text.splitlines()[0]
    icp = answerer.answer("procurment actons led by icp", ())
    seventh = answerer.answer("whats no 7 about", icp.history)
    on_track = answerer.answer("is it on track?", seventh.history).answer.text.splitlines()[0]
    assert on_track.endswith("No status or progress is given for it: the table it is in has none."), on_track
    # With no pointer, and of several (a re-review: "any progress?" had been put to the documents).
    travel = answerer.answer("what are the travel actions", ())
    second = answerer.answer("who leads no 2?", travel.history)
    progress = answerer.answer("any progress?", second.history)
    assert progress.answer.text.splitlines()[0].endswith("No status or progress is given for it: the table it is in has none.")
    several = answerer.answer("are they on track?", progress.history).answer.text.splitlines()[0]
    assert several.startswith("18 actions are in Travel and Transport. No status or progress is given for any of the 18"), several
    # A status named is a narrowing still (a third review: "which are in progress?" had summed up all 13).
    in_progress = answerer.answer("which are in progress?", letter.history).answer.text.splitlines()[0]
    assert in_progress.startswith("2 actions are from NHS England Quarterly System Review Meeting letter (11 May 2022) and in progress"), in_progress


def test_why_alone_asks_the_reason_for_all_the_last_question_asked(service):
    """A new user's trial: "why" after "whats the underspend on other programme" was read as "why (other programme)?",
    the underspend lost, and declined; the reason is on the finance report's p. 6."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    underspend = answerer.answer("whats the underspend on other programme", ())
    why = answerer.answer("why", underspend.history)
    assert not why.answer.abstained and "vacant posts" in why.answer.text, why.answer.text[:300]
    assert any(c.page == 6 and "vacant posts" in c.quote for c in why.answer.citations)
    # After an action listing it is not the listing again (a review: "why" after "what's due in 2024?" listed its 83).
    listing = answerer.answer("what's due in 2024?", ())
    assert answerer.answer("why", listing.history).answer.actions is None


def test_the_ones_of_a_theme_named_in_full_after_a_documents_answer_are_that_themes_actions(service):
    """A new user's trial: "who leads the mutual aid ones" after an answer from the documents was put into the last
    question as its subject ("who leads the mutual aid ones (finance actions came out of the qsrm)?") and answered from
    the letter's prose, naming one lead of three; asked alone it names all three."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    footprint = answerer.answer("What was the carbon footprint in 2020/21?", ())
    assert footprint.answer.actions is None
    ones = answerer.answer("who leads the mutual aid ones", footprint.history)
    assert ones.answer.text.startswith("3 actions are in Mutual Aid. Leads: "), ones.answer.text[:200]


def test_the_target_a_table_answer_gave_is_what_the_next_message_points_at(service):
    """A new user's trial: "and what's the target?" after the A&E figure for May was read as a question of its own
    and answered with the Transforming Care inpatient target, the word "target" standing in the answer's table line
    ("May 2022 71.7% (target 95%)") and not in the row it quotes."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("what was the A&E 4hr performance in may 2022", ())
    assert "May 2022 71.7% (target 95%)" in first.answer.text and "target" in first.history[-1].said
    assert not {"1", "2"} & set(first.history[-1].said)  # the citation marks "[1]", "[2]" are no words
    target = answerer.answer("and what's the target?", first.history)
    assert target.resolution.kind is FollowUpKind.PRONOUN and "A&E" in target.resolution.question
    assert "(target 95%)" in target.answer.text and "inpatient" not in target.answer.text


def test_passages_that_touch_once_merged_are_merged_too():
    """A second review: a window that grew to touch one kept before it grew stayed apart (sentences 2081-2086 and
    2087-2088 of one page shown as two passages)."""
    from bot.follow_answers import _merged

    passage = CitedPassage("icb-performance-report-2022-07", 17, "")
    runs = [(passage, 2087, 2088), (passage, 2075, 2080), (passage, 2078, 2086)]
    assert _merged(runs) == [(passage, 2075, 2088)]
    elsewhere = CitedPassage("icb-performance-report-2022-07", 18, "")
    assert _merged([(passage, 1, 2), (elsewhere, 3, 4)]) == [(passage, 1, 2), (elsewhere, 3, 4)]


def test_an_ellipsis_asks_the_question_before_again_with_the_changed_slot():
    organisation = resolve("what about geh?", asked("bed occupancy at uhcw latest week?"))
    assert organisation.kind is FollowUpKind.ELLIPSIS
    assert organisation.question.lower() == "bed occupancy at geh latest week?"
    year = resolve("what about in 21/22", asked("how many MDIs did we prescribe in 20/21"))
    assert "21/22" in year.question and "20/21" not in year.question and "MDIs" in year.question


@pytest.mark.parametrize(
    ("message", "meant"),
    [
        # A trial's "and UHCW, how many?" became "how many ev charging points does UHCW, how many have?".
        ("and UHCW, how many?", "how many ev charging points does UHCW have?"),
        ("what about geh - how many?", "how many ev charging points does geh have?"),
    ],
)
def test_an_ellipsis_with_the_question_typed_after_it_asks_the_question_before_of_it(message, meant):
    resolved = resolve(message, asked("how many ev charging points does swft have?"))
    assert resolved.kind is FollowUpKind.ELLIPSIS
    assert resolved.question == meant


def test_a_question_word_typed_after_an_ellipsis_that_the_question_before_did_not_ask_is_kept():
    # A review: "and geh, when?" after a count asks something the count did not; its "when" is not dropped.
    assert "when" in resolve("and geh, when?", asked("how many ev charging points does swft have?")).question


def test_an_ellipsis_naming_another_body_of_the_same_kind_takes_the_place_of_the_whole_name():
    # A trial got "how much has coventry city council county council secured ...".
    meant = resolve("what about coventry city council?", asked("how much has warwickshire county council secured for ev charging?"))
    assert meant.question == "how much has coventry city council secured for ev charging?"
    owned = resolve("what about coventry city council?", asked("how much is warwickshire county council's budget for ev charging?"))
    assert owned.question == "how much is coventry city council's budget for ev charging?"
    # Only over the words of a name: "NHSE give the council" and "UHCW brief council" are no council's names (reviews).
    assert "give the council" in resolve("what about coventry city council?", asked("what funding did NHSE give the council for ev charging?")).question
    assert "brief council members" in resolve("what about coventry city council?", asked("did UHCW brief council members?")).question
    joined = resolve("and birmingham and solihull icb?", asked("what is the deficit of Coventry and Warwickshire ICB?"))
    assert joined.question == "what is the deficit of birmingham and solihull icb?"
    assert resolve("and swft?", asked("bed occupancy at uhcw latest week?")).question.lower() == "bed occupancy at swft latest week?"


def test_an_ellipsis_naming_a_new_thing_and_a_time_asks_for_the_new_thing():
    # A new user's trial: "and the 52 week breaches in april?" became the RTT question again with its month
    # swapped, and the breaches were lost; so was "geh" in "what about geh in may?".
    breaches = resolve("and the 52 week breaches in april?", asked("rtt 18 week incomplete performance in april 22"))
    assert breaches.kind is FollowUpKind.ELLIPSIS
    assert breaches.question.startswith("52 week breaches in april") and "rtt" in breaches.question
    assert "geh in may" in resolve("what about geh in may?", asked("rtt 18 week incomplete performance in april 22")).question
    # A time alone still changes only the time, with the words that go with one.
    assert resolve("what about march 22?", asked("rtt 18 week incomplete performance in april 22")).question == (
        "rtt 18 week incomplete performance in march 22?"
    )
    assert resolve("and the same for may?", asked("a&e 4 hour performance in april 2022")).question == (
        "a&e 4 hour performance in may 2022?"
    )
    # "and attendances ..." is not "and at tendances": the cue's words are whole words.
    assert resolve("and attendances in may?", asked("a&e 4 hour performance in april 2022")).question.startswith("attendances in may")
    # A later turn changes the time in the context too, and the context is not bracketed twice.
    first = resolve("and the 12 hour waits in may?", asked("a&e 4 hour performance in april 2022"))
    later = (Turn("a&e 4 hour performance in april 2022", PASSAGE), Turn(first.question, PASSAGE, inserted=first.inserted))
    assert resolve("and june?", later).question == "12 hour waits in june (a&e 4 hour performance in june 2022)?"
    assert resolve("and the 4 hour ones in june?", later).question == "4 hour ones in june (a&e 4 hour performance in june 2022)?"


def test_last_year_moves_the_year_asked_about_back_one():
    # Found by a trial: "what about last year" was put in place of the question's first word.
    assert resolve("what about last year", asked("how many MDIs did we prescribe in 20/21")).question == (
        "how many MDIs did we prescribe in 19/20?"
    )
    assert resolve("and the year after?", asked("ics emissions in 2019/2020")).question == "ics emissions in 2020/2021?"
    assert resolve("and the coming year?", asked("ics emissions in 2019/2020")).question == "ics emissions in 2020/2021?"
    assert resolve("what about last year", asked("what is the ics carbon footprint")).question == "what is the ics carbon footprint last year?"


_MAY = "What was A&E 4 hour performance in May 2022?"
_APRIL = "What was A&E 4 hour performance in April 2022?"


@pytest.mark.parametrize(
    ("before", "message", "meant"),
    [
        (_MAY, "and the month before?", _APRIL),
        (_MAY, "what about the previous month?", _APRIL),
        (_MAY, "and the following month?", "What was A&E 4 hour performance in June 2022?"),
        ("rtt breaches in jan 22", "and the month before?", "rtt breaches in dec 21?"),  # the year too
        # A review's: "that" is the month asked; the message alone is the slot; "may" the verb is no month.
        (_APRIL, "and the month before that?", "What was A&E 4 hour performance in March 2022?"),
        (_APRIL, "the previous month?", "What was A&E 4 hour performance in March 2022?"),
        ("what may delay discharges in june?", "and the month before?", "what may delay discharges in may?"),
        # The year written beside it another way moves too; a financial year turns in April (a review's).
        ("breaches in December of 2021?", "and the following month?", "breaches in January of 2022?"),
        ("breaches in 2021/22 march?", "and the following month?", "breaches in 2022/23 april?"),
        ("breaches in 2021/22 december?", "and the following month?", "breaches in 2021/22 january?"),
        ("who chairs the PHM board?", "last month?", "who chairs the PHM board last month?"),
        # ... and a quarter, with its financial year when it crosses one (a re-review's).
        ("how many RTT 52 week breaches in Q4 21/22?", "and the previous quarter?", "how many RTT 52 week breaches in Q3 21/22?"),
        ("how many RTT 52 week breaches in Q4 21/22?", "and the following quarter?", "how many RTT 52 week breaches in Q1 22/23?"),
        # A review's: the year before the quarter moves too, and a quarter in words stays in words.
        ("52 week breaches in 21/22 Q4?", "and the following quarter?", "52 week breaches in 22/23 Q1?"),
        ("breaches in quarter three 2021/22?", "and next quarter?", "breaches in quarter four 2021/22?"),
        ("breaches in quarter one of 2022/23?", "the previous quarter?", "breaches in quarter four of 2021/22?"),
    ],
)
def test_a_time_told_from_the_one_asked_moves_it(before, message, meant):
    assert resolve(message, asked(before)).question == meant


def test_the_month_before_moves_the_month_asked_about_back_one(service):
    """A trial's "and the month before?" after May's A&E performance had got May's 71.7% again."""
    from bot.follow_answers import FollowUpAnswerer

    may = asked(_MAY)
    assert resolve("and before that?", may).kind is FollowUpKind.PRONOUN  # no unit of time said
    assert resolve("previous?", may).kind is FollowUpKind.STANDALONE  # a month or a year? (a re-review's had moved the year)
    answerer = FollowUpAnswerer(service)
    first = answerer.answer(_MAY, ())
    before = answerer.answer("and the month before?", first.history).answer
    assert "April 2022 68.9%" in before.text.split("[1]")[0], before.text  # led by April's figure


def test_a_second_ellipsis_replaces_what_the_first_put_in():
    history = asked("acute budget vs actual ytd at m3?")
    first = resolve("and continuing healthcare?", history)
    second = resolve("and prescribing", (Turn(first.question, PASSAGE, inserted=first.inserted),))
    assert "prescribing" in second.question and "continuing" not in second.question and "m3" in second.question


def test_a_topic_put_into_a_question_naming_no_one_takes_the_place_of_the_words_most_like_it(service):
    # A new user's trial: "and for travel?" after the building energy question put "travel" where "need" was
    # ("how much do we travel to cut building energy emissions by?"), and the building energy quotes came back.
    from bot.follow_answers import FollowUpAnswerer

    sense = FollowUpAnswerer(service).sense
    travel = resolve("and for travel?", asked("how much do we need to cut building energy emissions by?"), sense=sense)
    assert travel.kind is FollowUpKind.ELLIPSIS
    assert travel.question == "how much do we need to cut travel emissions by?"
    prescribing = resolve("what about prescribing?", asked("why did we overspend on continuing healthcare at M3?"), sense=sense)
    assert prescribing.question == "why did we overspend on prescribing at M3?"
    # A name or a time still takes the place of its own kind.
    assert resolve("and swft?", asked("bed occupancy at uhcw latest week?"), sense=sense).question == "bed occupancy at swft latest week?"


def test_a_drug_the_documents_name_takes_the_place_of_the_one_asked_before_whole(service):
    """A new user's trial: "and for desflurane?" after the nitrous oxide target had asked "What is the desflurane for
    cutting nitrous oxide emissions?" (a word no English word list holds had no meaning to compare, so the first word
    went), and the nitrous oxide answer came back; "desflurane oxide" when compared, as "nitrous" alone went."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    target = answerer.resolve("and for desflurane?", asked("What is the target for cutting nitrous oxide emissions?"))
    assert target.kind is FollowUpKind.ELLIPSIS
    assert target.question == "What is the target for cutting desflurane emissions?"
    # A word of the question the documents never use (a misspelling) is compared with nothing (a review: embedded as
    # typed, "emisions" had gone with "building energy", "how much do we need to cut travel by?").
    typo = answerer.resolve("and for travel?", asked("how much do we need to cut building energy emisions by?"))
    assert typo.question == "how much do we need to cut travel emisions by?"
    # A re-review: the measure asked of the thing stays ("target"), a name the documents write as one stays whole
    # ("net zero", "Nitrous Oxide" typed in capitals), and "from" before the fragment is no word of it.
    assert answerer.resolve("and for desflurane?", asked("what is the net zero target?")).question == "what is the desflurane target?"
    capitals = answerer.resolve("and for desflurane?", asked("What is the target for cutting Nitrous Oxide emissions?"))
    assert capitals.question == "What is the target for cutting desflurane emissions?"
    assert answerer.resolve("and from entonox?", asked("how much co2e came from desflurane?")).question == "how much co2e came from entonox?"
    # The state "why is ... ?" asks about stays: another budget line takes the place of the line, not of its spend (a
    # trial's "and mental health" after "why is prescribing underspent" had become "why is mental health?").
    assert answerer.resolve("and mental health", asked("why is prescribing underspent")).question == "why is mental health underspent?"
    assert answerer.resolve("and the bowel one?", asked("why was the breast screening trajectory delayed")).question == (
        "why was the bowel screening trajectory delayed?"
    )
    # A state given takes the state's place (a re-review: "why has the decreased list increased?").
    assert answerer.resolve("and decreased?", asked("why has the waiting list increased")).question == "why has the waiting list decreased?"
    assert answerer.resolve("and the theatre?", asked("how come the ward was closed")).question == "how come the theatre was closed?"
    assert answerer.resolve("and overspent?", asked("why is prescribing underspent")).question == "why is prescribing overspent?"
    assert answerer.resolve("and underspent?", asked("why is the CCG overspent")).question == "why is the CCG underspent?"
    assert answerer.resolve("and desflurane?", asked("why are inhalers used")).question == "why are desflurane used?"  # "used" a state
    emitted = answerer.resolve("and desflurane?", asked("how much did nitrous oxide emit in 2020/21?"))
    assert emitted.question == "how much did desflurane emit in 2020/21?"
    answer = answerer.answer("and desflurane?", asked("how much did nitrous oxide emit in 2020/21?")).answer
    assert "303 tCO2e" in answer.text, answer.text


def test_more_pages_through_the_last_listing_and_narrowing_adds_to_its_filter():
    listing = (Turn("food and nutrition actions?", (), action_filter=ActionFilter(theme="Food and Nutrition"), rows_shown=15),)
    more = resolve("show me the rest", listing)
    assert more.kind is FollowUpKind.MORE and more.offset == 15 and more.action_filter.theme == "Food and Nutrition"
    narrow = resolve("which of those are due 23/24", listing, parse_due)
    assert narrow.kind is FollowUpKind.NARROW
    assert narrow.action_filter == ActionFilter(theme="Food and Nutrition", due="2023/24")
    assert resolve("just the ICP ones", listing, parse_due).action_filter.lead == "ICP"


def test_courtesy_before_a_follow_up_leaves_the_follow_up():
    # A review: "ok, more please" after an action list had been asked for a question; "thanks, new question: ..." is
    # still a switch, and "right and left heart failure services?" no follow-up of the question before.
    listing = (Turn("food and nutrition actions?", (), action_filter=ActionFilter(theme="Food and Nutrition"), rows_shown=15),)
    assert resolve("ok, more please", listing).kind is FollowUpKind.MORE
    history = (Turn("what is the bed occupancy at geh?", PASSAGE),)
    assert resolve("thanks, new question: what is the target?", history).kind is FollowUpKind.STANDALONE
    right = resolve("right and left heart failure services?", history)
    assert right.kind is FollowUpKind.STANDALONE and right.question == "right and left heart failure services?"
    cheers = resolve("cheers. when is the old cwccg website being archived?", history)
    assert cheers.kind is FollowUpKind.STANDALONE and cheers.question == "when is the old cwccg website being archived?"


def test_thanks_is_no_turn_of_the_conversation(service):
    # A re-review: "who chairs it?" after "thanks" had read "who chairs thanks?".
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("what is the PHM board?", ())
    thanks = answerer.answer("thanks", first.history)
    assert thanks.answer.abstained and thanks.history == first.history
    chair = answerer.answer("ok, who chairs it?", thanks.history)
    assert chair.resolution.kind is FollowUpKind.PRONOUN and "PHM board" in chair.resolution.question


def test_more_with_nothing_before_is_not_searched_for():
    assert resolve("more", ()).kind is FollowUpKind.MORE
    assert resolve("show me the rest", ()).action_filter is None


def test_drilling_shows_the_passages_of_the_answer_before():
    history = (Turn("what does the ceo report say", (*PASSAGE, CitedPassage("icb-ceo-report-2022-07", 1, "Ambulance delays."))),)
    where = resolve("where does it say that?", history)
    assert where.kind is FollowUpKind.DRILL and where.citations == history[0].citations and not where.expand
    second = resolve("tell me more about the second point", history)
    assert second.citations == history[0].citations[1:] and second.expand


@pytest.mark.parametrize(
    "message",
    ["wheres that from?", "where's that from", "what page is that on?", "which document is this from?", "where did you get that figure?", "what page is that on please?"],
)
def test_asking_where_an_answer_came_from_in_other_words_is_a_drill(message):
    history = (Turn("what surplus did the ccg finish 2021/22 with?", PASSAGE),)
    where = resolve(message, history)
    assert where.kind is FollowUpKind.DRILL and where.citations == PASSAGE


@pytest.mark.parametrize("message", ["where can i find this month's board papers?", "where can i see this data broken down by place?"])
def test_this_before_a_noun_is_no_pointing_back_at_the_answer(message):
    # A review: "this" as a determiner had read these as asking where the answer before came from.
    assert resolve(message, (Turn("what did the quality committee say?", PASSAGE),)).kind is not FollowUpKind.DRILL


@pytest.mark.parametrize(
    ("first", "message", "said"),
    [
        ("the wellbeing for life festival in leamington - how big was it", "how many people came", "no figure for that beyond those already given"),
        # A cost asked: only money answers it, not "22 colleagues" in a passage about the day.
        ("how many staff went to the away day on 28 june?", "how much did it cost?", "The passages found give no figure for that."),
    ],
)
def test_a_count_asked_of_what_an_answer_spoke_of_is_declined_when_only_its_figures_are_found(service, first, message, said):
    # "over 30 stands" is no count of people; nor is "we engaged with 12 people" a count of those with type 2. The rule
    # is off as shipped (``Tunables``), so it is switched on here.
    from bot.follow_answers import FollowUpAnswerer
    from bot.followup import Tunables

    answerer = FollowUpAnswerer(service, Tunables(decline_without_new_figure=True))
    before = answerer.answer(first, ())
    assert not before.answer.abstained and before.answer.citations
    after = answerer.answer(message, before.history)
    assert after.answer.abstained and not after.answer.citations
    assert said in after.answer.text
    assert "Communications and Engagement Assurance Report" in after.answer.text  # where it looked
    again = answerer.answer(f"{message} to it?", after.history)  # asked again, the decline remembered: declined again
    assert again.answer.abstained and not again.answer.citations


@pytest.mark.parametrize(
    ("first", "message", "shown"),
    [
        ("who presented the freedom to speak up guardian report at the may GB?", "how many champions does it say we've got?", "4 Freedom to Speak Up Champions"),
        ("what GP federations are there?", "how many of them are there?", "There are three GP federations"),  # a count in words
        # The figure shown before, with the word asked beside it: answered again, not declined (a review).
        ("what did the ICB submit as its financial plan in june?", "how much was the surplus?", "£4.4m surplus plan"),
        ("what GP federations are there?", "how many are there?", "There are three GP federations"),  # nothing of its own asked
    ],
)
def test_a_count_asked_of_what_an_answer_spoke_of_is_answered_when_the_passages_give_it(service, first, message, shown):
    from bot.follow_answers import FollowUpAnswerer
    from bot.followup import Tunables

    answerer = FollowUpAnswerer(service, Tunables(decline_without_new_figure=True))
    after = answerer.answer(message, answerer.answer(first, ()).history)
    assert not after.answer.abstained and shown in after.answer.text


def test_more_about_a_point_of_a_quoted_list_is_what_else_the_documents_say_about_it(service, knowledge_base):
    """A trial: "tell me more about the second point" after the roadmap's "Our focus going forward is on: • Building ...
    • Developing analyst capacity ..." meant the second bullet, and got "The pages say nothing more after that" (the
    page after the answer's second quote)."""
    from bot.evaluation import quote_is_verbatim
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("what is the PHM roadmap's focus going forward?", ())
    assert "• Developing analyst capacity" in first.answer.citations[0].quote
    more = answerer.answer("tell me more about the second point", first.history)
    assert more.resolution.kind is FollowUpKind.DRILL and not more.answer.abstained
    assert more.answer.text.startswith("More on “Developing analyst capacity and capability")
    assert "analyst" in " ".join(c.quote for c in more.answer.citations)
    assert first.answer.citations[0].quote not in more.answer.text  # not the list again
    assert all(quote_is_verbatim(c, knowledge_base) for c in more.answer.citations)


def test_more_about_a_point_quotes_no_caption(service):
    """A bare clone's try: "point 2?" after "brief water" quoted "Figure 26 Stackedbarchartto show total water emissions
    ..." as more on the point."""
    from bot.conversation import Conversation

    conversation = Conversation(service)
    _, history = conversation.reply_in_context("brief water", ())
    reply, _ = conversation.reply_in_context("point 2?", history or ())
    assert reply.text.startswith("More on “") and "Figure 26" not in reply.text, reply.text


def test_the_points_of_a_quoted_list_are_the_items_of_its_outer_list():
    from bot.followup import list_items

    assert list_items("Our focus is on: • Building it. • Developing them. • Putting it to use.") == ["Building it.", "Developing them.", "Putting it to use."]
    # A review: the list met first is the outer one; numbers that do not count on by one are no list.
    assert list_items("Key areas: o Timely assessment o Support for families • Additional funding")[0] == "Timely assessment"
    assert list_items("Actions: 1. System working continues. 2. A Breast Group: o Advice o Role of navigators")[1].startswith("A Breast Group")
    assert list_items("The figure was 12. In May it rose to 14. Next year it falls.") == []
    assert list_items("A sentence with no list.") == []


def test_the_last_point_of_an_answer_without_a_list_is_its_last_passage(service):
    """A review: "tell me more about the last point" after an answer without a list crashed (the last of no items)."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("who is the ICB chair?", ())
    last = answerer.answer("tell me more about the last point", first.history)
    assert last.resolution.kind is FollowUpKind.DRILL and not last.resolution.point


def test_a_new_question_is_not_read_as_a_follow_up():
    history = asked("where are swft's therapy gardens")
    for question in (
        "diff question - what rating did nhse give the ccg for safeguarding assurance",
        "how many covid vaccinations has primary care delivered since dec 2020",
        "right - how many first dose covid vaccinations have been given in c&w?",
        # A trial: an opening "ok" had left "ok different question - " in the question searched, which was declined.
        "ok different question - what did the CEO report say about the staff away day?",
        "different q - how many nurses came to the international nurses day event?",
        "switching topic - how much do building energy emissions need to come down by 24/25?",
        "different question who leads the waste actions?",  # a question word after the switch, no separator
    ):
        resolution = resolve(question, history)
        assert resolution.kind is FollowUpKind.STANDALONE, question
        assert not resolution.question.lower().startswith(("diff", "right", "ok", "switching")), resolution.question
    # A switch's words before anything but a separator or a question are the question's own ("new q&a session dates?").
    assert resolve("new q&a session dates?", history).question == "new q&a session dates?"


def test_a_question_of_its_own_after_and_is_not_put_into_the_question_before():
    # A new user's trial: "and what's the ICS vision?" after the PHM vision became "what is the draft vision
    # for what's the ICS vision?" and answered about PHM again.
    history = asked("what is the draft vision for PHM?")
    resolution = resolve("and what's the ICS vision?", history)
    assert resolution.kind is FollowUpKind.STANDALONE
    assert resolution.question == "what's the ICS vision?"
    assert resolve("also, what was c&w a&e 4hr performance in may?", ()).question == "what was c&w a&e 4hr performance in may?"
    # A short time after "and" still fills the slot of the question before, and so does a place after the frame.
    months = resolve("and how many in april?", asked("how many a&e attendances in may 2022"))
    assert months.kind is FollowUpKind.ELLIPSIS and "april" in months.question
    for own in ("also, who is the CEO?", "and who is the SRO?", "and what is PHM?"):
        alone = resolve(own, asked("what is the net zero target?"))
        assert alone.kind is FollowUpKind.STANDALONE and alone.question == own.split(" ", 1)[1], own
    place = resolve("and how many at geh?", asked("how many 12 hour trolley waits at uhcw?"))
    assert place.kind is FollowUpKind.ELLIPSIS and place.question == "how many 12 hour trolley waits at geh?"
    # After a listing, a question word before a due year still narrows the listing.
    listed = (Turn("what water actions are there?", PASSAGE, action_filter=ActionFilter(theme="Water"), rows_shown=4),)
    narrowed = resolve("and which are due 23/24?", listed, parse_due)
    assert narrowed.kind is FollowUpKind.NARROW and narrowed.action_filter == ActionFilter(theme="Water", due="2023/24")


def test_start_over_and_reset_are_recognised():
    assert all(is_reset(text) for text in ("start over", "/reset", "Reset", "start again"))
    assert not is_reset("reset the targets for 23/24?")


def test_turns_survive_a_round_trip_through_json_and_the_history_stays_short():
    turn = Turn("q", PASSAGE, action_filter=ActionFilter(due="2023/24"), rows_shown=15, subject="s", reply_ids=("7",), said=("target",), row=3)
    assert Turn.from_json(turn.as_json()) == turn
    # A turn stored before a field was added (here "said") loads with that field empty.
    older = {key: value for key, value in turn.as_json().items() if key not in ("said", "row")}
    assert Turn.from_json(older) == Turn("q", PASSAGE, action_filter=ActionFilter(due="2023/24"), rows_shown=15, subject="s", reply_ids=("7",))
    history: tuple[Turn, ...] = ()
    for n in range(9):
        history = remember(history, Turn(str(n)))
    assert [t.question for t in history] == ["4", "5", "6", "7", "8"]


def test_a_reply_to_an_older_answer_reads_the_history_as_it_stood_then():
    history = (Turn("first", reply_ids=("10",)), Turn("second", reply_ids=("11", "12")), Turn("third", reply_ids=("13",)))
    assert [t.question for t in up_to_reply(history, "11")] == ["first", "second"]
    assert up_to_reply(history, "99") == history


def test_tunables_are_fitted_on_the_training_folds_only():
    dialogues = load_dialogues(EVAL_DIR / "dialogues.jsonl")
    held_out = dialogues[0].fold
    training = [d for d in dialogues if d.fold != held_out]
    tunables = fit_tunables(training, parse_due)
    examples = decision_examples(training)
    right = sum(resolve(m, h, parse_due, tunables).kind in kinds for m, h, kinds in examples)
    assert right / len(examples) >= 0.8
    assert set(EXPECTED_KINDS) >= {d.kind for d in dialogues}


# -- the stores ------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_memory_store_forgets_an_idle_conversation_and_keeps_conversations_apart():
    clock = Clock()
    store = MemoryStore(idle_seconds=60, clock=clock)
    await store.save("teams:a", (Turn("a"),))
    await store.save("teams:b", (Turn("b"),))
    assert [t.question for t in await store.load("teams:a")] == ["a"]
    assert [t.question for t in await store.load("teams:b")] == ["b"]
    clock.now += 59
    await store.save("teams:b", (Turn("b2"),))
    clock.now += 2
    assert await store.load("teams:a") == ()  # idle 61 s
    assert [t.question for t in await store.load("teams:b")] == ["b2"]  # saved 2 s ago
    await store.clear("teams:b")
    assert await store.load("teams:b") == ()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server for the module's tests."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


async def test_redis_store_keeps_turns_expires_them_and_clears_them(redis_url):
    store = RedisStore(redis_url, idle_seconds=0.5)
    try:
        turns = (Turn("whats CSW-Jets", PASSAGE, subject="CSW-Jets"),)
        await store.save("telegram:1", turns)
        assert await store.load("telegram:1") == turns
        assert await store.load("telegram:2") == ()
        await asyncio.sleep(0.8)
        assert await store.load("telegram:1") == ()
        await store.save("telegram:1", turns)
        await store.clear("telegram:1")
        assert await store.load("telegram:1") == ()
    finally:
        await store.close()


async def test_a_redis_user_allowed_only_the_commands_the_readme_names_keeps_conversations(redis_url):
    """A review: reading with a transaction (MULTI, EXISTS, GETRANGE, EXEC) lost every conversation under a Redis user
    whose ACL allows the store's commands alone, and only a warning said so: follow-ups silently stopped."""
    admin = RedisStore(redis_url)
    await admin.redis.execute_command("ACL", "SETUSER", "icsbot", "on", ">botpw", "~ics-bot:*", "+getrange", "+set", "+del", "+@connection")
    limited = RedisStore(redis_url.replace("redis://", "redis://icsbot:botpw@"))
    turns = (Turn("whats CSW-Jets", PASSAGE, subject="CSW-Jets"),)
    try:
        await limited.save("telegram:acl", turns)
        assert await limited.load("telegram:acl") == turns
        await limited.clear("telegram:acl")
        assert await limited.load("telegram:acl") == ()
    finally:
        await limited.close()
        await admin.redis.execute_command("ACL", "DELUSER", "icsbot")
        await admin.close()


async def test_two_bot_instances_share_conversations_through_redis(redis_url, service):
    first, second = (Conversation(service, RedisStore(redis_url)) for _ in range(2))
    key = "teams:a:shared-conversation"
    try:
        await first.respond("who sits on the PHM board?", key)
        followed_up = await second.respond("who chairs it?", key)
        alone = await second.respond("who chairs it?", "teams:a:another-conversation")
        assert "DTB" in followed_up.text and "DTB" not in alone.text
        assert (await first.respond("start over", key)).text == RESET_TEXT
        assert await second.store.load(key) == ()
    finally:
        for conversation in (first, second):
            await conversation.store.close()


async def test_a_conversation_idle_too_long_starts_afresh(service):
    clock = Clock()
    conversation = Conversation(service, MemoryStore(idle_seconds=30 * 60, clock=clock))
    await conversation.respond("who sits on the PHM board?", "terminal:1")
    clock.now += 31 * 60
    stale = await conversation.respond("who chairs it?", "terminal:1")
    alone = await conversation.respond("who chairs it?", "terminal:2")
    assert stale.text == alone.text


async def test_a_message_too_long_for_anything_is_told_so_while_every_answering_worker_is_busy(service):
    """An attack review: a message of a megabyte took a worker seconds to read before it was told it was too long, and
    six of them held up every other conversation's answer. It is told so at once, remembering nothing."""
    import threading

    from bot.conversation import ANSWER_WORKERS

    conversation = Conversation(service)
    held = threading.Event()
    busy = [conversation._workers.submit(held.wait) for _ in range(ANSWER_WORKERS)]  # every worker on someone's question
    try:
        reply = await asyncio.wait_for(conversation.respond("x " * 500_000, "terminal:big"), 5)
    finally:
        held.set()
    assert all(worker.result() for worker in busy)
    assert reply.answer is not None and reply.answer.abstained
    assert reply.text.startswith("That is too long for a question (999,999 characters)")
    assert await conversation.store.load("terminal:big") == ()
    # Just over the limit too it is no turn: "where does it say that?" after it asks of the answer before (a review), in
    # the channels and in the chat and batch alike (a re-review).
    answered = await conversation.respond("What was the ICS carbon footprint in 2020/21?", "terminal:over")
    await conversation.respond("x" * 1_050, "terminal:over")
    where = await conversation.respond("where does it say that?", "terminal:over")
    assert answered.answer is not None and answered.answer.citations[0].quote in where.text
    _, history = conversation.reply_in_context("What was the ICS carbon footprint in 2020/21?", ())
    refused, kept = conversation.reply_in_context("x" * 1_001, history or ())
    assert refused.text.startswith("That is too long for a question (1,001 characters)") and kept is None
    # Measured as answering measures it: a polite frame is no part of the question.
    framed = await conversation.respond("Can you tell me " + "what was the ICS carbon footprint in 2020/21 " * 22, "terminal:framed")
    assert not framed.text.startswith("That is too long")


async def test_more_after_actions_asked_for_a_calendar_year_pages_through_the_rows_it_counted(service):
    """A review: "more" after "which actions led by ICB are due in 2024?" paged through ICB's actions of any year (122,
    rows due 22/23 among them), not the 64 due in 2024 that the answer counted."""
    conversation = Conversation(service)
    either = ("2023/24", "2024/25")
    counted = [row for row in service.kb.actions if led_by(row.lead or "", "ICB") and financial_year_of(row.due_normalised) in either]
    first = await conversation.respond("which actions led by ICB are due in 2024?", "terminal:2024")
    more = await conversation.respond("more", "terminal:2024")
    assert more.text.startswith(f"Actions 16–30 of {len(counted)}: "), more.text.splitlines()[0]
    assert more.answer is not None and more.answer.actions is not None
    assert {financial_year_of(row.due_normalised) for row in more.answer.actions.rows()} <= set(either)
    assert "due 22/23" not in more.text
    # Both say which rows they are: the first answer's count and the page's are of the same rows.
    assert f"{len(counted)} actions are led by ICB and due in 2024" in first.text.splitlines()[0]


async def test_a_calendar_year_asked_after_a_listing_is_answered_as_the_question_it_stands_for(service):
    """A lead trial: "and in 2024?" after "show me the 23/24 actions" was put back into that question, "show me the 2024
    actions?", which reads no due year in 2024 and listed all 165 actions; after "just the ICP ones" it lost the lead, the
    question kept being the first. The calendar year takes the listing's due year's place, its other constraints kept,
    and is answered as a question asking it is: the rows due in either financial year it could mean under the note
    saying so ("more" going on with them), all of them when nothing else was asked, or that none is due in either; a
    lead asked beside it ("and in 2024, who leads them?") is counted (it had been declined with the note alone)."""
    conversation = Conversation(service)
    note = "The action table is by financial year, and 2024 could be 2023/24 or 2024/25."
    alone = await conversation.respond("what's due in 2024?", "terminal:alone")
    for listing in ("what's due in 23/24?", "show me the 23/24 actions", "which actions have a 23/24 deadline?"):
        await conversation.respond(listing, f"terminal:{listing}")
        reply = await conversation.respond("and in 2024?", f"terminal:{listing}")
        assert reply.text == alone.text and reply.text.startswith(note), (listing, reply.text[:200])
    assert "83 actions are due in 2024" in alone.text.splitlines()[0]
    await conversation.respond("what's due in 23/24?", "terminal:leads")
    led = (await conversation.respond("and in 2024, who leads them?", "terminal:leads")).text.splitlines()[0]
    assert led.startswith(note) and "Leads: ICB (64), ICP (19). Due: 2023/24 (68), 2024/25 (15)." in led, led
    either = ("2023/24", "2024/25")
    icp = [row for row in service.kb.actions if led_by(row.lead or "", "ICP") and financial_year_of(row.due_normalised) in either]
    await conversation.respond("what's due in 23/24?", "terminal:icp")
    await conversation.respond("just the ICP ones", "terminal:icp")
    for asked in ("and in 2024?", "2024?"):
        listed = await conversation.respond(asked, "terminal:icp")
        first_line = listed.text.splitlines()[0]
        assert first_line.startswith(note) and f"{len(icp)} actions are led by ICP and due in 2024" in first_line, first_line
    more = await conversation.respond("more", "terminal:icp")
    assert len(icp) > 15 and more.text.startswith(f"Actions 16–{len(icp)} of {len(icp)}: "), more.text.splitlines()[0]
    # None of the listed actions due in either year: said as "which water actions are due in 2025?" is, the theme kept
    # after a narrowing too.
    none_in_2025 = (
        "The action table is by financial year, and 2025 could be 2024/25 or 2025/26: none of the actions asked about is "
        "due in either. They are due in 2023/24."
    )
    await conversation.respond("who leads the water actions?", "terminal:water")
    assert (await conversation.respond("and in 2025?", "terminal:water")).text == none_in_2025
    await conversation.respond("what's due in 23/24?", "terminal:narrowed")
    await conversation.respond("which of those are water?", "terminal:narrowed")
    assert (await conversation.respond("and in 2025?", "terminal:narrowed")).text == none_in_2025


async def test_which_of_those_are_due_in_another_kind_of_year_lists_the_rows_both_hold(service):
    """A trial: "which of those are due in 22/23?" after "what's due in 2023?" listed all 72 of 2022/23, the letter's
    actions due in May and June 2022 among them, which the calendar year had left out; "which 22/23 actions are due in
    2023?" did the same. A narrowing keeps to the rows listed: those due in both."""
    conversation = Conversation(service)
    both = [row for row in service.kb.actions if financial_year_of(row.due_normalised) == "2022/23" and (row.due_normalised or "").startswith(("2022/23", "2023"))]
    whole_year = [row for row in service.kb.actions if financial_year_of(row.due_normalised) == "2022/23"]
    assert len(both) < len(whole_year)  # the letter's rows dated in 2022
    await conversation.respond("what's due in 2023?", "terminal:calendar")
    narrowed = (await conversation.respond("which of those are due in 22/23?", "terminal:calendar")).text.splitlines()[0]
    assert narrowed.startswith(f"{len(both)} actions are due in 2023 and in 2022/23 across"), narrowed
    await conversation.respond("what's due in 22/23?", "terminal:financial")
    narrowed = (await conversation.respond("which of those are due in 2023?", "terminal:financial")).text.splitlines()[0]
    assert narrowed.startswith(f"{len(both)} actions are due in 2022/23 and in 2023 across"), narrowed
    alone = (await conversation.respond("which 22/23 actions are due in 2023?", "terminal:alone")).text.splitlines()[0]
    assert alone.startswith(f"{len(both)} actions are due in 2022/23 and in 2023 across"), alone
    # What is overdue of them says the year once (a review: "due in 2023, in 2023, by December 2023").
    await conversation.respond("what's due in 2023?", "terminal:overdue")
    overdue = (await conversation.respond("which are overdue?", "terminal:overdue")).text.splitlines()[0]
    assert "(due in 2023, by " in overdue, overdue
    # A due no listed row meets is the rows of that due, as before.
    await conversation.respond("what's due in 23/24?", "terminal:apart")
    apart = (await conversation.respond("which of those are due in 24/25?", "terminal:apart")).text.splitlines()[0]
    assert apart.startswith("15 actions are due in 2024/25 across"), apart


async def test_a_count_of_a_status_or_of_all_after_a_listing_counts_the_rows_listed(service):
    """A trial: "how many are overdue?" after the waste actions ICB leads in 24/25 counted the whole table's 155, and
    "how many are there" after a listing was declined. Both count the rows listed, as "how many of those ..." does."""
    conversation = Conversation(service)
    for message in ("whats due in 24/25?", "which of those are ICB's?", "just the waste ones"):
        await conversation.respond(message, "terminal:waste")
    overdue = (await conversation.respond("how many are overdue?", "terminal:waste")).text.splitlines()[0]
    assert overdue.startswith("1 action is in Waste, led by ICB and overdue (due in 2024/25"), overdue
    await conversation.respond("whats due in 24/25?", "terminal:all")
    for asked_count in ("how many are there", "how many are there in total?"):
        counted = await conversation.respond(asked_count, "terminal:all")
        assert counted.text.startswith("15 actions are due in 2024/25 across"), (asked_count, counted.text[:200])
    # After a narrowing that matched nothing, the list shown before it (a review: "No actions match" again).
    await conversation.respond("what are the travel actions?", "terminal:open")
    await conversation.respond("which are still open?", "terminal:open")
    again = await conversation.respond("how many are there?", "terminal:open")
    assert again.text.startswith("18 actions are in Travel and Transport"), again.text[:200]


async def test_what_else_is_in_that_table_lists_the_rest_of_what_the_row_was_found_in(service):
    """A trial: "what else is in that table" after the action about declaring a climate emergency was put to the
    documents and quoted the same row; it asks for the rest of its theme."""
    conversation = Conversation(service)
    await conversation.respond("whos responsible for declaring a climate emergency", "terminal:else")
    rest = (await conversation.respond("what else is in that table", "terminal:else")).text.splitlines()[0]
    themed = [row for row in service.kb.actions if row.theme == "Climate Adaptation"]
    assert rest.startswith(f"{len(themed)} actions are in Climate Adaptation"), rest
    # After one row asked about, the list it is of (a re-review: row 2 had been quoted again).
    await conversation.respond("what are the waste actions", "terminal:row")
    await conversation.respond("who leads no 2?", "terminal:row")
    waste = (await conversation.respond("what else is in that table?", "terminal:row")).text.splitlines()[0]
    assert waste.startswith("6 actions are in Waste"), waste


async def test_a_narrowing_after_one_that_matched_nothing_narrows_the_list_shown(service):
    """A trial: "which of those are mine" after the travel actions due in 23/24 matched nothing (the table does not know
    who asks), and "just the ICP ones" next kept "mine" as words to look for, matching nothing again."""
    conversation = Conversation(service)
    await conversation.respond("im the travel lead - what's due in 23/24", "terminal:travel")
    unmatched = await conversation.respond("which of those are mine", "terminal:travel")
    assert unmatched.text.startswith("No actions match"), unmatched.text[:200]
    icp = (await conversation.respond("just the ICP ones", "terminal:travel")).text.splitlines()[0]
    assert icp.startswith("5 actions are in Travel and Transport, led by ICP and due in 2023/24"), icp
    # A listing verb before "the ... ones" narrows too (a trial's "list the icp ones in medicines" had been asked alone
    # and answered from the documents with an action ICB leads).
    await conversation.respond("how many actions r in the green plan", "terminal:icp")
    await conversation.respond("how many led by icp", "terminal:icp")
    medicines = await conversation.respond("list the icp ones in medicines", "terminal:icp")
    assert medicines.text.startswith("No actions match: in Medicines, led by ICP"), medicines.text[:200]
    travel = (await conversation.respond("show me the travel ones", "terminal:icp")).text.splitlines()[0]
    assert travel.startswith("9 actions are in Travel and Transport, led by ICP"), travel


async def test_a_month_or_a_year_and_a_lead_asked_after_a_listing_are_read_as_dues(service):
    """A lead trial: "and in may 2022?" after a listing was read as the calendar year 2022 (the cue had taken its "in",
    and "may 2022" alone names no due), and "and in 24/25, who leads them?" listed 2024/25's rows without their leads."""
    conversation = Conversation(service)
    await conversation.respond("what's due in 23/24?", "terminal:may")
    may = await conversation.respond("and in may 2022?", "terminal:may")
    alone = await conversation.respond("what's due in may 2022?", "terminal:alone")
    assert may.text == alone.text and may.text.startswith("3 actions are due in May 2022"), may.text[:200]
    await conversation.respond("what's due in 23/24?", "terminal:led")
    led = (await conversation.respond("and in 24/25, who leads them?", "terminal:led")).text.splitlines()[0]
    assert led == "15 actions are due in 2024/25 across 9 themes. Leads: ICB (11), ICP (4).", led
    # A due asked again names no column: listed as before, not summed up by the year it asks.
    again = (await conversation.respond("which of those are due 23/24?", "terminal:led")).text.splitlines()[0]
    assert "Due:" not in again and "All" not in again, again
    # Another theme named in full, however long: its rows due then (a held-out leads dialogue had got the first theme's).
    await conversation.respond("which workforce and systems leadership actions are due in 24/25?", "terminal:theme")
    estates = await conversation.respond("and for the estates and facilities plan?", "terminal:theme")
    assert estates.text.startswith("1 action is in Estates and Facilities and due in 2024/25"), estates.text[:200]
    assert "supported living" in estates.text


async def test_a_row_named_by_point_or_number_is_of_the_list_shown(service):
    """A trial: "tell me more about point 3" after the digital actions was read as a drill into the listing's page, and
    "who owns no 2" after "which are still open" (none of the travel actions has a status) got "The last list has no
    action numbered 2"; the list shown was the travel actions'."""
    conversation = Conversation(service)
    await conversation.respond("list digital actions", "terminal:point")
    point = await conversation.respond("tell me more about point 3", "terminal:point")
    assert point.text.startswith("1 action is in Digital Transformation") and "Support ICP members to upgrade" in point.text, point.text[:200]
    await conversation.respond("list travel actions", "terminal:declined")
    assert (await conversation.respond("which are still open", "terminal:declined")).text.startswith("No actions match")
    assert (await conversation.respond("which are closed", "terminal:declined")).text.startswith("No actions match")
    owner = await conversation.respond("who owns no 2", "terminal:declined")  # back over both narrowings (a re-review)
    assert "Travel and Transport" in owner.text and "2. Assist member organisations" in owner.text, owner.text[:300]
    # A point of something else is no row (a re-review: "charge point 12" had got travel action 12).
    charge = await conversation.respond("tell me about charge point 12", "terminal:declined")
    assert charge.answer is not None and charge.answer.actions is None, charge.text[:200]


@pytest.mark.parametrize("message", ["its actions", "what are their actions", "show me those ones again"])
async def test_the_listed_actions_asked_for_again_are_listed_again(service, message):
    """A trial: "its actions" after the overdue travel actions put the listing's description in for "its" ("... and not
    marked closed's actions") and answered "No actions match: ..., mentioning “marked” and “closed”"."""
    conversation = Conversation(service)
    await conversation.respond("list travel actions", "terminal:again")
    listed = await conversation.respond("which are overdue", "terminal:again")
    again = await conversation.respond(message, "terminal:again")
    assert again.text.splitlines()[0] == listed.text.splitlines()[0] and "marked”" not in again.text, again.text[:200]


async def test_a_follow_up_that_asks_anew_or_names_a_month_alone_is_read_as_before(service):
    """A review of the leads' follow-ups: "and what is the travel and transport strategy?" after a listing is a question
    of the documents', not the theme's actions; "and in may?" after 24/25's actions is May 2024, not May of any year."""
    conversation = Conversation(service)
    await conversation.respond("what's due in 22/23?", "terminal:anew")
    strategy = await conversation.respond("and what is the travel and transport strategy?", "terminal:anew")
    assert strategy.answer is not None and strategy.answer.actions is None, strategy.text[:200]
    await conversation.respond("what's due in 24/25?", "terminal:may")
    assert (await conversation.respond("and in may?", "terminal:may")).text.startswith("No actions match: due in May 2024.")
    # A month alone is that month of the year listed (a re-review: "and in june?" after 2022/23's had looked for "june").
    await conversation.respond("what's due in 22/23?", "terminal:june")
    assert (await conversation.respond("and in june?", "terminal:june")).text.startswith("2 actions are due in June 2022")
    # "may" the verb stays a verb (a third review: "which of those may slip?" had listed May's rows), and after the
    # calendar year 2024, a month is that month of 2024 (it had been June 2022's rows, then June 2023's or 2024's).
    await conversation.respond("what's due in 22/23?", "terminal:slip")
    assert "May 2022" not in (await conversation.respond("which of those may slip?", "terminal:slip")).text
    await conversation.respond("what's due in 2024?", "terminal:either")
    assert (await conversation.respond("and in june?", "terminal:either")).text.startswith("No actions match: due in June 2024.")


def test_more_at_the_start_of_a_conversation_says_there_is_nothing_to_continue(service):
    from bot.follow_answers import NOTHING_TO_CONTINUE, FollowUpAnswerer

    answer = FollowUpAnswerer(service).answer("more", ()).answer
    assert answer.text == NOTHING_TO_CONTINUE
    assert answer.citations == []


def test_more_after_a_decline_says_the_last_question_found_nothing_not_to_ask_one(service):
    """A trial: "more" after a declined question was told "Ask a question first", though it had just asked one."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    declined = answerer.answer("what is the staff car parking charge at geh in 2019?", ())
    assert declined.answer.abstained
    answer = answerer.answer("more", declined.history).answer
    assert answer.abstained and not answer.citations
    assert "found no passage" in answer.text and "Ask a question first" not in answer.text


@pytest.mark.parametrize("asked", ["where does it say that?", "source?", "which page is that on?"])
def test_where_after_a_decline_says_the_last_question_found_nothing_to_cite(service, asked):
    """A trial: "where does it say that?" after a declined "who signed the foreword" was asked of the documents as
    "where does the foreword say that?" and got "The documents use none of the words of the question"."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    declined = answerer.answer("what is the staff car parking charge at geh in 2019?", ())
    assert declined.answer.abstained
    answer = answerer.answer(asked, declined.history).answer
    assert answer.abstained and not answer.citations
    assert "found no passage" in answer.text and "no source to show" in answer.text


@pytest.mark.parametrize(
    "asked", ["which document says the ICB must reduce desflurane use?", "where does the letter say mutual aid should be escalated?"]
)
def test_a_question_asking_where_after_a_decline_is_answered(service, asked):
    """A review: after a decline, any message asking where something is said had got "there is no source to show"."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    declined = answerer.answer("what is the staff car parking charge at geh in 2019?", ())
    answer = answerer.answer(asked, declined.history).answer
    assert not answer.abstained and answer.citations and "no source to show" not in answer.text


def test_thanks_after_an_answer_is_no_follow_up(service):
    """A bare-clone chat: "thanks" after "who is the letter from?" was read as "thanks (the letter from)?" and answered
    with "I thanked Danielle for your input ..."."""
    from bot.answering import NO_QUESTION
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    letter = answerer.answer("who is the letter from?", ())
    for talk in ("thanks", "ok great", "not helpful"):
        said = answerer.answer(talk, letter.history)
        assert said.resolution.kind is FollowUpKind.STANDALONE, talk
        assert said.answer.text == NO_QUESTION and not said.answer.citations
    assert answerer.answer("more", letter.history).resolution.kind is not FollowUpKind.STANDALONE  # still a follow-up
    # Questions made of small words still ask (a first version read these as talk and lost their follow-ups).
    assert resolve("what about 20/21?", asked("what surplus did the ccg finish 21/22 with?")).kind is FollowUpKind.ELLIPSIS
    assert resolve("when did it start?", asked("how's uhcw's 111 pulmonary embolism pilot going?")).kind is FollowUpKind.PRONOUN


def test_another_topic_after_a_listing_lists_that_topics_actions_not_an_empty_intersection(service):
    """ "and the workforce one?" after the QSRM capital follow-up asks for the workforce action, not
    for capital actions about workforce (none): the new theme replaces the old topic."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("who's leading the QSRM follow up on capital funding for the low secure LDA unit", ())
    assert first.answer.actions is not None and first.answer.actions.groups
    second = answerer.answer("and the workforce one?", first.history)
    assert second.resolution.kind is FollowUpKind.ELLIPSIS
    assert "Theresa Nelson" in second.answer.text and not second.answer.abstained
    # A trial's listing named no document, and its one action came from the letter: the letter's workforce action
    # still, not the Green Plan's seventeen.
    roles = answerer.answer("who has the follow-up action on MH roles?", ())
    assert roles.answer.actions is not None and {c.slug for c in roles.answer.citations} == {"nhse-system-review-letter-2022-05"}
    workforce = answerer.answer("and the workforce one?", roles.history).answer
    assert "Theresa Nelson" in workforce.text and workforce.actions is not None and len(workforce.actions.rows()) == 1
    # "the workforce ones" after the Green Plan's water actions are all of them, the letter's too (a review).
    water = answerer.answer("who leads the water actions?", ())
    every = [row for row in service.kb.actions if row.theme and "Workforce" in row.theme]
    ones = answerer.answer("and the workforce ones?", water.history).answer
    assert ones.actions is not None and len(ones.actions.rows()) == len(every)
    assert any(row.source == "nhse-system-review-letter-2022-05" for row in ones.actions.rows())



def test_a_pronoun_after_a_narrowed_listing_stands_for_the_rows_it_listed(service):
    """A trial: waste actions, then "and the green space ones?", then "which of those are due 22/23?", then
    "what's the progress on them?" listed the waste actions again, two topics back."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    history: tuple[Turn, ...] = ()
    for message in ("what waste actions are there?", "and the green space ones?", "which of those are due 22/23?"):
        history = answerer.answer(message, history).history
    progress = answerer.answer("what's the progress on them?", history)
    first_line = progress.answer.text.splitlines()[0]
    assert first_line.startswith("3 actions are in Green Space and Biodiversity and due in 2022/23. No status or progress"), first_line
    assert "Waste" not in progress.answer.text


@pytest.mark.parametrize("message", ["how many of those are overdue?", "which of those are overdue?"])
def test_overdue_of_a_listing_counts_the_rows_listed_that_are_overdue(service, message):
    """A pass's reading: "how many of those are overdue?" after the 15 actions ICP leads due in 23/24 counted the 155
    overdue actions of the whole table, and "which of those are overdue?" the 29 ICP leads of any year. A year already
    over keeps its rows: every one was due by now."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("which actions are led by ICP and due in 23/24?", ())
    assert listed.answer.text.startswith("15 actions are led by ICP and due in 2023/24")
    overdue = answerer.answer(message, listed.history)
    assert overdue.resolution.kind is FollowUpKind.NARROW
    assert overdue.answer.text.startswith("15 actions are led by ICP and overdue (due in 2023/24"), overdue.answer.text[:120]


@pytest.mark.parametrize(
    ("listing", "message", "shown"),
    [
        # A review: "just the ones for staff" named the Workforce theme, and Workforce's 17 actions were listed in place
        # of the travel ones about staff.
        ("what are the travel and transport actions?", "just the ones for staff", "1 action is in Travel and Transport and mentions “staff”"),
        ("what are the travel and transport actions?", "who leads the ones for staff?", "1 action is in Travel and Transport and mentions “staff”. It is led by ICB."),
        # ... and a listing without a theme is narrowed to the theme named, as before.
        ("what's due in 23/24?", "just the water ones", "4 actions are in Water and due in 2023/24"),
        # A review: a theme of a listing of two, and a theme by its own name, narrow to that theme as before.
        ("list the medicines and waste actions", "just the waste ones", "6 actions are in Waste"),
        ("what are the travel and transport actions?", "who leads the digital ones?", "17 actions are in Digital"),
        # A re-review: a word for another theme that no listed row mentions asks for that theme, as before.
        ("what are the travel and transport actions?", "just the meds ones", "15 actions are in Medicines"),
        ("what are the water actions?", "just the ones for staff", "17 actions are in Workforce"),
    ],
)
def test_a_narrowing_naming_another_theme_asks_for_the_listed_rows_about_it(service, listing, message, shown):
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    narrowed = answerer.answer(message, answerer.answer(listing, ()).history)
    assert narrowed.resolution.kind is FollowUpKind.NARROW
    assert narrowed.answer.text.startswith(shown), narrowed.answer.text[:120]


@pytest.mark.parametrize(
    ("listing", "message", "shown"),
    [
        ("which actions are due in 23/24?", "just 24/25", "15 actions are due in 2024/25"),
        # A review: a deadline asked after a year is all that is due by then, not the year's rows again.
        ("which actions are due in 22/23?", "what about those due by march 2025?", "155 actions are due by March 2025"),
        # ... and overdue after a deadline, those due by the earlier of the two.
        ("which actions are due by 2024?", "how many of those are overdue?", "140 actions are overdue (due by December 2024"),
        # A re-review: "how many of them are there?" had counted the whole table's 165.
        ("which actions are due in 23/24?", "how many of them are there?", "68 actions are due in 2023/24"),
        ("which actions are due in 23/24?", "how many of those?", "68 actions are due in 2023/24"),
    ],
)
def test_a_due_narrowing_a_listing_replaces_its_due_unless_it_asks_which_are_overdue(service, listing, message, shown):
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer(listing, ())
    assert answerer.answer(message, listed.history).answer.text.startswith(shown)


def test_this_financial_year_after_a_listing_is_the_year_told_from_today(knowledge_base, embedder):
    """A new user's trial, on 15 January 2023: "whats due this financial year" after the water actions had been read
    as pointing back ("whats due the financial year (the water actions)?"), its year lost: it answered "All 4 are due
    2023/24", and after the travel actions due 23/24 gave that list again. A time told from today points at nothing
    said: the question is its own, answered as asked alone (as "whats due in 22/23" is), and "which of those ..."
    narrows the listing to that year."""
    from datetime import date

    from bot.answering import AnsweringService

    conversation = Conversation(AnsweringService(knowledge_base, embedder, today=lambda: date(2023, 1, 15)))
    alone, _ = conversation.reply_in_context("whats due this financial year", ())
    assert alone.text.startswith("72 actions are due in 2022/23")
    for listing in ("who leads the water actions?", "what are the travel actions due in 23/24?"):
        _, history = conversation.reply_in_context(listing, ())
        for message in ("whats due this financial year", "whats due this year"):
            reply, _ = conversation.reply_in_context(message, history or ())
            assert reply.text.splitlines()[0] == alone.text.splitlines()[0], (listing, message, reply.text)
    _, water = conversation.reply_in_context("who leads the water actions?", ())
    narrowed, _ = conversation.reply_in_context("which of those are due this financial year", water or ())
    assert narrowed.text.startswith("No actions match: in Water, due in 2022/23.")
    # A time alone still leans, and keeps its "this": "and the month (...)" had lost it.
    assert resolve("and this month?", asked("2ww performance at uhcw in april?")).question == "and this month (2ww performance at uhcw in april)?"


def test_a_calendar_year_after_overdue_keeps_what_overdue_means(knowledge_base, embedder):
    """A lead trial: in January 2024, "which actions are overdue" then "and in 2024?" called all 83 rows of 2023/24 and
    2024/25 overdue (the deadline was dropped with the listing's due), and "which actions due in 2024 are overdue?" lost
    its year and listed every overdue action. Neither year is over: none of their rows is overdue yet."""
    from datetime import date

    from bot.answering import AnsweringService

    conversation = Conversation(AnsweringService(knowledge_base, embedder, today=lambda: date(2024, 1, 10)))
    not_yet = "None of the 83 actions due in 2024 is overdue yet: 2023/24 runs to 31 March 2024"
    _, overdue = conversation.reply_in_context("which actions are overdue", ())
    after, _ = conversation.reply_in_context("and in 2024?", overdue or ())
    alone, _ = conversation.reply_in_context("which actions due in 2024 are overdue?", ())
    assert after.text.startswith(not_yet) and alone.text.startswith(not_yet), (after.text[:200], alone.text[:200])
    # A deadline typed beside "overdue" is read (a third review: "due by 2024/25" had been told as a year unread).
    typed, _ = conversation.reply_in_context("which actions due by 2024/25 are overdue?", ())
    assert typed.text.startswith("72 actions are overdue"), typed.text[:200]
    # A year part over: its rows due before this month, under the note on the calendar year (2022/23's 67; the letter's
    # rows due in May and June 2022 are not of 2023).
    _, overdue = conversation.reply_in_context("which actions are overdue", ())
    earlier, _ = conversation.reply_in_context("and in 2023?", overdue or ())
    assert "67 actions are overdue (due in 2023, by December 2023" in earlier.text.splitlines()[0]


def test_this_quarter_month_or_week_after_a_listing_is_a_time_told_from_today(knowledge_base, embedder):
    """A lead trial, on 10 August 2023: "which are due this quarter?" and "and this week?" after the actions due in
    23/24 searched them for the word "quarter" ("No actions match: due in 2023/24, mentioning “quarter”"). The time is
    told from today; the table gives those dues by financial year, so the rows are the year's, and the answer says so."""
    from datetime import date

    from bot.answering import AnsweringService

    conversation = Conversation(AnsweringService(knowledge_base, embedder, today=lambda: date(2023, 8, 10)))
    _, listed = conversation.reply_in_context("which actions are due in 23/24?", ())
    by_year = "The table gives most due dates by financial year only: these are due by the end of 2023/24 (31 March 2024)"
    quarter, history = conversation.reply_in_context("which are due this quarter?", listed or ())
    assert quarter.text.startswith("68 actions are due in the financial year of July to September 2023, 2023/24"), quarter.text[:200]
    assert f"{by_year}, not necessarily within July to September 2023" in quarter.text and "quarter”" not in quarter.text
    week, _ = conversation.reply_in_context("and this week?", history or ())
    assert week.text.startswith("68 actions are due in the financial year of 7 to 13 August 2023, 2023/24"), week.text[:200]
    month, _ = conversation.reply_in_context("which are due this month?", listed or ())
    assert month.text.startswith("68 actions are due in the financial year of August 2023, 2023/24"), month.text[:200]
    alone, _ = conversation.reply_in_context("what's due this quarter?", ())
    assert alone.text.splitlines()[0] == quarter.text.splitlines()[0]


def test_a_due_swapped_into_an_overdue_listing_keeps_the_overdue_deadline(knowledge_base, embedder):
    """A review: after the overdue actions, "and next month?" or "and 23/24?" swapped in the new due and kept "overdue"
    without its deadline: "4 actions are in Water and overdue (due in 2023/24 ...)" on 10 August 2023, and "68 actions
    are overdue" on 15 January 2023, though 2023/24 runs to March 2024. A due not over is never called overdue."""
    from datetime import date

    from bot.answering import AnsweringService

    summer = Conversation(AnsweringService(knowledge_base, embedder, today=lambda: date(2023, 8, 10)))
    _, history = summer.reply_in_context("which water actions are due in 23/24?", ())
    overdue, history = summer.reply_in_context("which are overdue?", history or ())
    assert overdue.text.startswith("None of the 4 actions in Water and due in 2023/24 is overdue yet"), overdue.text[:200]
    month, _ = summer.reply_in_context("and next month?", history or ())
    assert month.text.startswith("None of the 4 actions in Water and due in the financial year of September 2023, 2023/24 is overdue yet"), month.text[:200]
    winter = Conversation(AnsweringService(knowledge_base, embedder, today=lambda: date(2023, 1, 15)))
    _, history = winter.reply_in_context("which 22/23 actions are overdue?", ())
    year, _ = winter.reply_in_context("and 23/24?", history or ())
    assert year.text.startswith("None of the 68 actions due in 2023/24 is overdue yet: 2023/24 runs to 31 March 2024."), year.text[:200]
    _, history = winter.reply_in_context("which actions are overdue?", ())
    quarter, _ = winter.reply_in_context("and this quarter?", history or ())
    assert quarter.text.startswith("None of the 67 actions due in the financial year of January to March 2023, 2022/23 is overdue yet"), quarter.text[:200]
    earlier, _ = winter.reply_in_context("and in 22/23?", history or ())
    assert earlier.text.startswith("5 actions are overdue (due in 2022/23, by December 2022"), earlier.text[:200]


def test_how_many_of_those_with_a_thing_of_its_own_is_no_narrowing_of_the_listing(service):
    """A review: "how many of those EV charging points does SWFT have?" after the travel actions had been answered
    "1 action is in Travel and Transport and mentions ..."; "those" goes with the charging points, not the rows."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("what travel and transport actions are there?", ())
    reply = answerer.answer("how many of those EV charging points does SWFT have?", listed.history)
    assert reply.resolution.kind is not FollowUpKind.NARROW and "SWFT has a total of five EV charging points" in reply.answer.text


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("who leads the first one?", "11. Roll out air quality monitors to patients in areas of low air quality. (lead ICP; due 24/25"),
        ("when is the last one due?", "13. "),
        ("tell me more about the second point", "12. "),  # a trial: "The pages say nothing more after that"
    ],
)
def test_the_first_or_last_one_of_a_listing_is_that_row(service, message, shown):
    """A trial: "who leads the first one?" after the travel actions due 24/25 listed all 18 of the theme again."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("what travel and transport actions are there?", ())
    narrowed = answerer.answer("which of those are due 24/25?", first.history)
    one = answerer.answer(message, narrowed.history)
    assert one.answer.text.startswith("1 action is") and shown in one.answer.text
    # The row is remembered: "when is it due?" asks about it alone.
    due = answerer.answer("and when is it due?", one.history)
    assert due.answer.text.startswith("1 action is")
    assert "The last list showed 3 actions: which one do you mean?" in answerer.answer("who leads the fourth one?", narrowed.history).answer.text


@pytest.mark.parametrize(
    ("listing", "message", "shown"),
    [
        ("travel actions due 22/23", "who leads no 14?", "14. Ensure Trusts have Travel Plans"),
        ("list the waste actions", "who leads number 4?", "4. Support member organisations in the implementation of ISO-14001"),
        ("list the waste actions", "tell me more about action 2", "2. Set ICS-wide recycling targets"),
    ],
)
def test_a_listed_action_asked_by_its_number_is_that_row(service, listing, message, shown):
    """A new user's trial: "who leads no 14?" after a listing that printed "14." had been declined, and "tell me more
    about action 2" had listed all 165 actions."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer(listing, ())
    one = answerer.answer(message, listed.history)
    assert one.answer.text.startswith("1 action is") and shown in one.answer.text
    assert "It is led by ICB." in one.answer.text or "lead ICB" in one.answer.text
    missing = answerer.answer("who leads no 9?", listed.history).answer
    assert missing.abstained and "no action numbered 9" in missing.text


def test_who_leads_a_row_and_when_it_is_due_says_both(service):
    """Left by the last pass: "who leads no 4 and when is it due" after the water actions said the lead only. A due
    year that says which rows ("who leads those due in 24/25?") is no question of when."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("what are the water actions", ())
    first = answerer.answer("who leads no 4 and when is it due", listed.history).answer.text.splitlines()[0]
    assert first == "1 action is in Water. It is led by ICB. It is due 2023/24.", first
    asked = service.answer("who leads the medicines actions and when are they due?").text.splitlines()[0]
    assert "All 15 are led by ICB. Due: 2022/23 (9), 2023/24 (6)." in asked, asked
    assert "Due:" not in service.answer("who leads the medicines actions due in 23/24?").text.splitlines()[0]
    # A column the listing's filter fixes is not said again (a review: "All 68 are due 2023/24.").
    due = answerer.answer("whats due in 23/24", ())
    both = answerer.answer("who leads them and when are they due?", due.history).answer.text.splitlines()[0]
    assert "Leads: ICB (53), ICP (15)." in both and "are due 2023/24" not in both, both


def test_a_status_asked_of_numbered_rows_is_answered_yes_or_no(service):
    """A trial's "is no 4 overdue?" after the QSRM actions showed the row without saying whether it was overdue. Each
    row is read as a listing of that status reads it, and what cannot be said is said (a review: "No" had been given
    for a due of "Immediate", for rows with no status, and to questions that were no yes/no questions)."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("which actions are in the qsrm letter", ())

    def said(message: str) -> str:
        return answerer.answer(message, listed.history).answer.text

    overdue = said("is no 4 overdue?")  # due "End May 22", status "Open"
    assert overdue.startswith("Yes: it is overdue. 1 action is") and "4. Share updated Breast Screening Trajectory" in overdue
    assert said("is no 1 overdue?").startswith("It is not marked closed, but its due date, “Immediate”, is no date to be overdue by.")
    assert said("are 1, 2 and 4 overdue?").startswith("Overdue: no. 4. Not marked closed, with no date to be overdue by: no. 1 and 2.")
    assert said("has no 1 been closed?").startswith("No: it is not closed.")
    assert said("are 2 and 3 still open?").startswith("Yes: both are open.")
    assert said("is no 4 outstanding?").startswith("Yes: it is open.")
    assert said("is the first one overdue?").startswith("It is not marked closed")
    # "is it closed?" after one row is about that row.
    one = answerer.answer("who leads no 4?", listed.history)
    assert answerer.answer("is it closed?", one.history).answer.text.startswith("No: it is not closed. 1 action is")
    due = answerer.answer("when is no 6 due", listed.history)  # "End May 22", status "Open"
    assert answerer.answer("and is it overdue?", due.history).answer.text.startswith("Yes: it is overdue. 1 action is")
    # A question with words of its own is no yes/no about the row (a re-review).
    other = answerer.answer("is the consultation on the ics strategy still open?", one.history).answer.text
    assert not other.startswith(("Yes:", "No:"))
    # No yes or no to what is no yes/no question, nor to a status negated that has no opposite.
    for message in ("what has been done on no 4?", "who's behind no 4", "is no 4 not overdue?"):
        assert said(message).startswith("1 action is"), message
    # "are any of them overdue?" narrows the list, as "which of them are overdue?" does (a re-review: all 155 overdue).
    assert said("are any of them overdue?").startswith("5 actions are from NHS England Quarterly System Review Meeting letter (11 May 2022) and overdue")
    # The Green Plan's actions have no status: their due year is said, not a guess.
    water = answerer.answer("what are the water actions", ())
    unknown = answerer.answer("is no 2 overdue?", water.history).answer.text
    assert unknown.startswith("It was due 23/24, which has passed; its document gives no status, so it may be done.")
    assert answerer.answer("is no 2 closed?", water.history).answer.text.startswith("Its document gives it no status")


def test_a_column_asked_with_no_word_of_its_own_is_asked_of_the_rows_listed(service):
    """A trial's "who leads?" after narrowing the medicines actions to desflurane had been declined, while "who leads
    them?" was answered; a question with words of its own is still its own."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("medicines actions due 22/23", ())
    narrowed = answerer.answer("which ones are about desflurane", listed.history)
    leads = answerer.answer("who leads?", narrowed.history).answer
    assert leads.text.startswith("2 actions are in Medicines and due in 2022/23 and mention “desflurane”. Both are led by ICB.")
    assert answerer.answer("when due?", narrowed.history).answer.text.split("\n")[0].endswith("Both are due 2022/23.")
    own = answerer.answer("who leads the phm board?", narrowed.history).answer.text
    assert "desflurane" not in own.split("\n")[0]
    # After one row, a column asked alone is that row's (a review: "who?" had listed all 13 leads of the letter).
    listed = answerer.answer("which actions are in the qsrm letter", ())
    one = answerer.answer("is no 4 overdue?", listed.history)
    for bare, said in (("who?", "It is led by Phil Johns."), ("who leads?", "It is led by Phil Johns."), ("when due?", "It is due End May 22.")):
        assert answerer.answer(bare, one.history).answer.text.startswith(f"1 action is from NHS England Quarterly System Review Meeting letter (11 May 2022). {said}"), bare
    # "them" is still all the rows listed (a re-review: "who leads them?" had got the one row's lead).
    assert answerer.answer("who leads them?", one.history).answer.text.startswith("13 actions are from NHS England")


def test_a_status_asked_once_carries_on_and_a_negated_one_is_not_read_the_other_way(service):
    """Issue 16's left faults: "and no 6?" after "is no 4 overdue?" had shown the row without the yes or no; "who
    leads no 4 and is it overdue" got no yes or no; "is no 1 not open?" was not read; and "which qsrm actions are not
    overdue?" had listed the overdue ones. Then a review's: a status of its own asked next had been answered with the
    last one, and a contraction ("aren't overdue") had not negated."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("which actions are in the qsrm letter", ())
    asked = answerer.answer("is no 4 overdue?", listed.history)
    again = answerer.answer("and no 6?", asked.history).answer.text  # due "End May 22", status "Open"
    assert again.startswith("Yes: it is overdue.") and "6. To facilitate a conversation" in again
    # "no longer open" is closed asked (the last pass left "longer" read as a word of the message's own).
    for own in ("and no 6, is it closed?", "and no 6 closed?", "and no 6 - is it closed?", "and no 6 no longer open?"):
        assert answerer.answer(own, asked.history).answer.text.startswith("No: it is not closed."), own
    # An ordinal is asked it again too; a negated status with no opposite gets no yes or no (a re-review: "and no 6
    # not overdue?" had got "Yes: it is overdue.").
    assert answerer.answer("and the first one?", asked.history).answer.text.startswith("It is not marked closed")
    assert not answerer.answer("and no 6 not overdue?", asked.history).answer.text.startswith(("Yes:", "No:"))
    # Questions of their own next get no yes or no.
    assert answerer.answer("and who leads no 1?", asked.history).answer.text.startswith("1 action is")
    assert not answerer.answer("and tell me more about it", asked.history).answer.text.startswith(("Yes:", "No:"))
    both = answerer.answer("who leads no 4 and is it overdue", listed.history).answer.text
    assert both.startswith("Yes: it is overdue.") and "led by Phil Johns" in both
    assert answerer.answer("isn't no 4 overdue?", listed.history).answer.text.startswith("Yes: it is overdue.")
    assert answerer.answer("is no 1 not open?", listed.history).answer.text.startswith("No: it is not closed.")
    assert not answerer.answer("what has been done on no 4?", listed.history).answer.text.startswith(("Yes:", "No:"))
    # A status negated with no opposite is said to be unread, and every row asked of is listed; one with an opposite
    # asks it; another status beside it is read.
    for negated in ("which qsrm actions are not overdue?", "which qsrm actions aren't overdue?"):
        text = answerer.answer(negated, ()).answer.text
        assert text.startswith("The action table cannot pick out actions “not overdue”: each is listed with its due date and status. 13 actions")
    not_open = answerer.answer("which qsrm actions are not open?", ()).answer.text
    assert not_open.startswith("No actions match") and "closed" in not_open.split("\n")[0]
    for still_open in ("which qsrm actions haven't been closed?", "which qsrm actions are open and not overdue?"):
        assert answerer.answer(still_open, ()).answer.text.startswith("13 actions are from NHS England Quarterly System Review Meeting letter (11 May 2022) and open")
    # With no listing to point at, "no 4" asked a status is the rows numbered 4 (a trial's had listed all 155 overdue).
    assert answerer.answer("is no 4 overdue?", ()).answer.text.startswith("15 actions are numbered 4 and overdue")


def test_a_number_shared_by_several_themes_of_a_listing_asks_which(service):
    """Numbers start again in each theme: "no 1" of a listing of two themes, both on the page shown, names the themes."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("what are the water and waste actions?", ())
    one = answerer.answer("who leads no 1?", listed.history).answer
    assert one.abstained and one.text == "Several actions of the last list are numbered 1 (in Water and Waste): which theme do you mean?"
    # The status asked goes through the question which theme (the last pass left it lost: the row came with no yes or no).
    asked = answerer.answer("is no 1 overdue?", listed.history)
    water = answerer.answer("water", asked.history).answer.text
    assert water.startswith("It was due 23/24, which has passed") and "1. Assist member organisations to develop Water" in water


@pytest.mark.parametrize(
    ("listing", "turns", "shown"),
    [
        # A theme named with the number is a question of its own, not the listing's own action 4 (a review).
        ("list the travel actions", ["who leads waste action 4?"], "4. Support member organisations in the implementation of ISO-14001"),
        # The number asked is not kept as a filter: the next number is looked up in the listing again.
        ("list the waste actions", ["who leads number 4?", "and action 5?"], "5. Ensure that member organisations communicate"),
        # A row off the page shown stays "it".
        ("list the travel actions", ["who leads no 17?", "and when is it due?"], "17. Ensure that all new purchases and lease"),
        # "the waste one" answers "which theme do you mean?".
        ("what are the water and waste actions?", ["who leads no 1?", "the waste one"], "1. Collaborate with our member organisations"),
    ],
)
def test_numbered_rows_go_on_as_a_conversation(service, listing, turns, shown):
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    reply = answerer.answer(listing, ())
    for turn in turns:
        reply = answerer.answer(turn, reply.history)
    assert reply.answer.text.startswith("1 action is") and shown in reply.answer.text


@pytest.mark.parametrize(
    ("turns", "starts"),
    [
        # A number asked before is no filter on a later, new listing (a re-review: only Travel action 4 was listed).
        (["who leads waste action 4?", "what are the travel actions due in 23/24?"], "11 actions are in Travel and Transport and due in 2023/24"),
        (["who leads waste action 4?", "what about the water actions?"], "4 actions are in Water"),
        (["what are the water and waste actions?", "who leads no 1?", "waste", "and the travel ones?"], "18 actions are in Travel and Transport"),
    ],
)
def test_a_number_asked_does_not_narrow_later_listings(service, turns, starts):
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    history: tuple[Turn, ...] = ()
    for turn in turns:
        reply = answerer.answer(turn, history)
        history = reply.history
    assert reply.answer.text.startswith(starts)


@pytest.mark.parametrize(("message", "numbers"), [("who leads actions 3-5?", "3. 4. 5."), ("3", "3."), ("who leads 2 and 3?", "2. 3."), ("who leads no 2 and no 3?", "2. 3.")])
def test_rows_named_by_a_range_or_a_bare_number_after_a_listing(service, message, numbers):
    """A re-review: "actions 3-5" had listed every theme's action 3, and a bare "3" had been searched for."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("list the waste actions", ())
    text = answerer.answer(message, listed.history).answer.text
    shown = [line.split()[0] for line in text.splitlines() if line.startswith("  ") and line.split()[0][:-1].isdigit()]
    assert " ".join(shown) == numbers and "in Waste" in text


def test_several_numbers_after_a_listing_are_those_rows(service):
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("list the waste actions", ())
    both = answerer.answer("who leads action 2 and 3?", listed.history).answer.text
    assert both.startswith("2 actions are in Waste") and "  2. Set ICS-wide recycling" in both and "  3. Set ICS-wide waste" in both


@pytest.mark.parametrize(
    "message",
    ["what's the life expectancy gap along the number 7 bus route?", "is it 4 weeks?", "no 2ww breaches?", "item 5 on the agenda?"],
)
def test_a_number_that_is_no_row_leaves_the_listing_alone(message):
    """ "number 7 bus route", a measure of time, "2ww" and an agenda's item are not rows of the listing."""
    from bot.action_query import ActionFilter

    listed = Turn("what are the waste actions?", (), False, ActionFilter(theme="Waste"), 6)
    resolution = resolve(message, (listed,), lambda _: None)
    assert resolution.number is None


def test_the_first_one_is_of_the_page_shown_and_the_list_goes_on_whole(service):
    """A review: "the first one" after "more" had been the first row of the whole list, a list swapped or narrowed
    after it had kept that one row, and an ordinal in a question of its own had been read as a row."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("what travel and transport actions are there?", ())
    assert "when is it due" not in listed.answer.text and "18 actions" in listed.answer.text
    last = answerer.answer("when is the last one due?", listed.history)
    assert "  15. " in last.answer.text  # the last of the 15 shown
    more = answerer.answer("more", listed.history)
    first = answerer.answer("who leads the first one?", more.history)
    assert "  16. " in first.answer.text and "It is led by ICB." in first.answer.text
    swapped = answerer.answer("and the green space ones?", first.history)
    assert swapped.answer.text.startswith("6 actions are in Green Space and Biodiversity")
    narrowed = answerer.answer("which of those are due 24/25?", first.history)
    assert narrowed.answer.text.startswith("3 actions are in Travel and Transport and due in 2024/25")
    fresh = answerer.answer("what was the first item on the agenda at the governing body meeting?", listed.history)
    assert fresh.resolution.kind is FollowUpKind.STANDALONE


@pytest.mark.parametrize("message", ["when's the first one due?", "what's the status of the first one?", "what page is the first one on?"])
def test_asking_about_the_first_one_in_other_words_is_still_that_row(service, message):
    """A third review: words before the ordinal ("status", "page", "when's") had made it a question of its own."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("what are the water actions?", ())
    one = answerer.answer(message, listed.history)
    assert one.answer.text.startswith("1 action is in Water") and "1. Assist member organisations to develop Water" in one.answer.text


def test_the_last_one_of_actions_an_amount_was_asked_of_is_their_last(service):
    """A third review: after a declined amount no row had been shown, and "the last one" was none."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    cost = answerer.answer("what is the cost of the water actions?", ())
    assert cost.answer.abstained
    last = answerer.answer("who leads the last one?", cost.history)
    assert "4. Ensure Trusts explore the installation of rainwater harvesters" in last.answer.text


def test_narrowing_a_listing_of_one_documents_actions_keeps_to_that_document(service):
    """A new user's trial: "which are due end of may" after the QSRM letter's actions had carried the
    letter's name as words to look for ("No actions match: ... mentioning 'end'")."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("list the actions from the qsrm letter", ())
    assert first.answer.actions is not None
    second = answerer.answer("which are due end of may", first.history)
    assert second.answer.text.startswith("3 actions are due in May and from NHS England Quarterly System Review Meeting letter")


def test_a_message_with_no_word_after_an_answer_is_asked_for_a_question_not_given_the_answer_again(service):
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("what is the ics carbon footprint in 2020/21?", ())
    second = answerer.answer("??", first.history)
    assert second.resolution.kind is FollowUpKind.STANDALONE
    assert second.answer.text.startswith("Please type a question about the documents")


@pytest.mark.parametrize(
    ("message", "first_line"),
    [
        ("just the trust ones", "5 actions are in Travel and Transport and Trust / PCN specific"),
        ("only the ICS ones", "13 actions are in Travel and Transport and ICS specific"),
    ],
)
def test_narrowing_a_listing_to_the_trust_or_ics_ones_keeps_the_actions_of_that_scope(service, message, first_line):
    """A new user's trial: "just the trust ones" after the travel actions had listed the 6 that mention the
    word "trust" (three of them the ICS's own), not the Green Plan's Trust / PCN specific actions."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("who is responsible for the travel and transport actions", ())
    second = answerer.answer(message, first.history)
    assert second.resolution.kind is FollowUpKind.NARROW
    assert second.answer.text.startswith(first_line)


@pytest.mark.parametrize(
    ("message", "first_line"),
    [
        ("who leads them?", "Leads: ICB (6), ICP (5)."),
        ("and when are they due?", "All 11 are due 2023/24."),
    ],
)
def test_asking_who_leads_or_when_after_a_listing_answers_for_its_rows(service, message, first_line):
    """ "who leads them?" after the travel actions due 23/24 is about those 11 rows: not the whole
    table (a new user's trial got all 165 actions), and the answer is in the first line."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("what actions are due in 23/24 for travel and transport?", ())
    second = answerer.answer(message, first.history)
    assert second.resolution.kind is FollowUpKind.PRONOUN
    head = second.answer.text.splitlines()[0]
    assert head.startswith("11 actions are in Travel and Transport and due in 2023/24.") and head.endswith(first_line)
    assert second.answer.text.count("(lead ") == 11 and not second.answer.abstained


def test_who_else_after_a_listing_asks_about_its_rows_not_for_actions_mentioning_else(service):
    """A new user's trial: "and who else is on them?" after the water actions gave "No actions match ...
    mentioning 'else'"."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("what water actions are there?", ())
    second = answerer.answer("and who else is on them?", first.history)
    assert "else" not in second.answer.text.splitlines()[0] and not second.answer.abstained
    assert second.answer.text.splitlines()[0].startswith("4 actions are in Water. All 4 are led by ICB.")


@pytest.mark.parametrize(
    ("message", "first_line"),
    [
        ("who leads those due in 24/25?", "3 actions are in Travel and Transport and due in 2024/25. Leads: ICB (2), ICP (1)."),
        ("who leads the icp ones?", "5 actions are in Travel and Transport, led by ICP and due in 2023/24. All 5 are led by ICP."),
    ],
)
def test_asking_who_leads_some_of_a_listing_narrows_it_first(service, message, first_line):
    """The condition the follow-up adds narrows the listed rows; it is not dropped for the column asked."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("what actions are due in 23/24 for travel and transport?", ())
    head = answerer.answer(message, first.history).answer.text.splitlines()[0]
    assert head == first_line


@pytest.mark.parametrize(
    "question",
    [
        "what is the ics carbon footprint",  # passages on three pages
        "Which GP practices responded to the Green Plan questionnaire?",  # three passages of one page
    ],
)
def test_more_after_an_answer_goes_on_from_what_was_shown_never_over_it(service, question):
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    turn = answerer.answer(question, ())
    shown = [c.quote for c in turn.answer.citations]
    for _ in range(3):
        turn = answerer.answer("more", turn.history)
        assert turn.resolution.kind is FollowUpKind.DRILL
        said = [c.quote for c in turn.answer.citations]
        assert said or turn.answer.text.startswith("The pages say nothing more")
        sentences = [s.strip() for quote in said for s in quote.split(". ") if len(s) > 20]
        assert not any(sentence in earlier for sentence in sentences for earlier in shown), (sentences, shown)
        shown += said


def test_more_after_a_passage_that_ends_its_page_goes_on_over_the_page_break(service):
    """A second trial: "more" after "camhs waits?", whose passage closes its page, got "The pages say nothing more after
    that"; the section goes on at the top of the next page."""
    from bot.follow_answers import FollowUpAnswerer

    kb = service.kb
    last = next(
        ids.stop - 1
        for (slug, page), ids in ((key, kb.page_sentence_ids(*key)) for key in sorted({(s, x.page) for s, x in kb.sentences}))
        if ids and kb.page_sentence_ids(slug, page + 1) and kb.sentences[ids.stop - 1][1].heading == kb.sentences[ids.stop][1].heading
        and len(kb.sentences[ids.stop - 1][1].text) > 40
    )
    slug, sentence = kb.sentences[last]
    history = (Turn("what does it say", (CitedPassage(slug, sentence.page, sentence.text),)),)
    answer = FollowUpAnswerer(service).answer("more", history).answer
    assert answer.text.startswith("It goes on:") and {(c.slug, c.page) for c in answer.citations} == {(slug, sentence.page + 1)}, answer.text


def test_more_after_prose_goes_on_with_prose_not_the_pages_links(service):
    """A trial: "more" after an answer on life expectancy showed the footnote's web address."""
    from bot.follow_answers import FollowUpAnswerer

    kb = service.kb
    cited = next(i for i, (slug, s) in enumerate(kb.sentences) if slug == "cw-phm-roadmap" and "number 7 bus route" in s.text)
    assert "http" in kb.sentences[cited + 1][1].text  # the page goes on with its footnote's link
    history = (Turn("life expectancy gap in coventry", (CitedPassage("cw-phm-roadmap", kb.sentences[cited][1].page, kb.sentences[cited][1].text),)),)
    answer = FollowUpAnswerer(service).answer("more", history).answer
    assert "http" not in answer.text and "www." not in answer.text


@pytest.mark.parametrize(
    ("question", "shortened"),
    [
        ("ICS carbon footprint 20/21?", "The Carbon Footprint in 2020/21 was 258,211 tCO2e"),  # its caption left out
        ("what does national guidance say about asymptomatic testing", "As per national guidance"),  # "1.2 " left out
    ],
)
def test_more_goes_on_from_a_passage_quoted_without_its_caption_or_section_number(service, question, shortened):
    """A quote that leaves out the caption glued to its sentence, or the section number it opens with,
    holds a part of the sentence, not all of it: "more" still finds where on its page it stands."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    turn = answerer.answer(question, ())
    [cited] = [c for c in turn.answer.citations if c.quote.startswith(shortened)]
    turn = answerer.answer("more", turn.history)
    assert turn.resolution.kind is FollowUpKind.DRILL
    assert (cited.slug, cited.page) in {(c.slug, c.page) for c in turn.answer.citations}, turn.answer.text


def test_who_leads_the_x_one_after_a_narrowed_listing_asks_of_that_topic_whoever_leads_it(service):
    """A second trial: "who leads the workforce one?" after Phil Johns' overdue QSRM actions kept his name as a filter and
    said "No actions match"; the workforce action is led by Adrian Stokes / Theresa Nelson."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("what actions has phil johns got from the qsrm", ())
    overdue = answerer.answer("which are overdue?", listed.history)
    workforce = answerer.answer("who leads the workforce one?", overdue.history)
    assert workforce.resolution.action_filter is not None and workforce.resolution.action_filter.lead is None
    assert not workforce.answer.abstained and "Adrian Stokes / Theresa Nelson" in workforce.answer.text, workforce.answer.text


def test_the_x_one_after_an_action_from_a_paper_is_another_action_from_that_paper(service):
    """A trial: "and the mutual aid financial incentives one?" after "who's leading the breast screening trajectory action
    from the qsrm?" had been read as "... action from mutual aid financial incentives", and "when is that due?" then
    matched no action ("in Mutual Aid, mentioning breast, screening, trajectory and incentives")."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("who's leading the breast screening trajectory action from the qsrm?", ())
    other = answerer.answer("and the mutual aid financial incentives one?", first.history)
    assert other.resolution.question.startswith("who's leading the mutual aid financial incentives action from the qsrm")
    due = answerer.answer("when is that due?", other.history).answer
    assert not due.abstained and "due End May 22" in due.text and "Rob Pickup" in due.text and "Breast" not in due.text


def test_a_listing_narrowed_by_a_word_is_remembered_as_listed(service):
    """The review of the narrowing: a follow-up narrows the one action listed ("which of those ...") and a new
    theme drops the word ("and the waste one?" asks about Waste, not about Waste actions that "create")."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("who owns the action to create an ICS wide travel plan", ())
    assert first.answer.text.startswith("1 action is in Travel and Transport and ICS specific")
    other_theme = answerer.answer("and the waste one?", first.history)
    assert other_theme.answer.text.startswith("4 actions are in Waste and ICS specific"), other_theme.answer.text
    narrowed = answerer.answer("which of those are due 22/23?", first.history)
    assert narrowed.answer.text.startswith("No actions match"), narrowed.answer.text


def test_who_leads_it_after_an_amount_the_table_does_not_hold_gets_the_actions_lead(service):
    """A review: after "how much will ... cost?" was declined, "who leads it?" carried "cost" along and was
    declined again; the table answers it, naming only the words its row mentions."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("how much will the inhaler recycling scheme action cost?", ())
    assert first.answer.abstained and "The action table holds no amounts." in first.answer.text
    second = answerer.answer("who leads it?", first.history)
    assert not second.answer.abstained and second.answer.actions is not None
    assert "(lead ICB; due 22/23" in second.answer.text and "“cost”" not in second.answer.text
    assert "It is led by ICB." in second.answer.text


def test_the_actions_an_amount_was_asked_of_are_the_subject_of_the_next_message(service):
    """A review: after "what is the cost of the water actions?" was declined, "who leads them?" and "more" had lost
    the actions ("There is nothing to continue")."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("what is the cost of the water actions?", ())
    assert first.answer.abstained and first.answer.text.endswith("4 actions are in Water.")
    leads = answerer.answer("who leads them?", first.history)
    assert "All 4 are led by ICB." in leads.answer.text
    more = answerer.answer("more", first.history)
    assert more.answer.text.startswith("Actions 1–4 of 4")


@pytest.mark.parametrize(
    "stored",
    [
        '[{"bad": 1}]',
        "not json",
        '{"question": "a dict, not a list"}',
        '[{"question": 5}]',
        '[{"question": "q", "citations": [{"slug": "s", "page": 1, "quote": "q", "added_by_a_newer_replica": 1}]}]',
        '[{"question": "q", "action_filter": {"due": 2023}}]',
        b"\xff\xfe",
        # Values no turn holds (an attack review: the types were checked, the values not).
        '[{"question": "q", "action_filter": {"theme": "Water", "status": "bogus"}, "rows_shown": 15}]',
        '[{"question": "q", "action_filter": {"theme": "Water", "due": "<=zzz"}, "rows_shown": 15}]',
        '[{"question": "q", "action_filter": {"theme": "Water", "due": "2022-13"}, "rows_shown": 15}]',
        '[{"question": "q", "action_filter": {"lead": " "}, "rows_shown": 15}]',
        '[{"question": "q", "action_filter": {"number": "four"}, "rows_shown": 15}]',
        '[{"question": "q", "action_filter": {"theme": "Water"}, "rows_shown": -15}]',
        '[{"question": "q", "rows_shown": Infinity}]',
        '[{"question": "q", "citations": [{"slug": "cw-phm-roadmap", "page": 0, "quote": "q"}]}]',
        '[{"question": "' + "q" * 2001 + '"}]',
        '[' + ",".join(['{"question": "q"}'] * 100_000) + "]",
    ],
    ids=[
        "unknown-fields", "not-json", "not-a-list", "question-a-number", "newer-nested-field", "due-a-number", "not-utf8",
        "status-bogus", "due-unreadable", "due-month-13", "lead-blank", "number-a-word", "rows-shown-below-0",
        "rows-shown-infinity", "page-0", "question-too-long", "too-long-a-state",
    ],
)
async def test_a_stored_state_that_cannot_be_read_counts_as_none(redis_url, stored, caplog):
    store = RedisStore(redis_url)
    try:
        await store.redis.set("ics-bot:conversation:teams:unreadable", stored)
        with caplog.at_level(logging.WARNING):
            assert await store.load("teams:unreadable") == ()
            assert await store.load("teams:unreadable") == ()
        (warning,) = [r.getMessage() for r in caplog.records if r.name == "bot.conversation_store"]  # once, however often met
        assert warning.startswith("Conversation store: a conversation's stored state could not be read (")  # and not what it held
    finally:
        await store.close()


@pytest.mark.parametrize(("field", "value"), [("status", "bogus"), ("due", "<=zzz"), ("due", "2022-13"), ("lead", " ")])
async def test_a_listing_stored_with_a_value_this_version_cannot_read_is_followed_up_as_a_new_conversation(
    redis_url, service, caplog, field, value
):
    """An attack review: a listing turn whose filter held the status "bogus" or the due "<=zzz" (written by a newer
    replica, say) made "more" raise a ValueError, and the user was told "Sorry, something went wrong" on every follow-up
    until the conversation expired."""
    conversation = Conversation(service, RedisStore(redis_url))
    key, stored_key = f"teams:a:newer-replica-{field}-{value}", f"ics-bot:conversation:teams:a:newer-replica-{field}-{value}"
    try:
        await conversation.respond("what actions are there?", key)
        turns = json.loads(await conversation.store.redis.get(stored_key))
        assert (await conversation.respond("more", key)).text.startswith("Actions 16–30 of ")  # as stored: the next page
        turns[-1]["action_filter"][field] = value
        await conversation.store.redis.set(stored_key, json.dumps(turns))
        with caplog.at_level(logging.WARNING):
            more = await conversation.respond("more", key)
        fresh = await conversation.respond("more", "teams:a:nothing-before-more")
    finally:
        await conversation.store.close()
    assert more.text == fresh.text and not more.text.startswith("Actions")
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "bot.conversation_store"]
    assert warning == (  # and not what it held
        "Conversation store: a conversation's stored state could not be read (ValueError); it is answered as a new conversation"
    )


async def test_a_state_of_many_turns_is_read_at_once_as_its_last_few(redis_url):
    """An attack review: a state of 100,000 turns took seconds of the event loop to read, each turn checked. Only the
    turns kept are read (0.04 s here for these, 3.5 s before), and a state longer than any conversation's is not read at all."""
    store = RedisStore(redis_url)
    last = [Turn(f"question {n}", PASSAGE).as_json() for n in range(TURNS_KEPT)]
    try:
        await store.redis.set("ics-bot:conversation:teams:many", json.dumps([{"question": "old"}] * 40_000 + last))
        await store.redis.set("ics-bot:conversation:teams:too-many", json.dumps([Turn("old", PASSAGE).as_json()] * 100_000))
        many = await store.load("teams:many")
        too_many = await store.load("teams:too-many")
    finally:
        await store.close()
    assert [turn.question for turn in many] == [f"question {n}" for n in range(TURNS_KEPT)] and too_many == ()


async def test_a_state_longer_than_any_conversations_is_refused_without_fetching_it(redis_url):
    """An attack review: a stored value over MAX_STORED_BYTES was fetched whole with GET and only then refused, so ten
    megabytes crossed the wire for every message of that conversation. Counted by Redis itself: what it sent for the
    load is the bytes needed to tell the value is too long, not the value; a value at the limit is still read whole."""
    store = RedisStore(redis_url)
    at_limit = json.dumps([Turn("question", PASSAGE).as_json()]).encode()
    at_limit = at_limit[:-1] + b" " * (MAX_STORED_BYTES - len(at_limit)) + b"]"
    try:
        await store.redis.set("ics-bot:conversation:teams:huge", b"[" + b" " * (10 * MAX_STORED_BYTES) + b"]")
        await store.redis.set("ics-bot:conversation:teams:at-limit", at_limit)
        sent_before = (await store.redis.info("stats"))["total_net_output_bytes"]
        huge = await store.load("teams:huge")
        sent = (await store.redis.info("stats"))["total_net_output_bytes"] - sent_before
        at_limit_turns = await store.load("teams:at-limit")
        missing = await store.load("teams:never-stored")
    finally:
        await store.close()
    assert huge == () and sent < 2 * MAX_STORED_BYTES  # the value is ten times that
    assert len(at_limit) == MAX_STORED_BYTES and [turn.question for turn in at_limit_turns] == ["question"]
    assert missing == ()


async def test_a_turn_asked_at_the_length_limit_with_a_polite_opening_is_read_back(redis_url):
    """A turn's question is the message as rewritten, which may run past the limit answering reads messages to: the
    polite opening answering drops ("Can you tell me ...") stays in it."""
    store = RedisStore(redis_url)
    turn = Turn("Can you tell me " + "who chairs the board? " * (MAX_QUESTION_CHARS // 22), PASSAGE, subject="the board")
    try:
        await store.save("teams:long", (turn,))
        assert await store.load("teams:long") == (turn,)
    finally:
        await store.close()


async def test_an_unreadable_conversation_is_answered_as_a_new_one_and_then_remembered(redis_url, service):
    conversation = Conversation(service, RedisStore(redis_url))
    key = "teams:a:unreadable-then-fine"
    try:
        await conversation.store.redis.set("ics-bot:conversation:" + key, '[{"bad": 1}]')
        first = await conversation.respond("who sits on the PHM board?", key)
        followed_up = await conversation.respond("who chairs it?", key)
        alone = await conversation.respond("who chairs it?", "teams:a:nothing-before")
    finally:
        await conversation.store.close()
    assert first.answer is not None and "DTB" in followed_up.text and "DTB" not in alone.text


async def test_with_redis_down_the_store_reads_nothing_writes_nothing_and_warns_once_per_kind(tmp_path, caplog):
    with redis_server(tmp_path, password="S3cret-redis-pw") as url:
        store = RedisStore(url)
        await store.save("telegram:9", (Turn("whats CSW-Jets"),))
    try:
        with caplog.at_level(logging.INFO):
            for _ in range(3):
                assert await store.load("telegram:9") == ()
                await store.save("telegram:9", (Turn("whats CSW-Jets"),))
                await store.clear("telegram:9")
    finally:
        await store.close()
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.conversation_store" and r.levelno == logging.WARNING]
    assert [w.split(" a conversation")[0] for w in warnings] == [
        "Conversation store: could not read", "Conversation store: could not write", "Conversation store: could not clear"
    ]
    assert "S3cret-redis-pw" not in caplog.text and "CSW-Jets" not in caplog.text and not [r for r in caplog.records if r.exc_info]


def test_an_ellipsis_naming_another_body_is_answered_only_by_what_names_it(service):
    """A trial: "and geh?" after the system's 62-day cancer performance got the system's 51.5% again (the page names
    GEH elsewhere), where the documents give no GEH figure for April. A dialogue's "and uhcw?" after SWFT's EV charging
    points had been answered with SWFT's sentence again, UHCW's being on the same page."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    first = answerer.answer("62 day cancer perf apr cw", ())
    geh = answerer.answer("and geh?", first.history)
    assert geh.resolution.kind is FollowUpKind.ELLIPSIS
    assert geh.answer.abstained and "do not mention GEH" in geh.answer.text, geh.answer.text
    swft = answerer.answer("how many ev charging points has swft got?", ())
    uhcw = answerer.answer("and uhcw?", swft.history)
    assert not uhcw.answer.abstained
    assert "UHCW have installed electric vehicle charging points" in uhcw.answer.text, uhcw.answer.text
    # A review: an organisation named by name is found by its initials in the quotes ("GEH and CWPT do not currently
    # have EV charging points"), and a table row giving every trust's figure of another measure is no answer.
    george_eliot = answerer.answer("and george eliot?", swft.history)
    assert not george_eliot.answer.abstained and "GEH and CWPT do not currently have EV charging points" in george_eliot.answer.text
    trolleys = answerer.answer("how many 12 hour trolley waits were there?", ())
    at_swft = answerer.answer("and at swft?", trolleys.history)
    assert "SWFT 68.6%" not in at_swft.answer.text, at_swft.answer.text
    # A trial's "and GEH?" after SWFT's dry powder inhalers: the page's sentence names GEH beside SWFT, whom it compares.
    dpis = answerer.answer("what % of inhalers does swft prescribe as dpis?", ())
    at_geh = answerer.answer("and geh?", dpis.history)
    assert not at_geh.answer.abstained and "much lower at 5%" in at_geh.answer.text, at_geh.answer.text
    # ... but not one naming it beside another on another measure (a review's: "and swft?" after UHCW's two week wait).
    two_week_wait = answerer.answer("uhcw 2ww performance in april?", ())
    at_swft_too = answerer.answer("and swft?", two_week_wait.history)
    assert "62 day standard" not in at_swft_too.answer.text, at_swft_too.answer.text


def test_the_held_out_dialogues_are_answered_with_the_shipped_tunables(service):
    """``eval-dialogues --held-out``: the set kept apart, answered as the bot answers, nothing fitted."""
    from bot import dialogue_eval

    dialogues = dialogue_eval.load_dialogues(Path(__file__).resolve().parents[1] / "eval" / "heldout_dialogues.jsonl")
    assert len(dialogues) == 30 and {d.kind for d in dialogues} >= {"pronoun", "ellipsis", "switch", "unanswerable_followup"}
    switch = next(d for d in dialogues if d.kind == "switch")
    (outcome,) = dialogue_eval.evaluate_shipped([switch], service)
    assert outcome.dialogue is switch and outcome.answer.text and outcome.alone.text


@pytest.mark.parametrize(
    ("message", "source_asked"),
    [
        ("where does it come from?", True),
        ("where does that come from then?", True),
        ("where does that come from, thanks", True),
        ("where does it come from in the report?", True),
        ("source?", True),  # the message says nothing else (a re-review)
        ("and the source?", True),
        # A subject's source, or a question ending in "sources": not the last answer's (two reviews).
        ("where does it come from in the budget?", False),
        ("what are the main emission sources?", False),
        ("what are the funding sources?", False),
    ],
)
def test_where_an_answer_comes_from_is_told_from_a_question_about_sources(message, source_asked):
    from bot.followup import _WHERE

    assert bool(_WHERE.search(message)) is source_asked



def test_more_after_a_list_shown_whole_shows_it_again_once(service):
    """Held-out dialogues: "show me the rest" after the 11 travel actions due in 23/24, all shown in one message, had
    been told "That was the whole list" with nothing to check; a reader who asks for the rest of a list shown whole
    missed the end of it (a long message folded). It is shown again, cited; "more" after that says it is over, and so
    does "more" after the last page of a long list."""
    from bot.follow_answers import NOTHING_MORE, FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("what travel and transport actions in the green plan are due in 23/24?", ())
    assert listed.answer.text.startswith("11 actions are in Travel and Transport")
    again = answerer.answer("show me the rest", listed.history)
    assert again.answer.text.startswith("That was the whole list (11 actions); here it is again. 11 actions")
    assert "9. Work with local authorities to explore introducing a region-wide car sharing scheme." in again.answer.text
    assert {c.page for c in again.answer.citations} == {53, 54, 55}
    assert answerer.answer("more", again.history).answer.text == NOTHING_MORE
    long_list = answerer.answer("what travel and transport actions are there?", ())
    last_page = answerer.answer("more", long_list.history)
    assert last_page.answer.text.startswith("Actions 16–18 of 18")
    assert answerer.answer("more", last_page.history).answer.text == NOTHING_MORE
    # A review: one row is "1 action"; a decline's nearest rows are not shown again as if they were the rows asked
    # for, and "more" after one row was asked about says the list is over, as before.
    one = answerer.answer("what waste actions are due 24/25?", ())
    assert answerer.answer("more", one.history).answer.text.startswith("That was the whole list (1 action); here it is again.")
    declined = answerer.answer("which water actions are led by SWFT?", ())
    assert answerer.answer("more", declined.history).answer.text == NOTHING_MORE
    water = answerer.answer("what water actions are there?", ())
    first = answerer.answer("who leads the first one?", water.history)
    assert answerer.answer("more", first.history).answer.text == NOTHING_MORE
    # A re-review: "who leads them?" after the list was shown again, then "more", had shown it a third time.
    leads = answerer.answer("who leads them?", answerer.answer("more", water.history).history)
    assert answerer.answer("more", leads.history).answer.text == NOTHING_MORE


def test_who_chaired_it_is_the_meeting_named_by_its_initials(service):
    """Held-out dialogues in two sets: "who chaired it?" after "which segment ... did nhse leave us in after the may
    qsrm?" had asked "who chaired segment of the system oversight framework?"; the QSRM is a meeting (the documents
    spell it out "Quarterly System Review Meeting"), so "it" that was chaired is the meeting. Initials spelled out as
    something else are no meeting ("the SOF": System Oversight Framework)."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    asked_first = answerer.answer("which segment of the system oversight framework did nhse leave us in after the may qsrm?", ())
    chaired = answerer.answer("who chaired it?", asked_first.history)
    assert chaired.resolution.question == "who chaired the may qsrm?"
    assert "chaired by Dale Bywater" in chaired.answer.text
    from bot.followup import _meeting_named

    assert _meeting_named("what segment of the SOF are we in?", answerer.sense) is None
    assert _meeting_named("what does the DTB do?", answerer.sense) == "the DTB"  # Digital Transformation Board
    # A re-review: after "what did the qsrm say about the cancer alliance?" "it" that meets is the cancer alliance.
    said = answerer.answer("what did the qsrm say about the cancer alliance?", ())
    assert "qsrm" not in answerer.resolve("when does it meet?", said.history).question
    # A review: a meeting the question names with a word for a body keeps its name whole, and "meeting" stays.
    for before, meant in [
        ("when is the next ICB board meeting?", "who chairs the next ICB board meeting?"),
        ("when is the next DTB meeting?", "who chairs the next DTB meeting?"),
    ]:
        assert answerer.resolve("who chairs it?", answerer.answer(before, ()).history).question == meant, before


def test_who_leads_the_x_ones_after_a_listing_asks_of_those_of_the_listing_about_x(service):
    """A trial: "who leads the ev charging ones" after "what actions are due in 23/24" gave the leads of all 68 (the
    plural "ones" was no named item); the 23/24 EV charging actions are Travel and Transport 4 (ICB) and 10 (ICP)."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("what actions are due in 23/24", ())
    leads = answerer.answer("who leads the ev charging ones", listed.history).answer
    assert leads.text.startswith("2 actions are due in 2023/24"), leads.text
    assert "EV charging infrastructure is in place" in leads.text and "(lead ICP; due 23/24; p. 54" in leads.text
    assert "Water Management Plans" not in leads.text


def test_a_message_naming_actions_of_its_own_before_its_pronoun_asks_of_those(service):
    """A trial: "whats the ev charging action and who leads it" after the inhaler recycling action gave the inhaler
    recycling action again, and after a question of the documents was asked of the carbon footprint: its "it" stands
    for the EV charging actions it names, as when it is asked alone (Travel and Transport 2, 3 and 4, pp. 53-54)."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    alone = answerer.answer("whats the ev charging action and who leads it", ()).answer.text
    assert alone.startswith("6 actions mention “ev” and “charging”. Leads: ICP (3), ICB (3)."), alone
    for before in ("who owns the inhaler recycling one", "whats the ics carbon footprint"):
        said = answerer.answer(before, ())
        leads = answerer.answer("whats the ev charging action and who leads it", said.history).answer.text
        assert leads == alone, (before, leads)
        assert "inhaler recycling scheme" not in leads
    # A first part pointing back still leans on the listing: "which are the water ones and who leads them" after 23/24.
    listed = answerer.answer("what's due in 23/24?", ())
    water = answerer.answer("which are the water ones and who leads them", listed.history).answer.text
    assert water.startswith("4 actions are in Water and due in 2023/24"), water


def test_how_many_in_a_theme_due_year_or_lead_after_a_listing_counts_its_rows_there(service):
    """A new user's trial: "how many in travel" after the Green Plan's 150 actions were listed was declined ("I couldn't
    find that in the documents"); it counts the listing's rows in the Travel and Transport theme, as "how many of those
    are in travel?" would."""
    from bot.follow_answers import FollowUpAnswerer

    answerer = FollowUpAnswerer(service)
    listed = answerer.answer("how many green plan actions are there in total", ())
    travel = sum(1 for row in service.kb.actions if row.theme == "Travel and Transport" and row.source == "cw-ics-green-plan")
    counted = answerer.answer("how many in travel", listed.history).answer
    assert counted.actions is not None and counted.text.startswith(f"{travel} actions are in Travel and Transport"), counted.text
    due = answerer.answer("what's due in 23/24?", ())
    icp = sum(1 for row in service.kb.actions if row.lead == "ICP" and row.due == "23/24")
    assert answerer.answer("how many for icp?", due.history).answer.text.startswith(f"{icp} actions are led by ICP and due in 2023/24")


async def test_a_measure_alone_a_swapped_line_and_the_body_answering_who_follow_the_conversation(service):
    """A trial (7 December 2026): "annual costs?" after the PHM posts' funding was asked alone and answered with the
    Green Plan's annual carbon account; "and mental health?" after "chc variance at m3" asked "chc mental health at m3"
    (the measure swapped, not the budget line typed in lower case); "what does it report into" after "who oversees
    delivery of the phm roadmap" asked what the delivery reports into, where "it" is the PHM Board the answer named."""
    conversation = Conversation(service)
    await conversation.respond("how much funding is there for the phm posts?", "terminal:posts")
    costs = await conversation.respond("annual costs?", "terminal:posts")
    assert "£560k annual costs" in costs.text and "carbon account" not in costs.text, costs.text[:300]
    await conversation.respond("chc variance at m3", "terminal:finance")
    line = await conversation.respond("and mental health?", "terminal:finance")
    assert line.text.startswith("Mental Health & LD 54,953 54,109 844"), line.text[:200]
    await conversation.respond("who oversees delivery of the phm roadmap", "terminal:phm")
    reports = await conversation.respond("what does it report into", "terminal:phm")
    assert "The PHM Board reports into the Population Health Inequalities and Prevention Programme Board" in reports.text, reports.text[:300]


async def test_a_measure_named_by_its_number_alone_is_asked_at_the_time_asked_before(service):
    """A trial: "52 week breaches?" after "rtt 18wk incomplete perf apr 22" was asked alone, with no month, and declined.
    It is the measure at the month the question before asked; "how many 52 week breaches?" alone, naming no month, is
    answered with the latest month of the row whose label holds every word of it (it had been declined at 0.36)."""
    conversation = Conversation(service)
    await conversation.respond("rtt 18wk incomplete perf apr 22", "terminal:rtt")
    breaches = await conversation.respond("52 week breaches?", "terminal:rtt")
    assert breaches.text.startswith("RTT > 52 weeks breaches - Incomplete Pathways (Snapshot): April 2022 5,484 (target 0) [1]"), breaches.text[:200]
    alone = await Conversation(service).respond("how many 52 week breaches?", "terminal:alone")
    assert alone.text.startswith("RTT > 52 weeks breaches - Incomplete Pathways (Snapshot): April 2022 5,484"), alone.text[:200]


async def test_another_row_of_the_table_quoted_is_asked_at_the_month_asked_before(service):
    """A trial: "% face to face?" after "and feb 20" (primary care appointments, whose answer quoted the table) was asked
    alone and got April's 57.9%. A row of the table the last answer quoted, named by its label, is that row at the
    month the question before asked; a run of the table's values cut from their labels never rides along beside it
    (it had: "184,510 27,119 80,832 ... Apr-22 Feb-20 Enc J Pack 2")."""
    conversation = Conversation(service)
    await conversation.respond("primary care appts april 22", "terminal:gp")
    await conversation.respond("and feb 20", "terminal:gp")
    share = await conversation.respond("% face to face?", "terminal:gp")
    assert share.text.startswith("% face to face: February 2020 73.6% [1]"), share.text[:200]
    assert "184,510" not in share.text, share.text[:400]
    # Words of the quote that label no row ask nothing of it (a review's): prose, a heading or a bullet before one number
    # or a year, the last words of a longer label, a column's header.
    table = "Apr-22 Total appointments 392,268 413,658 % face to face 73.6% 55.6% Month Same Day 1 Day 2 to 7 Days"
    quoted = {
        "face to face follow ups?": "However, face to face follow ups are 14% over plan.",
        "chc budget setting?": "• CHC Budget Setting 2022/23 • Month 2 Finance Report",
        "england?": "ENGLAND 111 Outcomes 1,234",
        "performance committee?": "the Finance and Performance Committee 6 April and 4 May",
        "face to face?": table,
        "same day?": table,
    }
    for message, quote in quoted.items():
        history = (Turn("primary care appts in june 2022", (CitedPassage("icb-performance-report-2022-07", 2, quote),)),)
        assert resolve(message, history).kind is FollowUpKind.STANDALONE, message
    history = (Turn("primary care appts in june 2022", (CitedPassage("icb-performance-report-2022-07", 1, table),)),)
    assert resolve("total appointments?", history).question == "total appointments in june 2022?"


async def test_which_theme_has_the_most_after_a_listing_counts_the_listed_rows_by_theme(service):
    """A trial: "which theme has the most" after "how many actions are in the green plan" was put to the documents alone
    and declined. It asks the themes of the rows listed: the Green Plan's, counted by theme, the most first."""
    conversation = Conversation(service)
    await conversation.respond("how many actions are in the green plan", "terminal:themes")
    themes = (await conversation.respond("which theme has the most", "terminal:themes")).text.splitlines()[0]
    green_plan = Counter(row.theme for row in service.kb.actions if row.source == "cw-ics-green-plan")
    (top, count), = green_plan.most_common(1)
    assert f"Themes ({len(green_plan)}): {top} ({count})," in themes, themes


def test_a_word_pointing_back_after_do_is_what_does_something_not_a_determiner():
    """A trial: "how does that compare to midlands and england" after the A&E 4 hour performance became "how does the
    compare to midlands and england (...)", "compare" taken for a noun "that" was said of."""
    resolved = resolve("how does that compare to midlands and england", asked("whats the a&e 4hr performance for may 22?"))
    assert resolved.question == "how does a&e 4hr performance for may 22 compare to midlands and england"
    # A noun after "that" elsewhere still keeps it: "can gb members go to that meeting" asks of the meeting.
    kept = resolve("can gb members go to that meeting", asked("when does the audit committee meet?"))
    assert kept.question.startswith("can gb members go to the meeting (")


def test_what_the_reviews_found_the_new_follow_up_readings_must_leave_alone():
    """A review of the readings above: a time that is no month a measure is reported for (a target year, a year alone, a
    meeting's day, a turn declined) is not carried onto a measure; a noun after "does that" keeps "that" as "the"; a
    measure word alone ("funding?") may be a new subject, and a measure typed bare after a listing asks nothing of it."""
    for question in ("how will we reach net zero by 2040?", "what was the carbon footprint in 2019/20?", "what did the governing body approve on 18 may 2022?"):
        assert resolve("52 week breaches?", asked(question)).kind is FollowUpKind.STANDALONE, question
    assert resolve("52 week breaches?", asked("rtt 18wk incomplete perf apr 22", abstained=True)).kind is FollowUpKind.STANDALONE
    target = resolve("how does that target compare to england?", asked("whats the a&e 4hr performance for may 22?"))
    assert target.question == "how does the target compare to england (a&e 4hr performance for may 22)?"
    assert resolve("funding?", asked("a&e 4 hour performance in april 2022")).kind is FollowUpKind.STANDALONE
    assert resolve("annual costs?", asked("how much funding is there for the phm posts?")).kind is FollowUpKind.PRONOUN
    listed = resolve("annual costs?", asked("what are the water actions?", action_filter=ActionFilter(theme="Water")), parse_due)
    assert listed.kind is FollowUpKind.STANDALONE and listed.question == "annual costs?"


async def test_which_theme_has_the_most_after_one_themes_listing_is_asked_of_the_table(service):
    """A review: "which theme has the most overdue?" after the water actions said all 4 are in Water; the rows of one
    theme have no other theme to count, so the question is the table's: every overdue action counted by theme."""
    conversation = Conversation(service)
    await conversation.respond("what are the water actions?", "terminal:water")
    themes = (await conversation.respond("which theme has the most overdue?", "terminal:water")).text.splitlines()[0]
    assert "All 4 are in Water" not in themes and "Themes (" in themes, themes


def test_what_a_re_review_found_the_readings_must_leave_alone_too():
    """A re-review: "what's the budget?" after A&E performance had been glued to it (budget words had joined the
    measures); a month carried onto a measure from a question naming no measure ("how may we improve ...", a meeting's
    "in may 2022"), from two months, or onto a fragment asking a question ("52 week breaches, why?"); "does that count
    include GEH?" read "count" as a verb; "Committee for Governing Body" and "This Board" read as a body's name (a body
    the quote does not open on is none "it" stands for: the third review's)."""
    assert resolve("what's the budget?", asked("what is the A&E 4 hour performance for april 2022?")).kind is FollowUpKind.STANDALONE
    for question in ("how may we improve cancer waits?", "who attended the governing body meeting in may 2022?", "rtt 18 week performance between april and may 2022"):
        assert resolve("52 week breaches?", asked(question)).kind is FollowUpKind.STANDALONE, question
    assert resolve("52 week breaches, why?", asked("rtt 18wk incomplete perf apr 22")).kind is FollowUpKind.STANDALONE
    counted = resolve("does that count include GEH?", asked("whats the a&e 4hr performance for may 22?"))
    assert counted.question.startswith("does the count include GEH")
    stacked = resolve("how does that stack up against england?", asked("whats the a&e 4hr performance for may 22?"))
    assert stacked.question == "how does a&e 4hr performance for may 22 stack up against england?"
    for quote in ("Monitored by the Committee for Governing Body assurance.", "This Board reports to the ICB."):
        turn = (Turn("who monitors the corporate risk register?", (CitedPassage("ccg-governing-body-minutes-2022-05", 3, quote),)),)
        assert resolve("who chairs it?", turn).question == "who chairs the corporate risk register?", quote


def test_what_a_third_review_found_the_readings_must_leave_alone():
    """A third review: "who's on it?" after a who-question whose answer names a body only as the object of another's
    reporting ("This Board reports ... into the Commissioning, Planning and Population Health Committee") had been asked
    of that committee, its name cut at the comma; "total variance?" after "chc variance at m3" had been asked of CHC."""
    quote = "This Board reports for assurance into the Commissioning, Planning and Population Health Committee."
    turn = (Turn("who is responsible for delivering the phm programme?", (CitedPassage("cw-phm-roadmap", 15, quote),)),)
    assert "Committee" not in resolve("who's on it?", turn).question
    assert resolve("total variance?", asked("chc variance at m3")).kind is FollowUpKind.STANDALONE


async def test_which_theme_has_the_most_after_a_narrowed_theme_keeps_the_rest_of_the_narrowing(service):
    """A third review: "which theme has the most?" after the travel actions narrowed to 2024's dropped the year and counted
    all 165; the themes asked are of the rows the other constraints hold, 2024's."""
    conversation = Conversation(service)
    await conversation.respond("show me the travel actions", "terminal:travel")
    await conversation.respond("which of those are due in 2024?", "terminal:travel")
    themes = (await conversation.respond("which theme has the most?", "terminal:travel")).text.splitlines()[0]
    in_2024 = (await Conversation(service).respond("what's due in 2024?", "terminal:alone")).text.splitlines()[0]
    count = re.search(r"(\d+) actions are due in 2024", in_2024)
    assert count is not None and f"{count[1]} actions are due in 2024 across" in themes and "Themes (" in themes, themes


async def test_sources_asked_after_an_answer_are_the_answers_and_the_command_stays_the_documents_list(service):
    """Left by two passes, from a trial: "sources?" after a briefing listed all eleven documents (the command), where it
    asks where the answer comes from, as "where does it say that?" does. "sources" typed bare, "/sources", or "sources?"
    with nothing cited before, still lists the documents."""
    conversation = Conversation(service)
    first = await conversation.respond("sources?", "terminal:sources")
    assert first.kind is ReplyKind.SOURCES and first.text.startswith("I know these documents")
    await conversation.respond("what is the ics carbon footprint?", "terminal:sources")
    asked = await conversation.respond("sources?", "terminal:sources")
    assert asked.text.startswith("That comes from:") and "Coventry and Warwickshire ICS Green Plan 2022-2025, p." in asked.text, asked.text[:200]
    for command in ("sources", "/sources"):
        listed = await conversation.respond(command, "terminal:sources")
        assert listed.kind is ReplyKind.SOURCES, command
    briefed = Conversation(service)
    await briefed.respond("brief net zero", "terminal:briefed")
    after = await briefed.respond("sources?", "terminal:briefed")
    assert after.text.startswith("That comes from:"), after.text[:200]


def test_an_age_range_is_a_slot_of_its_own_never_a_year():
    """A review: "and 16-17 year olds?" after a question asked of 2021/22 had put "16-17" in the year's place; a
    re-review: another age range had been put beside the one asked ("what % of 16-17 12-15 year olds ...")."""
    resolved = resolve("and 16-17 year olds?", asked("what was the ccg's deficit in 2021/22?"))
    assert resolved.question == "what was the ccg's deficit in 2021/22 for 16-17 year olds?", resolved.question
    after_a_year = (Turn("what was the ccg's deficit in 2022/23?", PASSAGE, inserted="2022/23"),)
    assert resolve("and 16-17 year olds?", after_a_year).question == "what was the ccg's deficit in 2022/23 for 16-17 year olds?"
    other = resolve("and 12-15 year olds?", asked("what % of 16-17 year olds have had their covid vaccine?"))
    assert other.question == "what % of 12-15 year olds have had their covid vaccine?", other.question
    # A third review: with a time beside it, the age range changes too; two numbers alone are the ages', not a year.
    both = resolve("and 12-15 year olds in 2021/22?", asked("how many 16-17 year olds had boosters in 2022/23?"))
    assert both.question == "how many 12-15 year olds had boosters in 2021/22?", both.question
    numbers = resolve("and 12-15?", asked("what % of people aged 16-17 had boosters by june 2022?"))
    assert numbers.question == "what % of people aged 12-15 had boosters by june 2022?", numbers.question
    # ... but a year where the question names a time (a fourth review's "and 22/23?" had become "22/23 year olds").
    year = resolve("and 22/23?", asked("what % of 16-17 year olds had boosters in 21/22?"))
    assert year.question == "what % of 16-17 year olds had boosters in 22/23?", year.question
