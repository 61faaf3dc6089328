"""Browser apps on other origins (EDIARY_ALLOWED_ORIGINS): the setting, CORS preflights and
answers in the process, and the WebSocket handshake of a real `ediary serve` with the
`websockets` client. `test_cors_browser.py` does the same from a real chromium page."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.auth import SessionKind, hash_password, open_session
from ediary.schema.context import SESSION_COOKIE
from tests.servers import Server

APP_ORIGIN = "http://localhost:3000"
OTHER_ORIGIN = "http://evil.example"
PASSWORD = "cors password of the app"
LOGIN = """mutation($login: String!, $password: String!, $client: ClientKind!) {
  login(input: {login: $login, password: $password, client: $client}) {
    accessToken csrfToken viewer { login } userErrors { code }
  }
}"""


def _preflight(origin: str, method: str = "POST", headers: str = "") -> dict[str, str]:
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return sent


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
            "last_name": "Cors",
            "first_name": login,
            "password_hash": hash_password(PASSWORD),
        },
    )
    return user


def test_the_setting_lists_origins_as_browsers_send_them() -> None:
    assert Settings.from_env({}).allowed_origins == ()
    found = Settings.from_env(
        {"EDIARY_ALLOWED_ORIGINS": " http://LOCALHOST:3000, https://app.example.org:443/ ,"}
    ).allowed_origins
    assert found == ("http://localhost:3000", "https://app.example.org")
    for bad in ("*", "localhost:3000", "https://app.example.org/path", "ftp://app.example.org"):
        with pytest.raises(ValueError, match="EDIARY_ALLOWED_ORIGINS"):
            Settings.from_env({"EDIARY_ALLOWED_ORIGINS": bad})


async def test_a_preflight_from_an_allowed_origin_is_granted_with_credentials(
    http: httpx.AsyncClient,
) -> None:
    asked = "content-type, authorization, x-csrf-token"
    for path in ("/graphql", "/charts/progress/x.svg", "/attachments/1", "/reports/class/x.csv"):
        answer = await http.options(path, headers=_preflight(APP_ORIGIN, headers=asked))
        assert answer.status_code == 200, (path, answer.text)
        assert answer.headers["access-control-allow-origin"] == APP_ORIGIN
        assert answer.headers["access-control-allow-credentials"] == "true"
        allowed = {
            h.strip().lower() for h in answer.headers["access-control-allow-headers"].split(",")
        }
        assert {"content-type", "authorization", "x-csrf-token"} <= allowed
        assert "POST" in answer.headers["access-control-allow-methods"]
        assert "Origin" in answer.headers["vary"]


async def test_the_calendar_feed_allows_the_origin_without_credentials(
    http: httpx.AsyncClient,
) -> None:
    # The secret address is the key: no cookie is read, so a browser must send none.
    answer = await http.options("/calendar/abc.ics", headers=_preflight(APP_ORIGIN, "GET"))
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == APP_ORIGIN
    assert "access-control-allow-credentials" not in answer.headers


async def test_a_preflight_from_another_origin_is_refused_with_a_code(
    http: httpx.AsyncClient,
) -> None:
    answer = await http.options(
        "/graphql", headers=_preflight(OTHER_ORIGIN, headers="content-type")
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "ORIGIN_NOT_ALLOWED"
    assert "access-control-allow-origin" not in answer.headers
    # An allowed origin asking for a method or header the API does not take is refused too.
    for asked in (_preflight(APP_ORIGIN, "DELETE"), _preflight(APP_ORIGIN, headers="x-other")):
        refused = await http.options("/graphql", headers=asked)
        assert (refused.status_code, refused.json()["code"]) == (403, "ORIGIN_NOT_ALLOWED")


async def test_without_the_setting_no_origin_is_allowed(app: Starlette) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answer = await client.options("/graphql", headers=_preflight(APP_ORIGIN))
        assert (answer.status_code, answer.json()["code"]) == (403, "ORIGIN_NOT_ALLOWED")
        posted = await client.post(
            "/graphql", json={"query": "{ viewer { login } }"}, headers={"Origin": APP_ORIGIN}
        )
        assert posted.status_code == 200
        assert "access-control-allow-origin" not in posted.headers


async def test_routes_outside_the_api_get_no_cors(http: httpx.AsyncClient) -> None:
    answer = await http.get("/healthz", headers={"Origin": APP_ORIGIN})
    assert answer.status_code == 200
    assert not [h for h in answer.headers if h.startswith("access-control-")]


async def test_a_bearer_app_on_an_allowed_origin_reads_the_answer(
    http: httpx.AsyncClient, world: object
) -> None:
    user = await _user("cors.bearer")
    token = (await open_session(user, SessionKind.BEARER, timedelta(hours=1))).token
    answer = await http.post(
        "/graphql",
        json={"query": "{ viewer { login csrfToken } }"},
        headers={"Origin": APP_ORIGIN, "Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    assert answer.json() == {"data": {"viewer": {"login": "cors.bearer", "csrfToken": None}}}
    assert answer.headers["access-control-allow-origin"] == APP_ORIGIN
    exposed = answer.headers["access-control-expose-headers"].lower()
    assert "retry-after" in exposed and "x-request-id" in exposed
    # Another origin gets the answer (the browser, not the server, withholds it) but no
    # header that would let its page read it.
    other = await http.post(
        "/graphql",
        json={"query": "{ viewer { login } }"},
        headers={"Origin": OTHER_ORIGIN, "Authorization": f"Bearer {token}"},
    )
    assert "access-control-allow-origin" not in other.headers


async def test_a_browser_login_from_an_allowed_origin_is_trusted_like_our_pages(
    http: httpx.AsyncClient, world: object
) -> None:
    await _user("cors.cookie")
    variables = {"login": "cors.cookie", "password": PASSWORD, "client": "BROWSER"}
    refused = await http.post(
        "/graphql",
        json={"query": LOGIN, "variables": variables},
        headers={"Origin": OTHER_ORIGIN},
    )
    assert refused.json()["data"]["login"]["userErrors"] == [{"code": "CROSS_SITE_REQUEST"}]
    assert SESSION_COOKIE not in http.cookies
    done = await http.post(
        "/graphql", json={"query": LOGIN, "variables": variables}, headers={"Origin": APP_ORIGIN}
    )
    payload = done.json()["data"]["login"]
    assert payload["userErrors"] == [] and payload["csrfToken"]
    assert http.cookies.get(SESSION_COOKIE)
    assert done.headers["access-control-allow-credentials"] == "true"


async def _handshake(url: str, origin: str, init: dict[str, object]) -> dict[str, object]:
    """Opens a graphql-transport-ws connection from `origin`, sends connection_init and runs a
    query over it; returns the query's payload."""
    async with connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        origin=origin,  # type: ignore[arg-type]
        additional_headers=init.pop("headers", None),  # type: ignore[arg-type]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        query = {"query": "{ viewer { login } }"}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": query}))
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert message["type"] == "next", message
        payload: dict[str, object] = message["payload"]
        return payload


async def test_websockets_from_an_allowed_origin_with_a_bearer_or_the_cookie(
    database: str, tmp_path: Path, world: object
) -> None:
    user = await _user("cors.socket")
    bearer = (await open_session(user, SessionKind.BEARER, timedelta(hours=1))).token
    cookie = (await open_session(user, SessionKind.COOKIE, timedelta(hours=1))).token
    env = {"EDIARY_DATABASE_URL": database, "EDIARY_ALLOWED_ORIGINS": APP_ORIGIN}
    async with Server(env, tmp_path / "server.log") as server:
        url = server.url.replace("http://", "ws://") + "/graphql"
        expected = {"data": {"viewer": {"login": "cors.socket"}}}
        assert await _handshake(url, APP_ORIGIN, {"authorization": f"Bearer {bearer}"}) == expected
        with_cookie = {"headers": {"Cookie": f"{SESSION_COOKIE}={cookie}"}}
        assert await _handshake(url, APP_ORIGIN, with_cookie) == expected
        # Another origin is refused at the handshake, bearer token or not: nothing is read.
        with pytest.raises(InvalidStatus) as refused:
            await _handshake(url, OTHER_ORIGIN, {"authorization": f"Bearer {bearer}"})
        assert refused.value.response.status_code == 403
