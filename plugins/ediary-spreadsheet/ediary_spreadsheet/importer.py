"""`ediary import spreadsheet FILE --school ID`: a school's class list from a spreadsheet
into the diary, through the core's `ediary.domain.class_lists`: each student's account and
enrollment in their class of the year under way, and their parent linked to them.

The report starts with the mapping (which column became which field, which were not read),
on a dry run too. A row is imported, imported with warnings (a phone or e-mail that is not
one is dropped, a parent that cannot be written is left out), or rejected (no name, a class
the school does not have, a SNILS that is not one); rows are numbered as Excel numbers them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from ediary.adapters import ImportContext, ImportReport
from ediary.domain.class_lists import current_classes, import_line, one_school
from ediary.domain.imports import ImportScope
from ediary_spreadsheet.headers import Field, Header, find_header, mapping_notes, unknown_columns
from ediary_spreadsheet.rows import Rejected, Skipped, StudentRow, read_rows
from ediary_spreadsheet.sheets import Sheet, UnreadableFile, read_sheet

NAME = "spreadsheet"


def _header_refusal(sheet: Sheet, header: Header | None) -> str | None:
    if header is None:
        return (
            "[NO_HEADER] no header row naming the student (ФИО, or Фамилия and Имя) and the "
            f"class (Класс) in the first rows of the {sheet.source}"
        )
    missing = []
    if not header.names_the_student:
        missing.append("ФИО (or Фамилия and Имя)")
    if Field.CLASS not in header.fields:
        missing.append("Класс")
    if missing:
        return f"[MISSING_COLUMNS] the header has no column {' or '.join(missing)}"
    return None


async def _write(
    scope: ImportScope,
    report: ImportReport,
    school_id: int,
    classes: dict[tuple[int, str], int],
    row: StudentRow,
) -> None:
    class_id = classes.get((row.grade, row.letter))
    if class_id is None:
        report.problems.append(
            f"row {row.row} [NO_CLASS]: the school has no class {row.class_name} this year"
        )
        return
    line = await import_line(scope, school_id, class_id, row.student, row.parent)
    report.record_line(f"row {row.row}", line, row.warnings)


async def run(path: Path, context: ImportContext) -> ImportReport:
    """The class list of the reach's one school; ediary runs it in one transaction and rolls
    a dry run back."""
    report = ImportReport(dry_run=context.dry_run)
    school_id = await one_school(context.reach)
    try:
        sheet = await asyncio.to_thread(read_sheet, path)
    except UnreadableFile as error:
        report.refusal = f"[{error.code}] {error.message}"
        return report
    header = find_header(sheet.rows)
    report.notes.append(f"read the {sheet.source}")
    if header is not None:
        report.notes += mapping_notes(header)
    if (refusal := _header_refusal(sheet, header)) is not None:
        report.refusal = refusal
        return report
    assert header is not None
    report.warnings += [
        f"column {column.letter} [UNKNOWN_COLUMN]: «{column.label}» is not imported"
        for column in unknown_columns(header)
    ]
    items = list(read_rows(header, sheet.rows))
    context.progress.start(len(items))
    scope = await context.scope()
    classes = await current_classes(school_id, context.today)
    for item in items:
        if isinstance(item, Rejected):
            report.problems.append(f"row {item.row} [{item.problem.code}]: {item.problem.message}")
        elif isinstance(item, Skipped):
            report.notes.append(f"row {item.row}: not read ({item.why})")
        else:
            await _write(scope, report, school_id, classes, item)
        context.progress.advance()
    return report
