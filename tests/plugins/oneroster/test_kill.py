"""An import killed in the middle leaves the database as it was."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ediary_oneroster.generate import write_set
from tests.plugins.oneroster.snapshot import snapshot


def _start_and_kill(url: str, path: Path) -> int:
    env = {**os.environ, "EDIARY_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "ediary.cli", "import", "oneroster", str(path)]
    command += ["--region", "gen-region"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stderr is not None
    # Wait until a tenth of the rows are done: several chunks are written by then, uncommitted.
    deadline = time.monotonic() + 60
    for line in process.stderr:
        if b"rows done" in line or time.monotonic() > deadline:
            break
    assert process.poll() is None, "the import finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    return process.returncode


async def test_killed_import_leaves_no_trace(fresh: str, tmp_path: Path) -> None:
    before = await snapshot()
    # Size M: batched writes take a few seconds for it, S is over before the kill.
    await asyncio.to_thread(write_set, tmp_path / "set", "M")
    returncode = await asyncio.to_thread(_start_and_kill, fresh, tmp_path / "set")
    assert returncode == -signal.SIGKILL
    assert await snapshot() == before
