"""A Bot API server of our own on 127.0.0.1, for the real python-telegram-bot to talk to.

It implements the methods the bot uses, with Telegram's answers in the
shapes python-telegram-bot parses, and records every call. Tests push
updates into its queue (``getUpdates`` long-polls on it, with Telegram's
offset semantics), inject failures, make the Bot API unreachable for a while,
and wait for the calls the bot makes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from aiohttp import web

TOKEN = "123456:TEST-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "ICS Knowledge", "username": "ics_kb_bot"}
# Parameters python-telegram-bot sends JSON-encoded inside form fields.
_JSON_PARAMS = {"reply_markup", "commands", "reply_parameters", "link_preview_options", "allowed_updates", "show_alert"}
_INT_PARAMS = {"chat_id", "message_id", "offset", "limit"}


@dataclass
class Call:
    method: str
    params: dict
    status: int = 200
    result: object = None

    @property
    def chat_id(self) -> int | None:
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        return self.params.get("text", "")

    def buttons(self) -> list[dict]:
        markup = self.params.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]


class FakeBotApi:
    """The Telegram Bot API, as far as this bot uses it."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.rejected_tokens: list[str] = []  # tokens of calls refused with 401, in order
        self._pending: list[dict] = []  # updates not yet confirmed by a getUpdates offset
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._chats: dict[int, dict] = {}
        self._failures: dict[str, list[tuple[int, int | None]]] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self.port = 0
        self.reachable = True  # False while ``unreachable``
        self.get_updates_delay = 0.0  # seconds each getUpdates answer waits first: a slow Bot API

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await self._site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:  # never started
            await self._runner.cleanup()

    @contextlib.asynccontextmanager
    async def unreachable(self) -> AsyncIterator[None]:
        """For the block, no connection to the Bot API completes, as on a network that drops packets: its port listens
        with a backlog already full (one connection of our own in its one place), so every connect waits until it times
        out; connections already open close once their answer in progress is sent. Listening as before after."""
        if self._runner is None or self._site is None:
            raise RuntimeError("the Bot API was not started")
        await self._site.stop()  # no awaiting inside: nothing connects in between
        self._runner.server.pre_shutdown()  # type: ignore[union-attr]  # set up by start
        self.reachable = False
        with socket.socket() as listener:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(0)
            with socket.create_connection(("127.0.0.1", self.port)):
                try:
                    yield
                finally:
                    self.reachable = True
        self._site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await self._site.start()

    # -- what tests do -------------------------------------------------------

    async def push(self, update: dict) -> int:
        """Queue an update for the bot's next getUpdates; returns its update_id."""
        update = {"update_id": next(self._update_ids), **update}
        for body in update.values():  # so replies into a group come back as group messages
            if isinstance(body, dict) and "chat" in body:
                self._chats[body["chat"]["id"]] = body["chat"]
        async with self._changed:
            self._pending.append(update)
            self._changed.notify_all()
        return update["update_id"]

    def fail_next(self, method: str, status: int = 500, retry_after: int | None = None) -> None:
        """The next call of ``method`` gets an error answer with this HTTP status (429 with ``retry_after``: Telegram's
        "Too Many Requests", asking the bot to wait that many seconds)."""
        self._failures.setdefault(method, []).append((status, retry_after))

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (chat_id is None or c.chat_id == chat_id)]

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 20) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    async def wait_for(self, method: str, chat_id: int | None = None, count: int = 1) -> list[Call]:
        """The first ``count`` successful calls of ``method`` (to ``chat_id``), waiting for them to arrive."""
        def succeeded() -> list[Call]:
            return [call for call in self.calls_to(method, chat_id) if call.status == 200]

        await self.wait_until(lambda: len(succeeded()) >= count)
        return succeeded()[:count]

    async def messages(self, chat_id: int, count: int = 1) -> list[str]:
        """The texts of the first ``count`` messages sent to a chat."""
        return [call.text for call in await self.wait_for("sendMessage", chat_id, count)]

    # -- the HTTP side -------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            self.rejected_tokens.append(request.match_info["token"])
            return _error(401, "Unauthorized")
        call = Call(request.match_info["method"], await _params(request))
        failures = self._failures.get(call.method)
        if failures:
            call.status, retry_after = failures.pop(0)
            response = _error(call.status, "Injected failure", retry_after)
        else:
            call.result = await self._get_updates(call.params) if call.method == "getUpdates" else self._answer(call)
            response = web.json_response({"ok": True, "result": call.result})
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        return response

    async def _get_updates(self, params: dict) -> list[dict]:
        """Telegram's long polling: confirm updates below ``offset``, wait up to ``timeout`` s for new ones."""
        offset = params.get("offset") or 0
        await asyncio.sleep(self.get_updates_delay)
        async with self._changed:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: self._pending), float(params.get("timeout", 0)))
            return list(self._pending)

    def _answer(self, call: Call) -> object:
        params = call.params
        match call.method:
            case "getMe":
                return BOT_USER
            case "sendMessage" | "editMessageText":
                return self._message(params, text=params["text"])
            case "sendDocument":
                document = params["document"]
                return self._message(params, document={"file_id": "doc", "file_unique_id": "doc", "file_name": document["filename"]})
            case _:  # sendChatAction, setMyCommands, answerCallbackQuery, setWebhook, deleteWebhook
                return True

    def _message(self, params: dict, **content) -> dict:
        chat_id = params["chat_id"]
        chat = self._chats.get(chat_id, {"id": chat_id, "type": "private"})
        message_id = params.get("message_id") or next(self._message_ids)
        return {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": BOT_USER, **content}


async def _params(request: web.Request) -> dict:
    """The call's parameters, from a query string, a form or a multipart upload, decoded."""
    if request.content_type == "application/json":
        return await request.json()
    params: dict = dict(request.query)
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            params[name] = {"filename": value.filename, "data": value.file.read()}
        else:
            params[name] = value
    for name, value in params.items():
        if name in _JSON_PARAMS:
            params[name] = json.loads(value)
        elif name in _INT_PARAMS:
            params[name] = int(value)
    return params


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    parameters = {} if retry_after is None else {"parameters": {"retry_after": retry_after}}
    return web.json_response({"ok": False, "error_code": status, "description": description, **parameters}, status=status)


# -- updates, as Telegram would send them ---------------------------------------


def user(user_id: int) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}


def chat(chat_id: int, chat_type: str = "private") -> dict:
    return {"id": chat_id, "type": chat_type} | ({"title": "ICS team"} if chat_type != "private" else {})


def message(chat_id: int, text: str | None = None, *, user_id: int | None = None, chat_type: str = "private",
            message_id: int = 1, **content) -> dict:
    """A message body; commands and @mentions get the entities Telegram would add."""
    body = {"message_id": message_id, "date": int(time.time()), "chat": chat(chat_id, chat_type),
            "from": user(user_id or chat_id), **content}
    if text is not None:
        body["text"] = text
        entities = _entities(text)
        if entities:
            body["entities"] = entities
    return body


def _entities(text: str) -> list[dict]:
    entities = []
    for match in re.finditer(r"^/\w+(?:@\w+)?|@\w+", text):
        kind = "bot_command" if match.group().startswith("/") else "mention"
        offset = len(text[: match.start()].encode("utf-16-le")) // 2
        entities.append({"type": kind, "offset": offset, "length": len(match.group().encode("utf-16-le")) // 2})
    return entities


def sticker() -> dict:
    return {"sticker": {"file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 512, "height": 512,
                        "is_animated": False, "is_video": False}}


def photo() -> dict:
    return {"photo": [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]}


def callback_query(chat_id: int, data: str, sent: Call, message_id: int) -> dict:
    """A press of an inline button on a message the bot sent."""
    shown = {"message_id": message_id, "date": int(time.time()), "chat": chat(chat_id), "from": BOT_USER, "text": sent.text}
    return {"callback_query": {"id": f"cq{message_id}", "from": user(chat_id), "chat_instance": "ci", "data": data,
                               "message": shown}}


# -- checking HTML --------------------------------------------------------------

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler"}
_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"<{tag}> is not a Telegram tag (unescaped text?)")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"</{tag}> closes nothing open")


def html_problems(text: str) -> list[str]:
    """Why Telegram would reject this HTML: unknown tags, unbalanced tags, bare ampersands."""
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    problems = checker.problems + [f"<{tag}> never closed" for tag in checker.open]
    return problems + (["bare &"] if _BARE_AMPERSAND.search(text) else [])
