"""A student's diary for one week, loaded in two hand-written statements on plain rows.

What most views leave out (the student's own record, remarks) is read only when asked for,
once for the whole week, so the week a parent's app opens costs no statement for them.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from ediary.domain import reads, sql
from ediary.domain.access import Facet, Placement, StudentGrant, Viewer, student_grant
from ediary.domain.averages import SubjectAverage, averages_from, averages_sql
from ediary.domain.bounds import within_sql
from ediary.domain.enums import Role
from ediary.domain.errors import NotFound
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy
from ediary.domain.models import Remark, User
from ediary.domain.placements import PLACED, placement_of, placements
from ediary.domain.rows import (
    ATTENDANCE_COLUMNS,
    HOMEWORK_COLUMNS,
    LESSON_COLUMNS,
    MARK_COLUMNS,
    PLANNED_WORK_COLUMNS,
    AttendanceRow,
    BellRow,
    HomeworkRow,
    LessonRow,
    MarkRow,
    PlannedWorkRow,
    TermRow,
    attendance_from,
    homework_from,
    lesson_from,
    mark_from,
    planned_work_from,
)
from ediary.domain.sql import Parameters
from ediary.domain.terms import current_term_sql, term_from
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


@dataclass
class DiaryLesson:
    """A lesson as one student sees it: with their marks, attendance and remarks, and the
    work announced for it."""

    lesson: LessonRow
    bell: BellRow | None
    homework: list[HomeworkRow] = field(default_factory=list)
    marks: list[MarkRow] = field(default_factory=list)
    attendance: AttendanceRow | None = None
    # Tests, quizzes and other work announced for this lesson, in the order announced.
    planned_work: list[PlannedWorkRow] = field(default_factory=list)
    # The week's remarks by lesson, read once for all its lessons when first asked for;
    # None when the grant shows no remarks.
    week_remarks: Once[dict[int, list[Remark]]] | None = None

    async def remarks(self) -> list[Remark]:
        """Remarks on the student at this lesson, oldest first (none unless the grant shows
        remarks)."""
        if self.week_remarks is None:
            return []
        return (await self.week_remarks.get()).get(self.lesson.id, [])


@dataclass
class DiaryDay:
    date: date
    lessons: list[DiaryLesson] = field(default_factory=list)
    # Marks for dated work that is not tied to a lesson (a make-up test, an olympiad).
    other_marks: list[MarkRow] = field(default_factory=list)


@dataclass
class DiaryWeek:
    student_id: int
    week: IsoWeek
    grant: StudentGrant
    days: list[DiaryDay]
    term: TermRow | None
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


# The student's placements over the week and the term its Sunday falls in (the current term
# of their classes' school years), in one statement.
_PLACED_WITH_TERM = f"""
WITH placed AS ({PLACED}),
week_term AS ({current_term_sql("IN (SELECT academic_year_id FROM placed)", "$3")})
SELECT p.*, t.id AS term_id, t.academic_year_id AS term_academic_year_id,
       t.number AS term_number, t.starts_on AS term_starts_on, t.ends_on AS term_ends_on
FROM placed p
LEFT JOIN week_term t ON TRUE
"""


async def _placed_with_term(
    student_id: int, monday: date, sunday: date
) -> tuple[list[Placement], TermRow | None]:
    rows = await sql.fetch(_PLACED_WITH_TERM, [[student_id], monday, sunday])
    term = None
    if rows and rows[0]["term_id"] is not None:
        columns = ("id", "academic_year_id", "number", "starts_on", "ends_on")
        term = term_from({name: rows[0][f"term_{name}"] for name in columns})
    return [placement_of(row) for row in rows], term


def _week_sql(
    grant: StudentGrant,
    placed: list[Placement],
    first_day: date,
    sunday: date,
    term: TermRow | None,
    policy: RegionPolicy,
) -> tuple[str, list[Any]] | None:
    """The one statement for what the grant shows of the week: a JSON column for each part
    (lessons, announced work, homework, attendance, marks, averages), a part the grant
    withholds not read at all; None when it shows nothing dated.

    Lessons are those of the placed classes in the visible days (and subjects); whether a
    placement and the grant cover each one is decided by `load_week`, which drops the
    homework and attendance of any it leaves out.
    """
    params = Parameters()
    columns = []
    lessons_cte = ""
    if placed and Facet.LESSONS in grant.facets:
        classes = params.add(sorted({p.class_id for p in placed}))
        conditions = [
            f"l.school_class_id = ANY({classes})",
            f"l.date >= {params.add(first_day)}",
            f"l.date <= {params.add(sunday)}",
        ]
        if grant.subjects is not None:
            conditions.append(f"l.subject_id = ANY({params.add(sorted(grant.subjects))})")
        lessons_cte = (
            f"WITH week_lesson AS (SELECT l.* FROM lesson l WHERE {' AND '.join(conditions)})"
        )
        # The placed classes again for their school (the bell times): found by key, where a
        # plan made for any week would read every class of every year.
        columns.append(f"""COALESCE((
  SELECT json_agg(json_build_array({LESSON_COLUMNS}))
  FROM week_lesson l
  JOIN subject s ON s.id = l.subject_id
  JOIN account t ON t.id = l.teacher_id
  LEFT JOIN account st ON st.id = l.substitute_teacher_id
  JOIN school_class c ON c.id = l.school_class_id AND c.id = ANY({classes})
  LEFT JOIN bell_period b ON b.school_id = c.school_id AND b.number = l.period
), '[]') AS lessons""")
        # Announced work is part of the lesson: whoever sees the lesson sees it.
        columns.append(f"""COALESCE((
  SELECT json_agg(json_build_array({PLANNED_WORK_COLUMNS}))
  FROM planned_work w
  WHERE w.lesson_id IN (SELECT id FROM week_lesson) AND w.cancelled_at IS NULL
), '[]') AS planned_work""")
        if grant.allows(Facet.HOMEWORK):
            columns.append(f"""COALESCE((
  SELECT json_agg(json_build_array({HOMEWORK_COLUMNS}))
  FROM homework h
  LEFT JOIN homework_attachment f ON f.homework_id = h.id
  WHERE h.lesson_id IN (SELECT id FROM week_lesson)
), '[]') AS homework""")
        if grant.allows(Facet.ATTENDANCE):
            # The week's dates again, though the lessons imply them: PostgreSQL then reads one
            # year's partition of attendance, not every year's (ediary.domain.partitions).
            columns.append(f"""COALESCE((
  SELECT json_agg(json_build_array({ATTENDANCE_COLUMNS}))
  FROM attendance a
  WHERE a.student_id = {params.add(grant.student_id)}
    AND a.lesson_id IN (SELECT id FROM week_lesson)
    AND a.date >= {params.add(first_day)} AND a.date <= {params.add(sunday)}
), '[]') AS attendance""")
    if grant.allows(Facet.MARKS):
        conditions = [
            f"m.student_id = {params.add(grant.student_id)}",
            f"m.date >= {params.add(first_day)}",
            f"m.date <= {params.add(sunday)}",
            "m.deleted_at IS NULL",
            within_sql(grant, params, day="m.date", school_class="m.school_class_id"),
        ]
        if grant.subjects is not None:
            conditions.append(f"m.subject_id = ANY({params.add(sorted(grant.subjects))})")
        columns.append(f"""COALESCE((
  SELECT json_agg(json_build_array({MARK_COLUMNS}))
  FROM mark m
  JOIN subject s ON s.id = m.subject_id
  JOIN account a ON a.id = m.author_id
  WHERE {" AND ".join(conditions)}
), '[]') AS marks""")
        if term is not None:
            columns.append(f"{averages_sql(grant, term, policy, params)} AS averages")
    if not columns:
        return None
    return f"{lessons_cte}\nSELECT {', '.join(columns)}", params.values


async def load_week(
    viewer: Viewer,
    student_id: int,
    week: IsoWeek,
    policy_for: Callable[[str | None], RegionPolicy] = lambda region: DEFAULT_POLICY,
) -> DiaryWeek:
    """The week of a student as the viewer may see it, in two statements: the placements
    with the week's term, then everything the grant shows (see `_week_sql`). Only the
    student's own records (marks, attendance, remarks, averages) are read, and the student
    is declared as read (`ediary.domain.reads`)."""
    reads.declare_student(student_id)
    monday, sunday = week.monday, week.sunday
    placed, term = await _placed_with_term(student_id, monday, sunday)
    grant = student_grant(viewer, student_id, placed)
    # No grant without an account behind it: the viewer's own, a guardianship's or an
    # enrollment's (foreign keys), so the student's record is not read here.
    if grant is None:
        raise NotFound()
    # Days before the viewer's window (a parent's lookback) show nothing.
    first_day = max(monday, grant.visible_from) if grant.visible_from else monday

    days = {day: DiaryDay(day) for day in week.days()}
    policy = policy_for(grant.region_code)
    statement = _week_sql(grant, placed, first_day, sunday, term, policy)
    found = (await sql.fetch(*statement))[0] if statement is not None else {}
    columns = set(found.keys())

    entries: dict[int, DiaryLesson] = {}
    if "lessons" in columns:
        by_class = {p.class_id: p for p in placed}
        for item in sql.json_rows(found["lessons"]):
            lesson, bell = lesson_from(item)
            if by_class[lesson.school_class_id].covers(lesson.date) and grant.covers(
                lesson.date, lesson.school_class_id
            ):
                entries[lesson.id] = DiaryLesson(lesson, bell)
    if "planned_work" in columns:
        announced = [planned_work_from(item) for item in sql.json_rows(found["planned_work"])]
        for work in sorted(announced, key=lambda w: w.id):
            if work.lesson_id in entries:
                entries[work.lesson_id].planned_work.append(work)
    if "homework" in columns:
        for homework in homework_from(sql.json_rows(found["homework"])):
            if homework.lesson_id in entries:
                entries[homework.lesson_id].homework.append(homework)
    if "marks" in columns:
        marks = [mark_from(item) for item in sql.json_rows(found["marks"])]
        for mark in sorted(marks, key=lambda m: (m.created_at, m.id)):
            if mark.lesson_id in entries:
                entries[mark.lesson_id].marks.append(mark)
            elif mark.lesson_id is None:
                days[mark.date].other_marks.append(mark)
    if "attendance" in columns:
        for item in sql.json_rows(found["attendance"]):
            record = attendance_from(item)
            if record.lesson_id in entries:
                entries[record.lesson_id].attendance = record
    ids = list(entries)
    if ids and grant.allows(Facet.REMARKS):
        week_remarks = Once(lambda: _remarks(student_id, ids))
        for entry in entries.values():
            entry.week_remarks = week_remarks

    for entry in sorted(entries.values(), key=lambda e: (e.lesson.date, e.lesson.period)):
        days[entry.lesson.date].lessons.append(entry)

    averages: list[SubjectAverage] = []
    if term is not None and "averages" in columns:
        averages = averages_from(found["averages"], term, policy)
    return DiaryWeek(student_id, week, grant, list(days.values()), term, averages)


async def _remarks(student_id: int, lesson_ids: list[int]) -> dict[int, list[Remark]]:
    """Remarks on the student at these lessons, by lesson, oldest first."""
    found: dict[int, list[Remark]] = defaultdict(list)
    query = Remark.filter(student_id=student_id, lesson_id__in=lesson_ids)
    for remark in await query.select_related("author").order_by("created_at"):
        found[remark.lesson_id].append(remark)
    return found
