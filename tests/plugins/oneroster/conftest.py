"""Each OneRoster test imports into a database of its own, so counts start from nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ediary.db import PluginApps, close_database, migrate, open_database
from ediary.domain.reach import Reach
from tests.conftest import BACKEND, _fresh_database_url

DATA = Path(__file__).parent / "data"
# The operator importing the hand-made sets: the regions of their two districts.
OPERATOR = Reach(actor_id=None, regions=frozenset({"or-77", "or-12"}), label="operator")


@pytest.fixture
async def fresh(database: str, plugin_apps: PluginApps, tmp_path: Path) -> AsyncIterator[str]:
    """A new, migrated, empty database for the test; the shared one is back afterwards."""
    url, drop = await _fresh_database_url(BACKEND, tmp_path)
    await close_database()
    await migrate(url, plugin_apps)
    await open_database(url, plugin_apps)
    try:
        yield url
    finally:
        await close_database()
        await drop()
        await open_database(database, plugin_apps)
