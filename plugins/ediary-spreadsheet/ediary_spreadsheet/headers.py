"""Finding the header of a class list and what each of its columns holds.

The header is the first row, among the first rows of the sheet, that names at least two
columns this import knows; title rows above it are skipped. Names are compared as words, so
case, spaces, punctuation and ё/е do not matter, in Russian or English ("ФИО", "Ф.И.О.",
"Full name"). A merged cell above sub-columns makes a two-row header: "Родитель" over
"ФИО", "Телефон" and "E-mail" reads as the parent's name, phone and e-mail. In the file a
merged cell's text is in its first column only, so the upper row's text spreads right over
the empty cells above the sub-columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ediary_spreadsheet.sheets import Cell

# How far down the title block the header may sit.
HEADER_SEARCH_ROWS = 15


class Field(StrEnum):
    """What a column holds; the value is how the mapping report names it."""

    FULL_NAME = "student's full name"
    LAST_NAME = "student's last name"
    FIRST_NAME = "student's first name"
    MIDDLE_NAME = "student's middle name"
    CLASS = "class"
    BIRTH_DATE = "birth date"
    SNILS = "SNILS"
    PARENT_NAME = "parent's full name"
    PARENT_PHONE = "parent's phone"
    PARENT_EMAIL = "parent's e-mail"
    # A running number ("№", "№ п/п"): known, and not read.
    NUMBER = "row number"


# Words that say whose a column is: they are taken off before the rest is looked up.
_PARENT_WORDS = frozenset(
    "родитель родителя родителей законный законного представитель представителя "
    "представителей мать матери отец отца parent parents guardian guardians mother father".split()
)
_STUDENT_WORDS = frozenset(
    "ученик ученика учащийся учащегося обучающийся обучающегося ребенок ребенка "
    "student pupil child".split()
)
# The rest of the words, written together, under every name lists give it.
_BASES: dict[str, frozenset[str]] = {
    "name": frozenset(
        "фио фамилияимяотчество фамилияимя полноеимя fullname name studentname".split()
    ),
    "last": frozenset("фамилия lastname surname familyname".split()),
    "first": frozenset("имя firstname givenname".split()),
    "middle": frozenset("отчество middlename patronymic".split()),
    "class": frozenset("класс классы классгруппа class classname form grade".split()),
    "birth": frozenset(
        "датарождения датарожд деньрождения др birthdate dateofbirth dob birthday".split()
    ),
    "snils": frozenset("снилс номерснилс snils".split()),
    "phone": frozenset(
        "телефон тел контактныйтелефон мобильныйтелефон сотовыйтелефон номертелефона "
        "phone phonenumber mobile telephone tel contactphone".split()
    ),
    "email": frozenset(
        "email электроннаяпочта элпочта почта адресэлектроннойпочты mail emailaddress".split()
    ),
    "number": frozenset(["", "пп", "номер", "n", "no", "nn"]),
}
_STUDENT_FIELDS = {
    "name": Field.FULL_NAME,
    "last": Field.LAST_NAME,
    "first": Field.FIRST_NAME,
    "middle": Field.MIDDLE_NAME,
    "class": Field.CLASS,
    "birth": Field.BIRTH_DATE,
    "snils": Field.SNILS,
    # A class list's phone and e-mail are the family's: the parent's login.
    "phone": Field.PARENT_PHONE,
    "email": Field.PARENT_EMAIL,
    "number": Field.NUMBER,
}
_PARENT_FIELDS = {
    "": Field.PARENT_NAME,
    "name": Field.PARENT_NAME,
    "phone": Field.PARENT_PHONE,
    "email": Field.PARENT_EMAIL,
}
_WORD = re.compile(r"[^\W_]+")


def text_of(cell: Cell) -> str:
    """A cell as text, spaces squeezed."""
    return "" if cell is None else " ".join(str(cell).split())


def field_of(label: str) -> Field | None:
    """What a header cell (or a merged cell and its sub-column, joined) names, if known."""
    words = _WORD.findall(label.casefold().replace("ё", "е"))
    parent = any(word in _PARENT_WORDS for word in words)
    student = any(word in _STUDENT_WORDS for word in words)
    rest = "".join(w for w in words if w not in _PARENT_WORDS and w not in _STUDENT_WORDS)
    base = next((name for name, spellings in _BASES.items() if rest in spellings), None)
    if not words and label.strip():
        base = "number"  # "№" has no letters at all
    if parent and not student:
        key = "" if rest == "" else base
        return _PARENT_FIELDS.get(key) if key is not None else None
    if student and rest == "":
        return Field.FULL_NAME
    if student and base in ("phone", "email"):
        return None  # the student's own contacts are not imported
    return _STUDENT_FIELDS.get(base) if base is not None else None


@dataclass(frozen=True)
class Column:
    position: int
    label: str
    field: Field | None

    @property
    def letter(self) -> str:
        from openpyxl.utils import get_column_letter  # see sheets._workbook

        return get_column_letter(self.position + 1)


@dataclass
class Header:
    """The header rows and what each of their columns holds; the first column of a field wins."""

    rows: tuple[int, ...]
    columns: list[Column]
    fields: dict[Field, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for column in self.columns:
            if column.field is not None:
                self.fields.setdefault(column.field, column.position)
        # Separate name columns are read rather than a full name beside them.
        if Field.LAST_NAME in self.fields and Field.FIRST_NAME in self.fields:
            self.fields.pop(Field.FULL_NAME, None)

    @property
    def width(self) -> int:
        return max((column.position for column in self.columns), default=-1) + 1

    @property
    def names_the_student(self) -> bool:
        return Field.FULL_NAME in self.fields or (
            Field.LAST_NAME in self.fields and Field.FIRST_NAME in self.fields
        )

    def read(self, column: Column) -> bool:
        return column.field is not None and self.fields.get(column.field) == column.position


def _labels(cells: Sequence[Cell]) -> list[str]:
    return [text_of(cell) for cell in cells]


def _known(labels: list[str]) -> set[Field]:
    return {found for label in labels if label and (found := field_of(label)) is not None}


def _joined(upper: list[str], lower: list[str]) -> list[str] | None:
    """The labels of a two-row header, or None when `lower` is not its second row: it names
    a known column, and each of its cells sits under an empty cell or the first cell of a
    merged one (a data row has a value under every label)."""
    if not any(label and field_of(label) is not None for label in lower):
        return None
    width = max(len(upper), len(lower)) + 1
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    if any(below and upper[p] and upper[p + 1] for p, below in enumerate(lower[:-1])):
        return None
    joined, group = [], ""
    for above, below in zip(upper[:-1], lower[:-1], strict=True):
        if above:
            group = above
        elif not below:
            group = ""
        if below:
            joined.append(f"{group} / {below}" if group else below)
        else:
            joined.append(above)
    return joined


def find_header(rows: Sequence[tuple[int, Sequence[Cell]]]) -> Header | None:
    """The header among the first rows: one row, or two when a merged cell has sub-columns."""
    for index, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        labels = _labels(cells)
        if len(_known(labels) - {Field.NUMBER}) < 2:
            continue
        numbers: tuple[int, ...] = (number,)
        if index + 1 < len(rows):
            below_number, below = rows[index + 1]
            joined = _joined(labels, _labels(below))
            if joined is not None:
                labels, numbers = joined, (number, below_number)
        columns = [
            Column(position, label, field_of(label.replace(" / ", " ")))
            for position, label in enumerate(labels)
            if label
        ]
        return Header(numbers, columns)
    return None


def mapping_notes(header: Header) -> list[str]:
    """The mapping report: which column became which field, and which were not read."""
    rows = "–".join(str(number) for number in header.rows)
    notes = [f"header in row{'s' if len(header.rows) > 1 else ''} {rows}"]
    for column in header.columns:
        where = f"column {column.letter} «{column.label}»"
        if header.read(column) and column.field is not Field.NUMBER:
            notes.append(f"{where} → {column.field}")
        elif column.field is Field.NUMBER:
            notes.append(f"{where}: not read (row numbers)")
        elif column.field is not None:
            notes.append(f"{where}: not read (another column gives the {column.field})")
        else:
            notes.append(f"{where}: not read (not a column this import knows)")
    return notes


def unknown_columns(header: Header) -> list[Column]:
    """The columns of the header that name nothing this import knows."""
    return [column for column in header.columns if column.field is None]
