"""Settings from the EDIARY_TATARSTAN_* variables: defaults, and a clear error for a bad one."""

from __future__ import annotations

from fractions import Fraction

import pytest
from ediary_tatarstan.settings import TatarstanSettings


def test_defaults_offer_no_login_until_a_client_is_registered() -> None:
    settings = TatarstanSettings.from_env({})

    assert settings == TatarstanSettings()
    assert (settings.portal_url, settings.region, settings.timeout) == (
        "https://edu.tatar.ru",
        "16",
        10.0,
    )
    assert settings.round_up_from == Fraction(3, 5)
    assert not settings.configured


def test_every_variable_is_read() -> None:
    settings = TatarstanSettings.from_env(
        {
            "EDIARY_TATARSTAN_PORTAL_URL": " http://127.0.0.1:9000/ ",
            "EDIARY_TATARSTAN_CLIENT_ID": "ediary-16",
            "EDIARY_TATARSTAN_CLIENT_SECRET": "s3cret",
            "EDIARY_TATARSTAN_REGION": "16",
            "EDIARY_TATARSTAN_TIMEOUT": "2.5",
            "EDIARY_TATARSTAN_ROUND_UP_FROM": "1/2",
            "EDIARY_MOSCOW_REGION": "77",
        }
    )

    assert settings == TatarstanSettings(
        portal_url="http://127.0.0.1:9000",
        client_id="ediary-16",
        client_secret="s3cret",
        region="16",
        timeout=2.5,
        round_up_from=Fraction(1, 2),
    )
    assert settings.configured


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIMEOUT", "ten"),
        ("TIMEOUT", "0"),
        ("TIMEOUT", "nan"),
        ("TIMEOUT", "1000"),
        ("PORTAL_URL", "edu.tatar.ru"),
        ("REGION", " "),
        ("ROUND_UP_FROM", "0"),
        ("ROUND_UP_FROM", "1.5"),
        ("ROUND_UP_FROM", "six tenths"),
        ("ROUND_UP_FROM", "1/0"),
    ],
)
def test_a_bad_value_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"EDIARY_TATARSTAN_{name}"):
        TatarstanSettings.from_env({f"EDIARY_TATARSTAN_{name}": value})
