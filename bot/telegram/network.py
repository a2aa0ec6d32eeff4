"""Calls to the Bot API that survive a blip in the network or a 5xx from Telegram."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData

logger = logging.getLogger(__name__)


class RetryingRequest(HTTPXRequest):
    """An ``HTTPXRequest`` that retries failed calls a few times, backing off exponentially.

    Used for everything the bot sends (messages, chat actions, edits). It is not
    used for ``getUpdates``, which has its own request object and which
    python-telegram-bot's updater already retries for as long as it runs.

    Connection failures, timeouts (``TimedOut`` is a ``NetworkError``) and 5xx
    answers are retried; 4xx answers are our mistake and are not. A send that
    timed out may still have arrived, so on a bad line a message can rarely
    appear twice: better than an answer that never arrives.
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
        for attempt in range(1, self.attempts):
            try:
                code, payload = await super().do_request(url, method, request_data, *timeouts, **named_timeouts)
            except NetworkError as error:
                logger.warning("%s failed (%s); retrying", api_method, error)
            else:
                if code < 500:
                    return code, payload
                logger.warning("%s answered HTTP %s; retrying", api_method, code)
            await asyncio.sleep(self.first_delay * 2 ** (attempt - 1))
        return await super().do_request(url, method, request_data, *timeouts, **named_timeouts)  # the last try is final
