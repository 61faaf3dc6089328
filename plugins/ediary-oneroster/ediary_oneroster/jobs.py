"""Imports started from the API: checked here, run as a background task of the server
process, their status and report kept in ImportJob."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ediary.adapters import ImportContext, ImportReport, run_import
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


async def _run(job_id: int, path: Path, context: ImportContext) -> None:
    await ImportJob.filter(id=job_id).update(status=JobStatus.RUNNING)
    report = await run_import(BACKEND, path, context)
    progress = context.progress
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


async def wait_for_jobs() -> None:
    """Let running imports finish (tests, shutdown)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
