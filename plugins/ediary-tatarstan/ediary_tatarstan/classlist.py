"""`ediary import tatarstan-class-list FILE --school ID`: a school's class-list export (see
export.py) into the diary: each student's account and enrollment in their class of the
current year, and the parent the row names linked to them.

The core's `ediary.domain.class_lists` writes them: students are found again by SNILS, else by
a login made of the school, the names and the birth date, so importing the same list twice
changes nothing. A parent needs a name and an e-mail or a phone (their login); a parent that
cannot be written is a warning, and the student stays."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ediary.adapters import ImportContext, ImportReport
from ediary.domain.class_lists import (
    ListedParent,
    ListedStudent,
    PersonName,
    current_classes,
    import_line,
    one_school,
    split_full_name,
)
from ediary.domain.errors import DomainError
from ediary.domain.imports import ImportScope
from ediary_tatarstan.export import Parent, Rejection, Row, read_class_list_file

NAME = "tatarstan-class-list"


def _listed_student(row: Row) -> ListedStudent:
    name = PersonName(row.last_name, row.first_name, row.middle_name or "")
    return ListedStudent(name, row.birth_date, row.snils)


def _listed_parent(parent: Parent | None) -> ListedParent | DomainError | None:
    """The parent the row names, or why they cannot be written (a name that is not one)."""
    if parent is None:
        return None
    try:
        name = split_full_name(parent.full_name or "")
    except DomainError as error:
        return error
    return ListedParent(name, parent.phone, parent.email)


async def _import_row(
    scope: ImportScope,
    report: ImportReport,
    school_id: int,
    classes: dict[tuple[int, str], int],
    row: Row,
) -> None:
    class_id = classes.get((row.grade, row.letter))
    if class_id is None:
        report.problems.append(
            f"line {row.line} [NO_CLASS]: the school has no class {row.class_name}"
        )
        return
    line = await import_line(
        scope, school_id, class_id, _listed_student(row), _listed_parent(row.parent)
    )
    report.record_line(f"line {row.line}", line, row.warnings)


async def run(path: Path, context: ImportContext) -> ImportReport:
    """The class list of the reach's one school; ediary runs it in one transaction and rolls
    a dry run back."""
    report = ImportReport(dry_run=context.dry_run)
    school_id = await one_school(context.reach)
    items = await asyncio.to_thread(lambda: list(read_class_list_file(path)))
    unreadable = [item for item in items if isinstance(item, Rejection) and item.line == 0]
    if unreadable:
        report.refusal = f"[{unreadable[0].code}] {unreadable[0].message}"
        return report
    context.progress.start(len(items))
    scope = await context.scope()
    classes = await current_classes(school_id, context.today)
    for item in items:
        if isinstance(item, Rejection):
            report.problems.append(f"line {item.line} [{item.code}]: {item.message}")
        else:
            await _import_row(scope, report, school_id, classes, item)
        context.progress.advance()
    return report
