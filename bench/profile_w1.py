"""W1, the week diary a parent's app opens, measured and profiled in one process (and W2,
the class journal a teacher opens, with `--workload W2`).

    .venv/bin/python -m bench.profile_w1 [--reuse] [--requests 300] [--cached] [--profile]
        [--functions] [--workload W1|W2]

Builds the S data set (bench/gen.py) into `ediary_profile_w1` on the PostgreSQL server given
by --server, gives the first student a parent, and sends the W1 query as that parent through
the whole application (ASGI, no sockets) one request at a time: requests per second and the
SQL statements per request with the response cache off, then with `--cached` on (every
request after the first is answered from memory). `--profile` prints a pyinstrument profile
of the uncached requests instead. With `--workload W2`, the teacher of the first teaching
assignment opens the journal of that class and subject for the first term
(bench/queries/w2_ediary.graphql). One process and no network: this shows where a request's
time goes, not what a server under wrk sustains.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from starlette.applications import Starlette
from strawberry.relay import to_base64
from tortoise import connections

from bench.gen import build
from bench.side_by_side import cpu_seconds
from ediary.adapters.manager import load_plugins, model_apps
from ediary.app import create_app
from ediary.config import Settings
from ediary.db import close_database, count_statements, open_database
from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import Role
from ediary.server import collector

NAME = "ediary_profile_w1"
WEEK = "2026-W40"
TODAY = date(2026, 10, 2)

W1 = """
query WeekDiary($student: ID!, $week: Week!) {
  diary(studentId: $student, week: $week) {
    week
    days {
      date
      lessons {
        lesson {
          period bell { startsAt endsAt } subject { name } teacher { shortName }
          substituteTeacher { shortName } room scheduledRoom topic status changeNote
        }
        homework { text dueOn }
        marks { value weight kind comment }
        attendance { kind minutesLate excused }
      }
    }
    termAverages { subject { name } average forecast }
  }
}
"""


async def _parent_token() -> tuple[str, str]:
    """A bearer token of a parent of the first student, and the student's global ID."""
    student = await models.User.filter(login="s1-c0-0").first()
    assert student is not None, "the S data set is not there: run without --reuse"
    parent = await models.User.get_or_none(login="w1-parent")
    if parent is None:
        parent = await models.User.create(login="w1-parent", last_name="Parent", first_name="W1")
        grant = await models.RoleGrant.filter(user_id=student.id).first()
        assert grant is not None
        await models.RoleGrant.create(user=parent, role=Role.PARENT, school_id=grant.school_id)
        await models.Guardianship.create(parent=parent, student=student)
    opened = await open_session(parent, SessionKind.BEARER, timedelta(hours=1))
    return opened.token, to_base64("Student", student.id)


W2 = (Path(__file__).parent / "queries" / "w2_ediary.graphql").read_text()


async def _teacher_token() -> tuple[str, dict[str, str]]:
    """A bearer token of the teacher of the first teaching assignment, and the variables of
    the journal of that class and subject for the first term."""
    assignment = await models.TeachingAssignment.all().order_by("id").first()
    assert assignment is not None, "the S data set is not there: run without --reuse"
    school_class = await models.SchoolClass.get(id=assignment.school_class_id)
    term = await models.Term.get(academic_year_id=school_class.academic_year_id, number=1)
    teacher = await models.User.get(id=assignment.teacher_id)
    opened = await open_session(teacher, SessionKind.BEARER, timedelta(hours=1))
    return opened.token, {
        "class": to_base64("SchoolClass", school_class.id),
        "subject": to_base64("Subject", assignment.subject_id),
        "term": to_base64("Term", term.id),
    }


@dataclasses.dataclass
class Figures:
    rate: float  # requests per second, wall clock
    cpu_ms: float  # this process's CPU time per request: steadier on a shared machine
    statements: int
    # CPU of the PostgreSQL backends serving this database per request, when the server runs
    # on this machine (read from /proc); None otherwise.
    database_cpu_ms: float | None = None
    # The lowest CPU time per request over batches of BATCH requests: other work on a shared
    # machine slows every instruction down, and the quietest stretch shows it least.
    best_cpu_ms: float | None = None


BATCH = 25


async def _loop(app: Starlette, token: str, body: dict[str, Any], requests: int) -> Figures:
    """Figures of one request (query and variables) sent again and again, one at a time."""
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        first = await client.post("/graphql", json=body, headers=headers)
        assert first.status_code == 200 and "errors" not in first.json(), first.text
        # Counted apart: the counter turns Tortoise's statement logging on, which costs.
        with count_statements() as count:
            await client.post("/graphql", json=body, headers=headers)
        backends = await _backends()
        database = _cpu_seconds(backends)
        batches: list[float] = []
        started, cpu = time.perf_counter(), time.process_time()
        for number in range(requests):
            if number % BATCH == 0:
                batches.append(time.process_time())
            await client.post("/graphql", json=body, headers=headers)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        database = _cpu_seconds(backends) - database
    database_ms = database * 1000 / requests if backends else None
    ends = [*batches[1:], batches[0] + cpu]
    full = [end - start for start, end in zip(batches, ends, strict=True)][: requests // BATCH]
    best = min(full) * 1000 / BATCH if full else cpu * 1000 / requests
    return Figures(requests / elapsed, cpu * 1000 / requests, count.value, database_ms, best)


async def _backends() -> list[int]:
    """Process ids of the PostgreSQL backends connected to this database, if they run here."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    )
    return _here([r["pid"] for r in rows])


def _here(pids: list[int]) -> list[int]:
    return [pid for pid in pids if Path(f"/proc/{pid}/stat").exists()]


def _cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def _settings(url: str, cache: bool) -> Settings:
    settings = Settings(database_url=url, today=TODAY)
    if not cache and "response_cache_bytes" in {f.name for f in dataclasses.fields(Settings)}:
        settings = dataclasses.replace(settings, response_cache_bytes=0)
    return settings


def _report(workload: str, label: str, figures: Figures) -> None:
    database = (
        f", {figures.database_cpu_ms:5.2f} ms of PostgreSQL's"
        if figures.database_cpu_ms is not None
        else ""
    )
    print(
        f"{workload} {label:9} {figures.rate:7.1f} requests/s,"
        f" {figures.cpu_ms:6.2f} ms CPU a request"
        f" (best {BATCH}: {figures.best_cpu_ms:.2f}){database},"
        f" {figures.statements} SQL statements a request"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--reuse", action="store_true", help="use the database built before")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile")
    parser.add_argument(
        "--functions",
        action="store_true",
        help="print the functions that spend the most CPU themselves (cProfile), not a tree",
    )
    parser.add_argument("--cached", action="store_true", help="also measure with the cache on")
    parser.add_argument("--workload", choices=("W1", "W2"), default="W1")
    args = parser.parse_args()
    url = f"{args.server.rpartition('/')[0]}/{NAME}"
    if not args.reuse:
        url = await build(args.server, NAME, "S")
    else:
        probe = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        await probe.close()
    apps = model_apps(load_plugins())
    await open_database(url, apps)
    # Earlier runs within the hour spent the hourly query budget of the same parent and
    # teacher; this database is the benchmark's own, so each run starts with it full.
    await models.QueryBudget.all().delete()
    try:
        body: dict[str, Any]
        if args.workload == "W2":
            token, variables = await _teacher_token()
            body = {"query": W2, "variables": variables}
        else:
            token, student = await _parent_token()
            body = {"query": W1, "variables": {"student": student, "week": WEEK}}
        uncached = create_app(_settings(url, cache=False), manage_database=False)
        # What `ediary serve` does once a worker has started (no lifespan runs here).
        collector.tune()
        if args.profile:
            from pyinstrument import Profiler

            with Profiler(async_mode="enabled") as profiler:
                await _loop(uncached, token, body, args.requests)
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            return
        if args.functions:
            import cProfile
            import pstats

            # pyinstrument's tree shows wall time, awaits on the database included; this
            # shows where the CPU itself goes, function by function.
            with cProfile.Profile() as functions:
                await _loop(uncached, token, body, args.requests)
            pstats.Stats(functions).sort_stats("tottime").print_stats(40)
            return
        _report(args.workload, "uncached:", await _loop(uncached, token, body, args.requests))
        if args.cached:
            cached = create_app(_settings(url, cache=True), manage_database=False)
            _report(args.workload, "cached:", await _loop(cached, token, body, args.requests))
    finally:
        await close_database()


if __name__ == "__main__":
    asyncio.run(main())
