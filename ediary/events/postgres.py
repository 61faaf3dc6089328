"""A broker over PostgreSQL LISTEN/NOTIFY, for several server processes on one database."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import asyncpg

from ediary.events.broker import Change, Hub, Listener, SubscriberWatch, decode

log = logging.getLogger("ediary.events")

CHANNEL = "ediary_diary_changes"
# NOTIFY payloads must stay under 8000 bytes; a change is well under 200.
PER_NOTIFY = 30


def _dsn(url: str) -> str:
    # Tortoise's scheme names; asyncpg wants postgresql:// and ignores Tortoise-only options.
    for scheme in ("asyncpg://", "postgres://"):
        if url.startswith(scheme):
            url = "postgresql://" + url[len(scheme) :]
    return url.split("?", 1)[0]


class PostgresBroker:
    """Publishes with NOTIFY after the commit; one LISTEN connection per process feeds the
    local subscribers, including the publishing process's own."""

    def __init__(self, database_url: str, reconnect_delay: float = 1.0) -> None:
        self.dsn = _dsn(database_url)
        self.hub = Hub()
        self.reconnect_delay = reconnect_delay
        self._listener: asyncpg.Connection | None = None
        self._publisher: asyncpg.Connection | None = None
        self._publish_lock = asyncio.Lock()
        self._watch: asyncio.Task[None] | None = None
        self._stopping = False
        self._lost = asyncio.Event()

    async def start(self) -> None:
        try:
            await self._listen()
        except (OSError, asyncpg.PostgresError) as error:
            # The database may come up after the server (containers start together): /readyz
            # says not ready meanwhile, and live updates start once the LISTEN reconnects.
            log.warning("cannot LISTEN yet (%s); retrying", type(error).__name__)
            self._lost.set()
        self._watch = asyncio.create_task(self._keep_listening(), name="ediary-listen")

    async def _listen(self) -> None:
        connection = await asyncpg.connect(self.dsn)
        await connection.add_listener(CHANNEL, self._on_notify)
        connection.add_termination_listener(lambda _: self._lost.set())
        self._listener = connection
        self._lost.clear()

    def _stopped(self) -> bool:
        # Read through a call: a check of the attribute right after an await would look to a
        # type checker as if the loop's condition still held.
        return self._stopping

    async def _keep_listening(self) -> None:
        while not self._stopping:
            await self._lost.wait()
            if self._stopped():  # stop() may have run while this task waited
                return
            log.warning("lost the LISTEN connection; reconnecting")
            while not self._stopping:
                try:
                    await self._listen()
                    break
                except (OSError, asyncpg.PostgresError):
                    await asyncio.sleep(self.reconnect_delay)

    def _on_notify(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        try:
            for item in json.loads(payload):
                self.hub.deliver(decode(json.dumps(item)))
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed change notification")

    async def stop(self) -> None:
        self._stopping = True
        self._lost.set()
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        for connection in (self._listener, self._publisher):
            if connection is not None and not connection.is_closed():
                await connection.close()
        self.hub.close_all()

    async def publish(self, changes: Sequence[Change]) -> None:
        if not changes:
            return
        items = [json.loads(c.to_json()) for c in changes]
        async with self._publish_lock:
            for attempt in range(2):
                try:
                    if self._publisher is None or self._publisher.is_closed():
                        self._publisher = await asyncpg.connect(self.dsn)
                    for start in range(0, len(items), PER_NOTIFY):
                        payload = json.dumps(items[start : start + PER_NOTIFY])
                        await self._publisher.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
                    return
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    self._publisher = None
                    if attempt:
                        # Live updates are a convenience: the diary itself is committed.
                        log.exception("could not publish %d changes", len(changes))

    def subscribe(self) -> AbstractAsyncContextManager[AsyncIterator[Change]]:
        return self.hub.subscribe()

    def add_listener(self, listener: Listener) -> None:
        self.hub.listeners.append(listener)

    def watch_subscribers(self, watch: SubscriberWatch) -> None:
        self.hub.watches.append(watch)
