"""`make test`'s runs of the suite, side by side: `python -m tests.legs`.

The suite runs once on SQLite, once on PostgreSQL when EDIARY_TEST_POSTGRES_URL names a
server, and once more through PgBouncer when EDIARY_TEST_POSTGRES_POOLER_URL names one; each
run also takes the plugin suites. Tortoise binds one database backend per process, so every
run is a pytest process of its own, and every process makes scratch databases of its own
(tests/conftest.py): the runs share nothing and can go at once. On CI's two cores the three
runs take 34 to 40 minutes side by side, against about 92 one after another.

Each core run is cut in parts (EDIARY_TEST_PART, tests/conftest.py: every n-th test
module), so that parts of about equal length fill the slots and a run's slow modules are
spread over its parts; a new module always falls in some part. Output goes to one log per
part, printed whole when the part ends, so that runs do not interleave. EDIARY_TEST_JOBS
sets how many parts run at once (default: 3)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q"]

# The plugins whose own suites run with each backend (one pytest run each: each has its
# conftest).
PLUGIN_SUITES = (
    "plugins/ediary-example/tests",
    "plugins/ediary-tatarstan/tests",
    "plugins/ediary-spreadsheet/tests",
)

# How many parts each core run is cut into.
PARTS = 4


@dataclass
class Part:
    """One pytest process or a few in a row, with the environment they run in."""

    name: str
    env: dict[str, str]
    commands: list[list[str]] = field(default_factory=list)


def core_parts(name: str, env: dict[str, str], *extra: str) -> list[Part]:
    found = [
        Part(
            f"{name} {k}/{PARTS}", {**env, "EDIARY_TEST_PART": f"{k}/{PARTS}"}, [[*PYTEST, *extra]]
        )
        for k in range(1, PARTS + 1)
    ]
    found[-1].commands += [[*PYTEST, suite] for suite in PLUGIN_SUITES]
    return found


def parts(environ: dict[str, str]) -> list[Part]:
    server = environ.get("EDIARY_TEST_POSTGRES_URL", "")
    pooler = environ.get("EDIARY_TEST_POSTGRES_POOLER_URL", "")
    sqlite = {"EDIARY_TEST_POSTGRES_URL": "", "EDIARY_TEST_POSTGRES_POOLER_URL": ""}
    found = core_parts("SQLite", sqlite)
    if not server:
        print("EDIARY_TEST_POSTGRES_URL is not set: skipped the PostgreSQL runs.", flush=True)
        return found
    found += core_parts("PostgreSQL", {"EDIARY_TEST_POSTGRES_POOLER_URL": ""})
    if pooler:
        # Less what uses no server of its own choosing: the replica tests (their own cluster
        # and PgBouncer) and the install tests (virtual environments only).
        found += core_parts("PgBouncer", {}, "--ignore=tests/replicas", "-m", "not install")
    return found


# One part's log is printed at a time.
_printing = threading.Lock()


def run(part: Part, logs: Path, environ: dict[str, str]) -> bool:
    env = {**environ, **part.env}
    log = logs / (part.name.replace(" ", "-").replace("/", "of") + ".log")
    started = time.monotonic()
    passed = True
    with log.open("w") as out:
        for command in part.commands:
            # Each process's own temporary directory: pytest clears its base at start.
            base = tempfile.mkdtemp(prefix="base-", dir=logs)
            out.write(f"$ {' '.join(command[2:])}\n")
            out.flush()
            done = subprocess.run(
                [*command, f"--basetemp={base}"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            )
            if done.returncode != 0:
                passed = False
                break
    minutes = (time.monotonic() - started) / 60
    with _printing:
        print(f"\n=== {part.name}: {'passed' if passed else 'FAILED'} in {minutes:.1f} min")
        print(log.read_text(), flush=True)
    return passed


def main() -> int:
    environ = dict(os.environ)
    todo = parts(environ)
    jobs = int(environ.get("EDIARY_TEST_JOBS", "3"))
    # The runs' parts in turn (SQLite 1, PostgreSQL 1, PgBouncer 1, SQLite 2, ...), so that
    # the parts running at once load different servers.
    todo = sorted(todo, key=lambda part: part.name.split()[-1])
    with tempfile.TemporaryDirectory(prefix="ediary-legs-") as directory:
        logs = Path(directory)
        print(f"{len(todo)} parts, {jobs} at a time: {', '.join(p.name for p in todo)}", flush=True)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(lambda part: run(part, logs, environ), todo))
    failed = [part.name for part, passed in zip(todo, results, strict=True) if not passed]
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
