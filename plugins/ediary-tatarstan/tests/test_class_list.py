"""Reading class-list exports written the way schools' systems write them."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest
from ediary_tatarstan import export
from ediary_tatarstan.export import Parent, Rejection, Row, read_class_list, read_class_list_file

DATA = Path(__file__).resolve().parent / "data"
HEADER = "Фамилия;Имя;Отчество;Дата рождения;Класс;СНИЛС;Родитель;Телефон родителя;E-mail родителя"


def cp1251(*lines: str) -> bytes:
    return "\r\n".join(lines).encode("cp1251")


def rows(data: bytes) -> list[Row]:
    found = list(read_class_list(data))
    assert all(isinstance(item, Row) for item in found), found
    return [item for item in found if isinstance(item, Row)]


def rejections(data: bytes) -> list[tuple[int, str]]:
    return [(r.line, r.code) for r in read_class_list(data) if isinstance(r, Rejection)]


def test_a_concatenated_windows_1251_export_of_two_classes() -> None:
    found = list(read_class_list_file(DATA / "school-1650123.csv"))

    assert [(item.line, type(item).__name__) for item in found] == [
        (4, "Row"),
        (5, "Row"),
        (6, "Row"),
        (10, "Rejection"),
        (11, "Row"),
        (12, "Row"),
    ]
    timur, elvira, artyom, feb30, aidar, ilnur = found
    assert timur == Row(
        line=4,
        last_name="Галиев",
        first_name="Тимур",
        middle_name="Ильдарович",
        birth_date=date(2015, 3, 1),
        grade=5,
        letter="А",
        snils="08765432102",
        parent=Parent("Галиева Алия Рустамовна", "+79171234567", "aliya.galieva@mail.ru"),
    )
    assert isinstance(elvira, Row)
    assert (elvira.class_name, elvira.snils, elvira.parent) == (
        "5А",
        "11223344595",
        Parent("Хабибуллин Марат Ильясович", "+78432310011", None),
    )
    assert isinstance(artyom, Row)
    assert (artyom.first_name, artyom.middle_name, artyom.birth_date, artyom.class_name) == (
        "Артём",
        None,
        date(2015, 6, 7),
        "5А",
    )
    assert (artyom.snils, artyom.parent) == (None, None)
    assert [w.code for w in artyom.warnings] == ["NO_SNILS"]
    assert isinstance(feb30, Rejection)
    assert feb30.code == "BAD_BIRTH_DATE"
    assert "30.02.2015" in feb30.message
    assert isinstance(aidar, Row)
    assert (aidar.class_name, aidar.snils) == ("5Б", "12345678964")
    assert aidar.parent == Parent("Зарипова Гульнара", "+79172223344", None)
    assert [w.code for w in aidar.warnings] == ["BAD_EMAIL"]
    assert isinstance(ilnur, Row)
    assert ilnur.snils is None
    assert [w.code for w in ilnur.warnings] == ["BAD_SNILS"]
    assert "check sum" in ilnur.warnings[0].message


def test_utf8_with_a_byte_order_mark() -> None:
    data = "\ufeff" + HEADER + "\nГалиев;Тимур;;2015-03-01;11В;087 654 321 02;;;\n"

    (timur,) = rows(data.encode("utf-8"))

    assert (timur.birth_date, timur.grade, timur.letter, timur.snils) == (
        date(2015, 3, 1),
        11,
        "В",
        "08765432102",
    )


def test_a_repeated_header_may_order_the_columns_differently() -> None:
    data = cp1251(
        "Фамилия;Имя;Дата рождения;Класс",
        "Галиев;Тимур;01.03.2015;5А;",
        "Класс;Дата рождения;Имя;Фамилия;СНИЛС",
        "5Б;22.08.2014;Айдар;Зарипов;123-456-789 64",
    )

    first, second = rows(data)

    assert (first.last_name, first.class_name, first.snils, first.warnings) == (
        "Галиев",
        "5А",
        None,
        (),
    )
    assert (second.last_name, second.first_name, second.class_name, second.snils) == (
        "Зарипов",
        "Айдар",
        "5Б",
        "12345678964",
    )


@pytest.mark.parametrize(
    ("written", "grade", "letter"),
    [
        ("5А", 5, "А"),
        ("5а", 5, "А"),
        ('5 "А"', 5, "А"),
        ('"5 ""А"""', 5, "А"),
        ("5 «А»", 5, "А"),
        ("10-Б", 10, "Б"),
        ("5A", 5, "А"),  # a Latin A, typed on an English layout
        ("1", 1, ""),
    ],
)
def test_class_names_as_schools_write_them(written: str, grade: int, letter: str) -> None:
    (row,) = rows(cp1251(HEADER, f"Галиев;Тимур;;01.03.2015;{written};;;;"))

    assert (row.grade, row.letter) == (grade, letter)


@pytest.mark.parametrize("written", ["12А", "0А", "5АБ", "5D", "пятый", ""])
def test_a_class_that_is_not_one_is_rejected(written: str) -> None:
    found = list(read_class_list(cp1251(HEADER, f"Галиев;Тимур;;01.03.2015;{written};;;;")))

    assert len(found) == 1
    assert isinstance(found[0], Rejection)
    assert (found[0].line, found[0].code) == (2, "BAD_CLASS")


def test_rows_with_problems_are_rejected_with_their_line_and_the_rest_read() -> None:
    data = cp1251(
        HEADER,
        ";Тимур;;01.03.2015;5А;;;;",
        "Галиев;Тимур;;1 марта 2015;5А;;;;",
        "Галиев;Тимур;;01.03.1815;5А;;;;",
        "Галиев;Тимур;;01.03.2015;5А;087-654-321 02;;;",
        "Галиев;Тимур;;01.03.2015;5Б;08765432102;;;",
        "ГАЛИЕВ;ТИМУР;;01.03.2015;5А;;;;",
        "Зарипов;Айдар;;22.08.2014;5Б;;;;",
    )

    found = list(read_class_list(data))

    assert [(item.line, getattr(item, "code", "row")) for item in found] == [
        (2, "NO_NAME"),
        (3, "BAD_BIRTH_DATE"),
        (4, "BAD_BIRTH_DATE"),
        (5, "row"),
        (6, "DUPLICATE"),
        (7, "DUPLICATE"),
        (8, "row"),
    ]
    assert isinstance(found[4], Rejection)
    assert found[4].message == "the same SNILS as the student on line 5"
    assert isinstance(found[5], Rejection)
    assert "line 5" in found[5].message


def test_line_numbers_count_lines_of_the_file_across_quoted_line_breaks() -> None:
    data = cp1251(
        HEADER,
        'Галиев;Тимур;;01.03.2015;5А;;"Галиева\r\nАлия";;',
        "",
        "Зарипов;Айдар;;22.08.2014;5Б;;;;",
    )

    timur, aidar = rows(data)

    assert (timur.line, aidar.line) == (2, 5)
    assert timur.parent == Parent("Галиева Алия", None, None)


def test_cells_beyond_the_header_are_a_warning() -> None:
    (row,) = rows(cp1251(HEADER, "Галиев;Тимур;;01.03.2015;5А;08765432102;;;;лишнее;"))

    assert [w.code for w in row.warnings] == ["EXTRA_CELLS"]


def test_columns_the_reader_does_not_know_are_left_alone() -> None:
    data = cp1251(
        "№ п/п;" + HEADER + ";Примечание", "1;Галиев;Тимур;;01.03.2015;5А;08765432102;;;;ИУП"
    )

    (row,) = rows(data)

    assert (row.last_name, row.class_name, row.snils, row.warnings) == (
        "Галиев",
        "5А",
        "08765432102",
        (),
    )


def test_a_phone_that_is_not_a_number_is_dropped_with_a_warning() -> None:
    (row,) = rows(cp1251(HEADER, "Галиев;Тимур;;01.03.2015;5А;08765432102;Галиева А. Р.;12-34;"))

    assert row.parent == Parent("Галиева А. Р.", None, None)
    assert [w.code for w in row.warnings] == ["BAD_PHONE"]


def test_excel_unicode_text_is_read() -> None:
    data = "Фамилия\tИмя\tДата рождения\tКласс\r\nГалиев\tТимур\t01.03.2015\t5А\r\n"

    (row,) = rows(codecs.BOM_UTF16_LE + data.encode("utf-16-le"))

    assert (row.last_name, row.birth_date, row.class_name) == ("Галиев", date(2015, 3, 1), "5А")


def test_a_tab_separated_export_is_read_too() -> None:
    data = "Фамилия\tИмя\tДата рождения\tКласс\nГалиев\tТимур\t01.03.2015\t5А\n"

    (row,) = rows(data.encode("cp1251"))

    assert (row.last_name, row.class_name) == ("Галиев", "5А")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (cp1251("Фамилия;Имя;Класс", "Галиев;Тимур;5А"), "MISSING_COLUMNS"),
        (cp1251("Ученик;Класс", "Галиев Тимур;5А"), "NO_HEADER"),
        (b"", "NO_HEADER"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "NOT_CSV"),
        (b"\xd4\xe0\xec\xe8\xeb\xe8\xff\x98", "ENCODING"),
        (b"\xef\xbb\xbf\xd4\xe0\xec", "ENCODING"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_rejection(data: bytes, code: str) -> None:
    found = list(read_class_list(data))

    assert len(found) == 1
    assert isinstance(found[0], Rejection)
    assert found[0].code == code
    assert found[0].message


def test_broken_csv_ends_the_file_with_a_rejection_and_keeps_what_came_before() -> None:
    huge = '"' + "а" * 200_000 + '"'
    data = cp1251(HEADER, "Галиев;Тимур;;01.03.2015;5А;;;;", f"Зарипов;{huge};;;;;;;")

    found = list(read_class_list(data))

    assert isinstance(found[0], Row)
    assert isinstance(found[1], Rejection)
    assert (found[1].line, found[1].code) == (3, "BAD_CSV")
    assert len(found) == 2


def test_files_that_are_missing_or_too_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (missing,) = read_class_list_file(tmp_path / "none.csv")
    assert isinstance(missing, Rejection)
    assert (missing.line, missing.code) == (0, "FILE_UNREADABLE")

    path = tmp_path / "class.csv"
    path.write_bytes(cp1251(HEADER, "Галиев;Тимур;;01.03.2015;5А;;;;"))
    monkeypatch.setattr(export, "MAX_BYTES", path.stat().st_size - 1)
    (large,) = read_class_list_file(path)
    assert isinstance(large, Rejection)
    assert large.code == "FILE_TOO_LARGE"
