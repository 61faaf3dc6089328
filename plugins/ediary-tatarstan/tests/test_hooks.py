"""The plugin's hooks as ediary calls them, through the plugin manager."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest

from ediary.adapters import PluginManager
from ediary.config import Settings
from ediary.domain.grading import DEFAULT_POLICY, YearBasis


def test_the_policy_is_the_regions_only(plugin_manager: PluginManager, settings: Settings) -> None:
    ours = plugin_manager.hook.region_policy(region_code="16", settings=settings)
    elsewhere = plugin_manager.hook.region_policy(region_code="77", settings=settings)

    assert (ours.code, ours.round_up_from, ours.year_basis) == (
        "16",
        Fraction(3, 5),
        YearBasis.TERM_MARKS,
    )
    assert elsewhere == DEFAULT_POLICY


def test_the_policy_follows_the_region_setting(
    plugin_manager: PluginManager, settings: Settings
) -> None:
    moved = replace(settings, extra={**settings.extra, "EDIARY_TATARSTAN_REGION": "716"})

    assert plugin_manager.hook.region_policy(region_code="716", settings=moved).code == "716"
    assert plugin_manager.hook.region_policy(region_code="16", settings=moved) == DEFAULT_POLICY


def test_no_portal_flow_without_a_client(plugin_manager: PluginManager, settings: Settings) -> None:
    bare = replace(settings, extra={})

    flows = [flow.id for flows in plugin_manager.hook.login_flows(settings=bare) for flow in flows]

    assert "tatarstan-portal" not in flows
    assert "password" in flows


def test_a_bad_setting_stops_the_start(plugin_manager: PluginManager, settings: Settings) -> None:
    bad = replace(settings, extra={**settings.extra, "EDIARY_TATARSTAN_TIMEOUT": "soon"})

    with pytest.raises(ValueError, match="EDIARY_TATARSTAN_TIMEOUT"):
        plugin_manager.hook.startup(app=None, settings=bad)
