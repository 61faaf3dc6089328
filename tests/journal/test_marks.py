"""Posting, correcting and deleting marks through GraphQL: all or nothing, with history."""

from __future__ import annotations

from typing import Any

from ediary.domain import models
from tests.conftest import GraphQLClient
from tests.journal.conftest import Class8

POST_MARKS = """
mutation($input: PostMarksInput!) {
  postMarks(input: $input) {
    marks { id value weight kind comment student { fullName } }
    userErrors { field message code }
  }
}
"""
CORRECT = """
mutation($input: CorrectMarkInput!) {
  correctMark(input: $input) {
    mark { value weight history { sequence action oldValue newValue reason actor { fullName } } }
    userErrors { field message code }
  }
}
"""
DELETE = """
mutation($input: DeleteMarkInput!) {
  deleteMark(input: $input) { deletedMarkId userErrors { field message code } }
}
"""


def _entries(c: Class8, *values: int) -> list[dict[str, Any]]:
    names = ["s8_anna", "s8_boris", "s8_vera"]
    return [
        {"studentId": c.gid("Student", n), "value": v} for n, v in zip(names, values, strict=False)
    ]


async def _post(gql: GraphQLClient, who: str, **input: Any) -> dict[str, Any]:
    result = await gql(POST_MARKS, {"input": input}, as_user=who)
    assert "errors" not in result, result
    return result["data"]["postMarks"]


async def _count() -> int:
    return await models.Mark.all().count()


async def test_a_class_gets_its_marks_in_one_batch(gql: GraphQLClient, class8: Class8) -> None:
    payload = await _post(
        gql,
        "math_teacher",
        lessonId=class8.gid("Lesson", "math0"),
        kind="TEST",
        marks=_entries(class8, 5, 4, 3),
    )
    assert payload["userErrors"] == []
    assert [(m["value"], m["weight"], m["kind"]) for m in payload["marks"]] == [
        (5, 3, "TEST"),
        (4, 3, "TEST"),
        (3, 3, "TEST"),
    ]


async def test_one_bad_mark_writes_none_and_says_which_and_why(
    gql: GraphQLClient, class8: Class8
) -> None:
    before = await _count()
    entries = _entries(class8, 5, 7, 4)
    entries[2]["weight"] = 9
    entries.append({"studentId": class8.world and class8.gid("Student", "s8_anna"), "value": 4})
    payload = await _post(
        gql, "math_teacher", lessonId=class8.gid("Lesson", "math1"), marks=entries
    )
    assert payload["marks"] == []
    found = {(tuple(e["field"]), e["code"]) for e in payload["userErrors"]}
    assert found == {
        (("input", "marks", "1", "value"), "BAD_USER_INPUT"),
        (("input", "marks", "2", "weight"), "BAD_USER_INPUT"),
        (("input", "marks", "3", "studentId"), "BAD_USER_INPUT"),
    }
    assert "from 1 to 5" in payload["userErrors"][0]["message"]
    assert await _count() == before


async def test_students_of_another_class_are_refused(gql: GraphQLClient, class8: Class8) -> None:
    from strawberry.relay import to_base64

    outsider = to_base64("Student", class8.world.id("student"))
    payload = await _post(
        gql,
        "math_teacher",
        lessonId=class8.gid("Lesson", "math1"),
        marks=[{"studentId": outsider, "value": 5}],
    )
    assert payload["userErrors"][0]["field"] == ["input", "marks", "0", "studentId"]


async def test_closed_terms_and_future_days_are_refused(gql: GraphQLClient, class8: Class8) -> None:
    closed = await _post(
        gql, "math_teacher", lessonId=class8.gid("Lesson", "math_term1"), marks=_entries(class8, 5)
    )
    assert [(e["field"], e["code"]) for e in closed["userErrors"]] == [
        (["input", "lessonId"], "TERM_CLOSED")
    ]
    future = await _post(
        gql, "math_teacher", lessonId=class8.gid("Lesson", "math_future"), marks=_entries(class8, 5)
    )
    assert future["userErrors"][0]["message"] == "A mark cannot be dated in the future."
    dated = await _post(
        gql,
        "math_teacher",
        classId=class8.gid("SchoolClass", "class8"),
        subjectId=class8.gid("Subject", "math"),
        date="2026-12-01",
        marks=_entries(class8, 5),
    )
    assert dated["userErrors"][0]["field"] == ["input", "date"]


async def test_only_the_teacher_of_the_subject_posts(gql: GraphQLClient, class8: Class8) -> None:
    lesson = class8.gid("Lesson", "phys0")
    refused = await _post(gql, "math_teacher", lessonId=lesson, marks=_entries(class8, 5))
    assert refused["userErrors"][0]["code"] == "FORBIDDEN"
    hidden = await _post(gql, "other_school_teacher", lessonId=lesson, marks=_entries(class8, 5))
    assert hidden["userErrors"][0]["code"] == "NOT_FOUND"
    ok = await _post(gql, "russian_teacher", lessonId=lesson, marks=_entries(class8, 4))
    assert ok["userErrors"] == []


async def test_dated_work_without_a_lesson(gql: GraphQLClient, class8: Class8) -> None:
    payload = await _post(
        gql,
        "math_teacher",
        classId=class8.gid("SchoolClass", "class8"),
        subjectId=class8.gid("Subject", "math"),
        date="2026-11-20",
        kind="ESSAY",
        weight=4,
        comment="Olympiad",
        marks=_entries(class8, 5, 5),
    )
    assert payload["userErrors"] == []
    assert {(m["weight"], m["comment"]) for m in payload["marks"]} == {(4, "Olympiad")}


async def test_a_resubmitted_batch_is_not_written_twice(gql: GraphQLClient, class8: Class8) -> None:
    input = {
        "lessonId": class8.gid("Lesson", "math2"),
        "idempotencyKey": "batch-2026-11-18-math",
        "marks": _entries(class8, 3, 4, 5),
    }
    first = await _post(gql, "math_teacher", **input)
    assert first["userErrors"] == []
    before = await _count()
    again = await _post(gql, "math_teacher", **input)
    assert [e["code"] for e in again["userErrors"]] == ["DUPLICATE_SUBMISSION"]
    assert [m["id"] for m in again["marks"]] == [m["id"] for m in first["marks"]]
    assert await _count() == before


async def test_correcting_keeps_the_history_and_needs_a_reason(
    gql: GraphQLClient, class8: Class8
) -> None:
    posted = await _post(
        gql, "math_teacher", lessonId=class8.gid("Lesson", "math3"), marks=_entries(class8, 3)
    )
    mark_id = posted["marks"][0]["id"]
    no_reason = await gql(
        CORRECT, {"input": {"markId": mark_id, "value": 4, "reason": " "}}, as_user="math_teacher"
    )
    assert no_reason["data"]["correctMark"]["userErrors"][0]["field"] == ["input", "reason"]
    stranger = await gql(
        CORRECT,
        {"input": {"markId": mark_id, "value": 4, "reason": "Recount"}},
        as_user="class_teacher",
    )
    assert stranger["data"]["correctMark"]["userErrors"][0]["code"] == "NOT_FOUND"
    done = await gql(
        CORRECT,
        {"input": {"markId": mark_id, "value": 4, "reason": "Recounted the test"}},
        as_user="math_teacher",
    )
    mark = done["data"]["correctMark"]["mark"]
    assert mark["value"] == 4
    history = mark["history"]
    assert [(e["action"], e["oldValue"], e["newValue"]) for e in history] == [
        ("CREATE", None, 3),
        ("CORRECT", 3, 4),
    ]
    assert history[1]["reason"] == "Recounted the test"
    assert history[1]["sequence"] > history[0]["sequence"]
    by_admin = await gql(
        CORRECT, {"input": {"markId": mark_id, "weight": 2, "reason": "Appeal"}}, as_user="admin"
    )
    assert by_admin["data"]["correctMark"]["mark"]["history"][-1]["actor"]["fullName"] == (
        "Smirnova Elena"
    )


async def test_deleting_is_soft_and_recorded(gql: GraphQLClient, class8: Class8) -> None:
    posted = await _post(
        gql, "math_teacher", lessonId=class8.gid("Lesson", "math4"), marks=_entries(class8, 2)
    )
    mark_id = posted["marks"][0]["id"]
    by_parent = await gql(
        DELETE, {"input": {"markId": mark_id, "reason": "Unfair"}}, as_user="p8_anna"
    )
    assert by_parent["data"]["deleteMark"]["userErrors"][0]["code"] == "FORBIDDEN"
    done = await gql(
        DELETE, {"input": {"markId": mark_id, "reason": "Wrong student"}}, as_user="math_teacher"
    )
    assert done["data"]["deleteMark"] == {"deletedMarkId": mark_id, "userErrors": []}
    row = await models.Mark.get(id=int(_local(mark_id)))
    assert row.deleted_at is not None
    events = await models.MarkEvent.filter(mark_id=row.id).order_by("seq")
    assert [e.action.value for e in events] == ["create", "delete"]
    gone = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": mark_id}, as_user="p8_anna")
    assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def _local(global_id: str) -> str:
    from strawberry.relay import from_base64

    return from_base64(global_id)[1]


async def test_a_cookie_session_needs_the_csrf_header(gql: GraphQLClient, class8: Class8) -> None:
    from ediary.domain.auth import SessionKind, open_session
    from ediary.schema.context import SESSION_COOKIE

    opened = await open_session(
        class8.world.users["math_teacher"], SessionKind.COOKIE, __import__("datetime").timedelta(1)
    )
    variables = {"input": {"lessonId": class8.gid("Lesson", "math4"), "marks": _entries(class8, 5)}}
    cookie = {"Cookie": f"{SESSION_COOKIE}={opened.token}"}
    refused = await gql(POST_MARKS, variables, headers=cookie)
    assert refused["data"]["postMarks"]["userErrors"][0]["code"] == "CSRF_TOKEN_REQUIRED"
    ok = await gql(POST_MARKS, variables, headers={**cookie, "X-CSRF-Token": opened.csrf_token})
    assert ok["data"]["postMarks"]["userErrors"] == []
