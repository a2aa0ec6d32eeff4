"""The Bot Framework endpoint: ``POST /api/messages``, plus ``/healthz`` and ``/readyz``.

Each request is checked (a well-formed activity, else 400), then authenticated
with botbuilder (with an app id set, a request without a valid Bot Framework
token gets 401 and never reaches the bot; botbuilder fetches Microsoft's signing
keys with a blocking ``requests.get`` and no timeout, so this runs in threads of
its own, within ``TEAMS_AUTH_TIMEOUT_SECONDS``: a slow key endpoint gets 503 and
stalls no other request), then run by botbuilder's
``CloudAdapter``, which posts replies back to the activity's ``serviceUrl``
(through ``sends.ConnectorSends``, so one silent connector delays no one else),
signed with a token got off the event loop (``signin``: a sign-in that fails or
does not answer in time gets 503, and the retry is answered). The knowledge
base and model load once, before the server starts; answering runs in worker
threads (``Conversation.respond``) so many conversations are served at once.

When the POST is answered. The Bot Connector waits about 15 s for the answer
to its POST, then gives up and delivers the activity again, perhaps to another
replica. A turn's replies go back on calls of their own, not in the POST's
answer, so the POST is answered once the turn has run: 201, or 503 when the
bot could not sign in to reply, so that the connector's retry is answered. But
a conversation's messages are answered one at a time (``bot.teams.bot``), and a
message sent behind others ("more" twice after a listing, a second question
before the first's answer) waited for each of them, past the connector's 15 s.
So a message still waiting for its conversation after ``WAIT_IN_LINE_SECONDS``
(``bot.teams.bot``) gets 202 at once and waits on in this process (``TURNS``):
the user sees every reply once, in the order the messages came, each as soon
as the ones before it were sent, and no message is delivered again to be
answered twice (by another replica) or out of order. The price: should the
bot's sign-in fail for such a message's reply, that is logged and not retried
(nothing will deliver the message again), where a message answered in time
gets 503. An apology asking the user to send it again was not chosen: it loses
the message the user already sent. A delivery again of an activity still being
answered waits for its outcome, as before, or gets 202 too once the first waits
in line. With the Redis store a delivery again may reach another replica,
which knows the activity from its record in Redis (``bot.teams.delivered``):
it gets 200 once the first delivery is answered, 202 once it waits in line,
and 503 while the first's outcome is unknown, so that it is delivered again
later, never answered twice nor lost. A stopping server answers what is in line first, for up to
``DRAIN_SECONDS``; a message whose turn has not started by the time it begins
stopping (its POST still being read or its token checked) gets 503 with
Retry-After, so that the Bot Connector delivers it again, likely to another
replica, rather than 202 for a turn the stopping server would cut short.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import logging
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError
from botbuilder.core import InvokeResponse, TurnContext, serializer_helper
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity, ActivityTypes
from botbuilder.schema.teams import TeamsChannelData
from botframework.connector.auth import AuthenticateRequestResult
from msrest.exceptions import ClientRequestError, DeserializationError, HttpOperationError

from bot.conversation import Conversation
from bot.lru import LRUCache
from bot.runtime import load_conversation, watching
from bot.teams.bot import IN_LINE, KnowledgeBot, logged
from bot.teams.delivered import SharedDeliveries, deliveries_for
from bot.teams.feedback import FeedbackLog
from bot.teams.render import TEAMS_CHANNEL
from bot.teams.sends import ConnectorSends, ConnectorUnreachable
from bot.teams.signin import KeptCredentials, SignInUnavailable
from index.config import Settings

logger = logging.getLogger(__name__)

# What a send raises when the Bot Connector answers it with an error, or cannot be reached.
CONNECTOR_REFUSALS = (HttpOperationError, DeserializationError, ClientRequestError)
ADAPTER = web.AppKey("adapter", CloudAdapter)
BOT = web.AppKey("bot", KnowledgeBot)
CONVERSATION = web.AppKey("conversation", Conversation)
SENDS = web.AppKey("sends", ConnectorSends)
# Activities already taken, by conversation, kind and id, each a ``Delivery``, so one delivered again is not answered
# again. Set by hand: far more than the Bot Connector's retries span (seconds), in a few megabytes at most.
SEEN_ACTIVITIES = 10_000
SEEN = web.AppKey("seen", LRUCache)
# The replicas' record of the activities delivered to any of them, with the Redis store; None with the store in memory.
DELIVERED: web.AppKey[SharedDeliveries | None] = web.AppKey("delivered")
# The turns being run, kept here so that one whose POST was answered while its message waited in line runs on.
TURNS: web.AppKey[set[asyncio.Task[InvokeResponse | None]]] = web.AppKey("turns")
# How long a stopping server waits for messages answered 202 and still in line. Set by hand: each turn ahead of them is
# bounded by the send timeout once worked out, so a short line ends well within it; a deploy's stop waits no longer.
DRAIN_SECONDS = 30.0
# Set once the server begins stopping (``_drain``): from then on a message whose turn has not started gets 503.
STOPPING = web.AppKey("stopping", asyncio.Event)
CREDENTIALS = web.AppKey("credentials", KeptCredentials)
# Threads validating tokens (botbuilder may block one on Microsoft's key endpoint). Set by hand: keys are
# cached for a day, so validation is quick CPU work but for the rare refresh; a few threads are ample.
AUTH_THREADS = 4
# Threads reading activities (JSON into botbuilder's Activity: CPU work, seconds for a megabyte of small entities). Set
# by hand: the machine's two cores.
READ_THREADS = 2
READS = web.AppKey("reads", ThreadPoolExecutor)
# Items in any one list of an activity (entities, attachments, members added). Set by hand: Teams sends a few mentions, a
# member update lists the members added; 65,000 entities took 1.7 s to read.
MAX_LIST_ITEMS = 1_000
# What of an activity checking its token needs (botbuilder reads its channel and serviceUrl, and in Emulator mode its
# recipient and relatesTo), and the log lines about it its type.
ADDRESSING = ("type", "channelId", "serviceUrl", "recipient", "relatesTo")


@dataclass(frozen=True)
class Delivery:
    """An activity taken (``SEEN``): the outcome of its turn to come (True: answered; False: not, so a delivery again is
    answered), and whether its message waits in line, its POST answered 202 (``bot.teams.bot.IN_LINE``)."""

    # True once the turn ran; False when it did not finish (it failed, could not sign in to reply, or the server
    # stopped first): the activity was then forgotten, and a delivery again waiting for this one is answered itself.
    answered: asyncio.Future[bool]
    in_line: asyncio.Event


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
    config = AuthConfig.from_settings(settings)
    # botbuilder's credentials, each made once (their token cache reused) and signing sends off the event loop.
    credentials = KeptCredentials(ConfigurationServiceClientCredentialFactory(config), settings.teams_auth_timeout_seconds)
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config, credentials_factory=credentials))
    adapter.on_turn_error = apologise
    app = web.Application()
    app[ADAPTER] = adapter
    app[CREDENTIALS] = credentials
    app[BOT] = KnowledgeBot(conversation, settings, FeedbackLog(settings.feedback_file, settings.feedback_keeps_text))
    app[CONVERSATION] = conversation
    app[SENDS] = ConnectorSends(timeout=settings.teams_send_timeout_seconds)
    app[SEEN] = LRUCache(SEEN_ACTIVITIES)
    app[DELIVERED] = deliveries_for(conversation.store)
    app[TURNS] = set()
    app[STOPPING] = asyncio.Event()
    app[READS] = ThreadPoolExecutor(max_workers=READ_THREADS, thread_name_prefix="activity-read")
    app[AUTH] = TokenChecks(settings.teams_auth_timeout_seconds)
    app.on_shutdown.append(_drain)
    app.on_cleanup.append(_stop_threads)
    app.cleanup_ctx.append(lambda app: _watching(app, settings.kb_watch_seconds))
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


async def messages(request: web.Request) -> web.StreamResponse:
    """Check the request has a token, read the activity, check the token, and only then run the turn.

    botbuilder's ``CloudAdapter.process`` does the same steps, but lets some
    bad requests and tokens escape as 500s with a traceback in the log; here
    each check answers with its own status and a one-line reason. Reading an
    activity is CPU work (a megabyte of JSON, tens of thousands of entities, took
    seconds), so it runs on threads of its own, and no more of it is done than
    the token needs until the token has been checked.
    """
    if request.app[BOT].settings.app_id and not _is_bearer(request.headers.get("Authorization", "")):
        # botbuilder refuses these too, but only once the activity was read: 65,000 entities held the event loop 1.7 s.
        logger.warning("Refused an activity without a Bearer token")
        raise web.HTTPUnauthorized()
    body = await require_body(request)
    reads = request.app[READS]
    loop = asyncio.get_running_loop()
    parsed, addressed = await loop.run_in_executor(reads, read_activity, body, request.charset)
    authenticated = await authenticate(request, addressed)
    activity = await loop.run_in_executor(reads, deserialize_activity, parsed)
    seen = request.app[SEEN]
    key = _key(activity)
    while key and (earlier := seen.get(key)) is not None:
        # The Bot Connector retries an activity it thinks was lost: answering it again moved a conversation on twice
        # ("more" gave actions 16-30, then 31-45: an attack review). A retry that comes while the first delivery is
        # still being answered waits for its outcome: when that fails (the bot could not sign in to send), the retry
        # is answered, not dropped (a review: the message had gone unanswered). Not once the first waits in line: it
        # will be answered (see the module's docstring).
        await _until_done_or_set(earlier.answered, earlier.in_line)
        if not earlier.answered.done():
            logger.info("A %r activity delivered again is waiting in line to be answered", logged(activity.type))
            return web.Response(status=202)
        if earlier.answered.result():
            logger.info("Ignored a %r activity delivered again", logged(activity.type))
            return web.Response(status=200)
    shared = request.app[DELIVERED]
    if key and shared is not None and (status := await shared.take(key)) is not None:
        return _delivered_elsewhere(activity, status)
    if request.app[STOPPING].is_set():  # checked with no await before the turn starts, so the drain sees every turn
        if key and shared is not None:
            await shared.forget(key)  # taken above: a delivery again elsewhere is to be answered
        logger.info("A %r activity came as the server was stopping: 503, for the Bot Connector to deliver it again", logged(activity.type))
        raise _restarting()
    delivery = Delivery(loop.create_future(), asyncio.Event())
    if key:
        seen.put(key, delivery)  # now, so that a retry arriving while this turn runs waits for it (above)
    turn = _start_turn(request.app, authenticated, activity, key, delivery)
    try:
        await _until_done_or_set(turn, delivery.in_line)
    finally:
        if not turn.done():  # its POST is answered (below, or the request was dropped) before it ends
            turn.add_done_callback(_log_unheard_failure)
    if not turn.done():
        if key and shared is not None:
            await shared.in_line(key)
        logger.info("A message waits in line behind its conversation's earlier ones: its POST is answered, its reply follows")
        return web.Response(status=202)
    if turn.cancelled():
        # Cut off by the drain as the server stopped (a re-review: its POST's connection was dropped, with no status and
        # no log line): 503, for the Bot Connector to deliver it again.
        logger.warning("A %r activity's turn was cut off as the server stopped: 503, for the Bot Connector to deliver it again", logged(activity.type))
        raise _restarting()
    try:
        invoke_response = turn.result()
    except SignInUnavailable as error:
        # The turn's send needed the token, so its reply was not sent and (for a message) its turn not kept: the Bot
        # Connector's retry is to be answered, not ignored as delivered again (``_run_turn`` forgot the activity).
        logger.warning("Could not answer a %r activity: the bot's sign-in for its replies failed (%s)", logged(activity.type), error)
        raise web.HTTPServiceUnavailable(text="The bot could not sign in to reply just now; try again.", headers={"Retry-After": "5"}) from None
    if invoke_response:
        return web.json_response(data=serializer_helper(invoke_response.body), status=invoke_response.status)
    return web.Response(status=201)


def _restarting() -> web.HTTPServiceUnavailable:
    """503 for an activity the stopping server will not answer, for the Bot Connector to deliver it again."""
    return web.HTTPServiceUnavailable(text="The bot is restarting; try again.", headers={"Retry-After": "5"})


def _delivered_elsewhere(activity: Activity, status: int) -> web.Response:
    """The answer to a delivery again of an activity another replica took (``SharedDeliveries.take``'s status)."""
    if status == 503:
        logger.info("A %r activity delivered again is still being answered at another replica: 503, to be delivered again", logged(activity.type))
        return web.Response(status=503, text="This activity is still being answered; try again.", headers={"Retry-After": "5"})
    logger.info("Ignored a %r activity delivered again, %s at another replica", logged(activity.type), "answered" if status == 200 else "waiting in line")
    return web.Response(status=status)


def _start_turn(
    app: web.Application, authenticated: AuthenticateRequestResult, activity: Activity, key: tuple[str, str, str] | None,
    delivery: Delivery,
) -> asyncio.Task[InvokeResponse | None]:
    """The activity's turn, run as a task of the app's (``TURNS``), so that it runs on when its POST is answered first;
    the delivery's ``in_line`` is its ``IN_LINE``, for the bot to set."""
    context = copy_context()
    context.run(IN_LINE.set, delivery.in_line)
    turn = asyncio.create_task(_run_turn(app, authenticated, activity, key, delivery), context=context)
    app[TURNS].add(turn)
    turn.add_done_callback(app[TURNS].discard)
    return turn


async def _run_turn(
    app: web.Application, authenticated: AuthenticateRequestResult, activity: Activity, key: tuple[str, str, str] | None,
    delivery: Delivery,
) -> InvokeResponse | None:
    """botbuilder's turn, and its outcome noted for deliveries again (``SEEN``): answered, or forgotten so they are."""
    shared = app[DELIVERED]
    try:
        invoke_response = await app[ADAPTER].process_activity(authenticated, activity, app[BOT].on_turn)
    except BaseException:
        _forget(app[SEEN], key, delivery)  # the turn did not finish (or could not sign in to reply): its retry is answered
        if key and shared is not None:
            await shared.forget(key)
        raise
    delivery.answered.set_result(True)
    if key and shared is not None:
        await shared.answered(key)
    return invoke_response


async def _until_done_or_set(future: asyncio.Future[Any], event: asyncio.Event) -> None:
    """Wait for ``future`` (a turn, its outcome) to be done or for ``event`` (its message waiting in line) to be set;
    neither is cancelled."""
    waiting = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait((future, waiting), return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()


def _log_unheard_failure(turn: asyncio.Task[InvokeResponse | None]) -> None:
    """A turn whose POST was answered before it ended has ended: say if its reply could not be sent, as nothing will
    deliver the message again. Its other failures were told the user (``apologise``)."""
    if turn.cancelled():
        logger.warning("A message whose POST was answered before its turn ended got no reply: the server stopped first")
    elif isinstance(error := turn.exception(), SignInUnavailable):
        logger.warning("A message whose POST was answered before its turn ended got no reply: the bot's sign-in for its replies failed (%s)", error)
    elif error is not None:
        logger.warning("A message whose POST was answered before its turn ended got no reply (%s)", type(error).__name__)


def _key(activity: Activity) -> tuple[str, str, str] | None:
    """What tells this activity from any other (its conversation, kind and id), when it has an id."""
    return (activity.conversation.id, str(activity.type), activity.id) if activity.id else None


def _forget(seen: LRUCache[tuple[str, str, str], Delivery], key: tuple[str, str, str] | None, delivery: Delivery) -> None:
    """The activity was not answered: forget it, so a retry (one waiting already, or one to come) is answered."""
    if key:
        seen.pop(key)
    delivery.answered.set_result(False)


def _is_bearer(header: str) -> bool:
    """Whether ``header`` is an Authorization header as botbuilder reads one: "Bearer", one space and a token."""
    scheme, _, token = header.partition(" ")
    return scheme == "Bearer" and bool(token) and " " not in token


async def require_body(request: web.Request) -> bytes:
    """The posted body, or 415 or 400 for what cannot hold an activity (``CloudAdapter`` would answer 500)."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="Send the activity as application/json.")
    try:
        return await request.read()
    except RequestPayloadError:  # "Content-Encoding: gzip" on a body that is not (aiohttp's own error escaped as a 500)
        # What is left of the body is not read: the connection closes after the answer, and aiohttp is told the body
        # ended, or it reads the rest to throw away, meets the same error and logs it with a traceback.
        request.content.feed_eof()
        refused = web.HTTPBadRequest(text="The body is not encoded as its Content-Encoding says.")
        refused.force_close()
        raise refused from None


def read_activity(body: bytes, charset: str | None) -> tuple[dict[str, Any], Activity]:
    """The posted activity as JSON, checked (else 400), and what of it checking its token needs, as an ``Activity``.

    On a reading thread. The rest of the activity is made an ``Activity`` (``deserialize_activity``) only once the token
    is good: a request without a valid one costs no more than its JSON.
    """
    try:
        text = body.decode(codecs.lookup(charset or "utf-8").name)
    except (LookupError, ValueError):  # an unknown charset, a codec that is not a text encoding, undecodable bytes
        raise web.HTTPBadRequest(text="The body is not text in the charset it names.") from None
    try:
        activity = json.loads(text)
    except (ValueError, RecursionError):
        raise web.HTTPBadRequest(text="The body is not valid JSON.") from None
    problem = activity_problem(activity)
    if problem:
        raise web.HTTPBadRequest(text=problem)
    return activity, deserialize_activity({field: activity[field] for field in ADDRESSING if field in activity})


def deserialize_activity(activity: dict[str, Any]) -> Activity:
    """``activity`` (checked by ``activity_problem``) as botbuilder's ``Activity``, else 400. On a reading thread."""
    try:
        read = Activity().deserialize(activity)
    except (DeserializationError, RecursionError):
        raise web.HTTPBadRequest(text="The activity does not follow the Bot Framework schema.") from None
    if read.channel_id == TEAMS_CHANNEL and read.channel_data is not None:
        # Teams' channelData has a schema (its tenant, team, channel, ...), which botbuilder's Teams code reads: a tenant
        # of "x" or a channelData of [1] had the user told "Sorry, something went wrong" (an attack review).
        try:
            TeamsChannelData().deserialize(read.channel_data)
        except (DeserializationError, RecursionError):
            raise web.HTTPBadRequest(text="The activity's channelData is not as Teams writes it.") from None
    return read


def activity_problem(body: object) -> str | None:
    """Why ``body`` cannot be an activity the bot can answer, or None."""
    if not isinstance(body, dict) or not body.get("type") or not isinstance(body.get("conversation"), dict):
        return "An activity is a JSON object with a type, a serviceUrl and a conversation."
    conversation_id = body["conversation"].get("id")
    if not isinstance(conversation_id, str) or not conversation_id.strip():
        return "The activity's conversation has no id."
    # Replies are posted to a URL made of the id: a line break, a control character or one outside ASCII (an emoji, a
    # re-review) in it failed the send. The channels' ids are ASCII ("19:...@thread.tacv2;messageid=...", "a:1...").
    if not conversation_id.isascii() or not conversation_id.isprintable() or any(c.isspace() for c in conversation_id):
        return "The activity's conversation id has spaces, control characters or characters outside ASCII."
    if not _is_http_url(body.get("serviceUrl")):
        return "The activity's serviceUrl is not an http(s) URL."
    if not isinstance(body.get("recipient"), dict):
        # Every channel names the bot it writes to; a reply is sent from it. "recipient": null failed the welcome with a
        # traceback (an attack review).
        return "The activity's recipient (the bot's account) is not an account."
    for members in ("membersAdded", "membersRemoved"):
        if body.get(members) is not None and not (isinstance(body[members], list) and all(isinstance(m, dict) for m in body[members])):
            return f"The activity's {members} is not a list of accounts."
    for field, value in body.items():
        if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
            return f"The activity's {logged(field)!r} has more than {MAX_LIST_ITEMS:,} items."
    return None


def _is_http_url(value: object) -> bool:
    """Whether replies could be posted to ``value``: an http(s) URL with a host."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port  # ValueError for a port that is not a number in range ("http://host:abc")
    except ValueError:  # "http://[::1" and the like
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in value)


class TokenChecks:
    """botbuilder's token validation, run in threads of its own with a timeout.

    botbuilder fetches the signing keys with ``requests.get`` and no timeout, on
    the calling thread: on the event loop, a slow key endpoint froze every
    request (``/healthz`` took 6 s). Each check runs here on its own event loop in
    a worker thread; one that takes longer than ``timeout`` is answered 503 (the
    thread is left to finish: botbuilder's request cannot be interrupted).
    """

    def __init__(self, timeout: float, threads: int = AUTH_THREADS) -> None:
        self.timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="token-check")

    async def check(self, adapter: CloudAdapter, activity: Activity, header: str) -> AuthenticateRequestResult:
        def validate() -> AuthenticateRequestResult:
            return asyncio.run(adapter.bot_framework_authentication.authenticate_request(activity, header))

        future = asyncio.get_running_loop().run_in_executor(self._pool, validate)
        return await asyncio.wait_for(future, self.timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


AUTH = web.AppKey("auth", TokenChecks)


async def authenticate(request: web.Request, activity: Activity) -> AuthenticateRequestResult:
    """botbuilder's verdict on the request's token; any failure to validate it is a 401.

    Tokens fail in many ways inside botbuilder (``PermissionError``, PyJWT's
    errors, an ``IndexError`` for an unknown key id, a bare ``Exception`` for a
    disallowed algorithm): all mean "not authenticated", none is a server fault.
    When the signing keys cannot be had (the key endpoint fails, or does not
    answer in time) the token cannot be judged either way: 503, which the
    Bot Connector retries.
    """
    try:
        result = await request.app[AUTH].check(request.app[ADAPTER], activity, request.headers.get("Authorization", ""))
    except (TimeoutError, requests.RequestException) as error:
        logger.warning("Could not check a %r activity's token: the signing keys were not to be had (%s)", logged(activity.type), type(error).__name__)
        raise web.HTTPServiceUnavailable(text="The token could not be checked just now; try again.", headers={"Retry-After": "5"}) from None
    except Exception as error:
        logger.warning("Refused a %r activity: its token did not validate (%s)", logged(activity.type), type(error).__name__)
        raise web.HTTPUnauthorized() from None
    return request.app[SENDS].bound(result)


async def _drain(app: web.Application) -> None:
    """On stopping: no turn starts any more (``STOPPING``), and the turns still running (messages answered 202 in line
    among them) get ``DRAIN_SECONDS`` to end. Those still running then are cancelled and awaited, so that each gives
    back its conversation's lock and forgets its delivery before the threads and Redis connections close (a review: a
    turn left running past this was cut off later with "cannot schedule new futures after shutdown")."""
    app[STOPPING].set()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DRAIN_SECONDS
    turns = app[TURNS]  # the set the turns leave as they end
    while turns and (left := deadline - loop.time()) > 0:  # looked at anew each time, not once
        await asyncio.wait(set(turns), timeout=left, return_when=asyncio.FIRST_COMPLETED)
    running = set(turns)
    for turn in running:
        turn.cancel()
    await asyncio.gather(*running, return_exceptions=True)


async def _stop_threads(app: web.Application) -> None:
    app[READS].shutdown(wait=False, cancel_futures=True)
    app[SENDS].shutdown()
    app[AUTH].shutdown()
    app[CREDENTIALS].shutdown()


async def _watching(app: web.Application, interval: float) -> AsyncIterator[None]:
    """A new knowledge base build is picked up while the server runs (see ``KnowledgeBaseWatcher``)."""
    async with watching(app[CONVERSATION], interval):
        yield


async def apologise(turn_context: TurnContext, error: Exception) -> None:
    """``on_turn_error``: the trace goes to the log, the user gets an apology with a reference to quote.

    Not when the turn failed because the connector did not answer: a second
    send would only wait out the timeout again. A connector that answered with
    an error is reachable, and gets the apology.
    """
    if isinstance(error, SignInUnavailable):
        raise error  # an apology could not be signed either: the request is answered 503, and retried (``messages``)
    reference = uuid.uuid4().hex[:8]
    if isinstance(error, ConnectorUnreachable):
        # Sending the apology would wait on the same silent connector: one line in the log, no second send.
        logger.warning("Turn failed [ref %s]: %s", reference, error)
        return
    if isinstance(error, CONNECTOR_REFUSALS):
        # The connector answered a send with an error status or a body that is no reply (an HTML error page): its
        # fault, not ours, so one line and no traceback.
        logger.warning("Turn failed [ref %s]: the Bot Connector refused a send (%s)", reference, type(error).__name__)
    else:
        logger.error("Turn failed [ref %s] for a %r activity", reference, logged(turn_context.activity.type), exc_info=error)
    if turn_context.activity.type == ActivityTypes.message:
        try:
            await turn_context.send_activity(
                f"Sorry, something went wrong on my side. Please try again; if it keeps happening, "
                f"quote reference {reference} to the support team."
            )
        except CONNECTOR_REFUSALS as send_error:  # the request is answered all the same, not with a 500
            logger.warning("Turn failed [ref %s]: the apology could not be sent either (%s)", reference, type(send_error).__name__)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


async def readyz(request: web.Request) -> web.Response:
    """Ready once the knowledge base is loaded (it is, before the server listens); says which build is in use."""
    kb = request.app[CONVERSATION].service.kb
    return web.json_response(
        {"status": "ready", "build": kb.directory.name, "built_at": kb.manifest.built_at, "counts": kb.manifest.counts}
    )


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
