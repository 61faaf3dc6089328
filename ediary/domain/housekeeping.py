"""Bookkeeping rows that can no longer change an answer, deleted so the tables stay small:
throttle counters whose window and lock are over, and query budgets whose hour is over. And
secrets kept for a while only: what the temporary passwords of login sheets that can no
longer be printed were derived from."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tortoise import connections

from ediary.domain import budget, issued_logins, partitions, ratelimit


async def sweep(now: datetime | None = None) -> dict[str, int]:
    """Delete what has expired by `now`; how many rows went, by table."""
    moment = now or datetime.now(UTC)
    return {
        "rate_limit": await ratelimit.prune(moment),
        "query_budget": await budget.prune(moment),
        # Wiped, not deleted: the issued login stays on record, its password unrecoverable.
        "issued_login": await issued_logins.wipe_expired_sheets(moment),
    }


async def make_partitions(today: date) -> int:
    """Make this academic year's and next year's partitions where missing (PostgreSQL), so
    that a year's first lesson never waits for them; how many tables were made."""
    return await partitions.ensure_ahead(connections.get("default"), today)
