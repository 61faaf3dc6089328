"""Ed25519 keys and signatures of acknowledgements, through the `cryptography` library.

What a parent signs is a canonical byte string: JSON with sorted keys, no spaces and ASCII
only, naming the request, a SHA-256 of its text, the parent, the child, the key and a
single-use nonce. The same bytes are stored with the key and the signature, so anyone
allowed can check the signature again later without trusting the server's word.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from ediary.domain.errors import SignatureMalformed, SigningKeyMalformed

PURPOSE = "ediary.acknowledgement.v1"
_MAX_KEY_TEXT = 1000
_MAX_SIGNATURE_TEXT = 200


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _b64(text: str) -> bytes:
    cleaned = text.strip()
    padded = cleaned + "=" * (-len(cleaned) % 4)
    try:
        if "-" in cleaned or "_" in cleaned:
            return base64.urlsafe_b64decode(padded.encode("ascii"))
        return base64.b64decode(padded.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ValueError("not base64") from None


def parse_public_key(text: str) -> bytes:
    """The raw 32 bytes of an Ed25519 public key given in base64 or PEM."""
    if not text or len(text) > _MAX_KEY_TEXT:
        raise SigningKeyMalformed(field="publicKey")
    try:
        if text.lstrip().startswith("-----BEGIN"):
            loaded = load_pem_public_key(text.encode("ascii"))
            if not isinstance(loaded, Ed25519PublicKey):
                raise ValueError("not Ed25519")
            return loaded.public_bytes(Encoding.Raw, PublicFormat.Raw)
        raw = _b64(text)
        Ed25519PublicKey.from_public_bytes(raw)
        return raw
    except (ValueError, TypeError, UnicodeEncodeError):
        raise SigningKeyMalformed(field="publicKey") from None


def parse_signature(text: str) -> bytes:
    if not text or len(text) > _MAX_SIGNATURE_TEXT:
        raise SignatureMalformed(field="signature")
    try:
        raw = _b64(text)
    except ValueError:
        raise SignatureMalformed(field="signature") from None
    if len(raw) != 64:
        raise SignatureMalformed(field="signature")
    return raw


def encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def fingerprint(raw_key: bytes) -> str:
    return hashlib.sha256(raw_key).hexdigest()


@dataclass(frozen=True)
class Statement:
    """What an acknowledgement's signature says."""

    request_id: int
    text_sha256: str
    parent_id: int
    student_id: int
    key_fingerprint: str
    nonce: str

    def payload(self) -> str:
        """The canonical text; its ASCII bytes are what is signed."""
        return json.dumps(
            {
                "purpose": PURPOSE,
                "request": self.request_id,
                "textSha256": self.text_sha256,
                "parent": self.parent_id,
                "student": self.student_id,
                "key": self.key_fingerprint,
                "nonce": self.nonce,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=True,
        )

    @classmethod
    def parse(cls, payload: str) -> Statement | None:
        """The statement in stored bytes; None unless they are exactly canonical."""
        try:
            data: dict[str, Any] = json.loads(payload)
            found = cls(
                request_id=int(data["request"]),
                text_sha256=str(data["textSha256"]),
                parent_id=int(data["parent"]),
                student_id=int(data["student"]),
                key_fingerprint=str(data["key"]),
                nonce=str(data["nonce"]),
            )
        except (ValueError, KeyError, TypeError):
            return None
        if data.get("purpose") != PURPOSE or found.payload() != payload:
            return None
        return found


def signature_holds(raw_key: bytes, signature: bytes, payload: bytes) -> bool:
    """Whether the signature over the bytes was made with the key's private half."""
    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(signature, payload)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_stored(
    payload: str | None,
    public_key: str | None,
    signature: str | None,
    expected: Statement | None = None,
) -> bool:
    """Check a stored signature again from the stored bytes, key and signature; with
    `expected`, also that the bytes speak of this request text, parent and child."""
    if payload is None or public_key is None or signature is None:
        return False
    try:
        raw_key, raw_signature = _b64(public_key), _b64(signature)
        data = payload.encode("ascii")
    except (ValueError, UnicodeEncodeError):
        return False
    if not signature_holds(raw_key, raw_signature, data):
        return False
    if expected is None:
        return True
    stated = Statement.parse(payload)
    return (
        stated is not None
        and stated.request_id == expected.request_id
        and stated.text_sha256 == expected.text_sha256
        and stated.parent_id == expected.parent_id
        and stated.student_id == expected.student_id
        and stated.key_fingerprint == fingerprint(raw_key)
    )
