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

from tortoise.transactions import in_transaction

from ediary.adapters import ImportContext, ImportReport
from ediary.domain.class_lists import (
    ListedParent,
    ListedStudent,
    PersonName,
    current_classes,
    import_parent,
    import_student,
    one_school,
    split_full_name,
)
from ediary.domain.errors import DomainError
from ediary.domain.imports import ImportScope
from ediary.domain.models import User
from ediary_tatarstan.export import Parent, Rejection, Row, read_class_list_file

NAME = "tatarstan-class-list"


def _count(report: ImportReport, kind: str, done: bool = True) -> None:
    if done:
        report.counts[kind] = report.counts.get(kind, 0) + 1


async def _student(scope: ImportScope, school_id: int, row: Row, class_id: int) -> User:
    name = PersonName(row.last_name, row.first_name, row.middle_name or "")
    listed = ListedStudent(name, row.birth_date, row.snils)
    student, _ = await import_student(scope, school_id, listed, class_id)
    return student


async def _parent(scope: ImportScope, parent: Parent, student: User) -> bool:
    """Whether the link to the student is new; a DomainError says why it cannot be written."""
    listed = ListedParent(split_full_name(parent.full_name or ""), parent.phone, parent.email)
    return await import_parent(scope, listed, student.id)


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
    try:
        async with in_transaction():  # a rejected row leaves nothing behind
            student = await _student(scope, school_id, row, class_id)
    except DomainError as error:
        report.problems.append(f"line {row.line} [{error.code}]: {error.message}")
        return
    _count(report, "students")
    for warning in row.warnings:
        report.warnings.append(f"line {row.line} [{warning.code}]: {warning.message}")
    if row.parent is None:
        return
    try:
        async with in_transaction():
            linked = await _parent(scope, row.parent, student)
    except DomainError as error:
        report.warnings.append(
            f"line {row.line} [PARENT_SKIPPED]: the parent is not imported: {error.message}"
        )
        return
    _count(report, "parents")
    _count(report, "guardians", linked)


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
