"""The app, a migrated scratch database and a GraphQL client come from `ediary.testing`, with
the plugin's settings at the local portal, which runs in its own process for the session (see
portal_process.py)."""

from dataclasses import replace

import pytest
from ediary_tatarstan import plugin
from portal_process import LocalPortal, local_portal

from ediary.config import Settings

pytest_plugins = ["ediary.testing"]
__all__ = ["local_portal"]  # a fixture of the region's test portal, used by name


@pytest.fixture(scope="session")
def ediary_plugins() -> list[object]:
    return [plugin]


@pytest.fixture(scope="session")
def region_code() -> str:
    return "16"


@pytest.fixture(scope="session")
def settings(settings: Settings, local_portal: LocalPortal) -> Settings:
    return replace(settings, extra={**settings.extra, **local_portal.client_settings})
