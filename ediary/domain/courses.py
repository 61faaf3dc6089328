"""A student's subjects and who teaches them in the class they are in today."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ediary.domain.access import Viewer, courses_shown
from ediary.domain.models import SchoolClass, Subject, TeachingAssignment, User


@dataclass(frozen=True)
class Course:
    """A subject of a class and one of its teachers."""

    subject: Subject
    teacher: User


async def class_courses(class_ids: Sequence[int]) -> dict[int, list[Course]]:
    """The teaching assignments of these classes, in one statement, by subject name and then
    teacher's name."""
    found: dict[int, list[Course]] = {class_id: [] for class_id in class_ids}
    rows = await TeachingAssignment.filter(school_class_id__in=list(class_ids)).select_related(
        "subject", "teacher"
    )
    for row in sorted(rows, key=lambda r: (r.subject.name, r.teacher.full_name, r.id)):
        found[row.school_class_id].append(Course(row.subject, row.teacher))
    return found


def shown_courses(
    viewer: Viewer, student_id: int, school_class: SchoolClass, courses: Sequence[Course]
) -> list[Course]:
    """What the viewer may see of a student's current class's courses (see `courses_shown`)."""
    subjects = courses_shown(viewer, student_id, school_class.id, school_class.school_id)
    return [c for c in courses if subjects is None or c.subject.id in subjects]
