"""Posting, correcting and deleting marks: one transaction each, history and outbox included."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from ediary.domain.access import may_amend_mark, may_see_class, may_teach
from ediary.domain.enums import MarkAction, WorkKind
from ediary.domain.errors import (
    DuplicateSubmission,
    Forbidden,
    InvalidFields,
    InvalidInput,
    NotFound,
    Problem,
)
from ediary.domain.grading import RegionPolicy
from ediary.domain.journal import texts
from ediary.domain.journal.base import (
    WriteContext,
    lesson_for_write,
    open_term_problem,
    term_of,
    text_problem,
)
from ediary.domain.journal.changes import ChangeKind, DiaryChange, Outcome
from ediary.domain.journal.history import Change, append, state_of
from ediary.domain.marks import visible_marks
from ediary.domain.models import Mark, MarkBatch, SchoolClass, Subject, User
from ediary.domain.notifications import Notice, enqueue
from ediary.domain.placements import placements
from ediary.domain.terms import current_term

COMMENT_LIMIT = 500
REASON_LIMIT = 500
KEY_LIMIT = 100


@dataclass(frozen=True)
class MarkEntry:
    """One student's mark in a batch; unset fields take the batch's values."""

    student_id: int
    value: int
    weight: int | None = None
    kind: WorkKind | None = None
    comment: str | None = None


@dataclass(frozen=True)
class MarkBatchInput:
    """Marks for a lesson, or for dated work of a class in a subject (no lesson)."""

    entries: list[MarkEntry]
    lesson_id: int | None = None
    class_id: int | None = None
    subject_id: int | None = None
    date: date | None = None
    kind: WorkKind = WorkKind.CLASSWORK
    weight: int | None = None
    comment: str = ""
    idempotency_key: str | None = None


@dataclass(frozen=True)
class MarkEdit:
    """A correction: the fields to change and why."""

    mark_id: int
    reason: str
    value: int | None = None
    weight: int | None = None
    kind: WorkKind | None = None
    comment: str | None = None


@dataclass
class _Target:
    class_id: int
    subject_id: int
    school_id: int
    academic_year_id: int
    region_code: str
    day: date
    lesson_id: int | None
    substitute_id: int | None
    problems: list[Problem] = field(default_factory=list)


async def _target(ctx: WriteContext, batch: MarkBatchInput) -> _Target:
    if batch.lesson_id is not None:
        facts = await lesson_for_write(ctx, batch.lesson_id)
        lesson = facts.lesson
        return _Target(
            lesson.school_class_id,
            lesson.subject_id,
            facts.school_id,
            facts.school_class.academic_year_id,
            facts.region_code,
            lesson.date,
            lesson.id,
            lesson.substitute_teacher_id,
        )
    missing = [
        Problem((name,), "Give a lesson, or a class, a subject and a date.")
        for name, value in (
            ("classId", batch.class_id),
            ("subjectId", batch.subject_id),
            ("date", batch.date),
        )
        if value is None
    ]
    if missing:
        raise InvalidFields(missing)
    assert batch.class_id is not None and batch.subject_id is not None and batch.date is not None
    school_class = await SchoolClass.get_or_none(id=batch.class_id).select_related("school__region")
    if school_class is None or not may_see_class(
        ctx.viewer, school_class.id, school_class.school_id
    ):
        raise NotFound(field="classId")
    subject = await Subject.get_or_none(id=batch.subject_id)
    if subject is None or subject.school_id != school_class.school_id:
        raise NotFound(field="subjectId")
    return _Target(
        school_class.id,
        subject.id,
        school_class.school_id,
        school_class.academic_year_id,
        school_class.school.region.code,
        batch.date,
        None,
        None,
    )


def mark_problems(
    policy: RegionPolicy,
    path: tuple[str, ...],
    value: int | None,
    weight: int | None,
    comment: str | None,
) -> list[Problem]:
    found = []
    scale = policy.scale
    if value is not None and not scale.contains(value):
        found.append(
            Problem((*path, "value"), f"A mark is from {scale.minimum} to {scale.maximum}.")
        )
    if weight is not None and not 1 <= weight <= policy.max_weight:
        found.append(Problem((*path, "weight"), f"A weight is from 1 to {policy.max_weight}."))
    if comment is not None and (bad := text_problem(comment, (*path, "comment"), COMMENT_LIMIT)):
        found.append(bad)
    return found


def dated_too_far_ahead(
    policy: RegionPolicy, day: date, today: date, path: tuple[str, ...]
) -> Problem | None:
    """A mark dated later than the region allows (`mark_days_ahead`, 0: today at the latest)."""
    if day > today + timedelta(days=policy.mark_days_ahead):
        return Problem(path, "A mark cannot be dated in the future.")
    return None


async def post_marks(ctx: WriteContext, batch: MarkBatchInput) -> Outcome[list[Mark]]:
    """Write a class's marks at once, or none of them and every reason why."""
    if not batch.entries:
        raise InvalidInput("Give at least one mark.", field="marks")
    key = batch.idempotency_key
    if key is not None and not 1 <= len(key) <= KEY_LIMIT:
        raise InvalidInput(
            f"An idempotency key has 1 to {KEY_LIMIT} characters.", field="idempotencyKey"
        )
    target = await _target(ctx, batch)
    if not may_teach(ctx.viewer, target.class_id, target.subject_id, target.substitute_id):
        raise Forbidden("Only the teacher of this class and subject may give these marks.")
    policy = ctx.policy_for(target.region_code)
    problems = list(mark_problems(policy, (), None, batch.weight, batch.comment))
    date_path = ("lessonId",) if target.lesson_id is not None else ("date",)
    if ahead := dated_too_far_ahead(policy, target.day, ctx.today, date_path):
        problems.append(ahead)
    term, closed = await open_term_problem(ctx, target.academic_year_id, target.day, date_path)
    if closed:
        problems.append(closed)

    found = await placements({e.student_id for e in batch.entries}, target.day, target.day)
    seen: set[int] = set()
    for index, entry in enumerate(batch.entries):
        path = ("marks", str(index))
        in_class = any(
            p.class_id == target.class_id and p.covers(target.day)
            for p in found.get(entry.student_id, [])
        )
        if not in_class:
            problems.append(
                Problem((*path, "studentId"), "This student is not in the class on that day.")
            )
        elif entry.student_id in seen:
            problems.append(Problem((*path, "studentId"), "This student appears twice."))
        seen.add(entry.student_id)
        problems += mark_problems(policy, path, entry.value, entry.weight, entry.comment)
    if problems:
        raise InvalidFields(problems)
    assert term is not None

    try:
        async with in_transaction() as conn:
            record = None
            if key is not None:
                earlier = await MarkBatch.get_or_none(author_id=ctx.actor_id, key=key)
                if earlier is not None:
                    raise DuplicateSubmission(_ids(earlier.mark_ids))
                # Inserted first: a concurrent twin waits on the unique key, then fails.
                record = await MarkBatch.create(author_id=ctx.actor_id, key=key)
            marks = []
            for entry in batch.entries:
                kind = entry.kind or batch.kind
                weight = entry.weight or batch.weight or policy.weight_for(kind)
                marks.append(
                    await Mark.create(
                        student_id=entry.student_id,
                        lesson_id=target.lesson_id,
                        school_class_id=target.class_id,
                        subject_id=target.subject_id,
                        term_id=term.id,
                        date=target.day,
                        value=entry.value,
                        weight=weight,
                        kind=kind,
                        comment=entry.comment if entry.comment is not None else batch.comment,
                        author_id=ctx.actor_id,
                    )
                )
            if record is not None:
                record.mark_ids = ",".join(str(m.id) for m in marks)
                await record.save(update_fields=["mark_ids"])
            events = await append(
                conn, [Change(m, MarkAction.CREATE, ctx.actor_id) for m in marks], ctx.now
            )
            subject = await Subject.get(id=target.subject_id)
            names = await _names(m.student_id for m in marks)
            notices = [
                Notice(
                    m.student_id,
                    f"mark:{event.seq}",
                    texts.subject_line(names[m.student_id], f"оценка {m.value}"),
                    texts.mark_posted(names[m.student_id], subject.name, m.value, m.kind, m.date),
                )
                for m, event in zip(marks, events, strict=True)
            ]
            await enqueue(notices, ctx.channels, ctx.now, ctx.zone)
    except IntegrityError:
        if key is None:
            raise
        earlier = await MarkBatch.get_or_none(author_id=ctx.actor_id, key=key)
        if earlier is None:
            raise
        raise DuplicateSubmission(_ids(earlier.mark_ids)) from None
    changes = tuple(_change(ChangeKind.MARK_POSTED, m) for m in marks)
    return Outcome(marks, changes)


def _ids(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


async def _names(student_ids: object) -> dict[int, str]:
    ids = list(set(student_ids))  # type: ignore[call-overload]
    return {u.id: f"{u.first_name} {u.last_name}" for u in await User.filter(id__in=ids)}


def _change(kind: ChangeKind, mark: Mark) -> DiaryChange:
    return DiaryChange(
        kind, mark.school_class_id, mark.subject_id, mark.student_id, mark.id, mark.lesson_id
    )


async def _amendable(ctx: WriteContext, mark_id: int, reason: str) -> tuple[Mark, RegionPolicy]:
    """The mark, if the viewer may see it and change it, and a reason is given."""
    visible = await visible_marks(ctx.viewer, [mark_id])
    if mark_id not in visible:
        raise NotFound(field="markId")
    mark = await Mark.get(id=mark_id).select_related("school_class__school__region", "subject")
    school_class = mark.school_class
    term = await term_of(school_class.academic_year_id, mark.date)
    current = await current_term({school_class.academic_year_id}, ctx.today)
    is_current = term is not None and current is not None and term.id == current.id
    if not may_amend_mark(ctx.viewer, mark.author_id, school_class.school_id, is_current):
        if mark.author_id == ctx.viewer.user_id:
            raise Forbidden("The term of this mark is closed; ask the administration.")
        raise Forbidden("Only the teacher who gave the mark or the administration may change it.")
    if problem := text_problem(reason, ("reason",), REASON_LIMIT, required=True):
        raise InvalidFields([problem])
    return mark, ctx.policy_for(school_class.school.region.code)


async def correct_mark(ctx: WriteContext, edit: MarkEdit) -> Outcome[Mark]:
    """Change a mark's value, weight, kind or comment, keeping the old ones in its history."""
    mark, policy = await _amendable(ctx, edit.mark_id, edit.reason)
    problems = mark_problems(policy, (), edit.value, edit.weight, edit.comment)
    if problems:
        raise InvalidFields(problems)
    before = state_of(mark)
    if edit.value is not None:
        mark.value = edit.value
    if edit.weight is not None:
        mark.weight = edit.weight
    if edit.kind is not None:
        mark.kind = edit.kind
    if edit.comment is not None:
        mark.comment = edit.comment
    if state_of(mark) == before:
        raise InvalidInput("Nothing would change: give a new value, weight, kind or comment.")
    async with in_transaction() as conn:
        # The row is re-read under the transaction so two corrections never both start
        # from the same old value.
        current = await Mark.filter(id=mark.id, deleted_at=None).using_db(conn).first()
        if current is None or state_of(current) != before:
            raise InvalidInput("The mark changed meanwhile; reload it and try again.")
        await mark.save(
            using_db=conn, update_fields=["value", "weight", "kind", "comment", "updated_at"]
        )
        (event,) = await append(
            conn, [Change(mark, MarkAction.CORRECT, ctx.actor_id, before, edit.reason)], ctx.now
        )
        name = (await _names([mark.student_id]))[mark.student_id]
        text = texts.mark_corrected(
            name, mark.subject.name, before[0], mark.value, mark.date, edit.reason
        )
        notice = Notice(
            mark.student_id,
            f"mark:{event.seq}",
            texts.subject_line(name, "исправлена оценка"),
            text,
        )
        await enqueue([notice], ctx.channels, ctx.now, ctx.zone)
    return Outcome(mark, (_change(ChangeKind.MARK_CORRECTED, mark),))


async def delete_mark(ctx: WriteContext, mark_id: int, reason: str) -> Outcome[Mark]:
    """Withdraw a mark: it leaves the diary and averages, the row and its history stay."""
    mark, _ = await _amendable(ctx, mark_id, reason)
    async with in_transaction() as conn:
        changed = (
            await Mark.filter(id=mark.id, deleted_at=None).using_db(conn).update(deleted_at=ctx.now)
        )
        if changed != 1:
            raise NotFound(field="markId")
        mark.deleted_at = ctx.now
        (event,) = await append(
            conn, [Change(mark, MarkAction.DELETE, ctx.actor_id, state_of(mark), reason)], ctx.now
        )
        name = (await _names([mark.student_id]))[mark.student_id]
        notice = Notice(
            mark.student_id,
            f"mark:{event.seq}",
            texts.subject_line(name, "удалена оценка"),
            texts.mark_deleted(name, mark.subject.name, mark.value, mark.date, reason),
        )
        await enqueue([notice], ctx.channels, ctx.now, ctx.zone)
    return Outcome(mark, (_change(ChangeKind.MARK_DELETED, mark),))
