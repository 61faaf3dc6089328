"""The newcomer's path end to end: load the demo school as of today, serve it, log in and read
a child's week with the README's own examples, fetch the progress chart, and find the school's
life in it (coming weeks, forecasts with lessons left, news, meetings with answers,
conversations, homework files that download), all against real processes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from ediary.demo import PUBLIC_HOLIDAYS, TERMS
from ediary.domain.weeks import IsoWeek
from tests.conftest import BACKEND

# The demo server always runs on its own SQLite file, so one pass of the suite is enough.
pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")

README = Path(__file__).resolve().parent.parent / "README.md"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # Built as of the real today, as `make run` does: the demo must hold on any date.
    folder = tmp_path_factory.mktemp("demo")
    env = {
        **os.environ,
        "EDIARY_DATABASE_URL": f"sqlite://{folder / 'demo.sqlite3'}",
        "EDIARY_ATTACHMENTS_DIR": str(folder / "attachments"),
    }
    env.pop("EDIARY_TODAY", None)
    cli = [sys.executable, "-m", "ediary.cli"]
    loaded = subprocess.run([*cli, "demo"], env=env, capture_output=True, text=True, timeout=120)
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


def _post(
    base: str, query: str, variables: dict[str, object], token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert "errors" not in result, result
    data: dict[str, Any] = result["data"]
    return data


def _today() -> date:
    return datetime.now(ZoneInfo("Europe/Moscow")).date()


def _terms(today: date) -> list[tuple[date, date]]:
    """The demo's terms in the academic year of `today` (June on: the coming one)."""
    year = today.year if today.month >= 6 else today.year - 1
    return [
        (date(year + (start[0] < 9), *start), date(year + (end[0] < 9), *end))
        for start, end in TERMS
    ]


def _school_days(week: IsoWeek, today: date) -> list[date]:
    days = [week.monday + timedelta(days=n) for n in range(5)]
    return [
        day
        for day in days
        if (day.month, day.day) not in PUBLIC_HOLIDAYS
        and any(start <= day <= end for start, end in _terms(today))
    ]


def _readme_examples() -> list[str]:
    return re.findall(r"```graphql\n(.*?)```", README.read_text(), flags=re.DOTALL)


@pytest.fixture(scope="module")
def parent(demo_server: str) -> tuple[str, list[dict[str, str]]]:
    login = _post(
        demo_server,
        """mutation { login(input: {login: "parent", password: "demo", client: APP}) {
             accessToken viewer { children { id fullName } } userErrors { message } } }""",
        {},
    )["login"]
    assert login["userErrors"] == []
    return login["accessToken"], login["viewer"]["children"]


def test_the_readme_examples_work_as_pasted_on_any_date(demo_server: str) -> None:
    login, week_query = _readme_examples()
    with httpx.Client(base_url=demo_server, timeout=30) as browser:
        # The README's login is a BROWSER one: the session lives in the cookie.
        logged_in = browser.post("/graphql", json={"query": login}).json()
        assert "errors" not in logged_in, logged_in
        assert logged_in["data"]["login"]["userErrors"] == []
        children = logged_in["data"]["login"]["viewer"]["children"]
        answer = browser.post(
            "/graphql", json={"query": week_query, "variables": {"student": children[0]["id"]}}
        ).json()
    assert "errors" not in answer, answer
    days = answer["data"]["diary"]["days"]
    today = _today()
    week = IsoWeek.containing(today)
    assert [day["date"] for day in days] == [
        (week.monday + timedelta(days=n)).isoformat() for n in range(7)
    ]
    school_days = {day.isoformat() for day in _school_days(week, today)}
    for day in days:
        # Every school day of the current week has its lessons, past and coming alike.
        assert bool(day["lessons"]) == (day["date"] in school_days), day["date"]


def test_coming_weeks_are_timetabled_and_forecasts_have_lessons_left(
    demo_server: str, parent: tuple[str, list[dict[str, str]]]
) -> None:
    token, children = parent
    today = _today()
    week = IsoWeek.containing(today)
    coming = [IsoWeek.containing(week.monday + timedelta(days=7 * n)) for n in (1, 2, 3)]
    with_school = [w for w in coming if _school_days(w, today)]
    if with_school:
        # The next week with school days (the next one, but for a holiday) has lessons.
        diary = _post(
            demo_server,
            "query($s: ID!, $w: Week) { diary(studentId: $s, week: $w) { days { date "
            "lessons { lesson { topic subject { id name } } marks { value } } } } }",
            {"s": children[0]["id"], "w": str(with_school[0])},
            token,
        )["diary"]
        lessons = [x for day in diary["days"] for x in day["lessons"]]
        assert len(lessons) >= 4 * len(_school_days(with_school[0], today))
        assert not any(x["marks"] for x in lessons)  # nothing is marked ahead
    term_end = next((end for start, end in _terms(today) if start <= today <= end), None)
    if term_end is None or term_end - today < timedelta(days=7):
        pytest.skip("no term under way with a week left: no lessons can be left")
    averages = _post(
        demo_server,
        "query($s: ID!) { termAverages(studentId: $s) { subject { id name } } }",
        {"s": children[0]["id"]},
        token,
    )["termAverages"]
    left = [
        _post(
            demo_server,
            "query($s: ID!, $subject: ID!) { markForecast(studentId: $s, subjectId: $subject, "
            "target: 5) { remainingLessons } }",
            {"s": children[0]["id"], "subject": average["subject"]["id"]},
            token,
        )["markForecast"]["remainingLessons"]
        for average in averages[:4]
    ]
    assert left and all(count > 0 for count in left), left


def test_news_meetings_and_conversations_are_there(
    demo_server: str, parent: tuple[str, list[dict[str, str]]]
) -> None:
    token, _ = parent
    life = _post(
        demo_server,
        """{ announcements(first: 20) { totalCount
               edges { node { audience title attachments { filename } } } }
             meetings(first: 20) { edges { node { title minutes myReplies { answer } } } }
             conversations(first: 20) { edges { node { kind unreadCount
               messages(first: 10) { edges { node { text isOwn } } } } } } }""",
        {},
        token,
    )
    news = [edge["node"] for edge in life["announcements"]["edges"]]
    assert {item["audience"] for item in news} == {"SCHOOL", "CLASS", "BLOG"}
    assert any(item["attachments"] for item in news)
    meetings = [edge["node"] for edge in life["meetings"]["edges"]]
    assert any(item["minutes"] for item in meetings)  # a past one, with its minutes
    assert any(item["myReplies"] for item in meetings)
    threads = [edge["node"] for edge in life["conversations"]["edges"]]
    assert {thread["kind"] for thread in threads} == {"DIRECT", "CLASS_GROUP"}
    direct = next(thread for thread in threads if thread["kind"] == "DIRECT")
    messages = [edge["node"] for edge in direct["messages"]["edges"]]
    assert len(messages) >= 4 and {m["isOwn"] for m in messages} == {True, False}
    assert direct["unreadCount"] >= 1  # the teacher's answer is still unread


def test_homework_files_download_through_the_app(
    demo_server: str, parent: tuple[str, list[dict[str, str]]]
) -> None:
    token, children = parent
    today = _today()
    weeks = [IsoWeek.containing(today - timedelta(days=7 * n)) for n in (0, 1, 2)]
    files = []
    for week in weeks:
        diary = _post(
            demo_server,
            "query($s: ID!, $w: Week) { diary(studentId: $s, week: $w) { days { lessons { "
            "homework { attachments { filename contentType size url } } } } } }",
            {"s": children[0]["id"], "w": str(week)},
            token,
        )["diary"]
        files += [
            attachment
            for day in diary["days"]
            for lesson in day["lessons"]
            for homework in lesson["homework"]
            for attachment in homework["attachments"]
        ]
    if not any(_school_days(week, today) for week in weeks):
        pytest.skip("no school days in the last weeks: no homework was set")
    assert files
    magic = {"application/pdf": b"%PDF-", "image/png": b"\x89PNG\r\n\x1a\n", "text/plain": b""}
    for found in files:
        url = found["url"] if found["url"].startswith("http") else demo_server + found["url"]
        download = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert download.status_code == 200, found
        assert download.headers["content-type"].startswith(found["contentType"])
        assert len(download.content) == found["size"]
        assert download.content.startswith(magic[found["contentType"]])


def test_demo_parent_reads_the_progress_chart(
    demo_server: str, parent: tuple[str, list[dict[str, str]]]
) -> None:
    token, children = parent
    if IsoWeek.containing(_today()).monday < _terms(_today())[0][0]:
        pytest.skip("the school year has not begun: no marks yet")
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
