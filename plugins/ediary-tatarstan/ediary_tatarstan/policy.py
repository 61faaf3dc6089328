"""The region's grading rule: marks 1 to 5, a term mark rounds up only from .6 of a point
(4.55 stays 4, where the default rounds it to 5), and the year mark is the mean of the term
marks rather than of every mark of the year."""

from __future__ import annotations

from ediary.domain.grading import RegionPolicy, YearBasis
from ediary_tatarstan.settings import TatarstanSettings


def tatarstan_policy(settings: TatarstanSettings) -> RegionPolicy:
    """The policy of region `settings.region`."""
    return RegionPolicy(
        code=settings.region,
        round_up_from=settings.round_up_from,
        year_basis=YearBasis.TERM_MARKS,
    )


def region_policy_of(region_code: str, settings: TatarstanSettings) -> RegionPolicy | None:
    """The policy when `region_code` is the plugin's region, else None (not ours to say)."""
    return tatarstan_policy(settings) if region_code == settings.region else None
