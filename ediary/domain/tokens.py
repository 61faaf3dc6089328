"""Single-use, expiring secrets: confirmation and reset links, access codes, phone codes.

Only a digest of (purpose, secret) is stored. The purpose is part of the digest, so a secret
issued for one purpose cannot be spent on another, and short secrets of different purposes
never collide.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from ediary.domain.errors import TokenExpired, TokenInvalid, TokenUsed
from ediary.domain.models import OneTimeToken

__all__ = [
    "check",
    "consume",
    "digest",
    "issue",
    "revoke",
]


def _now() -> datetime:
    return datetime.now(UTC)


def digest(purpose: str, secret: str) -> str:
    """What the table stores for a secret of a purpose."""
    return hashlib.sha256(f"{purpose}\0{secret}".encode()).hexdigest()


def new_secret() -> str:
    """A secret for a link: 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


async def issue(
    purpose: str,
    lifetime: timedelta,
    *,
    user_id: int | None = None,
    payload: dict[str, Any] | None = None,
    secret: str | None = None,
) -> tuple[str, OneTimeToken]:
    """Store a new token and return its secret; pass `secret` for codes people type."""
    secret = secret or new_secret()
    try:
        token = await OneTimeToken.create(
            purpose=purpose,
            token_hash=digest(purpose, secret),
            user_id=user_id,
            payload=payload or {},
            expires_at=_now() + lifetime,
        )
    except IntegrityError:
        # Only a caller-chosen secret can collide; a random one of 256 bits does not.
        raise TokenInvalid("This code is already in use.") from None
    return secret, token


async def check(purpose: str, secret: str) -> OneTimeToken:
    """The live token for a secret, without spending it; a precise error otherwise."""
    token = await OneTimeToken.get_or_none(token_hash=digest(purpose, secret), purpose=purpose)
    if token is None:
        raise TokenInvalid()
    if token.used_at is not None:
        raise TokenUsed()
    if token.expires_at <= _now():
        raise TokenExpired()
    return token


async def consume(purpose: str, secret: str) -> OneTimeToken:
    """Spend a token. Of two concurrent attempts exactly one succeeds, the other gets
    TokenUsed. Inside a transaction that later rolls back, the token stays unspent."""
    token = await check(purpose, secret)
    now = _now()
    spent = await OneTimeToken.filter(id=token.id, used_at=None, expires_at__gt=now).update(
        used_at=now
    )
    if spent != 1:
        raise TokenUsed()
    token.used_at = now
    return token


async def revoke(purpose: str, user_id: int) -> int:
    """Spend every live token of a purpose for a user, as when a newer one replaces them."""
    now = _now()
    return await OneTimeToken.filter(purpose=purpose, user_id=user_id, used_at=None).update(
        used_at=now
    )
