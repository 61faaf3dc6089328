"""Committed migrations describe the models exactly, and apply on an empty database."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from ediary.db import APP_LABEL, tortoise_config


async def test_models_need_no_new_migration(database: str) -> None:
    # The session's database was built by running the migrations; now compare code to them.
    config = tortoise_config(database)
    detector = MigrationAutodetector(Tortoise.apps, config["apps"])
    changes = await detector.changes()
    assert changes == [], f"run `tortoise makemigrations` ({APP_LABEL}): models changed"
