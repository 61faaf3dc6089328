"""The week diary through GraphQL, as a parent opens it."""

from __future__ import annotations

from strawberry.relay import to_base64

from tests.conftest import GraphQLClient
from tests.schema.diary_document import DIARY
from tests.world import WEEK, World


def student_id(world: World, name: str = "student") -> str:
    return to_base64("Student", world.id(name))


async def test_parent_sees_the_week_of_their_child(gql: GraphQLClient, world: World) -> None:
    result = await gql(DIARY, {"student": student_id(world), "week": str(WEEK)}, as_user="parent")
    assert "errors" not in result, result
    diary = result["data"]["diary"]
    assert diary["week"] == "2026-W48"
    assert diary["student"]["fullName"] == "Kuznetsov Ivan"
    assert diary["term"]["number"] == 2
    assert len(diary["days"]) == 7
    monday = diary["days"][0]
    assert monday["date"] == "2026-11-23"
    math, russian = monday["lessons"]
    assert math["lesson"]["subject"]["name"] == "Mathematics"
    assert math["lesson"]["bell"] == {"startsAt": "08:30:00", "endsAt": "09:15:00"}
    assert math["homework"] == [{"text": "No. 312-315", "dueOn": "2026-11-24"}]
    assert sorted(m["value"] for m in math["marks"]) == [3, 5]
    assert math["remarks"] == [{"kind": "PRAISE", "text": "Solved at the board"}]
    assert russian["lesson"]["status"] == "SUBSTITUTED"
    assert russian["lesson"]["substituteTeacher"]["shortName"] == "Sidorov P."
    assert russian["attendance"] == {
        "kind": "LATE",
        "minutesLate": 10,
        "excused": True,
        "excuseKind": "MEDICAL",
    }
    tuesday = diary["days"][1]["lessons"][0]["lesson"]
    assert (tuesday["room"], tuesday["scheduledRoom"]) == ("104", "201")
    averages = {a["subject"]["name"]: a for a in diary["termAverages"]}
    # Mathematics: (5*1 + 3*2) / 3 = 3.67, which rounds to a 4 under the default policy.
    assert averages["Mathematics"]["average"] == 3.67
    assert averages["Mathematics"]["forecast"] == 4
    assert averages["Russian"]["markCount"] == 1


async def test_teacher_sees_only_the_subjects_they_teach(gql: GraphQLClient, world: World) -> None:
    result = await gql(
        DIARY, {"student": student_id(world), "week": str(WEEK)}, as_user="math_teacher"
    )
    assert "errors" not in result, result
    lessons = [x for day in result["data"]["diary"]["days"] for x in day["lessons"]]
    assert {x["lesson"]["subject"]["name"] for x in lessons} == {"Mathematics"}
    averages = result["data"]["diary"]["termAverages"]
    assert [a["subject"]["name"] for a in averages] == ["Mathematics"]


async def test_health_worker_sees_attendance_but_no_marks(gql: GraphQLClient, world: World) -> None:
    result = await gql(DIARY, {"student": student_id(world), "week": str(WEEK)}, as_user="nurse")
    assert "errors" not in result, result
    lessons = [x for day in result["data"]["diary"]["days"] for x in day["lessons"]]
    assert all(x["marks"] == [] and x["remarks"] == [] for x in lessons)
    assert any(x["attendance"] for x in lessons)
    assert result["data"]["diary"]["termAverages"] == []


async def test_malformed_week_is_a_clear_input_error(gql: GraphQLClient, world: World) -> None:
    for week in ("2026-48", "2026-W54", "next week"):
        result = await gql(DIARY, {"student": student_id(world), "week": week}, as_user="parent")
        assert result.get("data") is None
        (error,) = result["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert "Traceback" not in error["message"]


async def test_hidden_and_unknown_students_look_the_same(gql: GraphQLClient, world: World) -> None:
    hidden = await gql(
        DIARY, {"student": student_id(world, "classmate"), "week": str(WEEK)}, as_user="parent"
    )
    unknown = await gql(
        DIARY, {"student": to_base64("Student", 999999), "week": str(WEEK)}, as_user="parent"
    )
    wrong_type = await gql(
        DIARY,
        {"student": to_base64("Mark", world.id("math_mark")), "week": str(WEEK)},
        as_user="parent",
    )
    garbage = await gql(DIARY, {"student": "not-an-id", "week": str(WEEK)}, as_user="parent")
    messages = {
        (r["errors"][0]["message"], r["errors"][0]["extensions"]["code"])
        for r in (hidden, unknown, wrong_type)
    }
    assert messages == {("Nothing was found for this ID.", "NOT_FOUND")}
    assert garbage["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
