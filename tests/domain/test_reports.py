"""Term reports and the regional view, against a small school computed by hand.

School H (region "hand"), term 1 = 1 Sep - 25 Oct 2026, subjects Mathematics and Russian.
Term marks are the teacher's where given, else the term average rounded (4.5 and up is 5):

  5A  Anna   Math 5, 4        -> 4.5 -> 5   Russian 5 (w2)          -> 5
      Boris  Math 3, 2 (w2)   -> 7/3 -> 2   Russian 2, but given 3  -> 3
      Vera   Math 4           -> 4          Russian -
      Egor   Math 5 (got in 5B before moving to 5A on 21 Sep; counts in 5A) -> 5
  5B  Gleb   Math 3           -> 3          Russian 4, 5            -> 4.5 -> 5
      Dina   no marks (enrolled, not graded)

Not counted: Anna's deleted 1, Vera's 2 in term 2, Zoya (enrolled in term 2 only).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from ediary.db import count_statements
from ediary.domain import models
from ediary.domain.access import Viewer
from ediary.domain.analytics import export
from ediary.domain.analytics.indicators import AttendanceSummary, Indicators
from ediary.domain.analytics.regional import RegionalSchool, regional_report
from ediary.domain.analytics.reports import SchoolReport, class_report, school_report
from ediary.domain.enums import AttendanceKind
from ediary.domain.errors import InvalidInput, NoCurrentTerm, NotFound
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy
from tests import builders

TERMS = [(date(2026, 9, 1), date(2026, 10, 25)), (date(2026, 11, 3), date(2026, 12, 27))]
TODAY = date(2026, 10, 1)


def policy_for(region: str | None) -> RegionPolicy:
    return DEFAULT_POLICY


def pct(numerator: int, denominator: int) -> Fraction:
    return Fraction(numerator, denominator)


class Hand:
    built: builders.School
    other: builders.School
    admin: Viewer
    class_teacher: Viewer
    official: Viewer


@pytest.fixture(scope="module")
async def hand(database: str) -> Hand:
    found = Hand()
    built = found.built = await builders.school(
        "H", "hand", TERMS, subjects=("Mathematics", "Russian")
    )
    t1, t2 = built.terms
    homeroom = await builders.person(None, "hand-homeroom", "Homeroom", "H")
    a = await builders.school_class(built, "5A", class_teacher=homeroom)
    b = await builders.school_class(built, "5B")

    async def pupil(cls: models.SchoolClass, login: str, starts: date | None = None) -> models.User:
        return await builders.student(None, built, cls, f"hand-{login}", login.title(), "X", starts)

    anna, boris, vera = await pupil(a, "anna"), await pupil(a, "boris"), await pupil(a, "vera")
    gleb, dina = await pupil(b, "gleb"), await pupil(b, "dina")
    zoya = await pupil(a, "zoya", TERMS[1][0])
    egor = await pupil(b, "egor")
    await models.Enrollment.filter(student_id=egor.id).update(ends_on=date(2026, 9, 20))
    await models.Enrollment.create(student=egor, school_class=a, starts_on=date(2026, 9, 21))

    mark = builders.mark
    await mark(built, anna, a, "Mathematics", t1, 5)
    await mark(built, anna, a, "Mathematics", t1, 4)
    deleted = await mark(built, anna, a, "Mathematics", t1, 1)
    await builders.withdraw(deleted)
    await mark(built, anna, a, "Russian", t1, 5, 2)
    await mark(built, boris, a, "Mathematics", t1, 3)
    await mark(built, boris, a, "Mathematics", t1, 2, 2)
    await mark(built, boris, a, "Russian", t1, 2)
    await builders.final_mark(built, boris, "Russian", t1, 3)
    await mark(built, vera, a, "Mathematics", t1, 4)
    await mark(built, vera, a, "Mathematics", t2, 2)
    await mark(built, egor, b, "Mathematics", t1, 5, day=date(2026, 9, 10))
    await mark(built, gleb, b, "Mathematics", t1, 3)
    await mark(built, gleb, b, "Russian", t1, 4)
    await mark(built, gleb, b, "Russian", t1, 5)
    await mark(built, zoya, a, "Mathematics", t2, 2)

    # Attendance in term 1: 5A three absences (two unexcused) and one lateness; 5B two
    # latenesses. Dina's absence in term 2 does not count.
    math_a = await builders.lesson(built, a, "Mathematics", date(2026, 9, 14))
    russian_a = await builders.lesson(built, a, "Russian", date(2026, 9, 15))
    math_b = await builders.lesson(built, b, "Mathematics", date(2026, 9, 14))
    russian_b = await builders.lesson(built, b, "Russian", date(2026, 9, 16))
    later_b = await builders.lesson(built, b, "Russian", date(2026, 11, 10))
    assert built.teacher is not None
    for lesson, who, kind, excused in (
        (math_a, anna, AttendanceKind.ABSENT, True),
        (math_a, boris, AttendanceKind.ABSENT, False),
        (russian_a, boris, AttendanceKind.ABSENT, False),
        (russian_a, vera, AttendanceKind.LATE, False),
        (math_b, gleb, AttendanceKind.LATE, False),
        (russian_b, gleb, AttendanceKind.LATE, True),
        (later_b, dina, AttendanceKind.ABSENT, False),
    ):
        await models.Attendance.create(
            lesson=lesson,
            date=lesson.date,
            student=who,
            kind=kind,
            excused=excused,
            recorded_by=built.teacher,
        )
    # A second school of the region whose year has another name: no such term there.
    found.other = await builders.school("H2", "hand", TERMS, year_name="2025/2026")
    found.admin = Viewer(user_id=-1, admin_schools=frozenset({built.id}))
    found.class_teacher = Viewer(user_id=homeroom.id, homerooms=frozenset({a.id}))
    region = await models.Region.get(code="hand")
    found.official = Viewer(user_id=-2, official_regions=frozenset({region.id}))
    return found


def dist(**counts: int) -> tuple[tuple[int, int], ...]:
    return tuple((mark, counts.get(f"n{mark}", 0)) for mark in (5, 4, 3, 2, 1))


async def _school(hand: Hand) -> SchoolReport:
    return await school_report(hand.admin, hand.built.id, hand.built.terms[0].id, policy_for, TODAY)


async def test_class_report_of_5a(hand: Hand) -> None:
    report = await class_report(
        hand.class_teacher, hand.built.classes["5A"].id, hand.built.terms[0].id, policy_for, TODAY
    )
    assert report.students == 4  # Anna, Boris, Vera, Egor
    by_subject = {row.subject.name: row.indicators for row in report.subjects}
    # Mathematics: 5, 2, 4, 5. Average 16/4 = 4. Without a 2: 3 of 4. Only 4s and 5s: 3 of 4.
    # SOU (1.00 + 0.16 + 0.64 + 1.00) / 4 = 0.70.
    assert by_subject["Mathematics"] == Indicators(
        students=4,
        average=Fraction(4),
        success_rate=pct(3, 4),
        quality=pct(3, 4),
        sou=Fraction(70, 100),
        distribution=dist(n5=2, n4=1, n2=1),
    )
    # Russian: 5 and the given 3. Average 4; success 2/2; quality 1/2; SOU (1 + 0.36) / 2.
    assert by_subject["Russian"] == Indicators(
        2, Fraction(4), pct(1, 1), pct(1, 2), Fraction(68, 100), dist(n5=1, n3=1)
    )
    # Overall: lowest marks 5, 2, 4, 5 -> success 3/4, quality 3/4; all marks 5 5 2 3 4 5:
    # average 24/6 = 4; SOU (1 + 1 + 0.16 + 0.36 + 0.64 + 1) / 6 = 4.16 / 6.
    assert report.overall == Indicators(
        4, Fraction(4), pct(3, 4), pct(3, 4), Fraction(416, 600), dist(n5=3, n4=1, n3=1, n2=1)
    )
    assert report.attendance == AttendanceSummary(absences=3, unexcused=2, late=1)
    (risk,) = report.at_risk
    assert risk.full_name == "Boris X"
    assert [(r.subject.name, r.mark.value, r.mark.given) for r in risk.subjects] == [
        ("Mathematics", 2, False)
    ]


async def test_school_report(hand: Hand) -> None:
    report = await _school(hand)
    assert report.students == 6
    assert [c.school_class.name for c in report.classes] == ["5A", "5B"]
    b = report.classes[1]
    # 5B: Gleb 3 and 5, Dina ungraded. Lowest 3: success 1/1, quality 0/1; SOU (0.36 + 1) / 2.
    assert (b.students, b.overall) == (
        2,
        Indicators(1, Fraction(4), pct(1, 1), pct(0, 1), Fraction(68, 100), dist(n5=1, n3=1)),
    )
    assert b.attendance == AttendanceSummary(absences=0, unexcused=0, late=2)
    by_subject = {row.subject.name: row.indicators for row in report.subjects}
    # Mathematics over the school: 5, 2, 4, 5, 3. Average 19/5; success 4/5; quality 3/5;
    # SOU (1 + 0.16 + 0.64 + 1 + 0.36) / 5 = 3.16 / 5.
    assert by_subject["Mathematics"] == Indicators(
        5, Fraction(19, 5), pct(4, 5), pct(3, 5), Fraction(316, 500), dist(n5=2, n4=1, n3=1, n2=1)
    )
    # Russian: 5, 3, 5. Average 13/3; success 3/3; quality 2/3; SOU 2.36 / 3.
    assert by_subject["Russian"] == Indicators(
        3, Fraction(13, 3), pct(1, 1), pct(2, 3), Fraction(236, 300), dist(n5=2, n3=1)
    )
    # Overall: lowest 5, 2, 4, 5, 3 -> success 4/5, quality 3/5; all marks 5 5 2 3 4 5 3 5:
    # average 32/8 = 4; SOU 5.52 / 8 = 0.69.
    assert report.overall == Indicators(
        5, Fraction(4), pct(4, 5), pct(3, 5), Fraction(69, 100), dist(n5=4, n4=1, n3=2, n2=1)
    )
    assert report.attendance == AttendanceSummary(absences=3, unexcused=2, late=3)
    assert [s.full_name for s in report.at_risk] == ["Boris X"]


async def test_a_term_without_marks_reports_nothing_and_divides_by_nothing(hand: Hand) -> None:
    # Term 2: Vera's 2 and Zoya's 2; nobody else has marks. Egor is in 5A.
    report = await school_report(
        hand.admin, hand.built.id, hand.built.terms[1].id, policy_for, TODAY
    )
    assert report.overall.students == 2
    empty_class = await models.SchoolClass.create(
        school=hand.built.school, academic_year=hand.built.year, grade=9, letter="Z"
    )
    empty = await class_report(
        hand.admin, empty_class.id, hand.built.terms[0].id, policy_for, TODAY
    )
    assert (empty.students, empty.at_risk, empty.subjects) == (0, [], [])
    assert empty.overall == Indicators(0, None, None, None, None, dist())
    await empty_class.delete()


async def test_who_may_see_which_report(hand: Hand) -> None:
    t1 = hand.built.terms[0].id
    b = hand.built.classes["5B"].id
    with pytest.raises(NotFound):  # a class teacher sees their own class only
        await class_report(hand.class_teacher, b, t1, policy_for, TODAY)
    with pytest.raises(NotFound):
        await school_report(hand.class_teacher, hand.built.id, t1, policy_for, TODAY)
    with pytest.raises(NotFound):
        await school_report(hand.official, hand.built.id, t1, policy_for, TODAY)
    other_term = hand.other.terms[0].id
    with pytest.raises(NotFound):  # a term of another school
        await school_report(hand.admin, hand.built.id, other_term, policy_for, TODAY)


async def test_current_term_and_bad_terms(hand: Hand) -> None:
    a = hand.built.classes["5A"].id
    current = await class_report(hand.admin, a, None, policy_for, TODAY)
    assert current.term.number == 1
    with pytest.raises(NoCurrentTerm):
        await class_report(hand.admin, a, None, policy_for, date(2026, 8, 1))
    next_year = await models.AcademicYear.create(
        school=hand.built.school,
        name="2027/2028",
        starts_on=date(2027, 9, 1),
        ends_on=date(2028, 5, 31),
    )
    later = await models.Term.create(
        academic_year=next_year, number=1, starts_on=date(2027, 9, 1), ends_on=date(2027, 10, 30)
    )
    with pytest.raises(InvalidInput) as refused:
        await class_report(hand.admin, a, later.id, policy_for, TODAY)
    assert refused.value.field == "termId"
    await later.delete()
    await next_year.delete()


async def test_regional_view_suppresses_small_groups(hand: Hand) -> None:
    async def view(min_group: int) -> dict[str, RegionalSchool]:
        report = await regional_report(hand.official, "hand", "2026/2027", 1, policy_for, min_group)
        return {row.school.short_name: row for row in report.schools}

    # At 5: 6 enrolled, 5 graded overall and in Mathematics; 3 graded in Russian.
    five = await view(5)
    h = five["H"]
    assert (h.suppressed, h.students, h.at_risk) == (False, 6, 1)
    assert h.overall.success_rate == pct(4, 5)
    subjects = {s.name: s.indicators for s in h.subjects}
    assert subjects["Mathematics"].students == 5
    assert subjects["Russian"] == Indicators(None, None, None, None, None, None, suppressed=True)
    assert h.attendance == AttendanceSummary(3, 2, 3)
    other = five["H2"]
    assert (other.term, other.suppressed, other.students) == (None, False, None)
    # At 6: the school shows (6 enrolled) but no indicator group reaches 6 graded students.
    six = (await view(6))["H"]
    assert (six.suppressed, six.students) == (False, 6)
    assert six.overall.suppressed and six.overall.success_rate is None
    assert all(s.indicators.suppressed for s in six.subjects)
    # At 7: the whole school is withheld, with nulls rather than zeros.
    seven = (await view(7))["H"]
    assert (seven.suppressed, seven.students, seven.attendance, seven.at_risk, seven.subjects) == (
        True,
        None,
        None,
        None,
        [],
    )
    assert seven.overall.suppressed


async def test_regional_view_access_and_input(hand: Hand) -> None:
    with pytest.raises(NotFound):
        await regional_report(hand.admin, "hand", "2026/2027", 1, policy_for, 5)
    with pytest.raises(NotFound):
        await regional_report(hand.official, "nowhere", "2026/2027", 1, policy_for, 5)
    with pytest.raises(InvalidInput):
        await regional_report(hand.official, "hand", "2026/2027", 0, policy_for, 5)


async def test_exports(hand: Hand) -> None:
    report = await _school(hand)
    rows = list(csv.reader(io.StringIO(export.to_csv(report, DEFAULT_POLICY).decode("utf-8-sig"))))
    header = rows[0]
    assert header[:7] == [
        "class",
        "subject",
        "students",
        "average_mark",
        "success_rate_percent",
        "quality_percent",
        "sou_percent",
    ]
    table = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    school = table[("(school)", "(all subjects)")]
    assert (school["students"], school["average_mark"], school["sou_percent"]) == (
        "5",
        "4.00",
        "69.00",
    )
    assert (school["absences"], school["unexcused_absences"], school["late"]) == ("3", "2", "3")
    assert school["students_at_risk"] == "1"
    russian = table[("(school)", "Russian")]
    assert (russian["average_mark"], russian["quality_percent"]) == ("4.33", "66.67")
    assert (table[("5A", "Mathematics")]["marks_2"], table[("5B", "(all subjects)")]["late"]) == (
        "1",
        "2",
    )

    book = load_workbook(io.BytesIO(export.to_xlsx(report, DEFAULT_POLICY)))
    assert book.sheetnames == ["Indicators", "At risk"]
    sheet = [list(r) for r in book["Indicators"].iter_rows(values_only=True)]
    assert sheet[0] == header
    assert sheet[1][:4] == ["(school)", "(all subjects)", 5, 4.0]
    risks = [list(r) for r in book["At risk"].iter_rows(values_only=True)]
    assert risks[1] == ["5A", "Boris X", "Mathematics", 2, "forecast"]
    assert isinstance(export.indicator_rows(report, DEFAULT_POLICY)[1][3], Decimal)


async def _grow(built: builders.School, name: str, pupils: int) -> None:
    cls = await builders.school_class(built, name)
    for n in range(pupils):
        who = await builders.student(None, built, cls, f"grow-{name}-{n}", "G", str(n))
        for subject in built.subjects:
            await builders.mark(built, who, cls, subject, built.terms[0], 1 + n % 5)
        lesson = await builders.lesson(built, cls, "Mathematics", TERMS[0][0])
        await models.Attendance.create(
            lesson=lesson,
            date=lesson.date,
            student=who,
            kind=AttendanceKind.ABSENT,
            recorded_by=built.teacher,
        )


async def test_a_report_costs_the_same_statements_for_one_class_or_three(database: str) -> None:
    built = await builders.school("G", "grow", TERMS, subjects=("Mathematics", "Russian", "Art"))
    admin = Viewer(user_id=-3, admin_schools=frozenset({built.id}))
    await _grow(built, "1A", 3)

    async def cost() -> int:
        with count_statements() as count:
            await school_report(admin, built.id, built.terms[0].id, policy_for, TODAY)
        return count.value

    small = await cost()
    await _grow(built, "1B", 8)
    await _grow(built, "1C", 12)
    assert await cost() == small
    assert small <= 10, small
