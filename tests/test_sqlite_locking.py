"""Two processes that read and then write one SQLite file at the same time both succeed with
our client (BEGIN IMMEDIATE), where Tortoise's stock client (a deferred BEGIN) fails one."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

# Each process: wait for the start signal, then in one transaction read the counter, think
# for a moment (so the two transactions overlap) and write it back plus one.
WRITER = """
import asyncio, sys
from pathlib import Path
from tortoise import Tortoise
from tortoise.transactions import in_transaction
from ediary.db import tortoise_config

path, engine, go, ready = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
config = tortoise_config(f"sqlite://{path}")
if engine == "deferred":
    config["connections"]["default"]["engine"] = "tortoise.backends.sqlite"

async def main() -> None:
    await Tortoise.init(config=config, _enable_global_fallback=True)
    await Tortoise.get_connection("default").execute_query("SELECT 1")
    ready.touch()
    while not go.exists():
        await asyncio.sleep(0.01)
    try:
        async with in_transaction() as tx:
            rows = await tx.execute_query_dict("SELECT n FROM counter")
            await asyncio.sleep(0.5)
            await tx.execute_query("UPDATE counter SET n = ?", [rows[0]["n"] + 1])
    except Exception as error:
        print(f"FAILED: {error}")
        sys.exit(1)
    finally:
        await Tortoise.close_connections()
    print("OK")

asyncio.run(main())
"""


def _race(tmp_path: Path, engine: str) -> tuple[list[str], int]:
    path = tmp_path / f"{engine}.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
        db.execute("INSERT INTO counter VALUES (0)")
    go = tmp_path / f"{engine}.go"
    readies = [tmp_path / f"{engine}.ready{n}" for n in range(2)]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), engine, str(go), str(ready)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for ready in readies
    ]
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready in readies):
        assert time.monotonic() < deadline, "the writers did not connect"
        time.sleep(0.05)
    go.touch()
    outputs = [writer.communicate(timeout=60)[0].strip() for writer in writers]
    with sqlite3.connect(path) as db:
        (count,) = db.execute("SELECT n FROM counter").fetchone()
    return outputs, count


def test_concurrent_read_then_write_transactions_both_commit(tmp_path: Path) -> None:
    outputs, count = _race(tmp_path, "immediate")
    assert [line.splitlines()[-1] for line in outputs] == ["OK", "OK"], outputs
    # Serialized, not interleaved: the second read the first's write, so none is lost.
    assert count == 2


def test_without_it_one_of_them_fails_on_the_lock_upgrade(tmp_path: Path) -> None:
    outputs, count = _race(tmp_path, "deferred")
    verdicts = sorted(line.splitlines()[-1] for line in outputs)
    assert verdicts == ["FAILED: database is locked", "OK"], outputs
    assert count == 1
