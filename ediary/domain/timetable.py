"""Timetables of a class and of a teacher, and the bell schedule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tortoise.expressions import Q

from ediary.domain.access import (
    TeacherTies,
    Viewer,
    may_see_class,
    may_see_school,
    may_see_teacher,
    may_see_teacher_timetable,
)
from ediary.domain.errors import NotFound
from ediary.domain.models import (
    BellPeriod,
    Lesson,
    RoleGrant,
    School,
    SchoolClass,
    TeachingAssignment,
    User,
)
from ediary.domain.weeks import IsoWeek


@dataclass
class TimetableDay:
    date: date
    lessons: list[Lesson] = field(default_factory=list)


@dataclass
class Timetable:
    week: IsoWeek
    days: list[TimetableDay]
    bells: dict[int, dict[int, BellPeriod]]

    def bell(self, lesson: Lesson) -> BellPeriod | None:
        return self.bells.get(lesson.school_class.school_id, {}).get(lesson.period)


async def _bells(school_ids: set[int]) -> dict[int, dict[int, BellPeriod]]:
    found: dict[int, dict[int, BellPeriod]] = {}
    for bell in await BellPeriod.filter(school_id__in=list(school_ids)):
        found.setdefault(bell.school_id, {})[bell.number] = bell
    return found


def _by_day(week: IsoWeek, lessons: list[Lesson]) -> list[TimetableDay]:
    days = {day: TimetableDay(day) for day in week.days()}
    for lesson in sorted(lessons, key=lambda item: (item.date, item.period)):
        days[lesson.date].lessons.append(lesson)
    return list(days.values())


async def visible_class(viewer: Viewer, class_id: int) -> SchoolClass:
    school_class = await SchoolClass.get_or_none(id=class_id)
    if school_class is None or not may_see_class(viewer, class_id, school_class.school_id):
        raise NotFound()
    return school_class


async def class_timetable(viewer: Viewer, class_id: int, week: IsoWeek) -> Timetable:
    school_class = await visible_class(viewer, class_id)
    lessons = await Lesson.filter(
        school_class_id=class_id, date__gte=week.monday, date__lte=week.sunday
    ).select_related("subject", "teacher", "substitute_teacher", "school_class")
    return Timetable(week, _by_day(week, lessons), await _bells({school_class.school_id}))


async def teacher_schools(teacher_id: int) -> set[int]:
    """Schools a member of staff works at: by role grants and by what they teach."""
    granted = await RoleGrant.filter(user_id=teacher_id, school_id__not_isnull=True).values(
        "school_id"
    )
    taught = await TeachingAssignment.filter(teacher_id=teacher_id).values(
        school_id="school_class__school_id"
    )
    return {row["school_id"] for row in (*granted, *taught)}


async def teacher_timetable(viewer: Viewer, teacher_id: int, week: IsoWeek) -> Timetable:
    schools = await teacher_schools(teacher_id)
    if not schools or not may_see_teacher_timetable(viewer, teacher_id, schools):
        raise NotFound()
    lessons = await Lesson.filter(
        Q(teacher_id=teacher_id) | Q(substitute_teacher_id=teacher_id),
        date__gte=week.monday,
        date__lte=week.sunday,
    ).select_related("subject", "teacher", "substitute_teacher", "school_class")
    school_ids = {lesson.school_class.school_id for lesson in lessons}
    return Timetable(week, _by_day(week, lessons), await _bells(school_ids))


async def visible_school(viewer: Viewer, school_id: int) -> School:
    school = await School.get_or_none(id=school_id)
    if school is None or not may_see_school(viewer, school.id, school.region_id):
        raise NotFound()
    return school


async def bell_schedule(viewer: Viewer, school_id: int) -> list[BellPeriod]:
    await visible_school(viewer, school_id)
    return await BellPeriod.filter(school_id=school_id).order_by("number")


async def teacher_ties(teacher_id: int) -> TeacherTies:
    """Where a person teaches, in three queries: assignments, class-teacher posts, and the
    lessons they taught or substituted (a substitute is a teacher of that class too)."""
    assigned = await TeachingAssignment.filter(teacher_id=teacher_id).values(
        "school_class_id", "school_class__school_id"
    )
    led = await SchoolClass.filter(class_teacher_id=teacher_id).values(
        school_class_id="id", school_class__school_id="school_id"
    )
    taught = (
        await Lesson.filter(Q(teacher_id=teacher_id) | Q(substitute_teacher_id=teacher_id))
        # The model's default order is not in the select list; PostgreSQL refuses DISTINCT then.
        .order_by("school_class_id")
        .distinct()
        .values("school_class_id", "school_class__school_id")
    )
    rows = (*assigned, *led, *taught)
    return TeacherTies(
        teacher_id=teacher_id,
        classes=frozenset(r["school_class_id"] for r in rows),
        schools=frozenset(r["school_class__school_id"] for r in rows),
    )


async def visible_teacher(viewer: Viewer, teacher_id: int) -> User:
    """A teacher by ID, if `may_see_teacher` lets the viewer see them; NotFound otherwise,
    exactly as for an unknown ID or someone who teaches nothing."""
    if not viewer.is_authenticated:
        raise NotFound()
    ties = await teacher_ties(teacher_id)
    user = await User.get_or_none(id=teacher_id) if may_see_teacher(viewer, ties) else None
    if user is None:
        raise NotFound()
    return user
