"""The database set-up: how a pooled PostgreSQL connection is handed back."""

from __future__ import annotations

import asyncpg
import pytest

from ediary.db import tortoise_config
from tests.conftest import BACKEND

postgres_only = pytest.mark.skipif(BACKEND != "postgres", reason="asyncpg's pool is PostgreSQL's")


def test_postgresql_pools_release_without_the_reset_statements() -> None:
    credentials = tortoise_config("postgres://u@db.example:5433/diary")["connections"]["default"]
    assert credentials["engine"] == "tortoise.backends.asyncpg"
    assert credentials["credentials"]["database"] == "diary"
    assert credentials["credentials"]["port"] == 5433
    assert callable(credentials["credentials"]["reset"])


@postgres_only
async def test_a_released_connection_keeps_no_open_transaction(database: str) -> None:
    """The one reset that matters still happens: whatever left a transaction open on a
    pooled connection, the next user of the connection starts outside it."""
    reset = tortoise_config(database)["connections"]["default"]["credentials"]["reset"]
    dsn = database.replace("postgres://", "postgresql://", 1)
    # One connection, so the second acquire gets the first one back.
    async with asyncpg.create_pool(dsn, min_size=1, max_size=1, reset=reset) as pool:
        async with pool.acquire() as first:
            backend = await first.fetchval("SELECT pg_backend_pid()")
            await first.execute("BEGIN")
            await first.execute("CREATE TEMPORARY TABLE left_open (n int) ON COMMIT DROP")
        async with pool.acquire() as again:
            assert await again.fetchval("SELECT pg_backend_pid()") == backend
            assert not again.is_in_transaction()
            assert await again.fetchval("SELECT to_regclass('pg_temp.left_open')") is None
