"""Database set-up: the Tortoise configuration, migrations and a statement counter."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as run_migrations
from tortoise.migrations.executor import MigrationExecutor
from tortoise.migrations.recorder import MigrationRecorder

from ediary.config import DEFAULT_DATABASE_URL

__all__ = [
    "TORTOISE_ORM",
    "close_database",
    "installed_plugin_apps",
    "migrate",
    "open_database",
]

if TYPE_CHECKING:
    from ediary.adapters.contrib import ModelsApp

PluginApps = Mapping[str, "ModelsApp"]

# Declared for readers and type checkers; the value comes from __getattr__ below, on demand.
TORTOISE_ORM: dict[str, Any]

APP_LABEL = "diary"
MODELS_MODULE = "ediary.domain.models"
MIGRATIONS_MODULE = "ediary.domain.migrations"
SQLITE_ENGINE = "ediary.sqlite_backend"


# asyncpg prepares each statement once per connection; PostgreSQL then plans it for the
# values of its first executions and decides whether one plan for any values would do, by
# comparing estimated costs. A plan for any values over a table partitioned by year
# (ediary.domain.partitions) lists every year's partition and prunes all but one when it
# runs, which its estimate does not count: with five years in the tables it would plan
# every execution again (about 1 ms for the week's statement, as long as running it).
# Our statements look rows up by key and bounded dates, which one plan serves. Only sent
# when statements are kept: behind PgBouncer (statement_cache_size=0) there is no plan to
# reuse, and PgBouncer refuses startup settings it does not know.
GENERIC_PLANS = {"plan_cache_mode": "force_generic_plan"}


def tortoise_config(database_url: str, plugin_apps: PluginApps | None = None) -> dict[str, Any]:
    """The Tortoise configuration for one database URL: the diary app and plugins' apps."""
    apps: dict[str, Any] = {
        APP_LABEL: {
            "models": [MODELS_MODULE],
            "migrations": MIGRATIONS_MODULE,
            "default_connection": "default",
        }
    }
    for label, app in (plugin_apps or {}).items():
        apps[label] = {
            "models": list(app["models"]),
            "migrations": app["migrations"],
            "default_connection": "default",
        }
    return {
        "connections": {"default": _connection(database_url)},
        "apps": apps,
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection(url: str) -> str | dict[str, Any]:
    """The connection's settings; SQLite files get our client (see ediary.sqlite_backend),
    PostgreSQL pools a release without a round trip (see `_release_as_is`)."""
    if url.startswith(("postgres://", "postgresql://", "asyncpg://", "psycopg://")):
        expanded = expand_db_url(url)
        if expanded["engine"] == "tortoise.backends.asyncpg":
            credentials = expanded["credentials"]
            credentials["reset"] = _release_as_is
            if credentials.get("statement_cache_size") != 0:
                settings = credentials.setdefault("server_settings", {})
                settings.update(GENERIC_PLANS)
        return expanded
    if not url.startswith("sqlite://") or ":memory:" in url:
        return url
    # Several processes (server workers, the CLI) may write the same file: wait for the lock
    # instead of failing at once. Tortoise passes URL parameters on as PRAGMAs and turns WAL
    # on itself.
    if "busy_timeout" not in url:
        url += ("&" if "?" in url else "?") + "busy_timeout=5000"
    expanded = expand_db_url(url)
    expanded["engine"] = SQLITE_ENGINE
    return expanded


def replica_connection(url: str) -> dict[str, Any]:
    """A read replica's connection settings, made as the primary's are (see `_connection`);
    its client lives outside Tortoise's connections (see ediary.domain.replicas)."""
    found = _connection(url)
    return expand_db_url(found) if isinstance(found, str) else found


async def _release_as_is(connection: object) -> None:
    """asyncpg's pool, by default, sends `SELECT pg_advisory_unlock_all(); CLOSE ALL;
    UNLISTEN *; RESET ALL` on every release: a second round trip, and four statements for the
    server, after each of the one or two statements most requests run. Nothing here leaves
    that state on a pooled connection (LISTEN has its own connection, locks are taken for a
    transaction, settings with SET LOCAL), and a pooler in transaction mode forbids it
    anyway; an open transaction is still rolled back by asyncpg before this runs."""


def installed_plugin_apps() -> dict[str, ModelsApp]:
    """The apps of the plugins EDIARY_PLUGINS allows (all installed ones by default)."""
    from ediary.adapters.manager import load_plugins, model_apps
    from ediary.config import Settings

    return model_apps(load_plugins(Settings.from_env().plugins))


def __getattr__(name: str) -> Any:
    # TORTOISE_ORM is read by the `tortoise` command (pyproject's [tool.tortoise]) for
    # makemigrations; it is computed on demand so importing this module loads no plugins.
    if name == "TORTOISE_ORM":
        url = os.environ.get("EDIARY_DATABASE_URL") or DEFAULT_DATABASE_URL
        return tortoise_config(url, installed_plugin_apps())
    raise AttributeError(name)


async def open_database(database_url: str, plugin_apps: PluginApps | None = None) -> None:
    """Connect Tortoise for this process; every task of the process then uses it."""
    await Tortoise.init(
        config=tortoise_config(database_url, plugin_apps), _enable_global_fallback=True
    )


async def close_database() -> None:
    await Tortoise.close_connections()


async def unapplied_migrations(plugin_apps: PluginApps | None = None) -> dict[str, int]:
    """How many migrations of each app (the core's `diary` and the plugins') the open
    database lacks, by app label; apps that are up to date are left out."""
    apps = tortoise_config("sqlite://:memory:", plugin_apps)["apps"]
    executor = MigrationExecutor(connections.get("default"), apps)
    missing: dict[str, int] = {}
    for step in await executor.plan():
        if not step.backward:
            label = step.migration.app_label
            missing[label] = missing.get(label, 0) + 1
    return missing


async def applied_apps() -> set[str]:
    """The apps the open database has any migration of."""
    recorder = MigrationRecorder(connections.get("default"))
    return {key.app_label for key in await recorder.applied_migrations()}


async def migrate(database_url: str, plugin_apps: PluginApps | None = None) -> None:
    """Bring the database schema, plugins' tables included, up to the latest migrations."""
    from ediary.domain import dataversion

    await run_migrations(config=tortoise_config(database_url, plugin_apps))
    try:
        # After the migrations, so that tables they created get their trigger too.
        await dataversion.install(connections.get("default"))
    finally:
        await Tortoise.close_connections()


@dataclass
class StatementCount:
    """How many SQL statements ran while the counter was open."""

    value: int = 0
    statements: list[str] | None = None


class _Counter(logging.Handler):
    def __init__(self, count: StatementCount) -> None:
        super().__init__(logging.DEBUG)
        self.count = count

    def emit(self, record: logging.LogRecord) -> None:
        # Tortoise logs every statement at DEBUG, as "<sql>: <values>" or the bare SQL.
        sql = record.args[0] if isinstance(record.args, tuple) and record.args else record.msg
        if isinstance(sql, str) and sql.lstrip().split(" ", 1)[0].upper() in _VERBS:
            self.count.value += 1
            if self.count.statements is not None:
                self.count.statements.append(sql)


_VERBS = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "COPY"}


@contextmanager
def count_statements(keep: bool = False) -> Iterator[StatementCount]:
    """Count the SQL statements Tortoise sends while the block runs (for tests and benches)."""
    logger = logging.getLogger("tortoise.db_client")
    count = StatementCount(statements=[] if keep else None)
    handler = _Counter(count)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield count
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
