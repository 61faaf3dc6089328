"""One limiter for every kind of attempt: password logins, code redemptions, reset requests.

A limit counts attempts for a (scope, key) pair inside a window; reaching the limit locks the
pair for a while. Counters live in the database, so every server process sees the same ones.

Callers record attempts outside the transaction of the request they limit: a refused request
rolls its own changes back, and the attempt must still count.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from ediary.domain.errors import TooManyAttempts
from ediary.domain.models import RateLimit


@dataclass(frozen=True)
class Limit:
    """At most `attempts` within `window`; reaching it locks the key for `lock`."""

    attempts: int
    window: timedelta
    lock: timedelta


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()


async def ensure_allowed(scope: str, key: str) -> None:
    """Raise TooManyAttempts while the key is locked."""
    row = await RateLimit.get_or_none(scope=scope, key_hash=_digest(scope, key))
    if row is not None and row.locked_until is not None and row.locked_until > _now():
        raise TooManyAttempts()


async def record(scope: str, key: str, limit: Limit) -> None:
    """Count one attempt; lock the key when this one reaches the limit."""
    key_hash = _digest(scope, key)
    now = _now()
    row = await RateLimit.get_or_none(scope=scope, key_hash=key_hash)
    if row is None:
        try:
            row = await RateLimit.create(
                scope=scope, key_hash=key_hash, attempts=0, window_ends_at=now + limit.window
            )
        except IntegrityError:
            # Another request created it first; count on that row.
            row = await RateLimit.get(scope=scope, key_hash=key_hash)
    if row.window_ends_at <= now:
        await RateLimit.filter(id=row.id).update(attempts=0, window_ends_at=now + limit.window)
    # Counted in SQL, so concurrent attempts are not lost.
    await RateLimit.filter(id=row.id).update(attempts=F("attempts") + 1)
    await row.refresh_from_db(fields=["attempts"])
    if row.attempts >= limit.attempts:
        await RateLimit.filter(id=row.id).update(
            attempts=0, window_ends_at=now + limit.window, locked_until=now + limit.lock
        )


async def attempt(scope: str, key: str, limit: Limit) -> None:
    """Check and count in one step, for limits on every attempt rather than on failures."""
    await ensure_allowed(scope, key)
    await record(scope, key, limit)


async def reset(scope: str, key: str) -> None:
    """Forget the attempts of a key, as after a successful login."""
    await RateLimit.filter(scope=scope, key_hash=_digest(scope, key)).delete()


async def prune(before: datetime | None = None) -> int:
    """Delete counters whose window and lock are both over; returns how many went."""
    moment = before or _now()
    unlocked = Q(locked_until__isnull=True) | Q(locked_until__lte=moment)
    return await RateLimit.filter(unlocked, window_ends_at__lte=moment).delete()
