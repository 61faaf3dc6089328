"""Set-based writes of many rows of one model, in PostgreSQL and SQLite alike.

An import writes tens of thousands of rows; one INSERT per row costs a round trip each. Here
new rows get their ids up front (`reserve_ids`: from the table's sequence in PostgreSQL, past
the largest id in SQLite, whose single writer holds the transaction), so that the caller can
link to them before they are written, and are then written set-based (`insert_rows`,
`insert_models`): in PostgreSQL one binary COPY, in SQLite multi-row INSERTs of up to
`ROWS` rows.
Changed rows are written by one UPDATE run over every row's values (`update_models`).
Values go through each field's own `to_db_value`, the conversion Tortoise applies to a
single save, and statements go through Tortoise's connection, so they join the caller's
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from functools import partial
from typing import Any

from tortoise import connections
from tortoise import fields as tortoise_fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.fields.data import CharEnumFieldInstance
from tortoise.models import Model

__all__ = [
    "insert_models",
    "insert_prepared",
    "insert_rows",
    "prepare_rows",
    "reserve_ids",
    "update_models",
]

# Rows of one INSERT (SQLite), and a bound on its parameters (SQLite allows 32766).
ROWS = 1000
PARAMETERS = 30000


def _client(conn: BaseDBAsyncClient | None) -> BaseDBAsyncClient:
    return conn if conn is not None else connections.get("default")


def _postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


async def reserve_ids(
    model: type[Model], count: int, conn: BaseDBAsyncClient | None = None, above: int = 0
) -> list[int]:
    """`count` unused ids of the model's table, for rows the caller is about to insert;
    `above` is the last id the caller reserved before and has not inserted yet."""
    if count <= 0:
        return []
    conn = _client(conn)
    table = model._meta.db_table
    if _postgres(conn):
        _, rows = await conn.execute_query(
            "SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id "
            "FROM generate_series(1, $2::int)",
            [f'"{table}"', count],
        )
        return [int(row["id"]) for row in rows]
    # AUTOINCREMENT never gives an id twice, so start past the sequence as well as the rows.
    _, rows = await conn.execute_query(
        f'SELECT MAX(COALESCE((SELECT MAX(id) FROM "{table}"), 0), '
        "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0)) AS top",
        [table],
    )
    top = max(int(rows[0]["top"]), above)
    return list(range(top + 1, top + 1 + count))


# Field types whose Python values both drivers take as they are (dates through the adapter
# Tortoise registers for SQLite); every other field converts through its `to_db_value`.
_NATIVE = (
    tortoise_fields.IntField,
    tortoise_fields.SmallIntField,
    tortoise_fields.BigIntField,
    tortoise_fields.CharField,
    tortoise_fields.TextField,
    tortoise_fields.DateField,
    tortoise_fields.BooleanField,
)


def _enum_values(enum_type: type[Enum]) -> Callable[[Any], Any]:
    """Member to stored value by a dict: `Enum.value` is a descriptor, slow enough to show
    in an import's profile. A value that is no member passes as it is, as before."""
    values: dict[Any, Any] = {member: member.value for member in enum_type}

    def stored(value: Any) -> Any:
        try:
            return values.get(value, value)
        except TypeError:  # unhashable: not a member either
            return value

    return stored


def _converters(model: type[Model], names: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    """For each field, how its value is converted for the database (None: as it is)."""
    found: list[Callable[[Any], Any] | None] = []
    for name in names:
        field = model._meta.fields_map[name]
        if type(field) in _NATIVE:
            found.append(None)
        elif isinstance(field, CharEnumFieldInstance):
            # What its to_db_value gives after validating, without the cost per value.
            found.append(_enum_values(field.enum_type))
        elif isinstance(field, tortoise_fields.DatetimeField):
            # Its conversion costs a few microseconds a value, and an import's rows share
            # a handful of instants: each distinct one is converted once.
            found.append(_memoised(partial(field.to_db_value, instance=model)))
        else:
            found.append(partial(field.to_db_value, instance=model))
    return found


def _memoised(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    seen: dict[Any, Any] = {}

    def converted(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = found = convert(value)
            return found

    return converted


async def insert_rows(
    model: type[Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    conn: BaseDBAsyncClient | None = None,
) -> None:
    """Insert rows of the model given as values of these fields, set-based. Leave out `id`
    to let the database number them, or give ids from `reserve_ids`."""
    await _insert(model, names, prepare_rows(model, names, rows), _client(conn))


def prepare_rows(
    model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[list[Any]]:
    """The rows' values converted for the database, for `insert_prepared`: the first half
    of `insert_rows`, for a caller that converts one batch while another is written."""
    width = len(names)
    if any(len(row) != width for row in rows):
        raise ValueError(f"rows of {model.__name__} must have {width} values")
    # Most columns pass as they are: only the others are visited, by position.
    convert = [(i, to) for i, to in enumerate(_converters(model, names)) if to is not None]
    prepared = [list(row) for row in rows]
    for values in prepared:
        for i, to in convert:
            values[i] = to(values[i])
    return prepared


async def insert_prepared(
    model: type[Model],
    names: Sequence[str],
    rows: list[list[Any]],
    conn: BaseDBAsyncClient | None = None,
) -> None:
    """Insert rows from `prepare_rows`."""
    await _insert(model, names, rows, _client(conn))


async def _insert(
    model: type[Model], names: Sequence[str], rows: list[list[Any]], conn: BaseDBAsyncClient
) -> None:
    """Insert rows of values already converted for the database."""
    if not rows:
        return
    projection = model._meta.fields_db_projection
    columns = ", ".join(f'"{projection[name]}"' for name in names)
    table = model._meta.db_table
    if _postgres(conn):
        await _copy(conn, table, [projection[name] for name in names], rows)
        return
    width = len(names)
    per_statement = max(1, min(ROWS, PARAMETERS // width))
    for start in range(0, len(rows), per_statement):
        page = rows[start : start + per_statement]
        tuples = ", ".join(["(" + ", ".join(["?"] * width) + ")"] * len(page))
        values = [value for row in page for value in row]
        await conn.execute_query(f'INSERT INTO "{table}" ({columns}) VALUES {tuples}', values)


async def _copy(
    conn: BaseDBAsyncClient, table: str, columns: list[str], rows: list[list[Any]]
) -> None:
    """PostgreSQL: the rows in one binary COPY, inside the caller's transaction. Cheaper than
    an INSERT from arrays for the client as well as the server: asyncpg encodes each value
    once by its column's type, where an array parameter first checks every element for a
    nested array. Triggers and constraints apply to COPY as to an INSERT."""
    from asyncpg import IntegrityConstraintViolationError

    client: Any = conn
    async with client.acquire_connection() as raw:
        # Logged as Tortoise logs its statements, so that statement counts include it.
        client.log.debug("%s: %s", f'COPY "{table}" FROM STDIN', f"{len(rows)} rows")
        try:
            await raw.copy_records_to_table(table, records=rows, columns=columns)
        except IntegrityConstraintViolationError as error:
            raise IntegrityError(error) from error


async def insert_models(objs: Sequence[Model], conn: BaseDBAsyncClient | None = None) -> None:
    """Insert these new objects of one model, ids already set (see `reserve_ids`)."""
    if not objs:
        return
    model = type(objs[0])
    names = list(model._meta.fields_db_projection)
    fields_map = model._meta.fields_map
    rows = [
        # Through each field, so that defaults such as auto_now are filled in as in a save.
        [fields_map[name].to_db_value(getattr(obj, name), obj) for name in names]
        for obj in objs
    ]
    await _insert(model, names, rows, _client(conn))


async def update_models(
    objs: Sequence[Model], fields: Sequence[str], conn: BaseDBAsyncClient | None = None
) -> None:
    """Write these fields of existing objects of one model, in one statement run per row."""
    if not objs or not fields:
        return
    conn = _client(conn)
    model = type(objs[0])
    projection = model._meta.fields_db_projection
    postgres = _postgres(conn)
    sets = ", ".join(
        f'"{projection[name]}" = ' + (f"${i}" if postgres else "?")
        for i, name in enumerate(fields, start=1)
    )
    key = f"${len(fields) + 1}" if postgres else "?"
    query = f'UPDATE "{model._meta.db_table}" SET {sets} WHERE "id" = {key}'
    fields_map = model._meta.fields_map
    await conn.execute_many(
        query,
        [
            [*(fields_map[name].to_db_value(getattr(obj, name), obj) for name in fields), obj.pk]
            for obj in objs
        ],
    )
