"""The server's periodic sweep of expired bookkeeping rows (`ediary.domain.housekeeping`).

Every worker runs it: the deletes are idempotent, so several at once only repeat work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from ediary.domain.housekeeping import make_partitions, sweep

log = logging.getLogger(__name__)


class Housekeeper:
    """Sweeps every `interval` seconds while the server runs; an interval of 0 turns it off."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.interval > 0:
            self._task = asyncio.create_task(self._run(), name="ediary-housekeeping")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                removed = await sweep()
                made = await make_partitions(datetime.now(UTC).date())
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database may be restarting: try again at the next interval.
                log.exception("housekeeping sweep failed")
            else:
                if any(removed.values()):
                    log.info("housekeeping removed expired rows: %s", removed)
                if made:
                    log.info("housekeeping made %d partitions for the year ahead", made)
