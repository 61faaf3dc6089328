"""The server sweeps expired bookkeeping rows on its own while it runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from ediary.server.housekeeping import Housekeeper
from tests.domain.expired_rows import remaining, seed
from tests.waiting import eventually

LEFT = {"open window", "still locked", "open budget"}


async def test_a_running_housekeeper_sweeps(database: str) -> None:
    rows = await seed(datetime.now(UTC))
    keeper = Housekeeper(interval=0.05)
    keeper.start()

    async def swept() -> bool:
        return await remaining(rows) == LEFT

    try:
        await eventually(swept, within=10, what="the housekeeper's sweep")
    finally:
        await keeper.stop()
    assert await remaining(rows) == LEFT


async def test_an_interval_of_zero_never_sweeps(database: str) -> None:
    rows = await seed(datetime.now(UTC))
    keeper = Housekeeper(interval=0)
    before = asyncio.all_tasks()
    keeper.start()
    # Nothing was started that could sweep later: no waiting needed to show it never does.
    assert asyncio.all_tasks() - before == set()
    await keeper.stop()
    assert "spent counter" in await remaining(rows)
