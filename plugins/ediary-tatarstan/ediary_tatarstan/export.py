"""Reading the class lists Tatarstan's schools export: semicolon-separated CSV, in
windows-1251 (or UTF-8 with a byte order mark, or Excel's UTF-16 "Unicode text"), with
Russian headers such as

    Фамилия;Имя;Отчество;Дата рождения;Класс;СНИЛС;Родитель;Телефон родителя;E-mail родителя

What such files really contain is accepted: a title line above the header, trailing
semicolons, blank lines, a header repeated mid-file where exports were concatenated (it may
order the columns differently), dates as 01.09.2015 (or 2015-09-01), classes as 5А, 5а,
5 "А" or 5 «А», SNILS with or without dashes.

The reader never raises: a row it cannot take is a `Rejection` with its line number, code and
reason; a row it takes with a doubt carries `warnings`; a file it cannot read at all is a
single `Rejection`, and nothing else comes out of it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ediary_tatarstan.values import BadValue, class_name, snils

MAX_BYTES = 16 * 1024 * 1024
# How far down a title block the header may sit.
HEADER_SEARCH_ROWS = 10
DELIMITERS = (";", "\t", ",")

# Each column under every name schools' systems give it, compared as letters and digits only
# (case, spaces, dots, dashes and ё/е do not matter).
COLUMNS: Mapping[str, frozenset[str]] = {
    "last_name": frozenset({"фамилия", "фамилияученика", "фамилияобучающегося"}),
    "first_name": frozenset({"имя", "имяученика", "имяобучающегося"}),
    "middle_name": frozenset({"отчество", "отчествоученика", "отчествообучающегося"}),
    "birth_date": frozenset({"датарождения", "датарожденияученика"}),
    "class": frozenset({"класс", "классгруппа"}),
    "snils": frozenset({"снилс", "снилсученика", "снилсобучающегося"}),
    "parent": frozenset(
        {"родитель", "фиородителя", "законныйпредставитель", "родительзаконныйпредставитель"}
    ),
    "parent_phone": frozenset({"телефонродителя", "телефон", "контактныйтелефон"}),
    "parent_email": frozenset(
        {"emailродителя", "email", "электроннаяпочтародителя", "электроннаяпочта"}
    ),
}
REQUIRED = ("last_name", "first_name", "birth_date", "class")
HEADER_NAMES = {
    "last_name": "Фамилия",
    "first_name": "Имя",
    "birth_date": "Дата рождения",
    "class": "Класс",
}

_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RowWarning:
    code: str
    message: str


@dataclass(frozen=True)
class Parent:
    full_name: str | None
    # +7 and ten digits.
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class Row:
    """A student of the class list, as the school wrote them."""

    line: int
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: date
    grade: int
    letter: str
    snils: str | None
    parent: Parent | None
    warnings: tuple[RowWarning, ...] = ()

    @property
    def class_name(self) -> str:
        return f"{self.grade}{self.letter}"


@dataclass(frozen=True)
class Rejection:
    """A row (or, at line 0, the whole file) that was not read, and why."""

    line: int
    code: str
    message: str


def read_class_list_file(path: Path) -> Iterator[Row | Rejection]:
    """The rows of a class-list file; see `read_class_list`."""
    try:
        if path.stat().st_size > MAX_BYTES:
            yield Rejection(0, "FILE_TOO_LARGE", f"the file is over {MAX_BYTES} bytes")
            return
        data = path.read_bytes()
    except OSError as error:
        yield Rejection(0, "FILE_UNREADABLE", f"the file cannot be read: {error.strerror}")
        return
    yield from read_class_list(data)


def read_class_list(data: bytes) -> Iterator[Row | Rejection]:
    """Every student row of a class-list export, in file order, or its rejection."""
    if len(data) > MAX_BYTES:
        yield Rejection(0, "FILE_TOO_LARGE", f"the file is over {MAX_BYTES} bytes")
        return
    if data.startswith(_ZIP_MAGIC):
        yield Rejection(
            0,
            "NOT_CSV",
            "this is an Excel workbook, not CSV: save it as "
            "«CSV (разделители — точки с запятой)» and import that file",
        )
        return
    text = _decode(data)
    if text is None:
        yield Rejection(0, "ENCODING", "the file is neither windows-1251 nor UTF-8 text")
        return
    delimiter = _delimiter(text)
    if delimiter is None:
        expected = ";".join(HEADER_NAMES.values())
        yield Rejection(
            0,
            "NO_HEADER",
            f"no header row with the columns {expected} in the first {HEADER_SEARCH_ROWS} rows",
        )
        return
    yield from _Reader(_records(text, delimiter)).rows()


def _decode(data: bytes) -> str | None:
    # Excel's "Unicode text" is UTF-16 with a byte order mark (and tabs between cells).
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                return None
    # Cyrillic in windows-1251 is almost never valid UTF-8, so UTF-8 that decodes is UTF-8.
    for encoding in ("utf-8", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _key(cell: str) -> str:
    return "".join(ch for ch in cell.casefold().replace("ё", "е") if ch.isalnum())


def _columns(cells: list[str]) -> dict[str, int] | None:
    """Column positions when `cells` is a header row (it names at least the last and first
    name), else None."""
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        key = _key(cell)
        for column, names in COLUMNS.items():
            if key in names and column not in found:
                found[column] = position
    return found if "last_name" in found and "first_name" in found else None


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]] | Rejection]:
    """(first line, cells) of each record; a Rejection ends the file where CSV breaks."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as error:
        yield Rejection(start, "BAD_CSV", f"the file is not valid CSV from here on: {error}")


def _delimiter(text: str) -> str | None:
    for delimiter in DELIMITERS:
        records = _records(text, delimiter)
        for _, record in zip(range(HEADER_SEARCH_ROWS), records, strict=False):
            if isinstance(record, tuple) and _columns(record[1]) is not None:
                return delimiter
    return None


class _Reader:
    def __init__(self, records: Iterable[tuple[int, list[str]] | Rejection]) -> None:
        self.records = records
        self.columns: dict[str, int] | None = None
        # Cells past the header's last named column belong to no column.
        self.width = 0
        self.seen_snils: dict[str, int] = {}
        self.seen_people: dict[tuple[str, str, str, date], int] = {}

    def rows(self) -> Iterator[Row | Rejection]:
        for record in self.records:
            if isinstance(record, Rejection):
                yield record
                return
            line, cells = record
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            header = _columns(cells)
            if header is not None:
                missing = [HEADER_NAMES[c] for c in REQUIRED if c not in header]
                if missing:
                    yield Rejection(
                        line, "MISSING_COLUMNS", f"the header has no column {', '.join(missing)}"
                    )
                    return
                self.columns = header
                self.width = max(n for n, cell in enumerate(cells) if cell) + 1
                continue
            if self.columns is None:
                continue  # a title line above the header
            yield self.row(line, cells, self.columns)

    def row(self, line: int, cells: list[str], columns: dict[str, int]) -> Row | Rejection:
        def cell(column: str) -> str:
            position = columns.get(column)
            if position is None or position >= len(cells):
                return ""
            return " ".join(cells[position].split())

        warnings: list[RowWarning] = []
        if any(cells[self.width :]):
            warnings.append(RowWarning("EXTRA_CELLS", "cells to the right of the header's columns"))

        last_name, first_name = cell("last_name"), cell("first_name")
        if not last_name or not first_name:
            return Rejection(line, "NO_NAME", "the last name or the first name is empty")
        birth_date = _date(cell("birth_date"))
        if birth_date is None:
            written = cell("birth_date")
            return Rejection(
                line, "BAD_BIRTH_DATE", f"the birth date {written!r} is not a date like 01.09.2015"
            )
        try:
            grade, letter = class_name(cell("class"))
        except BadValue as problem:
            return Rejection(line, "BAD_CLASS", str(problem))

        student_snils: str | None = None
        if written_snils := cell("snils"):
            try:
                student_snils = snils(written_snils)
            except BadValue as problem:
                warnings.append(RowWarning("BAD_SNILS", f"{problem}; imported without it"))
        elif "snils" in columns:
            warnings.append(RowWarning("NO_SNILS", "no SNILS: the portal cannot link the child"))

        middle_name = cell("middle_name") or None
        person = (
            last_name.casefold(),
            first_name.casefold(),
            (middle_name or "").casefold(),
            birth_date,
        )
        if student_snils is not None and student_snils in self.seen_snils:
            earlier = self.seen_snils[student_snils]
            return Rejection(line, "DUPLICATE", f"the same SNILS as the student on line {earlier}")
        if person in self.seen_people:
            earlier = self.seen_people[person]
            return Rejection(
                line, "DUPLICATE", f"the same name and birth date as the student on line {earlier}"
            )
        if student_snils is not None:
            self.seen_snils[student_snils] = line
        self.seen_people[person] = line

        return Row(
            line=line,
            last_name=last_name,
            first_name=first_name,
            middle_name=middle_name,
            birth_date=birth_date,
            grade=grade,
            letter=letter,
            snils=student_snils,
            parent=_parent(cell("parent"), cell("parent_phone"), cell("parent_email"), warnings),
            warnings=tuple(warnings),
        )


def _date(text: str) -> date | None:
    try:
        if found := _DOTTED_DATE.match(text):
            day, month, year = (int(part) for part in found.groups())
            written = date(year, month, day)
        else:
            written = date.fromisoformat(text)
    except ValueError:
        return None
    return written if written.year >= 1900 else None


def _phone(text: str) -> str | None:
    """+7 and ten digits from a Russian number written any usual way (8 917…, +7 (917)…)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    return f"+7{digits}" if len(digits) == 10 else None


def _parent(
    name: str, phone_text: str, email_text: str, warnings: list[RowWarning]
) -> Parent | None:
    phone = None
    if phone_text:
        # Several numbers in one cell: the first is the one to call.
        phone = _phone(re.split(r"[,;/]", phone_text)[0])
        if phone is None:
            warnings.append(RowWarning("BAD_PHONE", f"the phone {phone_text!r} is not a number"))
    email = None
    if email_text:
        if _EMAIL.match(email_text):
            email = email_text.lower()
        else:
            warnings.append(RowWarning("BAD_EMAIL", f"the e-mail {email_text!r} is not an address"))
    if not (name or phone or email):
        return None
    return Parent(full_name=name or None, phone=phone, email=email)
