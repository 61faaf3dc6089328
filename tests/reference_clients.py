"""Reference clients from outside Python: Node scripts in compat/ (graphql-http's audits, the
graphql-ws client) and Debian's chromium. A developer machine without them skips those
tests with the reason; CI sets EDIARY_REQUIRE_COMPAT=1 and installs them, and there a missing
tool fails the test instead."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from tests.servers import ROOT

COMPAT = ROOT / "compat"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def require(what: str, present: bool, how: str) -> None:
    """Skip, or fail under EDIARY_REQUIRE_COMPAT=1, when a tool is missing."""
    if present:
        return
    reason = f"{what} is not available: {how}"
    if os.environ.get("EDIARY_REQUIRE_COMPAT") == "1":
        pytest.fail(f"{reason} (EDIARY_REQUIRE_COMPAT=1 wants it)")
    pytest.skip(reason)


def node() -> str:
    """The `node` executable, once compat/'s pinned packages are installed."""
    found = shutil.which("node")
    require("Node.js", found is not None, "install Node.js 20 or newer (and npm)")
    require(
        "compat/node_modules",
        (COMPAT / "node_modules" / "graphql-http").is_dir()
        and (COMPAT / "node_modules" / "graphql-ws").is_dir(),
        "run `npm ci` in compat/",
    )
    assert found is not None
    return found


def chromium() -> tuple[str, str]:
    """Debian's chromium and its matching chromedriver."""
    require(
        "chromium",
        Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(),
        "apt-get install chromium chromium-driver",
    )
    return CHROMIUM, CHROMEDRIVER


async def start_node(script: str, *args: str) -> asyncio.subprocess.Process:
    """A compat/ script, started; its stdout and stderr are pipes."""
    return await asyncio.create_subprocess_exec(
        node(),
        str(COMPAT / script),
        *args,
        cwd=COMPAT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def run_node(script: str, *args: str, within: float = 120) -> tuple[int, str, str]:
    """Runs a compat/ script to its end: exit status, stdout, stderr."""
    process = await start_node(script, *args)
    try:
        out, err = await asyncio.wait_for(process.communicate(), within)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()
