"""The register of a lesson, excuses for absences, and remarks on students."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from ediary.domain.access import (
    Facet,
    may_excuse,
    may_record_attendance,
    may_teach,
    student_grant,
)
from ediary.domain.enums import AttendanceKind, ExcuseKind, RemarkKind
from ediary.domain.errors import Forbidden, InvalidFields, InvalidInput, NotFound, Problem
from ediary.domain.journal import texts
from ediary.domain.journal.base import (
    WriteContext,
    lesson_for_write,
    open_term_problem,
    text_problem,
)
from ediary.domain.journal.changes import ChangeKind, DiaryChange, Outcome
from ediary.domain.models import Attendance, Remark, User
from ediary.domain.notifications import Notice, enqueue
from ediary.domain.placements import placements

REASON_LIMIT = 300
REMARK_LIMIT = 1000
# Later than this is an absence, not lateness.
MAX_MINUTES_LATE = 45
# An excuse covers at most this many days at once (a long illness gets several notes).
MAX_EXCUSE_DAYS = 62


@dataclass(frozen=True)
class AttendanceEntry:
    """One student in the register: absent, late, or present (kind None) after all."""

    student_id: int
    kind: AttendanceKind | None
    minutes_late: int | None = None
    reason: str = ""


async def record_attendance(
    ctx: WriteContext, lesson_id: int, entries: list[AttendanceEntry]
) -> Outcome[list[Attendance]]:
    facts = await lesson_for_write(ctx, lesson_id)
    lesson = facts.lesson
    if not may_record_attendance(
        ctx.viewer, lesson.school_class_id, lesson.subject_id, lesson.substitute_teacher_id
    ):
        raise Forbidden("Only the teacher of this lesson or the class teacher keeps its register.")
    problems: list[Problem] = []
    _, closed = await open_term_problem(
        ctx, facts.school_class.academic_year_id, lesson.date, ("lessonId",)
    )
    if closed:
        problems.append(closed)
    if lesson.date > ctx.today:
        problems.append(Problem(("lessonId",), "The register of a future lesson cannot be kept."))
    found = await placements({e.student_id for e in entries}, lesson.date, lesson.date)
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        path = ("entries", str(index))
        if not any(
            p.class_id == lesson.school_class_id and p.covers(lesson.date)
            for p in found.get(entry.student_id, [])
        ):
            problems.append(Problem((*path, "studentId"), "This student is not in the class."))
        elif entry.student_id in seen:
            problems.append(Problem((*path, "studentId"), "This student appears twice."))
        seen.add(entry.student_id)
        if entry.kind is AttendanceKind.LATE and not (
            entry.minutes_late is not None and 1 <= entry.minutes_late <= MAX_MINUTES_LATE
        ):
            problems.append(
                Problem(
                    (*path, "minutesLate"), f"Lateness is from 1 to {MAX_MINUTES_LATE} minutes."
                )
            )
        if bad := text_problem(entry.reason, (*path, "reason"), REASON_LIMIT):
            problems.append(bad)
    if problems:
        raise InvalidFields(problems)

    names = {u.id: f"{u.first_name} {u.last_name}" for u in await User.filter(id__in=list(seen))}
    written: list[Attendance] = []
    changes: list[DiaryChange] = []
    notices: list[Notice] = []
    async with in_transaction():
        existing = {
            a.student_id: a
            for a in await Attendance.filter(lesson_id=lesson.id, student_id__in=list(seen))
        }
        for entry in entries:
            record = existing.get(entry.student_id)
            minutes = entry.minutes_late if entry.kind is AttendanceKind.LATE else None
            if entry.kind is None:
                if record is not None:
                    await record.delete()
                    changes.append(_change(lesson.school_class_id, lesson.subject_id, record))
                continue
            if record is None:
                record = await Attendance.create(
                    lesson_id=lesson.id,
                    date=lesson.date,
                    student_id=entry.student_id,
                    kind=entry.kind,
                    minutes_late=minutes,
                    reason=entry.reason,
                    recorded_by_id=ctx.actor_id,
                )
            elif (record.kind, record.minutes_late, record.reason) != (
                entry.kind,
                minutes,
                entry.reason,
            ):
                record.kind, record.minutes_late, record.reason = entry.kind, minutes, entry.reason
                await record.save(update_fields=["kind", "minutes_late", "reason"])
            else:
                written.append(record)
                continue
            written.append(record)
            changes.append(_change(lesson.school_class_id, lesson.subject_id, record))
            name = names[entry.student_id]
            notices.append(
                Notice(
                    entry.student_id,
                    f"attendance:{record.id}:{entry.kind}:{minutes or 0}",
                    texts.subject_line(name, "посещаемость"),
                    texts.attendance(name, lesson.subject.name, entry.kind, minutes, lesson.date),
                )
            )
        await enqueue(notices, ctx.channels, ctx.now, ctx.zone)
    return Outcome(written, tuple(changes))


def _change(class_id: int, subject_id: int, record: Attendance) -> DiaryChange:
    return DiaryChange(
        ChangeKind.ATTENDANCE_RECORDED,
        class_id,
        subject_id,
        record.student_id,
        record.id,
        record.lesson_id,
    )


async def excuse_absence(
    ctx: WriteContext,
    student_id: int,
    first_day: date,
    last_day: date,
    kind: ExcuseKind,
    reason: str,
) -> Outcome[list[Attendance]]:
    """Excuse every absence and lateness of a student over the days, with a stated reason."""
    found = (await placements([student_id], first_day, last_day)).get(student_id, [])
    grant = student_grant(ctx.viewer, student_id, found)
    if grant is None or not grant.allows(Facet.ATTENDANCE):
        raise NotFound(field="studentId")
    if last_day < first_day:
        raise InvalidInput("The last day comes before the first.", field="to")
    if (last_day - first_day).days >= MAX_EXCUSE_DAYS:
        raise InvalidInput(f"One excuse covers at most {MAX_EXCUSE_DAYS} days.", field="to")
    if problem := text_problem(reason, ("reason",), REASON_LIMIT, required=True):
        raise InvalidFields([problem])
    places = [p for p in found if p.starts_on <= last_day]
    if not any(may_excuse(ctx.viewer, kind, student_id, p.school_id, p.class_id) for p in places):
        raise Forbidden(
            "A parent excuses with a note, the health worker with a medical excuse, "
            "the class teacher or administration for the school."
        )
    allowed_classes = [
        p.class_id
        for p in places
        if may_excuse(ctx.viewer, kind, student_id, p.school_id, p.class_id)
    ]
    async with in_transaction():
        records = await Attendance.filter(
            student_id=student_id,
            lesson__date__gte=first_day,
            lesson__date__lte=last_day,
            lesson__school_class_id__in=allowed_classes,
        ).select_related("lesson")
        if not records:
            raise InvalidInput("There is no absence or lateness on these days.", field="from")
        ids = [r.id for r in records]
        await Attendance.filter(id__in=ids).update(excused=True, excuse_kind=kind, reason=reason)
    for record in records:
        record.excused, record.excuse_kind, record.reason = True, kind, reason
    changes = tuple(
        DiaryChange(
            ChangeKind.ABSENCE_EXCUSED,
            r.lesson.school_class_id,
            r.lesson.subject_id,
            student_id,
            r.id,
            r.lesson_id,
        )
        for r in records
    )
    return Outcome(records, changes)


async def add_remark(
    ctx: WriteContext, lesson_id: int, student_id: int, kind: RemarkKind, text: str
) -> Outcome[Remark]:
    facts = await lesson_for_write(ctx, lesson_id)
    lesson = facts.lesson
    if not may_teach(
        ctx.viewer, lesson.school_class_id, lesson.subject_id, lesson.substitute_teacher_id
    ):
        raise Forbidden("Only the teacher of this lesson may add remarks to it.")
    problems = [p for p in (text_problem(text, ("text",), REMARK_LIMIT, required=True),) if p]
    _, closed = await open_term_problem(
        ctx, facts.school_class.academic_year_id, lesson.date, ("lessonId",)
    )
    if closed:
        problems.append(closed)
    found = (await placements([student_id], lesson.date, lesson.date)).get(student_id, [])
    if not any(p.class_id == lesson.school_class_id and p.covers(lesson.date) for p in found):
        problems.append(Problem(("studentId",), "This student is not in the class."))
    if problems:
        raise InvalidFields(problems)
    remark = await Remark.create(
        lesson_id=lesson.id,
        student_id=student_id,
        kind=kind,
        text=text.strip(),
        author_id=ctx.actor_id,
    )
    await remark.fetch_related("author")
    change = DiaryChange(
        ChangeKind.REMARK_ADDED,
        lesson.school_class_id,
        lesson.subject_id,
        student_id,
        remark.id,
        lesson.id,
    )
    return Outcome(remark, (change,))
