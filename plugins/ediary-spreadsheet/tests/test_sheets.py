"""Reading a file's rows: XLSX numbered as in Excel, CSV in UTF-8 (with or without a BOM) or
windows-1251 with its separator found, and files that are neither."""

from __future__ import annotations

from pathlib import Path

import pytest
from ediary_spreadsheet.sheets import UnreadableFile, read_sheet
from openpyxl import Workbook

ROWS = [["Фамилия", "Имя", "Класс"], ["Петров", "Артём", "5А"]]


def test_a_workbook_is_numbered_as_excel_numbers_it(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Список учащихся"
    sheet["A4"], sheet["B4"] = "Фамилия", "Имя"
    book.create_sheet("5Б")
    path = tmp_path / "list"  # no extension: a path an import job was given
    book.save(path)

    read = read_sheet(path)

    assert [(number, cells[:2]) for number, cells in read.rows] == [
        (1, ["Список учащихся", None]),
        (2, [None, None]),
        (3, [None, None]),
        (4, ["Фамилия", "Имя"]),
    ]
    assert read.source == "sheet «Sheet» (the other sheets, «5Б», are not read)"


@pytest.mark.parametrize(
    ("encoding", "delimiter", "source"),
    [
        ("utf-8-sig", ";", "CSV in UTF-8, separated by semicolons"),
        ("utf-8", ",", "CSV in UTF-8, separated by commas"),
        ("cp1251", ";", "CSV in windows-1251, separated by semicolons"),
        ("cp1251", "\t", "CSV in windows-1251, separated by tabs"),
    ],
)
def test_csv_as_excel_and_other_programs_save_it(
    tmp_path: Path, encoding: str, delimiter: str, source: str
) -> None:
    path = tmp_path / "list.csv"
    lines = ["Список 5А, 2026 год", *(delimiter.join(row) for row in ROWS)]
    path.write_bytes("\r\n".join(lines).encode(encoding))

    read = read_sheet(path)

    assert read.source == source
    assert read.rows[1:] == [(2, ROWS[0]), (3, ROWS[1])]


def test_a_file_that_is_no_spreadsheet(tmp_path: Path) -> None:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(bytes(range(256)) * 4)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")

    for path in (binary, broken, tmp_path / "missing.csv"):
        with pytest.raises(UnreadableFile):
            read_sheet(path)
