"""Kinds of fact a question asks for, and whether a sentence holds one.

"How many ...?" wants a count, "when ...?" a date, "who ...?" a person. The
ranker weighs "asked for a date and holds one" (fitted, ``bot.features``),
and a later part of a compound question is answered only by a sentence
holding the kind of fact that part asks for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum

from bot.missing import dates_named
from index.text import (
    collapse_whitespace,
    has_a_word,
    is_ordinary_word,
    months_parted_from_years,
    start_of_run,
    tokenize,
    with_valid_characters,
    without_modal_may,
    year_spans,
    years_written,
)
from index.vocabulary import (
    AMOUNT,
    BULLET_GLYPHS,
    CALENDAR_YEAR,
    CONTACT,
    DAY_AND_MONTH,
    DOCUMENT_NOUNS,
    FIGURE,
    MONTH_ABBREVIATIONS,
    MONTH_WITH_YEAR,
    PERSON_TITLES,
    PLEASANTRIES,
    QUARTER,
    QUESTION_WORD_SLIPS,
    STOPWORDS,
    YEAR,
    number_words,
)


class FactKind(Enum):
    COUNT = "count"  # a figure that is not a year
    QUANTITY = "quantity"  # an amount asked for: "how much", "what percentage", "total"
    AMOUNT = "amount"  # a sentence's amount: a percentage, money, thousands
    DATE = "date"
    PERSON = "person"


_DATE = re.compile(
    rf"\b{CALENDAR_YEAR}\b|\b\d{{2}}/\d{{2}}\b|\b(?:{MONTH_ABBREVIATIONS})[a-z]*\b", re.IGNORECASE
)
# A person: a title and a name ("Mrs Wilson"), or a name with a role ("Laura Nelson – Director of ...").
_ROLE = r"(?:Director|Officer|Lead|Manager|Chair|Chief|Executive|Head|Member|Secretary|Clinician)"
# Each way of naming one holds the name in a group of its own, for ``person_named``.
_PERSON = re.compile(
    rf"\b(?P<titled>{PERSON_TITLES}\.? [A-Z][a-z]+(?: (?!{_ROLE}\b)[A-Z][a-z'’]+(?:-[A-Z][a-z]+)?)?)"
    rf"|\b(?P<before_role>[A-Z][a-z]+ [A-Z][a-z'’-]+)\s*[–,-]\s*(?:[A-Za-z]+ ){{0,4}}{_ROLE}"
    rf"|\b{_ROLE}\b[^.]{{0,40}}?(?:,|\s[–-])\s*(?P<after_role>[A-Z][a-z]+ [A-Z][a-z]+)"
)
# "how many", "how much", or "what ..." with the unit the answer is to be given in ("what was JUCD's carbon footprint in
# tCO2e?", "what's the budget in £m?"): a figure is asked for ("why are emissions expressed in tCO2e?" asks none). The
# units are those of the plans' and board papers' figures, set by hand.
COUNT_QUESTION = re.compile(
    r"\bhow (?:many|much)\b"
    r"|^\W*(?:what|which)\b[^?]*\bin\s+(?:k?tco2e|tonnes|mwh|kwh|litres|£(?:m|k|bn|000s?)?|pounds)(?!\w)",
    re.IGNORECASE,
)
# A question about the asker's own work arrangements ("how do I book annual leave", "my smartcard"): the
# documents are plans and board papers, which never say how one member of staff gets something done.
# Two signs, each a word list set by hand (not fitted): "my" (or "mine", not "of mine") before anything but an organisation or the
# people it serves ("my trust", "my patients" ask about what the documents may well describe), and "how
# do I ..." before a personal task ("what do I need to know about the roadmap?" asks about the documents).
_ORGANISATIONAL = (
    r"(?:own\s+)?(?:trust|organisation|organization|team|area|practice|pcn|ics|icb|place|patch|hospital|service|"
    r"department|ward|directorate|system|region|locality|council|board|patient|staff|colleague|population|communit(?:y|ie))s?\b"
)
_PERSONAL_TASK = (
    r"(?:book|claim|reset|unlock|apply|request|order|log\s?in|sign\s(?:in|up)|pay|register|enrol|renew|cancel|"
    r"swap|change\s+my|update\s+my)"
)
ABOUT_THE_ASKER = re.compile(
    rf"\b(?:how|where|when|who)\s+(?:do|can|should|would|must)\s+i\s+(?:\w+\s+){{0,2}}?{_PERSONAL_TASK}\b"
    # "how do i get a parking permit": getting a thing for oneself (a new user's trial), not "how do i get the green
    # plan's figures" or "... get funding for EV charging points" (a review).
    r"|\b(?:how|where)\s+(?:do|can|should)\s+i\s+(?:get|obtain)\s+(?:a|an|my)\b"
    rf"|\bmy\b(?!\s+{_ORGANISATIONAL})|(?<!\bof\s)\bmine\b",
    re.IGNORECASE,
)


# Contact details asked for ("whats her email", "laura nelson's phone number") and given ("T: 07876 354253",
# "david.hobday@cwstp.uk"). Not fitted: no dev question asks for them. An answer to such a question that
# gives none is wrong whatever it says, so answering declines it (a trial got a sentence naming the person).
_ASKS_CONTACT = re.compile(r"\b(?:e-?mail(?:\s+address)?|(?:tele)?phone(?:\s+number)?|mobile\s+number|contact\s+(?:details|number))\b", re.IGNORECASE)


# The words of a question asking for nothing but a document's contact ("whats the email for the green plan lead", "whos
# the contact person for the ics green plan? need a name + email pls"), beside the words naming the document. English,
# set by hand: a question with any other telling word ("can I email the green plan to a patient?", "julie grant's email
# in the green plan", "phone calls to 111 in the nhse letter") asks something else (a review).
CONTACT_ASKING_WORDS = frozenset(
    tokenize(
        "email e-mail address phone telephone mobile number contact details lead person name team need pls please "
        "question questions query queries enquiry enquiries send"
    )
)
# "email" or "phone" as a verb with its object ("email me the green plan", "can I email the nhse letter to my team?",
# "can I phone the green plan team"): sending or calling, not a contact asked for (a review). English, set by hand.
CONTACT_AS_A_VERB = re.compile(r"\b(?:e-?mail|phone)\s+(?:me|us|you|it|them|the|this|that|our|my|a|an|to)\b", re.IGNORECASE)


# Who wrote, signed or sent a document ("who wrote the letter?", "who's the author of the finance report?", "who was
# it signed by?", "who is the letter from?"): a sign-off or an author line answers, in words the question does not
# use. "Who sent apologies to the meeting?" asks no author: the verb's object must be a document or point back to one.
# English, set by hand.
_DOCUMENT_OR_IT = rf"(?:{'|'.join(sorted(DOCUMENT_NOUNS))}|document|it|this|that)"
_ASKS_AUTHOR = re.compile(
    r"\bwho(?:['’]s|\s+(?:is|was|are|were))?\s+(?:the\s+)?(?:authors?|signator(?:y|ies)|sender)\b"
    rf"|\bwho\s+(?:wrote|authored|signed|sent|drafted)\s+(?:[\w'’/&-]+\s+){{0,5}}?{_DOCUMENT_OR_IT}\b"
    r"|\bwho\s+(?:is|was)\s+(?:[\w'’/&-]+\s+){0,5}?(?:written|authored|signed|sent|drafted)\s+by\b"
    rf"|\bwho\s+(?:is|was)\s+(?:the\s+|this\s+|that\s+)?(?:[\w'’/&-]+\s+){{0,4}}?{_DOCUMENT_OR_IT}\s+from\b",
    re.IGNORECASE,
)


# What initials stand for ("what does PHM stand for?", "whats iapt short for", "define QAF", "swft meaning", "what is
# meant by CAPT", "what do the initials QAF stand for in the report?"), or "what is PHM?" (in lower case only for a word
# no English word: "what is fit" may ask of a word). A greeting before and "please" after are no part of it.
# English, set by hand: the ways staff ask what an abbreviation means.
_INITIALS = r"[\"'‘“]?(?P<initials>[a-z&]{2,6})[\"'’”]?"
_NAMED_AS = r"(?:the\s+)?(?:(?:initials|acronym|abbreviation|letters)\s+)?"
_INITIALS_ASKED = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # "... stand for in the roadmap?", not "what does the ICB stand for on health inequalities?" (a review)
        rf"^what(?:['’]?s|\s+(?:does|do|is|are))\s+{_NAMED_AS}{_INITIALS}\s+(?:stands?|short)\s+for(?:\s+(?:in|within)\s+[\w\s'’&-]{{1,40}})?$",
        rf"^what\s+(?:does|do)\s+{_NAMED_AS}{_INITIALS}\s+mean$",  # not "what does SWFT mean for us?"
        rf"^{_INITIALS}\s+(?:stands\s+for|meaning|means|definition|abbreviation|acronym)$",
        rf"^(?:define|definition\s+of|meaning\s+of|what\s+is\s+meant\s+by|expand|spell\s+out)\s+{_NAMED_AS}{_INITIALS}$",
    )
)
_WHAT_IS = re.compile(rf"^what(?:['’]?s|\s+is|\s+are)\s+(?:the\s+|an?\s+)?{_INITIALS}$", re.IGNORECASE)
_GREETING = re.compile(r"^(?:hi|hello|hey|morning|afternoon|please|quick\s+one|q)\b[\s,.:!-]*", re.IGNORECASE)
# From the start of a run of spaces and commas only: searched from each of its characters, a long run was read again
# from each (an attack review).
_PLEASE = re.compile(r"(?<![\s,])[\s,]+(?:please|pls|thanks|thank\s+you)$", re.IGNORECASE)


def initials_asked(question: str) -> str | None:
    """The initials a question asks the meaning of, in capitals ("what does phm stand for?" gives "PHM"), or None."""
    asked = _PLEASE.sub("", _GREETING.sub("", question.strip()).strip(" ?!.")).strip(" ?!.")
    if match := next((m for pattern in _INITIALS_ASKED if (m := pattern.match(asked))), None):
        return match["initials"].upper()
    match = _WHAT_IS.match(asked)
    if match and (match["initials"].isupper() or not is_ordinary_word(match["initials"].lower())):
        return match["initials"].upper()
    return None


def asks_for_author(question: str) -> bool:
    return bool(_ASKS_AUTHOR.search(question))


# When a document was sent, written or dated ("when was the nhse letter sent?", "when did nhse send the letter", "what
# date was the letter sent", "what's the date of the finance report", "when was it written?"): the line dating it answers
# (the letter's "... Sent by email 27 May 2022"), in words the question does not use; a trial's "when did nhse send the
# letter" had a minutes' deadline of 20 May, and the README's "when was it sent?" was declined. Only a question opening
# so: "how many covid patients were in hospital when the ceo report was written?" asks what was so then. English, set
# by hand.
_SOME_WORDS = r"(?:[\w'’/&-]+\s+)"
_ASKS_DOCUMENT_DATE = re.compile(
    rf"^\W*(?:when|(?:on\s+)?what\s+(?:date|day))\s+(?:was|is|were)\s+{_SOME_WORDS}{{0,5}}?{_DOCUMENT_OR_IT}\s+"
    r"(?:sent|written|dated|published|issued|signed)\b"
    rf"|^\W*when\s+did\s+{_SOME_WORDS}{{0,3}}?(?:send|write|publish|issue|sign)\s+{_SOME_WORDS}{{0,5}}?{_DOCUMENT_OR_IT}\b"
    rf"|^\W*what(?:['’]?s|\s+is|\s+was)\s+the\s+date\s+(?:of|on)\s+{_SOME_WORDS}{{0,5}}?{_DOCUMENT_OR_IT}\W*$",
    re.IGNORECASE,
)


# The words such a question asks with, beside those naming the document: any other ("when was the clinic letter sent?",
# "... the reply to the nhse letter", "... according to the minutes") asks of something else (a review).
DOCUMENT_DATE_WORDS = frozenset(tokenize("when what date day sent send written write dated date published publish issued issue signed sign"))


def asks_for_document_date(question: str) -> bool:
    return bool(_ASKS_DOCUMENT_DATE.search(question))


def names_the_day(text: str, iso_date: str) -> bool:
    """Whether a text names this day ("2022-05-27"), and its year anywhere: "27 May 2022", "27th of May 2022", "May 27th,
    2022"; a line dating a paper names no other year."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso_date)
    if match is None or match[1] not in text:
        return False
    return (int(match[3]), int(match[2])) in dates_named(text)


def _in_one_part(*words: str) -> str:
    r"""A pattern finding ``words`` (patterns) one after another in one part of a question between its question marks,
    as "who\b[^?]*\bchair" finds them, reading each part once: it reads on only from the first place of each word but
    the last, as first read there (an atomic group). A later place finds nothing the first does not, since what follows
    it follows the first too; and no word here can start within a longer reading of the one before ("who is", "what
    date"). "[^?]*" had read the rest of the part again from every place of the first word, and from every place of a
    middle word again for each of those: "date " * 200 + "next " * 200, 2,000 characters, took 0.3 s (a review)."""
    *leading, last = words
    return r"(?:^|\?)" + "".join(rf"(?>[^?]*?{word})" for word in leading) + rf"[^?]*{last}"


# A fact a paper states as a label and its value, on a line of its own, as board papers' "Key Information" boxes do
# ("• Committee Chair: Zubair Khan", "• Date of Next Meeting: 26th July 2022"). Such a line answers the question asking
# for it in words it does not use: "who chairs the clinical quality and governance committee?" had been answered with
# the report's title line, "when is the next quality committee meeting?" declined (the date stands apart from the
# committee's name). Each pair: how a question asks it, and the label that gives it. English, set by hand after this
# pass's trial and a held-out set; the author's line has its own reading (``asks_for_author``).
_LABELLED = re.compile(r"^(?:[•▪●–-]\s*)?(?P<label>[A-Z][A-Za-z/&'’ -]{2,40}?)\s*:\s*(?P<value>\S.*)$")
_WHO = r"\bwho(?:['’]?s|\s+is|\s+was)?\b"
_LABELS_ASKED = (
    (
        re.compile(_in_one_part(_WHO, r"\b(?:co-?)?chair(?:s|ed|ing|man|person)?\b"), re.IGNORECASE),
        re.compile(r"\bchair(?:man|person)?$", re.IGNORECASE),
    ),
    (
        re.compile(
            _in_one_part(r"\b(?:when|what\s+date|which\s+date|date)\b", r"\bnext\b", r"\bmeet")
            + "|" + _in_one_part(r"\bwhen\b", r"\bmeet(?:s|ing)?\s+next\b"),
            re.IGNORECASE,
        ),
        re.compile(r"\bnext\s+meeting$", re.IGNORECASE),
    ),
    (
        re.compile(_in_one_part(_WHO, r"\bexec(?:utive)?\s+lead\b"), re.IGNORECASE),
        re.compile(r"\bexecutive\s+lead$", re.IGNORECASE),
    ),
    # Minutes list who came and who did not under a label on a line of its own ("Apologies:", then the names): "who
    # sent apologies to the may meeting?" (dev d432; a trial's "who sent apologies?" had "Apologies were noted as
    # above."), "were any apologies received?", "who was absent from the governing body?", "who was in attendance?".
    # Not "who attended" or "who was present": the members present stand in a list of their own with no label, and
    # "In Attendance" lists only those who are not members (a review).
    (
        re.compile(
            _in_one_part(r"\b(?:who|any)\b", r"\bapologies\b")
            + "|" + _in_one_part(r"\bapologies\b", r"\b(?:received|given|sent|from)\b")
            + "|" + _in_one_part(r"\bwho\b", r"\b(?:was|were)\s+absent\b"),
            re.IGNORECASE,
        ),
        re.compile(r"^apologies$", re.IGNORECASE),
    ),
    (
        re.compile(_in_one_part(r"\bwho\b", r"\bin\s+attendance\b") + r"|\bwho\s+(?:were|are)\s+the\s+attendees\b", re.IGNORECASE),
        re.compile(r"^in\s+attendance$", re.IGNORECASE),
    ),
)


def labels_asked(question: str) -> list[re.Pattern[str]]:
    """The labels whose lines answer the question ("who chairs ..." asks a "Chair:" line), in the order asked."""
    return [label for asked, label in _LABELS_ASKED if asked.search(question)]


def label_of(sentence: str) -> str | None:
    """The label of a line stating a label and its value ("Committee Chair" of "• Committee Chair: Zubair Khan"), or
    None for any other sentence; ``labels_asked`` gives the patterns a label answering a question matches."""
    line = _LABELLED.match(sentence.strip())
    return line["label"].strip() if line else None


# A label alone on its line, its value the list under it ("Apologies:", then "Mrs Elaine Strachan-Hall Registered Nurse").
_BARE_LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z/&'’ -]{2,40}?)\s*:\s*$")


def bare_label_of(sentence: str) -> str | None:
    """The label of a line that is a label alone, its value the list under it ("In Attendance" of "In Attendance:"),
    or None for any other sentence."""
    line = _BARE_LABEL.match(sentence.strip())
    return line["label"].strip() if line else None


def asks_for_contact(question: str) -> bool:
    return bool(_ASKS_CONTACT.search(question))


def gives_contact(text: str) -> bool:
    """An email address or a UK telephone number."""
    return bool(CONTACT.search(text))


def figures(text: str) -> set[str]:
    return {m.group().strip() for m in FIGURE.finditer(text)}


def has_figure(text: str) -> bool:
    """A number that is not a year: a count, an amount or a percentage."""
    return any(not YEAR.fullmatch(m.group().strip()) for m in FIGURE.finditer(text))


# Counts written as words ("five EV charging points", "hundreds of comments", "dozens of stalls"), which answer "how
# many" as well as digits do. "one" and "zero" are left out: "one" is mostly no count ("one of the Trusts"), and a
# count of none is _NONE's.
_NUMBER_WORD = re.compile(rf"\b(?:{number_words(2, 1000)}|dozens|hundreds|thousands|millions)\b", re.IGNORECASE)
# A count of none: "GEH and CWPT do not currently have EV charging points" answers "how many has GEH got?".
_NONE = re.compile(r"\b(?:none|zero|(?:do|does|did)\s+not\s+(?:currently\s+|yet\s+)?have|(?:don't|doesn't|didn't)\s+have)\b", re.IGNORECASE)


def states_a_count(text: str) -> bool:
    """A value, a count in words or a count of none: whether a sentence can answer "how many". A date is no count
    ("... BNO open day ... 30 May" answers no "how many people came"), nor a section number ("2.1 Across ...")."""
    return bool(values_given(text)) or bool(_NUMBER_WORD.search(text) or _NONE.search(text))


# An amount asked ("how much will the inhaler recycling scheme cost?", "what's the budget for the travel plan?",
# "is there funding for it?", "how much carbon will it save?"): a question frame, not a word of money alone, which
# names a topic as often ("which actions mention costs?", "cost pressures", "how much longer until it is due?").
# English, set by hand from two reviews' phrasings, not fitted.
# Words that mean money and nothing else; a saving is as often of carbon ("how much carbon saving will it bring?").
_MONEY_ONLY_WORDS = r"costs?|costing|budgets?|price|spend|spends|spending|spent|funding|funded|money"
_MONEY_WORDS = rf"{_MONEY_ONLY_WORDS}|savings?"
_MONEY = rf"(?:{_MONEY_WORDS})"
_ASKS_AN_AMOUNT = re.compile(
    rf"\bhow\s+much\b(?!\s+(?:longer|later|sooner|earlier|more\s+time|time)\b)|\bhow\s+expensive\b"
    rf"|\bwhat\s+(?:does|do|did|will|would)\b[^?.]*\bcost\b"
    rf"|\bwhat(?:'?s|’s|\s+is|\s+was|\s+are|\s+were)?\s+(?:the\s+|its\s+|their\s+)?(?:total\s+|estimated\s+)?{_MONEY}\b"
    rf"(?!\s+(?:pressures?|improvement|reduction|efficienc\w*))"
    rf"|\b(?:is|are)\s+there\s+(?:any\s+)?(?:funding|money|budget)\b",
    re.IGNORECASE,
)
# Money asked for, not any amount: "how much carbon will the inhaler actions save?" asks tonnes.
_MONEY_ASKED = re.compile(rf"\b{_MONEY}\b|\bexpensive\b|£", re.IGNORECASE)
# The words of asking an amount, taken out of a question before it is read as a filter of actions: "cost" is no
# word an action mentions, "funding" would name the "ERF Funding" theme, "total" matches "total triage".
AMOUNT_WORDS = re.compile(rf"\bhow\s+(?:much|expensive)\b|\b(?:total|estimated|{_MONEY_WORDS})\b", re.IGNORECASE)


def asks_an_amount(question: str) -> bool:
    """Whether a question asks an amount: of money (a cost, budget, spend, saving or funding) or "how much" of anything."""
    return bool(_ASKS_AN_AMOUNT.search(question))


# A value that is money, as ``values_given`` writes it: "£16.8m", "£80k", "4.4m".
_MONEY_VALUE = re.compile(r"^£|\d(?:k|m|bn)$", re.IGNORECASE)
# A passage in money: a pound sign anywhere (a table's "£000s" header over "6,410 6,310 100"), pounds or GBP.
_IN_MONEY = re.compile(r"£|\bpounds?\b|\bGBP\b", re.IGNORECASE)


# Money asked in so many words (``_MONEY_ASKED`` without "saving", a re-review's carbon savings; investing is money).
_MONEY_NAMED = re.compile(rf"\b(?:{_MONEY_ONLY_WORDS}|expensive|invest\w*)\b|£", re.IGNORECASE)


def asks_money_by_name(question: str) -> bool:
    """Whether a question asks an amount of money by a word that means nothing else (not "saving")."""
    return asks_an_amount(question) and bool(_MONEY_NAMED.search(question))


def is_money(value: str, passage: str = "") -> bool:
    """Whether a value given (``values_given``, ``count_spans``) is an amount of money: written as one, or a figure of
    a ``passage`` in money (a finance table's rows under "£000s", "16.8 million pounds")."""
    return bool(_MONEY_VALUE.search(value) or _IN_MONEY.search(passage))


def asks_for_money(question: str) -> bool:
    """Whether an amount asked is one of money: a word of money or "£" in the question."""
    return asks_an_amount(question) and bool(_MONEY_ASKED.search(question))


def wanted_fact_kinds(question: str) -> set[FactKind]:
    q = question.lower()
    wants = {FactKind.COUNT} if COUNT_QUESTION.search(q) else set()
    if re.search(r"how (much|many|long)|\bwhat (%|percent|proportion|share)|\btotal\b|\bnumber of\b|\bcost|\b%", q):
        wants.add(FactKind.QUANTITY)
    if re.search(r"\bwhen\b|\bby when\b|\bdeadline\b|\bdue\b|\bwhat date\b|\bsince\b", q):
        wants.add(FactKind.DATE)
    if re.search(r"\bwho\b|\bwhich (consultancy|organisation|company|person)", q):
        wants.add(FactKind.PERSON)
    return wants


# Where a compound question's next part starts: "?", ";", " - ", "and" or "," before a question word, and
# "and" before a preposition that opens one ("..., and by when ...", "..., and over which months ...").
# The word lists are set by hand (English grammar, not fitted); the prepositions were added in one change
# measured once on all five folds (must +1 question in folds 2 and 4, no other answer moved).
# A break opening on spaces is looked for from the first of them only ("(?<!\s)"): a break ends where its spaces do, so
# one found from a later space would have been found from the first. Looked for from each, a run of spaces was read to
# its end from every one, and the spaces after an "and" again for each (" " * 1_000 + "and" + " " * 1_000 took 0.3 s:
# a review).
_PART_BREAK = re.compile(
    r"\?\s+|;\s+|(?<!\s)\s+-\s+"
    r"|(?:,|(?<!\s))\s+and\s+(?=(?:(?:by|over|in|for|from|since|until|to|with|at|on|of|during)\s+)?"
    r"(?:what|when|who|whom|how|why|which|where|did|does|is|are|was|were)\b)"
    r"|,\s+(?=(?:what|when|who|how|why|which|where)\b)",
    re.IGNORECASE,
)


def split_question(question: str) -> list[str]:
    """The parts of a compound question that ask for something of their own."""
    parts = [part.strip(" ,?") for part in _PART_BREAK.split(question)]
    return [part for part in parts if len(tokenize(part)) >= 1]


# A summary asked for ("summarise the green plan", "give me an overview of ..."): a briefing's job, not one answer's.
# The topic is the shortest that the rest of the message can follow ("in 3 points", stops and spaces), as
# "\s+(?P<topic>.+?)" gives it, but only two kinds are tried, each once (tried with every start and end, each end reading
# the run of spaces after it to its end, "summarise" + " " * 1_990 + "x\ny" took 29 s: a review):
# - starting after the spaces, ending on a character that is no space or stop, or on a stop before " in": a topic ending
#   further into a run of spaces or stops has a shorter one, a character less, that the same kind of rest follows;
# - one space alone, tried after the first kind failed (a line break before the end), when it is the last but one space
#   before the words or the last at the message's end (line breaks aside): the same rest follows any space earlier.
_SUMMARY_REQUEST = re.compile(
    r"^\s*(?:please\s+)?(?:summari[sz]e|sum up|give (?:me )?(?:an? )?(?:overview|summary) of|overview of|"
    r"what(?:'s| is) the (?:overview|summary) of)\s+"
    r"(?P<topic>\S(?:.*?(?:[^?.!\s]|[?.!](?=\s+in\s)))??|[^\S\n](?=\n*(?:\s\S|\Z)))"
    r"(?:\s+in\s+\d+\s+\w+(?:\s+points?)?)?[?.!\s]*$",
    re.IGNORECASE,
)


def summary_asked(message: str) -> str | None:
    """The topic a message asks a summary of, or None."""
    return asked["topic"] if (asked := _SUMMARY_REQUEST.match(message)) else None


# A topic named instead of a question asked ("desflurane", "virtual wards at geh", "tell me about desflurane"): it asks
# what the documents say about it. The words are English grammar, set by hand (no dev question names a topic alone).
# The topic is the shortest that stops and spaces alone follow, as "[:\s]+(?P<topic>.+?)" gives it, tried only where
# it could be (as ``_SUMMARY_REQUEST``'s; tried from every space and colon with every end, "tell me about" + " " * 1_985
# + "x\ny" took 9 s: a review): starting after the spaces and colons and ending on a character that is no stop or space
# (or the first character alone), or, where nothing follows the spaces and colons, the last of them that is no line break.
_TELL_ME_ABOUT = re.compile(
    r"^\s*(?:please\s+)?(?:can\s+you\s+)?(?:tell\s+me|what\s+can\s+you\s+tell\s+me)\s+(?:(?:a\s+bit|a\s+little|more)\s+)?"
    r"about[:\s]+(?P<topic>[^:\s](?:.*?[^?.!\s])??|[^\n](?=\n*\Z))[?.!\s]*$",
    re.IGNORECASE,
)
# Asking for a topic to be told: "explain desflurane", "define scope 3", "info on virtual wards". Not part of the topic.
_TELL_VERB = re.compile(
    r"^\s*(?:please\s+)?(?:explain|define|describe|info(?:rmation)?\s+(?:on|about)|details?\s+(?:on|of|about))[:\s]+",
    re.IGNORECASE,
)
_WH_WORDS = r"what|whats|when|whens|who|whos|whom|whose|how|hows|why|which|where"
_ASKING = re.compile(
    rf"\?|\b(?:{_WH_WORDS}|is|are|was|were|do|does|did|can|could|"
    r"has|have|had|will|would|should|shall|must|any|anything)\b",
    re.IGNORECASE,
)
# The words of talk, one vocabulary nested three deep: the follow-up reading's pleasantries (``PLEASANTRIES``) are
# courtesy, and courtesy is talk to the bot. English, set by hand from reviews' and trials' conversations, not fitted.
#
# Courtesy (``without_courtesy`` drops it before a question): "cheers. when is the old cwccg website being archived?",
# "ok great, what about geh?", "sorry - who chairs it?". Not every word of talk to the bot: "no", "next", "new", "nice",
# "back" and "morning" open questions too ("No. of beds", "next-day discharges?", "NICE - what did they say ...", "new
# question: ...", which the follow-up reading takes for a switch).
_COURTESY = PLEASANTRIES | frozenset("thank thankyou you ta yes yeah yep perfect brilliant so many much".split())
# ... and, before a question only, the words greeting the bot or its readers ("hey bot", "hi all", "hello there", "quick
# one -"); alone they are no talk ("all" after a listing asks for all of it, a re-review).
_GREETING_WORDS = frozenset("bot all team folks there one".split())
# Talk to the bot rather than of a topic: a message of nothing else ("thanks", "help", "start again", "not helpful",
# "yes", "page 75", "got it", "never mind", "good afternoon", "explain", "quick question") names none (``is_talk``).
_CHAT = _COURTESY | frozenset(
    """no nope good fine nice help start again restart reset stop cancel quit exit bye goodbye please not helpful
    useless wrong correct test testing menu more next back page pages p answer got new go never mind understood clear
    home options morning afternoon evening night explain define describe""".split()
)
# A message of at most this many words, none of them asking anything, names a topic. Set by hand: "gp access
# numbers", "ev charging at swft" are topics; longer runs of words are mostly questions typed without a question word.
MAX_TOPIC_WORDS = 4


def _names_something(text: str) -> bool:
    """Holds a word that is neither talk to the bot (``_CHAT``) nor a stopword."""
    return any(word not in _CHAT and word not in STOPWORDS for word in re.findall(r"[a-z]+", text.lower()))


def is_talk(message: str) -> bool:
    """Only words of talking to the bot ("thanks", "ok great", "not helpful"), asking nothing and giving no figure: no
    question, no topic, no follow-up ("what about 20/21?" and "when did it start?" ask)."""
    if _ASKING.search(message) or re.search(r"\d", message):
        return False
    return any(word in _CHAT for word in re.findall(r"[a-z]+", message.lower())) and not _names_something(message)


# Talk before a question: at most four words of courtesy (``_COURTESY``), then a stop, comma or colon, a dash, a
# question word or verb, a capital opening the question ("hey bot At month 3, ..."), or "and" (not after a word of
# courtesy that is a word of content too: "right and left heart failure services?"): "ok who chairs it?", "ok and
# swft?". Set by hand from two reviews' conversations, not fitted.
# The verbs a question may open with ("hey bot has our covid jab programme won a prize?").
_AUXILIARIES = r"is|are|was|were|do|does|did|can|could|has|have|had|will|would|should"
_COURTESY_OF_CONTENT = frozenset("right quick so also question all there one".split())  # "right and left", "quick and easy"
# A greeting of the time of day before a question: "good morning, ...", "morning! ..." (not "morning, afternoon and
# evening discharges?", the times asked about).
_GREETING_OF_THE_DAY = re.compile(r"^\s*(?:good\s+(?:morning|afternoon|evening)\b[\s,.!:;–—-]*|(?:morning|afternoon|evening)\s*!+\s*)", re.IGNORECASE)
_TALK_BEFORE = re.compile(
    rf"^\s*(?P<talk>[a-z]+(?:[\s,]+[a-z]+){{0,3}}?)"
    rf"(?:\s*[.!,;:]+\s*|\s*[–-]+\s+|\s*—\s*|\s+(?=(?:and\s+)?(?:{_WH_WORDS}|{_AUXILIARIES})\b)|\s+(?=(?-i:[A-Z]))"
    r"|(?P<before_and>\s+(?=and\b)))",
    re.IGNORECASE,
)
MAX_TALK_CLAUSES = 3  # "right, thanks. who is the vice chair?": each clause of courtesy in turn


# "please" typed short, anywhere in a message ("start over pls", "who chairs it plz?"): courtesy, and "please" written out
# would find "pleased" (a review). English texting usage, not fitted.
# Read from the start of the spaces before it only, and once: "\s*,?\s+" had split each run of spaces every way from
# each of its characters (a line of 5,000 spaces in chat took minutes, an attack review).
_PLEASE_SHORT = re.compile(r"(?:^|(?<!\s)(?:\s*,)?\s+)(?:pls|plz)\b[.!]*(?=\s|[?!,.]|$)", re.IGNORECASE)
# Thanks or "please" after a question ("... in april? thanks", "who chairs the phm board please", "..., cheers!"): no
# word of what is asked. Held-out questions with one of these typed at their end had lost must 0.69 -> 0.60 and
# unanswerable declined 0.68 -> 0.59 (q2). Thanks after a word, with no stop or comma between, may be what is asked
# about ("who gave thanks", "a vote of thanks", a re-review): only "please" and "thx" go so. English, by hand.
# The words of thanks are found first, at the message's end, and the stops and spaces before them are then read back
# from there: one pattern of stops then the words, searched from each stop, had read a run of thousands of stops over
# again from each of its characters ("?.!,;" * 4,000 took seconds, an attack review).
_TALK_AFTER = re.compile(
    r"(?P<thanks>thanks|thank\s+you|thankyou|thx|cheers|please)"
    r"(?:\s+(?:very\s+much|so\s+much|a\s+lot|in\s+advance|again))?\W*$",
    re.IGNORECASE,
)
_STOPS_BEFORE_THANKS = ",.;:!?–—-"
_THANKS_AFTER_A_SPACE = frozenset(("thx", "please"))


def _thanks_at_end(message: str) -> int | None:
    """Where thanks typed after a question start (``_TALK_AFTER``), with the spaces, stops and spaces before them; None
    when the message ends in none: thanks after a stop or comma, "please" or "thx" after a space too."""
    thanked = _TALK_AFTER.search(message)
    if thanked is None:
        return None
    start = start_of_run(message, thanked.start(), str.isspace)
    stopped = start_of_run(message, start, _STOPS_BEFORE_THANKS.__contains__)
    if stopped < start:
        return start_of_run(message, stopped, str.isspace)
    return start if start < thanked.start() and thanked["thanks"].lower() in _THANKS_AFTER_A_SPACE else None


# A polite frame around a question ("Can I ask who leads ...", "Could you tell me when ...", "I was wondering if ...", "Do
# you know how many ..."): asking leave to ask, not what is asked; searched, its words found pages about asking and
# knowing (a review: "Can I ask who is the exec lead for sustainability?" quoted a sentence on "strong Exec / SRO
# engagement"). Dropped from the start of a message, as courtesy is. English, set by hand.
# "I want / need / would like / I'd like to know": a frame before what it asks, and before "about X" a topic named.
_WANT_TO_KNOW = r"i(?:\s+(?:want|need|would\s+like)|['’]d\s+like)\s+to\s+know"
_QUESTION_FRAME = re.compile(
    r"^\s*(?:please\s+)?(?:"
    # "may" is blanked before this reads the message (``message_as_read``): "May I ask who ..." is "I ask who ...".
    r"(?:can|could|may)\s+(?:i|we)\s+(?:(?:also|just|possibly|please|quickly)\s+)*(?:ask|check|confirm|enquire)"
    r"|(?:i|we)\s+(?:just\s+)?ask"
    r"|(?:do|does|would)\s+(?:you|anyone|anybody)\s+(?:happen\s+to\s+)?know"
    r"|(?:can|could|would)\s+you\s+(?:please\s+)?(?:tell\s+(?:me|us)|let\s+(?:me|us)\s+know)"
    r"|(?:i(?:\s+(?:was|am)|['’]?m)\s+|(?:i\s+was\s+)?just\s+)wondering|i\s+wonder|any\s+idea"
    rf"|{_WANT_TO_KNOW}"
    # Only before what asks: a question word, or "if"/"whether" (dropped too), or "more" alone (the follow-up "could you
    # tell me more"). "Can you tell me about the green plan?" names a topic ("tell me about" is read as one), "can I
    # check my pay slip?" asks to do something (a review).
    r")[\s,:]+(?:(?:if|whether)\s+(?=\S)|(?=(?:what|whats|who|whos|whom|whose|when|whens|where|which|why|how|hows)\b|more\W*$))",
    re.IGNORECASE,
)
# "I'd like to know about virtual wards": a topic named, as "tell me about virtual wards" names it (``topic_named``).
_KNOW_ABOUT = re.compile(rf"^\s*(?:please\s+)?{_WANT_TO_KNOW}\s+about\s+(?=\S)", re.IGNORECASE)


def without_question_frame(message: str) -> str:
    """The message without a polite frame it opens with (``_QUESTION_FRAME``), when a question is left after it; "I'd like
    to know about X" read as "tell me about X"."""
    if _KNOW_ABOUT.match(message):
        return _KNOW_ABOUT.sub("tell me about ", message, count=1)
    rest = _QUESTION_FRAME.sub("", message, count=1)
    return rest if has_a_word(rest) else message


def without_courtesy(message: str) -> str:
    """The message without the courtesy it opens with, and without "pls" anywhere: the words of thanks are nothing to
    search for, and no page holds them ("cheers. when is ..." had been declined, the same question without "cheers."
    answered). What is left may be talk again ("great, thanks!" is "thanks!", "thanks pls" "thanks"), which the bot
    answers as talk; "ok, more please" is "more please", "start over pls" "start over". Thanks after a question go too
    ("who chairs it? thanks" is "who chairs it?"), but not from talk ("more please")."""
    if (polite := _PLEASE_SHORT.sub("", message)) != message:
        message = polite.lstrip(" ,;:.!-").strip() or message
    if (greeted := _GREETING_OF_THE_DAY.match(message)) and has_a_word(message[greeted.end() :]):
        message = message[greeted.end() :]
    if (thanked := _thanks_at_end(message)) is not None and has_a_word(before := message[:thanked]) and not is_talk(before):
        # The question it thanks for, with its question mark ("how many ... in april? thanks" asks "... in april?").
        message = before + ("?" if "?" in message[thanked:] else "")
    for _ in range(MAX_TALK_CLAUSES):
        talk = _TALK_BEFORE.match(message)
        words = set(re.findall(r"[a-z]+", talk["talk"].lower())) if talk else set()
        if not talk or not words <= _COURTESY | _GREETING_WORDS or (talk["before_and"] is not None and words & _COURTESY_OF_CONTENT):
            break
        rest = message[talk.end() :]
        if not re.search(r"[A-Za-z0-9]", rest):
            break
        message = rest
    return message


def message_as_read(message: str) -> str:
    """A message as answering and the follow-up reading both read it, before anything else: the verb "may" blanked ("if
    i may" names no month), white space collapsed, a month parted from the year typed onto it ("apr22"), the courtesy
    it opens with dropped (``without_courtesy``), then a polite frame ("Can I ask ...", ``without_question_frame``); a character
    no UTF-8 carries is U+FFFD (``with_valid_characters``). One
    chain, so that a question asked alone and the same words read as a follow-up start from the same text."""
    typed = months_parted_from_years(collapse_whitespace(without_modal_may(with_valid_characters(message))))
    return without_question_frame(without_courtesy(with_question_words_spelled(typed)))


def with_question_words_spelled(message: str) -> str:
    """The message with question words typed as fast typing slips ("wich", "wat": ``QUESTION_WORD_SLIPS``) spelled
    out where a question word stands, so a question is read as one (a trial's "wich themes have the most actions" had
    been declined)."""
    return _QUESTION_WORD_SLIP.sub(lambda match: match["before"] + _spelled_as_typed(match["slip"]), message)


def _spelled_as_typed(slip: str) -> str:
    word = QUESTION_WORD_SLIPS[slip.lower()]
    return word.capitalize() if slip[:1].isupper() else word


# Where a question word stands (the message's or a clause's start, after "and", "so" or "but", a courtesy or "tell me")
# and in lower case or capitalised only; capitalised, not before another capitalised word: "Wat Tyler House", "the wht
# paper" and "HW" are no question words (two reviews).
_QUESTION_WORD_SLIP = re.compile(
    r"(?P<before>^\s*|[,;:.?!(]\s*|\b(?:and|so|but|or|ok|okay|thanks|cheers|hi|hey|me)\s+)(?P<slip>"
    + "|".join(QUESTION_WORD_SLIPS)
    + "|"
    + "|".join(rf"{slip.capitalize()}(?!\s+[A-Z][a-z])" for slip in QUESTION_WORD_SLIPS)
    + r")\b"
)


def topic_named(message: str) -> str | None:
    """The topic of a message that names one rather than asking a question; None for a question or for talk to the bot."""
    if told := _TELL_ME_ABOUT.match(message):
        topic = told["topic"]
    elif len(message.split()) <= MAX_TOPIC_WORDS and not _ASKING.search(message):
        topic = _TELL_VERB.sub("", message).strip(" .!:")
    else:
        return None
    return topic if _names_something(topic) else None


_WHEN = re.compile(r"\bwhens?\b|\bwhat date\b", re.IGNORECASE)
# Question words, as typed fast too: "whats", "whos", "hows" (a held-out "whos chairing the cqgc now and when is there
# next meeting" had been read as asking "when" and nothing else).
_QUESTION_WORDS = re.compile(r"\b(?:what|when|who|whom|how|why|which|where)s?\b", re.IGNORECASE)
# Words that ask the time with "when" ("since when?", "is it ... now?", "what date"): what a date answers, not what it
# is about. English, set by hand.
TIME_ASKING_WORDS = frozenset({"since", "now", "currently", "yet", "date"})


# "what was the ...", "what's the ...": with a year, a value for that year is the answer.
_WHAT_IT_IS = re.compile(r"\bwhat(?:['’]s|\s+(?:is|was|are|were))\b", re.IGNORECASE)
# A month with its year's last two digits, as the performance report's tables date their columns ("Apr-22").
_MONTH_SHORT_YEAR = re.compile(rf"\b(?:{MONTH_ABBREVIATIONS})[a-z]*[-\s’']?(?P<year>\d\d)\b", re.IGNORECASE)


def value_asked_for_years(question: str) -> list[str]:
    """The years a question asks a value for ("how many ... in 2021/22", "what were ... emissions in
    2019/20?"), as written; none when it asks no value or names no year. A year that dates a month
    ("in April 2022") asks for the month's value, which a sentence gives as "In April there were 9
    breaches" in a report of that year: the month is what the evidence must name (``bot.missing``)."""
    kinds = wanted_fact_kinds(question)
    if not (kinds & {FactKind.COUNT, FactKind.QUANTITY} or _WHAT_IT_IS.search(question)):
        return []
    return years_written(MONTH_WITH_YEAR.sub(" ", question))


# Numbers that are no value of anything: a date ("31st March", "6 April"), a month of the financial year ("Month 12",
# "M12"), a quarter ("Q2"), a section number ("5.2 Finance Report": a first part under 20, before a capitalised word
# that is no unit) and a list item's number where an item starts, at the text's start, after a sentence or a bullet
# ("8. Outpatient parenteral ... virtual ward at GEH commenced", which had answered "how many virtual ward beds have
# we got?"; not "a total of 8. The ...", nor "Beds open: 8. The rest closed"). "Financial
# Budget 2022/23 ... 5.2 Finance Report - Month 12" names 2022/23 and gives no figure for it (a trial's "year-end
# surplus for 2022/23"). English and the board papers' numbering, set by hand, not fitted.
_NO_VALUE = re.compile(
    rf"{DAY_AND_MONTH.pattern}|\b(?:month\s*|m)\d{{1,2}}\b|\b{QUARTER}"
    r"|(?-i:(?<![\d.,£])\b1?\d(?:\.\d{1,2})+\.?\s+(?=[A-Z][a-z])(?!(?:Million|Billion|Thousand|Days?|Weeks?|Months?|Years?|Hours?)\b))"
    rf"|(?-i:(?:^|(?<=[.!?;]\s)|(?<=[{BULLET_GLYPHS}–]\s))\s*\d{{1,2}}\.(?=\s+[A-Z]))",
    re.IGNORECASE,
)


# A value as written, whole: money with its decimals and unit ("£16.8m", "£250,000"), a share ("42 %") or a number.
_VALUE = re.compile(r"£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:m|k|bn|million|billion)\b)?|\d[\d,.]*\s?%|\b\d[\d,.]*\b", re.IGNORECASE)


def _years_named(text: str) -> list[tuple[int, int, set[str]]]:
    """Where the text names a year, and the year as search tokens ("2019/20", "Apr-22" as 2022)."""
    named = [(start, end, set(tokenize(written))) for start, end, written in year_spans(text)]
    return named + [(m.start(), m.end(), {f"20{m['year']}"}) for m in _MONTH_SHORT_YEAR.finditer(text)]


def _values(text: str, named: list[tuple[int, int, set[str]]]) -> list[re.Match[str]]:
    """The numbers in the text that are values of something: no year (``named``: "2019/20" as one, its "20" no
    figure either), date, month of the financial year, quarter or section number."""
    blanked = text
    for start, end, _ in named:
        blanked = blanked[:start] + " " * (end - start) + blanked[end:]
    blanked = _NO_VALUE.sub(lambda match: " " * len(match.group()), blanked)
    return [figure for figure in _VALUE.finditer(blanked) if not YEAR.fullmatch(figure.group().strip())]


def values_given(text: str) -> set[str]:
    """The values the text gives ("30", "£16.8m", "76%"), as written: its figures that are no year, date or
    section number."""
    return {figure.group().strip() for figure in _values(text, _years_named(text))}


def count_spans(text: str) -> list[tuple[str, int, int]]:
    """Each count or amount the text gives, with where it stands: its values, counts written in words ("three", in
    lower case) and counts of none ("do not currently have", as "none")."""
    spans = [(m.group().strip(), m.start(), m.end()) for m in _values(text, _years_named(text))]
    spans += [(m.group().lower(), m.start(), m.end()) for m in _NUMBER_WORD.finditer(text)]
    return spans + [("none", m.start(), m.end()) for m in _NONE.finditer(text)]


def counts_given(text: str) -> set[str]:
    """What the text gives as a count or an amount (``count_spans``)."""
    return {value for value, _, _ in count_spans(text)}


def gives_a_figure_for(text: str, years: list[str]) -> bool:
    """The text gives a figure for one of the years: a number that is a value (no year, date or section number) whose
    nearest year named is one asked ("... (Month 12 - 2021/22). ... the CCG had finished with a £28,000 surplus"
    gives 2021/22's surplus; "Financial Budget 2022/23" before it names 2022/23 in passing). A table's "Apr-22" names
    2022."""
    asked = [set(tokenize(year)) for year in years]
    named = _years_named(text)
    if not any(year <= tokens for year in asked for _, _, tokens in named):
        return False
    for figure in _values(text, named):
        _, _, nearest = min(named, key=lambda span: max(span[0] - figure.end(), figure.start() - span[1]))
        if any(year <= nearest for year in asked):
            return True
    return False


def asks_when(question: str) -> bool:
    """Asks "when" and nothing else: a question with one question word, "when" (or the "what" of "what date")."""
    return bool(_WHEN.search(question)) and len(_QUESTION_WORDS.findall(question)) == 1


def holds(text: str, kind: FactKind) -> bool:
    """Whether a sentence holds a kind of fact: a figure, an amount, a date or a person."""
    if kind in (FactKind.COUNT, FactKind.QUANTITY):
        return has_figure(text)
    if kind is FactKind.AMOUNT:
        return bool(AMOUNT.search(text))
    return bool((_DATE if kind is FactKind.DATE else _PERSON).search(text))


_ROLE_WORD = re.compile(rf"\b{_ROLE}\b", re.IGNORECASE)
# In a list of people and their roles, a name followed by its role with no comma between ("Phil Johns Chief
# Executive, ... Danielle Oum Chair, ..."), which ``_PERSON`` does not take for a name; neither word may be a
# title, a role or a word the documents write in lower case ("Officer Mr", "Chief Operating", "Net Zero" are none).
_NAME_BEFORE_ROLE = re.compile(rf"\b([A-Z][a-z]+) ([A-Z][a-z'’-]+)\s*[–,-]?\s*(?=(?:[A-Z][A-Za-z]+ ){{0,3}}{_ROLE}\b)")
_TITLE = re.compile(rf"{PERSON_TITLES}\.?$")


def roles_asked(question: str) -> frozenset[str]:
    """The words of the role a "who" question asks about, lower case, when it names a role: "who is the chief
    operating officer at CWPT?" gives "chief", "operating", "officer" (organisations in capitals aside: the
    Roadmap calls the ICB chair "Chair, Coventry and Warwickshire ICS"); none when it names no role."""
    if not _ROLE_WORD.search(question):
        return frozenset()
    words = re.findall(r"[A-Za-z]+", question)
    return frozenset(w.lower() for w in words if not w.isupper() and w.lower() not in STOPWORDS)


def person_in_role(text: str, role: frozenset[str], is_name: Callable[[str], bool]) -> str | None:
    """Of the people a text names, the first whose role (the words after the name, up to the next person) says
    every word of ``role``: "Phil Johns" for "chief executive" in the Roadmap's "Angela Brady, Chief Medical
    Officer, ... Phil Johns Chief Executive, ... Danielle Oum Chair, ..."; None when none does. ``is_name`` tells a
    name from an everyday word ("Net Zero lead" and "Chief Executive" name no one)."""
    named = [(match.start(), text.find(name, match.start()) + len(name), name) for match in _PERSON.finditer(text) if (name := next(n for n in match.groups() if n))]
    named += [(match.start(), match.end(2), f"{match[1]} {match[2]}") for match in _NAME_BEFORE_ROLE.finditer(text)]
    # A name inside another ("Anita Wilson" of "Mrs Anita Wilson") is that one.
    people = sorted(
        (start, name) for start, end, name in named
        if _is_a_name(name, is_name) and not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in named)
    )
    for (start, name), (end, _) in zip(people, [*people[1:], (len(text), "")]):
        if role <= {word.lower() for word in re.findall(r"[A-Za-z]+", text[start:end])}:
            return name
    return None


def _is_a_name(name: str, is_name: Callable[[str], bool]) -> bool:
    """A title aside ("Mrs"), words that are no role and that the documents never write in lower case."""
    words = name.split()
    words = words[1:] if words and _TITLE.match(words[0]) else words
    return bool(words) and not any(_TITLE.match(word) or _ROLE_WORD.fullmatch(word) or not is_name(word) for word in words)


# The person a letter's sign-off or a paper's author line names ("Yours sincerely Julie Grant Director of ...", "Author:
# Rose Uwins Senior ..."), a title and a first name and a surname, with no dash or comma before the role that follows;
# else the one a paper is from ("Report From: Anita Wilson Director of ..."), who put it forward but did not write it.
_NAME_WRITTEN = rf"\s*,?\s*(?P<name>(?:{PERSON_TITLES}\.?\s+)?[A-Z][a-z]+ [A-Z][a-z'’]+(?:-[A-Z][a-z]+)?)\b"
_SIGNED = re.compile(r"(?i:yours\s+(?:sincerely|faithfully|truly)|regards|best\s+wishes|author\s*:|(?:prepared|written)\s+by\s*:?)" + _NAME_WRITTEN)
_SENT = re.compile(r"(?i:report\s+from\s*:)" + _NAME_WRITTEN)


def person_named(text: str) -> str | None:
    """The one who signed or wrote it ("Yours sincerely Julie Grant Director of Strategic Transformation, West Midlands":
    not "West Midlands" after the role; "Author: Rose Uwins" before "Report From: Anita Wilson"), else the first person
    a sentence names, as it names them ("Mrs Cartwright", "Laura Nelson"), or None."""
    if signed := _SIGNED.search(text) or _SENT.search(text):
        return signed.group("name")
    match = _PERSON.search(text)
    return next(name for name in match.groups() if name) if match else None


def carries(text: str, wants: set[FactKind] | frozenset[FactKind]) -> bool:
    """Holds every kind of fact asked for: a figure for "how many" (or a count in words, "another eight services"), a
    date for "when", a name for "who"."""
    return all(holds(text, kind) or (kind in (FactKind.COUNT, FactKind.QUANTITY) and states_a_count(text)) for kind in wants)
