"""The student's place in class and the class average per subject beside their own.

The class average of a subject is the mean of its students' weighted averages, so every
student counts once however many marks they got. A student's overall average is the mean of
their subject averages; the place is 1 plus the number of classmates with a higher overall
average (classmates with equal averages share a place). Only students with marks are placed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from ediary.domain.access import Facet, Viewer, may_see_class_rating
from ediary.domain.analytics.scope import StudentTerm
from ediary.domain.analytics.sums import SUM_FIELDS, sum_columns, sums_from_row
from ediary.domain.averages import counted_marks
from ediary.domain.grading import RegionPolicy
from ediary.domain.models import School, SchoolClass, Subject, Term
from ediary.domain.rows import TermRow


@dataclass(frozen=True)
class SubjectComparison:
    subject: Subject
    average: Fraction | None
    # None when the viewer may not compare; `students` is how many the class average is over.
    class_average: Fraction | None
    students: int | None


@dataclass(frozen=True)
class ClassStanding:
    term: Term | TermRow
    school_class: SchoolClass
    shown: bool
    average: Fraction | None
    rank: int | None
    ranked: int | None
    subjects: list[SubjectComparison]


def _mean(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def place(mine: Fraction | None, everyone: list[Fraction]) -> int | None:
    """Competition ranking: 1 plus the number of strictly higher averages."""
    if mine is None:
        return None
    return 1 + sum(1 for other in everyone if other > mine)


async def class_standing(viewer: Viewer, scope: StudentTerm, policy: RegionPolicy) -> ClassStanding:
    grant = scope.grant
    school_class = await SchoolClass.get(id=scope.placement.class_id)
    if Facet.MARKS not in grant.facets:
        return ClassStanding(scope.term, school_class, False, None, None, None, [])
    school = await School.get(id=scope.placement.school_id)
    shown = may_see_class_rating(viewer, grant, scope.placement, school.show_class_rating)
    query = counted_marks(policy, school_class_id=school_class.id, term_id=scope.term.id)
    if not shown:
        query = query.filter(student_id=grant.student_id)
    if grant.subjects is not None:
        query = query.filter(subject_id__in=list(grant.subjects))
    rows = (
        await query.annotate(**sum_columns())
        .group_by("student_id", "subject_id")
        .values("student_id", "subject_id", *SUM_FIELDS)
    )
    # student -> subject -> average, from one aggregate row per pair.
    averages: dict[int, dict[int, Fraction]] = defaultdict(dict)
    for row in rows:
        average = sums_from_row(row).average
        if average is not None:
            averages[row["student_id"]][row["subject_id"]] = average
    mine = averages.get(grant.student_id, {})
    subject_ids = {s for per_student in averages.values() for s in per_student}
    subjects = await Subject.filter(id__in=sorted(subject_ids)) if subject_ids else []
    comparisons = []
    for subject in subjects:
        if subject.id not in mine and not shown:
            continue
        of_class = [a[subject.id] for a in averages.values() if subject.id in a]
        comparisons.append(
            SubjectComparison(
                subject=subject,
                average=mine.get(subject.id),
                class_average=_mean(of_class) if shown else None,
                students=len(of_class) if shown else None,
            )
        )
    comparisons.sort(key=lambda c: c.subject.name)
    overall = _mean(list(mine.values()))
    # A place over only the subjects a teacher teaches would mislead; it is for full views.
    ranked = shown and grant.subjects is None
    everyone = [m for m in (_mean(list(a.values())) for a in averages.values()) if m is not None]
    return ClassStanding(
        term=scope.term,
        school_class=school_class,
        shown=shown,
        average=overall,
        rank=place(overall, everyone) if ranked else None,
        ranked=len(everyone) if ranked else None,
        subjects=comparisons,
    )
