"""Finding 12: introspection counts in the document limits, so aliases cannot make an
anonymous client's request return the schema a hundred times over."""

from __future__ import annotations

import itertools
from typing import Any

from graphql import get_introspection_query
from starlette.applications import Starlette

from ediary.config import Settings
from tests.conftest import GraphQLClient
from tests.world import World

_addresses = itertools.count(1)


def anonymous(app: Starlette, world: World) -> GraphQLClient:
    # A client address of its own: anonymous budgets are kept per address.
    return GraphQLClient(app, world, f"10.12.{next(_addresses)}.1")


def codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]


def aliased(field: str, copies: int) -> str:
    return "{" + " ".join(f"a{n}: {field}" for n in range(copies)) + "}"


async def test_a_hundred_and_thirty_aliased_schemas_are_refused(
    app: Starlette, world: World, settings: Settings
) -> None:
    assert settings.introspection
    result = await anonymous(app, world)(aliased("__schema { types { name } }", 130))
    assert "TOO_MANY_ALIASES" in codes(result), result
    assert result.get("data") is None


async def test_the_schema_is_given_once_per_document_even_within_the_alias_limit(
    app: Starlette, world: World
) -> None:
    result = await anonymous(app, world)(aliased("__schema { types { name } }", 2))
    assert codes(result) == ["SENSITIVE_FIELD_REPEATED"], result
    assert "__schema" in result["errors"][0]["message"]
    assert result.get("data") is None


async def test_aliased_types_and_typenames_count_as_aliases(app: Starlette, world: World) -> None:
    for field in ('__type(name: "Query") { fields { name } }', "__typename"):
        result = await anonymous(app, world)(aliased(field, 31))
        assert codes(result) == ["TOO_MANY_ALIASES"], result


async def test_introspection_lists_count_in_the_nodes(app: Starlette, world: World) -> None:
    # Under the alias limit, but every copy nests lists of the schema's types.
    nested = '__type(name: "Query") { fields { args { type { fields { args { name } } } } } }'
    result = await anonymous(app, world)(aliased(nested, 30))
    assert codes(result) == ["TOO_MANY_NODES"], result


async def test_graphiqls_introspection_query_still_passes_anonymously(
    app: Starlette, world: World
) -> None:
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    result = await anonymous(app, world)(query)
    assert "errors" not in result, codes(result)
    assert result["data"]["__schema"]["queryType"]["name"] == "Query"
