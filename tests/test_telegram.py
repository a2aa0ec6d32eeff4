"""The Telegram bot end to end: real python-telegram-bot, real Conversation over the corpus index,
and a Bot API server of our own on 127.0.0.1 (tests/support/telegram.py) as the only stand-in."""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web

from bot.answering import MAX_QUESTION_CHARS, TOO_LONG
from bot.conversation import TOPIC_TOO_LONG, Reply
from bot.telegram.access import RateLimiter, Verdict
from bot.telegram.handlers import APOLOGY, QUOTES_GONE, SLOW_DOWN, TEXT_ONLY
from bot.telegram.render import FOLD_QUOTES_OVER, MESSAGE_LIMIT, escape, length, render_reply
from bot.telegram.runner import (
    GET_UPDATES_SLACK_SECONDS,
    STOP_POLLING_SECONDS,
    build_application,
    configuration_problem,
    running,
)
from bot.telegram.webhook import SECRET_HEADER
from index.config import Settings
from tests.support.telegram import (
    BOT_USER,
    TOKEN,
    FakeBotApi,
    callback_query,
    html_problems,
    message,
    photo,
    sticker,
)

FOOTPRINT_QUESTION = "What was the carbon footprint in 2020/21?"
AMPERSAND_QUESTION = "What did the Committee receive from the Coventry & Warwickshire Oversight and Scrutiny panel?"
FOLDED_QUESTION = "What is the ICB financial position at month 3?"  # three long quotes
GREEN_PLAN_P31 = re.compile(r"\[\d\] <i>Coventry and Warwickshire ICS Green Plan 2022-2025</i>, p\. 31\b")
GROUP = -1001
REFUSED_CHAT = 5  # outside the allowed 100-999
RATE_LIMIT = 4
_chat_ids = itertools.count(101)  # each test talks in its own private chat, so limits and replies never mix


def new_chat() -> int:
    return next(_chat_ids)


def bot_settings(api: FakeBotApi, **overrides) -> Settings:
    return Settings(
        telegram_token=TOKEN,
        telegram_api_base_url=api.base_url,
        telegram_allowed_chats=frozenset(range(100, 1000)) | {GROUP},
        telegram_rate_limit_per_minute=RATE_LIMIT,
        **overrides,
    )


@pytest.fixture(scope="module")
async def api():
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="module")
async def telegram(api, conversation):
    """The fake Bot API, with the bot long-polling it (one-second polls keep shutdown quick)."""
    settings = bot_settings(api)
    async with running(build_application(settings, conversation), settings, poll_timeout=1):
        yield api


async def ask(api: FakeBotApi, chat_id: int, text: str) -> str:
    await api.push({"message": message(chat_id, text)})
    (reply,) = await api.messages(chat_id)
    return reply


def assert_valid(text: str) -> None:
    assert html_problems(text) == [], text
    assert length(text) <= MESSAGE_LIMIT


# -- answers -----------------------------------------------------------------------


async def test_registers_the_command_menu(telegram):
    (call,) = await telegram.wait_for("setMyCommands")
    assert [c["command"] for c in call.params["commands"]] == ["start", "help", "ask", "due", "owner", "brief", "sources", "reset"]


async def test_answer_cites_document_and_page_in_footnotes(telegram):
    chat_id = new_chat()
    text = await ask(telegram, chat_id, "ICS carbon footprint 20/21?")
    assert "258,211" in text
    assert GREEN_PLAN_P31.search(text)
    assert_valid(text)
    (typing,) = telegram.calls_to("sendChatAction", chat_id)
    assert typing.params["action"] == "typing"


async def test_each_member_of_a_list_is_on_a_line_of_its_own(telegram):
    text = await ask(telegram, new_chat(), "Who were the practice members of the governing body?")
    assert "(Rugby Place)\nDr Sukhi Dhesi" in text
    assert_valid(text)


async def test_short_quotes_are_shown_and_document_text_escaped(telegram, conversation):
    reply = await conversation.respond(AMPERSAND_QUESTION)
    assert sum(len(c.quote) for c in reply.answer.citations) <= FOLD_QUOTES_OVER, "pick a question with short quotes"
    chat_id = new_chat()
    await telegram.push({"message": message(chat_id, AMPERSAND_QUESTION)})
    (sent,) = await telegram.wait_for("sendMessage", chat_id)
    assert "Coventry &amp; Warwickshire" in sent.text
    assert sent.text.count("<blockquote>") == len(reply.answer.citations)
    assert sent.buttons() == []
    assert_valid(sent.text)


async def test_start_shows_documents_examples_and_commands(telegram):
    text = await ask(telegram, new_chat(), "/start")
    assert "Coventry and Warwickshire ICS Green Plan 2022-2025" in text
    assert "<b>Try asking</b>" in text
    assert "/due &lt;year&gt;" in text
    assert_valid(text)


async def test_sources_lists_the_documents(telegram):
    text = await ask(telegram, new_chat(), "/sources")
    assert text.startswith("I know these documents:")
    assert_valid(text)


@pytest.mark.parametrize("command", ["/ask", "/due", "/owner", "/brief"])
async def test_command_without_argument_gets_a_usage_hint(telegram, command):
    text = await ask(telegram, new_chat(), command)
    assert text.startswith(f"Usage: {command} &lt;")
    assert "For example:" in text


@pytest.mark.parametrize("command", ["/due 23/24", "/owner ICB", f"/ask {FOOTPRINT_QUESTION}"])
async def test_commands_with_an_argument_are_answered(telegram, command):
    assert_valid(await ask(telegram, new_chat(), command))


@pytest.mark.parametrize(
    "command, expected",
    [
        ("/due 2023-24", "actions are due in 2023/24 across"),
        ("/owner ICP", "actions are led by ICP"),
        ("/due someday", "not a financial year or month"),
        # A calendar year is told as "what's due in 2024?" is, not refused as unreadable (as `actions --due 2024`).
        ("/due 2024", "The action table is by financial year, and 2024 could be 2023/24 or 2024/25."),
    ],
)
async def test_due_and_owner_filter_the_action_table(telegram, command, expected):
    text = await ask(telegram, new_chat(), command)
    assert expected in text
    assert_valid(text)


async def test_brief_sends_the_briefing_and_its_word_document(telegram):
    chat_id = new_chat()
    await telegram.push({"message": message(chat_id, "/brief net zero travel")})
    (document,) = await telegram.wait_for("sendDocument", chat_id)
    assert document.params["document"]["filename"].endswith(".docx")
    assert document.params["document"]["data"].startswith(b"PK")  # a .docx is a zip
    texts = [call.text for call in telegram.calls_to("sendMessage", chat_id)]
    assert texts[0].startswith("<b>Briefing: net zero travel</b>")
    assert "#" not in texts[0] and "**" not in texts[0]
    for text in texts:
        assert_valid(text)


async def test_the_brief_command_is_a_turn_its_follow_ups_lean_on(telegram):
    """A new user's trial: /brief was answered outside the chat's conversation, so "who leads it?" after it asked which
    actions were meant (a briefing typed as "brief ..." was followed up)."""
    chat_id = new_chat()
    await telegram.push({"message": message(chat_id, "/brief net zero", message_id=1)})
    await telegram.wait_for("sendDocument", chat_id)
    shown = len(telegram.calls_to("sendMessage", chat_id))
    await telegram.push({"message": message(chat_id, "who leads it?", message_id=2)})
    follow_up = (await telegram.wait_for("sendMessage", chat_id, shown + 1))[-1].text

    assert "led by" in follow_up and "Which actions do you mean" not in follow_up


async def test_a_briefing_topic_longer_than_a_question_gets_one_short_message(telegram):
    chat_id = new_chat()
    text = await ask(telegram, chat_id, "/brief " + "<b>" * 1300)
    assert text == escape(TOPIC_TOO_LONG.format(length=3900, limit=MAX_QUESTION_CHARS))
    await telegram.push({"message": message(chat_id, "/sources", message_id=2)})  # answered after the brief was done with
    await telegram.messages(chat_id, 2)
    assert len(telegram.calls_to("sendMessage", chat_id)) == 2 and telegram.calls_to("sendDocument", chat_id) == []


async def test_a_message_of_thousands_of_stops_is_told_it_is_too_long(telegram):
    """An attack review: a message of Telegram's 4,096 characters of "?.!,;" was read on the event loop, seconds of
    every other chat's replies waiting; it is told so on its length."""
    chat_id = new_chat()
    text = await ask(telegram, chat_id, ("?.!,;" * 1_000)[:4_096])
    assert text == escape(TOO_LONG.format(length=4_096, limit=MAX_QUESTION_CHARS))
    await telegram.push({"message": message(chat_id, "/sources", message_id=2)})
    assert (await telegram.messages(chat_id, 2))[1].startswith("I know these documents:")  # the chat carries on


async def test_unknown_command_points_to_the_commands(telegram):
    text = await ask(telegram, new_chat(), "/frobnicate")
    assert text.startswith("I don't know that command.")


async def test_edited_message_is_answered_again(telegram):
    chat_id = new_chat()
    await telegram.push({"message": message(chat_id, AMPERSAND_QUESTION, message_id=7)})
    await telegram.messages(chat_id)
    await telegram.push({"edited_message": message(chat_id, FOOTPRINT_QUESTION, message_id=7, edit_date=1)})
    first, second = await telegram.messages(chat_id, 2)
    assert "Oversight" in first and "258,211" in second


async def test_stickers_and_photos_get_a_polite_text_only(telegram):
    chat_id = new_chat()
    await telegram.push({"message": message(chat_id, message_id=1, **sticker())})
    await telegram.push({"message": message(chat_id, message_id=2, **photo())})
    assert await telegram.messages(chat_id, 2) == [TEXT_ONLY, TEXT_ONLY]


async def test_long_quotes_fold_behind_a_button_that_shows_them(telegram, conversation):
    reply = await conversation.respond(FOLDED_QUESTION)
    assert sum(len(c.quote) for c in reply.answer.citations) > FOLD_QUOTES_OVER, "pick a question with longer quotes"
    chat_id = new_chat()
    await telegram.push({"message": message(chat_id, FOLDED_QUESTION)})
    (sent,) = await telegram.wait_for("sendMessage", chat_id)
    (button,) = sent.buttons()
    assert button["text"] == "Show quotes"
    assert len(button["callback_data"].encode()) <= 64
    assert "<blockquote>" not in sent.text and "[1] <i>" in sent.text

    await telegram.push(callback_query(chat_id, button["callback_data"], sent, sent.result["message_id"]))
    (edit,) = await telegram.wait_for("editMessageText", chat_id)
    assert edit.params["message_id"] == sent.result["message_id"]
    assert edit.text.count("<blockquote>") == len(reply.answer.citations)
    assert "reply_markup" not in edit.params  # the button goes once pressed
    assert_valid(edit.text)

    # A second tap (or one after a restart) finds nothing: it is told so, and nothing is edited twice.
    await telegram.push(callback_query(chat_id, button["callback_data"], sent, sent.result["message_id"]))
    await telegram.wait_until(lambda: len(telegram.calls_to("answerCallbackQuery")) == 2)
    shown, stale = telegram.calls_to("answerCallbackQuery")
    assert "text" not in shown.params
    assert stale.params["text"] == QUOTES_GONE and stale.params["show_alert"] is True
    assert len(telegram.calls_to("editMessageText", chat_id)) == 1


# -- who is answered -------------------------------------------------------------


async def test_group_answers_only_when_addressed(telegram):
    def group_message(text: str, message_id: int, **content) -> dict:
        return {"message": message(GROUP, text, user_id=new_chat(), chat_type="supergroup", message_id=message_id, **content)}

    await telegram.push(group_message(FOOTPRINT_QUESTION, 1))
    await telegram.push(group_message(f"@{BOT_USER['username']} {FOOTPRINT_QUESTION}", 2))
    await telegram.push(group_message(f"/ask@{BOT_USER['username']} {AMPERSAND_QUESTION}", 3))
    replies = await telegram.wait_for("sendMessage", GROUP, 2)
    bot_message = {**replies[0].result, "text": replies[0].text}
    await telegram.push(group_message(FOOTPRINT_QUESTION, 4, reply_to_message=bot_message))
    replies = await telegram.wait_for("sendMessage", GROUP, 3)
    assert sorted(r.params["reply_parameters"]["message_id"] for r in replies) == [2, 3, 4]
    assert all("258,211" in r.text for r in replies if r.params["reply_parameters"]["message_id"] in (2, 4))


async def test_chat_not_on_the_allow_list_is_refused_once(telegram):
    for message_id in (1, 2):
        await telegram.push({"message": message(REFUSED_CHAT, FOOTPRINT_QUESTION, message_id=message_id)})
    (refusal,) = await telegram.messages(REFUSED_CHAT)
    assert "only answers the teams it has been set up for" in refusal
    await ask(telegram, new_chat(), "/help")  # answered only after the second refused message was handled
    assert len(telegram.calls_to("sendMessage", REFUSED_CHAT)) == 1


async def test_rate_limit_says_so_once_then_stays_quiet(telegram):
    chat_id = new_chat()
    for message_id in range(RATE_LIMIT + 2):
        await telegram.push({"message": message(chat_id, "/help", message_id=message_id)})
    texts = await telegram.messages(chat_id, RATE_LIMIT + 1)
    assert texts.count(SLOW_DOWN) == 1
    await ask(telegram, new_chat(), "/help")
    assert len(telegram.calls_to("sendMessage", chat_id)) == RATE_LIMIT + 1


def test_rate_limit_frees_up_after_a_minute():
    now = [0.0]
    limiter = RateLimiter(per_minute=2, clock=lambda: now[0])
    assert [limiter.check(1) for _ in range(4)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN, Verdict.IGNORE]
    assert limiter.check(2) is Verdict.ALLOW
    now[0] = 60.0
    assert limiter.check(1) is Verdict.ALLOW


# -- failures ----------------------------------------------------------------------


async def test_polling_carries_on_after_a_server_error(telegram):
    telegram.fail_next("getUpdates")
    await telegram.wait_until(lambda: any(c.status == 500 for c in telegram.calls_to("getUpdates")))
    assert "258,211" in await ask(telegram, new_chat(), FOOTPRINT_QUESTION)


class _PausedPolling(logging.Handler):
    """Set once python-telegram-bot's polling loop says it failed and will retry, which it says just before its pause."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.paused = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "Polling Updates" in record.getMessage() and "Retrying" in record.getMessage():
            self.paused.set()


async def test_stopping_does_not_wait_out_a_pause_between_polls(conversation):
    """python-telegram-bot pauses between failed getUpdates calls (up to 30 s while the Bot API is down, or as long as
    a 429 asks); a stop must not wait the pause out. The hour asked for here would hold the stop for an hour: the two
    minutes allowed are only there to end the test."""
    api = FakeBotApi()
    await api.start()
    loop_logger, watcher = logging.getLogger("telegram.ext"), _PausedPolling()  # the network loop logs as "telegram.ext"
    level = loop_logger.level
    loop_logger.setLevel(logging.DEBUG)
    loop_logger.addHandler(watcher)
    try:
        settings = bot_settings(api)
        api.fail_next("getUpdates", status=429, retry_after=3600)

        async def start_pause_and_stop() -> None:
            async with running(build_application(settings, conversation), settings, poll_timeout=1):
                await watcher.paused.wait()

        stopping = asyncio.ensure_future(start_pause_and_stop())
        done, _ = await asyncio.wait({stopping}, timeout=120)
        stopping.cancel()  # python-telegram-bot swallows a cancel while it waits for its polling to end
        assert stopping in done, "stopping waited out the pause python-telegram-bot takes after a failed poll"
    finally:
        loop_logger.removeHandler(watcher)
        loop_logger.setLevel(level)
        await api.stop()


async def test_stopping_against_a_slow_bot_api_still_marks_the_updates_read(conversation):
    """A review: a stop cut after STOP_POLLING_SECONDS lost python-telegram-bot's last getUpdates, which tells the Bot
    API which updates were read, so a slow Bot API sent them again after a restart and they were answered twice."""
    api = FakeBotApi()
    await api.start()
    try:
        settings = bot_settings(api)
        chat_id = new_chat()
        async with running(build_application(settings, conversation), settings, poll_timeout=1):
            update_id = await api.push({"message": message(chat_id, "/sources")})
            await api.messages(chat_id)
            api.get_updates_delay = STOP_POLLING_SECONDS + 1  # past the stop's bound, within the call's own
            assert api.get_updates_delay < GET_UPDATES_SLACK_SECONDS
        # The stop's own call: no long poll, and past the update answered.
        last = [call for call in api.calls_to("getUpdates") if str(call.params.get("timeout")) == "0"]
        assert [(call.params.get("offset"), call.status) for call in last] == [(update_id + 1, 200)]
    finally:
        await api.stop()


async def test_a_failed_send_is_retried(telegram):
    telegram.fail_next("sendMessage")
    chat_id = new_chat()
    text = await ask(telegram, chat_id, "/sources")
    assert [call.status for call in telegram.calls_to("sendMessage", chat_id)] == [500, 200]
    assert text.startswith("I know these documents:")


async def test_an_error_gets_an_apology_and_a_logged_trace(telegram, caplog):
    telegram.fail_next("sendMessage", status=400)  # a Bad Request is not retried: the handler fails
    chat_id = new_chat()
    with caplog.at_level(logging.ERROR, logger="bot.telegram.handlers"):
        assert await ask(telegram, chat_id, "/sources") == APOLOGY
    (record,) = [r for r in caplog.records if r.name == "bot.telegram.handlers"]
    assert record.exc_info is not None
    await telegram.push({"message": message(chat_id, "/sources", message_id=2)})
    assert (await telegram.messages(chat_id, 2))[1].startswith("I know these documents:")


async def test_a_reply_telegram_refused_keeps_no_turn_so_more_shows_the_page_it_did_not_show(telegram):
    """A review: the turn was kept before its reply was sent, so "more" after a "more" whose reply failed skipped a
    page (actions 31-45 followed 1-15)."""
    chat_id = new_chat()
    await telegram.push({"message": message(chat_id, "what's due in 23/24?", message_id=1)})
    listing = len(await telegram.wait_for("sendMessage", chat_id))
    telegram.fail_next("sendMessage", status=400)  # a Bad Request is not retried: the handler fails
    await telegram.push({"message": message(chat_id, "more", message_id=2)})
    await telegram.wait_until(lambda: len(telegram.calls_to("sendMessage", chat_id)) >= listing + 2)  # refused, apology
    await telegram.push({"message": message(chat_id, "more", message_id=3)})
    await telegram.wait_until(lambda: len(telegram.calls_to("sendMessage", chat_id)) >= listing + 3)

    refused, apology, shown = telegram.calls_to("sendMessage", chat_id)[listing : listing + 3]
    assert (refused.status, apology.text) == (400, APOLOGY)
    assert "Actions 16" in shown.text


class HeldAnswers(FakeBotApi):
    """The Bot API, whose answer to the next call of a method to a chat (``hold``) waits until ``release`` is set: a slow
    network, or a Word document uploading. The call is recorded at once, as the user would see the message."""

    def __init__(self) -> None:
        super().__init__()
        self._hold: tuple[str, int] | None = None
        self.held = asyncio.Event()
        self.release = asyncio.Event()

    def hold(self, method: str, chat_id: int) -> None:
        self._hold = (method, chat_id)

    async def _handle(self, request: web.Request) -> web.Response:
        response = await super()._handle(request)
        if self._hold == (request.match_info["method"], self.calls[-1].chat_id):
            self._hold = None
            self.held.set()
            await self.release.wait()
            if not self.reachable:
                response.force_close()  # the connection goes with the network: the next call connects anew
        return response


@asynccontextmanager
async def polled_by_the_bot(api: FakeBotApi, conversation) -> AsyncIterator[None]:
    """``api`` started, the bot long-polling it (one-second polls keep the stop quick); both stopped after."""
    await api.start()
    try:
        settings = bot_settings(api)
        async with running(build_application(settings, conversation), settings, poll_timeout=1):
            yield
    finally:
        await api.stop()


async def test_a_follow_up_sent_while_a_briefings_document_uploads_follows_up_the_briefing(conversation):
    """A review: the briefing's turn was kept only once its document was sent, so "who leads it?", asked with the
    briefing on screen and its document still uploading, was read as if no briefing had been given."""
    api = HeldAnswers()
    chat_id = new_chat()
    api.hold("sendDocument", chat_id)
    async with polled_by_the_bot(api, conversation):
        try:
            await api.push({"message": message(chat_id, "brief net zero", message_id=1)})
            await asyncio.wait_for(api.held.wait(), 30)  # the briefing's text is on screen
            shown = len(api.calls_to("sendMessage", chat_id))
            await api.push({"message": message(chat_id, "who leads it?", message_id=2)})
            follow_up = (await api.wait_for("sendMessage", chat_id, shown + 1))[-1].text
        finally:
            api.release.set()

    assert "led by" in follow_up and "Which actions do you mean" not in follow_up


async def test_a_message_sent_while_the_last_reply_is_still_being_sent_is_read_after_it(conversation):
    """A review: "more" sent while the listing's reply was still on its way read the conversation without the listing
    (updates are answered concurrently), and said there was nothing to continue."""
    api = HeldAnswers()
    chat_id = new_chat()
    api.hold("sendMessage", chat_id)
    async with polled_by_the_bot(api, conversation):
        try:
            await api.push({"message": message(chat_id, "what's due in 23/24?", message_id=1)})
            await asyncio.wait_for(api.held.wait(), 30)  # the listing is on its way
            await api.push({"message": message(chat_id, "more", message_id=2)})
            await asyncio.sleep(1)  # "more" is read meanwhile (before, at once)
        finally:
            api.release.set()
        listing, more = await api.messages(chat_id, 2)

    assert "Actions 1" in listing or "68 actions" in listing
    assert "Actions 16" in more


class ShownThenBadGateway(FakeBotApi):
    """The Bot API shows the next message to ``slow_chat`` but answers only after the client's read timeout, and its
    retries get 502 (Telegram overloaded)."""

    def __init__(self) -> None:
        super().__init__()
        self.slow_chat: int | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        response = await super()._handle(request)  # recorded: the user sees it
        if request.match_info["method"] == "sendMessage" and self.slow_chat is not None and self.calls[-1].chat_id == self.slow_chat:
            self.slow_chat = None
            self.fail_next("sendMessage", 502)
            self.fail_next("sendMessage", 502)
            await asyncio.sleep(6)  # past python-telegram-bot's 5 s read timeout
        return response


async def test_a_briefing_shown_whose_send_then_got_no_answer_is_still_followed_up(conversation):
    """A re-review: the send of a briefing was shown but answered after the read timeout, and its retries got 502; the
    turn was forgotten, and "who leads it?" after it asked which actions were meant."""
    api = ShownThenBadGateway()
    chat_id = new_chat()
    async with polled_by_the_bot(api, conversation):
        api.slow_chat = chat_id
        await api.push({"message": message(chat_id, "brief net zero", message_id=1)})
        await api.wait_until(lambda: any(c.text == APOLOGY for c in api.calls_to("sendMessage", chat_id)), 60)
        shown = len([c for c in api.calls_to("sendMessage", chat_id) if c.status == 200])
        await api.push({"message": message(chat_id, "who leads it?", message_id=2)})
        follow_up = (await api.wait_for("sendMessage", chat_id, shown + 1))[-1].text

    assert "led by" in follow_up and "Which actions do you mean" not in follow_up


async def test_a_reply_no_try_of_which_connected_keeps_no_turn_so_more_shows_the_page_it_did_not_show(conversation, caplog):
    """A review: python-telegram-bot raises TimedOut for a connect timeout (the request never left) as for a read timeout
    (it may have been shown), so a reply whose every try timed out connecting kept its turn, and "more" asked again
    showed actions 31-45: 16-30 were never shown."""
    api = HeldAnswers()
    chat_id = new_chat()
    async with polled_by_the_bot(api, conversation):
        await api.push({"message": message(chat_id, "what's due in 23/24?", message_id=1)})
        (listing,) = await api.wait_for("sendMessage", chat_id)
        api.hold("sendChatAction", chat_id)
        await api.push({"message": message(chat_id, "more", message_id=2)})
        await asyncio.wait_for(api.held.wait(), 30)  # "typing…" is on screen: the reply comes next
        with caplog.at_level(logging.ERROR, logger="bot.telegram.handlers"):
            async with api.unreachable():
                api.release.set()
                async with asyncio.timeout(60):  # the reply's three tries time out connecting, and the handler fails
                    while not any(r.getMessage().startswith("Error while handling update") for r in caplog.records):
                        await asyncio.sleep(0.2)
        await api.push({"message": message(chat_id, "more", message_id=3)})
        await api.wait_until(lambda: any("Actions" in c.text for c in api.calls_to("sendMessage", chat_id)[1:]), 60)

    assert "Actions 1" in listing.text or "68 actions" in listing.text
    (shown,) = [c.text for c in api.calls_to("sendMessage", chat_id)[1:] if "Actions" in c.text]
    assert "Actions 16" in shown


async def test_a_briefing_shown_whose_document_telegram_refused_is_still_followed_up(telegram):
    """A review: the text of a briefing was shown and its document refused; the turn was not kept, so "who leads it?"
    after it asked which actions were meant."""
    chat_id = new_chat()
    telegram.fail_next("sendDocument", status=400)
    await telegram.push({"message": message(chat_id, "brief net zero", message_id=1)})
    await telegram.wait_until(lambda: any(c.text == APOLOGY for c in telegram.calls_to("sendMessage", chat_id)))
    shown = len(telegram.calls_to("sendMessage", chat_id))
    await telegram.push({"message": message(chat_id, "who leads it?", message_id=2)})
    follow_up = (await telegram.wait_for("sendMessage", chat_id, shown + 1))[-1].text

    assert "led by" in follow_up and "Which actions do you mean" not in follow_up


# -- webhook mode ------------------------------------------------------------------


async def test_webhook_mode_accepts_only_posts_with_the_secret(api, conversation, unused_tcp_port):
    url = f"http://127.0.0.1:{unused_tcp_port}/telegram/updates"
    settings = bot_settings(
        api, telegram_webhook_url=url, telegram_webhook_secret="s3cret", telegram_webhook_host="127.0.0.1", port=unused_tcp_port
    )
    chat_id = new_chat()
    update = {"update_id": 9001, "message": message(chat_id, "/sources")}
    async with running(build_application(settings, conversation), settings):
        (registered,) = [c for c in api.calls_to("setWebhook") if c.params["url"] == url]
        assert registered.params["secret_token"] == "s3cret"
        async with aiohttp.ClientSession() as session:
            for headers, status in (({}, 403), ({SECRET_HEADER: "wrong"}, 403), ({SECRET_HEADER: "s3cret"}, 200)):
                async with session.post(url, json=update, headers=headers) as response:
                    assert response.status == status
        (text,) = await api.messages(chat_id)
    assert text.startswith("I know these documents:")
    assert len(api.calls_to("sendMessage", chat_id)) == 1


async def test_webhook_answers_bodies_that_are_not_updates_with_4xx_or_drops_them_never_500(api, conversation, unused_tcp_port, caplog):
    url = f"http://127.0.0.1:{unused_tcp_port}/telegram/updates"
    settings = bot_settings(
        api, telegram_webhook_url=url, telegram_webhook_secret="s3cret", telegram_webhook_host="127.0.0.1", port=unused_tcp_port
    )
    chat_id = new_chat()
    unreadable = {"message_id": 1, "date": 10**20, "chat": {"id": chat_id, "type": "private"}, "text": "/sources"}
    bodies = [
        ("[]", "application/json", 400),
        ("null", "application/json", 400),
        ("{not json", "application/json", 400),
        ("[" * 100_000, "application/json", 400),
        ('{"message": {}}', "application/json", 400),  # no update_id: not from Telegram
        ('{"update_id": 1, "message": "x"}', "application/json", 200),  # Telegram's, unreadable: dropped, not redelivered
        (json.dumps({"update_id": 2, "message": unreadable}), "application/json", 200),
        (json.dumps({"update_id": 4, "message": {"message_id": 1, "date": 0, "text": "hi"}}), "application/json", 200),  # no chat
        (json.dumps({"update_id": 3, "message": message(chat_id, "/help")}), "application/json; charset=punycode", 200),
    ]
    with caplog.at_level(logging.WARNING):
        async with running(build_application(settings, conversation), settings), aiohttp.ClientSession() as session:
            statuses = []
            for body, content_type, _ in bodies:
                headers = {SECRET_HEADER: "s3cret", "Content-Type": content_type}
                async with session.post(url, data=body.encode(), headers=headers) as response:
                    statuses.append(response.status)
            (text,) = await api.messages(chat_id)  # the one readable update is answered
    assert statuses == [status for _, _, status in bodies]
    assert "/help" in text and len(api.calls_to("sendMessage", chat_id)) == 1
    assert [r.getMessage() for r in caplog.records if "Dropped update" in r.getMessage()] == [
        "Dropped update 1: it could not be read (AttributeError)",
        "Dropped update 2: it could not be read (OverflowError)",
        "Dropped update 4: its message names no chat",
    ]
    assert not [r for r in caplog.records if r.exc_info]  # no traceback


def test_configuration_problems_are_explained():
    assert "TELEGRAM_BOT_TOKEN" in configuration_problem(Settings())
    assert "must end in /bot" in configuration_problem(Settings(telegram_token=TOKEN, telegram_api_base_url="http://x/"))
    webhook_without_secret = Settings(telegram_token=TOKEN, telegram_webhook_url="https://example.org/hook")
    assert "TELEGRAM_WEBHOOK_SECRET" in configuration_problem(webhook_without_secret)
    assert configuration_problem(Settings(telegram_token=TOKEN)) is None


# -- rendering ---------------------------------------------------------------------


def test_long_replies_split_at_paragraphs_into_valid_html(knowledge_base):
    sentences = [sentence.text for _, sentence in knowledge_base.sentences[:600]]
    paragraphs = [" ".join(sentences[i : i + 6]) for i in range(0, 300, 6)]
    paragraphs.append("\n".join(sentences[300:450]))  # a paragraph of lines, longer than a message
    paragraphs.append(" ".join(sentences[450:]))  # a single line longer than a message
    text = "\n\n".join(paragraphs)
    assert "&" in text and length(text) > 3 * MESSAGE_LIMIT

    parts = render_reply(Reply("answer", text)).parts
    assert len(parts) > 3
    for part in parts:
        assert_valid(part)
    shown = html.unescape(re.sub(r"<[^>]+>", "", " ".join(parts)))
    assert shown.split() == text.split()


def test_a_heading_too_long_for_a_message_stays_bold_in_every_part():
    heading = "# Briefing: " + " ".join(f"<b>&{n}" for n in range(1500))
    parts = render_reply(Reply("briefing", f"{heading}\n\nSome text.")).parts
    assert len(parts) > 1
    for part in parts:
        assert_valid(part)
    pieces = parts[0].split("\n\n")[0], *parts[1:-1]
    assert all(piece.startswith("<b>") and piece.endswith("</b>") for piece in pieces)
    assert "#" not in html.unescape(re.sub(r"<[^>]+>", "", " ".join(parts)))
