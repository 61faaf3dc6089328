"""A small world for plugin tests: one region, one school with its year, term and bells, one
class with a teacher, a student and their parent, and a lesson today.

Every person logs in with `PASSWORD`; the building blocks (`add_school`, `add_user`) make
bigger worlds, and the core's own test world is built from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from ediary.domain import models
from ediary.domain.auth import hash_password
from ediary.domain.enums import Role

PASSWORD = "a test password 1"

Grant = tuple[Role, models.School | None, models.Region | None]


@dataclass
class SchoolParts:
    """A school with its academic year and terms, first term first."""

    school: models.School
    year: models.AcademicYear
    terms: list[models.Term]


async def add_school(
    region: models.Region,
    short_name: str,
    *,
    year: tuple[date, date],
    terms: list[tuple[date, date]],
    periods: int = 7,
) -> SchoolParts:
    """A school named "School <short_name>" with a year, its terms and `periods` bell periods
    of 45 minutes an hour apart from 8:30."""
    school = await models.School.create(
        region=region, name=f"School {short_name}", short_name=short_name
    )
    starts, ends = year
    academic_year = await models.AcademicYear.create(
        school=school, name=f"{starts.year}/{ends.year}", starts_on=starts, ends_on=ends
    )
    made = [
        await models.Term.create(academic_year=academic_year, number=n, starts_on=s, ends_on=e)
        for n, (s, e) in enumerate(terms, start=1)
    ]
    for number in range(1, periods + 1):
        start = time(8 + (number - 1), 30)
        await models.BellPeriod.create(
            school=school, number=number, starts_at=start, ends_at=time(start.hour + 1, 15)
        )
    return SchoolParts(school, academic_year, made)


async def add_user(
    login: str, last_name: str, first_name: str, *grants: Grant, password: str | None = None
) -> models.User:
    """An account with its role grants; with a password it can log in by password."""
    user = await models.User.create(
        login=login,
        last_name=last_name,
        first_name=first_name,
        password_hash=hash_password(password) if password is not None else "",
    )
    for role, school, region in grants:
        await models.RoleGrant.create(user=user, role=role, school=school, region=region)
    return user


def school_year(today: date) -> tuple[date, date]:
    """The Russian school year around `today`: 1 September to 31 May."""
    first = today.year if today.month >= 9 else today.year - 1
    return date(first, 9, 1), date(first + 1, 5, 31)


@dataclass
class SmallWorld:
    """What `build_small_world` made; logins are the attribute names."""

    region: models.Region
    school: models.School
    year: models.AcademicYear
    term: models.Term
    school_class: models.SchoolClass
    subject: models.Subject
    teacher: models.User
    student: models.User
    parent: models.User
    admin: models.User
    lesson: models.Lesson


async def build_small_world(region_code: str, today: date) -> SmallWorld:
    """The small world in the region `region_code` (created), with a lesson on `today`."""
    region = await models.Region.create(code=region_code, name=f"Region {region_code}")
    year = school_year(today)
    parts = await add_school(region, "1", year=year, terms=[year])
    school = parts.school
    teacher = await add_user(
        "teacher", "Ivanova", "Anna", (Role.TEACHER, school, None), password=PASSWORD
    )
    student = await add_user(
        "student", "Kuznetsov", "Ivan", (Role.STUDENT, school, None), password=PASSWORD
    )
    parent = await add_user(
        "parent", "Kuznetsova", "Natalia", (Role.PARENT, school, None), password=PASSWORD
    )
    admin = await add_user(
        "admin", "Smirnova", "Elena", (Role.SCHOOL_ADMIN, school, None), password=PASSWORD
    )
    school_class = await models.SchoolClass.create(
        school=school, academic_year=parts.year, grade=7, letter="A", class_teacher=teacher
    )
    subject = await models.Subject.create(school=school, name="Mathematics", short_name="Math")
    await models.TeachingAssignment.create(
        teacher=teacher, school_class=school_class, subject=subject
    )
    await models.Enrollment.create(student=student, school_class=school_class, starts_on=year[0])
    await models.Guardianship.create(parent=parent, student=student)
    lesson = await models.Lesson.create(
        school_class=school_class, subject=subject, teacher=teacher, date=today, period=1
    )
    return SmallWorld(
        region=region,
        school=school,
        year=parts.year,
        term=parts.terms[0],
        school_class=school_class,
        subject=subject,
        teacher=teacher,
        student=student,
        parent=parent,
        admin=admin,
        lesson=lesson,
    )
