"""/healthz answers without the database; /readyz only when the database answers and every
migration of the core and of the plugins is applied."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from starlette.applications import Starlette

from ediary.server.health import readiness_problem
from tests.conftest import BACKEND, _fresh_database_url
from tests.servers import Server, free_port


async def _get(app: Starlette, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(path)


async def test_a_migrated_database_is_ready(app: Starlette, database: str) -> None:
    assert (await _get(app, "/healthz")).json() == {"status": "ok"}
    ready = await _get(app, "/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


async def test_a_migration_missing_from_the_database_is_named(
    app: Starlette, database: str
) -> None:
    expected = app.state.expected_migrations
    assert ("diary", "0001_initial") in expected
    newer = expected | {("diary", "0099_from_a_newer_version")}
    assert await readiness_problem(newer) == (
        "Migrations not applied: diary.0099_from_a_newer_version. Run `ediary migrate`."
    )


async def test_unmigrated_and_unreachable_databases_are_alive_but_not_ready(
    tmp_path: Path,
) -> None:
    empty, drop = await _fresh_database_url(BACKEND, tmp_path)
    # Nothing listens on a fresh free port: a stopped PostgreSQL server.
    stopped = f"postgres://postgres@127.0.0.1:{free_port()}/ediary"
    try:
        async with (
            Server({"EDIARY_DATABASE_URL": empty}, tmp_path / "empty.log", wait=60) as unmigrated,
            Server({"EDIARY_DATABASE_URL": stopped}, tmp_path / "down.log", wait=60) as down,
            httpx.AsyncClient(timeout=30) as client,
        ):
            answers = await asyncio.gather(
                *(
                    client.get(f"{server.url}{path}")
                    for server in (unmigrated, down)
                    for path in ("/healthz", "/readyz")
                )
            )
    finally:
        await drop()
    assert [(a.status_code, a.json()) for a in answers] == [
        (200, {"status": "ok"}),
        (
            503,
            {
                "status": "unavailable",
                "reason": "The database has no migrations applied: run `ediary migrate`.",
            },
        ),
        (200, {"status": "ok"}),
        (503, {"status": "unavailable", "reason": "The database does not answer."}),
    ]
