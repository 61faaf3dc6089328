"""The test kit's GraphQL client logs in as a browser (cookie and CSRF token) or as an app
(bearer token) through the real login mutation, and says why a login is refused."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from ediary.domain.enums import Role
from ediary.testing import PASSWORD, GraphQLClient, LoginFailed, Session, add_user
from tests.world import World

VIEWER = "{ viewer { login } }"
LOGOUT = "mutation { logout { ok userErrors { code } } }"


@pytest.fixture(scope="module")
async def kit(app: Starlette, world: World) -> GraphQLClient:
    school = world.objects["school_A"]
    await add_user("kit_parent", "Orlova", "Vera", (Role.PARENT, school, None), password=PASSWORD)
    # An address of its own: failed logins here lock nobody else's.
    return GraphQLClient(app, address="10.9.8.7")


async def test_a_browser_session_sends_its_csrf_token(kit: GraphQLClient) -> None:
    browser = await kit.login("kit_parent", PASSWORD, browser=True)
    assert browser.bearer is None and browser.csrf_token and browser.cookies
    assert (await browser(VIEWER))["data"]["viewer"] == {"login": "kit_parent"}
    # The same cookie without the token: the mutation is refused.
    forged = Session(kit, csrf_token="", cookies=browser.cookies)
    refused = await forged(LOGOUT)
    assert refused["data"]["logout"] == {
        "ok": False,
        "userErrors": [{"code": "CSRF_TOKEN_REQUIRED"}],
    }
    assert (await browser(LOGOUT))["data"]["logout"] == {"ok": True, "userErrors": []}
    assert (await browser(VIEWER))["data"]["viewer"] is None


async def test_an_app_session_sends_its_bearer_token(kit: GraphQLClient) -> None:
    app = await kit.login("kit_parent", PASSWORD)
    assert app.bearer and app.cookies is None
    assert (await app(VIEWER))["data"]["viewer"] == {"login": "kit_parent"}
    assert (await kit(VIEWER))["data"]["viewer"] is None


async def test_a_refused_login_says_why(kit: GraphQLClient) -> None:
    with pytest.raises(LoginFailed) as refused:
        await kit.login("kit_parent", "not the password")
    assert [error["code"] for error in refused.value.errors] == ["INVALID_CREDENTIALS"]
