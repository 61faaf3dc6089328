"""Where a student was enrolled over a period: the facts the access policy decides on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from tortoise.expressions import Q

from ediary.domain import sql
from ediary.domain.access import Placement
from ediary.domain.models import Enrollment, SchoolClass

__all__ = ["classes_on", "enrolled_over"]

# Enrollments of the students `$1` that overlap [`$2`, `$3`], with what the policy needs of
# their class. `load_week` reads it in the statement that also finds the week's term.
PLACED = """
SELECT e.student_id, e.school_class_id, c.school_id, c.academic_year_id,
       r.code AS region_code, e.starts_on, e.ends_on
FROM enrollment e
JOIN school_class c ON c.id = e.school_class_id
JOIN school s ON s.id = c.school_id
JOIN region r ON r.id = s.region_id
WHERE e.student_id = ANY($1) AND e.starts_on <= $3 AND (e.ends_on IS NULL OR e.ends_on >= $2)
"""


def enrolled_over(first: date, last: date | None = None) -> Q:
    """Enrollments that cover some day of [first, last], or the day `first` alone: the one
    spelling of "enrolled then" for ORM queries (PLACED says the same in SQL)."""
    return Q(starts_on__lte=last or first) & (Q(ends_on__isnull=True) | Q(ends_on__gte=first))


async def classes_on(student_ids: Iterable[int], day: date) -> dict[int, SchoolClass]:
    """Each of these students' class on `day`, for those enrolled then."""
    rows = await Enrollment.filter(
        enrolled_over(day), student_id__in=sorted(set(student_ids))
    ).select_related("school_class")
    return {row.student_id: row.school_class for row in rows}


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """The bounds `PLACED` takes for [start, end], either of which may be open."""
    return start or date.min, end or date.max


def placement_of(row: Any) -> Placement:
    """A `PLACED` row as the policy reads it."""
    return Placement(
        class_id=row["school_class_id"],
        school_id=row["school_id"],
        academic_year_id=row["academic_year_id"],
        region_code=row["region_code"],
        starts_on=sql.as_date(row["starts_on"]),
        ends_on=None if row["ends_on"] is None else sql.as_date(row["ends_on"]),
    )


async def placements(
    student_ids: Iterable[int], start: date | None = None, end: date | None = None
) -> dict[int, list[Placement]]:
    """Enrollments of these students that overlap [start, end], in one query."""
    rows = await sql.fetch(PLACED, [list(student_ids), *period(start, end)])
    found: dict[int, list[Placement]] = defaultdict(list)
    for row in rows:
        found[row["student_id"]].append(placement_of(row))
    return found
