"""A school of its own for the Web Push tests (a teacher, a class, a child and two parents
with no e-mail or phone, so push is their only channel), and an application with the plugin
configured: a fresh VAPID key and loopback push endpoints admitted."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from ediary_webpush import config as push_config
from starlette.applications import Starlette
from strawberry.relay import to_base64

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import Role
from tests.conftest import GraphQLClient
from tests.plugins.webpush.push_service import PushService, b64url, push_service
from tests.world import World

SUBJECT = "mailto:diary-ops@school.example"


@dataclass
class Family:
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def gid(self, kind: str, name: str) -> str:
        return to_base64(kind, self.ids[name])


@pytest.fixture(scope="session")
def vapid_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="session")
def push_settings(settings: Settings, vapid_key: ec.EllipticCurvePrivateKey) -> Settings:
    raw = vapid_key.private_numbers().private_value.to_bytes(32, "big")
    return dataclasses.replace(
        settings,
        extra={
            **settings.extra,
            push_config.PRIVATE_KEY: b64url(raw),
            push_config.SUBJECT: SUBJECT,
            push_config.ALLOW_LOOPBACK: "1",
        },
    )


@pytest.fixture(scope="session")
def push_app(push_settings: Settings) -> Starlette:
    return create_app(push_settings, manage_database=False)


@pytest.fixture(scope="session")
def push_gql(push_app: Starlette, world: World) -> GraphQLClient:
    return GraphQLClient(push_app, world)


@pytest.fixture(scope="session")
def service() -> Iterator[PushService]:
    with push_service() as running:
        yield running


@pytest.fixture(autouse=True)
async def _messages_sent(push_app: Starlette) -> AsyncIterator[None]:
    yield
    await push_app.state.notifier.drain()


async def _person(family: Family, school: models.School, name: str, role: Role) -> models.User:
    user = await models.User.create(
        login=f"wp.{name}", last_name=name.capitalize(), first_name="Test"
    )
    await models.RoleGrant.create(user=user, role=role, school=school)
    family.ids[name] = user.id
    opened = await open_session(user, SessionKind.BEARER, timedelta(days=1))
    family.tokens[name] = opened.token
    return user


@pytest.fixture(scope="session")
async def family(world: World) -> Family:
    found = Family()
    region = await models.Region.get(code="r1")
    school = await models.School.create(region=region, name="School W", short_name="W")
    year = await models.AcademicYear.create(
        school=school, name="2026/2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31)
    )
    await models.Term.create(
        academic_year=year, number=2, starts_on=date(2026, 11, 3), ends_on=date(2026, 12, 28)
    )
    teacher = await _person(found, school, "teacher", Role.TEACHER)
    school_class = await models.SchoolClass.create(
        school=school, academic_year=year, grade=6, letter="W"
    )
    subject = await models.Subject.create(school=school, name="Biology", short_name="Bio")
    await models.TeachingAssignment.create(
        teacher=teacher, school_class=school_class, subject=subject
    )
    child = await _person(found, school, "child", Role.STUDENT)
    await models.Enrollment.create(
        student=child, school_class=school_class, starts_on=date(2026, 9, 1)
    )
    for parent in ("mother", "father"):
        await _person(found, school, parent, Role.PARENT)
        await models.Guardianship.create(parent_id=found.ids[parent], student=child)
    # Someone of the same school with no tie to the child.
    await _person(found, school, "stranger", Role.PARENT)
    for day in range(3):
        lesson = await models.Lesson.create(
            school_class=school_class,
            subject=subject,
            teacher=teacher,
            date=date(2026, 11, 23) + timedelta(days=day),
            period=1,
        )
        found.ids[f"lesson{day}"] = lesson.id
    return found
