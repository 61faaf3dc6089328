"""Hook tests: a test marked `@pytest.mark.hook("name")` must see its probe plugin's
implementation of that hook called, or it fails at teardown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def calls(request: pytest.FixtureRequest) -> Iterator[set[str]]:
    """Hook names the test's probe plugins were called for."""
    called: set[str] = set()
    yield called
    marker = request.node.get_closest_marker("hook")
    if marker is not None:
        missing = set(marker.args) - called
        assert not missing, f"the test never got the hook {sorted(missing)} called"
