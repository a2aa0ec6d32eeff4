"""The bot's own sign-in for its replies: one credential per app, its token got off the event loop.

Replies to the Bot Connector carry a token the bot gets from Microsoft's
sign-in (``login.microsoftonline.com``) with its app id and secret. botbuilder
made new credentials for every turn (``create_credentials`` for each connector
client), so every turn built a new MSAL app, with an empty token cache, and
asked the sign-in for a token; and msrest asks credentials for their token in
``signed_session``, with blocking ``requests`` calls on the event loop and no
timeout. A sign-in that did not answer froze the whole server (``/healthz``
and 401s waited on it); one that failed made the turn a 500 (an attack review).

Here ``KeptCredentials``, the credentials factory botbuilder is given, makes
each app's credentials once and keeps them (``SignIn``), so MSAL's token cache
serves every turn until the token nears its expiry; and each send to the Bot
Connector is signed on a thread of its own (``SignIn.policy``), one sign-in at
a time per app, within ``TEAMS_AUTH_TIMEOUT_SECONDS`` (MSAL's own requests get
that timeout too, as do a managed identity's). A sign-in that fails or does not answer in time raises
``SignInUnavailable``: the turn is answered 503, which the Bot Connector retries.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from botframework.connector.auth import (
    ManagedIdentityAppCredentials,
    MicrosoftAppCredentials,
    ServiceClientCredentialsFactory,
)
from msal import ConfidentialClientApplication, ManagedIdentityClient
from msrest.authentication import Authentication
from msrest.pipeline import AsyncHTTPPolicy

from bot.lru import LRUCache

# Threads getting sign-in tokens. Set by hand: a token is fetched about once an hour per app and read from MSAL's cache
# otherwise (quick), and one app signs in one thread at a time, so a few threads are ample.
SIGN_IN_THREADS = 4
# Credentials kept, by app id, audience and sign-in endpoint: a bot has one app and sends to one audience (skills aside).
KEPT_CREDENTIALS = 16


class SignInUnavailable(Exception):
    """The bot could not get its token from Microsoft's sign-in (it failed, or did not answer in time)."""


class SignIn(Authentication):
    """One app's credentials (botbuilder's), kept for the server's life, whose token is got on a sign-in thread."""

    def __init__(self, credentials: Authentication, timeout: float, pool: ThreadPoolExecutor) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self._pool = pool
        self._lock = threading.Lock()  # one sign-in at a time: turns arriving together share one token

    def __getattr__(self, name: str) -> Any:
        # What botbuilder reads of credentials (microsoft_app_id, oauth_scope, ...) is the kept credentials'.
        if name == "credentials":  # not set yet
            raise AttributeError(name)
        return getattr(self.credentials, name)

    def signed_session(self, session: requests.Session | None = None) -> requests.Session:
        """msrest's synchronous signing, for a client not refitted with ``policy`` (it blocks its caller)."""
        self._with_timeout()
        return self.credentials.signed_session(session)

    def policy(self) -> AsyncHTTPPolicy:
        """A pipeline policy signing each request with ``authorization`` (one per client: a policy is in one pipeline)."""
        return _Signing(self)

    async def authorization(self) -> str | None:
        """The ``Authorization`` header for a send (None when the bot has no app id), got within the timeout."""
        if not getattr(self.credentials, "microsoft_app_id", None):
            return None  # Emulator mode: nothing to sign with, nothing to wait for
        future = asyncio.get_running_loop().run_in_executor(self._pool, self._authorization)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            raise SignInUnavailable(f"Microsoft's sign-in did not answer within {self.timeout:g} s") from None
        except PermissionError as error:  # the sign-in answered with an error (a wrong secret, an unknown app)
            raise SignInUnavailable(f"Microsoft's sign-in refused the app's credentials: {self._redacted(error)}") from None
        except Exception as error:  # requests' errors (a proxy's 502, a refused connection), MSAL's, a bad answer
            raise SignInUnavailable(f"Microsoft's sign-in failed ({type(error).__name__})") from None

    def _authorization(self) -> str | None:
        """On a sign-in thread: the token from MSAL's cache, or from the sign-in when there is none (or it nears expiry)."""
        if not self._lock.acquire(timeout=self.timeout):
            raise TimeoutError("an earlier sign-in is still waiting")
        try:
            self._with_timeout()
            return self.credentials.signed_session(requests.Session()).headers.get("Authorization")
        finally:
            self._lock.release()

    def _with_timeout(self) -> None:
        """The MSAL app built as botbuilder builds it, but with a timeout on its requests: without one a silent sign-in
        holds its thread (and this app's lock) for good. (Building it asks the sign-in for the tenant's configuration.)"""
        credentials = self.credentials
        if isinstance(credentials, MicrosoftAppCredentials) and credentials.app is None and credentials.microsoft_app_id:
            credentials.app = ConfidentialClientApplication(
                client_id=credentials.microsoft_app_id,
                client_credential=credentials.microsoft_app_password,
                authority=credentials.oauth_endpoint,
                timeout=self.timeout,
            )
        elif isinstance(credentials, ManagedIdentityAppCredentials) and credentials.app is None:
            # A user-assigned managed identity (MicrosoftAppType UserAssignedMSI) asks the host's identity endpoint, with
            # a session of no timeout: one that hung held the app's lock, and every later turn got 503, for good.
            credentials.app = ManagedIdentityClient(
                {"ManagedIdentityIdType": "ClientId", "Id": credentials.microsoft_app_id},
                http_client=_SessionWithTimeout(self.timeout),
                token_cache=ManagedIdentityAppCredentials.global_token_cache,
            )

    def _redacted(self, error: Exception) -> str:
        """The sign-in's own words (an AADSTS code and its description), cut short and never with the secret."""
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
        secret = getattr(self.credentials, "microsoft_app_password", None)
        if secret:
            text = text.replace(secret, "[secret]")
        return text[:300]


class _SessionWithTimeout(requests.Session):
    """A requests session whose every request has ``timeout`` unless it sets its own."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


class _Signing(AsyncHTTPPolicy):
    """Sets each request's ``Authorization`` from ``SignIn.authorization``, awaited rather than blocking the loop."""

    def __init__(self, sign_in: SignIn) -> None:
        super().__init__()
        self._sign_in = sign_in

    async def send(self, request: Any, **kwargs: Any) -> Any:
        authorization = await self._sign_in.authorization()
        if authorization:
            request.http_request.headers["Authorization"] = authorization
        return await self.next.send(request, **kwargs)  # type: ignore[union-attr]  # the pipeline sets next


class KeptCredentials(ServiceClientCredentialsFactory):
    """botbuilder's credentials factory (``inner``), each credential made once and kept as a ``SignIn``."""

    def __init__(self, inner: ServiceClientCredentialsFactory, timeout: float, threads: int = SIGN_IN_THREADS) -> None:
        self._inner = inner
        self._timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sign-in")
        self._kept: LRUCache[tuple[str, str, str, bool], SignIn] = LRUCache(KEPT_CREDENTIALS)

    async def is_valid_app_id(self, app_id: str) -> bool:
        return await self._inner.is_valid_app_id(app_id)

    async def is_authentication_disabled(self) -> bool:
        return await self._inner.is_authentication_disabled()

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool) -> SignIn:
        key = (app_id, oauth_scope, login_endpoint, validate_authority)
        kept = self._kept.get(key)
        if kept is None:
            credentials = await self._inner.create_credentials(app_id, oauth_scope, login_endpoint, validate_authority)
            kept = self._kept.get(key)  # made meanwhile by another turn: use that one, with its cache
            if kept is None:
                kept = SignIn(credentials, self._timeout, self._pool)
                self._kept.put(key, kept)
        return kept

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
