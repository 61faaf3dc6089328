"""SNILS check sums, working-day deadlines, the ESIA client-secret signer, the hooks."""

from __future__ import annotations

from datetime import date

import pytest
from ediary_moscow import plugin, snils
from ediary_moscow.settings import HmacSigner, PlainSecret
from ediary_moscow.workdays import add_working_days

from ediary.adapters import load_plugins


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("112-233-445 95", True),
        ("11223344595", True),
        ("11223344500", False),
        ("1122334459", False),
        ("1122334459x", False),
        ("00100199800", True),  # before the check-sum rule
    ],
)
def test_snils(number: str, valid: bool) -> None:
    assert snils.is_valid(number) is valid


def test_check_sum_edges() -> None:
    # 100 and 101 give 00; above 101 the sum is taken modulo 101.
    assert snils.check_sum("112233445") == 95
    assert snils.check_sum("000029999") == 0  # the sum is 100
    assert snils.check_sum("999999999") == 1  # 405 mod 101
    assert snils.check_sum("996100000") == 0  # 201 mod 101 is 100, which gives 00
    for first_nine in ("123456789", "987654321", "555555555"):
        total = sum(int(d) * w for d, w in zip(first_nine, range(9, 0, -1), strict=True))
        expected = total if total < 100 else (0 if total in (100, 101) else total % 101 % 100)
        assert snils.check_sum(first_nine) == expected


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
