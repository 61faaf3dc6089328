"""Class names and full names as class lists write them (ediary.domain.class_lists); the writes
are tested with the import API in tests/plugins/test_class_list_api.py."""

from __future__ import annotations

import pytest

from ediary.domain.class_lists import (
    InvalidClassName,
    InvalidFullName,
    PersonName,
    parse_class_name,
    split_full_name,
)


@pytest.mark.parametrize(
    ("written", "grade", "letter"),
    [
        ("5А", 5, "А"),
        ("5а", 5, "А"),
        ('5 "А"', 5, "А"),
        ("5 «А»", 5, "А"),
        ("10-Б", 10, "Б"),
        ("3 / в", 3, "В"),
        ("4 'Г'", 4, "Г"),
        ("5A", 5, "А"),  # a Latin A, typed on an English layout
        ("7 ё", 7, "Е"),
        (" 9  ", 9, ""),
        ("11Б", 11, "Б"),
    ],
)
def test_class_names_as_schools_write_them(written: str, grade: int, letter: str) -> None:
    assert parse_class_name(written) == (grade, letter)


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("12А", "between 1 and 11"),
        ("0А", "between 1 and 11"),
        ("5Q", "Russian"),
        ("5АБ", "such as 5А"),
        ("пятый", "such as 5А"),
        ("", "such as 5А"),
    ],
)
def test_class_names_that_are_not_classes(written: str, reason: str) -> None:
    with pytest.raises(InvalidClassName, match=reason) as refused:
        parse_class_name(written)
    assert refused.value.code == "INVALID_CLASS_NAME"


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Иванов Иван Иванович", PersonName("Иванов", "Иван", "Иванович")),
        ("  Петрова   Анна ", PersonName("Петрова", "Анна")),
        ("Иванов, Иван Иванович", PersonName("Иванов", "Иван", "Иванович")),
        ("Алиев Руслан Тимур оглы", PersonName("Алиев", "Руслан", "Тимур оглы")),
        ("Римский-Корсакова Анна", PersonName("Римский-Корсакова", "Анна")),
    ],
)
def test_a_full_name_in_one_cell(written: str, name: PersonName) -> None:
    assert split_full_name(written) == name


@pytest.mark.parametrize(
    ("written", "reason"),
    [("Иванов", "not a last and a first"), ("", "not a last"), ("Иванова А.П.", "initials")],
)
def test_a_full_name_that_does_not_name_the_person(written: str, reason: str) -> None:
    with pytest.raises(InvalidFullName, match=reason):
        split_full_name(written)


def test_a_name_reads_as_written() -> None:
    assert str(PersonName("Петрова", "Анна")) == "Петрова Анна"
    assert str(PersonName("Иванов", "Иван", "Иванович")) == "Иванов Иван Иванович"
