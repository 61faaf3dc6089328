"""The reads a family app needs: the viewer's ID, the school's time zone and lessons as
moments, a child's subjects and teachers, homework by due day, marks changed since a moment
and notification preferences; each as the roles would ask (own child, another family's
child, a teacher of the class, a teacher of another school, anonymous)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from strawberry.relay import to_base64

from tests.conftest import GraphQLClient
from tests.world import MONDAY, WEEK, World


def _code(result: dict[str, Any]) -> str:
    assert result.get("errors"), result
    code: str = result["errors"][0]["extensions"]["code"]
    return code


async def test_the_viewer_id_is_a_node_of_the_viewer_alone(
    gql: GraphQLClient, world: World
) -> None:
    me = await gql("{ viewer { id login } }", as_user="parent")
    viewer = me["data"]["viewer"]
    assert viewer == {"id": to_base64("Viewer", world.users["parent"].id), "login": "parent"}
    again = await gql(
        "query($id: ID!) { node(id: $id) { id ... on Viewer { login fullName } } }",
        {"id": viewer["id"]},
        as_user="parent",
    )
    assert again["data"]["node"] == {
        "id": viewer["id"],
        "login": "parent",
        "fullName": "Kuznetsova Natalia",
    }
    # Another account's ID answers like one that does not exist.
    for other in ("other_parent", "class_teacher", "other_school_teacher"):
        found = await gql(
            "query($id: ID!) { node(id: $id) { id } }", {"id": viewer["id"]}, as_user=other
        )
        assert _code(found) == "NOT_FOUND"
    anonymous = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": viewer["id"]})
    assert _code(anonymous) == "UNAUTHENTICATED"
    assert (await gql("{ viewer { id } }"))["data"] == {"viewer": None}


DIARY_TIMES = """
query($student: ID!, $week: Week!) {
  diary(studentId: $student, week: $week) {
    days { date lessons { lesson { period startsAt endsAt bell { startsAt endsAt }
                                    schoolClass { school { timeZone } } } } }
  }
}
"""


async def test_lessons_are_moments_with_the_schools_offset(
    gql: GraphQLClient, world: World
) -> None:
    student = to_base64("Student", world.id("student"))
    result = await gql(DIARY_TIMES, {"student": student, "week": str(WEEK)}, as_user="parent")
    assert "errors" not in result, result
    monday = result["data"]["diary"]["days"][0]
    assert monday["date"] == MONDAY.isoformat()
    first, second = (entry["lesson"] for entry in monday["lessons"])
    assert first["schoolClass"]["school"]["timeZone"] == "Europe/Moscow"
    # The bell's clock times are Moscow's; the moments carry Moscow's offset.
    assert first["bell"] == {"startsAt": "08:30:00", "endsAt": "09:15:00"}
    assert (first["startsAt"], first["endsAt"]) == (
        f"{MONDAY.isoformat()}T08:30:00+03:00",
        f"{MONDAY.isoformat()}T09:15:00+03:00",
    )
    assert second["startsAt"] == f"{MONDAY.isoformat()}T09:30:00+03:00"
    # A teacher of the class reads the same moments in the class's timetable.
    timetable = await gql(
        """query($id: ID!, $week: Week!) { classTimetable(classId: $id, week: $week) {
             days { lessons { startsAt schoolClass { school { timeZone } } } } } }""",
        {"id": to_base64("SchoolClass", world.id("class_7a")), "week": str(WEEK)},
        as_user="math_teacher",
    )
    taught = timetable["data"]["classTimetable"]["days"][0]["lessons"][0]
    assert taught == {
        "startsAt": f"{MONDAY.isoformat()}T08:30:00+03:00",
        "schoolClass": {"school": {"timeZone": "Europe/Moscow"}},
    }
    # Another family, another school's teacher and anonymous clients see none of it.
    week = {"student": student, "week": str(WEEK)}
    for who in ("other_parent", "other_school_teacher"):
        assert _code(await gql(DIARY_TIMES, week, as_user=who)) == "NOT_FOUND", who
    assert _code(await gql(DIARY_TIMES, week)) == "UNAUTHENTICATED"
    school = {"id": to_base64("School", world.id("school_A"))}
    zone = "query($id: ID!) { node(id: $id) { ... on School { timeZone } } }"
    assert (await gql(zone, school, as_user="parent"))["data"]["node"] == {
        "timeZone": "Europe/Moscow"
    }
    assert _code(await gql(zone, school, as_user="other_school_teacher")) == "NOT_FOUND"


SUBJECT_TEACHERS = """
query($id: ID!) {
  node(id: $id) { ... on Student { subjectTeachers { subject { name } teacher { shortName } } } }
}
"""


async def test_a_childs_subjects_and_teachers_as_each_role_sees_them(
    gql: GraphQLClient, world: World
) -> None:
    student = {"id": to_base64("Student", world.id("student"))}
    everything = [
        {"subject": {"name": "Mathematics"}, "teacher": {"shortName": "Ivanova A."}},
        {"subject": {"name": "Russian"}, "teacher": {"shortName": "Petrova O."}},
    ]
    for who in ("parent", "student", "class_teacher", "admin"):
        found = await gql(SUBJECT_TEACHERS, student, as_user=who)
        assert found["data"]["node"]["subjectTeachers"] == everything, who
    # A teacher of the class sees the subjects they teach there.
    mine = await gql(SUBJECT_TEACHERS, student, as_user="math_teacher")
    assert mine["data"]["node"]["subjectTeachers"] == everything[:1]
    for who in ("other_parent", "other_school_teacher"):
        assert _code(await gql(SUBJECT_TEACHERS, student, as_user=who)) == "NOT_FOUND", who
    assert _code(await gql(SUBJECT_TEACHERS, student)) == "UNAUTHENTICATED"


HOMEWORK_DUE = """
query($student: ID!, $from: Date!, $to: Date!) {
  homeworkDue(studentId: $student, dueFrom: $from, dueTo: $to) {
    text dueOn lesson { date subject { name } teacher { shortName } }
  }
}
"""


async def test_homework_by_due_day(gql: GraphQLClient, world: World) -> None:
    tuesday = (MONDAY + timedelta(days=1)).isoformat()
    ask = {"student": to_base64("Student", world.id("student")), "from": tuesday, "to": tuesday}
    due = [
        {
            "text": "No. 312-315",
            "dueOn": tuesday,
            "lesson": {
                "date": MONDAY.isoformat(),
                "subject": {"name": "Mathematics"},
                "teacher": {"shortName": "Ivanova A."},
            },
        }
    ]
    for who in ("parent", "student", "math_teacher", "class_teacher"):
        found = await gql(HOMEWORK_DUE, ask, as_user=who)
        assert found["data"]["homeworkDue"] == due, who
    # The whole week: 7B's homework, due on Wednesday, is not this student's.
    week = {**ask, "from": MONDAY.isoformat(), "to": (MONDAY + timedelta(days=6)).isoformat()}
    assert (await gql(HOMEWORK_DUE, week, as_user="parent"))["data"]["homeworkDue"] == due
    # A teacher of the class sees only the subjects they teach.
    russian = await gql(HOMEWORK_DUE, ask, as_user="russian_teacher")
    assert russian["data"]["homeworkDue"] == []
    # Nothing is due on Monday.
    monday = {**ask, "from": MONDAY.isoformat(), "to": MONDAY.isoformat()}
    assert (await gql(HOMEWORK_DUE, monday, as_user="parent"))["data"]["homeworkDue"] == []
    for who in ("other_parent", "other_school_teacher"):
        assert _code(await gql(HOMEWORK_DUE, ask, as_user=who)) == "NOT_FOUND", who
    assert _code(await gql(HOMEWORK_DUE, ask)) == "UNAUTHENTICATED"
    backwards = {**ask, "from": tuesday, "to": MONDAY.isoformat()}
    assert _code(await gql(HOMEWORK_DUE, backwards, as_user="parent")) == "BAD_USER_INPUT"
    too_long = {**ask, "to": (MONDAY + timedelta(days=90)).isoformat()}
    assert _code(await gql(HOMEWORK_DUE, too_long, as_user="parent")) == "BAD_USER_INPUT"


CHANGED = """
query($student: ID!, $since: DateTime) {
  marks(studentId: $student, first: 50, changedSince: $since) {
    totalCount edges { node { value subject { name } updatedAt } }
  }
}
"""


async def test_marks_changed_since_a_moment(gql: GraphQLClient, world: World) -> None:
    student = to_base64("Student", world.id("student"))
    everything = await gql(CHANGED, {"student": student}, as_user="parent")
    total = everything["data"]["marks"]["totalCount"]
    assert total >= 3
    stamps = sorted(e["node"]["updatedAt"] for e in everything["data"]["marks"]["edges"])
    # From the latest change on: the marks changed at that moment or later, and no others.
    since = await gql(CHANGED, {"student": student, "since": stamps[-1]}, as_user="parent")
    latest = since["data"]["marks"]
    assert 1 <= latest["totalCount"] < total or stamps[0] == stamps[-1]
    assert all(e["node"]["updatedAt"] >= stamps[-1] for e in latest["edges"])
    later = await gql(
        CHANGED, {"student": student, "since": "2999-01-01T00:00:00+00:00"}, as_user="parent"
    )
    assert later["data"]["marks"]["totalCount"] == 0
    # A teacher of the class: their subject only; others: nothing at all.
    math = await gql(CHANGED, {"student": student, "since": stamps[0]}, as_user="math_teacher")
    assert {e["node"]["subject"]["name"] for e in math["data"]["marks"]["edges"]} == {"Mathematics"}
    for who in ("other_parent", "other_school_teacher"):
        found = await gql(CHANGED, {"student": student, "since": stamps[0]}, as_user=who)
        assert _code(found) == "NOT_FOUND", who
    assert _code(await gql(CHANGED, {"student": student, "since": stamps[0]})) == (
        "UNAUTHENTICATED"
    )
    naive = await gql(
        CHANGED, {"student": student, "since": "2026-11-25T18:00:00"}, as_user="parent"
    )
    assert _code(naive) == "BAD_USER_INPUT"


PREFERENCES = """
query($student: ID) {
  viewer { notificationPreferences(studentId: $student) {
    student { fullName } mode digestHour quietFrom quietTo saved } }
}
"""


async def test_notification_preferences_are_read_per_child(
    gql: GraphQLClient, world: World
) -> None:
    found = await gql(PREFERENCES, as_user="other_parent")
    # Never chosen: the defaults, one per child.
    preferences = found["data"]["viewer"]["notificationPreferences"]
    assert sorted(preferences, key=lambda p: p["student"]["fullName"]) == [
        {
            "student": {"fullName": name},
            "mode": "INSTANT",
            "digestHour": 19,
            "quietFrom": None,
            "quietTo": None,
            "saved": False,
        }
        for name in ("Novikova Daria", "Popova Maria")
    ]
    one = await gql(
        PREFERENCES,
        {"student": to_base64("Student", world.id("classmate"))},
        as_user="other_parent",
    )
    assert [p["student"]["fullName"] for p in one["data"]["viewer"]["notificationPreferences"]] == [
        "Popova Maria"
    ]
    # Someone else's child, as any other ID, is not found.
    other = {"student": to_base64("Student", world.id("student"))}
    assert _code(await gql(PREFERENCES, other, as_user="other_parent")) == "NOT_FOUND"
    for who in ("student", "math_teacher", "other_school_teacher"):
        mine = await gql(PREFERENCES, as_user=who)
        assert mine["data"]["viewer"]["notificationPreferences"] == [], who
    assert (await gql(PREFERENCES))["data"] == {"viewer": None}
