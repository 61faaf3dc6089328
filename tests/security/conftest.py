"""Fixtures of the trust-boundary tests."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ediary.app import create_app
from ediary.config import Settings
from ediary.db import PluginApps, close_database, migrate, open_database
from ediary_oneroster.models import SourceLink
from tests.conftest import BACKEND, GraphQLClient, _fresh_database_url
from tests.security.imports import Island
from tests.world import build_world


@pytest.fixture
async def island(
    database: str, plugin_apps: PluginApps, settings: Settings, tmp_path: Path
) -> AsyncIterator[Island]:
    url, drop = await _fresh_database_url(BACKEND, tmp_path)
    await close_database()
    await migrate(url, plugin_apps)
    await open_database(url, plugin_apps)
    try:
        world = await build_world()
        # School A was imported from its region's OneRoster export: its people have links.
        for kind, sid, obj in (
            ("district", "a-district", world.objects["region"]),
            ("org", "a-school", world.objects["school_A"]),
            ("user", "a-teacher", world.users["math_teacher"]),
            ("user", "a-student", world.users["student"]),
            ("user", "b-teacher", world.users["other_school_teacher"]),
        ):
            await SourceLink.create(kind=kind, sourced_id=sid, core_id=obj.pk)
        sets = tmp_path / "sets"
        sets.mkdir()
        extra = {**settings.extra, "EDIARY_IMPORT_DIR": str(sets)}
        app = create_app(dataclasses.replace(settings, extra=extra), manage_database=False)
        yield Island(url, world, GraphQLClient(app, world), sets)
    finally:
        await close_database()
        await drop()
        await open_database(database, plugin_apps)
