"""The cells of a class list, row by row, whatever the school saved it as: an Excel workbook
(its first sheet, read as a stream) or CSV in UTF-8 (with or without a byte order mark) or
windows-1251, separated by semicolons, commas or tabs.

Row numbers are the ones the school sees in Excel: the first row is 1, title rows and empty
rows count.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ediary.domain.errors import DomainError

# A cell as the file has it: text, a number, an Excel date, or nothing.
Cell = str | int | float | date | datetime | None

MAX_BYTES = 16 * 1024 * 1024
# A class list has a few hundred rows; this many is not a class list.
MAX_ROWS = 20_000
DELIMITERS = (";", ",", "\t")
# How many records the delimiter is guessed from.
SNIFF_RECORDS = 30
_ZIP_MAGIC = b"PK\x03\x04"


class UnreadableFile(DomainError):
    """A file that is not a spreadsheet this import reads; nothing of it is imported."""

    code = "UNREADABLE_FILE"
    default_message = "The file is neither an Excel workbook (.xlsx) nor CSV text."


@dataclass(frozen=True)
class Sheet:
    """The rows of the sheet read, with what the reader has to say of the file."""

    rows: list[tuple[int, list[Cell]]]
    source: str


def read_sheet(path: Path) -> Sheet:
    """Every row of the file, numbered as Excel numbers them; `UnreadableFile` otherwise."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UnreadableFile(f"The file is over {MAX_BYTES // (1024 * 1024)} MB.")
        with path.open("rb") as opened:
            start = opened.read(4)
    except OSError as error:
        raise UnreadableFile(f"The file cannot be read: {error.strerror}.") from None
    if start == _ZIP_MAGIC:
        return _workbook(path)
    return _csv(path.read_bytes())


def _limited(rows: Iterator[tuple[int, list[Cell]]]) -> list[tuple[int, list[Cell]]]:
    found = []
    for number, cells in rows:
        if number > MAX_ROWS:
            raise UnreadableFile(f"The sheet has more than {MAX_ROWS} rows: not a class list.")
        found.append((number, cells))
    return found


def _cell(value: object) -> Cell:
    """A workbook's value as a cell: a time, a decimal or rich text is read as its text."""
    if value is None or isinstance(value, str | date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


def _workbook(path: Path) -> Sheet:
    # Imported here: openpyxl takes a tenth of a second to import, which every `ediary`
    # command that loads the plugins would pay (an import of another format included).
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # A file object, not a name: openpyxl refuses a name that does not end in .xlsx.
    with path.open("rb") as opened:
        try:
            book = load_workbook(opened, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
            raise UnreadableFile(f"The workbook cannot be opened: {error}.") from None
        try:
            sheet = book.worksheets[0]
            others = [f"«{other.title}»" for other in book.worksheets[1:]]
            rows = _limited(
                (number, [_cell(value) for value in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            )
        finally:
            book.close()
    source = f"sheet «{sheet.title}»"
    if others:
        source += f" (the other sheets, {', '.join(others)}, are not read)"
    return Sheet(rows, source)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            raise UnreadableFile("The file says it is UTF-8 but is not.") from None
    # Cyrillic in windows-1251 is almost never valid UTF-8, so UTF-8 that decodes is UTF-8.
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="replace")
    if "\ufffd" in text or "\x00" in text:
        raise UnreadableFile("The file is neither UTF-8 nor windows-1251 text.")
    return text, "windows-1251"


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[Cell]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # A record is a row in Excel even when a quoted cell spans lines.
    for number, cells in enumerate(reader, start=1):
        row: list[Cell] = list(cells)
        yield number, row


def _spread(text: str, delimiter: str) -> int:
    """How many cells the first records split into, counting only records of more than one."""
    total = 0
    try:
        for _, (_, cells) in zip(range(SNIFF_RECORDS), _records(text, delimiter), strict=False):
            if len(cells) > 1:
                total += len(cells)
    except csv.Error:
        return 0
    return total


def _csv(data: bytes) -> Sheet:
    text, encoding = _decode(data)
    delimiter = max(DELIMITERS, key=lambda candidate: _spread(text, candidate))
    try:
        rows = _limited(_records(text, delimiter))
    except csv.Error as error:
        raise UnreadableFile(f"The file is not valid CSV: {error}.") from None
    named = {";": "semicolons", ",": "commas", "\t": "tabs"}[delimiter]
    return Sheet(rows, f"CSV in {encoding}, separated by {named}")
