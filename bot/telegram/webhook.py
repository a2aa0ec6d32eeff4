"""Webhook mode: Telegram POSTs each update to us instead of us polling for it.

Served by aiohttp (the stack the Teams endpoint uses), not by
python-telegram-bot's tornado-based ``run_webhook``. Telegram sends the
secret given to ``setWebhook`` in a header; anything without it is refused,
because the URL alone is guessable.
"""

from __future__ import annotations

import hmac
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
            update = Update.de_json(await request.json(), application.bot)
        except (ValueError, TypeError, KeyError):  # not JSON, or not an update
            return web.Response(status=400)
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
