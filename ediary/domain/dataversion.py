"""The data version: a counter in the database that triggers bump on every write to a table
whose rows can show in an answer, so that every server process can tell, in the statement
that checks a session, whether an answer it keeps is still true.

PostgreSQL: statement-level triggers, made from the database's own list of tables each time
`ediary migrate` runs, so plugins' tables and tables added later are covered without anyone
listing them. The counter changes in the writing transaction: a reader sees the new version
exactly when it can see the new rows. (A sequence would be cheaper but moves before the
commit, and an answer computed from the old rows would then be kept under the new version.)
The counter is spread over stripes, one per transaction by its id, and the version is their
sum: concurrent writers seldom wait on the same row, and a transaction only ever takes the
lock of its own stripe.

SQLite: the database keeps the counters itself. `PRAGMA data_version` moves when another
connection (another process) commits, and `total_changes()` counts every row this process's
single connection wrote. Triggers are not used there: SQLite counts the rows a trigger
writes among the statement's changes, and Tortoise reads those counts as "rows updated".
SQLite's version moves on every write, excluded tables included: coarser, never stale.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

VERSION_TABLE = "ediary_data_version"
TRIGGER = "ediary_data_version"
STRIPES = 64

# Tables whose writes cannot change any answer a query gives; writing them keeps answers.
EXCLUDED: dict[str, str] = {
    VERSION_TABLE: "the counter itself",
    "tortoise_migrations": "which migrations ran; `ediary migrate` reinstalls the triggers",
    # Logins and logouts are mutations (never kept); a session's validity is checked on every
    # request before any kept answer is used, and no query lists sessions.
    "login_session": "sessions are checked apart from the cache on every request",
    # Counters of failed attempts; only login and code-redemption mutations read them.
    "rate_limit": "failed-attempt counters, read by mutations only",
    # Query points spent per viewer, written by every request that runs; only `rateLimit`
    # reads it, and its answers are marked not to be kept.
    "query_budget": "query points spent, read only by rateLimit, whose answers are not kept",
    # Delivery bookkeeping of notifications (attempts, status); no query reads it.
    "outbox_message": "the notification outbox, read by the delivery worker only",
    # Idempotency keys of submitted mark batches; only postMarks looks them up, and the
    # marks it writes bump the version themselves.
    "mark_batch": "idempotency keys of mark batches, read by postMarks only",
}

_VERSION_SQL = {
    # The sum over stripes: one short scan of at most STRIPES rows.
    "postgres": f"(SELECT CAST(COALESCE(SUM(version), 0) AS TEXT) FROM {VERSION_TABLE})",
    "sqlite": "((SELECT data_version FROM pragma_data_version) || '.' || total_changes())",
}


def version_sql(dialect: str) -> str:
    """An SQL expression for the data version, to read it within another statement."""
    return _VERSION_SQL["postgres" if dialect == "postgres" else "sqlite"]


def _is_postgres(connection: BaseDBAsyncClient) -> bool:
    return connection.capabilities.dialect == "postgres"


async def _tables(connection: BaseDBAsyncClient) -> list[str]:
    rows = await connection.execute_query_dict(
        "SELECT c.relname AS name FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
        " AND NOT c.relispartition"
    )
    return sorted(str(row["name"]) for row in rows if row["name"] not in EXCLUDED)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_PG_SETUP = f"""
CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
    stripe SMALLINT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 0
);
INSERT INTO {VERSION_TABLE} (stripe) SELECT generate_series(0, {STRIPES - 1})
    ON CONFLICT (stripe) DO NOTHING;
CREATE OR REPLACE FUNCTION ediary_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {VERSION_TABLE} SET version = version + 1
        WHERE stripe = txid_current() % {STRIPES};
    RETURN NULL;
END
$$;
"""


def _pg_trigger(table: str) -> str:
    # Statement-level: a bulk insert of a thousand marks bumps the counter once.
    return (
        f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
        f" ON {_quoted(table)} FOR EACH STATEMENT EXECUTE FUNCTION ediary_bump_data_version();"
    )


async def install(connection: BaseDBAsyncClient) -> list[str]:
    """Create the counter and a trigger on every table that is not excluded; idempotent.
    Returns the tables covered (none on SQLite, which needs no triggers)."""
    if not _is_postgres(connection):
        return []
    await connection.execute_script(_PG_SETUP)
    # A table excluded after its trigger was made (the query budget) loses the trigger.
    await connection.execute_script(
        "\n".join(
            f"DO $$ BEGIN IF to_regclass('{table}') IS NOT NULL THEN"
            f" DROP TRIGGER IF EXISTS {TRIGGER} ON {_quoted(table)}; END IF; END $$;"
            for table in EXCLUDED
        )
    )
    tables = await _tables(connection)
    if tables:
        await connection.execute_script("\n".join(_pg_trigger(table) for table in tables))
    return tables


async def uncovered_tables(connection: BaseDBAsyncClient) -> list[str]:
    """Tables a write to which would not move the version: none after `ediary migrate`.
    Every table is uncovered while the counter itself is missing."""
    if not _is_postgres(connection):
        return []
    rows = await connection.execute_query_dict(
        "SELECT to_regclass($1) IS NOT NULL AS present", [VERSION_TABLE]
    )
    if not rows[0]["present"]:
        return await _tables(connection)
    rows = await connection.execute_query_dict(
        "SELECT c.relname AS name FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
        " AND NOT c.relispartition AND NOT EXISTS ("
        "   SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = $1)",
        [TRIGGER],
    )
    return sorted(str(r["name"]) for r in rows if r["name"] not in EXCLUDED)


def after_uncounted_writes(version: str, writes: int) -> str:
    """The version SQLite will show after `writes` rows of excluded tables (the query budget)
    were written by this process and nothing else: PostgreSQL's triggers skip those tables,
    but SQLite's `total_changes()` counts them."""
    if writes == 0 or "." not in version:
        return version
    data, changes = version.split(".", 1)
    return f"{data}.{int(changes) + writes}"


async def current(connection: BaseDBAsyncClient) -> str:
    """The data version now, as this process sees it (requests read it with the session)."""
    expression = version_sql(connection.capabilities.dialect)
    rows = await connection.execute_query_dict(f"SELECT {expression} AS version")
    return str(rows[0]["version"])
