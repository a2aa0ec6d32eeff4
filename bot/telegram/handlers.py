"""The update handlers: Telegram messages in, Conversation replies out.

Private chats: every text message is a question. Groups: the bot speaks only
when spoken to, by a command, an @mention or a reply to one of its messages.
Every update first passes the allow-list; every answer, the rate limit.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, replace

from telegram import (
    Bot,
    BotCommand,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.conversation import Conversation, PendingReply, Reply, ReplyKind
from bot.lru import LRUCache
from bot.telegram.access import AllowList, RateLimiter, Verdict
from bot.telegram.network import NeverSent
from bot.telegram.render import escape, render_reply
from index.config import Settings

logger = logging.getLogger(__name__)
# A send that failed so surely was not shown: the Bot API refused it, or no try of it reached the Bot API (``NeverSent``).
# Anything else, no answer or a 5xx after the retries, may have been.
_NOT_SHOWN = (BadRequest, Forbidden, RetryAfter, ChatMigrated, InvalidToken, Conflict, EndPointNotFound, NeverSent)

Context = ContextTypes.DEFAULT_TYPE

REFUSAL = "Sorry, this bot only answers the teams it has been set up for. Please ask your ICS digital team for access."
SLOW_DOWN = "You're asking faster than I can keep up with. Please wait a minute and ask again."
APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
TEXT_ONLY = "I can only read text. Please type your question."
QUOTES_GONE = "Those quotes are no longer available. Please ask the question again."
SHOW_QUOTES = "Show quotes"
QUOTES_PREFIX = "quotes:"
FOLDED_CAPACITY = 512  # answers whose quotes can still be unfolded; set by hand, older buttons say the quotes are gone
TYPING_REFRESH_SECONDS = 4.0  # Telegram shows "typing…" for five seconds per chat action: refreshed just before


@dataclass(frozen=True)
class Command:
    name: str
    description: str  # shown in Telegram's command menu
    argument: str = ""  # what the command needs after it, if anything
    example: str = ""


COMMANDS = (
    Command("start", "What I know, with example questions"),
    Command("help", "How to ask, and the commands"),
    Command("ask", "Ask a question (in groups, or any time)", "question", "What was the carbon footprint in 2020/21?"),
    Command("due", "Actions due in a financial year", "year", "23/24"),
    Command("owner", "Actions led by someone", "lead", "ICB"),
    Command("brief", "A cited briefing on a topic, with a Word copy", "topic", "net zero travel"),
    Command("sources", "The documents I know"),
    Command("reset", "Start over: forget the conversation so far"),
)
_COMMANDS_BY_NAME = {command.name: command for command in COMMANDS}
COMMAND_LIST = "Telegram commands:\n" + "\n".join(
    f"/{c.name}{f' <{c.argument}>' if c.argument else ''} - {c.description}" for c in COMMANDS
)


def bot_commands() -> list[BotCommand]:
    """The command menu Telegram shows under the "/" button (``setMyCommands``)."""
    return [BotCommand(command.name, command.description) for command in COMMANDS]


class TelegramBot:
    """The Conversation on Telegram: handlers, access checks and the folded quotes they can reveal."""

    def __init__(self, conversation: Conversation, settings: Settings) -> None:
        self.conversation = conversation
        self.allow_list = AllowList(settings.telegram_allowed_chats)
        self.rate_limiter = RateLimiter(settings.telegram_rate_limit_per_minute)
        self.log_message_text = settings.log_message_text
        # Quotes behind a "Show quotes" button, keyed by the short id in its callback data
        # (Telegram allows 64 bytes of it). Lost on restart; the button then says so.
        self.folded: LRUCache[str, list[str]] = LRUCache(FOLDED_CAPACITY)

    def register(self, application: Application) -> None:
        private = filters.ChatType.PRIVATE
        new_or_edited = filters.UpdateType.MESSAGES  # not channel posts: they have no user to answer
        application.add_handler(TypeHandler(Update, self.check_access), group=-1)
        application.add_handler(CommandHandler(list(_COMMANDS_BY_NAME), self.command))
        application.add_handler(CallbackQueryHandler(self.show_quotes, pattern=f"^{QUOTES_PREFIX}"))
        application.add_handler(MessageHandler(new_or_edited & filters.TEXT & ~filters.COMMAND, self.question))
        application.add_handler(MessageHandler(private & filters.COMMAND, self.unknown_command))
        not_text = filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL
        application.add_handler(MessageHandler(private & not_text, self.text_only))
        application.add_error_handler(self.on_error)

    # -- handlers ----------------------------------------------------------

    async def check_access(self, update: Update, context: Context) -> None:
        """Runs before every other handler; stops updates from chats that are not on the allow-list."""
        chat = update.effective_chat
        if chat is None or self.allow_list.allows(chat.id):
            return
        if self.allow_list.first_refusal(chat.id):
            logger.info("Refused chat %s (not in TELEGRAM_ALLOWED_CHATS)", chat.id)
            await context.bot.send_message(chat.id, escape(REFUSAL))
        raise ApplicationHandlerStop

    async def command(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or message.text is None:  # CommandHandler passes only messages with text
            return
        name = message.text.split(maxsplit=1)[0].lstrip("/").split("@")[0].lower()
        command = _COMMANDS_BY_NAME[name]
        argument = " ".join(context.args or [])
        if command.argument and not argument:
            await message.reply_html(_usage(command))
            return
        key = conversation_key(message)
        await self._respond(update, context, lambda: self._reply_to_command(name, argument, key))

    async def question(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:  # registered for messages only
            return
        text = _question_text(message, context.bot)
        if text is not None:
            key = conversation_key(message)
            replying_to = _replied_to_bot(message, context.bot)
            await self._respond(update, context, lambda: self.conversation.work_out(text, key, replying_to))

    async def unknown_command(self, update: Update, context: Context) -> None:
        if update.effective_message is not None:  # registered for messages only
            await update.effective_message.reply_html(f"I don't know that command.\n\n{escape(COMMAND_LIST)}")

    async def text_only(self, update: Update, context: Context) -> None:
        if update.effective_message is not None:  # registered for messages only
            await update.effective_message.reply_html(escape(TEXT_ONLY))

    async def show_quotes(self, update: Update, context: Context) -> None:
        """The "Show quotes" button: the message is edited to include them (spilling into more if need be).

        Each button works once (it disappears with the edit), so a quick double tap cannot edit twice.
        """
        query = update.callback_query
        # The handler's pattern matched the data; the button sits on a message the bot sent.
        if query is None or query.data is None or query.message is None:
            return
        expanded = self.folded.pop(query.data.removeprefix(QUOTES_PREFIX))
        if expanded is None:
            await query.answer(QUOTES_GONE, show_alert=True)
            return
        await query.answer()
        first, *rest = expanded
        await query.edit_message_text(first, reply_markup=None)
        for part in rest:
            await context.bot.send_message(query.message.chat.id, part)

    async def on_error(self, update: object, context: Context) -> None:
        """Log the trace; tell the user briefly. Polling carries on regardless."""
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("Error while handling update %s", update_id, exc_info=context.error)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None:
            with suppress(TelegramError):  # the error may be that Telegram is unreachable
                await context.bot.send_message(chat.id, escape(APOLOGY))

    # -- answering ---------------------------------------------------------

    def _reply_to_command(self, name: str, argument: str, key: str) -> Awaitable[PendingReply]:
        """What each command asks of the Conversation."""
        match name:
            case "start":
                return _welcome(self.conversation)
            case "ask":
                return self.conversation.work_out(argument, key)
            case "due":
                return self.conversation.actions(due=argument, conversation=key)
            case "owner":
                return self.conversation.actions(lead=argument, conversation=key)
            case "reset":
                return self.conversation.work_out("reset", key)
            case "brief":  # kept as the chat's turn, so "who leads it?" after /brief follows the briefing up
                return self.conversation.work_out(f"brief {argument}", key)
            case _:  # help, sources: the Conversation knows these words
                return self.conversation.work_out(name)

    async def _respond(self, update: Update, context: Context, make_reply: Callable[[], Awaitable[PendingReply]]) -> None:
        """Rate-limit, show "typing…" while the reply is made, send it, and only then keep its turn (with the ids of
        the messages that carried it, so a reply to one of them follows up on it)."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:  # the handlers take messages from people, not channel posts
            return
        verdict = self.rate_limiter.check(user.id)
        if verdict is not Verdict.ALLOW:
            if verdict is Verdict.WARN:
                await message.reply_html(escape(SLOW_DOWN))
            return
        started = time.perf_counter()
        async with self.conversation.one_at_a_time(conversation_key(message)):
            async with _typing(context.bot, message.chat_id):
                pending = await make_reply()
            reply = _with_command_list(pending.reply)
            await self._send_text(message, reply, pending)
        for attachment in reply.attachments:  # the turn is kept: the chat's next message need not wait for a file
            await message.reply_document(attachment.data, filename=attachment.name)
        asked = f" to {message.text!r}" if self.log_message_text else ""
        logger.info("Chat %s: %s reply%s in %.2fs", message.chat_id, reply.kind, asked, time.perf_counter() - started)

    async def _send_text(self, message: Message, reply: Reply, pending: PendingReply) -> None:
        """Send the reply's text, and keep its turn with the ids of the messages that carried it (for replies to them to
        follow up on it); its files are sent after.

        The turn is kept once any part of the text was shown, or a send got no answer (it may have been): only a reply
        Telegram refused, or one no try of which reached Telegram, is forgotten, so that asking again ("more") is read as
        before. It is kept before the files go: a follow-up sent while a briefing's document uploaded had been read
        without the briefing (a review).
        """
        rendered = render_reply(reply)
        *leading, last = rendered.parts
        sent: list[str] = []
        try:
            for part in leading:
                sent.append(str((await message.reply_html(part)).message_id))
            sent.append(str((await message.reply_html(last, reply_markup=self._quotes_button(rendered.expanded))).message_id))
        except TelegramError as error:
            # Refused, or never sent (``_NOT_SHOWN``): not shown, unless an earlier part was. No answer, or a 5xx after the
            # retries: it may have been (a first try that timed out had been, and its retries' 502 had made the turn
            # forgotten: a re-review). A connect timeout is a TimedOut too, but the request never left (a review).
            if sent or not isinstance(error, _NOT_SHOWN):
                await pending.keep(sent)
            raise
        await pending.keep(sent)

    def _quotes_button(self, expanded: list[str]) -> InlineKeyboardMarkup | None:
        if not expanded:
            return None
        key = secrets.token_urlsafe(8)
        self.folded.put(key, expanded)
        return InlineKeyboardMarkup.from_button(InlineKeyboardButton(SHOW_QUOTES, callback_data=QUOTES_PREFIX + key))


def _usage(command: Command) -> str:
    return escape(f"Usage: /{command.name} <{command.argument}>\nFor example: /{command.name} {command.example}")


def _with_command_list(reply: Reply) -> Reply:
    """Welcome and help replies also list the Telegram commands."""
    if reply.kind not in {ReplyKind.WELCOME, ReplyKind.HELP}:
        return reply
    return replace(reply, text=f"{reply.text}\n\n{COMMAND_LIST}")


def conversation_key(message: Message) -> str:
    """A Telegram conversation is a chat (private or group)."""
    return f"telegram:{message.chat_id}"


def _replied_to_bot(message: Message, bot: Bot) -> str | None:
    """The id of the bot's message this one replies to: the follow-up is about that answer, even an older one."""
    replied_to = message.reply_to_message
    if replied_to is not None and replied_to.from_user is not None and replied_to.from_user.id == bot.id:
        return str(replied_to.message_id)
    return None


def _question_text(message: Message, bot: Bot) -> str | None:
    """The question in a message, or None when a group message is not addressed to the bot."""
    if message.text is None or message.chat.type == Chat.PRIVATE:
        return message.text
    replied_to = message.reply_to_message
    if replied_to is not None and replied_to.from_user is not None and replied_to.from_user.id == bot.id:
        return message.text
    mention = f"@{bot.username}"
    mentions = message.parse_entities([MessageEntity.MENTION]).values()
    if not any(text.lower() == mention.lower() for text in mentions):
        return None
    return re.sub(re.escape(mention), " ", message.text, flags=re.IGNORECASE).strip()


@asynccontextmanager
async def _typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" until the block ends, repeating the chat action because Telegram clears it after 5 s."""

    async def send_typing() -> None:
        with suppress(TelegramError):  # cosmetic: never fail an answer over it
            await bot.send_chat_action(chat_id, ChatAction.TYPING)

    async def keep_typing() -> None:
        while True:
            await asyncio.sleep(TYPING_REFRESH_SECONDS)
            await send_typing()

    await send_typing()
    refresher = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        refresher.cancel()


async def _welcome(conversation: Conversation) -> PendingReply:
    """/start's reply (no turn of the conversation)."""
    return PendingReply(await asyncio.to_thread(conversation.welcome))
