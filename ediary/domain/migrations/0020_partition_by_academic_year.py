"""PostgreSQL: lesson, mark, attendance and mark_event become tables partitioned by academic
year (the range of `date`, from August 1 to August 1), so that a year's rows sit in tables of
their own and a past year can be detached and archived without stopping the service
(ediary.domain.partitions, docs/operations.md "Academic years and partitions").

A unique key of a partitioned table must hold the partition key, so the primary keys become
(id, date) and no other table can point at these four with a foreign key. The references into
them (from mark, attendance, homework, remark, planned_work and mark_event) are kept by
triggers that do what the foreign keys did: a row's referenced row must exist (and is locked
FOR KEY SHARE until the writer commits, as PostgreSQL's own checks do), and deleting a
referenced row is refused or cascades as before. mark_event's `seq` and `hash` are unique
with the date: the chain's writer serializes on a lock, and `ediary audit verify` checks
that the sequence has neither gaps nor repeats.

The tables are rewritten once, rows copied in one transaction: on a large database, run it
in a maintenance window. SQLite has no partitions: there the migration does nothing.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

TABLES = ("lesson", "mark", "attendance", "mark_event")

# (table, column, referenced table, on delete): the foreign keys replaced by triggers.
REFERENCES = (
    ("mark", "lesson_id", "lesson", "restrict"),
    ("attendance", "lesson_id", "lesson", "cascade"),
    ("homework", "lesson_id", "lesson", "cascade"),
    ("remark", "lesson_id", "lesson", "cascade"),
    ("planned_work", "lesson_id", "lesson", "cascade"),
    ("mark_event", "mark_id", "mark", "restrict"),
)

FUNCTIONS = """
CREATE OR REPLACE FUNCTION ediary_academic_year_of(day date) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    -- August 1 is the first day of a year's partition: July's end-of-year business stays in
    -- its year, and nothing happens at schools in early August.
    SELECT CAST(extract(year FROM day - interval '7 months') AS integer)
$$;

CREATE OR REPLACE FUNCTION ediary_add_year_partitions(first_day date, last_day date)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    year integer;
    parent text;
    part text;
    made integer := 0;
BEGIN
    IF first_day IS NULL OR last_day IS NULL THEN
        RETURN 0;
    END IF;
    FOR year IN ediary_academic_year_of(first_day) .. ediary_academic_year_of(last_day) LOOP
        FOREACH parent IN ARRAY ARRAY['lesson', 'mark', 'attendance', 'mark_event'] LOOP
            part := parent || '_y' || year;
            -- A year moved to the archive is not made again: writing into it is refused.
            CONTINUE WHEN to_regclass(quote_ident(part)) IS NOT NULL
                OR to_regclass('ediary_archive.' || quote_ident(part)) IS NOT NULL;
            -- Made apart and attached, rather than CREATE TABLE ... PARTITION OF: attaching
            -- locks the parent in SHARE UPDATE EXCLUSIVE mode, which lets reads and writes
            -- go on while the transaction that records a new year is open.
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', part, parent);
            EXECUTE format(
                'ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                parent, part, make_date(year, 8, 1), make_date(year + 1, 8, 1)
            );
            made := made + 1;
        END LOOP;
    END LOOP;
    RETURN made;
END
$$;

-- A school year recorded, or moved, brings its partitions along, whoever writes it.
CREATE OR REPLACE FUNCTION ediary_academic_year_partitions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ediary_add_year_partitions(NEW.starts_on, NEW.ends_on);
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS ediary_partitions ON academic_year;
CREATE TRIGGER ediary_partitions AFTER INSERT OR UPDATE OF starts_on, ends_on ON academic_year
    FOR EACH ROW EXECUTE FUNCTION ediary_academic_year_partitions();
"""


def _reference_sql(table: str, column: str, parent: str, on_delete: str) -> str:
    name = f"ediary_ref_{table}_{column}"
    check = f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.{column} IS NULL
        OR (TG_OP = 'UPDATE' AND NEW.{column} IS NOT DISTINCT FROM OLD.{column}) THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM {parent} WHERE id = NEW.{column} FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'insert or update on table "{table}" violates the reference to "{parent}"'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key ({column})=(%s) is not present in table "{parent}".',
                                  NEW.{column});
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS {name} ON {table};
CREATE TRIGGER {name} AFTER INSERT OR UPDATE OF {column} ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}();
"""
    if on_delete == "cascade":
        action = f"DELETE FROM {table} WHERE {column} = OLD.id;"
    else:
        action = f"""IF EXISTS (SELECT 1 FROM {table} WHERE {column} = OLD.id) THEN
        RAISE EXCEPTION 'delete on table "{parent}" violates the reference from "{table}"'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key (id)=(%s) is still referenced from table "{table}".',
                                  OLD.id);
    END IF;"""
    guard = f"ediary_refd_{table}_{column}"
    keep = f"""
CREATE OR REPLACE FUNCTION {guard}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- An update that changes the date across August 1 moves the row to another partition:
    -- a delete and an insert of the same id, which takes nothing away.
    IF EXISTS (SELECT 1 FROM {parent} WHERE id = OLD.id) THEN
        RETURN NULL;
    END IF;
    {action}
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS {guard} ON {parent};
CREATE TRIGGER {guard} AFTER DELETE ON {parent}
    FOR EACH ROW EXECUTE FUNCTION {guard}();
"""
    return check + keep


async def _rows(client, sql: str, values: list | None = None) -> list[dict]:
    return list(await client.execute_query_dict(sql, values or []))


async def _convert(client, table: str) -> None:
    old = f"{table}__unpartitioned"
    indexes = await _rows(
        client,
        """
        SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition,
               i.indisunique AS is_unique, i.indisprimary AS is_primary,
               con.conname AS constraint_name,
               ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                     ORDER BY k.n) AS columns
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
        WHERE i.indrelid = CAST($1 AS regclass)
        """,
        [table],
    )
    outgoing = await _rows(
        client,
        "SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint"
        " WHERE conrelid = CAST($1 AS regclass) AND contype = 'f'",
        [table],
    )
    (sequence,) = await _rows(client, "SELECT pg_get_serial_sequence($1, 'id') AS name", [table])
    await client.execute_script(f"""
        ALTER TABLE {table} RENAME TO {old};
        CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS) PARTITION BY RANGE (date);
        SELECT ediary_add_year_partitions(MIN(date), MAX(date)) FROM {old};
        INSERT INTO {table} SELECT * FROM {old};
        ALTER SEQUENCE {sequence["name"]} OWNED BY NONE;
        DROP TABLE {old};
        ALTER SEQUENCE {sequence["name"]} OWNED BY {table}.id;
    """)
    statements = []
    for index in indexes:
        columns = [c for c in index["columns"] if c != "date"] + ["date"]
        listed = ", ".join(columns)
        if index["is_primary"]:
            statements.append(
                f"ALTER TABLE {table} ADD CONSTRAINT {index['name']} PRIMARY KEY ({listed})"
            )
        elif index["is_unique"] and index["constraint_name"]:
            statements.append(
                f"ALTER TABLE {table} ADD CONSTRAINT {index['constraint_name']} UNIQUE ({listed})"
            )
        elif index["is_unique"]:
            statements.append(f"CREATE UNIQUE INDEX {index['name']} ON {table} ({listed})")
        else:
            statements.append(index["definition"])
    for constraint in outgoing:
        if not any(f"REFERENCES {t}(" in constraint["definition"] for t in TABLES):
            statements.append(
                f"ALTER TABLE {table} ADD CONSTRAINT {constraint['name']}"
                f" {constraint['definition']}"
            )
    await client.execute_script(";\n".join(statements))


async def partition(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    incoming = await _rows(
        client,
        """
        SELECT con.conname AS name, CAST(con.conrelid AS regclass)::text AS child,
               CAST(con.confrelid AS regclass)::text AS parent, a.attname AS column
        FROM pg_constraint con
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
        WHERE con.contype = 'f' AND con.confrelid IN (
            SELECT CAST(t AS regclass) FROM unnest(CAST($1 AS text[])) AS t)
        """,
        [list(TABLES)],
    )
    known = {(child, column, parent) for child, column, parent, _ in REFERENCES}
    unknown = [r for r in incoming if (r["child"], r["column"], r["parent"]) not in known]
    if unknown:
        names = ", ".join(f"{r['child']}.{r['column']}" for r in unknown)
        raise RuntimeError(f"foreign keys into the journal's tables this migration cannot keep: {names}")
    await client.execute_script(FUNCTIONS)
    await client.execute_script(
        ";\n".join(f"ALTER TABLE {r['child']} DROP CONSTRAINT {r['name']}" for r in incoming)
    )
    for table in TABLES:
        await _convert(client, table)
    await client.execute_script(
        """
        SELECT ediary_add_year_partitions(MIN(starts_on), MAX(ends_on)) FROM academic_year;
        SELECT ediary_add_year_partitions(CURRENT_DATE, CURRENT_DATE + 365);
        """
    )
    await client.execute_script("\n".join(_reference_sql(*r) for r in REFERENCES))


class Migration(migrations.Migration):
    dependencies = [('diary', '0019_attendance_date')]

    initial = False

    operations = [
        ops.RunPython(partition, atomic=True),
    ]
