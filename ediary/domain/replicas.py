"""Reads on streaming replicas, with read-your-writes for the session that wrote.

A request that may read on a replica opens a `ReadTarget` (`reading()`); the hand-written
reads of `ediary.domain.sql` ask `read_client()` for their connection. It answers the
primary inside a transaction, for a request that writes, and whenever no replica is known
to be fit: up, within the lag bound, and past the write position of the session's last
write. What replicas have replayed is polled in the background (`ReplicaSet.start`),
never asked per request. See docs/operations.md, "Read replicas".
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient

from ediary.domain import dataversion

__all__ = [
    "UNRECORDED",
    "ReadTarget",
    "ReplicaSet",
    "active",
    "fall_back",
    "read_client",
    "reading",
    "record_write",
    "session_opened",
    "version_reached",
]

log = logging.getLogger("ediary.replicas")

# Byte positions in the WAL as integers: pg_lsn compares the same way, and an integer is
# what the session row keeps.
_PRIMARY_LSN = "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint AS lsn"
_REPLAYED_LSN = "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint AS lsn"
# The insert position is past the end of every commit that returned before it is read,
# whatever synchronous_commit says; the write position may not be.
_RECORD_WRITE = (
    "UPDATE login_session SET write_lsn = (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint "
    "WHERE id = ANY($1::bigint[])"
)
# The write position of a session just opened, until one is recorded for it: past any
# replica's, so its reads are on the primary. The flow that opened it may have written more
# in the same transaction (a portal login links children) or after it, and its commit is
# not known where the row is inserted; the request that opened it, or else the session's
# first request, records the real position once everything is committed.
UNRECORDED = 2**63 - 1


def _client(info: Mapping[str, Any], name: str) -> BaseDBAsyncClient:
    """A Tortoise client of its own for a replica, outside Tortoise's connections: with a
    second connection there, every `in_transaction()` would have to name its own. `info` is
    a connection's settings as Tortoise expands a URL (`ediary.db.replica_connection`)."""
    # No connection kept open while idle: asyncpg would otherwise try, and log, every second
    # to reopen one to a replica that is down.
    credentials = {"minsize": 0, **info["credentials"], "connection_name": name}
    client_class = importlib.import_module(info["engine"]).client_class
    client: BaseDBAsyncClient = client_class(**credentials)
    return client


@dataclass
class Replica:
    name: str
    client: BaseDBAsyncClient
    # What the last poll found; None until a poll has answered, or after one failed.
    replayed: int | None = None
    # When the replica last held everything the primary had written (monotonic clock).
    caught_up_at: float | None = None

    def lag(self, now: float) -> float:
        return float("inf") if self.caught_up_at is None else now - self.caught_up_at


@dataclass
class ReplicaSet:
    """The replicas of this process, with what each has replayed as of the last poll."""

    # Each replica's connection settings, as Tortoise expands a URL.
    connection_settings: Sequence[Mapping[str, Any]]
    max_lag: float = 5.0
    poll_seconds: float = 0.15
    replicas: list[Replica] = field(init=False)
    # (when, primary's position) of recent polls, to tell how long ago a replica's position
    # was the primary's: lag in time, whatever the rate of writes.
    _history: deque[tuple[float, int]] = field(init=False, default_factory=deque)
    _turn: Iterator[int] = field(init=False, default_factory=itertools.count)
    _task: asyncio.Task[None] | None = field(init=False, default=None)
    # Told after each poll how many replicas are fit and how many left out (for metrics).
    on_poll: Callable[[int, int], None] | None = None

    def __post_init__(self) -> None:
        # Connections are opened on first use, so a replica down at start delays nothing.
        self.replicas = [
            Replica(f"replica {index}", _client(info, f"replica_{index}"))
            for index, info in enumerate(self.connection_settings)
        ]

    async def poll(self) -> None:
        """One round: the primary's position, then each replica's replayed one."""
        now = time.monotonic()
        try:
            primary = await _position(connections.get("default"), _PRIMARY_LSN, self.poll_seconds)
        except Exception as error:  # any failure of the primary is the same here
            log.warning("cannot read the primary's WAL position (%s)", type(error).__name__)
            return
        self._history.append((now, primary))
        while self._history and now - self._history[0][0] > 4 * self.max_lag:
            self._history.popleft()
        for replica in self.replicas:
            try:
                replayed = await _position(replica.client, _REPLAYED_LSN, self.poll_seconds * 4)
            except Exception as error:  # a replica that does not answer is out
                if replica.replayed is not None:
                    log.warning("%s left out (%s)", replica.name, type(error).__name__)
                replica.replayed, replica.caught_up_at = None, None
                continue
            if replica.replayed is None:
                log.info("%s answers", replica.name)
            replica.replayed = replayed
            replica.caught_up_at = max(
                (when for when, position in self._history if position <= replayed), default=None
            )

    def choose(self, after: int | None) -> Replica | None:
        """A replica fit for a session whose last write ended at `after`."""
        now = time.monotonic()
        fit = [
            r
            for r in self.replicas
            if r.replayed is not None
            and r.lag(now) <= self.max_lag
            and (after is None or r.replayed >= after)
        ]
        if not fit:
            return None
        return fit[next(self._turn) % len(fit)]

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ediary-replicas")

    def fit(self) -> int:
        now = time.monotonic()
        return sum(r.replayed is not None and r.lag(now) <= self.max_lag for r in self.replicas)

    async def _run(self) -> None:
        while True:
            await self.poll()
            if self.on_poll is not None:
                fit = self.fit()
                self.on_poll(fit, len(self.replicas) - fit)
            await asyncio.sleep(self.poll_seconds)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for replica in self.replicas:
            with contextlib.suppress(Exception):
                await replica.client.close()


async def _position(client: BaseDBAsyncClient, text: str, within: float) -> int:
    # A replica that hangs must not hold the round up for the others.
    async with asyncio.timeout(max(within, 0.5)):
        _, rows = await client.execute_query(text)
    return int(rows[0]["lsn"])


_replicas: ReplicaSet | None = None


def activate(replicas: ReplicaSet | None) -> None:
    """Make `replicas` this process's set (None: every read on the primary)."""
    global _replicas
    _replicas = replicas


def active() -> ReplicaSet | None:
    return _replicas


@dataclass
class ReadTarget:
    """Where one request's reads go. Shared by reference with the tasks the request spawns,
    so a decision made in one resolver holds for its siblings too."""

    replica: Replica | None = None
    # Set once the request writes: from then on everything it reads is on the primary.
    wrote: bool = False
    # The replica's coarse data version, read before its first read for the request.
    replica_version: int | None = None
    # Sessions the request opened (a login), whose write position it records once done.
    opened: list[int] = field(default_factory=list)

    @property
    def read_on_replica(self) -> bool:
        return self.replica_version is not None

    # Whether a replica was wanted and none was fit, or the chosen one failed.
    on_primary: bool = False

    def for_session(self, write_lsn: int | None) -> None:
        """Choose a replica the session's own last write has reached, if any."""
        if _replicas is not None and not self.wrote and self.replica is None:
            self.replica = _replicas.choose(write_lsn)
            self.on_primary = self.replica is None

    def writes(self) -> None:
        self.wrote, self.replica = True, None

    def seen(self, version: int) -> None:
        """Keep the replica's version its first read saw; of two first reads that started at
        once, the older."""
        if self.replica_version is None or version < self.replica_version:
            self.replica_version = version


_target: ContextVar[ReadTarget | None] = ContextVar("ediary_read_target", default=None)


@contextlib.contextmanager
def reading() -> Iterator[ReadTarget]:
    """A read target for the block (one request); primary until `for_session` chooses."""
    target = ReadTarget()
    token = _target.set(target)
    try:
        yield target
    finally:
        _target.reset(token)


def current() -> ReadTarget | None:
    return _target.get()


async def read_client() -> BaseDBAsyncClient:
    """The connection for a read: the request's replica when it has one and no transaction
    is open, else the primary (or the transaction's connection)."""
    primary: BaseDBAsyncClient = connections.get("default")
    target = _target.get()
    if target is None or target.replica is None or isinstance(primary, TransactionalDBClient):
        return primary
    replica = target.replica
    if target.replica_version is not None:
        return replica.client
    try:
        # Once, before the request's first read, so that every read of the request sees at
        # least this version; two first reads starting at once keep the older one.
        version = int(await dataversion.current(replica.client))
    except Exception as error:  # a replica that does not answer: the primary reads instead
        log.warning("%s does not answer (%s); reading on the primary", replica.name, error)
        target.replica, target.on_primary = None, True
        return primary
    target.seen(version)
    return replica.client


def version_reached(kept_under: str, replica_version: object) -> bool:
    """Whether an answer read on a replica that had `replica_version` may be kept under
    `kept_under`, the coarse version read on the primary before the request ran."""
    return replica_version is None or (
        isinstance(replica_version, int)
        and kept_under.isdigit()
        and replica_version >= int(kept_under)
    )


def fall_back(client: BaseDBAsyncClient) -> bool:
    """After a read on `client` failed: whether it was the request's replica, which the
    request then leaves for the primary (the poll leaves it out for all, if it is down)."""
    target = _target.get()
    if target is None or target.replica is None or client is not target.replica.client:
        return False
    log.warning("a read on %s failed; reading on the primary", target.replica.name)
    target.replica, target.on_primary = None, True
    return True


def session_opened(session_id: int) -> None:
    """Note that the request opened this session (its row says `UNRECORDED`), so that the
    request records its write position once the login's writes are committed."""
    target = _target.get()
    if target is not None:
        target.opened.append(session_id)


async def record_write(*session_ids: int) -> None:
    """Keep with the sessions the primary's WAL position after their writes, so that their
    later reads, on whichever server, wait for a replica that has replayed them. Call it
    outside any transaction: the position must be past the writes' commit."""
    if not session_ids:
        return
    try:
        await connections.get("default").execute_query(_RECORD_WRITE, [list(session_ids)])
    except Exception as error:  # the mutation itself is committed: answer it all the same
        log.warning("could not keep the session's write position (%s)", error)
