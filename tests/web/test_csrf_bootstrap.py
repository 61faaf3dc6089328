"""A cookie session gets its CSRF token again with `viewer { csrfToken }` (a reloaded page, a
new tab), only on our own pages or an allowed origin; a mutation without it, or with another
session's, is refused with CSRF_TOKEN_REQUIRED."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.auth import SessionKind, hash_password, open_session
from ediary.schema.context import SESSION_COOKIE

APP_ORIGIN = "http://localhost:3000"
PASSWORD = "csrf bootstrap password"
TOKEN = "{ viewer { login csrfToken } }"
LOGIN = """mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password, client: BROWSER}) {
    csrfToken viewer { csrfToken } userErrors { code }
  }
}"""
LOGOUT = "mutation { logout { ok userErrors { code message } } }"


@pytest.fixture(scope="module")
def cors_app(settings: Settings) -> Starlette:
    return create_app(replace(settings, allowed_origins=(APP_ORIGIN,)), manage_database=False)


@pytest.fixture
async def http(cors_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=cors_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _user(login: str) -> models.User:
    user, _ = await models.User.get_or_create(
        login=login,
        defaults={
            "last_name": "Csrf",
            "first_name": login,
            "password_hash": hash_password(PASSWORD),
        },
    )
    return user


async def _post(
    http: httpx.AsyncClient, query: str, headers: dict[str, str], **variables: Any
) -> httpx.Response:
    answer = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    return answer


async def test_the_login_and_a_later_request_give_the_same_token(
    http: httpx.AsyncClient, world: object
) -> None:
    await _user("csrf.reload")
    login = (await _post(http, LOGIN, {}, login="csrf.reload", password=PASSWORD)).json()["data"][
        "login"
    ]
    assert login["userErrors"] == []
    assert login["csrfToken"] and login["viewer"]["csrfToken"] == login["csrfToken"]
    # A reloaded page: only the cookie is left.
    again = await _post(http, TOKEN, {})
    assert again.json()["data"]["viewer"]["csrfToken"] == login["csrfToken"]
    assert again.headers["cache-control"] == "no-store"
    from_app = await _post(http, TOKEN, {"Origin": APP_ORIGIN})
    assert from_app.json()["data"]["viewer"]["csrfToken"] == login["csrfToken"]
    # A page of a site that is not allowed (its browser would not even show it the answer).
    elsewhere = await _post(http, TOKEN, {"Origin": "http://evil.example"})
    assert elsewhere.json()["data"]["viewer"] == {"login": "csrf.reload", "csrfToken": None}

    refused = (await _post(http, LOGOUT, {})).json()["data"]["logout"]
    assert refused["ok"] is False
    assert refused["userErrors"][0]["code"] == "CSRF_TOKEN_REQUIRED"
    wrong = (await _post(http, LOGOUT, {"X-CSRF-Token": "not-the-token"})).json()
    assert wrong["data"]["logout"]["userErrors"][0]["code"] == "CSRF_TOKEN_REQUIRED"
    recovered = again.json()["data"]["viewer"]["csrfToken"]
    done = (await _post(http, LOGOUT, {"X-CSRF-Token": recovered})).json()
    assert done["data"]["logout"] == {"ok": True, "userErrors": []}


async def test_each_session_gets_its_own_token_and_bearer_tokens_none(
    http: httpx.AsyncClient, world: object
) -> None:
    # Two tabs' sessions and an app's bearer token of one account, asked the same document
    # one after the other: the response cache (per account) must not answer one with the
    # other's token.
    user = await _user("csrf.sessions")
    first = await open_session(user, SessionKind.COOKIE, timedelta(hours=1))
    second = await open_session(user, SessionKind.COOKIE, timedelta(hours=1))
    bearer = await open_session(user, SessionKind.BEARER, timedelta(hours=1))
    http.cookies.clear()
    for _ in range(2):
        for opened in (first, second):
            answer = await _post(http, TOKEN, {"Cookie": f"{SESSION_COOKIE}={opened.token}"})
            assert answer.json()["data"]["viewer"]["csrfToken"] == opened.csrf_token
        by_bearer = await _post(http, TOKEN, {"Authorization": f"Bearer {bearer.token}"})
        assert by_bearer.json()["data"]["viewer"]["csrfToken"] is None
    anonymous = await _post(http, TOKEN, {})
    assert anonymous.json() == {"data": {"viewer": None}}
