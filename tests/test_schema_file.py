"""The committed schema.graphql is the core schema the code serves; plugins extend the schema
of the application that loads them, and every field, theirs too, is described."""

from __future__ import annotations

import pytest
import strawberry
from graphql import GraphQLObjectType

from ediary.adapters.manager import load_plugins
from ediary.cli import SCHEMA_FILE, schema_text
from ediary.schema import build_schema
from ediary_example import plugin as example_plugin


def test_schema_graphql_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == schema_text(), (
        "schema.graphql is out of date: run `make schema` (or `ediary schema`) and commit it"
    )


def test_a_loaded_plugin_adds_its_fields_and_types() -> None:
    core = build_schema(load_plugins(allowed=()))
    with_dnevnik = build_schema(load_plugins(allowed=("dnevnik",)))
    for schema, present in ((core, False), (with_dnevnik, True)):
        mutations = schema._schema.mutation_type
        queries = schema._schema.query_type
        assert mutations is not None and queries is not None
        assert ("redeemAccessCode" in mutations.fields) is present
        assert ("accessCodeBatches" in queries.fields) is present
        assert ("AccessCodeBatch" in schema._schema.type_map) is present
        # The core stays whole either way.
        assert {"login", "logout"} <= set(mutations.fields)
        assert {"node", "viewer", "diary", "loginFlows"} <= set(queries.fields)
    assert "redeemAccessCode" not in SCHEMA_FILE.read_text()


SCHEMAS = {
    "core": lambda: build_schema(load_plugins(allowed=())),
    "with plugins": lambda: build_schema(load_plugins(extra=[example_plugin])),
}


@pytest.mark.parametrize("label", SCHEMAS)
def test_every_field_and_type_is_described(label: str) -> None:
    schema: strawberry.Schema = SCHEMAS[label]()
    missing = []
    for name, kind in schema._schema.type_map.items():
        if name.startswith("__") or not isinstance(kind, GraphQLObjectType):
            continue
        if name not in {"Query", "Mutation"} and not kind.description:
            missing.append(name)
        missing += [
            f"{name}.{field}"
            for field, definition in kind.fields.items()
            if not definition.description and field != "id"
        ]
    assert missing == [], label
