"""A bounded fuzz run of the GraphQL endpoint with schemathesis: every query and mutation field,
with arguments generated from the schema (odd dates, weeks, IDs, long strings, big numbers),
as an anonymous client, a parent and a teacher. Any HTTP 500 or error coded
INTERNAL_SERVER_ERROR fails the test.

It drives a real `ediary serve` process (tests/servers.py) on a database of its own, built
with the test world: mutations may change anything there without disturbing the session's
shared database, and a 500 is seen exactly as a client sees it, from a separate process whose
crashes cannot take the test runner with it. Examples are derandomized, so a run is
reproducible, and bounded per field and in total time per role.
"""

from __future__ import annotations

import asyncio
import string
import time
from collections.abc import AsyncIterator
from datetime import date
from datetime import time as clock
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes
from strawberry.relay import to_base64

from ediary.db import PluginApps, close_database, migrate, open_database
from tests.conftest import BACKEND, _fresh_database_url
from tests.servers import Server
from tests.world import World, build_world

# Per field and role: about 80 fields, 970 requests, near a minute per role on two cores.
EXAMPLES_PER_FIELD = 12
SECONDS_PER_ROLE = 75

_text = st.text(string.printable, max_size=12)
# Custom scalars, valid ones mixed with the odd values that used to cause server errors.
schemathesis.graphql.scalar(
    "Week",
    st.one_of(
        st.sampled_from(["2026-W48", "9999-W52", "0001-W01", "2026-W54", "x"]),
        st.builds(lambda y, w: f"{y:04d}-W{w:02d}", st.integers(0, 9999), st.integers(0, 60)),
    ).map(nodes.String),
)
schemathesis.graphql.scalar(
    "Date",
    st.one_of(st.dates(), st.dates(date(2026, 9, 1), date(2027, 6, 1)))
    .map(date.isoformat)
    .map(nodes.String),
)
schemathesis.graphql.scalar(
    "DateTime", st.datetimes().map(lambda d: d.isoformat()).map(nodes.String)
)
schemathesis.graphql.scalar("Time", st.times().map(clock.isoformat).map(nodes.String))
schemathesis.graphql.scalar("Upload", st.just(nodes.Null))


def _server_errors(response: requests.Response) -> str | None:
    if response.status_code >= 500:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    try:
        body: Any = response.json()
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or []:
        if (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR":
            return f"INTERNAL_SERVER_ERROR at {error.get('path')}"
    return None


# Kinds of objects of the test world whose IDs the fuzzer uses, by the world's names for them.
_WORLD_NODES = {
    "School": ("school_A", "school_B"),
    "SchoolClass": ("class_7a", "class_7b", "class_5a"),
    "Subject": ("math", "russian"),
    "Term": ("term1_A", "term2_A"),
    "Homework": ("math_homework",),
    "Mark": ("math_mark", "classmate_mark"),
}
_WORLD_USERS = {
    "Student": ("student", "classmate", "other_school_student"),
    "Teacher": ("math_teacher",),
    "Parent": ("parent",),
}


def world_ids(world: World) -> list[str]:
    """Global IDs of real objects, of hidden ones, and IDs no object has: random IDs alone
    would stop at NOT_FOUND before the arguments that follow them are ever used."""
    found = [
        to_base64(kind, world.id(name)) for kind, names in _WORLD_NODES.items() for name in names
    ]
    found += [
        to_base64(kind, world.users[name].id)
        for kind, names in _WORLD_USERS.items()
        for name in names
    ]
    lesson = world.objects["math_mark"].lesson_id  # type: ignore[attr-defined]
    found.append(to_base64("Lesson", lesson))
    found += [to_base64("Student", 2**64), to_base64("Node", 1), to_base64("Mark", "1e3"), "x"]
    return found


def fuzz(url: str, token: str | None, ids: list[str]) -> tuple[list[str], int, int]:
    """Fuzz every field: the failures found (each the request and what came back), the number
    of fields fuzzed and the number of requests sent."""
    schemathesis.graphql.scalar("ID", st.sampled_from(ids).map(nodes.String))
    schema = schemathesis.graphql.from_url(f"{url}/graphql")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    failures: list[str] = []
    fields = sent = 0
    deadline = time.monotonic() + SECONDS_PER_ROLE
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            if time.monotonic() > deadline:
                break
            fields += 1

            @settings(
                max_examples=EXAMPLES_PER_FIELD,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def check(case: Any) -> None:
                nonlocal sent
                response = case.call(base_url=url, session=session, headers=headers, timeout=30)
                sent += 1
                problem = _server_errors(response)
                if problem is not None:
                    failures.append(f"{case.operation.label}: {problem}\n{case.body}")

            check()
    return failures, fields, sent


@pytest.fixture(scope="module")
async def fuzz_server(
    database: str, plugin_apps: PluginApps, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Server, World]]:
    """A server on a database of its own with the test world in it."""
    tmp = tmp_path_factory.mktemp("fuzz")
    url, drop = await _fresh_database_url(BACKEND, tmp)
    await close_database()
    try:
        await migrate(url, plugin_apps)
        await open_database(url, plugin_apps)
        world = await build_world()
        await close_database()
    finally:
        await open_database(database, plugin_apps)
    env = {
        "EDIARY_DATABASE_URL": url,
        "EDIARY_ANONYMOUS_RATE_POINTS_PER_HOUR": "1000000",
        "EDIARY_RATE_POINTS_PER_HOUR": "1000000",
        "EDIARY_IMPORT_DIR": str(tmp),
    }
    try:
        async with Server(env, tmp / "server.log", wait=60) as server:
            yield server, world
    finally:
        await drop()


@pytest.mark.parametrize("role", ["anonymous", "parent", "math_teacher"])
async def test_no_server_errors_for_generated_requests(
    fuzz_server: tuple[Server, World], role: str
) -> None:
    server, world = fuzz_server
    token = None if role == "anonymous" else world.tokens[role]
    failures, fields, sent = await asyncio.to_thread(fuzz, server.url, token, world_ids(world))
    assert not failures, "\n\n".join(failures[:10])
    # The run reached most fields (the time bound may stop it early on a loaded machine).
    assert fields >= 40 and sent >= fields, (fields, sent)
