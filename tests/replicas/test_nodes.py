"""Three `ediary serve` nodes sharing nothing but the database (a primary through PgBouncer,
a streaming replica): a login through one is a session on all, a mark posted through a second
reaches a parent subscribed on the third, the writer reads its own mark on any node while the
replica lags, the hourly budget is one across nodes, and a logout through one ends the
session on the others, its WebSocket included."""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.replicas.cluster import Cluster
from tests.replicas.conftest import TODAY
from tests.replicas.diary import Diary, demo_pupil, labelled, login
from tests.servers import Server, closed_by_server, next_payload, subscription
from tests.waiting import eventually

UPDATES = """
subscription($student: ID!) { diaryUpdates(studentId: $student) { kind mark { comment } } }
"""
BUDGET = "query Budget { rateLimit { cost remaining } }"
VIEWER = "query Who { viewer { login } }"
LOGOUT = "mutation Bye { logout { ok } }"


@dataclasses.dataclass
class Nodes:
    servers: tuple[Server, Server, Server]
    cluster: Cluster
    student: str
    lesson: str

    def diary(self, node: int, **tokens: str) -> Diary:
        """The demo school as seen through one node, with these sessions."""
        return Diary(self.servers[node], self.cluster, tokens, self.student, self.lesson)


@pytest.fixture(scope="module")
async def nodes(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Nodes]:
    await eventually(cluster.replica_streams, within=60, what="the replica to stream")
    student, lesson = await demo_pupil(cluster)
    env = {
        # The production layout: the primary through PgBouncer in transaction mode, LISTEN on
        # the primary directly (it holds a session), the replica directly.
        "EDIARY_DATABASE_URL": cluster.bouncer_url,
        "EDIARY_LISTEN_DATABASE_URL": cluster.primary_url,
        "EDIARY_DATABASE_REPLICA_URLS": cluster.replica_url,
        # Long enough that the paused replica stays in use for the whole of a check.
        "EDIARY_REPLICA_MAX_LAG_SECONDS": "30",
        "EDIARY_TODAY": TODAY,
        # A session ended must close WebSockets by notice between nodes, not by the sweep.
        "EDIARY_WS_SESSION_CHECK_SECONDS": "600",
    }
    folder: Path = tmp_path_factory.mktemp("nodes")
    async with (
        Server(env, folder / "a.log") as a,
        Server(env, folder / "b.log") as b,
        Server(env, folder / "c.log") as c,
    ):
        for server in (a, b, c):
            await eventually(functools.partial(_fit, server.url), what="a node to see the replica")
        yield Nodes((a, b, c), cluster, student, lesson)


async def _fit(url: str) -> bool:
    return await labelled(url, "ediary_db_replicas", state="fit") == 1


async def _post(server: Server, query: str, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{server.url}/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {token}"},
        )
    answer: dict[str, Any] = response.json()
    return answer


async def test_login_on_one_node_write_on_another_subscribe_on_a_third(nodes: Nodes) -> None:
    a, _, c = nodes.servers
    teacher = await login(a.url, "teacher")
    parent = await login(a.url, "parent")
    await eventually(nodes.cluster.caught_up, what="the replica to catch up")
    written = nodes.diary(1, teacher=teacher)
    await written.pause_replay()
    try:
        async with subscription(c, parent, UPDATES, {"student": nodes.student}) as ws:
            # The teacher's session, opened through the first node, writes through the second.
            comment = await written.post_mark()
            update = (await next_payload(ws))["diaryUpdates"]
        assert update == {"kind": "MARK_POSTED", "mark": {"comment": comment}}
        # The second node kept the write's position on the session's row: the third reads the
        # teacher's week on the primary, while the parent's is read on the replica, which has
        # not replayed the mark.
        assert comment in await nodes.diary(2, teacher=teacher).comments("teacher")
        assert comment not in await nodes.diary(0, parent=parent).comments("parent")
    finally:
        await written.resume_replay()
    await eventually(
        lambda: _sees(nodes.diary(0, parent=parent), comment), what="the mark replayed"
    )


async def _sees(diary: Diary, comment: str) -> bool:
    return comment in await diary.comments("parent")


async def test_the_hourly_budget_is_one_across_nodes(nodes: Nodes) -> None:
    teacher = await login(nodes.servers[0].url, "teacher")
    left = []
    for server in nodes.servers:
        answer = await _post(server, BUDGET, teacher)
        assert "errors" not in answer, answer
        budget = answer["data"]["rateLimit"]
        left.append((budget["cost"], budget["remaining"]))
    # Each node charges the account's one budget, so each sees what the others charged.
    for (_, before), (cost, after) in itertools.pairwise(left):
        assert after == before - cost


async def test_a_logout_through_one_node_ends_the_session_on_the_others(nodes: Nodes) -> None:
    a, b, c = nodes.servers
    parent = await login(a.url, "parent")
    assert (await _post(c, VIEWER, parent))["data"] == {"viewer": {"login": "parent"}}
    async with subscription(c, parent, UPDATES, {"student": nodes.student}) as ws:
        answer = await _post(b, LOGOUT, parent)
        assert answer["data"] == {"logout": {"ok": True}}, answer
        # The third node learns it by notice, not by its sweep (ten minutes away).
        code, reason, received = await closed_by_server(ws, within=5)
    assert (code, reason, received) == (4401, "Session ended: logged out.", [])
    for server in (a, c):
        refused = await _post(server, VIEWER, parent)
        assert refused["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED", refused
