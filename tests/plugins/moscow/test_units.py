"""Working-day deadlines, the ESIA client-secret signer, the hooks."""

from __future__ import annotations

from datetime import date

from ediary_moscow import plugin
from ediary_moscow.settings import HmacSigner, PlainSecret
from ediary_moscow.workdays import add_working_days

from ediary.adapters import load_plugins


def test_three_working_days_skip_weekends_and_holidays() -> None:
    friday = date(2026, 12, 4)
    assert add_working_days(friday, 3, set()) == date(2026, 12, 9)
    assert add_working_days(friday, 3, {date(2026, 12, 7)}) == date(2026, 12, 10)


def test_client_secret_signers() -> None:
    args = {"scope": "openid", "timestamp": "t", "client_id": "c", "state": "s"}
    assert PlainSecret("x").client_secret(**args) == "x"
    signed = HmacSigner("k").client_secret(**args)
    assert signed == HmacSigner("k").client_secret(**args) != HmacSigner("j").client_secret(**args)


def test_region_policy_gives_a_school_month_to_parents() -> None:
    manager = load_plugins((), extra=[plugin])
    assert manager.hook.region_policy(region_code="77").parent_lookback_days == 30
    assert manager.hook.region_policy(region_code="r1").parent_lookback_days is None
