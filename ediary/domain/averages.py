"""Weighted averages per subject and term, aggregated in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from tortoise.expressions import F
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet

from ediary.domain.access import Facet, StudentGrant
from ediary.domain.bounds import within
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy, term_mark
from ediary.domain.models import Mark, Subject, Term
from ediary.domain.rows import SubjectRow, TermRow


@dataclass(frozen=True)
class SubjectAverage:
    """A student's standing in one subject over one term."""

    subject: Subject | SubjectRow
    term: Term | TermRow
    average: Fraction | None
    mark_count: int
    weight_total: int
    # The term mark the average rounds to under the region policy, before the teacher decides.
    forecast: int | None


def counted_marks(policy: RegionPolicy, **filters: Any) -> QuerySet[Mark]:
    """Live marks matching the filters that count towards averages under the policy."""
    query = Mark.filter(deleted_at=None, **filters)
    if policy.counted_kinds is not None:
        query = query.filter(kind__in=sorted(policy.counted_kinds))
    return query


async def term_averages(
    grant: StudentGrant, term: Term, policy: RegionPolicy = DEFAULT_POLICY
) -> list[SubjectAverage]:
    """Averages for every subject with marks this term that the grant covers."""
    if Facet.MARKS not in grant.facets:
        return []
    query = counted_marks(policy, student_id=grant.student_id, term_id=term.id).filter(
        within(grant)
    )
    if grant.subjects is not None:
        query = query.filter(subject_id__in=list(grant.subjects))
    rows = (
        await query.annotate(
            weighted=Sum(F("value") * F("weight")), weights=Sum("weight"), marks=Count("id")
        )
        .group_by("subject_id")
        .values("subject_id", "weighted", "weights", "marks")
    )
    subjects = {s.id: s for s in await Subject.filter(id__in=[r["subject_id"] for r in rows])}
    result = []
    for row in rows:
        weights = int(row["weights"] or 0)
        average = Fraction(int(row["weighted"]), weights) if weights else None
        result.append(
            SubjectAverage(
                subject=subjects[row["subject_id"]],
                term=term,
                average=average,
                mark_count=int(row["marks"]),
                weight_total=weights,
                forecast=term_mark(average, policy),
            )
        )
    result.sort(key=lambda a: a.subject.name)
    return result
