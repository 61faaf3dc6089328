"""Working-day deadlines, the plain client secret, the hooks (ESIA's GOST signer: test_gost)."""

from __future__ import annotations

from datetime import date

from ediary_moscow import plugin
from ediary_moscow.settings import PlainSecret
from ediary_moscow.workdays import add_working_days

from ediary.adapters import load_plugins
from ediary.config import Settings


def test_three_working_days_skip_weekends_and_holidays() -> None:
    friday = date(2026, 12, 4)
    assert add_working_days(friday, 3, set()) == date(2026, 12, 9)
    assert add_working_days(friday, 3, {date(2026, 12, 7)}) == date(2026, 12, 10)


def test_the_plain_secret_is_sent_as_registered() -> None:
    args = {"scope": "openid", "timestamp": "t", "client_id": "c", "state": "s"}
    assert PlainSecret("x").client_secret(**args) == "x"


def test_region_policy_gives_a_school_month_to_parents() -> None:
    manager = load_plugins((), extra=[plugin])

    def lookback(region_code: str, settings: Settings) -> int | None:
        policy = manager.hook.region_policy(region_code=region_code, settings=settings)
        return policy.parent_lookback_days  # type: ignore[no-any-return]

    assert lookback("77", Settings()) == 30
    assert lookback("r1", Settings()) is None
    # The plugin's settings, not the process environment, choose the region and the window.
    moved = Settings(extra={"EDIARY_MOSCOW_REGION": "50", "EDIARY_MOSCOW_LOOKBACK_DAYS": "14"})
    assert lookback("50", moved) == 14
    assert lookback("77", moved) is None
