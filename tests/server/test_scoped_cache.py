"""Kept diary weeks on PostgreSQL outlive marks given to other pupils: an answer that read
only one student's records is checked against the base version and that student's version.
Any write that could change it still drops it, on both databases; SQLite keeps one coarse
version; documents that read anything else keep the coarse version."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from graphql import parse
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send
from strawberry.relay import to_base64

from ediary.app import create_app
from ediary.config import Settings
from ediary.db import count_statements
from ediary.domain import models
from ediary.domain.enums import Role, WorkKind
from ediary.schema import build_schema
from ediary.schema.reads import declared_reads_only
from ediary.server.response_cache import ResponseCache
from ediary.testing.database import connect
from tests.builders import member
from tests.conftest import BACKEND
from tests.world import World

POSTGRES = BACKEND == "postgres"
MONDAY = date(2026, 11, 16)
WEEK = "2026-W47"

# W1 as a parent's app asks it, with the student's remarks.
WEEK_DIARY = """
query Week($student: ID!, $week: Week!) {
  diary(studentId: $student, week: $week) {
    days {
      date
      lessons {
        lesson { period bell { startsAt endsAt } subject { name } teacher { fullName } topic }
        homework { text dueOn }
        marks { value weight kind comment }
        attendance { kind excused }
        remarks { text }
      }
    }
    termAverages { subject { name } average markCount forecast }
  }
}
"""
# The same week and a field that leads to every student of the class: the coarse version.
WITH_CLASS = """
query WeekWithClass($student: ID!, $week: Week!) {
  diary(studentId: $student, week: $week) {
    days { lessons { lesson { period schoolClass { name } } marks { value } } }
  }
}
"""
POST_MARK = """
mutation($input: PostMarkInput!) {
  postMark(input: $input) { mark { id } userErrors { code message } }
}
"""
DELETE = """
mutation($input: DeleteMarkInput!) {
  deleteMark(input: $input) { deletedMarkId userErrors { code message } }
}
"""
ATTENDANCE = """
mutation($input: RecordAttendanceInput!) {
  recordAttendance(input: $input) { userErrors { code message } }
}
"""
TOPIC = """
mutation($input: SetLessonTopicInput!) {
  setLessonTopic(input: $input) { userErrors { code message } }
}
"""


@dataclass
class Class9C:
    """9C of school A: pupils a, b and c with a parent each, mathematics on Monday of week
    47 and Tuesday."""

    world: World
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def gid(self, kind: str, name: str) -> str:
        return to_base64(kind, self.ids[name])


async def _person(found: Class9C, world: World, name: str, role: Role) -> models.User:
    user = await member(world, name, role)
    found.ids[name], found.tokens[name] = user.id, world.tokens[name]
    return user


@pytest.fixture(scope="module")
async def class9c(world: World) -> Class9C:
    found = Class9C(world)
    school_class = await models.SchoolClass.create(
        school=world.objects["school_A"], academic_year=world.objects["year_A"], grade=9, letter="C"
    )
    math = world.objects["math"]
    teacher = world.users["math_teacher"]
    found.tokens["teacher"] = world.tokens["math_teacher"]
    await models.TeachingAssignment.create(teacher=teacher, school_class=school_class, subject=math)
    for name in ("a", "b", "c"):
        student = await _person(found, world, f"s9c_{name}", Role.STUDENT)
        await models.Enrollment.create(
            student=student, school_class=school_class, starts_on=date(2026, 9, 1)
        )
        parent = await _person(found, world, f"p9c_{name}", Role.PARENT)
        await models.Guardianship.create(parent=parent, student=student)
    for period, day in ((1, MONDAY), (2, MONDAY + timedelta(days=1))):
        lesson = await models.Lesson.create(
            school_class=school_class, subject=math, teacher=teacher, date=day, period=period
        )
        found.ids[f"lesson{period}"] = lesson.id
    return found


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
        base_url="http://testserver",
    )


async def _post(app: Starlette, token: str, query: str, variables: dict[str, Any]) -> Any:
    async with _client(app) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    return response.json()


async def _week(
    app: Starlette, c: Class9C, viewer: str, student: str, document: str = WEEK_DIARY
) -> tuple[int, Any]:
    """The statements a request made and its answer."""
    variables = {"student": c.gid("Student", student), "week": WEEK}
    with count_statements() as count:
        answer = await _post(app, c.tokens[viewer], document, variables)
    assert "errors" not in answer, answer
    return count.value, answer


def _values(answer: Any) -> list[int]:
    return sorted(
        mark["value"]
        for day in answer["data"]["diary"]["days"]
        for lesson in day["lessons"]
        for mark in lesson["marks"]
    )


def _cache(app: Starlette) -> ResponseCache:
    cache: ResponseCache = app.state.response_cache
    return cache


async def _mark(
    app: Starlette, c: Class9C, student: str, value: int, lesson: str = "lesson1"
) -> str:
    payload = (
        await _post(
            app,
            c.tokens["teacher"],
            POST_MARK,
            {
                "input": {
                    "lessonId": c.gid("Lesson", lesson),
                    "studentId": c.gid("Student", student),
                    "value": value,
                }
            },
        )
    )["data"]["postMark"]
    assert payload["userErrors"] == [], payload
    mark_id: str = payload["mark"]["id"]
    return mark_id


async def _delete(app: Starlette, c: Class9C, mark_id: str) -> None:
    payload = (
        await _post(
            app, c.tokens["teacher"], DELETE, {"input": {"markId": mark_id, "reason": "Test"}}
        )
    )["data"]["deleteMark"]
    assert payload["userErrors"] == [], payload


async def _kept(app: Starlette, c: Class9C, viewer: str, student: str, **kw: str) -> Any:
    """Ask twice; the second answer is served from memory."""
    await _week(app, c, viewer, student, **kw)
    hits = _cache(app).hits
    _, answer = await _week(app, c, viewer, student, **kw)
    assert _cache(app).hits == hits + 1
    return answer


async def test_a_mark_for_a_classmate_leaves_the_kept_week(
    app: Starlette, class9c: Class9C
) -> None:
    cache = _cache(app)
    before = await _kept(app, class9c, "p9c_a", "s9c_a")
    mark_id = await _mark(app, class9c, "s9c_b", 5)
    try:
        hits, fine = cache.hits, cache.fine_hits
        statements, after = await _week(app, class9c, "p9c_a", "s9c_a")
        assert after == before
        if POSTGRES:
            # The session, the base version and the family's versions: one statement.
            assert (cache.hits, cache.fine_hits, statements) == (hits + 1, fine + 1, 1)
        else:
            # SQLite keeps one version for the whole database.
            assert cache.hits == hits
            assert statements > 1
        # The classmate's own week is not the kept one.
        _, theirs = await _week(app, class9c, "p9c_b", "s9c_b")
        assert _values(theirs) == [5]
    finally:
        await _delete(app, class9c, mark_id)


async def test_a_teacher_keeps_a_pupils_week_through_others_marks(
    app: Starlette, class9c: Class9C
) -> None:
    cache = _cache(app)
    before = await _kept(app, class9c, "teacher", "s9c_a")
    mark_id = await _mark(app, class9c, "s9c_c", 3)
    try:
        hits = cache.hits
        statements, after = await _week(app, class9c, "teacher", "s9c_a")
        assert after == before
        if POSTGRES:
            # Not one of the teacher's family: its version costs one more statement.
            assert (cache.hits, statements) == (hits + 1, 2)
        else:
            assert cache.hits == hits
    finally:
        await _delete(app, class9c, mark_id)


async def test_a_mark_an_absence_and_a_deletion_for_the_pupil_drop_the_week(
    app: Starlette, class9c: Class9C
) -> None:
    cache = _cache(app)
    for viewer in ("p9c_a", "teacher"):
        await _kept(app, class9c, viewer, "s9c_a")
    mark_id = await _mark(app, class9c, "s9c_a", 2)
    for viewer in ("p9c_a", "teacher"):
        hits = cache.hits
        _, answer = await _week(app, class9c, viewer, "s9c_a")
        assert (cache.hits, _values(answer)) == (hits, [2])
        await _kept(app, class9c, viewer, "s9c_a")

    await _delete(app, class9c, mark_id)
    for viewer in ("p9c_a", "teacher"):
        hits = cache.hits
        _, answer = await _week(app, class9c, viewer, "s9c_a")
        assert (cache.hits, _values(answer)) == (hits, [])
        await _kept(app, class9c, viewer, "s9c_a")

    recorded = await _post(
        app,
        class9c.tokens["teacher"],
        ATTENDANCE,
        {
            "input": {
                "lessonId": class9c.gid("Lesson", "lesson1"),
                "entries": [{"studentId": class9c.gid("Student", "s9c_a"), "presence": "ABSENT"}],
            }
        },
    )
    assert recorded["data"]["recordAttendance"]["userErrors"] == []
    try:
        for viewer in ("p9c_a", "teacher"):
            hits = cache.hits
            _, answer = await _week(app, class9c, viewer, "s9c_a")
            monday = answer["data"]["diary"]["days"][0]["lessons"][0]
            assert (cache.hits, monday["attendance"]) == (
                hits,
                {"kind": "ABSENT", "excused": False},
            )
    finally:
        await models.Attendance.filter(student_id=class9c.ids["s9c_a"]).delete()


async def test_a_write_to_any_other_table_drops_the_week(app: Starlette, class9c: Class9C) -> None:
    cache = _cache(app)
    await _kept(app, class9c, "p9c_a", "s9c_a")
    topic = "Quadratic equations"
    answer = await _post(
        app,
        class9c.tokens["teacher"],
        TOPIC,
        {"input": {"lessonId": class9c.gid("Lesson", "lesson1"), "topic": topic}},
    )
    assert answer["data"]["setLessonTopic"]["userErrors"] == []
    hits = cache.hits
    _, after = await _week(app, class9c, "p9c_a", "s9c_a")
    assert cache.hits == hits
    assert after["data"]["diary"]["days"][0]["lessons"][0]["lesson"]["topic"] == topic


async def test_a_document_outside_the_declared_fields_keeps_the_coarse_version(
    app: Starlette, class9c: Class9C
) -> None:
    cache = _cache(app)
    await _kept(app, class9c, "p9c_a", "s9c_a", document=WITH_CLASS)
    mark_id = await _mark(app, class9c, "s9c_b", 4)
    try:
        hits = cache.hits
        statements, _ = await _week(app, class9c, "p9c_a", "s9c_a", document=WITH_CLASS)
        assert cache.hits == hits
        assert statements > 1
    finally:
        await _delete(app, class9c, mark_id)


async def _write_from_another_connection(database: str, sql: str) -> None:
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


def _writing_after_the_view(
    cache: ResponseCache, write: Callable[[], Any]
) -> Callable[[Scope, Receive, Send], Any]:
    """The view, followed by a write committed before the cache keeps its answer: the
    answer was made from the rows before the write."""
    view = cache.app

    async def run(scope: Scope, receive: Receive, send: Send) -> None:
        await view(scope, receive, send)
        await write()

    return run


@pytest.mark.parametrize("viewer", ["p9c_a", "teacher"])
async def test_a_mark_written_while_the_view_runs_leaves_no_stale_answer(
    settings: Settings, database: str, class9c: Class9C, viewer: str
) -> None:
    fresh = create_app(settings, manage_database=False)
    cache = _cache(fresh)
    mark = await models.Mark.create(
        student_id=class9c.ids["s9c_a"],
        lesson_id=class9c.ids["lesson2"],
        school_class_id=(await models.Lesson.get(id=class9c.ids["lesson2"])).school_class_id,
        subject=class9c.world.objects["math"],
        term=class9c.world.objects["term2_A"],
        date=MONDAY + timedelta(days=1),
        value=3,
        weight=1,
        kind=WorkKind.ORAL,
        author=class9c.world.users["math_teacher"],
        comment="",
    )
    view = cache.app

    async def wrapped_miss(value: int) -> None:
        """A request computed from the mark at value - 1, then the mark set to value."""
        cache.app = _writing_after_the_view(
            cache,
            lambda: _write_from_another_connection(
                database, f"UPDATE mark SET value = {value} WHERE id = {mark.id}"
            ),
        )
        try:
            misses = cache.misses
            _, answer = await _week(fresh, class9c, viewer, "s9c_a")
        finally:
            cache.app = view
        assert cache.misses == misses + 1
        assert _values(answer) == [value - 1]
        hits = cache.hits
        _, again = await _week(fresh, class9c, viewer, "s9c_a")
        assert cache.hits == hits
        assert _values(again) == [value]

    try:
        # Nothing kept yet: the students the answer read become known only as the view runs.
        await wrapped_miss(4)
        # A kept entry whose students are known before the view runs, made stale by a write.
        await _write_from_another_connection(
            database, f"UPDATE mark SET value = 5 WHERE id = {mark.id}"
        )
        await wrapped_miss(6)
        # Once the data stands still the week is kept again.
        await _kept(fresh, class9c, viewer, "s9c_a")
    finally:
        await mark.delete()


async def test_sqlite_keeps_one_coarse_version(app: Starlette, class9c: Class9C) -> None:
    cache = _cache(app)
    await _kept(app, class9c, "p9c_c", "s9c_c")
    key = next(k for k in cache.entries if k[0] == class9c.ids["p9c_c"])
    entry = cache.entries[key]
    if POSTGRES:
        assert entry.students == frozenset({class9c.ids["s9c_c"]})
    else:
        assert entry.students is None


def test_the_declared_fields_are_walked_against_the_schema() -> None:
    declared = declared_reads_only(build_schema(None)._schema)
    assert declared(parse(WEEK_DIARY))
    assert not declared(parse(WITH_CLASS))
    # Fragments are walked with their types; __typename reads nothing.
    assert declared(
        parse(
            "query($s: ID!, $w: Week!) { diary(studentId: $s, week: $w) { __typename"
            " days { lessons { marks { ...M } } } } } fragment M on Mark { value __typename }"
        )
    )
    assert not declared(
        parse(
            "query($s: ID!, $w: Week!) { diary(studentId: $s, week: $w) {"
            " days { lessons { marks { ...M } } } } } fragment M on Mark { history { at } }"
        )
    )
    # A field the schema does not know, and another root field, are not declared.
    assert not declared(parse("{ diary { nothingLikeThis } }"))
    assert not declared(parse("{ viewer { id } }"))
