"""The journal's big tables by academic year (PostgreSQL): lesson, mark, attendance and
mark_event are partitioned by the range of their `date`, one partition per year from August 1
to August 1 (`<table>_y<year>`, the year its September falls in), so that reading a week
touches one year's tables however many years are kept, and a year that is over can leave the
live tables without stopping the service.

Partitions are made by the database: migration 0020 makes them for the years of the data, of
every recorded academic year and of the year ahead; a trigger on `academic_year` makes a
year's when it is recorded or re-dated, whoever writes it (the API, an import, SQL); and the
server's housekeeping makes the next year's ahead of time (`ensure_ahead`). A write dated in
a year without a partition is refused by PostgreSQL, which is what an archived year wants.

`archive` moves a year out: the rows of the tables that point at its lessons (homework and
their attachments, remarks, planned works) are moved, in one transaction, to tables of the
schema `ediary_archive`; then each of the four tables' partitions is detached CONCURRENTLY
(readers and writers of other years never wait) and moved to that schema. The archive stays
in the database, so `ediary audit verify` still walks the whole chain of mark events, until
an operator dumps it (`pg_dump --schema=ediary_archive`) and drops it.

SQLite has no partitions: every function here answers "nothing to do" there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

ARCHIVE_SCHEMA = "ediary_archive"
# Detached in this order: a table before the one its rows point at.
TABLES = ("mark_event", "attendance", "mark", "lesson")
# Tables with rows that belong to a lesson but are not partitioned (they have no date): their
# rows of an archived year move with it, and with them the rows of tables pointing at them.
LESSON_DEPENDANTS = ("homework", "remark", "planned_work")
# The first day of a year's partitions, as (month, day): the migration's
# ediary_academic_year_of() holds the same.
YEAR_STARTS = (8, 1)

_PARTITION = re.compile(r"^(?P<table>[a-z_]+)_y(?P<year>\d{4})$")


class PartitionError(Exception):
    """A request about partitions that cannot be done; the message says why."""


@dataclass(frozen=True)
class YearTables:
    """One academic year's partitions: where they are and about how many rows they hold."""

    year: int
    archived: bool
    # Rows per table, from PostgreSQL's statistics (an estimate; exact after ANALYZE).
    rows: dict[str, int]

    @property
    def name(self) -> str:
        return f"{self.year}/{self.year + 1}"


def academic_year_of(day: date) -> int:
    """The year whose partitions hold `day`: the calendar year of the September after the
    last August 1 before it."""
    return day.year if (day.month, day.day) >= YEAR_STARTS else day.year - 1


def year_bounds(first: date, last: date) -> tuple[date, date]:
    """The days of the partitions that hold `first` to `last`: from the first one's August 1
    to the day after the last one's. Rows known to lie between `first` and `last` (a term's
    marks) bounded by them let PostgreSQL plan and read those partitions only."""
    return (
        date(academic_year_of(first), *YEAR_STARTS),
        date(academic_year_of(last) + 1, *YEAR_STARTS),
    )


def _is_postgres(client: BaseDBAsyncClient) -> bool:
    return client.capabilities.dialect == "postgres"


async def ensure(client: BaseDBAsyncClient, first: date, last: date) -> int:
    """Make the partitions missing for the years from `first` to `last`; how many were made."""
    if not _is_postgres(client):
        return 0
    rows = await client.execute_query_dict(
        "SELECT ediary_add_year_partitions($1, $2) AS made", [first, last]
    )
    return int(rows[0]["made"])


async def ensure_ahead(client: BaseDBAsyncClient, today: date) -> int:
    """Make this year's and next year's partitions if they are missing (housekeeping)."""
    return await ensure(client, today, date(academic_year_of(today) + 1, *YEAR_STARTS))


async def years(client: BaseDBAsyncClient) -> list[YearTables]:
    """Every year that has partitions, live or archived, in order."""
    if not _is_postgres(client):
        return []
    rows = await client.execute_query_dict(
        """
        SELECT n.nspname AS schema, c.relname AS name, GREATEST(c.reltuples, 0) AS estimate
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND (
            (n.nspname = current_schema() AND c.relispartition)
            OR n.nspname = $1)
        """,
        [ARCHIVE_SCHEMA],
    )
    found: dict[tuple[int, bool], dict[str, int]] = {}
    for row in rows:
        match = _PARTITION.match(row["name"])
        if match is None or match["table"] not in TABLES:
            continue
        key = (int(match["year"]), row["schema"] == ARCHIVE_SCHEMA)
        found.setdefault(key, {})[match["table"]] = int(row["estimate"])
    return [YearTables(year, archived, rows) for (year, archived), rows in sorted(found.items())]


async def archived_tables(client: BaseDBAsyncClient, table: str) -> list[str]:
    """The archived partitions of `table`, as qualified names, oldest first."""
    return [
        f"{ARCHIVE_SCHEMA}.{table}_y{found.year}"
        for found in await years(client)
        if found.archived and table in found.rows
    ]


async def archive(client: BaseDBAsyncClient, year: int, today: date) -> YearTables:
    """Move academic year `year` (its September's calendar year) out of the live tables into
    the schema ediary_archive, without locking other years; the year must be over."""
    if not _is_postgres(client):
        raise PartitionError("Only a PostgreSQL database keeps academic years in partitions.")
    ends = date(year + 1, *YEAR_STARTS)
    if ends > today:
        raise PartitionError(
            f"The year {year}/{year + 1} is not over: its partitions end on {ends.isoformat()}."
        )
    live = {found.year: found for found in await years(client) if not found.archived}
    if year not in live:
        raise PartitionError(f"The year {year}/{year + 1} has no partitions in the live tables.")
    await client.execute_script(f"CREATE SCHEMA IF NOT EXISTS {ARCHIVE_SCHEMA}")
    async with in_transaction(client.connection_name) as connection:
        for table in LESSON_DEPENDANTS:
            await _move_rows(
                connection, table, f"lesson_id IN (SELECT id FROM lesson_y{year})", year
            )
    for table in TABLES:
        await _detach(client, table, year)
    # Detaching fires no trigger: answers kept from the year's rows must go all the same.
    await client.execute_script(
        "UPDATE ediary_data_version SET version = version + 1 WHERE stripe = 0"
    )
    moved = [found for found in await years(client) if found.year == year and found.archived]
    return moved[0]


async def _move_rows(connection: BaseDBAsyncClient, table: str, where: str, year: int) -> None:
    """Copy the rows of `table` matching `where` to the archive, then the rows of the tables
    that point at them, then delete them (children first, as foreign keys want)."""
    kept = f"{ARCHIVE_SCHEMA}.{table}_y{year}"
    exists = await connection.execute_query_dict("SELECT to_regclass($1) AS found", [kept])
    if exists[0]["found"] is None:
        await connection.execute_script(f"CREATE TABLE {kept} (LIKE {table})")
    await connection.execute_script(f"INSERT INTO {kept} SELECT * FROM {table} WHERE {where}")
    children = await connection.execute_query_dict(
        """
        SELECT CAST(con.conrelid AS regclass)::text AS child, a.attname AS column
        FROM pg_constraint con
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
        WHERE con.contype = 'f' AND con.confrelid = CAST($1 AS regclass)
        """,
        [table],
    )
    for child in children:
        await _move_rows(
            connection,
            child["child"],
            f"{child['column']} IN (SELECT id FROM {table} WHERE {where})",
            year,
        )
    await connection.execute_script(f"DELETE FROM {table} WHERE {where}")


async def _detach(client: BaseDBAsyncClient, table: str, year: int) -> None:
    part = f"{table}_y{year}"
    here = await client.execute_query_dict("SELECT to_regclass($1) AS found", [part])
    if here[0]["found"] is None:
        return  # moved by an earlier run that stopped before the other tables
    pending = await client.execute_query_dict(
        "SELECT inhdetachpending AS pending FROM pg_inherits"
        " WHERE inhrelid = to_regclass($1) AND inhparent = to_regclass($2)",
        [part, table],
    )
    if pending:
        # A detach interrupted half-way (a stopped server, a cancelled command) is finished.
        how = "FINALIZE" if pending[0]["pending"] else "CONCURRENTLY"
        await client.execute_script(f"ALTER TABLE {table} DETACH PARTITION {part} {how}")
    await client.execute_script(f"ALTER TABLE {part} SET SCHEMA {ARCHIVE_SCHEMA}")
