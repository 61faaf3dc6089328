"""The `example-roster` import: students, their parents and marks from one CSV file,
written through ediary's import API so that every row is checked as the API checks it.

Columns by the first one (no header):
    student,LOGIN,LAST NAME,FIRST NAME,CLASS ID,FIRST DAY (YYYY-MM-DD)
    parent,LOGIN,LAST NAME,FIRST NAME,CHILD'S LOGIN
    mark,CHILD'S LOGIN,CLASS ID,SUBJECT ID,DATE,VALUE,TEACHER'S LOGIN
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from tortoise.transactions import in_transaction

from ediary.adapters import ImportContext, ImportReport
from ediary.domain.errors import DomainError, InvalidFields
from ediary.domain.imports import (
    AccountData,
    ImportedMark,
    ImportScope,
    enroll,
    link_guardian,
    record_mark,
    save_account,
)
from ediary.domain.models import User

Row = list[str]


async def _user_id(login: str) -> int:
    found = await User.get_or_none(login=login.strip())
    if found is None:
        raise DomainError(f"no account {login.strip()!r} in the diary or earlier in the file")
    return found.id


async def _account(scope: ImportScope, login: str, last: str, first: str) -> tuple[int, str]:
    existing = await User.get_or_none(login=login.strip())
    data = AccountData(
        login=login, last_name=last, first_name=first, user_id=existing.id if existing else None
    )
    user, created = await save_account(scope, data)
    return user.id, "created" if created else "updated"


async def _student(scope: ImportScope, report: ImportReport, row: Row) -> None:
    login, last, first, class_id, starts = row
    user_id, action = await _account(scope, login, last, first)
    report.counts[f"students {action}"] = report.counts.get(f"students {action}", 0) + 1
    _, new = await enroll(scope, user_id, int(class_id), date.fromisoformat(starts))
    if new:
        report.counts["enrollments"] = report.counts.get("enrollments", 0) + 1


async def _parent(scope: ImportScope, report: ImportReport, row: Row) -> None:
    login, last, first, child = row
    user_id, action = await _account(scope, login, last, first)
    report.counts[f"parents {action}"] = report.counts.get(f"parents {action}", 0) + 1
    if await link_guardian(scope, user_id, await _user_id(child)):
        report.counts["guardians linked"] = report.counts.get("guardians linked", 0) + 1


async def _mark(scope: ImportScope, report: ImportReport, row: Row) -> None:
    child, class_id, subject_id, day, value, teacher = row
    entry = ImportedMark(
        student_id=await _user_id(child),
        class_id=int(class_id),
        subject_id=int(subject_id),
        on=date.fromisoformat(day),
        value=int(value),
        author_id=await _user_id(teacher),
    )
    await record_mark(scope, entry)
    report.counts["marks"] = report.counts.get("marks", 0) + 1


KINDS: dict[str, tuple[int, Callable[[ImportScope, ImportReport, Row], Awaitable[None]]]] = {
    "student": (5, _student),
    "parent": (4, _parent),
    "mark": (6, _mark),
}


def _why(error: Exception) -> str:
    if isinstance(error, InvalidFields):
        return "; ".join(f"{'.'.join(p.path)}: {p.message}" for p in error.problems)
    if isinstance(error, DomainError):
        return error.message
    return "a number or a date (YYYY-MM-DD) is not readable"


async def import_roster(path: Path, context: ImportContext) -> ImportReport:
    """Each row is imported or rejected on its own; the core keeps the whole run in one
    transaction and rolls a dry run back."""
    report = ImportReport(dry_run=context.dry_run)
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    context.progress.start(len(rows))
    scope = await context.scope()
    for number, row in enumerate(rows, start=1):
        kind = KINDS.get(row[0].strip())
        if kind is None or len(row) - 1 != kind[0]:
            report.problems.append(f"row {number}: not a student, parent or mark row")
        else:
            # Counted apart and added once the row is in: a rejected row counts nothing.
            counted = ImportReport(dry_run=context.dry_run)
            try:
                # A savepoint: a row rejected halfway leaves nothing of itself behind.
                async with in_transaction():
                    await kind[1](scope, counted, [cell.strip() for cell in row[1:]])
            except (DomainError, ValueError) as error:
                report.problems.append(f"row {number}: {_why(error)}")
            else:
                for what, n in counted.counts.items():
                    report.counts[what] = report.counts.get(what, 0) + n
        context.progress.advance()
    return report
