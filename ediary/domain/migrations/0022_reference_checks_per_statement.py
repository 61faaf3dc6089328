"""PostgreSQL: the references into the journal's partitioned tables (0020) are checked once
per INSERT statement instead of once per row. A bulk write (an import's chunk of 2,000 marks
and their history, COPY or multi-row INSERT) ran a PL/pgSQL function and a look-up for every
row; now one set-based look-up covers the statement's new rows, read from its transition
table. What is checked is the same: every referenced row must exist, and is locked FOR KEY
SHARE until the writer commits, as PostgreSQL's own foreign keys do. An UPDATE of the column
is still checked row by row (PostgreSQL allows no transition table on a trigger for some
columns, and such updates are rare and small). SQLite has no partitions: there the
migration does nothing.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

# (table, column, referenced table): the references 0020 keeps with triggers.
REFERENCES = (
    ("mark", "lesson_id", "lesson"),
    ("attendance", "lesson_id", "lesson"),
    ("homework", "lesson_id", "lesson"),
    ("remark", "lesson_id", "lesson"),
    ("planned_work", "lesson_id", "lesson"),
    ("mark_event", "mark_id", "mark"),
)


def _statement_check(table: str, column: str, parent: str) -> str:
    name = f"ediary_ref_{table}_{column}"
    return f"""
CREATE OR REPLACE FUNCTION {name}_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    -- Each referenced row is looked up by its key and locked: a locking subquery is never
    -- flattened, so the look-up stays one index probe a row whatever the table's size.
    SELECT min(n.{column}) INTO missing
        FROM (SELECT DISTINCT {column} FROM new_rows WHERE {column} IS NOT NULL) AS n
        LEFT JOIN LATERAL (
            SELECT true AS found FROM {parent} p WHERE p.id = n.{column} FOR KEY SHARE
        ) AS l ON true
        WHERE l.found IS NULL;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'insert or update on table "{table}" violates the reference to "{parent}"'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key ({column})=(%s) is not present in table "{parent}".',
                                  missing);
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS {name} ON {table};
CREATE TRIGGER {name} AFTER UPDATE OF {column} ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}();
DROP TRIGGER IF EXISTS {name}_insert ON {table};
CREATE TRIGGER {name}_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {name}_rows();
"""


async def per_statement(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    await client.execute_script("\n".join(_statement_check(*r) for r in REFERENCES))


class Migration(migrations.Migration):
    dependencies = [('diary', '0021_attendance_student_index')]

    initial = False

    operations = [
        ops.RunPython(per_statement, atomic=True),
    ]
