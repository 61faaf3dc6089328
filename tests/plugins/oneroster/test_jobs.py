"""Import jobs (ediary_oneroster.jobs): one at a time per school, rows written while the job
runs, and jobs a stopped server left behind marked failed when the server starts again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.applications import Starlette
from strawberry import relay

from ediary.domain import models
from ediary.testing.database import connect
from ediary_oneroster.jobs import SERVER_STOPPED
from ediary_oneroster.models import ImportJob, JobStatus
from tests.conftest import BACKEND, GraphQLClient
from tests.plugins.oneroster.job_calls import finished_job, job_of, start_job
from tests.waiting import eventually
from tests.world import World


async def _job_row(people: dict[str, Any], status: JobStatus) -> ImportJob:
    school = int(relay.GlobalID.from_id(people["school"]).node_id)
    admin = await models.RoleGrant.filter(school_id=school).first()
    assert admin is not None
    return await ImportJob.create(school_id=school, requested_by_id=admin.user_id, status=status)


def _global(job: ImportJob) -> str:
    return str(relay.GlobalID("ImportJob", str(job.id)))


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING])
async def test_a_second_import_of_the_school_is_refused_while_one_is_unfinished(
    importing_app: Starlette, world: World, people: dict[str, Any], status: JobStatus
) -> None:
    await _job_row(people, status)
    gql = GraphQLClient(importing_app, world)
    payload = await start_job(gql, people["admin"])
    assert payload["job"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["IMPORT_ALREADY_RUNNING"]
    assert await ImportJob.all().count() == 1


async def test_jobs_a_stopped_server_left_are_marked_failed_at_the_next_start(
    importing_app: Starlette, world: World, people: dict[str, Any]
) -> None:
    queued = await _job_row(people, JobStatus.QUEUED)
    running = await _job_row(people, JobStatus.RUNNING)
    done = await _job_row(people, JobStatus.SUCCEEDED)
    # The server starts: its plugins' startup hooks run, the OneRoster plugin's among them.
    async with importing_app.router.lifespan_context(importing_app):
        pass
    gql = GraphQLClient(importing_app, world)
    for left in (queued, running):
        job = await job_of(gql, people["admin"], _global(left))
        assert job["status"] == "FAILED" and job["finishedAt"] is not None
        assert job["report"]["problems"] == [SERVER_STOPPED]
    assert (await ImportJob.get(id=done.id)).status is JobStatus.SUCCEEDED
    # Failed, the school may import again.
    again = await start_job(gql, people["admin"])
    assert again["userErrors"] == []
    assert (await finished_job(gql, people["admin"], again["job"]["id"]))["status"] == "SUCCEEDED"


@asynccontextmanager
async def _demographics_locked(url: str) -> AsyncIterator[None]:
    """Hold the demographics table, which an import writes after its enrollments: an import
    waits there, in the middle, until the block ends."""
    connection = await connect(url)
    try:
        async with connection.transaction():
            await connection.execute("LOCK TABLE oneroster_demographic IN ACCESS EXCLUSIVE MODE")
            yield
    finally:
        await connection.close()


@pytest.mark.skipif(
    BACKEND != "postgres", reason="on SQLite the import holds the one connection until it ends"
)
async def test_rows_progress_while_the_job_runs_and_a_second_start_is_refused(
    importing_app: Starlette, world: World, people: dict[str, Any], fresh: str
) -> None:
    gql = GraphQLClient(importing_app, world)
    admin = people["admin"]
    async with _demographics_locked(fresh):
        started = await start_job(gql, admin)
        job_id = started["job"]["id"]
        seen: dict[str, Any] = {}

        async def rows_written() -> bool:
            seen.update(await job_of(gql, admin, job_id))
            return bool(seen["rows"])

        await eventually(rows_written, what="the running job's rows")
        assert seen["status"] == "RUNNING" and seen["report"] is None
        midway = seen["rows"]

        second = await start_job(gql, admin, dryRun=True)
        assert [e["code"] for e in second["userErrors"]] == ["IMPORT_ALREADY_RUNNING"]
    job = await finished_job(gql, admin, job_id)
    assert job["status"] == "SUCCEEDED", job
    assert 0 < midway < job["rows"]
