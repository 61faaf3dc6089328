"""Finding 1 (critical): an import crossed schools.

The administrator of school B (region r2) imported a users.csv whose sourcedIds were those a
earlier import had given to school A's people (region r1), and so changed the e-mail of A's
teacher, deactivated A's student, linked a new parent to A's child (and read its diary) and
created a regional official. Each attack is replayed here through `startImport` and through
`ediary import oneroster`; each must be refused with nothing in the diary changed, while an
import into one's own school still works.

Every test gets a database of its own with the usual test world in it, so an attack that
succeeds (on the code before the fix) spoils no other test's data.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import Role
from ediary.domain.reach import OutsideReach
from tests.plugins.oneroster.snapshot import snapshot
from tests.security.imports import DIARY, Island, import_as_other_admin, write_set
from tests.world import WEEK


def refused_quietly(job: dict[str, Any], rows: int = 1) -> None:
    """The job ran, rejected the rows, and said nothing about whose the identifiers are."""
    assert job["status"] == "SUCCEEDED", job
    assert job["report"]["rejected"] == rows, job
    text = " ".join(job["report"]["problems"])
    for secret in ("School A", "math_teacher", "Kuznetsov", "Ivanova", "r1", "Region One"):
        assert secret not in text, text


async def test_changing_another_schools_teachers_email_is_refused(island: Island) -> None:
    teacher = island.world.users["math_teacher"]
    before = await snapshot()
    write_set(
        island,
        "email",
        "a-teacher,,,true,b-school,teacher,math_teacher,,Anna,Ivanova,,,mallory@evil.example,,,,,\n",
    )
    job = await import_as_other_admin(island, "email")
    refused_quietly(job)
    assert OutsideReach.default_message in job["report"]["problems"][0]
    assert (await models.User.get(id=teacher.id)).email is None
    schools = await models.RoleGrant.filter(user_id=teacher.id).values_list("school_id", flat=True)
    assert set(schools) == {island.world.id("school_A")}
    assert await snapshot() == before


async def test_deactivating_another_schools_student_is_refused(island: Island) -> None:
    student = island.world.users["student"]
    before = await snapshot()
    write_set(
        island,
        "retire",
        "a-student,tobedeleted,2026-11-20T00:00:00Z,false,b-school,student,student,,"
        "Ivan,Kuznetsov,,,,,,,07,\n",
    )
    job = await import_as_other_admin(island, "retire")
    refused_quietly(job)
    assert (await models.User.get(id=student.id)).is_active
    assert await snapshot() == before


async def test_linking_a_parent_to_another_schools_child_is_refused(island: Island) -> None:
    student = island.world.users["student"]
    before_wards = await models.Guardianship.filter(student_id=student.id).count()
    write_set(
        island,
        "adopt",
        "evil-parent,,,true,b-school,parent,mallory,,Mallory,Evil,,,mallory@evil.example,,,"
        "a-student,,\n",
    )
    job = await import_as_other_admin(island, "adopt")
    assert job["status"] == "SUCCEEDED", job
    # The parent is school B's own account; only the link to A's child is refused.
    assert job["report"]["rejected"] == 1 and "agentSourcedIds" in job["report"]["problems"][0]
    assert await models.Guardianship.filter(student_id=student.id).count() == before_wards
    mallory = await models.User.get(login="mallory")
    assert not await models.Guardianship.exists(parent_id=mallory.id)
    # Whoever holds the new account (a password reset to mallory's mailbox) reads nothing.
    opened = await open_session(mallory, SessionKind.BEARER, timedelta(hours=1))
    result = await island.gql(
        DIARY,
        {"student": to_base64("Student", student.id), "week": str(WEEK)},
        bearer=opened.token,
    )
    assert result["data"] is None or result["data"]["diary"] is None
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_creating_a_regional_official_is_refused(island: Island) -> None:
    before = await snapshot()
    write_set(
        island,
        "official",
        "evil-official,,,true,b-district,districtAdministrator,mallory.official,,Mallory,"
        "Official,,,,,,,,\n",
    )
    job = await import_as_other_admin(island, "official")
    refused_quietly(job)
    assert not await models.User.exists(login="mallory.official")
    officials = await models.RoleGrant.filter(role=Role.REGIONAL_OFFICIAL).count()
    assert officials == 1  # the world's own official, nobody new
    assert await snapshot() == before


async def test_importing_into_ones_own_school_still_works(island: Island) -> None:
    own_teacher = island.world.users["other_school_teacher"]
    write_set(
        island,
        "own",
        "b-teacher,,,true,b-school,teacher,other_school_teacher,,Ilya,Orlov,,,"
        "ilya@school-b.example,,,,,\n",
        "b-student,,,true,b-school,student,b.newcomer,,Lev,Novikov,,,,,,,05,\n",
        "b-parent,,,true,b-school,parent,b.parent,,Olga,Novikova,,,,,,b-student,,\n",
    )
    job = await import_as_other_admin(island, "own")
    assert job["status"] == "SUCCEEDED" and job["report"]["rejected"] == 0, job
    assert (await models.User.get(id=own_teacher.id)).email == "ilya@school-b.example"
    school_b = island.world.id("school_B")
    newcomer = await models.User.get(login="b.newcomer")
    assert await models.RoleGrant.exists(user=newcomer, role=Role.STUDENT, school_id=school_b)
    parent = await models.User.get(login="b.parent")
    assert await models.Guardianship.exists(parent=parent, student=newcomer)


def run_cli(island: Island, path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EDIARY_DATABASE_URL": island.url}
    command = [sys.executable, "-m", "ediary.cli", "import", "oneroster", str(path), *options]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


async def test_the_command_line_does_not_import_as_the_system(island: Island) -> None:
    teacher = island.world.users["math_teacher"]
    before = await snapshot()
    path = write_set(
        island,
        "cli",
        "a-teacher,,,true,b-school,teacher,math_teacher,,Anna,Ivanova,,,mallory@evil.example,,,,,\n",
    )
    done = await asyncio.to_thread(run_cli, island, path)
    assert done.returncode == 2, done
    assert "--school ID or --region CODE" in done.stderr
    assert (await models.User.get(id=teacher.id)).email is None
    assert await snapshot() == before


async def test_the_command_line_imports_within_the_school_it_names(island: Island) -> None:
    teacher = island.world.users["math_teacher"]
    before = await snapshot()
    path = write_set(
        island,
        "cli-school",
        "a-teacher,,,true,b-school,teacher,math_teacher,,Anna,Ivanova,,,mallory@evil.example,,,,,\n",
    )
    school_b = str(island.world.id("school_B"))
    done = await asyncio.to_thread(run_cli, island, path, "--school", school_b)
    assert done.returncode == 1, done  # a row was rejected
    assert OutsideReach.default_message in done.stdout
    assert (await models.User.get(id=teacher.id)).email is None
    assert await snapshot() == before
