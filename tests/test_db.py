"""The database set-up: how a pooled PostgreSQL connection is handed back and how its
statements are planned."""

from __future__ import annotations

from urllib.parse import urlsplit

import asyncpg
import pytest
from tortoise import connections

from ediary.db import tortoise_config
from ediary.domain import models
from ediary.testing.database import direct_url, postgres_pooler
from tests.conftest import BACKEND
from tests.pooler import transactions_through

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
    # On the server itself: behind a pooler, a transaction may get another backend.
    dsn = direct_url(database).replace("postgres://", "postgresql://", 1)
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


@pytest.mark.skipif(
    BACKEND != "postgres" or not postgres_pooler(),
    reason="the pass through a pooler (EDIARY_TEST_POSTGRES_POOLER_URL) only",
)
async def test_with_a_pooler_set_the_suite_goes_through_it(database: str) -> None:
    """The suite's pass through PgBouncer is one: the application's statements reach the
    scratch database through the pooler, not around it."""
    name = urlsplit(database).path.lstrip("/")
    assert urlsplit(database).netloc == urlsplit(postgres_pooler()).netloc
    before = transactions_through(postgres_pooler(), name)
    await models.School.all().count()
    assert transactions_through(postgres_pooler(), name) > before


def test_postgresql_reuses_one_plan_per_prepared_statement() -> None:
    credentials = tortoise_config("postgres://u@db.example/diary")["connections"]["default"]
    settings = credentials["credentials"]["server_settings"]
    assert settings == {"plan_cache_mode": "force_generic_plan"}


def test_without_a_statement_cache_no_plan_setting_is_sent() -> None:
    """Behind PgBouncer (no statement cache) nothing is prepared to reuse, and PgBouncer
    refuses a startup setting it does not know."""
    url = "postgres://u@pgbouncer.example:6432/diary?statement_cache_size=0"
    credentials = tortoise_config(url)["connections"]["default"]["credentials"]
    assert "plan_cache_mode" not in credentials.get("server_settings", {})


@postgres_only
async def test_the_application_s_connections_plan_once_per_statement(database: str) -> None:
    found = await connections.get("default").execute_query_dict("SHOW plan_cache_mode")
    pooled = "statement_cache_size=0" in database
    assert found[0]["plan_cache_mode"] == ("auto" if pooled else "force_generic_plan")
