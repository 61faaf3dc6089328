"""A login records a write position like any other write: a session's reads are at least as
new as its login, on a real primary and a streaming replica with replay paused. A session
opened outside a GraphQL login (an identity provider's callback) reads on the primary until
its first request records one."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ediary.domain import replicas
from ediary.domain.auth import token_digest
from tests.replicas.cluster import Cluster
from tests.replicas.conftest import TODAY
from tests.replicas.diary import Diary, demo_pupil, labelled, login
from tests.servers import Server
from tests.waiting import eventually


@pytest.fixture(scope="module")
async def diary(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Diary]:
    await eventually(cluster.replica_streams, within=60, what="the replica to stream")
    student, lesson = await demo_pupil(cluster)
    env = {
        "EDIARY_DATABASE_URL": cluster.primary_url,
        "EDIARY_DATABASE_REPLICA_URLS": cluster.replica_url,
        # Long enough that the paused replica stays in use for the whole of a check.
        "EDIARY_REPLICA_MAX_LAG_SECONDS": "30",
        "EDIARY_TODAY": TODAY,
    }
    folder: Path = tmp_path_factory.mktemp("login-position")
    async with Server(env, folder / "server.log") as server:
        found = Diary(
            server, cluster, {"teacher": await login(server.url, "teacher")}, student, lesson
        )
        await eventually(lambda: _fit(server.url), within=30, what="the server to see the replica")
        yield found


async def _fit(url: str) -> bool:
    return await labelled(url, "ediary_db_replicas", state="fit") == 1


async def _read_on(diary: Diary, where: str) -> float:
    return await labelled(diary.server.url, "ediary_replica_queries_total", read_on=where)


async def _write_lsn(diary: Diary, token: str) -> int | None:
    (row,) = await diary.cluster.sql(
        diary.cluster.primary_port,
        "SELECT write_lsn FROM login_session WHERE token_hash = $1",
        token_digest(token),
    )
    found: int | None = row["write_lsn"]
    return found


async def test_a_session_reads_what_was_committed_before_its_login(diary: Diary) -> None:
    await eventually(diary.cluster.caught_up, what="the replica to catch up")
    await diary.pause_replay()
    try:
        comment = await diary.post_mark()
        # Logged in after the mark, while the replica lacks it and the login's own session
        # row: the login kept the position past its commit, so the session's first reads
        # are on the primary, with the mark, and without an error.
        diary.tokens["parent"] = await login(diary.server.url, "parent")
        recorded = await _write_lsn(diary, diary.tokens["parent"])
        assert recorded is not None and recorded < replicas.UNRECORDED
        on_primary = await _read_on(diary, "primary")
        assert comment in await diary.comments("parent")
        assert await _read_on(diary, "primary") > on_primary
    finally:
        await diary.resume_replay()
    # Once the replica has replayed the login, the session reads there (a new mark, so that
    # the week is read again rather than served from the response cache).
    later = await diary.post_mark()
    await eventually(diary.cluster.caught_up, what="the replica to catch up")
    await asyncio.sleep(0.5)  # a poll or two of the server
    on_replica = await _read_on(diary, "replica")
    assert {comment, later} <= await diary.comments("parent")
    assert await _read_on(diary, "replica") > on_replica


async def test_a_session_opened_outside_a_login_mutation_reads_on_the_primary_first(
    diary: Diary,
) -> None:
    """As an HTTP route's login (`open_route_session`) leaves it: the row says UNRECORDED,
    which no replica has replayed, until the session's first request records a position."""
    await eventually(diary.cluster.caught_up, what="the replica to catch up")
    await diary.pause_replay()
    try:
        comment = await diary.post_mark()
        token = secrets.token_urlsafe(32)
        await diary.cluster.sql(
            diary.cluster.primary_port,
            """INSERT INTO login_session
                 (token_hash, user_id, kind, csrf_token, created_at, expires_at,
                  must_change_password, write_lsn)
               SELECT $1, id, 'bearer', '', now(), now() + interval '1 hour', false, $2
               FROM account WHERE login = 'parent'""",
            token_digest(token),
            replicas.UNRECORDED,
        )
        diary.tokens["routed"] = token
        on_primary = await _read_on(diary, "primary")
        assert comment in await diary.comments("routed")
        assert await _read_on(diary, "primary") > on_primary
        recorded = await _write_lsn(diary, token)
        assert recorded is not None and recorded < replicas.UNRECORDED
    finally:
        await diary.resume_replay()
