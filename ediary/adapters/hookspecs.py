"""Hook specifications: each extension point a regional adapter may implement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from ediary.adapters.channels import NotificationChannel
    from ediary.adapters.flows import LoginFlow
    from ediary.domain.grading import RegionPolicy

hookspec = pluggy.HookspecMarker("ediary")
hookimpl = pluggy.HookimplMarker("ediary")


@hookspec
def login_flows() -> list[LoginFlow]:
    """Describe the login flows this plugin offers, so frontends can render them."""
    raise NotImplementedError


@hookspec(firstresult=True)
def region_policy(region_code: str) -> RegionPolicy | None:
    """Return the grading and visibility policy of a region, or None to leave it to others."""
    raise NotImplementedError


@hookspec
def notification_channels() -> list[NotificationChannel]:
    """Return the channels this plugin delivers notifications through."""
    raise NotImplementedError
