"""Header detection: column names in Russian and English however they are written, the header
found below title rows, and two-row headers under merged cells."""

from __future__ import annotations

import pytest
from ediary_spreadsheet.headers import Field, field_of, find_header, mapping_notes
from ediary_spreadsheet.sheets import Cell


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("ФИО", Field.FULL_NAME),
        ("Ф.И.О.", Field.FULL_NAME),
        ("ФИО обучающегося", Field.FULL_NAME),
        ("Full name", Field.FULL_NAME),
        ("Ученик", Field.FULL_NAME),
        ("  ФАМИЛИЯ ", Field.LAST_NAME),
        ("First name", Field.FIRST_NAME),
        ("Отчество", Field.MIDDLE_NAME),
        ("Класс", Field.CLASS),
        ("Дата рожд.", Field.BIRTH_DATE),
        ("Date of birth", Field.BIRTH_DATE),
        ("СНИЛС", Field.SNILS),
        ("Родитель (законный представитель)", Field.PARENT_NAME),
        ("ФИО родителя", Field.PARENT_NAME),
        ("Телефон", Field.PARENT_PHONE),
        ("Parent phone", Field.PARENT_PHONE),
        ("E-mail родителя", Field.PARENT_EMAIL),
        ("Эл. почта", Field.PARENT_EMAIL),
        ("№ п/п", Field.NUMBER),
        ("№", Field.NUMBER),
        ("Примечание", None),
        ("Телефон ученика", None),
    ],
)
def test_column_names_as_lists_write_them(label: str, field: Field | None) -> None:
    assert field_of(label) is field


def test_the_header_below_a_title_block() -> None:
    rows: list[tuple[int, list[Cell]]] = [
        (1, ["Список учащихся 5А класса", None, None]),
        (2, ["МБОУ СОШ № 1", None, None]),
        (3, [None, None, None]),
        (4, ["Фамилия", "Имя", "Класс", "Student ID"]),
        (5, ["Петров", "Артём", "5А", "17"]),
    ]

    header = find_header(rows)

    assert header is not None and header.rows == (4,)
    assert header.fields == {Field.LAST_NAME: 0, Field.FIRST_NAME: 1, Field.CLASS: 2}
    assert mapping_notes(header)[-1] == (
        "column D «Student ID»: not read (not a column this import knows)"
    )


def test_a_merged_cell_over_sub_columns_makes_a_two_row_header() -> None:
    rows: list[tuple[int, list[Cell]]] = [
        (1, ["ФИО", "Класс", "Законный представитель", None, None, "Дата рождения"]),
        (2, [None, None, "ФИО", "Телефон", "E-mail", None]),
        (3, ["Петров Артём", "5А", "Петрова Анна", "89171234567", None, "03.02.2015"]),
    ]

    header = find_header(rows)

    assert header is not None and header.rows == (1, 2)
    assert header.fields == {
        Field.FULL_NAME: 0,
        Field.CLASS: 1,
        Field.PARENT_NAME: 2,
        Field.PARENT_PHONE: 3,
        Field.PARENT_EMAIL: 4,
        Field.BIRTH_DATE: 5,
    }


def test_a_data_row_is_not_a_second_header_row() -> None:
    rows: list[tuple[int, list[Cell]]] = [
        (1, ["ФИО", "Класс", "Родитель"]),
        (2, ["Петров Артём", "5А", "Мать"]),
    ]

    header = find_header(rows)

    assert header is not None and header.rows == (1,)


def test_no_header_in_the_first_rows() -> None:
    assert find_header([(1, ["Дата", "Тема"]), (2, ["01.09.2026", "Повторение"])]) is None
