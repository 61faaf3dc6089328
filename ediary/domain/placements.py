"""Where a student was enrolled over a period: the facts the access policy decides on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from tortoise.expressions import Q

from ediary.domain.access import Placement
from ediary.domain.models import Enrollment


async def placements(
    student_ids: Iterable[int], start: date | None = None, end: date | None = None
) -> dict[int, list[Placement]]:
    """Enrollments of these students that overlap [start, end], in one query."""
    query = Enrollment.filter(student_id__in=list(student_ids))
    if end is not None:
        query = query.filter(starts_on__lte=end)
    if start is not None:
        query = query.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    rows = await query.values(
        "student_id",
        "school_class_id",
        "school_class__school_id",
        "school_class__academic_year_id",
        "school_class__school__region__code",
        "starts_on",
        "ends_on",
    )
    found: dict[int, list[Placement]] = defaultdict(list)
    for row in rows:
        found[row["student_id"]].append(
            Placement(
                class_id=row["school_class_id"],
                school_id=row["school_class__school_id"],
                academic_year_id=row["school_class__academic_year_id"],
                region_code=row["school_class__school__region__code"],
                starts_on=row["starts_on"],
                ends_on=row["ends_on"],
            )
        )
    return found
