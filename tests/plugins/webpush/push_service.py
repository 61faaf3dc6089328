"""A push service and a browser for the Web Push tests, written from the standards alone:
the service checks each request's VAPID token (RFC 8292) the way a real one does, and the
browser decrypts the message (RFC 8291) with the private key it never gave the server."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A user agent's side of a subscription: its own key pair and auth secret."""

    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def keys(self) -> dict[str, str]:
        return {"p256dh": self.p256dh, "auth": b64url(self.auth)}

    def open(self, body: bytes) -> Any:
        """The notification a service worker would get: decrypted, then parsed as JSON."""
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


class VapidRefused(Exception):
    pass


def verify_vapid(authorization: str, endpoint_origin: str) -> tuple[str, dict[str, Any]]:
    """The public key `k` and the claims of a `vapid t=..., k=...` header, once the token's
    ES256 signature is checked against `k`; VapidRefused for anything a service refuses."""
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise VapidRefused(f"scheme {scheme!r}")
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    token, key = parts["t"], parts["k"]
    head, claims, signature = token.split(".")
    if json.loads(unb64url(head)) != {"typ": "JWT", "alg": "ES256"}:
        raise VapidRefused("not ES256")
    raw = unb64url(signature)
    if len(raw) != 64:
        raise VapidRefused("signature length")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except Exception as error:
        raise VapidRefused("bad signature") from error
    found: dict[str, Any] = json.loads(unb64url(claims))
    now = time.time()
    if found.get("aud") != endpoint_origin:
        raise VapidRefused(f"aud {found.get('aud')!r}")
    if not now < found["exp"] <= now + 24 * 3600:
        raise VapidRefused("exp")
    return key, found


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    vapid_key: str
    claims: dict[str, Any]


class PushService:
    """An HTTP push service on a loopback port. Each POST's VAPID token is checked (401
    otherwise); paths starting with a prefix in `answers` get that status instead of 201."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refused: list[str] = []
        self.answers: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                for prefix, status in service.answers.items():
                    if self.path.startswith(prefix):
                        self._answer(status)
                        return
                try:
                    key, claims = verify_vapid(self.headers.get("Authorization", ""), service.url)
                except (VapidRefused, KeyError, ValueError) as error:
                    service.refused.append(repr(error))
                    self._answer(401)
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                service.received.append(Received(self.path, headers, body, key, claims))
                self._answer(201)

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@contextmanager
def push_service() -> Iterator[PushService]:
    service = PushService()
    thread = threading.Thread(target=service.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        service.server.shutdown()
        service.server.server_close()
