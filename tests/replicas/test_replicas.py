"""Reads on a streaming replica, with read-your-writes, against a real primary and replica:
the parent's week is read on the replica (seen by its lag while replay is paused), the
teacher who posted a mark reads it at once, a replica stopped or lagging past the bound is
left out with no error, and one started again serves again."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.replicas.cluster import Cluster
from tests.replicas.conftest import TODAY
from tests.replicas.diary import Diary, demo_pupil, labelled, login
from tests.servers import Server, metric
from tests.waiting import eventually

# Small enough to see a replica left out for lag within a test, large enough that a paused
# replica still serves for the few requests that prove it does.
MAX_LAG = 4.0


def _env(cluster: Cluster) -> dict[str, str]:
    return {
        "EDIARY_DATABASE_URL": cluster.primary_url,
        "EDIARY_DATABASE_REPLICA_URLS": cluster.replica_url,
        "EDIARY_REPLICA_MAX_LAG_SECONDS": str(MAX_LAG),
        "EDIARY_TODAY": TODAY,
    }


@pytest.fixture(scope="module")
async def diary(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Diary]:
    await eventually(cluster.replica_streams, within=60, what="the replica to stream")
    student, lesson = await demo_pupil(cluster)
    folder: Path = tmp_path_factory.mktemp("replicas")
    async with Server(_env(cluster), folder / "server.log") as server:
        tokens = {who: await login(server.url, who) for who in ("parent", "teacher")}
        found = Diary(
            server,
            cluster,
            tokens,
            student,
            lesson,
        )
        await eventually(cluster.caught_up, what="the replica to catch up")
        yield found


async def _reads_on_replica(diary: Diary) -> None:
    """With replay paused, a mark the teacher posts is missing from the parent's week (read
    on the replica) and present in the teacher's (who wrote it: read on the primary)."""
    url = diary.server.url
    await diary.pause_replay()
    try:
        comment = await diary.post_mark()
        on_primary = await labelled(url, "ediary_replica_queries_total", read_on="primary")
        assert comment in await diary.comments("teacher")
        assert await labelled(url, "ediary_replica_queries_total", read_on="primary") > on_primary
        on_replica = await labelled(url, "ediary_replica_queries_total", read_on="replica")
        assert comment not in await diary.comments("parent")
        assert await labelled(url, "ediary_replica_queries_total", read_on="replica") > on_replica
    finally:
        await diary.resume_replay()
    # Replayed: the replica has it too, and serves the parent again.
    await eventually(
        lambda: _sees(diary, "parent", comment), what="the parent to see the mark on the replica"
    )


async def _sees(diary: Diary, who: str, comment: str) -> bool:
    return comment in await diary.comments(who)


async def test_reads_on_the_replica_and_the_writer_reads_its_own_write(diary: Diary) -> None:
    await _reads_on_replica(diary)


async def test_read_your_writes_holds_on_another_server(
    diary: Diary, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The session's write position is kept on its row, not in the server that took the
    write: a second server, sharing only the database, reads the teacher's mark on the
    primary while the replica lacks it, and the parent's week on the replica."""
    folder: Path = tmp_path_factory.mktemp("replicas-other")
    async with Server(_env(diary.cluster), folder / "server.log") as server:
        other = dataclasses.replace(diary, server=server)
        await eventually(lambda: _replicas(other, "fit", 1), what="the server to see the replica")
        await diary.pause_replay()
        try:
            comment = await diary.post_mark()  # through the first server
            assert comment in await other.comments("teacher")
            assert comment not in await other.comments("parent")
        finally:
            await diary.resume_replay()


async def test_an_answer_read_on_a_replica_that_has_the_version_is_kept(diary: Diary) -> None:
    await eventually(diary.cluster.caught_up, what="the replica to catch up")
    await asyncio.sleep(0.5)  # a poll or two of the server
    comment = await diary.post_mark()
    await eventually(diary.cluster.caught_up, what="the replica to catch up")
    stored = await metric(diary.server.url, "ediary_response_cache_stores_total")
    await diary.pause_replay()
    try:
        # Read on the replica (the parent has written nothing), which has every version:
        # kept, and served again as it was.
        assert comment in await diary.comments("parent")
        assert await metric(diary.server.url, "ediary_response_cache_stores_total") > stored
        assert comment in await diary.comments("parent")
    finally:
        await diary.resume_replay()


async def test_the_writer_reads_on_the_replica_once_it_has_replayed_the_write(
    diary: Diary,
) -> None:
    comment = await diary.post_mark()
    await eventually(diary.cluster.caught_up, what="the replica to catch up")
    await asyncio.sleep(0.5)  # a poll or two of the server
    await diary.pause_replay()
    try:
        # Changed behind the API's back, on the primary only while replay is paused: the
        # teacher, whose own write the replica has, reads the replica's older comment.
        changed = f"{comment} changed"
        await diary.cluster.sql(
            diary.cluster.primary_port,
            "UPDATE mark SET comment = $1 WHERE comment = $2",
            changed,
            comment,
        )
        seen = await diary.comments("teacher")
        assert comment in seen and changed not in seen
    finally:
        await diary.resume_replay()
    await eventually(lambda: _sees(diary, "teacher", changed), what="the change replayed")


async def test_a_replica_lagging_past_the_bound_is_left_out(diary: Diary) -> None:
    await diary.pause_replay()
    try:
        comment = await diary.post_mark()
        assert comment not in await diary.comments("parent")
        await asyncio.sleep(MAX_LAG + 1)
        # Past the bound: the parent's reads are on the primary, with no error.
        assert comment in await diary.comments("parent")
    finally:
        await diary.resume_replay()


async def test_a_stopped_replica_is_left_out_and_used_again_once_started(diary: Diary) -> None:
    diary.cluster.stop_replica()
    try:
        # Every read answers, from the moment it stops: on the primary, which has every mark.
        for _ in range(10):
            comment = await diary.post_mark()
            assert comment in await diary.comments("parent")
        await eventually(lambda: _replicas(diary, "left_out", 1), what="the replica left out")
    finally:
        diary.cluster.start_replica()
    await eventually(diary.cluster.replica_streams, within=60, what="the replica to stream")
    await eventually(diary.cluster.caught_up, what="the replica to catch up")
    await eventually(lambda: _replicas(diary, "fit", 1), what="the server to see the replica")
    await _reads_on_replica(diary)


async def _replicas(diary: Diary, state: str, count: int) -> bool:
    return await labelled(diary.server.url, "ediary_db_replicas", state=state) == count
