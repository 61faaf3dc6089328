"""The students of a class list below its header, each read into what the import writes, or
rejected with a reason; empty rows, repeated headers and a totals row are passed over."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

from ediary.domain.class_lists import (
    InvalidClassName,
    InvalidFullName,
    ListedParent,
    ListedStudent,
    PersonName,
    parse_class_name,
    split_full_name,
)
from ediary_spreadsheet.headers import Field, Header, field_of, text_of
from ediary_spreadsheet.sheets import Cell
from ediary_spreadsheet.values import BadValue, as_date, as_email, as_phone, as_snils

# "Итого: 25", "Всего учащихся 25", "Total 25" in any cell ends nothing, but is not a student.
_TOTALS = re.compile(r"^\s*(итого|всего|total)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """Something about a row; `code` is stable, `message` says it for the school."""

    code: str
    message: str


@dataclass(frozen=True)
class StudentRow:
    """A student row read: who, which class, their parent, and what to look at."""

    row: int
    student: ListedStudent
    grade: int
    letter: str
    parent: ListedParent | None
    warnings: tuple[Problem, ...] = ()

    @property
    def class_name(self) -> str:
        return f"{self.grade}{self.letter}"


@dataclass(frozen=True)
class Rejected:
    row: int
    problem: Problem


@dataclass(frozen=True)
class Skipped:
    """A row that is no student and no mistake: a totals row, a repeated header."""

    row: int
    why: str


class _Row:
    def __init__(self, header: Header, cells: Sequence[Cell]) -> None:
        self.header, self.cells = header, cells

    def cell(self, name: Field) -> Cell:
        position = self.header.fields.get(name)
        if position is None or position >= len(self.cells):
            return None
        return self.cells[position]

    def text(self, name: Field) -> str:
        return text_of(self.cell(name))


def _name(row: _Row) -> PersonName | None:
    if Field.FULL_NAME in row.header.fields:
        written = row.text(Field.FULL_NAME)
        return split_full_name(written) if written else None
    last, first = row.text(Field.LAST_NAME), row.text(Field.FIRST_NAME)
    if not last or not first:
        return None
    return PersonName(last, first, row.text(Field.MIDDLE_NAME))


def _parent(row: _Row, warnings: list[Problem]) -> ListedParent | None:
    phone = email = None
    try:
        phone = as_phone(row.cell(Field.PARENT_PHONE))
    except BadValue as problem:
        warnings.append(Problem("BAD_PHONE", f"{problem}: imported without it"))
    try:
        email = as_email(row.cell(Field.PARENT_EMAIL))
    except BadValue as problem:
        warnings.append(Problem("BAD_EMAIL", f"{problem}: imported without it"))
    written = row.text(Field.PARENT_NAME)
    if not written:
        if phone or email:
            warnings.append(Problem("PARENT_SKIPPED", "a parent's contact without their name"))
        return None
    try:
        name = split_full_name(written)
    except InvalidFullName as problem:
        warnings.append(Problem("PARENT_SKIPPED", f"the parent: {problem.message}"))
        return None
    return ListedParent(name, phone, email)


def read_row(header: Header, cells: Sequence[Cell]) -> StudentRow | Rejected | Skipped | None:
    """A row below the header as a student, a rejection, a row passed over, or None when it
    is empty (row number 0: the caller sets it)."""
    row = _Row(header, cells)
    texts = [text_of(cell) for cell in cells]
    if not any(row.text(name) for name in header.fields if name is not Field.NUMBER):
        return None
    if any(_TOTALS.match(text) for text in texts if text):
        return Skipped(0, "a totals row")
    if sum(1 for text in texts if text and field_of(text) is not None) >= 2:
        return Skipped(0, "the header again")
    warnings: list[Problem] = []
    try:
        name = _name(row)
    except InvalidFullName as problem:
        return Rejected(0, Problem("BAD_NAME", problem.message))
    if name is None:
        return Rejected(0, Problem("NO_NAME", "the student's name is empty"))
    written_class = row.text(Field.CLASS)
    if not written_class:
        return Rejected(0, Problem("NO_CLASS", f"no class for {name}"))
    try:
        grade, letter = parse_class_name(written_class)
    except InvalidClassName as problem:
        return Rejected(0, Problem("BAD_CLASS", problem.message))
    try:
        snils = as_snils(row.cell(Field.SNILS))
    except BadValue as problem:
        return Rejected(0, Problem("BAD_SNILS", str(problem)))
    try:
        born = as_date(row.cell(Field.BIRTH_DATE))
    except BadValue as problem:
        return Rejected(0, Problem("BAD_BIRTH_DATE", str(problem)))
    if born is None and snils is None:
        return Rejected(
            0, Problem("NO_BIRTH_DATE", "neither a birth date nor a SNILS to know the student by")
        )
    if any(texts[header.width :]):
        warnings.append(Problem("EXTRA_CELLS", "cells right of the header's columns: not read"))
    parent = _parent(row, warnings)
    return StudentRow(0, ListedStudent(name, born, snils), grade, letter, parent, tuple(warnings))


def _same(student: ListedStudent) -> tuple[str, date | None]:
    return (str(student.name).casefold(), student.birth_date)


def read_rows(
    header: Header, rows: Sequence[tuple[int, Sequence[Cell]]]
) -> Iterator[StudentRow | Rejected | Skipped]:
    """Every row below the header, numbered as in the file; a student a row repeats (the same
    SNILS, or the same name and birth date) is rejected there."""
    seen_snils: dict[str, int] = {}
    seen_people: dict[tuple[str, date | None], int] = {}
    for number, cells in rows:
        if number <= header.rows[-1]:
            continue
        read = read_row(header, cells)
        if read is None:
            continue
        read = replace(read, row=number)
        if isinstance(read, StudentRow):
            student = read.student
            earlier = seen_snils.get(student.snils or "") or seen_people.get(_same(student))
            if earlier is not None:
                yield Rejected(
                    number, Problem("DUPLICATE", f"the same student as in row {earlier}")
                )
                continue
            if student.snils is not None:
                seen_snils[student.snils] = number
            seen_people[_same(student)] = number
        yield read
