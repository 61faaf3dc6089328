"""Measuring a document before it runs: depth, aliases, nodes and cost, with variables,
fragments, directives, and documents built to make the measuring itself slow."""

from __future__ import annotations

import time
from typing import Any

import pytest
from graphql import GraphQLSchema, parse

from ediary.adapters.limits import DEFAULT_LIST_ITEMS
from ediary.adapters.manager import load_plugins
from ediary.schema import build_schema
from ediary.schema.limits.analysis import Measure, measure, points

PAGE = 100


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(load_plugins())._schema


def measured(
    schema: GraphQLSchema,
    document: str,
    variables: dict[str, Any] | None = None,
    operation: str | None = None,
) -> Measure:
    return measure(schema, parse(document), operation, variables, PAGE)


def test_points_follow_github_one_per_hundred_fetches_at_least_one() -> None:
    assert [points(n) for n in (0, 1, 149, 151, 778)] == [1, 1, 1, 2, 8]


def test_a_connection_counts_its_page_and_what_each_item_holds(schema: GraphQLSchema) -> None:
    query = """
    query($n: Int!) { marks(studentId: "x", first: $n) { edges { node { history { at } } } } }
    """
    found = measured(schema, query, {"n": 40})
    assert found.nodes == 40 + 40 * DEFAULT_LIST_ITEMS
    # One fetch for the page, one for each mark's history.
    assert found.cost == points(1 + 40)
    assert found.depth == 5


def test_the_default_page_size_counts_when_first_is_not_given(schema: GraphQLSchema) -> None:
    assert measured(schema, '{ marks(studentId: "x") { totalCount } }').nodes == 20


def test_a_variable_default_counts_when_the_variable_is_not_sent(schema: GraphQLSchema) -> None:
    query = 'query($n: Int = 7) { marks(studentId: "x", first: $n) { totalCount } }'
    assert measured(schema, query).nodes == 7
    assert measured(schema, query, {"n": 9}).nodes == 9


def test_page_sizes_out_of_range_are_errors_with_their_code(schema: GraphQLSchema) -> None:
    found = measured(schema, '{ marks(studentId: "x", first: 101) { totalCount } }')
    assert [e.extensions for e in found.page_errors] == [{"code": "BAD_USER_INPUT"}]
    assert not measured(schema, '{ marks(studentId: "x", first: 100) { totalCount } }').page_errors


def test_fixed_lists_count_by_their_bound(schema: GraphQLSchema) -> None:
    found = measured(schema, '{ diary(studentId: "x", week: "2026-W47") { days { date } } }')
    assert found.nodes == 7


def test_lists_of_scalars_are_free(schema: GraphQLSchema) -> None:
    assert measured(schema, "{ viewer { roles } }").nodes == 0


def test_introspection_counts_like_other_fields_but_its_depth(schema: GraphQLSchema) -> None:
    found = measured(schema, "{ __schema { types { fields { name } } } }")
    assert found.nodes == DEFAULT_LIST_ITEMS + DEFAULT_LIST_ITEMS * DEFAULT_LIST_ITEMS
    assert (found.depth, found.aliases) == (0, 0)


def test_fragments_inline_fragments_and_aliases(schema: GraphQLSchema) -> None:
    query = """
    { a: viewer { ...Kids } b: viewer { ... on Viewer { ...Kids } } }
    fragment Kids on Viewer { children { n: fullName } }
    """
    found = measured(schema, query)
    assert found.aliases == 4
    assert found.nodes == 2 * DEFAULT_LIST_ITEMS
    assert found.depth == 3


def test_skip_and_include_follow_their_variables(schema: GraphQLSchema) -> None:
    query = """
    query($more: Boolean!) {
      viewer { children { fullName } schools @include(if: $more) { name } }
      again: viewer @skip(if: $more) { schools { name } }
    }
    """
    assert measured(schema, query, {"more": False}).nodes == 2 * DEFAULT_LIST_ITEMS
    assert measured(schema, query, {"more": True}).nodes == 2 * DEFAULT_LIST_ITEMS
    assert measured(schema, query, {"more": True}).aliases == 0


def test_only_the_chosen_operation_is_measured(schema: GraphQLSchema) -> None:
    document = """
    query Small { viewer { login } }
    query Big { viewer { children { fullName } } }
    """
    assert measured(schema, document, operation="Small").nodes == 0
    assert measured(schema, document, operation="Big").nodes == DEFAULT_LIST_ITEMS


def test_sensitive_fields_are_counted_through_fragments(schema: GraphQLSchema) -> None:
    document = """
    mutation { ...One ...One logout { ok } }
    fragment One on Mutation { login(input: {login: "a", password: "b"}) { accessToken } }
    """
    assert measured(schema, document).sensitive == {"login": 2}


def test_fragment_cycles_do_not_recurse_forever(schema: GraphQLSchema) -> None:
    document = """
    { viewer { ...A } }
    fragment A on Viewer { login ...B }
    fragment B on Viewer { fullName ...A }
    """
    assert measured(schema, document).depth == 2


def test_fragments_spread_many_times_over_are_measured_once(schema: GraphQLSchema) -> None:
    # Each fragment spreads the one before it twice: expanded, 2**40 selections of `login`.
    levels = 40
    fragments = ["fragment F0 on Viewer { a: login }"]
    fragments += [
        f"fragment F{i} on Viewer {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels)
    ]
    document = f"{{ viewer {{ ...F{levels - 1} }} }}\n" + "\n".join(fragments)
    started = time.perf_counter()
    found = measured(schema, document)
    assert time.perf_counter() - started < 1
    assert found.aliases == 2 ** (levels - 1)
