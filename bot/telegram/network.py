"""Calls to the Bot API that survive a blip in the network or a 5xx from Telegram."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData

logger = logging.getLogger(__name__)
# httpx's errors for a request that never left: no connection was made (refused, a name not found, a connect timeout) or
# none came free in the pool. python-telegram-bot raises TimedOut for the timeouts, as for a read timeout after the
# request was sent, and NetworkError for the rest, keeping httpx's error as ``__cause__`` alone.
_NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class NeverSent(NetworkError):
    """No try of a call reached the Bot API (``_NEVER_LEFT``): Telegram surely did not get it, nor show a message."""


class RetryingRequest(HTTPXRequest):
    """An ``HTTPXRequest`` that retries failed calls a few times, backing off exponentially.

    Used for everything the bot sends (messages, chat actions, edits). It is not
    used for ``getUpdates``, which has its own request object and which
    python-telegram-bot's updater already retries for as long as it runs.

    Connection failures, timeouts (``TimedOut`` is a ``NetworkError``) and 5xx
    answers are retried; 4xx answers are our mistake and are not. A send that
    timed out may still have arrived, so on a bad line a message can rarely
    appear twice: better than an answer that never arrives. A call none of
    whose tries left (``_NEVER_LEFT``) raises ``NeverSent``, so that its sender
    knows nothing was shown; one that any try may have delivered raises the
    last try's error.
    """

    def __init__(self, attempts: int = 3, first_delay: float = 0.5) -> None:
        super().__init__()
        self.attempts = attempts
        self.first_delay = first_delay

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *timeouts: Any, **named_timeouts: Any
    ) -> tuple[int, bytes]:
        """``timeouts``: the read, write, connect and pool timeouts of ``HTTPXRequest.do_request``, passed on as given."""
        api_method = url.rsplit("/", 1)[-1]  # never log the URL: it contains the token
        reached = False  # whether an earlier try may have reached the Bot API
        for attempt in range(1, self.attempts):
            try:
                code, payload = await super().do_request(url, method, request_data, *timeouts, **named_timeouts)
            except NetworkError as error:
                reached = reached or _may_have_left(error)
                logger.warning("%s failed (%s); retrying", api_method, error)
            else:
                if code < 500:
                    return code, payload
                reached = True
                logger.warning("%s answered HTTP %s; retrying", api_method, code)
            await asyncio.sleep(self.first_delay * 2 ** (attempt - 1))
        try:
            return await super().do_request(url, method, request_data, *timeouts, **named_timeouts)  # the last try is final
        except NetworkError as error:
            if reached or _may_have_left(error):
                raise
            raise NeverSent(f"{error.message} (no try reached the Bot API)") from error


def _may_have_left(error: NetworkError) -> bool:
    """Whether the request of a try that failed with ``error`` may have reached the Bot API."""
    return not isinstance(error.__cause__, _NEVER_LEFT)
