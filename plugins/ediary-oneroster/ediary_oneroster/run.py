"""Running an import from the command line: a progress bar, then a summary."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ediary.adapters import ImportReport
from ediary.domain.reach import Reach
from ediary_oneroster.importer import Outcome, import_set
from ediary_oneroster.reader import SetError


def to_report(outcome: Outcome) -> ImportReport:
    return ImportReport(
        dry_run=outcome.dry_run,
        counts=dict(sorted(outcome.counts.items())),
        problems=[str(problem) for problem in outcome.problems],
    )


async def run_cli(path: Path, dry_run: bool, reach: Reach) -> ImportReport:
    """The import backend: a progress bar on stderr (rows, rate, time left); the import
    changes only what the operator's reach (--school, --region) owns."""
    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("[progress.data.speed]{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("Checking", total=None, rate="")

        def on_total(total: int) -> None:
            bar.update(task, total=total, description="Importing")
            print(f"Checked {total} rows; writing", file=sys.stderr, flush=True)

        def advance(n: int) -> None:
            bar.advance(task, n)
            speed = bar.tasks[0].speed
            if speed:
                bar.update(task, rate=f"{speed:.0f} rows/s")

        try:
            outcome = await import_set(path, dry_run, reach, progress=advance, on_total=on_total)
        except SetError as error:
            return ImportReport(dry_run=dry_run, problems=[f"[{error.code}] {error.message}"])
    report = to_report(outcome)
    print(f"OneRoster {outcome.version}: {outcome.rows} rows read", file=sys.stderr)
    return report
