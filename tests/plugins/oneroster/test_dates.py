"""Dates as vendors write them: each style, the evidence a value gives, ambiguity."""

from __future__ import annotations

from datetime import date

from ediary_oneroster.dates import DateOrder, evidence, read_date


def test_styles_are_read_to_the_same_day() -> None:
    for value in (
        "2023-06-15",
        "2023-06-15T08:00:00Z",
        "2023/06/15",
        "15.06.2023",
        "15/06/2023",
        "6/15/2023",
        "6/15/23 8:01 PM",
        "15/06/2023 08:30",
    ):
        assert read_date(value, None).value == date(2023, 6, 15), value


def test_a_day_over_12_proves_the_order() -> None:
    assert evidence("15/06/2023") is DateOrder.DMY
    assert evidence("6/15/2023") is DateOrder.MDY
    assert evidence("1/05/2023") is None
    assert evidence("15.06.2023") is None  # dotted dates are always day.month.year


def test_both_orders_possible_needs_an_order() -> None:
    assert read_date("1/05/2023", None).style == "ambiguous"
    assert read_date("1/05/2023", None).value is None
    assert read_date("1/05/2023", DateOrder.DMY).value == date(2023, 5, 1)
    assert read_date("1/05/2023", DateOrder.MDY).value == date(2023, 1, 5)
    # The same number twice reads the same either way.
    assert read_date("6/6/2025", None).value == date(2025, 6, 6)


def test_what_is_not_a_date() -> None:
    for value in ("31/02/2023", "13/13/2023", "soon", "2023-13-01"):
        assert read_date(value, DateOrder.DMY).value is None, value
