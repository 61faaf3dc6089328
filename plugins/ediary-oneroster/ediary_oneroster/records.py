"""What reading a OneRoster set yields: rows, rejected rows and refusals of the whole set."""

from __future__ import annotations

from dataclasses import dataclass


class SetError(Exception):
    """A problem with the whole set: nothing is imported."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Problem:
    """A row that was rejected, and why."""

    code: str
    file: str
    row: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}.csv row {self.row}" if self.row else f"{self.file}.csv"
        return f"{where}: [{self.code}] {self.message}"


@dataclass
class Row:
    """One data row: its line in the file (the header is row 1) and its cells by column.

    `error` is set when reading already rejected the row (a date no order resolves);
    `supplied` marks a row the reader made up (the district of a set without one)."""

    file: str
    number: int
    cells: dict[str, str]
    error: RowError | None = None
    supplied: bool = False

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    @property
    def sourced_id(self) -> str:
        return self.get("sourcedId")

    @property
    def status(self) -> str:
        return self.get("status").lower()

    @property
    def retired(self) -> bool:
        return self.status == "tobedeleted"

    def problem(self, code: str, message: str) -> Problem:
        return Problem(code, self.file, self.number, message)


class RowError(Exception):
    """Raised while mapping a row: the row is rejected with this code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
