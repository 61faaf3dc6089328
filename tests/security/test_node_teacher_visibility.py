"""Finding 5: `node(id:)` with a `Teacher` global ID must not be a directory of the school.

A Teacher is a person who teaches. A parent resolves the teachers of their children's
classes; students, other parents, teachers of other classes or schools, and unknown IDs all
answer the same NOT_FOUND, with nothing in `data`.
"""

from __future__ import annotations

from typing import Any

from strawberry.relay import to_base64

from tests.conftest import GraphQLClient
from tests.world import World

NODE = "query($id: ID!) { node(id: $id) { ... on Teacher { id fullName } } }"


async def _ask(gql: GraphQLClient, viewer: str, teacher_id: int) -> dict[str, Any]:
    return await gql(NODE, {"id": to_base64("Teacher", teacher_id)}, as_user=viewer)


def _codes(answer: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in answer.get("errors", [])]


async def test_a_parent_resolves_only_the_teachers_of_their_childs_class(
    gql: GraphQLClient, world: World
) -> None:
    unknown = await _ask(gql, "parent", 987_654_321)
    assert unknown["data"] == {"node": None}
    assert _codes(unknown) == ["NOT_FOUND"]

    # Students, parents, the other school's teacher and staff who teach nothing: each looks
    # exactly like the unknown ID (a teacher of another class: see the next test).
    hidden = {
        "a student of the same class": world.users["classmate"].id,
        "a student of another class": world.users["other_class_student"].id,
        "a student of another school": world.users["other_school_student"].id,
        "another parent": world.users["other_parent"].id,
        "the parent themself as a teacher": world.users["parent"].id,
        "the other school's teacher": world.users["other_school_teacher"].id,
        "the school administrator (teaches nothing)": world.users["admin"].id,
        "the health worker": world.users["nurse"].id,
    }
    for what, user_id in hidden.items():
        answer = await _ask(gql, "parent", user_id)
        assert answer == unknown, what

    for teacher in ("math_teacher", "russian_teacher", "class_teacher"):
        answer = await _ask(gql, "parent", world.users[teacher].id)
        assert "errors" not in answer, (teacher, answer)
        assert answer["data"]["node"]["fullName"] == world.users[teacher].full_name


async def test_a_teacher_of_another_class_is_hidden_from_that_family(
    gql: GraphQLClient, world: World
) -> None:
    # 7B's pupil: russian_teacher teaches 7B, math_teacher only 7A.
    unknown = await _ask(gql, "other_class_student", 987_654_321)
    hidden = await _ask(gql, "other_class_student", world.users["math_teacher"].id)
    assert hidden == unknown
    seen = await _ask(gql, "other_class_student", world.users["russian_teacher"].id)
    assert seen["data"]["node"]["fullName"] == world.users["russian_teacher"].full_name


async def test_staff_see_their_schools_teachers_and_not_the_other_schools(
    gql: GraphQLClient, world: World
) -> None:
    for viewer in ("admin", "nurse", "russian_teacher"):
        seen = await _ask(gql, viewer, world.users["math_teacher"].id)
        assert seen["data"]["node"]["fullName"] == world.users["math_teacher"].full_name, viewer
        hidden = await _ask(gql, viewer, world.users["other_school_teacher"].id)
        assert hidden == await _ask(gql, viewer, 987_654_321), viewer
    # Staff see teachers, not the school's students and parents through the Teacher type.
    unknown = await _ask(gql, "admin", 987_654_321)
    assert _codes(unknown) == ["NOT_FOUND"] and unknown["data"] == {"node": None}
    for who in ("student", "parent"):
        assert await _ask(gql, "admin", world.users[who].id) == unknown, who
