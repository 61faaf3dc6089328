"""Each distinct document of a logged-in user is parsed and validated once; the limits,
which depend on the variables, and a failing document's errors come back every time."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from graphql import FieldsOnCorrectTypeRule, ValidationContext
from starlette.applications import Starlette
from strawberry.relay import to_base64

from ediary.app import create_app
from ediary.config import Settings
from tests.conftest import GraphQLClient
from tests.world import World

MARKS = """
query($student: ID!, $n: Int!) {
  marks(studentId: $student, first: $n) { edges { node { value history { at } } } }
}
"""


def uncached_app(settings: Settings, **changes: Any) -> Starlette:
    # Answers kept by the response cache would skip validation for another reason.
    return create_app(
        dataclasses.replace(settings, response_cache_bytes=0, **changes), manage_database=False
    )


@pytest.fixture
def spec_rule_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Grows by one each time a rule of the GraphQL specification checks a document."""
    runs: list[int] = []
    original = FieldsOnCorrectTypeRule.__init__

    def counted(self: FieldsOnCorrectTypeRule, context: ValidationContext) -> None:
        runs.append(1)
        original(self, context)

    monkeypatch.setattr(FieldsOnCorrectTypeRule, "__init__", counted)
    return runs


def codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]


async def test_a_logged_in_users_document_is_validated_once(
    settings: Settings, world: World, spec_rule_runs: list[int]
) -> None:
    gql = GraphQLClient(uncached_app(settings), world)
    spec_rule_runs.clear()  # the app's own trusted documents were validated at its start
    student = to_base64("Student", world.id("student"))
    for n in (1, 2, 3):
        result = await gql(MARKS, {"student": student, "n": n}, as_user="parent")
        assert "errors" not in result, result
    assert len(spec_rule_runs) == 1


async def test_anonymous_documents_are_validated_each_time(
    settings: Settings, world: World, spec_rule_runs: list[int]
) -> None:
    gql = GraphQLClient(uncached_app(settings), world)
    spec_rule_runs.clear()  # the app's own trusted documents were validated at its start
    for _ in range(2):
        assert "errors" not in await gql("{ viewer { login } }")
    assert len(spec_rule_runs) == 2


async def test_an_invalid_document_is_refused_every_time(
    settings: Settings, world: World, spec_rule_runs: list[int]
) -> None:
    gql = GraphQLClient(uncached_app(settings), world)
    spec_rule_runs.clear()  # the app's own trusted documents were validated at its start
    answers = [await gql("{ viewer { noSuchField } }", as_user="parent") for _ in range(2)]
    assert answers[0] == answers[1]
    assert answers[0]["data"] is None
    assert codes(answers[0]) == ["GRAPHQL_VALIDATION_FAILED"]
    assert len(spec_rule_runs) == 2


async def test_the_limits_are_checked_on_every_request_of_a_validated_document(
    settings: Settings, world: World
) -> None:
    # 50 marks, each with its history counted as 10 events: 50 + 50 * 10 = 550 nodes.
    gql = GraphQLClient(uncached_app(settings, max_query_nodes=550), world)
    student = to_base64("Student", world.id("student"))
    assert "errors" not in await gql(MARKS, {"student": student, "n": 50}, as_user="parent")
    over = await gql(MARKS, {"student": student, "n": 51}, as_user="parent")
    assert over["data"] is None
    assert codes(over) == ["TOO_MANY_NODES"]
