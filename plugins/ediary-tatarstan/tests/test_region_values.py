"""SNILS (checked by the core's identity helpers) as the portal and the exports write them; class
names are the core's (tests/domain/test_class_lists.py)."""

from __future__ import annotations

import pytest
from ediary_tatarstan.values import BadValue, snils


@pytest.mark.parametrize(
    "written", ["112-233-445 95", "11223344595", "112 233 445 95", "112-233-445-95"]
)
def test_a_snils_written_any_usual_way(written: str) -> None:
    assert snils(written) == "11223344595"


def test_numbers_issued_before_the_check_are_taken_as_they_are() -> None:
    assert snils("001-001-998 47") == "00100199847"


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("112-233-445 96", "check sum"),
        ("1122334459", "11 digits"),
        ("112233445950", "11 digits"),
        ("11223344a95", "11 digits"),
        ("", "11 digits"),
    ],
)
def test_a_snils_that_is_not_one(written: str, reason: str) -> None:
    with pytest.raises(BadValue, match=reason):
        snils(written)
