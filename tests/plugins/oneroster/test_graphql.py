"""startImport and importJob: school administrators import a set from the import directory
in the background and poll the job; nobody else starts or sees one."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from strawberry import relay

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.auth import SessionKind, hash_password, open_session
from ediary.domain.enums import Role
from ediary.domain.journal.history import verify
from ediary_oneroster.models import ImportJob
from tests.conftest import GraphQLClient
from tests.plugins.oneroster.conftest import DATA
from tests.world import World

START = """
mutation($input: StartImportInput!) {
  startImport(input: $input) {
    job { id status dryRun }
    userErrors { field message code }
  }
}"""

JOB = """
query($id: ID!) {
  importJob(id: $id) {
    status rows
    report { dryRun created updated retired rejected problems counts { what count } }
  }
}"""


@pytest.fixture
def importing_app(settings: Settings, people: dict[str, Any], tmp_path: Path) -> Starlette:
    # Each school reads the folder named by its id: the test sets go into the school's.
    sets = tmp_path / "sets"
    school = relay.GlobalID.from_id(people["school"]).node_id
    for name in ("v11", "v11-delta"):
        shutil.copytree(DATA / name, sets / school / name)
    extra = {**settings.extra, "EDIARY_IMPORT_DIR": str(sets)}
    return create_app(dataclasses.replace(settings, extra=extra), manage_database=False)


async def _token(login: str, grants: list[tuple[Role, models.School]]) -> str:
    user = await models.User.create(
        login=login, last_name="Test", first_name=login, password_hash=hash_password("x" * 12)
    )
    for role, school in grants:
        await models.RoleGrant.create(user=user, role=role, school=school)
    return (await open_session(user, SessionKind.BEARER, timedelta(days=1))).token


@pytest.fixture
async def people(fresh: str) -> dict[str, Any]:
    region = await models.Region.create(code="r-or", name="Region")
    school = await models.School.create(region=region, name="Imported school", short_name="IS")
    other = await models.School.create(region=region, name="Other school", short_name="OS")
    return {
        "school": str(relay.GlobalID("School", str(school.id))),
        "admin": await _token("or.admin", [(Role.SCHOOL_ADMIN, school)]),
        "teacher": await _token("or.teacher", [(Role.TEACHER, school)]),
        "parent": await _token("or.parent", [(Role.PARENT, other)]),
        "other_admin": await _token("or.admin2", [(Role.SCHOOL_ADMIN, other)]),
    }


async def _start(gql: GraphQLClient, token: str, **given: Any) -> dict[str, Any]:
    variables = {"input": {"backend": "oneroster", "path": "v11", **given}}
    result = await gql(START, variables, bearer=token)
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["startImport"]
    return payload


async def _finished(gql: GraphQLClient, token: str, job_id: str) -> dict[str, Any]:
    for _ in range(600):
        result = await gql(JOB, {"id": job_id}, bearer=token)
        assert "errors" not in result, result
        job: dict[str, Any] = result["data"]["importJob"]
        if job["status"] in ("SUCCEEDED", "FAILED"):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError("the import job did not finish")


async def test_an_administrator_checks_then_imports_and_sees_the_report(
    importing_app: Starlette, world: World, people: dict[str, Any]
) -> None:
    gql = GraphQLClient(importing_app, world)
    admin = people["admin"]
    dry = await _start(gql, admin, dryRun=True, schoolId=people["school"])
    assert dry["userErrors"] == [] and dry["job"]["dryRun"] is True
    job = await _finished(gql, admin, dry["job"]["id"])
    assert job["status"] == "SUCCEEDED" and job["rows"] > 0
    assert job["report"]["dryRun"] is True and job["report"]["created"] > 0
    assert not await models.Mark.exists()

    real = await _start(gql, admin)  # the administrator of one school may leave it out
    assert real["userErrors"] == []
    job = await _finished(gql, admin, real["job"]["id"])
    assert job["status"] == "SUCCEEDED", job
    report = job["report"]
    assert report["dryRun"] is False and report["rejected"] == len(report["problems"])
    counts = {c["what"]: c["count"] for c in report["counts"]}
    assert counts["marks created"] == await models.Mark.all().count() > 0
    school = await models.School.get(name="Imported school")
    assert await models.SchoolClass.filter(school=school).exists()
    assert (await verify()).ok

    # The delta, from the same directory: corrections and retirements in the report.
    delta = await _start(gql, admin, path="v11-delta")
    job = await _finished(gql, admin, delta["job"]["id"])
    assert job["status"] == "SUCCEEDED" and job["report"]["retired"] >= 1
    assert job["report"]["updated"] >= 1
    verdict = await verify()
    assert verdict.ok, verdict.finding

    # Others do not see the job: its existence is not given away.
    for who in ("teacher", "parent", "other_admin"):
        result = await gql(JOB, {"id": real["job"]["id"]}, bearer=people[who])
        assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("teacher", "FORBIDDEN"),  # sees the school, may not import into it
        ("parent", "NOT_FOUND"),  # no tie to the school
        ("other_admin", "NOT_FOUND"),
        (None, "UNAUTHENTICATED"),
    ],
)
async def test_only_the_schools_administrators_start_imports(
    importing_app: Starlette, world: World, people: dict[str, Any], who: str | None, code: str
) -> None:
    gql = GraphQLClient(importing_app, world)
    variables = {"input": {"backend": "oneroster", "path": "v11", "schoolId": people["school"]}}
    result = await gql(START, variables, bearer=people[who] if who else None)
    payload = result["data"]["startImport"]
    assert payload["job"] is None
    assert [e["code"] for e in payload["userErrors"]] == [code]
    assert not await ImportJob.exists()


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("../../../conftest.py", "PATH_OUTSIDE_IMPORT_DIR"),
        ("/etc/passwd", "PATH_OUTSIDE_IMPORT_DIR"),
        ("v11/../../conftest.py", "PATH_OUTSIDE_IMPORT_DIR"),
        ("no-such-set", "BAD_USER_INPUT"),
    ],
)
async def test_paths_outside_the_import_directory_are_refused(
    importing_app: Starlette, world: World, people: dict[str, Any], path: str, code: str
) -> None:
    gql = GraphQLClient(importing_app, world)
    payload = await _start(gql, people["admin"], path=path)
    assert payload["job"] is None
    [error] = payload["userErrors"]
    assert (error["code"], error["field"]) == (code, ["input", "path"])


async def test_without_an_import_directory_the_api_imports_nothing(
    gql: GraphQLClient, people: dict[str, Any]
) -> None:
    payload = await _start(gql, people["admin"])
    assert [e["code"] for e in payload["userErrors"]] == ["IMPORT_DISABLED"]
