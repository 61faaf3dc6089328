"""One limiter for every kind of attempt: password logins, code redemptions, reset requests.

A limit admits at most `attempts` attempts on a (scope, key) pair within a window; the attempt
that reaches the limit locks the pair for a while, and every attempt until the lock is over is
refused. Counters live in the database, so every server process sees the same ones.

Admission is one SQL statement that counts the attempt and returns the new count: parallel
requests cannot all read "four so far" and all go on to check a password. A caller that limits
failures only admits the attempt first and gives it back once it succeeded, so nothing is
verified beyond the limit, however many requests arrive at once.

Callers count attempts outside the transaction of the request they limit: a refused request
rolls its own changes back, and the attempt must still count.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F

from ediary.domain.errors import TooManyAttempts
from ediary.domain.models import RateLimit

__all__ = [
    "Counter",
    "Limit",
    "attempt",
    "attempt_all",
    "client_key",
    "ensure_allowed",
    "give_back",
    "record",
    "reset",
]


@dataclass(frozen=True)
class Limit:
    """At most `attempts` within `window`; reaching it locks the key for `lock`."""

    attempts: int
    window: timedelta
    lock: timedelta


@dataclass(frozen=True)
class Counter:
    """One limit on one key, for callers that check several at once."""

    scope: str
    key: str
    limit: Limit


# Every SET expression reads the row as it was before the statement, in PostgreSQL and in
# SQLite alike. A count over the limit stays one over it, so hammering a locked key neither
# grows the number nor moves the end of the lock. Times are Unix seconds, which compare alike
# in both databases (stored datetimes do not).
_ADMIT = """
INSERT INTO rate_limit (scope, key_hash, attempts, resets_at)
VALUES ({scope}, {key}, 1, CASE WHEN 1 >= {limit} THEN {now} + {lock} ELSE {now} + {window} END)
ON CONFLICT (scope, key_hash) DO UPDATE SET
  attempts = CASE
    WHEN rate_limit.resets_at <= {now} THEN 1
    WHEN rate_limit.attempts > {limit} THEN rate_limit.attempts
    ELSE rate_limit.attempts + 1 END,
  resets_at = CASE
    WHEN rate_limit.resets_at <= {now} THEN excluded.resets_at
    WHEN rate_limit.attempts + 1 = {limit} THEN {now} + {lock}
    ELSE rate_limit.resets_at END
RETURNING attempts, resets_at
"""


def _admit_sql(dialect: str) -> str:
    # Numbered parameters, typed: PostgreSQL cannot infer a type for a bare parameter in CASE.
    mark = "?" if dialect == "sqlite" else "$"
    return _ADMIT.format(
        scope=f"{mark}1",
        key=f"{mark}2",
        limit=f"CAST({mark}3 AS INTEGER)",
        now=f"CAST({mark}4 AS BIGINT)",
        window=f"CAST({mark}5 AS BIGINT)",
        lock=f"CAST({mark}6 AS BIGINT)",
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def client_key(address: str) -> str:
    """The key of a client address in limits per client. An IPv6 client counts by its /64
    network: one subscriber is given a whole /64 and could take a new address per attempt."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address  # "unknown", or a test client's name
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _digest(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()


def _retry_after(resets_at: int, now: datetime) -> int:
    # Whole seconds, rounded up and at least one, so a client that waits that long is admitted.
    return max(1, math.ceil(resets_at - now.timestamp()))


async def attempt(scope: str, key: str, limit: Limit, now: datetime | None = None) -> None:
    """Count one attempt and admit it, in one statement; TooManyAttempts (with the seconds
    until the lock is over) when the key has used up its attempts."""
    moment = now or _now()
    client = RateLimit._meta.db
    values = [
        scope,
        _digest(scope, key),
        limit.attempts,
        _seconds(moment),
        int(limit.window.total_seconds()),
        int(limit.lock.total_seconds()),
    ]
    # The dict variant: the PostgreSQL client drops the rows of statements starting with INSERT.
    rows = await client.execute_query_dict(_admit_sql(client.capabilities.dialect), values)
    if int(rows[0]["attempts"]) > limit.attempts:
        raise TooManyAttempts(retry_after=_retry_after(int(rows[0]["resets_at"]), moment))


async def attempt_all(counters: Sequence[Counter], now: datetime | None = None) -> None:
    """Admit one attempt on every counter, in order, or on none: when one refuses, the
    attempts already counted on the earlier ones are given back. Put the keys a client
    controls (its address) first, so that a refused client cannot run up the counters of
    keys others share (an account)."""
    admitted: list[Counter] = []
    try:
        for counter in counters:
            await attempt(counter.scope, counter.key, counter.limit, now)
            admitted.append(counter)
    except TooManyAttempts:
        for counter in admitted:
            await give_back(counter.scope, counter.key)
        raise


async def give_back(scope: str, key: str) -> None:
    """Uncount one admitted attempt, as for a login that succeeded: only failures count."""
    await RateLimit.filter(scope=scope, key_hash=_digest(scope, key), attempts__gt=0).update(
        attempts=F("attempts") - 1
    )


async def ensure_allowed(scope: str, key: str, limit: Limit, now: datetime | None = None) -> None:
    """Raise TooManyAttempts while the key has no attempt left, without counting one."""
    moment = now or _now()
    row = await RateLimit.get_or_none(scope=scope, key_hash=_digest(scope, key))
    if row is not None and row.resets_at > _seconds(moment) and row.attempts >= limit.attempts:
        raise TooManyAttempts(retry_after=_retry_after(row.resets_at, moment))


async def record(scope: str, key: str, limit: Limit, now: datetime | None = None) -> None:
    """Count one attempt that already happened, such as a post once it is saved."""
    # Counted all the same when over the limit; the next check refuses.
    with contextlib.suppress(TooManyAttempts):
        await attempt(scope, key, limit, now)


async def reset(scope: str, key: str) -> None:
    """Forget the attempts of a key, as after a successful login."""
    await RateLimit.filter(scope=scope, key_hash=_digest(scope, key)).delete()


async def prune(before: datetime | None = None) -> int:
    """Delete counters whose window and lock are over; returns how many went."""
    moment = _seconds(before or _now())
    return await RateLimit.filter(resets_at__lte=moment).delete()
