"""`ediary import`: run a plugin's import backend with a progress bar, then say how it ended."""

from __future__ import annotations

import argparse
import asyncio
import sys

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

from ediary.adapters.imports import (
    ImportBackend,
    ImportOutcome,
    ImportProgress,
    ImportReport,
    backends_by_name,
    import_context,
    run_import,
)
from ediary.adapters.manager import PluginManager, model_apps
from ediary.config import Settings
from ediary.db import close_database, open_database, unapplied_migrations


def migrate_first(labels: list[str]) -> str:
    """The one line that stops a command on a database without some apps' migrations."""
    return f"ediary: the database lacks migrations of {', '.join(labels)}: run `ediary migrate`"


def summary(report: ImportReport, title: str) -> list[str]:
    """What `ediary import` prints: how it ended, the counts, the runner's notes on the file,
    then every row to look at."""
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(report.counts.items()))
    outcome = report.outcome
    if outcome is ImportOutcome.ABORTED:
        lines = [f"Aborted, nothing written: {title} stopped on an error (see the log)."]
    elif outcome is ImportOutcome.REFUSED:
        lines = [f"Refused, nothing written: {report.refusal}"]
    else:
        verb = "Would import" if report.dry_run else "Imported"
        done = counts or "no changes"
        lines = [
            f"{verb} with {title}: {done}"
            + ("" if outcome is ImportOutcome.IMPORTED else f" ({outcome})")
        ]
    lines += [f"  note: {note}" for note in report.notes]
    lines += [f"  rejected: {problem}" for problem in report.problems]
    lines += [f"  warning: {warning}" for warning in report.warnings]
    return lines


async def _run(
    settings: Settings, plugins: PluginManager, backend: ImportBackend, args: argparse.Namespace
) -> int:
    from ediary.domain.errors import DomainError
    from ediary.domain.reach import operator_reach

    await open_database(settings.database_url, model_apps(plugins))
    try:
        missing = await unapplied_migrations(model_apps(plugins))
        if missing:
            print(migrate_first(sorted(missing)), file=sys.stderr)
            return 2
        try:
            reach = await operator_reach(args.school, args.region)
        except DomainError as error:
            print(f"ediary: {error.message}", file=sys.stderr)
            return 2
        console = Console(stderr=True)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(backend.title, total=None)

            logged = 0  # tenths of the rows said in a log, where the bar is not drawn

            def show(progress: ImportProgress) -> None:
                nonlocal logged
                if bar.tasks[0].total is None and progress.total is not None:
                    console.print(f"{progress.total} rows to import; writing")
                bar.update(task, total=progress.total, completed=progress.done)
                if console.is_terminal or not progress.total:
                    return
                tenths = progress.done * 10 // progress.total
                if tenths > logged:
                    logged = tenths
                    console.print(f"{progress.done} of {progress.total} rows done")

            context = import_context(
                settings,
                plugins,
                reach,
                dry_run=args.dry_run,
                progress=ImportProgress(show),
                options=args.options,
            )
            report = await run_import(backend, args.path, context)
    finally:
        await close_database()
    for line in summary(report, backend.title):
        print(line)
    return report.exit_code


def backend_options(backend: ImportBackend, given: list[str]) -> dict[str, str | bool]:
    """The backend's own options from what followed PATH; a wrong one stops the command
    (exit status 2) with the backend's list."""
    parser = argparse.ArgumentParser(
        prog=f"ediary import {backend.name} PATH", add_help=False, allow_abbrev=False
    )
    for option in backend.options:
        if option.choices:
            parser.add_argument(
                option.flag, dest=option.key, choices=option.choices, help=option.help
            )
        else:
            parser.add_argument(option.flag, dest=option.key, action="store_true", help=option.help)
    known = ", ".join(option.flag for option in backend.options) or "none"
    parsed, wrong = parser.parse_known_args(given)
    if wrong:
        parser.error(
            f"unrecognized arguments: {' '.join(wrong)} (options of {backend.name}: {known})"
        )
    return {key: value for key, value in vars(parsed).items() if value not in (None, False)}


def cmd_import(settings: Settings, plugins: PluginManager, args: argparse.Namespace) -> int:
    backends = backends_by_name(plugins)
    backend = backends.get(args.backend)
    if backend is None:
        known = ", ".join(sorted(backends)) or "none installed"
        print(f"ediary: no import backend {args.backend!r} (known: {known})", file=sys.stderr)
        return 2
    args.options = backend_options(backend, getattr(args, "backend_options", []))
    if not args.school and not args.region:
        # Never "as the system": the operator says which schools or regions the set is for.
        print("ediary: name what to import into: --school ID or --region CODE", file=sys.stderr)
        return 2
    return asyncio.run(_run(settings, plugins, backend, args))
