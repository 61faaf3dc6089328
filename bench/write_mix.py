"""W6's writes: teachers posting marks while parents read their children's weeks.

The marks are planned once per size by a seeded generator, so every server gets the same
marks (students, lessons, values, kinds) at the same rate: ediary through its GraphQL API
(`postMark`, with the teacher's bearer session), the limit and PostGraphile by SQL (an
`INSERT INTO mark` with the columns the API writes). A writer sends them on a fixed schedule
beside wrk, each mark in its own task, so a slow answer does not hold back the next mark
(teachers do not wait for each other); it checks every write and reports the rate achieved.

The marks change the data the read workloads see, so the data set's marker (the row in
`bench_dataset` that lets `bench.gen.ensure` reuse a database) is taken away before the first
write and put back only once the marks are removed again and every table whose rows an
answer can show has the row count it had before (see `written_and_removed`).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families
from strawberry.relay import to_base64

from bench.gen import TERM_1
from ediary.domain import dataversion
from ediary.domain.enums import WorkKind
from ediary.domain.grading import DEFAULT_WEIGHTS

MUTATION = (Path(__file__).resolve().parent / "queries" / "w6_post_mark.graphql").read_text()
# The kinds of work a teacher marks during a lesson, in about the shares of the data set.
KINDS = (
    (WorkKind.ORAL, 35),
    (WorkKind.CLASSWORK, 35),
    (WorkKind.HOMEWORK, 20),
    (WorkKind.QUIZ, 7),
    (WorkKind.TEST, 3),
)
# The columns postMark writes for a mark of a lesson (ediary.domain.journal.marks.post_marks):
# the weight is the region's for the kind, and the data set's region has the default weights.
# The time is a parameter, so the statement runs on SQLite too (ediary.domain.sql), where the
# tests compare its rows with the API's.
INSERT = (
    "INSERT INTO mark (student_id, lesson_id, school_class_id, subject_id, term_id, date,"
    " value, weight, kind, comment, author_id, created_at, updated_at, deleted_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, $11, $11, NULL)"
)
# Marks sent and not yet answered, at most: beyond this the writer falls behind its rate
# (and reports it) rather than piling requests onto a server that cannot keep up.
IN_FLIGHT = 64
# Tables postMark writes besides `mark`, with the column that dates a row after the marks.
COMPANIONS = (("mark_event", "mark_id"), ("outbox_message", "id"), ("mark_batch", "id"))


def _asyncpg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


@dataclass(frozen=True)
class PlannedMark:
    """One mark of the plan: who gives it, to whom, for which lesson."""

    teacher: int
    student: int
    lesson: int
    school_class: int
    subject: int
    term: int
    day: date
    value: int
    kind: WorkKind
    # Whether a parent of the picks reads this student's week during the run.
    read: bool

    @property
    def weight(self) -> int:
        return DEFAULT_WEIGHTS[self.kind]

    def variables(self) -> dict[str, Any]:
        """postMark's input; the weight is left to the region, as the teachers' app does."""
        return {
            "input": {
                "lessonId": to_base64("Lesson", self.lesson),
                "studentId": to_base64("Student", self.student),
                "value": self.value,
                "kind": self.kind.name,
            }
        }

    def row(self, at: datetime) -> tuple[Any, ...]:
        """The parameters of INSERT for this mark, entered at `at`."""
        return (
            self.student,
            self.lesson,
            self.school_class,
            self.subject,
            self.term,
            self.day,
            self.value,
            self.weight,
            self.kind.value,
            self.teacher,
            at,
        )


async def plan(
    url: str, readers: dict[int, date], count: int, seed: int, share: float
) -> list[PlannedMark]:
    """`count` marks for lessons of the first term. A share of them (`share`) goes to
    students whose week a parent of the picks reads, for a lesson of that very week; the rest
    to any other student of the database, for a lesson anywhere in the term, as on a school
    day when most marks are for pupils nobody is reading at that moment. Each mark is given
    by the teacher of its class and subject. `readers` maps the picked students to the
    Monday of the week their parent opens."""
    rng = random.Random(f"W6 {seed}")
    connection = await asyncpg.connect(_asyncpg(url))
    try:
        enrolled = await connection.fetch(
            "SELECT e.student_id, e.school_class_id, y.id AS term_id FROM enrollment e"
            " JOIN school_class c ON c.id = e.school_class_id"
            " JOIN term y ON y.academic_year_id = c.academic_year_id AND y.number = 1"
            " WHERE e.starts_on <= $1 AND (e.ends_on IS NULL OR e.ends_on >= $2)"
            " ORDER BY e.student_id",
            TERM_1[0],
            TERM_1[1],
        )
        placed = {row["student_id"]: row for row in enrolled}
        picked = sorted(s for s in readers if s in placed)
        others = sorted(s for s in placed if s not in readers)
        if not others or (share > 0 and not picked):
            raise SystemExit("W6: no students to give marks to")
        lessons: dict[tuple[int, date, date], list[asyncpg.Record]] = {}
        kinds = [kind for kind, _ in KINDS]
        weights = [weight for _, weight in KINDS]
        planned = []
        for _ in range(count):
            read = rng.random() < share
            if read:
                student = rng.choice(picked)
                first = readers[student]
                last = first + timedelta(days=6)
            else:
                student = rng.choice(others)
                first, last = TERM_1
            place = placed[student]
            span = (place["school_class_id"], first, last)
            if span not in lessons:
                lessons[span] = await connection.fetch(
                    "SELECT l.id, l.subject_id, l.date, t.teacher_id FROM lesson l"
                    " JOIN teaching_assignment t ON t.school_class_id = l.school_class_id"
                    " AND t.subject_id = l.subject_id"
                    " WHERE l.school_class_id = $1 AND l.date BETWEEN $2 AND $3"
                    " AND l.status = 'held' ORDER BY l.id",
                    *span,
                )
            if not lessons[span]:
                raise SystemExit(f"W6: class {span[0]} has no lessons from {first} to {last}")
            lesson = rng.choice(lessons[span])
            planned.append(
                PlannedMark(
                    teacher=lesson["teacher_id"],
                    student=student,
                    lesson=lesson["id"],
                    school_class=place["school_class_id"],
                    subject=lesson["subject_id"],
                    term=place["term_id"],
                    day=lesson["date"],
                    value=rng.choice((2, 3, 3, 4, 4, 4, 5, 5, 5)),
                    kind=rng.choices(kinds, weights)[0],
                    read=read,
                )
            )
    finally:
        await connection.close()
    return planned


# --- sending the marks ------------------------------------------------------------------------

# Sends one mark; returns None when it was written, else why not.
Send = Callable[[PlannedMark], Awaitable[str | None]]


@dataclass
class Writes:
    """What a writer did in one round."""

    sent: int = 0
    written: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.written / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0


async def write(marks: list[PlannedMark], rate: float, stop: asyncio.Event, send: Send) -> Writes:
    """Send the marks in order at `rate` per second until `stop` is set; then wait for the
    answers still due. Mark n is due (n + 0.5) / rate seconds after the start, so a window
    of t seconds holds t x rate marks."""
    found = Writes()
    slots = asyncio.Semaphore(IN_FLIGHT)
    tasks: set[asyncio.Task[None]] = set()

    async def one(mark: PlannedMark) -> None:
        began = time.perf_counter()
        try:
            error = await send(mark)
        except Exception as exc:  # a refused connection, a timeout: a failed write all the same
            error = f"{type(exc).__name__}: {exc}"
        finally:
            slots.release()
        if error is None:
            found.written += 1
            found.latencies_ms.append(1000 * (time.perf_counter() - began))
        else:
            found.errors.append(error)

    started = time.monotonic()
    for index, mark in enumerate(marks):
        wait = started + (index + 0.5) / rate - time.monotonic()
        if wait > 0:
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
        if stop.is_set():
            break
        await slots.acquire()
        found.sent += 1
        task = asyncio.create_task(one(mark))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    else:
        found.errors.append(f"the plan of {len(marks)} marks ran out before the round ended")
    await stop.wait()
    found.seconds = time.monotonic() - started
    if tasks:
        await asyncio.gather(*tasks)
    return found


def api_sender(client: httpx.AsyncClient, tokens: dict[int, str]) -> Send:
    """Marks posted through ediary's GraphQL API (`client` points at the server), each with
    its teacher's bearer session; a write counts when the answer carries the mark as planned
    and no error."""

    async def send(mark: PlannedMark) -> str | None:
        response = await client.post(
            "/graphql",
            json={"query": MUTATION, "variables": mark.variables()},
            headers={"Authorization": f"Bearer {tokens[mark.teacher]}"},
        )
        if response.status_code != 200:
            return f"HTTP {response.status_code}: {response.text[:300]}"
        answer = response.json()
        payload = (answer.get("data") or {}).get("postMark") or {}
        if answer.get("errors") or payload.get("userErrors"):
            return f"{mark}: {answer.get('errors') or payload['userErrors']}"
        expected = {"value": mark.value, "weight": mark.weight, "kind": mark.kind.name}
        if payload.get("mark") != expected:
            return f"{mark}: written as {payload.get('mark')}, planned {expected}"
        return None

    return send


@asynccontextmanager
async def through_api(port: int, tokens: dict[int, str]) -> AsyncIterator[Send]:
    """`api_sender` for ediary listening on `port`."""
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        timeout=30,
        limits=httpx.Limits(max_connections=IN_FLIGHT),
    ) as client:
        yield api_sender(client, tokens)


@asynccontextmanager
async def through_sql(url: str) -> AsyncIterator[Send]:
    """The same marks written straight into the database, for servers without a write API."""
    pool = await asyncpg.create_pool(_asyncpg(url), min_size=2, max_size=8)
    try:

        async def send(mark: PlannedMark) -> str | None:
            status = await pool.execute(INSERT, *mark.row(datetime.now(UTC)))
            return None if status == "INSERT 0 1" else f"{mark}: {status}"

        yield send
    finally:
        await pool.close()


# --- the response cache's figures ---------------------------------------------------------------

LOOKUPS = "ediary_response_cache_lookups_total"


def lookups(exposition: str) -> dict[str, int]:
    """The response cache's hits and misses in a /metrics text. Every sample of the counter
    is added up: `ediary serve` runs its workers in prometheus_client's multiprocess mode,
    where the answer already sums the workers, but a per-process label would not be lost."""
    found = {"hit": 0, "miss": 0}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            result = sample.labels.get("result")
            if sample.name == LOOKUPS and result in found:
                found[result] += int(sample.value)
    return found


async def cache_lookups(port: int) -> dict[str, int]:
    """The response cache's hits and misses so far, from the /metrics of ediary on `port`."""
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.get(f"http://127.0.0.1:{port}/metrics")
    response.raise_for_status()
    return lookups(response.text)


# --- putting the data set back ----------------------------------------------------------------


async def _row_counts(connection: asyncpg.Connection) -> dict[str, int]:
    """Rows of every table whose rows can show in an answer: those the data version covers
    (no read writes to them, or the response cache could never answer)."""
    names = await connection.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
        " AND NOT c.relispartition ORDER BY c.relname"
    )
    tables = [r[0] for r in names if r[0] not in dataversion.EXCLUDED and r[0] != "bench_dataset"]
    return {
        table: int(await connection.fetchval(f'SELECT count(*) FROM "{table}"')) for table in tables
    }


@asynccontextmanager
async def written_and_removed(url: str) -> AsyncIterator[None]:
    """Around the rounds that write: the data set's marker is taken away first, so a run that
    dies half-way leaves a database `bench.gen.ensure` rebuilds rather than reuses; afterwards
    every row written after the watermarks (marks, their history events, notification outbox
    rows) is removed, and the marker is put back only if every table an answer can show has
    its rows of before again. Removing by watermark keeps the next run's reuse: L takes about
    ten minutes to build."""
    connection = await asyncpg.connect(_asyncpg(url))
    try:
        before = await _row_counts(connection)
        marks = await connection.fetchval("SELECT COALESCE(max(id), 0) FROM mark")
        watermarks = {
            table: await connection.fetchval(f"SELECT COALESCE(max(id), 0) FROM {table}")
            for table, column in COMPANIONS
            if column == "id"
        }
        marker = await connection.fetch("SELECT parameters, built_at FROM bench_dataset")
        await connection.execute("DELETE FROM bench_dataset")
    finally:
        await connection.close()
    try:
        yield
    finally:
        connection = await asyncpg.connect(_asyncpg(url))
        try:
            async with connection.transaction():
                for table, column in COMPANIONS:
                    mark = marks if column == "mark_id" else watermarks[table]
                    await connection.execute(f"DELETE FROM {table} WHERE {column} > $1", mark)
                removed = await connection.execute("DELETE FROM mark WHERE id > $1", marks)
            after = await _row_counts(connection)
            changed = sorted(t for t in before if after.get(t) != before[t])
            if changed:
                print(
                    "W6: rows of before not restored in " + ", ".join(changed) + "; the "
                    "database is left unmarked and will be rebuilt by the next run",
                    flush=True,
                )
            else:
                await connection.executemany(
                    "INSERT INTO bench_dataset (parameters, built_at) VALUES ($1, $2)",
                    [tuple(row) for row in marker],
                )
                print(f"W6: the marks written were removed ({removed})", flush=True)
        finally:
            await connection.close()
