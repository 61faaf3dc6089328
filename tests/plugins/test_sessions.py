"""The public session API (ediary.adapters.sessions): a plugin's GraphQL login and a plugin's
HTTP route open sessions through it, browser and app alike, and no plugin in this repository
handles the session cookie by hand."""

from __future__ import annotations

import re
import sys
import types
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

import ediary.adapters
import ediary.schema.sessions
from ediary.adapters import (
    ClientKind,
    GraphQLContribution,
    LoginNotice,
    check_login_origin,
    hookimpl,
    open_route_session,
)
from ediary.adapters.http import SESSION_COOKIE
from ediary.adapters.sessions import CSRF_COOKIE
from ediary.app import create_app
from ediary.config import Settings
from ediary.db import replica_connection
from ediary.domain import auth, models, replicas
from ediary.domain.errors import DomainError, NotFound
from ediary.schema.info import Info
from ediary.schema.sessions import LoginPayload, open_login
from tests.conftest import BACKEND

ROOT = Path(__file__).resolve().parents[2]
VIEWER = "{ viewer { login csrfToken } }"
PROBE_LOGIN = """mutation($input: ProbeLoginInput!) { probeLogin(input: $input) {
    viewer { login } accessToken csrfToken expiresAt notices { code message }
    userErrors { code } } }"""
LOGOUT = "mutation { logout { ok userErrors { code } } }"


async def _passport(number: str) -> models.User:
    """The made-up flow's account: a person known by a passport number (the login here)."""
    user, _ = await models.User.get_or_create(
        login=f"passport-{number}", defaults={"last_name": "Probe", "first_name": number}
    )
    return user


@strawberry.input(description="A made-up flow: a passport number proves who you are.")
class ProbeLoginInput:
    passport: str = strawberry.field(description="The number.")
    client: ClientKind = strawberry.field(default=ClientKind.BROWSER, description="Who asks.")


@strawberry.type
class ProbeQuery:
    @strawberry.field(description="Anything, for a schema to have a query.")
    def probe(self) -> str:
        return "probe"


@strawberry.type
class ProbeMutation:
    @strawberry.mutation(description="Log in with a passport number (test flow).")
    async def probe_login(self, info: Info, input: ProbeLoginInput) -> LoginPayload | None:
        try:
            check_login_origin(info.context.request, info.context.settings, input.client)
            if not input.passport.isdigit():
                raise NotFound("No such passport.")
            user = await _passport(input.passport)
        except DomainError as error:
            return LoginPayload.refused(error)
        notices = []
        if not await models.Guardianship.exists(parent_id=user.id):
            notices.append(LoginNotice(code="PROBE_NO_CHILDREN", message="No child is linked."))
        return await open_login(info, user, input.client, notices)


async def probe_callback(request: Request) -> Response:
    """An identity provider's callback, without the provider: `?passport=N&client=app`."""
    user = await _passport(request.query_params["passport"])
    if request.query_params.get("client") == "app":
        opened = await open_route_session(request, None, user, ClientKind.APP)
        return JSONResponse({"token": opened.token})
    response = RedirectResponse("/", status_code=303)
    await open_route_session(request, response, user)
    return response


class Probe:
    @hookimpl
    def graphql_schema(self) -> GraphQLContribution:
        return GraphQLContribution(mutation=ProbeMutation)

    @hookimpl
    def http_routes(self, settings: Settings) -> list[BaseRoute]:
        return [Route("/probe/callback", probe_callback)]


@pytest.fixture(scope="module")
def probe_app(settings: Settings) -> Starlette:
    return create_app(settings, manage_database=False, extra_plugins=[Probe()])


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def _post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> Any:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_a_browser_login_sets_the_cookie_and_returns_the_csrf_token(
    probe_app: Starlette,
) -> None:
    async with _client(probe_app) as client:
        response = await client.post(
            "/graphql",
            json={"query": PROBE_LOGIN, "variables": {"input": {"passport": "1001"}}},
        )
        login = response.json()["data"]["probeLogin"]
        assert login["userErrors"] == [] and login["accessToken"] is None
        assert login["viewer"] == {"login": "passport-1001"}
        assert login["notices"] == [{"code": "PROBE_NO_CHILDREN", "message": "No child is linked."}]
        set_cookie = response.headers["set-cookie"].lower()
        assert set_cookie.startswith(f"{SESSION_COOKIE}=")
        assert "httponly" in set_cookie and "samesite=lax" in set_cookie
        token = client.cookies[SESSION_COOKIE]
        session = await models.Session.get(token_hash=auth.token_digest(token))
        assert session.kind == auth.SessionKind.COOKIE

        # The cookie is the session; the token returned is what its mutations must echo.
        viewer = (await _post(client, VIEWER))["viewer"]
        assert viewer == {"login": "passport-1001", "csrfToken": login["csrfToken"]}
        refused = (await _post(client, LOGOUT))["logout"]
        assert refused["userErrors"] == [{"code": "CSRF_TOKEN_REQUIRED"}]
        done = (await _post(client, LOGOUT, **{"X-CSRF-Token": login["csrfToken"]}))["logout"]
        assert done == {"ok": True, "userErrors": []}


async def test_an_app_login_returns_a_bearer_token_and_no_cookie(probe_app: Starlette) -> None:
    variables = {"input": {"passport": "1002", "client": "APP"}}
    async with _client(probe_app) as client:
        response = await client.post(
            "/graphql", json={"query": PROBE_LOGIN, "variables": variables}
        )
        login = response.json()["data"]["probeLogin"]
        assert "set-cookie" not in response.headers
        assert login["csrfToken"] is None and login["accessToken"]
        viewer = await _post(client, VIEWER, Authorization=f"Bearer {login['accessToken']}")
        assert viewer["viewer"] == {"login": "passport-1002", "csrfToken": None}


async def test_a_browser_login_from_another_site_opens_nothing(probe_app: Starlette) -> None:
    user = await _passport("1003")
    async with _client(probe_app) as client:
        response = await client.post(
            "/graphql",
            json={"query": PROBE_LOGIN, "variables": {"input": {"passport": "1003"}}},
            headers={"Origin": "https://attacker.example"},
        )
    login = response.json()["data"]["probeLogin"]
    assert login["userErrors"] == [{"code": "CROSS_SITE_REQUEST"}]
    assert login["viewer"] is None and login["notices"] == []
    assert "set-cookie" not in response.headers
    assert not await models.Session.exists(user=user)


async def test_a_refused_flow_answers_with_the_error_and_no_session(probe_app: Starlette) -> None:
    async with _client(probe_app) as client:
        data = await _post(client, PROBE_LOGIN, {"input": {"passport": "not a number"}})
    assert data["probeLogin"]["userErrors"] == [{"code": "NOT_FOUND"}]
    assert data["probeLogin"]["csrfToken"] is None and data["probeLogin"]["expiresAt"] is None


async def test_a_route_opens_a_browser_session_with_both_cookies(probe_app: Starlette) -> None:
    async with _client(probe_app) as client:
        response = await client.get("/probe/callback?passport=1004")
        assert response.status_code == 303
        csrf = client.cookies[CSRF_COOKIE]
        viewer = (await _post(client, VIEWER))["viewer"]
        assert viewer == {"login": "passport-1004", "csrfToken": csrf}
        done = (await _post(client, LOGOUT, **{"X-CSRF-Token": csrf}))["logout"]
        assert done == {"ok": True, "userErrors": []}
        assert SESSION_COOKIE not in client.cookies and CSRF_COOKIE not in client.cookies


async def test_a_route_opens_an_app_session_without_cookies(probe_app: Starlette) -> None:
    async with _client(probe_app) as client:
        response = await client.get("/probe/callback?passport=1005&client=app")
        assert "set-cookie" not in response.headers
        token = response.json()["token"]
        viewer = await _post(client, VIEWER, Authorization=f"Bearer {token}")
    assert viewer["viewer"]["login"] == "passport-1005"


def test_the_session_api_is_exported() -> None:
    names = {"ClientKind", "LoginNotice", "check_login_origin", "open_route_session"}
    assert names | {"RegionFlows", "FlowNotOffered"} <= set(ediary.adapters.__all__)
    assert all(hasattr(ediary.adapters, name) for name in ediary.adapters.__all__)
    # Built on the GraphQL schema, a layer above the plugin contract.
    assert {"LoginPayload", "open_login"} <= set(vars(ediary.schema.sessions))


# The session cookie, the CSRF cookie and the domain's session: a plugin names none of them,
# and opens a session only through ediary.adapters.
_BY_HAND = re.compile(
    r"SESSION_COOKIE|CSRF_COOKIE|ediary_session|ediary_csrf|auth\.open_session|"
    r"import[^\n]*\bopen_session\b"
)


def test_no_plugin_handles_the_session_cookie_by_hand() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "plugins").rglob("*.py"))
        if "tests" not in path.relative_to(ROOT / "plugins").parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if _BY_HAND.search(line)
    ]
    assert found == [], "open sessions with ediary.adapters.open_login or open_route_session"


def test_the_documented_example_runs_against_the_public_names() -> None:
    text = (ROOT / "docs" / "plugins.md").read_text()
    section = text.split("## Opening a session from a login flow", 1)[1].split("\n## ", 1)[0]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    imported = re.search(r"from ediary.adapters import ([^\n]*)", example)
    assert imported is not None
    names = {name.strip() for name in imported[1].split(",") if name.strip()}
    assert names and names <= set(ediary.adapters.__all__)
    # Run as a module of its own: strawberry resolves the annotations in the module's names.
    module = types.ModuleType("plugins_md_session_example")
    sys.modules[module.__name__] = module
    try:
        exec(compile(example, "docs/plugins.md", "exec"), module.__dict__)
        schema = strawberry.Schema(query=ProbeQuery, mutation=module.CardMutation)
        assert "logInWithCard(input: CardLoginInput!): LoginPayload" in schema.as_str()
    finally:
        del sys.modules[module.__name__]


def _request_with(cookies: dict[str, str]) -> Request:
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    scope = {"type": "http", "headers": [(b"cookie", header.encode())] if cookies else []}
    return Request(scope)


def test_a_redirect_login_is_bound_to_the_browser_that_started_it() -> None:
    response = RedirectResponse("https://portal.example/authorize")
    settings = Settings(public_url="https://diary.example", secure_cookies=True)
    ediary.adapters.bind_login_to_browser(
        response,
        "probe_state",
        "s1",
        path="/probe/",
        lifetime=timedelta(minutes=10),
        settings=settings,
    )
    cookie = response.headers["set-cookie"]
    for part in (
        "probe_state=s1",
        "HttpOnly",
        "Path=/probe/",
        "SameSite=lax",
        "Secure",
        "Max-Age=600",
    ):
        assert part in cookie
    started = ediary.adapters.started_in_this_browser
    assert started(_request_with({"probe_state": "s1"}), "probe_state", "s1")
    assert not started(_request_with({"probe_state": "s1"}), "probe_state", "s2")
    assert not started(_request_with({}), "probe_state", "s1")
    assert not started(_request_with({"probe_state": ""}), "probe_state", "")


def test_the_notices_page_says_each_notice_with_its_code() -> None:
    notice = ediary.adapters.LoginNotice(code="PROBE_NOTICE", message="A <child> is missing.")
    page = ediary.adapters.notices_page([notice], "https://diary.example/")
    text = page.body.decode()
    assert "data-code='PROBE_NOTICE'" in text and "A &lt;child&gt; is missing." in text
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.skipif(BACKEND != "postgres", reason="write positions are PostgreSQL's WAL")
async def test_with_replicas_a_plugin_s_login_and_route_record_write_positions(
    probe_app: Starlette, database: str
) -> None:
    """With replicas configured, a plugin's GraphQL login records the position past its
    commit; a route's session reads on the primary (UNRECORDED) until its first request
    records one. The replica here is never polled: only the recording is looked at."""
    replica_set = replicas.ReplicaSet([replica_connection(database)])
    replicas.activate(replica_set)
    try:
        async with _client(probe_app) as client:
            variables = {"input": {"passport": "1006", "client": "APP"}}
            login = (await _post(client, PROBE_LOGIN, variables))["probeLogin"]
            by_login = await models.Session.get(token_hash=auth.token_digest(login["accessToken"]))
            assert by_login.write_lsn is not None and by_login.write_lsn < replicas.UNRECORDED

            token = (await client.get("/probe/callback?passport=1007&client=app")).json()["token"]
            by_route = await models.Session.get(token_hash=auth.token_digest(token))
            assert by_route.write_lsn == replicas.UNRECORDED
            await _post(client, VIEWER, Authorization=f"Bearer {token}")
            await by_route.refresh_from_db()
            assert by_route.write_lsn is not None and by_route.write_lsn < replicas.UNRECORDED
    finally:
        replicas.activate(None)
        await replica_set.stop()
