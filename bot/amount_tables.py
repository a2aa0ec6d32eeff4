"""Tables of amounts: the row a question names, out of a run of rows the text layer made one sentence.

Finance papers print tables of a few amounts per row under a header of columns ("Table 1 CCG
Expenditure Analysis Budget Actual Under / (Over) spend £000s £000s £000s", then "Acute Healthcare
236,711 236,850 (139)", "Continuing Healthcare 26,077 27,057 (980)", ...). The sentence splitter
keeps such a table as one long sentence, so an answer quoting it leaves the reader to find the row
asked about among a dozen, and a cut quote may lose it: "the continuing healthcare variance at M3"
was read off the Acute row. Here the run is read back into its header and rows, and the rows whose
label the question names in full are shown first, each quoted as printed (verbatim on its page).

Monthly tables (a header of months) are ``bot.tables``'s: their rows have a value per month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text import tokenize
from index.vocabulary import STOPWORDS

# An amount as the tables print it: "236,711", "(139)" (a negative), "12.5%", "£1.2m".
_AMOUNT = re.compile(r"\(?-?£?\d[\d,]*(?:\.\d+)?(?:%|[mk])?\)?")
# The unit of a column that ends a header ("£000s £000s £000s"): a row's label starts after the last one.
_UNIT = re.compile(r"£(?:000s?|m|k)|£'000s?", re.IGNORECASE)
# A row holds at most this many amounts: a finance table's budget, actual and variance, or a plan's few columns.
# A run of more is a monthly table's row (``bot.tables``) or chart data. Set by hand from the finance report.
MAX_AMOUNTS_IN_A_ROW = 4
# A label names a row when each of its words (little words aside) is among the question's, and those words
# carry at least this share of the question's telling words by weight: a floor against a label of one everyday
# word ("Total") in a long question. Set by hand, not fitted: "Prescribing" in "At month 3, what were the
# prescribing budget and actual spend in the CCG expenditure table?" carries 0.10, "Total" in a question of twenty telling words less.
MIN_SHARE_OF_THE_QUESTION = 0.05
# A word ruled out ("non-delegated", "excluding chc"): no row it names is asked for.
_NEGATED = re.compile(r"\b(?:non|excluding|except)[\s-]+[\w-]+", re.IGNORECASE)
# A table has at least this many rows, most of them with two amounts or more.
MIN_ROWS = 3
# Rows shown for one question: "primary care (non-delegated)" names "Primary Care" and "Primary Care Delegated".
MAX_ROWS_SHOWN = 2


@dataclass(frozen=True)
class AmountRow:
    """One row of a table of amounts, as printed: its label and its amounts."""

    label: str
    amounts: tuple[str, ...]
    start: int  # where the row starts and ends in its sentence's text
    end: int

    def text(self) -> str:
        return " ".join([self.label, *self.amounts])


@dataclass(frozen=True)
class AmountTable:
    """A sentence read as a table of amounts: the header before its first row and its rows."""

    header: str
    rows: tuple[AmountRow, ...]


def read_amount_table(sentence: str, header: str = "") -> AmountTable | None:
    """The sentence as a header (up to the last column unit before its first amount: "... £000s £000s £000s",
    "Budget £000s Actual £000s Variance £000s") and rows of a label and one to MAX_AMOUNTS_IN_A_ROW amounts; a
    sentence with no unit of its own continues the table whose ``header`` is given (the sentence before it, which
    the splitter cut from it). None when it is not a table of amounts: no header, fewer than MIN_ROWS rows, a run
    of more amounts than a row holds, or rows most of which hold one amount (prose with figures in it)."""
    words = list(re.finditer(r"\S+", sentence))
    units = [n for n, word in enumerate(words) if _UNIT.fullmatch(word.group())]
    # The first row's first amount after the header's first unit ("Table 1 ..." has a number before it).
    first_amount = next((n for n, word in enumerate(words) if units and n > units[0] and _AMOUNT.fullmatch(word.group())), len(words))
    last_unit = max((n for n in units if n < first_amount), default=None)
    if last_unit is not None:
        header, words = " ".join(word.group() for word in words[: last_unit + 1]), words[last_unit + 1 :]
    if not header:
        return None
    rows: list[AmountRow] = []
    label: list[re.Match[str]] = []
    amounts: list[re.Match[str]] = []
    for word in [*words, None]:
        if word is not None and _AMOUNT.fullmatch(word.group()):
            amounts.append(word)
            continue
        if amounts:
            text = " ".join(w.group() for w in label)
            if len(amounts) > MAX_AMOUNTS_IN_A_ROW or not re.search(r"[A-Za-z]{3}", text):
                return None
            start = label[0].start()
            rows.append(AmountRow(text, tuple(a.group() for a in amounts), start, amounts[-1].end()))
            label, amounts = [], []
        if word is not None:
            label.append(word)
    several = sum(len(row.amounts) >= 2 for row in rows)
    return AmountTable(header, tuple(rows)) if len(rows) >= MIN_ROWS and several * 3 >= len(rows) * 2 else None


def without_negated(question: str) -> str:
    """The question without the words it rules out ("Primary care (non-delegated)", "excluding chc")."""
    return _NEGATED.sub(" ", question)


# A sentence opening with a row's label: its first amount comes within this many words ("Primary Care Delegated 0
# Delegated is currently on plan", a variance table's row with its comment). Set by hand: the finance report's labels
# are one to four words, but for "Mental Health (inc Non CHC MH)".
MAX_LABEL_WORDS = 5


def ruled_out(question: str) -> set[str]:
    """The words a question rules out ("delegated" of "Primary care (non-delegated)"), unless it also asks about them
    ("how does delegated primary care compare with non-delegated?")."""
    negated = {t for match in _NEGATED.finditer(question) for t in tokenize(re.sub(r"^\W*\w+[\s-]+", "", match.group()))}
    return negated - set(tokenize(without_negated(question)))


def names_a_row_ruled_out(words_ruled_out: set[str], text: str) -> bool:
    """Whether a sentence is a row a question rules out: it opens with a label (the words before an amount within
    MAX_LABEL_WORDS) holding one of the ``words_ruled_out`` (``ruled_out``): "Primary care (non-delegated)" rules out
    the "Primary Care Delegated 0 Delegated is currently on plan" row."""
    amount = _AMOUNT.search(text)
    if not words_ruled_out or amount is None or len(text[: amount.start()].split()) > MAX_LABEL_WORDS:
        return False
    return bool(words_ruled_out & set(tokenize(text[: amount.start()])))


def rows_named(table: AmountTable, question: str, terms: dict[str, float]) -> list[AmountRow]:
    """The rows whose labels the question names in full, those naming most of it first; at most MAX_ROWS_SHOWN.
    ``terms`` are the question's telling words (search tokens) by weight."""
    # "Primary care (non-delegated)" rules the "Primary Care Delegated" row out: a word after "non" is not asked for.
    asked = set(tokenize(without_negated(question)))
    total = sum(terms.values()) or 1.0
    labelled = [(row, words) for row in table.rows if (words := _label_words(row)) and words <= asked]
    named = [(row, words, share) for row, words in labelled if (share := sum(terms.get(t, 0.0) for t in words) / total) >= MIN_SHARE_OF_THE_QUESTION]
    # "primary care delegated budget" names "Primary Care Delegated", not "Primary Care" too: a label whose words
    # are all in a longer label named is that one's start.
    named = [(row, words, share) for row, words, share in named if not any(words < other for _, other, _ in named)]
    named.sort(key=lambda named_row: -named_row[2])
    return [row for row, _, _ in named[:MAX_ROWS_SHOWN]]


def _label_words(row: AmountRow) -> set[str]:
    return {t for t in tokenize(row.label) if t not in STOPWORDS and re.search(r"[a-z]{3}", t)}


@dataclass(frozen=True)
class RowsAnswer:
    """The rows of a table of amounts a question names: the sentence holding them, the quote (the sentence's
    text from the first row to the last, verbatim) and how the answer shows them."""

    sentence_id: int
    quote: str
    shown: str
    header: str  # the table's header, which the sentences the splitter cut it into share


def rows_answer(sentence_id: int, sentence: str, table: AmountTable, rows: list[AmountRow]) -> RowsAnswer:
    """The rows as an answer shows them ("Continuing Healthcare 26,077 27,057 (980); ... (Table 1 ... £000s)"),
    quoted from the sentence (read into ``table``) as printed, from the first row's start to the last one's end."""
    in_order = sorted(rows, key=lambda row: row.start)
    quote = sentence[in_order[0].start : in_order[-1].end]
    return RowsAnswer(sentence_id, quote, f"{'; '.join(row.text() for row in in_order)} ({table.header})", table.header)
