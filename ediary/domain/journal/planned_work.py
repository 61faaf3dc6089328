"""Work announced ahead: a teacher tells the class of a test, quiz or remote test to come.

Announced work belongs to a lesson of the timetable and is written by whoever may give marks
at that lesson (`may_teach`: the teacher of its class and subject, or its substitute). It is
shown with the lesson to whoever sees the lesson, counted into the forecast with its weight,
put in the calendar feeds, and families are reminded of it `WriteContext.reminder_days`
before the lesson.

Reminders are outbox rows written now and due later, keyed
`work:<id>:<revision>:remind:<student>:<parent>:<channel>`: every change of the work takes
back the rows still waiting (pending or held for a digest) by that prefix and writes new
ones under the next revision, so a key is never reused and nothing stale goes out. A
cancellation tells the parents whose reminder already went (`work:<id>:cancel:...`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from ediary.domain import zones
from ediary.domain.enums import LessonStatus, OutboxStatus, WorkKind
from ediary.domain.errors import Forbidden, InvalidFields, InvalidInput, NotFound, Problem
from ediary.domain.journal import texts
from ediary.domain.journal.base import (
    LessonFacts,
    WriteContext,
    lesson_for_write,
    teaches,
    term_of,
    text_problem,
)
from ediary.domain.journal.changes import ChangeKind, DiaryChange, Outcome
from ediary.domain.models import Enrollment, Lesson, OutboxMessage, PlannedWork, User
from ediary.domain.notifications import Notice, enqueue
from ediary.domain.placements import enrolled_over

TOPIC_LIMIT = 200
DESCRIPTION_LIMIT = 1000
# Reminders go out in the afternoon of their day, once children are home from school.
REMINDER_TIME = time(16, 0)
IN_THE_PAST = "LESSON_IN_THE_PAST"


@dataclass(frozen=True)
class WorkEdit:
    """What changes in announced work; None leaves a part as it is."""

    lesson_id: int | None = None
    kind: WorkKind | None = None
    remote: bool | None = None
    topic: str | None = None
    description: str | None = None
    weight: int | None = None


async def announce_work(
    ctx: WriteContext,
    lesson_id: int,
    kind: WorkKind,
    *,
    remote: bool = False,
    topic: str = "",
    description: str = "",
    weight: int | None = None,
) -> Outcome[PlannedWork]:
    """Announce work for a lesson the viewer teaches, today or later, with the region's
    weight for its kind unless one is given; families are reminded ahead of it."""
    facts = await _plannable(ctx, lesson_id, ("lessonId",))
    policy = ctx.policy_for(facts.region_code)
    problems = await _lesson_problems(ctx, facts, ("lessonId",))
    problems += _text_problems(topic, description)
    if weight is not None and not 1 <= weight <= policy.max_weight:
        problems.append(Problem(("weight",), f"A weight is from 1 to {policy.max_weight}."))
    if problems:
        raise InvalidFields(problems)
    async with in_transaction():
        work = await PlannedWork.create(
            lesson_id=facts.lesson.id,
            kind=kind,
            remote=remote,
            topic=topic.strip(),
            description=description.strip(),
            weight=weight if weight is not None else policy.weight_for(kind),
            author_id=ctx.actor_id,
        )
        await _remind(ctx, work, facts, None)
    return Outcome(work, _changed(facts.lesson))


async def change_work(ctx: WriteContext, work_id: int, edit: WorkEdit) -> Outcome[PlannedWork]:
    """Move announced work to another lesson the viewer teaches, or change its kind, weight,
    topic or description. A new kind without a weight takes the region's weight for it.
    Reminders still waiting are taken back; a move reminds every family of the new date,
    any other change re-writes only the reminders that had not gone yet."""
    if edit == WorkEdit():
        raise InvalidInput(
            "Nothing would change: give a lesson, kind, weight, topic or description."
        )
    work, facts = await _own_work(ctx, work_id)
    problems = await _lesson_problems(ctx, facts, ("workId",))
    target = facts
    if edit.lesson_id is not None and edit.lesson_id != work.lesson_id:
        target = await _plannable(ctx, edit.lesson_id, ("lessonId",))
        problems += await _lesson_problems(ctx, target, ("lessonId",))
    policy = ctx.policy_for(target.region_code)
    problems += _text_problems(edit.topic or "", edit.description or "")
    if edit.weight is not None and not 1 <= edit.weight <= policy.max_weight:
        problems.append(Problem(("weight",), f"A weight is from 1 to {policy.max_weight}."))
    if problems:
        raise InvalidFields(problems)
    moved = target.lesson.id != work.lesson_id
    if edit.kind is not None and edit.kind != work.kind:
        work.kind = edit.kind
        work.weight = policy.weight_for(edit.kind)
    if edit.weight is not None:
        work.weight = edit.weight
    if edit.remote is not None:
        work.remote = edit.remote
    if edit.topic is not None:
        work.topic = edit.topic.strip()
    if edit.description is not None:
        work.description = edit.description.strip()
    work.lesson_id = target.lesson.id
    work.revision += 1
    async with in_transaction():
        # Claims the next revision: of two writers who read the same one, the second
        # finds it gone and writes nothing (its reminders' keys would collide).
        await _claim(
            work.id, {"cancelled_at": None, "revision": work.revision - 1}, revision=work.revision
        )
        await work.save()
        waiting = await _withdraw(work.id)
        await _remind(ctx, work, target, None if moved else waiting)
    changes = _changed(target.lesson)
    if moved:
        changes += _changed(facts.lesson)
    return Outcome(work, changes)


async def cancel_work(ctx: WriteContext, work_id: int) -> Outcome[PlannedWork]:
    """Cancel announced work: it is shown nowhere any more, its waiting reminders are taken
    back, and parents who were already reminded are told it is off."""
    work, facts = await _own_work(ctx, work_id)
    if problems := await _lesson_problems(ctx, facts, ("workId",)):
        raise InvalidFields(problems)
    work.cancelled_at = ctx.now
    async with in_transaction():
        # A second, concurrent cancel finds the work cancelled and tells nobody twice.
        await _claim(work.id, {"cancelled_at": None}, cancelled_at=ctx.now)
        await work.save(update_fields=["cancelled_at", "updated_at"])
        await _withdraw(work.id)
        await _tell_cancelled(ctx, work, facts)
    return Outcome(work, _changed(facts.lesson))


async def _claim(work_id: int, expected: dict[str, object], **values: object) -> None:
    """Update the work's row only if it is still as the writer read it; refused (and the
    transaction rolled back) when another write came first."""
    if not await PlannedWork.filter(id=work_id, **expected).update(**values):
        raise NotFound(
            "This work was cancelled or changed meanwhile; load it again.", field="workId"
        )


async def _plannable(ctx: WriteContext, lesson_id: int, path: tuple[str, ...]) -> LessonFacts:
    """The lesson, if the viewer may announce work for it: NotFound when they cannot see
    it (as for no such lesson), Forbidden when they see it but do not teach it."""
    try:
        facts = await lesson_for_write(ctx, lesson_id)
    except NotFound:
        raise NotFound(field=path[0]) from None
    if not teaches(ctx, facts.lesson):
        raise Forbidden("Only the teacher of this lesson may announce work for it.")
    return facts


async def _own_work(ctx: WriteContext, work_id: int) -> tuple[PlannedWork, LessonFacts]:
    """Live work and its lesson, for whoever teaches that lesson; cancelled work and work
    of a lesson the viewer cannot see are NotFound, like an unknown ID."""
    work = await PlannedWork.get_or_none(id=work_id, cancelled_at=None)
    if work is None:
        raise NotFound(field="workId")
    facts = await _plannable(ctx, work.lesson_id, ("workId",))
    return work, facts


async def _lesson_problems(
    ctx: WriteContext, facts: LessonFacts, path: tuple[str, ...]
) -> list[Problem]:
    lesson = facts.lesson
    if lesson.date < ctx.today:
        return [Problem(path, "This lesson is over; work is announced ahead.", IN_THE_PAST)]
    if lesson.status == LessonStatus.CANCELLED:
        return [Problem(path, "This lesson is cancelled.")]
    if await term_of(facts.school_class.academic_year_id, lesson.date) is None:
        return [Problem(path, "This day is outside every term of the school year.")]
    return []


def _text_problems(topic: str, description: str) -> list[Problem]:
    found = [
        text_problem(topic, ("topic",), TOPIC_LIMIT),
        text_problem(description, ("description",), DESCRIPTION_LIMIT),
    ]
    return [p for p in found if p is not None]


def _changed(lesson: Lesson) -> tuple[DiaryChange, ...]:
    # Subscribers load the lesson again, and with it the work announced for it.
    return (
        DiaryChange(
            ChangeKind.LESSON_CHANGED,
            lesson.school_class_id,
            lesson.subject_id,
            None,
            lesson.id,
            lesson.id,
        ),
    )


def reminder_due(
    day: date, days_before: int, today: date, now: datetime, zone: ZoneInfo
) -> datetime:
    """When families hear of work on `day`: `days_before` days earlier in the afternoon, or
    at once when that moment has passed (work announced late)."""
    remind_on = day - timedelta(days=days_before)
    moment = zones.local_moment(remind_on, REMINDER_TIME, zone)
    return max(moment, now) if remind_on <= today else moment


def _key(work: PlannedWork) -> str:
    return f"work:{work.id}:{work.revision}:remind"


async def _withdraw(work_id: int) -> set[tuple[int, int]]:
    """Delete the work's reminders that have not gone out; (student, parent) of each."""
    waiting = OutboxMessage.filter(
        key__startswith=f"work:{work_id}:",
        key__contains=":remind:",
        status__in=[OutboxStatus.PENDING, OutboxStatus.HELD],
    )
    found = {(int(r.student_id or 0), r.recipient_id) for r in await waiting}
    await waiting.delete()
    return found


async def _students(facts: LessonFacts) -> dict[int, str]:
    """Students of the lesson's class on its day, with the names messages call them by."""
    ids = await Enrollment.filter(
        enrolled_over(facts.lesson.date), school_class_id=facts.school_class.id
    ).values_list("student_id", flat=True)
    found = await User.filter(id__in=list(ids))
    return {u.id: f"{u.first_name} {u.last_name}" for u in found}


async def _remind(
    ctx: WriteContext,
    work: PlannedWork,
    facts: LessonFacts,
    only: set[tuple[int, int]] | None,
) -> None:
    """Write the reminders of the work: to every parent of the class, or `only` to these
    (student, parent) pairs. Preferences and quiet hours apply at the moment they are due."""
    lesson = facts.lesson
    zone = zones.zone(facts.school_class.school.timezone)
    due = reminder_due(lesson.date, ctx.reminder_days, ctx.today, ctx.now, zone)
    parents: dict[int, set[int]] = defaultdict(set)
    for student_id, parent_id in only or ():
        parents[student_id].add(parent_id)
    notices = [
        Notice(
            student_id,
            f"{_key(work)}:{student_id}",
            texts.subject_line(name, texts.WORK_KINDS[work.kind]),
            texts.work_reminder(
                name, lesson.subject.name, work.kind, work.remote, lesson.date, work.topic
            ),
            None if only is None else frozenset(parents[student_id]),
        )
        for student_id, name in (await _students(facts)).items()
        if only is None or student_id in parents
    ]
    await enqueue(notices, ctx.channels, due, zone)


async def _tell_cancelled(ctx: WriteContext, work: PlannedWork, facts: LessonFacts) -> None:
    told = await OutboxMessage.filter(
        key__startswith=f"work:{work.id}:",
        key__contains=":remind:",
        status__in=[OutboxStatus.SENT, OutboxStatus.DIGESTED],
    ).values_list("student_id", "recipient_id")
    parents: dict[int, set[int]] = defaultdict(set)
    for student_id, parent_id in told:
        if student_id is not None:
            parents[int(student_id)].add(int(parent_id))
    if not parents:
        return
    names = {u.id: f"{u.first_name} {u.last_name}" for u in await User.filter(id__in=list(parents))}
    lesson = facts.lesson
    notices = [
        Notice(
            student_id,
            f"work:{work.id}:cancel:{student_id}",
            texts.subject_line(names.get(student_id, ""), "отмена: " + texts.WORK_KINDS[work.kind]),
            texts.work_cancelled(
                names.get(student_id, ""), lesson.subject.name, work.kind, work.remote, lesson.date
            ),
            frozenset(theirs),
        )
        for student_id, theirs in parents.items()
    ]
    await enqueue(notices, ctx.channels, ctx.now, zones.zone(facts.school_class.school.timezone))


async def work_at(lesson_ids: Sequence[int]) -> list[list[PlannedWork]]:
    """The live work announced for each lesson, in the order it was announced: one
    statement for any number of lessons. Whoever sees a lesson sees its work."""
    found: dict[int, list[PlannedWork]] = defaultdict(list)
    if lesson_ids:
        query = PlannedWork.filter(lesson_id__in=sorted(set(lesson_ids)), cancelled_at=None)
        for work in await query.order_by("id"):
            found[work.lesson_id].append(work)
    return [found.get(i, []) for i in lesson_ids]


async def upcoming_work(
    class_id: int, subject_id: int, after: date, until: date
) -> list[PlannedWork]:
    """Live work of a class and subject on lessons after `after` up to `until`, soonest
    first, each with its lesson; work on cancelled lessons is left out."""
    return (
        await PlannedWork.filter(
            cancelled_at=None,
            lesson__school_class_id=class_id,
            lesson__subject_id=subject_id,
            lesson__date__gt=after,
            lesson__date__lte=until,
        )
        .exclude(lesson__status=LessonStatus.CANCELLED)
        .select_related("lesson")
        .order_by("lesson__date", "lesson__period", "id")
    )
