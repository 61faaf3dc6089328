"""Reading a OneRoster 1.1 or 1.2 CSV set (a folder or a zip with manifest.csv), row by row.

Everything is streamed with the standard `csv` module: one row in memory at a time. What the
standard allows is accepted (optional columns missing or extra, empty `status` and
`dateLastModified`, `tobedeleted`, dates with or without a time, quoted lists). By default
what real vendors' exports do besides is mapped onto the standard with a warning
(`ediary_oneroster.normalise`); with `ReadOptions(strict=True)` it is not. Anything else is a
`Problem` with a stable code, for a file and row, or a `SetError` that stops the import.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ediary_oneroster.columns import DATE_COLUMNS, OPTIONAL
from ediary_oneroster.dates import DateOrder, evidence
from ediary_oneroster.normalise import Normaliser, Notes, ReadOptions
from ediary_oneroster.records import Problem, Row, RowError, SetError
from ediary_oneroster.source import Limits, Source

__all__ = [
    "FILES",
    "Limits",
    "OneRosterSet",
    "Problem",
    "ReadOptions",
    "Row",
    "RowError",
    "SetError",
    "open_set",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_list",
]

# Files in the order they are imported; roles.csv exists from 1.2 on.
FILES = (
    "orgs",
    "academicSessions",
    "courses",
    "users",
    "roles",
    "classes",
    "enrollments",
    "demographics",
    "categories",
    "lineItems",
    "results",
)

# Columns without which a file cannot be read at all (status and dateLastModified are
# required by the standard but empty in bulk sets, so a set that leaves them out is accepted).
REQUIRED: dict[str, tuple[str, ...]] = {
    "orgs": ("sourcedId", "name", "type"),
    "academicSessions": ("sourcedId", "title", "type", "startDate", "endDate"),
    "courses": ("sourcedId", "title", "orgSourcedId"),
    "classes": ("sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId"),
    "users": ("sourcedId", "username", "givenName", "familyName"),
    "roles": ("sourcedId", "userSourcedId", "role", "orgSourcedId"),
    "enrollments": ("sourcedId", "classSourcedId", "userSourcedId", "role"),
    "demographics": ("sourcedId",),
    "categories": ("sourcedId", "title"),
    "lineItems": ("sourcedId", "title", "classSourcedId", "categorySourcedId"),
    "results": ("sourcedId", "lineItemSourcedId", "studentSourcedId"),
}

VERSIONS = ("1.1", "1.2")
# What leaves an optional file out rather than refusing the set: its content, never its
# size or the safety checks of the archive.
DROPPABLE = ("csv.broken", "file.encoding", "file.empty", "header.missing", "sourcedId.duplicate")
STATUSES = ("", "active", "tobedeleted")


def parse_list(value: str) -> list[str]:
    """A OneRoster list: comma-separated inside one (quoted) field."""
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_date(value: str, column: str) -> date | None:
    """YYYY-MM-DD, or a date-time (ISO 8601, Z or offset, with or without fractions)."""
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise RowError("value.date", f"{column}: {value!r} is not a date (YYYY-MM-DD)") from None


def parse_datetime(value: str, column: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise RowError(
            "value.datetime", f"{column}: {value!r} is not a date-time (ISO 8601)"
        ) from None


def parse_bool(value: str, column: str, default: bool) -> bool:
    value = value.strip().lower()
    if not value:
        return default
    if value in ("true", "false"):
        return value == "true"
    raise RowError("value.boolean", f"{column}: {value!r} is neither true nor false")


def _looks_cp1251(data: bytes) -> bool:
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return False
    letters = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    return letters >= max(1, sum(1 for b in data if b >= 0x80) // 2)


@dataclass
class OneRosterSet:
    """An opened set: its version, the mode of each file and row-by-row readers."""

    source: Source
    version: str
    modes: dict[str, str] = field(default_factory=dict)
    options: ReadOptions = field(default_factory=ReadOptions)
    # Warnings: what was mapped onto the standard, once per file and kind.
    notes: Notes = field(default_factory=Notes)
    # Optional files left out because they could not be read, and why.
    dropped: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.normaliser = (
            None if self.options.strict else Normaliser(self.options, self.notes, self._order_of)
        )
        self._orders: dict[str, tuple[DateOrder, str] | None] = {}

    def present(self, name: str) -> bool:
        return self.modes.get(name, "absent") != "absent"

    def drop(self, name: str, error: SetError) -> bool:
        """Leave out an optional file that cannot be read (a tolerant read only): its problem
        is reported once and the rest of the set is imported. False for a file the set
        cannot do without, or a strict read: then the set is refused."""
        if self.normaliser is None or name not in OPTIONAL or error.code not in DROPPABLE:
            return False
        self.modes[name] = "absent"
        self.notes.forget(name)
        self.dropped.append(Problem(error.code, name, 0, f"the file was left out: {error.message}"))
        return True

    def rows(self, name: str) -> Iterator[Row]:
        """The data rows of a file; raises SetError for a file that cannot be read."""
        self._check_encoding(name)
        if self.normaliser is None:
            for number, header, cells in self._records(name):
                if len(cells) != len(header):
                    yield Row(name, number, {"__width__": str(len(cells))})
                    continue
                yield Row(name, number, dict(zip(header, cells, strict=True)))
            return
        yield from self.normaliser.prelude(name)
        for number, header, cells in self._records(name):
            row = self.normaliser.row(name, number, header, cells)
            if row is not None:
                yield row
        self.notes.finish(name)

    def scan(self, name: str) -> Iterator[tuple[int, str]]:
        """(line, sourcedId) of each row `rows` yields, in order, without mapping the rows
        (a row of the wrong width has no sourcedId): for a first pass that counts the rows
        and looks for duplicate sourcedIds. Raises SetError as `rows` does."""
        self._check_encoding(name)
        tolerant = self.normaliser is not None
        if self.normaliser is not None:
            for row in self.normaliser.prelude(name):
                yield row.number, row.sourced_id
        at = -1
        for number, header, cells in self._records(name):
            width = len(header)
            if at < 0:
                at = header.index("sourcedId") if "sourcedId" in header else width
            if len(cells) != width and (
                not tolerant or (len(cells) > width and "".join(cells[width:]).strip())
            ):
                yield number, ""
            elif tolerant and not "".join(cells).strip():
                continue
            else:
                yield number, cells[at].strip() if at < len(cells) else ""

    def _check_encoding(self, name: str) -> None:
        filename = f"{name}.csv"
        stream = self.source.open(filename)
        try:
            head = stream.read(65536)
            if head.startswith(codecs.BOM_UTF8):
                head = head[3:]
            try:
                head.decode("utf-8")
            except UnicodeDecodeError as error:
                # A cut in the middle of a character at the end of the sample is fine.
                if error.start < len(head) - 4:
                    if _looks_cp1251(head):
                        raise SetError(
                            "file.encoding",
                            f"{filename} is in the Windows-1251 (cp1251) encoding, not UTF-8: "
                            "save it as UTF-8 and import again",
                        ) from None
                    raise SetError(
                        "file.encoding", f"{filename} is not UTF-8 (byte {error.start})"
                    ) from None
        finally:
            stream.close()

    def _records(self, name: str) -> Iterator[tuple[int, list[str], list[str]]]:
        """(line, header, cells) of each non-empty line; the header in standard names."""
        filename = f"{name}.csv"
        csv.field_size_limit(self.source.limits.max_field_chars)
        with io.TextIOWrapper(self.source.open(filename), encoding="utf-8-sig", newline="") as text:
            reader = csv.reader(text, strict=True)
            try:
                header = next(reader, None)
                if header is None:
                    raise SetError("file.empty", f"{filename} has no header row")
                header = [column.strip() for column in header]
                if self.normaliser is not None:
                    header = self.normaliser.header(name, [c.lstrip("\ufeff") for c in header])
                missing = [c for c in REQUIRED.get(name, ()) if c not in header]
                if missing:
                    raise SetError(
                        "header.missing", f"{filename} lacks the column(s) {', '.join(missing)}"
                    )
                for cells in reader:
                    if not cells or cells == [""]:
                        continue
                    yield reader.line_num, header, cells
            except csv.Error as error:
                raise SetError(
                    "csv.broken", f"{filename} line {reader.line_num}: {error}"
                ) from None
            except UnicodeDecodeError:
                raise SetError(
                    "file.encoding", f"{filename} is not UTF-8 near line {reader.line_num + 1}"
                ) from None

    # -- the day-month order of dates written either way ------------------------------------

    def _order_of(self, name: str) -> tuple[DateOrder, str] | None:
        """The order of a file's ambiguous dates: the option's, else the file's own, else
        the one every other file that shows an order agrees on."""
        if self.options.date_order is not None:
            return self.options.date_order, f" (--date-order {self.options.date_order})"
        own = self._survey(name)
        if own is not None:
            return own[0], f" (the order of {own[1]!r} in this file)"
        shown = {
            found[0]: (other, found[1])
            for other in DATE_COLUMNS
            if other != name and self.present(other)
            for found in [self._survey(other)]
            if found is not None
        }
        if len(shown) != 1:
            return None
        ((order, (other, example)),) = shown.items()
        return order, f" (the order of {example!r} in {other}.csv)"

    def _survey(self, name: str) -> tuple[DateOrder, str] | None:
        """The one order a file's dates prove (a day over 12), with an example; None when
        none does or they disagree. Read only for files with ambiguous dates."""
        if name not in self._orders:
            columns = ("dateLastModified", *DATE_COLUMNS.get(name, ()))
            proven: dict[DateOrder, str] = {}
            for _, header, cells in self._records(name):
                for index, column in enumerate(header):
                    if column in columns and index < len(cells):
                        order = evidence(cells[index])
                        if order is not None:
                            proven.setdefault(order, cells[index].strip())
            self._orders[name] = next(iter(proven.items())) if len(proven) == 1 else None
        return self._orders[name]

    def close(self) -> None:
        self.source.close()


def open_set(
    path: Path, limits: Limits | None = None, options: ReadOptions | None = None
) -> OneRosterSet:
    """Open a set and read its manifest (and, read tolerantly, its org tree); raises
    SetError for anything that stops the import."""
    source = Source(path, limits or Limits())
    try:
        if not source.exists("manifest.csv"):
            raise SetError("manifest.missing", "the set has no manifest.csv")
        properties: dict[str, str] = {}
        probe = OneRosterSet(source, "", options=ReadOptions(strict=True))
        for row in probe.rows("manifest"):
            if "propertyName" not in row.cells:
                raise SetError("manifest.header", "manifest.csv needs propertyName,value columns")
            properties[row.get("propertyName")] = row.get("value")
        version = properties.get("oneroster.version", "")
        if version[:3] not in VERSIONS:
            raise SetError("manifest.version", f"oneroster.version {version!r} is not 1.1 or 1.2")
        modes: dict[str, str] = {}
        for name in FILES:
            mode = properties.get(f"file.{name}", "absent").lower() or "absent"
            if mode not in ("absent", "bulk", "delta"):
                raise SetError("manifest.mode", f"file.{name} is {mode!r}: absent, bulk or delta")
            if mode != "absent" and not source.exists(f"{name}.csv"):
                raise SetError(
                    "manifest.file",
                    f"the manifest lists {name}.csv as {mode}, but it is not in the set",
                )
            modes[name] = mode
        data = OneRosterSet(source, version[:3], modes, options or ReadOptions())
        if data.normaliser is not None and data.present("orgs"):
            data._check_encoding("orgs")
            data.normaliser.learn_orgs(
                (
                    cells.get("sourcedId", ""),
                    cells.get("type", ""),
                    cells.get("parentSourcedId", ""),
                )
                for _, header, row in data._records("orgs")
                for cells in [dict(zip(header, row, strict=False))]
            )
        return data
    except BaseException:
        source.close()
        raise
