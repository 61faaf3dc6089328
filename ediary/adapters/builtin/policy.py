"""The default region policy: marks 1 to 5, 4.5 and up rounds to 5, no look-back limit."""

from __future__ import annotations

from ediary.adapters.hookspecs import hookimpl
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy


@hookimpl(trylast=True)
def region_policy(region_code: str) -> RegionPolicy:
    """Answer for any region no other plugin claims."""
    return DEFAULT_POLICY
