"""Imported marks: checked by the journal's own rules, written set-based with their history."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from ediary.domain.bulk import insert_prepared, prepare_rows, reserve_ids, update_models
from ediary.domain.enums import MarkAction, WorkKind
from ediary.domain.errors import InvalidFields, NotFound, Problem
from ediary.domain.imports.scope import ImportScope, Refusal, single
from ediary.domain.journal.history import (
    Change,
    append_many,
    chain_events,
    chain_head,
    event_rows,
    state_of,
    write_events,
)
from ediary.domain.journal.marks import dated_too_far_ahead, mark_problems
from ediary.domain.models import Mark, Subject, Term
from ediary.domain.placements import placements
from ediary.domain.reach import OutsideReach

# What the history of an imported mark says about where it came from.
IMPORT_REASON = "imported"
# What an import may change of a mark it wrote before (the rest says which mark it is).
CORRECTABLE = ("value", "weight", "kind", "comment", "date", "term_id")


@dataclass(frozen=True)
class ImportedMark:
    """A mark from an export: for dated work of a class in a subject (no lesson).
    `mark_id` names a mark an earlier import wrote, to correct it instead of adding one."""

    student_id: int
    class_id: int
    subject_id: int
    on: date
    value: int
    author_id: int
    kind: WorkKind = WorkKind.CLASSWORK
    # None: the region policy's weight for the kind.
    weight: int | None = None
    comment: str = ""
    mark_id: int | None = None


@dataclass(frozen=True)
class RecordedMark:
    """A mark `record_marks` wrote or found as it was: "created", "updated" or "unchanged"."""

    mark_id: int
    action: str


@dataclass(slots=True)
class _NewMark:
    """The columns of a mark about to be inserted (a `Mark` object costs more to build)."""

    student_id: int
    school_class_id: int
    subject_id: int
    author_id: int
    value: int
    weight: int
    kind: WorkKind
    comment: str
    date: date
    term_id: int
    id: int = 0
    lesson_id: int | None = None


# The columns `record_marks` writes of a new mark.
NEW_MARK_FIELDS = (
    "id",
    "student_id",
    "lesson_id",
    "school_class_id",
    "subject_id",
    "term_id",
    "date",
    "value",
    "weight",
    "kind",
    "comment",
    "author_id",
    "created_at",
    "updated_at",
    "deleted_at",
)


def _term_on(terms: list[Term], day: date) -> Term | None:
    return next((t for t in terms if t.starts_on <= day <= t.ends_on), None)


async def record_marks(
    scope: ImportScope, entries: Sequence[ImportedMark], reason: str = IMPORT_REASON
) -> list[RecordedMark | Refusal]:
    """`record_mark` for many marks at once: each is checked as the API checks one, and the
    ones that pass are written in a few set-based statements with their history (`reason`
    says where they came from). Returns, in order, each mark or why it was refused."""
    writer = MarkWriter(scope, reason)
    results = await writer.record(entries)
    await writer.finish()
    return results


_Changed = list[tuple[int, Mark, tuple[int, int, str, str]]]


async def _check(
    scope: ImportScope, entries: Sequence[ImportedMark]
) -> tuple[list[RecordedMark | Refusal], list[tuple[int, _NewMark]], _Changed]:
    """Each entry checked: the marks to create, the marks to correct, and the results so far
    (refusals, and marks found as they were)."""
    results: list[RecordedMark | Refusal] = [NotFound()] * len(entries)
    if not entries:
        return results, [], []
    classes = await scope.owned_classes(e.class_id for e in entries)
    subjects = {
        s.id: s.school_id
        for s in await Subject.filter(id__in=sorted({e.subject_id for e in entries}))
    }
    authors = await scope.owned_users(e.author_id for e in entries)
    students = await scope.owned_users(e.student_id for e in entries)
    existing = {
        m.id: m for m in await Mark.filter(id__in=sorted({e.mark_id for e in entries if e.mark_id}))
    }
    years = sorted({c.academic_year_id for c in classes.values()})
    terms: dict[int, list[Term]] = defaultdict(list)
    for found in await Term.filter(academic_year_id__in=years):
        terms[found.academic_year_id].append(found)
    days = [e.on for e in entries]
    placed = await placements({e.student_id for e in entries}, min(days), max(days))
    # A chunk's marks fall on a few days of a few years: each day's term is looked up once.
    term_on: dict[tuple[int, date], Term | None] = {}
    new: list[tuple[int, _NewMark]] = []
    changed: _Changed = []
    for index, entry in enumerate(entries):
        school_class = classes.get(entry.class_id)
        if school_class is None:
            results[index] = OutsideReach(field="classId")
            continue
        if subjects.get(entry.subject_id) != school_class.school_id:
            results[index] = NotFound(field="subjectId")
            continue
        if entry.author_id not in authors:
            results[index] = OutsideReach(field="authorId")
            continue
        if entry.student_id not in students:
            results[index] = OutsideReach(field="studentId")
            continue
        policy = scope.policy_for(school_class.school.region.code)
        weight = entry.weight if entry.weight is not None else policy.weight_for(entry.kind)
        # The API's own checks, so an imported mark is one the API could have written.
        problems = mark_problems(policy, (), entry.value, weight, entry.comment)
        if ahead := dated_too_far_ahead(policy, entry.on, scope.today, ("date",)):
            problems.append(ahead)
        key = (school_class.academic_year_id, entry.on)
        if key not in term_on:
            term_on[key] = _term_on(terms[school_class.academic_year_id], entry.on)
        term = term_on[key]
        if term is None:
            problems.append(
                Problem(("date",), "This day is outside every term of the school year.")
            )
        if not any(
            p.class_id == entry.class_id and p.covers(entry.on)
            for p in placed.get(entry.student_id, [])
        ):
            problems.append(
                Problem(("studentId",), "This student is not in the class on that day.")
            )
        before = existing.get(entry.mark_id) if entry.mark_id is not None else None
        if entry.mark_id is not None and (
            before is None
            or before.deleted_at is not None
            or (before.student_id, before.school_class_id, before.subject_id)
            != (entry.student_id, entry.class_id, entry.subject_id)
        ):
            results[index] = NotFound(field="markId")
            continue
        if problems:
            results[index] = InvalidFields(problems)
            continue
        assert term is not None
        values = {
            "value": entry.value,
            "weight": weight,
            "kind": entry.kind,
            "comment": entry.comment,
            "date": entry.on,
            "term_id": term.id,
        }
        if before is None:
            new.append(
                (
                    index,
                    _NewMark(
                        entry.student_id,
                        entry.class_id,
                        entry.subject_id,
                        entry.author_id,
                        entry.value,
                        weight,
                        entry.kind,
                        entry.comment,
                        entry.on,
                        term.id,
                    ),
                )
            )
        elif any(getattr(before, name) != value for name, value in values.items()):
            state = state_of(before)
            before.update_from_dict(values)
            changed.append((index, before, state))
            results[index] = RecordedMark(before.id, "updated")
        else:
            results[index] = RecordedMark(before.id, "unchanged")
    return results, new, changed


@dataclass
class _Batch:
    """A chunk's rows, converted for the database: new marks, corrected marks, history."""

    marks: list[list[Any]]
    corrected: list[Mark]
    events: list[list[Any]]


class MarkWriter:
    """`record_marks` for an import's stream of chunks, with the database and this process
    working at once. The transaction's statements go one after another through its one
    connection, so the order is chosen for that: a chunk is checked and its ids reserved
    (short look-ups), then the chunk before it is sent to be stored, and this chunk's rows
    and history are built and hashed while the database stores that one; the next chunk is
    mapped by the caller meanwhile. Checking before sending keeps the look-ups from waiting
    behind a store.

    The writer keeps the head of the history between chunks: the chain's lock, taken with
    the first chunk, is held until the transaction ends. A chunk is stored by the next
    `record` or by `finish`, which waits until every chunk is; a failed store is raised by
    the `record` or `finish` after it. Write no other marks or history in the transaction
    between `record` and `finish`."""

    def __init__(self, scope: ImportScope, reason: str = IMPORT_REASON) -> None:
        self.scope = scope
        self.reason = reason
        self._head: tuple[int, str] | None = None
        # The last id reserved: on SQLite, ids are counted from the table, which does not
        # hold the chunk still waiting to be stored.
        self._top = 0
        self._waiting: _Batch | None = None
        self._storing: asyncio.Future[None] | None = None

    async def record(self, entries: Sequence[ImportedMark]) -> list[RecordedMark | Refusal]:
        """Check these marks; the ones that pass are stored with the next `record` or with
        `finish`. Returns, in order, each mark (with its id) or why it was refused."""
        if any(e.mark_id is not None for e in entries):
            # A correction is checked against the mark as stored: the chunks before first.
            await self._flush()
        conn = connections.get("default")
        try:
            results, new, changed = await _check(self.scope, entries)
            if not new and not changed:
                return results
            if self._head is None:
                self._head = await chain_head(conn)
            ids = await reserve_ids(Mark, len(new), conn, above=self._top)
        except BaseException:
            # After a failed store the transaction refuses every statement: the store's
            # error is the cause, and the one to raise.
            await self._stored()
            raise
        self._top = max([self._top, *ids])
        await self._send(conn)
        # Built in a thread, so that the event loop goes on sending the store meanwhile.
        self._waiting = await asyncio.to_thread(self._batch, new, ids, changed, results)
        return results

    async def finish(self) -> None:
        """Store what is waiting and wait until every chunk is stored. Other writes of the
        history may follow (a `retire_marks`): the next `record` reads the head again."""
        await self._flush()
        self._head = None

    async def abandon(self) -> None:
        """Drop what waits to be stored and let a store in progress end, its error dropped:
        for a transaction that is being rolled back for another error (its connection must
        be idle first)."""
        self._waiting = None
        with contextlib.suppress(BaseException):
            await self._stored()

    async def _send(self, conn: BaseDBAsyncClient) -> None:
        """Start storing the chunk that waits, once the one before it is stored."""
        if self._waiting is not None:
            await self._stored()
            batch, self._waiting = self._waiting, None
            self._storing = asyncio.ensure_future(_store(conn, batch))

    async def _flush(self) -> None:
        await self._send(connections.get("default"))
        await self._stored()

    async def _stored(self) -> None:
        if self._storing is not None:
            storing, self._storing = self._storing, None
            await storing

    def _batch(
        self,
        new: list[tuple[int, _NewMark]],
        ids: list[int],
        changed: _Changed,
        results: list[RecordedMark | Refusal],
    ) -> _Batch:
        assert self._head is not None
        now = datetime.now(UTC)
        marks = [mark for _, mark in new]
        for (index, mark), mark_id in zip(new, ids, strict=True):
            mark.id = mark_id
            results[index] = RecordedMark(mark_id, "created")
        rows = [
            [
                m.id,
                m.student_id,
                None,
                m.school_class_id,
                m.subject_id,
                m.term_id,
                m.date,
                m.value,
                m.weight,
                m.kind,
                m.comment,
                m.author_id,
                now,
                now,
                None,
            ]
            for m in marks
        ]
        corrected = [mark for _, mark, _ in changed]
        for fixed in corrected:
            fixed.updated_at = now
        # The history names who imported the mark; an operator at the command line is no
        # account, so then it names the author.
        actor = self.scope.actor_id
        history = [
            Change(m, MarkAction.CREATE, actor or m.author_id, None, self.reason) for m in marks
        ] + [
            Change(m, MarkAction.CORRECT, actor or m.author_id, before, self.reason)
            for _, m, before in changed
        ]
        events = chain_events(history, now, self._head)
        if events:
            self._head = (events[-1][0], events[-1][-1])
        return _Batch(prepare_rows(Mark, NEW_MARK_FIELDS, rows), corrected, event_rows(events))


async def _store(conn: BaseDBAsyncClient, batch: _Batch) -> None:
    await insert_prepared(Mark, NEW_MARK_FIELDS, batch.marks, conn)
    await update_models(batch.corrected, [*CORRECTABLE, "updated_at"], conn)
    await write_events(conn, batch.events)


async def record_mark(scope: ImportScope, entry: ImportedMark) -> Mark:
    """Write the mark and the first entry of its history, after the checks the API makes:
    the region's scale and weights, a date inside a term and not ahead of the policy's
    limit, a student in the class on that day, a subject and an author of the school."""
    recorded = single(await record_marks(scope, [entry]))
    return await Mark.get(id=recorded.mark_id)


async def retire_marks(
    scope: ImportScope, mark_ids: Sequence[int], reason: str = IMPORT_REASON
) -> set[int]:
    """Mark these marks deleted (kept, as the journal keeps a deleted mark), with a history
    entry each; returns the ones this retired. Marks the reach does not own, or already
    deleted, are left as they are."""
    owned = await scope.guard.owned_ids(Mark, mark_ids)
    marks = await Mark.filter(id__in=sorted(owned), deleted_at=None)
    if not marks:
        return set()
    now = datetime.now(UTC)
    for mark in marks:
        mark.deleted_at = mark.updated_at = now
    conn = connections.get("default")
    await update_models(marks, ["deleted_at", "updated_at"], conn)
    actor = scope.actor_id
    await append_many(
        conn,
        [
            Change(mark, MarkAction.DELETE, actor or mark.author_id, state_of(mark), reason)
            for mark in marks
        ],
        now,
    )
    return {mark.id for mark in marks}


__all__ = [
    "IMPORT_REASON",
    "ImportedMark",
    "MarkWriter",
    "RecordedMark",
    "record_mark",
    "record_marks",
    "retire_marks",
]
