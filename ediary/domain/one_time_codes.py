"""Short codes people type, such as six digits sent by SMS: single-use, expiring, and dead
after a few tries.

A six-digit code is a million guesses, so unlike a link's secret (`tokens`) it is never looked
up by its value: it belongs to a subject (a phone number, an account) and is checked against
that subject's newest code only. Its digest is keyed with the server secret, so the table
alone does not give the codes away by trying all million.

Checking is two steps. `count_attempt` counts the try on the code in its own statement,
outside the transaction of the request, so that a refused try still counts after the
rollback. `spend`, inside the transaction, compares and uses the code; it takes the counted
attempt, so no caller can compare without counting. Every try counts, the right one too:
after `max_attempts` tries the code is dead and the right digits are refused as well.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F

from ediary.domain.errors import TokenExhausted, TokenExpired, TokenInvalid, TokenUsed
from ediary.domain.models import OneTimeCode

__all__ = [
    "Attempt",
    "Policy",
    "count_attempt",
    "issue",
    "spend",
]


@dataclass(frozen=True)
class Policy:
    """How a code of a purpose looks and how long it lives."""

    digits: int = 6
    lifetime: timedelta = timedelta(minutes=10)
    max_attempts: int = 5


@dataclass(frozen=True)
class Attempt:
    """A try counted on the newest code of a subject (code_id None: it has none)."""

    purpose: str
    subject: str
    code_id: int | None


def _now() -> datetime:
    return datetime.now(UTC)


def _subject_hash(purpose: str, subject: str) -> str:
    return hashlib.sha256(f"{purpose}\0{subject}".encode()).hexdigest()


def _code_hash(secret_key: str, purpose: str, subject: str, code: str) -> str:
    message = f"ediary-one-time-code\0{purpose}\0{subject}\0{code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


async def issue(
    purpose: str,
    subject: str,
    secret_key: str,
    policy: Policy = Policy(),
    *,
    user_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> tuple[str, OneTimeCode]:
    """A new code for the subject; it replaces the subject's earlier codes of the purpose.

    Only the newest code of a subject is ever checked, so its tries are not shared with a code
    the person no longer has. Earlier ones expire now rather than vanish: a flow can still see
    that what it sent was never used (an abandoned sign-up)."""
    subject_hash = _subject_hash(purpose, subject)
    now = _now()
    await OneTimeCode.filter(
        purpose=purpose, subject_hash=subject_hash, used_at=None, expires_at__gt=now
    ).update(expires_at=now)
    code = f"{secrets.randbelow(10**policy.digits):0{policy.digits}d}"
    row = await OneTimeCode.create(
        purpose=purpose,
        subject_hash=subject_hash,
        code_hash=_code_hash(secret_key, purpose, subject, code),
        user_id=user_id,
        payload=payload or {},
        max_attempts=policy.max_attempts,
        expires_at=now + policy.lifetime,
    )
    return code, row


async def count_attempt(purpose: str, subject: str) -> Attempt:
    """Count one try on the subject's newest code. Call it outside the request's transaction."""
    newest: list[Any] = (
        await OneTimeCode.filter(purpose=purpose, subject_hash=_subject_hash(purpose, subject))
        .order_by("-id")
        .limit(1)
        .values_list("id", flat=True)
    )
    if not newest:
        return Attempt(purpose, subject, None)
    code_id = int(newest[0])
    # One statement, so parallel tries cannot all read the same count.
    await OneTimeCode.filter(id=code_id).update(attempts=F("attempts") + 1)
    return Attempt(purpose, subject, code_id)


async def spend(attempt: Attempt, typed: str, secret_key: str) -> OneTimeCode:
    """Use the code if `typed` is it; a precise error otherwise. Inside a transaction that
    later rolls back, the code stays unused (and the attempt stays counted)."""
    row = await OneTimeCode.get_or_none(id=attempt.code_id) if attempt.code_id else None
    if row is None:
        raise TokenInvalid()
    if row.used_at is not None:
        raise TokenUsed()
    if row.expires_at <= _now():
        raise TokenExpired()
    if row.attempts > row.max_attempts:
        raise TokenExhausted()
    expected = _code_hash(secret_key, attempt.purpose, attempt.subject, "".join(typed.split()))
    if not hmac.compare_digest(expected, row.code_hash):
        raise TokenInvalid()
    now = _now()
    # Of two requests with the right code at once, exactly one uses it.
    spent = await OneTimeCode.filter(id=row.id, used_at=None).update(used_at=now)
    if spent != 1:
        raise TokenUsed()
    row.used_at = now
    return row
