"""Replies as Telegram HTML messages: escaped, footnoted, split to fit.

Each paragraph is a self-contained HTML fragment (every tag it opens, it
closes), so a long reply can be split between any two paragraphs without
ever cutting through markup. All document and user text goes through
``html.escape``; the only tags are the ones written here.

Briefings arrive as Markdown; their headings and whole-line bold or italics
become the matching tags, line by line, so each line stays self-contained too.

Citations become footnotes: "[1] Title, p. 31" and the quoted sentence. When
the quotes are long they are folded: the message shows the short footnotes
and ``Rendered.expanded`` holds the version with quotes, for a button to
reveal.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.conversation import Reply, ReplyKind
from index.records import Citation

MESSAGE_LIMIT = 4096  # Telegram's limit, in UTF-16 code units
FOLD_QUOTES_OVER = 300  # characters of quoted text; longer quotes hide behind a button (set by hand: short quotes read inline)
QUOTE_LIMIT = 1000  # a "sentence" longer than this is extraction debris; show its start (set by hand)
# Words are sliced to this length so that, even escaped (at most 5x, "&amp;"), one fits in a message.
_WORDS = re.compile(r"\S{1,500}\s*")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$")
_WHOLE_LINE_EMPHASIS = re.compile(r"^(\*\*|_)(.+)\1$")


@dataclass(frozen=True)
class Rendered:
    parts: list[str]  # the messages to send, in order
    expanded: list[str]  # replaces the last part when the folded quotes are shown; empty if nothing is folded


def render_reply(reply: Reply, limit: int = MESSAGE_LIMIT) -> Rendered:
    markup = _markdown_line if reply.kind is ReplyKind.BRIEFING else _as_is
    body = _text_paragraphs(reply.text, limit, markup) + _suggestions(reply.suggestions)
    citations = reply.answer.citations if reply.answer else []
    full_footnotes = _footnotes_with_quotes(citations)
    if sum(len(c.quote) for c in citations) <= FOLD_QUOTES_OVER:
        return Rendered(_join(_group(body + full_footnotes, limit)), [])
    groups = _group(body + [_short_footnotes(citations)], limit)
    last_body = groups[-1][:-1]
    return Rendered(_join(groups), _join(_group(last_body + full_footnotes, limit)))


# A line's markup: the tag it opens, its text (not yet escaped), and the tag that closes it.
Markup = tuple[str, str, str]


def _text_paragraphs(text: str, limit: int, markup: Callable[[str], Markup]) -> list[str]:
    """Text as HTML paragraphs (split at blank lines), each short enough for one message.

    ``markup`` reads one line's formatting. A paragraph too long for a message is
    split between lines, and a line too long for one, between words, each piece
    in the line's tags: a long heading is bold in every message it takes, never
    sent as raw Markdown.
    """
    paragraphs = []
    for paragraph in filter(None, re.split(r"\n\s*\n", text.strip())):
        lines = []
        for line in paragraph.split("\n"):
            opening, words, closing = markup(line)
            formatted = opening + escape(words) + closing
            if length(formatted) <= limit:
                lines.append(formatted)
            else:
                lines += [opening + piece + closing for piece in _split_between_words(words, limit - length(opening + closing))]
        paragraphs += ["\n".join(group) for group in _group(lines, limit, separator="\n")]
    return paragraphs


def _as_is(line: str) -> Markup:
    return "", line, ""


def _markdown_line(line: str) -> Markup:
    """A line of the Markdown briefings use: "# Heading", "**bold line**", "_italic line_"."""
    if heading := _HEADING.match(line):
        return "<b>", heading[1], "</b>"
    if emphasis := _WHOLE_LINE_EMPHASIS.match(line):
        tag = "b" if emphasis[1] == "**" else "i"
        return f"<{tag}>", emphasis[2], f"</{tag}>"
    return "", line, ""


def escape(text: str) -> str:
    """Text safe inside Telegram HTML (quotes need no escaping outside attributes)."""
    return html.escape(text, quote=False)


def length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units, so an emoji counts twice."""
    return len(text.encode("utf-16-le")) // 2


def _split_between_words(paragraph: str, limit: int) -> list[str]:
    pieces = [""]
    for word in _WORDS.findall(paragraph):
        if pieces[-1] and length(escape(pieces[-1] + word)) > limit:
            pieces.append("")
        pieces[-1] += word
    return [escape(piece.strip()) for piece in pieces]


def _suggestions(suggestions: tuple[str, ...]) -> list[str]:
    if not suggestions:
        return []
    return ["<b>Try asking</b>\n" + "\n".join(f"• {escape(s)}" for s in suggestions)]


def _footnote_label(citation: Citation) -> str:
    return f"[{citation.n}] <i>{escape(citation.title)}</i>, p. {citation.page}"


def _short_footnotes(citations: list[Citation]) -> str:
    return "<b>Sources</b>\n" + "\n".join(_footnote_label(c) for c in citations)


def _footnotes_with_quotes(citations: list[Citation]) -> list[str]:
    """One paragraph per citation, the first carrying the heading."""
    footnotes = [f"{_footnote_label(c)}\n<blockquote>{escape(_shorten(c.quote))}</blockquote>" for c in citations]
    if footnotes:
        footnotes[0] = "<b>Sources</b>\n" + footnotes[0]
    return footnotes


def _shorten(quote: str) -> str:
    return quote if len(quote) <= QUOTE_LIMIT else quote[: QUOTE_LIMIT - 1].rstrip() + "…"


def _group(items: list[str], limit: int, separator: str = "\n\n") -> list[list[str]]:
    """Items (paragraphs, or lines) packed greedily into messages of at most ``limit`` once joined."""
    groups: list[list[str]] = [[]]
    size = 0
    for item in items:
        added = length(item) + (len(separator) if groups[-1] else 0)
        if groups[-1] and size + added > limit:
            groups.append([])
            size, added = 0, length(item)
        groups[-1].append(item)
        size += added
    return groups


def _join(groups: list[list[str]]) -> list[str]:
    return ["\n\n".join(group) for group in groups]
