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
from urllib.parse import urlsplit

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
    # How long checking a request's token may take (fetching Microsoft's signing keys), or getting the bot's own token for its
    # replies from Microsoft's sign-in, before the request gets 503.
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
            app_id=env.get("MicrosoftAppId", "").strip(),  # a GUID: spaces around it are a paste's (the re-review)
            app_password=env.get("MicrosoftAppPassword", ""),
            app_type=env.get("MicrosoftAppType", "").strip() or defaults.app_type,  # checked by the Teams server alone
            app_tenant_id=env.get("MicrosoftAppTenantId", "").strip(),
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
            redis_url=_redis_url(env.get("REDIS_URL", "").strip()),
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


# What REDIS_URL should look like, as a configuration error says it.
_REDIS_URL_EXPECTED = "a Redis URL such as redis://host:6379/0 (or rediss://, unix://)"


def _redis_url(url: str) -> str:
    """``url`` when the Redis client can read it (or it is empty: conversations stay in memory); ``ConfigurationError``
    saying why not otherwise. Read here, at start, by the client's own parser: a URL it refused ("http://...", a port
    of 99999, "?socket_timeout=abc") had raised a ValueError's traceback only once a server had loaded the model (an
    attack review). The message never holds the URL, which may carry a password."""
    if not url:
        return url
    from redis.asyncio.connection import parse_url  # the parser ``redis.asyncio.from_url`` reads REDIS_URL with

    try:
        parse_url(url)
    except ValueError as error:
        raise ConfigurationError(f"REDIS_URL should be {_REDIS_URL_EXPECTED}: {_why_not_a_redis_url(url, error)}") from None
    return url


def _why_not_a_redis_url(url: str, error: ValueError) -> str:
    """What is wrong with a URL the Redis client refused, in words of our own: its messages may quote the URL's
    parts ("redis://user:secret/0" reads "secret" as the port, and the client says so)."""
    if not url.lower().startswith(("redis://", "rediss://", "unix://")):
        return "it does not start with redis://, rediss:// or unix://"
    try:
        _port = urlsplit(url).port  # read to see that it can be
    except ValueError:
        return "its host and port cannot be read (the port should be a number from 0 to 65535)"
    from redis.connection import URL_QUERY_ARGUMENT_PARSERS

    # The client names the option only ("Invalid value for 'socket_timeout' in connection URL."), never its value.
    named = [name for name in URL_QUERY_ARGUMENT_PARSERS if f"'{name}'" in str(error)]
    return f"its {named[0]} option holds a value the Redis client cannot read" if named else "the Redis client cannot read it"


# The app types botbuilder's credential factory knows (``ConfigurationServiceClientCredentialFactory``), which it reads
# without regard to case. It takes any other value for MultiTenant without a word: a trial's "Bogus" was accepted.
APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
_APP_TYPE_EXPECTED = f"one of {', '.join(APP_TYPES[:-1])} or {APP_TYPES[-1]}"  # as a configuration error says it


# What botbuilder's credential factory requires beside an app type, by the environment variable that sets it. It raises
# "Property 'APP_TENANTID' is expected in configuration object" only when the server starts, after the model has loaded
# (a new user's trial); here the setting is named before anything loads. Keyed in lower case: botbuilder reads the
# type without regard to case.
_APP_TYPE_NEEDS: dict[str, tuple[str, ...]] = {
    "singletenant": ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppTenantId"),
    "userassignedmsi": ("MicrosoftAppId", "MicrosoftAppTenantId"),  # the managed identity's client id, and no password
}


def check_teams_identity(settings: Settings) -> None:
    """``ConfigurationError`` for an app type botbuilder does not know, or naming each setting the app type needs and is
    not given (blank counts as not given). Checked when the Teams server starts, not with the other settings: the
    server's secrets may well be given to it alone, and ingest, the command line and Telegram need none of them (a
    review found them all stopped by a partial Teams setup)."""
    app_type = settings.app_type.strip().lower()  # as botbuilder reads it
    if app_type not in {known.lower() for known in APP_TYPES}:
        raise ConfigurationError(f"MicrosoftAppType should be {_APP_TYPE_EXPECTED}, not {settings.app_type!r}")
    given = {
        "MicrosoftAppId": settings.app_id, "MicrosoftAppPassword": settings.app_password, "MicrosoftAppTenantId": settings.app_tenant_id,
    }
    missing = [name for name in _APP_TYPE_NEEDS.get(app_type, ()) if not given[name].strip()]
    if missing:
        names = " and ".join(missing) if len(missing) < 3 else f"{', '.join(missing[:-1])} and {missing[-1]}"
        raise ConfigurationError(f"{names} should be set: MicrosoftAppType {settings.app_type} needs {'it' if len(missing) == 1 else 'them'}")


def _chat_ids(value: str) -> frozenset[int]:
    return frozenset(int(item) for item in _items(value))


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _items(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]
