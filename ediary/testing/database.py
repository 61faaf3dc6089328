"""Scratch databases: a new SQLite file, or a new PostgreSQL database created on a server and
dropped afterwards, so that every test run starts from an empty schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from ediary.db import PluginApps, close_database, migrate, open_database

# Names a server database (for example postgres://postgres@127.0.0.1:5432/test) to create
# scratch databases from; empty or unset means SQLite.
POSTGRES_ENV = "EDIARY_TEST_POSTGRES_URL"
# Names a PgBouncer in transaction mode in front of that server (for example
# postgres://postgres@127.0.0.1:6432): scratch databases are then created and migrated on the
# server directly, and served through the pooler, as docs/operations.md ("PgBouncer") says.
POOLER_ENV = "EDIARY_TEST_POSTGRES_POOLER_URL"
# What a URL through PgBouncer 1.18 needs (prepared statements do not outlive a transaction).
POOLED_QUERY = "statement_cache_size=0"


def postgres_server() -> str:
    """The PostgreSQL server to test on, from EDIARY_TEST_POSTGRES_URL, or "" for SQLite."""
    return os.environ.get(POSTGRES_ENV, "")


def postgres_pooler() -> str:
    """The PgBouncer to serve scratch databases through, from EDIARY_TEST_POSTGRES_POOLER_URL,
    or "" to connect to the server directly."""
    return os.environ.get(POOLER_ENV, "").rstrip("/")


def _asyncpg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _netloc(url: str) -> str:
    return urlsplit(url).netloc


def _pooled(direct: str) -> str:
    """The URL of the same database through the pooler, when one is set."""
    pooler = postgres_pooler()
    if not pooler:
        return direct
    parts = urlsplit(direct)
    return urlunsplit(parts._replace(netloc=_netloc(pooler), query=POOLED_QUERY))


def direct_url(url: str) -> str:
    """The server's own URL for a scratch database's URL: itself, unless it goes through the
    pooler, whose sessions cannot run migrations or hold a LISTEN."""
    pooler = postgres_pooler()
    parts = urlsplit(url)
    if not pooler or parts.netloc != _netloc(pooler):
        return url
    return urlunsplit(parts._replace(netloc=_netloc(postgres_server()), query=""))


def listen_url(url: str) -> str:
    """EDIARY_LISTEN_DATABASE_URL for a server on a scratch database: the direct URL when the
    database is served through the pooler, else "" (LISTEN on the database's own URL)."""
    direct = direct_url(url)
    return "" if direct == url else direct


async def connect(url: str) -> asyncpg.Connection:
    """A PostgreSQL connection of its own to a scratch database, on the server directly: a
    second session beside the application's, for a test that writes or locks behind its back."""
    return await asyncpg.connect(_asyncpg_url(direct_url(url)))


@asynccontextmanager
async def scratch_database_url(directory: Path, server: str = "") -> AsyncIterator[str]:
    """The URL of a new, empty database: a SQLite file in `directory`, or, when `server` names a
    PostgreSQL database, a new database on that server, dropped on exit."""
    if not server:
        yield f"sqlite://{directory / f'ediary-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    name = f"ediary_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_asyncpg_url(server))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base, _, _ = server.rpartition("/")
    url = f"{base}/{name}"
    try:
        # The pooler stands in front of the suite's server only.
        yield _pooled(url) if server == postgres_server() else url
    finally:
        admin = await asyncpg.connect(_asyncpg_url(server))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@asynccontextmanager
async def migrated_database(
    directory: Path, plugin_apps: PluginApps | None = None, server: str = ""
) -> AsyncIterator[str]:
    """A scratch database migrated with the core's and `plugin_apps`' migrations and opened for
    this process (Tortoise binds one database per process); closed and dropped on exit."""
    async with scratch_database_url(directory, server) as url:
        await migrate(direct_url(url), plugin_apps)
        await open_database(url, plugin_apps)
        try:
            yield url
        finally:
            await close_database()
