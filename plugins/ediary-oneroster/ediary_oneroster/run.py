"""The import backend: a OneRoster set imported with the context the core gives it."""

from __future__ import annotations

from pathlib import Path

from ediary.adapters import ImportBackend, ImportContext, ImportOption, ImportReport
from ediary.domain import models
from ediary_oneroster.dates import DateOrder
from ediary_oneroster.importer import Outcome, import_set
from ediary_oneroster.reader import Problem, ReadOptions, SetError

# Settings (settings.extra) for imports that have no command line, such as startImport's.
REGION_SETTING = "EDIARY_ONEROSTER_REGION"
DATE_ORDER_SETTING = "EDIARY_ONEROSTER_DATE_ORDER"
# Rejections said once per file with a count: one cause, usually every row of the file.
ONCE_PER_FILE = ("date.ambiguous",)

OPTIONS = (
    ImportOption(
        "--strict",
        "read to the letter of the standard: reject what is otherwise mapped with a warning",
    ),
    ImportOption(
        "--date-order",
        "how to read dates such as 1/05/2023 that fit day/month and month/day",
        choices=("DMY", "MDY"),
    ),
)


def problem_lines(problems: list[Problem]) -> list[str]:
    """Every rejected row, except that a cause said once per file is said once, counted."""
    lines: list[str] = []
    grouped: dict[tuple[str, str], list[Problem]] = {}
    for problem in problems:
        if problem.code in ONCE_PER_FILE:
            grouped.setdefault((problem.file, problem.code), []).append(problem)
        else:
            lines.append(str(problem))
    for (file, code), same in grouped.items():
        first = same[0]
        count = f"{len(same)} row{'s' if len(same) != 1 else ''}, the first on row {first.row}"
        lines.append(f"{file}.csv: [{code}] {first.message} ({count})")
    return lines


def to_report(outcome: Outcome) -> ImportReport:
    return ImportReport(
        dry_run=outcome.dry_run,
        counts=dict(sorted(outcome.counts.items())),
        problems=problem_lines(outcome.problems),
        warnings=list(outcome.warnings),
    )


async def read_options(context: ImportContext) -> ReadOptions:
    """How to read the set: `--strict` and `--date-order` from the command line (the date
    order else from a setting); the region of a set without a district is the one school's
    region, else the one region named, else the setting's."""
    order = str(
        context.options.get("date_order") or context.settings.extra.get(DATE_ORDER_SETTING, "")
    ).upper()
    if order not in ("", *DateOrder):
        raise SetError("setting.date_order", f"{DATE_ORDER_SETTING} is {order!r}: DMY or MDY")
    region: str | None = None
    reach = context.reach
    if reach.school is not None:
        school = await models.School.get(id=reach.school).prefetch_related("region")
        region = school.region.code
    elif len(reach.regions) == 1:
        (region,) = reach.regions
    else:
        region = context.settings.extra.get(REGION_SETTING) or None
    return ReadOptions(
        strict=bool(context.options.get("strict")),
        date_order=DateOrder(order) if order else None,
        region=region,
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
            options=await read_options(context),
        )
    except SetError as error:
        return ImportReport(dry_run=context.dry_run, refusal=f"[{error.code}] {error.message}")
    report = to_report(outcome)
    report.warnings.extend([] if outcome.rows else ["the set has no rows"])
    return report


BACKEND = ImportBackend(
    name="oneroster", title="OneRoster 1.1/1.2 CSV", run=run_backend, options=OPTIONS
)
