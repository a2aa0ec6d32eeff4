"""From chosen sentences to what an answer quotes: whole lists, and consecutive sentences as one quote.

Works on global sentence ids of a loaded knowledge base. A list comes whole
as far as a character budget allows: an introduction brings its items, and an
item brings its introduction and the items around it, over a page break too.
A sentence brings the next when that one spells it out ("These include ...").
Sentences close together on a page read as one passage in the page's order,
the one sentence between two of them filled in, and sentences that stand next
to each other on a page, word for word, become one quote with one citation.
The quote keeps the page's words and spaces; the answer shows each list item
on a line of its own.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from itertools import pairwise, zip_longest

from index.store import KnowledgeBase
from index.text import (
    BULLET,
    MAX_SENTENCE_CHARS,
    PASSAGE_STOPS,
    collapse_whitespace,
    ends_with_stop,
    is_list_item,
    mostly_web_addresses,
    tokenize,
)
from index.vocabulary import BULLET_GLYPHS, CAPTION, CAPTION_AT_END, CAPTION_END, PERSON_TITLES

# A sentence introducing a list brings at most this many of its items (walking forward, or back from
# an item to its introduction). Set by hand: an answer quoting a list stays short enough to read.
MAX_LIST_ITEMS = 6
# At most this many sentences between two shown ones on a page are filled in. Set by hand: one
# sentence of context ("Acute is overspending." [gap] "... IFR of £66k.") without quoting a page.
MAX_GAP = 1
# A sentence ending in a question mark with at most this many words is a heading asking what its section answers (two
# in the corpus: "What does 1 tonne of carbon dioxide look like?"); set by hand.
MAX_HEADING_QUESTION_WORDS = 12
# "• Safeguarding Training • Serious Incidents": bullets that the page's layout ran into one sentence.
_INLINE_BULLET = re.compile(rf"\s+(?=[{BULLET_GLYPHS}]\s)")
# How a sentence introducing a list ends: a colon, or a clause's ";" before bullets ("CWPT: six concerns on level
# two of the Quality Assurance Framework (QAF);" and the six).
_INTRODUCES_A_LIST = (":", ";")
# "... subject to 1. consideration of language": a sentence that starts a numbered list inline.
_FIRST_ITEM = re.compile(r"\s\(?(?:1|a|i)[.)]\s")
# A heading's label run onto the end of a table row or a page's footer ("... 96.5% 94.5% Update:", "... 18 May
# 2022 9 Item No:"): it belongs to what comes under it, not to the text before it, and its colon made a quote of
# that text bring the list after it (a bed occupancy table came with five bullets on A&E).
_RUN_IN_LABEL = re.compile(r"(?<=[\d%)])\s+[A-Z][\w’'&/-]*(?:\s+[A-Za-z][\w’'&/-]*){0,2}:$")
# "There are some other costs not yet budgeted for. These include ...": a sentence that says what the one before it means.
_ELABORATION = re.compile(r"^(?:These|They|This|Those)\s+(?:include[sd]?|are|were|comprise[sd]?|means?)\b")

# A sentence that opens by pointing back at the one before ("It has evolved from the work carried out by Feeding
# Coventry", "He also noted ...", "This means that ..."): alone it says nothing of what it is about (a trial read "It
# has a lower global warming potential than nitrous oxide", said of methoxyflurane, as said of desflurane). "This
# plan", "These actions" name what they point at. English, set by hand.
_POINTS_BACK = re.compile(
    r"^(?:It|Its|They|Their|He|She|His|Her|(?:This|These|That|Those)\s+(?:is|was|are|were|has|have|had|will|would|could|"
    r"should|means?|meant|includes?|included))\b"
)
# "These groups report into ...", "This review will generate a report ...": a sentence that opens by naming again what
# the one before it spoke of (16 sentences of the corpus); the one before says which groups, which review.
_NAMES_BACK = re.compile(r"^(?:This|These|That|Those)\s+(?P<word>[a-z][a-z-]+)\b")
# The section number a passage opens with, and the heading before it: "1.2 As per national guidance ...", "5
# Performance Update 5.1 In April ...", "Executive Summary 1.1 The draft financial position ...". Only a
# numbered subsection ("5.1", not "5." of a numbered list) before a capital; a heading of one word is not
# taken ("Around 2.5 Million ..."). Read off a new user's trial, where 13 of 62 answers opened so; 58 sentences
# of the corpus open so. Under a section's own number its heading may have words in lower case and a dash
# ("7. Stakeholder engagement – Public Affairs 2.1 Representatives ...": 2 more sentences of the corpus).
_SECTION_OPENING = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?\s+(?:[A-Za-z][\w&'’-]*\s+|[–—-]\s+){0,5}?|(?:[A-Z][\w&'’-]*\s+){2,5}?)?\d+(?:\.\d+)+\.?\s+(?=[A-Z])"
)
# Otherwise, a section's numbers and heading run into the sentence under them, as the PDF text gives them: "6. 6.1
# Policies for Approval Commissioning Policies Mrs Cartwright presented this report ...", "Leadership We will
# build ...", "Air pollution The NHS Net Zero plan calculates ...". The sentence opens at a word that opens
# sentences, capitalised where no sentence would capitalise it, after a few words that read as a heading;
# or, after a heading in title case, at a person's title. Read off the 84 sentences of the corpus this
# cuts (a review judged 79 right; the other five, a table row's label and figure debris, led to the rules
# on figures and on the word before the cut).
_SECTION_NUMBERS = re.compile(r"^(?:\d{1,2}\.?\s+)*\d{1,2}(?:\.\d{1,2})+\.?\s+(?=[A-Z])")


def _is_numbered_heading(text: str) -> bool:
    """A numbered section heading of no more words than a heading question ("2.3 Upcoming engagement sessions
    and events."): what it heads are the bulleted items under it, which quoted alone it had left out (a trial's
    "what community engagement events are coming up?" got the heading and no event)."""
    numbers = _SECTION_NUMBERS.match(text)
    return numbers is not None and len(text[numbers.end() :].split()) <= MAX_HEADING_QUESTION_WORDS
_OPENS_SENTENCE = re.compile(r"(?:The|We|Our|It|There)\s+\S|(?:As|All|Each|In|Following|Since|Over|Across)\s+[a-z0-9]")
_PERSON_OPENS = re.compile(rf"{PERSON_TITLES}\.?\s+[A-Z][a-z]+\s+[a-z]")
_PERSON_TITLE = re.compile(rf"{PERSON_TITLES}\.?")
# A member's question as minutes record it: "Dr Marshall asked how ...", "Dr Menon also asked about ...", "She asked
# ...", "The councillor asked ...", "... and he asked how ...". English, set by hand.
_MINUTED_QUESTION = re.compile(r"\b(?:asked|queried|enquired|questioned)\b")
# ... but not in the passive ("the Governing Body be asked to propose the ICB Constitution", "Members are (also) asked
# to note"), which minutes a request, no question: these words before the verb, "also" between. English, set by hand.
_PASSIVE_BEFORE = frozenset("be is am are was were been being got".split())

# ... and the reply minuted after it: another member's name and a verb of answering ("Ms Galloway said that ...", "Dr
# Duggal replied to say ...", "Mrs Cartwright confirmed ..."). 17 such pairs in the governing body's minutes (a review).
_MINUTED_REPLY = re.compile(
    rf"(?P<name>{PERSON_TITLES}\.?\s+[A-Z][\w’'-]+)\s+(?:also\s+)?(?:said|replied|responded|explained|confirmed|advised|"
    r"clarified|agreed|assured|stated|informed|acknowledged|gave|noted|added)\b"
)
# A figure among the words before a cut ("Community (183) The overspend ..."): a table row's label, no heading.
_FIGURE_WORD = re.compile(r"^\(?[£$]?\d")
# A heading is at most this many words. Set by hand from the corpus's headings ("Air pollution", "Media
# enquiries", "Policies for Approval Commissioning Policies").
MAX_GLUED_HEADING_WORDS = 6
# ... and a heading in sentence case ("Air pollution") at most this many, with at most one word in lower case:
# "Patients told us The service ..." is a sentence. Set by hand.
MAX_SENTENCE_CASE_HEADING_WORDS = 3
# Under a section's numbers the minutes' item headings run longer ("7. Primary Care 7.1 Report from Primary Care
# Commissioning Committee – 11 May 2022 Mr Vohra presented ..."): a person's title opens the sentence within
# this many words, after words of a heading (capitalised, a date, a dash). Set by hand from the minutes' items.
MAX_ITEM_HEADING_WORDS = 12
# The small words a heading in title case keeps in lower case ("Policies for Approval", "Report from ...").
_MINOR = frozenset({"and", "of", "for", "the", "to", "&", "in", "on", "from"})
# A label the sentence needs runs up to a dash ("CHC Appeals Policy – The Committee approved ..."): no cut after one.
_LABEL_DASHES = frozenset("–—-")
# Words after which a capitalised "The" or "We" is part of the sentence ("Engagement with The King's Fund was
# ...", "Mr Smith said The ..."), not its start. Set by hand.
_CARRIES_ON = frozenset("with to of for and by at from on in as that is are was were has have be said told asked about".split())


# A sentence repeated word for word on another page of its document is quoted from the later page only when it is at
# least this long (letters and digits; a heading such as "N/A" repeats everywhere) and stands on two pages, no more (a
# table's header row repeated on every page of the table is no summary). Set by hand.
MIN_RESTATED_CHARS = 40
_NOT_A_LETTER = re.compile(r"\W+")


def restated_later(kb: KnowledgeBase) -> dict[int, int]:
    """Each sentence a report's summary restates, to the same sentence in the body: a board paper's executive summary
    repeats its body's sentences word for word (the month 3 finance report's p. 1-2 and p. 4), and the body, under the
    section that discusses it, is where a reader checks it (held-out questions in four sets asked of the £16.8m and
    £6.1m allocations, whose gold page is the body's). The later of two pages is the body's."""
    pages: dict[tuple[str, str], dict[int, int]] = {}
    for sentence_id, (slug, sentence) in enumerate(kb.sentences):
        letters = _NOT_A_LETTER.sub("", sentence.text.lower())
        if len(letters) >= MIN_RESTATED_CHARS:
            pages.setdefault((slug, letters), {}).setdefault(sentence.page, sentence_id)
    later: dict[int, int] = {}
    for by_page in pages.values():
        if len(by_page) == 2:
            (_, first), (_, body) = sorted(by_page.items())
            later[first] = body
    return later


def _question_minuted_at(text: str) -> int | None:
    """Where the first verb of a member's question stands in a sentence of minutes, None when there is none."""
    for asked in _MINUTED_QUESTION.finditer(text):
        before = [word for word in text[: asked.start()].lower().split() if word != "also"][-1:]
        if not before or before[0] not in _PASSIVE_BEFORE:
            return asked.start()
    return None


class Quoter:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    @functools.cached_property
    def _restated_later(self) -> dict[int, int]:
        """``restated_later`` of the knowledge base, read on the first answer that asks: of the Quoters a service builds
        (answering, features, briefings), only answering's moves passages. Pure, so two threads reading it first at
        once compute the same table."""
        return restated_later(self.kb)

    def in_the_body(self, passages: list[int]) -> list[int]:
        """The passages (runs of consecutive sentences on one page), each a summary restates whole quoted from the body
        instead (``restated_later``), once each. Only whole runs whose copies stand together in the same order move: a
        list whose introduction or first item is not restated stays on its page, items and all (a review had a
        recommendation list split over p. 2 and p. 7), and so does a heading's sentence (p. 25's "62 day Wait from GP
        referral – Breaches" and its count). The runs are consecutive sentences, not ``runs``' quotes, which part a
        passage wherever the page's text does not join it word for word: a part moved alone would split it again."""
        moved: list[int] = []
        for run in self._consecutive(passages):
            copies = [self._restated_later.get(i, -1) for i in run]
            together = min(copies) >= 0 and all(b == a + 1 for a, b in pairwise(copies))
            moved.extend(copies if together else run)
        return list(dict.fromkeys(moved))

    def _consecutive(self, sentence_ids: list[int]) -> list[list[int]]:
        """The sentences grouped as they follow one another on one page, in their order."""
        runs: list[list[int]] = []
        for sentence_id in sentence_ids:
            if runs and sentence_id == runs[-1][-1] + 1 and self._same_page(runs[-1][-1], sentence_id):
                runs[-1].append(sentence_id)
            else:
                runs.append([sentence_id])
        return runs

    def with_lists(self, chosen: list[int], budget: int) -> list[int]:
        """The chosen sentences, each followed by the rest of its list (or the sentence that spells it
        out) while the answer fits ``budget`` characters."""
        shown: list[int] = []
        length = sum(len(self.text(i)) for i in chosen)
        for sentence_id in chosen:
            if sentence_id in shown:
                continue  # already shown as part of an earlier list
            group = [sentence_id]
            for neighbour in self._list_around(sentence_id):
                added = 0 if neighbour in chosen else len(self.text(neighbour))  # chosen ones are counted already
                if neighbour in shown or length + added > budget:
                    break
                group.append(neighbour)
                length += added
            shown.extend(sorted(group))
        return shown

    def as_passages(self, shown: list[int], budget: int) -> list[int]:
        """Sentences close together on a page read as one passage, in the page's order, where the
        first of them stood; one sentence between two shown ones is filled in while the answer fits
        ``budget`` ("Acute is currently overspending." [gap] "... IFR of £66k.")."""
        length = sum(len(self.text(i)) for i in shown)
        passages: list[list[int]] = []
        for sentence_id in sorted(shown):
            last = passages[-1][-1] if passages else None
            if last is not None and self._same_page(last, sentence_id) and sentence_id - last <= MAX_GAP + 1:
                gap = list(range(last + 1, sentence_id))
                added = sum(len(self.text(i)) for i in gap)
                if length + added <= budget:
                    passages[-1].extend(gap)
                    length += added
                passages[-1].append(sentence_id)
            else:
                passages.append([sentence_id])
        position = {sentence_id: n for n, sentence_id in enumerate(shown)}
        passages.sort(key=lambda passage: min(position.get(i, len(shown)) for i in passage))
        return [i for passage in passages for i in passage]

    def runs(self, sentence_ids: list[int]) -> list[list[int]]:
        """Group consecutive sentences that stand together, word for word, on one page."""
        runs: list[list[int]] = []
        for sentence_id in sentence_ids:
            if runs and sentence_id == runs[-1][-1] + 1 and self._same_page(runs[-1][-1], sentence_id):
                slug, sentence = self.kb.sentences[sentence_id]
                if self.quote([*runs[-1], sentence_id]) in collapse_whitespace(self.kb.page_text(slug, sentence.page)):
                    runs[-1].append(sentence_id)
                    continue
            runs.append([sentence_id])
        return runs

    def quote(self, run: list[int]) -> str:
        return " ".join([self.opening(run[0]), *(self.text(i) for i in run[1:])])

    def display(self, run: list[int]) -> str:
        """A run as an answer shows it: the quote's words, with each list item on a line of its own."""
        shown = self.opening(run[0])
        for previous, sentence_id in pairwise(run):
            shown += self.separator(previous, sentence_id) + self.text(sentence_id)
        return _INLINE_BULLET.sub("\n", shown)

    def separator(self, previous: int, following: int) -> str:
        """A list item has a line of its own; other sentences follow one another on a line."""
        return "\n" if is_list_item(self.text(previous)) or is_list_item(self.text(following)) else " "

    def text(self, sentence_id: int) -> str:
        """The sentence as quoted: without a chart's caption the text layer glued to its front ("Figure 15
        Total carbon footprint in 2020/21 The Carbon Footprint in 2020/21 was ...") or to its end ("...
        remains static Figure 31GHG emissions from inhalers ..."), which reads as nonsense, nor the label of
        the next heading run onto its end (``_RUN_IN_LABEL``), nor the axes of charts printed after a table
        (``chart_axes_start``); what is left is still verbatim on the page."""
        text = self.kb.sentences[sentence_id][1].text
        caption_end = CAPTION_END.search(text) if CAPTION.match(text) else None
        text = text[caption_end.end() :] if caption_end else text
        glued = CAPTION_AT_END.search(text)
        text = text[: glued.start()] if glued and glued.start() > 0 else text
        label = _RUN_IN_LABEL.search(text)
        text = text[: label.start()] if label else text
        return text[: chart_axes_start(text)]

    def opening(self, sentence_id: int) -> str:
        """A sentence as a passage starts with it: as quoted, from after the section number and heading
        it opens with (a suffix, so the passage is still verbatim on the page)."""
        return without_heading(self.text(sentence_id))

    def _list_around(self, sentence_id: int) -> list[int]:
        """The rest of a sentence a page break cut in two, the sentence it points back at, then the list a sentence
        belongs to or introduces, nearest items first, and its introduction."""
        return (
            self.over_the_page_break(sentence_id) + self.cut_for_length(sentence_id) + self._antecedent(sentence_id)
            + self._answer_under(sentence_id) + self._reply_to(sentence_id) + self._list_of(sentence_id)
            + self._named_before(sentence_id)
        )

    def _answer_under(self, sentence_id: int) -> list[int]:
        """The next sentence on the page, when this one is a heading asking the question its section answers
        ("Population Health Management – What is it and why is it important?", "What does 1 tonne of carbon dioxide
        look like?"): quoted alone, the question had been the answer to "what is population health management"."""
        after = sentence_id + 1
        text = self.text(sentence_id)
        asks = text.rstrip().endswith("?") and len(text.split()) <= MAX_HEADING_QUESTION_WORDS
        return [after] if asks and after < len(self.kb.sentences) and self._same_page(sentence_id, after) else []

    def _reply_to(self, sentence_id: int) -> list[int]:
        """The next sentence on the page, when this one minutes a member's question ("Dr Yadav asked about the
        Prescription Ordering Direct (POD) ... services ...") and that one opens with another member's reply ("Ms
        Galloway said that there were no plans currently ..."): quoted alone, the question had stood as the answer (a new
        user's trial, of the Ockenden risk's rise). The asker going on ("Dr Yadav also said ...") is no reply."""
        after = sentence_id + 1
        if after >= len(self.kb.sentences) or not self._same_page(sentence_id, after):
            return []
        question, reply = self.opening(sentence_id), _MINUTED_REPLY.match(self.opening(after))
        asked = _question_minuted_at(question)
        return [after] if asked is not None and reply and reply.group("name") not in question[:asked] else []

    def _antecedent(self, sentence_id: int) -> list[int]:
        """The sentence before on its page, when this one opens by pointing back at it (``_POINTS_BACK``) and it is
        no list item (whose list would have to come too)."""
        before = sentence_id - 1
        if before < 0 or not self._same_page(before, sentence_id) or not _POINTS_BACK.match(self.text(sentence_id)):
            return []
        return [] if is_list_item(self.text(before)) else [before]

    def _named_before(self, sentence_id: int) -> list[int]:
        """The sentence before on its page, when this one opens with "These"/"This" and a word that one says ("There
        are two inequalities groups in place, led by the Public Health Leads ..." / "These groups report into the
        Covid Vaccine Steering group ...": a trial asking who leads the groups was shown only the second), a list
        item too, as the word ties this one to it alone. It comes after this one's own list, which the answer
        needs more (the review, eval d407: "This support ... a specific focus on:" and its three bullets)."""
        before = sentence_id - 1
        named = _NAMES_BACK.match(self.text(sentence_id))
        if before < 0 or named is None or not self._same_page(before, sentence_id) or _POINTS_BACK.match(named.group()):
            return []
        words = set(tokenize(named.group("word")))
        return [before] if words and words <= set(tokenize(self.text(before))) else []

    def cut_for_length(self, sentence_id: int) -> list[int]:
        """The rest of a sentence ingest cut at a clause break for its length (``MAX_SENTENCE_CHARS``): the next
        sentence on the page when this one ends on a comma or semicolon, that one opens in lower case and the two
        run past that length ("... urgent community response teams," / "and whether we use ‘trans primer
        language’ as an organisation."); not a footnote's links. Only the rest, not the start of a sentence the
        best one ends: a cut sentence's start may be a table the text layer ran into it (the PHM Roadmap's board
        names before "In addition to the meetings above,")."""
        sentences = self.kb.sentences  # as ingest cut them: the checks read the raw text (a warm-path call)
        after = sentence_id + 1
        if after >= len(sentences) or sentences[after][0] != sentences[sentence_id][0]:
            return []
        this, rest = sentences[sentence_id][1], sentences[after][1]
        cut = (
            this.page == rest.page
            and this.text.rstrip().endswith((",", ";"))
            and rest.text[:1].islower()
            and len(this.text) + len(rest.text) + 1 > MAX_SENTENCE_CHARS
        )
        return [after] if cut and not mostly_web_addresses(rest.text) else []

    def over_the_page_break(self, sentence_id: int) -> list[int]:
        """The other part of a sentence a page break cut (the Green Plan's "Along with Solihull Community
        Housing and" at the foot of p. 80, "other local district councils, they use ... CSW-Jets" at the
        top of p. 81): a page's first sentence that opens in lower case goes with the previous page's last
        (a chart's caption the text layer put between them aside) when that one has no closing stop, and
        the other way round. Each part is quoted from its own page. Briefings ask it too: a sentence with a
        part over the page break is no whole claim to paste as a point."""
        for step, this_part, other_part in ((-1, self._opens_in_lower_case, self._has_no_closing_stop),
                                            (+1, self._has_no_closing_stop, self._opens_in_lower_case)):
            if this_part(sentence_id) and (other := self._across_the_page_break(sentence_id, step)) is not None:
                return [other] if other_part(other) else []
        return []

    def _across_the_page_break(self, sentence_id: int, step: int) -> int | None:
        """The sentence next to this one, going back (``step`` -1) or on (+1), on the page before or after
        it (a chart's caption on either page aside); None when the next one is on this page or in another
        document."""
        slug, sentence = self.kb.sentences[sentence_id]
        pages = (min(sentence.page, sentence.page + step), max(sentence.page, sentence.page + step))
        other = sentence_id + step
        while 0 <= other < len(self.kb.sentences) and self._is_caption_on(other, slug, pages):
            other += step
        if 0 <= other < len(self.kb.sentences) and self.kb.sentences[other][0] == slug and self.kb.sentences[other][1].page == sentence.page + step:
            return other
        return None

    def _opens_in_lower_case(self, sentence_id: int) -> bool:
        return self.text(sentence_id)[:1].islower()

    def _has_no_closing_stop(self, sentence_id: int) -> bool:
        return not ends_with_stop(self.text(sentence_id), PASSAGE_STOPS)

    def _is_caption_on(self, sentence_id: int, slug: str, pages: tuple[int, int]) -> bool:
        """A chart's caption on either of two pages of a document (between a sentence's two parts)."""
        other_slug, other = self.kb.sentences[sentence_id]
        return other_slug == slug and other.page in pages and bool(CAPTION.match(other.text))

    def _list_of(self, sentence_id: int) -> list[int]:
        text = self.text(sentence_id)
        if not is_list_item(text):
            following = self._items_from(sentence_id, +1, introduced=text.endswith(":"))
            if text.endswith(_INTRODUCES_A_LIST) or _FIRST_ITEM.search(text):
                return following
            if _is_numbered_heading(text) and sentence_id + 1 < len(self.kb.sentences):
                # Its items are those marked as the first is: the next section's "3. Patient Engagement ..." is none.
                return self._items_from(sentence_id, +1, introduced=False, marker=_marker(self.text(sentence_id + 1)))
            return self._elaboration_of(sentence_id)
        # An item's list is the items marked as it is: "10. Transitioning to an ICB – ...", the comms report's next
        # numbered section, is no item of the bulleted list of wellbeing sessions before it (and brought it along).
        # An item ending in ":" introduces what follows it, however that is marked ("2. ... with a focus on:" and bullets).
        marker = _marker(text)
        introduces = text.endswith(":")
        following = self._items_from(sentence_id, +1, introduced=introduces, marker=None if introduces else marker)
        preceding = self._items_from(sentence_id, -1, introduced=False, marker=marker)
        around = [i for pair in zip_longest(following, preceding) for i in pair if i is not None]
        introduction = self._introduction_of(min([sentence_id, *preceding]))
        # Only once the items between it and this one are in, so that it never stands apart from them.
        position = around.index(preceding[-1]) + 1 if preceding else 0
        return around[:position] + introduction + around[position:]

    def _introduction_of(self, first_item: int) -> list[int]:
        """The sentence that introduces a list ("... 2 risks in the extreme category which were:"), which
        an item needs to make sense, when it stands just before the list's first item."""
        before = first_item - 1
        if before >= 0 and self._same_page(before, first_item) and self.text(before).endswith(_INTRODUCES_A_LIST):
            return [before]
        return []

    def _elaboration_of(self, sentence_id: int) -> list[int]:
        """The next sentence on the page when it spells this one out ("These include ..."), with
        the list it introduces ("These are:")."""
        following = sentence_id + 1
        if following < len(self.kb.sentences) and self._same_page(sentence_id, following):
            text = self.text(following)
            if _ELABORATION.match(text):
                return [following, *self._items_from(following, +1, introduced=text.endswith(":"))]
        return []

    def _items_from(self, sentence_id: int, step: int, introduced: bool, marker: str | None = None) -> list[int]:
        """Consecutive list items, walking forward or back; a list of bulleted or named items
        goes on over a page break ("Dr Sukhi Dhesi" ends page 1, "Dr Deepika Yadav" opens page 2).

        After an introduction ending in ":", the next sentences on its page are items even without a bullet. With a
        ``marker`` (``_marker``), only items marked that way, until an item ending in ":" introduces others.
        """
        items = []
        for other in range(sentence_id + step, sentence_id + step * (MAX_LIST_ITEMS + 1), step):
            if not 0 <= other < len(self.kb.sentences) or not self._pages_apart(other - step, other, 1):
                break
            text = self.text(other)
            item = is_list_item(text) and (marker is None or _marker(text) == marker)
            if item or (introduced and self._same_page(sentence_id, other)):
                items.append(other)
            else:
                break
            if step > 0 and item and text.endswith(":"):
                marker = None  # "6. Recommendation Members are asked to:" brings its bullets
        return items

    def _same_page(self, a: int, b: int) -> bool:
        return self._pages_apart(a, b, 0)

    def _pages_apart(self, a: int, b: int, pages: int) -> bool:
        """Sentences of one document at most ``pages`` pages apart."""
        (slug_a, first), (slug_b, second) = self.kb.sentences[a], self.kb.sentences[b]
        return slug_a == slug_b and abs(first.page - second.page) <= pages


_NUMBERED_ITEM = re.compile(r"^\s*\(?\d{1,2}[.)]\s")


def _marker(item: str) -> str:
    """How a list item is marked: numbered ("3. ...", "(2) ...") or otherwise (a bullet, a dash, a letter)."""
    return "number" if _NUMBERED_ITEM.match(item) else "other"


def without_heading(sentence: str) -> str:
    """The sentence without the section number and heading the text layer ran into its start
    (``_SECTION_OPENING``, then ``_SECTION_NUMBERS`` and a word that opens sentences): still the end
    of the sentence, so verbatim on the page."""
    numbers = _SECTION_OPENING.match(sentence) or _SECTION_NUMBERS.match(sentence)
    # A list item's mark ("• ", "7. ") goes only with a heading after it ("7. Workforce We all recognised ...");
    # "2. The target of zero ..." is an item, and keeps its number.
    marker = None if numbers else BULLET.match(sentence)
    start = numbers.end() if numbers and numbers.end() < len(sentence) else marker.end() if marker else 0
    words = list(re.finditer(r"\S+", sentence[start:]))
    limit = MAX_ITEM_HEADING_WORDS if numbers else MAX_GLUED_HEADING_WORDS
    for n, word in enumerate(words[1 : limit + 1], 1):
        before = [w.group() for w in words[:n]]
        at = start + word.start()
        if _PERSON_OPENS.match(sentence, at) and _reads_as_heading(before, dated=bool(numbers)):
            return sentence[at:]
        if n > MAX_GLUED_HEADING_WORDS or not _OPENS_SENTENCE.match(sentence, at) or before[-1] in _MINOR | _CARRIES_ON:
            continue
        if _reads_as_heading(before, dated=False) or _reads_as_sentence_case_heading(before):
            return sentence[at:]
    return sentence if marker else sentence[start:]


def _reads_as_heading(words: list[str], dated: bool) -> bool:
    """Words in title case, with no stop, figure or person's title among them; a date too when ``dated``
    (a minutes item's "Report from ... Committee – 11 May 2022")."""
    return all(
        (word[:1].isupper() and not _PERSON_TITLE.fullmatch(word) and not ends_with_stop(word, PASSAGE_STOPS + ","))
        or word in _MINOR
        or (dated and (word in _LABEL_DASHES or word.isdigit()))
        for word in words
    ) and (dated or not any(_FIGURE_WORD.match(word) for word in words))


def _reads_as_sentence_case_heading(words: list[str]) -> bool:
    """A short heading in sentence case ("Air pollution", "Early progress"), not the start of a sentence."""
    lower = [word for word in words if not word[:1].isupper()]
    return (
        len(words) <= MAX_SENTENCE_CASE_HEADING_WORDS
        and words[0][:1].isupper()
        and len(lower) <= 1
        and not any(word in _CARRIES_ON or word in _LABEL_DASHES or _PERSON_TITLE.fullmatch(word) for word in words)
        and not any(_FIGURE_WORD.match(word) or any(ch in ".,;:!?()" for ch in word) for word in words)
    )


_WHOLE_PERCENT = re.compile(r"\d{1,3}%")
# A text this short or shorter left before chart axes is no passage: it is kept whole.
MIN_TEXT_BEFORE_AXES = 20


def chart_axes_start(text: str) -> int:
    """Where the axes of charts the text layer printed after a table begin, or the text's length when it
    has none: a tail of whole percentages rising in threes or more ("50% 75% 100%") and of the words of a
    repeated legend ("England Midlands CWCCG", each three times or more in the text). The performance
    report's benchmarking tables end so ("... 82% Apr-22 56.3% ... 50% 75% 100% England Midlands CWCCG 50%
    75% 100% ..."). A figure with decimals ("56.3%"), or a word said fewer times, ends the tail: a table's
    own values stay."""
    tokens = list(re.finditer(r"\S+", text))
    counts = Counter(token.group() for token in tokens)
    start = len(tokens)
    while start > 0:
        word = tokens[start - 1].group()
        if not (_WHOLE_PERCENT.fullmatch(word) or (word[:1].isupper() and word.isalpha() and counts[word] >= 3)):
            break
        start -= 1
    while start < len(tokens) and not _WHOLE_PERCENT.fullmatch(tokens[start].group()):
        start += 1  # the tail opens on an axis, not on a legend word the table's text ended with
    values = [int(token.group()[:-1]) for token in tokens[start:] if _WHOLE_PERCENT.fullmatch(token.group())]
    rising = any(a < b < c for a, b, c in zip(values, values[1:], values[2:]))
    if start == len(tokens) or not rising or tokens[start].start() <= MIN_TEXT_BEFORE_AXES:
        return len(text)
    return len(text[: tokens[start].start()].rstrip())
