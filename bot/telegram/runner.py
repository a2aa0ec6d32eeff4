"""``python -m bot telegram``: build the Application from Settings and keep it running.

Long polling by default; webhook mode when TELEGRAM_WEBHOOK_URL is set. The
lifecycle is driven by hand (``running``) rather than by ``run_polling`` so
that both modes, and the tests, share one start-up and shut-down path.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.config import Settings
from bot.conversation import Conversation
from bot.runtime import load_conversation
from bot.telegram.handlers import TelegramBot, bot_commands
from bot.telegram.network import RetryingRequest
from bot.telegram.webhook import serving_webhook

logger = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 30  # how long each getUpdates call waits for news


def run(settings: Settings) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    problem = configuration_problem(settings)
    if problem:
        logger.error(problem)
        return 2
    conversation = load_conversation(settings)
    asyncio.run(_serve_until_stopped(build_application(settings, conversation), settings))
    return 0


def configuration_problem(settings: Settings) -> str | None:
    if not settings.telegram_token:
        return "TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather (see docs/telegram.md)."
    if not settings.telegram_api_base_url.endswith("/bot"):
        # python-telegram-bot calls f"{base_url}{token}/{method}", so the base must end in /bot.
        return f"TELEGRAM_API_BASE_URL must end in /bot (got {settings.telegram_api_base_url!r})."
    if settings.telegram_webhook_url and not settings.telegram_webhook_secret:
        return "TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL, so only Telegram can post updates."
    return None


def build_application(settings: Settings, conversation: Conversation) -> Application:
    base_url = settings.telegram_api_base_url
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(base_url)
        .base_file_url(base_url.removesuffix("/bot") + "/file/bot")
        .request(RetryingRequest())
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        # One person's slow question must not hold up everyone else's.
        .concurrent_updates(True)
        .build()
    )
    TelegramBot(conversation, settings).register(application)
    return application


@asynccontextmanager
async def running(
    application: Application, settings: Settings, poll_timeout: float = POLL_TIMEOUT_SECONDS
) -> AsyncIterator[None]:
    """The bot live for the duration of the block: commands registered, updates flowing in."""
    async with application:  # initialize (getMe) ... shutdown
        await application.bot.set_my_commands(bot_commands())
        await application.start()
        try:
            if settings.telegram_webhook_url:
                async with serving_webhook(application, settings):
                    yield
            else:
                await application.updater.start_polling(timeout=poll_timeout, error_callback=_polling_failed)
                try:
                    yield
                finally:
                    await application.updater.stop()
        finally:
            await application.stop()


def _polling_failed(error: TelegramError) -> None:
    """python-telegram-bot retries getUpdates with growing pauses; a warning is enough here."""
    logger.warning("Polling Telegram failed (%s); retrying", error)


async def _serve_until_stopped(application: Application, settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    async with running(application, settings):
        mode = "webhook" if settings.telegram_webhook_url else "long polling"
        logger.info("Telegram bot @%s is up (%s)", application.bot.username, mode)
        if not settings.telegram_allowed_chats:
            logger.warning("TELEGRAM_ALLOWED_CHATS is not set: the bot answers anyone who finds it")
        await stop.wait()
    logger.info("Telegram bot stopped")
