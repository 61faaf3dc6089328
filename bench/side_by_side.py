"""W1 (week diary), W2 (class journal) and W6 (W1 while teachers post marks) side by side:
ediary, the limit and PostGraphile.

    .venv/bin/python -m bench.side_by_side [--sizes S,L] [--rounds 3] [--duration 10]
        [--connections 16] [--workers 2] [--picks 200] [--workloads W1,W2,W6] [--rates 1,10]

A size is S, M or L (bench/gen.py), or one of them followed by a digit: that many earlier
academic years in the database (S5, L5), to see whether the reads stay flat as years pile up.
For each size: the database is built by `bench.gen` (or reused when a complete build with the
same parameters is there), bench/postgraphile/functions.sql is loaded into its bench-only
schema, bearer sessions are opened for the parents and teachers of the picked requests, and the
three servers are started on the same database with the same number of processes:

- ediary as deployed: `ediary serve --workers N`;
- the limit: bench/limit.py under `uvicorn --workers N`, one SQL statement per request;
- PostGraphile 4 (bench/postgraphile, `npm ci` on first use) with `--cluster-workers N`.

Before anything is measured, every picked request is sent to each server and the answers are
compared: the limit's JSON must equal ediary's, and PostGraphile's, put into ediary's shape by
a few lines of client code, must hold the same data. Then wrk (Debian package `wrk`) sends the
requests of a Lua script that walks through the picks, in rounds that interleave the servers
and workloads, at the same concurrency. W6 runs W1's script again while a writer gives marks at
each rate of `--rates` (bench/write_mix.py): through ediary's API, by SQL for the others.
Figures go to bench/results/side-by-side.md and .json (another name with `--results-name`).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
from strawberry.relay import to_base64

from bench import write_mix
from bench.gen import SIZES, TERM_1, YEAR, database_url, ensure, parse_size

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
QUERIES = ROOT / "queries"
RESULTS = ROOT / "results"
POSTGRAPHILE = ROOT / "postgraphile"
# ediary twice: as deployed (its response cache on) and with the cache off, so the run shows
# what the cache buys and what GraphQL execution alone costs.
SERVERS = ("ediary", "ediary-uncached", "limit", "postgraphile")
# The read-only workloads; W6 reads as W1 does while marks are written (bench/write_mix.py).
WORKLOADS = ("W1", "W2")
W6 = "W6"
PORTS = {"ediary": 18101, "limit": 18102, "postgraphile": 18103, "ediary-uncached": 18104}
# The weeks of the generated first term (1 September to 30 October 2026).
WEEKS = [f"2026-W{n}" for n in range(36, 45)]
# ediary's today during the run: the first term's last day. Teachers may give marks only in
# the current term, so W6's marks for the term's lessons need it; it also keeps the answers
# (a parent's look-back window, forecasts) from depending on the day the run is made.
TODAY = TERM_1[1]


@dataclass(frozen=True)
class Pick:
    """One request of a workload: its variables for each server and its bearer token."""

    token: str
    ediary: dict[str, Any]
    postgraphile: dict[str, Any]


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Round:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0
    # CPU time per request of the server's processes, and of the PostgreSQL backends
    # connected to the benchmark's database (both read from /proc, so PostgreSQL must run on
    # this machine; None otherwise).
    server_cpu_ms: float | None = None
    database_cpu_ms: float | None = None


@dataclass(kw_only=True)
class WriteRound(Round):
    """A round of W6: W1's figures, the marks written beside them and, for ediary, the
    response cache's lookups during the round (None for servers without one)."""

    marks_planned_per_second: float
    marks_per_second: float
    marks_written: int
    mark_p50_ms: float
    cache_hits: int | None
    cache_misses: int | None


AnyRound = TypeVar("AnyRound", bound=Round)


@dataclass
class SizeResult:
    size: str
    counts: dict[str, int]
    build_seconds: float | None
    statements: dict[str, int]
    runs: dict[str, dict[str, list[Round]]] = field(default_factory=dict)
    # W6 by rate (marks per second, as given) and server.
    w6: dict[str, dict[str, list[WriteRound]]] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)


# --- the data: which requests, and who sends them ----------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _sessions(connection: asyncpg.Connection, users: list[int]) -> dict[int, str]:
    """A fresh bearer session for each user, written straight into the database."""
    tokens = {user: secrets.token_urlsafe(32) for user in users}
    expires = datetime.now(UTC) + timedelta(hours=6)
    await connection.executemany(
        "INSERT INTO login_session (token_hash, user_id, kind, csrf_token, created_at,"
        " expires_at, must_change_password) VALUES ($1, $2, 'bearer', '', now(), $3, false)",
        [(_digest(token), user, expires) for user, token in tokens.items()],
    )
    return tokens


async def picks(url: str, count: int, seed: int) -> dict[str, list[Pick]]:
    """The requests of W1 (a parent opens a child's week) and W2 (a teacher opens a journal),
    chosen by a seeded generator from the whole database, so every server reads the same data
    and a cache in front of a server sees many different requests."""
    rng = random.Random(seed)
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        families = await connection.fetch(
            "SELECT parent_id, student_id FROM guardianship ORDER BY student_id"
        )
        chosen = sorted(rng.sample(list(families), min(count, len(families))), key=lambda r: r[1])
        lessons = await connection.fetch(
            "SELECT t.teacher_id, t.school_class_id, t.subject_id, y.id AS term_id"
            " FROM teaching_assignment t JOIN school_class c ON c.id = t.school_class_id"
            " JOIN term y ON y.academic_year_id = c.academic_year_id AND y.number = 1"
            " JOIN academic_year a ON a.id = c.academic_year_id"
            # The current year's journals only: sizes with history (S5) have past years' classes,
            # and W2 compares the journal of the term the weeks of W1 are in.
            " WHERE a.name = $1"
            " ORDER BY t.id",
            YEAR,
        )
        journals = sorted(rng.sample(list(lessons), min(count, len(lessons))), key=tuple)
        tokens = await _sessions(
            connection,
            sorted({r["parent_id"] for r in chosen} | {r["teacher_id"] for r in journals}),
        )
    finally:
        await connection.close()
    w1 = []
    for index, row in enumerate(chosen):
        week = WEEKS[index % len(WEEKS)]
        monday = date.fromisocalendar(int(week[:4]), int(week[-2:]), 1)
        w1.append(
            Pick(
                token=tokens[row["parent_id"]],
                ediary={"student": to_base64("Student", row["student_id"]), "week": week},
                postgraphile={
                    "student": row["student_id"],
                    "monday": str(monday),
                    "sunday": str(monday + timedelta(days=6)),
                },
            )
        )
    w2 = [
        Pick(
            token=tokens[row["teacher_id"]],
            ediary={
                "class": to_base64("SchoolClass", row["school_class_id"]),
                "subject": to_base64("Subject", row["subject_id"]),
                "term": to_base64("Term", row["term_id"]),
            },
            postgraphile={
                "class": row["school_class_id"],
                "subject": row["subject_id"],
                "term": row["term_id"],
            },
        )
        for row in journals
    ]
    return {"W1": w1, "W2": w2}


def query_text(workload: str, server: str) -> str:
    name = "postgraphile" if server == "postgraphile" else "ediary"
    return (QUERIES / f"{workload.lower()}_{name}.graphql").read_text()


def body(workload: str, server: str, pick: Pick) -> dict[str, Any]:
    variables = pick.postgraphile if server == "postgraphile" else pick.ediary
    return {"query": query_text(workload, server), "variables": variables}


# --- PostGraphile's answers in ediary's shape --------------------------------------------------


def _full_name(person: dict[str, str] | None) -> dict[str, str] | None:
    if person is None:
        return None
    parts = (person["lastName"], person["firstName"], person["middleName"])
    return {"fullName": " ".join(p for p in parts if p)}


def _time(value: str) -> str:
    return value if value.count(":") == 2 else f"{value}:00"


def _marks(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "value": m["value"],
            "weight": m["weight"],
            "kind": m["kind"].upper(),
            "comment": m["comment"],
        }
        for m in nodes
    ]


def _attendance(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    return {"kind": nodes[0]["kind"].upper(), "excused": nodes[0]["excused"]} if nodes else None


def _average(value: str | None) -> float | None:
    return float(value) if value is not None else None


def w1_from_postgraphile(data: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    bells = {b["number"]: b for b in data["studentBells"]["nodes"]}
    monday = date.fromisoformat(variables["monday"])
    days: dict[str, list[dict[str, Any]]] = {str(monday + timedelta(days=n)): [] for n in range(7)}
    for lesson in data["weekLessons"]["nodes"]:
        bell = bells.get(lesson["period"])
        days[lesson["date"]].append(
            {
                "lesson": {
                    "period": lesson["period"],
                    "bell": {"startsAt": _time(bell["startsAt"]), "endsAt": _time(bell["endsAt"])}
                    if bell
                    else None,
                    "subject": {"name": lesson["subjectBySubjectId"]["name"]},
                    "teacher": _full_name(lesson["accountByTeacherId"]),
                    "substituteTeacher": _full_name(lesson["accountBySubstituteTeacherId"]),
                    "room": lesson["room"],
                    "topic": lesson["topic"],
                    "status": lesson["status"].upper(),
                    "changeNote": lesson["changeNote"],
                },
                "homework": [
                    {"text": h["text"], "dueOn": h["dueOn"]}
                    for h in lesson["homeworkByLessonId"]["nodes"]
                ],
                "marks": _marks(lesson["marksByLessonId"]["nodes"]),
                "attendance": _attendance(lesson["attendancesByLessonId"]["nodes"]),
            }
        )
    averages = [
        {
            "subject": {"name": a["subject"]},
            "average": _average(a["average"]),
            "markCount": a["markCount"],
            "forecast": a["forecast"],
        }
        for a in data["termAverages"]["nodes"]
    ]
    return {
        "data": {
            "diary": {
                "days": [{"date": day, "lessons": found} for day, found in days.items()],
                "termAverages": averages,
            }
        }
    }


def w2_from_postgraphile(data: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    lessons = data["journalLessons"]["nodes"]
    averages = {a["studentId"]: a for a in data["journalAverages"]["nodes"]}
    rows = []
    for student in data["journalStudents"]["nodes"]:
        cells = []
        for lesson in lessons:
            marks = [
                m for m in lesson["marksByLessonId"]["nodes"] if m["studentId"] == student["id"]
            ]
            absent = [
                a
                for a in lesson["attendancesByLessonId"]["nodes"]
                if a["studentId"] == student["id"]
            ]
            cells.append({"marks": _marks(marks), "attendance": _attendance(absent)})
        average = averages.get(student["id"])
        rows.append(
            {
                "student": _full_name(student),
                "cells": cells,
                "average": {
                    "average": _average(average["average"]) if average else None,
                    "markCount": average["markCount"] if average else 0,
                    "forecast": average["forecast"] if average else None,
                },
            }
        )
    return {
        "data": {
            "classJournal": {
                "lessons": [
                    {"date": x["date"], "topic": x["topic"], "status": x["status"].upper()}
                    for x in lessons
                ],
                "rows": rows,
            }
        }
    }


CONVERT: dict[str, Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]] = {
    "W1": w1_from_postgraphile,
    "W2": w2_from_postgraphile,
}


async def check_answers(workloads: dict[str, list[Pick]]) -> dict[str, int]:
    """Every pick, sent to each server: the limit answers exactly as ediary does and
    PostGraphile holds the same data. Returns the size of ediary's answers in bytes."""
    sizes: dict[str, int] = {}
    async with httpx.AsyncClient(timeout=120) as client:
        for workload, chosen in workloads.items():
            total = 0
            for pick in chosen:
                answers = {}
                for server in SERVERS:
                    response = await client.post(
                        f"http://127.0.0.1:{PORTS[server]}/graphql",
                        json=body(workload, server, pick),
                        headers={"Authorization": f"Bearer {pick.token}"},
                    )
                    answer = response.json()
                    if response.status_code != 200 or answer.get("errors"):
                        raise SystemExit(
                            f"{server} {workload} {pick.ediary}: {response.text[:500]}"
                        )
                    answers[server] = answer
                    if server == "ediary":
                        total += len(response.content)
                if answers["ediary-uncached"] != answers["ediary"]:
                    raise SystemExit(f"the cache changed an answer: {workload} {pick.ediary}")
                if answers["limit"] != answers["ediary"]:
                    raise SystemExit(f"the limit differs from ediary on {workload} {pick.ediary}")
                converted = CONVERT[workload](answers["postgraphile"]["data"], pick.postgraphile)
                if converted != answers["ediary"]:
                    raise SystemExit(
                        f"PostGraphile differs from ediary on {workload} {pick.ediary}"
                    )
            sizes[workload] = total // max(1, len(chosen))
    return sizes


# --- servers and wrk -------------------------------------------------------------------------


def ensure_tools() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (Debian package).")
    if not (POSTGRAPHILE / "node_modules" / ".bin" / "postgraphile").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=POSTGRAPHILE, check=True)


def start(
    name: str, url: str, workers: int, logs: Path, replica_urls: tuple[str, ...] = ()
) -> Server:
    port = str(PORTS[name])
    env = dict(os.environ)
    if name.startswith("ediary"):
        env["EDIARY_DATABASE_URL"] = url
        if replica_urls:
            env["EDIARY_DATABASE_REPLICA_URLS"] = ",".join(replica_urls)
        # The hourly query budget protects a real server; here it would only refuse the load.
        env["EDIARY_RATE_POINTS_PER_HOUR"] = str(10**9)
        env["EDIARY_RESPONSE_CACHE_MB"] = "0" if name == "ediary-uncached" else "64"
        env["EDIARY_TODAY"] = TODAY.isoformat()
        # Each server its own directory for its workers' metrics (summed by /metrics), so
        # the two ediary servers' cache figures never mix.
        metrics = logs / f"metrics-{name}"
        metrics.mkdir(exist_ok=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
        command = [str(Path(sys.executable).parent / "ediary"), "serve", "--port", port]
        command += ["--workers", str(workers)]
    elif name == "limit":
        env["BENCH_DATABASE_URL"] = url
        command = [str(Path(sys.executable).parent / "uvicorn"), "bench.limit:app", "--port", port]
        command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    else:
        command = [str(POSTGRAPHILE / "node_modules" / ".bin" / "postgraphile")]
        command += ["-c", url, "-s", "public,bench_pg", "-p", port, "--disable-query-log"]
        # The partitioned tables (lesson, mark, ...) as tables, not their yearly partitions.
        command += ["--use-partitioned-parent"]
        if workers > 1:
            command += ["--cluster-workers", str(workers)]
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Server(name, process, log)


async def wait_ready(servers: list[Server], pick: Pick) -> None:
    deadline = time.monotonic() + 120
    async with httpx.AsyncClient(timeout=10) as client:
        for server in servers:
            while True:
                if server.process.poll() is not None:
                    raise SystemExit(f"{server.name} stopped: see {server.log}")
                try:
                    response = await client.post(
                        f"http://127.0.0.1:{PORTS[server.name]}/graphql",
                        json=body("W1", server.name, pick),
                        headers={"Authorization": f"Bearer {pick.token}"},
                    )
                    if response.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"{server.name} did not start: see {server.log}")
                await asyncio.sleep(0.5)


def process_tree(pid: int) -> Iterator[int]:
    """The process and all its descendants (server workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    stack = [pid]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children.get(current, []))


def peak_rss_mb(server: Server) -> float:
    """Sum of the peak resident memory (VmHWM) of the server's processes."""
    total = 0
    for pid in process_tree(server.process.pid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        total += int(found.group(1)) if found else 0
    return total / 1024


def stop(server: Server) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def lua_script(workload: str, server: str, chosen: list[Pick], path: Path) -> Path:
    """A wrk script that walks through the picks, each thread from its own offset."""
    entries = ",\n".join(
        "{" + f"body={_lua_string(json.dumps(body(workload, server, p)))}, "
        f"auth={_lua_string('Bearer ' + p.token)}" + "}"
        for p in chosen
    )
    path.write_text(
        f"""local picks = {{
{entries}
}}
local counter = 0
local threads = 0
function setup(thread)
  thread:set("offset", threads * 37)
  threads = threads + 1
end
function init(args)
  counter = offset or 0
end
function request()
  counter = counter + 1
  local pick = picks[(counter % #picks) + 1]
  return wrk.format("POST", "/graphql",
    {{["Content-Type"] = "application/json", ["Authorization"] = pick.auth}}, pick.body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""
    )
    return path


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of one process so far (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def cpu_usage(server: Server, url: str) -> tuple[dict[int, float], dict[int, float]]:
    """CPU seconds so far of each of the server's processes and of each PostgreSQL backend
    connected to the benchmark's database."""
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await connection.close()
    return (
        {pid: cpu_seconds(pid) for pid in process_tree(server.process.pid)},
        {row["pid"]: cpu_seconds(row["pid"]) for row in rows},
    )


async def with_cpu(
    found: AnyRound, server: Server, url: str, before: tuple[dict[int, float], dict[int, float]]
) -> AnyRound:
    """The round with its CPU time per request: the difference since `before`, counting
    processes started meanwhile (new workers or backends) from zero. In W6 the server's CPU
    includes the marks it wrote, and PostgreSQL's the writes of every server."""
    if not found.requests:
        return found
    after = await cpu_usage(server, url)
    spent = [
        sum(now - then.get(pid, 0.0) for pid, now in current.items())
        for current, then in zip(after, before, strict=True)
    ]
    found.server_cpu_ms = 1000 * spent[0] / found.requests
    found.database_cpu_ms = 1000 * spent[1] / found.requests if after[1] else None
    return found


def run_wrk(script: Path, port: int, seconds: int, connections: int, threads: int) -> Round:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(script), f"http://127.0.0.1:{port}/graphql"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"BENCH (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if found is None:
        raise SystemExit(f"wrk printed no summary:\n{output}")
    requests, duration_us, p50, p99, errors = (int(x) for x in found.groups())
    return Round(requests / (duration_us / 1e6), p50 / 1000, p99 / 1000, errors, requests)


# --- in-process figures: SQL statements per request and a profile of W1 -------------------------


async def count_and_profile(
    url: str, workloads: dict[str, list[Pick]], profile_to: Path | None
) -> dict[str, int]:
    """ediary's SQL statements per request (the same for every pick, or the run stops), and a
    pyinstrument profile of W1 requests served in-process."""
    from ediary.app import create_app
    from ediary.config import Settings
    from ediary.db import close_database, count_statements, open_database

    await open_database(url)
    counts: dict[str, int] = {}
    try:
        # Without the response cache, which would answer repeats in one statement: these are
        # the statements of the work itself (a kept answer costs one, checked in its tests).
        settings = Settings(database_url=url, response_cache_bytes=0, rate_points_per_hour=10**9)
        app = create_app(settings, manage_database=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def send(workload: str, pick: Pick) -> None:
                response = await client.post(
                    "/graphql",
                    json=body(workload, "ediary", pick),
                    headers={"Authorization": f"Bearer {pick.token}"},
                )
                assert response.status_code == 200 and "errors" not in response.json()

            for workload, chosen in workloads.items():
                seen = set()
                for pick in chosen[:20]:
                    with count_statements() as count:
                        await send(workload, pick)
                    seen.add(count.value)
                if len(seen) != 1:
                    raise SystemExit(f"{workload}: statements per request vary: {sorted(seen)}")
                counts[workload] = seen.pop()
            if profile_to is not None:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.001, async_mode="enabled", use_timing_thread=True)
                with profiler:
                    for pick in workloads["W1"][:100]:
                        await send("W1", pick)
                tree = profiler.output_text(unicode=False, color=False)
                flat = profiler.output_text(unicode=False, color=False, flat=True)
                top = "\n".join(flat.splitlines()[:60])
                shares = by_component(profiler)
                text = f"{shares}\n\n{tree}\n\nBy own time (top of the flat profile):\n{top}\n"
                await asyncio.to_thread(profile_to.write_text, text)
    finally:
        await close_database()
    return counts


COMPONENTS = (
    ("/graphql/language/", "graphql-core: parsing the query"),
    ("/graphql/validation/", "graphql-core: validating the query"),
    ("/graphql/", "graphql-core: executing (resolving and completing fields)"),
    ("/strawberry/", "strawberry"),
    ("/pypika_tortoise/", "Tortoise ORM: building SQL and models"),
    ("/tortoise/", "Tortoise ORM: building SQL and models"),
    ("/asyncpg/", "asyncpg: protocol and waiting for PostgreSQL"),
    ("/ediary/", "ediary's own code"),
    ("/starlette/", "Starlette and httpx (in-process transport)"),
    ("/httpx/", "Starlette and httpx (in-process transport)"),
    ("/asyncio/", "asyncio: event loop and socket writes"),
)


def by_component(profiler: Any) -> str:
    """Own time of the profiled requests summed by library, largest first."""
    totals: dict[str, float] = {}
    session = profiler.last_session
    root = session.root_frame()
    stack = [root] if root is not None else []
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        if frame.children:
            continue
        # Leaves carry the time; a built-in function or a synthetic leaf ("[self]") is
        # counted with the nearest caller that belongs to a known library.
        name, owner = "other", frame
        while owner is not None:
            path = (owner.file_path or "").replace("\\", "/")
            found = next((label for part, label in COMPONENTS if part in path), None)
            if found is not None:
                name = found
                break
            owner = owner.parent
        if frame.identifier.startswith("[await]"):
            name = "awaiting (PostgreSQL answers, other tasks)"
        totals[name] = totals.get(name, 0.0) + frame.time
    total = sum(totals.values()) or 1.0
    lines = [
        f"Wall time of {session.duration:.2f} s, CPU time {session.cpu_time:.2f} s; "
        "own time by component:"
    ]
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        lines.append(f"  {seconds:7.2f} s  {100 * seconds / total:5.1f}%  {name}")
    return "\n".join(lines)


# --- the run ------------------------------------------------------------------------------------


async def table_counts(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        counts = {
            table: int(await connection.fetchval(f"SELECT count(*) FROM {table}"))
            for table in ("school", "enrollment", "lesson", "mark", "attendance")
        }
        # With past years (S5) a student has an enrollment per year.
        counts["students"] = int(
            await connection.fetchval("SELECT count(DISTINCT student_id) FROM enrollment")
        )
        return counts
    finally:
        await connection.close()


def load_functions(url: str) -> None:
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "functions.sql"],
        cwd=POSTGRAPHILE,
        check=True,
        capture_output=True,
    )


async def jit_off(url: str, name: str) -> None:
    """No JIT compilation in the benchmark's database, for all three servers, as for an OLTP
    database in production (docs/operations.md): with years of partitions, the estimated
    cost of the limit's one statement passes `jit_above_cost`, and compiling it took 140 ms
    of a 7 ms request."""
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(f'ALTER DATABASE "{name}" SET jit = off')
    finally:
        await connection.close()


async def mark_plan(
    url: str, args: argparse.Namespace, readers: list[Pick]
) -> tuple[list[write_mix.PlannedMark], dict[int, str]]:
    """W6's marks, enough for a round at the highest rate, and a bearer session for each
    teacher who gives one."""
    count = int(max(args.rates) * args.duration * 1.5) + 20
    weeks = {
        p.postgraphile["student"]: date.fromisoformat(p.postgraphile["monday"]) for p in readers
    }
    marks = await write_mix.plan(url, weeks, count, args.seed, args.read_share)
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        tokens = await _sessions(connection, sorted({m.teacher for m in marks}))
    finally:
        await connection.close()
    return marks, tokens


async def w6_round(
    args: argparse.Namespace,
    url: str,
    server: str,
    script: Path,
    rate: float,
    marks: list[write_mix.PlannedMark],
    tokens: dict[int, str],
) -> WriteRound:
    """W1's script under wrk while the marks are written at `rate` for the whole round:
    through the API for ediary, by SQL for the others. Stops the run if a write failed."""
    port = PORTS[server]
    api = server.startswith("ediary")
    before = await write_mix.cache_lookups(port) if api else None
    sender = write_mix.through_api(port, tokens) if api else write_mix.through_sql(url)
    stop = asyncio.Event()
    async with sender as send:
        writer = asyncio.create_task(write_mix.write(marks, rate, stop, send))
        try:
            found = await asyncio.to_thread(
                run_wrk, script, port, args.duration, args.connections, args.threads
            )
        finally:
            stop.set()
        writes = await writer
    if writes.errors:
        raise SystemExit(
            f"W6 at {rate:g} marks/s on {server}: {len(writes.errors)} of {writes.sent} writes "
            f"failed; the first: {writes.errors[0]}"
        )
    after = await write_mix.cache_lookups(port) if api else None
    hits = misses = None
    if before is not None and after is not None:
        hits, misses = after["hit"] - before["hit"], after["miss"] - before["miss"]
    return WriteRound(
        found.requests_per_second,
        found.p50_ms,
        found.p99_ms,
        found.errors,
        found.requests,
        marks_planned_per_second=rate,
        marks_per_second=writes.per_second,
        marks_written=writes.written,
        mark_p50_ms=writes.p50_ms,
        cache_hits=hits,
        cache_misses=misses,
    )


def _cpu_note(found: Round) -> str:
    if found.server_cpu_ms is None:
        return ""
    database = f"{found.database_cpu_ms:.2f}" if found.database_cpu_ms is not None else "?"
    return f"; CPU a request: server {found.server_cpu_ms:.2f} ms, PostgreSQL {database} ms"


def rate_label(rate: float) -> str:
    return f"{rate:g}"


async def measure_size(args: argparse.Namespace, size: str, logs: Path) -> SizeResult:
    name = f"ediary_sbs_{size.lower()}"
    started = time.perf_counter()
    url, built = await ensure(args.server, name, size, args.seed)
    build_seconds = time.perf_counter() - started if built else None
    print(f"{size}: database {name} {'built' if built else 'reused'}", flush=True)
    load_functions(url)
    await jit_off(url, name)
    workloads = await picks(url, args.picks, args.seed)
    profile = RESULTS / f"w1-profile-{size.lower()}.txt" if args.profile else None
    statements = await count_and_profile(url, workloads, profile)
    result = SizeResult(size, await table_counts(url), build_seconds, statements)
    replica_urls = tuple(database_url(replica, name) for replica in args.replicas)
    if replica_urls:
        await replicas_caught_up(url, replica_urls)
        print(f"{size}: {len(replica_urls)} replica(s) have replayed the database", flush=True)
    servers = [start(name, url, args.workers, logs, replica_urls) for name in SERVERS]
    try:
        await wait_ready(servers, workloads["W1"][0])
        reads = [w for w in WORKLOADS if w in args.workloads]
        # W6 reads with W1's script.
        scripted = sorted(set(reads) | ({"W1"} if W6 in args.workloads else set()))
        sizes = await check_answers({w: workloads[w] for w in scripted})
        print(f"{size}: answers agree ({sizes} bytes from ediary on average)", flush=True)
        scripts = {
            (w, s): lua_script(w, s, workloads[w], logs / f"{w}-{s}-{size}.lua")
            for w in scripted
            for s in SERVERS
        }
        for (_, server), script in scripts.items():  # warm up every pair once
            run_wrk(script, PORTS[server], 2, args.connections, args.threads)
        for number in range(args.rounds):
            for workload in reads:
                # Each round starts with another server, so none always runs on a warmer machine.
                turn = number % len(SERVERS)
                order = SERVERS[turn:] + SERVERS[:turn]
                for server in order:
                    running = next(s for s in servers if s.name == server)
                    before = await cpu_usage(running, url)
                    found = run_wrk(
                        scripts[workload, server],
                        PORTS[server],
                        args.duration,
                        args.connections,
                        args.threads,
                    )
                    found = await with_cpu(found, running, url, before)
                    result.runs.setdefault(workload, {}).setdefault(server, []).append(found)
                    print(
                        f"{size} round {number + 1} {workload} {server}: "
                        f"{found.requests_per_second:.0f} req/s, p50 {found.p50_ms:.1f} ms, "
                        f"p99 {found.p99_ms:.1f} ms, errors {found.errors}"
                        f"{_cpu_note(found)}",
                        flush=True,
                    )
        if W6 in args.workloads:
            # After the read-only workloads: the marks change what they read.
            marks, tokens = await mark_plan(url, args, workloads["W1"])
            print(
                f"{size}: W6 plans {len(marks)} marks from {len(tokens)} teachers, "
                f"{sum(m.read for m in marks)} of them for students whose week is read",
                flush=True,
            )
            async with write_mix.written_and_removed(url):
                for number in range(args.rounds):
                    for rate in args.rates:
                        turn = number % len(SERVERS)
                        for server in SERVERS[turn:] + SERVERS[:turn]:
                            running = next(s for s in servers if s.name == server)
                            before = await cpu_usage(running, url)
                            done = await w6_round(
                                args, url, server, scripts["W1", server], rate, marks, tokens
                            )
                            done = await with_cpu(done, running, url, before)
                            label = rate_label(rate)
                            result.w6.setdefault(label, {}).setdefault(server, []).append(done)
                            lookups = (done.cache_hits or 0) + (done.cache_misses or 0)
                            cache = (
                                f", cache hits {done.cache_hits}/{lookups}"
                                if done.cache_hits is not None
                                else ""
                            )
                            print(
                                f"{size} round {number + 1} W6 {label} marks/s {server}: "
                                f"{done.requests_per_second:.0f} req/s, p50 {done.p50_ms:.1f} ms, "
                                f"errors {done.errors}; {done.marks_written} marks "
                                f"({done.marks_per_second:.2f}/s, p50 {done.mark_p50_ms:.0f} ms)"
                                f"{cache}",
                                flush=True,
                            )
        result.peak_rss_mb = {s.name: peak_rss_mb(s) for s in servers}
        for workload, average in sizes.items():
            result.counts[f"{workload} bytes"] = average
    finally:
        for running in servers:
            stop(running)
    return result


async def replicas_caught_up(url: str, replica_urls: tuple[str, ...]) -> None:
    """Wait until every replica has replayed what the primary has written (the database may
    just have been built), so that ediary's reads go to them from the first round."""
    primary = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        target = await primary.fetchval("SELECT pg_current_wal_lsn()")
    finally:
        await primary.close()
    deadline = time.monotonic() + 600
    for replica_url in replica_urls:
        replica = await asyncpg.connect(replica_url.replace("postgres://", "postgresql://", 1))
        try:
            if not await replica.fetchval("SELECT pg_is_in_recovery()"):
                raise SystemExit(f"{replica_url} is not a replica (not in recovery)")
            while await replica.fetchval("SELECT pg_last_wal_replay_lsn()") < target:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{replica_url} did not catch up within 10 minutes")
                await asyncio.sleep(0.5)
        finally:
            await replica.close()


def machine() -> dict[str, str]:
    def out(*command: str) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{os.cpu_count()} x {cpu}",
        "memory": out("sh", "-c", "free -g | awk '/Mem/ {print $2 \" GB\"}'"),
        "os": platform.platform(),
        "python": platform.python_version(),
        "node": out("node", "--version"),
        "postgresql": out("psql", "--version"),
        "wrk": out("sh", "-c", "wrk -v 2>&1 | head -1"),
        "ediary commit": out("git", "-C", str(REPO), "rev-parse", "--short", "HEAD"),
        # The machines are shared: how busy this one was when the run ended.
        "load average (1, 5, 15 min)": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def collect(args: argparse.Namespace, results: list[SizeResult], command: str) -> dict[str, Any]:
    """Everything measured, as written to side-by-side.json."""
    settings = (
        "rounds",
        "duration",
        "connections",
        "threads",
        "workers",
        "picks",
        "seed",
        "workloads",
        "rates",
        "read_share",
    )
    return {
        "command": command,
        "machine": machine(),
        # How many streaming replicas ediary read on; the URLs stay out of the results.
        "settings": {name: getattr(args, name) for name in settings}
        | {"replicas": len(args.replicas)},
        "sizes": {
            r.size: {
                "counts": r.counts,
                "build_seconds": r.build_seconds,
                "statements_per_request": r.statements,
                "peak_rss_mb": r.peak_rss_mb,
                "workloads": {
                    workload: {
                        server: {"rounds": [vars(x) for x in rounds]}
                        for server, rounds in servers.items()
                    }
                    for workload, servers in r.runs.items()
                },
                "w6": {
                    rate: {
                        server: {"rounds": [vars(x) for x in rounds]}
                        for server, rounds in servers.items()
                    }
                    for rate, servers in r.w6.items()
                },
            }
            for r in results
        },
    }


def _median(rounds: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def _cpu(rounds: list[dict[str, Any]], key: str) -> str:
    """The median CPU milliseconds per request over the rounds, where it was measured."""
    values = [r[key] for r in rounds if r.get(key) is not None]
    return f"{statistics.median(values):.2f}" if values else "-"


def _ratio(mine: list[dict[str, float]], theirs: list[dict[str, float]]) -> str:
    """One server's requests per second over another's, taken within each round (both ran
    minutes apart on the same machine) and then the median over the rounds."""
    ratios = [
        a["requests_per_second"] / b["requests_per_second"]
        for a, b in zip(mine, theirs, strict=True)
        if b["requests_per_second"]
    ]
    return f"{statistics.median(ratios):.3f}" if ratios else "?"


def _hit_rate(rounds: list[dict[str, Any]]) -> str:
    """The response cache's hits over its lookups, all rounds together."""
    hits = sum(r["cache_hits"] or 0 for r in rounds)
    lookups = hits + sum(r["cache_misses"] or 0 for r in rounds)
    return f"{100 * hits / lookups:.1f}% of {lookups:,}" if lookups else "-"


def render_w6(settings: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """The W6 table of one size."""
    share = settings.get("read_share", 0)
    lines = [
        f"W6: W1's requests while teachers give marks at a steady rate, through ediary's API "
        "(postMark, with their bearer sessions) and by SQL for the limit and PostGraphile: the "
        f"same marks, in the same order; {100 * share:.0f}% of them for a student whose week "
        "a parent of the picks reads (a lesson of that week), the rest for other students. "
        "Marks/s is the rate the writer achieved, every write checked; the hit rate is the "
        "response cache's over the rounds, from the difference of ediary's /metrics "
        "(`ediary_response_cache_lookups_total`, summed over its processes) before and after "
        "each round.",
        "",
        "| marks/s asked | server | requests/s | p50 ms | p99 ms | errors | this/limit | "
        "this/PostGraphile | marks/s written | mark p50 ms | cache hit rate | server CPU "
        "| PostgreSQL CPU |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rate, servers in found["w6"].items():
        runs = {server: servers[server]["rounds"] for server in SERVERS}
        for server in SERVERS:
            rounds = runs[server]
            lines.append(
                f"| {rate} | {server} | {_median(rounds, 'requests_per_second'):.0f} "
                f"| {_median(rounds, 'p50_ms'):.1f} | {_median(rounds, 'p99_ms'):.1f} "
                f"| {sum(r['errors'] for r in rounds)} | {_ratio(rounds, runs['limit'])} "
                f"| {_ratio(rounds, runs['postgraphile'])} "
                f"| {_median(rounds, 'marks_per_second'):.2f} "
                f"| {_median(rounds, 'mark_p50_ms'):.0f} | {_hit_rate(rounds)} "
                f"| {_cpu(rounds, 'server_cpu_ms')} | {_cpu(rounds, 'database_cpu_ms')} |"
            )
    lines.append("")
    return lines


def _students(counts: dict[str, int]) -> str:
    # Results written before "students" was counted have one enrollment a student; with past
    # years (S5) a student has one a year.
    students, enrollments = counts.get("students", counts["enrollment"]), counts["enrollment"]
    if students == enrollments:
        return f"{students:,} students"
    return f"{students:,} students ({enrollments:,} enrollments)"


def render(data: dict[str, Any]) -> str:
    """The markdown report of a run, from its JSON."""
    settings = data["settings"]
    lines = [
        "# W1, W2 and W6 side by side: ediary, the limit, PostGraphile",
        "",
        f"Command: `{data['command']}`",
        "",
        *(
            [
                f"ediary (both servers) read on {settings['replicas']} streaming replica(s) of "
                "the primary (`EDIARY_DATABASE_REPLICA_URLS`); the limit and PostGraphile read "
                "on the primary. Compare with the run without replicas (`side-by-side.md`, "
                "unless the command names another file with `--results-name`).",
                "",
            ]
            if settings.get("replicas")
            else []
        ),
        f"One run, {settings['rounds']} rounds that interleave servers and workloads, "
        f"{settings['duration']} s per measurement, wrk with {settings['connections']} "
        f"connections and {settings['threads']} thread(s), {settings['workers']} server "
        f"processes each, {settings['picks']} different requests per workload walked in turn. "
        "Requests per second and latencies are medians over the rounds; the ratios are taken "
        "within each round, then the median. Answers were checked equal before measuring: "
        "the limit's JSON equal to ediary's once parsed, PostGraphile's after putting its data "
        "into ediary's shape.",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in data["machine"].items()),
        "",
    ]
    sizes = data["sizes"]
    for size, found in sizes.items():
        counts = found["counts"]
        built = found["build_seconds"]
        statements = found["statements_per_request"]
        lines += [
            f"## Size {size}",
            "",
            f"{counts['school']} schools, {_students(counts)}, "
            f"{counts['lesson']:,} lessons, {counts['mark']:,} marks, "
            f"{counts['attendance']:,} absences"
            + (f"; built in {built:.0f} s." if built is not None else " (database reused)."),
            "Average answer: "
            + ", ".join(
                f"{w} {counts[f'{w} bytes']:,} bytes" for w in WORKLOADS if f"{w} bytes" in counts
            )
            + f". ediary's SQL statements per request: W1 {statements['W1']}, W2 "
            f"{statements['W2']} when it computes the answer, 1 when its response cache has it "
            "(the limit: 1).",
            "",
        ]
        if found["workloads"]:
            lines += [
                "Server CPU and PostgreSQL CPU are milliseconds of CPU time per request: all "
                "of the server's processes, and the PostgreSQL backends connected to the "
                "benchmark's database, over the measurement (from /proc).",
                "",
                "| workload | server | requests/s | p50 ms | p99 ms | errors | this/limit | "
                "this/PostGraphile | server CPU | PostgreSQL CPU |",
                "|---|---|---|---|---|---|---|---|---|---|",
            ]
        for workload in found["workloads"]:
            runs = {server: found["workloads"][workload][server]["rounds"] for server in SERVERS}
            for server in SERVERS:
                rounds = runs[server]
                lines.append(
                    f"| {workload} | {server} | {_median(rounds, 'requests_per_second'):.0f} "
                    f"| {_median(rounds, 'p50_ms'):.1f} | {_median(rounds, 'p99_ms'):.1f} "
                    f"| {sum(r['errors'] for r in rounds)} | {_ratio(rounds, runs['limit'])} "
                    f"| {_ratio(rounds, runs['postgraphile'])} "
                    f"| {_cpu(rounds, 'server_cpu_ms')} | {_cpu(rounds, 'database_cpu_ms')} |"
                )
        if found["workloads"]:
            lines.append("")
        if found.get("w6"):
            lines += render_w6(settings, found)
        lines += [
            "Peak resident memory, all processes of the server: "
            + ", ".join(f"{s} {mb:.0f} MB" for s, mb in found["peak_rss_mb"].items())
            + ".",
            "",
        ]
    lines += render_growth(sizes, "S", "L", ("W1",), "L against S")
    # A size with history against its base: the same schools, five more years in the tables.
    for size in sizes:
        base = size[:1]
        if size != base and base in sizes:
            lines += render_growth(sizes, base, size, WORKLOADS, f"{size} against {base}")
    return "\n".join(lines)


def render_growth(
    sizes: dict[str, Any], small: str, large: str, workloads: tuple[str, ...], title: str
) -> list[str]:
    """The median latency of each workload at two sizes, when both were measured."""
    measured = [
        w
        for w in workloads
        if all(w in sizes.get(size, {}).get("workloads", {}) for size in (small, large))
    ]
    if not measured:
        return []
    lines = [
        f"## {'/'.join(measured)} latency, {title}",
        "",
        f"| workload | server | p50 {small}, ms | p50 {large}, ms | {large}/{small} |",
        "|---|---|---|---|---|",
    ]
    for workload in measured:
        for server in SERVERS:
            before = _median(sizes[small]["workloads"][workload][server]["rounds"], "p50_ms")
            after = _median(sizes[large]["workloads"][workload][server]["rounds"], "p50_ms")
            change = f"{after / before:.2f}" if before else "?"
            lines.append(f"| {workload} | {server} | {before:.1f} | {after:.1f} | {change} |")
    return [*lines, ""]


def results_name(replicas: int) -> str:
    """Runs with replicas keep their own files, beside the run without them."""
    return "side-by-side-replicas" if replicas else "side-by-side"


def write(data: dict[str, Any], name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    text = render(data)
    (RESULTS / f"{name}.md").write_text(text)
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="S",
        help="comma-separated sizes, of "
        + ",".join(SIZES)
        + ", each optionally followed by a digit, the past academic years (S5, L5)",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="processes of each server")
    parser.add_argument("--picks", type=int, default=200, help="different requests per workload")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workloads",
        default=",".join((*WORKLOADS, W6)),
        help="comma-separated workloads to measure, of W1, W2 and W6 (W6 reads with W1's "
        "requests while marks are written)",
    )
    parser.add_argument(
        "--rates", default="1,10", help="W6: comma-separated rates of marks per second"
    )
    parser.add_argument(
        "--read-share",
        type=float,
        default=0.2,
        help="W6: the share of marks for students whose week a parent of the picks reads",
    )
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--replicas",
        default="",
        help="comma-separated URLs of streaming replicas of --server, written like it: both "
        "ediary servers read on them; results go to side-by-side-replicas.{json,md}",
    )
    parser.add_argument(
        "--results-name",
        help="the results' file name in bench/results, without .json or .md (by default "
        "side-by-side, or side-by-side-replicas with --replicas), so that a run made for "
        "another comparison (bench/replica_reads.py) keeps the main one",
    )
    parser.add_argument(
        "--render", action="store_true", help="only rewrite side-by-side.md from the JSON"
    )
    args = parser.parse_args()
    args.replicas = [r.strip() for r in args.replicas.split(",") if r.strip()]
    name = args.results_name or results_name(len(args.replicas))
    if args.render:
        write(json.loads((RESULTS / f"{name}.json").read_text()), name)
        return
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    for size in sizes:
        try:
            parse_size(size)
        except ValueError as error:
            raise SystemExit(str(error)) from None
    args.workloads = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    unknown = sorted(set(args.workloads) - {*WORKLOADS, W6})
    if unknown or not args.workloads:
        raise SystemExit(f"unknown workloads {unknown}: choose of W1, W2, W6")
    try:
        args.rates = [float(r) for r in args.rates.split(",") if r.strip()]
    except ValueError:
        raise SystemExit(f"--rates takes numbers: {args.rates}") from None
    if W6 in args.workloads and (not args.rates or min(args.rates) <= 0):
        raise SystemExit("W6 needs rates of marks per second above 0 (--rates 1,10)")
    if not 0 <= args.read_share <= 1:
        raise SystemExit("--read-share is a share, from 0 to 1")
    ensure_tools()
    logs = Path(tempfile.mkdtemp(prefix="ediary-side-by-side-"))
    print(f"Server logs and wrk scripts: {logs}", flush=True)
    command = "python -m bench.side_by_side " + " ".join(sys.argv[1:])
    results = [asyncio.run(measure_size(args, size, logs)) for size in sizes]
    write(collect(args, results, command.strip()), name)


if __name__ == "__main__":
    main()
