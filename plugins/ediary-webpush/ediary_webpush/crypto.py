"""The two pieces of cryptography Web Push needs, through the web-push-libs libraries:
the message encrypted for one browser (RFC 8291, `aes128gcm` of RFC 8188, by http_ece) and
the server's signed identity for a push service (VAPID, RFC 8292, by py_vapid)."""

from __future__ import annotations

import base64
import binascii
import os
import time
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

# RFC 8291 section 4: a push message is one record of at most 4096 octets; the header
# (salt 16, record size 4, key id length 1, key 65), the AEAD tag (16) and the padding
# delimiter (1) leave this much for the plaintext.
MAX_PLAINTEXT = 4096 - 86 - 16 - 1
# RFC 8292 section 2: a token may live at most 24 hours; a shorter life limits replay.
TOKEN_SECONDS = 12 * 3600


def b64url_decode(text: str) -> bytes:
    """Base64url with or without padding, as browsers and key generators write it."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_key_bytes(key: ec.EllipticCurvePublicKey) -> bytes:
    """The uncompressed point (65 octets): the form browsers and push services exchange."""
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def browser_key(p256dh: str) -> ec.EllipticCurvePublicKey:
    """A subscription's `p256dh` as a P-256 key; ValueError for anything else."""
    try:
        raw = b64url_decode(p256dh)
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None
    if len(raw) != 65 or raw[0] != 4:
        raise ValueError("not an uncompressed P-256 point")
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)


def load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key as a PEM block, base64url DER, or the raw 32-octet scalar in
    base64url (what `npx web-push generate-vapid-keys` prints); ValueError otherwise."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        loaded = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        try:
            raw = b64url_decode("".join(text.split()))
        except (binascii.Error, ValueError):
            raise ValueError("not base64url") from None
        if len(raw) == 32:
            loaded = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        else:
            loaded = serialization.load_der_private_key(raw, password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey) or not isinstance(
        loaded.curve, ec.SECP256R1
    ):
        raise ValueError("not a P-256 key")
    return loaded


def encrypt(
    plaintext: bytes,
    p256dh: str,
    auth: str,
    *,
    sender_key: ec.EllipticCurvePrivateKey | None = None,
    salt: bytes | None = None,
) -> bytes:
    """The body of a push message for one subscription: RFC 8291's `aes128gcm`, one record.

    Every message gets a fresh sender key and salt; tests pass the RFC's to check the bytes.
    """
    if len(plaintext) > MAX_PLAINTEXT:
        raise ValueError("a push message holds at most 3993 octets")
    body: bytes = http_ece.encrypt(
        plaintext,
        salt=salt or os.urandom(16),
        private_key=sender_key or ec.generate_private_key(ec.SECP256R1()),
        dh=public_key_bytes(browser_key(p256dh)),
        auth_secret=b64url_decode(auth),
        version="aes128gcm",
        rs=4096,
    )
    return body


def audience(endpoint: str) -> str:
    """The origin of a push endpoint: the `aud` a push service checks."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def vapid_authorization(
    key: ec.EllipticCurvePrivateKey, subject: str, endpoint: str, now: float | None = None
) -> str:
    """The `Authorization: vapid t=<JWT>, k=<public key>` header for one push service."""
    claims = {
        "aud": audience(endpoint),
        "exp": int((time.time() if now is None else now) + TOKEN_SECONDS),
        "sub": subject,
    }
    signed: dict[str, str] = Vapid02(private_key=key).sign(claims)
    return signed["Authorization"]
