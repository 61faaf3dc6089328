"""Finding 13: every list input has a bound, declared once on the field, and a request sending
more is refused with TOO_MANY_ITEMS before any work: 40,000 `postMarks` entries used to hold
the event loop for more than a second."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import strawberry
from graphql import GraphQLInputObjectType, GraphQLList, get_nullable_type, parse
from strawberry.relay import to_base64

from ediary.adapters.limits import DEFAULT_INPUT_ITEMS, max_items
from ediary.adapters.manager import load_plugins
from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.journal.base import MAX_CLASS_BATCH
from ediary.domain.uploads import MAX_FILES
from ediary.schema import build_schema
from ediary.schema.limits.analysis import measure
from tests.conftest import GraphQLClient
from tests.world import World

POST_MARKS = """
mutation($input: PostMarksInput!) {
  postMarks(input: $input) { marks { id } userErrors { field message code } }
}"""
EDIT_HOMEWORK = """
mutation($input: EditHomeworkInput!) {
  editHomework(input: $input) { homework { id } userErrors { field message code } }
}"""


def codes(result: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in result.get("errors", [])]


def entries(world: World, count: int) -> list[dict[str, Any]]:
    student = to_base64("Student", world.users["student"].id)
    return [{"studentId": student, "value": 5} for _ in range(count)]


async def test_forty_thousand_marks_are_refused_quickly_and_nothing_is_written(
    settings: Settings, world: World
) -> None:
    # 40,000 entries are about 2 MB, over the default body limit, which would refuse them first
    # (413); a larger limit shows the list bound holds on its own.
    roomy = create_app(replace(settings, max_body_bytes=8 * 1024 * 1024), manage_database=False)
    gql = GraphQLClient(roomy, world)
    lesson = to_base64("Lesson", world.objects["math_mark"].lesson_id)  # type: ignore[attr-defined]
    marks_before = await models.Mark.all().count()
    sent = {"input": {"lessonId": lesson, "marks": entries(world, 40_000)}}
    result = await gql(POST_MARKS, sent, as_user="math_teacher")
    assert codes(result) == ["TOO_MANY_ITEMS"], str(result)[:500]
    assert result.get("data") is None
    message = result["errors"][0]["message"]
    assert f"at most {MAX_CLASS_BATCH}" in message and "40000" in message
    # Refused while the document was measured, before variables are coerced: no data at
    # all means execution never began, so no entry was coerced or checked.
    assert await models.Mark.all().count() == marks_before


async def test_one_item_over_the_bound_is_refused_and_the_bound_itself_is_not(
    gql: GraphQLClient, world: World
) -> None:
    lesson = to_base64("Lesson", world.objects["math_mark"].lesson_id)  # type: ignore[attr-defined]
    over = {"input": {"lessonId": lesson, "marks": entries(world, MAX_CLASS_BATCH + 1)}}
    assert codes(await gql(POST_MARKS, over, as_user="math_teacher")) == ["TOO_MANY_ITEMS"]
    # At the bound the batch is looked at: one student many times over is a user error.
    marks_before = await models.Mark.all().count()
    at = {"input": {"lessonId": lesson, "marks": entries(world, MAX_CLASS_BATCH)}}
    result = await gql(POST_MARKS, at, as_user="math_teacher")
    assert "errors" not in result, str(result)[:500]
    assert "TOO_MANY_ITEMS" not in {e["code"] for e in result["data"]["postMarks"]["userErrors"]}
    assert await models.Mark.all().count() == marks_before


async def test_the_bound_holds_inside_an_inline_input_and_for_ids(
    gql: GraphQLClient, world: World
) -> None:
    homework = to_base64("Homework", world.id("math_homework"))
    ids = ", ".join(f'"{to_base64("HomeworkAttachment", n)}"' for n in range(1, MAX_FILES + 2))
    document = (
        "mutation { editHomework(input: {homeworkId: "
        f'"{homework}", removeAttachments: [{ids}]}}) {{ homework {{ id }} }} }}'
    )
    result = await gql(document, as_user="math_teacher")
    assert codes(result) == ["TOO_MANY_ITEMS"], result
    assert "removeAttachments" in result["errors"][0]["message"]


def test_every_list_input_of_the_schema_declares_its_bound_and_says_it() -> None:
    schema = build_schema(load_plugins())._schema
    found = []
    for kind in schema.type_map.values():
        if not isinstance(kind, GraphQLInputObjectType) or kind.name.startswith("__"):
            continue
        for name, field in kind.fields.items():
            if isinstance(get_nullable_type(field.type), GraphQLList):
                declared = max_items(field.extensions["strawberry-definition"])
                assert declared is not None, f"{kind.name}.{name} has no MaxItems"
                assert f"At most {declared} items." in (field.description or "")
                found.append(f"{kind.name}.{name}")
    assert "PostMarksInput.marks" in found and len(found) >= 10


@strawberry.type
class _Query:
    @strawberry.field
    def total(self, numbers: list[int]) -> int:
        return sum(numbers)


@pytest.mark.parametrize(("count", "refused"), [(DEFAULT_INPUT_ITEMS, False), (10**5, True)])
def test_a_list_without_a_declared_bound_takes_the_default(count: int, refused: bool) -> None:
    schema = strawberry.Schema(query=_Query)._schema
    found = measure(
        schema, parse("query($n: [Int!]!) { total(numbers: $n) }"), None, {"n": [1] * count}, 100
    )
    assert [e.extensions for e in found.page_errors] == ([{"code": "TOO_MANY_ITEMS"}] * refused)
