"""The settings of read replicas and of the LISTEN address, as read from the environment."""

from __future__ import annotations

import pytest

from ediary.config import Settings
from ediary.db import replica_connection, tortoise_config

PRIMARY = "postgres://diary@db:5432/diary"


def test_replicas_are_read_comma_separated_with_their_lag_bound() -> None:
    found = Settings.from_env(
        {
            "EDIARY_DATABASE_URL": PRIMARY,
            "EDIARY_DATABASE_REPLICA_URLS": " postgres://r1/diary, ,postgres://r2/diary ",
            "EDIARY_REPLICA_MAX_LAG_SECONDS": "2.5",
            "EDIARY_LISTEN_DATABASE_URL": "postgres://diary@db-direct:5432/diary",
        }
    )
    assert found.database_replica_urls == ("postgres://r1/diary", "postgres://r2/diary")
    assert found.replica_max_lag_seconds == 2.5
    assert found.listen_database_url == "postgres://diary@db-direct:5432/diary"


def test_no_replicas_and_listen_on_the_database_by_default() -> None:
    found = Settings.from_env({"EDIARY_DATABASE_URL": PRIMARY})
    assert found.database_replica_urls == ()
    assert found.replica_max_lag_seconds == 5
    assert found.listen_database_url == ""


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EDIARY_DATABASE_REPLICA_URLS": "postgres://r1/diary"}, "postgres:// URLs"),
        (
            {"EDIARY_DATABASE_URL": PRIMARY, "EDIARY_DATABASE_REPLICA_URLS": "sqlite://r.db"},
            "postgres:// URLs",
        ),
        ({"EDIARY_REPLICA_MAX_LAG_SECONDS": "0"}, "must be > 0"),
    ],
)
def test_replica_settings_that_cannot_work_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env(env)


def test_a_replica_pool_is_set_as_the_primary_s() -> None:
    """Replicas' clients live outside Tortoise's connections, with the same pool settings
    (a release without asyncpg's reset round trip) and the URL's own parameters."""
    primary = tortoise_config(PRIMARY)["connections"]["default"]["credentials"]
    replica = replica_connection("postgres://diary@r1:6432/diary?statement_cache_size=0")
    assert replica["engine"] == "tortoise.backends.asyncpg"
    assert replica["credentials"]["reset"] is primary["reset"]
    assert replica["credentials"]["port"] == 6432
    assert replica["credentials"]["statement_cache_size"] == 0
