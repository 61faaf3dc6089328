"""Every way a session must not work is refused by the GraphQL endpoint, whether the
response cache checks the session first or the view resolves it alone, and a working
session of either kind still logs its user in and keeps its CSRF check."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from ediary.adapters.http import RESOLVED_SESSION, SESSION_COOKIE
from ediary.adapters.manager import load_plugins
from ediary.adapters.notify import Notifier
from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import auth, models
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import Role
from ediary.domain.errors import SessionExpired
from ediary.schema.context import Context

VIEWER = "{ viewer { login } }"
WRITE = "mutation { logout { ok userErrors { code } } }"


@pytest.fixture(scope="module", params=["cached", "uncached"])
def endpoint(request: pytest.FixtureRequest, settings: Settings) -> Starlette:
    size = settings.response_cache_bytes if request.param == "cached" else 0
    return create_app(
        dataclasses.replace(settings, response_cache_bytes=size), manage_database=False
    )


async def _account() -> models.User:
    login = f"refused-{uuid.uuid4().hex[:8]}"
    return await models.User.create(login=login, last_name="Test", first_name="Refused")


def _headers(kind: str, token: str) -> dict[str, str]:
    if kind == SessionKind.BEARER:
        return {"Authorization": f"Bearer {token}"}
    return {"Cookie": f"{SESSION_COOKIE}={token}"}


async def _ask(app: Starlette, headers: dict[str, str], query: str = VIEWER) -> dict[str, object]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, object] = response.json()
    return answer


def _code(answer: dict[str, object]) -> str:
    errors = answer["errors"]
    assert isinstance(errors, list)
    return str(errors[0]["extensions"]["code"])


async def _unknown(user: models.User) -> tuple[str, str]:
    return SessionKind.BEARER, "a-token-nobody-was-given"


async def _revoked(user: models.User) -> tuple[str, str]:
    opened = await open_session(user, SessionKind.BEARER, timedelta(hours=1))
    await models.Session.filter(user_id=user.id).update(revoked_at=datetime.now(UTC))
    return SessionKind.BEARER, opened.token


async def _expired(user: models.User) -> tuple[str, str]:
    opened = await open_session(user, SessionKind.BEARER, timedelta(seconds=-1))
    return SessionKind.BEARER, opened.token


async def _deactivated(user: models.User) -> tuple[str, str]:
    opened = await open_session(user, SessionKind.COOKIE, timedelta(hours=1))
    await models.User.filter(id=user.id).update(is_active=False)
    return SessionKind.COOKIE, opened.token


async def _bearer_as_cookie(user: models.User) -> tuple[str, str]:
    opened = await open_session(user, SessionKind.BEARER, timedelta(hours=1))
    return SessionKind.COOKIE, opened.token


async def _cookie_as_bearer(user: models.User) -> tuple[str, str]:
    opened = await open_session(user, SessionKind.COOKIE, timedelta(hours=1))
    return SessionKind.BEARER, opened.token


REFUSALS: dict[str, Callable[[models.User], Awaitable[tuple[str, str]]]] = {
    "unknown": _unknown,
    "revoked": _revoked,
    "expired": _expired,
    "deactivated": _deactivated,
    "bearer_as_cookie": _bearer_as_cookie,
    "cookie_as_bearer": _cookie_as_bearer,
}


@pytest.mark.parametrize("why", list(REFUSALS))
async def test_a_session_that_must_not_work_is_refused(
    endpoint: Starlette, world: object, why: str
) -> None:
    kind, token = await REFUSALS[why](await _account())
    answer = await _ask(endpoint, _headers(kind, token))
    assert answer["data"] == {"viewer": None}
    assert _code(answer) == "SESSION_EXPIRED"
    # Asked again, the refusal is not served from anything kept.
    assert _code(await _ask(endpoint, _headers(kind, token))) == "SESSION_EXPIRED"


@pytest.mark.parametrize("kind", [SessionKind.BEARER, SessionKind.COOKIE])
async def test_a_live_session_of_either_kind_is_its_user(
    endpoint: Starlette, world: object, kind: str
) -> None:
    user = await _account()
    opened = await open_session(user, kind, timedelta(hours=1))
    for _ in range(2):  # the second answer may come from the cache
        assert await _ask(endpoint, _headers(kind, opened.token)) == {
            "data": {"viewer": {"login": user.login}}
        }
    if kind == SessionKind.COOKIE:
        # The CSRF token comes with the session from the same statement.
        refused = await _ask(endpoint, _headers(kind, opened.token), WRITE)
        assert refused == {
            "data": {"logout": {"ok": False, "userErrors": [{"code": "CSRF_TOKEN_REQUIRED"}]}}
        }
        headers = {**_headers(kind, opened.token), "X-CSRF-Token": opened.csrf_token}
        done = await _ask(endpoint, headers, WRITE)
        assert done == {"data": {"logout": {"ok": True, "userErrors": []}}}
        assert _code(await _ask(endpoint, _headers(kind, opened.token))) == "SESSION_EXPIRED"


async def test_a_live_update_reads_the_session_and_ties_afresh(
    settings: Settings, world: object
) -> None:
    """What the response cache resolved stands for its request's viewer, never for the
    viewer a live update is checked against: that one is read from the database again."""
    user = await _account()
    opened = await open_session(user, SessionKind.BEARER, timedelta(hours=1))
    resolved = await auth.resolve_session(opened.token)
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": [(b"authorization", f"Bearer {opened.token}".encode())],
        RESOLVED_SESSION: (opened.token, resolved),
    }
    context = Context(
        request=Request(scope),
        response=Response(),
        settings=settings,
        plugins=load_plugins(),
        notifier=Notifier([]),
    )
    assert (await context.viewer()).roles == frozenset()
    await models.RoleGrant.create(user=user, role=Role.REGIONAL_OFFICIAL, region_id=None)
    assert (await context.live_viewer()).roles == {Role.REGIONAL_OFFICIAL}
    await models.Session.filter(user_id=user.id).update(revoked_at=datetime.now(UTC))
    with pytest.raises(SessionExpired):
        await context.live_viewer()
