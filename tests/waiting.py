"""Waiting in tests for a condition to hold, never for a fixed time: `eventually` polls a
check until it holds or a deadline passes (then the test fails, saying what it waited for)."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

# Often enough that a test waits little longer than the thing it waits for.
POLL_SECONDS = 0.02


async def eventually(
    check: Callable[[], bool | Awaitable[bool]], within: float = 15.0, what: str = ""
) -> None:
    """Return once `check()` (a function or a coroutine function) is true; fail after
    `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        held = check()
        if inspect.isawaitable(held):
            held = await held
        if held:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what or check}")
        await asyncio.sleep(POLL_SECONDS)
