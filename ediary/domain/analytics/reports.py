"""Term reports per class and per school.

A report costs a fixed number of SQL statements whatever the size of the school: enrollments,
mark sums grouped by student and subject, the given term marks, attendance counts grouped by
class and kind, and the subjects' names. Term marks and indicators are then worked out from
those aggregate rows (see `indicators` for the definitions).

Each student counts in one class: the one they were in last during the term.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import reduce

from tortoise.expressions import Q
from tortoise.functions import Count

from ediary.domain.access import Viewer, may_see_class_report, may_see_school_report
from ediary.domain.analytics.indicators import AttendanceSummary, Indicators, indicators
from ediary.domain.analytics.sums import SUM_FIELDS, sum_columns, sums_from_row
from ediary.domain.averages import counted_marks
from ediary.domain.enums import AttendanceKind
from ediary.domain.errors import InvalidInput, NoCurrentTerm, NotFound
from ediary.domain.grading import RegionPolicy, term_mark_of_sums
from ediary.domain.models import (
    AcademicYear,
    Attendance,
    Enrollment,
    FinalMark,
    School,
    SchoolClass,
    Subject,
    Term,
)
from ediary.domain.placements import enrolled_over
from ediary.domain.rows import TermRow
from ediary.domain.terms import current_term

PolicyFor = Callable[[str | None], RegionPolicy]


@dataclass(frozen=True)
class TermMark:
    """A student's term mark in a subject: given by the teacher, or forecast from the average."""

    value: int
    given: bool


@dataclass(frozen=True)
class SubjectIndicators:
    subject: Subject
    indicators: Indicators


@dataclass(frozen=True)
class RiskSubject:
    subject: Subject
    mark: TermMark


@dataclass(frozen=True)
class StudentAtRisk:
    """A student with a term mark below passing (given or forecast) in some subject."""

    student_id: int
    # (last name, first name, patronymic)
    name: tuple[str, str, str]
    school_class: SchoolClass
    subjects: list[RiskSubject]

    @property
    def full_name(self) -> str:
        return " ".join(part for part in self.name if part)


@dataclass(frozen=True)
class ClassReport:
    school_class: SchoolClass
    term: Term | TermRow
    # Students enrolled in the class during the term (graded or not).
    students: int
    overall: Indicators
    subjects: list[SubjectIndicators]
    attendance: AttendanceSummary
    at_risk: list[StudentAtRisk]


@dataclass(frozen=True)
class SchoolReport:
    school: School
    term: Term | TermRow
    students: int
    overall: Indicators
    subjects: list[SubjectIndicators]
    attendance: AttendanceSummary
    classes: list[ClassReport]

    @property
    def at_risk(self) -> list[StudentAtRisk]:
        return [student for report in self.classes for student in report.at_risk]


@dataclass
class Facts:
    """What the SQL aggregates say about a set of classes over their terms."""

    # class -> students counted in it
    members: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    names: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    # student -> subject -> term mark
    marks: dict[int, dict[int, TermMark]] = field(default_factory=lambda: defaultdict(dict))
    attendance: dict[int, AttendanceSummary] = field(
        default_factory=lambda: defaultdict(AttendanceSummary)
    )
    subjects: dict[int, Subject] = field(default_factory=dict)

    def class_marks(self, class_id: int) -> dict[int, dict[int, TermMark]]:
        return {s: self.marks.get(s, {}) for s in self.members.get(class_id, set())}


def _name(row: dict[str, str]) -> tuple[str, str, str]:
    return (row["student__last_name"], row["student__first_name"], row["student__middle_name"])


async def gather(
    groups: Sequence[tuple[Term | TermRow, Sequence[SchoolClass]]],
    policy: RegionPolicy,
    *,
    with_names: bool,
) -> Facts:
    """Aggregate the marks, given term marks and attendance of each term's classes."""
    facts = Facts()
    class_term = {c.id: term for term, classes in groups for c in classes}
    if not class_term:
        return facts
    terms = {term.id: term for term, _ in groups}
    earliest = min(t.starts_on for t in terms.values())
    latest = max(t.ends_on for t in terms.values())

    columns = ["student_id", "school_class_id", "starts_on", "ends_on"]
    if with_names:
        columns += ["student__last_name", "student__first_name", "student__middle_name"]
    enrollments = await Enrollment.filter(
        enrolled_over(earliest, latest),
        school_class_id__in=sorted(class_term),
    ).values(*columns)
    # The class a student spent the end of the term in, among those of the report.
    last_class: dict[int, tuple[date, int]] = {}
    for row in enrollments:
        term = class_term[row["school_class_id"]]
        if row["starts_on"] > term.ends_on or (
            row["ends_on"] is not None and row["ends_on"] < term.starts_on
        ):
            continue
        student = row["student_id"]
        if student not in last_class or row["starts_on"] > last_class[student][0]:
            last_class[student] = (row["starts_on"], row["school_class_id"])
        if with_names:
            facts.names[student] = _name(row)
    for student, (_, class_id) in last_class.items():
        facts.members[class_id].add(student)
    if not last_class:
        return facts

    # A term belongs to one school's year, so filtering by term scopes marks to the school.
    marks = counted_marks(policy, term_id__in=sorted(terms))
    finals = FinalMark.filter(term_id__in=sorted(terms))
    if len(last_class) <= 200:  # one class or a few: the student list narrows the scan
        marks = marks.filter(student_id__in=sorted(last_class))
        finals = finals.filter(student_id__in=sorted(last_class))
    rows = (
        await marks.annotate(**sum_columns())
        .group_by("student_id", "subject_id")
        .values("student_id", "subject_id", *SUM_FIELDS)
    )
    for row in rows:
        if row["student_id"] not in last_class:
            continue
        sums = sums_from_row(row)
        value = term_mark_of_sums(sums.weighted, sums.weights, policy)
        if value is not None:
            facts.marks[row["student_id"]][row["subject_id"]] = TermMark(value, given=False)
    for final in await finals.values("student_id", "subject_id", "value"):
        if final["student_id"] in last_class:
            facts.marks[final["student_id"]][final["subject_id"]] = TermMark(
                final["value"], given=True
            )

    subject_ids = {s for per_student in facts.marks.values() for s in per_student}
    if subject_ids:
        facts.subjects = {s.id: s for s in await Subject.filter(id__in=sorted(subject_ids))}

    by_term: dict[int, list[int]] = defaultdict(list)
    for class_id, term in class_term.items():
        by_term[term.id].append(class_id)
    within = reduce(
        operator.or_,
        (
            Q(
                lesson__school_class_id__in=sorted(ids),
                lesson__date__gte=terms[term_id].starts_on,
                lesson__date__lte=terms[term_id].ends_on,
            )
            for term_id, ids in by_term.items()
        ),
    )
    counts = (
        await Attendance.filter(within)
        .annotate(entries=Count("id"))
        .group_by("lesson__school_class_id", "kind", "excused")
        .values("lesson__school_class_id", "kind", "excused", "entries")
    )
    for row in counts:
        n = int(row["entries"])
        if row["kind"] == AttendanceKind.LATE:
            entry = AttendanceSummary(late=n)
        else:
            entry = AttendanceSummary(absences=n, unexcused=0 if row["excused"] else n)
        class_id = row["lesson__school_class_id"]
        facts.attendance[class_id] = facts.attendance[class_id] + entry
    return facts


def subject_rows(
    marks: dict[int, dict[int, TermMark]], subjects: dict[int, Subject], policy: RegionPolicy
) -> list[SubjectIndicators]:
    """Indicators per subject over the students' term marks, subjects by name."""
    per_subject: dict[int, dict[int, list[int]]] = defaultdict(dict)
    for student, by_subject in marks.items():
        for subject_id, mark in by_subject.items():
            per_subject[subject_id][student] = [mark.value]
    rows = [
        SubjectIndicators(subjects[subject_id], indicators(students, policy))
        for subject_id, students in per_subject.items()
    ]
    return sorted(rows, key=lambda row: row.subject.name)


def overall(marks: dict[int, dict[int, TermMark]], policy: RegionPolicy) -> Indicators:
    return indicators(
        {student: [m.value for m in by_subject.values()] for student, by_subject in marks.items()},
        policy,
    )


def build_class_report(
    school_class: SchoolClass, term: Term | TermRow, facts: Facts, policy: RegionPolicy
) -> ClassReport:
    marks = facts.class_marks(school_class.id)
    at_risk = []
    for student, by_subject in marks.items():
        low = [
            RiskSubject(facts.subjects[s], mark)
            for s, mark in by_subject.items()
            if mark.value < policy.scale.passing
        ]
        if low:
            low.sort(key=lambda r: r.subject.name)
            name = facts.names.get(student, ("", "", ""))
            at_risk.append(StudentAtRisk(student, name, school_class, low))
    at_risk.sort(key=lambda s: (s.full_name, s.student_id))
    return ClassReport(
        school_class=school_class,
        term=term,
        students=len(marks),
        overall=overall(marks, policy),
        subjects=subject_rows(marks, facts.subjects, policy),
        attendance=facts.attendance.get(school_class.id, AttendanceSummary()),
        at_risk=at_risk,
    )


@dataclass(frozen=True)
class SchoolTotals:
    """A school's figures over all its classes, without the per-class detail."""

    students: int
    overall: Indicators
    subjects: list[SubjectIndicators]
    attendance: AttendanceSummary
    at_risk: int


def school_totals(
    classes: Iterable[SchoolClass], facts: Facts, policy: RegionPolicy
) -> SchoolTotals:
    marks: dict[int, dict[int, TermMark]] = {}
    attendance = AttendanceSummary()
    for school_class in classes:
        marks.update(facts.class_marks(school_class.id))
        attendance = attendance + facts.attendance.get(school_class.id, AttendanceSummary())
    passing = policy.scale.passing
    return SchoolTotals(
        students=len(marks),
        overall=overall(marks, policy),
        subjects=subject_rows(marks, facts.subjects, policy),
        attendance=attendance,
        at_risk=sum(
            1
            for by_subject in marks.values()
            if any(m.value < passing for m in by_subject.values())
        ),
    )


def build_school_report(
    school: School,
    term: Term | TermRow,
    classes: Iterable[SchoolClass],
    facts: Facts,
    policy: RegionPolicy,
) -> SchoolReport:
    classes = sorted(classes, key=lambda c: (c.grade, c.letter))
    totals = school_totals(classes, facts, policy)
    return SchoolReport(
        school=school,
        term=term,
        students=totals.students,
        overall=totals.overall,
        subjects=totals.subjects,
        attendance=totals.attendance,
        classes=[build_class_report(c, term, facts, policy) for c in classes],
    )


async def _school_term(school: School, term_id: int | None, today: date) -> Term | TermRow:
    if term_id is None:
        years = await AcademicYear.filter(school_id=school.id).values("id")
        current = await current_term({row["id"] for row in years}, today)
        if current is None:
            raise NoCurrentTerm()
        return current
    term = await Term.get_or_none(id=term_id, academic_year__school_id=school.id)
    if term is None:
        raise NotFound()
    return term


async def _policy(school: School, policy_for: PolicyFor) -> RegionPolicy:
    await school.fetch_related("region")
    return policy_for(school.region.code)


async def class_report(
    viewer: Viewer, class_id: int, term_id: int | None, policy_for: PolicyFor, today: date
) -> ClassReport:
    """The term report of a class, for its class teacher and the school's administration."""
    school_class = await SchoolClass.get_or_none(id=class_id).select_related("school")
    if school_class is None or not may_see_class_report(viewer, class_id, school_class.school_id):
        raise NotFound()
    term: Term | TermRow | None
    if term_id is None:
        term = await current_term({school_class.academic_year_id}, today)
        if term is None:
            raise NoCurrentTerm()
    else:
        term = await _school_term(school_class.school, term_id, today)
        if term.academic_year_id != school_class.academic_year_id:
            raise InvalidInput("The term is not in the school year of this class.", field="termId")
    policy = await _policy(school_class.school, policy_for)
    facts = await gather([(term, [school_class])], policy, with_names=True)
    return build_class_report(school_class, term, facts, policy)


async def school_report(
    viewer: Viewer, school_id: int, term_id: int | None, policy_for: PolicyFor, today: date
) -> SchoolReport:
    """The term report of a school with every class of the term's year, for its administration."""
    school = await School.get_or_none(id=school_id)
    if school is None or not may_see_school_report(viewer, school_id):
        raise NotFound()
    term = await _school_term(school, term_id, today)
    classes = await SchoolClass.filter(academic_year_id=term.academic_year_id)
    policy = await _policy(school, policy_for)
    facts = await gather([(term, classes)], policy, with_names=True)
    return build_school_report(school, term, classes, facts, policy)
