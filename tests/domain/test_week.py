"""A student's week read in two statements: what each grant shows of it.

A school built for this module: a student moves from class 6A to 6B in the middle of the
week (Wednesday is the last day in 6A), and the week has lessons in both classes, homework
with files, attendance, marks at lessons and for dated work, a deleted mark, a mark of the
previous term and marks outside the week. Each test reads the week as one viewer and checks
every part of the answer, so a condition missing from the statements shows up as a row too
many.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

import pytest
from tortoise.transactions import in_transaction

from ediary.db import count_statements
from ediary.domain import models
from ediary.domain.access import ALL_FACETS, Placement, StudentGrant, Viewer, load_viewer
from ediary.domain.averages import term_averages
from ediary.domain.bounds import within_sql
from ediary.domain.diary import DiaryWeek, load_week
from ediary.domain.enums import AttendanceKind, Role, WorkKind
from ediary.domain.errors import NotFound
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy
from ediary.domain.journal.history import record_imported
from ediary.domain.rows import BellRow, TermRow
from ediary.domain.sql import Parameters
from ediary.domain.weeks import IsoWeek
from tests import builders

WEEK = IsoWeek(2025, 46)  # 10-16 November 2025
MONDAY = WEEK.monday
LAST_DAY_IN_A = MONDAY + timedelta(days=2)
TERMS = [(date(2025, 9, 1), date(2025, 11, 5)), (date(2025, 11, 6), date(2025, 12, 28))]
TODAY = date(2025, 11, 13)


@dataclass
class Week:
    school: builders.School
    student: models.User
    parent: models.User
    homeroom_a: models.User
    math_teacher: models.User
    nurse: models.User
    lessons: dict[str, int]
    marks: dict[str, int]
    files: list[int]
    homework: list[int]


async def _mark(
    built: builders.School,
    who: models.User,
    school_class: models.SchoolClass,
    subject: str,
    term: models.Term,
    value: int,
    day: date,
    *,
    lesson: models.Lesson | None = None,
    weight: int = 1,
    kind: WorkKind = WorkKind.CLASSWORK,
) -> models.Mark:
    assert built.teacher is not None
    async with in_transaction() as conn:
        created = await models.Mark.create(
            student=who,
            lesson=lesson,
            school_class=school_class,
            subject=built.subjects[subject],
            term=term,
            date=day,
            value=value,
            weight=weight,
            kind=kind,
            author=built.teacher,
            using_db=conn,
        )
        await record_imported(conn, [created])
    return created


@pytest.fixture(scope="module")
async def week(database: str) -> Week:
    built = await builders.school(
        "wk", "rwk", TERMS, subjects=("Mathematics", "Biology", "Art"), year_name="2025/2026"
    )
    homeroom_a = await builders.person(None, "wk-homeroom-a", "Belov", "Roman")
    await models.RoleGrant.create(user=homeroom_a, role=Role.TEACHER, school=built.school)
    class_a = await builders.school_class(built, "6A", class_teacher=homeroom_a)
    class_b = await builders.school_class(built, "6B")
    # Teaches Mathematics in both classes and nothing else.
    math_teacher = await builders.person(
        None, "wk-math", "Zaitseva", "Vera", (Role.TEACHER, built.school, None)
    )
    for school_class in (class_a, class_b):
        await models.TeachingAssignment.create(
            teacher=math_teacher, school_class=school_class, subject=built.subjects["Mathematics"]
        )
    nurse = await builders.person(
        None, "wk-nurse", "Gromova", "Inna", (Role.HEALTH_WORKER, built.school, None)
    )
    student = await builders.person(
        None, "wk-student", "Orlova", "Alisa", (Role.STUDENT, built.school, None)
    )
    await models.Enrollment.create(
        student=student, school_class=class_a, starts_on=TERMS[0][0], ends_on=LAST_DAY_IN_A
    )
    await models.Enrollment.create(
        student=student, school_class=class_b, starts_on=LAST_DAY_IN_A + timedelta(days=1)
    )
    classmate = await builders.student(None, built, class_a, "wk-classmate", "Lisin", "Oleg")
    parent = await builders.person(
        None, "wk-parent", "Orlov", "Denis", (Role.PARENT, built.school, None)
    )
    await models.Guardianship.create(parent=parent, student=student)
    old_term, term = built.terms

    lessons: dict[str, models.Lesson] = {}
    for key, school_class, subject, offset, period in (
        # Tuesday's Biology comes first in the table but second in the day.
        ("a_tue_bio", class_a, "Biology", 1, 3),
        ("a_mon_math", class_a, "Mathematics", 0, 1),
        ("a_tue_math", class_a, "Mathematics", 1, 2),
        # Period 8: the school rings no bell for it.
        ("a_wed_art", class_a, "Art", 2, 8),
        # 6A goes on without the student from Thursday; 6B had lessons before they came.
        ("a_thu_math", class_a, "Mathematics", 3, 1),
        ("b_wed_math", class_b, "Mathematics", 2, 1),
        ("b_thu_bio", class_b, "Biology", 3, 2),
        ("b_fri_math", class_b, "Mathematics", 4, 1),
    ):
        lessons[key] = await builders.lesson(
            built, school_class, subject, MONDAY + timedelta(days=offset), period
        )

    homework = []
    files = []
    for key in ("a_mon_math", "a_thu_math", "b_fri_math"):
        assert built.teacher is not None
        for text in ("Read", "Write"):
            made = await models.Homework.create(
                lesson=lessons[key], text=f"{text} {key}", due_on=WEEK.sunday, author=built.teacher
            )
            homework.append(made.id)
            for name in ("b.pdf", "a.pdf") if text == "Read" else ():
                stored = await models.HomeworkAttachment.create(
                    homework=made,
                    filename=name,
                    content_type="application/pdf",
                    size=len(name),
                    storage_key=f"wk-{made.id}-{name}",
                )
                files.append(stored.id)

    for key, kind in (("a_tue_bio", AttendanceKind.ABSENT), ("a_thu_math", AttendanceKind.LATE)):
        assert built.teacher is not None
        await models.Attendance.create(
            lesson=lessons[key],
            date=lessons[key].date,
            student=student,
            kind=kind,
            minutes_late=5 if kind is AttendanceKind.LATE else None,
            recorded_by=built.teacher,
        )

    marks: dict[str, models.Mark] = {}
    mon = lessons["a_mon_math"]
    marks["mon_first"] = await _mark(
        built, student, class_a, "Mathematics", term, 5, MONDAY, lesson=mon, weight=2
    )
    marks["mon_second"] = await _mark(
        built, student, class_a, "Mathematics", term, 3, MONDAY, lesson=mon, kind=WorkKind.TEST
    )
    # Entered later than its id says: marks are ordered by when they were entered.
    marks["mon_last"] = await _mark(
        built, student, class_a, "Mathematics", old_term, 4, MONDAY, lesson=mon
    )
    await models.Mark.filter(id=marks["mon_first"].id).update(
        created_at=datetime.now(UTC) + timedelta(hours=1)
    )
    marks["deleted"] = await _mark(
        built, student, class_a, "Mathematics", term, 2, MONDAY, lesson=mon
    )
    await builders.withdraw(marks["deleted"])
    marks["bio_tue"] = await _mark(
        built,
        student,
        class_a,
        "Biology",
        term,
        4,
        MONDAY + timedelta(days=1),
        lesson=lessons["a_tue_bio"],
    )
    marks["dated_tue"] = await _mark(
        built, student, class_a, "Art", term, 5, MONDAY + timedelta(days=1)
    )
    marks["dated_fri"] = await _mark(
        built, student, class_b, "Mathematics", term, 2, MONDAY + timedelta(days=4)
    )
    marks["b_fri"] = await _mark(
        built,
        student,
        class_b,
        "Mathematics",
        term,
        4,
        MONDAY + timedelta(days=4),
        lesson=lessons["b_fri_math"],
    )
    marks["before_week"] = await _mark(
        built, student, class_a, "Mathematics", term, 3, term.starts_on
    )
    marks["old_term"] = await _mark(
        built, student, class_a, "Biology", old_term, 2, old_term.starts_on
    )
    marks["classmate"] = await _mark(
        built, classmate, class_a, "Mathematics", term, 1, MONDAY, lesson=mon
    )
    return Week(
        built,
        student,
        parent,
        homeroom_a,
        math_teacher,
        nurse,
        {key: lesson.id for key, lesson in lessons.items()},
        {key: mark.id for key, mark in marks.items()},
        files,
        homework,
    )


async def _read(who: models.User, found: Week, policy: RegionPolicy = DEFAULT_POLICY) -> DiaryWeek:
    viewer = await load_viewer(who, builders.no_window, TODAY)
    return await load_week(viewer, found.student.id, WEEK, lambda region: policy)


def _lessons(diary: DiaryWeek, found: Week) -> list[str]:
    names = {lesson_id: key for key, lesson_id in found.lessons.items()}
    return [names[entry.lesson.id] for day in diary.days for entry in day.lessons]


def _marks(diary: DiaryWeek, found: Week) -> dict[str, list[str]]:
    names = {mark_id: key for key, mark_id in found.marks.items()}
    shown: dict[str, list[str]] = {}
    lessons = {lesson_id: key for key, lesson_id in found.lessons.items()}
    for day in diary.days:
        for entry in day.lessons:
            if entry.marks:
                shown[lessons[entry.lesson.id]] = [names[m.id] for m in entry.marks]
        if day.other_marks:
            shown[str(day.date)] = [names[m.id] for m in day.other_marks]
    return shown


def _averages(diary: DiaryWeek) -> list[tuple[str, Fraction | None, int, int, int | None]]:
    return [
        (a.subject.name, a.average, a.mark_count, a.weight_total, a.forecast)
        for a in diary.averages
    ]


async def test_the_family_sees_each_class_while_the_student_was_in_it(week: Week) -> None:
    diary = await _read(week.parent, week)
    assert [day.date for day in diary.days] == list(WEEK.days())
    assert _lessons(diary, week) == [
        "a_mon_math",
        "a_tue_math",
        "a_tue_bio",
        "a_wed_art",
        "b_thu_bio",
        "b_fri_math",
    ]
    term = week.school.terms[1]
    assert diary.term == TermRow(term.id, week.school.year.id, 2, *TERMS[1])
    monday = diary.days[0].lessons[0]
    assert monday.bell == BellRow(1, time(8, 30), time(9, 15))
    assert monday.lesson.subject.name == "Mathematics"
    assert monday.lesson.teacher.full_name == "Teacher wk"
    assert monday.lesson.substitute_teacher is None
    wednesday = diary.days[2].lessons[0]
    assert (wednesday.lesson.period, wednesday.bell) == (8, None)


async def test_homework_comes_with_its_files_in_order_only_for_shown_lessons(week: Week) -> None:
    diary = await _read(week.parent, week)
    shown = {
        entry.lesson.id: [(h.id, h.text, [f.id for f in h.attachments]) for h in entry.homework]
        for day in diary.days
        for entry in day.lessons
        if entry.homework
    }
    first, second, *_ = week.homework
    # Thursday's homework in 6A is set at a lesson the student was no longer in.
    fri_first, fri_second = week.homework[4:]
    assert shown == {
        week.lessons["a_mon_math"]: [
            (first, "Read a_mon_math", sorted(week.files[:2])),
            (second, "Write a_mon_math", []),
        ],
        week.lessons["b_fri_math"]: [
            (fri_first, "Read b_fri_math", sorted(week.files[4:])),
            (fri_second, "Write b_fri_math", []),
        ],
    }


async def test_live_marks_by_lesson_and_day_in_the_order_entered(week: Week) -> None:
    diary = await _read(week.parent, week)
    # The deleted mark, the classmate's and those outside the week are nowhere; a mark of
    # the previous term dated in the week is shown at its lesson.
    assert _marks(diary, week) == {
        "a_mon_math": ["mon_second", "mon_last", "mon_first"],
        "a_tue_bio": ["bio_tue"],
        str(MONDAY + timedelta(days=1)): ["dated_tue"],
        str(MONDAY + timedelta(days=4)): ["dated_fri"],
        "b_fri_math": ["b_fri"],
    }
    first = diary.days[0].lessons[0].marks[-1]
    assert (first.value, first.weight, first.kind, first.subject.name) == (
        5,
        2,
        WorkKind.CLASSWORK,
        "Mathematics",
    )
    assert first.author.full_name == "Teacher wk"
    assert first.created_at.tzinfo is not None
    stored = await models.Mark.get(id=first.id)
    assert (first.created_at, first.updated_at) == (stored.created_at, stored.updated_at)


async def test_attendance_only_at_shown_lessons(week: Week) -> None:
    diary = await _read(week.parent, week)
    shown = {
        entry.lesson.id: (entry.attendance.kind, entry.attendance.minutes_late)
        for day in diary.days
        for entry in day.lessons
        if entry.attendance is not None
    }
    assert shown == {week.lessons["a_tue_bio"]: (AttendanceKind.ABSENT, None)}
    assert diary.days[1].lessons[1].attendance is not None
    assert diary.days[1].lessons[1].attendance.excused is False


async def test_term_averages_count_live_marks_of_the_term_by_subject_name(week: Week) -> None:
    diary = await _read(week.parent, week)
    # Mathematics: 5*2 + 3 + 2 + 4 + 3 over 6 (the deleted 2 and the previous term's 4
    # left out); Biology: the 4 of this term only; Art: the dated 5.
    assert _averages(diary) == [
        ("Art", Fraction(5), 1, 1, 5),
        ("Biology", Fraction(4), 1, 1, 4),
        ("Mathematics", Fraction(22, 6), 5, 6, 4),
    ]
    grant = diary.grant
    assert diary.term is not None
    assert [
        (a.subject.name, a.average, a.mark_count) for a in await term_averages(grant, diary.term)
    ] == [(name, average, count) for name, average, count, _, _ in _averages(diary)]


async def test_averages_count_only_the_kinds_the_region_counts(week: Week) -> None:
    tests_only = RegionPolicy(code="rwk", counted_kinds=frozenset({WorkKind.TEST}))
    diary = await _read(week.parent, week, tests_only)
    assert _averages(diary) == [("Mathematics", Fraction(3), 1, 1, 3)]


async def test_the_old_class_teacher_sees_only_the_days_in_their_class(week: Week) -> None:
    diary = await _read(week.homeroom_a, week)
    assert _lessons(diary, week) == ["a_mon_math", "a_tue_math", "a_tue_bio", "a_wed_art"]
    assert _marks(diary, week) == {
        "a_mon_math": ["mon_second", "mon_last", "mon_first"],
        "a_tue_bio": ["bio_tue"],
        str(MONDAY + timedelta(days=1)): ["dated_tue"],
    }
    # Marks given in 6A this term, before the move: 6B's are not theirs.
    assert _averages(diary) == [
        ("Art", Fraction(5), 1, 1, 5),
        ("Biology", Fraction(4), 1, 1, 4),
        ("Mathematics", Fraction(16, 4), 3, 4, 4),
    ]


async def test_a_subject_teacher_sees_only_their_subject(week: Week) -> None:
    diary = await _read(week.math_teacher, week)
    assert _lessons(diary, week) == ["a_mon_math", "a_tue_math", "b_fri_math"]
    assert _marks(diary, week) == {
        "a_mon_math": ["mon_second", "mon_last", "mon_first"],
        str(MONDAY + timedelta(days=4)): ["dated_fri"],
        "b_fri_math": ["b_fri"],
    }
    assert [a.subject.name for a in diary.averages] == ["Mathematics"]
    assert diary.averages[0].mark_count == 5


async def test_the_nurse_sees_lessons_and_attendance_only(week: Week) -> None:
    diary = await _read(week.nurse, week)
    assert _lessons(diary, week) == [
        "a_mon_math",
        "a_tue_math",
        "a_tue_bio",
        "a_wed_art",
        "b_thu_bio",
        "b_fri_math",
    ]
    assert _marks(diary, week) == {}
    assert diary.averages == []
    assert all(not entry.homework for day in diary.days for entry in day.lessons)
    assert [e.attendance.kind for d in diary.days for e in d.lessons if e.attendance] == [
        AttendanceKind.ABSENT
    ]


async def test_a_parent_window_hides_the_days_before_it(week: Week) -> None:
    # The window is counted back from the viewer's today: make it open on Wednesday.
    days = (TODAY - LAST_DAY_IN_A).days
    viewer = await load_viewer(week.parent, parent_lookback=lambda region: days, today=TODAY)
    diary = await load_week(viewer, week.student.id, WEEK)
    assert diary.grant.visible_from == LAST_DAY_IN_A
    assert _lessons(diary, week) == ["a_wed_art", "b_thu_bio", "b_fri_math"]
    assert _marks(diary, week) == {
        str(MONDAY + timedelta(days=4)): ["dated_fri"],
        "b_fri_math": ["b_fri"],
    }
    # Term averages are the term's, whatever the window.
    assert [a.mark_count for a in diary.averages] == [1, 1, 5]


async def test_the_week_costs_two_statements_whatever_the_grant(week: Week) -> None:
    for who in (week.parent, week.homeroom_a, week.math_teacher, week.nurse):
        viewer = await load_viewer(who, builders.no_window, TODAY)
        with count_statements() as count:
            await load_week(viewer, week.student.id, WEEK)
        assert count.value == 2, who.login


async def test_a_stranger_gets_not_found_after_one_statement(week: Week) -> None:
    viewer = Viewer(
        user_id=week.parent.id, roles=frozenset({Role.PARENT}), parent_lookback=builders.no_window
    )
    with count_statements() as count, pytest.raises(NotFound):
        await load_week(viewer, week.student.id, WEEK)
    assert count.value == 1


def test_within_sql_is_the_grants_enrollments_as_text() -> None:
    family = StudentGrant(1, ALL_FACETS, None)
    params = Parameters(1)
    assert within_sql(family, params, day="m.date", school_class="m.c") == "TRUE"
    assert params.values == [1]
    left = Placement(5, 1, 1, "r", date(2025, 9, 1), date(2025, 11, 12))
    joined = Placement(6, 1, 1, "r", date(2025, 11, 13), None)
    staff = StudentGrant(1, ALL_FACETS, None, through=(left, joined))
    text = within_sql(staff, params, day="m.date", school_class="m.c")
    assert text == ("((m.c = $2 AND m.date >= $3 AND m.date <= $4) OR (m.c = $5 AND m.date >= $6))")
    assert params.values == [1, 5, left.starts_on, left.ends_on, 6, joined.starts_on]
    nobody = StudentGrant(1, ALL_FACETS, None, through=())
    assert within_sql(nobody, Parameters(), day="m.date", school_class="m.c") == "FALSE"
