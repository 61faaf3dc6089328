"""The data version moves with every committed write that can change an answer, from any
connection, and not before the commit."""

from __future__ import annotations

import asyncpg
import pytest
from tortoise import connections

from ediary.domain import dataversion
from ediary.testing.database import connect
from tests.conftest import BACKEND
from tests.world import World

postgres_only = pytest.mark.skipif(BACKEND != "postgres", reason="triggers are PostgreSQL's")


async def _version() -> str:
    return await dataversion.current(connections.get("default"))


async def _other(database: str) -> asyncpg.Connection:
    return await connect(database)


async def test_a_write_moves_the_version(world: World) -> None:
    before = await _version()
    connection = connections.get("default")
    await connection.execute_query("UPDATE school SET name = name WHERE id = 0")
    await connection.execute_query(
        "UPDATE subject SET name = name WHERE id = ?"
        if BACKEND == "sqlite"
        else "UPDATE subject SET name = name WHERE id = $1",
        [world.id("math")],
    )
    assert await _version() != before


@postgres_only
async def test_a_table_added_later_is_covered_by_the_next_migrate(database: str) -> None:
    connection = connections.get("default")
    await connection.execute_script("CREATE TABLE added_later (id INT)")
    try:
        assert await dataversion.uncovered_tables(connection) == ["added_later"]
        covered = await dataversion.install(connection)
        assert "added_later" in covered
        assert set(covered).isdisjoint(dataversion.EXCLUDED)
        assert await dataversion.uncovered_tables(connection) == []
        before = await _version()
        await connection.execute_script("INSERT INTO added_later VALUES (1)")
        assert await _version() != before
    finally:
        await connection.execute_script("DROP TABLE added_later")


@postgres_only
async def test_the_version_moves_at_the_commit_and_not_before(database: str) -> None:
    writer = await _other(database)
    try:
        before = await _version()
        transaction = writer.transaction()
        await transaction.start()
        await writer.execute("UPDATE region SET name = name")
        # The writer has not committed: a reader must not see the new version yet, or it
        # would keep an answer made from old rows under it.
        assert await _version() == before
        await transaction.commit()
        assert await _version() != before
        moved = await _version()
        async with writer.transaction():
            await writer.execute("UPDATE region SET name = name")
            await writer.execute("UPDATE school SET name = name")
        assert await _version() != moved
    finally:
        await writer.close()


@postgres_only
async def test_a_rolled_back_write_leaves_the_version(database: str) -> None:
    writer = await _other(database)
    try:
        before = await _version()
        transaction = writer.transaction()
        await transaction.start()
        await writer.execute("UPDATE region SET name = name")
        await transaction.rollback()
        assert await _version() == before
    finally:
        await writer.close()


@postgres_only
async def test_excluded_tables_leave_the_version(database: str, world: World) -> None:
    connection = connections.get("default")
    before = await _version()
    await connection.execute_query(
        "UPDATE login_session SET kind = kind WHERE user_id = $1", [world.users["parent"].id]
    )
    await connection.execute_query("DELETE FROM rate_limit WHERE id = 0")
    assert await _version() == before


async def _versions(*students: int) -> tuple[str, str, dict[int, int]]:
    return await dataversion.student_versions(connections.get("default"), students)


async def _a_mark(world: World) -> tuple[int, int]:
    """A live mark of the world and its student."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT id, student_id FROM mark WHERE deleted_at IS NULL ORDER BY id LIMIT 1"
    )
    return int(rows[0]["id"]), int(rows[0]["student_id"])


@postgres_only
async def test_a_mark_moves_its_students_version_and_not_the_base(
    database: str, world: World
) -> None:
    mark, student = await _a_mark(world)
    other = world.users["parent"].id
    coarse, base, before = await _versions(student, other)
    writer = await _other(database)
    try:
        async with writer.transaction():
            await writer.execute("UPDATE mark SET comment = comment WHERE id = $1", mark)
            # Deferred to the commit, yet inside the transaction: nobody sees it before.
            assert await _versions(student, other) == (coarse, base, before)
        moved_coarse, moved_base, moved = await _versions(student, other)
        assert moved_base == base
        assert moved_coarse != coarse
        assert moved == {student: before[student] + 1, other: before[other]}

        # A mark moved to another student changes both students' answers.
        await writer.execute("UPDATE mark SET student_id = $2 WHERE id = $1", mark, other)
        await writer.execute("UPDATE mark SET student_id = $2 WHERE id = $1", mark, student)
        _, _, after = await _versions(student, other)
        assert after == {student: moved[student] + 2, other: moved[other] + 2}
    finally:
        await writer.close()


@postgres_only
async def test_a_statement_of_many_marks_moves_each_student_once_at_the_commit(
    database: str, world: World
) -> None:
    mark, student = await _a_mark(world)
    other = world.users["parent"].id
    _, _, before = await _versions(student, other)
    writer = await _other(database)
    try:
        async with writer.transaction():
            # Three rows in one statement, two of them the same student's (an import's chunk),
            # then all three gone in another: the session's other tests see the world unchanged.
            added = await writer.fetch(
                "INSERT INTO mark (date, value, weight, kind, comment, created_at, updated_at,"
                " author_id, lesson_id, school_class_id, student_id, subject_id, term_id)"
                " SELECT date, value, weight, kind, comment, created_at, updated_at, author_id,"
                " lesson_id, school_class_id, s, subject_id, term_id"
                " FROM mark, unnest($2::int[]) AS s WHERE id = $1 RETURNING id",
                mark,
                [student, student, other],
            )
            await writer.execute("DELETE FROM mark WHERE id = ANY($1)", [r["id"] for r in added])
            assert (await _versions(student, other))[2] == before
        _, _, after = await _versions(student, other)
        # Each student once for the transaction, however many rows and statements.
        assert after == {student: before[student] + 1, other: before[other] + 1}
        pending = await writer.fetchval(f"SELECT count(*) FROM {dataversion.PENDING_TABLE}")
        assert pending == 0
    finally:
        await writer.close()


@postgres_only
async def test_a_truncated_scoped_table_moves_the_base(database: str) -> None:
    writer = await _other(database)
    try:
        transaction = writer.transaction()
        await transaction.start()
        before = await writer.fetchval(f"SELECT {dataversion.base_version_sql('postgres')}")
        await writer.execute("TRUNCATE remark")
        after = await writer.fetchval(f"SELECT {dataversion.base_version_sql('postgres')}")
        await transaction.rollback()
        assert int(after) > int(before)
    finally:
        await writer.close()


@postgres_only
async def test_a_scoped_table_without_its_own_triggers_is_uncovered(database: str) -> None:
    connection = connections.get("default")
    await connection.execute_script(
        f"DROP TRIGGER {dataversion.TRUNCATE_TRIGGER} ON attendance;"
        f" DROP TRIGGER {dataversion.STUDENT_TRIGGER} ON remark"
    )
    try:
        assert await dataversion.uncovered_tables(connection) == ["attendance", "remark"]
    finally:
        await dataversion.install(connection)
    assert await dataversion.uncovered_tables(connection) == []
    # The row-level trigger of the students' versions is on the scoped tables, no other.
    rows = await connection.execute_query_dict(
        "SELECT c.relname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE t.tgname = $1",
        [dataversion.STUDENT_TRIGGER],
    )
    assert sorted(r["name"] for r in rows) == sorted(dataversion.SCOPED)
