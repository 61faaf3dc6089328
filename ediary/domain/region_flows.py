"""Which login and registration flows a region's schools offer (EDIARY_REGION_FLOWS).

A region the setting leaves out offers every installed flow, so a deployment without the
setting behaves as if every flow served everywhere. A flow refuses where it is not offered:
the account's regions for a login (password), the school's region for something tied to a
school (an access code), the regions a flow serves for one that stands alone (a portal).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ediary.config import Settings
from ediary.domain.errors import FlowNotOffered
from ediary.domain.models import Region, School
from ediary.domain.ties import of_user


@dataclass(frozen=True)
class RegionFlows:
    """The flows each listed region offers, by flow id."""

    offered: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: Settings) -> RegionFlows:
        return cls(settings.region_flows)

    def offers(self, region_code: str | None, flow_id: str) -> bool:
        """Whether a region offers a flow; without a region (or for one the setting leaves
        out) every flow is offered."""
        if region_code is None or region_code not in self.offered:
            return True
        return flow_id in self.offered[region_code]

    def offered_in_any(self, region_codes: Iterable[str], flow_id: str) -> bool:
        """Whether one of these regions offers the flow; an empty list restricts nothing."""
        codes = list(region_codes)
        return not codes or any(self.offers(code, flow_id) for code in codes)

    def ensure_in_regions(self, region_codes: Iterable[str], flow_id: str) -> None:
        """FlowNotOffered unless one of the regions offers the flow."""
        if not self.offered_in_any(region_codes, flow_id):
            raise FlowNotOffered()

    async def ensure_at_school(self, school_id: int, flow_id: str) -> None:
        """FlowNotOffered when the school's region does not offer the flow."""
        if not self.offered:
            return
        codes = await School.filter(id=school_id).values_list("region__code", flat=True)
        self.ensure_in_regions([str(code) for code in codes], flow_id)

    async def ensure_for_account(self, user_id: int, flow_id: str) -> None:
        """FlowNotOffered when every region the account has ties in (its role grants,
        classes, enrollments and children's enrollments) lacks the flow. An account tied to
        no region is refused nowhere."""
        if not self.offered:
            return
        self.ensure_in_regions(await account_regions(user_id), flow_id)


async def account_regions(user_id: int) -> set[str]:
    """The codes of the regions an account has ties in."""
    ties = await of_user(user_id, "", "")
    schools = {grant.school_id for grant in ties.grants if grant.school_id is not None}
    schools |= {found.school_id for found in ties.teaching}
    schools |= {found.school_id for found in ties.homerooms}
    schools |= {found.school_id for found in ties.memberships}
    regions = {grant.region_id for grant in ties.grants if grant.region_id is not None}
    codes = set(await School.filter(id__in=sorted(schools)).values_list("region__code", flat=True))
    codes |= set(await Region.filter(id__in=sorted(regions)).values_list("code", flat=True))
    return {str(code) for code in codes}
