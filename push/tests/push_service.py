"""A push service on loopback, as the browsers' vendors run them, for the tests.

A real HTTP server (http.server, one thread per request) at http://127.0.0.1:<port>. For each
POST to /push/<name> it checks what a real push service checks and decrypts what the browser
would: the VAPID header `vapid t=<JWT>,k=<key>` (ES256 signature verified with k, k the
server's VAPID public key, `aud` this service's origin, `exp` in the future and within 24 h,
`sub` present) and the aes128gcm body (RFC 8291), with the private key and auth secret the
test's "browser" made for that subscription. It answers what the test told it for that
endpoint (201 by default); a bad VAPID header is 401, a body it cannot decrypt 400.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

# Where an endpoint told to answer a redirect points; nothing may ever arrive there.
REDIRECT_TARGET = "redirect-target"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One browser's subscription keys, made as PushManager.subscribe makes them."""

    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)


@dataclass
class Received:
    """One POST the service took: its endpoint name, answer, headers, claims and decrypted payload."""

    name: str
    status: int
    headers: dict[str, str]
    claims: dict | None = None
    payload: dict | None = None
    problem: str = ""


def verify_vapid(authorization: str, *, audience: str, server_public_key: str) -> dict:
    """The JWT's claims once every VAPID rule holds; ValueError naming the first that does not."""
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"not a vapid Authorization: {scheme!r}")
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    token, key = values["t"], values["k"]
    if key != server_public_key:
        raise ValueError("k is not the server's VAPID public key")
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = json.loads(unb64url(header_b64))
    if header.get("alg") != "ES256":
        raise ValueError(f"alg {header.get('alg')!r}")
    signature = unb64url(signature_b64)
    if len(signature) != 64:
        raise ValueError("an ES256 signature is 64 bytes")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    try:
        public.verify(
            encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")),
            f"{header_b64}.{claims_b64}".encode("ascii"),
            ec.ECDSA(hashes.SHA256()),
        )
    except InvalidSignature:
        raise ValueError("the JWT signature does not verify") from None
    claims = json.loads(unb64url(claims_b64))
    if claims.get("aud") != audience:
        raise ValueError(f"aud {claims.get('aud')!r} is not {audience!r}")
    if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
        raise ValueError("exp is not within the next 24 hours")
    if not claims.get("sub"):
        raise ValueError("no sub")
    return claims


class PushService:
    def __init__(self, *, server_public_key: str) -> None:
        self.server_public_key = server_public_key
        self.browsers: dict[str, Browser] = {}
        self.answers: dict[str, int] = {}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> PushService:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def subscribe(self, name: str, *, answer: int = 201) -> dict:
        """A new browser subscription at /push/<name>: the body a browser POSTs to the API."""
        browser = self.browsers[name] = Browser()
        self.answers[name] = answer
        return {"endpoint": f"{self.origin}/push/{name}", "keys": {"p256dh": browser.p256dh, "auth": browser.auth}}

    def answer(self, name: str, status: int) -> None:
        self.answers[name] = status

    def payloads(self, name: str | None = None) -> list[dict]:
        """The decrypted payloads of the messages the service accepted (to `name`, or any)."""
        return [r.payload for r in self.received if r.status < 300 and (name is None or r.name == name)]

    def _take(self, name: str, headers: dict[str, str], body: bytes) -> Received:
        received = Received(name=name, status=self.answers.get(name, 404), headers=headers)
        browser = self.browsers.get(name)
        try:
            received.claims = verify_vapid(
                headers.get("authorization", ""), audience=self.origin, server_public_key=self.server_public_key
            )
        except (KeyError, ValueError) as exc:
            received.status, received.problem = 401, f"vapid: {exc}"
            return received
        if browser is None:
            return received
        if headers.get("content-encoding") != "aes128gcm":
            received.status, received.problem = 400, f"content-encoding {headers.get('content-encoding')!r}"
            return received
        try:
            plain = http_ece.decrypt(
                body, private_key=browser.private_key, auth_secret=browser.auth_secret, version="aes128gcm"
            )
            received.payload = json.loads(plain)
        except Exception as exc:  # a body the browser could not read is a 400 from the service
            received.status, received.problem = 400, f"decrypt: {type(exc).__name__}"
        return received

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {key.lower(): value for key, value in self.headers.items()}
                name = self.path.removeprefix("/push/") if self.path.startswith("/push/") else ""
                received = service._take(name, headers, body)
                with service._lock:
                    service.received.append(received)
                self.send_response(received.status)
                if received.status in (301, 302, 307, 308):  # a push service that points elsewhere
                    self.send_header("Location", f"{service.origin}/push/{REDIRECT_TARGET}")
                if received.status == 201:
                    self.send_header("Location", f"/message/{len(service.received)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args) -> None:  # quiet
                pass

        return Handler
