"""The write mix of the side-by-side benchmark (bench/write_mix.py): the mark a teacher posts
through the API and the row the SQL writer inserts for the servers without one are the same;
the writer keeps its rate, counts what failed; the cache's lookups are read from /metrics;
the data set is put back after the writes, or left to be rebuilt."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from bench import write_mix
from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models, sql
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import Role, WorkKind
from tests.conftest import BACKEND, POSTGRES_URL
from tests.world import World

# A Monday of the world's current term (tests pretend today is 25 November 2026).
MONDAY = date(2026, 11, 16)


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture(scope="module")
async def lesson(world: World) -> dict[str, Any]:
    """A class of its own in school A: its astronomy teacher, two pupils and one lesson."""
    school = world.objects["school_A"]
    school_class = await models.SchoolClass.create(
        school=school, academic_year=world.objects["year_A"], grade=10, letter="W"
    )
    subject = await models.Subject.create(school=school, name="Astronomy", short_name="Astr")
    teacher = await models.User.create(login="w6_teacher", last_name="Ohm", first_name="Georg")
    await models.RoleGrant.create(user=teacher, role=Role.TEACHER, school=school)
    await models.TeachingAssignment.create(
        teacher=teacher, school_class=school_class, subject=subject
    )
    pupils = []
    for name in ("w6_pupil", "w6_classmate"):
        pupil = await models.User.create(login=name, last_name=name, first_name="Test")
        await models.RoleGrant.create(user=pupil, role=Role.STUDENT, school=school)
        await models.Enrollment.create(
            student=pupil, school_class=school_class, starts_on=date(2026, 9, 1)
        )
        pupils.append(pupil)
    held = await models.Lesson.create(
        school_class=school_class, subject=subject, teacher=teacher, date=MONDAY, period=4
    )
    session = await open_session(teacher, SessionKind.BEARER, timedelta(days=1))
    return {
        "mark": write_mix.PlannedMark(
            teacher=teacher.id,
            student=pupils[0].id,
            lesson=held.id,
            school_class=school_class.id,
            subject=subject.id,
            term=world.id("term2_A"),
            day=MONDAY,
            value=4,
            kind=WorkKind.QUIZ,
            read=True,
        ),
        "tokens": {teacher.id: session.token},
        "outsider": world.users["other_class_student"].id,
    }


async def test_the_sql_writer_inserts_the_row_the_api_writes(
    app: Starlette, lesson: dict[str, Any]
) -> None:
    mark: write_mix.PlannedMark = lesson["mark"]
    async with _client(app) as client:
        send = write_mix.api_sender(client, lesson["tokens"])
        assert await send(mark) is None
    await sql.fetch(write_mix.INSERT, mark.row(datetime.now(UTC)))

    rows = await models.Mark.filter(lesson_id=mark.lesson, student_id=mark.student).values()
    assert len(rows) == 2
    posted, inserted = (
        {k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")}
        for row in sorted(rows, key=lambda row: row["id"])
    )
    # The SQL writer's row has no history (the limit and PostGraphile keep none); it leaves the
    # shared world, whose audit the journal's tests verify.
    await models.Mark.filter(id=max(row["id"] for row in rows)).delete()
    assert inserted == posted
    # The region's weight for a quiz, which the teachers' app leaves to the server.
    assert posted["weight"] == mark.weight == 2
    assert posted["author_id"] == mark.teacher and posted["deleted_at"] is None


async def test_a_refused_write_is_reported_with_its_reason(
    app: Starlette, lesson: dict[str, Any]
) -> None:
    planned: write_mix.PlannedMark = lesson["mark"]
    # A pupil of another class: the server refuses the mark for this lesson.
    elsewhere = write_mix.PlannedMark(**{**vars(planned), "student": lesson["outsider"]})
    async with _client(app) as client:
        error = await write_mix.api_sender(client, lesson["tokens"])(elsewhere)
    assert error is not None and "not in the class" in error
    assert not await models.Mark.filter(student_id=lesson["outsider"], lesson_id=planned.lesson)


def _planned(count: int) -> list[write_mix.PlannedMark]:
    return [
        write_mix.PlannedMark(1, n, 1, 1, 1, 1, MONDAY, 5, WorkKind.ORAL, False)
        for n in range(count)
    ]


async def test_the_writer_keeps_its_rate_and_counts_every_failure() -> None:
    sent: list[int] = []

    async def send(mark: write_mix.PlannedMark) -> str | None:
        sent.append(mark.student)
        if mark.student == 2:
            return "refused"
        if mark.student == 3:
            raise httpx.ConnectError("connection refused")
        return None

    stop = asyncio.Event()
    # 40 marks a second for half a second: about 20, sent in the plan's order.
    asyncio.get_running_loop().call_later(0.5, stop.set)
    found = await write_mix.write(_planned(100), 40, stop, send)
    assert 10 <= found.sent <= 21
    assert sent == list(range(found.sent))
    assert found.written == found.sent - 2
    assert found.errors[0] == "refused" and "connection refused" in found.errors[1]
    assert 0.45 <= found.seconds < 1.5
    assert found.per_second == pytest.approx(found.written / found.seconds)


async def test_a_plan_that_runs_out_before_the_round_ends_is_an_error() -> None:
    async def send(mark: write_mix.PlannedMark) -> str | None:
        return None

    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(0.3, stop.set)
    found = await write_mix.write(_planned(3), 100, stop, send)
    assert found.written == 3
    assert found.errors == ["the plan of 3 marks ran out before the round ended"]


async def test_cache_lookups_are_read_from_metrics(settings: Settings, world: World) -> None:
    app = create_app(settings, manage_database=False)  # an empty cache of its own
    token = world.tokens["math_teacher"]
    async with _client(app) as client:
        before = write_mix.lookups((await client.get("/metrics")).text)
        for _ in range(3):
            answer = await client.post(
                "/graphql",
                json={"query": "query W6Lookups { __typename }"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 200 and "errors" not in answer.json()
        after = write_mix.lookups((await client.get("/metrics")).text)
    assert after["miss"] - before["miss"] == 1
    assert after["hit"] - before["hit"] == 2


# --- putting the data set back (the benchmark's databases are PostgreSQL's) --------------------

postgres_only = pytest.mark.skipif(
    BACKEND != "postgres", reason="the benchmark's databases are on PostgreSQL"
)


@pytest.fixture
async def dataset() -> AsyncIterator[tuple[str, asyncpg.Connection]]:
    """A scratch database with the tables the write mix touches and a data set's marker."""
    name = f"ediary_w6_{uuid.uuid4().hex[:10]}"
    server = POSTGRES_URL.replace("postgres://", "postgresql://", 1)
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{server.rpartition('/')[0]}/{name}"
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            "CREATE TABLE mark (id serial PRIMARY KEY, value int);"
            "CREATE TABLE mark_event (id serial PRIMARY KEY, mark_id int REFERENCES mark);"
            "CREATE TABLE outbox_message (id serial PRIMARY KEY);"
            "CREATE TABLE mark_batch (id serial PRIMARY KEY);"
            "CREATE TABLE lesson (id serial PRIMARY KEY);"
            "CREATE TABLE bench_dataset (parameters text PRIMARY KEY, built_at timestamptz);"
            "INSERT INTO mark (value) VALUES (4), (5), (3);"
            "INSERT INTO mark_event (mark_id) VALUES (1);"
            "INSERT INTO bench_dataset VALUES ('size=S seed=1', '2026-12-01T10:00:00Z');"
        )
        yield url, connection
    finally:
        await connection.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _write_marks(connection: asyncpg.Connection) -> None:
    for value in (2, 5):
        mark = await connection.fetchval("INSERT INTO mark (value) VALUES ($1) RETURNING id", value)
        await connection.execute("INSERT INTO mark_event (mark_id) VALUES ($1)", mark)
    await connection.execute("INSERT INTO outbox_message DEFAULT VALUES")


@postgres_only
async def test_the_marks_written_are_removed_and_the_marker_put_back(
    dataset: tuple[str, asyncpg.Connection],
) -> None:
    url, connection = dataset
    async with write_mix.written_and_removed(url):
        # A run that dies here leaves a database the next run rebuilds.
        assert await connection.fetchval("SELECT count(*) FROM bench_dataset") == 0
        await _write_marks(connection)
    assert [r["value"] for r in await connection.fetch("SELECT value FROM mark ORDER BY id")] == [
        4,
        5,
        3,
    ]
    assert await connection.fetchval("SELECT count(*) FROM mark_event") == 1
    assert await connection.fetchval("SELECT count(*) FROM outbox_message") == 0
    marker = await connection.fetch("SELECT parameters, built_at FROM bench_dataset")
    assert [tuple(r) for r in marker] == [
        ("size=S seed=1", datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    ]


@postgres_only
async def test_a_database_changed_beyond_the_marks_is_left_to_be_rebuilt(
    dataset: tuple[str, asyncpg.Connection], capsys: pytest.CaptureFixture[str]
) -> None:
    url, connection = dataset
    async with write_mix.written_and_removed(url):
        await _write_marks(connection)
        await connection.execute("INSERT INTO lesson DEFAULT VALUES")
    assert await connection.fetchval("SELECT count(*) FROM mark") == 3
    assert await connection.fetchval("SELECT count(*) FROM bench_dataset") == 0
    assert "lesson" in capsys.readouterr().out
