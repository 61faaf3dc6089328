"""Absences announced ahead: a parent tells the school a child will be away on given days.

A notice is the parent's note, like the PARENT_NOTE excuse (the same rule,
`may_announce_absence`, and the same limits as excusing an absence afterwards), given before
the register is kept: it is stored and shown to whoever sees the child's attendance at the
lessons of those days, and changes nothing else. The register is still the teacher's to
keep, and absences it records are excused, as before, with `excuse_absence`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from ediary.domain.access import Facet, Viewer, may_announce_absence, student_grant
from ediary.domain.errors import Forbidden, InvalidFields, NotFound, Problem
from ediary.domain.journal.attendance import MAX_EXCUSE_DAYS, REASON_LIMIT
from ediary.domain.journal.base import WriteContext, text_problem
from ediary.domain.models import AbsenceNotice, Enrollment
from ediary.domain.placements import enrolled_over, placements


async def announce_absence(
    ctx: WriteContext, student_id: int, first_day: date, last_day: date, reason: str
) -> AbsenceNotice:
    """Store a parent's notice that the child will be away from `first_day` to `last_day`.

    Another family's child answers NotFound, as an unknown ID would; someone who sees the
    child but is not their parent (the child, a teacher) is Forbidden."""
    found = (await placements([student_id], first_day, last_day)).get(student_id, [])
    grant = student_grant(ctx.viewer, student_id, found)
    if grant is None:
        raise NotFound(field="studentId")
    if not may_announce_absence(ctx.viewer, student_id):
        raise Forbidden("Only a parent announces their child's absence.")
    problems: list[Problem] = []
    if last_day < first_day:
        problems.append(Problem(("to",), "The last day comes before the first."))
    elif (last_day - first_day).days >= MAX_EXCUSE_DAYS:
        problems.append(Problem(("to",), f"One notice covers at most {MAX_EXCUSE_DAYS} days."))
    if first_day < ctx.today:
        problems.append(
            Problem(("from",), "An absence is announced ahead; excuse past ones instead.")
        )
    if bad := text_problem(reason, ("reason",), REASON_LIMIT):
        problems.append(bad)
    if problems:
        raise InvalidFields(problems)
    assert ctx.viewer.user_id is not None
    async with in_transaction():
        notice = await AbsenceNotice.create(
            student_id=student_id,
            parent_id=ctx.viewer.user_id,
            first_day=first_day,
            last_day=last_day,
            reason=reason.strip(),
        )
    return notice


@dataclass(frozen=True)
class LessonKey:
    """What a lesson needs to find its notices: its class, subject and day."""

    class_id: int
    subject_id: int
    day: date


async def notices_at(viewer: Viewer, lessons: Sequence[LessonKey]) -> list[list[AbsenceNotice]]:
    """For each lesson, the notices of its students that cover its day and that the viewer
    may see: whoever sees the student's attendance at that lesson (the family, the class
    teacher, the teacher of the subject, the administration, the health worker). In three
    statements, whatever the number of lessons."""
    if not lessons or not viewer.is_authenticated:
        return [[] for _ in lessons]
    first = min(k.day for k in lessons)
    last = max(k.day for k in lessons)
    classes = list({k.class_id for k in lessons})
    students = await Enrollment.filter(
        enrolled_over(first, last),
        school_class_id__in=classes,
    ).values_list("student_id", flat=True)
    student_ids = sorted({int(s) for s in students})  # type: ignore[call-overload]
    if not student_ids:
        return [[] for _ in lessons]
    notices = await AbsenceNotice.filter(
        student_id__in=student_ids, first_day__lte=last, last_day__gte=first
    ).order_by("first_day", "id")
    if not notices:
        return [[] for _ in lessons]
    placed = await placements({n.student_id for n in notices}, first, last)
    by_student: dict[int, list[AbsenceNotice]] = defaultdict(list)
    for notice in notices:
        by_student[notice.student_id].append(notice)
    answer: list[list[AbsenceNotice]] = []
    for key in lessons:
        shown = []
        for student_id, theirs in by_student.items():
            around = [
                p
                for p in placed.get(student_id, [])
                if p.class_id == key.class_id and p.covers(key.day)
            ]
            if not around:
                continue
            grant = student_grant(viewer, student_id, around)
            if (
                grant is None
                or not grant.allows(Facet.ATTENDANCE, key.subject_id)
                or not grant.covers(key.day, key.class_id)
            ):
                continue
            shown += [n for n in theirs if n.first_day <= key.day <= n.last_day]
        answer.append(sorted(shown, key=lambda n: (n.first_day, n.id)))
    return answer
