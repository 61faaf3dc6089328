"""Workload W5, the OneRoster import: rows per second and peak memory on PostgreSQL, next to
PostgreSQL's own COPY of the same rows (the limit), in one run.

    .venv/bin/python -m bench.w5 [--sizes S M] [--server postgres://...]

For each size it writes a deterministic OneRoster 1.1 set (ediary_oneroster.generate),
creates and migrates a database `ediary_bench_w5`, runs `ediary import oneroster` in a child
process (peak memory is the child's maximum resident set, from getrusage), checks the marks'
history with `ediary audit verify` (it must hold after an import), then COPYs the same CSV
files into text tables of a fresh database. Results go to bench/results/w5.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

from ediary.adapters.manager import load_plugins, model_apps
from ediary.db import migrate
from ediary_oneroster.generate import write_set

RESULTS = Path(__file__).resolve().parent / "results" / "w5.md"
DATABASE = "ediary_bench_w5"


def _pg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def _recreate(server: str, name: str) -> str:
    admin = await asyncpg.connect(_pg(server))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return server.rpartition("/")[0] + f"/{name}"


REACH = ("--region", "gen-region")


def _import(url: str, path: Path) -> tuple[float, int, str]:
    env = {**os.environ, "EDIARY_DATABASE_URL": url}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        # The generated set's one district: the operator imports into that region.
        [sys.executable, "-m", "ediary.cli", "import", "oneroster", str(path), *REACH],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        raise SystemExit(f"import failed:\n{done.stdout}\n{done.stderr[-2000:]}")
    # ru_maxrss of children is the largest child so far: sizes run smallest first.
    return seconds, max(peak, before), done.stdout.strip().splitlines()[0][:160]


def _verify(url: str) -> str:
    """What `ediary audit verify` says of the imported database (its first line)."""
    done = subprocess.run(
        [sys.executable, "-m", "ediary.cli", "audit", "verify"],
        env={**os.environ, "EDIARY_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    said = (done.stdout.strip() or done.stderr.strip()).splitlines()
    verdict = said[0] if said else "no answer"
    return verdict if done.returncode == 0 else f"FAILED: {verdict}"


async def _copy(url: str, path: Path) -> float:
    conn = await asyncpg.connect(_pg(url))
    started = time.perf_counter()
    async with conn.transaction():
        for file in sorted(path.glob("*.csv")):  # noqa: ASYNC240
            if file.name == "manifest.csv":
                continue
            with file.open(encoding="utf-8") as handle:
                header = handle.readline().strip().split(",")
            table = f"copy_{file.stem.lower()}"
            columns = ", ".join(f'"{c}" text' for c in header)
            await conn.execute(f"CREATE TABLE {table} ({columns})")
            await conn.copy_to_table(table, source=file, format="csv", header=True)
    seconds = time.perf_counter() - started
    await conn.close()
    return seconds


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", default=["S", "M"])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    apps = model_apps(load_plugins())
    lines = [
        "# W5: OneRoster import into PostgreSQL",
        "",
        f"`python -m bench.w5 --sizes {' '.join(args.sizes)}` on {platform.node()} "
        f"({os.cpu_count()} cores), {time.strftime('%Y-%m-%d')}. One run; the machine is shared.",
        "",
        "| size | data rows | import s | import rows/s | peak RSS of the import "
        "| COPY s | COPY rows/s | import / COPY | history |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "set"
            rows = write_set(path, size)
            url = await _recreate(args.server, DATABASE)
            await migrate(url, apps)
            seconds, peak_kib, summary = _import(url, path)
            verdict = _verify(url)
            copy_url = await _recreate(args.server, DATABASE + "_copy")
            copy_seconds = await _copy(copy_url, path)
            print(
                f"{size}: {rows} rows, import {seconds:.1f}s, COPY {copy_seconds:.2f}s; {summary}"
            )
            print(f"{size}: history verify: {verdict}")
            lines.append(
                f"| {size} | {rows} | {seconds:.1f} | {rows / seconds:.0f} "
                f"| {peak_kib / 1024:.0f} MiB | {copy_seconds:.2f} | {rows / copy_seconds:.0f} "
                f"| {seconds / copy_seconds:.0f}x | {verdict} |"
            )
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"Wrote {RESULTS}")


if __name__ == "__main__":
    asyncio.run(main())
