"""Progress over time: the running weighted average per subject, week by week.

SQL sums the marks per subject and date; the weeks and the running totals are built here
from those few aggregate rows (dates are bucketed in Python because ISO weeks are spelt
differently by every database).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from ediary.domain.access import Facet
from ediary.domain.analytics.scope import StudentTerm
from ediary.domain.analytics.sums import SUM_FIELDS, MarkSums, sum_columns, sums_from_row
from ediary.domain.averages import counted_marks
from ediary.domain.bounds import within
from ediary.domain.grading import RegionPolicy
from ediary.domain.models import Subject, Term
from ediary.domain.rows import TermRow
from ediary.domain.weeks import IsoWeek


@dataclass(frozen=True)
class ProgressPoint:
    """The running average at the end of a week in which the student got marks."""

    week: IsoWeek
    average: Fraction
    # Marks got in this week, and since the start of the term.
    week_marks: int
    total_marks: int


@dataclass(frozen=True)
class SubjectProgress:
    subject: Subject
    points: list[ProgressPoint]


@dataclass(frozen=True)
class Progress:
    term: Term | TermRow
    subjects: list[SubjectProgress]


def running_by_week(days: Iterable[tuple[date, MarkSums]]) -> list[ProgressPoint]:
    """Per-date sums to one point per ISO week with marks: the average of all marks so far."""
    weeks: dict[IsoWeek, MarkSums] = defaultdict(MarkSums)
    for day, sums in days:
        week = IsoWeek.containing(day)
        weeks[week] = weeks[week] + sums
    points = []
    running = MarkSums()
    for week in sorted(weeks):
        running = running + weeks[week]
        average = running.average
        if average is None:  # only weightless marks so far; the model does not allow them
            continue
        points.append(ProgressPoint(week, average, weeks[week].count, running.count))
    return points


def weeks_left(term: Term | TermRow, today: date) -> int:
    """Weeks of the term after `today`, a part week counting whole: what a family plans with.

    0 once the term has ended; the whole term before it begins.
    """
    start = max(today + timedelta(days=1), term.starts_on)
    if start > term.ends_on:
        return 0
    return -(-((term.ends_on - start).days + 1) // 7)


async def progress(scope: StudentTerm, policy: RegionPolicy) -> Progress:
    """The student's running average per subject over the term, subjects by name."""
    grant = scope.grant
    if Facet.MARKS not in grant.facets:
        return Progress(scope.term, [])
    query = counted_marks(policy, student_id=grant.student_id, term_id=scope.term.id).filter(
        within(grant)
    )
    if grant.visible_from is not None:
        query = query.filter(date__gte=grant.visible_from)
    if grant.subjects is not None:
        query = query.filter(subject_id__in=list(grant.subjects))
    rows = (
        await query.annotate(**sum_columns())
        .group_by("subject_id", "date")
        .values("subject_id", "date", *SUM_FIELDS)
    )
    by_subject: dict[int, list[tuple[date, MarkSums]]] = defaultdict(list)
    for row in rows:
        by_subject[row["subject_id"]].append((row["date"], sums_from_row(row)))
    subjects = await Subject.filter(id__in=sorted(by_subject)) if by_subject else []
    found = [SubjectProgress(s, running_by_week(by_subject[s.id])) for s in subjects]
    return Progress(scope.term, sorted(found, key=lambda p: p.subject.name))
