"""The local portal, started once for the session (see portal_process.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from portal_process import LocalPortal, running_portal


@pytest.fixture(scope="session")
def local_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPortal]:
    with running_portal(tmp_path_factory.mktemp("local-portal") / "portal.log") as portal:
        yield portal
