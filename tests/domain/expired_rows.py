"""Throttle counters and query budgets around a moment, some expired and some in force, for the
housekeeping sweep's tests (the domain's and the server's)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

from ediary.domain import budget
from ediary.domain.models import QueryBudget, RateLimit


async def seed(now: datetime) -> dict[str, tuple[str, str]]:
    """One row of each kind that has expired by `now` and one still in force, by label:
    (table, key hash)."""
    rows: dict[str, tuple[str, str]] = {}
    for label, resets in (
        ("spent counter", now - timedelta(minutes=1)),
        ("open window", now + timedelta(minutes=10)),
        ("still locked", now + timedelta(minutes=5)),
    ):
        digest = uuid.uuid4().hex
        await RateLimit.create(
            scope="tests.sweep",
            key_hash=digest,
            attempts=3 if label != "still locked" else 6,
            resets_at=int(resets.timestamp()),
        )
        rows[label] = ("rate_limit", digest)
    for label, charged_at in (("spent budget", now - timedelta(hours=2)), ("open budget", now)):
        key = f"tests:{uuid.uuid4().hex}"
        await budget.charge(key, 1, 100, charged_at)
        rows[label] = ("query_budget", hashlib.sha256(key.encode()).hexdigest())
    return rows


async def remaining(rows: dict[str, tuple[str, str]]) -> set[str]:
    found = set()
    for label, (table, digest) in rows.items():
        model = RateLimit if table == "rate_limit" else QueryBudget
        if await model.filter(key_hash=digest).exists():
            found.add(label)
    return found
