"""Answers to leads' questions from the action table, cited like any other answer.

"What's due in 23/24?" needs an exact list, not a similarity search: the
question becomes an ``ActionFilter`` (``bot.action_query``), the matching rows
are listed by theme with number, action, lead and due year, and each page
they come from is cited with a sentence quoted verbatim from that page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

from bot.action_query import (
    ActionFilter,
    ActionListing,
    describe_matches,
    filter_actions,
    match_lead,
    match_theme,
    nearest_rows_shown,
    parse_action_question,
    phrases_written,
    settle_narrowing,
    words_in_lower_case,
)
from index.due_dates import as_month_filter, find_period, parse_due_month, parse_financial_year
from index.records import ActionRow
from index.store import KnowledgeBase
from index.text import tokenize, without_whitespace

# Rows written out in an answer's text; channels with tables (Teams cards) show their own screenful.
# Set by hand: a screenful in a chat, and "more" pages through the rest.
ROWS_IN_TEXT = 15

PageCitations = dict[tuple[str, int], tuple[int, str]]  # (slug, page) -> (citation number, quote)
# A page's quote covers all its shown rows while it is no longer than this (a table's rows run on in the
# text layer; a screenful of them is still readable as a quote). Set by hand.
MAX_ROWS_QUOTE_CHARS = 1200
# A row is found in its passage by its number and this many first words of its action. Set by hand: enough
# words to be unlike any other row's, few enough to survive a line break the text layer moved.
ROW_START_WORDS = 3


@dataclass(frozen=True)
class RowSpan:
    """Where an action-table row stands in a sentence of the knowledge base. The text layer runs a table's
    rows into one "sentence" ("ICS Specific 1 Establish a system-wide inhaler recycling scheme across primary
    care. 22/23 ICB LTP 17 SC 18.4.4.2 2 Work with NHSEI ..."), which read as table debris when quoted whole."""

    row: ActionRow
    sentence_id: int
    start: int  # where the row starts in the sentence's text: its number, or its action's first words
    end: int  # where the row ends in the text of ``end_sentence_id``: where the next row starts, or the text's end
    end_sentence_id: int  # the sentence it starts in, or the next one when its cells (due, lead) run on into it


class ActionAnswerer:
    def __init__(self, kb: KnowledgeBase, today: Callable[[], date] = date.today) -> None:
        self.kb = kb
        self.today = today  # what a listing calls a year told from today ("next year")
        self.themes = sorted({row.theme for row in kb.actions if row.theme})
        self.leads = sorted({row.lead for row in kb.actions if row.lead})
        self.sources = frozenset(row.source for row in kb.actions)  # the documents the table's rows come from
        self.titles = {slug: kb.by_slug[slug].record.title for slug in self.sources if slug in kb.by_slug}
        self.ordinary_words = words_in_lower_case(sentence.text for _, sentence in kb.sentences)
        self.phrases = phrases_written(kb.actions)

    def rows_in(self, sentence_id: int) -> list[RowSpan]:
        """The rows that start in this sentence, in order; none for a sentence of prose."""
        return self._row_spans.get(sentence_id, [])

    def rows_answering(self, runs: list[list[int]], terms: dict[str, float]) -> list[list[RowSpan] | None]:
        """For each run of quoted sentences, what an answer shows of it as action-table rows: [] for a run that is
        not all action-table text (shown as it is); for one that is, the rows sharing the most of the question's
        telling words (``terms``, by weight) among all such runs' rows, every row when none shares any; None for
        one with no such row, left out (a second run would otherwise add its own best row however weak)."""
        table_runs = {n: [span for i in run for span in self.rows_in(i)] for n, run in enumerate(runs) if self._is_table_text(run)}
        weight = {(span.sentence_id, span.start): _shared_weight(span, terms) for spans in table_runs.values() for span in spans}
        best = max(weight.values(), default=0.0)
        shown: list[list[RowSpan] | None] = []
        for n in range(len(runs)):
            spans = table_runs.get(n, [])
            if n in table_runs and best > 0:
                shown.append([span for span in spans if weight[span.sentence_id, span.start] == best] or None)
            else:
                shown.append(spans)
        return shown

    def actions_own_words(self) -> dict[int, str]:
        """Each sentence that is action-table text, with the words of the actions in it and any text around the
        rows: without the rows' numbers, due years, leads and references, whose figures are no values ("9 Run a
        series of ... workshops to ICS members. 23/24 ICB LTP 17" -> "Run a series of ... workshops to ICS members.")."""
        spans = self._row_spans
        text = {i: self.kb.sentences[i][1].text for i in spans}
        first_start = {i: min(span.start for span in sentence_spans) for i, sentence_spans in spans.items()}
        words: dict[int, list[str]] = {i: [text[i][: first_start[i]]] for i in spans}
        for sentence_spans in spans.values():
            for span in sentence_spans:
                words[span.sentence_id].append(span.row.action)
                if span.end_sentence_id != span.sentence_id:  # its cells run on into the next sentence: what follows them
                    tail = self.kb.sentences[span.end_sentence_id][1].text
                    words.setdefault(span.end_sentence_id, []).append(tail[span.end : first_start.get(span.end_sentence_id, len(tail))])
        return {i: " ".join(part.strip() for part in parts if part.strip()) for i, parts in words.items()}

    def _is_table_text(self, run: list[int]) -> bool:
        """Every sentence of the run holds a row's start, or the cells of the row before it that run on."""
        spans = [self.rows_in(i) for i in run]
        tails = {span.end_sentence_id for sentence_spans in spans for span in sentence_spans}
        return all(sentence_spans or i in tails for i, sentence_spans in zip(run, spans))

    @cached_property
    def _row_spans(self) -> dict[int, list[RowSpan]]:
        """Each sentence that a row starts in, with its rows' spans: found once, on first use."""
        starts: dict[int, dict[int, ActionRow]] = {}
        for row in self.kb.actions:
            if row.source not in self.kb.by_slug:
                continue
            on_page = self.kb.page_sentence_ids(row.source, row.page)
            # Its number and first words anywhere on the page before its first words alone (prose may repeat them).
            found = (
                (i, start)
                for unnumbered in (False, True)
                for i in on_page
                if (start := _row_start(self.kb.sentences[i][1].text, row, unnumbered)) is not None
            )
            if (where := next(found, None)) is not None:
                starts.setdefault(where[0], {}).setdefault(where[1], row)
        spans = {}
        for sentence_id, rows in starts.items():
            text = self.kb.sentences[sentence_id][1].text
            at = sorted(rows)
            spans[sentence_id] = [RowSpan(rows[start], sentence_id, start, end, sentence_id) for start, end in zip(at, [*at[1:], len(text)])]
            spans[sentence_id][-1] = self._with_its_cells(spans[sentence_id][-1], starts)
        # A row whose lead and due are not written in its text (the minutes' actions: an owner's initials in
        # the margin, "AW") reads as the prose it is, not as "(lead Anita Wilson; due ?)" its quote cannot show.
        shown = {i: [span for span in sentence_spans if self._cells_quoted(span)] for i, sentence_spans in spans.items()}
        return {i: sentence_spans for i, sentence_spans in shown.items() if sentence_spans}

    def _cells_quoted(self, span: RowSpan) -> bool:
        cells = [cell for cell in (span.row.due, span.row.lead) if cell]
        return not cells or any(cell in self._span_text(span) for cell in cells)

    def _span_text(self, span: RowSpan) -> str:
        """The row's text as its quote holds it (its end sentence is at most the next one)."""
        text = self.kb.sentences[span.sentence_id][1].text
        if span.end_sentence_id == span.sentence_id:
            return text[span.start : span.end]
        return f"{text[span.start :]} {self.kb.sentences[span.end_sentence_id][1].text[: span.end]}"

    def _with_its_cells(self, span: RowSpan, starts: dict[int, dict[int, ActionRow]]) -> RowSpan:
        """The sentence's last row, run on into the next sentence on its page when its due date and lead are
        there and not in it ("4 Cancer Share updated Breast Screening Trajectory with NHSEI colleagues." then
        "Phil Johns End May 22 Open 5 ERF Funding ..."): up to the next row's start, so its quote holds them."""
        following = span.sentence_id + 1
        if self._cells_quoted(span) or following >= len(self.kb.sentences):
            return span
        (slug, sentence), (next_slug, next_sentence) = self.kb.sentences[span.sentence_id], self.kb.sentences[following]
        if (slug, sentence.page) != (next_slug, next_sentence.page):
            return span
        cut = min(starts.get(following, {}), default=len(next_sentence.text))
        run_on = replace(span, end=cut, end_sentence_id=following)
        # Only where the two stand together on the page: ingest may have taken a line between them for a
        # heading ("Adrian Stokes /" between a row's action and "Claire Finn TBC Open"), and a quote must be verbatim.
        together = without_whitespace(self._span_text(run_on)) in without_whitespace(self.kb.page_text(slug, sentence.page))
        return run_on if together and self._cells_quoted(run_on) else span

    def due_asked(self, question: str, today: date) -> str | None:
        """The due a question asks, as typed: without the deadline "overdue" puts in it ("which actions due in 2024 are
        overdue?" reads none, "... due by 2024/25 ..." reads March 2025)."""
        parsed = parse_action_question(question, self.themes, self.leads, today, self.ordinary_words, None, self.phrases, deadline_of_overdue=False)
        return parsed.due if parsed is not None else None

    def understand(self, question: str, today: date, source: str | None = None) -> ActionFilter | None:
        """The filter an action question asks for; None when it is not about the action table. ``source``:
        the one document of the table's the question names, its naming words taken out of it."""
        if not self.kb.actions:
            return None
        parsed = parse_action_question(question, self.themes, self.leads, today, self.ordinary_words, source, self.phrases)
        # Settled here, once, so a conversation remembers the filter its listing used ("which of those ..."
        # narrows the one action listed, not the theme's thirteen).
        return settle_narrowing(parsed, self.kb.actions) if parsed is not None else None

    def filter_from_options(
        self, due: str | None, lead: str | None, theme: str | None, text: str | None, today: date
    ) -> ActionFilter:
        """A filter from separate options (CLI flags, /due and /owner); ValueError names a bad one."""
        year = (parse_financial_year(due, today) or parse_due_month(f"due {due}") or as_month_filter(due) or _period_of(due, today)) if due else None
        if due and year is None:
            raise ValueError(f"not a financial year or month: {due!r} (try 23/24, 2023-24, 'this financial year', 'May 22' or 'this quarter')")
        matched_theme = match_theme(theme, self.themes) if theme else None
        if theme and matched_theme is None:
            raise ValueError(f"no theme like {theme!r}; the themes are: {', '.join(self.themes)}")
        return ActionFilter(due=year, lead=match_lead(lead, self.leads) if lead else None, theme=matched_theme, text=text)

    def lists_any(self, action_filter: ActionFilter) -> bool:
        """Whether any action meets the filter."""
        return bool(filter_actions(self.kb.actions, action_filter))

    def listing(self, action_filter: ActionFilter, table_years: bool = True) -> ActionListing:
        """The actions the filter matches, described (``describe_matches``, whose ``table_years`` this passes on)."""
        rows = filter_actions(self.kb.actions, action_filter)
        return describe_matches(rows, action_filter, self.kb.actions, self.titles, table_years, self.today())

    def cite_pages(self, rows: list[ActionRow]) -> PageCitations:
        """One citation number per page the rows stand on, quoting that page verbatim: the passage from the
        first shown row's sentence to the last's, so every row marked with the number can be checked
        (while it stays under MAX_ROWS_QUOTE_CHARS; the first row's sentence alone beyond that)."""
        on_page: dict[tuple[str, int], list[ActionRow]] = {}
        for row in rows:
            if row.source in self.kb.by_slug:
                on_page.setdefault((row.source, row.page), []).append(row)
        return {key: (number, self._quote(page_rows)) for number, (key, page_rows) in enumerate(on_page.items(), start=1)}

    def row_quote(self, row: ActionRow) -> str:
        """The row as its page has it, verbatim: from where it starts in its sentence ("" when its page is gone)."""
        return self._quote([row]) if row.source in self.kb.by_slug else ""

    def _quote(self, rows: list[ActionRow]) -> str:
        slug, page_number = rows[0].source, rows[0].page
        page = [self.kb.sentences[i][1].text for i in self.kb.page_sentence_ids(slug, page_number)]
        if not page:
            return ""
        page_tokens = [set(tokenize(text)) for text in page]
        where = [_sentence_of(row, page_tokens) for row in rows]
        first = rows[where.index(min(where))]
        passage = _from_the_row(" ".join(page[min(where) : max(where) + 1]), first)
        # Sentences next to each other in the knowledge base are not always next to each other on the page.
        on_the_page = without_whitespace(passage) in without_whitespace(self.kb.page_text(slug, page_number))
        return passage if len(passage) <= MAX_ROWS_QUOTE_CHARS and on_the_page else _from_the_row(page[where[0]], rows[0])


def _from_the_row(passage: str, row: ActionRow) -> str:
    """The passage from where the row starts (its number, or else its action's first words): the text layer
    runs a table's rows together, so the sentence holding a row often opens with the end of the row before
    ("Claire Finn TBC Open 10 Mental Health Follow-up conversation ..."). Still verbatim on the page."""
    start = _row_start(passage, row)
    return passage[start:] if start is not None else passage


def _row_start(passage: str, row: ActionRow, unnumbered: bool = True) -> int | None:
    """Where the row starts in the passage: its number before its action's first words, or else (when
    ``unnumbered``) those words alone."""
    words = row.action.split()[:ROW_START_WORDS]
    if not words:
        return None
    action = r"\s*".join(re.escape(word) for word in words)
    numbered = re.search(rf"(?<![\w.]){re.escape(row.number)}\s+(?:\S+\s+){{0,6}}?{action}", passage) if row.number else None
    start = numbered or (re.search(action, passage) if unnumbered else None)
    return start.start() if start else None


def _shared_weight(span: RowSpan, terms: dict[str, float]) -> float:
    """How much of the question's telling words (``terms``, by weight) the row's action holds; rounded, so that
    sums of the same weights in another order tie."""
    return round(sum(terms.get(t, 0.0) for t in sorted(set(tokenize(span.row.action)))), 9)


def _sentence_of(row: ActionRow, page_tokens: list[set[str]]) -> int:
    """The sentence on the row's page sharing most words with its action text."""
    wanted = set(tokenize(row.action))
    return max(range(len(page_tokens)), key=lambda i: len(wanted & page_tokens[i]))


def shown_rows(listing: ActionListing) -> list[ActionRow]:
    """The rows an answer's text writes out (and so cites), in order."""
    return listing.rows()[:ROWS_IN_TEXT] + list(nearest_rows_shown(listing))


def _period_of(due: str, today: date) -> str | None:
    """A period told from today that a --due or /due option names ("this quarter", "next month"): read only when no year
    or month is, as the question's reading does."""
    period = find_period(due, today)
    return period[0] if period else None
