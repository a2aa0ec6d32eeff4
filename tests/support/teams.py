"""Talking to the Teams endpoint the way the Bot Framework Emulator and Teams do.

``Connector`` is a real HTTP server standing in for Microsoft's Bot Connector:
the bot posts its replies to the ``serviceUrl`` of each incoming activity, and
the connector records them. ``teams_message`` and friends build activity JSON
as Teams sends it. Also used by ``benchmarks/teams_concurrency.py``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

TENANT = "9f1c6b1e-6f3a-4c57-9a43-0c3e3f9a1b11"
BOT = {"id": "28:ics-knowledge-bot", "name": "ICS Knowledge"}
USER = {"id": "29:alex", "name": "Alex Morgan", "aadObjectId": "5a1d7c1e-2222-4b9b-9d1c-7e8f00000001"}


@dataclass(frozen=True)
class Posted:
    """One activity the bot sent, and where it sent it."""

    conversation_id: str
    reply_to_id: str | None  # None when posted to the conversation rather than in reply
    activity: dict[str, Any]
    id: str  # the id the connector gave it, which Teams quotes back (feedback's replyToId)
    authorization: str | None = None  # the bot's sign-in, as sent (none in Emulator mode)


@dataclass(frozen=True)
class Upload:
    """A file the bot PUT to the upload URL of an accepted file consent card."""

    name: str
    content_range: str
    data: bytes


class Connector:
    """A Bot Connector service: accepts the bot's activities and remembers them.

    It also stands in for the OneDrive upload URL that Teams hands out when a
    user accepts a file consent card (``/upload/{name}``).
    """

    def __init__(self) -> None:
        self.url = ""  # set while running
        self.posted: list[Posted] = []
        self.failing: set[str] = set()  # conversations whose next message is refused with 500
        self.hanging: dict[str, asyncio.Event] = {}  # conversations whose activities are held until released
        self.hung_kinds: dict[str, str | None] = {}  # the kind of activity each holds (None: every kind)
        self.in_flight: Counter[str] = Counter()  # activities being held, by conversation
        self.most_in_flight: Counter[str] = Counter()  # the most held at once, by conversation
        self.uploads: list[Upload] = []
        self.refuse_uploads = False
        self._ids = itertools.count(1)
        self.app = web.Application()
        self.app.router.add_post("/v3/conversations/{conversation_id}/activities/{reply_to_id}", self._receive)
        self.app.router.add_post("/v3/conversations/{conversation_id}/activities", self._receive)
        self.app.router.add_put("/upload/{name}", self._upload)
        self.app.router.add_put("/moved/{name}", self._moved)

    async def _upload(self, request: web.Request) -> web.Response:
        if self.refuse_uploads:
            return web.json_response({"error": {"code": "serviceNotAvailable"}}, status=503)
        data = await request.read()
        self.uploads.append(Upload(request.match_info["name"], request.headers.get("Content-Range", ""), data))
        return web.json_response({"id": "drive-item-1", "name": request.match_info["name"], "size": len(data)}, status=201)

    def hang(self, conversation_id: str, kind: str | None = None) -> None:
        """Accept the conversation's activities (of ``kind`` only, say "message" to let typing indicators through) and
        answer none of them until ``release``."""
        self.hanging[conversation_id] = asyncio.Event()
        self.hung_kinds[conversation_id] = kind

    def release(self, conversation_id: str) -> None:
        """Answer the conversation's held activities, and the ones after them at once."""
        self.hung_kinds.pop(conversation_id)
        self.hanging.pop(conversation_id).set()

    async def _receive(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation_id"]
        activity = await request.json()
        if conversation_id in self.hanging and self.hung_kinds[conversation_id] in (None, activity.get("type")):
            self.in_flight[conversation_id] += 1
            self.most_in_flight[conversation_id] = max(self.most_in_flight[conversation_id], self.in_flight[conversation_id])
            try:
                await self.hanging[conversation_id].wait()
            finally:
                self.in_flight[conversation_id] -= 1
        if activity.get("type") == "message" and conversation_id in self.failing:
            self.failing.discard(conversation_id)
            return web.json_response({"error": {"code": "ServiceError", "message": "Try again"}}, status=500)
        posted = Posted(
            conversation_id, request.match_info.get("reply_to_id"), activity, f"bot-reply-{next(self._ids)}", request.headers.get("Authorization")
        )
        self.posted.append(posted)
        return web.json_response({"id": posted.id})

    async def _moved(self, request: web.Request) -> web.Response:
        """An upload URL that redirects elsewhere: the file must not follow it."""
        raise web.HTTPTemporaryRedirect(f"/upload/{request.match_info['name']}")

    @asynccontextmanager
    async def running(self, port: int = 0) -> AsyncIterator[Connector]:
        """Serving on ``port`` of 127.0.0.1 (0: a free one)."""
        async with serving(self.app, port) as url:
            self.url = url
            yield self

    def sent_to(self, conversation_id: str) -> list[Posted]:
        return [p for p in self.posted if p.conversation_id == conversation_id]

    def messages_to(self, conversation_id: str) -> list[dict[str, Any]]:
        return [p.activity for p in self.sent_to(conversation_id) if p.activity["type"] == "message"]


@asynccontextmanager
async def serving(app: web.Application, port: int = 0) -> AsyncIterator[str]:
    """Runs ``app`` on ``port`` of 127.0.0.1 (0: a free one); yields its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def new_conversation_id(prefix: str = "a:1") -> str:
    return f"{prefix}{uuid.uuid4().hex}"


def _activity(kind: str, service_url: str, conversation: dict[str, Any], tenant: str | None, **fields: Any) -> dict[str, Any]:
    activity = {
        "type": kind,
        "id": f"1{uuid.uuid4().int % 10**12:012d}",
        "timestamp": "2025-03-03T09:30:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": USER,
        "recipient": BOT,
        "conversation": conversation,
        "locale": "en-GB",
        **fields,
    }
    if tenant:
        activity["conversation"] = {**conversation, "tenantId": tenant}
        activity["channelData"] = {"tenant": {"id": tenant}, **activity.get("channelData", {})}
    return activity


def teams_message(text: str, service_url: str, conversation_id: str, tenant: str | None = TENANT, **fields: Any) -> dict[str, Any]:
    """A message in a one-to-one chat with the bot."""
    conversation = {"id": conversation_id, "conversationType": "personal"}
    return _activity("message", service_url, conversation, tenant, text=text, textFormat="plain", **fields)


def channel_message(text: str, service_url: str, conversation_id: str, mention_bot: bool) -> dict[str, Any]:
    """A post in a team channel, optionally starting with an @mention of the bot."""
    conversation = {"id": conversation_id, "conversationType": "channel", "isGroup": True}
    channel = {"channel": {"id": "19:general@thread.tacv2"}, "team": {"id": "19:team@thread.tacv2"}}
    entities = []
    if mention_bot:
        at = f"<at>{BOT['name']}</at>"
        text = f"{at} {text}"
        entities = [{"type": "mention", "text": at, "mentioned": BOT}]
    return _activity("message", service_url, conversation, TENANT, text=text, entities=entities, channelData=channel)


def members_added(service_url: str, conversation_id: str, members: list[dict[str, str]]) -> dict[str, Any]:
    """A conversationUpdate: the bot installed, or people joining."""
    conversation = {"id": conversation_id, "conversationType": "personal"}
    return _activity("conversationUpdate", service_url, conversation, TENANT, membersAdded=members)


def feedback_invoke(service_url: str, conversation_id: str, reply_id: str, reaction: str, comment: str) -> dict[str, Any]:
    """A thumbs up/down from Teams' feedback loop on the bot message ``reply_id``."""
    conversation = {"id": conversation_id, "conversationType": "personal"}
    value = {"actionName": "feedback", "actionValue": {"reaction": reaction, "feedback": json.dumps({"feedbackText": comment})}}
    return _activity("invoke", service_url, conversation, TENANT, name="message/submitAction", value=value, replyToId=reply_id)


def file_consent_invoke(
    service_url: str, conversation_id: str, action: str, context: dict[str, Any], upload_url: str | None = None
) -> dict[str, Any]:
    """The user's answer to a file consent card; an accepted one carries where to upload the file."""
    conversation = {"id": conversation_id, "conversationType": "personal"}
    value: dict[str, Any] = {"type": "fileUpload", "action": action, "context": context}
    if upload_url:
        value["uploadInfo"] = {
            "contentUrl": "https://contoso-my.sharepoint.com/personal/alex/Documents/Applications/briefing.docx",
            "name": "briefing.docx",
            "uploadUrl": upload_url,
            "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C8C",
            "fileType": "docx",
        }
    return _activity("invoke", service_url, conversation, TENANT, name="fileConsent/invoke", value=value)
