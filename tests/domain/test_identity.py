"""SNILS: normalising what people type, the check sum, and the format people read."""

from __future__ import annotations

import pytest

from ediary.domain.errors import InvalidInput
from ediary.domain.identity import (
    InvalidSnils,
    format_snils,
    is_valid_snils,
    normalize_snils,
    snils_check_sum,
    snils_with_check_sum,
)


@pytest.mark.parametrize(
    ("written", "digits"),
    [
        ("112-233-445 95", "11223344595"),
        ("11223344595", "11223344595"),
        (" 112 233 445 95 ", "11223344595"),
        ("112\u2011233\u2011445\u00a095", "11223344595"),  # non-breaking hyphens and space
        ("001-001-998 00", "00100199800"),
    ],
)
def test_normalising_keeps_the_digits(written: str, digits: str) -> None:
    assert normalize_snils(written) == digits
    assert is_valid_snils(written)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("112-233-445 00", "check sum"),
        ("112-233-445 94", "check sum"),
        ("1122334459", "11 digits"),
        ("112233445950", "11 digits"),
        ("1122334459x", "11 digits"),
        ("112233445٩5", "11 digits"),  # an Arabic-Indic nine is a digit, but not a SNILS one
        ("", "11 digits"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(written: str, message: str) -> None:
    with pytest.raises(InvalidSnils) as refused:
        normalize_snils(written, field="snils")
    assert message in refused.value.message
    assert (refused.value.code, refused.value.field) == ("INVALID_SNILS", "snils")
    assert isinstance(refused.value, InvalidInput)
    assert not is_valid_snils(written)


@pytest.mark.parametrize("check", ["00", "37", "99"])
def test_numbers_up_to_001_001_998_carry_any_check_sum(check: str) -> None:
    # Issued before the check sum rule: whatever the last two digits, the number stands.
    assert is_valid_snils(f"001001998{check}")
    assert is_valid_snils(f"000000001{check}")


def test_the_first_number_under_the_rule_is_checked() -> None:
    # 001-001-999: 1*7 + 1*4 + 9*3 + 9*2 + 9*1 = 65.
    assert snils_check_sum("001001999") == 65
    assert is_valid_snils("00100199965")
    assert not is_valid_snils("00100199900")


@pytest.mark.parametrize(
    ("first_nine", "check"),
    [
        ("112233445", 95),  # a weighted sum under 100 is the check sum itself
        ("001326679", 0),  # the sum is 100
        ("001508816", 0),  # the sum is 101
        ("123456789", 64),  # 165 mod 101
        ("999999999", 1),  # 405 mod 101
        ("996100000", 0),  # 201 mod 101 is 100, which gives 00 as well
    ],
)
def test_check_sum(first_nine: str, check: int) -> None:
    assert snils_check_sum(first_nine) == check
    full = snils_with_check_sum(first_nine)
    assert full == f"{first_nine}{check:02d}"
    assert normalize_snils(full) == full


def test_check_sum_needs_nine_digits() -> None:
    with pytest.raises(InvalidSnils):
        snils_check_sum("12345678")


def test_format() -> None:
    assert format_snils("11223344595") == "112-233-445 95"
    assert format_snils("001 326 679 00") == "001-326-679 00"
    with pytest.raises(InvalidSnils):
        format_snils("11223344500")
