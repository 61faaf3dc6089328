"""The delivery worker against the real outbox table: claims are exclusive, failures are
retried with backoff, held messages fold into digests, and a key is never sent twice."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

from ediary.adapters.notify import Message
from ediary.delivery import DeliveryWorker, RetryPolicy
from ediary.domain.enums import OutboxStatus
from ediary.domain.models import OutboxMessage
from tests.journal.conftest import Class8

_names = itertools.count()


class Recorder:
    """A channel that records what it sends, optionally failing the first few times."""

    def __init__(self, name: str, fail_first: int = 0, delay: float = 0.0) -> None:
        self.name = name
        self.sent: list[Message] = []
        self.fail_first = fail_first
        self.delay = delay

    async def send(self, message: Message) -> None:
        await asyncio.sleep(self.delay)
        if self.fail_first > 0:
            self.fail_first -= 1
            raise ConnectionError("gateway down")
        self.sent.append(message)


def _channel_name() -> str:
    return f"test{next(_names)}"


async def _rows(
    class8: Class8, channel: str, count: int, status: OutboxStatus = OutboxStatus.PENDING
) -> list[OutboxMessage]:
    now = datetime.now(UTC)
    return [
        await OutboxMessage.create(
            key=f"{channel}:event{i}",
            channel=channel,
            address="anna.mother@example.org",
            subject=f"Subject {i}",
            text=f"Message {i}",
            recipient_id=class8.ids["p8_anna"],
            student_id=class8.ids["s8_anna"],
            status=status,
            due_at=now - timedelta(seconds=1),
        )
        for i in range(count)
    ]


async def test_two_workers_never_send_one_key_twice(class8: Class8) -> None:
    name = _channel_name()
    await _rows(class8, name, 20)
    channel = Recorder(name, delay=0.01)
    workers = [DeliveryWorker({name: channel}, batch=50) for _ in range(3)]
    sent = await asyncio.gather(*(w.run_once() for w in workers))
    assert sum(sent) == 20
    assert sorted(m.key for m in channel.sent) == sorted(f"{name}:event{i}" for i in range(20))
    assert await OutboxMessage.filter(channel=name, status=OutboxStatus.SENT).count() == 20
    assert sum(await asyncio.gather(*(w.run_once() for w in workers))) == 0


async def test_failures_are_retried_with_backoff_then_given_up(class8: Class8) -> None:
    name = _channel_name()
    (row,) = await _rows(class8, name, 1)
    clock = [datetime.now(UTC)]
    channel = Recorder(name, fail_first=1)
    retry = RetryPolicy(max_attempts=3, first_delay=60)
    worker = DeliveryWorker({name: channel}, retry=retry, clock=lambda: clock[0])
    assert await worker.run_once() == 0
    await row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_by) == (OutboxStatus.PENDING, 1, None)
    assert row.due_at >= clock[0] + timedelta(seconds=60)
    assert await worker.run_once() == 0  # not due yet
    clock[0] += timedelta(seconds=70)
    assert await worker.run_once() == 1
    await row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    assert [m.key for m in channel.sent] == [row.key]

    down = Recorder(name, fail_first=99)
    (doomed,) = await _rows(class8, name + "x", 1)
    worker = DeliveryWorker({name + "x": down}, retry=retry, clock=lambda: clock[0])
    for _ in range(3):
        await worker.run_once()
        clock[0] += timedelta(hours=1)
    await doomed.refresh_from_db()
    assert (doomed.status, doomed.attempts) == (OutboxStatus.FAILED, 3)
    assert "gateway down" in doomed.last_error
    assert retry.delay(2) > retry.delay(1)


async def test_held_messages_fold_into_one_digest(class8: Class8) -> None:
    name = _channel_name()
    await _rows(class8, name, 3, status=OutboxStatus.HELD)
    channel = Recorder(name)
    workers = [DeliveryWorker({name: channel}) for _ in range(2)]
    await asyncio.gather(*(w.run_once() for w in workers))
    await asyncio.gather(*(w.run_once() for w in workers))
    (digest,) = channel.sent
    assert digest.body == "Message 0\nMessage 1\nMessage 2"
    assert digest.key.startswith("digest:")
    assert await OutboxMessage.filter(channel=name, status=OutboxStatus.DIGESTED).count() == 3
