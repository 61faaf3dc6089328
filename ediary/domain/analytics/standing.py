"""A student's averages per subject for every term of a school year and for the year.

The year figure follows the region policy's `year_basis`:

- ``ALL_MARKS`` (the default): the weighted average of every counted mark of the year, as if
  the year were one long term. This is what the families' apps show and it never depends on
  a rounding made earlier in the year.
- ``TERM_MARKS``: the plain mean of the term marks, where each term counts with the mark the
  teacher gave or, until then, the forecast from that term's average. Regions that set the
  year mark from the term marks choose this.

Either way the year mark forecast is that average rounded by the policy's `term_mark`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ediary.domain.access import Facet
from ediary.domain.analytics.scope import StudentTerm
from ediary.domain.analytics.sums import SUM_FIELDS, MarkSums, sum_columns, sums_from_row
from ediary.domain.averages import counted_marks
from ediary.domain.bounds import final_marks_within, within
from ediary.domain.grading import RegionPolicy, YearBasis, term_mark, weighted_average
from ediary.domain.models import FinalMark, Subject, Term
from ediary.domain.rows import TermRow


@dataclass(frozen=True)
class TermStanding:
    """One subject over one term: the average, its forecast and the mark given, if any."""

    term: Term | TermRow
    sums: MarkSums
    forecast: int | None
    given: int | None

    @property
    def average(self) -> Fraction | None:
        return self.sums.average

    @property
    def mark(self) -> int | None:
        """The term mark that counts: the teacher's once given, the forecast until then."""
        return self.given if self.given is not None else self.forecast


@dataclass(frozen=True)
class YearStanding:
    """One subject over a school year."""

    subject: Subject
    terms: list[TermStanding]
    basis: YearBasis
    average: Fraction | None
    sums: MarkSums
    forecast: int | None
    given: int | None


def year_standing(
    subject: Subject,
    terms: Sequence[Term],
    sums: Mapping[int, MarkSums],
    given: Mapping[int | None, int],
    policy: RegionPolicy,
) -> YearStanding:
    """Assemble one subject's year from its per-term sums and given marks (None: the year)."""
    standings = []
    for term in terms:
        term_sums = sums.get(term.id, MarkSums())
        standings.append(
            TermStanding(
                term=term,
                sums=term_sums,
                forecast=term_mark(term_sums.average, policy),
                given=given.get(term.id),
            )
        )
    total = sum((s.sums for s in standings), MarkSums())
    if policy.year_basis is YearBasis.TERM_MARKS:
        average = weighted_average((s.mark, 1) for s in standings if s.mark is not None)
    else:
        average = total.average
    return YearStanding(
        subject=subject,
        terms=standings,
        basis=policy.year_basis,
        average=average,
        sums=total,
        forecast=term_mark(average, policy),
        given=given.get(None),
    )


async def year_standings(scope: StudentTerm, policy: RegionPolicy) -> list[YearStanding]:
    """Every subject with marks in the school year of the scope's term, by subject name."""
    grant = scope.grant
    if Facet.MARKS not in grant.facets:
        return []
    year_id = scope.term.academic_year_id
    marks = counted_marks(
        policy, student_id=grant.student_id, term__academic_year_id=year_id
    ).filter(within(grant))
    finals = FinalMark.filter(
        final_marks_within(grant), student_id=grant.student_id, academic_year_id=year_id
    )
    if grant.subjects is not None:
        marks = marks.filter(subject_id__in=list(grant.subjects))
        finals = finals.filter(subject_id__in=list(grant.subjects))
    rows = (
        await marks.annotate(**sum_columns())
        .group_by("subject_id", "term_id")
        .values("subject_id", "term_id", *SUM_FIELDS)
    )
    sums: dict[int, dict[int, MarkSums]] = defaultdict(dict)
    for row in rows:
        sums[row["subject_id"]][row["term_id"]] = sums_from_row(row)
    given: dict[int, dict[int | None, int]] = defaultdict(dict)
    for final in await finals.values("subject_id", "term_id", "value"):
        given[final["subject_id"]][final["term_id"]] = final["value"]
    subject_ids = set(sums) | set(given)
    if not subject_ids:
        return []
    subjects = await Subject.filter(id__in=sorted(subject_ids))
    terms = await Term.filter(academic_year_id=year_id).order_by("number")
    found = [
        year_standing(subject, terms, sums.get(subject.id, {}), given.get(subject.id, {}), policy)
        for subject in subjects
    ]
    return sorted(found, key=lambda s: s.subject.name)
