"""One configuration object, built from environment variables.

Nothing secret lives in the repository: app passwords and bot tokens come
from the environment (or the hosting platform's secret store) at start-up.
It lives in ``index/`` because every entry point reads it: ``python -m ingest``
as well as the bot, and ingest must not import the bot.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar, overload

T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = Path("corpus")
    kb_dir: Path = Path("kb")
    # "Today" for questions like "this financial year"; pinned in tests and demos.
    today: date | None = None
    # Privacy: message text stays out of logs and feedback records unless asked for.
    log_message_text: bool = False
    feedback_file: Path = Path("feedback.jsonl")
    feedback_keeps_text: bool = False
    # How often a running server looks for a new knowledge base build (0: never).
    kb_watch_seconds: float = 2.0
    # Teams / Bot Framework
    port: int = 3978
    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    app_tenant_id: str = ""
    allowed_tenants: frozenset[str] = frozenset()
    # How long one reply may wait on the Bot Connector before the send is given up.
    teams_send_timeout_seconds: float = 15.0
    # How long checking a request's token may take (fetching Microsoft's signing keys) before it gets 503.
    teams_auth_timeout_seconds: float = 10.0
    # Telegram
    telegram_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = ""
    # The interface the webhook server listens on (its port is PORT); 0.0.0.0 for containers.
    telegram_webhook_host: str = "0.0.0.0"
    telegram_allowed_chats: frozenset[int] = frozenset()
    telegram_rate_limit_per_minute: int = 20
    # Conversations: follow-ups are read against the last few turns, forgotten after this long idle.
    conversation_idle_minutes: float = 30.0
    # Set to share conversations between replicas (redis://host:6379/0); empty keeps them in memory.
    redis_url: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        defaults = cls()
        return cls(
            corpus_dir=Path(env.get("CORPUS_DIR", defaults.corpus_dir)),
            kb_dir=Path(env.get("KB_DIR", defaults.kb_dir)),
            today=_parsed(env, "BOT_TODAY", date.fromisoformat, "a date like 2023-06-01") if env.get("BOT_TODAY") else None,
            log_message_text=_flag(env.get("LOG_MESSAGE_TEXT")),
            feedback_file=Path(env.get("FEEDBACK_FILE", defaults.feedback_file)),
            feedback_keeps_text=_flag(env.get("FEEDBACK_KEEPS_TEXT")),
            kb_watch_seconds=_parsed(env, "KB_WATCH_SECONDS", _not_negative, "a number of seconds", defaults.kb_watch_seconds),
            port=_parsed(env, "PORT", int, "a port number", defaults.port),
            app_id=env.get("MicrosoftAppId", ""),
            app_password=env.get("MicrosoftAppPassword", ""),
            app_type=env.get("MicrosoftAppType", defaults.app_type),
            app_tenant_id=env.get("MicrosoftAppTenantId", ""),
            allowed_tenants=frozenset(_items(env.get("ALLOWED_TENANT_IDS"))),
            teams_send_timeout_seconds=_parsed(
                env, "TEAMS_SEND_TIMEOUT_SECONDS", _positive, "a number of seconds", defaults.teams_send_timeout_seconds
            ),
            teams_auth_timeout_seconds=_parsed(
                env, "TEAMS_AUTH_TIMEOUT_SECONDS", _positive, "a number of seconds", defaults.teams_auth_timeout_seconds
            ),
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", ""),
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL", defaults.telegram_api_base_url),
            telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL", ""),
            telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", ""),
            telegram_webhook_host=env.get("TELEGRAM_WEBHOOK_HOST", defaults.telegram_webhook_host),
            telegram_allowed_chats=_parsed(env, "TELEGRAM_ALLOWED_CHATS", _chat_ids, "comma-separated chat ids", frozenset()),
            telegram_rate_limit_per_minute=_parsed(
                env, "TELEGRAM_RATE_LIMIT_PER_MINUTE", int, "a whole number", defaults.telegram_rate_limit_per_minute
            ),
            conversation_idle_minutes=_parsed(
                env, "CONVERSATION_IDLE_MINUTES", _positive, "a positive number of minutes", defaults.conversation_idle_minutes
            ),
            redis_url=env.get("REDIS_URL", "").strip(),
        )

    def current_date(self) -> date:
        return self.today or date.today()


class ConfigurationError(ValueError):
    """An environment variable holds something the bot cannot use; the message names it."""


@overload
def _parsed(env: Mapping[str, str], name: str, parse: Callable[[str], T], expected: str, default: T) -> T: ...
@overload
def _parsed(env: Mapping[str, str], name: str, parse: Callable[[str], T], expected: str) -> T | None: ...
def _parsed(env: Mapping[str, str], name: str, parse: Callable[[str], T], expected: str, default: T | None = None) -> T | None:
    """``name``'s value read by ``parse``; ``default`` when unset or blank; ``ConfigurationError`` naming it if unreadable."""
    if name not in env or not env[name].strip():
        return default
    try:
        return parse(env[name].strip())
    except ValueError:
        raise ConfigurationError(f"{name} should be {expected}, not {env[name]!r}") from None


def _positive(value: str) -> float:
    """A finite number above 0 ("nan" and "inf" are floats, but no length of time: nan made every idle
    conversation expire on each save, inf made Redis refuse every save)."""
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(value)
    return number


def _not_negative(value: str) -> float:
    seconds = float(value)
    if not (math.isfinite(seconds) and seconds >= 0):
        raise ValueError(value)
    return seconds


def _chat_ids(value: str) -> frozenset[int]:
    return frozenset(int(item) for item in _items(value))


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _items(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]
