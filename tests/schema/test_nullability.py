"""Nullability that keeps partial answers: a field that fails on its own is null, with its
error at its path, and its siblings keep their data (docs/api.md, "Nullability")."""

from __future__ import annotations

import pytest
import strawberry
from graphql import GraphQLNonNull, GraphQLObjectType
from strawberry.relay import to_base64

from ediary.adapters.manager import load_plugins
from ediary.schema import build_schema
from ediary.schema.published import BUNDLED_PLUGINS
from ediary_example import plugin as example_plugin
from tests.conftest import GraphQLClient
from tests.world import World

SCHEMAS = {
    "core": lambda: build_schema(load_plugins(allowed=())),
    "bundled plugins": lambda: build_schema(load_plugins(allowed=BUNDLED_PLUGINS)),
    "example plugin": lambda: build_schema(load_plugins(allowed=(), extra=[example_plugin])),
}


@pytest.mark.parametrize("label", SCHEMAS)
def test_no_root_query_or_mutation_field_is_non_null(label: str) -> None:
    schema: strawberry.Schema = SCHEMAS[label]()
    roots: list[GraphQLObjectType | None] = [
        schema._schema.query_type,
        schema._schema.mutation_type,
    ]
    non_null = [
        f"{root.name}.{name}: {field.type}"
        for root in roots
        if root is not None
        for name, field in root.fields.items()
        if isinstance(field.type, GraphQLNonNull)
    ]
    assert non_null == [], (
        "Root fields must be nullable, so one failing field leaves its siblings' data; "
        "type the resolver `-> X | None` (docs/api.md, Nullability)"
    )


@pytest.mark.parametrize("label", SCHEMAS)
def test_mutation_payloads_keep_user_errors_non_null(label: str) -> None:
    schema: strawberry.Schema = SCHEMAS[label]()
    mutations = schema._schema.mutation_type
    assert mutations is not None
    for name, field in mutations.fields.items():
        payload = field.type
        assert isinstance(payload, GraphQLObjectType), name
        assert str(payload.fields["userErrors"].type) == "[UserError!]!", name


TERM_AVERAGES = """
query($own: ID!, $foreign: ID!) {
  a: termAverages(studentId: $own) { subject { name } average }
  b: termAverages(studentId: $foreign) { subject { name } average }
}
"""


async def test_one_foreign_child_leaves_the_own_child_answered(
    gql: GraphQLClient, world: World
) -> None:
    own = to_base64("Student", world.id("student"))
    foreign = to_base64("Student", world.id("classmate"))
    result = await gql(TERM_AVERAGES, {"own": own, "foreign": foreign}, as_user="parent")

    (error,) = result["errors"]
    assert error["path"] == ["b"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert result["data"]["b"] is None
    # The same question about the own child alone answers exactly what `a` holds.
    alone = await gql(
        "query($id: ID!) { termAverages(studentId: $id) { subject { name } average } }",
        {"id": own},
        as_user="parent",
    )
    assert "errors" not in alone, alone
    assert alone["data"]["termAverages"], "the world gives the child averages to compare"
    assert result["data"]["a"] == alone["data"]["termAverages"]


async def test_a_node_the_viewer_may_not_see_is_null_with_not_found_beside_the_viewer(
    gql: GraphQLClient, world: World
) -> None:
    hidden = to_base64("Student", world.id("other_school_student"))
    result = await gql(
        "query($id: ID!) { viewer { login } node(id: $id) { id } }",
        {"id": hidden},
        as_user="parent",
    )
    assert result["data"] == {"viewer": {"login": "parent"}, "node": None}
    (error,) = result["errors"]
    assert error["path"] == ["node"]
    assert error["extensions"]["code"] == "NOT_FOUND"
