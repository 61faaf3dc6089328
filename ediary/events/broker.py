"""The broker interface, the in-process fan-out and the in-process broker."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from ediary.domain import session_end
from ediary.domain.journal.changes import DiaryChange
from ediary.domain.session_end import SessionsEnded
from ediary.domain.talk.changes import TOPIC as TALK_TOPIC
from ediary.domain.talk.changes import TalkChange

log = logging.getLogger("ediary.events")

# What travels: a diary change, a change to a conversation, or sessions that ended.
Change = DiaryChange | TalkChange | SessionsEnded
# Called synchronously, in order, for every change before any subscriber's queue gets it.
Listener = Callable[[Change], None]
# Called with the number of this process's subscribers whenever it changes.
SubscriberWatch = Callable[[int], None]


def decode(text: str) -> Change:
    """A change from its JSON; a conversation's and an ending's carry their topic."""
    data = json.loads(text)
    if data.get("topic") == TALK_TOPIC:
        return TalkChange.from_data(data)
    if data.get("topic") == session_end.TOPIC:
        return SessionsEnded.from_data(data)
    return DiaryChange.from_json(text)


# A subscriber that falls this far behind is cut off rather than let memory grow.
QUEUE_LIMIT = 1000


class Broker(Protocol):
    """Publishes committed changes and hands them to this process's subscribers."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, changes: Sequence[Change]) -> None:
        """Announce changes that are already committed."""
        ...

    def subscribe(self) -> AbstractAsyncContextManager[AsyncIterator[Change]]:
        """An async context manager: the changes published from now on, until it exits."""
        ...

    def add_listener(self, listener: Listener) -> None:
        """Call `listener` for every change this process receives, before any subscriber
        sees it (so that a session's end takes effect before a later change is pushed)."""
        ...

    def watch_subscribers(self, watch: SubscriberWatch) -> None:
        """Call `watch` with the number of this process's subscribers each time it changes."""
        ...


class _Closed:
    pass


CLOSED = _Closed()


class Hub:
    """Fans changes out to the subscribers of this process."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Change | _Closed]] = set()
        self.listeners: list[Listener] = []
        self.watches: list[SubscriberWatch] = []

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def deliver(self, change: Change) -> None:
        for listener in self.listeners:
            try:
                listener(change)
            except Exception:
                log.exception("a change listener failed")
        for queue in list(self._queues):
            try:
                queue.put_nowait(change)
            except asyncio.QueueFull:
                log.warning("a live subscriber fell behind and was disconnected")
                self._leave(queue)
                queue.get_nowait()
                queue.put_nowait(CLOSED)

    def _join(self, queue: asyncio.Queue[Change | _Closed]) -> None:
        self._queues.add(queue)
        self._counted()

    def _leave(self, queue: asyncio.Queue[Change | _Closed]) -> None:
        if queue in self._queues:
            self._queues.discard(queue)
            self._counted()

    def _counted(self) -> None:
        for watch in self.watches:
            try:
                watch(len(self._queues))
            except Exception:
                log.exception("a subscriber watch failed")

    def close_all(self) -> None:
        for queue in list(self._queues):
            self._leave(queue)
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(CLOSED)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[AsyncIterator[Change]]:
        queue: asyncio.Queue[Change | _Closed] = asyncio.Queue(QUEUE_LIMIT)
        self._join(queue)

        async def changes() -> AsyncIterator[Change]:
            while True:
                item = await queue.get()
                if isinstance(item, _Closed):
                    return
                yield item

        try:
            yield changes()
        finally:
            self._leave(queue)


class LocalBroker:
    """For one server process: changes go straight to this process's subscribers."""

    def __init__(self) -> None:
        self.hub = Hub()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self.hub.close_all()

    async def publish(self, changes: Sequence[Change]) -> None:
        for change in changes:
            self.hub.deliver(change)

    def subscribe(self) -> AbstractAsyncContextManager[AsyncIterator[Change]]:
        return self.hub.subscribe()

    def add_listener(self, listener: Listener) -> None:
        self.hub.listeners.append(listener)

    def watch_subscribers(self, watch: SubscriberWatch) -> None:
        self.hub.watches.append(watch)


def make_broker(database_url: str) -> Broker:
    """LISTEN/NOTIFY on PostgreSQL, where several processes may serve; in-process otherwise."""
    if database_url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        from ediary.events.postgres import PostgresBroker

        return PostgresBroker(database_url)
    return LocalBroker()
