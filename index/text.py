"""Words as search sees them: one tokenizer for retrieval, answering, briefings and the action table.

Lower-cased, stopwords dropped, stemmed, and financial years written any way
("20/21", "2020-21", "FY20/21", "2020 to 2021") folded into one token.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType

import Stemmer
import wordninja

from index.records import Chunk
from index.vocabulary import (
    BULLET_GLYPHS,
    CALENDAR_YEAR,
    FINANCIAL_YEAR,
    FIRST_MONTH_OF_FINANCIAL_YEAR,
    GLUE_WORDS,
    HONORIFICS,
    MONTH_NAMES,
    MONTHS,
    REPORTING_MONTH,
    STOPWORDS,
    UNIT_SHORTHAND,
    WEB_ADDRESS,
    YEAR_WRITTEN,
)

_WHITESPACE = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORD_CHARACTER = re.compile(r"\w")
_LINE_BREAK_HYPHEN = re.compile(r"(\w)-\s*\n\s*(\w)")
_FINANCIAL_YEAR = re.compile(rf"\b{FINANCIAL_YEAR}|\b20(\d{{2}}) to 20(\d{{2}})\b")
# "GPs", "PCNs", "ICBs", "4Is": an acronym's plural. ("ICS" and "NHS" end in a capital S and keep it.)
_ACRONYM_PLURAL = re.compile(r"\b([A-Z][A-Z0-9]+|\d[A-Za-z])s\b")
_APOSTROPHE = re.compile(r"['’]s\b|['’]")
# "4Is" (a figure and one capital, the way frameworks are named: "the 4Is", "3Rs") is one token, "4i"; so are
# initials joined by an ampersand ("A&E", "C&W": "a&e"), whose single letters would be dropped.
_TOKEN = re.compile(r"fy\d\d/\d\d|\b\d[a-z]\b|\b[a-z]&[a-z]\b|[£$]?\d+(?:[,.]\d+)*%?|[a-z][a-z0-9]*")


def without_possessive(word: str) -> str:
    """The word without a closing "'s" ("SWFT's", "chair's"); only those two letters, so "swft's" stays "swft" (a
    character set stripped from both ends had read it as "wft")."""
    return _POSSESSIVE.sub("", word)


_POSSESSIVE = re.compile(r"['’]s$")


def without_possessives(text: str) -> str:
    """The text without the "'s" closing any of its words ("the green plan's contact email": "the green plan contact
    email"), as ``without_possessive`` drops it from one word."""
    return _POSSESSIVES.sub("", text)


_POSSESSIVES = re.compile(r"['’]s\b")


@functools.lru_cache(maxsize=1)
def english_word_costs() -> Mapping[str, float]:
    """English words, lower case, with their cost (a negative log of how common they are): wordninja's
    list, drawn from Wikipedia's word frequencies. What tells glued words and misspellings from words.
    Read once and shared, read-only: search asks it of every word of every question (copied per call, it
    had been half of a warm answer's time)."""
    return MappingProxyType(dict(wordninja.DEFAULT_LANGUAGE_MODEL._wordcost))


def is_english_word(word: str) -> bool:
    return word.lower() in english_word_costs()


# A word is an ordinary one when it is among this many most common English words (a single letter
# other than "a" and "I" never is). Set by hand, not fitted: the fragments the PDF text layer and
# wordninja leave ("identif", "ied", "lu", "ran") rank far below it, or are single letters.
ORDINARY_WORD_RANK = 30000


@functools.lru_cache(maxsize=1)
def english_word_ranks() -> dict[str, int]:
    costs = english_word_costs()
    return {word: rank for rank, word in enumerate(sorted(costs, key=costs.__getitem__))}


def is_ordinary_word(lowered: str) -> bool:
    """A common English word of more than one letter ("of", "staff", "low"), or "a" or "i"."""
    if len(lowered) < 2 and lowered not in ("a", "i"):
        return False
    return english_word_ranks().get(lowered, ORDINARY_WORD_RANK) < ORDINARY_WORD_RANK


# Glued words are mostly the words they join ("emissionsfrom", "wavesandextremeweatheron"): at least this
# share of the run's letters are in words other than glue words. Set by hand, not fitted.
MIN_CONTENT_SHARE = 0.6

# A run of letters longer than this is left as it is, never handed to wordninja: the longest glued run in the bundled
# corpus is 66 letters ("infrastructuretocontinuetooperateeffectivelywhiletheclimatechanges", the Green Plan); a text
# layer that drops every space runs a whole line or short paragraph together (a review: a 210-letter sentence was left
# glued at 200), and a run longer than a paragraph is not words but something else (an image as base64, a hash). Set by
# hand, not fitted. An attack review: segmenting costs time in proportion to the run, so a page holding 200,000 letters
# without a space took 7 s to repair, and a few such pages would stall an ingest. A run of 1,000 letters takes 40–85 ms
# (the re-review, a busy machine): per letter as a run of 200 did, so the bound stops a single huge run; a page of many
# long runs (200 of them took 8–17 s) is bounded by ``ingest.words.MAX_SEGMENTED_LETTERS_PER_PAGE``.
MAX_GLUED_LETTERS = 1000


def glued_parts(run: str) -> list[str] | None:
    """The words of a lower-case run the PDF text layer glued together: English words with a glue word
    at either end ("emissions from", "the lancet"); None when the run is not that (an English word
    itself, or a name).

    wordninja's list holds fragments ("lu", "ran", "e"), so a rare word cut into several pieces would
    read as glue ("isoflurane": "is of lu ran e"). So the run parts as one English word with the glue
    ("in predictive"), or as several when every one is an ordinary word ("waves and extreme weather on").
    Ingest parts such runs; evaluation counts the answers that still hold one.
    """
    if run.lower() != run or len(run) > MAX_GLUED_LETTERS or is_english_word(run):
        return None
    parts = list(wordninja.split(run))
    if len(parts) < 2 or "".join(parts) != run:
        return None
    core = parts[1 if parts[0] in GLUE_WORDS else 0 : -1 if parts[-1] in GLUE_WORDS else len(parts)]
    if len(core) == len(parts):
        return None  # no glue word at either end
    if sum(len(p) for p in parts if p not in GLUE_WORDS) < MIN_CONTENT_SHARE * len(run):
        return None  # mostly glue: a word cut into little words ("atorvastatin": "at or vast at in")
    if (len(core) == 1 and is_english_word(core[0])) or all(is_ordinary_word(p) for p in parts):
        return parts
    return None


# A bullet or an item number opening a line: "• Reduce ...", "- Travel", "a) ...", "(3) ...".
BULLET = re.compile(rf"^\s*(?:[{BULLET_GLYPHS}\-–]|\(?[a-z0-9]{{1,2}}[.)])\s+")
# Quotes and brackets that may close a sentence after its stop: 'as "Net Zero."', "(see p. 4.)".
CLOSING_MARKS = "\"'’”)]"
# The end of a sentence or of a line that introduces something: a stop, a question or exclamation mark
# or a colon. Callers that mean something narrower or wider say so (a whole claim ends with "." or "!";
# a quoted passage may stop at ";").
SENTENCE_STOPS = ".!?:"
PASSAGE_STOPS = ".!?:;"  # where a quoted passage or a briefing's clause may stop
WHOLE_CLAIM_STOPS = ".!"  # a claim a briefing can stand on its own ends here, not at a colon


def ends_with_stop(text: str, stops: str = SENTENCE_STOPS) -> bool:
    """The text ends with one of ``stops``, before any closing quotes or brackets: the one test of
    "does this line or sentence end here" that ingest, quoting and briefings share."""
    end = text.rstrip().rstrip(CLOSING_MARKS)[-1:]
    return bool(end) and end in stops


# "Dr Jonathan Menon  Practice Member ...": one person's line in a list of those present.
_NAMED_ENTRY = re.compile(rf"^\s*(?:{HONORIFICS}|Cllr)\.?\s+[A-Z][\w'’-]+\s+[A-Z]")
# A person's entry in a list of those present is at most this long. Set by hand for the board papers'
# attendance lists: a title, a name and a role.
MAX_ENTRY_CHARS = 100


def is_named_entry(text: str) -> bool:
    """A title and a name, then a role, with no sentence end: "Mrs Anita Wilson  Director of Corporate Affairs"."""
    text = text.strip()
    return bool(_NAMED_ENTRY.match(text)) and len(text) <= MAX_ENTRY_CHARS and not ends_with_stop(text)


# A section's number before its first subsection's ("5. 5.1 Finance and Performance Reports ..."): the next section
# of a paper, not the next item of the list before it.
_SECTION_THEN_SUBSECTION = re.compile(r"^\s*(\d{1,2})[.)]\s+\1\.\d{1,2}\b")  # not "1. 2.5 million appointments"


def is_list_item(sentence: str) -> bool:
    """A sentence that is a bullet, a numbered item or a person's entry in a list of people: what ingest
    keeps apart and answers show on lines of their own."""
    return (bool(BULLET.match(sentence)) and not _SECTION_THEN_SUBSECTION.match(sentence)) or is_named_entry(sentence)


# A text with at least this share of its characters in web addresses is a reference list or a footnote's
# link ("Linking the Green Plan to NHS Net Zero https://www.england.nhs.uk/..."), not a statement. Set by
# hand, not fitted: the PDF's reference pages run far above it, sentences that cite one link far below.
ADDRESS_SHARE = 0.5


# A "sentence" longer than this (often a run of table cells) is cut at clause breaks, then words, at ingest
# (``ingest.sentences``); answers put a cut sentence together again (``bot.quoting``). Set by hand: well above a
# real sentence of the documents, short enough to quote.
MAX_SENTENCE_CHARS = 400


def mostly_web_addresses(text: str) -> bool:
    return sum(len(m.group()) for m in WEB_ADDRESS.finditer(text)) >= ADDRESS_SHARE * max(len(text.strip()), 1)


def has_a_word(text: str) -> bool:
    """Whether the text has a letter or digit at all: "??" has none, and nothing could be searched for."""
    return bool(_WORD_CHARACTER.search(text))


def with_valid_characters(text: str) -> str:
    """The text with each lone surrogate, which no UTF-8 carries, as U+FFFD: a terminal's bytes that were not UTF-8
    ("caf\\xe9" arrives as "caf\\udce9") or a JSON "\\ud800" had failed the embedding model's tokenizer (an attack review)."""
    return _SURROGATE.sub("\ufffd", text)


def collapse_whitespace(text: str) -> str:
    """The form quotes are compared in: single spaces, no line breaks."""
    return _WHITESPACE.sub(" ", text).strip()


def without_whitespace(text: str) -> str:
    """The form a quote is checked against its page in: no white space at all (the page's text layer
    runs some words together, and a quote may span its line breaks)."""
    return _WHITESPACE.sub("", text)


def search_form(text: str) -> str:
    """Text for the search indexes: hyphenated line breaks joined, spaces folded.

    Used only for what search sees, never for what a user is shown: a quote
    must stay verbatim on its page.
    """
    return collapse_whitespace(_LINE_BREAK_HYPHEN.sub(r"\1-\2", text))


def retrieval_text(chunk: Chunk) -> str:
    """What the search indexes see: the section heading, then the repaired text."""
    return search_form(f"{chunk.heading}\n{chunk.text}" if chunk.heading else chunk.text)


_NUMBER_AND_UNIT = re.compile(r"\b(\d+)\s?(" + "|".join(sorted(UNIT_SHORTHAND, key=len, reverse=True)) + r")\b", re.IGNORECASE)


# A wait in weeks as staff shorten it: "104ww", "52 ww" (the documents write "104 week waits"; "2ww" they write too).
WEEK_WAIT_SHORTENED = re.compile(r"\b(\d+)\s?ww\b", re.IGNORECASE)


def shorthand_spelled_out(question: str, written: frozenset[str] = frozenset()) -> str:
    """A question with its shorthand written out as the documents write it, for search only (never shown): units
    after a number ("a&e 4 hr performance" reads "a&e 4 hour performance", not HR), and a wait in weeks ("104ww" reads
    "104 week wait"; ``written`` holds the shortenings the documents write themselves, lower case, such as "2ww",
    which stay: "ww" alone would find every "2ww")."""
    question = _NUMBER_AND_UNIT.sub(lambda match: f"{match.group(1)} {UNIT_SHORTHAND[match.group(2).lower()]}", question)
    return WEEK_WAIT_SHORTENED.sub(lambda match: match.group() if _glued(match.group()) in written else f"{match.group(1)} week wait", question)


def _glued(shortening: str) -> str:
    return "".join(shortening.lower().split())


def shortenings_written(texts: Iterable[str]) -> frozenset[str]:
    """The waits in weeks the texts write shortened ("2ww"), lower case: ``shorthand_spelled_out`` keeps them."""
    return frozenset(_glued(match.group()) for text in texts for match in WEEK_WAIT_SHORTENED.finditer(text))


# "M03": a month of the financial year written with a nought, as the finance report's tables do.
_MONTH_WITH_A_NOUGHT = re.compile(r"\b([mM])0([1-9])\b")


def months_spelled_out(topic: str) -> str:
    """A topic with a month of the financial year written as the papers mostly write it ("m3 finance position" and "M03
    ..." read "month 3 finance position"), as ``REPORTING_MONTH`` reads months (not the span "M4-12"); not cubic
    metres after a number ("500 m3"): a briefing counts how much of a topic's words a sentence holds."""

    def spelled(match: re.Match[str]) -> str:
        shortened = match.group()[:1].lower() == "m" and match.group()[1:2].isdigit()  # "m3", not "month 3"
        return f"month {match['number']}" if shortened else match.group()

    return REPORTING_MONTH.sub(spelled, _MONTH_WITH_A_NOUGHT.sub(r"\1\2", topic))


# A month typed with its year and no space between them: "apr22", "May2022", "jun-22" aside (which reads already).
_MONTH_GLUED_TO_YEAR = re.compile(rf"\b(?P<month>{MONTH_NAMES})(?=(?:\d\d|(?:19|20)\d\d)\b)", re.IGNORECASE)


def months_parted_from_years(question: str) -> str:
    """ "12 hr trolley waits apr22" as "12 hr trolley waits apr 22": glued, the month and year were one word that no
    page uses, and the question was declined."""
    return _MONTH_GLUED_TO_YEAR.sub(lambda match: f"{match['month']} ", question)


# A month dated by its financial year, as finance and performance papers write them: "March 2021/22", "dec 21-22".
_MONTH_OF_FINANCIAL_YEAR = re.compile(rf"\b(?P<month>{MONTH_NAMES})\.?[\s,-]+{FINANCIAL_YEAR}", re.IGNORECASE)


def months_in_their_year(question: str) -> str:
    """A month dated by its financial year written with its calendar year ("March 2021/22" is "March 2022",
    "December 2021/22" is "December 2021"), the way the documents date a month ("Mar-22", "December 2021"):
    read as the year alone, "March 2021/22" was answered with the whole year's value."""

    def in_its_year(match: re.Match[str]) -> str:
        first, second = match["first"], match["second"]
        if not _one_year_after(first, second):
            return match.group()  # "may 12/14": not a financial year
        year = first if MONTHS[match["month"].lower()] >= FIRST_MONTH_OF_FINANCIAL_YEAR else second
        return f"{match['month']} 20{year}"

    return _MONTH_OF_FINANCIAL_YEAR.sub(in_its_year, question)


# A message typed in capitals throughout, whose capitals then tell no names: every word capitalised ("What Is The
# Carbon Footprint Of The ICS?", headline style may leave "of", "the" ... in lower case) or every letter a capital
# ("WHAT IS THE A&E 4 HOUR PERFORMANCE?"). Held-out questions retyped in title case had been declined four times in
# ten, their every word read as a name the evidence lacked (``with_capitals_only_on_names``).
# At least this many words: "GEH RTT" or "Anita Wilson" alone may well be names as typed. Set by hand.
MIN_WORDS_IN_CAPITALS = 3
# A word's letters from its first, after any opening bracket or quote: "(Annualised)" is capitalised, "Co-chairs" too; a
# word opening with a figure or sign ("2ww", "+ve", "£1.2m") is none.
_WORD_START = re.compile(r"(?:^|(?<=\s))[(\[\"'“‘]*(?P<letters>[A-Za-z]+)")
# The small words a headline leaves in lower case.
_HEADLINE_SMALL_WORDS = frozenset("a an and as at by for from in of on or the to vs with".split())


def in_capitals_throughout(message: str) -> bool:
    """Every word of ``message`` capitalised, or every letter a capital (see ``MIN_WORDS_IN_CAPITALS``)."""
    words = [start["letters"] for start in _WORD_START.finditer(message)]
    if len(words) < MIN_WORDS_IN_CAPITALS:
        return False
    if not any(letter.islower() for letter in message):
        return True
    capitalised = [word for word in words if word[0].isupper()]
    small = [word for word in words if word in _HEADLINE_SMALL_WORDS]
    return len(capitalised) >= MIN_WORDS_IN_CAPITALS and len(capitalised) + len(small) == len(words)


# A word as typed, with an apostrophe's ending ("UHCW'S").
_TYPED_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_APOSTROPHE_ENDING = re.compile(r"['’][A-Za-z]+$")


def with_capitals_only_on_names(message: str, may_name: Callable[[str], bool]) -> str:
    """``message`` with capitals kept only on the words that ``may_name`` says may be names, when it is typed in
    capitals throughout (``in_capitals_throughout``); else as it is. "How Many Beds Does Kettering General Have?" reads
    "how many beds does Kettering general have?" when the documents never use "Kettering"."""
    if not in_capitals_throughout(message):
        return message

    def as_read(match: re.Match[str]) -> str:
        word = match.group()
        return _APOSTROPHE_ENDING.sub(lambda ending: ending.group().lower(), word) if may_name(word) else word.lower()

    return _TYPED_WORD.sub(as_read, message)


def tokenize(text: str) -> list[str]:
    """Lower-cased words and figures, stopwords dropped, words stemmed.

    Financial years are written many ways ("20/21", "2020/21", "2020-21",
    "FY20/21", "2020 to 2021"); they all become one token, ``fy20/21``.
    """
    return [stem(word) for word in search_words(text)]


def search_words(text: str) -> list[str]:
    """The words ``tokenize`` stems, as written (lower case): for matching a misspelling against the
    documents' own words rather than against their stems."""
    return [token for token in plain_tokens(text) if token not in STOPWORDS and (len(token) > 1 or token.isdigit())]


# "may" the verb, told from the month by its neighbours. Read as a month in a question, it searched for May's
# pages and gave May's figures to "if i may, what was a&e performance". Taken out of questions only: taken out of
# the documents' search words too (text pipeline 28), it moved six dev questions' outcomes, four of them down
# (cite 0.87 -> 0.85). The verb follows a personal pronoun ("if i may", "we may need"), opens a clause before one
# ("may i ask", "..., may we"), or comes before a verb ("may be", "may not"); never after a word that dates a
# month ("in", "during", "early", "this", "12": "this may", "early may this year", "12 may there was").
_MAY = re.compile(r"\bmay\b", re.IGNORECASE)
_WORD_AFTER = re.compile(r"\s+([\w'’]+)")  # matched where "may" ends
_CLAUSE_OPENS = re.compile(r"(?:^|[.,;:!?]|\b(?:if|and|but|so|or))$", re.IGNORECASE)  # searched in the characters before
_PERSONAL_PRONOUNS = frozenset("i we you they he she who".split())
_VERBS_AFTER_MAY = frozenset("be not have also well need want ask help include result lead require affect impact wish".split())
_DATING_MAY = frozenset(
    """in of on to by for at end from since until till during early mid late last next this that every each and or
    between before after through throughout""".split()
)


def and_list(items: list[str], conjunction: str = "and") -> str:
    """ "a", "a and b", "a, b and c" (or another ``conjunction``)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def start_of_run(text: str, end: int, kind: Callable[[str], bool]) -> int:
    """Where the run of characters of a ``kind`` that ``text`` has just before ``end`` starts (``end`` when there is
    none): read back from ``end``, never searched for in all the text before it, which a message of thousands of them
    read again from each (attack reviews)."""
    while end and kind(text[end - 1]):
        end -= 1
    return end


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character in "_'’"


def without_modal_may(text: str) -> str:
    """The text with the verb "may" blanked out (three spaces, so positions hold); the month stays."""

    def blanked(match: re.Match[str]) -> str:
        # Read back from "may" as far as the word before it: each "may" of thousands had read the whole message again.
        spaced = start_of_run(text, match.start(), str.isspace)  # where the spaces before "may" start
        word = start_of_run(text, spaced, _is_word_character)
        previous = text[word:spaced].lower() if spaced < match.start() else ""
        after = _WORD_AFTER.match(text, match.end())
        following = after.group(1).lower() if after else ""
        if previous in _PERSONAL_PRONOUNS:
            return "   "
        if previous in _DATING_MAY or previous[:1].isdigit():
            return match.group()
        # The four characters before the spaces hold the stop, or the word and what stands before it.
        if following in _PERSONAL_PRONOUNS - {"who"} and _CLAUSE_OPENS.search(text[max(0, spaced - 4) : spaced]):
            return "   "
        return "   " if following in _VERBS_AFTER_MAY else match.group()

    return _MAY.sub(blanked, text)


# A year as a search token: "fy21/22" or "2022"; a financial year's alone.
FINANCIAL_YEAR_TOKEN = re.compile(r"fy\d\d/\d\d")
YEAR_TOKEN = re.compile(rf"{FINANCIAL_YEAR_TOKEN.pattern}|{CALENDAR_YEAR}")


def years_written(text: str) -> list[str]:
    """The years in the text as written ("2021-22", "FY23/24"), each once; a range that is not one
    year after another ("35-50 walking aids") is no financial year."""
    return list(dict.fromkeys(written for _, _, written in year_spans(text)))


def year_spans(text: str) -> list[tuple[int, int, str]]:
    """Where the text names a year, as ``years_written`` reads them: (start, end, the year as written)."""
    return [(match.start(), match.end(), match.group()) for match in _years_read(YEAR_WRITTEN, text, _reads_as_one_year)]


def _reads_as_one_year(match: re.Match[str]) -> bool:
    tokens = tokenize(match.group())
    return len(tokens) == 1 and bool(YEAR_TOKEN.fullmatch(tokens[0]))


def _years_read(pattern: re.Pattern[str], text: str, is_year: Callable[[re.Match[str]], bool]) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` in ``text`` that ``is_year`` accepts, left to right: what the tokenizer
    and ``years_written`` read as years. A match that is no year gives its place back to one that
    overlaps it: in "Month 12 - 2021/22" the "12 - 2021" is no year, and "2021/22" is; a pair found so
    inside a date ("11/12" of "15/11/12") is no year either."""
    position, given_back = 0, 0
    while match := pattern.search(text, position):
        in_a_date = match.start() < given_back and not match.group().isdigit() and re.search(r"\d[/.-]$", text[: match.start()])
        if is_year(match) and not in_a_date:
            yield match
            position = match.end()
        else:
            given_back = max(given_back, match.end())
            position = match.start() + 1


def plain_tokens(text: str) -> list[str]:
    """The tokenizer's words before stopwords and stemming, for a caller with its own stopwords or
    one that shows the words back (the action table: "3 actions mention “inhalers”").

    Lower-cased; an acronym's plural is its singular ("PCNs": "pcn"), apostrophes go
    ("Trust's": "trust"), hyphens and slashes part words ("net-zero": "net", "zero"),
    figures stay whole ("£1.2", "42%"), initials joined by "&" too ("a&e") and a financial year is one word ("fy23/24").
    """
    text = _APOSTROPHE.sub("", _ACRONYM_PLURAL.sub(r"\1", text).lower())
    return _TOKEN.findall(_with_financial_years(text))


def _with_financial_years(text: str) -> str:
    """Each financial year ("2021/22", "21-22", "2021 to 2022") written as one token, "fy21/22"."""
    parts, position = [], 0
    for match in _years_read(_FINANCIAL_YEAR, text, _one_year_after_another):
        start, end = _financial_year_ends(match)
        parts.append(f"{text[position : match.start()]} fy{start}/{end} ")
        position = match.end()
    return "".join(parts) + text[position:]


def _financial_year_ends(match: re.Match[str]) -> list[str]:
    return [group for group in match.groups() if group is not None]


def _one_year_after_another(match: re.Match[str]) -> bool:
    return _one_year_after(*_financial_year_ends(match))


def _one_year_after(start: str, end: str) -> bool:
    """ "21", "22": a financial year's two years ("12", "14" is none)."""
    return int(end) == (int(start) + 1) % 100


# PyStemmer's stemmers must not be called from two threads at once; answers run in a pool.
_stemmers = threading.local()


@functools.lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Words of five letters or more are stemmed ("overspending" and "overspend" meet);
    shorter ones, often acronyms ("PCNs", "ICS"), only lose a plural "s"."""
    token = token.lower()
    if not token.isalpha():
        return token
    if len(token) > 4:
        return _stemmer().stemWord(token)
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def _stemmer() -> Stemmer.Stemmer:
    if not hasattr(_stemmers, "english"):
        _stemmers.english = Stemmer.Stemmer("english")
    return _stemmers.english
