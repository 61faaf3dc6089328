"""Hand-written SQL for the hot read paths, in one text for PostgreSQL and SQLite.

The diary's busiest reads (a week, a class journal, the viewer behind a session) are a few
statements whose shape never changes, so they are written once as SQL and run without
building a query or a model object per row. They are written in PostgreSQL's dialect, with
numbered parameters; `translate` rewrites the few constructs SQLite spells otherwise:

- `$1`, `$2` ... become `?1`, `?2` ... (SQLite numbers its parameters the same way);
- `= ANY($n)` (a list parameter) becomes `IN (SELECT value FROM json_each(?n))`, and the
  list is sent as a JSON array;
- `= ANY(ARRAY(SELECT ...))` (a subquery's values as one list, which PostgreSQL computes
  once and looks up by index whatever plan it keeps) becomes `IN (SELECT ...)`;
- `json_agg(`, `json_build_object(` and `json_build_array(` become SQLite's
  `json_group_array(`, `json_object(` and `json_array(`. An aggregate over no rows is NULL
  in PostgreSQL and `[]` in SQLite: wrap it in `COALESCE(..., '[]')`.

Nested rows come back as JSON text (PostgreSQL's json is text to asyncpg): `json_rows` reads
it. Dates are ISO strings in both; booleans are true/false in PostgreSQL and 1/0 in SQLite.
`as_date`, `as_datetime` and `as_bool` read a value the same way whichever database or JSON
gave it. A statement whose conditions depend on the caller (a grant's enrollments, a subject
filter) is put together with `Parameters`, which numbers the values as they are added.
Statements go through Tortoise's connection, so they join the caller's transaction and are
counted by `ediary.db.count_statements` like any other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient

from ediary.domain import replicas

_ANY = re.compile(r"=\s*ANY\(\$(\d+)\)")
_ANY_ARRAY = re.compile(r"=\s*ANY\(ARRAY\((SELECT [^()]*)\)\)")
_PARAMETER = re.compile(r"\$(\d+)")
_FUNCTIONS = {
    "json_agg(": "json_group_array(",
    "json_build_object(": "json_object(",
    "json_build_array(": "json_array(",
}


def is_postgres(client: BaseDBAsyncClient) -> bool:
    return bool(client.capabilities.dialect == "postgres")


@cache
def translate(text: str, postgres: bool) -> str:
    """The statement in the dialect of the database (see the module's description)."""
    if postgres:
        return text
    text = _ANY.sub(r"IN (SELECT value FROM json_each(?\1))", text)
    text = _ANY_ARRAY.sub(r"IN (\1)", text)
    text = _PARAMETER.sub(r"?\1", text)
    for theirs, ours in _FUNCTIONS.items():
        text = text.replace(theirs, ours)
    return text


def _for_sqlite(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return orjson.dumps(sorted(value) if isinstance(value, set | frozenset) else list(value))
    if isinstance(value, datetime):
        # Stored as Tortoise writes it: ISO 8601 with a space and the offset.
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


async def fetch(
    text: str, values: Sequence[Any] = (), client: BaseDBAsyncClient | None = None
) -> list[Any]:
    """The rows of one statement, as the driver gives them (asyncpg records or SQLite rows,
    both indexable by position and by column name)."""
    if client is not None:
        return await _fetch(text, values, client)
    chosen = await replicas.read_client()
    try:
        return await _fetch(text, values, chosen)
    except Exception:
        # A replica that went down since the last poll: the read is answered by the primary,
        # and the request's later reads stay there.
        if not replicas.fall_back(chosen):
            raise
        return await _fetch(text, values, await replicas.read_client())


async def _fetch(text: str, values: Sequence[Any], client: BaseDBAsyncClient) -> list[Any]:
    postgres = is_postgres(client)
    sent = [list(v) if postgres and isinstance(v, set | frozenset | tuple) else v for v in values]
    if not postgres:
        sent = [_for_sqlite(v) for v in sent]
    _, rows = await client.execute_query(translate(text, postgres), sent)
    return list(rows)


def json_rows(found: Any) -> list[Any]:
    """The list a `COALESCE(json_agg(...), '[]')` column holds."""
    if found is None:
        return []
    if isinstance(found, bytes | str):
        loaded: list[Any] = orjson.loads(found)
        return loaded
    return list(found)


def as_bool(found: Any) -> bool:
    """A boolean as either database returns it (SQLite: 0 and 1)."""
    return bool(found)


def as_date(found: Any) -> date:
    """A date as a column (asyncpg: a date; SQLite: ISO text) or a JSON value gives it."""
    if isinstance(found, date):
        return found
    return date.fromisoformat(found)


def as_datetime(found: Any) -> datetime:
    """A timestamp as a column or a JSON value gives it, in UTC as Tortoise answers: PostgreSQL
    writes JSON timestamps in the session's time zone, SQLite keeps the text Tortoise wrote."""
    moment = found if isinstance(found, datetime) else datetime.fromisoformat(found)
    if moment.tzinfo is UTC:  # a server in UTC, as most are: nothing to convert
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def json_datetime(text: str) -> datetime:
    """A timestamp as a JSON aggregate holds it (always text), in UTC: `as_datetime` without
    asking what it was given, for the hundreds of marks of a journal."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is UTC else as_datetime(moment)


class Parameters:
    """The values of a statement whose text is put together piece by piece: `add` keeps a
    value and answers the `$n` that names it in the text."""

    def __init__(self, *values: Any) -> None:
        self.values: list[Any] = list(values)

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"
