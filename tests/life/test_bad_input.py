"""Refusals of school-life writes: each answers a stable code and changes nothing."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from strawberry.relay import to_base64

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.enums import Role
from tests.builders import person
from tests.conftest import GraphQLClient
from tests.life.conftest import ANSWER, BLOG, PDF, POST, SCHEDULE, Class9, soon
from tests.world import World


def _stored_files(root: str) -> int:
    return sum(1 for p in Path(root).rglob("*") if p.is_file())


async def _snapshot(settings: Settings) -> tuple[int, ...]:
    stored = await asyncio.to_thread(_stored_files, settings.attachments_dir)
    return (
        await models.Announcement.all().count(),
        await models.AnnouncementAttachment.all().count(),
        await models.Meeting.all().count(),
        await models.MeetingReply.all().count(),
        await models.OutboxMessage.all().count(),
        stored,
    )


def _class(world: World, name: str = "class_7a") -> str:
    return to_base64("SchoolClass", world.id(name))


def _codes(result: dict[str, Any], field: str) -> list[tuple[list[str] | None, str]]:
    assert "errors" not in result, result
    payload = result["data"][field]
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


NEWS = {"title": "Valid title", "text": "Valid text"}
CASES: list[tuple[str, str, dict[str, Any], list[tuple[list[str] | None, str]]]] = [
    (
        "another school's class",
        "class_teacher",
        {"classId": "class_5a"},
        [(["input", "classId"], "NOT_FOUND")],
    ),
    (
        "a class of the school that is not theirs",
        "class_teacher",
        {"classId": "class_7b"},
        [(["input", "classId"], "NOT_FOUND")],
    ),
    (
        "a subject teacher to a class they teach",
        "math_teacher",
        {"classId": "class_7a"},
        [(["input", "classId"], "NOT_FOUND")],
    ),
    (
        "school news by a class teacher",
        "class_teacher",
        {"schoolId": "school_A"},
        [(["input", "schoolId"], "NOT_FOUND")],
    ),
    (
        "school news to another school",
        "admin",
        {"schoolId": "school_B"},
        [(["input", "schoolId"], "NOT_FOUND")],
    ),
    (
        "an ID of another kind",
        "class_teacher",
        {"classId": "school_A"},
        [(["input", "classId"], "NOT_FOUND")],
    ),
    (
        "both a school and a class",
        "admin",
        {"classId": "class_7a", "schoolId": "school_A"},
        [(["input", "classId"], "BAD_USER_INPUT")],
    ),
    (
        "an oversized title and text",
        "class_teacher",
        {"classId": "class_7a", "title": "T" * 201, "text": "x" * 20_001},
        [(["input", "title"], "TOO_LONG"), (["input", "text"], "TOO_LONG")],
    ),
    (
        "an empty title",
        "class_teacher",
        {"classId": "class_7a", "title": "   "},
        [(["input", "title"], "BAD_USER_INPUT")],
    ),
    (
        "a NUL character",
        "class_teacher",
        {"classId": "class_7a", "text": "a\x00b"},
        [(["input", "text"], "BAD_USER_INPUT")],
    ),
    (
        "expiry before publication",
        "class_teacher",
        {"classId": "class_7a", "publishAt": soon(48), "expiresAt": soon(24)},
        [(["input", "expiresAt"], "DATES_OUT_OF_ORDER")],
    ),
    (
        "expiry already past",
        "class_teacher",
        {
            "classId": "class_7a",
            "publishAt": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
            "expiresAt": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        },
        [(["input", "expiresAt"], "DATES_OUT_OF_ORDER")],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
async def test_refused_announcements_change_nothing(
    gql: GraphQLClient,
    world: World,
    settings: Settings,
    case: tuple[str, str, dict[str, Any], list[tuple[list[str] | None, str]]],
) -> None:
    _, who, extra, expected = case
    given = {**NEWS, **extra}
    for key in ("classId", "schoolId"):
        if key in given:
            kind = "School" if given[key].startswith("school_") else "SchoolClass"
            given[key] = to_base64(kind, world.id(given[key]))
    before = await _snapshot(settings)
    result = await gql(POST, {"input": given}, as_user=who)
    assert _codes(result, "postAnnouncement") == expected
    assert await _snapshot(settings) == before


async def test_files_that_are_refused_leave_nothing_behind(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    before = await _snapshot(settings)
    input = {"classId": _class(world), **NEWS}
    bad = await gql.upload(
        "class_teacher",
        POST,
        input,
        [
            ("big.pdf", PDF + b" " * (settings.max_attachment_bytes + 1)),
            ("virus.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100),
            ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
            ("empty.txt", b""),
        ],
    )
    assert _codes({"data": bad}, "postAnnouncement") == [
        (["input", "attachments", "0"], "FILE_TOO_LARGE"),
        (["input", "attachments", "1"], "FILE_TYPE_NOT_ALLOWED"),
        (["input", "attachments", "2"], "FILE_NAME_MISMATCH"),
        (["input", "attachments", "3"], "FILE_EMPTY"),
    ]
    # More files than the list takes: the whole document is refused before it runs.
    with pytest.raises(AssertionError, match="TOO_MANY_ITEMS"):
        await gql.upload("class_teacher", POST, input, [(f"f{i}.pdf", PDF) for i in range(11)])
    assert await _snapshot(settings) == before


def _meeting(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "classId": _class(world),
            "title": "Meeting",
            "startsAt": soon(24),
            "endsAt": soon(25),
            "place": "Hall",
            "agenda": "Agenda",
            **extra,
        }
    }


MEETING_CASES: list[tuple[str, dict[str, Any], list[tuple[list[str] | None, str]]]] = [
    ("ends before it starts", {"endsAt": soon(23)}, [(["input", "endsAt"], "DATES_OUT_OF_ORDER")]),
    (
        "starts in the past",
        {"startsAt": soon(-2), "endsAt": soon(-1)},
        [(["input", "startsAt"], "DATES_OUT_OF_ORDER")],
    ),
    (
        "a javascript link",
        {"onlineUrl": "javascript:alert(1)"},
        [(["input", "onlineUrl"], "INVALID_URL")],
    ),
    (
        "an ftp link",
        {"onlineUrl": "ftp://files.example.org/x"},
        [(["input", "onlineUrl"], "INVALID_URL")],
    ),
    ("a link without a host", {"onlineUrl": "https://"}, [(["input", "onlineUrl"], "INVALID_URL")]),
    (
        "a link with spaces",
        {"onlineUrl": "https://exa mple.org"},
        [(["input", "onlineUrl"], "INVALID_URL")],
    ),
    (
        "a data link",
        {"onlineUrl": "data:text/html,<script>x</script>"},
        [(["input", "onlineUrl"], "INVALID_URL")],
    ),
    ("neither place nor link", {"place": ""}, [(["input", "place"], "BAD_USER_INPUT")]),
    ("an oversized agenda", {"agenda": "a" * 20_001}, [(["input", "agenda"], "TOO_LONG")]),
]


@pytest.mark.parametrize("case", MEETING_CASES, ids=lambda c: c[0])
async def test_refused_meetings_change_nothing(
    gql: GraphQLClient,
    world: World,
    settings: Settings,
    case: tuple[str, dict[str, Any], list[tuple[list[str] | None, str]]],
) -> None:
    _, extra, expected = case
    before = await _snapshot(settings)
    result = await gql(SCHEDULE, _meeting(world, **extra), as_user="class_teacher")
    assert _codes(result, "scheduleMeeting") == expected
    assert await _snapshot(settings) == before


async def test_meetings_outside_reach_answer_not_found(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    before = await _snapshot(settings)
    for who, target in (
        ("class_teacher", {"classId": _class(world, "class_7b")}),
        ("class_teacher", {"classId": _class(world, "class_5a")}),
        ("parent", {}),
        ("admin", {"classId": None, "schoolId": to_base64("School", world.id("school_B"))}),
    ):
        result = await gql(SCHEDULE, _meeting(world, **target), as_user=who)
        assert [code for _, code in _codes(result, "scheduleMeeting")] == ["NOT_FOUND"], who
    assert await _snapshot(settings) == before


async def test_answers_that_are_refused_change_nothing(
    gql: GraphQLClient, class9: Class9, settings: Settings
) -> None:
    world = class9.world
    other = await gql(SCHEDULE, _meeting(world, notifyFamilies=False), as_user="class_teacher")
    meeting = other["data"]["scheduleMeeting"]["meeting"]["id"]
    before = await _snapshot(settings)
    for who, child, code in (
        # 9A's parent cannot see 7A's meeting.
        ("lp9_a", to_base64("Student", class9.ids["ls9_a"]), "NOT_FOUND"),
        # 7A's parent answers only for their own child.
        ("parent", to_base64("Student", world.id("classmate")), "FORBIDDEN"),
        ("student", to_base64("Student", world.id("student")), "FORBIDDEN"),
    ):
        result = await gql(
            ANSWER,
            {"input": {"meetingId": meeting, "studentId": child, "answer": "WILL_ATTEND"}},
            as_user=who,
        )
        assert [c for _, c in _codes(result, "answerMeeting")] == [code], who
    assert await _snapshot(settings) == before


async def test_pages_and_cursors_are_checked(gql: GraphQLClient) -> None:
    for variables in ({"first": 0}, {"first": 101}, {"first": 5, "after": "bm9wZQ=="}):
        result = await gql(
            "query($first: Int!, $after: String) { announcements(first: $first, after: $after) "
            "{ totalCount } meetings(first: 1) { totalCount } }",
            variables,
            as_user="parent",
        )
        assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", variables


async def test_flooding_is_limited_per_sender(
    world: World, settings: Settings, class9: Class9
) -> None:
    strict = create_app(replace(settings, posts_per_hour=2), manage_database=False)
    gql = GraphQLClient(strict, world)
    await person(
        world, "flood_teacher", "Bystrov", "Ivan", (Role.TEACHER, world.objects["school_A"], None)
    )
    entry = {"input": {"title": "Entry", "text": "Text"}}
    for _ in range(2):
        done = await gql(BLOG, entry, as_user="flood_teacher")
        assert done["data"]["postBlogEntry"]["userErrors"] == []
    before = await _snapshot(settings)
    refused = await gql(BLOG, entry, as_user="flood_teacher")
    assert _codes(refused, "postBlogEntry") == [(None, "TOO_MANY_ATTEMPTS")]
    # Another sender is not held back.
    other = await gql(BLOG, entry, as_user="ct9")
    assert _codes(other, "postBlogEntry") == []
    assert (await _snapshot(settings))[0] == before[0] + 1


async def test_non_teachers_keep_no_blog(gql: GraphQLClient, settings: Settings) -> None:
    before = await _snapshot(settings)
    for who in ("parent", "student", "admin", "nurse"):
        result = await gql(BLOG, {"input": {"title": "x", "text": "y"}}, as_user=who)
        assert _codes(result, "postBlogEntry") == [(None, "FORBIDDEN")], who
    assert await _snapshot(settings) == before
