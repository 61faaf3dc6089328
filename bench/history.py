"""Past academic years for the benchmark data set: the history of sizes S5, M5 and L5.

A diary keeps every year it has run, and its reads (a parent's week, a teacher's journal) must
not slow down as those years pile up: the tables and their indexes grow with each year while a
request still reads one week or one term. To measure that, `add_history` copies the generated
academic year of every school k = 1..n years back, with the same density: its terms, classes,
teaching assignments, lessons, homework, marks, attendance and term marks, and an enrollment of
each student in the copied class. Students, parents and staff are not copied (the same
children, earlier years): the grades' realism does not matter here, table sizes and index
depth do.

Copies are set-based, one INSERT ... SELECT per table for all years (generate_series), because
a Python loop over millions of rows would cost more than the benchmark. A copy's id is the
original's plus k times the table's offset (its largest id rounded up to a power of ten), so
foreign keys map with the same arithmetic and no lookup table. Lessons move back k * 364 days,
which keeps their weekdays (the timetable stays a Monday-to-Friday one); the years themselves
move back k calendar years, so a year's terms are clamped into it. Tables are written parents
before children, academic years first: once the schema is partitioned by academic year, a
year's row must exist before its lessons, marks and attendance do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

# Lessons and everything dated by them move back whole weeks, so weekdays stay the same.
DAYS = "k * 364"
YEARS = "make_interval(years => k)"
# The copied year's bounds, for rows that join the original year as `y`.
YEAR_START = f"(y.starts_on - {YEARS})::date"
YEAR_END = f"(y.ends_on - {YEARS})::date"


@dataclass(frozen=True)
class Copy:
    """How one table's rows are copied into a past year: the foreign keys that point into
    copied tables (column -> table), the columns given another value (column -> SQL over the
    original row `s` and the year number `k`), and joins those values need. Other columns
    are copied as they are."""

    table: str
    keys: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    joins: str = ""


def _days(column: str) -> str:
    return f"s.{column} - {DAYS}"


def _moments(column: str) -> str:
    return f"s.{column} - make_interval(days => {DAYS})"


# Parents before children.
COPIES = (
    Copy(
        "academic_year",
        values={
            "name": "(split_part(s.name, '/', 1)::int - k) || '/'"
            " || (split_part(s.name, '/', 2)::int - k)",
            "starts_on": f"(s.starts_on - {YEARS})::date",
            "ends_on": f"(s.ends_on - {YEARS})::date",
        },
    ),
    Copy(
        "term",
        keys={"academic_year_id": "academic_year"},
        # Shifted like the lessons, so each lesson stays inside its term, and kept inside the
        # copied year, which moved back by calendar years (a day more every four years).
        values={
            "starts_on": f"GREATEST({_days('starts_on')}, {YEAR_START})",
            "ends_on": f"LEAST({_days('ends_on')}, {YEAR_END})",
        },
        joins="JOIN academic_year y ON y.id = s.academic_year_id",
    ),
    Copy("school_class", keys={"academic_year_id": "academic_year"}),
    Copy("teaching_assignment", keys={"school_class_id": "school_class"}),
    Copy(
        "enrollment",
        keys={"school_class_id": "school_class"},
        # The whole copied year: the pupils of a past class left it when that year ended.
        values={"starts_on": YEAR_START, "ends_on": YEAR_END},
        joins="JOIN school_class c ON c.id = s.school_class_id"
        " JOIN academic_year y ON y.id = c.academic_year_id",
    ),
    Copy("lesson", keys={"school_class_id": "school_class"}, values={"date": _days("date")}),
    Copy(
        "homework",
        keys={"lesson_id": "lesson"},
        values={
            "due_on": _days("due_on"),
            "created_at": _moments("created_at"),
            "updated_at": _moments("updated_at"),
        },
    ),
    Copy(
        "mark",
        keys={"lesson_id": "lesson", "school_class_id": "school_class", "term_id": "term"},
        values={
            "date": _days("date"),
            "created_at": _moments("created_at"),
            "updated_at": _moments("updated_at"),
            "deleted_at": _moments("deleted_at"),
        },
    ),
    Copy(
        "attendance",
        keys={"lesson_id": "lesson"},
        values={"date": _days("date"), "created_at": _moments("created_at")},
    ),
    Copy(
        "final_mark",
        keys={"academic_year_id": "academic_year", "term_id": "term"},
        values={"created_at": _moments("created_at")},
    ),
)


def offset(largest: int) -> int:
    """The smallest power of ten at or above a table's largest id: copies of year k take
    ids from k * offset + 1 on, clear of the originals and of the other years."""
    power = 1
    while power < largest:
        power *= 10
    return power


async def _columns(connection: asyncpg.Connection, table: str) -> list[str]:
    # Read from the catalogue rather than from gen.COLUMNS, so columns that the generator
    # leaves to their defaults (a lesson's substitute, a mark's deletion) are copied too.
    rows = await connection.fetch(
        "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0"
        " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
        table,
    )
    return [row["attname"] for row in rows]


def statement(copy: Copy, columns: list[str], offsets: dict[str, int], years: int) -> str:
    """The INSERT ... SELECT that writes `copy.table`'s rows for years 1..`years` back."""
    values = {"id": f"s.id + k * {offsets[copy.table]}", **copy.values}
    for column, target in copy.keys.items():
        values[column] = f"s.{column} + k * {offsets[target]}"
    unknown = set(values) - set(columns)
    if unknown:
        raise ValueError(f"{copy.table} has no columns {sorted(unknown)}")
    names = ", ".join(f'"{c}"' for c in columns)
    chosen = ", ".join(values.get(c, f's."{c}"') for c in columns)
    return (
        f'INSERT INTO "{copy.table}" ({names}) SELECT {chosen} FROM "{copy.table}" s'
        f" {copy.joins} CROSS JOIN generate_series(1, {int(years)}) AS k ORDER BY k, s.id"
    )


async def add_history(connection: asyncpg.Connection, years: int) -> dict[str, int]:
    """Copy the database's academic years `years` times back, one copy per earlier year;
    returns the rows written per table. Expects the data of `bench.gen` and nothing else: the
    offsets are taken once, from the tables as they are before the first copy."""
    if years <= 0:
        return {}
    offsets = {
        copy.table: offset(
            int(await connection.fetchval(f'SELECT coalesce(max(id), 0) FROM "{copy.table}"'))
        )
        for copy in COPIES
    }
    written: dict[str, int] = {}
    try:
        for copy in COPIES:
            columns = await _columns(connection, copy.table)
            status = await connection.execute(statement(copy, columns, offsets, years))
            written[copy.table] = int(status.rsplit(" ", 1)[1])
            if copy.table == "academic_year":
                # The years' rows made their partitions (a trigger); the rest goes in without
                # triggers. They would check each copied row's reference (locking the lesson
                # or mark it points at) and note its student for the data version, which on
                # L5's tens of millions of rows costs far more than the copy, and the copies
                # are of rows that passed those checks. No server runs on a database being
                # built, so no cached answer can miss the write.
                await connection.execute("SET session_replication_role = replica")
    finally:
        await connection.execute("RESET session_replication_role")
    for copy in COPIES:
        await connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{copy.table}', 'id'),"
            f' (SELECT max(id) FROM "{copy.table}"))'
        )
    return written
