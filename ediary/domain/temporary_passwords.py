"""Temporary passwords the school prints for families: typed by hand from a sheet of paper.

A password is 12 characters from 31 lower-case letters and digits that cannot be mistaken
for one another (no 0/o, 1/l/i), in groups of four joined by dashes, which are part of it
(xxxx-xxxx-xxxx): about 59 bits, far beyond what the login limits let anyone guess in the
days before the owner replaces it.

The password is derived from the server secret and a random nonce (HMAC-SHA256), so the
database alone never holds it, and the sheets can be printed again from the nonce while it
is kept (`issued_logins`): wiping the nonce makes the password unrecoverable for good.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["ALPHABET", "LENGTH", "derive", "new_nonce"]

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 12
GROUP = 4


def new_nonce() -> str:
    """A fresh random nonce, 128 bits, from the operating system's generator."""
    return secrets.token_hex(16)


def derive(secret_key: str, nonce: str) -> str:
    """The password of `nonce` under the server secret, as it is printed and typed."""
    digest = hmac.new(
        secret_key.encode(), b"ediary.temporary_password:" + nonce.encode(), hashlib.sha256
    ).digest()
    # 256 bits spread over 12 symbols of 31: the bias of the remainders is below 2**-190.
    number = int.from_bytes(digest, "big")
    symbols = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        symbols.append(ALPHABET[index])
    return "-".join("".join(symbols[i : i + GROUP]) for i in range(0, LENGTH, GROUP))
