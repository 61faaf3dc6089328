"""The teacher's class journal: one class and subject over a term, students by lessons.

Loaded in a fixed number of queries whatever the size of the class or the length of the term:
the grid of a whole term is what a teacher opens most, and it must not cost a query per cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from tortoise.expressions import Q

from ediary.domain.access import Viewer, may_see_class_journal
from ediary.domain.averages import SubjectAverage
from ediary.domain.errors import NotFound
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy, term_mark
from ediary.domain.models import (
    Attendance,
    Enrollment,
    Lesson,
    Mark,
    SchoolClass,
    Subject,
    Term,
    User,
)


@dataclass
class JournalCell:
    """What one student got at one lesson: marks in the order given, and any absence."""

    lesson: Lesson
    marks: list[Mark] = field(default_factory=list)
    attendance: Attendance | None = None


@dataclass
class JournalRow:
    """One student's line of the grid: a cell per lesson, in the order of the lessons."""

    student: User
    cells: list[JournalCell]
    average: SubjectAverage


@dataclass
class ClassJournal:
    school_class: SchoolClass
    subject: Subject
    term: Term
    lessons: list[Lesson]
    rows: list[JournalRow]


async def load_class_journal(
    viewer: Viewer,
    class_id: int,
    subject_id: int,
    term_id: int,
    policy_for: Callable[[str | None], RegionPolicy] = lambda region: DEFAULT_POLICY,
) -> ClassJournal:
    """The grid, or NotFound when the class, subject or term is unknown, does not belong
    together, or is hidden from the viewer: all four answer alike."""
    school_class = await SchoolClass.get_or_none(id=class_id).select_related("school__region")
    if school_class is None or not may_see_class_journal(
        viewer, class_id, subject_id, school_class.school_id
    ):
        raise NotFound()
    subject = await Subject.get_or_none(id=subject_id, school_id=school_class.school_id)
    term = await Term.get_or_none(id=term_id, academic_year_id=school_class.academic_year_id)
    if subject is None or term is None:
        raise NotFound()
    policy = policy_for(school_class.school.region.code)

    # Everyone who was in the class at some point of the term, in the order of the register.
    enrollments = (
        await Enrollment.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=term.starts_on),
            school_class_id=class_id,
            starts_on__lte=term.ends_on,
        )
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student__middle_name", "id")
    )
    students: dict[int, User] = {}
    for enrollment in enrollments:
        students.setdefault(enrollment.student_id, enrollment.student)

    lessons = (
        await Lesson.filter(
            school_class_id=class_id,
            subject_id=subject_id,
            date__gte=term.starts_on,
            date__lte=term.ends_on,
        )
        .select_related("subject", "teacher", "substitute_teacher")
        .order_by("date", "period", "id")
    )
    position = {lesson.id: index for index, lesson in enumerate(lessons)}
    grid = {s: [JournalCell(lesson) for lesson in lessons] for s in students}

    # The student's marks of the subject and term from any class count towards the average,
    # as in the diary, so one query serves both the cells and the averages.
    weighted: dict[int, int] = defaultdict(int)
    weights: dict[int, int] = defaultdict(int)
    counted: dict[int, int] = defaultdict(int)
    if students:
        marks = Mark.filter(
            student_id__in=list(students), subject_id=subject_id, term_id=term_id, deleted_at=None
        ).select_related("subject", "author")
        for mark in await marks.order_by("created_at", "id"):
            index = position.get(mark.lesson_id) if mark.lesson_id is not None else None
            if index is not None:
                grid[mark.student_id][index].marks.append(mark)
            if policy.counts(mark.kind):
                weighted[mark.student_id] += mark.value * mark.weight
                weights[mark.student_id] += mark.weight
                counted[mark.student_id] += 1
    if students and lessons:
        records = Attendance.filter(lesson_id__in=list(position), student_id__in=list(students))
        for record in await records:
            grid[record.student_id][position[record.lesson_id]].attendance = record

    rows = []
    for student_id, user in students.items():
        average = (
            Fraction(weighted[student_id], weights[student_id]) if weights[student_id] else None
        )
        rows.append(
            JournalRow(
                student=user,
                cells=grid[student_id],
                average=SubjectAverage(
                    subject=subject,
                    term=term,
                    average=average,
                    mark_count=counted[student_id],
                    weight_total=weights[student_id],
                    forecast=term_mark(average, policy),
                ),
            )
        )
    return ClassJournal(school_class, subject, term, list(lessons), rows)
