"""Who the bot answers, and how often.

Telegram bots are public: anyone who finds the username can message them.
The allow-list keeps the bot to the chats it was set up for, and the rate
limit stops one person (or a script) from hogging the shared answerer.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum

from bot.lru import LRUCache

# Chats and users remembered by the allow-list and the rate limiter. Set by hand: enough for every chat
# and user of a busy deployment; older ones are forgotten.
MEMORY = 4096
# The rate limit counts a user's messages over this window (TELEGRAM_RATE_LIMIT_PER_MINUTE): a minute.
WINDOW_SECONDS = 60.0


class AllowList:
    """The chats the bot answers; an empty list means every chat."""

    def __init__(self, allowed: frozenset[int]) -> None:
        self.allowed = allowed
        self._refused: LRUCache[int, bool] = LRUCache(MEMORY)

    def allows(self, chat_id: int) -> bool:
        return not self.allowed or chat_id in self.allowed

    def first_refusal(self, chat_id: int) -> bool:
        """True the first time a chat is turned away, so it is told why once and then left alone."""
        if chat_id in self._refused:
            return False
        self._refused.put(chat_id, True)
        return True


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit: say so, once
    IGNORE = "ignore"  # still over the limit and already told


class RateLimiter:
    """At most ``per_minute`` requests per user in any sixty seconds; zero or less means no limit."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._recent: LRUCache[int, deque[float]] = LRUCache(MEMORY)
        self._warned: LRUCache[int, bool] = LRUCache(MEMORY)

    def check(self, user_id: int) -> Verdict:
        if self.per_minute <= 0:
            return Verdict.ALLOW
        now = self.clock()
        recent = self._recent.get(user_id) or deque()
        while recent and recent[0] <= now - WINDOW_SECONDS:
            recent.popleft()
        self._recent.put(user_id, recent)
        if len(recent) < self.per_minute:
            recent.append(now)
            self._warned.put(user_id, False)
            return Verdict.ALLOW
        if self._warned.get(user_id):
            return Verdict.IGNORE
        self._warned.put(user_id, True)
        return Verdict.WARN
