"""refreshSession: a live bearer token is exchanged for a new one and revoked (once only, and
its WebSockets close); a cookie session slides its expiry with its CSRF token; a session that
is no longer live refreshes nothing."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from websockets.exceptions import ConnectionClosed

from ediary.adapters.http import SESSION_COOKIE
from ediary.domain import auth, models
from ediary.domain.auth import SessionKind
from tests.security.live import connected, server_env, subscribe
from tests.servers import Server, listening
from tests.world import World

REFRESH = "mutation { refreshSession { accessToken csrfToken expiresAt userErrors { code } } }"
WHO = "{ viewer { login } }"


async def _post(
    app: Starlette, query: str, headers: dict[str, str]
) -> tuple[dict[str, Any], httpx.Response]:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body, response


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_bearer_token_is_exchanged_once_and_the_old_one_stops(
    app: Starlette, world: World
) -> None:
    parent = world.users["parent"]
    old = await auth.open_session(parent, SessionKind.BEARER, timedelta(hours=1))
    body, _ = await _post(app, REFRESH, _bearer(old.token))
    refreshed = body["data"]["refreshSession"]
    assert refreshed["userErrors"] == []
    assert refreshed["csrfToken"] is None
    new = refreshed["accessToken"]
    assert new and new != old.token
    # A whole lifetime from now (14 days by default), not the hour the old one had left.
    expires = datetime.fromisoformat(refreshed["expiresAt"])
    assert expires - datetime.now(UTC) > timedelta(days=13)

    body, _ = await _post(app, WHO, _bearer(new))
    assert body["data"] == {"viewer": {"login": "parent"}}
    body, _ = await _post(app, WHO, _bearer(old.token))
    assert body["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"
    # The old token refreshes nothing more: a second holder of it learns it was used.
    again, _ = await _post(app, REFRESH, _bearer(old.token))
    assert again["data"]["refreshSession"]["accessToken"] is None
    assert again["data"]["refreshSession"]["userErrors"] == [{"code": "SESSION_EXPIRED"}]


async def test_an_expired_or_missing_session_refreshes_nothing(
    app: Starlette, world: World
) -> None:
    gone = await auth.open_session(world.users["parent"], SessionKind.BEARER, timedelta(hours=1))
    await models.Session.filter(token_hash=auth.token_digest(gone.token)).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    body, _ = await _post(app, REFRESH, _bearer(gone.token))
    assert body["data"]["refreshSession"]["userErrors"] == [{"code": "SESSION_EXPIRED"}]
    body, _ = await _post(app, REFRESH, {})
    assert body["data"]["refreshSession"]["userErrors"] == [{"code": "UNAUTHENTICATED"}]


async def test_a_cookie_session_slides_with_its_csrf_token(app: Starlette, world: World) -> None:
    opened = await auth.open_session(world.users["parent"], SessionKind.COOKIE, timedelta(hours=1))
    cookie = {"Cookie": f"{SESSION_COOKIE}={opened.token}"}
    # Without the CSRF token a cookie session changes nothing, this included.
    body, response = await _post(app, REFRESH, cookie)
    assert body["data"]["refreshSession"]["userErrors"] == [{"code": "CSRF_TOKEN_REQUIRED"}]
    assert "set-cookie" not in response.headers

    body, response = await _post(app, REFRESH, {**cookie, "X-CSRF-Token": opened.csrf_token})
    refreshed = body["data"]["refreshSession"]
    assert refreshed["userErrors"] == []
    assert (refreshed["accessToken"], refreshed["csrfToken"]) == (None, opened.csrf_token)
    assert datetime.fromisoformat(refreshed["expiresAt"]) - datetime.now(UTC) > timedelta(days=13)
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{SESSION_COOKIE}={opened.token};")
    assert f"Max-Age={14 * 24 * 3600}" in set_cookie and "HttpOnly" in set_cookie
    row = await models.Session.get(token_hash=auth.token_digest(opened.token))
    assert row.revoked_at is None and row.expires_at > datetime.now(UTC) + timedelta(days=13)


async def test_refreshing_closes_the_old_tokens_websockets(
    world: World, database: str, tmp_path: Path
) -> None:
    old = await auth.open_session(world.users["parent"], SessionKind.BEARER, timedelta(hours=1))
    async with (
        Server(server_env(database), tmp_path / "server.log") as server,
        connected(server, old.token) as ws,
    ):
        await subscribe(ws, "1", "subscription { conversationUpdates { kind } }", {})
        await listening(server.url, at_least=1)
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                f"{server.url}/graphql", json={"query": REFRESH}, headers=_bearer(old.token)
            )
        assert response.json()["data"]["refreshSession"]["userErrors"] == []
        try:
            while True:
                json.loads(await asyncio.wait_for(ws.recv(), 5))
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            assert (closed.rcvd.code, closed.rcvd.reason) == (
                4401,
                "Session ended: the token was refreshed.",
            )
