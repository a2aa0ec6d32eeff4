"""Microsoft's sign-in (login.microsoftonline.com) as the bot reaches it: through an egress proxy.

The bot signs its replies to the Bot Connector with a token MSAL gets from
``https://login.microsoftonline.com/botframework.com``. ``SignInProxy`` is a
real HTTPS proxy on 127.0.0.1 (``HTTPS_PROXY``, as a data centre's egress proxy
is set) that answers ``CONNECT login.microsoftonline.com:443`` itself, with a
certificate of a test authority (``REQUESTS_CA_BUNDLE``), and plays the sign-in
service: the tenant's OpenID configuration, instance discovery and the token
endpoint, counting the tokens it hands out. It can also stall (accept the
connection and never answer) or refuse (502 to every ``CONNECT``), as a proxy or
the sign-in service does when it is down. ``SignInProxy.environment`` is what a
test sets (with ``monkeypatch.setenv``) for the bot to go through it.
"""

from __future__ import annotations

import datetime
import json
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOGIN_HOST = "login.microsoftonline.com"
TENANT = "botframework.com"  # the Bot Framework's tenant, where a multi-tenant bot gets its token
ACCESS_TOKEN = "a-bot-framework-access-token"
REJECTION = "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value."
# How long a stalled connection is held at most, so that code which blocks on it still ends (and fails its test).
STALL_SECONDS = 6


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A test certificate authority, and a certificate for the sign-in host signed by it: (authority, chain, key)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test sign-in authority")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOGIN_HOST)]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(LOGIN_HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    authority, chain, private = directory / "authority.pem", directory / "chain.pem", directory / "key.pem"
    authority.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain.write_bytes(leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return authority, chain, private



def write_json(handler: BaseHTTPRequestHandler, document: object, status: int = 200) -> None:
    """Answer a stand-in server's request with ``document`` as JSON."""
    data = json.dumps(document).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)

@contextmanager
def served_in_a_thread(httpd: ThreadingHTTPServer) -> Iterator[None]:
    """``httpd`` serving on a thread of its own (blocking clients such as requests' may call it from the event loop's
    threads), shut down and closed after."""
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        httpd.shutdown()
        httpd.server_close()


class SignInProxy:
    """An egress proxy whose ``login.microsoftonline.com`` is this process's stand-in.

    ``mode`` is ``"answer"`` (the sign-in service answers), ``"reject"`` (it
    answers, but refuses the app's secret: ``invalid_client``), ``"stall"`` (each
    ``CONNECT`` is accepted and never answered, until ``mode`` changes or
    ``STALL_SECONDS`` pass) or ``"refuse"`` (``502 Bad Gateway`` at once).
    ``tokens`` counts the tokens handed out; ``requests`` every request, by path.
    ``expires_in`` is each token's life in seconds: MSAL asks for a new token for
    every send once it has under five minutes left. ``token_budget``, when set,
    is how many tokens are handed out in all; past it the secret is refused
    (as ``"reject"``).
    """

    def __init__(self, directory: Path) -> None:
        self.authority, chain, key = _certificates(directory)
        self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._tls.load_cert_chain(chain, key)
        self._mode = "answer"
        self._changed = threading.Condition()
        self.connects = 0
        self.tokens = 0
        self.expires_in = 3599
        self.token_budget: int | None = None
        self.requests: Counter[str] = Counter()
        proxy = self

        class SignIn(BaseHTTPRequestHandler):
            """login.microsoftonline.com, inside the tunnel."""

            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                proxy.requests[path] += 1
                if path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
                    base = f"https://{LOGIN_HOST}/{TENANT}"
                    self._json({"authorization_endpoint": f"{base}/oauth2/v2.0/authorize", "token_endpoint": f"{base}/oauth2/v2.0/token",
                                "issuer": f"https://{LOGIN_HOST}/{TENANT}/v2.0"})
                elif path == "/common/discovery/instance":
                    aliases = [LOGIN_HOST, "login.windows.net", "login.microsoft.com", "sts.windows.net"]
                    self._json({"tenant_discovery_endpoint": f"https://{LOGIN_HOST}/{TENANT}/v2.0/.well-known/openid-configuration",
                                "metadata": [{"preferred_network": LOGIN_HOST, "preferred_cache": "login.windows.net", "aliases": aliases}]})
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                path = self.path.split("?", 1)[0]
                proxy.requests[path] += 1
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if path != f"/{TENANT}/oauth2/v2.0/token":
                    self._json({"error": "not_found"}, 404)
                    return
                if proxy.mode == "reject" or (proxy.token_budget is not None and proxy.tokens >= proxy.token_budget):
                    self._json({"error": "invalid_client", "error_description": REJECTION, "error_codes": [7000215]}, 401)
                    return
                proxy.tokens += 1
                self._json({"token_type": "Bearer", "expires_in": proxy.expires_in, "ext_expires_in": proxy.expires_in, "access_token": ACCESS_TOKEN})

            def _json(self, document: object, status: int = 200) -> None:
                write_json(self, document, status)

            def log_message(self, *args: object) -> None:
                pass

        class Proxy(BaseHTTPRequestHandler):
            def do_CONNECT(self) -> None:
                proxy.connects += 1
                self.close_connection = True
                mode = proxy.mode
                if mode == "stall":
                    with proxy._changed:
                        proxy._changed.wait_for(lambda: proxy.mode != "stall", STALL_SECONDS)
                    return  # closed without an answer
                if mode == "refuse" or self.path != f"{LOGIN_HOST}:443":
                    self.send_response(502)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200, "Connection established")
                self.end_headers()
                with proxy._tls.wrap_socket(self.connection, server_side=True) as tunnel:
                    SignIn(tunnel, self.client_address, self.server)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        with self._changed:
            self._mode = mode
            self._changed.notify_all()

    @property
    def environment(self) -> dict[str, str]:
        """The variables that send the bot's HTTPS through this proxy, trusting its certificate."""
        return {"HTTPS_PROXY": self.url, "NO_PROXY": "127.0.0.1,localhost", "REQUESTS_CA_BUNDLE": str(self.authority)}

    @contextmanager
    def running(self) -> Iterator[SignInProxy]:
        with served_in_a_thread(self.httpd):
            try:
                yield self
            finally:
                self.mode = "answer"  # ends stalled connections


class IdentityEndpoint:
    """An Azure host's managed identity endpoint (App Service's ``IDENTITY_ENDPOINT``) on 127.0.0.1; with
    ``service_fabric`` (a folder for its certificate), Service Fabric's: over HTTPS, its certificate's thumbprint in
    ``IDENTITY_SERVER_THUMBPRINT``, the identity header sent back as ``Secret``.

    ``mode`` is ``"answer"`` (a token for the identity asked) or ``"stall"``: the
    request is read and never answered for ``STALL_SECONDS``, whatever ``mode``
    becomes meanwhile (as a hung host endpoint). ``tokens`` counts the tokens handed out.
    """

    HEADER = "an-identity-header-secret"

    def __init__(self, service_fabric: Path | None = None) -> None:
        self.mode = "answer"
        self.tokens = 0
        self.requests = 0
        endpoint = self
        header = "Secret" if service_fabric else "X-IDENTITY-HEADER"

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                endpoint.requests += 1
                if endpoint.mode == "stall":
                    time.sleep(STALL_SECONDS)
                    return
                if self.headers.get(header) != IdentityEndpoint.HEADER:
                    write_json(self, {"error": "unauthorized"}, 401)
                    return
                endpoint.tokens += 1
                write_json(self, {"access_token": ACCESS_TOKEN, "expires_on": str(int(time.time()) + 3599),
                                  "resource": "https://api.botframework.com", "token_type": "Bearer"})

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/msi/token"
        self.thumbprint: str | None = None
        if service_fabric is not None:
            _authority, chain, key = _certificates(service_fabric)
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(chain, key)
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
            self.url = self.url.replace("http://", "https://")
            self.thumbprint = x509.load_pem_x509_certificate(chain.read_bytes()).fingerprint(hashes.SHA1()).hex()  # SHA-1: what IDENTITY_SERVER_THUMBPRINT names

    @property
    def environment(self) -> dict[str, str]:
        """The variables the host sets, which MSAL's managed identity client reads."""
        found = {"IDENTITY_ENDPOINT": self.url, "IDENTITY_HEADER": self.HEADER}
        return found if self.thumbprint is None else {**found, "IDENTITY_SERVER_THUMBPRINT": self.thumbprint}

    @contextmanager
    def running(self) -> Iterator[IdentityEndpoint]:
        with served_in_a_thread(self.httpd):
            yield self
