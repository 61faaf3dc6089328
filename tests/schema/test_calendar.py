"""Private calendar feeds: created and revoked over GraphQL, read back with icalendar."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar
from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.enums import Role
from ediary.domain.feeds import MAX_ACTIVE_FEEDS
from tests import builders
from tests.conftest import GraphQLClient
from tests.world import World

TODAY = date.today()
TERM = (TODAY - timedelta(days=30), TODAY + timedelta(days=60))
MOSCOW = ZoneInfo("Europe/Moscow")

CREATE = """mutation($s: ID!) { createCalendarFeed(input: {studentId: $s}) {
  url feed { id createdAt revokedAt createdByViewer student { fullName } }
  userErrors { field message code } } }"""
REVOKE = """mutation($f: ID!) { revokeCalendarFeed(input: {feedId: $f}) {
  feed { id revokedAt } userErrors { field code } } }"""
FEEDS = "query($s: ID!) { calendarFeeds(studentId: $s) { id createdByViewer } }"


class C:
    student: str
    lessons: dict[str, models.Lesson]


@pytest.fixture(scope="module")
async def c(world: World) -> C:
    found = C()
    built = await builders.school("C", "cal", [TERM], subjects=("Mathematics", "Russian"))
    homeroom = await builders.person(
        world, "c-homeroom", "Homeroom", "C", (Role.TEACHER, built.school, None)
    )
    cls = await builders.school_class(built, "3C", class_teacher=homeroom)
    pupil = await builders.student(world, built, cls, "c-student", "Calendar", "Kid")
    for login in ("c-parent", "c-ex-parent"):
        parent = await builders.person(
            world, login, "Parent", login, (Role.PARENT, built.school, None)
        )
        await models.Guardianship.create(parent=parent, student=pupil)
    await builders.person(world, "c-stranger", "Stranger", "C", (Role.PARENT, built.school, None))
    math_teacher = await builders.person(
        world, "c-math", "Math", "C", (Role.TEACHER, built.school, None)
    )
    await models.TeachingAssignment.create(
        teacher=math_teacher, school_class=cls, subject=built.subjects["Mathematics"]
    )
    substitute = await builders.person(None, "c-substitute", "Substitute", "Sam")
    day = TODAY + timedelta(days=1)
    found.lessons = {
        "math": await builders.lesson(
            built, cls, "Mathematics", day, 1, topic="Fractions", room="12"
        ),
        "cancelled": await builders.lesson(
            built, cls, "Russian", day, 2, status=builders.CANCELLED, change_note="Trip"
        ),
        "substituted": await builders.lesson(
            built,
            cls,
            "Mathematics",
            day + timedelta(days=1),
            3,
            status=builders.SUBSTITUTED,
            substitute_teacher=substitute,
            change_note="Teacher ill",
        ),
        "moved": await builders.lesson(
            built, cls, "Mathematics", day + timedelta(days=2), 4, room="104", scheduled_room="201"
        ),
        "far": await builders.lesson(built, cls, "Mathematics", TODAY + timedelta(days=200)),
    }
    assert built.teacher is not None
    await models.Homework.create(
        lesson=found.lessons["math"],
        text="Exercises 1-5",
        due_on=day + timedelta(days=1),
        author=built.teacher,
    )
    found.student = to_base64("Student", pupil.id)
    return found


async def create(gql: GraphQLClient, c: C, who: str | None) -> dict[str, Any]:
    result = await gql(CREATE, {"s": c.student}, as_user=who)
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["createCalendarFeed"]
    return payload


async def fetch(gql: GraphQLClient, url: str) -> httpx.Response:
    async with gql.http() as client:
        return await client.get(url)


def events(body: bytes) -> dict[str, Any]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


async def test_a_parent_subscribes_to_lessons_changes_and_homework(
    gql: GraphQLClient, c: C
) -> None:
    payload = await create(gql, c, "c-parent")
    assert payload["userErrors"] == []
    assert payload["feed"]["createdByViewer"] is True
    assert payload["feed"]["student"] == {"fullName": "Calendar Kid"}
    url = payload["url"]
    assert url.startswith("http://testserver/calendar/") and url.endswith(".ics")
    answer = await fetch(gql, url)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(answer.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Diary: Calendar Kid"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Moscow"]
    found = events(answer.content)
    lessons = c.lessons
    math = found[f"lesson-{lessons['math'].id}@ediary"]
    day = TODAY + timedelta(days=1)
    # Period 1 of the bell schedule: 08:30 to 09:15 in the school's zone.
    assert math.decoded("DTSTART") == datetime(day.year, day.month, day.day, 8, 30, tzinfo=MOSCOW)
    assert math.decoded("DTEND") == datetime(day.year, day.month, day.day, 9, 15, tzinfo=MOSCOW)
    assert (str(math["SUMMARY"]), str(math["LOCATION"]), str(math["STATUS"])) == (
        "Mathematics",
        "12",
        "CONFIRMED",
    )
    assert "Topic: Fractions" in str(math["DESCRIPTION"])
    cancelled = found[f"lesson-{lessons['cancelled'].id}@ediary"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == "Russian (cancelled)"
    assert "Note: Trip" in str(cancelled["DESCRIPTION"])
    substituted = str(found[f"lesson-{lessons['substituted'].id}@ediary"]["DESCRIPTION"])
    assert "Substitute teacher: Substitute Sam" in substituted and "Teacher ill" in substituted
    moved = found[f"lesson-{lessons['moved'].id}@ediary"]
    assert str(moved["LOCATION"]) == "104"
    assert "Room changed from 201 to 104" in str(moved["DESCRIPTION"])
    assert f"lesson-{lessons['far'].id}@ediary" not in found  # beyond twelve weeks
    (homework,) = [e for uid, e in found.items() if uid.startswith("homework-")]
    assert str(homework["SUMMARY"]) == "Homework: Mathematics"
    assert homework.decoded("DTSTART") == day + timedelta(days=1)
    assert (str(homework["DESCRIPTION"]), str(homework["TRANSP"])) == (
        "Exercises 1-5",
        "TRANSPARENT",
    )


async def test_a_subject_teacher_feed_shows_only_their_subject(gql: GraphQLClient, c: C) -> None:
    payload = await create(gql, c, "c-math")
    found = events((await fetch(gql, payload["url"])).content)
    summaries = {str(e["SUMMARY"]) for e in found.values()}
    assert summaries == {"Mathematics", "Homework: Mathematics"}


async def test_revoking_and_unknown_secrets(gql: GraphQLClient, c: C) -> None:
    payload = await create(gql, c, "c-parent")
    feed_id = payload["feed"]["id"]
    stranger = await gql(REVOKE, {"f": feed_id}, as_user="c-stranger")
    assert stranger["data"]["revokeCalendarFeed"]["userErrors"] == [
        {"field": ["input", "feedId"], "code": "NOT_FOUND"}
    ]
    teacher = await gql(REVOKE, {"f": feed_id}, as_user="c-math")  # sees part of the diary only
    assert teacher["data"]["revokeCalendarFeed"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await fetch(gql, payload["url"])).status_code == 200
    # The class teacher follows the whole diary and may cut a feed off.
    revoked = await gql(REVOKE, {"f": feed_id}, as_user="c-homeroom")
    first = revoked["data"]["revokeCalendarFeed"]
    assert first["userErrors"] == [] and first["feed"]["revokedAt"]
    again = (await gql(REVOKE, {"f": feed_id}, as_user="c-parent"))["data"]["revokeCalendarFeed"]
    assert again == first
    answers = set()
    for url in (payload["url"], "/calendar/not-a-secret.ics", "/calendar/" + "x" * 500 + ".ics"):
        gone = await fetch(gql, url)
        assert gone.status_code == 404
        answers.add(gone.content)
    # A revoked feed and secrets that never were get the same answer, the JSON error body.
    assert len(answers) == 1
    assert json.loads(answers.pop())["code"] == "NOT_FOUND"


async def test_a_feed_stops_when_its_creator_loses_access(
    gql: GraphQLClient, c: C, world: World
) -> None:
    payload = await create(gql, c, "c-ex-parent")
    assert (await fetch(gql, payload["url"])).status_code == 200
    await models.Guardianship.filter(parent__login="c-ex-parent").delete()
    assert (await fetch(gql, payload["url"])).status_code == 404


async def test_who_may_create_and_list(gql: GraphQLClient, c: C) -> None:
    anonymous = await create(gql, c, None)
    assert (anonymous["feed"], anonymous["userErrors"][0]["code"]) == (None, "UNAUTHENTICATED")
    stranger = await create(gql, c, "c-stranger")
    assert stranger["userErrors"] == [
        {
            "field": ["input", "studentId"],
            "message": "Nothing was found for this ID.",
            "code": "NOT_FOUND",
        }
    ]
    mine = (await gql(FEEDS, {"s": c.student}, as_user="c-math"))["data"]["calendarFeeds"]
    assert mine and all(f["createdByViewer"] for f in mine)
    everyone = (await gql(FEEDS, {"s": c.student}, as_user="c-homeroom"))["data"]["calendarFeeds"]
    assert len(everyone) > len(mine)
    assert not any(f["createdByViewer"] for f in everyone)
    node = "query($id: ID!) { node(id: $id) { ... on CalendarFeed { createdByViewer } } }"
    seen = await gql(node, {"id": mine[0]["id"]}, as_user="c-math")
    assert seen["data"]["node"] == {"createdByViewer": True}
    hidden = await gql(node, {"id": mine[0]["id"]}, as_user="c-stranger")
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_number_of_active_feeds_is_limited(gql: GraphQLClient, c: C) -> None:
    for _ in range(MAX_ACTIVE_FEEDS):
        assert (await create(gql, c, "c-homeroom"))["userErrors"] == []
    refused = await create(gql, c, "c-homeroom")
    assert (refused["feed"], refused["userErrors"][0]["code"]) == (None, "TOO_MANY_FEEDS")
