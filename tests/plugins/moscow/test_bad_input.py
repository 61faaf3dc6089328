"""Every way a portal login or an application can go wrong: a clear error, no account
created, no child linked."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from ediary_moscow.errors import LoginFailed
from ediary_moscow.models import DiaryApplication
from ediary_moscow.oidc import validate_id_token
from ediary_moscow.web import STATE_COOKIE
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.identity import snils_with_check_sum
from tests.conftest import TODAY
from tests.plugins.moscow.conftest import (
    CLIENT_ID,
    City,
    OidcProvider,
    free_port,
    portal_login,
    portal_settings,
)
from tests.plugins.moscow.journey import (
    APPROVE,
    FILE,
    REFUSE,
    REVIEW,
    application,
    as_admin,
    gid,
    portal_parent,
)

ISSUER = "https://portal.example"


def asgi(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def accounts() -> int:
    return await models.User.filter(snils__not_isnull=True).count()


async def links() -> int:
    return await models.Guardianship.all().count()


# --- the callback ------------------------------------------------------------------------------


async def test_unknown_state_is_refused(portal_app: Starlette, city: City) -> None:
    before = (await accounts(), await links())
    async with asgi(portal_app) as client:
        # The browser's state cookie agrees, but the server never issued that state.
        answer = await client.get(
            "/moscow/callback?state=made-up&code=whatever",
            headers={"Cookie": f"{STATE_COOKIE}=made-up"},
        )
    assert answer.status_code == 400
    assert "did not start here" in answer.text
    assert (await accounts(), await links()) == before


async def test_provider_error_is_refused(portal_app: Starlette, city: City) -> None:
    async with asgi(portal_app) as client:
        answer = await client.get("/moscow/callback?error=access_denied&state=x")
    assert answer.status_code == 400 and "did not confirm" in answer.text


async def _authorize(
    app: Starlette, provider: OidcProvider, sub: str, client: httpx.AsyncClient | None = None
) -> tuple[str, str]:
    """Start a login (in `client`, the browser that will finish it) and let the provider
    answer; the (state, code) it sends back."""
    async with asgi(app) as own:
        start = await (client or own).get("/moscow/login")
    async with httpx.AsyncClient(timeout=5) as browser:
        back = await browser.post(start.headers["location"], data={"sub": sub})
    query = parse_qs(urlsplit(back.headers["location"]).query)
    return query["state"][0], query["code"][0]


async def test_replayed_state_and_reused_code_are_refused(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    oidc_provider.set_user(
        "replay", {"snils": snils_with_check_sum("222333444"), "family_name": "Replay"}
    )
    async with asgi(portal_app) as client:
        state, code = await _authorize(portal_app, oidc_provider, "replay", client)
        first = await client.get(f"/moscow/callback?state={state}&code={code}")
        assert first.status_code == 303
        # The same answer again: the state is spent.
        # Replayed with the state cookie the success cleared: the state itself is spent.
        replay = await client.get(
            f"/moscow/callback?state={state}&code={code}",
            headers={"Cookie": f"{STATE_COOKIE}={state}"},
        )
        assert replay.status_code == 400 and "already used" in replay.text
        # A fresh login, but the old code: the provider refuses it.
        fresh_state, _ = await _authorize(portal_app, oidc_provider, "replay", client)
        reused = await client.get(f"/moscow/callback?state={fresh_state}&code={code}")
    assert reused.status_code == 400 and "did not accept the login code" in reused.text
    assert await models.User.filter(snils=snils_with_check_sum("222333444")).count() == 1


async def test_snils_with_a_bad_check_sum_creates_no_account(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    oidc_provider.set_user(
        "bad-snils",
        {"snils": "112-233-445 00", "children": [{"snils": city.snils["third_child"]}]},
    )
    before = (await accounts(), await links())
    answer = await portal_login(portal_app, oidc_provider, "bad-snils")
    assert answer.status_code == 400 and "check sum" in answer.text
    assert (await accounts(), await links()) == before


async def test_missing_snils_creates_no_account(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    oidc_provider.set_user("no-snils", {"family_name": "Nobody"})
    before = await accounts()
    answer = await portal_login(portal_app, oidc_provider, "no-snils")
    assert answer.status_code == 400 and "did not share your SNILS" in answer.text
    assert await accounts() == before


# --- the provider down or slow -----------------------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


async def test_provider_down_is_a_clear_error(settings: Settings, city: City) -> None:
    down = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    app = create_app(portal_settings(settings, down), manage_database=False)
    async with asgi(app) as client:
        answer = await client.get("/moscow/login")
    assert answer.status_code == 503 and "does not answer" in answer.text


async def test_provider_slow_times_out(settings: Settings, city: City, silent_server: int) -> None:
    slow = f"http://127.0.0.1:{silent_server}/.well-known/openid-configuration"
    app = create_app(
        portal_settings(settings, slow, EDIARY_MOSCOW_TIMEOUT="0.5"), manage_database=False
    )
    started = time.monotonic()
    async with asgi(app) as client:
        answer = await client.get("/moscow/login")
    assert time.monotonic() - started < 5
    assert answer.status_code == 503 and "did not answer in time" in answer.text


# --- ID tokens: signature, audience, expiry, nonce ---------------------------------------------


@pytest.fixture(scope="module")
def signing_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "ours"})


def mint(key: RSAKey, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "someone",
        "iat": now,
        "exp": now + 300,
        "nonce": "the-nonce",
        **changes,
    }
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def check(token: str, key: RSAKey) -> dict[str, Any]:
    keys = KeySet([RSAKey.import_key(key.as_dict(private=False))])
    return validate_id_token(token, keys, issuer=ISSUER, client_id=CLIENT_ID, nonce="the-nonce")


def test_a_good_id_token_passes(signing_key: RSAKey) -> None:
    assert check(mint(signing_key), signing_key)["sub"] == "someone"


def test_id_token_with_a_bad_signature(signing_key: RSAKey) -> None:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "ours"})
    with pytest.raises(LoginFailed, match="signature"):
        check(mint(stranger), signing_key)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"aud": "another-client"}, "aud"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"iss": "https://elsewhere.example"}, "iss"),
        ({"nonce": "another-nonce"}, "nonce"),
    ],
)
def test_id_token_for_someone_else_or_too_old(
    signing_key: RSAKey, changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(LoginFailed) as raised:
        check(mint(signing_key, **changes), signing_key)
    assert reason in raised.value.message or reason in repr(raised.value.message)


# --- applications ------------------------------------------------------------------------------


async def test_application_for_a_child_not_enrolled(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    browser = await portal_parent(
        portal_app, oidc_provider, "not-enrolled", snils_with_check_sum("333444555")
    )
    form = application(city, "third_child")
    form["child"]["snils"] = "98765432183"  # valid, but nobody at the school has it
    before = await DiaryApplication.all().count()
    # Filed like any other (the parent learns nothing about the SNILS); the school finds
    # nobody to link when it approves, and refuses it.
    filed = (await browser.gql(FILE, {"input": form}))["fileDiaryApplication"]
    assert filed["userErrors"] == [] and filed["application"]["status"] == "SUBMITTED"
    approved = await as_admin(
        portal_app, city, APPROVE, {"input": {"applicationId": filed["application"]["id"]}}
    )
    assert [e["code"] for e in approved["approveDiaryApplication"]["userErrors"]] == [
        "CHILD_NOT_ENROLLED"
    ]
    await as_admin(
        portal_app,
        city,
        REFUSE,
        {"input": {"applicationId": filed["application"]["id"], "reason": "DATA_MISMATCH"}},
    )
    before += 1
    bad = application(city, "third_child")
    bad["child"]["snils"] = "98765432100"
    filed = (await browser.gql(FILE, {"input": bad}))["fileDiaryApplication"]
    assert filed["userErrors"][0]["field"][-1] == "child.snils"
    no_consent = {**application(city, "third_child"), "consentGiven": False}
    filed = (await browser.gql(FILE, {"input": no_consent}))["fileDiaryApplication"]
    assert filed["userErrors"][0]["field"][-1] == "consent"
    assert await DiaryApplication.all().count() == before


async def test_overdue_applications_are_listed_and_pending_ones_not_duplicated(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    browser = await portal_parent(
        portal_app, oidc_provider, "late", snils_with_check_sum("444555666")
    )
    filed = await browser.gql(FILE, {"input": application(city, "third_child")})
    assert filed["fileDiaryApplication"]["userErrors"] == []
    twice = await browser.gql(FILE, {"input": application(city, "third_child")})
    assert twice["fileDiaryApplication"]["userErrors"][0]["code"] == "APPLICATION_PENDING"
    parent = await models.User.get(snils=snils_with_check_sum("444555666"))
    await DiaryApplication.filter(parent_id=parent.id).update(due_on=TODAY - timedelta(days=1))
    school = gid("School", city.ids["school"])
    overdue = await as_admin(portal_app, city, REVIEW, {"school": school, "overdue": True})
    assert filed["fileDiaryApplication"]["application"]["id"] in [
        a["id"] for a in overdue["diaryApplicationsToReview"]
    ]
    # A parent cannot review.
    async with asgi(portal_app) as client:
        client.cookies.update(browser.client.cookies)
        response = await client.post(
            "/graphql",
            json={"query": REVIEW, "variables": {"school": school, "overdue": True}},
        )
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- old school logins after the switch --------------------------------------------------------

LOGIN = """mutation { login(input: {login: "m1.old.parent", password: "school password 1",
    client: APP}) { accessToken userErrors { code message } } }"""


async def test_school_login_closes_when_the_region_switches(
    settings: Settings, oidc_provider: OidcProvider, city: City
) -> None:
    discovery = f"{oidc_provider.url}/.well-known/openid-configuration"
    before = create_app(portal_settings(settings, discovery), manage_database=False)
    after = create_app(
        portal_settings(settings, discovery, EDIARY_MOSCOW_SWITCHED_REGIONS="77"),
        manage_database=False,
    )
    async with asgi(before) as client:
        works = (await client.post("/graphql", json={"query": LOGIN})).json()["data"]["login"]
    assert works["accessToken"] and works["userErrors"] == []
    async with asgi(after) as client:
        closed = (await client.post("/graphql", json={"query": LOGIN})).json()["data"]["login"]
    assert closed["accessToken"] is None
    assert closed["userErrors"][0]["code"] == "PASSWORD_LOGIN_CLOSED"
    assert "mos.ru" in closed["userErrors"][0]["message"]
