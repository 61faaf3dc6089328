"""SQL filters that keep a facet query inside a student grant's bounds.

A staff grant comes from enrollments (`StudentGrant.through`); every query of a student's
dated records (marks, attendance, remarks, lessons, homework, final marks) passes through
here, so the old school reads nothing the student did after moving on, and a new read target
inherits the rule by using these filters. Hand-written statements (`ediary.domain.sql`) take
the same rule as SQL text from `within_sql`.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from ediary.domain.access import StudentGrant
from ediary.domain.sql import Parameters

# A condition no row meets: a grant through no enrollment shows nothing dated.
_NOTHING = Q(id__in=[])


def within(grant: StudentGrant, *, day: str = "date", school_class: str = "school_class_id") -> Q:
    """Rows dated (`day`) inside one of the grant's enrollments and of its class
    (`school_class`); every row when the grant follows the child everywhere (families)."""
    if grant.through is None:
        return Q()
    parts = []
    for placement in grant.through:
        condition: dict[str, Any] = {
            school_class: placement.class_id,
            f"{day}__gte": placement.starts_on,
        }
        if placement.ends_on is not None:
            condition[f"{day}__lte"] = placement.ends_on
        parts.append(Q(**condition))
    return Q(*parts, join_type=Q.OR) if parts else _NOTHING


def within_sql(grant: StudentGrant, params: Parameters, *, day: str, school_class: str) -> str:
    """`within` as a condition of a hand-written statement, on the columns `day` and
    `school_class` (such as "m.date"), its values kept in `params`."""
    if grant.through is None:
        return "TRUE"
    parts = []
    for placement in grant.through:
        condition = (
            f"{school_class} = {params.add(placement.class_id)}"
            f" AND {day} >= {params.add(placement.starts_on)}"
        )
        if placement.ends_on is not None:
            condition += f" AND {day} <= {params.add(placement.ends_on)}"
        parts.append(f"({condition})")
    return f"({' OR '.join(parts)})" if parts else "FALSE"


def final_marks_within(grant: StudentGrant) -> Q:
    """Term and year marks of the grant's enrollments: of their school year, and, for term
    marks, of a term that overlaps one of them. A year mark belongs to the school whose year
    it is, so it stays with that school's staff."""
    if grant.through is None:
        return Q()
    parts = []
    for placement in grant.through:
        year = Q(academic_year_id=placement.academic_year_id)
        term = Q(term__ends_on__gte=placement.starts_on)
        if placement.ends_on is not None:
            term &= Q(term__starts_on__lte=placement.ends_on)
        parts.append(year & (Q(term_id__isnull=True) | term))
    return Q(*parts, join_type=Q.OR) if parts else _NOTHING
