"""Kept answers of queries: served again byte for byte while nothing changed, dropped by every
write (through the API, straight in SQL from another connection, in a plugin's table, through
another app instance), never shared between accounts, never used after a logout."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from strawberry.relay import to_base64
from tortoise.transactions import in_transaction

from ediary.app import create_app
from ediary.config import Settings
from ediary.db import count_statements
from ediary.domain import dataversion, models
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import Role, WorkKind
from ediary.domain.journal.history import record_imported
from ediary.server.response_cache import ResponseCache
from ediary.testing.database import connect
from tests.builders import member
from tests.conftest import BACKEND, TODAY
from tests.servers import Server
from tests.world import World

MONDAY = date(2026, 11, 16)
WEEK = "2026-W47"

DIARY = """
query Diary($student: ID!, $week: Week!) {
  diary(studentId: $student, week: $week) {
    days { date lessons { lesson { period subject { name } } marks { value comment } } }
    termAverages { subject { name } average }
  }
}
"""
POST_MARK = """
mutation($input: PostMarkInput!) {
  postMark(input: $input) { mark { id } userErrors { code message } }
}
"""
CORRECT = """
mutation($input: CorrectMarkInput!) {
  correctMark(input: $input) { mark { value } userErrors { code message } }
}
"""
DELETE = """
mutation($input: DeleteMarkInput!) {
  deleteMark(input: $input) { deletedMarkId userErrors { code message } }
}
"""


@dataclass
class Class9:
    """9B of school A: two students with a parent each, mathematics on Monday of week 47."""

    world: World
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def gid(self, kind: str, name: str) -> str:
        return to_base64(kind, self.ids[name])


async def _person(world: World, found: Class9, name: str, role: Role) -> models.User:
    user = await member(world, name, role)
    found.ids[name], found.tokens[name] = user.id, world.tokens[name]
    return user


@pytest.fixture(scope="module")
async def class9(world: World) -> Class9:
    found = Class9(world)
    school_class = await models.SchoolClass.create(
        school=world.objects["school_A"], academic_year=world.objects["year_A"], grade=9, letter="B"
    )
    math = world.objects["math"]
    teacher = world.users["math_teacher"]
    found.tokens["teacher"] = world.tokens["math_teacher"]
    await models.TeachingAssignment.create(teacher=teacher, school_class=school_class, subject=math)
    for name in ("x", "y"):
        student = await _person(world, found, f"s9_{name}", Role.STUDENT)
        await models.Enrollment.create(
            student=student, school_class=school_class, starts_on=date(2026, 9, 1)
        )
        parent = await _person(world, found, f"p9_{name}", Role.PARENT)
        await models.Guardianship.create(parent=parent, student=student)
    lesson = await models.Lesson.create(
        school_class=school_class, subject=math, teacher=teacher, date=MONDAY, period=1
    )
    found.ids["lesson"] = lesson.id
    async with in_transaction() as conn:
        mark = await models.Mark.create(
            student_id=found.ids["s9_x"],
            lesson=lesson,
            school_class=school_class,
            subject=math,
            term=world.objects["term2_A"],
            date=MONDAY,
            value=4,
            weight=1,
            kind=WorkKind.ORAL,
            author=teacher,
            comment="",
            using_db=conn,
        )
        await record_imported(conn, [mark])
    found.ids["mark"] = mark.id
    return found


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
        base_url="http://testserver",
    )


async def _post(
    app: Starlette, token: str, query: str, variables: dict[str, Any], **headers: str
) -> httpx.Response:
    async with _client(app) as client:
        return await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}", **headers},
        )


async def _diary(app: Starlette, token: str, student: str, **headers: str) -> httpx.Response:
    response = await _post(app, token, DIARY, {"student": student, "week": WEEK}, **headers)
    assert response.status_code == 200, response.text
    return response


async def _statements_of_diary(app: Starlette, token: str, student: str) -> tuple[int, Any]:
    with count_statements() as count:
        response = await _diary(app, token, student)
    return count.value, response.json()


def _marks(answer: dict[str, Any]) -> list[Any]:
    monday = answer["data"]["diary"]["days"][0]
    return [mark for lesson in monday["lessons"] for mark in lesson["marks"]]


def _cache(app: Starlette) -> ResponseCache:
    cache: ResponseCache = app.state.response_cache
    return cache


async def test_every_table_moves_the_version(database: str) -> None:
    from tortoise import connections

    assert await dataversion.uncovered_tables(connections.get("default")) == []


async def test_a_repeat_is_the_same_bytes_in_one_statement(app: Starlette, class9: Class9) -> None:
    student = class9.gid("Student", "s9_x")
    first = await _diary(app, class9.tokens["p9_x"], student)
    hits = _cache(app).hits
    with count_statements() as count:
        second = await _diary(app, class9.tokens["p9_x"], student)
    assert second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"]
    assert _cache(app).hits == hits + 1
    # The session and the data version, read together; nothing else.
    assert count.value == 1
    assert _marks(first.json()) == [{"value": 4, "comment": ""}]


async def test_posting_correcting_and_deleting_a_mark_through_the_api_is_seen(
    app: Starlette, class9: Class9
) -> None:
    parent, teacher = class9.tokens["p9_y"], class9.tokens["teacher"]
    student = class9.gid("Student", "s9_y")
    await _diary(app, parent, student)
    assert _marks((await _diary(app, parent, student)).json()) == []

    posted = await _post(
        app,
        teacher,
        POST_MARK,
        {"input": {"lessonId": class9.gid("Lesson", "lesson"), "studentId": student, "value": 5}},
    )
    payload = posted.json()["data"]["postMark"]
    assert payload["userErrors"] == [], payload
    mark_id = payload["mark"]["id"]
    assert [m["value"] for m in _marks((await _diary(app, parent, student)).json())] == [5]

    corrected = await _post(
        app, teacher, CORRECT, {"input": {"markId": mark_id, "value": 3, "reason": "Misread"}}
    )
    assert corrected.json()["data"]["correctMark"]["userErrors"] == []
    assert [m["value"] for m in _marks((await _diary(app, parent, student)).json())] == [3]

    deleted = await _post(
        app, teacher, DELETE, {"input": {"markId": mark_id, "reason": "Wrong student"}}
    )
    assert deleted.json()["data"]["deleteMark"]["userErrors"] == []
    assert _marks((await _diary(app, parent, student)).json()) == []


async def _write_from_another_connection(database: str, sql: str) -> None:
    """A write the way another process makes it: its own connection, its own commit."""
    if database.startswith("sqlite://"):
        path = database.removeprefix("sqlite://").split("?", 1)[0]
        with sqlite3.connect(path, timeout=5) as connection:
            connection.execute(sql)
        return
    connection = await connect(database)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def test_a_write_straight_in_sql_from_another_connection_is_seen(
    app: Starlette, database: str, class9: Class9
) -> None:
    parent, student = class9.tokens["p9_x"], class9.gid("Student", "s9_x")
    await _diary(app, parent, student)
    mark = class9.ids["mark"]
    await _write_from_another_connection(
        database, f"UPDATE mark SET comment = 'Checked again' WHERE id = {mark}"
    )
    statements, answer = await _statements_of_diary(app, parent, student)
    assert statements > 1
    assert _marks(answer) == [{"value": 4, "comment": "Checked again"}]
    await _write_from_another_connection(
        database, f"UPDATE mark SET comment = '' WHERE id = {mark}"
    )


IMPORT_JOB = "query($id: ID!) { importJob(id: $id) { status rows } }"


async def test_a_write_to_a_plugin_table_is_seen(
    app: Starlette, database: str, world: World
) -> None:
    from ediary_oneroster.models import ImportJob

    job = await ImportJob.create(
        school=world.objects["school_A"], requested_by=world.users["admin"]
    )
    variables = {"id": to_base64("ImportJob", job.id)}
    token = world.tokens["admin"]
    first = (await _post(app, token, IMPORT_JOB, variables)).json()
    assert first == {"data": {"importJob": {"status": "QUEUED", "rows": 0}}}
    assert (await _post(app, token, IMPORT_JOB, variables)).json() == first
    await _write_from_another_connection(
        database,
        f"UPDATE oneroster_import_job SET status = 'running', rows_done = 7 WHERE id = {job.id}",
    )
    again = (await _post(app, token, IMPORT_JOB, variables)).json()
    assert again == {"data": {"importJob": {"status": "RUNNING", "rows": 7}}}


LOGOUT = "mutation { logout { ok userErrors { code } } }"


async def test_after_a_logout_the_kept_answer_is_not_served(app: Starlette, class9: Class9) -> None:
    parent = await models.User.get(id=class9.ids["p9_x"])
    token = (await open_session(parent, SessionKind.BEARER, timedelta(hours=1))).token
    student = class9.gid("Student", "s9_x")
    await _diary(app, token, student)
    hits = _cache(app).hits
    await _diary(app, token, student)
    assert _cache(app).hits == hits + 1

    logout = await _post(app, token, LOGOUT, {})
    assert logout.json()["data"]["logout"]["ok"] is True
    after = (await _diary(app, token, student)).json()
    assert after["data"] == {"diary": None}
    assert after["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"
    assert _cache(app).hits == hits + 1


async def test_a_revoked_session_is_refused_at_once(app: Starlette, class9: Class9) -> None:
    parent = await models.User.get(id=class9.ids["p9_y"])
    student = class9.gid("Student", "s9_y")
    token = class9.tokens["p9_y"]
    await _diary(app, token, student)
    await _diary(app, token, student)
    # Revoked elsewhere (an administrator, another process): the session table does not move
    # the data version, yet the kept answer is not served.
    await models.Session.filter(user_id=parent.id).update(revoked_at=datetime.now(UTC))
    after = (await _diary(app, token, student)).json()
    assert after["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"
    class9.tokens["p9_y"] = (
        await open_session(parent, SessionKind.BEARER, timedelta(days=1))
    ).token


async def test_accounts_never_share_answers(app: Starlette, class9: Class9) -> None:
    cache = _cache(app)
    cache.entries.clear()
    student = class9.gid("Student", "s9_x")
    own = await _diary(app, class9.tokens["p9_x"], student)
    assert "errors" not in own.json()
    # The same document and variables from another parent: the child is hidden from them.
    for _ in range(2):
        other = (await _diary(app, class9.tokens["p9_y"], student)).json()
        assert other["data"] == {"diary": None}
        assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # The teacher asks the very same question and gets an answer made for them.
    statements, _ = await _statements_of_diary(app, class9.tokens["teacher"], student)
    assert statements > 1
    assert {key[0] for key in cache.entries} == {
        class9.ids["p9_x"],
        class9.world.id("math_teacher"),
    }
    hits = cache.hits
    for _ in range(2):
        assert (await _diary(app, class9.tokens["p9_x"], student)).content == own.content
    # On SQLite the others' query budget rows moved the version, so the first repeat is
    # computed again (and kept); on PostgreSQL the budget table has no trigger.
    assert cache.hits == hits + (2 if BACKEND == "postgres" else 1)


async def test_another_media_type_is_another_answer(app: Starlette, class9: Class9) -> None:
    student = class9.gid("Student", "s9_x")
    token = class9.tokens["p9_x"]
    plain = await _diary(app, token, student, accept="application/json")
    statements_before = _cache(app).misses
    spec = await _diary(app, token, student, accept="application/graphql-response+json")
    assert _cache(app).misses == statements_before + 1
    assert spec.json() == plain.json()


async def test_the_next_day_is_a_miss(app: Starlette, class9: Class9) -> None:
    cache = _cache(app)
    student, token = class9.gid("Student", "s9_x"), class9.tokens["p9_x"]
    await _diary(app, token, student)
    today = cache.today
    try:
        cache.today = lambda: today() + timedelta(days=1)
        statements, _ = await _statements_of_diary(app, token, student)
        assert statements > 1
        statements, _ = await _statements_of_diary(app, token, student)
        assert statements == 1
    finally:
        cache.today = today


async def test_mutations_are_never_kept(app: Starlette, class9: Class9) -> None:
    cache = _cache(app)
    before = len(cache.entries)
    hits = cache.hits
    variables = {"input": {"markId": to_base64("Mark", 10**9), "value": 5, "reason": "x"}}
    for _ in range(2):
        with count_statements() as count:
            answer = (await _post(app, class9.tokens["teacher"], CORRECT, variables)).json()
        assert answer["data"]["correctMark"]["userErrors"][0]["code"] == "NOT_FOUND"
        assert count.value > 1
    assert len(cache.entries) == before
    assert cache.hits == hits


async def test_queries_with_errors_are_not_kept(app: Starlette, class9: Class9) -> None:
    cache = _cache(app)
    hidden = class9.gid("Student", "s9_y")
    for _ in range(2):
        statements, answer = await _statements_of_diary(app, class9.tokens["p9_x"], hidden)
        assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert statements > 1
    assert all(key[2] != hidden.encode() for key in cache.entries)


async def test_a_write_through_one_instance_is_seen_by_another(
    app: Starlette, settings: Settings, class9: Class9
) -> None:
    other = create_app(settings, manage_database=False)
    parent, student = class9.tokens["p9_x"], class9.gid("Student", "s9_x")
    for instance in (app, other):
        await _diary(app=instance, token=parent, student=student)
        await _diary(app=instance, token=parent, student=student)
    hits = _cache(other).hits
    posted = await _post(
        app,
        class9.tokens["teacher"],
        POST_MARK,
        {"input": {"lessonId": class9.gid("Lesson", "lesson"), "studentId": student, "value": 2}},
    )
    mark_id = posted.json()["data"]["postMark"]["mark"]["id"]
    seen = _marks((await _diary(other, parent, student)).json())
    assert sorted(m["value"] for m in seen) == [2, 4]
    assert _cache(other).hits == hits
    await _post(
        app, class9.tokens["teacher"], DELETE, {"input": {"markId": mark_id, "reason": "Test"}}
    )


@pytest.fixture
async def disabled(settings: Settings) -> AsyncIterator[Starlette]:
    yield create_app(
        Settings(**{**settings.__dict__, "response_cache_bytes": 0}), manage_database=False
    )


async def test_size_zero_turns_the_cache_off(disabled: Starlette, class9: Class9) -> None:
    student, token = class9.gid("Student", "s9_x"), class9.tokens["p9_x"]
    for _ in range(2):
        statements, _ = await _statements_of_diary(disabled, token, student)
        assert statements > 1
    assert len(_cache(disabled).entries) == 0


async def test_two_server_processes_on_one_database(
    database: str, class9: Class9, tmp_path: Path
) -> None:
    env = {"EDIARY_DATABASE_URL": database, "EDIARY_TODAY": TODAY.isoformat()}
    parent, teacher = class9.tokens["p9_x"], class9.tokens["teacher"]
    variables = {"student": class9.gid("Student", "s9_x"), "week": WEEK}

    def values(answer: dict[str, Any]) -> list[int]:
        return sorted(mark["value"] for mark in _marks({"data": answer}))

    async with Server(env, tmp_path / "a.log") as first, Server(env, tmp_path / "b.log") as second:
        for server in (first, second, first, second):
            assert values(await server.gql(DIARY, variables, parent)) == [4]
        posted = await first.gql(
            POST_MARK,
            {
                "input": {
                    "lessonId": class9.gid("Lesson", "lesson"),
                    "studentId": variables["student"],
                    "value": 3,
                }
            },
            teacher,
        )
        mark_id = posted["postMark"]["mark"]["id"]
        assert values(await second.gql(DIARY, variables, parent)) == [3, 4]
        await second.gql(DELETE, {"input": {"markId": mark_id, "reason": "Test"}}, teacher)
        assert values(await first.gql(DIARY, variables, parent)) == [4]
        assert values(await second.gql(DIARY, variables, parent)) == [4]
    for log in ("a.log", "b.log"):
        # Both kept answers: neither found a table whose writes it would miss.
        assert "Response cache off" not in (tmp_path / log).read_text()


@pytest.mark.skipif(BACKEND != "postgres", reason="SQLite needs no triggers")
async def test_a_table_without_the_trigger_turns_the_cache_off(
    settings: Settings, class9: Class9, caplog: pytest.LogCaptureFixture
) -> None:
    from tortoise import connections

    connection = connections.get("default")
    await connection.execute_script("CREATE TABLE not_migrated (id INT)")
    try:
        fresh = create_app(settings, manage_database=False)
        student, token = class9.gid("Student", "s9_x"), class9.tokens["p9_x"]
        for _ in range(2):
            statements, _ = await _statements_of_diary(fresh, token, student)
            assert statements > 1
        assert _cache(fresh).usable is False
        assert "not_migrated" in caplog.text
    finally:
        await connection.execute_script("DROP TABLE not_migrated")
