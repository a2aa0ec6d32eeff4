"""What the bot does with each Bot Framework activity.

Messages are questions or commands for ``Conversation``; in group chats and
channels the bot answers only when @mentioned. Joining a conversation earns
a welcome, a thumbs up/down is recorded, an accepted file consent card gets
its file uploaded, anything else is acknowledged and ignored. Tenants outside
the allow-list get a polite refusal.

A conversation's messages are answered one at a time (``Conversation.one_at_a_time``), each from its typing indicator to
keeping its turn. A message that waits behind earlier ones longer than ``WAIT_IN_LINE_SECONDS`` says so through
``IN_LINE``, and the server answers the Bot Connector's POST of it at once (``server.messages``).
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

import aiohttp
from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount

from bot.conversation import Conversation
from bot.teams.feedback import BadFeedback, FeedbackLog, parse_feedback
from bot.teams.files import FILE_CONSENT_INVOKE, BadConsent, file_info_message, parse_consent, upload
from bot.teams.render import TEAMS_CHANNEL, clip, reply_activity
from bot.teams.sends import ConnectorNotReached, ConnectorUnreachable
from index.config import Settings

logger = logging.getLogger(__name__)

GROUP_CONVERSATIONS = ("channel", "groupChat")
FILE_DECLINED = "OK, I won't send the file. The briefing above has the same points and sources."
UPLOAD_FAILED = "Sorry, I couldn't put the file in your OneDrive just now. Ask for the briefing again to retry."
# Characters of what a client wrote (an activity's type, a tenant id) that a log line quotes, with %r: a line break in it
# cannot start a forged line of its own, nor a megabyte of it fill the log.
LOGGED_CHARS = 40
# How long a message may wait behind its conversation's earlier messages before the Bot Connector's POST of it is
# answered, the message waiting on in this process. Set by hand: the connector gives up on a POST after about 15 s and
# delivers it again. A message that got its turn just inside 5 s has about 10 s left to be worked out (a second or two;
# a briefing several on a busy machine) and sent (milliseconds to a healthy connector, but up to the send timeout,
# TEAMS_SEND_TIMEOUT_SECONDS, to a slow one): usually enough, not always. One that outlasts the 15 s is delivered again
# and the delivery again waits for its outcome (at another replica, for its record: ``delivered``), so it is still
# answered once. Shorter answers more POSTs early, each then without the 503 that lets the connector retry a message
# whose reply the bot could not sign.
WAIT_IN_LINE_SECONDS = 5.0
# Set by the server for the turn it runs (``server.messages``): the bot sets the event when the turn's message has waited
# WAIT_IN_LINE_SECONDS for its conversation. Unset (None) for turns run any other way.
IN_LINE: ContextVar[asyncio.Event | None] = ContextVar("in_line", default=None)
NOT_ALLOWED = (
    "Sorry, this assistant is only available to staff of the organisations it was set up for. "
    "Please contact your IT service desk if you think you should have access."
)


class KnowledgeBot(ActivityHandler):
    def __init__(self, conversation: Conversation, settings: Settings, feedback: FeedbackLog) -> None:
        self.conversation = conversation
        self.settings = settings
        self.feedback = feedback

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if self.settings.allowed_tenants and tenant_id(activity) not in self.settings.allowed_tenants:
            logger.warning("Refused a %r activity from tenant %r", logged(activity.type), logged(tenant_id(activity)))
            if activity.type == ActivityTypes.message:
                await turn_context.send_activity(NOT_ALLOWED)
            return
        await super().on_turn(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        text = addressed_text(activity)
        if text is None:
            return
        if self.settings.log_message_text:
            logger.info("Message in %s: %r", activity.conversation.id, text)
        key = conversation_key(activity)
        async with self.in_turn(key):
            # In the turn, not before it: the typing indicator goes in the conversation's send lane (``sends``), where
            # behind an earlier reply the connector held it waited out the send timeout, and the message was dropped.
            await turn_context.send_activity(Activity(type=ActivityTypes.typing))
            pending = await self.conversation.work_out(text, conversation=key)
            try:
                await turn_context.send_activity(reply_activity(pending.reply, activity.channel_id, group=is_group(activity)))
            except ConnectorNotReached:
                raise  # surely not shown: the turn is not kept, and asking again is read as this message was
            except ConnectorUnreachable:
                # The connector did not answer in time: the reply may have been shown, and no retry comes (the request
                # is answered), so its turn is kept (a review: a listing shown had been forgotten, and "more" had nothing
                # to go on).
                await pending.keep()
                raise
            # Kept only once sent: a reply the bot could not sign or the connector refused was not shown, and the Bot
            # Connector's retry (or the user's asking again) is read as the message was (a review: "more" skipped a page).
            await pending.keep()
        logger.info("Sent a %s reply in %s", pending.reply.kind, activity.conversation.id)

    @asynccontextmanager
    async def in_turn(self, key: str) -> AsyncIterator[None]:
        """The conversation's turn (``Conversation.one_at_a_time``); a wait for it longer than ``WAIT_IN_LINE_SECONDS``
        sets ``IN_LINE``, for the server to answer the POST while the message waits on."""
        in_line = IN_LINE.get()
        in_line_timer = asyncio.get_running_loop().call_later(WAIT_IN_LINE_SECONDS, in_line.set) if in_line is not None else None
        try:
            async with self.conversation.one_at_a_time(key):
                if in_line_timer is not None:
                    in_line_timer.cancel()
                yield
        finally:
            if in_line_timer is not None:
                in_line_timer.cancel()

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext) -> None:
        if should_welcome(members_added, turn_context.activity):
            activity = turn_context.activity
            await turn_context.send_activity(reply_activity(self.conversation.welcome(), activity.channel_id, is_group(activity)))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        if turn_context.activity.name == FILE_CONSENT_INVOKE:
            return await self.on_file_consent(turn_context)
        try:
            feedback = parse_feedback(turn_context.activity)
        except BadFeedback as exc:
            logger.warning("Refused a feedback invoke: %s", exc)
            return InvokeResponse(status=400)
        if feedback is None:
            # No other invoke is ours (adaptive card actions, sign-in): botbuilder's own handlers for them failed with a
            # 500 on a malformed value, or a traceback for a method it lacks (an attack review).
            logger.info("Ignored an invoke the bot does not handle")
            return InvokeResponse(status=501)
        await self.feedback.record(feedback)
        logger.info("Recorded %s feedback on %r", feedback.reaction, logged(feedback.reply_id))
        return InvokeResponse(status=200)

    async def on_file_consent(self, turn_context: TurnContext) -> InvokeResponse:
        """The user accepted or declined a file; on accept, make it again and upload it.

        Logs say how big the file was and where the chat is, never its name (a
        briefing's file is named after the user's topic) nor the upload URL (it
        carries an access token).
        """
        activity = turn_context.activity
        try:
            if activity.channel_id != TEAMS_CHANNEL:
                raise BadConsent(f"file consent answers come from Teams, not {logged(activity.channel_id)!r}")
            consent = parse_consent(activity.value, signed=bool(self.settings.app_id))
        except BadConsent as exc:
            logger.warning("Refused a file consent answer: %s", exc)
            return InvokeResponse(status=400)
        destination = consent.upload  # named by every accepted answer
        if not consent.accepted or destination is None:
            await turn_context.send_activity(FILE_DECLINED)
            return InvokeResponse(status=200)
        document = await self.conversation.file_again(consent.remake)
        if document is None:
            logger.warning("Refused a file consent answer: its context names no file")
            return InvokeResponse(status=400)
        try:
            await upload(document.data, destination.upload_url)
        except (aiohttp.ClientError, TimeoutError) as exc:
            status = getattr(exc, "status", None)
            logger.warning("Uploading a %d-byte file in %s failed: %s %s", len(document.data), activity.conversation.id, type(exc).__name__, status or "")
            await turn_context.send_activity(UPLOAD_FAILED)
            return InvokeResponse(status=200)
        await turn_context.send_activity(file_info_message(destination))
        logger.info("Uploaded a %d-byte file in %s", len(document.data), activity.conversation.id)
        return InvokeResponse(status=200)


def logged(value: object) -> str | None:
    """``value``, which a client wrote, cut to ``LOGGED_CHARS`` for a log line (to be quoted with %r); None stays None."""
    return None if value is None else clip(str(value), LOGGED_CHARS)


def addressed_text(activity: Activity) -> str | None:
    """The message text meant for the bot, without the @mention; None if the bot was not addressed.

    In a one-to-one chat every message is for the bot; in group chats and channels
    only those that mention it. Mention entities come from the client: one that is
    not as Teams writes them (``"mentioned": "x"``, ``"text": 5``) mentions no one,
    and is ignored rather than failing the turn.
    """
    bot_id = activity.recipient.id if activity.recipient else None
    text = activity.text if isinstance(activity.text, str) else ""
    mentioned = False
    for mention in _mentions(activity):
        who = mention.get("mentioned")
        if not isinstance(who, dict) or not bot_id or who.get("id") != bot_id:
            continue
        mentioned = True
        written = mention.get("text")
        if not isinstance(written, str) and isinstance(who.get("name"), str):
            written = f"<at>{who['name']}</at>"
        if isinstance(written, str) and written:
            text = text.replace(written, " ")
    if not mentioned and is_group(activity):
        return None
    return html.unescape(text).strip()


def _mentions(activity: Activity) -> list[dict]:
    """The activity's mention entities, as the JSON the client sent (botbuilder keeps their fields aside)."""
    mentions = []
    for entity in activity.entities or []:
        kind = getattr(entity, "type", None)
        if isinstance(kind, str) and kind.lower() == "mention":
            mentions.append(getattr(entity, "additional_properties", None) or {})
    return mentions


def conversation_key(activity: Activity) -> str:
    """The conversation a message follows up in: a one-to-one or group chat, or one reply chain of a
    channel (Teams gives each its own id, ending in ``;messageid=`` and the chain's first post)."""
    return f"teams:{activity.conversation.id}"


def should_welcome(members_added: list[ChannelAccount], activity: Activity) -> bool:
    """Welcome when the bot joins a conversation, or when someone opens a one-to-one chat with it.

    People joining a team or group chat later are not greeted: the bot would
    talk over the conversation every time the membership changes.
    """
    bot_joined = any(member.id == activity.recipient.id for member in members_added)
    return bot_joined or not is_group(activity)


def is_group(activity: Activity) -> bool:
    return bool(activity.conversation and activity.conversation.conversation_type in GROUP_CONVERSATIONS)


def tenant_id(activity: Activity) -> str | None:
    """The Microsoft Entra tenant the activity comes from, wherever the channel put it (Teams: ``channelData.tenant.id``).

    Read from the JSON as sent, not through botbuilder's ``TeamsChannelData``: another channel's ``channelData`` may be
    anything (a string, a list), and then names no tenant.
    """
    if activity.conversation and activity.conversation.tenant_id:
        return activity.conversation.tenant_id
    channel_data = activity.channel_data
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    found = tenant.get("id") if isinstance(tenant, dict) else None
    return found if isinstance(found, str) and found else None
