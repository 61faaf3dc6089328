"""Imports started from the API: checked here, run as a background task of the server
process, their status, rows and report kept in ImportJob."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tortoise.exceptions import BaseORMException

from ediary.adapters import (
    ImportAlreadyRunning,
    ImportContext,
    ImportProgress,
    ImportReport,
    refuse_if_importing,
    run_import,
)
from ediary.domain.access import Viewer, may_import_school_data
from ediary.domain.errors import DomainError, Forbidden, InvalidInput, NotFound
from ediary.domain.reach import Reach, school_admin_reach
from ediary_oneroster.models import ImportJob, JobStatus
from ediary_oneroster.run import BACKEND

log = logging.getLogger("ediary.oneroster.jobs")

IMPORT_DIR_SETTING = "EDIARY_IMPORT_DIR"
BACKENDS = ("oneroster",)

# Tasks still running: the event loop keeps only weak references to tasks.
_running: set[asyncio.Task[None]] = set()
# A running job's rows are written at most this often.
ROWS_EVERY_SECONDS = 1.0
# The one problem of a job that was running (or queued) when its server process stopped.
SERVER_STOPPED = "the server stopped while it ran; nothing was written"
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


class ImportsDisabled(DomainError):
    code = "IMPORT_DISABLED"
    default_message = "Imports from the API are off: the server has no EDIARY_IMPORT_DIR."


class PathOutsideImportDir(DomainError):
    code = "PATH_OUTSIDE_IMPORT_DIR"
    default_message = "The path must name a file or folder inside the server's import directory."


def import_dir(extra: Mapping[str, str]) -> Path | None:
    value = extra.get(IMPORT_DIR_SETTING, "").strip()
    return Path(value).resolve() if value else None


def school_dir(base: Path | None, school_id: int) -> Path | None:
    """The folder of one school's sets: `<import dir>/<school id>`. The import directory is
    shared by every school of the deployment, and an import maps its set's one school onto
    the importer's, so a school reads its own folder only: the operators decide which sets
    a school may import by where they put them."""
    return None if base is None else (base / str(school_id)).resolve()


def resolve_path(base: Path | None, given: str) -> Path:
    """The set's path, relative to `base` (or absolute inside it); symbolic links and `..`
    are resolved first, so neither leads out of it."""
    if base is None:
        raise ImportsDisabled()
    if not given.strip() or "\x00" in given:
        raise InvalidInput("Give the path of a set in the import directory.", field="path")
    path = (base / given).resolve()
    if not path.is_relative_to(base):
        raise PathOutsideImportDir(field="path")
    if not path.exists():
        raise InvalidInput("There is no such file or folder in the import directory.", field="path")
    return path


async def target_reach(viewer: Viewer, school_id: int | None) -> Reach:
    """The administrator's reach for this import: the school asked for, or their only one."""
    if school_id is None:
        if len(viewer.admin_schools) == 1:
            (school_id,) = viewer.admin_schools
        elif not viewer.admin_schools:
            raise Forbidden("Only a school administrator may import data.")
        else:
            raise InvalidInput("You administer several schools: give schoolId.", field="schoolId")
    return await school_admin_reach(viewer, school_id)


async def start_import(
    viewer: Viewer,
    *,
    backend: str,
    path: str,
    dry_run: bool,
    school_id: int | None,
    extra: Mapping[str, str],
    context_for: Callable[[Reach], ImportContext],
) -> ImportJob:
    """Check everything, record a queued job and start it in the background with the
    context `context_for` gives the administrator's reach."""
    reach = await target_reach(viewer, school_id)
    assert reach.school is not None
    if backend not in BACKENDS:
        raise InvalidInput(
            f"Unknown import backend {backend!r}; known: {', '.join(BACKENDS)}.", field="backend"
        )
    found = resolve_path(school_dir(import_dir(extra), reach.school), path)
    # A queued job has not claimed its school yet (run_import does), but will.
    if await ImportJob.filter(school_id=reach.school, status__in=UNFINISHED).exists():
        raise ImportAlreadyRunning()
    await refuse_if_importing(reach)
    assert viewer.user_id is not None
    job = await ImportJob.create(
        school_id=reach.school, requested_by_id=viewer.user_id, dry_run=dry_run
    )
    task = asyncio.create_task(_run(job.id, found, context_for(reach)))
    _running.add(task)
    task.add_done_callback(_running.discard)
    return job


def report_json(report: ImportReport) -> dict[str, Any]:
    """The report as the job keeps it; a refusal or an abort is its one problem."""
    problems = list(report.problems)
    if report.refusal is not None:
        problems.append(report.refusal)
    if report.aborted:
        problems.append("[internal] the import stopped on an error of ours; nothing was written")
    return {
        "dry_run": report.dry_run,
        "outcome": str(report.outcome),
        "counts": report.counts,
        "problems": problems,
        "warnings": report.warnings,
    }


class _RowsWriter:
    """Writes a running job's rows as the import reports them, at most every
    ROWS_EVERY_SECONDS, the last count at the latest that long after it changed.

    The import runs in one transaction, which nobody sees into until it ends, so the rows
    are written by a task of their own started before it: Tortoise gives a transaction's
    connection only to the task that opened it (and tasks started inside it), so these
    updates go through another connection of the pool and are committed at once, for
    `importJob` to read while the import runs. On SQLite, whose one connection the import
    holds, they wait for the import to end, and its progress is seen then."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self.progress = ImportProgress(lambda progress: self._changed.set())
        self._task = asyncio.create_task(self._write())

    async def _write(self) -> None:
        while True:
            await self._changed.wait()
            if self._closing.is_set():
                return
            self._changed.clear()
            progress = self.progress
            try:
                await ImportJob.filter(id=self.job_id).update(
                    rows_done=progress.done, rows_total=progress.total or 0
                )
            except BaseORMException:
                # Only the count shown while it runs: the import goes on, the end writes it.
                log.exception("the rows of import job %d were not written", self.job_id)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), ROWS_EVERY_SECONDS)

    async def close(self) -> None:
        self._closing.set()
        self._changed.set()
        await self._task


async def _run(job_id: int, path: Path, context: ImportContext) -> None:
    await ImportJob.filter(id=job_id).update(status=JobStatus.RUNNING)
    rows = _RowsWriter(job_id)
    try:
        report = await run_import(
            BACKEND, path, dataclasses.replace(context, progress=rows.progress)
        )
    finally:
        await rows.close()
    progress = rows.progress
    await ImportJob.filter(id=job_id).update(
        status=JobStatus.SUCCEEDED if report.written else JobStatus.FAILED,
        report=report_json(report),
        rows_done=progress.done,
        rows_total=progress.total or progress.done,
        finished_at=datetime.now(UTC),
    )


async def load_job(viewer: Viewer, job_id: int) -> ImportJob:
    """A job, for the administrators of its school only; NOT_FOUND for everyone else."""
    job = await ImportJob.get_or_none(id=job_id)
    if job is None or not may_import_school_data(viewer, job.school_id):
        raise NotFound()
    return job


async def fail_interrupted_jobs() -> int:
    """Mark FAILED the jobs a stopped server process left queued or running (their
    transaction was rolled back with the process); the startup hook calls it. A job whose
    school is importing right now is left alone: another worker of the server runs it.
    Returns how many were marked. A database not reachable or not migrated yet is left to
    /readyz and `ediary migrate`: the server starts, and the jobs are marked at a later start."""
    try:
        left = await ImportJob.filter(status__in=UNFINISHED)
        failed = 0
        for job in left:
            try:
                await refuse_if_importing(Reach(actor_id=None, schools=frozenset({job.school_id})))
            except ImportAlreadyRunning:
                continue
            report = report_json(ImportReport(dry_run=job.dry_run, aborted=True))
            report["problems"] = [SERVER_STOPPED]
            failed += await ImportJob.filter(id=job.id, status__in=UNFINISHED).update(
                status=JobStatus.FAILED, report=report, finished_at=datetime.now(UTC)
            )
    except Exception as error:
        # Whatever the database answers now (refused connection, missing table), the server
        # must start: /readyz reports the database, and a later start marks the jobs.
        log.warning("import jobs left by a stopped server were not checked: %r", error)
        return 0
    if failed:
        log.warning("%d import job(s) were running when the server stopped: marked failed", failed)
    return failed


async def wait_for_jobs() -> None:
    """Let running imports finish (tests, shutdown)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
