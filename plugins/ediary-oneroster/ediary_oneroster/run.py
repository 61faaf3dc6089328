"""The import backend: a OneRoster set imported with the context the core gives it."""

from __future__ import annotations

from pathlib import Path

from ediary.adapters import ImportBackend, ImportContext, ImportReport
from ediary_oneroster.importer import Outcome, import_set
from ediary_oneroster.reader import SetError


def to_report(outcome: Outcome) -> ImportReport:
    return ImportReport(
        dry_run=outcome.dry_run,
        counts=dict(sorted(outcome.counts.items())),
        problems=[str(problem) for problem in outcome.problems],
    )


async def run_backend(path: Path, context: ImportContext) -> ImportReport:
    """Check every row (counting them for the progress), then write; the import changes
    only what the context's reach owns. A set that cannot be read at all is refused."""
    try:
        outcome = await import_set(
            path,
            context.dry_run,
            context.reach,
            policy_for=context.policy_for,
            today=context.today,
            progress=context.progress.advance,
            on_total=context.progress.start,
        )
    except SetError as error:
        return ImportReport(dry_run=context.dry_run, refusal=f"[{error.code}] {error.message}")
    report = to_report(outcome)
    report.warnings.extend([] if outcome.rows else ["the set has no rows"])
    return report


BACKEND = ImportBackend(name="oneroster", title="OneRoster 1.1/1.2 CSV", run=run_backend)
