"""Set-based writes of many rows of one model, in PostgreSQL and SQLite alike.

An import writes tens of thousands of rows; one INSERT per row costs a round trip each. Here
new rows get their ids up front (`reserve_ids`: from the table's sequence in PostgreSQL, past
the largest id in SQLite, whose single writer holds the transaction), so that the caller can
link to them before they are written, and are then written by multi-row INSERTs of up to
`ROWS` rows (`insert_models`); changed rows are written by one UPDATE run over every row's
values (`update_models`). Values go through each field's own `to_db_value`, the conversion
Tortoise applies to a single save, and statements go through Tortoise's connection, so they
join the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

__all__ = ["insert_models", "reserve_ids", "update_models"]

# Rows of one INSERT, and a bound on its parameters (SQLite allows 32766, PostgreSQL 32767).
ROWS = 1000
PARAMETERS = 30000


def _client(conn: BaseDBAsyncClient | None) -> BaseDBAsyncClient:
    return conn if conn is not None else connections.get("default")


def _postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


async def reserve_ids(
    model: type[Model], count: int, conn: BaseDBAsyncClient | None = None
) -> list[int]:
    """`count` unused ids of the model's table, for rows the caller is about to insert."""
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
    top = int(rows[0]["top"])
    return list(range(top + 1, top + 1 + count))


def _columns(model: type[Model]) -> list[tuple[str, str]]:
    """(field name, column) of every column the model writes, its id included."""
    return list(model._meta.fields_db_projection.items())


def _values(obj: Model, columns: list[tuple[str, str]]) -> list[Any]:
    fields = obj._meta.fields_map
    return [fields[name].to_db_value(getattr(obj, name), obj) for name, _ in columns]


async def insert_models(objs: Sequence[Model], conn: BaseDBAsyncClient | None = None) -> None:
    """Insert these new objects of one model, ids already set (see `reserve_ids`)."""
    if not objs:
        return
    conn = _client(conn)
    model = type(objs[0])
    columns = _columns(model)
    names = ", ".join(f'"{column}"' for _, column in columns)
    per_statement = max(1, min(ROWS, PARAMETERS // len(columns)))
    postgres = _postgres(conn)
    for start in range(0, len(objs), per_statement):
        page = objs[start : start + per_statement]
        values: list[Any] = []
        tuples = []
        for obj in page:
            row = _values(obj, columns)
            if postgres:
                marks = (f"${len(values) + i + 1}" for i in range(len(row)))
            else:
                marks = ("?" for _ in row)
            tuples.append(f"({', '.join(marks)})")
            values.extend(row)
        await conn.execute_query(
            f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES {", ".join(tuples)}', values
        )


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
    chosen = [(name, projection[name]) for name in fields]
    await conn.execute_many(query, [[*_values(obj, chosen), obj.pk] for obj in objs])
