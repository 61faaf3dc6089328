"""SNILS, the insurance number that identifies a person: 11 digits, the last two a check sum.

The check sum is the sum of the first nine digits weighted 9 down to 1. A sum under 100 is
the check number itself, 100 and 101 give 00, and a larger sum is taken modulo 101 first
(where 100 again gives 00). Numbers up to 001-001-998 were issued without a check sum rule.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s-]")


class InvalidSnils(ValueError):
    """Not 11 digits, or the check sum does not match."""


def check_sum(first_nine: str) -> int:
    """The check number of the first nine digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(9, 0, -1), strict=True)
    )
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    rest = total % 101
    return 0 if rest == 100 else rest


def normalize(value: str) -> str:
    """The 11 digits of a SNILS written with or without separators; InvalidSnils otherwise."""
    digits = _SEPARATORS.sub("", value or "")
    if len(digits) != 11 or not digits.isdigit():
        raise InvalidSnils("A SNILS has 11 digits.")
    if int(digits[:9]) > 1001998 and check_sum(digits[:9]) != int(digits[9:]):
        raise InvalidSnils("The SNILS check sum does not match: check the number.")
    return digits


def is_valid(value: str) -> bool:
    try:
        normalize(value)
    except InvalidSnils:
        return False
    return True


def with_check_sum(first_nine: str) -> str:
    """A full SNILS from nine digits, for tests and demo data."""
    return f"{first_nine}{check_sum(first_nine):02d}"
