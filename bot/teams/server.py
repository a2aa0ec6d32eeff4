"""The Bot Framework endpoint: ``POST /api/messages``, plus ``/healthz`` and ``/readyz``.

botbuilder's ``CloudAdapter`` authenticates each request (with an app id set,
a request without a valid Bot Framework token gets 401 and never reaches the
bot) and posts replies back to the activity's ``serviceUrl``. The knowledge
base and model load once, before the server starts; answering runs in worker
threads (``Conversation.respond``) so many conversations are served at once.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes
from jwt import PyJWTError
from msrest.exceptions import DeserializationError

from bot.config import Settings
from bot.conversation import Conversation
from bot.runtime import load_conversation
from bot.teams.bot import KnowledgeBot
from bot.teams.feedback import FeedbackLog

logger = logging.getLogger(__name__)

ADAPTER = web.AppKey("adapter", CloudAdapter)
BOT = web.AppKey("bot", KnowledgeBot)
CONVERSATION = web.AppKey("conversation", Conversation)


@dataclass(frozen=True)
class AuthConfig:
    """Our settings under the attribute names ``ConfigurationBotFrameworkAuthentication`` reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthConfig:
        return cls(settings.app_id, settings.app_password, settings.app_type, settings.app_tenant_id)


def create_app(settings: Settings, conversation: Conversation) -> web.Application:
    """The aiohttp application serving ``conversation`` to Bot Framework channels."""
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(AuthConfig.from_settings(settings)))
    adapter.on_turn_error = apologise
    app = web.Application()
    app[ADAPTER] = adapter
    app[BOT] = KnowledgeBot(conversation, settings, FeedbackLog(settings.feedback_file, settings.feedback_keeps_text))
    app[CONVERSATION] = conversation
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


async def messages(request: web.Request) -> web.StreamResponse:
    await require_activity(request)
    try:
        return await request.app[ADAPTER].process(request, request.app[BOT])
    except PyJWTError:
        # An unreadable token escapes botbuilder's checks as a parser error (500); it is a 401.
        raise web.HTTPUnauthorized() from None


async def require_activity(request: web.Request) -> None:
    """Reject what is not an activity with 415 or 400 (``CloudAdapter`` would answer 500)."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="Send the activity as application/json.")
    try:
        body = json.loads(await request.text())
    except ValueError:
        raise web.HTTPBadRequest(text="The body is not valid JSON.") from None
    if not isinstance(body, dict) or not body.get("type") or not body.get("serviceUrl") or not isinstance(body.get("conversation"), dict):
        raise web.HTTPBadRequest(text="An activity is a JSON object with a type, a serviceUrl and a conversation.")
    try:
        Activity().deserialize(body)
    except DeserializationError:
        raise web.HTTPBadRequest(text="The activity does not follow the Bot Framework schema.") from None


async def apologise(turn_context: TurnContext, error: Exception) -> None:
    """``on_turn_error``: the trace goes to the log, the user gets an apology with a reference to quote."""
    reference = uuid.uuid4().hex[:8]
    logger.error("Turn failed [ref %s] for a %s activity", reference, turn_context.activity.type, exc_info=error)
    if turn_context.activity.type == ActivityTypes.message:
        await turn_context.send_activity(
            f"Sorry, something went wrong on my side. Please try again; if it keeps happening, "
            f"quote reference {reference} to the support team."
        )


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


async def readyz(request: web.Request) -> web.Response:
    """Ready once the knowledge base is loaded (it is, before the server listens); says which build."""
    manifest = request.app[CONVERSATION].service.kb.manifest
    return web.json_response({"status": "ready", "built_at": manifest.built_at, "counts": manifest.counts})


def run(settings: Settings) -> int:
    """``python -m bot serve``: load the knowledge base and model, then serve on ``settings.port``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Without an app id nothing is authenticated, so listen on this machine only (the Emulator's case).
    host = "0.0.0.0" if settings.app_id else "127.0.0.1"
    if not settings.app_id:
        logger.warning("MicrosoftAppId is not set: unauthenticated Emulator mode, listening on 127.0.0.1 only.")
    elif not settings.allowed_tenants:
        logger.warning("ALLOWED_TENANT_IDS is empty: users of any Microsoft Entra tenant may talk to the bot.")
    conversation = load_conversation(settings)
    web.run_app(create_app(settings, conversation), host=host, port=settings.port)
    return 0
