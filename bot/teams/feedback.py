"""Thumbs up/down on answers, from Teams' feedback loop, kept as JSON lines.

Teams shows the buttons on messages sent with ``channelData.feedbackLoopEnabled``
and reports a click as an ``invoke`` activity named ``message/submitAction`` whose
value is ``{"actionName": "feedback", "actionValue": {"reaction": "like"|"dislike",
"feedback": "{\\"feedbackText\\": ...}"}}``, with ``replyToId`` naming the answer.
The free-text comment is personal data, so it is kept only when configured.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from botbuilder.schema import Activity

SUBMIT_ACTION = "message/submitAction"
REACTIONS = ("like", "dislike")
# Longer than any message id a channel gives: a 100,000-character replyToId had been written to the log whole (an
# attack review). Set by hand; Teams' ids are some tens of characters.
MAX_REPLY_ID_CHARS = 256


@dataclass(frozen=True)
class Feedback:
    reaction: str  # "like" or "dislike"
    reply_id: str  # the bot's answer the buttons were on
    conversation_id: str
    comment: str


class BadFeedback(ValueError):
    """A feedback-loop invoke whose value is not the feedback Teams sends (answered 400)."""


def parse_feedback(activity: Activity) -> Feedback | None:
    """The feedback in a Teams feedback-loop invoke, or None for any other invoke; BadFeedback for a
    feedback invoke whose ``actionValue`` is not an object with a reaction of like or dislike."""
    value = activity.value if isinstance(activity.value, dict) else {}
    if activity.name != SUBMIT_ACTION or value.get("actionName") != "feedback":
        return None
    action = value.get("actionValue")
    if not isinstance(action, dict) or action.get("reaction") not in REACTIONS:
        raise BadFeedback(f"its actionValue holds no reaction of {' or '.join(REACTIONS)}")
    conversation_id = activity.conversation.id if activity.conversation else ""
    reply_id = activity.reply_to_id if isinstance(activity.reply_to_id, str) else ""
    if len(reply_id) > MAX_REPLY_ID_CHARS:
        raise BadFeedback(f"its replyToId is longer than a message id ({len(reply_id):,} characters)")
    return Feedback(action["reaction"], reply_id, conversation_id, _comment(action.get("feedback")))


def _comment(feedback: object) -> str:
    """Teams sends the form as a JSON string holding ``feedbackText``."""
    if isinstance(feedback, str):
        text = feedback
        try:
            feedback = json.loads(text)
        except ValueError:
            return text
    if isinstance(feedback, dict):
        return str(feedback.get("feedbackText", ""))
    return ""


class FeedbackLog:
    """Appends one JSON object per reaction to a file."""

    def __init__(self, path: Path, keeps_text: bool) -> None:
        self.path = path
        self.keeps_text = keeps_text

    async def record(self, feedback: Feedback) -> None:
        entry = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "channel": "msteams",
            "reaction": feedback.reaction,
            "reply_id": feedback.reply_id,
            "conversation_id": feedback.conversation_id,
        }
        if self.keeps_text and feedback.comment:
            entry["comment"] = feedback.comment
        await asyncio.to_thread(self._append, json.dumps(entry, ensure_ascii=False))

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
