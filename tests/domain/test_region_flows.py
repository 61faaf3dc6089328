"""Which flows a region offers: the setting, the rule, and the regions an account is tied to."""

from __future__ import annotations

import pytest

from ediary.config import Settings
from ediary.domain.errors import FlowNotOffered
from ediary.domain.region_flows import RegionFlows, account_regions
from tests.world import World

OFFERED = RegionFlows({"r1": frozenset({"moscow-portal"}), "r2": frozenset({"password"})})


def test_the_setting_is_read_per_region() -> None:
    settings = Settings.from_env(
        {"EDIARY_REGION_FLOWS": " 77 = moscow-portal, dnevnik-access-code ; 16=password;"}
    )
    assert settings.region_flows == {
        "77": frozenset({"moscow-portal", "dnevnik-access-code"}),
        "16": frozenset({"password"}),
    }
    assert Settings.from_env({}).region_flows == {}


@pytest.mark.parametrize("value", ["77", "77=", "=password", "77=password;77=moscow-portal"])
def test_a_setting_that_leaves_a_region_without_a_way_in_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="EDIARY_REGION_FLOWS"):
        Settings.from_env({"EDIARY_REGION_FLOWS": value})


def test_a_listed_region_offers_its_flows_only_and_others_everything() -> None:
    assert OFFERED.offers("r1", "moscow-portal")
    assert not OFFERED.offers("r1", "password")
    assert OFFERED.offers("r3", "password") and OFFERED.offers(None, "password")
    assert RegionFlows().offers("r1", "password")
    assert OFFERED.offered_in_any(["r1", "r2"], "password")
    assert not OFFERED.offered_in_any(["r1"], "password")
    assert OFFERED.offered_in_any([], "password")
    with pytest.raises(FlowNotOffered) as refused:
        OFFERED.ensure_in_regions(["r2"], "moscow-portal")
    assert refused.value.code == "FLOW_NOT_OFFERED"


async def test_an_account_is_tied_to_the_regions_of_its_grants_classes_and_children(
    world: World,
) -> None:
    # A school grant (and a child) in r1; a regional grant; a teacher of r2's school; a parent
    # whose children study in both regions; an account with no ties at all.
    assert await account_regions(world.users["parent"].id) == {"r1"}
    assert await account_regions(world.users["official"].id) == {"r1"}
    assert await account_regions(world.users["other_school_teacher"].id) == {"r2"}
    assert await account_regions(world.users["other_parent"].id) == {"r1", "r2"}
    assert await account_regions(world.users["student"].id) == {"r1"}


async def test_an_account_is_refused_only_when_no_region_of_its_offers_the_flow(
    world: World,
) -> None:
    with pytest.raises(FlowNotOffered):
        await OFFERED.ensure_for_account(world.users["parent"].id, "password")
    await OFFERED.ensure_for_account(world.users["other_school_teacher"].id, "password")
    await OFFERED.ensure_for_account(world.users["other_parent"].id, "password")
    await RegionFlows().ensure_for_account(world.users["parent"].id, "password")
    await OFFERED.ensure_at_school(world.id("school_B"), "password")
    with pytest.raises(FlowNotOffered):
        await OFFERED.ensure_at_school(world.id("school_A"), "password")
