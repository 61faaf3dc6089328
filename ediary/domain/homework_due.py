"""Homework by the day it is due: "what is due tomorrow" for one student."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ediary.domain.access import Facet, Viewer
from ediary.domain.bounds import within
from ediary.domain.diary import visible_student
from ediary.domain.errors import InvalidInput
from ediary.domain.models import Homework
from ediary.domain.placements import placements

# A range longer than this is refused: the answer is one list, not a page.
MAX_DAYS = 62


async def homework_due(
    viewer: Viewer, student_id: int, first_day: date, last_day: date
) -> list[Homework]:
    """Homework set at the student's lessons and due between the two days (both included),
    by due day, then the lesson's day and period; in two statements whatever the count.

    A student has the homework of a class only for lessons held while enrolled in it, so
    the class they left or join later adds nothing; staff see their own bounds and subjects,
    parents their window, as in the diary."""
    if last_day < first_day:
        raise InvalidInput("The last day comes before the first.", field="dueTo")
    if (last_day - first_day).days >= MAX_DAYS:
        raise InvalidInput(f"Ask for at most {MAX_DAYS} days at once.", field="dueTo")
    # Homework is due after the lesson it was set at: the grant is over every enrollment.
    grant = await visible_student(viewer, student_id, date.min, date.max)
    if Facet.HOMEWORK not in grant.facets:
        return []
    placed = (await placements([student_id])).get(student_id, [])
    # Families follow the child everywhere, but homework is a class's: the child's own
    # enrollments bound it the way a staff grant's bound theirs.
    bounded = grant if grant.through is not None else replace(grant, through=tuple(placed))
    query = Homework.filter(
        within(bounded, day="lesson__date", school_class="lesson__school_class_id"),
        due_on__gte=first_day,
        due_on__lte=last_day,
    )
    if grant.visible_from is not None:
        query = query.filter(lesson__date__gte=grant.visible_from)
    if grant.subjects is not None:
        query = query.filter(lesson__subject_id__in=list(grant.subjects))
    found = await query.select_related(
        "lesson__subject", "lesson__teacher", "lesson__substitute_teacher"
    ).prefetch_related("attachments")
    return sorted(found, key=lambda h: (h.due_on, h.lesson.date, h.lesson.period, h.id))
