"""`ediary import tatarstan-class-list FILE --school ID`: a school's class-list export (see
export.py) into the diary: each student's account and enrollment in their class of the
current year, and the parent the row names linked to them.

Students are found again by SNILS, else by a login made of the school, the names and the birth
date, so importing the same list twice changes nothing. A parent needs a name and an e-mail or
a phone (their login); a parent that cannot be written is a warning, and the student stays."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from tortoise.transactions import in_transaction

from ediary.adapters import ImportContext, ImportReport
from ediary.domain.auth import normalize_login
from ediary.domain.errors import DomainError
from ediary.domain.imports import AccountData, ImportScope, enroll, link_guardian, save_account
from ediary.domain.models import School, SchoolClass, User
from ediary_tatarstan.errors import OneSchoolOnly
from ediary_tatarstan.export import Parent, Rejection, Row, read_class_list_file
from ediary_tatarstan.values import BadValue, class_name

NAME = "tatarstan-class-list"


def _count(report: ImportReport, kind: str, done: bool = True) -> None:
    if done:
        report.counts[kind] = report.counts.get(kind, 0) + 1


async def _school(context: ImportContext) -> int:
    reach = context.reach
    if reach.regions or len(reach.schools) != 1:
        raise OneSchoolOnly()
    (school_id,) = reach.schools
    if not await School.exists(id=school_id):
        raise OneSchoolOnly()
    return school_id


async def _classes(school_id: int, context: ImportContext) -> dict[str, int]:
    """The school's classes of the year under way, by name such as 5А."""
    found = await SchoolClass.filter(
        school_id=school_id,
        academic_year__starts_on__lte=context.today,
        academic_year__ends_on__gte=context.today,
    ).values_list("id", "grade", "letter")
    classes: dict[str, int] = {}
    for class_id, grade, letter in found:
        # Named the way the lists are read, so a Latin look-alike letter in the diary matches.
        try:
            number, written = class_name(f"{grade}{letter}")
        except BadValue:
            continue
        classes[f"{number}{written}"] = int(class_id)
    return classes


def _name_login(school_id: int, row: Row) -> str:
    who = "|".join((row.last_name, row.first_name, row.middle_name or "", str(row.birth_date)))
    return f"tatarstan-{school_id}-{hashlib.sha256(who.casefold().encode()).hexdigest()[:12]}"


async def _existing(login: str, snils: str | None = None) -> User | None:
    if snils is not None and (holder := await User.get_or_none(snils=snils)) is not None:
        return holder
    return await User.get_or_none(login=normalize_login(login))


async def _known_student(school_id: int, row: Row) -> User | None:
    """The student an earlier list made: by SNILS, or by name and birth date when the SNILS
    is new in this list."""
    by_name = _name_login(school_id, row)
    if row.snils is None:
        return await _existing(by_name)
    return await _existing(f"snils-{row.snils}", row.snils) or await _existing(by_name)


async def _student(scope: ImportScope, school_id: int, row: Row, class_id: int) -> User:
    login = f"snils-{row.snils}" if row.snils else _name_login(school_id, row)
    known = await _known_student(school_id, row)
    student, _ = await save_account(
        scope,
        AccountData(
            login=known.login if known else login,
            last_name=row.last_name,
            first_name=row.first_name,
            middle_name=row.middle_name or "",
            # The list has no contacts of the student: keep those the account has.
            email=known.email if known else None,
            phone=known.phone if known else None,
            snils=row.snils,
            user_id=known.id if known else None,
        ),
    )
    await enroll(scope, student.id, class_id, scope.today)
    return student


async def _parent(scope: ImportScope, parent: Parent, student: User) -> bool:
    """Whether the link to the student is new; a DomainError says why it cannot be written."""
    login = parent.email or parent.phone
    names = (parent.full_name or "").split()
    if login is None or len(names) < 2:
        raise DomainError("the parent needs a last and a first name and an e-mail or a phone")
    known = await _existing(login)
    saved, _ = await save_account(
        scope,
        AccountData(
            login=known.login if known else login,
            last_name=names[0],
            first_name=names[1],
            middle_name=" ".join(names[2:]),
            email=parent.email or (known.email if known else None),
            phone=parent.phone or (known.phone if known else None),
            user_id=known.id if known else None,
        ),
    )
    return await link_guardian(scope, saved.id, student.id)


async def _import_row(
    scope: ImportScope, report: ImportReport, school_id: int, classes: dict[str, int], row: Row
) -> None:
    class_id = classes.get(row.class_name)
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
    school_id = await _school(context)
    items = await asyncio.to_thread(lambda: list(read_class_list_file(path)))
    unreadable = [item for item in items if isinstance(item, Rejection) and item.line == 0]
    if unreadable:
        report.refusal = f"[{unreadable[0].code}] {unreadable[0].message}"
        return report
    context.progress.start(len(items))
    scope = await context.scope()
    classes = await _classes(school_id, context)
    for item in items:
        if isinstance(item, Rejection):
            report.problems.append(f"line {item.line} [{item.code}]: {item.message}")
        else:
            await _import_row(scope, report, school_id, classes, item)
        context.progress.advance()
    return report
