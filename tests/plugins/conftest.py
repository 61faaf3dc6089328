"""Hook tests: a test marked `@pytest.mark.hook("name")` must see its probe plugin's
implementation of that hook called, or it fails at teardown."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from ediary.db import PluginApps, close_database, migrate, open_database
from tests.conftest import BACKEND, _fresh_database_url


@pytest.fixture
def calls(request: pytest.FixtureRequest) -> Iterator[set[str]]:
    """Hook names the test's probe plugins were called for."""
    called: set[str] = set()
    yield called
    marker = request.node.get_closest_marker("hook")
    if marker is not None:
        missing = set(marker.args) - called
        assert not missing, f"the test never got the hook {sorted(missing)} called"


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
