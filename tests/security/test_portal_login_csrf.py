"""Adversarial pass, finding A2 (medium): login CSRF through the Moscow portal callback.

The state of `/moscow/login` was kept on the server only, bound to nothing in the browser.
An attacker started a portal login, logged in at the provider as themself and sent the
`/moscow/callback?state=...&code=...` address to a victim: the victim's browser finished
the attacker's login and got a session of the attacker's account, so whatever the victim
did next (a child's documents, messages to teachers, a signing key) went into it. The
password login got the same-site Origin check (finding 10); the portal login now binds its
state to the browser that started it with a cookie, and a callback without it is refused
with nothing spent and no session opened.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from starlette.applications import Starlette

from ediary.adapters.http import SESSION_COOKIE
from ediary.domain import models
from ediary.domain.identity import snils_with_check_sum
from tests.plugins.moscow.conftest import OidcProvider, oidc_provider, portal_app

__all__ = ["oidc_provider", "portal_app"]

# The cookie that binds a portal login to the browser that started it.
STATE_COOKIE = "ediary_moscow_state"


def _browser(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def _attackers_callback(app: Starlette, provider: OidcProvider, sub: str) -> str:
    """The attacker starts a login in their own browser and stops at the callback address."""
    async with _browser(app) as attacker:
        start = await attacker.get("/moscow/login")
        assert start.status_code == 302
    async with httpx.AsyncClient(timeout=5) as at_provider:
        back = await at_provider.post(start.headers["location"], data={"sub": sub})
    location = urlsplit(back.headers["location"])
    assert location.path == "/moscow/callback"
    return f"{location.path}?{location.query}"


async def test_a_callback_from_another_browser_opens_no_session(
    portal_app: Starlette, oidc_provider: OidcProvider
) -> None:
    snils = snils_with_check_sum("555666777")
    oidc_provider.set_user("attacker", {"snils": snils, "family_name": "Attacker"})
    address = await _attackers_callback(portal_app, oidc_provider, "attacker")
    sessions = await models.Session.all().count()

    async with _browser(portal_app) as victim:
        answer = await victim.get(address)
        assert victim.cookies.get(SESSION_COOKIE) is None
    assert answer.status_code == 400
    assert "did not start in this browser" in answer.text
    assert await models.Session.all().count() == sessions
    assert not await models.User.exists(snils=snils)


async def test_a_state_cookie_of_another_login_does_not_fit(
    portal_app: Starlette, oidc_provider: OidcProvider
) -> None:
    snils = snils_with_check_sum("555666778")
    oidc_provider.set_user("attacker-2", {"snils": snils, "family_name": "Attacker"})
    address = await _attackers_callback(portal_app, oidc_provider, "attacker-2")

    async with _browser(portal_app) as victim:
        # The victim has started a portal login of their own: their state is not this one.
        await victim.get("/moscow/login")
        answer = await victim.get(address)
        assert victim.cookies.get(SESSION_COOKIE) is None
    assert answer.status_code == 400
    assert not await models.User.exists(snils=snils)


async def test_the_browser_that_started_the_login_finishes_it(
    portal_app: Starlette, oidc_provider: OidcProvider
) -> None:
    snils = snils_with_check_sum("555666779")
    oidc_provider.set_user("owner", {"snils": snils, "family_name": "Owner"})
    async with _browser(portal_app) as browser:
        start = await browser.get("/moscow/login")
        assert browser.cookies.get(STATE_COOKIE)
        async with httpx.AsyncClient(timeout=5) as at_provider:
            back = await at_provider.post(start.headers["location"], data={"sub": "owner"})
        query = parse_qs(urlsplit(back.headers["location"]).query)
        answer = await browser.get(
            "/moscow/callback", params={"state": query["state"][0], "code": query["code"][0]}
        )
        assert answer.status_code == 303
        assert browser.cookies.get(SESSION_COOKIE)
        # Spent with the state: the cookie is cleared.
        assert browser.cookies.get(STATE_COOKIE) is None
    assert await models.User.exists(snils=snils)
