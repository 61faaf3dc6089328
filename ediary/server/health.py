"""Liveness and readiness, for load balancers and orchestrators.

`/healthz` answers while the process can answer at all, without touching the database, so a
database outage does not get healthy processes restarted. `/readyz` says whether this
process can serve: the database answers and every migration of the core and of the loaded
plugins is applied (a new version started before `ediary migrate` is not ready).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise import connections

log = logging.getLogger("ediary.health")

# Tortoise's record of applied migrations.
MIGRATIONS_TABLE = "tortoise_migrations"
DATABASE_TIMEOUT = 5.0


def expected_migrations(apps: Mapping[str, Mapping[str, Any]]) -> frozenset[tuple[str, str]]:
    """(app, migration) for every migration module on disk, as Tortoise names them."""
    found: set[tuple[str, str]] = set()
    for label, app in apps.items():
        module_name = app.get("migrations")
        if not module_name:
            continue
        package = importlib.import_module(module_name)
        for _, name, is_package in pkgutil.iter_modules(package.__path__):
            if not is_package and name[0] not in "_~":
                found.add((label, name))
    return frozenset(found)


async def readiness_problem(expected: frozenset[tuple[str, str]]) -> str | None:
    """Why this process cannot serve yet, or None."""
    try:
        client = connections.get("default")
        await asyncio.wait_for(client.execute_query("SELECT 1"), DATABASE_TIMEOUT)
    except Exception as error:
        log.warning("readiness: the database does not answer: %s", type(error).__name__)
        return "The database does not answer."
    try:
        rows = await asyncio.wait_for(
            client.execute_query_dict(f"SELECT app, name FROM {MIGRATIONS_TABLE}"),
            DATABASE_TIMEOUT,
        )
    except Exception:
        return "The database has no migrations applied: run `ediary migrate`."
    missing = sorted(expected - {(row["app"], row["name"]) for row in rows})
    if missing:
        names = ", ".join(f"{app}.{name}" for app, name in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        return f"Migrations not applied: {names}{more}. Run `ediary migrate`."
    return None


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    problem = await readiness_problem(request.app.state.expected_migrations)
    if problem is not None:
        return JSONResponse({"status": "unavailable", "reason": problem}, status_code=503)
    return JSONResponse({"status": "ready"})
