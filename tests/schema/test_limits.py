"""Limits of one GraphQL document, checked before anything runs, and the hourly query budget,
through the application over HTTP: each limit at its boundary, with its code."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time
from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry
from graphql import get_introspection_query
from graphql.language import Lexer, Source, TokenKind
from starlette.applications import Starlette
from strawberry.relay import to_base64
from tortoise.transactions import in_transaction

from ediary.adapters import GraphQLContribution, hookimpl
from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.auth import LOGIN_SCOPE, hash_password
from ediary.domain.ratelimit import _digest
from tests.conftest import GraphQLClient
from tests.world import World

PASSWORD = "correct horse battery staple"
LOGIN = """
mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password, client: APP}) {
    accessToken userErrors { code }
  }
}
"""
TIMETABLE = """
query($id: ID!) {
  classTimetable(classId: $id, week: "2026-W47") { ...Week }
}
fragment Week on Timetable { days { lessons { homework { attachments { filename } } } } }
"""
MARKS = """
query($student: ID!, $n: Int!) {
  marks(studentId: $student, first: $n) { edges { node { value history { at } } } }
}
"""

_addresses = itertools.count(1)


def fresh_address() -> str:
    """A client address no other test used: anonymous budgets are kept per address."""
    return f"10.8.{next(_addresses)}.1"


def client(app: Starlette, world: World) -> GraphQLClient:
    return GraphQLClient(app, world, fresh_address())


def limited(settings: Settings, **limits: Any) -> Starlette:
    return create_app(dataclasses.replace(settings, **limits), manage_database=False)


def codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]


def tokens(document: str) -> int:
    lexer = Lexer(Source(document))
    count = 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


async def _account(login: str) -> models.User:
    user, _ = await models.User.get_or_create(
        login=login,
        defaults={
            "last_name": "Limits",
            "first_name": login,
            "password_hash": hash_password(PASSWORD),
        },
    )
    return user


async def test_depth_at_the_limit_passes_and_one_deeper_is_refused(
    settings: Settings, world: World
) -> None:
    gql = client(limited(settings, max_query_depth=4), world)
    at_limit = await gql("{ viewer { children { school { name } } } }", as_user="parent")
    assert "errors" not in at_limit, at_limit
    over = await gql("{ viewer { children { school { region { name } } } } }", as_user="parent")
    assert over["data"] is None
    assert codes(over) == ["QUERY_TOO_DEEP"]
    assert "at most 4" in over["errors"][0]["message"]


async def test_depth_counts_fragments_and_inline_fragments(
    settings: Settings, world: World
) -> None:
    gql = client(limited(settings, max_query_depth=4), world)
    query = """
    { viewer { ...Kids } }
    fragment Kids on Viewer { children { ... on Student { school { region { name } } } } }
    """
    assert codes(await gql(query, as_user="parent")) == ["QUERY_TOO_DEEP"]


async def test_aliases_at_the_limit_pass_and_one_more_is_refused(
    settings: Settings, world: World
) -> None:
    gql = client(limited(settings, max_query_aliases=3), world)
    three = "{ a: viewer { login } b: viewer { login } c: viewer { login } }"
    assert "errors" not in await gql(three, as_user="parent")
    four = "{ a: viewer { login } b: viewer { login } c: viewer { login } d: viewer { login } }"
    over = await gql(four, as_user="parent")
    assert over["data"] is None
    assert codes(over) == ["TOO_MANY_ALIASES"]


async def test_aliases_in_a_fragment_count_for_each_spread(
    settings: Settings, world: World
) -> None:
    gql = client(limited(settings, max_query_aliases=3), world)
    query = """
    { viewer { ...Names } again: viewer { ...Names } }
    fragment Names on Viewer { a: login b: fullName }
    """
    # One alias on the second viewer, two in each of the two spreads.
    assert codes(await gql(query, as_user="parent")) == ["TOO_MANY_ALIASES"]


async def test_tokens_at_the_limit_pass_and_one_more_is_refused_by_the_parser(
    settings: Settings, world: World
) -> None:
    at_limit = "{ viewer { login fullName } }"
    gql = client(limited(settings, max_query_tokens=tokens(at_limit)), world)
    assert "errors" not in await gql(at_limit, as_user="parent")
    over = await gql("{ viewer { login fullName roles } }", as_user="parent")
    assert over["data"] is None
    assert codes(over) == ["TOO_MANY_TOKENS"]


async def test_a_huge_document_is_refused_without_reading_all_of_it(
    settings: Settings, world: World
) -> None:
    # A body limit high enough for the 5.5 MB document: the token limit is tested here (the
    # body limit, which refuses it first by default, in tests/security).
    gql = client(limited(settings, max_query_tokens=200, max_body_bytes=8 * 1024 * 1024), world)
    huge = "{ " + "__typename " * 500_000 + "}"
    # The parser raises this as it reads token 201: the rest is never looked at.
    result = await gql(huge)
    assert codes(result) == ["TOO_MANY_TOKENS"]


async def test_nodes_follow_the_page_size_in_the_variables(
    settings: Settings, world: World
) -> None:
    # 50 marks, each with its history counted as 10 events: 50 + 50 * 10 = 550 nodes.
    gql = client(limited(settings, max_query_nodes=550), world)
    student = to_base64("Student", world.id("student"))
    at_limit = await gql(MARKS, {"student": student, "n": 50}, as_user="parent")
    assert "errors" not in at_limit, at_limit
    over = await gql(MARKS, {"student": student, "n": 51}, as_user="parent")
    assert over["data"] is None
    assert codes(over) == ["TOO_MANY_NODES"]
    assert "561" in over["errors"][0]["message"]


async def test_a_page_above_the_maximum_is_refused_before_running(
    settings: Settings, world: World
) -> None:
    gql = client(limited(settings), world)
    student = to_base64("Student", world.id("student"))
    for size in (0, settings.max_page_size + 1):
        result = await gql(MARKS, {"student": student, "n": size}, as_user="parent")
        assert result["data"] is None
        assert codes(result) == ["BAD_USER_INPUT"]
        assert f"between 1 and {settings.max_page_size}" in result["errors"][0]["message"]


async def test_cost_counts_each_spread_of_a_fragment(settings: Settings, world: World) -> None:
    # A week: 7 days, 10 lessons a day, 10 homework a lesson: 1 + 7 + 70 + 700 list fetches,
    # 8 points. Twice over, 16.
    gql = client(limited(settings, max_query_cost=8), world)
    class_id = to_base64("SchoolClass", world.id("class_7a"))
    once = await gql(TIMETABLE, {"id": class_id}, as_user="math_teacher")
    assert "errors" not in once, once
    twice = TIMETABLE.replace(
        'classTimetable(classId: $id, week: "2026-W47") { ...Week }',
        'a: classTimetable(classId: $id, week: "2026-W47") { ...Week } '
        'b: classTimetable(classId: $id, week: "2026-W48") { ...Week }',
    )
    over = await gql(twice, {"id": class_id}, as_user="math_teacher")
    assert over["data"] is None
    assert codes(over) == ["QUERY_TOO_COSTLY"]
    assert "costs 16 points" in over["errors"][0]["message"]


async def test_skipped_selections_cost_nothing(settings: Settings, world: World) -> None:
    gql = client(limited(settings, max_query_cost=8), world)
    class_id = to_base64("SchoolClass", world.id("class_7a"))
    query = """
    query($id: ID!, $both: Boolean!) {
      a: classTimetable(classId: $id, week: "2026-W47") { ...Week }
      b: classTimetable(classId: $id, week: "2026-W48") @include(if: $both) { ...Week }
    }
    fragment Week on Timetable { days { lessons { homework { attachments { filename } } } } }
    """
    skipped = await gql(query, {"id": class_id, "both": False}, as_user="math_teacher")
    assert "errors" not in skipped, skipped
    both = await gql(query, {"id": class_id, "both": True}, as_user="math_teacher")
    assert codes(both) == ["QUERY_TOO_COSTLY"]


async def test_a_mutation_over_a_limit_changes_nothing(settings: Settings, world: World) -> None:
    user = await _account("limits_depth")
    gql = client(limited(settings, max_query_depth=3), world)
    deep = """
    mutation($login: String!, $password: String!) {
      login(input: {login: $login, password: $password, client: APP}) {
        viewer { children { school { name } } }
      }
    }
    """
    sessions = await models.Session.filter(user=user).count()
    result = await gql(deep, {"login": "limits_depth", "password": PASSWORD})
    assert codes(result) == ["QUERY_TOO_DEEP"]
    assert await models.Session.filter(user=user).count() == sessions


async def test_login_multiplied_by_aliases_is_refused_before_any_password_is_checked(
    gql: GraphQLClient,
) -> None:
    user = await _account("limits_alias")
    guesses = """
    mutation($password: String!) {
      a: login(input: {login: "limits_alias", password: "guess-1", client: APP}) { accessToken }
      b: login(input: {login: "limits_alias", password: $password, client: APP}) { accessToken }
    }
    """
    result = await gql.from_address(fresh_address())(guesses, {"password": PASSWORD})
    assert result["data"] is None
    assert codes(result) == ["SENSITIVE_FIELD_REPEATED"]
    assert "`login` may appear once" in result["errors"][0]["message"]
    # No guess was counted against the login and the right password opened no session.
    key = _digest(LOGIN_SCOPE, "limits_alias")
    assert not await models.RateLimit.exists(scope=LOGIN_SCOPE, key_hash=key)
    assert not await models.Session.exists(user=user)


async def test_login_repeated_through_a_fragment_is_refused(gql: GraphQLClient) -> None:
    guesses = """
    mutation {
      ...Guess
      again: login(input: {login: "x", password: "y", client: APP}) { accessToken }
    }
    fragment Guess on Mutation {
      login(input: {login: "x", password: "z", client: APP}) { accessToken }
    }
    """
    result = await gql.from_address(fresh_address())(guesses)
    assert codes(result) == ["SENSITIVE_FIELD_REPEATED"]


async def test_one_login_passes(gql: GraphQLClient) -> None:
    await _account("limits_once")
    result = await gql.from_address(fresh_address())(
        LOGIN, {"login": "limits_once", "password": PASSWORD}
    )
    assert result["data"]["login"]["accessToken"]


async def test_the_standard_introspection_query_works_under_tight_limits(
    settings: Settings, world: World
) -> None:
    gql = client(limited(settings, max_query_depth=3, max_query_cost=2), world)
    result = await gql(get_introspection_query(descriptions=True))
    assert "errors" not in result
    assert result["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_rate_limit_reports_the_cost_and_what_is_left(gql: GraphQLClient) -> None:
    ask = gql.from_address(fresh_address())
    first = (await ask("{ rateLimit { cost limit remaining resetAt nodeCount } }"))["data"]
    limit = Settings().anonymous_rate_points_per_hour
    assert first["rateLimit"]["cost"] == 1
    assert first["rateLimit"]["limit"] == limit
    assert first["rateLimit"]["remaining"] == limit - 1
    second = (await ask("{ rateLimit { remaining resetAt } }"))["data"]["rateLimit"]
    assert second["remaining"] == limit - 2
    assert second["resetAt"] == first["rateLimit"]["resetAt"]


async def test_rate_limit_counts_nodes_and_charges_logged_in_viewers_their_own_budget(
    gql: GraphQLClient, world: World
) -> None:
    student = to_base64("Student", world.id("student"))
    query = """
    query($student: ID!) {
      rateLimit { limit nodeCount }
      marks(studentId: $student, first: 30) { totalCount }
    }
    """
    result = await gql(query, {"student": student}, as_user="parent")
    assert result["data"]["rateLimit"] == {
        "limit": Settings().rate_points_per_hour,
        "nodeCount": 30,
    }


async def test_the_budget_refuses_at_its_end_and_says_when_it_resets(
    settings: Settings, world: World
) -> None:
    user = await _account("limits_budget")
    gql = client(limited(settings, anonymous_rate_points_per_hour=3), world)
    for _ in range(3):
        assert "errors" not in await gql("{ viewer { login } }")
    refused = await gql(LOGIN, {"login": "limits_budget", "password": PASSWORD})
    assert refused["data"] is None
    assert codes(refused) == ["RATE_LIMITED"]
    error = refused["errors"][0]
    assert error["extensions"]["resetAt"] in error["message"]
    # The refused login did not run.
    assert not await models.Session.exists(user=user)
    # Another address has its own budget.
    assert "errors" not in await gql.from_address(fresh_address())("{ viewer { login } }")


async def test_a_cost_that_does_not_fit_spends_nothing(settings: Settings, world: World) -> None:
    gql = client(limited(settings, anonymous_rate_points_per_hour=8), world)
    class_id = to_base64("SchoolClass", world.id("class_7a"))
    await gql("{ viewer { login } }")
    # 8 points do not fit in the 7 left: refused, and the 7 are still there.
    assert codes(await gql(TIMETABLE, {"id": class_id})) == ["RATE_LIMITED"]
    left = await gql("{ rateLimit { remaining } }")
    assert left["data"]["rateLimit"]["remaining"] == 6


@strawberry.type
class SlowQuery:
    @strawberry.field(description="Answers after the given number of seconds.")
    async def probe_slow(self, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return "done"


@strawberry.type
class SlowMutation:
    @strawberry.mutation(description="Writes a counter, then takes the given seconds to commit.")
    async def probe_slow_write(self, key: str, seconds: float) -> str:
        async with in_transaction():
            await models.RateLimit.create(
                scope="probe", key_hash=key, resets_at=int(datetime.now(UTC).timestamp())
            )
            await asyncio.sleep(seconds)
        return key


class SlowPlugin:
    @hookimpl
    def graphql_schema(self) -> GraphQLContribution:
        return GraphQLContribution(query=SlowQuery, mutation=SlowMutation)


@pytest.fixture(scope="module")
def slow_app(settings: Settings) -> Starlette:
    return create_app(
        dataclasses.replace(settings, request_timeout=0.3),
        manage_database=False,
        extra_plugins=[SlowPlugin()],
    )


async def test_a_request_within_the_time_limit_answers(slow_app: Starlette, world: World) -> None:
    result = await client(slow_app, world)("{ probeSlow(seconds: 0.01) }")
    assert result == {"data": {"probeSlow": "done"}}


async def test_a_request_over_the_time_limit_is_stopped(slow_app: Starlette, world: World) -> None:
    started = time.perf_counter()
    result = await client(slow_app, world)("{ probeSlow(seconds: 5) }")
    assert time.perf_counter() - started < 3
    assert result["data"] is None
    assert codes(result) == ["TIMEOUT"]


async def test_a_write_over_the_time_limit_is_rolled_back(
    slow_app: Starlette, world: World
) -> None:
    result = await client(slow_app, world)(
        'mutation { probeSlowWrite(key: "slow-write", seconds: 5) }'
    )
    assert codes(result) == ["TIMEOUT"]
    assert not await models.RateLimit.exists(scope="probe", key_hash="slow-write")


async def test_a_fragment_bomb_is_refused_at_once(gql: GraphQLClient) -> None:
    # Spread out, 2**30 aliased fields; measured, 30 small fragments.
    fragments = ["fragment F0 on Viewer { a: login }"]
    fragments += [f"fragment F{i} on Viewer {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 31)]
    started = time.perf_counter()
    result = await gql.from_address(fresh_address())(
        "{ viewer { ...F30 } }\n" + "\n".join(fragments)
    )
    assert time.perf_counter() - started < 2
    assert codes(result) == ["TOO_MANY_ALIASES"]
