"""The server sweeps expired bookkeeping rows on its own while it runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from ediary.server.housekeeping import Housekeeper
from tests.domain.expired_rows import remaining, seed


async def test_a_running_housekeeper_sweeps(database: str) -> None:
    rows = await seed(datetime.now(UTC))
    keeper = Housekeeper(interval=0.05)
    keeper.start()
    try:
        for _ in range(200):
            if await remaining(rows) == {"open window", "still locked", "open budget"}:
                break
            await asyncio.sleep(0.05)
    finally:
        await keeper.stop()
    assert await remaining(rows) == {"open window", "still locked", "open budget"}


async def test_an_interval_of_zero_never_sweeps(database: str) -> None:
    rows = await seed(datetime.now(UTC))
    keeper = Housekeeper(interval=0)
    keeper.start()
    await asyncio.sleep(0.2)
    await keeper.stop()
    assert "spent counter" in await remaining(rows)
