"""Sending replies to the Bot Connector without letting one slow connector stall the others.

botbuilder posts replies with msrest's ``requests`` client, run on the event
loop's default thread pool (6 threads on 2 cores) with a 100 s timeout. A few
conversations whose ``serviceUrl`` accepts connections and never answers
therefore held every thread, and every other conversation's reply waited
behind them for minutes. Here sends get:

- a thread pool of their own, so they never compete with other blocking work;
- at most ``PER_CONNECTOR`` sends in flight per connector (scheme, host and
  port of the ``serviceUrl``); the rest wait without holding a thread, so one
  connector can never take the whole pool;
- a short timeout (``TEAMS_SEND_TIMEOUT_SECONDS``, 15 s by default).

A send that got no answer raises ``ConnectorUnreachable``; the turn's error
handler sends nothing more to a connector that did not answer.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from botframework.connector.aiohttp_bf_pipeline import AsyncBfPipeline
from botframework.connector.auth import AuthenticateRequestResult, ConnectorFactory
from msrest.exceptions import ClientRequestError
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_requests import AsyncRequestsClientResponse, AsyncRequestsHTTPSender

# Threads for sends to the Bot Connector, and sends in flight per connector. Set by hand: a send may
# hold its thread for the whole send timeout, so the pool is generous, and the per-connector cap
# keeps one silent connector to an eighth of it.
SEND_THREADS = 32
PER_CONNECTOR = 4


class ConnectorUnreachable(ClientRequestError):
    """The Bot Connector did not answer a send in time (or refused the connection)."""


@dataclass
class ConnectorSends:
    """The shared budget for every send to every connector: one per server."""

    timeout: float = 15.0
    threads: int = SEND_THREADS
    per_connector: int = PER_CONNECTOR
    _pool: ThreadPoolExecutor = field(init=False, repr=False)
    _lanes: dict[str, asyncio.Semaphore] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="connector-send")

    def lane(self, url: str) -> asyncio.Semaphore:
        """The semaphore of the connector ``url`` belongs to (created on the loop that first sends there)."""
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        if key not in self._lanes:
            self._lanes[key] = asyncio.Semaphore(self.per_connector)
        return self._lanes[key]

    async def run(self, url: str, call: functools.partial) -> Any:
        """``call`` (a blocking request to ``url``) on the send pool, within its connector's lane and the timeout."""
        async with self.lane(url):
            future = asyncio.get_running_loop().run_in_executor(self._pool, call)
            try:
                # requests' own timeout ends the thread's wait; this one also covers a slow trickle.
                return await asyncio.wait_for(future, self.timeout + 1)
            except (TimeoutError, requests.Timeout, requests.ConnectionError) as error:
                raise ConnectorUnreachable(f"The Bot Connector did not answer within {self.timeout:g} s", error) from None
            except requests.RequestException as error:
                raise ClientRequestError("Error occurred in request.", error) from error

    def bound(self, result: AuthenticateRequestResult) -> AuthenticateRequestResult:
        """``result`` with connector clients that send through this budget."""
        result.connector_factory = _BoundedConnectorFactory(result.connector_factory, self)
        return result

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class _BoundedSender(AsyncRequestsHTTPSender):
    """msrest's requests sender, sending on ``ConnectorSends`` instead of the loop's default pool."""

    def __init__(self, config: Any, sends: ConnectorSends) -> None:
        super().__init__(config)
        self._sends = sends

    async def send(self, request: ClientRequest, **kwargs: Any) -> AsyncRequestsClientResponse:  # type: ignore[override]
        requests_kwargs: dict[str, Any] = self._configure_send(request, **kwargs)
        session = requests_kwargs.pop("session", self.session)
        requests_kwargs.pop("loop", None)
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
        config.pipeline = AsyncBfPipeline(config)
        return client
