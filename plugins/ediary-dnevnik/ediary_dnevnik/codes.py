"""The access-code format: twelve symbols of Crockford's base32, printed as XXXX-XXXX-XXXX.

The alphabet has no I, L, O or U, and reading tolerates the usual slips: lower case,
spaces and dashes, O for 0, I and L for 1. Twelve symbols carry 60 bits, far beyond guessing
under the redemption limits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_SLIPS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def new_nonce() -> str:
    return secrets.token_hex(16)


def derive(secret_key: str, nonce: str) -> str:
    """The code of a nonce under the server secret, normalized (no dashes)."""
    digest = hmac.new(
        secret_key.encode(), f"ediary-dnevnik-access-code:{nonce}".encode(), hashlib.sha256
    ).digest()
    number = int.from_bytes(digest[:8], "big") >> (64 - 5 * LENGTH)
    symbols = []
    for _ in range(LENGTH):
        number, index = divmod(number, 32)
        symbols.append(ALPHABET[index])
    return "".join(reversed(symbols))


def normalize(typed: str) -> str | None:
    """The code as stored, or None when what was typed cannot be a code."""
    value = "".join(typed.split()).upper().translate(_SLIPS)
    if len(value) != LENGTH or any(ch not in ALPHABET for ch in value):
        return None
    return value


def display(code: str) -> str:
    """XXXX-XXXX-XXXX, for print."""
    return "-".join(code[i : i + 4] for i in range(0, LENGTH, 4))
