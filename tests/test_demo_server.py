"""The newcomer's path end to end: load the demo school, serve it, read a child's week as the
demo parent, and fetch the progress chart, all against real processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import BACKEND

# The demo server always runs on its own SQLite file, so one pass of the suite is enough.
pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")

TODAY = "2026-11-26"  # a Thursday of the second quarter
WEEK = "2026-W48"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    env = {**os.environ, "EDIARY_DATABASE_URL": f"sqlite://{database}"}
    cli = [sys.executable, "-m", "ediary.cli"]
    loaded = subprocess.run(
        [*cli, "demo", "--today", TODAY], env=env, capture_output=True, text=True, timeout=120
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "parent" in loaded.stdout and "password for all: demo" in loaded.stdout
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        # Links the API hands out start with the public address: this server's.
        env={**env, "EDIARY_PUBLIC_URL": base},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "the server did not start in 30 s"
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _post(base: str, query: str, variables: dict[str, object], token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    result: dict = response.json()
    assert "errors" not in result, result
    return result["data"]


def test_demo_parent_reads_a_childs_week_and_chart(demo_server: str) -> None:
    login = _post(
        demo_server,
        """mutation { login(input: {login: "parent", password: "demo", client: APP}) {
             accessToken viewer { children { id fullName } } userErrors { message } } }""",
        {},
    )["login"]
    assert login["userErrors"] == []
    token = login["accessToken"]
    children = login["viewer"]["children"]
    assert len(children) == 2

    diary = _post(
        demo_server,
        """query($s: ID!, $w: Week!) { diary(studentId: $s, week: $w) {
             days { date lessons { lesson { subject { name } bell { startsAt } }
                                   homework { text } marks { value weight kind } } }
             termAverages { subject { name } average } } }""",
        {"s": children[0]["id"], "w": WEEK},
        token,
    )["diary"]
    lessons = [x for day in diary["days"] for x in day["lessons"]]
    assert len(lessons) >= 20  # a school week of 5-6 lessons a day
    assert all(x["lesson"]["bell"] for x in lessons)
    assert any(x["marks"] for x in lessons) and any(x["homework"] for x in lessons)
    assert diary["termAverages"]

    progress = _post(
        demo_server,
        "query($s: ID!) { progress(studentId: $s) { chartUrl } }",
        {"s": children[0]["id"]},
        token,
    )["progress"]
    chart = httpx.get(
        progress["chartUrl"],
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(chart.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
