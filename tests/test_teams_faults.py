"""The Teams endpoint under faults and hostile input, over real HTTP on 127.0.0.1.

A connector that accepts and never answers must not hold up anyone else's
reply; malformed activities get 400 and bad tokens 401, never a 500 with a
traceback. The stand-ins (connectors, an OpenID key server) are real servers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import aiohttp
import jwt
import pytest
from aiohttp import web
from botframework.connector.auth import ChannelValidation
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.conversation import HELP_TEXT
from bot.teams.server import create_app
from index.config import Settings
from tests.support.teams import Connector, new_conversation_id, serving, teams_message

APP_ID = "6b1f4c2e-0d7a-4e55-9a3b-2c1d00000000"
SEND_TIMEOUT = 3.0


class SilentConnector:
    """A Bot Connector that accepts every connection and never answers."""

    def __init__(self) -> None:
        self.url = ""
        self.requests: Counter[str] = Counter()  # conversation id -> activities it was sent
        self._release = asyncio.Event()
        self.app = web.Application()
        self.app.router.add_post("/v3/conversations/{conversation_id}/activities/{reply_to_id}", self._hang)

    async def _hang(self, request: web.Request) -> web.Response:
        self.requests[request.match_info["conversation_id"]] += 1
        await self._release.wait()
        return web.json_response({"id": "too-late"})

    @asynccontextmanager
    async def running(self) -> AsyncIterator[SilentConnector]:
        async with serving(self.app) as url:
            self.url = url
            try:
                yield self
            finally:
                self._release.set()


@pytest.fixture(scope="module")
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(scope="module")
async def connector():
    async with Connector().running() as running:
        yield running


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    return Settings(feedback_file=tmp_path_factory.mktemp("teams-faults") / "feedback.jsonl", teams_send_timeout_seconds=SEND_TIMEOUT)


@pytest.fixture(scope="module")
async def bot_url(settings, conversation):
    async with serving(create_app(settings, conversation)) as url:
        yield url


async def post(http: aiohttp.ClientSession, url: str, activity: dict, **headers: str) -> int:
    async with http.post(f"{url}/api/messages", json=activity, headers=headers) as response:
        return response.status


async def timed_help(http: aiohttp.ClientSession, bot_url: str, connector: Connector) -> float:
    """Seconds until a healthy conversation has its reply to "help"."""
    conversation_id = new_conversation_id()
    started = time.perf_counter()
    status = await asyncio.wait_for(post(http, bot_url, teams_message("help", connector.url, conversation_id)), 20)
    elapsed = time.perf_counter() - started
    assert status == 201
    assert [m["text"] for m in connector.messages_to(conversation_id)] == [HELP_TEXT]
    return elapsed


async def test_a_silent_connector_does_not_delay_other_conversations(http, bot_url, connector, caplog):
    baseline = await timed_help(http, bot_url, connector)
    async with SilentConnector().running() as silent:
        stalled_ids = [new_conversation_id() for _ in range(10)]
        stalled = [asyncio.create_task(post(http, bot_url, teams_message("help", silent.url, c))) for c in stalled_ids]
        while sum(silent.requests.values()) < 4:  # the silent connector holds sends open
            await asyncio.sleep(0.05)

        with caplog.at_level(logging.WARNING):
            during = await timed_help(http, bot_url, connector)
            started = time.perf_counter()
            statuses = await asyncio.wait_for(asyncio.gather(*stalled), 6 * SEND_TIMEOUT)
            waited = time.perf_counter() - started

    assert during - baseline < 1.0, f"a healthy reply took {during:.2f}s beside a silent connector ({baseline:.2f}s alone)"
    assert waited < 3 * SEND_TIMEOUT + 2  # sends give up after the timeout, not botbuilder's 100 s
    assert set(statuses) == {201}
    # Each stalled conversation was sent its typing indicator once: no apology chasing a connector that never answered.
    assert [silent.requests[c] for c in stalled_ids] == [1] * len(stalled_ids)
    assert not [r for r in caplog.records if r.exc_info]


DEEP = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (DEEP, "application/json"),
        ('{"type": "message", "serviceUrl": "http://x", "conversation": {"id": "c"}, "value": ' + DEEP + "}", "application/json"),
        ('{"type": "message", "serviceUrl": "http://x", "conversation": {"id": "c"}}', "application/json; charset=bogus"),
        ('{"type": "message", "serviceUrl": "http://127.0.0.1:9", "conversation": {}}', "application/json"),
        ('{"type": "message", "serviceUrl": "http://127.0.0.1:9", "conversation": {"id": ""}}', "application/json"),
        ('{"type": "message", "serviceUrl": "http://127.0.0.1:9", "conversation": {"id": 7}}', "application/json"),
        ('{"type": "message", "serviceUrl": "ftp://127.0.0.1/", "conversation": {"id": "c"}}', "application/json"),
        ('{"type": "message", "serviceUrl": "javascript:alert(1)", "conversation": {"id": "c"}}', "application/json"),
        ('{"type": "message", "serviceUrl": "not a url", "conversation": {"id": "c"}}', "application/json"),
        ('{"type": "message", "serviceUrl": "http://[::1", "conversation": {"id": "c"}}', "application/json"),
    ],
    ids=["deep-json", "deep-value", "bogus-charset", "no-conversation-id", "empty-conversation-id", "numeric-conversation-id",
         "ftp-service-url", "javascript-service-url", "not-a-url", "broken-ipv6-url"],
)
async def test_bad_activities_get_400_without_a_traceback(http, bot_url, connector, caplog, body, content_type):
    with caplog.at_level(logging.INFO):
        async with http.post(f"{bot_url}/api/messages", data=body.encode(), headers={"Content-Type": content_type}) as response:
            status = response.status

    assert status == 400
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert await timed_help(http, bot_url, connector) < 10  # and the bot keeps serving


# -- tokens ------------------------------------------------------------------------------------------


class KeyServer:
    """OpenID metadata and signing keys, as login.botframework.com publishes them, on 127.0.0.1.

    botbuilder fetches them with blocking ``requests`` calls on the event loop,
    so this server runs in a thread of its own.
    """

    def __init__(self) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        keys = {"keys": [{**public, "kid": "known", "use": "sig"}]}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                document = {"jwks_uri": f"{server.url}/keys"} if self.path == "/openid" else keys
                data = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def token(self, kid: str = "known", algorithm: str = "RS256", **claims: object) -> str:
        payload = {"iss": "https://api.botframework.com", "aud": APP_ID, "exp": int(time.time()) + 600,
                   "nbf": int(time.time()) - 60, "serviceurl": "http://127.0.0.1", **claims}
        key = self.private_key if algorithm.startswith("RS") else "a-shared-secret-nobody-should-accept"
        return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": kid})


@pytest.fixture(scope="module")
def key_server() -> Iterator[KeyServer]:
    server = KeyServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    # botbuilder's documented switch for where channel tokens' keys are published.
    previous, ChannelValidation.open_id_metadata_endpoint = ChannelValidation.open_id_metadata_endpoint, f"{server.url}/openid"
    try:
        yield server
    finally:
        ChannelValidation.open_id_metadata_endpoint = previous
        server.httpd.shutdown()


@pytest.mark.parametrize(
    "make_token",
    [
        lambda keys: keys.token(kid="a-key-nobody-published"),
        lambda keys: keys.token(algorithm="HS256"),
        lambda keys: keys.token(exp=int(time.time()) - 3600),
        lambda keys: keys.token(aud="someone-else"),
        lambda keys: keys.token()[:-8] + "AAAAAAAA",
    ],
    ids=["unknown-kid", "disallowed-algorithm", "expired", "other-audience", "bad-signature"],
)
async def test_with_an_app_id_every_token_that_fails_validation_gets_401(
    http, connector, settings, conversation, key_server, caplog, make_token
):
    signed_only = replace(settings, app_id=APP_ID, app_password="not-used")
    conversation_id = new_conversation_id()
    question = teams_message("help", connector.url, conversation_id)

    with caplog.at_level(logging.INFO):
        async with serving(create_app(signed_only, conversation)) as url:
            status = await post(http, url, question, Authorization=f"Bearer {make_token(key_server)}")

    assert status == 401
    assert connector.sent_to(conversation_id) == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
