"""The hash chain of mark events: appending, reading, and checking it against the marks.

Each event's hash is SHA-256 over a canonical JSON encoding of its content, which includes
the previous event's hash. Changing, removing or inserting an event breaks every hash after
it; changing a mark row directly makes it disagree with its last event.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

import orjson
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from ediary.domain import partitions
from ediary.domain.bulk import insert_prepared, prepare_rows
from ediary.domain.enums import MarkAction
from ediary.domain.models import Mark, MarkEvent

__all__ = [
    "Change",
    "MarkState",
    "append",
    "append_many",
    "record_imported",
    "state_of",
    "verify",
]

GENESIS = "0" * 64
# Key of the PostgreSQL advisory lock that serialises appends: two writers never both
# extend the same head of the chain.
CHAIN_LOCK = 0x6564_6961_7279  # "ediary"
PAGE = 2000


def canonical(content: dict[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same content always gives the same bytes.

    Events hold only strings, integers, nulls and lists of them; for those orjson writes
    byte for byte what `json.dumps(sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)` wrote when the chain began (a test holds it to that), at a
    fraction of the cost, which matters when an import hashes tens of thousands of events.
    """
    return orjson.dumps(content, option=orjson.OPT_SORT_KEYS)


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


# The columns of an event, in the order they are written.
EVENT_FIELDS = (
    "seq",
    "mark_id",
    "action",
    "actor_id",
    "at",
    "student_id",
    "subject_id",
    "lesson_id",
    "date",
    "old_value",
    "old_weight",
    "old_kind",
    "old_comment",
    "new_value",
    "new_weight",
    "new_kind",
    "new_comment",
    "reason",
    "prev_hash",
    "hash",
)


def _content(event: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "seq": event["seq"],
        "mark": event["mark_id"],
        "action": str(event["action"]),
        "actor": event["actor_id"],
        "at": _instant(event["at"]),
        "student": event["student_id"],
        "subject": event["subject_id"],
        "lesson": event["lesson_id"],
        "date": event["date"].isoformat(),
        "old": [event["old_value"], event["old_weight"], event["old_kind"], event["old_comment"]],
        "new": [event["new_value"], event["new_weight"], event["new_kind"], event["new_comment"]],
        "reason": event["reason"],
        "prev": event["prev_hash"],
    }


def event_content(event: MarkEvent) -> dict[str, Any]:
    """Everything an event says, including the hash of the one before it."""
    return _content({name: getattr(event, name) for name in EVENT_FIELDS})


def event_hash(event: MarkEvent) -> str:
    return hashlib.sha256(canonical(event_content(event))).hexdigest()


class MarkState(Protocol):
    """What the history records of a mark: a `Mark`, or the values of one being written."""

    @property
    def id(self) -> int: ...
    @property
    def student_id(self) -> int: ...
    @property
    def subject_id(self) -> int: ...
    @property
    def lesson_id(self) -> int | None: ...
    @property
    def date(self) -> date: ...
    @property
    def value(self) -> int: ...
    @property
    def weight(self) -> int: ...
    @property
    def kind(self) -> Any: ...
    @property
    def comment(self) -> str: ...


@dataclass(frozen=True)
class Change:
    """A change to record: the mark as it is now, and what it was before (None if new)."""

    mark: MarkState
    action: MarkAction
    actor_id: int
    before: tuple[int, int, str, str] | None = None
    reason: str = ""
    # When the change happened, if not at the moment of appending (imported marks).
    at: datetime | None = None


def state_of(mark: MarkState) -> tuple[int, int, str, str]:
    """The parts of a mark a correction may change."""
    return (mark.value, mark.weight, str(mark.kind), mark.comment)


async def chain_head(conn: BaseDBAsyncClient) -> tuple[int, str]:
    """The last event's seq and hash, under the chain's lock (PostgreSQL), which is held
    until the transaction ends: no other writer extends the chain until then."""
    if conn.capabilities.dialect == "postgres":
        # Held until the transaction ends, so the next writer reads this one's head.
        await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [CHAIN_LOCK])
    # SQLite has a single writer at a time; the unique seq and hash columns catch anything else.
    head = await MarkEvent.all().using_db(conn).order_by("-seq").first()
    return (head.seq, head.hash) if head else (0, GENESIS)


def chain_events(changes: Sequence[Change], at: datetime, head: tuple[int, str]) -> list[list[Any]]:
    """The events of the changes after `head`, hashed, as rows of `EVENT_FIELDS` not yet
    written (`event_rows`, `write_events`)."""
    seq, prev = head
    rows: list[list[Any]] = []
    # An import's events share a few kinds, actions and instants, and its marks a few
    # hundred days: each is written out once, not once an event.
    actions: dict[MarkAction, str] = {}
    kinds: dict[Any, str] = {}
    days: dict[date, str] = {}
    instants: dict[datetime, str] = {}
    for change in changes:
        mark, old = change.mark, change.before
        seq += 1
        when = change.at or at
        action, kind, day = change.action, mark.kind, mark.date
        action_text = actions.get(action) or actions.setdefault(action, str(action))
        kind_text = kinds.get(kind) or kinds.setdefault(kind, str(kind))
        day_text = days.get(day) or days.setdefault(day, day.isoformat())
        instant = instants.get(when) or instants.setdefault(when, _instant(when))
        was = list(old) if old else [None, None, None, None]
        now = [mark.value, mark.weight, kind_text, mark.comment]
        # The same content as `_content` of the stored event: `verify` recomputes it so.
        content = {
            "seq": seq,
            "mark": mark.id,
            "action": action_text,
            "actor": change.actor_id,
            "at": instant,
            "student": mark.student_id,
            "subject": mark.subject_id,
            "lesson": mark.lesson_id,
            "date": day_text,
            "old": was,
            "new": now,
            "reason": change.reason,
            "prev": prev,
        }
        digest = hashlib.sha256(canonical(content)).hexdigest()
        rows.append(
            [
                seq,
                mark.id,
                action,
                change.actor_id,
                when,
                mark.student_id,
                mark.subject_id,
                mark.lesson_id,
                day,
                *was,
                *now,
                change.reason,
                prev,
                digest,
            ]
        )
        prev = digest
    return rows


def event_rows(events: list[list[Any]]) -> list[list[Any]]:
    """The events of `chain_events` converted for the database (`write_events`)."""
    return prepare_rows(MarkEvent, EVENT_FIELDS, events)


async def write_events(conn: BaseDBAsyncClient, rows: list[list[Any]]) -> None:
    await insert_prepared(MarkEvent, EVENT_FIELDS, rows, conn)


async def _chain(
    conn: BaseDBAsyncClient, changes: Sequence[Change], at: datetime
) -> list[dict[str, Any]]:
    """Write events for the changes at the head of the chain; returns their columns."""
    if not changes:
        return []
    events = chain_events(changes, at, await chain_head(conn))
    await write_events(conn, event_rows(events))
    return [dict(zip(EVENT_FIELDS, event, strict=True)) for event in events]


async def append(
    conn: BaseDBAsyncClient, changes: Sequence[Change], at: datetime
) -> list[MarkEvent]:
    """Append events for the changes, inside the caller's transaction."""
    return [MarkEvent(**event) for event in await _chain(conn, changes, at)]


async def append_many(conn: BaseDBAsyncClient, changes: Sequence[Change], at: datetime) -> int:
    """`append` for an import's thousands of changes: the same events, not read back as
    objects; returns how many were written."""
    return len(await _chain(conn, changes, at))


async def record_imported(
    conn: BaseDBAsyncClient, marks: Iterable[Mark], reason: str = "imported"
) -> None:
    """Start the history of marks that were loaded in bulk (the demo, an import)."""
    changes = [Change(m, MarkAction.CREATE, m.author_id, None, reason, m.created_at) for m in marks]
    for start in range(0, len(changes), PAGE):
        await append(conn, changes[start : start + PAGE], datetime.now(UTC))


async def mark_history(mark_ids: Sequence[int]) -> dict[int, list[MarkEvent]]:
    """Events of these marks, oldest first, in one query."""
    found: dict[int, list[MarkEvent]] = {i: [] for i in mark_ids}
    rows = MarkEvent.filter(mark_id__in=list(mark_ids)).select_related("actor").order_by("seq")
    for event in await rows:
        found[event.mark_id].append(event)
    return found


# --- Verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """The first thing found wrong, naming the event (and mark) at fault."""

    message: str
    event_seq: int | None = None
    event_id: int | None = None
    mark_id: int | None = None


@dataclass(frozen=True)
class Verdict:
    events: int
    marks: int
    finding: Finding | None

    @property
    def ok(self) -> bool:
        return self.finding is None


async def _pages(model: Any, order: str) -> AsyncIterator[list[Any]]:
    last = None
    while True:
        query = model.all().order_by(order).limit(PAGE)
        if last is not None:
            query = query.filter(**{f"{order}__gt": last})
        rows = await query
        if not rows:
            return
        yield rows
        last = getattr(rows[-1], order)


async def _event_pages() -> AsyncIterator[list[MarkEvent]]:
    """The whole chain in order of `seq`: the live events and those of archived years."""
    archived = await partitions.archived_tables(connections.get("default"), "mark_event")
    if not archived:
        async for rows in _pages(MarkEvent, "seq"):
            yield rows
        return
    columns = ", ".join(MarkEvent._meta.db_fields)
    last = 0
    while True:
        union = " UNION ALL ".join(
            f"SELECT {columns} FROM {table} WHERE seq > {last:d}"
            for table in ("mark_event", *archived)
        )
        rows = await MarkEvent.raw(f"{union} ORDER BY seq LIMIT {PAGE:d}")
        if not rows:
            return
        yield list(rows)
        last = rows[-1].seq


_STATE = tuple[int, int, str, str, int, int, int | None, str, bool]


async def verify() -> Verdict:
    """Recompute the chain, then compare every mark with what its last event says."""
    expected_seq, prev = 1, GENESIS
    last_state: dict[int, tuple[_STATE, MarkEvent]] = {}
    count = 0
    async for events in _event_pages():
        for event in events:
            count += 1
            where = dict(event_seq=event.seq, event_id=event.id, mark_id=event.mark_id)
            if event.seq != expected_seq:
                return Verdict(
                    count,
                    0,
                    Finding(f"event #{expected_seq} is missing (next is #{event.seq})", **where),
                )
            if event.prev_hash != prev:
                return Verdict(
                    count,
                    0,
                    Finding(f"event #{event.seq} does not follow #{event.seq - 1}", **where),
                )
            if event_hash(event) != event.hash:
                return Verdict(
                    count, 0, Finding(f"event #{event.seq} was altered: its hash differs", **where)
                )
            state: _STATE = (
                event.new_value,
                event.new_weight,
                event.new_kind,
                event.new_comment,
                event.student_id,
                event.subject_id,
                event.lesson_id,
                event.date.isoformat(),
                event.action is MarkAction.DELETE,
            )
            last_state[event.mark_id] = (state, event)
            expected_seq, prev = event.seq + 1, event.hash
    marks = 0
    async for rows in _pages(Mark, "id"):
        for mark in rows:
            marks += 1
            recorded = last_state.pop(mark.id, None)
            if recorded is None:
                return Verdict(
                    count, marks, Finding(f"mark {mark.id} has no history", mark_id=mark.id)
                )
            state, event = recorded
            actual: _STATE = (
                *state_of(mark),
                mark.student_id,
                mark.subject_id,
                mark.lesson_id,
                mark.date.isoformat(),
                mark.deleted_at is not None,
            )
            if actual != state:
                names = "value weight kind comment student subject lesson date deleted".split()
                diff = ", ".join(
                    f"{n} {a!r} in the table, {e!r} in the history"
                    for n, a, e in zip(names, actual, state, strict=True)
                    if a != e
                )
                return Verdict(
                    count,
                    marks,
                    Finding(
                        f"mark {mark.id} differs from its last event #{event.seq}: {diff}",
                        event_seq=event.seq,
                        event_id=event.id,
                        mark_id=mark.id,
                    ),
                )
    return Verdict(count, marks, None)
