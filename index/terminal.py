"""Text as a terminal shows it and never acts on: what the command lines print of the documents, of file names and of
what was typed. A document, a file's name or a chat line can hold an escape sequence ("\\x1b[2J" clears the screen,
"\\x1b]0;...\\x07" retitles the window) or a carriage return that overwrites the line; printed raw, the terminal obeys it
(an attack review)."""

from __future__ import annotations

import json
import re
from typing import Any

# What a terminal acts on rather than shows: the C0 controls (ESC opening every escape sequence, BEL, backspace, carriage
# return, ...) but the line feed and tab that lay text out, DEL, the C1 controls (U+009B opens a sequence as ESC [
# does), and the bidirectional marks, embeddings, overrides and isolates, which reorder what stands beside or after them
# on the screen (the marks, U+061C, U+200E and U+200F, were "?" in the ingest summary's catalog line before this module).
_ACTED_ON = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_ACTED_ON}]")
_CONTROL_OR_LAYOUT = re.compile(f"[{_ACTED_ON}\t\n\u2028\u2029]")


def printable(text: str, *, one_line: bool = False) -> str:
    """``text`` with each character a terminal would act on shown as "?": an escape sequence is left as its harmless
    printable tail ("?[2J"). ``one_line``: a name or a reason printed within a line, whose line breaks and tabs are "?"
    too."""
    return (_CONTROL_OR_LAYOUT if one_line else _CONTROL).sub("?", text)


def terminal_json(value: object, **options: Any) -> str:
    """``value`` as JSON (``json.dumps`` with ``ensure_ascii=False`` and ``options``) with each character a terminal would
    act on escaped ("\\u009b"), so that it decodes to the same strings: ``ask --json`` had written a document's or the
    question's C1 controls raw (U+009B opens a sequence as ESC [ does), where json.dumps escapes only the C0 ones. Only a
    string's characters are ever escaped so: the rest of JSON is ASCII that no terminal acts on (a review)."""
    return _CONTROL.sub(lambda control: f"\\u{ord(control.group()):04x}", json.dumps(value, ensure_ascii=False, **options))
