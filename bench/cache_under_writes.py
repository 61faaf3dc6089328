"""The response cache's hit rate for W1 while marks are written, in one process.

    .venv/bin/python -m bench.cache_under_writes [--parents 200] [--rounds 5] [--marks 10]

Uses the S data set (bench/gen.py) in its own database `ediary_cache_writes` (built on first
run, reused after). Parents of the first `--parents` students open their child's week in
turn (W1, as bench/profile_w1.py sends it), `--rounds` times; after every 100 requests
`--marks` marks are inserted in SQL from another connection for students drawn at random
from the whole school (as the side-by-side benchmark writes them for every server). The
first round fills the cache and is not counted. The same requests and writes run twice: with
answers kept per student (the server as it is) and with the coarse version only (as if
every document read something undeclared), and the hit rate of each is printed. In-process
and sequential: a figure of the cache's logic, not of a server under load.
"""

from __future__ import annotations

import argparse
import asyncio
import random
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
from strawberry.relay import to_base64

from bench.gen import ensure
from bench.profile_w1 import TODAY, W1, WEEK
from ediary.adapters.manager import load_plugins, model_apps
from ediary.app import create_app
from ediary.config import Settings
from ediary.db import close_database, migrate, open_database
from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session
from ediary.server.response_cache import ResponseCache

NAME = "ediary_cache_writes"


async def _families(count: int) -> list[tuple[str, str]]:
    """Bearer tokens of the parents of the first `count` students, with the student's ID."""
    found = []
    links = await models.Guardianship.all().order_by("student_id").limit(count)
    for link in links:
        parent = await models.User.get(id=link.parent_id)
        opened = await open_session(parent, SessionKind.BEARER, timedelta(hours=2))
        found.append((opened.token, to_base64("Student", link.student_id)))
    return found


async def _write_marks(writer: asyncpg.Connection, students: list[int], n: int) -> None:
    """`n` marks, each a copy of a mark of a random student, as a teacher's app adds them."""
    for student in random.sample(students, n):
        await writer.execute(
            "INSERT INTO mark (student_id, lesson_id, school_class_id, subject_id, term_id,"
            " date, value, weight, kind, comment, author_id, created_at, updated_at)"
            " SELECT student_id, lesson_id, school_class_id, subject_id, term_id, date,"
            " value, weight, kind, 'bench', author_id, now(), now()"
            " FROM mark WHERE student_id = $1 LIMIT 1",
            student,
        )


async def _run(
    url: str, families: list[tuple[str, str]], rounds: int, marks: int, fine: bool
) -> tuple[int, int]:
    """Hits and misses after the first round."""
    app = create_app(Settings(database_url=url, today=TODAY), manage_database=False)
    cache: ResponseCache = app.state.response_cache
    if not fine:
        cache.declared_reads = None
    writer = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    students = [
        int(r["student_id"]) for r in await writer.fetch("SELECT student_id FROM enrollment")
    ]
    random.seed(1)
    sent = 0
    hits = misses = 0
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for round_ in range(rounds):
                if round_ == 1:
                    hits, misses = cache.hits, cache.misses
                for token, student in families:
                    body: dict[str, Any] = {
                        "query": W1,
                        "variables": {"student": student, "week": WEEK},
                    }
                    answer = await client.post(
                        "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
                    )
                    assert answer.status_code == 200 and "errors" not in answer.json()
                    sent += 1
                    if sent % 100 == 0 and marks:
                        await _write_marks(writer, students, marks)
        return cache.hits - hits, cache.misses - misses
    finally:
        await writer.execute("DELETE FROM mark WHERE comment = 'bench'")
        await writer.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--parents", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--marks", type=int, default=10, help="marks per 100 requests")
    args = parser.parse_args()
    url, built = await ensure(args.server, NAME, "S")
    if built:
        # The build's own bookkeeping table came after its migration: give it its trigger,
        # or the cache would stay off.
        await migrate(url)
    await open_database(url, model_apps(load_plugins()))
    try:
        families = await _families(args.parents)
        for label, fine in (("per student", True), ("coarse only", False)):
            hits, misses = await _run(url, families, args.rounds, args.marks, fine)
            rate = hits / max(hits + misses, 1)
            print(
                f"{label:12} {args.marks} marks per 100 requests: {hits} hits, {misses} misses,"
                f" hit rate {rate:.0%}"
            )
    finally:
        await close_database()


if __name__ == "__main__":
    asyncio.run(main())
