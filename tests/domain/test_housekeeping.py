"""The sweep deletes expired throttle counters and budgets, and nothing still in force."""

from __future__ import annotations

from datetime import UTC, datetime

from ediary.domain.housekeeping import sweep
from tests.domain.expired_rows import remaining, seed


async def test_the_sweep_keeps_what_is_still_in_force(database: str) -> None:
    now = datetime.now(UTC)
    rows = await seed(now)
    removed = await sweep(now)
    assert removed["rate_limit"] >= 1 and removed["query_budget"] >= 1
    assert await remaining(rows) == {"open window", "still locked", "open budget"}
