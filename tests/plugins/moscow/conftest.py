"""The Moscow portal flow against a real OpenID Connect provider process on loopback
(the PyPI package oidc-provider-mock, started as its own process), and a school of region 77
of its own, so that new accounts and links here never touch the other tests' world."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.auth import SessionKind, hash_password, open_session
from ediary.domain.enums import Role, WorkKind
from ediary.domain.identity import snils_with_check_sum
from tests.conftest import TODAY
from tests.servers import wait_for_provider
from tests.world import World

CLIENT_ID = "ediary-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class OidcProvider:
    url: str

    def set_user(self, sub: str, claims: dict[str, Any]) -> None:
        httpx.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    command = shutil.which("oidc-provider-mock", path=str(Path(sys.executable).parent))
    assert command, "pip install oidc-provider-mock (make install does)"
    port = free_port()
    process = subprocess.Popen(
        [command, "--port", str(port), "--require-nonce"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_provider(url, "the OpenID Connect provider")
        yield OidcProvider(url)
    finally:
        process.terminate()
        process.wait(timeout=10)


def portal_settings(settings: Settings, discovery_url: str, **more: str) -> Settings:
    extra = {
        **settings.extra,
        "EDIARY_MOSCOW_DISCOVERY_URL": discovery_url,
        "EDIARY_MOSCOW_CLIENT_ID": CLIENT_ID,
        "EDIARY_MOSCOW_CLIENT_SECRET": "test secret",
        "EDIARY_MOSCOW_TIMEOUT": "2",
        **more,
    }
    return dataclasses.replace(settings, extra=extra)


@pytest.fixture(scope="session")
def portal_app(settings: Settings, oidc_provider: OidcProvider) -> Starlette:
    discovery = f"{oidc_provider.url}/.well-known/openid-configuration"
    return create_app(portal_settings(settings, discovery), manage_database=False)


@dataclass
class City:
    """Region 77: school M, class 5A, three enrolled children with SNILS, and staff."""

    ids: dict[str, int] = field(default_factory=dict)
    snils: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="session")
async def city(world: World) -> City:
    city = City()
    region = await models.Region.create(code="77", name="Moscow")
    school = await models.School.create(region=region, name="School 1 Moscow", short_name="M1")
    today = TODAY
    year = await models.AcademicYear.create(
        school=school,
        name="current",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=200),
    )
    term = await models.Term.create(
        academic_year=year,
        number=1,
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=200),
    )
    admin = await models.User.create(login="m1.admin", last_name="Admin", first_name="M")
    await models.RoleGrant.create(user=admin, role=Role.SCHOOL_ADMIN, school=school)
    teacher = await models.User.create(login="m1.teacher", last_name="Teacher", first_name="M")
    await models.RoleGrant.create(user=teacher, role=Role.TEACHER, school=school)
    school_class = await models.SchoolClass.create(
        school=school, academic_year=year, grade=5, letter="A"
    )
    subject = await models.Subject.create(school=school, name="Mathematics", short_name="Math")
    for i, name in enumerate(("first_child", "second_child", "third_child")):
        number = snils_with_check_sum(f"1234567{i}1")
        student = await models.User.create(
            login=f"m1.{name}", last_name="Sokolov", first_name=name, snils=number
        )
        await models.RoleGrant.create(user=student, role=Role.STUDENT, school=school)
        await models.Enrollment.create(
            student=student, school_class=school_class, starts_on=today - timedelta(days=400)
        )
        city.ids[name] = student.id
        city.snils[name] = number
        for days_ago, value in ((5, 5), (60, 2)):
            await models.Mark.create(
                student=student,
                school_class=school_class,
                subject=subject,
                term=term,
                date=today - timedelta(days=days_ago),
                value=value,
                kind=WorkKind.ORAL,
                author=teacher,
            )
    # A parent with a school-issued login, before and after the switch.
    old_parent = await models.User.create(
        login="m1.old.parent",
        last_name="Old",
        first_name="Parent",
        password_hash=hash_password("school password 1"),
    )
    await models.RoleGrant.create(user=old_parent, role=Role.PARENT, school=school)
    await models.Guardianship.create(parent=old_parent, student_id=city.ids["third_child"])
    city.ids.update(school=school.id, admin=admin.id, old_parent=old_parent.id)
    city.tokens["admin"] = (await open_session(admin, SessionKind.BEARER, timedelta(days=1))).token
    return city


async def portal_login(
    app: Starlette, provider: OidcProvider, sub: str, *, client: httpx.AsyncClient | None = None
) -> httpx.Response:
    """Drive the browser: our start route, the provider's login form, our callback."""
    ours = client or httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    )
    start = await ours.get("/moscow/login")
    assert start.status_code == 302, start.text
    async with httpx.AsyncClient(timeout=5) as browser:
        form = await browser.get(start.headers["location"])
        assert form.status_code == 200 and 'name="sub"' in form.text
        back = await browser.post(start.headers["location"], data={"sub": sub})
        assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["location"])
    assert callback.path == "/moscow/callback"
    return await ours.get(f"{callback.path}?{callback.query}")


os.environ.setdefault("EDIARY_MOSCOW_REGION", "77")

# The provider that behaves like ESIA (State Services), for the "esia" profile's tests.
from tests.plugins.moscow.esia_provider import esia_app, esia_provider  # noqa: E402, F401
