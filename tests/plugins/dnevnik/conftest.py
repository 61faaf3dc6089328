"""A school of its own for the access-code tests, so that new families, changed logins and
locked clients here never touch the shared world of the other tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from starlette.applications import Starlette
from strawberry import relay

from ediary.domain import models
from ediary.domain.auth import SessionKind, hash_password, open_session
from ediary.domain.enums import Role
from tests.world import World


@dataclass
class Town:
    """Two schools: D (classes 3A and 3B) and E (class 4A), with staff and students."""

    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def gid(self, type_name: str, name: str) -> str:
        return str(relay.GlobalID(type_name, str(self.ids[name])))


async def _user(town: Town, name: str, grants: list[tuple[Role, models.School]]) -> models.User:
    user = await models.User.create(
        login=f"dn.{name}",
        last_name=name.split("_")[0].capitalize(),
        first_name=name.split("_")[-1].capitalize(),
        password_hash=hash_password("staff password 1"),
    )
    for role, school in grants:
        await models.RoleGrant.create(user=user, role=role, school=school)
    town.ids[name] = user.id
    town.tokens[name] = (await open_session(user, SessionKind.BEARER, timedelta(days=1))).token
    return user


async def _school(town: Town, key: str) -> tuple[models.School, models.AcademicYear]:
    region = await models.Region.get(code="r1")
    school = await models.School.create(region=region, name=f"School {key}", short_name=key)
    year = await models.AcademicYear.create(
        school=school, name="2025/2026", starts_on=date(2025, 9, 1), ends_on=date(2026, 5, 31)
    )
    town.ids[f"school_{key}"] = school.id
    return school, year


@pytest.fixture(autouse=True)
async def _messages_sent(app: Starlette) -> AsyncIterator[None]:
    """Messages go out in the background: let each test's finish before the next starts."""
    yield
    await app.state.notifier.drain()


@pytest.fixture(scope="session")
async def town(world: World) -> Town:
    town = Town()
    school_d, year_d = await _school(town, "D")
    school_e, year_e = await _school(town, "E")
    homeroom = await _user(town, "homeroom_teacher", [(Role.TEACHER, school_d)])
    await _user(town, "subject_teacher", [(Role.TEACHER, school_d)])
    await _user(town, "admin_d", [(Role.SCHOOL_ADMIN, school_d)])
    await _user(town, "admin_e", [(Role.SCHOOL_ADMIN, school_e)])
    class_3a = await models.SchoolClass.create(
        school=school_d, academic_year=year_d, grade=3, letter="A", class_teacher=homeroom
    )
    class_3b = await models.SchoolClass.create(
        school=school_d, academic_year=year_d, grade=3, letter="B"
    )
    class_4a = await models.SchoolClass.create(
        school=school_e, academic_year=year_e, grade=4, letter="A"
    )
    town.ids.update(class_3a=class_3a.id, class_3b=class_3b.id, class_4a=class_4a.id)
    subject = await models.Subject.create(school=school_d, name="Reading", short_name="Read")
    await models.TeachingAssignment.create(
        teacher_id=town.ids["subject_teacher"], school_class=class_3a, subject=subject
    )
    # Enrolled from long ago, open-ended: "today" whenever the tests run.
    for name, school_class, school in (
        ("orlova_alisa", class_3a, school_d),
        ("belov_mark", class_3a, school_d),
        ("zueva_vera", class_3b, school_d),
        ("gromov_ivan", class_4a, school_e),
    ):
        student = await _user(town, name, [(Role.STUDENT, school)])
        await models.Enrollment.create(
            student=student, school_class=school_class, starts_on=date(2020, 9, 1)
        )
    return town
