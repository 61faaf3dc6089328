"""A student's diary for one week, loaded in a fixed number of queries.

What most views leave out (the student's own record, remarks) is read only when asked for,
once for the whole week, so the week a parent's app opens costs no statement for them.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from ediary.domain import reads
from ediary.domain.access import Facet, StudentGrant, Viewer, student_grant
from ediary.domain.averages import SubjectAverage, term_averages
from ediary.domain.bounds import within
from ediary.domain.enums import Role
from ediary.domain.errors import NotFound
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy
from ediary.domain.models import (
    Lesson,
    Mark,
    Remark,
    Term,
    User,
)
from ediary.domain.placements import placements
from ediary.domain.rows import (
    AttendanceRow,
    BellRow,
    HomeworkRow,
    attendance_by_lesson,
    bell_of,
    homework_by_lesson,
    with_bells,
)
from ediary.domain.terms import current_term
from ediary.domain.weeks import IsoWeek

T = TypeVar("T")


class Once(Generic[T]):
    """A value read on first demand and shared: lessons of one week resolved side by side
    await the same single query."""

    def __init__(self, read: Callable[[], Awaitable[T]]) -> None:
        self._read = read
        self._task: asyncio.Future[T] | None = None

    async def get(self) -> T:
        if self._task is None:
            self._task = asyncio.ensure_future(self._read())
        return await self._task


async def _nothing() -> dict[int, list[Remark]]:
    return {}


@dataclass
class DiaryLesson:
    """A lesson as one student sees it: with their marks, attendance and remarks."""

    lesson: Lesson
    bell: BellRow | None
    homework: list[HomeworkRow] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    attendance: AttendanceRow | None = None
    # The week's remarks by lesson, read once for all its lessons when first asked for.
    week_remarks: Once[dict[int, list[Remark]]] = field(default_factory=lambda: Once(_nothing))

    async def remarks(self) -> list[Remark]:
        """Remarks on the student at this lesson, oldest first (none unless the grant shows
        remarks)."""
        return (await self.week_remarks.get()).get(self.lesson.id, [])


@dataclass
class DiaryDay:
    date: date
    lessons: list[DiaryLesson] = field(default_factory=list)
    # Marks for dated work that is not tied to a lesson (a make-up test, an olympiad).
    other_marks: list[Mark] = field(default_factory=list)


@dataclass
class DiaryWeek:
    student_id: int
    week: IsoWeek
    grant: StudentGrant
    days: list[DiaryDay]
    term: Term | None
    averages: list[SubjectAverage]

    async def student(self) -> User:
        """Whose diary this is (read when asked for: the grant already shows they exist)."""
        return await User.get(id=self.student_id)


async def visible_student(viewer: Viewer, student_id: int, start: date, end: date) -> StudentGrant:
    """The viewer's grant on a student over a period, or NotFound whether hidden or absent."""
    found = await placements([student_id], start, end)
    grant = student_grant(viewer, student_id, found.get(student_id, []))
    if grant is None:
        raise NotFound()
    return grant


async def in_family_diary(viewer: Viewer, class_id: int, day: date) -> bool:
    """Whether a lesson of this class on this day is in the diary of the viewer (a student)
    or of one of their children: the class a family has left stays closed to them, but the
    child's own lessons there (their homework and its files) stay theirs, as `load_week`
    shows them."""
    members = set(viewer.children)
    if Role.STUDENT in viewer.roles and viewer.user_id is not None:
        members.add(viewer.user_id)
    if not members:
        return False
    for student_id, placed in (await placements(members, day, day)).items():
        grant = student_grant(viewer, student_id, placed)
        if (
            grant is not None
            and Facet.HOMEWORK in grant.facets
            and grant.covers(day, class_id)
            and any(p.class_id == class_id and p.covers(day) for p in placed)
        ):
            return True
    return False


async def load_week(
    viewer: Viewer,
    student_id: int,
    week: IsoWeek,
    policy_for: Callable[[str | None], RegionPolicy] = lambda region: DEFAULT_POLICY,
) -> DiaryWeek:
    """The week as the viewer may see it: the student's own records (marks, attendance,
    remarks, averages) are the only ones read, and the student is declared as read."""
    reads.declare_student(student_id)
    monday, sunday = week.monday, week.sunday
    placed = (await placements([student_id], monday, sunday)).get(student_id, [])
    grant = student_grant(viewer, student_id, placed)
    # No grant without an account behind it: the viewer's own, a guardianship's or an
    # enrollment's (foreign keys), so the student's record is not read here.
    if grant is None:
        raise NotFound()
    # Days before the viewer's window (a parent's lookback) show nothing.
    first_day = max(monday, grant.visible_from) if grant.visible_from else monday

    days = {day: DiaryDay(day) for day in week.days()}
    lessons: list[Lesson] = []
    if placed and Facet.LESSONS in grant.facets:
        query = with_bells(
            Lesson.filter(
                school_class_id__in=[p.class_id for p in placed],
                date__gte=first_day,
                date__lte=sunday,
            ).select_related("subject", "teacher", "substitute_teacher")
        )
        if grant.subjects is not None:
            query = query.filter(subject_id__in=list(grant.subjects))
        by_class = {p.class_id: p for p in placed}
        lessons = [
            lesson
            for lesson in await query
            if by_class[lesson.school_class_id].covers(lesson.date)
            and grant.covers(lesson.date, lesson.school_class_id)
        ]
    entries = {lesson.id: DiaryLesson(lesson, bell_of(lesson)) for lesson in lessons}
    ids = list(entries)

    if ids and grant.allows(Facet.HOMEWORK):
        for lesson_id, homework in (await homework_by_lesson(ids)).items():
            entries[lesson_id].homework = homework
    if grant.allows(Facet.MARKS):
        marks = Mark.filter(
            within(grant),
            student_id=student_id,
            date__gte=first_day,
            date__lte=sunday,
            deleted_at=None,
        ).select_related("subject", "author")
        if grant.subjects is not None:
            marks = marks.filter(subject_id__in=list(grant.subjects))
        for mark in await marks.order_by("created_at", "id"):
            if mark.lesson_id in entries:
                entries[mark.lesson_id].marks.append(mark)
            elif mark.lesson_id is None:
                days[mark.date].other_marks.append(mark)
    if ids and grant.allows(Facet.ATTENDANCE):
        for lesson_id, record in (await attendance_by_lesson(student_id, ids)).items():
            entries[lesson_id].attendance = record
    if ids and grant.allows(Facet.REMARKS):
        week_remarks = Once(lambda: _remarks(student_id, ids))
        for entry in entries.values():
            entry.week_remarks = week_remarks

    for entry in sorted(entries.values(), key=lambda e: (e.lesson.date, e.lesson.period)):
        days[entry.lesson.date].lessons.append(entry)

    term = None
    averages: list[SubjectAverage] = []
    if placed:
        term = await current_term({p.academic_year_id for p in placed}, sunday)
        if term is not None:
            averages = await term_averages(grant, term, policy_for(grant.region_code))
    return DiaryWeek(student_id, week, grant, list(days.values()), term, averages)


async def _remarks(student_id: int, lesson_ids: list[int]) -> dict[int, list[Remark]]:
    """Remarks on the student at these lessons, by lesson, oldest first."""
    found: dict[int, list[Remark]] = defaultdict(list)
    query = Remark.filter(student_id=student_id, lesson_id__in=lesson_ids)
    for remark in await query.select_related("author").order_by("created_at"):
        found[remark.lesson_id].append(remark)
    return found
