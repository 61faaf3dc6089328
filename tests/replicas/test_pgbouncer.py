"""ediary behind PgBouncer in transaction pooling mode (Debian's pgbouncer, no prepared
statements of its own): logins, a mark posted, the week read and a live update, with the
LISTEN connection on the primary directly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.pooler import transactions_through
from tests.replicas.cluster import DATABASE, Cluster
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


async def test_login_mark_week_and_live_update_through_pgbouncer(pooled: Diary) -> None:
    before = transactions_through(pooled.cluster.bouncer_url, DATABASE)
    async with subscription(
        pooled.server, pooled.tokens["parent"], UPDATES, {"student": pooled.student}
    ) as ws:
        comment = await pooled.post_mark()
        update = (await next_payload(ws))["diaryUpdates"]
    assert update["mark"]["comment"] == comment
    assert comment in await pooled.comments("parent")
    assert comment in await pooled.comments("teacher")
    # The requests' statements went through the pooler, not around it.
    assert transactions_through(pooled.cluster.bouncer_url, DATABASE) > before
    # Readiness reads the applied migrations through the pooler too.
    async with httpx.AsyncClient(timeout=10) as client:
        assert (await client.get(f"{pooled.server.url}/readyz")).status_code == 200
