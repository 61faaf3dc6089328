"""Password login, sessions in cookies and bearer tokens, CSRF, throttling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from starlette.applications import Starlette

from ediary.domain import models
from ediary.domain.auth import LOGIN_ACCOUNT_ADDRESS_SCOPE, SessionKind, hash_password, open_session
from ediary.schema.context import SESSION_COOKIE
from tests.conftest import GraphQLClient
from tests.world import World

LOGIN = """
mutation($login: String!, $password: String!, $client: ClientKind!) {
  login(input: {login: $login, password: $password, client: $client}) {
    viewer { login fullName roles }
    accessToken csrfToken expiresAt
    userErrors { field message code }
  }
}
"""
VIEWER = "{ viewer { login roles children { fullName } } }"
LOGOUT = "mutation { logout { ok userErrors { code message } } }"


async def _account(login: str, password: str = "correct horse battery staple") -> models.User:
    user, _ = await models.User.get_or_create(
        login=login,
        defaults={
            "last_name": "Test",
            "first_name": login,
            "password_hash": hash_password(password),
        },
    )
    return user


async def _post(
    client: httpx.AsyncClient,
    query: str,
    variables: dict | None = None,
    headers: dict | None = None,
) -> dict:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    return response.json()


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_browser_login_sets_an_http_only_cookie_and_needs_csrf_for_mutations(
    app: Starlette, world: World
) -> None:
    await _account("cookie.user")
    async with _client(app) as client:
        result = await _post(
            client,
            LOGIN,
            {
                "login": "Cookie.User ",
                "password": "correct horse battery staple",
                "client": "BROWSER",
            },
        )
        payload = result["data"]["login"]
        assert payload["userErrors"] == []
        assert payload["viewer"]["login"] == "cookie.user"
        assert payload["accessToken"] is None
        cookie = client.cookies.get(SESSION_COOKIE)
        assert cookie
        set_cookie = (
            (
                await client.post(
                    "/graphql",
                    json={
                        "query": LOGIN,
                        "variables": {
                            "login": "cookie.user",
                            "password": "correct horse battery staple",
                            "client": "BROWSER",
                        },
                    },
                )
            )
            .headers["set-cookie"]
            .lower()
        )
        assert "httponly" in set_cookie and "samesite=lax" in set_cookie

        viewer = await _post(client, VIEWER)
        assert viewer["data"]["viewer"]["login"] == "cookie.user"

        refused = await _post(client, LOGOUT)
        assert refused["data"]["logout"]["ok"] is False
        assert refused["data"]["logout"]["userErrors"][0]["code"] == "CSRF_TOKEN_REQUIRED"
        assert (await _post(client, VIEWER))["data"]["viewer"] is not None

        csrf = (
            await _post(
                client,
                LOGIN,
                {
                    "login": "cookie.user",
                    "password": "correct horse battery staple",
                    "client": "BROWSER",
                },
            )
        )["data"]["login"]["csrfToken"]
        done = await _post(client, LOGOUT, headers={"X-CSRF-Token": csrf})
        assert done["data"]["logout"] == {"ok": True, "userErrors": []}


async def test_app_login_returns_a_bearer_token(app: Starlette, world: World) -> None:
    await _account("app.user")
    async with _client(app) as client:
        payload = (
            await _post(
                client,
                LOGIN,
                {"login": "app.user", "password": "correct horse battery staple", "client": "APP"},
            )
        )["data"]["login"]
        assert SESSION_COOKIE not in client.cookies
        token = payload["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        assert (await _post(client, VIEWER, headers=headers))["data"]["viewer"][
            "login"
        ] == "app.user"
        # Bearer clients are not exposed to CSRF: no header needed.
        assert (await _post(client, LOGOUT, headers=headers))["data"]["logout"]["ok"] is True
        expired = await _post(client, VIEWER, headers=headers)
        assert expired["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"


async def test_wrong_password_and_unknown_login_get_the_same_answer(
    app: Starlette, world: World
) -> None:
    await _account("known.user")
    async with _client(app) as client:
        answers = []
        for login in ("known.user", "nobody.at.all"):
            payload = (
                await _post(
                    client, LOGIN, {"login": login, "password": "wrong password", "client": "APP"}
                )
            )["data"]["login"]
            assert payload["viewer"] is None and payload["accessToken"] is None
            answers.append(payload["userErrors"])
    assert (
        answers[0]
        == answers[1]
        == [
            {
                "field": None,
                "message": "The login or the password is wrong.",
                "code": "INVALID_CREDENTIALS",
            }
        ]
    )


async def test_repeated_failures_lock_the_account_for_a_while(app: Starlette, world: World) -> None:
    await _account("guessed.user")
    variables = {"login": "guessed.user", "password": "nope", "client": "APP"}
    async with _client(app) as client:
        codes = [
            (await _post(client, LOGIN, variables))["data"]["login"]["userErrors"][0]["code"]
            for _ in range(6)
        ]
        assert codes == ["INVALID_CREDENTIALS"] * 5 + ["TOO_MANY_ATTEMPTS"]
        right = {**variables, "password": "correct horse battery staple"}
        locked = (await _post(client, LOGIN, right))["data"]["login"]
        assert locked["userErrors"][0]["code"] == "TOO_MANY_ATTEMPTS"
        await models.RateLimit.filter(scope=LOGIN_ACCOUNT_ADDRESS_SCOPE).update(
            resets_at=int(datetime.now(UTC).timestamp()) - 1
        )
        assert (await _post(client, LOGIN, right))["data"]["login"]["userErrors"] == []


async def test_forged_and_expired_sessions_are_refused(gql: GraphQLClient, world: World) -> None:
    forged = await gql(VIEWER, headers={"Authorization": "Bearer not-a-real-token"})
    assert forged["data"] == {"viewer": None}
    assert forged["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"
    cookie = await gql(VIEWER, headers={"Cookie": f"{SESSION_COOKIE}=forged"})
    assert cookie["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"

    user = await _account("expiring.user")
    opened = await open_session(user, SessionKind.BEARER, timedelta(seconds=-1))
    expired = await gql(VIEWER, headers={"Authorization": f"Bearer {opened.token}"})
    assert expired["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"


async def test_anonymous_viewer_is_null(gql: GraphQLClient) -> None:
    assert await gql(VIEWER) == {"data": {"viewer": None}}


async def test_parent_viewer_lists_children(gql: GraphQLClient, world: World) -> None:
    result = await gql(VIEWER, as_user="other_parent")
    assert result["data"]["viewer"]["roles"] == ["PARENT"]
    names = [c["fullName"] for c in result["data"]["viewer"]["children"]]
    assert names == ["Novikova Daria", "Popova Maria"]


async def test_class_teacher_role_is_derived(gql: GraphQLClient, world: World) -> None:
    result = await gql(VIEWER, as_user="class_teacher")
    assert set(result["data"]["viewer"]["roles"]) == {"TEACHER", "CLASS_TEACHER"}
