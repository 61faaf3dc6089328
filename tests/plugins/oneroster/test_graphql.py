"""startImport and importJob: school administrators import a set from the import directory
in the background and poll the job; nobody else starts or sees one."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from ediary.domain import models
from ediary.domain.journal.history import verify
from ediary_oneroster.models import ImportJob
from tests.conftest import GraphQLClient
from tests.plugins.oneroster.job_calls import JOB, START, finished_job, start_job
from tests.world import World


async def test_an_administrator_checks_then_imports_and_sees_the_report(
    importing_app: Starlette, world: World, people: dict[str, Any]
) -> None:
    gql = GraphQLClient(importing_app, world)
    admin = people["admin"]
    dry = await start_job(gql, admin, dryRun=True, schoolId=people["school"])
    assert dry["userErrors"] == [] and dry["job"]["dryRun"] is True
    job = await finished_job(gql, admin, dry["job"]["id"])
    assert job["status"] == "SUCCEEDED" and job["rows"] > 0
    assert job["report"]["dryRun"] is True and job["report"]["created"] > 0
    assert not await models.Mark.exists()

    real = await start_job(gql, admin)  # the administrator of one school may leave it out
    assert real["userErrors"] == []
    job = await finished_job(gql, admin, real["job"]["id"])
    assert job["status"] == "SUCCEEDED", job
    report = job["report"]
    assert report["dryRun"] is False and report["rejected"] == len(report["problems"])
    counts = {c["what"]: c["count"] for c in report["counts"]}
    assert counts["marks created"] == await models.Mark.all().count() > 0
    school = await models.School.get(name="Imported school")
    assert await models.SchoolClass.filter(school=school).exists()
    assert (await verify()).ok

    # The delta, from the same directory: corrections and retirements in the report.
    delta = await start_job(gql, admin, path="v11-delta")
    job = await finished_job(gql, admin, delta["job"]["id"])
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
    payload = await start_job(gql, people["admin"], path=path)
    assert payload["job"] is None
    [error] = payload["userErrors"]
    assert (error["code"], error["field"]) == (code, ["input", "path"])


async def test_without_an_import_directory_the_api_imports_nothing(
    gql: GraphQLClient, people: dict[str, Any]
) -> None:
    payload = await start_job(gql, people["admin"])
    assert [e["code"] for e in payload["userErrors"]] == ["IMPORT_DISABLED"]
