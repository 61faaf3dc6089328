"""Cell values as the diary keeps them: dates, SNILS, phones (E.164) and e-mail addresses."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from ediary_spreadsheet.sheets import Cell
from ediary_spreadsheet.values import BadValue, as_date, as_email, as_phone, as_snils

from ediary.domain.identity import snils_with_check_sum


@pytest.mark.parametrize(
    "written",
    [
        "01.09.2015",
        "1.9.2015",
        "01/09/2015",
        "2015-09-01",
        "01.09.2015 0:00:00",
        42248,
        datetime(2015, 9, 1),
        date(2015, 9, 1),
    ],
)
def test_dates_as_schools_write_them(written: Cell) -> None:
    assert as_date(written) == date(2015, 9, 1)


@pytest.mark.parametrize("written", ["31.02.2015", "вчера", "09.2015", "01.09.15"])
def test_what_is_not_a_date(written: str) -> None:
    with pytest.raises(BadValue):
        as_date(written)


def test_a_snils_stored_as_a_number_gets_its_zeros_back() -> None:
    assert as_snils(100199847) == "00100199847"
    assert as_snils("112-233-445 95") == "11223344595"
    assert as_snils(" ") is None
    with pytest.raises(BadValue, match="check sum"):
        as_snils(snils_with_check_sum("112233445")[:9] + "96")


@pytest.mark.parametrize(
    ("written", "phone"),
    [
        ("8 (917) 123-45-67", "+79171234567"),
        ("+7 917 123 45 67; 8-843-222-33-44", "+79171234567"),
        (89171234567, "+79171234567"),
        (9171234567.0, "+79171234567"),
        ("8 (843) 222-33-44", "+78432223344"),
        ("", None),
    ],
)
def test_phones_in_e164(written: Cell, phone: str | None) -> None:
    assert as_phone(written) == phone


@pytest.mark.parametrize("written", ["12-34", "нет", "+7 000"])
def test_what_is_not_a_phone(written: str) -> None:
    with pytest.raises(BadValue, match="not a phone"):
        as_phone(written)


def test_email_addresses() -> None:
    assert as_email(" Anna.Petrova@Mail.RU ") == "anna.petrova@mail.ru"
    assert as_email(None) is None
    with pytest.raises(BadValue):
        as_email("anna.petrova@mail")
