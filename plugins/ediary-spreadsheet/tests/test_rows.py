"""Rows below the header: students read, rows rejected with their reason, and rows that are
no student (empty, a totals row, the header repeated) passed over."""

from __future__ import annotations

from ediary_spreadsheet.headers import find_header
from ediary_spreadsheet.rows import Rejected, Skipped, StudentRow, read_rows
from ediary_spreadsheet.sheets import Cell

HEADER: list[Cell] = ["Фамилия", "Имя", "Отчество", "Класс", "Дата рождения", "СНИЛС", "Родитель"]


def outcomes(*rows: list[Cell]) -> list[tuple[int, str]]:
    numbered = [(1, HEADER), *enumerate(rows, start=2)]
    header = find_header(numbered)
    assert header is not None
    found = []
    for read in read_rows(header, numbered):
        if isinstance(read, StudentRow):
            found.append((read.row, f"{read.student.name} {read.class_name}"))
        elif isinstance(read, Rejected):
            found.append((read.row, read.problem.code))
        else:
            assert isinstance(read, Skipped)
            found.append((read.row, read.why))
    return found


def test_what_each_row_becomes() -> None:
    assert outcomes(
        ["Петров", "Артём", "", "5A", "03.02.2015", "", ""],
        ["", "", "", "", "", "", ""],
        ["Петров", "Артём", "", "5А", "03.02.2015", "", ""],
        ["Сидоров", "", "", "5А", "03.02.2015", "", ""],
        ["Сидоров", "Иван", "", "5А", "", "", ""],
        ["Сидоров", "Иван", "", "пятый", "03.03.2015", "", ""],
        HEADER,
        ["Всего: 1", "", "", "", "", "", ""],
        ["Иванов", "Иван", "Иванович", "11 «б»", "", "112-233-445 95", "Иванова А.П."],
    ) == [
        (2, "Петров Артём 5А"),
        (4, "DUPLICATE"),
        (5, "NO_NAME"),
        (6, "NO_BIRTH_DATE"),
        (7, "BAD_CLASS"),
        (8, "the header again"),
        (9, "a totals row"),
        (10, "Иванов Иван Иванович 11Б"),
    ]


def test_a_parent_with_initials_is_a_warning_and_the_student_stays() -> None:
    numbered: list[tuple[int, list[Cell]]] = [
        (1, HEADER),
        (2, ["Иванов", "Иван", "", "5А", "01.09.2015", "", "Иванова А.П."]),
    ]
    header = find_header(numbered)
    assert header is not None

    (read,) = read_rows(header, numbered)

    assert isinstance(read, StudentRow) and read.parent is None
    assert [w.code for w in read.warnings] == ["PARENT_SKIPPED"]
