"""The app, a migrated scratch database and a GraphQL client come from `ediary.testing`."""

import pytest

from ediary_example import plugin

pytest_plugins = ["ediary.testing"]


@pytest.fixture(scope="session")
def ediary_plugins() -> list[object]:
    return [plugin]
