"""Small helpers to build a school, its people and marks inside a test.

Each test module builds its own school with these, so the numbers it checks are written
next to the data, and the shared world of `tests/world.py` stays as the role matrix needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from tortoise.transactions import in_transaction

from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import LessonStatus, MarkAction, Role, WorkKind
from ediary.domain.journal.history import Change, append, record_imported, state_of
from tests.world import World


def no_window(region_code: str | None) -> int | None:
    """The parent window of a region policy that sets none (the default policy's), for the
    viewers a test loads itself: a parent's viewer cannot be made without one."""
    return None


@dataclass
class School:
    school: models.School
    year: models.AcademicYear
    terms: list[models.Term]
    subjects: dict[str, models.Subject] = field(default_factory=dict)
    classes: dict[str, models.SchoolClass] = field(default_factory=dict)
    teacher: models.User | None = None

    @property
    def id(self) -> int:
        return self.school.id


async def region(code: str) -> models.Region:
    found, _ = await models.Region.get_or_create(code=code, defaults={"name": f"Region {code}"})
    return found


async def school(
    key: str,
    region_code: str,
    terms: list[tuple[date, date]],
    *,
    subjects: tuple[str, ...] = ("Mathematics",),
    show_class_rating: bool = False,
    year_name: str = "2026/2027",
) -> School:
    """A school with one year, the given terms, subjects, a bell schedule and a teacher."""
    found = await models.School.create(
        region=await region(region_code),
        name=f"School {key}",
        short_name=key,
        show_class_rating=show_class_rating,
    )
    year = await models.AcademicYear.create(
        school=found, name=year_name, starts_on=terms[0][0], ends_on=terms[-1][1]
    )
    made = [
        await models.Term.create(academic_year=year, number=n, starts_on=start, ends_on=end)
        for n, (start, end) in enumerate(terms, start=1)
    ]
    for number in range(1, 8):
        await models.BellPeriod.create(
            school=found,
            number=number,
            starts_at=time(7 + number, 30),
            ends_at=time(8 + number, 15),
        )
    built = School(found, year, made)
    for name in subjects:
        built.subjects[name] = await models.Subject.create(
            school=found, name=name, short_name=name[:4]
        )
    built.teacher = await models.User.create(
        login=f"{key}-teacher", last_name="Teacher", first_name=key
    )
    await models.RoleGrant.create(user=built.teacher, role=Role.TEACHER, school=found)
    return built


async def school_class(
    built: School, name: str, class_teacher: models.User | None = None
) -> models.SchoolClass:
    made = await models.SchoolClass.create(
        school=built.school,
        academic_year=built.year,
        grade=int(name[:-1]),
        letter=name[-1],
        class_teacher=class_teacher,
    )
    built.classes[name] = made
    for subject in built.subjects.values():
        assert built.teacher is not None
        await models.TeachingAssignment.create(
            teacher=built.teacher, school_class=made, subject=subject
        )
    return made


async def person(
    world: World | None,
    login: str,
    last: str,
    first: str,
    *grants: tuple[Role, models.School | None, models.Region | None],
) -> models.User:
    """An account with role grants; with a world, a bearer token under its login too."""
    user = await models.User.create(login=login, last_name=last, first_name=first)
    for role, where, region_ in grants:
        await models.RoleGrant.create(user=user, role=role, school=where, region=region_)
    if world is not None:
        world.tokens[login] = (
            await open_session(user, SessionKind.BEARER, timedelta(days=1))
        ).token
    return user


async def member(
    world: World, login: str, role: Role, school: models.School | None = None, **extra: str
) -> models.User:
    """A test account of `world` with one role at a school (school A unless named), its user
    and bearer token kept in the world under its login; `extra` sets more of its fields."""
    user = await models.User.create(
        login=login, last_name=login.title(), first_name="Test", **extra
    )
    await models.RoleGrant.create(user=user, role=role, school=school or world.objects["school_A"])
    world.users[login] = user
    world.tokens[login] = (await open_session(user, SessionKind.BEARER, timedelta(days=1))).token
    return user


async def student(
    world: World | None,
    built: School,
    school_class_: models.SchoolClass,
    login: str,
    last: str,
    first: str,
    starts_on: date | None = None,
) -> models.User:
    made = await person(world, login, last, first, (Role.STUDENT, built.school, None))
    await models.Enrollment.create(
        student=made, school_class=school_class_, starts_on=starts_on or built.terms[0].starts_on
    )
    return made


async def lesson(
    built: School,
    school_class_: models.SchoolClass,
    subject: str,
    day: date,
    period: int = 1,
    **extra: object,
) -> models.Lesson:
    assert built.teacher is not None
    return await models.Lesson.create(
        school_class=school_class_,
        subject=built.subjects[subject],
        teacher=built.teacher,
        date=day,
        period=period,
        **extra,
    )


async def mark(
    built: School,
    who: models.User,
    school_class_: models.SchoolClass,
    subject: str,
    term: models.Term,
    value: int,
    weight: int = 1,
    *,
    day: date | None = None,
    kind: WorkKind = WorkKind.CLASSWORK,
) -> models.Mark:
    """A mark for dated work (no lesson) on `day`, by default the term's first day."""
    assert built.teacher is not None
    async with in_transaction() as conn:
        created = await models.Mark.create(
            student=who,
            school_class=school_class_,
            subject=built.subjects[subject],
            term=term,
            date=day or term.starts_on,
            value=value,
            weight=weight,
            kind=kind,
            author=built.teacher,
            using_db=conn,
        )
        # Written directly, as an import would: start its history so the audit holds.
        await record_imported(conn, [created])
    return created


async def withdraw(mark_: models.Mark, reason: str = "entered by mistake") -> None:
    """Delete a mark as the journal does: the row stays, and its history records why."""
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        await models.Mark.filter(id=mark_.id).using_db(conn).update(deleted_at=now)
        mark_.deleted_at = now
        change = Change(mark_, MarkAction.DELETE, mark_.author_id, state_of(mark_), reason)
        await append(conn, [change], now)


async def final_mark(
    built: School, who: models.User, subject: str, term: models.Term | None, value: int
) -> models.FinalMark:
    assert built.teacher is not None
    return await models.FinalMark.create(
        student=who,
        subject=built.subjects[subject],
        academic_year=built.year,
        term=term,
        value=value,
        author=built.teacher,
    )


CANCELLED = LessonStatus.CANCELLED
SUBSTITUTED = LessonStatus.SUBSTITUTED
