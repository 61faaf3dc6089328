"""Imported marks: checked by the journal's own rules, written set-based with their history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise import connections

from ediary.domain.bulk import insert_rows, reserve_ids, update_models
from ediary.domain.enums import MarkAction, WorkKind
from ediary.domain.errors import InvalidFields, NotFound, Problem
from ediary.domain.imports.scope import ImportScope, Refusal, single
from ediary.domain.journal.history import Change, append_many, state_of
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
    results: list[RecordedMark | Refusal] = [NotFound()] * len(entries)
    if not entries:
        return results
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
    new: list[tuple[int, _NewMark]] = []
    changed: list[tuple[int, Mark, tuple[int, int, str, str]]] = []
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
        term = _term_on(terms[school_class.academic_year_id], entry.on)
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
    await _write(scope, new, changed, reason, results)
    return results


async def _write(
    scope: ImportScope,
    new: list[tuple[int, _NewMark]],
    changed: list[tuple[int, Mark, tuple[int, int, str, str]]],
    reason: str,
    results: list[RecordedMark | Refusal],
) -> None:
    conn = connections.get("default")
    now = datetime.now(UTC)
    marks = [mark for _, mark in new]
    for (index, mark), mark_id in zip(new, await reserve_ids(Mark, len(new), conn), strict=True):
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
    await insert_rows(Mark, NEW_MARK_FIELDS, rows, conn)
    corrected = [mark for _, mark, _ in changed]
    for fixed in corrected:
        fixed.updated_at = now
    await update_models(corrected, [*CORRECTABLE, "updated_at"], conn)
    # The history names who imported the mark; an operator at the command line is no
    # account, so then it names the author.
    actor = scope.actor_id
    history = [Change(m, MarkAction.CREATE, actor or m.author_id, None, reason) for m in marks] + [
        Change(m, MarkAction.CORRECT, actor or m.author_id, before, reason)
        for _, m, before in changed
    ]
    await append_many(conn, history, now)


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
    "RecordedMark",
    "record_mark",
    "record_marks",
    "retire_marks",
]
