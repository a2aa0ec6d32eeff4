"""A channel-neutral ``Reply`` as a Bot Framework message activity.

Answers go out the way Teams shows AI answers: the text keeps its ``[1]``
markers, a schema.org ``Message`` entity labels it AI-generated and carries
one citation per marker (Teams shows title, page and quoted sentence on
hover), and the feedback loop adds thumbs up/down. Channels that ignore
entities (the Emulator, Web Chat) get the sources as plain lines instead.
In Teams, an action list becomes an Adaptive Card table under a cited lead-in.
"""

from __future__ import annotations

import base64
import re
from typing import Any, ClassVar

from botbuilder.schema import (
    ActionTypes,
    Activity,
    ActivityTypes,
    CardAction,
    Entity,
    SuggestedActions,
)
from botbuilder.schema import (
    Attachment as BotAttachment,
)

from bot.action_answers import ROWS_IN_TEXT
from bot.action_query import ActionListing, left_out_note, progress_shown
from bot.answering import Answer, Citation
from bot.briefing import Briefing, render_markdown
from bot.conversation import Attachment, Reply
from index.records import ActionRow

TEAMS_CHANNEL = "msteams"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
FILE_CONSENT_CARD = "application/vnd.microsoft.teams.card.file.consent"
FILES_IN_PERSONAL_CHATS_ONLY = "\n\n(Teams lets bots send files in personal chats only: message me directly for the Word version.)"
FILE_NOT_SENT = "\n\n(Teams does not take this file from bots, so it is not attached.)"
# Teams truncates or rejects longer citation fields (see AIMessageEntity): Teams' limits, not tunables.
CITATION_NAME_LIMIT = 80
CITATION_ABSTRACT_LIMIT = 160
# An action table longer than this is cut short and the rest counted: as many rows as the answer's
# text lists, so that "more" continues every channel's listing from the same row.
CARD_ROWS = ROWS_IN_TEXT
_SINGLE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")
# Markdown marks that make links, emphasis, code, headings or tables of typed or quoted text.
_MARKDOWN_MARK = re.compile(r"[\\`*_\[\]#|]")
_HTML_MARK = re.compile(r"[<>]")
_HTML_ENTITIES = {"<": "&lt;", ">": "&gt;"}
_CITATION_MARKER = re.compile(r"\[\d+\]")
_CITATION_MARKER_SPLIT = re.compile(r"(\[\d+\])")


class AIMessageEntity(Entity):
    """The entity that makes Teams label a message AI-generated and show its citations.

    Shape from Microsoft Learn, "Enhance AI-generated bot messages"
    (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/bot-messages-ai-generated-content):
    ``type: https://schema.org/Message``, ``@type: Message``, ``@context: https://schema.org``,
    ``@id: ""``, ``additionalType: ["AIGeneratedContent"]`` and ``citation``, a list of
    ``Claim`` objects whose ``position`` matches a ``[n]`` marker in the text. Field limits
    (name 80, abstract 160 characters) are from the ClientCitationAppearance reference.

    botbuilder serialises only the keys listed in ``_attribute_map``; anything else
    set on an ``Entity`` is silently dropped on the way to the connector.
    """

    _attribute_map: ClassVar[dict[str, dict[str, str]]] = {
        "type": {"key": "type", "type": "str"},
        "schema_type": {"key": "@type", "type": "str"},
        "context": {"key": "@context", "type": "str"},
        "schema_id": {"key": "@id", "type": "str"},
        "additional_type": {"key": "additionalType", "type": "[str]"},
        "citation": {"key": "citation", "type": "[object]"},
    }

    def __init__(self, citation: list[dict[str, Any]]) -> None:
        super().__init__(type="https://schema.org/Message")
        self.schema_type = "Message"
        self.context = "https://schema.org"
        self.schema_id = ""
        self.additional_type = ["AIGeneratedContent"]
        self.citation = citation


def reply_activity(reply: Reply, channel_id: str | None, group: bool = False) -> Activity:
    """The message a user sees for ``reply`` on ``channel_id`` (in a group chat or channel if ``group``)."""
    text = render_markdown(reply.briefing, escape=escape_markdown) if reply.briefing is not None else reply.text
    activity = Activity(type=ActivityTypes.message, text=text)
    if reply.suggestions:
        activity.suggested_actions = SuggestedActions(
            actions=[CardAction(type=ActionTypes.im_back, title=q, value=q) for q in reply.suggestions]
        )
    files = [_file(a, channel_id, group) for a in reply.attachments]
    activity.attachments = [f for f in files if f is not None]
    if len(activity.attachments) < len(files):
        activity.text += FILES_IN_PERSONAL_CHATS_ONLY if group else FILE_NOT_SENT
    if reply.answer is not None:
        _mark_as_answer(activity, reply.answer, channel_id)
    elif reply.briefing is not None:
        _mark_as_briefing(activity, reply.briefing, channel_id)
    else:
        # Help, sources, a usage message: plain text, which may echo what was typed, escaped; and in Teams each line on
        # its own (a review: the help's commands ran into one line, and "brief <topic>" could be read as a tag).
        activity.text = escape_markdown(activity.text)
        if channel_id == TEAMS_CHANNEL:
            activity.text = _line_breaks(activity.text)
    return activity


def _mark_as_briefing(activity: Activity, briefing: Briefing, channel_id: str | None) -> None:
    """A briefing is AI-generated like an answer: the label, one citation per "[n]" and feedback
    buttons. Its text already lists the references, so no sources are added; in Teams every
    line break is doubled so the reference list keeps its lines."""
    activity.entities = [AIMessageEntity([citation_claim(c) for c in briefing.citations])]
    activity.channel_data = {"feedbackLoopEnabled": True}
    if channel_id == TEAMS_CHANNEL:
        activity.text = _line_breaks(activity.text)


def escape_markdown(text: str) -> str:
    """Text that is not ours (a typed topic, a quote) shown as typed: Markdown marks are
    backslash-escaped, so "[Reset your password](http://evil.example)" is not a link, and
    "<" and ">" become entities, so no HTML tag reaches Teams."""
    return _HTML_MARK.sub(lambda m: _HTML_ENTITIES[m.group()], _MARKDOWN_MARK.sub(r"\\\g<0>", text))


def _escape_keeping_markers(text: str) -> str:
    """An answer's plain text escaped for Teams, its "[n]" citation markers left as they are."""
    return "".join(escape_markdown(part) if not _CITATION_MARKER.fullmatch(part) else part for part in _CITATION_MARKER_SPLIT.split(text))


def _file(attachment: Attachment, channel_id: str | None, group: bool) -> BotAttachment | None:
    """Inline where the channel takes it; in Teams, a consent card (personal chats only) or nothing."""
    if channel_id != TEAMS_CHANNEL or attachment.media_type.startswith("image/"):
        return file_attachment(attachment)
    if group or not attachment.remake:
        return None
    return file_consent_card(attachment)


def _mark_as_answer(activity: Activity, answer: Answer, channel_id: str | None) -> None:
    """AI label, citations and feedback buttons; in Teams an action list becomes a table card."""
    activity.entities = [AIMessageEntity([citation_claim(c) for c in answer.citations])]
    activity.channel_data = {"feedbackLoopEnabled": True}
    activity.text = _escape_keeping_markers(activity.text)  # it may echo what the user typed ("mentioning “...”")
    if channel_id != TEAMS_CHANNEL:
        if answer.citations:
            activity.text += "\n\n" + sources_text(answer.citations)
    elif answer.actions is not None and answer.actions.groups:
        activity.text = action_lead_in(answer.actions, answer.citations)
        activity.attachments.append(action_card(answer.actions))
    else:
        activity.text = _line_breaks(activity.text)


def _line_breaks(text: str) -> str:
    """A line break that Teams shows: it ignores a single "\n" and breaks the line at "\n\n"
    (the Emulator and Web Chat break at "\n" already)."""
    return _SINGLE_NEWLINE.sub("\n\n", text)


def citation_claim(citation: Citation) -> dict[str, Any]:
    """One Teams citation: the document and page as its name, the quoted sentence as its abstract."""
    page = f", p. {citation.page}"
    return {
        "@type": "Claim",
        "position": citation.n,
        "appearance": {
            "@type": "DigitalDocument",
            "name": clip(citation.title, CITATION_NAME_LIMIT - len(page)) + page,
            "abstract": clip(citation.quote, CITATION_ABSTRACT_LIMIT),
        },
    }


def sources_text(citations: list[Citation]) -> str:
    """The citations as readable lines, for channels that do not show citation entities."""
    lines = [f'[{c.n}] {c.title}, p. {c.page}: "{c.quote}"' for c in citations]
    return "Sources:\n\n" + "\n\n".join(lines)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def file_attachment(attachment: Attachment) -> BotAttachment:
    """A file sent inline as a data URL (the Emulator and Web Chat offer it for download).

    Teams takes inline images only; other files go through its file consent flow.
    """
    data = base64.b64encode(attachment.data).decode("ascii")
    return BotAttachment(
        name=attachment.name,
        content_type=attachment.media_type,
        content_url=f"data:{attachment.media_type};base64,{data}",
    )


def file_consent_card(attachment: Attachment) -> BotAttachment:
    """Teams' "may I send you this file?" card; accepting it sends ``remake`` back to the bot.

    From Microsoft Learn, "Send and receive files using bots" (Teams bot APIs, personal chats):
    the user's answer arrives as a ``fileConsent/invoke`` activity (see ``bot.teams.files``).
    """
    card = {
        "description": f"The Word version of this reply ({attachment.name}).",
        "sizeInBytes": len(attachment.data),
        "acceptContext": attachment.remake,
        "declineContext": attachment.remake,
    }
    return BotAttachment(content_type=FILE_CONSENT_CARD, name=attachment.name, content=card)


def action_lead_in(listing: ActionListing, citations: list[Citation]) -> str:
    """The text above an action card: how many actions, and the cited pages they stand on."""
    pages: dict[str, list[str]] = {}
    for c in citations:
        pages.setdefault(c.title, []).append(f"p. {c.page} [{c.n}]")
    sources = "; ".join(f"{title}, {', '.join(cited)}" for title, cited in pages.items())
    summary = listing.summary.rstrip(".")
    return f"{summary}. From {sources}." if sources else f"{summary}."


def rows_after(listing: ActionListing, shown: int) -> list[ActionRow]:
    """The rows of a listing after the first ``shown``."""
    return listing.rows()[shown:]


def action_card(listing: ActionListing) -> BotAttachment:
    """An Adaptive Card table of actions (number, action, lead, due, page), by theme, one screenful at most.

    Its text is escaped as a message's is (a card's TextBlock renders Markdown too): a lead's import puts typed text in
    its cells. What a lead corrected is marked so, and a lead's progress update stands under the action, as the text
    listing says them (a corrected lead stood beside a citation quoting the document's with nothing to tell them apart)."""
    body: list[dict[str, Any]] = []
    shown: list[ActionRow] = []
    for theme, group in listing.groups.items():
        rows = group[: CARD_ROWS - len(shown)]
        if not rows:
            break
        body += [_text_block(escape_markdown(theme), weight="Bolder"), _action_table(rows)]
        shown += rows
    if any(set(row.corrected) & _CORRECTABLE_CELLS for row in shown):
        body.append(_text_block(CORRECTED_NOTE, isSubtle=True))
    rest = len(listing.rows()) - len(shown)
    if rest:
        body.append(_text_block(escape_markdown(left_out_note(rows_after(listing, len(shown)))), isSubtle=True))
    card = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.5", "body": body}
    return BotAttachment(content_type=ADAPTIVE_CARD, content=card)


# The action table's columns, the row's field each shows, and their relative widths on a card. Set by hand: the
# action's text takes most of the width; number and page need the least.
_ACTION_COLUMNS = (("No.", "number", 1), ("Action", "action", 5), ("Lead", "lead", 2), ("Due", "due", 2), ("Page", "page", 1))
_STATUS_COLUMN = ("Status", "status", 2)
# The cells a lead's import may change (``ActionRow.corrected`` names them), marked so on the card.
_CORRECTABLE_CELLS = {"action", "lead", "due", "status"}
CORRECTED_MARK = " (updated)"
CORRECTED_NOTE = "(updated): changed or given by a lead since the document; its citation quotes the document as written."


def _action_table(rows: list[ActionRow]) -> dict[str, Any]:
    """The rows as a table; with a Status column when any of them has a status (the action log's do)."""
    with_status = any(row.status for row in rows)
    columns = (*_ACTION_COLUMNS[:-1], _STATUS_COLUMN, _ACTION_COLUMNS[-1]) if with_status else _ACTION_COLUMNS
    header = {"type": "TableRow", "cells": [_table_cell([_text_block(name)]) for name, _, _ in columns]}
    return {
        "type": "Table",
        "firstRowAsHeader": True,
        "columns": [{"width": width} for _, _, width in columns],
        "rows": [header, *[_action_row(row, [field for _, field, _ in columns]) for row in rows]],
    }


def _action_row(row: ActionRow, fields: list[str]) -> dict[str, Any]:
    """One action's cells, its text escaped (a lead may have typed it); a corrected cell says so, and the action's
    cell carries the lead's progress update under it."""
    cells = []
    for field in fields:
        value = getattr(row, field)
        text = escape_markdown(str(value)) if value not in (None, "") else "-"
        items = [_text_block(text + (CORRECTED_MARK if field in row.corrected else ""))]
        if field == "action" and row.progress:
            items.append(_text_block(f"Progress: {escape_markdown(progress_shown(row.progress))}", isSubtle=True, spacing="Small"))
        cells.append(_table_cell(items))
    return {"type": "TableRow", "cells": cells}


def _table_cell(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "TableCell", "items": items}


def _text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}
