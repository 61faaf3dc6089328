"""What the portal login tells the parent: a child the portal lists but the diary cannot
find is named on the page the callback answers with, instead of a silent redirect; and the
portal login refuses where the region does not offer it (EDIARY_REGION_FLOWS)."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

import httpx
from ediary_moscow.web import CHILD_NOT_FOUND
from starlette.applications import Starlette

from ediary.adapters.http import SESSION_COOKIE
from ediary.app import create_app
from ediary.domain import models
from ediary.domain.identity import snils_with_check_sum as with_check_sum
from tests.plugins.moscow.conftest import City, OidcProvider, portal_login
from tests.plugins.moscow.journey import CHILDREN, Browser

UNKNOWN_CHILD = with_check_sum("987654321")
FLOWS = '{ loginFlows(region: "77") { id } }'


async def _flows(client: httpx.AsyncClient) -> list[str]:
    listed = await client.post("/graphql", json={"query": FLOWS})
    return [flow["id"] for flow in listed.json()["data"]["loginFlows"]]


async def test_a_child_the_diary_cannot_find_is_told_after_the_login(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    oidc_provider.set_user(
        "parent-notice",
        {
            "snils": with_check_sum("555444333"),
            "family_name": "Notice",
            "given_name": "Olga",
            "children": [{"snils": city.snils["first_child"]}, {"snils": UNKNOWN_CHILD}],
        },
    )
    browser = Browser(portal_app)
    page = await portal_login(portal_app, oidc_provider, "parent-notice", client=browser.client)
    assert page.status_code == 200, page.text
    assert f"data-code='{CHILD_NOT_FOUND}'" in page.text
    assert "The portal lists a child we cannot find" in page.text
    assert "href='http://testserver/'" in page.text and page.headers["cache-control"] == "no-store"
    # Logged in all the same, with the child that was found.
    assert browser.client.cookies.get(SESSION_COOKIE)
    children = (await browser.gql(CHILDREN))["viewer"]["children"]
    assert [child["firstName"] for child in children] == ["first_child"]


async def test_nothing_to_tell_redirects_home(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    oidc_provider.set_user(
        "parent-quiet",
        {"snils": with_check_sum("555444334"), "children": [{"snils": city.snils["first_child"]}]},
    )
    done = await portal_login(portal_app, oidc_provider, "parent-quiet")
    assert done.status_code == 303 and done.headers["location"] == "http://testserver/"


async def test_the_portal_login_refuses_where_the_region_does_not_offer_it(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    closed = create_app(
        dataclasses.replace(
            portal_app.state.settings, region_flows={"77": frozenset({"password"})}
        ),
        manage_database=False,
    )
    oidc_provider.set_user("parent-closed", {"snils": with_check_sum("555444335")})
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=closed), base_url="http://testserver"
    ) as client:
        start = await client.get("/moscow/login")
        assert start.status_code == 403
        assert "data-code='FLOW_NOT_OFFERED'" in start.text
        listed = await client.post(
            "/graphql", json={"query": '{ loginFlows(region: "77") { id } }'}
        )
        assert "moscow-portal" not in [f["id"] for f in listed.json()["data"]["loginFlows"]]

    # A login started before the region closed the flow cannot finish after.
    browser = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=portal_app), base_url="http://testserver"
    )
    started = await browser.get("/moscow/login")
    async with httpx.AsyncClient(timeout=5) as provider:
        back = await provider.post(started.headers["location"], data={"sub": "parent-closed"})
    callback = urlsplit(back.headers["location"])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=closed),
        base_url="http://testserver",
        cookies=browser.cookies,
    ) as late:
        finished = await late.get(f"{callback.path}?{callback.query}")
        assert finished.status_code == 403 and "FLOW_NOT_OFFERED" in finished.text
        assert late.cookies.get(SESSION_COOKIE) is None
    await browser.aclose()
    assert not await models.User.exists(snils=with_check_sum("555444335"))
