"""A small, hand-built world for tests: two schools, every role, one week of lessons; built
from the blocks of `ediary.testing`, whose own world is smaller still.

Names say what each object is for, so a failing assertion reads like the role table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from tortoise.transactions import in_transaction

from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import (
    AttendanceKind,
    ExcuseKind,
    LessonStatus,
    RemarkKind,
    Role,
    WorkKind,
)
from ediary.domain.journal.history import record_imported
from ediary.domain.weeks import IsoWeek
from ediary.testing.world import Grant, add_school, add_user

WEEK = IsoWeek(2026, 48)  # 23-29 November 2026, inside the second quarter
MONDAY = WEEK.monday


@dataclass
class World:
    users: dict[str, models.User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    objects: dict[str, models.Model] = field(default_factory=dict)

    def id(self, name: str) -> int:
        return int(self.objects[name].pk)


async def _user(world: World, name: str, last: str, first: str, *grants: Grant) -> models.User:
    user = await add_user(name, last, first, *grants)
    world.users[name] = user
    opened = await open_session(user, SessionKind.BEARER, timedelta(days=1))
    world.tokens[name] = opened.token
    return user


async def _school(world: World, key: str, region: models.Region) -> models.School:
    parts = await add_school(
        region,
        key,
        year=(date(2026, 9, 1), date(2027, 5, 31)),
        terms=[(date(2026, 9, 1), date(2026, 10, 24)), (date(2026, 11, 3), date(2026, 12, 28))],
    )
    world.objects[f"year_{key}"] = parts.year
    world.objects[f"term1_{key}"], world.objects[f"term2_{key}"] = parts.terms
    world.objects[f"school_{key}"] = parts.school
    return parts.school


async def build_world() -> World:
    world = World()
    region = await models.Region.create(code="r1", name="Region One")
    other_region = await models.Region.create(code="r2", name="Region Two")
    world.objects["region"] = region
    school_a = await _school(world, "A", region)
    school_b = await _school(world, "B", other_region)
    year_a = world.objects["year_A"]
    year_b = world.objects["year_B"]

    teacher = (Role.TEACHER, school_a, None)
    math_teacher = await _user(world, "math_teacher", "Ivanova", "Anna", teacher)
    russian_teacher = await _user(world, "russian_teacher", "Petrova", "Olga", teacher)
    class_teacher = await _user(world, "class_teacher", "Sidorov", "Pavel", teacher)
    other_teacher = await _user(
        world, "other_school_teacher", "Orlov", "Ilya", (Role.TEACHER, school_b, None)
    )
    await _user(world, "admin", "Smirnova", "Elena", (Role.SCHOOL_ADMIN, school_a, None))
    await _user(world, "other_admin", "Kozlov", "Oleg", (Role.SCHOOL_ADMIN, school_b, None))
    await _user(world, "nurse", "Volkova", "Irina", (Role.HEALTH_WORKER, school_a, None))
    await _user(world, "official", "Fedorov", "Igor", (Role.REGIONAL_OFFICIAL, None, region))

    class_7a = await models.SchoolClass.create(
        school=school_a, academic_year=year_a, grade=7, letter="A", class_teacher=class_teacher
    )
    class_7b = await models.SchoolClass.create(
        school=school_a, academic_year=year_a, grade=7, letter="B"
    )
    class_5a = await models.SchoolClass.create(
        school=school_b, academic_year=year_b, grade=5, letter="A"
    )
    world.objects.update(class_7a=class_7a, class_7b=class_7b, class_5a=class_5a)
    math = await models.Subject.create(school=school_a, name="Mathematics", short_name="Math")
    russian = await models.Subject.create(school=school_a, name="Russian", short_name="Rus")
    history_b = await models.Subject.create(school=school_b, name="History", short_name="Hist")
    world.objects.update(math=math, russian=russian, history_b=history_b)
    await models.TeachingAssignment.create(
        teacher=math_teacher, school_class=class_7a, subject=math
    )
    for school_class in (class_7a, class_7b):
        await models.TeachingAssignment.create(
            teacher=russian_teacher, school_class=school_class, subject=russian
        )
    await models.TeachingAssignment.create(
        teacher=other_teacher, school_class=class_5a, subject=history_b
    )

    student = (Role.STUDENT, school_a, None)
    pupil = await _user(world, "student", "Kuznetsov", "Ivan", student)
    classmate = await _user(world, "classmate", "Popova", "Maria", student)
    other_class = await _user(world, "other_class_student", "Lebedev", "Artem", student)
    other_school = await _user(
        world, "other_school_student", "Novikova", "Daria", (Role.STUDENT, school_b, None)
    )
    for who, school_class in (
        (pupil, class_7a),
        (classmate, class_7a),
        (other_class, class_7b),
        (other_school, class_5a),
    ):
        await models.Enrollment.create(
            student=who, school_class=school_class, starts_on=date(2026, 9, 1)
        )
    parent = await _user(world, "parent", "Kuznetsova", "Natalia", (Role.PARENT, school_a, None))
    await models.Guardianship.create(parent=parent, student=pupil)
    # A parent of two children in two schools sees both, and nobody else.
    other_parent = await _user(
        world, "other_parent", "Popov", "Sergey", (Role.PARENT, school_a, None)
    )
    await models.Guardianship.create(parent=other_parent, student=classmate)
    await models.Guardianship.create(parent=other_parent, student=other_school)

    term2 = world.objects["term2_A"]
    math_lesson = await models.Lesson.create(
        school_class=class_7a,
        subject=math,
        teacher=math_teacher,
        date=MONDAY,
        period=1,
        room="201",
        topic="Quadratic equations",
    )
    russian_lesson = await models.Lesson.create(
        school_class=class_7a,
        subject=russian,
        teacher=russian_teacher,
        date=MONDAY,
        period=2,
        room="305",
        topic="Participles",
        status=LessonStatus.SUBSTITUTED,
        substitute_teacher=class_teacher,
        change_note="The teacher is ill",
    )
    await models.Lesson.create(
        school_class=class_7a,
        subject=math,
        teacher=math_teacher,
        date=MONDAY + timedelta(days=1),
        period=3,
        room="104",
        scheduled_room="201",
    )
    other_class_lesson = await models.Lesson.create(
        school_class=class_7b,
        subject=russian,
        teacher=russian_teacher,
        date=MONDAY,
        period=1,
    )
    world.objects.update(
        math_lesson=math_lesson,
        russian_lesson=russian_lesson,
        other_class_lesson=other_class_lesson,
    )
    world.objects["math_homework"] = await models.Homework.create(
        lesson=math_lesson,
        text="No. 312-315",
        due_on=MONDAY + timedelta(days=1),
        author=math_teacher,
    )
    world.objects["other_class_homework"] = await models.Homework.create(
        lesson=other_class_lesson,
        text="Exercise 7",
        due_on=MONDAY + timedelta(days=2),
        author=russian_teacher,
    )

    async def mark(
        who: models.User, lesson: models.Lesson, value: int, weight: int, kind: WorkKind
    ) -> models.Mark:
        return await models.Mark.create(
            student=who,
            lesson=lesson,
            school_class_id=lesson.school_class_id,
            subject_id=lesson.subject_id,
            term=term2,
            date=lesson.date,
            value=value,
            weight=weight,
            kind=kind,
            author_id=lesson.teacher_id,
            comment="",
        )

    world.objects["math_mark"] = await mark(pupil, math_lesson, 5, 1, WorkKind.ORAL)
    world.objects["math_test_mark"] = await mark(pupil, math_lesson, 3, 2, WorkKind.TEST)
    world.objects["russian_mark"] = await mark(pupil, russian_lesson, 4, 1, WorkKind.DICTATION)
    world.objects["classmate_mark"] = await mark(classmate, math_lesson, 2, 1, WorkKind.ORAL)
    world.objects["other_class_mark"] = await mark(
        other_class, other_class_lesson, 5, 1, WorkKind.ORAL
    )
    await models.Attendance.create(
        lesson=russian_lesson,
        date=russian_lesson.date,
        student=pupil,
        kind=AttendanceKind.LATE,
        minutes_late=10,
        reason="Doctor",
        excused=True,
        excuse_kind=ExcuseKind.MEDICAL,
        recorded_by=class_teacher,
    )
    await models.Remark.create(
        lesson=math_lesson,
        student=pupil,
        kind=RemarkKind.PRAISE,
        text="Solved at the board",
        author=math_teacher,
    )
    await models.FinalMark.create(
        student=pupil,
        subject=math,
        academic_year=year_a,
        term=world.objects["term1_A"],
        value=4,
        author=math_teacher,
    )
    await models.FinalMark.create(
        student=pupil,
        subject=russian,
        academic_year=year_a,
        term=world.objects["term1_A"],
        value=5,
        author=russian_teacher,
    )
    # The marks above were written directly: start their history as an import would.
    marks = [world.objects[k] for k in world.objects if k.endswith("_mark")]
    async with in_transaction() as conn:
        await record_imported(conn, marks)  # type: ignore[arg-type]
    world.objects.update(
        student=pupil,
        classmate=classmate,
        other_class_student=other_class,
        other_school_student=other_school,
        math_teacher=math_teacher,
    )
    return world
