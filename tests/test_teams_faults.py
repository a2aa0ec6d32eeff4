"""The Teams endpoint under faults and hostile input, over real HTTP on 127.0.0.1.

A connector that accepts and never answers must not hold up anyone else's
reply; malformed activities get 400 and bad tokens 401, never a 500 with a
traceback. The stand-ins (connectors, an OpenID key server, Microsoft's sign-in
behind an egress proxy) are real servers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
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
from botframework.connector.auth import ChannelValidation, ManagedIdentityAppCredentials
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from msal import TokenCache

from bot.answering import AnsweringService
from bot.conversation import HELP_TEXT, Conversation
from bot.conversation_locks import RedisLocks
from bot.conversation_store import RedisStore
from bot.teams.bot import NOT_ALLOWED
from bot.teams.delivered import SharedDeliveries
from bot.teams.server import DELIVERED, READ_THREADS, READS, create_app
from index.config import Settings
from tests.support.login import ACCESS_TOKEN, IdentityEndpoint, SignInProxy, served_in_a_thread, write_json
from tests.support.redis import redis_server
from tests.support.teams import (
    BOT,
    TENANT,
    Connector,
    Posted,
    channel_message,
    feedback_invoke,
    members_added,
    new_conversation_id,
    serving,
    teams_message,
)

APP_ID = "6b1f4c2e-0d7a-4e55-9a3b-2c1d00000000"
SEND_TIMEOUT = 3.0
# How long the Bot Connector waits for the answer to its POST before it delivers the activity again.
CONNECTOR_PATIENCE = 15.0


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


def is_the_help(text: str) -> bool:
    """The help, as Teams shows it (each line its own paragraph, "brief &lt;topic&gt;" escaped)."""
    return text.startswith(HELP_TEXT.split("\n", 1)[0]) and "\n\nhelp - this message\n\n" in text


async def timed_help(http: aiohttp.ClientSession, bot_url: str, connector: Connector) -> float:
    """Seconds until a healthy conversation has its reply to "help"."""
    conversation_id = new_conversation_id()
    started = time.perf_counter()
    status = await asyncio.wait_for(post(http, bot_url, teams_message("help", connector.url, conversation_id)), 20)
    elapsed = time.perf_counter() - started
    assert status == 201
    assert [is_the_help(m["text"]) for m in connector.messages_to(conversation_id)] == [True]
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
    timed_out = [r.getMessage() for r in caplog.records if "got no answer within" in r.getMessage()]
    assert len(timed_out) == len(stalled_ids) and all(silent.url in line for line in timed_out)  # each send's failure, logged


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
        ('{"type": "message", "serviceUrl": "http://127.0.0.1:abc", "conversation": {"id": "c"}}', "application/json"),
        ('{"type": "message", "serviceUrl": "http://127.0.0.1:99999", "conversation": {"id": "c"}}', "application/json"),
        ('{"type": "message", "serviceUrl": "http://127.0.0.1:9", "conversation": {"id": "a:1\\nb"}}', "application/json"),
        ('{"type": "message", "serviceUrl": "http://127.0.0.1:9", "conversation": {"id": "a:1\\u0000"}}', "application/json"),
        ('{"type": "message", "serviceUrl": "http://127.0.0.1:9", "conversation": {"id": " a:1"}}', "application/json"),
        ('{"type": "message", "serviceUrl": "http://127.0.0.1:9", "conversation": {"id": "a:1\\u2028"}}', "application/json"),
        ('{"type": "message", "serviceUrl": "http://127.0.0.1:9", "conversation": {"id": "a:1\\ud800"}}', "application/json"),
        ('{"type": "message", "serviceUrl": "http://127.0.0.1:9", "conversation": {"id": "a:1\\ud83d\\ude00x"}}', "application/json"),
        ('{"type": "conversationUpdate", "serviceUrl": "http://127.0.0.1:9", "conversation": {"id": "c"}, "membersAdded": [null]}',
         "application/json"),
        ('{"type": "conversationUpdate", "serviceUrl": "http://127.0.0.1:9", "conversation": {"id": "c"}, "membersRemoved": "x"}',
         "application/json"),
        ('{"type": "conversationUpdate", "serviceUrl": "http://127.0.0.1:9", "conversation": {"id": "c"}, "recipient": null, '
         '"membersAdded": [{"id": "29:alex"}]}', "application/json"),
        ("{}", "application/json; charset=punycode"),
        ("{}", "application/json; charset=undefined"),
        ("{}", "application/json; charset=rot13"),
    ],
    ids=["deep-json", "deep-value", "bogus-charset", "no-conversation-id", "empty-conversation-id", "numeric-conversation-id",
         "ftp-service-url", "javascript-service-url", "not-a-url", "broken-ipv6-url", "non-numeric-port", "port-out-of-range",
         "line-break-in-conversation-id", "nul-in-conversation-id", "space-before-conversation-id",
         "line-separator-in-conversation-id", "lone-surrogate-in-conversation-id", "emoji-in-conversation-id", "null-member-added", "members-removed-not-a-list", "null-recipient",
         "punycode-charset", "undefined-charset", "rot13-charset"],
)
async def test_bad_activities_get_400_without_a_traceback(http, bot_url, connector, caplog, body, content_type):
    with caplog.at_level(logging.INFO):
        async with http.post(f"{bot_url}/api/messages", data=body.encode(), headers={"Content-Type": content_type}) as response:
            status = response.status

    assert status == 400
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert await timed_help(http, bot_url, connector) < 10  # and the bot keeps serving


@pytest.mark.parametrize(
    "make_activity",
    [
        # Each under aiohttp's megabyte a request may carry (a bigger one gets 413).
        lambda service_url, c: {**teams_message("help", service_url, c), "entities": [{"type": "x"}] * 65_000},
        lambda service_url, c: members_added(service_url, c, [BOT, *[{"id": "x"}] * 60_000]),
        lambda service_url, c: {**teams_message("help", service_url, c), "attachments": [{"contentType": "x"}] * 30_000},
    ],
    ids=["65k-entities", "60k-members-added", "30k-attachments"],
)
async def test_an_activity_with_thousands_of_entities_or_members_gets_400_and_no_answer(http, bot_url, connector, caplog, make_activity):
    """An attack review: 65,000 entities in a message (a megabyte) took 1.7 s to read, on the event loop, before any token
    was checked; four such requests at once held every other request for seconds. Teams sends a few."""
    conversation_id = new_conversation_id()
    with caplog.at_level(logging.INFO):
        status = await post(http, bot_url, make_activity(connector.url, conversation_id))

    assert status == 400
    assert connector.sent_to(conversation_id) == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize("authorization", [None, "Basic dXNlcjpwYXNzd29yZA==", "Bearer", "bearer a-token"],
                         ids=["no-header", "basic", "no-token", "lower-case-scheme"])
async def test_with_an_app_id_a_request_without_a_bearer_token_is_refused_before_its_body_is_read(
    http, connector, settings, conversation, caplog, authorization
):
    """An attack review: a request with no token at all was read whole (a megabyte of entities: 1.7 s of the event loop)
    before botbuilder refused it. The body here is sent in two halves, the second only once the answer has come: a
    server that reads the body before looking at the token never answers."""
    signed_only = replace(settings, app_id=APP_ID, app_password="not-used")
    conversation_id = new_conversation_id()
    data = json.dumps({**teams_message("help", connector.url, conversation_id), "entities": [{"type": "x"}] * 65_000}).encode()
    answered = asyncio.Event()

    async def halves() -> AsyncIterator[bytes]:
        yield data[: len(data) // 2]
        await answered.wait()
        yield data[len(data) // 2 :]

    headers = {"Content-Type": "application/json", **({"Authorization": authorization} if authorization else {})}
    with caplog.at_level(logging.INFO):
        async with serving(create_app(signed_only, conversation)) as url:
            try:
                async with asyncio.timeout(30):  # the old code waits for the second half for ever
                    async with http.post(f"{url}/api/messages", data=halves(), headers=headers) as response:
                        status = response.status
            finally:
                answered.set()

    assert status == 401
    assert connector.sent_to(conversation_id) == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_body_not_encoded_as_its_content_encoding_says_gets_400_without_a_traceback(http, bot_url, connector, caplog, encoding):
    """An attack review: "Content-Encoding: gzip" on a plain JSON body got a 500, before any token was checked, and six
    tracebacks in the log."""
    body = json.dumps(teams_message("help", connector.url, new_conversation_id())).encode()
    with caplog.at_level(logging.INFO):
        headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
        async with http.post(f"{bot_url}/api/messages", data=body, headers=headers, compress=None) as response:
            status = response.status

    assert status == 400
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


class RefusingConnector:
    """A Bot Connector that answers every send with an error: a status and a body of the given type."""

    def __init__(self, status: int, content_type: str, body: str) -> None:
        self.url = ""
        self.sends = 0
        self.app = web.Application()
        self.app.router.add_post("/v3/conversations/{conversation_id}/activities/{reply_to_id}", self._refuse)
        self._answer = (status, content_type, body)

    async def _refuse(self, request: web.Request) -> web.Response:
        self.sends += 1
        status, content_type, body = self._answer
        return web.Response(status=status, text=body, content_type=content_type)


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [(500, "application/json", '{"error": {"code": "ServiceError", "message": "x"}}'), (502, "text/html", "<h1>Bad Gateway</h1>"),
     (200, "text/html", "<html>a proxy's page</html>")],
    ids=["500-json", "502-html", "200-html"],
)
async def test_a_connector_that_refuses_every_send_gets_no_500_and_no_traceback(http, bot_url, caplog, status, content_type, body):
    """An attack review: a serviceUrl answering every send with an error got a 500 from the bot and two tracebacks: the
    typing indicator failed, then the apology failed too and escaped the turn's error handler."""
    refusing = RefusingConnector(status, content_type, body)
    async with serving(refusing.app) as url:
        with caplog.at_level(logging.INFO):
            answered = await post(http, bot_url, teams_message("help", url, new_conversation_id()))

    assert answered == 201
    assert refusing.sends == 2  # the typing indicator, then the apology: no retries
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert [r for r in caplog.records if "the Bot Connector refused a send" in r.getMessage()]


async def test_a_conversation_update_with_null_members_is_welcomed(http, bot_url, connector):
    """A review: ``"membersRemoved": null`` beside the members added had got 400, and the welcome was lost."""
    conversation_id = new_conversation_id()
    update = {**members_added(connector.url, conversation_id, [BOT]), "membersRemoved": None}
    assert await post(http, bot_url, update) == 201
    assert len(connector.messages_to(conversation_id)) == 1


async def test_an_activity_delivered_twice_is_answered_once(http, bot_url, connector):
    """An attack review: the same "more" posted twice (as the Bot Connector retries) was answered twice, the
    conversation moving on twice: "Actions 16-30 of 122", then "Actions 31-45"."""
    conversation_id = new_conversation_id()
    assert await post(http, bot_url, teams_message("what's due in 23/24?", connector.url, conversation_id)) == 201
    more = teams_message("more", connector.url, conversation_id)

    statuses = [await post(http, bot_url, more), await post(http, bot_url, more)]

    assert statuses == [201, 200]
    _listing, *rest = connector.messages_to(conversation_id)
    assert len(rest) == 1 and "Actions 16" in rest[0]["text"]
    assert await post(http, bot_url, teams_message("more", connector.url, conversation_id)) == 201  # a new "more" is answered
    assert "Actions 31" in connector.messages_to(conversation_id)[-1]["text"]


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
                write_json(self, {"jwks_uri": f"{server.url}/keys"} if self.path == "/openid" else keys)

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
    with served_in_a_thread(server.httpd):
        # botbuilder's documented switch for where channel tokens' keys are published.
        previous, ChannelValidation.open_id_metadata_endpoint = ChannelValidation.open_id_metadata_endpoint, f"{server.url}/openid"
        try:
            yield server
        finally:
            ChannelValidation.open_id_metadata_endpoint = previous


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


FORGED_TYPE = "message\r\n2025-03-03 09:30:00,000 INFO bot.teams.server: Sent an answer reply in a:1victim" + "x" * 5_000
OTHER_TENANT = "0e3f1a2b-0000-4000-8000-000000000666"


@pytest.mark.parametrize("refusal", ["bad-token", "other-tenant"])
async def test_an_activity_type_is_logged_on_one_line_and_cut_short(http, connector, settings, conversation, key_server, caplog, refusal):
    """An attack review: the 401's log line printed the activity's type as sent, so a type with a line break forged a
    line of the log ("... INFO bot.teams.server: Sent an answer reply ..."), and 5,000 characters went in whole."""
    conversation_id = new_conversation_id()
    if refusal == "bad-token":
        served = replace(settings, app_id=APP_ID, app_password="not-used")
        headers = {"Authorization": f"Bearer {key_server.token(kid='a-key-nobody-published')}"}
        activity = {**teams_message("help", connector.url, conversation_id), "type": FORGED_TYPE}
    else:
        served = replace(settings, allowed_tenants=frozenset({TENANT}))
        headers = {}
        activity = {**teams_message("help", connector.url, conversation_id, tenant=OTHER_TENANT), "type": FORGED_TYPE}

    with caplog.at_level(logging.INFO):
        async with serving(create_app(served, conversation)) as url:
            status = await post(http, url, activity, **headers)

    assert status == (401 if refusal == "bad-token" else 201)
    refused = [r.getMessage() for r in caplog.records if "Refused a" in r.getMessage()]
    assert len(refused) == 1
    assert "\n" not in refused[0] and "\r" not in refused[0]
    assert len(refused[0]) < 200
    assert connector.sent_to(conversation_id) == []


# -- one conversation's hung sends, on the connector every conversation uses ------------------------


async def test_a_conversation_whose_sends_hang_delays_no_other_conversation_on_the_same_connector(http, connector, settings, conversation):
    """Teams posts every conversation's replies to one host: a backlog in one conversation, or a few hung
    conversations, must leave the others their replies; one conversation's sends go one at a time, in order."""
    patient = replace(settings, teams_send_timeout_seconds=10.0)  # longer than the test: nothing here times out
    backlogged, *stalled = [new_conversation_id() for _ in range(6)]
    for conversation_id in (backlogged, *stalled):
        connector.hang(conversation_id)
    async with serving(create_app(patient, conversation)) as url:
        backlog = [teams_message("help", connector.url, backlogged) for _ in range(12)]
        waiting = [asyncio.create_task(post(http, url, activity)) for activity in backlog]
        waiting += [asyncio.create_task(post(http, url, teams_message("help", connector.url, c))) for c in stalled]
        await until(lambda: connector.in_flight[backlogged] and all(connector.in_flight[c] for c in stalled))

        healthy_id = new_conversation_id()
        healthy = asyncio.create_task(post(http, url, teams_message("help", connector.url, healthy_id)))
        done, _ = await asyncio.wait([healthy, *waiting], return_when=asyncio.FIRST_COMPLETED)
        answered_first = healthy in done and not any(task in done for task in waiting)

        for conversation_id in (backlogged, *stalled):
            connector.release(conversation_id)
        statuses = await asyncio.gather(*waiting)

    assert answered_first, "a healthy conversation waited on another's hung sends"
    assert healthy.result() == 201 and [is_the_help(m["text"]) for m in connector.messages_to(healthy_id)] == [True]
    assert set(statuses) <= {201, 202}  # 202: answered while it waited in line, its reply sent in its turn (below)
    assert connector.most_in_flight[backlogged] == 1  # one send at a time in a conversation
    sent = connector.sent_to(backlogged)
    for activity in backlog:  # every message answered, its typing indicator before its reply
        assert [p.activity["type"] for p in sent if p.reply_to_id == activity["id"]] == ["typing", "message"]


async def test_messages_behind_a_held_reply_get_their_posts_answered_in_time_and_their_replies_in_order_once(
    http, connector, settings, conversation
):
    """Suspected, and so: each POST was answered once its reply was sent, and a conversation's messages are answered one
    at a time, so two "more"s behind a listing whose reply the connector held waited out the whole hold (their typing
    indicators queued behind the held reply), past the 15 s after which the Bot Connector delivers a POST again. A
    message waiting in line gets 202 and its reply in its turn; delivered again meanwhile, it is not answered twice."""
    conversation_id = new_conversation_id()
    listing = teams_message("what's due in 23/24?", connector.url, conversation_id)
    mores = [teams_message("more", connector.url, conversation_id) for _ in range(2)]
    connector.hang(conversation_id, "message")  # the replies are held; typing indicators pass
    try:
        async with serving(create_app(replace(settings, teams_send_timeout_seconds=60.0), conversation)) as url:  # no send gives up
            listed = asyncio.create_task(post(http, url, listing))
            await until(lambda: connector.in_flight[conversation_id])  # the listing's reply is held, its turn not over
            in_line = await asyncio.wait_for(asyncio.gather(*(post(http, url, more) for more in mores)), CONNECTOR_PATIENCE)
            again = await asyncio.wait_for(post(http, url, mores[0]), CONNECTOR_PATIENCE)
            connector.release(conversation_id)
            statuses = [await listed, *in_line, again]
    finally:
        if conversation_id in connector.hanging:
            connector.release(conversation_id)

    # The server stopped once what was in line was answered.
    assert statuses == [201, 202, 202, 202]
    shown = connector.messages_to(conversation_id)
    assert len(shown) == 3 and "68 actions" in shown[0]["text"], shown
    assert "Actions 16" in shown[1]["text"] and "Actions 31" in shown[2]["text"]
    sent = connector.sent_to(conversation_id)
    for activity in (listing, *mores):  # each answered once, its typing indicator before its reply
        assert [p.activity["type"] for p in sent if p.reply_to_id == activity["id"]] == ["typing", "message"]


async def test_a_message_not_yet_in_its_turn_as_the_server_stops_gets_503_to_be_delivered_again(http, connector, settings, conversation):
    """A review: a message whose handler was still reading its activity when the server began stopping got 202 once it
    had waited in line, and its turn, started after the drain had looked at the turns running, was cut off: never
    answered. It is to get 503 with Retry-After, so that the Bot Connector delivers it again (to a replica not stopping)."""
    conversation_id = new_conversation_id()
    first = teams_message("help", connector.url, conversation_id)
    second = teams_message("what's due in 23/24?", connector.url, conversation_id)
    app = create_app(replace(settings, teams_send_timeout_seconds=60.0), conversation)  # no send gives up
    reading = threading.Event()  # the app's reading threads are held until the server begins stopping

    async def began_stopping(_app: web.Application) -> None:
        reading.set()

    app.on_shutdown.insert(0, began_stopping)  # before the server's own drain
    connector.hang(conversation_id, "message")  # the first reply is held, so the drain has a turn to wait for
    try:
        async with serving(app) as url:
            answered = asyncio.create_task(post(http, url, first))
            await until(lambda: connector.in_flight[conversation_id])
            held = [app[READS].submit(reading.wait) for _ in range(READ_THREADS)]
            late = asyncio.create_task(post(http, url, second))
            await asyncio.sleep(0.5)  # its body read, its handler waits for a reading thread
            late.add_done_callback(lambda _: connector.release(conversation_id))  # then the first reply, and the drain, end
        status = await late
    finally:
        reading.set()
        if conversation_id in connector.hanging:
            connector.release(conversation_id)

    assert all(f.done() for f in held) and await answered == 201
    assert status == 503
    assert [p for p in connector.sent_to(conversation_id) if p.reply_to_id == second["id"]] == []  # no turn of it began


# -- replicas behind one endpoint, sharing conversations through Redis ------------------------------


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@asynccontextmanager
async def replicas(
    settings: Settings, service: AnsweringService, redis_url: str, **deliveries: float
) -> AsyncIterator[tuple[str, str, RedisStore]]:
    """Two bot apps sharing one Redis, as two replicas behind one Bot Framework endpoint: their URLs, and one's store.
    Their locks expire a second after their last renewal, so a turn held longer than that is held by renewals. Their
    records of delivered activities are ``SharedDeliveries(**deliveries)`` when given (a short lease, a short wait)."""
    stores = [RedisStore(redis_url), RedisStore(redis_url)]
    apps = [create_app(settings, Conversation(service, store, RedisLocks(store.connection, ttl=1.0))) for store in stores]
    if deliveries:
        for app, store in zip(apps, stores, strict=True):
            app[DELIVERED] = SharedDeliveries(store.connection, **deliveries)
    try:
        async with serving(apps[0]) as first, serving(apps[1]) as second:
            yield first, second, stores[0]
    finally:
        for store in stores:
            await store.close()


async def test_more_sent_to_another_replica_while_the_listing_is_sent_continues_the_listing(http, settings, service, redis_url):
    """Issue 16: behind one endpoint, "more" reached a second replica while the first was still sending the listing's
    reply; it read the conversation before the listing was kept, and had nothing to continue."""
    conversation_id = new_conversation_id()
    patient = replace(settings, teams_send_timeout_seconds=60.0)  # longer than the test: no send gives up
    async with Connector().running() as holding, Connector().running() as connector, replicas(patient, service, redis_url) as (first, second, store):
        holding.hang(conversation_id, "message")
        try:
            listed = asyncio.create_task(post(http, first, teams_message("what's due in 23/24?", holding.url, conversation_id)))
            await until(lambda: holding.in_flight[conversation_id])  # the listing's reply is at the connector, its turn not kept
            locked = {key: await store.redis.get(key) for key in await store.redis.keys("ics-bot:lock:*")}
            more = await asyncio.wait_for(post(http, second, teams_message("more", connector.url, conversation_id)), CONNECTOR_PATIENCE)
            holding.release(conversation_id)
            await until(lambda: connector.messages_to(conversation_id))
        finally:
            if conversation_id in holding.hanging:
                holding.release(conversation_id)
        statuses = (await listed, more)

    shown = connector.messages_to(conversation_id)
    assert len(shown) == 1 and "Actions 16" in shown[0]["text"], shown
    assert statuses == (201, 202)  # "more" waited in line at the second replica
    # The lock is the conversation's key and a token: nothing the user wrote.
    assert list(locked) == [f"ics-bot:lock:teams:{conversation_id}".encode()]
    assert re.fullmatch(rb"[0-9a-f]{32}", next(iter(locked.values())))


async def test_a_retry_at_another_replica_of_a_message_still_being_answered_is_not_answered_again(http, settings, service, redis_url):
    """A review: the Bot Connector delivers a POST again when it has waited ~15 s for its answer, perhaps to another
    replica, which did not know the activity (``SEEN`` is per process): it waited for the conversation's lock, then
    answered "more" a second time, the listing moved on two pages. The other replica finds the activity recorded in
    Redis: while the first delivery's outcome is unknown the retry gets 503 (delivered again later), once it is answered
    200; the record names the activity, never what it says."""
    conversation_id = new_conversation_id()
    patient = replace(settings, teams_send_timeout_seconds=60.0)  # no send gives up
    async with Connector().running() as connector, replicas(patient, service, redis_url) as (first, second, store):
        assert await post(http, first, teams_message("what's due in 23/24?", connector.url, conversation_id)) == 201
        more = teams_message("more", connector.url, conversation_id)
        connector.hang(conversation_id, "message")  # the reply to "more" is held: its first delivery is still answered
        try:
            original = asyncio.create_task(post(http, first, more))
            await until(lambda: connector.in_flight[conversation_id])
            while_held = await asyncio.wait_for(post(http, second, more), CONNECTOR_PATIENCE)
        finally:
            connector.release(conversation_id)
        statuses = (await original, while_held, await post(http, second, more))
        records = {key: await store.redis.get(key) for key in await store.redis.keys(f"ics-bot:activity:*{conversation_id}*")}

    assert statuses == (201, 503, 200)
    replies = [p.activity["text"] for p in connector.sent_to(conversation_id) if p.reply_to_id == more["id"] and p.activity["type"] == "message"]
    assert len(replies) == 1 and "Actions 16" in replies[0], replies
    assert records.get(f"ics-bot:activity:{conversation_id}:message:{more['id']}".encode()) == b"answered"
    assert set(records.values()) == {b"answered"}  # the listing's too: a state, nothing the user wrote


async def test_a_retry_at_another_replica_of_a_turn_longer_than_its_lease_is_not_answered_again(http, settings, service, redis_url):
    """A re-review: "taken" was a lease not renewed, so a turn running longer than it (a slow send, a long briefing) let
    it lapse, and a delivery again at another replica was answered a second time ("more" moved two pages). The replica
    answering renews the lease while its turn runs: the retry gets 503, and the connector one reply."""
    conversation_id = new_conversation_id()
    patient = replace(settings, teams_send_timeout_seconds=60.0)  # no send gives up
    lease = 0.6
    async with Connector().running() as connector, replicas(patient, service, redis_url, wait=0.2, taken_seconds=lease) as (first, second, store):
        assert await post(http, first, teams_message("what's due in 23/24?", connector.url, conversation_id)) == 201
        more = teams_message("more", connector.url, conversation_id)
        record = f"ics-bot:activity:{conversation_id}:message:{more['id']}"
        connector.hang(conversation_id, "message")  # the reply to "more" is held: its turn outlasts the lease
        try:
            original = asyncio.create_task(post(http, first, more))
            await until(lambda: connector.in_flight[conversation_id])
            await asyncio.sleep(2.5 * lease)  # time passing is what is tested: past two leases
            while_held = await asyncio.wait_for(post(http, second, more), CONNECTOR_PATIENCE)
            still = await store.redis.get(record)
        finally:
            connector.release(conversation_id)
        statuses = (await original, while_held, await post(http, second, more))
        answered_ttl = await store.redis.pttl(record)

    assert statuses == (201, 503, 200)
    assert still.startswith(b"taken:")  # renewed: past two leases, still being answered
    replies = [p.activity["text"] for p in connector.sent_to(conversation_id) if p.reply_to_id == more["id"] and p.activity["type"] == "message"]
    assert len(replies) == 1 and "Actions 16" in replies[0], replies
    assert answered_ttl > 0.5 * 3_600_000  # answered: kept the hour, no longer the lease


async def test_conversations_at_replicas_sharing_redis_never_wait_for_each_other(http, settings, service, redis_url):
    """The shared lock is a conversation's: while one conversation's reply is held at the connector, another conversation
    is answered at once at either replica, not after waiting in line (202)."""
    held_id, other_id = new_conversation_id(), new_conversation_id()
    patient = replace(settings, teams_send_timeout_seconds=60.0)
    async with Connector().running() as connector, replicas(patient, service, redis_url) as (first, second, _store):
        connector.hang(held_id, "message")
        try:
            listed = asyncio.create_task(post(http, first, teams_message("what's due in 23/24?", connector.url, held_id)))
            await until(lambda: connector.in_flight[held_id])
            others = [
                await asyncio.wait_for(post(http, url, teams_message("help", connector.url, other_id)), CONNECTOR_PATIENCE)
                for url in (first, second)
            ]
            still_held = not listed.done()
        finally:
            connector.release(held_id)
        assert await listed == 201

    assert still_held and others == [201, 201]
    assert [is_the_help(m["text"]) for m in connector.messages_to(other_id)] == [True, True]


async def until(condition, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


# -- malformed parts of activities a user could send ------------------------------------------------


def invoke(conversation_id: str, service_url: str, name: str, value: object) -> dict:
    return {**teams_message("", service_url, conversation_id), "type": "invoke", "name": name, "value": value}


CONTEXT = {"briefing": "net zero"}


def upload_info(upload_url: str) -> dict:
    return {"name": "b.docx", "uploadUrl": upload_url, "contentUrl": "c", "uniqueId": "u", "fileType": "docx"}


@pytest.mark.parametrize(
    ("name", "value", "status"),
    [
        ("message/submitAction", {"actionName": "feedback", "actionValue": "x"}, 400),
        ("message/submitAction", {"actionName": "feedback", "actionValue": [1]}, 400),
        ("message/submitAction", {"actionName": "feedback", "actionValue": {"reaction": "love"}}, 400),
        ("fileConsent/invoke", {"action": "accept", "context": CONTEXT, "uploadInfo": upload_info("http://[::1")}, 400),
        ("fileConsent/invoke", {"action": "accept", "context": CONTEXT, "uploadInfo": upload_info("http://127.0.0.1:99999/x")}, 400),
        ("fileConsent/invoke", {"action": "accept", "context": CONTEXT, "uploadInfo": upload_info("http://exa mple.com/x")}, 400),
        ("fileConsent/invoke", {"action": "accept", "context": {"briefing": "water " * 200}, "uploadInfo": upload_info("http://127.0.0.1:9/x")}, 400),
        # Invokes the bot does not handle: an adaptive card action with no value had got a 500, a sign-in token
        # exchange a traceback (an attack review).
        ("adaptiveCard/action", None, 501),
        ("adaptiveCard/action", {}, 501),
        ("adaptiveCard/action", "x", 501),
        ("signin/tokenExchange", {}, 501),
        ("signin/verifyState", {"state": "1"}, 501),
        ("composeExtension/query", {}, 501),
    ],
    ids=["feedback-string", "feedback-list", "feedback-unknown-reaction", "upload-broken-ipv6", "upload-port-out-of-range",
         "upload-space-in-host", "remake-topic-too-long", "card-action-no-value", "card-action-empty", "card-action-string",
         "token-exchange", "verify-state", "compose-extension"],
)
async def test_malformed_or_unhandled_invokes_get_400_or_501_without_a_traceback(http, bot_url, connector, caplog, name, value, status):
    conversation_id = new_conversation_id()
    with caplog.at_level(logging.INFO):
        answered = await post(http, bot_url, invoke(conversation_id, connector.url, name, value))

    assert answered == status
    assert connector.sent_to(conversation_id) == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_feedback_on_a_reply_id_longer_than_any_message_id_gets_400_and_is_not_recorded(http, bot_url, connector, settings, caplog):
    """An attack review: a 100,000-character replyToId was written to the feedback log whole."""
    before = settings.feedback_file.read_text() if settings.feedback_file.exists() else ""
    with caplog.at_level(logging.INFO):
        status = await post(http, bot_url, feedback_invoke(connector.url, new_conversation_id(), "x" * 100_000, "like", ""))

    assert status == 400
    assert (settings.feedback_file.read_text() if settings.feedback_file.exists() else "") == before
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "entities",
    [
        [{"type": "mention", "mentioned": "x"}],
        [{"type": "mention", "mentioned": {"id": "28:ics-knowledge-bot"}, "text": 5}],
        [{"type": "mention", "mentioned": {"id": "28:ics-knowledge-bot", "name": 5}}],
        [{"type": "mention"}],
    ],
    ids=["mentioned-string", "text-number", "name-number", "nothing-mentioned"],
)
async def test_a_malformed_mention_is_ignored_and_the_message_answered(http, bot_url, connector, caplog, entities):
    conversation_id = new_conversation_id()
    with caplog.at_level(logging.INFO):
        status = await post(http, bot_url, teams_message("help", connector.url, conversation_id, entities=entities))

    assert status == 201
    assert [is_the_help(m["text"]) for m in connector.messages_to(conversation_id)] == [True]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize("channel_data", [{"tenant": "x"}, [1], "x", 5, {"team": "x"}], ids=["tenant-string", "list", "string", "number", "team-string"])
async def test_with_an_allow_list_a_teams_activity_whose_channel_data_is_malformed_gets_400_and_no_answer(
    http, connector, settings, conversation, caplog, channel_data
):
    """An attack review: with ALLOWED_TENANT_IDS set and no tenantId on the conversation, a channelData that is not as
    Teams writes it failed the turn, and the user was told "Sorry, something went wrong"."""
    conversation_id = new_conversation_id()
    message = {**teams_message("help", connector.url, conversation_id, tenant=None), "channelData": channel_data}
    with caplog.at_level(logging.INFO):
        async with serving(create_app(replace(settings, allowed_tenants=frozenset({TENANT})), conversation)) as url:
            status = await post(http, url, message)

    assert status == 400
    assert connector.sent_to(conversation_id) == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_with_an_allow_list_another_channel_whose_channel_data_names_no_tenant_gets_the_polite_refusal(
    http, connector, settings, conversation, caplog
):
    """Another channel's channelData may be anything: one that names no tenant is refused as from no allowed tenant."""
    conversation_id = new_conversation_id()
    message = {**teams_message("help", connector.url, conversation_id, tenant=None), "channelId": "emulator", "channelData": "x"}
    with caplog.at_level(logging.INFO):
        async with serving(create_app(replace(settings, allowed_tenants=frozenset({TENANT})), conversation)) as url:
            status = await post(http, url, message)

    assert status == 201
    assert [m["text"] for m in connector.messages_to(conversation_id)] == [NOT_ALLOWED]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_malformed_mention_in_a_channel_does_not_address_the_bot(http, bot_url, connector):
    conversation_id = new_conversation_id("19:general@thread.tacv2;messageid=")
    post_in_channel = channel_message("help", connector.url, conversation_id, mention_bot=False)
    post_in_channel["entities"] = [{"type": "mention", "mentioned": "x", "text": 5}]

    assert await post(http, bot_url, post_in_channel) == 201
    assert connector.sent_to(conversation_id) == []


# -- a slow key endpoint ------------------------------------------------------------------------------


class StalledKeyEndpoint:
    """login.botframework.com when it is down: requests wait until ``answer`` is set, then get 503."""

    def __init__(self) -> None:
        self.answer = threading.Event()
        self.requests = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                endpoint.requests += 1
                endpoint.answer.wait(10)
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


async def test_a_slow_key_endpoint_holds_up_no_other_request_and_gets_503(http, connector, settings, conversation, caplog):
    endpoint = StalledKeyEndpoint()
    thread = threading.Thread(target=endpoint.httpd.serve_forever, daemon=True)
    thread.start()
    keys = KeyServer()  # signs the token; its keys are never fetched
    previous, ChannelValidation.open_id_metadata_endpoint = ChannelValidation.open_id_metadata_endpoint, f"{endpoint.url}/openid"
    signed_only = replace(settings, app_id=APP_ID, app_password="not-used", teams_auth_timeout_seconds=2.0)
    question = teams_message("help", connector.url, new_conversation_id())
    headers = {"Authorization": f"Bearer {keys.token()}"}
    try:
        with caplog.at_level(logging.INFO):
            async with serving(create_app(signed_only, conversation)) as url:
                checking = asyncio.create_task(post(http, url, question, **headers))
                await until(lambda: endpoint.requests > 0)
                async with http.get(f"{url}/healthz") as response:
                    health = response.status
                answered_while_checking = not checking.done()
                stalled = await checking
                endpoint.answer.set()  # the key endpoint now answers at once, with 503
                failed = await post(http, url, question, **headers)
    finally:
        endpoint.answer.set()
        ChannelValidation.open_id_metadata_endpoint = previous
        endpoint.httpd.shutdown()
        endpoint.httpd.server_close()
        keys.httpd.server_close()

    assert health == 200 and answered_while_checking, "/healthz waited on the key endpoint"
    assert (stalled, failed) == (503, 503)
    assert connector.sent_to(question["conversation"]["id"]) == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


# -- the bot's own sign-in, for its replies -----------------------------------------------------------


@pytest.fixture
def sign_in(tmp_path, monkeypatch) -> Iterator[SignInProxy]:
    """login.microsoftonline.com behind an egress proxy on 127.0.0.1, the bot's HTTPS sent through it."""
    with SignInProxy(tmp_path).running() as proxy:
        for name, value in proxy.environment.items():
            monkeypatch.setenv(name, value)
        yield proxy


def signing(settings: Settings) -> Settings:
    """``settings`` with an app id and secret, so replies are signed with a token from Microsoft's sign-in."""
    return replace(settings, app_id=APP_ID, app_password="a-client-secret", teams_auth_timeout_seconds=SIGN_IN_TIMEOUT)


SIGN_IN_TIMEOUT = 2.0


async def test_replies_are_signed_with_one_token_however_many_turns(http, connector, settings, conversation, key_server, sign_in, caplog):
    """An attack review: botbuilder made a new credential, with an empty token cache, for each turn, so every turn
    asked Microsoft's sign-in for a token (and did so on the event loop)."""
    first, *rest = [new_conversation_id() for _ in range(6)]
    headers = {"Authorization": f"Bearer {key_server.token(serviceurl=connector.url)}"}
    with caplog.at_level(logging.INFO):
        async with serving(create_app(signing(settings), conversation)) as url:
            statuses = [await post(http, url, teams_message("help", connector.url, first), **headers)]
            statuses += await asyncio.gather(*[post(http, url, teams_message("help", connector.url, c), **headers) for c in rest])

    assert statuses == [201] * 6
    for conversation_id in (first, *rest):
        assert [is_the_help(m["text"]) for m in connector.messages_to(conversation_id)] == [True]
        assert {p.authorization for p in connector.sent_to(conversation_id)} == {f"Bearer {ACCESS_TOKEN}"}
    assert sign_in.tokens == 1
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_stalled_sign_in_holds_up_no_other_request_and_the_retried_activity_is_answered(
    http, connector, settings, conversation, key_server, sign_in, caplog
):
    """An attack review: a sign-in that never answered froze the server (``/healthz`` and even 401s waited on it)."""
    sign_in.mode = "stall"
    question = teams_message("help", connector.url, new_conversation_id())
    headers = {"Authorization": f"Bearer {key_server.token(serviceurl=connector.url)}"}
    with caplog.at_level(logging.INFO):
        async with serving(create_app(signing(settings), conversation)) as url:
            turn = asyncio.create_task(post(http, url, question, **headers))
            await until(lambda: sign_in.connects > 0)
            async with http.get(f"{url}/healthz") as response:
                health = response.status
            unsigned = await post(http, url, teams_message("help", connector.url, new_conversation_id()))
            answered_while_stalled = not turn.done()
            stalled = await turn
            sign_in.mode = "answer"
            retried = await post(http, url, question, **headers)  # the Bot Connector retries what got a 5xx

    assert answered_while_stalled, "/healthz and a 401 waited on Microsoft's sign-in"
    assert (health, unsigned) == (200, 401)
    assert (stalled, retried) == (503, 201)
    assert [is_the_help(m["text"]) for m in connector.messages_to(question["conversation"]["id"])] == [True]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert [r for r in caplog.records if "sign-in" in r.getMessage()]  # the operator is told why


async def test_a_refused_sign_in_gets_503_and_the_retried_activity_is_answered(
    http, connector, settings, conversation, key_server, sign_in, caplog
):
    """An attack review: a sign-in the proxy refused made the turn a 500 with a traceback, and the Bot Connector's
    retry of it a 200 "delivered again": the user's message was never answered."""
    sign_in.mode = "refuse"
    question = teams_message("help", connector.url, new_conversation_id())
    headers = {"Authorization": f"Bearer {key_server.token(serviceurl=connector.url)}"}
    with caplog.at_level(logging.INFO):
        async with serving(create_app(signing(settings), conversation)) as url:
            refused = await post(http, url, question, **headers)
            sign_in.mode = "answer"
            retried = await post(http, url, question, **headers)

    assert (refused, retried) == (503, 201)
    assert [is_the_help(m["text"]) for m in connector.messages_to(question["conversation"]["id"])] == [True]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_sign_in_that_refuses_the_secret_gets_503_and_a_log_line_naming_its_reason_not_the_secret(
    http, connector, settings, conversation, key_server, sign_in, caplog
):
    """A secret that has expired or was mistyped: the operator reads Microsoft's reason (AADSTS7000215) in one line, and
    the secret is in no line of the log. Before, the turn got a 500 with a traceback."""
    sign_in.mode = "reject"
    served = signing(settings)
    question = teams_message("help", connector.url, new_conversation_id())
    headers = {"Authorization": f"Bearer {key_server.token(serviceurl=connector.url)}"}
    with caplog.at_level(logging.DEBUG):
        async with serving(create_app(served, conversation)) as url:
            status = await post(http, url, question, **headers)

    assert status == 503
    assert connector.sent_to(question["conversation"]["id"]) == []
    assert [r for r in caplog.records if r.levelno == logging.WARNING and "AADSTS7000215" in r.getMessage()]
    assert not [r for r in caplog.records if served.app_password in r.getMessage()]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_reply_whose_sign_in_fails_keeps_no_turn_so_the_retry_shows_the_same_page(
    http, connector, settings, conversation, key_server, sign_in, caplog
):
    """A review: the turn was kept before its reply was sent, so when the reply's sign-in failed (the token reaching
    its refresh between the typing indicator and the reply) the Bot Connector's retry of "more" was read after it,
    and showed actions 31-45: 16-30 were never shown."""
    sign_in.expires_in = 60  # under MSAL's five minutes: every send asks for a token
    conversation_id = new_conversation_id()
    headers = {"Authorization": f"Bearer {key_server.token(serviceurl=connector.url)}"}
    more = teams_message("more", connector.url, conversation_id)
    with caplog.at_level(logging.INFO):
        async with serving(create_app(signing(settings), conversation)) as url:
            listed = await post(http, url, teams_message("what's due in 23/24?", connector.url, conversation_id), **headers)
            sign_in.token_budget = sign_in.tokens + 1  # the typing indicator is signed, the reply is not
            failed = await post(http, url, more, **headers)
            typing_signed = sign_in.tokens == sign_in.token_budget
            sign_in.token_budget = None
            retried = await post(http, url, more, **headers)

    assert (listed, failed, retried) == (201, 503, 201)
    assert typing_signed, "the failure was not the reply's sign-in"
    _listing, *rest = connector.messages_to(conversation_id)
    assert len(rest) == 1 and "Actions 16" in rest[0]["text"]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_retry_arriving_while_its_first_delivery_fails_to_sign_in_is_answered(
    http, connector, settings, conversation, key_server, sign_in, caplog
):
    """A review: a retry that came while the first delivery was still being answered got 200 "delivered again" at
    once; when the first then failed its sign-in (503), the message was never answered."""
    sign_in.mode = "stall"
    question = teams_message("help", connector.url, new_conversation_id())
    headers = {"Authorization": f"Bearer {key_server.token(serviceurl=connector.url)}"}
    with caplog.at_level(logging.INFO):
        async with serving(create_app(signing(settings), conversation)) as url:
            first = asyncio.create_task(post(http, url, question, **headers))
            await until(lambda: sign_in.connects > 0)
            retry = asyncio.create_task(post(http, url, question, **headers))
            await asyncio.sleep(0.3)
            retry_waited = not retry.done()
            sign_in.mode = "refuse"  # the stalled sign-in fails, then the first delivery's 503
            statuses = [await first]
            sign_in.mode = "answer"  # and the sign-in is back for the retry
            statuses.append(await retry)

    assert retry_waited, "the retry was not held while its first delivery was answered"
    assert statuses == [503, 201]
    assert [is_the_help(m["text"]) for m in connector.messages_to(question["conversation"]["id"])] == [True]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_retry_arriving_while_its_first_delivery_is_answered_is_not_answered_again(http, bot_url, connector):
    """The retry waits for the first delivery and, that answered, gets 200 without a second answer."""
    conversation_id = new_conversation_id()
    assert await post(http, bot_url, teams_message("what's due in 23/24?", connector.url, conversation_id)) == 201
    more = teams_message("more", connector.url, conversation_id)

    statuses = await asyncio.gather(post(http, bot_url, more), post(http, bot_url, more))

    assert sorted(statuses) == [200, 201]
    _listing, *rest = connector.messages_to(conversation_id)
    assert len(rest) == 1 and "Actions 16" in rest[0]["text"]


def signing_as_managed_identity(settings: Settings, identity: IdentityEndpoint, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """``settings`` whose replies are signed with a token from the host's managed identity endpoint ``identity``
    (MicrosoftAppType UserAssignedMSI), its variables set and botbuilder's token cache, shared by every such app, empty."""
    for name, value in identity.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(ManagedIdentityAppCredentials, "global_token_cache", TokenCache())
    return replace(settings, app_id=APP_ID, app_password="", app_type="UserAssignedMSI", app_tenant_id="a-tenant",
                   teams_auth_timeout_seconds=SIGN_IN_TIMEOUT)


# Left: MSAL asks Service Fabric's endpoint with a requests session it makes itself, copying the given session's headers,
# proxies and retries but not its timeout (msal.managed_identity._create_service_fabric_http_client), and offers no hook
# for one: a hung endpoint holds the app's sign-in until it answers or drops the connection.
SERVICE_FABRIC_HANGS = pytest.mark.xfail(strict=True, reason="MSAL asks Service Fabric's identity endpoint without a timeout")


@pytest.mark.parametrize("host", ["app-service", pytest.param("service-fabric", marks=SERVICE_FABRIC_HANGS)])
async def test_a_hung_managed_identity_endpoint_frees_its_sign_in_so_the_retry_is_answered(
    http, connector, settings, conversation, key_server, monkeypatch, caplog, tmp_path, host
):
    """A review: a managed identity (MicrosoftAppType UserAssignedMSI) asked its host's endpoint with no timeout, so one
    that hung held the app's sign-in for good and every later turn got 503, even once the endpoint answered again."""
    identity = IdentityEndpoint(service_fabric=tmp_path if host == "service-fabric" else None)
    served = signing_as_managed_identity(settings, identity, monkeypatch)
    question = teams_message("help", connector.url, new_conversation_id())
    headers = {"Authorization": f"Bearer {key_server.token(serviceurl=connector.url)}"}
    with identity.running(), caplog.at_level(logging.INFO):
        async with serving(create_app(served, conversation)) as url:
            identity.mode = "stall"
            hung = await post(http, url, question, **headers)
            identity.mode = "answer"
            retried = await post(http, url, question, **headers)

    assert (hung, retried) == (503, 201)
    assert [is_the_help(m["text"]) for m in connector.messages_to(question["conversation"]["id"])] == [True]
    assert {p.authorization for p in connector.sent_to(question["conversation"]["id"])} == {f"Bearer {ACCESS_TOKEN}"}
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_on_service_fabric_replies_are_signed_with_the_managed_identitys_token(
    http, connector, settings, conversation, key_server, monkeypatch, tmp_path
):
    """The stand-in Service Fabric endpoint answers as the host's does, so the hung one above fails for the hang alone."""
    identity = IdentityEndpoint(service_fabric=tmp_path)
    served = signing_as_managed_identity(settings, identity, monkeypatch)
    question = teams_message("help", connector.url, new_conversation_id())
    headers = {"Authorization": f"Bearer {key_server.token(serviceurl=connector.url)}"}
    with identity.running():
        async with serving(create_app(served, conversation)) as url:
            status = await post(http, url, question, **headers)

    assert status == 201
    assert {p.authorization for p in connector.sent_to(question["conversation"]["id"])} == {f"Bearer {ACCESS_TOKEN}"}
    assert identity.tokens == 1


class LateConnector(Connector):
    """A Bot Connector that shows a conversation's message at once and confirms it to the bot ``delay`` s later."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.late: set[str] = set()

    async def _receive(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation_id"]
        activity = await request.json()
        if activity.get("type") == "message" and conversation_id in self.late:
            self.late.discard(conversation_id)
            posted = Posted(conversation_id, request.match_info.get("reply_to_id"), activity, "late-reply", None)
            self.posted.append(posted)
            await asyncio.sleep(self.delay)
            return web.json_response({"id": posted.id})
        return await super()._receive(request)


async def test_a_reply_shown_but_confirmed_after_the_send_timeout_keeps_its_turn(http, settings, conversation):
    """A review: a listing the connector showed but confirmed after the send timeout was forgotten (the request is
    answered, so nothing retries it), and "more" after it had nothing to continue."""
    conversation_id = new_conversation_id()
    async with LateConnector(delay=1.5).running() as connector:
        connector.late.add(conversation_id)
        async with serving(create_app(replace(settings, teams_send_timeout_seconds=1.0), conversation)) as url:
            listed = await post(http, url, teams_message("what's due in 23/24?", connector.url, conversation_id))
            more = await post(http, url, teams_message("more", connector.url, conversation_id))

    assert (listed, more) == (201, 201)
    _listing, shown = connector.messages_to(conversation_id)
    assert "Actions 16" in shown["text"]


class OneSendConnector:
    """A Bot Connector that takes one send (the typing indicator), then stops listening: the reply's connection is
    refused, so the reply surely was not shown."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a connector may listen on its port again
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        connection, _ = self.server.accept()
        self.server.close()  # no more connections: the next send is refused
        with connection:
            data = b""
            while b"\r\n\r\n" not in data:
                data += connection.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
            while len(body) < length:
                body += connection.recv(65536)
            self.received.append(body)
            answer = b'{"id": "typing-1"}'
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                               + str(len(answer)).encode() + b"\r\n\r\n" + answer)


async def test_a_reply_whose_connection_was_refused_keeps_no_turn(http, settings, conversation, connector):
    """A re-review: a reply whose connection the connector refused (so never shown) kept its turn as one the connector
    had not confirmed in time does, and "more" asked again showed actions 31-45: 16-30 were never shown. (The send
    timeout is the default's order: the connection's retries, about 5 s, end within it; for refusals still being
    retried when it ends, the test below.)"""
    conversation_id = new_conversation_id()
    async with serving(create_app(replace(settings, teams_send_timeout_seconds=12.0), conversation)) as url:
        listed = await post(http, url, teams_message("what's due in 23/24?", connector.url, conversation_id))
        gone = OneSendConnector()
        refused = await post(http, url, teams_message("more", gone.url, conversation_id))
        more = await post(http, url, teams_message("more", connector.url, conversation_id))

    assert (listed, refused, more) == (201, 201, 201)
    assert len(gone.received) == 1 and b'"typing"' in gone.received[0]  # only the typing indicator got through
    _listing, shown = connector.messages_to(conversation_id)
    assert "Actions 16" in shown["text"]


async def test_a_reply_whose_connection_was_still_being_refused_at_the_send_timeout_keeps_no_turn_nor_comes_late(
    http, settings, conversation, connector
):
    """A review: urllib3 retries a refused connection (four tries over about 5 s), and a send whose tries were still
    being refused when the send timeout ended was taken as one the connector had not confirmed in time: its turn was
    kept, and "more" asked again once the connector was back showed actions 31-45 (16-30 were never shown). Nor may a
    try left after the timeout deliver the reply late, once the connector is back: the user would see 16-30 twice."""
    conversation_id = new_conversation_id()
    async with serving(create_app(replace(settings, teams_send_timeout_seconds=2.0), conversation)) as url:
        listed = await post(http, url, teams_message("what's due in 23/24?", connector.url, conversation_id))
        gone = OneSendConnector()
        refused = await post(http, url, teams_message("more", gone.url, conversation_id))  # refused for 3 s of 5
        async with Connector().running(port=int(gone.url.rsplit(":", 1)[1])) as back:
            more = await post(http, url, teams_message("more", back.url, conversation_id))
            await asyncio.sleep(3)  # past the refused send's last try

    assert (listed, refused, more) == (201, 201, 201)
    assert len(gone.received) == 1 and b'"typing"' in gone.received[0]  # only the typing indicator got through
    (shown,) = back.messages_to(conversation_id)
    assert "Actions 16" in shown["text"]
