"""Weighted averages per subject and term, aggregated in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from tortoise.queryset import QuerySet

from ediary.domain import sql
from ediary.domain.access import Facet, StudentGrant
from ediary.domain.bounds import within_sql
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy, term_mark
from ediary.domain.models import Mark, Subject, Term
from ediary.domain.partitions import year_bounds
from ediary.domain.rows import SUBJECT_COLUMNS, SubjectRow, TermRow, subject_from
from ediary.domain.sql import Parameters


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


def averages_sql(
    grant: StudentGrant, term: Term | TermRow, policy: RegionPolicy, params: Parameters
) -> str:
    """The averages of `term_averages` as a scalar subquery (values kept in `params`): a JSON
    array of the subject's `SUBJECT_COLUMNS`, the weighted sum, the weights and the count,
    a subject an item. Summed by the database, so a term's marks never leave it."""
    # A term's marks are dated within it: the bounds of its year's partitions change no
    # answer and spare PostgreSQL planning and reading every other year's.
    since, before = year_bounds(term.starts_on, term.ends_on)
    conditions = [
        f"m.student_id = {params.add(grant.student_id)}",
        f"m.term_id = {params.add(term.id)}",
        f"m.date >= {params.add(since)}",
        f"m.date < {params.add(before)}",
        "m.deleted_at IS NULL",
        within_sql(grant, params, day="m.date", school_class="m.school_class_id"),
    ]
    if policy.counted_kinds is not None:
        kinds = sorted(kind.value for kind in policy.counted_kinds)
        conditions.append(f"m.kind = ANY({params.add(kinds)})")
    if grant.subjects is not None:
        conditions.append(f"m.subject_id = ANY({params.add(sorted(grant.subjects))})")
    return f"""COALESCE((
  SELECT json_agg(json_build_array({SUBJECT_COLUMNS}, g.weighted, g.weights, g.marks))
  FROM (
    SELECT m.subject_id, SUM(m.value * m.weight) AS weighted, SUM(m.weight) AS weights,
           COUNT(m.id) AS marks
    FROM mark m
    WHERE {" AND ".join(conditions)}
    GROUP BY m.subject_id
  ) g
  JOIN subject s ON s.id = g.subject_id
), '[]')"""


def averages_from(found: Any, term: Term | TermRow, policy: RegionPolicy) -> list[SubjectAverage]:
    """The averages an `averages_sql` column holds, by subject name."""
    result = []
    for item in sql.json_rows(found):
        weighted, weights, marks = int(item[3]), int(item[4] or 0), int(item[5])
        average = Fraction(weighted, weights) if weights else None
        result.append(
            SubjectAverage(
                subject=subject_from(item[:3]),
                term=term,
                average=average,
                mark_count=marks,
                weight_total=weights,
                forecast=term_mark(average, policy),
            )
        )
    result.sort(key=lambda a: a.subject.name)
    return result


async def term_averages(
    grant: StudentGrant, term: Term | TermRow, policy: RegionPolicy = DEFAULT_POLICY
) -> list[SubjectAverage]:
    """Averages for every subject with marks this term that the grant covers."""
    if Facet.MARKS not in grant.facets:
        return []
    params = Parameters()
    rows = await sql.fetch(
        f"SELECT {averages_sql(grant, term, policy, params)} AS averages", params.values
    )
    return averages_from(rows[0]["averages"], term, policy)
