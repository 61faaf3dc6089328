"""Term reports as files: CSV (one table) and XLSX (indicators and students at risk).

Both carry the same indicator table: one row for the whole group and one per subject, for
the school and for each class. Percentages and averages are rounded half-up to 0.01.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from openpyxl import Workbook

from ediary.domain.analytics.indicators import AttendanceSummary, Indicators, share_percent
from ediary.domain.analytics.reports import ClassReport, SchoolReport, SubjectIndicators
from ediary.domain.grading import RegionPolicy, display_average

Cell = str | int | Decimal | None
ALL_SUBJECTS = "(all subjects)"
WHOLE_SCHOOL = "(school)"


def _header(policy: RegionPolicy) -> list[Cell]:
    marks = [f"marks_{value}" for value in reversed(policy.scale.values)]
    return [
        "class",
        "subject",
        "students",
        "average_mark",
        "success_rate_percent",
        "quality_percent",
        "sou_percent",
        *marks,
        "absences",
        "unexcused_absences",
        "late",
        "students_at_risk",
    ]


def _row(
    group: str,
    subject: str,
    found: Indicators,
    attendance: AttendanceSummary | None,
    at_risk: int | None,
) -> list[Cell]:
    counts = [count for _, count in found.distribution or ()]
    return [
        group,
        subject,
        found.students,
        display_average(found.average),
        display_average(share_percent(found.success_rate)),
        display_average(share_percent(found.quality)),
        display_average(share_percent(found.sou)),
        *counts,
        attendance.absences if attendance else None,
        attendance.unexcused if attendance else None,
        attendance.late if attendance else None,
        at_risk,
    ]


def _group_rows(
    name: str,
    found: Indicators,
    subjects: list[SubjectIndicators],
    attendance: AttendanceSummary,
    at_risk: int,
) -> Iterator[list[Cell]]:
    yield _row(name, ALL_SUBJECTS, found, attendance, at_risk)
    for row in subjects:
        yield _row(name, row.subject.name, row.indicators, None, None)


def indicator_rows(report: SchoolReport | ClassReport, policy: RegionPolicy) -> list[list[Cell]]:
    """The indicator table, header first."""
    rows: list[list[Cell]] = [_header(policy)]
    classes = report.classes if isinstance(report, SchoolReport) else [report]
    if isinstance(report, SchoolReport):
        rows += _group_rows(
            WHOLE_SCHOOL, report.overall, report.subjects, report.attendance, len(report.at_risk)
        )
    for found in classes:
        rows += _group_rows(
            found.school_class.name,
            found.overall,
            found.subjects,
            found.attendance,
            len(found.at_risk),
        )
    return rows


def risk_rows(report: SchoolReport | ClassReport) -> list[list[Cell]]:
    """Students at risk, one row per subject, header first."""
    rows: list[list[Cell]] = [["class", "student", "subject", "term_mark", "mark_is"]]
    for student in report.at_risk:
        for low in student.subjects:
            rows.append(
                [
                    student.school_class.name,
                    student.full_name,
                    low.subject.name,
                    low.mark.value,
                    "given" if low.mark.given else "forecast",
                ]
            )
    return rows


def to_csv(report: SchoolReport | ClassReport, policy: RegionPolicy) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheet programs read Cyrillic names right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(
        ["" if c is None else c for c in row] for row in indicator_rows(report, policy)
    )
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(report: SchoolReport | ClassReport, policy: RegionPolicy) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Indicators"
    for row in indicator_rows(report, policy):
        sheet.append([float(c) if isinstance(c, Decimal) else c for c in row])
    risks = book.create_sheet("At risk")
    for row in risk_rows(report):
        risks.append(row)
    for each in (sheet, risks):
        each.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
