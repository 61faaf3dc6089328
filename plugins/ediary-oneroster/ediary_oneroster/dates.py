"""Dates as vendors write them: the standard's ISO 8601, and the local styles of exports made
by spreadsheets and student information systems (`1/05/2023`, `15/06/2023`, `01.09.2015`).

A style with the day and the month in either order is read by the day-month order of its
file (learned from a value whose first or second number is over 12) or of the command line
(`--date-order`); alone, `1/05/2023` is ambiguous and `read_date` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class DateOrder(StrEnum):
    """Which of a date's first two numbers is the day: day/month/year or month/day/year."""

    DMY = "DMY"
    MDY = "MDY"


# 1/05/2023, 15.06.2023, 6-15-23; an optional time after it (08:01, 8:01:05 PM) is dropped.
_NUMBERS = re.compile(
    r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s*[AaPp][Mm])?)?$"
)
# 2023/05/01 and 2023.05.01: the ISO order with another separator.
_YEAR_FIRST = re.compile(r"^(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})$")


@dataclass(frozen=True)
class ReadDate:
    """How one value was read: the date (None when it could not be), and the style seen."""

    value: date | None
    # "iso", "year first", "day.month.year", "day/month/year", "month/day/year", "either"
    # (the same number twice, no order known), "ambiguous" (both orders possible, no order
    # known; no value), "unknown" (not a date; no value).
    style: str


def is_iso(value: str) -> bool:
    """The standard's form: a date or an ISO 8601 date-time."""
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _year(text: str) -> int:
    number = int(text)
    if len(text) == 4:
        return number
    # Two-digit years: spreadsheets put 00-69 in this century.
    return 2000 + number if number < 70 else 1900 + number


def _make(year: int, month: int, day: int, style: str) -> ReadDate:
    try:
        return ReadDate(date(year, month, day), style)
    except ValueError:
        return ReadDate(None, "unknown")


def evidence(value: str) -> DateOrder | None:
    """The order a value proves on its own: `15/06/2023` is DMY, `6/15/2023` MDY."""
    match = _NUMBERS.match(value.strip())
    if match is None or match.group(2) == ".":
        return None
    first, second = int(match.group(1)), int(match.group(3))
    if first > 12 >= second:
        return DateOrder.DMY
    if second > 12 >= first:
        return DateOrder.MDY
    return None


def read_date(value: str, order: DateOrder | None) -> ReadDate:
    """A value in any style this module knows, read with `order` when both orders fit."""
    value = value.strip()
    if is_iso(value):
        if len(value) == 10:
            return ReadDate(date.fromisoformat(value), "iso")
        return ReadDate(datetime.fromisoformat(value).date(), "iso")
    year_first = _YEAR_FIRST.match(value)
    if year_first is not None:
        year, month, day = (int(year_first.group(n)) for n in (1, 3, 4))
        return _make(year, month, day, "year first")
    match = _NUMBERS.match(value)
    if match is None:
        return ReadDate(None, "unknown")
    first, separator, second = int(match.group(1)), match.group(2), int(match.group(3))
    year = _year(match.group(4))
    if separator == ".":
        # Dotted dates are the European day.month.year in every export seen.
        return _make(year, second, first, "day.month.year")
    proven = evidence(value) or order
    if proven is None:
        if first == second:
            # 6/6/2025 reads the same either way; which style it is needs the file's order.
            return _make(year, first, first, "either")
        return ReadDate(None, "ambiguous")
    if proven is DateOrder.MDY:
        return _make(year, first, second, "month/day/year")
    return _make(year, second, first, "day/month/year")
