"""One import at a time into a school or a region (ediary.domain.import_lock, as run_import
uses it): a second one is refused with IMPORT_ALREADY_RUNNING and exit code 2, another
school's import runs beside it on PostgreSQL, and the claim ends with the first import."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from ediary.adapters import ImportBackend, ImportContext, ImportOutcome, ImportReport, load_plugins
from ediary.adapters.imports import import_context, run_import
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.reach import Reach
from tests.conftest import BACKEND
from tests.plugins.oneroster.conftest import DATA

POSTGRES = BACKEND == "postgres"
ALREADY_RUNNING = "[IMPORT_ALREADY_RUNNING] "
_regions = itertools.count(1)


async def _region(schools: int) -> tuple[str, list[int]]:
    code = f"lock-{next(_regions)}-{os.getpid()}"
    region = await models.Region.create(code=code, name="Locking")
    made = [
        await models.School.create(region=region, name=f"School {n}", short_name=f"S{n}")
        for n in range(schools)
    ]
    return code, [school.id for school in made]


def _school(school_id: int) -> Reach:
    return Reach(actor_id=None, schools=frozenset({school_id}))


def _whole(region: str) -> Reach:
    return Reach(actor_id=None, regions=frozenset({region}))


async def _import(settings: Settings, reach: Reach, ran: list[Reach] | None = None) -> ImportReport:
    """An import that writes nothing and notes that its runner ran."""

    async def run(path: Path, context: ImportContext) -> ImportReport:
        if ran is not None:
            ran.append(context.reach)
        return ImportReport(dry_run=context.dry_run, counts={"probes": 1})

    return await _run(settings, reach, run)


async def _run(settings: Settings, reach: Reach, run: object) -> ImportReport:
    backend = ImportBackend(name="probe", title="Probe", run=run)  # type: ignore[arg-type]
    context = import_context(settings, load_plugins(()), reach, dry_run=False)
    return await run_import(backend, Path("set"), context)


@asynccontextmanager
async def _running(settings: Settings, reach: Reach) -> AsyncIterator[None]:
    """An import into `reach` that is running (its runner waits) for the block's length."""
    started, release = asyncio.Event(), asyncio.Event()

    async def run(path: Path, context: ImportContext) -> ImportReport:
        started.set()
        await release.wait()
        return ImportReport(dry_run=context.dry_run, counts={"probes": 1})

    first = asyncio.create_task(_run(settings, reach, run))
    await started.wait()
    try:
        yield
    finally:
        release.set()
    assert (await first).outcome is ImportOutcome.IMPORTED


async def test_a_second_import_into_a_school_or_its_region_is_refused(
    database: str, settings: Settings
) -> None:
    region, (school, _) = await _region(2)
    ran: list[Reach] = []
    async with _running(settings, _school(school)):
        for reach in (_school(school), _whole(region)):
            refused = await _import(settings, reach, ran)
            assert refused.refusal is not None and refused.refusal.startswith(ALREADY_RUNNING)
            assert (refused.outcome, refused.exit_code, ran) == (ImportOutcome.REFUSED, 2, [])
    # The claim ended with the first import.
    assert (await _import(settings, _school(school), ran)).outcome is ImportOutcome.IMPORTED


async def test_an_import_of_a_whole_region_holds_off_each_of_its_schools(
    database: str, settings: Settings
) -> None:
    region, schools = await _region(2)
    async with _running(settings, _whole(region)):
        for school in schools:
            refused = await _import(settings, _school(school))
            assert refused.refusal is not None and refused.refusal.startswith(ALREADY_RUNNING)


async def test_another_school_of_the_region_imports_beside_it_on_postgresql(
    database: str, settings: Settings
) -> None:
    _, (school, neighbour) = await _region(2)
    async with _running(settings, _school(school)):
        beside = await _import(settings, _school(neighbour))
    if POSTGRES:
        assert beside.outcome is ImportOutcome.IMPORTED
    else:
        # One import at a time in a process on SQLite: it could only wait for the first.
        assert beside.refusal is not None and beside.refusal.startswith(ALREADY_RUNNING)


@pytest.mark.skipif(not POSTGRES, reason="the lock holds across processes on PostgreSQL")
async def test_the_command_line_is_refused_while_the_server_imports_the_school(
    database: str, settings: Settings
) -> None:
    _, (school,) = await _region(1)
    env = {**os.environ, "EDIARY_DATABASE_URL": database, "EDIARY_PLUGINS": "oneroster"}
    command = [sys.executable, "-m", "ediary.cli", "import", "oneroster", str(DATA / "v11")]
    async with _running(settings, _school(school)):
        done = await asyncio.to_thread(
            subprocess.run,
            [*command, "--school", str(school)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith(f"Refused, nothing written: {ALREADY_RUNNING}"), done.stdout
