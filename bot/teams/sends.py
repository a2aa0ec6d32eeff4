"""Sending replies to the Bot Connector without letting one slow conversation stall the others.

botbuilder posts replies with msrest's ``requests`` client, run on the event
loop's default thread pool (6 threads on 2 cores) with a 100 s timeout. A few
conversations whose sends are accepted and never answered therefore held every
thread, and every other conversation's reply waited behind them for minutes.
Teams posts every conversation's replies to one host, so limits per host alone
do not help: twelve messages to one conversation whose sends hung used to fill
the host's four slots, and a healthy conversation's reply waited 45 s. Here
sends get:

- a thread pool of their own, so they never compete with other blocking work;
- one send at a time per conversation (the ``/v3/conversations/{id}`` of the
  URL), in the order they were made, so one conversation's backlog holds at
  most one of its host's slots and its replies never overtake each other;
- at most ``PER_HOST`` sends in flight per connector host (scheme, host and
  port), so one host can never take the whole pool;
- a timeout (``TEAMS_SEND_TIMEOUT_SECONDS``, 15 s by default) on waiting for
  those slots and another on the send itself. A send that times out frees its
  slots and is logged (the host and the conversation, never the message).

A send that got no answer raises ``ConnectorUnreachable``; the turn's error
handler sends nothing more to a connector that did not answer. A send none of
whose tries connected raises ``ConnectorNotReached``: urllib3 retries a refused
connection for about 5 s, past a short send timeout, and the tries left when
the timeout ends are not made (``_Tries``), so such a send surely was not shown.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import requests
from botframework.connector.aiohttp_bf_pipeline import AsyncBfPipeline
from botframework.connector.auth import AuthenticateRequestResult, ConnectorFactory
from msrest.exceptions import ClientRequestError
from msrest.pipeline import AsyncPipeline
from msrest.pipeline.async_requests import AsyncPipelineRequestsHTTPSender
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_requests import AsyncRequestsClientResponse, AsyncRequestsHTTPSender
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from bot.keyed_locks import KeyedLocks
from bot.teams.signin import SignIn

logger = logging.getLogger(__name__)

# Threads for sends to the Bot Connector, and sends in flight per connector host. Set by hand: a send
# may hold its thread for the whole send timeout, so the pool is generous; one host may use a third of
# it, and since each conversation holds at most one slot, it takes 16 silent conversations at once,
# not one conversation's backlog, to make a healthy one wait (and then for one timeout at most).
SEND_THREADS = 48
PER_HOST = 16
_CONVERSATION = re.compile(r"/v3/conversations/([^/?#]+)")
_Result = TypeVar("_Result")


class ConnectorUnreachable(ClientRequestError):
    """The Bot Connector did not answer a send in time (or refused the connection): the send may have been shown."""


class ConnectorNotReached(ConnectorUnreachable):
    """The send surely did not reach the Bot Connector: no connection was made, or earlier sends held it past the timeout."""


@dataclass
class ConnectorSends:
    """The shared budget for every send to every connector: one per server."""

    timeout: float = 15.0
    threads: int = SEND_THREADS
    per_host: int = PER_HOST
    _pool: ThreadPoolExecutor = field(init=False, repr=False)
    _hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict, init=False, repr=False)
    # One conversation's sends go one at a time, first come first served.
    _lanes: KeyedLocks[tuple[str, str]] = field(default_factory=KeyedLocks, init=False, repr=False)

    def __post_init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="connector-send")

    @asynccontextmanager
    async def _slots(self, host: str, conversation: str) -> AsyncIterator[None]:
        """Hold ``conversation``'s lane, then a slot of ``host``; TimeoutError if they are not free within the timeout."""
        async with self._lanes.held((host, conversation), self.timeout):
            semaphore = self._hosts.setdefault(host, asyncio.Semaphore(self.per_host))
            async with asyncio.timeout(self.timeout):
                await semaphore.acquire()
            try:
                yield
            finally:
                semaphore.release()

    async def run(self, url: str, call: functools.partial) -> Any:
        """``call`` (a blocking request to ``url``) on the send pool, in its conversation's turn, within the timeouts."""
        host, conversation = _keys(url)
        try:
            async with self._slots(host, conversation):
                tries = _Tries()
                future = asyncio.get_running_loop().run_in_executor(self._pool, tries.run, call)
                try:
                    # requests' own timeout ends the thread's wait; this one also covers a slow trickle, and urllib3's
                    # retries of a refused connection.
                    return await asyncio.wait_for(future, self.timeout + 1)
                except (TimeoutError, requests.Timeout, requests.ConnectionError) as error:
                    logger.warning(
                        "A send to %s for conversation %s got no answer within %g s (%s)",
                        host, conversation, self.timeout, type(error).__name__,
                    )
                    unreachable = ConnectorNotReached if tries.surely_not_reached(error) else ConnectorUnreachable
                    raise unreachable(f"The Bot Connector did not answer within {self.timeout:g} s", error) from None
        except TimeoutError:
            # Earlier sends (to this conversation, or to this host) are still waiting on the connector.
            logger.warning("A send to %s for conversation %s waited %g s for earlier sends, given up", host, conversation, self.timeout)
            raise ConnectorNotReached(f"Earlier sends to the Bot Connector held this one over {self.timeout:g} s") from None
        except requests.RequestException as error:
            raise ClientRequestError("Error occurred in request.", error) from error

    def bound(self, result: AuthenticateRequestResult) -> AuthenticateRequestResult:
        """``result`` with connector clients that send through this budget."""
        result.connector_factory = _BoundedConnectorFactory(result.connector_factory, self)
        return result

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _keys(url: str) -> tuple[str, str]:
    """The connector host (``scheme://host:port``) of ``url``, and the conversation it sends to (else its path)."""
    parts = urlsplit(url)
    conversation = _CONVERSATION.search(parts.path)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}".lower(), unquote(conversation[1] if conversation else parts.path)


class _BoundedSender(AsyncRequestsHTTPSender):
    """msrest's requests sender, sending on ``ConnectorSends`` instead of the loop's default pool."""

    def __init__(self, config: Any, sends: ConnectorSends) -> None:
        super().__init__(config)
        self._sends = sends

    async def send(self, request: ClientRequest, **kwargs: Any) -> AsyncRequestsClientResponse:  # type: ignore[override]
        requests_kwargs: dict[str, Any] = self._configure_send(request, **kwargs)
        session = requests_kwargs.pop("session", self.session)
        requests_kwargs.pop("loop", None)
        _count_tries(session)
        # Read the body in the worker thread too: a streamed body would be read on the event loop.
        requests_kwargs["stream"] = False
        call = functools.partial(session.request, request.method, request.url, **requests_kwargs)
        return AsyncRequestsClientResponse(request, await self._sends.run(request.url, call))


class _BoundedConnectorFactory(ConnectorFactory):
    """botbuilder's connector factory, its clients refitted to send through ``ConnectorSends``."""

    def __init__(self, inner: ConnectorFactory, sends: ConnectorSends) -> None:
        self._inner = inner
        self._sends = sends

    async def create(self, service_url: str, audience: str | None = None):
        client = await self._inner.create(service_url, audience)
        config = client.config
        config.connection.timeout = self._sends.timeout
        config.driver = _BoundedSender(config, self._sends)
        if isinstance(config.credentials, SignIn):
            # AsyncBfPipeline's, but signed by a policy that gets the token off the event loop (``signin``), not by
            # msrest's, which calls the credentials' blocking ``signed_session`` on it.
            policies = [config.user_agent_policy, config.credentials.policy(), RawDeserializer(), config.http_logger_policy]
            config.pipeline = AsyncPipeline(policies, AsyncPipelineRequestsHTTPSender(config.driver))
        else:
            config.pipeline = AsyncBfPipeline(config)
        return client


class _GivenUp(Exception):
    """The send was given up (``_Tries.surely_not_reached``): a try left by urllib3's retries is not to be made."""


class _Tries:
    """What one send's tries (urllib3's retries of it included) came to, told by its connections (``_Counted``) on the
    send's worker thread, and read on the event loop when the send fails.

    A send's worker thread goes on retrying after the send timed out (it cannot be stopped): once the send is given up,
    a try that connects closes its connection unused, so a send none of whose tries had connected by then is never
    shown, however soon the connector is back.
    """

    _current = threading.local()  # the send a worker thread is making

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._told = False  # a try was made through a connection that tells (not, say, a SOCKS proxy's)
        self._connected = False
        self._given_up = False

    def run(self, call: Callable[[], _Result]) -> _Result:
        """``call``, the send, on this worker thread, its tries told to this ``_Tries``."""
        _Tries._current.tries = self
        try:
            return call()
        finally:
            _Tries._current.tries = None

    @staticmethod
    def current() -> _Tries | None:
        """The send this thread is making, if any."""
        return getattr(_Tries._current, "tries", None)

    def connecting(self) -> None:
        """A try is about to connect: ``_GivenUp`` if the send was given up."""
        with self._lock:
            if self._given_up:
                raise _GivenUp
            self._told = True

    def writing(self) -> None:
        """A try's connection is made and its request about to be written: ``_GivenUp`` if the send was given up
        (and the request is not written)."""
        with self._lock:
            if self._given_up:
                raise _GivenUp
            self._told = self._connected = True

    def surely_not_reached(self, error: BaseException) -> bool:
        """Give the send up, failed with ``error``: whether none of its tries reached the connector, nor will."""
        with self._lock:
            self._given_up = True
            told, connected = self._told, self._connected
        if not told:  # no try went through a connection that tells: the error alone tells
            return _not_connected(error)
        # A send that timed out, or failed to connect, none of whose tries connected (an error saying otherwise wins).
        return not connected and (isinstance(error, TimeoutError) or _not_connected(error))


class _Counted(HTTPConnection):
    """urllib3's connection, telling the send it is made for (``_Tries``) before it connects and before each request."""

    def connect(self) -> None:
        tries = _Tries.current()
        if tries is not None:
            tries.connecting()
        super().connect()
        if tries is not None:
            try:
                tries.writing()
            except _GivenUp:
                self.close()
                raise

    def request(self, *args: Any, **kwargs: Any) -> None:
        tries = _Tries.current()
        if tries is not None and self.sock is not None:  # connected before (kept alive, or TLS): ``connect`` told otherwise
            tries.writing()
        super().request(*args, **kwargs)


class _CountedHTTPS(_Counted, HTTPSConnection):
    pass


class _CountedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _Counted


class _CountedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CountedHTTPS


_COUNTED_POOLS = {"http": _CountedHTTPPool, "https": _CountedHTTPSPool}


class _CountingAdapter(HTTPAdapter):
    """requests' adapter, its connections (direct, or through an HTTP proxy) ``_Counted``."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _COUNTED_POOLS.copy()

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # a SOCKS proxy's connections are its own: not counted
            manager.pool_classes_by_scheme = _COUNTED_POOLS.copy()
        return manager


def _count_tries(session: requests.Session) -> None:
    """``session``'s connections ``_Counted`` (once per session), msrest's retry policy kept."""
    for prefix in ("http://", "https://"):
        adapter = session.adapters[prefix]
        if not isinstance(adapter, _CountingAdapter):
            session.mount(prefix, _CountingAdapter(max_retries=getattr(adapter, "max_retries", 0)))


def _not_connected(error: BaseException) -> bool:
    """Whether a send failed before any connection to the connector was made (refused, a name not found, a connect
    timeout): then nothing of it was delivered."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if isinstance(error, requests.ConnectionError) and error.args else None
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))
