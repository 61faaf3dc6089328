"""ediary behind PgBouncer in transaction pooling mode (Debian's pgbouncer, no prepared
statements of its own): logins, a mark posted, the week read and a live update, with the
LISTEN connection on the primary directly."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.replicas.cluster import Cluster
from tests.replicas.conftest import TODAY
from tests.replicas.diary import Diary, demo_pupil, login
from tests.servers import Server, next_payload, subscription

UPDATES = """
subscription($student: ID!) { diaryUpdates(studentId: $student) { kind mark { comment } } }
"""


@pytest.fixture(scope="module")
async def pooled(
    cluster: Cluster, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Diary]:
    student, lesson = await demo_pupil(cluster)
    env = {
        "EDIARY_DATABASE_URL": cluster.bouncer_url,
        # LISTEN holds a session: PgBouncer in transaction mode would hand it to others.
        "EDIARY_LISTEN_DATABASE_URL": cluster.primary_url,
        "EDIARY_TODAY": TODAY,
    }
    folder: Path = tmp_path_factory.mktemp("pgbouncer")
    async with Server(env, folder / "server.log") as server:
        tokens = {who: await login(server.url, who) for who in ("parent", "teacher")}
        yield Diary(server, cluster, tokens, student, lesson)


def _transactions_through_bouncer(cluster: Cluster) -> int:
    """Transactions PgBouncer has passed to the diary's database (its admin console)."""
    console = ["-h", "127.0.0.1", "-p", str(cluster.bouncer_port), "-U", "postgres"]
    shown = subprocess.run(
        ["psql", *console, "-d", "pgbouncer", "-At", "-F", "|", "-c", "SHOW STATS"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = shown.stdout.splitlines()
    for line in lines:
        fields = line.split("|")
        if fields[0] == "diary":
            return int(fields[1])
    return 0


async def test_login_mark_week_and_live_update_through_pgbouncer(pooled: Diary) -> None:
    before = _transactions_through_bouncer(pooled.cluster)
    async with subscription(
        pooled.server, pooled.tokens["parent"], UPDATES, {"student": pooled.student}
    ) as ws:
        comment = await pooled.post_mark()
        update = (await next_payload(ws))["diaryUpdates"]
    assert update["mark"]["comment"] == comment
    assert comment in await pooled.comments("parent")
    assert comment in await pooled.comments("teacher")
    # The requests' statements went through the pooler, not around it.
    assert _transactions_through_bouncer(pooled.cluster) > before
    # Readiness reads the applied migrations through the pooler too.
    async with httpx.AsyncClient(timeout=10) as client:
        assert (await client.get(f"{pooled.server.url}/readyz")).status_code == 200
