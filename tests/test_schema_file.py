"""The committed schema.graphql is the schema the code serves."""

from __future__ import annotations

from ediary.cli import SCHEMA_FILE, schema_text


def test_schema_graphql_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == schema_text(), (
        "schema.graphql is out of date: run `make schema` (or `ediary schema`) and commit it"
    )


def test_every_field_and_type_is_described() -> None:
    from graphql import GraphQLObjectType

    from ediary.adapters.manager import load_plugins
    from ediary.schema import build_schema

    schema = build_schema(load_plugins(allowed=()))
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
    assert missing == []
