"""Finding 7: login throttling could be raced and turned into a weapon.

Parallel wrong passwords were all verified (the limit was read before any was counted), the
limit counted per login only (so one address could spray every account, and anyone could lock
any account with five requests), and a refusal did not say when to come back. Each attempt is
now admitted by one atomic statement before its password is verified, counted per address,
per login and address, and per login with a slower limit; refusals carry retryAfter and a
Retry-After header. The dnevnik plugin's flows share the rule.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import math
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import auth, budget, models
from ediary.domain.auth import LOGIN_SCOPE, hash_password
from ediary.domain.ratelimit import _digest
from tests.conftest import GraphQLClient
from tests.world import World

PASSWORD = "correct horse battery staple"
DEFAULTS = Settings()
LOGIN = """
mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password, client: APP}) {
    accessToken userErrors { code }
  }
}
"""
LOGIN_WITH_WAIT = """
mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password, client: APP}) {
    accessToken userErrors { code retryAfter }
  }
}
"""
REDEEM = """
mutation($code: String!, $login: String!) {
  redeemAccessCode(input: {code: $code, fullName: "Petrov Petr", login: $login,
                           password: "correct horse battery staple"}) {
    status userErrors { code }
  }
}
"""
REQUEST_RESET = """
mutation($login: String!) {
  requestPasswordReset(input: {login: $login}) { ok userErrors { code } }
}
"""

_addresses = itertools.count(1)


def _address() -> str:
    """A client address no other test used: the limits per address must start at zero."""
    return f"10.77.{next(_addresses)}.9"


async def _accounts(prefix: str, count: int) -> list[models.User]:
    # One hash for all: hashing 25 passwords would only slow the test down.
    password_hash = hash_password(PASSWORD)
    return [
        await models.User.create(
            login=f"{prefix}{n}", last_name="Test", first_name=prefix, password_hash=password_hash
        )
        for n in range(count)
    ]


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the server verifies, counted where argon2 is called."""
    seen: list[str] = []
    verify = auth._verify

    def counting(password_hash: str, password: str) -> bool:
        seen.append(password)
        return verify(password_hash, password)

    monkeypatch.setattr(auth, "_verify", counting)
    return seen


async def _login(client: GraphQLClient, login: str, password: str) -> dict[str, Any]:
    result = await client(LOGIN, {"login": login, "password": password})
    assert result.get("data"), result
    found: dict[str, Any] = result["data"]["login"]
    return found


def _code(answer: dict[str, Any]) -> str | None:
    errors = answer["userErrors"]
    return str(errors[0]["code"]) if errors else None


async def test_parallel_wrong_passwords_are_verified_at_most_up_to_the_limit(
    gql: GraphQLClient, checks: list[str]
) -> None:
    (owner,) = await _accounts("throttle.parallel", 1)
    attacker = gql.from_address(_address())
    limit = DEFAULTS.login_failures_before_lock
    answers = await asyncio.gather(
        *(_login(attacker, owner.login, f"guess {n}") for n in range(120))
    )
    assert Counter(_code(a) for a in answers) == {
        "INVALID_CREDENTIALS": limit,
        "TOO_MANY_ATTEMPTS": 120 - limit,
    }
    assert len(checks) == limit
    # While locked, the right password is refused without being looked at.
    right = await _login(attacker, owner.login, PASSWORD)
    assert _code(right) == "TOO_MANY_ATTEMPTS" and right["accessToken"] is None
    assert len(checks) == limit
    assert not await models.Session.exists(user=owner)


async def test_failures_count_per_address_over_all_accounts(
    settings: Settings, world: World, checks: list[str]
) -> None:
    # A lower limit than the default, so that the test needs fewer verifications.
    limit = 20
    app = create_app(
        dataclasses.replace(settings, login_address_failures=limit), manage_database=False
    )
    accounts = await _accounts("throttle.spray", 10)
    sprayer = GraphQLClient(app, world, _address())
    # Four guesses per account stay under the limit per account; the address reaches its own.
    answers = await asyncio.gather(
        *(_login(sprayer, accounts[n % 10].login, f"guess {n}") for n in range(2 * limit))
    )
    assert Counter(_code(a) for a in answers) == {
        "INVALID_CREDENTIALS": limit,
        "TOO_MANY_ATTEMPTS": limit,
    }
    assert len(checks) == limit
    assert _code(await _login(sprayer, accounts[0].login, PASSWORD)) == "TOO_MANY_ATTEMPTS"
    # The accounts themselves are not locked: their owners elsewhere log in.
    elsewhere = await _login(GraphQLClient(app, world, _address()), accounts[0].login, PASSWORD)
    assert _code(elsewhere) is None and elsewhere["accessToken"]


async def test_an_attacker_at_one_address_cannot_lock_the_owner_out(gql: GraphQLClient) -> None:
    (owner,) = await _accounts("throttle.owner", 1)
    attacker_address = _address()
    attacker = gql.from_address(attacker_address)
    at_home = gql.from_address(_address())
    # As many locks as one address can go through within the slower limit's window.
    rounds = math.ceil(DEFAULTS.login_account_window / DEFAULTS.login_lock)
    attacker_key = _digest(auth.LOGIN_ACCOUNT_ADDRESS_SCOPE, f"{attacker_address} {owner.login}")
    for _ in range(rounds):
        flood = await asyncio.gather(
            *(_login(attacker, owner.login, f"guess {n}") for n in range(30))
        )
        assert {_code(a) for a in flood} == {"INVALID_CREDENTIALS", "TOO_MANY_ATTEMPTS"}
        home = await _login(at_home, owner.login, PASSWORD)
        assert _code(home) is None and home["accessToken"]
        # The attacker's lock is over: the next round starts at once.
        await models.RateLimit.filter(
            scope=auth.LOGIN_ACCOUNT_ADDRESS_SCOPE, key_hash=attacker_key
        ).update(resets_at=int(datetime.now(UTC).timestamp()) - 1)
    shared = await models.RateLimit.get(
        scope=LOGIN_SCOPE, key_hash=_digest(LOGIN_SCOPE, owner.login)
    )
    assert shared.attempts == rounds * DEFAULTS.login_failures_before_lock
    assert shared.attempts < DEFAULTS.login_account_failures


async def test_guesses_from_many_addresses_meet_the_slower_limit_per_login(
    settings: Settings, world: World, checks: list[str]
) -> None:
    # A lower limit than the default, so that the test needs fewer verifications.
    limit = 20
    app = create_app(
        dataclasses.replace(settings, login_account_failures=limit), manage_database=False
    )
    (owner,) = await _accounts("throttle.botnet", 1)
    per_address = settings.login_failures_before_lock
    guessers = [GraphQLClient(app, world, _address()) for _ in range(limit // per_address + 1)]
    answers = await asyncio.gather(
        *(_login(g, owner.login, f"guess {n}") for g in guessers for n in range(per_address))
    )
    assert Counter(_code(a) for a in answers) == {
        "INVALID_CREDENTIALS": limit,
        "TOO_MANY_ATTEMPTS": len(answers) - limit,
    }
    assert len(checks) == limit
    # This is the documented price: the login is locked everywhere, for a while.
    async with GraphQLClient(app, world, _address()).http() as client:
        response = await client.post(
            "/graphql",
            json={
                "query": LOGIN_WITH_WAIT,
                "variables": {"login": owner.login, "password": PASSWORD},
            },
        )
    error = response.json()["data"]["login"]["userErrors"][0]
    lock = int(settings.login_account_lock.total_seconds())
    assert error["code"] == "TOO_MANY_ATTEMPTS" and lock - 60 <= error["retryAfter"] <= lock


async def test_a_refused_login_says_when_to_retry(gql: GraphQLClient) -> None:
    (owner,) = await _accounts("throttle.retry", 1)
    wrong = {"login": owner.login, "password": "not it"}
    async with gql.from_address(_address()).http() as client:
        for _ in range(DEFAULTS.login_failures_before_lock):
            failed = await client.post(
                "/graphql", json={"query": LOGIN_WITH_WAIT, "variables": wrong}
            )
            assert failed.json()["data"]["login"]["userErrors"] == [
                {"code": "INVALID_CREDENTIALS", "retryAfter": None}
            ]
            assert "retry-after" not in failed.headers
        refused = await client.post(
            "/graphql",
            json={"query": LOGIN_WITH_WAIT, "variables": {**wrong, "password": PASSWORD}},
        )
    error = refused.json()["data"]["login"]["userErrors"][0]
    lock = int(DEFAULTS.login_lock.total_seconds())
    assert error["code"] == "TOO_MANY_ATTEMPTS"
    assert isinstance(error["retryAfter"], int) and lock - 60 <= error["retryAfter"] <= lock
    assert refused.headers["retry-after"] == str(error["retryAfter"])


async def test_a_spent_query_budget_says_when_to_retry(gql: GraphQLClient) -> None:
    address = _address()
    points = DEFAULTS.anonymous_rate_points_per_hour
    await budget.charge(budget.budget_key(None, address), points, points)
    async with gql.from_address(address).http() as client:
        refused = await client.post("/graphql", json={"query": "{ viewer { login } }"})
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    wait = error["extensions"]["retryAfter"]
    assert isinstance(wait, int) and 3600 - 60 <= wait <= 3600
    assert refused.headers["retry-after"] == str(wait)


async def test_parallel_code_guesses_are_checked_at_most_up_to_the_limit(
    gql: GraphQLClient,
) -> None:
    from ediary_dnevnik import limits

    guesser = gql.from_address(_address())
    allowed = limits.REDEEM_PER_CLIENT.attempts
    answers = await asyncio.gather(
        *(
            guesser(REDEEM, {"code": f"ZZZZ-ZZZZ-{n:04d}", "login": f"thr.code{n}@example.org"})
            for n in range(3 * allowed)
        )
    )
    codes = Counter(a["data"]["redeemAccessCode"]["userErrors"][0]["code"] for a in answers)
    assert codes == {"CODE_INVALID": allowed, "TOO_MANY_ATTEMPTS": 2 * allowed}


async def test_reset_requests_from_one_client_do_not_lock_the_owner_out(
    gql: GraphQLClient,
) -> None:
    attacker, owner = gql.from_address(_address()), gql.from_address(_address())
    variables = {"login": "throttle.reset.owner"}
    answers = [
        (await attacker(REQUEST_RESET, variables))["data"]["requestPasswordReset"]["userErrors"]
        for _ in range(4)
    ]
    assert [[e["code"] for e in a] for a in answers] == [[], [], [], ["TOO_MANY_ATTEMPTS"]]
    mine = (await owner(REQUEST_RESET, variables))["data"]["requestPasswordReset"]
    assert mine == {"ok": True, "userErrors": []}
