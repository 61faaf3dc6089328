"""Committed migrations describe the models exactly, and apply on an empty database."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from ediary.db import PluginApps, tortoise_config


async def test_models_need_no_new_migration(database: str, plugin_apps: PluginApps) -> None:
    # The session's database was built by running the migrations; now compare code to them.
    # Installed plugins' apps are checked too.
    config = tortoise_config(database, plugin_apps)
    detector = MigrationAutodetector(Tortoise.apps, config["apps"])
    changes = await detector.changes()
    labels = sorted({change.app_label for change in changes})
    assert changes == [], f"run `tortoise makemigrations` for {labels}: models changed"
