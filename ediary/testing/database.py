"""Scratch databases: a new SQLite file, or a new PostgreSQL database created on a server and
dropped afterwards, so that every test run starts from an empty schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from ediary.db import PluginApps, close_database, migrate, open_database

# Names a server database (for example postgres://postgres@127.0.0.1:5432/test) to create
# scratch databases from; empty or unset means SQLite.
POSTGRES_ENV = "EDIARY_TEST_POSTGRES_URL"


def postgres_server() -> str:
    """The PostgreSQL server to test on, from EDIARY_TEST_POSTGRES_URL, or "" for SQLite."""
    return os.environ.get(POSTGRES_ENV, "")


def _asyncpg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


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
    try:
        yield f"{base}/{name}"
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
        await migrate(url, plugin_apps)
        await open_database(url, plugin_apps)
        try:
            yield url
        finally:
            await close_database()
