"""Webhook mode: Telegram POSTs each update to us instead of us polling for it.

Served by aiohttp (the stack the Teams endpoint uses), not by
python-telegram-bot's tornado-based ``run_webhook``. Telegram sends the
secret given to ``setWebhook`` in a header; anything without it is refused,
because the URL alone is guessable.

With the secret, a body that is not JSON, or not a JSON object with an integer
``update_id``, gets 400: Telegram never sends one. An update Telegram did send
that python-telegram-bot cannot read (a field of a type or size it does not
expect) is acknowledged with 200 and dropped, with a warning: Telegram redelivers
any update answered with an error, and holds back the chat's later updates
behind it, so a 4xx would stall the bot on it.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from index.config import Settings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(application: Application, secret: str, path: str) -> web.Application:
    """An aiohttp app with one route, ``POST path``, that queues updates for ``application``."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            logger.warning("Webhook call without the right secret header, refused")
            return web.Response(status=403)
        try:
            # Telegram sends UTF-8, whatever charset the header might name.
            body = json.loads((await request.read()).decode("utf-8"))
        except (ValueError, RecursionError):  # not JSON (nor UTF-8)
            return web.Response(status=400, text="The body is not JSON.")
        if not isinstance(body, dict) or type(body.get("update_id")) is not int:
            return web.Response(status=400, text="The body is not a Telegram update.")
        try:
            update = Update.de_json(body, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, OSError, RecursionError) as error:
            logger.warning("Dropped update %d: it could not be read (%s)", body["update_id"], type(error).__name__)
            return web.Response()
        if update.effective_message is not None and update.effective_message.chat is None:
            # Telegram always names the chat; without one there is no one to answer, and the handlers would fail.
            logger.warning("Dropped update %d: its message names no chat", update.update_id)
            return web.Response()
        await application.update_queue.put(update)
        return web.Response()

    app = web.Application()
    app.router.add_post(path, receive)
    return app


@asynccontextmanager
async def serving_webhook(application: Application, settings: Settings) -> AsyncIterator[None]:
    """Listen on TELEGRAM_WEBHOOK_HOST:PORT, then tell Telegram where to send updates."""
    path = urlsplit(settings.telegram_webhook_url).path or "/"
    runner = web.AppRunner(webhook_app(application, settings.telegram_webhook_secret, path))
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.telegram_webhook_host, settings.port).start()
        await application.bot.set_webhook(settings.telegram_webhook_url, secret_token=settings.telegram_webhook_secret)
        yield
    finally:
        await runner.cleanup()
