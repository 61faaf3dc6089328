"""Workload W4, the school report: time it at sizes S and M on PostgreSQL.

    .venv/bin/python -m bench.w4 [--sizes S M] [--runs 10] [--server postgres://...]

Builds each database with `bench.gen` (deterministic), then times, in one process:
the school report as the domain computes it (and the SQL statements it sends), the same over
GraphQL in-process (ASGI, no network) with a full selection, the XLSX download, one class's
report and, at M, the regional view over all schools. Results go to bench/results/w4.md.
Machines here are shared: compare figures taken in one run, not across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from strawberry.relay import to_base64

from bench.gen import SIZES, build, parse_size
from ediary.app import create_app
from ediary.config import Settings
from ediary.db import close_database, count_statements, open_database
from ediary.domain.access import load_viewer
from ediary.domain.analytics.regional import regional_report
from ediary.domain.analytics.reports import class_report, school_report
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy
from ediary.domain.models import School, SchoolClass, Term, User

RESULTS = Path(__file__).resolve().parent / "results" / "w4.md"
TODAY = date(2026, 11, 1)
QUERY = """query($school: ID!, $term: ID!) { schoolReport(schoolId: $school, termId: $term) {
  students overall { students averageMark successRate quality sou distribution { mark count } }
  subjects { subject { name } indicators { students averageMark successRate quality sou } }
  attendance { absences unexcused late }
  classes { schoolClass { name } students
    overall { students averageMark successRate quality sou distribution { mark count } }
    subjects { subject { name } indicators { students averageMark successRate quality sou } }
    attendance { absences unexcused late }
    atRisk { student { fullName } subjects { subject { name } mark given } } } } }"""


def policy_for(region: str | None) -> RegionPolicy:
    return DEFAULT_POLICY


async def timed(runs: int, action: Callable[[], Awaitable[Any]]) -> list[float]:
    await action()  # warm caches and connections
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        await action()
        found.append((time.perf_counter() - start) * 1000)
    return found


def ms(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} (min {min(values):.0f}, max {max(values):.0f})"


async def measure(url: str, size: str, runs: int) -> dict[str, str]:
    await open_database(url)
    try:
        connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        counts = {
            table: await connection.fetchval(f"SELECT count(*) FROM {table}")
            for table in ("school", "enrollment", "lesson", "mark", "attendance", "final_mark")
        }
        await connection.close()
        school = await School.filter(name="School No. 1").first()
        assert school is not None
        term = await Term.get(academic_year__school_id=school.id, number=1)
        admin_user = await User.get(login="s1-admin")
        admin = await load_viewer(admin_user)
        official = await load_viewer(await User.get(login="official"))
        first_class = await SchoolClass.filter(school_id=school.id).order_by("id").first()
        assert first_class is not None

        async def report() -> Any:
            return await school_report(admin, school.id, term.id, policy_for, TODAY)

        with count_statements() as statements:
            found = await report()
        report_ms = await timed(runs, report)
        class_ms = await timed(
            runs, lambda: class_report(admin, first_class.id, term.id, policy_for, TODAY)
        )

        token = (await open_session(admin_user, SessionKind.BEARER, timedelta(hours=1))).token
        app = create_app(Settings(database_url=url), manage_database=False)
        headers = {"Authorization": f"Bearer {token}"}
        variables = {"school": to_base64("School", school.id), "term": to_base64("Term", term.id)}
        sizes: dict[str, int] = {}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:

            async def graphql() -> None:
                answer = await client.post(
                    "/graphql", json={"query": QUERY, "variables": variables}, headers=headers
                )
                assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
                sizes["graphql"] = len(answer.content)

            async def xlsx() -> None:
                path = f"/reports/school/{variables['school']}.xlsx?term={variables['term']}"
                answer = await client.get(path, headers=headers)
                assert answer.status_code == 200, answer.text
                sizes["xlsx"] = len(answer.content)

            graphql_ms = await timed(runs, graphql)
            xlsx_ms = await timed(runs, xlsx)

        row = {
            "size": size,
            "schools": str(counts["school"]),
            "students": f"{counts['enrollment']:,}",
            "lessons": f"{counts['lesson']:,}",
            "marks": f"{counts['mark']:,}",
            "attendance": f"{counts['attendance']:,}",
            "term marks": f"{counts['final_mark']:,}",
            "report students": str(found.students),
            "school report, domain (ms)": ms(report_ms),
            "SQL statements per report": str(statements.value),
            "school report, GraphQL (ms)": ms(graphql_ms),
            "GraphQL response (kB)": f"{sizes['graphql'] / 1024:.0f}",
            "school report, XLSX (ms)": ms(xlsx_ms),
            "class report, domain (ms)": ms(class_ms),
        }
        if parse_size(size).schools > 1:
            with count_statements() as regional_statements:
                await regional_report(official, "bench", "2026/2027", 1, policy_for, 5)
            regional_ms = await timed(
                runs, lambda: regional_report(official, "bench", "2026/2027", 1, policy_for, 5)
            )
            row["regional view, all schools (ms)"] = ms(regional_ms)
            row["SQL statements per regional view"] = str(regional_statements.value)
        return row
    finally:
        await close_database()


def write(rows: list[dict[str, str]], runs: int) -> None:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    lines = [
        "# W4: school report",
        "",
        "Generated by `.venv/bin/python -m bench.w4` (data from `bench/gen.py`, seed 1) on "
        f"PostgreSQL, one process, {runs} timed runs after one warm-up; milliseconds as "
        "median (min, max). The report is for one school (about 1,000 students) at both sizes; "
        "M has ten such schools in the database.",
        "",
        f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {_cpus()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} when the results were written (the machine is shared). "
        f"Run on {date.today():%Y-%m-%d}.",
        "",
        "| | " + " | ".join(row["size"] for row in rows) + " |",
        "|---|" + "---|" * len(rows),
    ]
    for key in keys:
        if key == "size":
            continue
        lines.append(f"| {key} | " + " | ".join(row.get(key, "-") for row in rows) + " |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")


def _cpus() -> int:
    return os.cpu_count() or 0


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["S", "M"], choices=sorted(SIZES))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--reuse", action="store_true", help="use the databases of an earlier run as they are"
    )
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        name = f"ediary_bench_{size.lower()}"
        if args.reuse:
            url = f"{args.server.rpartition('/')[0]}/{name}"
        else:
            started = time.perf_counter()
            url = await build(args.server, name, size)
            print(f"{size}: built in {time.perf_counter() - started:.0f} s", flush=True)
        rows.append(await measure(url, size, args.runs))
        print(rows[-1], flush=True)
    write(rows, args.runs)
    print(f"Wrote {RESULTS}")


if __name__ == "__main__":
    asyncio.run(main())
