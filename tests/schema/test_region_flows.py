"""Per-region flows through GraphQL: `loginFlows(region:)` and `registrationFlows(region:)`
list what the region's configuration offers, and password login refuses where it is not."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import auth, models
from ediary.domain.enums import Role

PASSWORD = "a region's long password"
FLOWS = "query($region: String) { loginFlows(region: $region) { id } }"
SIGN_UP = "query($region: String) { registrationFlows(region: $region) { id } }"
LOGIN = """mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password, client: APP}) {
    accessToken userErrors { code message } } }"""


@pytest.fixture(scope="module")
def flows_app(settings: Settings) -> Starlette:
    offered = {"fl-portal": frozenset({"dnevnik-access-code"}), "fl-both": frozenset({"password"})}
    return create_app(dataclasses.replace(settings, region_flows=offered), manage_database=False)


@pytest.fixture(scope="module")
async def schools() -> dict[str, models.School]:
    found = {}
    for code in ("fl-portal", "fl-both"):
        region = await models.Region.create(code=code, name=f"Region {code}")
        found[code] = await models.School.create(region=region, name=code, short_name=code)
    return found


async def _post(app: Starlette, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("10.61.0.1", 5000)),
        base_url="http://testserver",
    ) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _ids(app: Starlette, query: str, region: str | None) -> list[str]:
    data = await _post(app, query, {"region": region})
    return [flow["id"] for flow in next(iter(data.values()))]


async def _teacher(login: str, *schools: models.School) -> models.User:
    user = await models.User.create(
        login=login, last_name="Flows", first_name=login, password_hash=auth.hash_password(PASSWORD)
    )
    for school in schools:
        await models.RoleGrant.create(user=user, role=Role.TEACHER, school=school)
    return user


async def test_a_region_lists_only_the_flows_it_offers(
    flows_app: Starlette, app: Starlette
) -> None:
    assert await _ids(flows_app, FLOWS, "fl-portal") == ["dnevnik-access-code"]
    assert await _ids(flows_app, SIGN_UP, "fl-portal") == ["dnevnik-access-code"]
    assert await _ids(flows_app, FLOWS, "fl-both") == ["password"]
    assert await _ids(flows_app, SIGN_UP, "fl-both") == []
    # A region the setting leaves out, and no region at all: every installed flow.
    everything = await _ids(app, FLOWS, None)
    assert {"password", "dnevnik-access-code"} <= set(everything)
    assert await _ids(flows_app, FLOWS, "elsewhere") == await _ids(app, FLOWS, "elsewhere")
    assert await _ids(flows_app, FLOWS, None) == everything


async def test_password_login_is_refused_where_no_school_of_the_account_offers_it(
    flows_app: Starlette, schools: dict[str, models.School]
) -> None:
    user = await _teacher("flows.portal.teacher", schools["fl-portal"])
    refused = (await _post(flows_app, LOGIN, {"login": user.login, "password": PASSWORD}))["login"]
    assert refused["accessToken"] is None
    assert [e["code"] for e in refused["userErrors"]] == ["FLOW_NOT_OFFERED"]
    assert not await models.Session.exists(user=user)
    # Without the password the answer is the usual one: the refusal tells nothing more.
    wrong = (await _post(flows_app, LOGIN, {"login": user.login, "password": "x" * 12}))["login"]
    assert [e["code"] for e in wrong["userErrors"]] == ["INVALID_CREDENTIALS"]


async def test_password_login_works_where_one_school_of_the_account_offers_it(
    flows_app: Starlette, app: Starlette, schools: dict[str, models.School]
) -> None:
    both = await _teacher("flows.two.schools", schools["fl-portal"], schools["fl-both"])
    nowhere = await _teacher("flows.no.school")
    portal_only = await _teacher("flows.portal.only", schools["fl-portal"])
    for user, served_by in ((both, flows_app), (nowhere, flows_app), (portal_only, app)):
        answer = await _post(served_by, LOGIN, {"login": user.login, "password": PASSWORD})
        assert answer["login"]["userErrors"] == [] and answer["login"]["accessToken"]
