"""Types of term reports (class, school) and of the regional view."""

from __future__ import annotations

from fractions import Fraction
from typing import Self

import strawberry

from ediary.adapters.links import Links
from ediary.domain.analytics import indicators as domain
from ediary.domain.analytics import regional, reports
from ediary.domain.grading import display_average
from ediary.schema.types.analytics import rounded
from ediary.schema.types.people import Student
from ediary.schema.types.school import School, SchoolClass, Subject, Term


def percent(share: Fraction | None) -> float | None:
    shown = display_average(domain.share_percent(share))
    return float(shown) if shown is not None else None


@strawberry.type(description="How many term marks of one value a group has.")
class MarkCount:
    mark: int = strawberry.field(description="The mark, such as 5.")
    count: int = strawberry.field(description="How many term marks of that value.")


@strawberry.type(
    description="Statistics of a group of students over their term marks (the mark the "
    "teacher gave, else the forecast from the term average). All values are null when the "
    "group is empty or suppressed."
)
class GroupIndicators:
    suppressed: bool = strawberry.field(
        description="True when the group is smaller than the reporting threshold and its "
        "values are withheld so no child can be singled out."
    )
    students: int | None = strawberry.field(
        description="Students with at least one term mark in the group."
    )
    average_mark: float | None = strawberry.field(
        description="Mean of the group's term marks, to 0.01."
    )
    success_rate: float | None = strawberry.field(
        description="Percentage of students without a term mark below passing (no 2), to 0.01."
    )
    quality: float | None = strawberry.field(
        description="Percentage of students with only good marks (4s and 5s), to 0.01."
    )
    sou: float | None = strawberry.field(
        description="Degree of learning, (1.00 n5 + 0.64 n4 + 0.36 n3 + 0.16 n2 + 0.08 n1) / n, "
        "in percent to 0.01 over all term marks; null on scales other than 1 to 5."
    )
    distribution: list[MarkCount] | None = strawberry.field(
        description="Term marks per value, highest mark first, every value of the scale."
    )

    @classmethod
    def from_domain(cls, item: domain.Indicators) -> Self:
        return cls(
            suppressed=item.suppressed,
            students=item.students,
            average_mark=rounded(item.average),
            success_rate=percent(item.success_rate),
            quality=percent(item.quality),
            sou=percent(item.sou),
            distribution=(
                None
                if item.distribution is None
                else [MarkCount(mark=m, count=c) for m, c in item.distribution]
            ),
        )


@strawberry.type(description="Attendance register entries over a term.")
class AttendanceSummary:
    absences: int = strawberry.field(description="Lessons missed, excused or not.")
    unexcused: int = strawberry.field(description="Lessons missed without an excuse.")
    late: int = strawberry.field(description="Lessons come to late.")

    @classmethod
    def from_domain(cls, item: domain.AttendanceSummary) -> Self:
        return cls(absences=item.absences, unexcused=item.unexcused, late=item.late)


@strawberry.type(description="The statistics of one subject in a class or school.")
class SubjectIndicators:
    subject: Subject = strawberry.field(
        description="The subject these indicators are computed for."
    )
    indicators: GroupIndicators = strawberry.field(
        description="Statistics over the students' term marks in the subject."
    )

    @classmethod
    def from_domain(cls, item: reports.SubjectIndicators) -> Self:
        return cls(
            subject=Subject.from_model(item.subject),
            indicators=GroupIndicators.from_domain(item.indicators),
        )


@strawberry.type(description="A term mark below passing in one subject.")
class RiskSubject:
    subject: Subject = strawberry.field(
        description="A subject in which the student is at risk this term."
    )
    mark: int = strawberry.field(description="The term mark.")
    given: bool = strawberry.field(
        description="True when the teacher gave it, false when it is the forecast."
    )


@strawberry.type(description="A student with a term mark below passing, given or forecast.")
class StudentAtRisk:
    student: Student = strawberry.field(description="The student at risk of failing the term.")
    school_class: SchoolClass = strawberry.field(description="The student's class.")
    subjects: list[RiskSubject] = strawberry.field(
        description="The subjects below passing, by name."
    )

    @classmethod
    def from_domain(cls, item: reports.StudentAtRisk) -> Self:
        last, first, middle = item.name
        return cls(
            student=Student(
                id=item.student_id,
                first_name=first,
                last_name=last,
                middle_name=middle,
                full_name=item.full_name,
            ),
            school_class=SchoolClass.from_model(item.school_class),
            subjects=[
                RiskSubject(
                    subject=Subject.from_model(r.subject), mark=r.mark.value, given=r.mark.given
                )
                for r in item.subjects
            ],
        )


@strawberry.type(description="The term report of a class.")
class ClassReport:
    school_class: SchoolClass = strawberry.field(description="The class the report is about.")
    term: Term = strawberry.field(description="The term reported on.")
    students: int = strawberry.field(description="Students enrolled in the class in the term.")
    overall: GroupIndicators = strawberry.field(
        description="Statistics over all subjects: success and quality per student (by their "
        "lowest term mark), SOU, average and distribution over all term marks."
    )
    subjects: list[SubjectIndicators] = strawberry.field(
        description="Statistics per subject, by name."
    )
    attendance: AttendanceSummary = strawberry.field(
        description="Absences and lateness at the class's lessons in the term."
    )
    at_risk: list[StudentAtRisk] = strawberry.field(
        description="Students with a term mark below passing, by name."
    )
    csv_url: str = strawberry.field(
        description="Absolute address of this report as a CSV file, served with the same login."
    )
    xlsx_url: str = strawberry.field(
        description="Absolute address of this report as an Excel workbook, served with the "
        "same login."
    )
    report_cards_pdf_url: str = strawberry.field(
        description="Absolute address of the term report cards of every student of the class "
        "as one PDF to print, a student a page, served with the same login."
    )

    @classmethod
    def from_domain(cls, item: reports.ClassReport, links: Links) -> Self:
        class_id, term_id = item.school_class.id, item.term.id
        return cls(
            school_class=SchoolClass.from_model(item.school_class),
            term=Term.from_model(item.term),
            students=item.students,
            overall=GroupIndicators.from_domain(item.overall),
            subjects=[SubjectIndicators.from_domain(s) for s in item.subjects],
            attendance=AttendanceSummary.from_domain(item.attendance),
            at_risk=[StudentAtRisk.from_domain(s) for s in item.at_risk],
            csv_url=links.class_report(class_id, term_id, "csv"),
            xlsx_url=links.class_report(class_id, term_id, "xlsx"),
            report_cards_pdf_url=links.printed_class_report_cards(class_id, term_id),
        )


@strawberry.type(description="The term report of a school, with every class of the school year.")
class SchoolReport:
    school: School = strawberry.field(description="The school the report is about.")
    term: Term = strawberry.field(description="The term reported on.")
    students: int = strawberry.field(description="Students enrolled in the school in the term.")
    overall: GroupIndicators = strawberry.field(
        description="Statistics over all classes and subjects, defined as for a class."
    )
    subjects: list[SubjectIndicators] = strawberry.field(
        description="Statistics per subject over the whole school, by name."
    )
    attendance: AttendanceSummary = strawberry.field(
        description="Absences and lateness over all classes in the term."
    )
    classes: list[ClassReport] = strawberry.field(
        description="The report of each class, by grade and letter."
    )
    at_risk: list[StudentAtRisk] = strawberry.field(
        description="Students with a term mark below passing, class by class."
    )
    csv_url: str = strawberry.field(
        description="Absolute address of this report as a CSV file, served with the same login."
    )
    xlsx_url: str = strawberry.field(
        description="Absolute address of this report as an Excel workbook, served with the "
        "same login."
    )

    @classmethod
    def from_domain(cls, item: reports.SchoolReport, links: Links) -> Self:
        school_id, term_id = item.school.id, item.term.id
        return cls(
            school=School.from_model(item.school),
            term=Term.from_model(item.term),
            students=item.students,
            overall=GroupIndicators.from_domain(item.overall),
            subjects=[SubjectIndicators.from_domain(s) for s in item.subjects],
            attendance=AttendanceSummary.from_domain(item.attendance),
            classes=[ClassReport.from_domain(c, links) for c in item.classes],
            at_risk=[StudentAtRisk.from_domain(s) for s in item.at_risk],
            csv_url=links.school_report(school_id, term_id, "csv"),
            xlsx_url=links.school_report(school_id, term_id, "xlsx"),
        )


@strawberry.type(description="One subject of a school in the regional view, matched by name.")
class RegionalSubject:
    name: str = strawberry.field(description="Name of the subject at that school.")
    indicators: GroupIndicators = strawberry.field(
        description="Statistics of the subject; suppressed when too few students are graded."
    )


@strawberry.type(description="One school in the regional view: aggregates only, never a child.")
class RegionalSchool:
    school: School = strawberry.field(
        description="One school of the region, with its indicators beside."
    )
    term: Term | None = strawberry.field(
        description="The school's term of that number and year; null when it has none."
    )
    suppressed: bool = strawberry.field(
        description="True when fewer students than the threshold were enrolled: every value "
        "of the school is withheld."
    )
    students: int | None = strawberry.field(description="Students enrolled in the term.")
    overall: GroupIndicators = strawberry.field(description="Statistics over all subjects.")
    subjects: list[RegionalSubject] = strawberry.field(
        description="Statistics per subject, by name; empty when the school is suppressed."
    )
    attendance: AttendanceSummary | None = strawberry.field(
        description="Absences and lateness over the term; null when suppressed."
    )
    at_risk_students: int | None = strawberry.field(
        description="How many students have a term mark below passing; null when suppressed."
    )

    @classmethod
    def from_domain(cls, item: regional.RegionalSchool) -> Self:
        return cls(
            school=School.from_model(item.school),
            term=Term.from_model(item.term) if item.term else None,
            suppressed=item.suppressed,
            students=item.students,
            overall=GroupIndicators.from_domain(item.overall),
            subjects=[
                RegionalSubject(name=s.name, indicators=GroupIndicators.from_domain(s.indicators))
                for s in item.subjects
            ],
            attendance=AttendanceSummary.from_domain(item.attendance) if item.attendance else None,
            at_risk_students=item.at_risk,
        )


@strawberry.type(description="Term statistics of every school of a region, aggregated only.")
class RegionalReport:
    region_code: str = strawberry.field(description="Short code of the region, as `Region.code`.")
    region_name: str = strawberry.field(description="The region's name, as `Region.name`.")
    academic_year: str = strawberry.field(description='The school year, such as "2026/2027".')
    term_number: int = strawberry.field(description="The term number reported on.")
    min_group: int = strawberry.field(
        description="The smallest group shown; smaller ones are suppressed."
    )
    schools: list[RegionalSchool] = strawberry.field(description="The schools, by name.")

    @classmethod
    def from_domain(cls, item: regional.RegionalReport) -> Self:
        return cls(
            region_code=item.region.code,
            region_name=item.region.name,
            academic_year=item.academic_year,
            term_number=item.term_number,
            min_group=item.min_group,
            schools=[RegionalSchool.from_domain(s) for s in item.schools],
        )
