"""Class lists written the way a school secretary writes them: an XLSX made with openpyxl
(title rows, a merged "Родитель" cell over its sub-columns, ФИО in one column, birth dates
as text and as Excel dates, a totals row) and the same list as a windows-1251 CSV."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ediary_spreadsheet.sheets import Cell
from openpyxl import Workbook

from ediary.domain.identity import snils_with_check_sum

BAD_SNILS = snils_with_check_sum("300400600")[:9] + "99"
TITLE = "Список учащихся 5А класса"
UPPER = ["№", "ФИО", "Класс", "Дата рождения", "СНИЛС", "Родитель", None, None, "Примечание"]
LOWER = [None, None, None, None, None, "ФИО", "Телефон", "E-mail", None]
_numbers = itertools.count(300_400_500)


def fresh_snils() -> str:
    """A SNILS no other test has used: the tests share one database."""
    return snils_with_check_sum(str(next(_numbers)))


def timur(snils: str, email: str) -> list[Cell]:
    """The first student, with a SNILS written with dashes and a parent with both contacts."""
    return [
        1,
        "Галиев Тимур Ильдарович",
        "5А",
        "01.09.2015",
        f"{snils[:3]}-{snils[3:6]}-{snils[6:9]} {snils[9:]}",
        "Галиева Алия Рустамовна",
        "8 (917) 123-45-67",
        email,
        None,
    ]


# The other rows of the list, in the rows after Тимур's (row 5).
OTHERS: list[list[Cell]] = [
    # An Excel date, a class with quotes and a small letter, a phone that is no number.
    [
        2,
        "Хабибуллина Эльвира",
        '5 "а"',
        date(2015, 5, 12),
        None,
        "Хабибуллин Марат",
        "12-34",
        None,
        "переведена",
    ],
    [3, "Петров Артём", "5-A", "2015-02-03", None, None, None, None, None],
    [None, None, None, None, None, None, None, None, None],
    # A class the school does not have (another school's).
    [4, "Зарипов Айдар", "9В", "02.02.2014", None, None, None, None, None],
    [5, "Сидоров Ильнур", "5А", "03.03.2015", BAD_SNILS, None, None, None, None],
    [6, None, "5А", "04.04.2015", None, "Сидорова Анна", "+7 917 000-00-00", None, None],
    [None, "Итого: 6 учащихся", None, None, None, None, None, None, None],
]
# Rows in Excel: title 1, empty 2, header 3-4, students from 5.
FIRST_STUDENT_ROW = 5


def school_workbook(path: Path, students: Sequence[Sequence[Cell]]) -> Path:
    """The class list as an .xlsx: a merged title, a two-row header with merged cells."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "5А"
    sheet.append([TITLE])
    sheet.merge_cells("A1:I1")
    sheet.append([])
    sheet.append(UPPER)
    sheet.append(LOWER)
    # Single-row columns span both header rows; "Родитель" spans its three sub-columns.
    for column in "ABCDEI":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("F3:H3")
    for cells in students:
        sheet.append(list(cells))
    for row in sheet.iter_rows(min_row=FIRST_STUDENT_ROW, min_col=4, max_col=4):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
    book.save(path)
    return path


def school_csv(path: Path, students: Sequence[Sequence[Cell]]) -> Path:
    """The same list saved by Excel as «CSV (разделители — точки с запятой)»: windows-1251."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow([TITLE])
    writer.writerow([])
    writer.writerow(["" if cell is None else cell for cell in UPPER])
    writer.writerow(["" if cell is None else cell for cell in LOWER])
    for cells in students:
        writer.writerow(
            [
                "" if c is None else c.strftime("%d.%m.%Y") if isinstance(c, date) else c
                for c in cells
            ]
        )
    path.write_bytes(text.getvalue().encode("cp1251"))
    return path
