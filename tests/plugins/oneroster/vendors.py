"""Running the OneRoster backend as `ediary import` does, for the tolerance tests: through
the core's `run_import`, so the report, its outcome and exit code are the real ones."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from ediary.adapters import ImportReport, import_context, load_plugins, run_import
from ediary.config import Settings
from ediary.domain.reach import Reach
from ediary_oneroster.run import BACKEND
from tests.plugins.oneroster.conftest import DATA, OPERATOR


async def run(
    path: Path,
    reach: Reach = OPERATOR,
    *,
    extra: dict[str, str] | None = None,
    dry_run: bool = False,
    **options: str | bool,
) -> ImportReport:
    """Import a set with the backend's options (`strict=True`, `date_order="DMY"`)."""
    settings = dataclasses.replace(Settings.from_env(), extra=extra or {})
    context = import_context(settings, load_plugins(()), reach, dry_run=dry_run, options=options)
    return await run_import(BACKEND, path, context)


def copy_set(tmp_path: Path, name: str) -> Path:
    """A copy of a data set the test may change."""
    dest = tmp_path / name
    shutil.copytree(DATA / name, dest)
    return dest


def codes(lines: list[str]) -> list[str]:
    """The [codes] of report lines, in order."""
    return [line.split("[", 1)[1].split("]", 1)[0] for line in lines]
