"""Answering a message in its conversation: resolve it (``bot.followup``), then answer what it means.

The answering service stays a black box: a standalone or rewritten question goes
to ``AnsweringService.answer``, a narrowed listing to ``answer_actions``, a page of
a listing to ``answer_from_table``. Only "where does it say that?" is answered
here, from the knowledge base's sentences around the earlier answer's citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from bot.action_answers import ROWS_IN_TEXT, shown_rows
from bot.action_query import (
    ActionDetail,
    ActionFilter,
    ActionListing,
    ActionStatus,
    StatusVerdict,
    actions_described,
    counted_actions,
    describe_matches,
    detail_not_filtered,
    has_number,
    left_out_note,
    nearest_rows_shown,
    row_key,
    rows_briefed,
    status_of_row,
    with_detail_summed_up,
    with_overdue_deadline,
)
from bot.answering import MAX_SENTENCES, MIN_SUPPORTING_PROBABILITY, Answer, AnsweringService, Citation
from bot.facts import (
    FactKind,
    asks_an_amount,
    asks_money_by_name,
    count_spans,
    counts_given,
    has_figure,
    is_money,
    is_talk,
    wanted_fact_kinds,
)
from bot.followup import (
    DEFAULT_TUNABLES,
    CitedPassage,
    FollowUpKind,
    Resolution,
    Tunables,
    Turn,
    WordSense,
    asks_a_figure_of_it,
    names_a_month,
    page_start,
    remember,
    resolve,
)
from bot.missing import what_is_missing
from bot.quoting import Quoter
from index.records import ActionRow
from index.search import NO_FILTERS, Filters
from index.store import KnowledgeBase
from index.text import and_list, is_list_item, mostly_web_addresses, tokenize, without_whitespace
from index.vocabulary import CAPTION, STOPWORDS
from index.word_meaning import TypedWordLikeness, pairs_written_together

# Sentences shown around a cited one for "where does it say that?" (before, after) and after it
# for "tell me more about the second point". Chosen on the drill dialogues of eval/dialogues.jsonl
# (three of them): one sentence either side shows what the quote stands in; two after it say more.
SENTENCES_AROUND = (1, 1)
SENTENCES_AFTER = 2
# "tell me more about the second point" of a quoted list: the sentences searched for the item, and at most how many
# are shown (as many as an answer quotes). Set by hand.
MORE_ABOUT_CANDIDATES = 20
# Sentences the ranker is asked for when an ellipsis names an organisation the answer's quotes do not: one naming it on a
# quoted page may answer. Set by hand, as MORE_ABOUT_CANDIDATES.
BODY_CANDIDATES = 20
MORE_ABOUT_SENTENCES = MAX_SENTENCES
NOTHING_MORE = "That was the whole list: there are no more actions in it."
WHOLE_LIST_AGAIN = "That was the whole list ({count}); here it is again."
NOTHING_TO_CONTINUE = (
    "There is nothing to continue: \"more\" shows the rest of an action list, or more of the passages an "
    "answer quoted. Ask a question first."
)
# "more" after a briefing: a trial's comms officer got NOTHING_TO_CONTINUE, as if nothing had been said.
WHOLE_BRIEFING = (
    "That was the whole briefing. Ask \"tell me more about point 2\" for the passage behind a point, or ask a question "
    "about the topic."
)
# "where does it say that?" after a decline: a trial's had been searched for as a question of its own.
NOTHING_FOUND_TO_CITE = (
    "The last question found no passage that answers it, so there is no source to show. Try asking it in other words, "
    "or naming the document or the organisation it is about."
)
# "more" after a decline: a trial read "Ask a question first" as not having been heard.
NOTHING_FOUND_TO_CONTINUE = (
    "The last question found no passage that answers it, so there is nothing more of it to show. Try asking it in "
    "other words, or naming the document or the organisation it is about."
)
NOTHING_TO_DRILL = "I couldn't find the passage that answer came from any more. Please ask the question again."
NOTHING_AFTER = "The pages say nothing more after that: each passage ends its page."
NO_SUCH_ROW = "The last list showed {count} {actions}: which one do you mean?"
NO_SUCH_POINT = "The briefing has {count}: which one do you mean?"
NO_NUMBERED_ROW = "The last list has no action numbered {number}: which one do you mean?"
SEVERAL_NUMBERED = "Several actions of the last list are numbered {number} (in {themes}): which theme do you mean?"
# A briefing's "What happens next" asked about by a number it did not show, or after a briefing that listed none.
NO_SUCH_BRIEFED_ROW = "The briefing showed {count} {actions} under “What happens next”: which one do you mean?"
NONE_BRIEFED = (
    "The briefing listed no actions: the action table has none on “{topic}”. Ask about the actions of a theme, a lead "
    "or a due year (\"what's due in 23/24?\"), or ask a question about the topic."
)


# "the workforce one": one action like the one listed, not all of a kind ("the workforce ones").
_ONE_LIKE_IT = re.compile(r"\bone\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class ContextualAnswer:
    """An answer, what the message was taken to mean, and the conversation's next state."""

    answer: Answer
    resolution: Resolution
    history: tuple[Turn, ...]


def status_said(rows: list[ActionRow], status: ActionStatus, today: date, numbers: list[str] | None = None) -> str:
    """Whether listed rows have the status a yes/no question asks ("Yes: it is overdue.", "No: none of them is closed."),
    each read as ``status_of_row`` reads it; several rows with different answers are told by their numbers ("Open: no.
    2. No status given: no. 16."): those printed, or ``numbers`` (those they were asked by, one a row)."""
    asked = status.value
    verdicts = [status_of_row(row, status, today) for row in rows]
    if len(rows) == 1:
        return {
            StatusVerdict.YES: f"Yes: it is {asked}.",
            StatusVerdict.NO: f"No: it is not {asked}.",
            StatusVerdict.NO_STATUS: f"Its document gives it no status, so I can't say whether it is {asked}.",
            StatusVerdict.NO_DATE: f"It is not marked closed, but its due date, “{rows[0].due}”, is no date to be {asked} by.",
            StatusVerdict.PAST_DUE: f"It was due {rows[0].due}, which has passed; its document gives no status, so it may be done.",
        }[verdicts[0]]
    if all(v is StatusVerdict.YES for v in verdicts):
        return f"Yes: {'both' if len(rows) == 2 else f'all {len(rows)}'} are {asked}."
    if all(v is StatusVerdict.NO for v in verdicts):
        return f"No: {'neither' if len(rows) == 2 else 'none of them'} is {asked}."
    said = {
        StatusVerdict.YES: asked.capitalize(),
        StatusVerdict.NO: f"Not {asked}",
        StatusVerdict.NO_STATUS: "No status given",
        StatusVerdict.NO_DATE: f"Not marked closed, with no date to be {asked} by",
        StatusVerdict.PAST_DUE: "Past their due date, with no status given",
    }
    told = numbers if numbers is not None else [row.number for row in rows]
    groups = {v: [number for number, w in zip(told, verdicts) if w is v] for v in StatusVerdict}
    return " ".join(f"{said[v]}: no. {and_list(numbers)}." for v, numbers in groups.items() if numbers)


def _row_named(row: ActionRow) -> str:
    """A row as a listing prints it: "Workforce action 12"."""
    return f"{row.theme} action {row.number.rstrip('.')}" if row.theme else f"action {row.number.rstrip('.')}"


def _columns_to_say(resolution: Resolution) -> ActionDetail | None:
    """The columns a follow-up asks of listed rows: "when due?" of the actions due in 22/23 is answered as asked ("Both
    are due 2022/23."), but of "who leads them and when are they due?" only the leads are new (a review: "All 68 are
    due 2023/24." after "whats due in 23/24")."""
    detail, listed = resolution.detail, resolution.action_filter
    return detail_not_filtered(detail, listed) if detail is ActionDetail.LEAD_AND_DUE and listed is not None else detail


def _still_briefed(last: Turn, turn: Turn) -> Turn:
    """The turn after a briefing's, keeping what it says of the briefing's actions: a turn that keeps the briefing's points
    ("tell me more about point 2", "where does it say that?") keeps its actions too, so "who leads them?" next asks of
    them; a turn about one of its rows ("and when is it due?" after "who owns no 4?") still numbers them as the briefing
    showed them ("and no 6?")."""
    if last.points and turn.points and last.action_filter is not None and turn.action_filter is None:
        return replace(turn, action_filter=last.action_filter, rows_shown=last.rows_shown, briefed=last.briefed)
    if last.briefed and turn.action_filter == last.action_filter and turn.row is not None:
        return replace(turn, rows_shown=last.rows_shown, briefed=True)
    return turn


@lru_cache(maxsize=1)
def written_together(kb: KnowledgeBase) -> frozenset[tuple[str, str]]:
    """The pairs of words the knowledge base's documents write as one name, read once per knowledge base (the
    dialogue evaluation makes an answerer for each dialogue; a new build's are read off the event loop, by
    ``bot.runtime.KnowledgeBaseWatcher``)."""
    return pairs_written_together(sentence.text for _, sentence in kb.sentences)


class FollowUpAnswerer:
    """Answers a message with the conversation's recent turns as context."""

    def __init__(self, service: AnsweringService, tunables: Tunables = DEFAULT_TUNABLES) -> None:
        self.service = service
        self.tunables = tunables
        together = written_together(service.kb)
        self.sense = WordSense(
            TypedWordLikeness(
                service.corpus_words, service.embedder.embed, lambda word: bool(tokens := tokenize(word)) and all(map(service.searcher.knows, tokens))
            ),
            lambda word: word.lower() not in service.actions.ordinary_words,
            lambda first, second: (first, second) in together,
            service.features.initials_names.get,
        )

    def resolve(self, message: str, history: tuple[Turn, ...]) -> Resolution:
        resolution = resolve(message, history, self._parse_actions, self.tunables, self.sense, self.service.actions.lists_any)
        if resolution.action_filter is not None:
            # A listing's "overdue" kept with a due a follow-up swapped in ("and next month?", "and 23/24?") is overdue
            # only by today's deadline: none of a year not yet over had been called overdue.
            resolution = replace(resolution, action_filter=with_overdue_deadline(resolution.action_filter, self.service.today()))
        return self._in_the_document_listed(resolution, history[-1]) if history and _ONE_LIKE_IT.search(message) else resolution

    def _in_the_document_listed(self, resolution: Resolution, last: Turn) -> Resolution:
        """ "and the workforce one?" after a listing of one document's actions (the NHS England letter's) asks for
        that document's workforce action when it has one, not the Green Plan's seventeen (a trial); "and the
        workforce ones?" after the Green Plan's water actions asks for all of them, the letter's too (a review)."""
        briefed = last.action_filter.briefed if last.action_filter is not None else None
        # After a briefing, the documents of its actions (its citations are its points').
        listed = {key.source for key in rows_briefed(briefed)} if briefed else {cited.slug for cited in last.citations}
        asked = resolution.action_filter
        if resolution.kind is not FollowUpKind.ELLIPSIS or asked is None or asked.source or last.action_filter is None or len(listed) != 1:
            return resolution
        document = listed.pop()
        if all(row.source == document for row in self.service.actions.listing(asked).rows()):
            return resolution  # that document's actions already: no need to say so
        within = replace(asked, source=document)
        listing = self.service.actions.listing(within)
        return replace(resolution, action_filter=within) if listing.groups and listing.nearest is None else resolution

    def answer(self, message: str, history: tuple[Turn, ...], filters: Filters = NO_FILTERS) -> ContextualAnswer:
        # Read as the answering service reads a question ("Who Leads It?" names nothing by its capitals).
        message = self.service.searcher.with_capitals_only_on_names(message)
        resolution = self.resolve(message, history)
        answer, turn = self.perform(resolution, filters)
        if history:
            turn = _still_briefed(history[-1], turn)
        if history and history[-1].paged and turn.action_filter is not None and turn.action_filter == history[-1].action_filter:
            # "who leads them?" after the list was shown again: the same rows once more, so "more" next says it is over
            # (a re-review had the list shown a third time).
            turn = replace(turn, paged=True)
        rule = self.tunables.decline_without_new_figure and bool(history)
        declined = (self.declined_without_new_figure(message, resolution, history, answer) if rule else None) or self.declined_without_a_figure(
            message, history, answer
        )
        if declined is not None:
            answer, turn = declined, replace(turn, citations=(), abstained=True)
        if is_talk(resolution.question):
            # "thanks", "ok great": no turn of the conversation, so "who chairs it?" next still asks of what was
            # asked before (a re-review: "who chairs thanks?").
            return ContextualAnswer(answer, resolution, history)
        return ContextualAnswer(answer, resolution, remember(history, turn))

    def declined_without_a_figure(self, message: str, history: tuple[Turn, ...], answer: Answer) -> Answer | None:
        """A decline for "whats the actual figure?" answered with passages giving none (a review: the SMI health
        checks' actions); None when the answer stands. Not fitted: it always applies, in the dialogue evaluation too."""
        if not history or answer.abstained or not asks_a_figure_of_it(message) or any(has_figure(c.quote) for c in answer.citations):
            return None
        return self.service.declined_for_what_is_missing(answer, "The passages found give no figure for that.", "a figure asked of it, none quoted")

    def declined_without_new_figure(self, message: str, resolution: Resolution, history: tuple[Turn, ...], answer: Answer) -> Answer | None:
        """A decline for "how many people came?" after an answer giving "over 30 stands", when the passages found give
        no count or amount the conversation had not given already: the figure asked for is not there, and the one that
        is counts something else, which the asker has seen. Asking again ("how many people came to it?") is declined
        again. A figure given before still answers when a word of the message's own is among the three after it
        ("how much was the surplus?" after "£4.4m surplus plan"), or when the message asks nothing of its own ("how
        many are there?"). Only for a message that asks a count or an amount itself ("how many", "how much", a
        cost), leaning on what was said ("how many of them had type 2?"), not for "and for women?",
        which asks the same measure of another group and may well be answered by the same row; nor for "what
        percentage ...". None when the answer stands."""
        if resolution.kind is not FollowUpKind.PRONOUN or answer.abstained or answer.actions is not None:
            return None
        if FactKind.COUNT not in wanted_fact_kinds(message) and not asks_an_amount(message):
            return None
        spans = [(c.quote, span) for c in answer.citations for span in count_spans(c.quote)]
        if asks_money_by_name(message):  # "how much did it cost?" is not answered by "22 colleagues"
            spans = [(quote, span) for quote, span in spans if is_money(span[0], quote)]
        found = {value for _, (value, _, _) in spans}
        if found - set().union(*(counts_given(passage.quote) for turn in history for passage in turn.citations)):
            return None
        # Words the message asks of its own; a figure it names ("type 2") is part of what it asks about, no count.
        named = counts_given(message)
        asked = set(tokenize(message)) - STOPWORDS - _COUNT_QUESTION_WORDS - set(tokenize(" ".join(named)))
        if not asked:
            return None  # "how many of them are there?" after "three GP federations": the count shown answers it
        if any(asked & _words_after(quote, start, end) for quote, (value, start, end) in spans if value not in named):
            return None
        missing = "The passages found give no figure for that beyond those already given." if found else "The passages found give no figure for that."
        return self.service.declined_for_what_is_missing(answer, missing, "no count or amount the conversation had not given")

    def perform(self, resolution: Resolution, filters: Filters = NO_FILTERS) -> tuple[Answer, Turn]:
        """The answer to a resolved message, and the turn to remember."""
        kind = resolution.kind
        if kind is FollowUpKind.MORE and resolution.points:
            briefing = Turn(resolution.question, resolution.citations, subject=resolution.subject, points=True)
            return Answer(WHOLE_BRIEFING, [], abstained=True), briefing
        if kind is FollowUpKind.MORE and resolution.action_filter is None:
            said = NOTHING_FOUND_TO_CONTINUE if resolution.nothing_found else NOTHING_TO_CONTINUE
            return Answer(said, [], abstained=True), Turn(resolution.question, (), True)
        if kind is FollowUpKind.DRILL and resolution.nothing_found:  # "where does it say that?" after a decline
            return Answer(NOTHING_FOUND_TO_CITE, [], abstained=True), Turn(resolution.question, (), True)
        if kind is FollowUpKind.MORE:
            return self._page(resolution)
        if resolution.nothing_listed:  # "who leads them?" after a briefing with no actions on its topic
            said = NONE_BRIEFED.format(topic=resolution.question)
            return Answer(said, [], abstained=True), Turn(resolution.question, resolution.citations, True, subject=resolution.subject, points=True)
        if resolution.briefed and resolution.action_filter is not None:  # "who owns no 4?" after a briefing
            return self._briefed_rows(resolution)
        if resolution.number is not None and resolution.action_filter is not None:  # "who leads no 14?"
            return self._numbered_row(resolution)
        if resolution.row is not None and resolution.action_filter is not None:  # "who leads the first one?"
            return self._one_row(resolution)
        if resolution.calendar_year is not None and resolution.action_filter is not None:  # "and in 2024?" after a listing
            # As the question it stands for is answered ("which water actions are due in 2025?"): the listing's other
            # constraints kept, under the note on the calendar year, or the note alone.
            asked = replace(resolution.action_filter, due=None)
            answer = self.service.actions_due_in_calendar_year(str(resolution.calendar_year), asked, resolution.detail)
            return answer, self.turn_of(resolution, answer)
        if resolution.detail is not None and resolution.action_filter is not None:  # "who leads them?" after a listing
            listing = self.service.actions.listing(resolution.action_filter)
            detail = _columns_to_say(resolution)
            listing = with_detail_summed_up(listing, detail) if detail is not None else listing
            answer = self.service.answer_from_table(listing)
            return answer, self.turn_of(resolution, answer)
        if kind is FollowUpKind.NARROW or (kind is FollowUpKind.ELLIPSIS and resolution.action_filter is not None):
            assert resolution.action_filter is not None  # resolve() gives NARROW the narrowed filter, ELLIPSIS a listing's new one
            answer = self.service.answer_actions(resolution.action_filter)
            return answer, self.turn_of(resolution, answer)
        if kind is FollowUpKind.DRILL and resolution.no_such_point:  # "the ninth point" of a briefing of eight
            count = len(resolution.citations)
            said = NO_SUCH_POINT.format(count=f"{count} point" if count == 1 else f"{count} points")  # a trial saw "1 points"
            return Answer(said, [], abstained=True), Turn(resolution.question, resolution.citations, True, subject=resolution.subject, points=True)
        if kind is FollowUpKind.DRILL and resolution.point:
            answer = self._more_about(resolution)
            return answer, self._drilled(resolution, answer, _cited(answer), resolution.point)
        if kind is FollowUpKind.DRILL:
            shown = resolution
            if resolution.points and not resolution.expand and (one := tuple(c for c in resolution.citations if c.quote == resolution.subject)):
                # "where does it say that?" after "tell me more about point 1": that point's passage, not every point's (a
                # trial); the turn still holds them all, for "and point 3?" next.
                shown = replace(resolution, citations=one)
            answer = self._passages(shown)
            # After "more", what was shown before stays shown: the next "more" goes on past all of it.
            cited = tuple(dict.fromkeys(resolution.citations + _cited(answer))) if resolution.expand else _cited(answer)
            return answer, self._drilled(resolution, answer, cited, resolution.subject)
        typed = resolution.typed if self.tunables.lead_with_words_typed else frozenset()
        answered = self.service.answer(resolution.question, filters, typed)
        answer = self._another_body_given(resolution, self._another_time_given(resolution, answered))
        return answer, self.turn_of(resolution, answer)

    @staticmethod
    def _drilled(resolution: Resolution, answer: Answer, cited: tuple[CitedPassage, ...], subject: str) -> Turn:
        """The turn a drill leaves: what it cited; after a briefing its points still, so "and the third point?" next
        is the briefing's third (a re-review: it had been the third passage of the drill's answer)."""
        if resolution.points:
            return Turn(resolution.question, resolution.citations, answer.abstained, subject=subject, points=True)
        return Turn(resolution.question, cited, answer.abstained, subject=subject)

    def _another_body_given(self, resolution: Resolution, answer: Answer) -> Answer:
        """The answer to the last question asked of another organisation ("and geh?"), or a decline saying its
        passages do not mention it: answered alone, a page naming GEH anywhere lets a passage on the system, or on
        another trust, through (a trial: "and geh?" after the system's 62-day performance got the system's 51.5% again,
        "and at geh?" after UHCW's breast two week wait UHCW's and SWFT's breaches). Only for the organisations the
        documents give initials for (``AnsweringService.organisations``), named by them or by name ("george eliot"),
        and found in the quotes either way ("South Warwickshire NHS Foundation Trust" names SWFT). A sentence on a
        page the answer quoted that names it and at most one other of them answers instead (a dialogue's "and uhcw?" after
        SWFT's EV charging points: UHCW's are on the same page; "GEH could learn best practice from SWFT, as their DPI
        percentage is much lower at 5%"; not a table's row of every trust's figures)."""
        if resolution.kind is not FollowUpKind.ELLIPSIS or answer.abstained or answer.actions is not None:
            return answer
        service = self.service
        asked = service.organisations_named(resolution.inserted)
        if not asked or asked <= service.organisations_named(" ".join(c.quote for c in answer.citations)):
            return answer
        shown = " and ".join(sorted(asked))
        pages = {(c.slug, c.page) for c in answer.citations}
        # The words of the measure asked, not the organisations' names: a sentence naming another body too must hold one.
        measure = set(tokenize(resolution.question)) - STOPWORDS - {t for o in asked for t in tokenize(o)}
        for ranked in service.rank_sentences(resolution.question, k=BODY_CANDIDATES):
            slug, sentence = service.kb.sentences[ranked.sentence_id]
            named = service.organisations_named(sentence.text)
            # It and at most one other, when it holds a word of the measure asked: "GEH could learn best practice from SWFT,
            # as their DPI percentage is much lower at 5%" answers "and geh?" after SWFT's 32% DPIs (a trial's); "UHCW and
            # SWFT failed to achieve the 62 day standard" does not answer "and for swft?" after UHCW's 2ww (a review's); a
            # row of every trust's does not either.
            alone_or_measured = named == asked or (len(named - asked) == 1 and bool(measure & service.searcher.sentence_tokens(ranked.sentence_id)))
            if ranked.score >= MIN_SUPPORTING_PROBABILITY and (slug, sentence.page) in pages and asked <= named and alone_or_measured:
                return _quoting(service.kb, f"For {shown}, the page says:", [(slug, sentence.page, sentence.text)])
        return service.declined_for_what_is_missing(answer, f"The passages found do not mention {shown}.", f"the passages do not mention {shown}")

    def _another_time_given(self, resolution: Resolution, answer: Answer) -> Answer:
        """The answer to the last question asked of another month ("and in june?"), or a decline saying which months
        its passages give when they do not give that one: answered alone, a page naming June somewhere lets the
        evidence for May through (a trial: "and in May?" after April's two week wait got April's again). Not for a
        year: a month's figure may well be one of the year asked ("and in 2021/22?" after March 2022, a review)."""
        if resolution.kind is not FollowUpKind.ELLIPSIS or not names_a_month(resolution.inserted) or answer.abstained or answer.actions:
            return answer
        # Anywhere in the answer: its text says a table row's month ("April 2022 79.0%"), and the time asked may be
        # a later quote's ("4 July - 219 in attendance" after the May and June briefings). Only the lead point would
        # be stricter, and declines that one.
        quoted = " ".join([answer.text, *(c.quote for c in answer.citations)])
        lead_quote = answer.citations[0].quote if answer.citations else ""
        missing = what_is_missing(resolution.question, frozenset(tokenize(quoted)), lead_quote, ())
        return self.service.declined_for_what_is_missing(answer, missing, f"the passages do not give {resolution.inserted}") if missing else answer

    def _more_about(self, resolution: Resolution) -> Answer:
        """What else the documents say about an item of a quoted list ("tell me more about the second point"): the
        sentences the ranker finds for the item, other than the passage quoted, that share a word with it, those at
        least the follow-on share of the best of them (as an answer takes its sentences); or that they say no more.
        The ranker's probabilities are low here (the item itself, once quoted, outranks everything), so the bar is
        relative, not the answer's."""
        service, kb = self.service, self.service.kb
        shown = {i for passage in resolution.citations for i in _sentence_ids_of(service.quoter, passage)}
        shown |= _rest_of_its_list(kb, shown)  # a quote may stop short of its list's end (a review)
        words = set(tokenize(resolution.point))
        found = [
            ranked
            for ranked in service.rank_sentences(resolution.point, k=MORE_ABOUT_CANDIDATES)
            if ranked.sentence_id not in shown
            and not service.features.has_nothing_to_quote(ranked.sentence_id)
            and not CAPTION.match(kb.sentences[ranked.sentence_id][1].text)  # "Figure 26 Stacked bar chart ...": no claim
            and not mostly_web_addresses(kb.sentences[ranked.sentence_id][1].text)  # a link alone says nothing (a trial)
            and words & set(tokenize(kb.sentences[ranked.sentence_id][1].text))
        ]
        if not found:
            return Answer(f"The documents say no more about “{resolution.point}” than the passage quoted.", [], abstained=True)
        bar = service.models.follow_on_share * found[0].score
        chosen = [kb.sentences[r.sentence_id] for r in found if r.score >= bar][:MORE_ABOUT_SENTENCES]
        return _quoting(kb, f"More on “{resolution.point}”:", [(slug, sentence.page, sentence.text) for slug, sentence in chosen])

    def _rows_where_listed(self, action_filter: ActionFilter, cited: tuple[CitedPassage, ...]) -> Answer:
        """ "where does it say that?" after an action listing: each row it listed on the pages it cited, quoted where its
        table has it. The sentences around a row are the table's other rows run together (a trial was shown row 10's
        lead and status before the maternity action it asked about), and one citation of a page quotes every row
        between the first and last listed, those a narrowing left out too (a review)."""
        kb = self.service.kb
        pages = {(passage.slug, passage.page) for passage in cited}
        rows = [row for row in shown_rows(self.service.actions.listing(action_filter)) if (row.source, row.page) in pages]
        quoted = [(row, quote) for row in rows if (quote := self.service.actions.row_quote(row))]
        quoted = [(row, quote) for row, quote in quoted if without_whitespace(quote) in without_whitespace(kb.page_text(row.source, row.page))]
        if not quoted:
            return Answer(NOTHING_TO_DRILL, [], abstained=True)
        return _quoting(kb, "That comes from:", [(row.source, row.page, quote) for row, quote in quoted], where=", in its table of actions")

    def _parse_actions(self, text: str):
        return self.service.action_filter(text)

    def turn_of(self, resolution: Resolution, answer: Answer) -> Turn:
        """What to remember of an answer: its question and citations, and for a listing its filter and rows shown."""
        listing = answer.actions
        action_filter = None
        shown = 0
        subject = resolution.subject
        if listing is not None and listing.groups:
            # The filter it was listed by: the question read again may not say all of it ("due in 2024").
            action_filter = listing.filter or resolution.action_filter or self.service.action_filter(resolution.question)
            shown = min(ROWS_IN_TEXT, len(listing.rows()))
            if action_filter is not None and resolution.kind in (FollowUpKind.NARROW, FollowUpKind.ELLIPSIS):
                # "what's the progress on them?" after "and the green space ones?": the green space actions, not
                # the waste ones the conversation began with (a trial).
                subject = actions_described(action_filter, self.service.actions.titles)
        elif listing is not None and (nearest := nearest_rows_shown(listing)):
            # Nothing matched and the nearest rows were shown ("Nearest: without the due date, 4 actions match"):
            # "who leads them?" next is about those rows (a review: it had listed the leads of all 165 actions).
            action_filter, shown = listing.nearest.filter if listing.nearest else None, len(nearest)
        elif listing is not None and not listing.groups and (asked := resolution.action_filter or self.service.action_filter(resolution.question)):
            # Nothing matched and nothing near ("No actions match: led by SWFT."): "when are they due?" next asks of no
            # rows, not of all 165 actions (a review).
            action_filter = asked
        elif answer.abstained and asks_an_amount(resolution.question):
            # An amount asked of actions and declined ("what is the cost of the water actions?"): the actions are
            # the subject of "who leads them?" and "more" next, none of their rows shown yet.
            asked = self.service.action_filter(resolution.question)
            action_filter = asked if asked is not None and self.service.actions.listing(asked).groups else None
        return Turn(
            resolution.question, _cited(answer), answer.abstained, action_filter, shown, resolution.inserted, subject,
            said=_said_beside_quotes(answer),
        )

    def _one_row(self, resolution: Resolution) -> tuple[Answer, Turn]:
        """One row of the last listing by its place on the page of it shown last (after "more", the rows that
        "more" showed), with the column asked about. The conversation goes on with the whole listing ("which of
        those ...", "more") and with that row for "it"."""
        assert resolution.row is not None
        rows, shown = self._listed(resolution)
        start = page_start(shown)
        place = shown + resolution.row if resolution.row < 0 else resolution.row
        # A row remembered for "it" ("and when is it due?" after "who leads no 17?") may be off the page shown; a place
        # asked ("the fourth one") is on it.
        remembered = resolution.kind is FollowUpKind.PRONOUN and 0 <= place < len(rows)
        if not (start <= place < shown or remembered):
            count = shown - start
            text = NO_SUCH_ROW.format(count=count, actions="action" if count == 1 else "actions")
            return Answer(text, [], abstained=True), Turn(resolution.question, (), True, resolution.action_filter, shown)
        return self._row_at(resolution, rows, [place], shown)

    def _numbered_row(self, resolution: Resolution) -> tuple[Answer, Turn]:
        """The rows of the last listing printed with the numbers asked ("who leads no 14?", "and 2 and 3?"). Numbers
        start again in each theme: a number several rows of the listing have means the one on the page shown last;
        when none or several of those have it, the user is asked which theme, and the conversation keeps the number
        ("the waste one" then answers)."""
        assert resolution.action_filter is not None and resolution.number is not None
        rows, shown = self._listed(resolution)
        start = page_start(shown)
        meant, unclear = [], []
        for number in resolution.number.split(","):
            numbered = [place for place, row in enumerate(rows) if has_number(row, number)]
            on_page = [place for place in numbered if start <= place < shown]
            if len(numbered) == 1 or len(on_page) == 1:
                meant.append((on_page or numbered)[0])
            else:
                unclear.append((number, numbered))
        if unclear:
            number, numbered = unclear[0]
            if not numbered:
                text = NO_NUMBERED_ROW.format(number=number)
                return Answer(text, [], abstained=True), Turn(resolution.question, (), True, resolution.action_filter, shown)
            themes = and_list(list(dict.fromkeys(rows[place].theme for place in numbered)))
            asked = replace(resolution.action_filter, number=number)  # "the waste one" narrows these to one
            text = SEVERAL_NUMBERED.format(number=number, themes=themes)
            return Answer(text, [], abstained=True), Turn(resolution.question, (), True, asked, 0, status_asked=resolution.status_asked)
        return self._row_at(resolution, rows, meant, shown)

    def _briefed_rows(self, resolution: Resolution) -> tuple[Answer, Turn]:
        """Rows of a briefing's "What happens next" by the numbers it showed them with ("who owns no 4?": the fourth it
        showed; "the last one"), with the column asked about, as a listing's rows are answered. The conversation goes on
        with all the briefing's actions ("which of those ...", "more") and with that row for "it"; numbers still count
        as the briefing showed them ("and no 6?"). A number it did not show is asked about again, its points kept."""
        listed = resolution.action_filter
        assert listed is not None and listed.briefed
        shown = rows_briefed(listed.briefed)[: resolution.offset]
        if resolution.number is not None:
            places = [int(number) - 1 for number in resolution.number.split(",")]
        else:
            places = [resolution.row if resolution.row is not None and resolution.row >= 0 else len(shown) + (resolution.row or 0)]
        rows = self.service.actions.listing(listed).rows()
        where = {row_key(row): place for place, row in enumerate(rows)}
        meant = [where[shown[place]] for place in places if 0 <= place < len(shown) and shown[place] in where]
        if len(meant) < len(places) or not meant:
            said = NO_SUCH_BRIEFED_ROW.format(count=len(shown), actions="action" if len(shown) == 1 else "actions")
            kept = Turn(
                resolution.question, resolution.citations, True, listed, resolution.offset, subject=resolution.subject,
                points=resolution.points, briefed=True,
            )
            return Answer(said, [], abstained=True), kept
        answer, turn = self._row_at(replace(resolution, number=None, row=None), rows, meant, resolution.offset, [str(place + 1) for place in places])
        return answer, replace(turn, briefed=True)

    def _listed(self, resolution: Resolution) -> tuple[list[ActionRow], int]:
        """The rows of the listing a follow-up is about, and how many of them had been shown."""
        assert resolution.action_filter is not None
        rows = self.service.actions.listing(resolution.action_filter).rows()
        return rows, min(resolution.offset or ROWS_IN_TEXT, len(rows))

    def _row_at(
        self, resolution: Resolution, rows: list[ActionRow], places: list[int], shown: int, told_as: list[str] | None = None
    ) -> tuple[Answer, Turn]:
        """Rows of the listing, with the column asked about; the conversation goes on with the whole listing, and with
        the row for "it" when there is one. ``told_as``: the numbers the rows were asked by, when the table prints them
        with others (a briefing's "What happens next" numbers what it shows from 1)."""
        assert resolution.action_filter is not None
        chosen = [rows[place] for place in places]
        listing = describe_matches(chosen, resolution.action_filter, self.service.kb.actions, self.service.actions.titles)
        if told_as is not None:  # "who owns no 4?" after a briefing: which of the table's rows that is, as it prints it
            be = "is" if len(chosen) == 1 else "are"
            listing = replace(listing, summary=f"The briefing's no. {and_list(told_as)} {be} the table's {and_list([_row_named(row) for row in chosen])}.")
        if resolution.status_asked is not None:  # "is no 4 overdue?": yes or no in the first line
            said = status_said(chosen, resolution.status_asked, self.service.today(), told_as)
            listing = replace(listing, summary=f"{said} {listing.summary}")
        detail = _columns_to_say(resolution)
        answer = self.service.answer_from_table(with_detail_summed_up(listing, detail) if detail is not None else listing)
        one = len(places) == 1
        turn = Turn(
            resolution.question, _cited(answer), False, resolution.action_filter, shown,
            subject=chosen[0].action.rstrip(". ") if one else "", row=places[0] if one else None,
            status_asked=resolution.status_asked,
        )
        return answer, turn

    def _page(self, resolution: Resolution) -> tuple[Answer, Turn]:
        """The next screenful of the last listing, headed by where it is in the whole."""
        assert resolution.action_filter is not None  # resolve() gives MORE the last listing's filter
        full = self.service.actions.listing(resolution.action_filter)
        rows = full.rows()
        start = resolution.offset
        page = rows[start : start + ROWS_IN_TEXT]
        turn = Turn(resolution.question, (), False, resolution.action_filter, start + len(page), paged=True)
        if not page and resolution.may_show_again and 0 < start == len(rows) <= ROWS_IN_TEXT:
            # The listing was shown whole in one message, so "show me the rest" asks for what the reader missed of
            # it (a long message folded in Teams, or scrolled past): say so and show it again, cited.
            again = replace(full, summary=f"{WHOLE_LIST_AGAIN.format(count=counted_actions(len(rows)))} {full.summary}")
            answer = self.service.answer_from_table(again)
            return answer, replace(turn, citations=_cited(answer))
        if not page:
            return Answer(NOTHING_MORE, [], abstained=False), turn
        groups: dict = {}
        for row in page:
            groups.setdefault(row.theme, []).append(row)
        end = start + len(page)
        summary = f"Actions {start + 1}–{end} of {len(rows)}: {full.summary.rstrip('.')}."
        answer = self.service.answer_from_table(ActionListing(summary, groups))
        rest = rows[end:]
        if rest:
            answer = replace(answer, text=f"{answer.text}\n\n{left_out_note(rest)}")
        return answer, replace(turn, citations=_cited(answer))

    def _passages(self, resolution: Resolution) -> Answer:
        """Each cited passage with the sentences around it, cited again; or, to say more, what each page
        says after the last of its passages, so nothing the conversation showed is shown again and the
        next "more" goes on from there."""
        kb = self.service.kb
        if resolution.action_filter is not None and not resolution.expand:
            return self._rows_where_listed(resolution.action_filter, resolution.citations)
        passages = [(passage, ids) for passage in resolution.citations if (ids := _sentence_ids_of(self.service.quoter, passage))]
        if resolution.expand:  # one continuation a page, after the last sentence of it shown so far
            furthest: dict[tuple[str, int], tuple[CitedPassage, list[int]]] = {}
            for passage, ids in passages:
                key = (passage.slug, passage.page)
                if key not in furthest or ids[-1] > furthest[key][1][-1]:
                    furthest[key] = (passage, ids)
            runs = [(passage, ids[-1] + 1, ids[-1] + SENTENCES_AFTER) for passage, ids in furthest.values()]
        else:
            runs = [(passage, ids[0] - SENTENCES_AROUND[0], ids[-1] + SENTENCES_AROUND[1]) for passage, ids in passages]
        clipped: list[tuple[CitedPassage, int, int]] = []
        shown_pages = {(p.slug, p.page) for p, _ in passages}  # a page with passages of its own goes on from them
        for passage, first, last in runs:
            page_ids = kb.page_sentence_ids(passage.slug, passage.page)
            first, last = max(first, page_ids.start), min(last, page_ids.stop - 1)
            following = _section_goes_on(kb, passage, page_ids) if first > last and resolution.expand else None
            if following is not None and (following[0].slug, following[0].page) not in shown_pages:
                # "more" after a passage that ends its page goes on over the page break while its section does (a
                # trial's "more" after a table closing its page got "The pages say nothing more after that").
                passage, page_ids = following
                first, last = page_ids.start, min(page_ids.start + SENTENCES_AFTER - 1, page_ids.stop - 1)
            if first > last:
                continue  # the passage ends its page: nothing more there
            if resolution.expand:  # "more" goes on with prose: a reference list is not more of the answer
                first, last = _prose_run(kb, first, page_ids.stop - 1, last - first + 1)
                if first > last:
                    continue
            clipped.append((passage, first, last))
        merged = [(passage.slug, passage.page, " ".join(kb.sentences[i][1].text for i in range(first, last + 1))) for passage, first, last in _merged(clipped)]
        if not merged:
            return Answer(NOTHING_AFTER if passages and resolution.expand else NOTHING_TO_DRILL, [], abstained=True)
        return _quoting(kb, "It goes on:" if resolution.expand else "That comes from:", merged)


# The words that ask for a count or an amount, which say nothing of what is counted.
_COUNT_QUESTION_WORDS = frozenset(tokenize("how many much number total amount"))
# How many words after a figure the thing it counts stands ("£4.4m surplus", "240 staff", "three GP federations";
# "GEH and CWPT do not currently have EV charging points"). English, set by hand.
COUNTED_WITHIN_WORDS = 3


def _words_after(quote: str, start: int, end: int) -> set[str]:
    """The search words of a count and the few words after it: what it counts, in English."""
    return set(tokenize(quote[start:end] + " " + " ".join(quote[end:].split()[:COUNTED_WITHIN_WORDS])))


def _section_goes_on(kb: KnowledgeBase, passage: CitedPassage, page_ids: range) -> tuple[CitedPassage, range] | None:
    """The next page of the passage's document and its sentences, when its first sentence is under the heading the
    passage's page ends under (the section goes on over the page break); None otherwise."""
    following = kb.page_sentence_ids(passage.slug, passage.page + 1)
    if not page_ids or not following:
        return None
    if kb.sentences[page_ids.stop - 1][1].heading != kb.sentences[following.start][1].heading:
        return None
    return CitedPassage(passage.slug, passage.page + 1, ""), following


def _quoting(kb: KnowledgeBase, lead: str, passages: list[tuple[str, int, str]], where: str = "") -> Answer:
    """An answer that quotes passages (document, page, text) under a lead line, one a line, each cited."""
    citations = [Citation(n, slug, kb.by_slug[slug].record.title, page, text) for n, (slug, page, text) in enumerate(passages, 1)]
    parts = [f"{c.title}, p. {c.page}{where}: “{c.quote}” [{c.n}]" for c in citations]
    return Answer(lead + "\n" + "\n".join(parts), citations, abstained=False)


def _rest_of_its_list(kb: KnowledgeBase, sentence_ids: set[int]) -> set[int]:
    """The list items on the same page either side of these sentences, as far as the list goes."""
    more: set[int] = set()
    for sentence_id in sentence_ids:
        slug, sentence = kb.sentences[sentence_id]
        page = kb.page_sentence_ids(slug, sentence.page)
        for step in (-1, 1):
            other = sentence_id + step
            while other in page and is_list_item(kb.sentences[other][1].text):
                more.add(other)
                other += step
    return more


def _merged(runs: list[tuple[CitedPassage, int, int]]) -> list[tuple[CitedPassage, int, int]]:
    """Runs of sentences that overlap or touch (on one page: sentence ids run on) made one, where the first of
    them stands: an answer citing three rows of one table gets the table once, not three windows over it."""
    merged: list[tuple[CitedPassage, int, int]] = []
    for passage, first, last in runs:
        for n, (kept, kept_first, kept_last) in enumerate(merged):
            if (kept.slug, kept.page) == (passage.slug, passage.page) and first <= kept_last + 1 and last >= kept_first - 1:
                merged[n] = (kept, min(first, kept_first), max(last, kept_last))
                break
        else:
            merged.append((passage, first, last))
    # A run that grew may now touch one kept before it grew ("2081-2086" and "2087-2088"): merged again till none do.
    return merged if len(merged) == len(runs) else _merged(merged)


def _prose_run(kb, first: int, page_end: int, length: int) -> tuple[int, int]:
    """The first and last sentence of up to ``length`` sentences from ``first`` on, past any that are mostly
    web addresses (a footnote's or reference list's links) and stopping before the next such one, so the
    quote stays one run of the page; first > last when the page has no prose left."""
    while first <= page_end and mostly_web_addresses(kb.sentences[first][1].text):
        first += 1
    last = first - 1
    while last + 1 <= min(page_end, first + length - 1) and not mostly_web_addresses(kb.sentences[last + 1][1].text):
        last += 1
    return first, last


def _sentence_ids_of(quoter: Quoter, passage: CitedPassage) -> list[int]:
    """The page's sentences that a quote is made of, each as quoting shows it: whole, or without the caption
    glued to it or the section number and heading the passage opens with (a suffix of it, so its whole
    text is not in the quote); or the sentence an action-table row was quoted from (the quote is part of it)."""
    if passage.slug not in quoter.kb.by_slug:
        return []
    return [
        i
        for i in quoter.kb.page_sentence_ids(passage.slug, passage.page)
        if quoter.opening(i) in passage.quote or passage.quote in quoter.kb.sentences[i][1].text
    ]


def _cited(answer: Answer) -> tuple[CitedPassage, ...]:
    return tuple(CitedPassage(c.slug, c.page, c.quote) for c in answer.citations)


def _said_beside_quotes(answer: Answer) -> tuple[str, ...]:
    """The search words of an answer's text that none of its quotes holds (a table row's "target"): what a
    follow-up may point back at besides the quotes. None for a decline or a listing (its rows are its quotes)."""
    if answer.abstained or answer.actions is not None:
        return ()
    quoted = set(tokenize(" ".join(c.quote for c in answer.citations)))
    return tuple(dict.fromkeys(word for word in tokenize(_CITATION_MARK.sub(" ", answer.text)) if word not in quoted))


_CITATION_MARK = re.compile(r"\[\d+\]")  # "[1]": where a point's citation is, no word of it

