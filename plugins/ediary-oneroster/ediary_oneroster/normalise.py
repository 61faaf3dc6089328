"""Tolerant reading: rows of real vendors' exports turned into the standard rows the importer
expects.

Each quirk is mapped (a 1.0 or vendor column name, a department named as a school, a school
without a district, a date in a local style, `inactive`, a trailing comma) and said in
`Notes`, once per file and kind with the number of rows. With `ReadOptions.strict` the reader
skips all of this and reads to the letter of the standard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ediary_oneroster.columns import ALIASES, BOOLEANS, DATE_COLUMNS, KNOWN, ORG_COLUMNS
from ediary_oneroster.dates import DateOrder, is_iso, read_date
from ediary_oneroster.orgs import OrgPlan, plan_orgs
from ediary_oneroster.records import Row, RowError

USER_IN_DEMOGRAPHICS = (
    "the file has ids of its own in sourcedId and names the user in userSourcedId: "
    "userSourcedId was read as the user's sourcedId"
)
AMBIGUOUS = (
    "{} {!r} may be day/month or month/day, and no date of the set tells which: "
    "import again with --date-order DMY or MDY"
)
# A file's day-month order and what says so (" (--date-order DMY)").
OrderOf = Callable[[str], tuple[DateOrder, str] | None]


@dataclass(frozen=True)
class ReadOptions:
    """How to read a set: to the letter (`strict`) or tolerantly, with the day-month order
    of ambiguous dates and the region code of a set that has no district."""

    strict: bool = False
    date_order: DateOrder | None = None
    region: str | None = None


@dataclass
class Note:
    """One kind of quirk in one file: what was done, an example, how many rows, the first."""

    file: str
    code: str
    message: str
    example: str = ""
    rows: int = 0
    first_row: int = 0

    def __str__(self) -> str:
        text = f"{self.file}.csv: [{self.code}] {self.message}"
        if self.example:
            text += f", such as {self.example!r}"
        if self.rows:
            plural = "s" if self.rows != 1 else ""
            text += f" ({self.rows} row{plural}, the first on row {self.first_row})"
        return text


class Notes:
    """The warnings of one import, aggregated: taken on a file's first complete read only,
    so that the importer reading a file again does not count its rows twice."""

    def __init__(self) -> None:
        self._notes: dict[tuple[str, str, str], Note] = {}
        self._done: set[str] = set()

    def add(self, file: str, code: str, message: str, row: int | None, example: str = "") -> None:
        if file in self._done:
            return
        note = self._notes.setdefault((file, code, message), Note(file, code, message, example))
        if row is not None:
            note.rows += 1
            note.first_row = note.first_row or row

    def finish(self, file: str) -> None:
        """The file was read to its end: its notes are complete."""
        self._done.add(file)

    def forget(self, file: str) -> None:
        """The file is left out of the import: nothing about its rows is worth saying."""
        self._notes = {key: note for key, note in self._notes.items() if note.file != file}
        self._done.add(file)

    def __iter__(self) -> Iterator[Note]:
        return iter(self._notes.values())


def _key(column: str) -> str:
    return column.strip().lower().replace(" ", "").replace("_", "")


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class Normaliser:
    """Maps the headers and rows of one set onto the standard."""

    def __init__(self, options: ReadOptions, notes: Notes, order_of: OrderOf) -> None:
        self.options = options
        self.notes = notes
        self.order_of = order_of
        self.orgs = OrgPlan()

    def learn_orgs(self, orgs: Iterable[tuple[str, str, str]]) -> None:
        """The org tree, (sourcedId, type, parentSourcedId) of every org, read before any row."""
        self.orgs = plan_orgs(orgs, self.options.region)

    # -- headers ---------------------------------------------------------------------------

    def header(self, name: str, header: list[str]) -> list[str]:
        """Standard names for a file's columns; the others keep theirs and are ignored."""
        known = KNOWN.get(name)
        if known is None:
            return header
        by_key = {_key(column): column for column in known}
        aliases = ALIASES.get(name, {})
        mapped = [
            column if column in known else by_key.get(_key(column)) or aliases.get(_key(column))
            for column in header
        ]
        displaced = "sourcedId" in header and mapped.count("sourcedId") > 1
        if name == "demographics" and displaced:
            # The file gives its records ids of their own and names the user in userSourcedId.
            mapped[header.index("sourcedId")] = None
            self.notes.add(name, "column.name", USER_IN_DEMOGRAPHICS, None)
        # A column of the standard's own name keeps it; a variant of it gives way.
        taken = {
            column for column, standard in zip(header, mapped, strict=True) if column == standard
        }
        result: list[str] = []
        for column, standard in zip(header, mapped, strict=True):
            if standard is not None and (standard == column or standard not in taken):
                if standard != column:
                    taken.add(standard)
                if standard != column and not (displaced and standard == "sourcedId"):
                    message = f"the column {column!r} was read as {standard!r}"
                    self.notes.add(name, "column.name", message, None)
                result.append(standard)
            else:
                unused = column in taken or column in mapped
                result.append(f"{column} (not used)" if unused else column)
        extra = [column for column in result if column not in known]
        vendor = [column for column in extra if column.lower().startswith("metadata.")]
        other = [column for column in extra if column not in vendor and "(not used)" not in column]
        if vendor:
            message = f"vendor metadata columns were ignored: {', '.join(vendor)}"
            self.notes.add(name, "column.metadata", message, None)
        if other:
            message = f"columns OneRoster does not define were ignored: {', '.join(other)}"
            self.notes.add(name, "column.extra", message, None)
        return result

    # -- rows ------------------------------------------------------------------------------

    def prelude(self, name: str) -> list[Row]:
        """Rows the set lacks: the district of a set without one, first in orgs.csv."""
        if name != "orgs" or self.orgs.supplied is None:
            return []
        region = self.orgs.region or ""
        cells = {
            "sourcedId": self.orgs.supplied,
            "type": "district",
            "name": region,
            "identifier": region,
        }
        return [Row(name, 1, cells, supplied=True)]

    def row(self, name: str, number: int, header: list[str], cells: list[str]) -> Row | None:
        """The row as the standard would have it; None for a row with nothing in it."""
        width = len(header)
        if len(cells) == width:
            pass
        elif len(cells) > width and not "".join(cells[width:]).strip():
            cells = cells[:width]
            self.notes.add(
                name,
                "row.trailing",
                "empty cells past the last column (a trailing comma) were left out",
                number,
            )
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
            self.notes.add(
                name,
                "row.short",
                "rows with fewer cells than the header had the missing last cells read as empty",
                number,
            )
        else:
            return Row(name, number, {"__width__": str(len(cells))})
        if not "".join(cells).strip():
            self.notes.add(name, "row.blank", "rows with every cell empty were skipped", number)
            return None
        row = Row(name, number, dict(zip(header, cells, strict=True)))
        self._status(row)
        self._last_modified(row)
        self._dates(row)
        self._org_references(row)
        if name == "orgs":
            self._org(row)
        if name in ("users", "roles"):
            self._role(row)
        if name == "users":
            self._enabled(row)
        return row

    def _note(self, row: Row, code: str, message: str, example: str = "") -> None:
        self.notes.add(row.file, code, message, row.number, example)

    def _status(self, row: Row) -> None:
        value = row.cells.get("status", "")
        if value in ("", "active", "tobedeleted"):
            return
        value = _key(value)
        if value in ("", "active", "tobedeleted"):
            row.cells["status"] = value
        elif value in ("inactive", "deleted"):
            row.cells["status"] = "tobedeleted"
            self._note(
                row,
                "status.inactive",
                f"status {value!r} (OneRoster 1.0) was read as tobedeleted: accounts deactivated, enrollments ended, marks retired",
            )
        else:
            row.cells["status"] = ""
            self._note(
                row,
                "status.unknown",
                f"status {value!r} is neither active nor tobedeleted: the rows were read as active",
            )

    def _last_modified(self, row: Row) -> None:
        value = row.get("dateLastModified")
        if value and not is_iso(value):
            row.cells["dateLastModified"] = ""
            self._note(
                row,
                "metadata.date",
                "dateLastModified is not an ISO 8601 date-time; it is metadata and was left out",
                value,
            )

    def _dates(self, row: Row) -> None:
        for column in DATE_COLUMNS.get(row.file, ()):
            value = row.get(column)
            if not value or is_iso(value):
                continue
            read = read_date(value, None)
            if read.style in ("ambiguous", "either"):
                found = self.order_of(row.file)
                if found is not None:
                    if read.style == "ambiguous":
                        message = f"dates that fit both orders were read as {found[0]}{found[1]}"
                        self._note(row, "date.order", message)
                    read = read_date(value, found[0])
            if read.value is not None:
                row.cells[column] = read.value.isoformat()
                style = "day/month/year" if read.style == "either" else read.style
                self._note(row, "date.style", f"{column} written as {style}", value)
            elif read.style == "ambiguous" and row.error is None:
                row.error = RowError("date.ambiguous", AMBIGUOUS.format(column, value))

    def _org_references(self, row: Row) -> None:
        for column in ORG_COLUMNS.get(row.file, ()):
            value = row.get(column)
            if not value:
                continue
            named = _items(value)
            schools = [self._school(row, column, sid) for sid in named]
            if schools != named:
                row.cells[column] = ",".join(dict.fromkeys(schools))

    def _school(self, row: Row, column: str, sid: str) -> str:
        school = self.orgs.school_of.get(sid)
        if school is None:
            return sid
        kind = self.orgs.types.get(sid, "")
        self._note(
            row,
            "org.department",
            f"{column} names the {kind} {sid!r}, read as its school {school!r}",
        )
        return school

    def _org(self, row: Row) -> None:
        sid = row.sourced_id
        if sid in self.orgs.promoted:
            self._note(
                row,
                "org.as_school",
                f"the set has no org of type school: the {row.get('type').lower()} org under no other was read as the school",
            )
            row.cells["type"] = "school"
        district = self.orgs.district_of.get(sid)
        if district is None:
            return
        row.cells["parentSourcedId"] = district
        if district == self.orgs.supplied:
            self._note(
                row,
                "org.no_district",
                f"the set has no district: its schools were put in region {self.orgs.region!r}, which the import was given",
            )
        else:
            self._note(
                row,
                "org.district",
                f"schools whose parent is not a district were put in the district {district!r}",
            )

    def _role(self, row: Row) -> None:
        if row.get("role").lower() == "relative":
            row.cells["role"] = "relativeContact"
            self._note(
                row, "role.relative", "role 'relative' (OneRoster 1.0) was read as relativeContact"
            )

    def _enabled(self, row: Row) -> None:
        value = row.get("enabledUser")
        read = BOOLEANS.get(value.lower())
        if read is not None and read != value.lower():
            row.cells["enabledUser"] = read
            self._note(
                row, "boolean.style", f"enabledUser written as {value.lower()!r} was read as {read}"
            )
