"""The action tables of a document, as rows a lead can filter, correct and track.

Tables are recognised by their shape in the extracted text, never by file name
or page number:

* Numbered action plans (the ICS Green Plan). A header line "No ... Actions
  Target Year ...", scope lines ("ICS Specific", "Trust / PCN specific") and
  rows "N action text" wrapped over lines, ended by a line such as
  "22/23 ICB SC 18.2.2" (target year, lead, NHS references). Numbering restarts
  for each theme, and the theme is named by an "... Action Plan" heading that
  extraction places before or after the rows on the table's pages.
* Action logs (the NHS England review letter). A header "Ref Area Action Lead
  Timescale Status"; pypdf emits each row's cells one after another.
* Minutes with an "Action" column, where an owner's initials mark an action.

pypdf glues words ("WasteAction Plan", "PCNhave"); action text is repaired
where the document itself shows both halves as words of their own.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from index.due_dates import PRINTED_DUE, normalise_due
from index.records import MISSING_DUE, MISSING_LEAD, MISSING_THEME, ActionRow
from index.text import collapse_whitespace, ends_with_stop
from index.vocabulary import HONORIFICS


def extract_actions(slug: str, pages: list[str]) -> list[ActionRow]:
    """Every action row of a document, page 1 first; [] when it has no action tables."""
    lines = _document_lines(pages)
    vocabulary = _Vocabulary(pages)
    return [row for parser in _TABLE_PARSERS for row in parser(slug, lines, vocabulary)]


# --- Lines and text repair, shared by all table shapes ----------------------------------


@dataclass(frozen=True)
class _Line:
    page: int
    text: str


def _document_lines(pages: list[str]) -> list[_Line]:
    lines: list[_Line] = []
    for page_number, page in enumerate(pages, start=1):
        texts = [text.strip() for text in page.splitlines() if text.strip()]
        lines.extend(_Line(page_number, text) for text in _rejoin_broken_lines(texts))
    return lines


def _rejoin_broken_lines(texts: list[str]) -> list[str]:
    """Undo line breaks pypdf puts inside one phrase: "...Action" + "Plan", "2020/" + "21Q3"."""
    joined: list[str] = []
    for text in texts:
        if joined and joined[-1].endswith("Action") and text == "Plan":
            joined[-1] += " Plan"
        elif joined and re.search(r"\d/$", joined[-1]) and text[:1].isdigit():
            joined[-1] += text
        else:
            joined.append(text)
    return joined


class _Vocabulary:
    """The words a document uses on their own, to tell glued words from real ones."""

    def __init__(self, pages: list[str]) -> None:
        self._words = set(re.findall(r"[A-Za-z]+", "\n".join(pages)))
        self._folded = {word.lower() for word in self._words}

    def knows(self, word: str) -> bool:
        """Acronyms must appear exactly; other words in any case."""
        if len(word) < 2:
            return False
        return word in self._words if word.isupper() else word.lower() in self._folded


_MIXED_CASE_WORD = re.compile(r"\b[A-Za-z]*(?:[a-z][A-Z]|[A-Z]{2}[a-z])[A-Za-z]*\b")
_BROKEN_HYPHEN = re.compile(r"(?<=\w)- (?!(?:and|or|to)\b)(?=\w)")  # "decision- making"; not "sevo- and iso-"
_GLUED_DASH = re.compile(r"(?<=[A-Za-z])\s*–\s*(?=[A-Za-z])")  # "work –on going"
# "ICS’Estates" -> "ICS’ Estates", "‘cracking’devices" -> "‘cracking’ devices"; "ICB’s" stays.
_GLUED_AFTER_QUOTE = re.compile(r"’(?=[A-Z])|(?<=‘)([^‘’]*’)(?=[a-z]{2})")


def _join_wrapped(lines: Iterable[str]) -> str:
    """One cell's wrapped lines as one line; a word broken after its hyphen joins up ("co-" + "location")."""
    text = ""
    for line in lines:
        if text.endswith("-") and not text.endswith(" -") and line[:1].isalnum():
            text += line
        else:
            text = f"{text} {line}" if text else line
    return text


def _tidy(text: str, vocabulary: _Vocabulary) -> str:
    """Whitespace, hyphens, dashes, quotes and glued words repaired."""
    text = _BROKEN_HYPHEN.sub("-", collapse_whitespace(text))
    text = _GLUED_DASH.sub(" – ", text)
    text = _GLUED_AFTER_QUOTE.sub(lambda match: (match.group(1) or "’") + " ", text)
    return _MIXED_CASE_WORD.sub(lambda match: _split_glued(match.group(), vocabulary), text)


def _split_glued(word: str, vocabulary: _Vocabulary) -> str:
    """ "LocalAuthorities" -> "Local Authorities", "PCNhave" -> "PCN have", "NHSTrust" -> "NHS Trust"."""
    for cut in _glue_points(word):
        left, right = word[:cut], word[cut:]
        if vocabulary.knows(left) and vocabulary.knows(right):
            return f"{_split_glued(left, vocabulary)} {_split_glued(right, vocabulary)}"
    return word


def _glue_points(word: str) -> list[int]:
    """Where two words may meet: a lower->upper change, or the end of a leading acronym."""
    points = [i for i in range(1, len(word)) if word[i - 1].islower() and word[i].isupper()]
    acronym_length = len(word) - len(word.lstrip(string.ascii_uppercase))
    if 2 <= acronym_length < len(word):
        points += [acronym_length, acronym_length - 1]  # "PCN|have", "NHS|Trust"
    return points


def _damage_flags(*, due: str | None, lead: str | None, theme: str | None) -> tuple[str, ...]:
    missing = {MISSING_DUE: due, MISSING_LEAD: lead, MISSING_THEME: theme}
    return tuple(flag for flag, value in missing.items() if not value)


_TITLE_WORD = re.compile(r"^(?:[A-Z][\w’'&-]*|and|of|the|for|in|&)$")


def _is_title(text: str) -> bool:
    """A short heading-like line: "Workforce and Systems", "Outstanding QSRM Actions"."""
    words = text.split()
    return (
        0 < len(words) <= 6
        and all(_TITLE_WORD.match(word) for word in words)
        and any(char.islower() for char in text)
        and not any(char.isdigit() for char in text)
    )


# --- Numbered action plans (the Green Plan's Areas of Focus) ----------------------------

_PLAN_HEADER = re.compile(r"^No\.?\s.*Actions?\s+(?:Targe|Year|Due|Deadline|Lead|Timescale)", re.I)
_SCOPE = re.compile(r"^(?P<who>[A-Za-z][\w&]*(?:\s*/\s*[A-Za-z][\w&]*)*)\s+specific$", re.I)
_PLAN_ROW_START = re.compile(r"^(?P<number>\d{1,3})\s+(?P<text>(?:[A-Z][a-z\s]|[‘“\"'(]).*)$")
_PLAN_HEADING = re.compile(r"^(?P<name>.*?)\s*Action\s+Plan$")
_TARGET_YEAR = re.compile(r"(?:^|(?<=\s))(?P<due>(?:\d{2}|\d{4})/\d{2})(?=\s|$)")
# One token of an NHS requirement column: "SC", "18.2.2", "LTP17", "6.17ii", "ES-", ",".
_REF_TOKEN = re.compile(r"^(?:[a-z]?[A-Z0-9][A-Z0-9.,/&-]*(?:[ivx]+)?|[ivx]+|[,.&/-])$")
_NUMBER_TOKEN = re.compile(r"^\d[\d.,]*$")


@dataclass
class _PlanRow:
    """A row while it is being read; ``tail`` holds lead and reference lines once they start."""

    page: int
    line_index: int
    number: int
    scope: str | None
    body: list[str] = field(default_factory=list)
    due: str | None = None
    tail: list[str] | None = None


@dataclass(frozen=True)
class _Heading:
    page: int
    line_index: int
    name: str


def _numbered_plan_actions(slug: str, lines: list[_Line], vocabulary: _Vocabulary) -> list[ActionRow]:
    if not any(_PLAN_HEADER.match(line.text) for line in lines):
        return []
    leads = _learn_leads(lines)
    rows, headings = _read_plan_tables(lines, leads)
    runs = _runs_of_numbering(rows)
    actions: list[ActionRow] = []
    for number, run in enumerate(runs):
        after = runs[number - 1][-1].line_index if number > 0 else -1
        before = runs[number + 1][0].line_index if number + 1 < len(runs) else len(lines)
        theme = _heading_of_run(run, after, before, headings)
        actions.extend(_plan_action(slug, row, theme, leads, vocabulary) for row in run)
    return actions


def _learn_leads(lines: list[_Line]) -> frozenset[str]:
    """Who the plan names as leads: words right after a target year that never serve as a reference code.

    "22/23 ICB SC 18.2.2" offers "ICB"; "SC" and "OPE" show up among references
    elsewhere, so a damaged row "22/23 SC 18.2.2" is read as having no lead.
    """
    first_words: set[str] = set()
    reference_codes: set[str] = set()
    for line in lines:
        for match in _TARGET_YEAR.finditer(line.text):
            words = line.text[match.end() :].split()
            if not words or not all(_REF_TOKEN.match(word) for word in words[1:]):
                continue
            if len(words) == 1 or not _NUMBER_TOKEN.match(words[1]):
                first_words.add(words[0])
            reference_codes.update(re.sub(r"[^A-Za-z]", "", word) for word in words[1:])
    return frozenset(first_words - reference_codes)


def _read_plan_tables(lines: list[_Line], leads: frozenset[str]) -> tuple[list[_PlanRow], list[_Heading]]:
    """Walk the document once, collecting table rows and "... Action Plan" headings."""
    rows: list[_PlanRow] = []
    headings: list[_Heading] = []
    in_table = in_header = False
    scope: str | None = None
    for index, line in enumerate(lines):
        text = line.text
        heading = _plan_heading(lines, index)
        if heading:
            headings.append(_Heading(line.page, index, heading))
        elif _PLAN_HEADER.match(text):
            in_table = in_header = True
        elif not in_table:
            continue
        elif _SCOPE.match(text):
            scope, in_header = _normalise_scope(text), False
        elif start := _plan_row_start(text, rows[-1] if rows else None):
            rows.append(_PlanRow(line.page, index, int(start["number"]), scope))
            _add_plan_line(rows[-1], start["text"], leads)
            in_header = False
        elif in_header or not rows:
            continue  # the header's wrapped column names: "Targe", "t", "Year", ...
        elif rows[-1].tail is None:
            _add_plan_line(rows[-1], text, leads)
        elif continues_row_tail(text):
            rows[-1].tail.append(text)
        else:
            in_table = False  # prose after the table
    return rows, headings


def _plan_heading(lines: list[_Line], index: int) -> str | None:
    """The theme an "... Action Plan" line names, with the title lines just above it on its page.

    "Workforce and Systems" / "LeadershipAction Plan" -> "Workforce and Systems Leadership";
    "Sustainable Models of Care" / "Action Plan" -> "Sustainable Models of Care".
    """
    match = _PLAN_HEADING.match(lines[index].text)
    if not match or (match["name"] and not _is_title(match["name"])):
        return None
    parts = [match["name"]] if match["name"] else []
    above = index - 1
    while (
        len(parts) < 3
        and above >= 0
        and lines[above].page == lines[index].page
        and _is_title(lines[above].text)
        and not _SCOPE.match(lines[above].text)
    ):
        parts.insert(0, lines[above].text)
        above -= 1
    return " ".join(parts) or None


def _normalise_scope(text: str) -> str:
    """ "Trust /PCN specific" -> "Trust / PCN specific"; "ICS Specific" -> "ICS specific"."""
    who = re.sub(r"\s*/\s*", " / ", _SCOPE.match(text)["who"])  # type: ignore[index]
    return f"{who} specific"


def _plan_row_start(text: str, previous: _PlanRow | None) -> re.Match[str] | None:
    """A line opening a row: number 1, the next number, or any higher one once the previous row is whole."""
    start = _PLAN_ROW_START.match(text)
    if not start:
        return None
    number = int(start["number"])
    if previous is None or number in (1, previous.number + 1):
        return start
    return start if previous.tail is not None and number > previous.number else None


def _add_plan_line(row: _PlanRow, text: str, leads: frozenset[str]) -> None:
    """Action text until the target year ("... 22/23 ICB SC 18.2.2") or, lacking one, the lead."""
    year = _split_at_target_year(text, leads)
    if year:
        before, row.due, after = year
        row.body.extend([before] if before else [])
        row.tail = [after]
    elif _starts_with_lead(text.split(), leads):
        row.tail = [text]
    else:
        row.body.append(text)


def _split_at_target_year(text: str, leads: frozenset[str]) -> tuple[str, str, str] | None:
    for match in _TARGET_YEAR.finditer(text):
        after = text[match.end() :].strip()
        words = after.split()
        if _is_financial_year(match["due"]) and (_starts_with_lead(words, leads) or _is_references(words)):
            return text[: match.start()].strip(), match["due"], after
    return None


def _is_financial_year(printed: str) -> bool:
    normalised = normalise_due(printed)
    return normalised is not None and "/" in normalised


def _starts_with_lead(words: list[str], leads: frozenset[str]) -> bool:
    return bool(words) and words[0] in leads and _is_references(words[1:])


def _is_references(words: list[str]) -> bool:
    return all(_REF_TOKEN.match(word) for word in words)


def opens_row_tail(line: str) -> bool:
    """A plan row's closing cells: its target year, then lead and references ("22/23 ICB SC 18.2.2")."""
    words = line.split()
    if len(words) < 2 or _TARGET_YEAR.fullmatch(words[0]) is None:
        return False
    return _is_financial_year(words[0]) and _is_references(words[1:])


def continues_row_tail(line: str) -> bool:
    """More reference codes of a row's closing cells, wrapped onto a line of their own ("ES- 01")."""
    return _is_references(line.split())


def _runs_of_numbering(rows: list[_PlanRow]) -> list[list[_PlanRow]]:
    """Rows split where numbering restarts: each run is one theme's action plan."""
    runs: list[list[_PlanRow]] = []
    for row in rows:
        if runs and row.number > runs[-1][-1].number:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def _heading_of_run(run: list[_PlanRow], after: int, before: int, headings: list[_Heading]) -> str | None:
    """The first heading on the run's pages (or the page before) lying between the
    previous run's last row (line ``after``) and the next run's first row (``before``).

    Extraction puts a theme's heading above or below its rows, so the heading
    may follow the first rows, as "Sustainable Models of Care Action Plan" does.
    """
    for heading in headings:
        if after < heading.line_index < before and run[0].page - 1 <= heading.page <= run[-1].page:
            return heading.name
    return None


def _plan_action(
    slug: str, row: _PlanRow, theme: str | None, leads: frozenset[str], vocabulary: _Vocabulary
) -> ActionRow:
    tail = row.tail or []
    first_words = tail[0].split() if tail else []
    lead = first_words[0] if first_words and first_words[0] in leads else None
    reference_lines = ([" ".join(first_words[1:])] if lead else tail[:1]) + tail[1:]
    return ActionRow(
        source=slug,
        page=row.page,
        theme=theme or "",
        scope=row.scope,
        number=str(row.number),
        action=_tidy(_join_wrapped(row.body), vocabulary),
        due=row.due,
        due_normalised=normalise_due(row.due),
        lead=lead,
        nhs_refs=_join_references(reference_lines) or None,
        status=None,
        progress=None,
        flags=_damage_flags(due=row.due, lead=lead, theme=theme),
    )


def _join_references(lines: list[str]) -> str:
    """A narrow reference column rejoined: "PCNP" + "V  NZ" -> "PCNPV NZ", "SC13.9." + "1," -> "SC13.9.1,"."""
    text = ""
    for line in map(collapse_whitespace, lines):
        if not line:
            continue
        glued = text.endswith(".") or line[0] in ",." or (
            re.search(r"\b[A-Z]+$", text) and re.match(r"^[A-Z](?:\s|$)", line)
        )
        text = f"{text}{line}" if glued else f"{text} {line}".strip()
    return re.sub(r"(?<=\w)- (?=\w)", "-", text)


# --- Action logs (the NHS England letter's Appendix) -----------------------------------

_LOG_HEADER = re.compile(
    r"^(?:ref|no)\.?\s+(?:area|theme)\s+action\s+(?:lead|owner)\s+(?:timescale|due|deadline)\s+status$", re.I
)
_LOG_ROW_START = re.compile(r"^(?P<ref>\d{4}/\d{2}\s*Q[1-4]|\d{1,3})(?:\s+(?P<rest>.*))?$")
_STATUS = (
    r"(?:Open|Closed|Complete(?:d)?|Partial|In\s+progress|On\s+track|Ongoing|Done|Not\s+started|Delayed|Overdue)\b"
)
# "Phil Johns Immediate Partial re new": the lead's first line, the timescale, then the status.
_TIMESCALE_LINE = re.compile(rf"^(?P<lead>.*?)\s*\b(?P<due>{PRINTED_DUE})\s+(?P<status>{_STATUS}.*)$")
_ACTION_TEXT_STOPS = ".!?"  # a line ending in one ends an action's text (one ending in a colon goes on)
_DEFAULT_AREA_WIDTH = 12  # characters, when no row shows how wide the area column is (set by hand)
# A short line after an action's last sentence is part of its lead cell ("Phil Johns/", "Danielle Oum")
# when it has at most this many words. Set by hand: a lead's line is a name or two; a longer line
# is the action's own text.
_LEAD_LINE_MAX_WORDS = 4


@dataclass
class _LogRow:
    page: int
    ref: str
    lines: list[str]  # the ref line's remainder (if any) and every line after it


def _action_log_actions(slug: str, lines: list[_Line], vocabulary: _Vocabulary) -> list[ActionRow]:
    headers = [index for index, line in enumerate(lines) if _LOG_HEADER.match(line.text)]
    actions: list[ActionRow] = []
    for number, header in enumerate(headers):
        end = headers[number + 1] if number + 1 < len(headers) else len(lines)
        rows = _read_log_rows(_table_body(lines, header, end))
        width = _area_column_width(rows)
        actions.extend(_log_action(slug, row, width, vocabulary) for row in rows)
    return actions


def _table_body(lines: list[_Line], header: int, end: int) -> list[_Line]:
    """The lines after a header, without the next table's title lines on the next header's page."""
    body = lines[header + 1 : end]
    while end < len(lines) and body and body[-1].page == lines[end].page and _is_title(body[-1].text):
        body.pop()
    return body


def _read_log_rows(body: list[_Line]) -> list[_LogRow]:
    rows: list[_LogRow] = []
    for line in body:
        start = _LOG_ROW_START.match(line.text)
        if start and _opens_log_row(start, rows):
            ref = re.sub(r"\s+", "", start["ref"])
            rows.append(_LogRow(line.page, ref, [start["rest"]] if start["rest"] else []))
        elif rows:
            rows[-1].lines.append(line.text)
    return rows


def _opens_log_row(start: re.Match[str], rows: list[_LogRow]) -> bool:
    """Numbered refs run on by one; a line like "20 June 22 Open" is a timescale, not row 20."""
    timescale = _TIMESCALE_LINE.match(start["rest"] or "")
    if timescale and not timescale["lead"]:
        return False
    numbers = [int(row.ref) for row in rows if row.ref.isdigit()]
    return not start["ref"].isdigit() or not numbers or int(start["ref"]) == numbers[-1] + 1


def _area_column_width(rows: list[_LogRow]) -> int:
    """How many characters fit on one line of the area column, judged from areas that
    wrapped ("ICS" / "Transition") or stand apart ("Capital  Follow-up ...")."""
    widths = [len(line) for row in rows for line in _stacked_area(row.lines)]
    widths += [len(row.lines[0].split("  ")[0]) for row in rows if row.lines and "  " in row.lines[0]]
    return max(widths, default=_DEFAULT_AREA_WIDTH)


def _stacked_area(cells: list[str]) -> list[str]:
    """Leading one- or two-word lines: an area cell wrapped above the action text."""
    stacked: list[str] = []
    for line in cells[:-1]:
        if len(line.split()) > 2 or ends_with_stop(line, _ACTION_TEXT_STOPS):
            break
        stacked.append(line)
    return stacked


def _log_action(slug: str, row: _LogRow, area_width: int, vocabulary: _Vocabulary) -> ActionRow:
    index, timescale = _find_timescale_line(row.lines)
    if timescale and timescale["lead"]:
        lead_lines, cells = [timescale["lead"]], row.lines[:index]
    else:
        lead_lines = _trailing_lead_lines(row.lines[:index])
        cells = row.lines[: index - len(lead_lines)]
    area, action_lines = _split_area(cells, area_width)
    due = collapse_whitespace(timescale["due"]) if timescale else None
    lead = collapse_whitespace(" ".join(lead_lines)) or None
    status, progress = _status_and_progress(timescale["status"], row.lines[index + 1 :]) if timescale else (None, None)
    return ActionRow(
        source=slug,
        page=row.page,
        theme=_tidy(area, vocabulary),
        scope=None,
        number=row.ref,
        action=_tidy(_join_wrapped(action_lines), vocabulary),
        due=due,
        due_normalised=normalise_due(due),
        lead=lead,
        nhs_refs=None,
        status=status and _tidy(status, vocabulary),
        progress=progress and _tidy(progress, vocabulary),
        flags=_damage_flags(due=due, lead=lead, theme=area),
    )


def _find_timescale_line(lines: list[str]) -> tuple[int, re.Match[str] | None]:
    """The line holding timescale and status, led by nothing or by a name-like lead."""
    for index, line in enumerate(lines):
        match = _TIMESCALE_LINE.match(line)
        lead = match["lead"] if match else ""
        if match and (not lead or (lead[0].isupper() and not re.search(r"[\d.;:!?]", lead))):
            return index, match
    return len(lines), None


def _trailing_lead_lines(lines: list[str]) -> list[str]:
    """The lead cell's lines: short lines after the action's last sentence ("Phil Johns/", "Danielle Oum")."""
    count = 0
    while count < len(lines) - 1:
        line = lines[-1 - count]
        if ends_with_stop(line, _ACTION_TEXT_STOPS) or len(line.split()) > _LEAD_LINE_MAX_WORDS:
            break
        count += 1
    return lines[len(lines) - count :]


def _split_area(cells: list[str], width: int) -> tuple[str, list[str]]:
    """The area cell and the action text, whether the area wrapped above it or shares its first line."""
    if not cells:
        return "", []
    stacked = _stacked_area(cells)
    if stacked:
        return _join_wrapped(stacked), cells[len(stacked) :]
    area, first_action_line = _split_inline_area(cells[0], width)
    return area, [first_action_line, *cells[1:]]


def _split_inline_area(text: str, width: int) -> tuple[str, str]:
    """ "Mutual Aid To facilitate ..." -> ("Mutual Aid", "To facilitate ...").

    A wide gap ends the area; otherwise capitalised words are taken while they
    still fit the area column ("Cancer Share" does not, so "Share" starts the action).
    """
    head, gap, tail = text.partition("  ")
    if gap and len(head.split()) <= 3:
        return head.strip(), tail.strip()
    words = text.split()
    taken = 1
    while (
        taken < len(words) - 1
        and words[taken][0].isupper()
        and words[taken] != "To"
        and len(" ".join(words[: taken + 1])) <= width
    ):
        taken += 1
    return " ".join(words[:taken]), " ".join(words[taken:])


def _status_and_progress(status: str, after: list[str]) -> tuple[str, str | None]:
    """Lines continuing the status start in lower case ("appointments awaiting");
    a new sentence after them is a progress note."""
    continued = 0
    while continued < len(after) and after[continued][:1].islower():
        continued += 1
    progress = _join_wrapped(after[continued:])
    return _join_wrapped([status, *after[:continued]]), progress or None


# --- Minutes: owner initials in an "Action" column ----------------------------------------

_ACTION_COLUMN = "Action"
_COLUMN_HEADINGS = {"Item", "No:", "Item No:", _ACTION_COLUMN}
_TITLED_NAME = re.compile(rf"^(?:{HONORIFICS})\.?\s+(?P<words>.+)$")
_INITIALS = re.compile(r"^[A-Z]{2,3}$")
_AGENDA_ITEM = re.compile(r"^(?P<number>\d+\.\d+)\s*(?P<title>.*)$")
_BY_DATE = re.compile(r"\bby\s+(?:the\s+)?(?P<due>(?:end\s+of\s+)?(?:\d{1,2}\s+)?[A-Z][a-z]+\s+\d{4})")


def _minutes_actions(slug: str, lines: list[_Line], vocabulary: _Vocabulary) -> list[ActionRow]:
    """Actions marked by an attendee's initials in the minutes' Action column."""
    if not any(line.text == _ACTION_COLUMN for line in lines):
        return []
    people = _attendees_by_initials(lines)
    actions: list[ActionRow] = []
    for index, line in enumerate(lines):
        if _INITIALS.match(line.text) and line.text in people:
            actions.append(_minute_action(slug, lines, index, people[line.text], vocabulary))
    return actions


def _attendees_by_initials(lines: list[_Line]) -> dict[str, str]:
    """ "Mrs Anita Wilson  Director of Corporate Affairs" -> {"AW": "Anita Wilson"}."""
    people: dict[str, str] = {}
    for line in lines:
        titled = _TITLED_NAME.match(line.text)
        words = titled["words"].split() if titled else []
        if len(words) >= 2 and words[1][:1].isupper():
            people.setdefault(words[0][0] + words[1][0], f"{words[0]} {words[1]}")
    return people


def _minute_action(slug: str, lines: list[_Line], index: int, owner: str, vocabulary: _Vocabulary) -> ActionRow:
    item = next((i for i in range(index - 1, -1, -1) if _AGENDA_ITEM.match(lines[i].text)), None)
    number, title = _agenda_item(lines, item) if item is not None else ("", "")
    resolution = _last_resolution(lines[(item or 0) + 1 : index])
    action = _tidy(resolution, vocabulary)
    by_date = _BY_DATE.search(action)
    due = by_date["due"] if by_date else None
    return ActionRow(
        source=slug,
        page=lines[index].page,
        theme=_tidy(title, vocabulary),
        scope=None,
        number=number,
        action=action,
        due=due,
        due_normalised=normalise_due(due),
        lead=owner,
        nhs_refs=None,
        status=None,
        progress=None,
        flags=_damage_flags(due=due, lead=owner, theme=title),
    )


def _agenda_item(lines: list[_Line], index: int) -> tuple[str, str]:
    """ "2.4" / "Public Health ... Asylum Seekers" / "and Refugees" -> ("2.4", "Public Health ... Refugees")."""
    match = _AGENDA_ITEM.match(lines[index].text)
    number, title_lines = match["number"], [match["title"]] if match["title"] else []  # type: ignore[index]
    following = index + 1
    if not title_lines and following < len(lines):
        title_lines.append(lines[following].text)
        following += 1
    while following < len(lines) and lines[following].text[:1].islower():
        title_lines.append(lines[following].text)
        following += 1
    return number, _join_wrapped(title_lines)


def _last_resolution(lines: list[_Line]) -> str:
    """The last bullet before the owner's initials: what the meeting resolved."""
    texts = [line.text for line in lines if line.text not in _COLUMN_HEADINGS]
    bullets = [i for i, text in enumerate(texts) if text.startswith("•")]
    start = bullets[-1] if bullets else 0
    return _join_wrapped(texts[start:]).lstrip("• ")


_TABLE_PARSERS: tuple[Callable[[str, list[_Line], _Vocabulary], list[ActionRow]], ...] = (
    _numbered_plan_actions,
    _action_log_actions,
    _minutes_actions,
)
