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

Scoped tables (PostgreSQL): the tables of a teacher's everyday writes whose every row belongs
to one student (`SCOPED`: marks, their history, attendance, remarks) also keep a version per
student, so that an answer which declared the students it read can outlive a mark given to
someone else. A write to them bumps the row `student:<id>` of `STUDENT_VERSION_TABLE` of
every student of its old and new rows, once per transaction, at the commit (see
`_pg_scoped_trigger`), and a stripe of the "scoped" counter; every other table bumps the
"base" counter. Stripes `0 .. STRIPES - 1` are the base and `STRIPES .. 2 * STRIPES - 1` the
scoped ones, so the coarse version, the sum of all stripes, moves on
every write exactly as before, and the fine version of an answer is the base plus the
versions of its students (`fine_version`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tortoise.backends.base.client import BaseDBAsyncClient

VERSION_TABLE = "ediary_data_version"
STUDENT_VERSION_TABLE = "ediary_student_version"
# The students a transaction's statements wrote, noted until its commit bumps their versions.
PENDING_TABLE = "ediary_student_version_pending"
TRIGGER = "ediary_data_version"
# On scoped tables, beside TRIGGER (which there moves the scoped counter): a statement-level
# trigger per kind of write that notes the students of the rows it wrote (a transition table
# may serve one kind only), and one for TRUNCATE, which names no rows and so moves the base
# (every answer).
STUDENT_TRIGGER = "ediary_data_version_student"
STUDENT_TRIGGERS = {
    "INSERT": STUDENT_TRIGGER,
    "UPDATE": "ediary_data_version_student_update",
    "DELETE": "ediary_data_version_student_delete",
}
TRUNCATE_TRIGGER = "ediary_data_version_truncate"
# On PENDING_TABLE: the deferred trigger that bumps the noted students at the commit.
FLUSH_TRIGGER = "ediary_student_version_flush"
STRIPES = 64

# Tables whose rows each belong to one student (their `student_id`), written by teachers all
# day: a write moves that student's version (and the coarse one), not the base.
SCOPED: dict[str, str] = {
    "mark": "marks, written by postMark(s), correctMark and deleteMark",
    "mark_event": "the history of marks, appended by every write of a mark",
    "attendance": "absences and lateness, written by recordAttendance and excuses",
    "remark": "remarks on a student at a lesson",
}

# Tables whose writes cannot change any answer a query gives; writing them keeps answers.
EXCLUDED: dict[str, str] = {
    VERSION_TABLE: "the counter itself",
    STUDENT_VERSION_TABLE: "the counters per student, moved by the scoped tables' triggers",
    PENDING_TABLE: "students noted by the scoped tables' triggers, emptied at every commit",
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


@dataclass(frozen=True)
class Seen:
    """The versions read with a session, before any work of the request."""

    coarse: str
    # None where there is no fine version (SQLite).
    base: str | None = None
    # Versions of the students read along (PostgreSQL): the account itself and its wards.
    students: dict[int, int] = field(default_factory=dict)


_VERSION_SQL = {
    # The sum over stripes: one short scan of at most 2 * STRIPES rows.
    "postgres": f"(SELECT CAST(COALESCE(SUM(version), 0) AS TEXT) FROM {VERSION_TABLE})",
    "sqlite": "((SELECT data_version FROM pragma_data_version) || '.' || total_changes())",
}
_BASE_SQL = (
    f"(SELECT CAST(COALESCE(SUM(version), 0) AS TEXT) FROM {VERSION_TABLE}"
    f" WHERE stripe < {STRIPES})"
)


def version_sql(dialect: str) -> str:
    """An SQL expression for the data version, to read it within another statement."""
    return _VERSION_SQL["postgres" if dialect == "postgres" else "sqlite"]


def base_version_sql(dialect: str) -> str | None:
    """An SQL expression for the base version (every table but the scoped ones), or None
    where there is none (SQLite keeps one coarse version)."""
    return _BASE_SQL if dialect == "postgres" else None


def student_versions_sql(user_id: str) -> str:
    """An SQL expression (PostgreSQL) for the versions of the students an account most
    likely reads, itself and its wards, as text "id=version,...": read with the session, so
    that a parent's or a student's kept answer is checked in that one statement. `user_id`
    is the SQL expression of the account's id."""
    return (
        "(SELECT COALESCE(string_agg(s.id || '=' || COALESCE(v.version, 0), ','), '')"
        f" FROM (SELECT {user_id} AS id UNION"
        f" SELECT g.student_id FROM guardianship g WHERE g.parent_id = {user_id}) s"
        f" LEFT JOIN {STUDENT_VERSION_TABLE} v ON v.key = 'student:' || s.id)"
    )


def parse_student_versions(text: str) -> dict[int, int]:
    """The versions by student of `student_versions_sql`'s text."""
    found: dict[int, int] = {}
    for pair in filter(None, text.split(",")):
        student, version = pair.split("=", 1)
        found[int(student)] = int(version)
    return found


async def student_versions(
    connection: BaseDBAsyncClient, students: Iterable[int]
) -> tuple[str, str, dict[int, int]]:
    """The coarse version, the base version and the versions of these students, read in
    one statement (PostgreSQL only)."""
    wanted = sorted(set(students))
    rows = await connection.execute_query_dict(
        f"SELECT {_VERSION_SQL['postgres']} AS coarse, {_BASE_SQL} AS base,"
        " COALESCE((SELECT string_agg(CAST(x.id AS TEXT) || '=' || COALESCE(v.version, 0), ',')"
        f" FROM unnest($1::bigint[]) AS x(id) LEFT JOIN {STUDENT_VERSION_TABLE} v"
        " ON v.key = 'student:' || x.id), '') AS students",
        [wanted],
    )
    row = rows[0]
    return str(row["coarse"]), str(row["base"]), parse_student_versions(str(row["students"]))


def fine_version(base: str, students: Mapping[int, int], read: Iterable[int]) -> str:
    """The version of an answer that read the scoped rows of these students only: it moves
    with any write to a table that is not scoped and with any write to their rows."""
    return base + ":" + ",".join(f"{s}={students[s]}" for s in sorted(set(read)))


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
INSERT INTO {VERSION_TABLE} (stripe) SELECT generate_series(0, {2 * STRIPES - 1})
    ON CONFLICT (stripe) DO NOTHING;
CREATE TABLE IF NOT EXISTS {STUDENT_VERSION_TABLE} (
    key TEXT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE OR REPLACE FUNCTION ediary_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {VERSION_TABLE} SET version = version + 1
        WHERE stripe = txid_current() % {STRIPES};
    RETURN NULL;
END
$$;
CREATE UNLOGGED TABLE IF NOT EXISTS {PENDING_TABLE} (students BIGINT[] NOT NULL);
-- The students of the rows a statement wrote (old and new rows alike), noted for the commit.
CREATE OR REPLACE FUNCTION ediary_note_students() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched BIGINT[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT student_id) INTO touched
            FROM new_rows WHERE student_id IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT student_id) INTO touched
            FROM old_rows WHERE student_id IS NOT NULL;
    ELSE
        SELECT array_agg(s) INTO touched FROM (
            SELECT student_id FROM old_rows UNION SELECT student_id FROM new_rows
        ) AS t(s) WHERE s IS NOT NULL;
    END IF;
    IF touched IS NOT NULL THEN
        INSERT INTO {PENDING_TABLE} (students) VALUES (touched);
    END IF;
    RETURN NULL;
END
$$;
-- At the commit: every student the transaction noted, bumped once, in one order for all
-- transactions. Fired once per noted statement; the first takes every note (another
-- transaction's notes are never visible: they are removed before it commits).
CREATE OR REPLACE FUNCTION ediary_bump_student_versions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH taken AS (DELETE FROM {PENDING_TABLE} RETURNING students)
    INSERT INTO {STUDENT_VERSION_TABLE} AS v (key, version)
        SELECT 'student:' || s, 1 FROM (SELECT DISTINCT unnest(students) FROM taken) AS t(s)
        ORDER BY s
        ON CONFLICT (key) DO UPDATE SET version = v.version + 1;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS {FLUSH_TRIGGER} ON {PENDING_TABLE};
CREATE CONSTRAINT TRIGGER {FLUSH_TRIGGER} AFTER INSERT ON {PENDING_TABLE}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ediary_bump_student_versions();
DROP FUNCTION IF EXISTS ediary_bump_student_version() CASCADE;
CREATE OR REPLACE FUNCTION ediary_bump_scoped_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {VERSION_TABLE} SET version = version + 1
        WHERE stripe = {STRIPES} + txid_current() % {STRIPES};
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


def _pg_scoped_trigger(table: str) -> str:
    quoted = _quoted(table)
    # Statement-level with transition tables: an import's statement of thousands of marks
    # notes its students once, where a row-level trigger ran once per row. The bump itself
    # waits for the commit (FLUSH_TRIGGER), so that the rows of `STUDENT_VERSION_TABLE` are
    # locked only while the transaction commits: two teachers marking the same class in
    # different orders would otherwise hold each other's students for their whole
    # transactions (and could deadlock). Still inside the writing transaction, so the
    # versions move exactly when the rows become visible.
    students = {
        "INSERT": "REFERENCING NEW TABLE AS new_rows",
        "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "REFERENCING OLD TABLE AS old_rows",
    }
    return (
        # The scoped counter, once a statement: a row-level update of one counter row would
        # cost a bulk insert time quadratic in its rows (every update of a row the
        # transaction already updated walks the chain of its earlier versions).
        f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {quoted}"
        " FOR EACH STATEMENT EXECUTE FUNCTION ediary_bump_scoped_version();"
        # Databases migrated before had a row-level constraint trigger of that name, which
        # cannot be replaced in place: dropped and made again in the same script.
        + "".join(
            f" DROP TRIGGER IF EXISTS {name} ON {quoted};"
            f" CREATE TRIGGER {name} AFTER {event} ON {quoted} {students[event]}"
            " FOR EACH STATEMENT EXECUTE FUNCTION ediary_note_students();"
            for event, name in STUDENT_TRIGGERS.items()
        )
        + f" CREATE OR REPLACE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON {quoted}"
        " FOR EACH STATEMENT EXECUTE FUNCTION ediary_bump_data_version();"
    )


def _pg_base_trigger(table: str) -> str:
    # A table no longer scoped loses the scoped table's triggers.
    quoted = _quoted(table)
    return "".join(
        f"DROP TRIGGER IF EXISTS {name} ON {quoted}; "
        for name in (*STUDENT_TRIGGERS.values(), TRUNCATE_TRIGGER)
    ) + _pg_trigger(table)


async def _scoped_tables(connection: BaseDBAsyncClient) -> set[str]:
    """The tables of `SCOPED` that exist here with a `student_id` column."""
    rows = await connection.execute_query_dict(
        "SELECT table_name AS name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND column_name = 'student_id'"
        " AND table_name = ANY($1::text[])",
        [sorted(SCOPED)],
    )
    return {str(row["name"]) for row in rows}


async def install(connection: BaseDBAsyncClient) -> list[str]:
    """Create the counters and a trigger on every table that is not excluded (a row-level
    one on the scoped tables); idempotent. Returns the tables covered (none on SQLite, which
    needs no triggers)."""
    if not _is_postgres(connection):
        return []
    await connection.execute_script(_PG_SETUP)
    # A table excluded after its trigger was made (the query budget) loses the trigger.
    await connection.execute_script(
        "\n".join(
            f"DO $$ BEGIN IF to_regclass('{table}') IS NOT NULL THEN"
            + "".join(
                f" DROP TRIGGER IF EXISTS {name} ON {_quoted(table)};"
                for name in (TRIGGER, *STUDENT_TRIGGERS.values(), TRUNCATE_TRIGGER)
            )
            + " END IF; END $$;"
            for table in EXCLUDED
        )
    )
    tables = await _tables(connection)
    scoped = await _scoped_tables(connection)
    if tables:
        # One script, one transaction: no moment without a trigger for other writers.
        await connection.execute_script(
            "\n".join(
                _pg_scoped_trigger(table) if table in scoped else _pg_base_trigger(table)
                for table in tables
            )
        )
    return tables


async def uncovered_tables(connection: BaseDBAsyncClient) -> list[str]:
    """Tables a write to which would not move the version: none after `ediary migrate`.
    Every table is uncovered while a counter itself is missing; a scoped table is uncovered
    while its rows' students or its TRUNCATE would not move a version."""
    if not _is_postgres(connection):
        return []
    rows = await connection.execute_query_dict(
        "SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM pg_trigger t"
        "   WHERE t.tgrelid = to_regclass($3) AND t.tgname = $4) AS present",
        [VERSION_TABLE, STUDENT_VERSION_TABLE, PENDING_TABLE, FLUSH_TRIGGER],
    )
    if not rows[0]["present"]:
        return await _tables(connection)
    own = [*STUDENT_TRIGGERS.values(), TRUNCATE_TRIGGER]
    rows = await connection.execute_query_dict(
        "SELECT c.relname AS name, EXISTS ("
        "   SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = $1) AS covered,"
        " (SELECT count(*) FROM pg_trigger t"
        "   WHERE t.tgrelid = c.oid AND t.tgname = ANY($2::text[])) = $3 AS scoped"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
        " AND NOT c.relispartition",
        [TRIGGER, own, len(own)],
    )
    scoped = await _scoped_tables(connection)
    return sorted(
        str(r["name"])
        for r in rows
        if r["name"] not in EXCLUDED
        and (not r["covered"] or (r["name"] in scoped and not r["scoped"]))
    )


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
