"""Personal identity numbers a region looks people up by: SNILS, the Russian individual
insurance account number that `User.snils` holds.

A SNILS is 11 digits, written `XXX-XXX-XXX YY`: a nine-digit number and a two-digit check
sum. The check sum is the sum of the nine digits weighted 9 down to 1: under 100 it is the
check sum itself, 100 and 101 give 00, and a larger sum is taken modulo 101 first (where 100
again gives 00). Numbers up to 001-001-998 were issued before the rule and carry any check
sum, so they are accepted as they are.

`User.snils` stores the 11 digits without separators: normalise what people type or what a
portal sends before storing or looking it up, and format it only to show it.
"""

from __future__ import annotations

import re

from ediary.domain.errors import InvalidInput

__all__ = [
    "InvalidSnils",
    "format_snils",
    "is_valid_snils",
    "normalize_snils",
    "snils_check_sum",
    "snils_with_check_sum",
]

# Spaces (also the no-break ones a pasted number brings) and hyphens are how people group it.
_SEPARATORS = re.compile("[\\s\\-\u2010\u2011\u2013]")

# The last number issued without a check sum rule (001-001-998).
_LAST_UNCHECKED = 1_001_998


class InvalidSnils(InvalidInput):
    """Not 11 digits, or a check sum that does not match the number."""

    code = "INVALID_SNILS"
    default_message = "A SNILS has 11 digits, written as XXX-XXX-XXX YY."


_CHECK_SUM_WRONG = "The SNILS check sum does not match: check the number."


def snils_check_sum(first_nine: str) -> int:
    """The check sum (0 to 99) of a SNILS's first nine digits."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise InvalidSnils("A SNILS check sum is computed from nine digits.")
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(9, 0, -1), strict=True)
    )
    if total > 101:
        total %= 101
    return 0 if total in (100, 101) else total


def normalize_snils(value: str, *, field: str | None = None) -> str:
    """The 11 digits of a SNILS written with or without separators; `InvalidSnils` otherwise."""
    digits = _SEPARATORS.sub("", value)
    # isdigit() admits other scripts' digits and superscripts; a SNILS is ASCII.
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        raise InvalidSnils(field=field)
    number, check = digits[:9], int(digits[9:])
    if int(number) > _LAST_UNCHECKED and snils_check_sum(number) != check:
        raise InvalidSnils(_CHECK_SUM_WRONG, field=field)
    return digits


def is_valid_snils(value: str) -> bool:
    """Whether `value` is a SNILS, with or without separators."""
    try:
        normalize_snils(value)
    except InvalidSnils:
        return False
    return True


def format_snils(value: str) -> str:
    """A SNILS as people write it, `XXX-XXX-XXX YY`; `InvalidSnils` for a number that is not."""
    digits = normalize_snils(value)
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def snils_with_check_sum(first_nine: str) -> str:
    """The 11-digit SNILS made of nine digits and their check sum, for test and demo data."""
    return f"{first_nine}{snils_check_sum(first_nine):02d}"
