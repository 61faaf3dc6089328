"""An access code of a school whose region does not offer the access-code flow is refused
(EDIARY_REGION_FLOWS), and stays unspent for when the region offers it again."""

from __future__ import annotations

import dataclasses

from ediary.app import create_app
from ediary.config import Settings
from ediary_dnevnik.plugin import ACCESS_CODE_FLOW_ID
from tests.conftest import GraphQLClient
from tests.plugins.dnevnik import queries as q
from tests.plugins.dnevnik.conftest import Town
from tests.plugins.dnevnik.family import PASSWORD, error_codes, issue, payload, pick
from tests.world import World


def _sign_up(code: str, login: str) -> dict[str, str]:
    return {"code": code, "fullName": "Regional Parent", "login": login, "password": PASSWORD}


async def test_a_code_of_a_region_without_the_flow_is_refused_and_kept(
    gql: GraphQLClient, town: Town, world: World, settings: Settings
) -> None:
    # The town's schools are in region r1, which here offers password login only.
    closed = create_app(
        dataclasses.replace(settings, region_flows={"r1": frozenset({"password"})}),
        manage_database=False,
    )
    closed_gql = GraphQLClient(closed, world, "198.51.100.31")
    code = pick(await issue(gql, town, "class_3b", parents=1, students=False), "PARENT")
    flows = await closed_gql('{ loginFlows(region: "r1") { id } }')
    assert ACCESS_CODE_FLOW_ID not in [flow["id"] for flow in flows["data"]["loginFlows"]]

    refused = await closed_gql(q.REDEEM, _sign_up(code, "closed.region@example.org"))
    assert error_codes(refused, "redeemAccessCode") == ["FLOW_NOT_OFFERED"]
    # Nothing was spent: the same code works where the region offers the flow.
    redeemed = await gql.from_address("198.51.100.32")(
        q.REDEEM, _sign_up(code, "open.region@example.org")
    )
    assert payload(redeemed, "redeemAccessCode")["status"] == "CONFIRMATION_SENT"
