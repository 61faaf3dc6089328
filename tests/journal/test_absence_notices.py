"""announceAbsence: a parent tells the school ahead that a child will be away; the class
teacher and the child's teachers see it on the lessons of those days, nobody else does, and
nothing else changes. Another family's child is refused like an unknown ID."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import Role
from tests import builders
from tests.conftest import TODAY, GraphQLClient
from tests.world import World

ANNOUNCE = """
mutation($input: AnnounceAbsenceInput!) {
  announceAbsence(input: $input) {
    absenceNotice { from to reason student { fullName } }
    userErrors { field code }
  }
}
"""
NOTICES = """
query($id: ID!) {
  node(id: $id) {
    ... on Lesson { subject { name } absenceNotices { from to reason student { fullName } } }
  }
}
"""


async def _school(world: World) -> dict[str, Any]:
    """A class of its own: a class teacher, a mathematics and a physics teacher, two
    children of two families, lessons on the days after today."""
    key = f"an{uuid4().hex[:6]}"
    terms = [(TODAY - timedelta(days=60), TODAY + timedelta(days=60))]
    built = await builders.school(key, "R-AN", terms, subjects=("Mathematics", "Physics"))
    teacher = (Role.TEACHER, built.school, None)
    homeroom = await builders.person(world, f"{key}-homeroom", "Homeroom", "Hanna", teacher)
    made = await builders.school_class(built, "4N", class_teacher=homeroom)
    physics = await builders.person(world, f"{key}-physics", "Physics", "Petr", teacher)
    # The school's teacher keeps mathematics; physics goes to a teacher of its own.
    await models.TeachingAssignment.filter(
        school_class=made, subject=built.subjects["Physics"]
    ).update(teacher=physics)
    assert built.teacher is not None
    world.tokens[f"{key}-math"] = (
        await open_session(built.teacher, SessionKind.BEARER, timedelta(days=1))
    ).token
    child = await builders.student(world, built, made, f"{key}-child", "Child", "Kira")
    other = await builders.student(world, built, made, f"{key}-other", "Other", "Oleg")
    family = (Role.PARENT, built.school, None)
    parent = await builders.person(world, f"{key}-parent", "Parent", "Polina", family)
    stranger = await builders.person(world, f"{key}-stranger", "Stranger", "Stas", family)
    await models.Guardianship.create(parent=parent, student=child)
    await models.Guardianship.create(parent=stranger, student=other)
    tomorrow = TODAY + timedelta(days=1)
    lessons = {
        "math": await builders.lesson(built, made, "Mathematics", tomorrow, 1),
        "physics": await models.Lesson.create(
            school_class=made,
            subject=built.subjects["Physics"],
            teacher=physics,
            date=tomorrow,
            period=2,
        ),
        "later": await builders.lesson(built, made, "Mathematics", tomorrow + timedelta(days=7)),
    }
    return {
        "key": key,
        "child": to_base64("Student", child.id),
        "other": to_base64("Student", other.id),
        "lessons": {name: to_base64("Lesson", lesson.id) for name, lesson in lessons.items()},
        "tomorrow": tomorrow,
    }


async def test_a_parent_announces_an_absence_and_the_childs_teachers_see_it(
    gql: GraphQLClient, world: World
) -> None:
    made = await _school(world)
    key, tomorrow = made["key"], made["tomorrow"]
    attendance_before = await models.Attendance.all().count()
    outbox_before = await models.OutboxMessage.all().count()
    days = {"from": tomorrow.isoformat(), "to": (tomorrow + timedelta(days=1)).isoformat()}
    announce = {"input": {"studentId": made["child"], **days, "reason": "Family trip"}}

    # Another family's child answers like an unknown ID; a teacher who sees the child may
    # not announce for them; anonymous clients are not let in; nothing is stored meanwhile.
    for who, code in (
        (f"{key}-stranger", "NOT_FOUND"),
        ("other_school_teacher", "NOT_FOUND"),
        (f"{key}-homeroom", "FORBIDDEN"),
        (f"{key}-child", "FORBIDDEN"),
    ):
        refused = await gql(ANNOUNCE, announce, as_user=who)
        assert refused["data"]["announceAbsence"]["absenceNotice"] is None, who
        assert [e["code"] for e in refused["data"]["announceAbsence"]["userErrors"]] == [code]
    anonymous = await gql(ANNOUNCE, announce)
    assert anonymous["data"]["announceAbsence"]["userErrors"][0]["code"] == "UNAUTHENTICATED"
    assert await models.AbsenceNotice.filter(reason="Family trip").count() == 0

    saved = await gql(ANNOUNCE, announce, as_user=f"{key}-parent")
    notice = {**days, "reason": "Family trip", "student": {"fullName": "Child Kira"}}
    assert saved["data"]["announceAbsence"] == {"absenceNotice": notice, "userErrors": []}

    math, physics, later = (made["lessons"][n] for n in ("math", "physics", "later"))

    async def seen(who: str, lesson: str) -> list[dict[str, Any]] | str:
        found = await gql(NOTICES, {"id": lesson}, as_user=who)
        if found.get("errors"):
            code: str = found["errors"][0]["extensions"]["code"]
            return code
        notices: list[dict[str, Any]] = found["data"]["node"]["absenceNotices"]
        return notices

    # The class teacher and the parent see it on every lesson of those days; each subject
    # teacher on their own lessons; nobody on a lesson after those days.
    for who in (f"{key}-homeroom", f"{key}-parent"):
        assert await seen(who, math) == [notice], who
        assert await seen(who, physics) == [notice], who
        assert await seen(who, later) == [], who
    assert await seen(f"{key}-math", math) == [notice]
    assert await seen(f"{key}-math", physics) == []
    assert await seen(f"{key}-physics", physics) == [notice]
    # The other family sees the class's lessons, not this child's notice; other schools
    # do not see the lessons at all.
    assert await seen(f"{key}-stranger", math) == []
    assert await seen("other_school_teacher", math) == "NOT_FOUND"

    # Nothing else changed: no register entry, no message to anyone.
    assert await models.Attendance.all().count() == attendance_before
    assert await models.OutboxMessage.all().count() == outbox_before


async def test_an_announcement_is_ahead_bounded_and_short(gql: GraphQLClient, world: World) -> None:
    made = await _school(world)
    parent = f"{made['key']}-parent"
    tomorrow = made["tomorrow"]

    async def refused(**fields: str) -> list[tuple[tuple[str, ...], str]]:
        given = {"studentId": made["child"], "from": tomorrow.isoformat(), "to": "", **fields}
        found = await gql(ANNOUNCE, {"input": given}, as_user=parent)
        assert found["data"]["announceAbsence"]["absenceNotice"] is None
        return [
            (tuple(e["field"]), e["code"]) for e in found["data"]["announceAbsence"]["userErrors"]
        ]

    yesterday = (TODAY - timedelta(days=1)).isoformat()
    assert await refused(**{"from": yesterday, "to": yesterday}) == [
        (("input", "from"), "BAD_USER_INPUT")
    ]
    assert await refused(to=(tomorrow - timedelta(days=1)).isoformat()) == [
        (("input", "to"), "BAD_USER_INPUT")
    ]
    assert await refused(to=(tomorrow + timedelta(days=70)).isoformat()) == [
        (("input", "to"), "BAD_USER_INPUT")
    ]
    assert await refused(to=tomorrow.isoformat(), reason="x" * 301) == [
        (("input", "reason"), "BAD_USER_INPUT")
    ]
    assert await models.AbsenceNotice.filter(student_id=int(_local(made["child"]))).count() == 0


def _local(global_id: str) -> str:
    from strawberry.relay import from_base64

    return from_base64(global_id)[1]
