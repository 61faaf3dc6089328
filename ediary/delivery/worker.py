"""The delivery worker: claims due outbox rows, sends them, retries with backoff.

Several server processes may run one each. A row is claimed with a compare-and-set update
(only one process wins it), and marked sent by the process that holds the claim, so a key
is sent once. The one gap no outbox can close: a process that dies after the channel
accepted a message but before marking it sent leaves it to be sent again when the claim
expires; channels pass the key on (Message-ID, the gateway's idempotency key) for that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from ediary.adapters.notify import Message, NotificationChannel
from ediary.domain.enums import OutboxStatus
from ediary.domain.models import OutboxMessage

log = logging.getLogger("ediary.delivery")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    first_delay: float = 30.0
    max_delay: float = 6 * 3600.0
    # How long a claim lasts; longer than any send may take.
    lease: float = 120.0
    send_timeout: float = 60.0

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff with a little jitter so failed rows do not retry in lockstep."""
        seconds = min(self.max_delay, self.first_delay * 2 ** max(0, attempts - 1))
        return timedelta(seconds=seconds * random.uniform(1.0, 1.1))


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _Raced(Exception):
    """Another process took some of the rows first."""


class DeliveryWorker:
    def __init__(
        self,
        channels: Mapping[str, NotificationChannel],
        *,
        retry: RetryPolicy = RetryPolicy(),
        poll_seconds: float = 5.0,
        batch: int = 50,
        concurrency: int = 8,
        clock: Callable[[], datetime] = _utcnow,
        on_round: Callable[[int], None] | None = None,
    ) -> None:
        self.channels = dict(channels)
        # Told how many messages each finished round sent (the server counts rounds in /metrics).
        self.on_round = on_round
        self.retry = retry
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.clock = clock
        self.worker_id = f"{socket.gethostname()}:{uuid.uuid4().hex[:12]}"
        self._wake = asyncio.Event()
        self._limit = asyncio.Semaphore(concurrency)
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look at the outbox now rather than at the next poll (after a commit)."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ediary-delivery")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                sent = await self.run_once()
                if self.on_round is not None:
                    self.on_round(sent)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database may be restarting: keep the worker alive and try again.
                log.exception("delivery round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()

    async def run_once(self) -> int:
        """Fold due digests, then send what is due; returns how many messages went out."""
        if not self.channels:
            return 0
        await self.compose_digests()
        now = self.clock()
        due = (
            await OutboxMessage.filter(
                Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
                status=OutboxStatus.PENDING,
                due_at__lte=now,
                channel__in=list(self.channels),
            )
            .order_by("due_at", "id")
            .limit(self.batch)
        )
        claimed = [row for row in due if await self._claim(row, now)]
        results = await asyncio.gather(*(self._deliver(row) for row in claimed))
        return sum(results)

    async def _claim(self, row: OutboxMessage, now: datetime) -> bool:
        taken = await OutboxMessage.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            id=row.id,
            status=OutboxStatus.PENDING,
        ).update(claimed_by=self.worker_id, claimed_until=now + timedelta(seconds=self.retry.lease))
        return taken == 1

    async def _deliver(self, row: OutboxMessage) -> bool:
        channel = self.channels[row.channel]
        message = Message(to=row.address, subject=row.subject, body=row.text, key=row.key)
        mine = OutboxMessage.filter(id=row.id, claimed_by=self.worker_id)
        try:
            async with self._limit:
                await asyncio.wait_for(channel.send(message), self.retry.send_timeout)
        except Exception as error:
            attempts = row.attempts + 1
            failed = attempts >= self.retry.max_attempts
            log.warning(
                "sending %s through %s failed (%s): %r", row.key, row.channel, attempts, error
            )
            await mine.update(
                attempts=attempts,
                status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
                due_at=self.clock() + self.retry.delay(attempts),
                claimed_by=None,
                claimed_until=None,
                last_error=repr(error)[:500],
            )
            return False
        await mine.update(
            status=OutboxStatus.SENT,
            sent_at=self.clock(),
            claimed_until=None,
            attempts=row.attempts + 1,
        )
        return True

    async def compose_digests(self) -> int:
        """Fold held messages whose digest hour has come into one message per parent, child
        and channel."""
        now = self.clock()
        held = (
            await OutboxMessage.filter(status=OutboxStatus.HELD, due_at__lte=now)
            .order_by("id")
            .limit(1000)
        )
        groups: dict[tuple[int, int | None, str, str], list[OutboxMessage]] = defaultdict(list)
        for row in held:
            groups[row.recipient_id, row.student_id, row.channel, row.address].append(row)
        made = 0
        for (recipient, student, channel, address), rows in groups.items():
            ids = [r.id for r in rows]
            try:
                async with in_transaction():
                    taken = await OutboxMessage.filter(id__in=ids, status=OutboxStatus.HELD).update(
                        status=OutboxStatus.DIGESTED
                    )
                    if taken != len(ids):
                        raise _Raced()
                    await OutboxMessage.create(
                        # Each held row goes into one digest only, so its first row names it.
                        key=f"digest:{ids[0]}:{channel}",
                        channel=channel,
                        address=address,
                        subject=f"Дневник: сводка, событий — {len(rows)}",
                        text="\n".join(r.text for r in rows),
                        recipient_id=recipient,
                        student_id=student,
                        status=OutboxStatus.PENDING,
                        due_at=now,
                    )
                made += 1
            except _Raced:
                continue
        return made
