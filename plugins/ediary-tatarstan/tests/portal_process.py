"""The local portal (tests/local_portal.py) as a real HTTP service: uvicorn in its own process
on a free loopback port, ready once its health route answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

HERE = Path(__file__).resolve().parent
CLIENT_ID = "ediary-16"
CLIENT_SECRET = "portal-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class LocalPortal:
    url: str

    @property
    def client_settings(self) -> dict[str, str]:
        """The plugin's settings of a deployment registered at this portal."""
        return {
            "EDIARY_TATARSTAN_PORTAL_URL": self.url,
            "EDIARY_TATARSTAN_CLIENT_ID": CLIENT_ID,
            "EDIARY_TATARSTAN_CLIENT_SECRET": CLIENT_SECRET,
        }

    def add_person(self, login: str, data: dict[str, Any]) -> None:
        httpx.put(f"{self.url}/_test/people/{login}", json=data, timeout=5).raise_for_status()


@contextmanager
def running_portal(log: Path) -> Iterator[LocalPortal]:
    """The local portal in a uvicorn process until the block ends; its errors go to `log`."""
    port = free_port()
    env = {
        **os.environ,
        "LOCAL_PORTAL_CLIENT_ID": CLIENT_ID,
        "LOCAL_PORTAL_CLIENT_SECRET": CLIENT_SECRET,
    }
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "local_portal:app", "--app-dir", str(HERE)),
                *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the local portal did not start: {log.read_text()}")
            time.sleep(0.1)
        yield LocalPortal(url)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def local_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPortal]:
    """The local portal for the test session."""
    with running_portal(tmp_path_factory.mktemp("local-portal") / "portal.log") as portal:
        yield portal
