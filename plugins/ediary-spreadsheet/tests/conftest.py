"""The app, a migrated scratch database and the small world come from `ediary.testing`, with
the spreadsheet plugin loaded."""

import pytest
from ediary_spreadsheet import plugin

pytest_plugins = ["ediary.testing"]


@pytest.fixture(scope="session")
def ediary_plugins() -> list[object]:
    return [plugin]
