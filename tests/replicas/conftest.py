"""The cluster (primary, streaming replica, PgBouncer) and a demo school in it, for the tests
of this package; they run in the PostgreSQL pass only."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

from tests.conftest import BACKEND
from tests.replicas.cluster import DATABASE, Cluster, running_cluster
from tests.servers import EDIARY

# Writes are checked against the current term: the demo school is built as of this Wednesday
# and the servers pretend it is today.
TODAY = "2026-11-25"


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    if BACKEND != "postgres":
        pytest.skip("runs in the PostgreSQL pass")
    with running_cluster() as found:
        port = str(found.primary_port)
        subprocess.run(
            [found.bindir / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "postgres", DATABASE],
            check=True,
            capture_output=True,
        )
        env = {**os.environ, "EDIARY_DATABASE_URL": found.primary_url}
        for command in (["migrate"], ["demo", "--today", TODAY]):
            done = subprocess.run(
                [EDIARY, *command], env=env, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, done.stderr
        yield found
