"""Reading a OneRoster 1.1 or 1.2 CSV set (a folder or a zip with manifest.csv), row by row.

Everything is streamed with the standard `csv` module: one row in memory at a time. What the
standard allows is accepted (optional columns missing or extra, empty `status` and
`dateLastModified`, `tobedeleted`, dates with or without a time, quoted lists); anything else
is a `Problem` with a stable code, for a file and row, or a `SetError` that stops the import.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import IO

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
STATUSES = ("", "active", "tobedeleted")


@dataclass(frozen=True)
class Limits:
    """What the reader refuses before reading: sizes are checked on the file system or the
    zip directory, never by reading the data."""

    max_file_bytes: int = 512 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024 - 1
    max_ratio: int = 100
    max_members: int = 64
    max_field_chars: int = 64 * 1024


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
        return f"{self.file}.csv row {self.row}: [{self.code}] {self.message}"


@dataclass
class Row:
    """One data row: its line in the file (the header is row 1) and its cells by column."""

    file: str
    number: int
    cells: dict[str, str]

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


class _Source:
    """The files of a set: a folder or a zip archive, with the size checks done up front."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.zip: zipfile.ZipFile | None = None
        self.members: dict[str, zipfile.ZipInfo] = {}
        if path.is_dir():
            return
        if not path.is_file():
            raise SetError("set.missing", f"{path} is neither a folder nor a file")
        size = path.stat().st_size
        if size > limits.max_total_bytes:
            raise SetError(
                "set.too_large",
                f"{path.name} is {size} bytes; the limit is {limits.max_total_bytes}",
            )
        if not zipfile.is_zipfile(path):
            raise SetError("set.not_zip", f"{path.name} is not a zip archive or a folder")
        self.zip = zipfile.ZipFile(path)
        self._check_archive()

    def _check_archive(self) -> None:
        assert self.zip is not None
        infos = self.zip.infolist()
        if len(infos) > self.limits.max_members:
            raise SetError(
                "zip.members",
                f"the archive has {len(infos)} members; at most {self.limits.max_members}",
            )
        total = 0
        for info in infos:
            name = info.filename
            pure = PurePosixPath(name.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or ":" in name:
                raise SetError("zip.path", f"unsafe member name {name!r} in the archive")
            if info.is_dir():
                continue
            total += info.file_size
            if info.file_size > self.limits.max_file_bytes:
                raise SetError(
                    "file.too_large",
                    f"{name} is {info.file_size} bytes; the limit is {self.limits.max_file_bytes}",
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > self.limits.max_ratio:
                raise SetError(
                    "zip.ratio",
                    f"{name} expands {ratio:.0f} times; at most {self.limits.max_ratio} (zip bomb?)",
                )
            # Sets are flat, but an archive of a folder puts the files one level down.
            self.members.setdefault(pure.name, info)
        if total > self.limits.max_total_bytes:
            raise SetError(
                "zip.too_large",
                f"the archive expands to {total} bytes; the limit is {self.limits.max_total_bytes}",
            )

    def exists(self, name: str) -> bool:
        if self.zip is not None:
            return name in self.members
        return (self.path / name).is_file()

    def open(self, name: str) -> io.BufferedReader:
        if self.zip is not None:
            info = self.members[name]
            return io.BufferedReader(_Capped(self.zip.open(info), self.limits.max_file_bytes, name))
        path = self.path / name
        if path.is_symlink():
            raise SetError("file.symlink", f"{name} is a symbolic link; copy the file instead")
        size = path.stat().st_size
        if size > self.limits.max_file_bytes:
            raise SetError(
                "file.too_large",
                f"{name} is {size} bytes; the limit is {self.limits.max_file_bytes}",
            )
        return io.BufferedReader(_Capped(path.open("rb"), self.limits.max_file_bytes, name))

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


class _Capped(io.RawIOBase):
    """A byte stream that fails once more than `limit` bytes came out of it (a zip directory
    may lie about sizes)."""

    def __init__(self, inner: IO[bytes], limit: int, name: str) -> None:
        self.inner, self.limit, self.name_, self.seen = inner, limit, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        self.seen += len(data)
        if self.seen > self.limit:
            raise SetError("file.too_large", f"{self.name_} is larger than {self.limit} bytes")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


@dataclass
class OneRosterSet:
    """An opened set: its version, the mode of each file and row-by-row readers."""

    source: _Source
    version: str
    modes: dict[str, str] = field(default_factory=dict)

    def present(self, name: str) -> bool:
        return self.modes.get(name, "absent") != "absent"

    def rows(self, name: str) -> Iterator[Row]:
        """The data rows of a file; raises SetError for a file that cannot be read."""
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
        yield from self._rows(name, filename)

    def _rows(self, name: str, filename: str) -> Iterator[Row]:
        csv.field_size_limit(self.source.limits.max_field_chars)
        with io.TextIOWrapper(self.source.open(filename), encoding="utf-8-sig", newline="") as text:
            reader = csv.reader(text, strict=True)
            try:
                header = next(reader, None)
                if header is None:
                    raise SetError("file.empty", f"{filename} has no header row")
                header = [column.strip() for column in header]
                missing = [c for c in REQUIRED.get(name, ()) if c not in header]
                if missing:
                    raise SetError(
                        "header.missing", f"{filename} lacks the column(s) {', '.join(missing)}"
                    )
                number = 1
                for cells in reader:
                    number = reader.line_num
                    if not cells or cells == [""]:
                        continue
                    if len(cells) != len(header):
                        yield Row(name, number, {"__width__": str(len(cells))})
                        continue
                    yield Row(name, number, dict(zip(header, cells, strict=True)))
            except csv.Error as error:
                raise SetError(
                    "csv.broken", f"{filename} line {reader.line_num}: {error}"
                ) from None
            except UnicodeDecodeError:
                raise SetError(
                    "file.encoding", f"{filename} is not UTF-8 near line {reader.line_num + 1}"
                ) from None

    def close(self) -> None:
        self.source.close()


def open_set(path: Path, limits: Limits | None = None) -> OneRosterSet:
    """Open a set and read its manifest; raises SetError for anything that stops the import."""
    source = _Source(path, limits or Limits())
    try:
        if not source.exists("manifest.csv"):
            raise SetError("manifest.missing", "the set has no manifest.csv")
        properties: dict[str, str] = {}
        probe = OneRosterSet(source, "")
        for row in probe._rows("manifest", "manifest.csv"):
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
        return OneRosterSet(source, version[:3], modes)
    except BaseException:
        source.close()
        raise
