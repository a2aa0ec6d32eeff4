"""``python -m bot telegram``: build the Application from Settings and keep it running.

Long polling by default; webhook mode when TELEGRAM_WEBHOOK_URL is set. The
lifecycle is driven by hand (``running``) rather than by ``run_polling`` so
that both modes, and the tests, share one start-up and shut-down path.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults, Updater
from telegram.request import HTTPXRequest

from bot.conversation import Conversation
from bot.runtime import load_conversation, watching
from bot.telegram.handlers import TelegramBot, bot_commands
from bot.telegram.network import RetryingRequest
from bot.telegram.webhook import serving_webhook
from index.config import Settings

logger = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 30  # how long each getUpdates call waits for news (set by hand: long polling, few idle calls)
# How long a stop waits for polling to end before it cuts short python-telegram-bot's pause after a failed getUpdates
# (set by hand: a live Bot API lets polling end at once; the pause grows to 30 s while the Bot API is down, and lasts
# as long as a 429 asks, past the 10 s a container is given to stop).
STOP_POLLING_SECONDS = 2
# How long each getUpdates may take to connect, send and answer, beyond its long poll (python-telegram-bot's default is
# 5 s each): the stop's last call, made when the Bot API may be down (refused at once, or hung: connected, then no answer
# for 4 s), then ends within the 10 s a container is given to stop, after STOP_POLLING_SECONDS (a re-review). Set by
# hand: a live Bot API answers at once, a slow one within a few seconds.
GET_UPDATES_SLACK_SECONDS = 4.0
# The name python-telegram-bot gives its polling loop's task (``Updater._start_polling``): the task a stop cancels.
POLLING_TASK = "Updater:start_polling:polling_task"
TOKEN_REJECTED = (
    "The Bot API rejected TELEGRAM_BOT_TOKEN: check it with @BotFather (it changes when revoked) "
    "and that TELEGRAM_API_BASE_URL points at the Bot API."
)
REDACTED = "<TELEGRAM_BOT_TOKEN>"
# The URL is the base (it never holds the token) and the error its class alone: its text may hold the token's URL.
UNREACHABLE = "Could not reach the Bot API at %s (%s): check TELEGRAM_API_BASE_URL and the network, then start again."


def run(settings: Settings) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if token := settings.telegram_token.strip():
        # Before anything is logged: a base URL with the token in it had been quoted whole in the configuration error
        # that says it must end in /bot (an attack review).
        redact_in_logs(token)
    problem = configuration_problem(settings)
    if problem:
        logger.error(problem)
        return 2
    try:
        # Ask Telegram about the token before a minute of loading the knowledge base, and again on start.
        asyncio.run(check_token(settings))
        conversation = load_conversation(settings)
        asyncio.run(_serve_until_stopped(build_application(settings, conversation), settings, conversation))
    except InvalidToken:
        # python-telegram-bot's message quotes the token in full; ours names the variable instead.
        logger.error(TOKEN_REJECTED)
        return 2
    except BadRequest as error:  # a NetworkError to python-telegram-bot, but the Bot API answered: its reason, said once
        logger.error("The Bot API refused a call at start: %s", error.message)
        return 2
    except NetworkError as error:  # the Bot API did not answer (retried first): one line, not a traceback
        logger.error(UNREACHABLE, settings.telegram_api_base_url, type(error).__name__)
        return 1
    except TelegramError as error:  # refused otherwise (too many requests, forbidden, a conflict): one line too
        logger.error("A call to the Bot API failed at start: %s (%s)", error.message, type(error).__name__)
        return 1
    return 0


async def check_token(settings: Settings) -> None:
    """``getMe`` with the configured token; ``InvalidToken`` if the Bot API rejects it."""
    async with Bot(settings.telegram_token, base_url=settings.telegram_api_base_url, request=RetryingRequest()):
        pass


class RedactToken(logging.Filter):
    """Replaces the bot token in every log record a handler writes: message, arguments and traceback.

    The token is a password to the bot, and python-telegram-bot puts it in
    URLs and in some exception messages.
    """

    def __init__(self, token: str) -> None:
        super().__init__()
        # In any case: python-telegram-bot capitalises an error's message, lowering the rest ("Unknown url /bot987...:aah-...",
        # a re-review), and a server may echo the URL it was sent.
        self._token = re.compile(re.escape(token), re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token.search(message):
            record.msg, record.args = self._token.sub(REDACTED, message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self._token.search(record.exc_text):
            record.exc_text = self._token.sub(REDACTED, record.exc_text)
        return True


def redact_in_logs(token: str) -> None:
    """Install ``RedactToken`` on every handler of the root logger (where all records end up)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(token))


def configuration_problem(settings: Settings) -> str | None:
    if not settings.telegram_token:
        return "TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather (see docs/telegram.md)."
    if not settings.telegram_token.isprintable() or any(c.isspace() for c in settings.telegram_token):
        # A line break copied with the token had ended the start with a traceback from the URL it is put in.
        return "TELEGRAM_BOT_TOKEN has a space or a line break in it: set it to the token alone."
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
        .get_updates_request(
            HTTPXRequest(
                connection_pool_size=1,  # one poll at a time, as python-telegram-bot's own
                connect_timeout=GET_UPDATES_SLACK_SECONDS,
                write_timeout=GET_UPDATES_SLACK_SECONDS,
                read_timeout=GET_UPDATES_SLACK_SECONDS,
            )
        )
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        # One person's slow question must not hold up everyone else's.
        .concurrent_updates(True)
        .build()
    )
    TelegramBot(conversation, settings).register(application)
    return application


@asynccontextmanager
async def running(
    application: Application, settings: Settings, poll_timeout: int = POLL_TIMEOUT_SECONDS
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
                updater = application.updater
                if updater is None:
                    raise RuntimeError("polling needs the application's updater; this one was built without")
                others = asyncio.all_tasks()
                await updater.start_polling(timeout=poll_timeout, error_callback=_polling_failed)
                # This updater's polling loop, not another application's in the same event loop (the tests run several).
                polling = [task for task in asyncio.all_tasks() - others if task.get_name() == POLLING_TASK]
                try:
                    yield
                finally:
                    await _stop_polling(updater, polling)
        finally:
            await application.stop()


async def _stop_polling(updater: Updater, polling: list[asyncio.Task]) -> None:
    """``Updater.stop``, without waiting out a pause between failed polls. The stop waits for the polling loop, which
    sleeps through its pause without looking at the stop; past STOP_POLLING_SECONDS that loop is cancelled (the stop
    goes on). The stop's last getUpdates, which marks the updates read, is never cut (bounded by
    GET_UPDATES_SLACK_SECONDS instead): a review's slow Bot API had the updates answered again after a restart when the
    whole stop was. The loop (``polling``) is found by its task's name, internal to python-telegram-bot: should a release rename it,
    the stop waits out the pause again, and ``test_stopping_does_not_wait_out_a_pause_between_polls`` fails."""
    stopping = asyncio.ensure_future(updater.stop())
    _, pending = await asyncio.wait({stopping}, timeout=STOP_POLLING_SECONDS)
    if pending and polling:
        logger.info("Stopping without waiting out the pause after a failed poll")
        for task in polling:
            task.cancel()
    await stopping


def _polling_failed(error: TelegramError) -> None:
    """python-telegram-bot retries getUpdates with growing pauses; a warning is enough here."""
    logger.warning("Polling Telegram failed (%s); retrying", error)


async def _serve_until_stopped(application: Application, settings: Settings, conversation: Conversation) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    # A new knowledge base from python -m ingest is picked up without a restart.
    async with running(application, settings), watching(conversation, settings.kb_watch_seconds):
        mode = "webhook" if settings.telegram_webhook_url else "long polling"
        logger.info("Telegram bot @%s is up (%s)", application.bot.username, mode)
        if not settings.telegram_allowed_chats:
            logger.warning("TELEGRAM_ALLOWED_CHATS is not set: the bot answers anyone who finds it")
        await stop.wait()
    logger.info("Telegram bot stopped")
