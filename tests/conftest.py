"""Test set-up. Database tests run on SQLite, or on PostgreSQL when EDIARY_TEST_POSTGRES_URL
names a server database to create scratch databases from (for example
postgres://postgres@127.0.0.1:5432/test). `make test` runs the suite once for each.

One backend per process: Tortoise binds model classes to the first backend's SQL dialect."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import settings as hypothesis_settings
from starlette.applications import Starlette

from ediary.adapters.manager import load_plugins, model_apps
from ediary.app import create_app
from ediary.config import Settings
from ediary.db import PluginApps, close_database, migrate, open_database
from ediary.testing.database import (
    listen_url,
    migrated_database,
    postgres_server,
    scratch_database_url,
)

# The test kit's real SMTP server and its mailbox, as plugin authors get them.
from ediary.testing.plugin import mailbox as mailbox
from ediary.testing.plugin import smtp as smtp
from tests.mail import SmtpServer
from tests.world import World, build_world

# Property tests check arithmetic, not speed: on a shared, loaded machine a time limit per
# example only makes them flaky.
hypothesis_settings.register_profile("ediary", deadline=None)
hypothesis_settings.load_profile("ediary")

POSTGRES_URL = postgres_server()
BACKEND = "postgres" if POSTGRES_URL else "sqlite"


async def _fresh_database_url(backend: str, tmp: Path) -> tuple[str, Callable[[], Awaitable[None]]]:
    """A new, empty database and how to drop it, for tests that need one of their own."""
    stack = AsyncExitStack()
    server = POSTGRES_URL if backend == "postgres" else ""
    url = await stack.enter_async_context(scratch_database_url(tmp, server))
    return url, stack.aclose


def pytest_report_header() -> str:
    return f"ediary database backend: {BACKEND}"


# What starts a process or a real peer: the helpers of tests/servers.py and
# tests/reference_clients.py (ediary serve, Node's clients, chromium), and these fixtures.
SLOW_MODULES = ("tests.servers", "tests.reference_clients")
SLOW_FIXTURES = frozenset(
    {"browser", "oidc_provider", "served", "portal_app", "esia_provider", "esia_app"}
)


def _starts_processes(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    imported = {getattr(value, "__module__", None) for value in vars(module).values()}
    if module is not None and imported & set(SLOW_MODULES):
        return True
    return bool(SLOW_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `slow` the tests that start servers, browsers or virtual environments, so that
    `pytest -m "not slow"` is the quick loop; `make test` runs everything. With
    EDIARY_TEST_PART=k/n, keep only the k-th of n parts of the test modules (tests/legs.py)."""
    for item in items:
        if item.get_closest_marker("install") or _starts_processes(item):
            item.add_marker(pytest.mark.slow)
    if part := os.environ.get("EDIARY_TEST_PART"):
        kept = set(modules_of_part(sorted({_module(item) for item in items}), part))
        config.hook.pytest_deselected(items=[i for i in items if _module(i) not in kept])
        items[:] = [item for item in items if _module(item) in kept]


def _module(item: pytest.Item) -> str:
    return item.nodeid.partition("::")[0]


def modules_of_part(modules: list[str], part: str) -> list[str]:
    """The modules of part "k/n": every n-th module from the k-th, so that the slow modules
    of a directory are spread over the parts."""
    index, _, count = part.partition("/")
    return modules[int(index) - 1 :: int(count)]


@pytest.fixture(scope="session")
def plugin_apps() -> PluginApps:
    """The database apps of every installed plugin: the tests run with all of them."""
    return model_apps(load_plugins())


@pytest.fixture(scope="session")
async def database(
    tmp_path_factory: pytest.TempPathFactory, plugin_apps: PluginApps
) -> AsyncIterator[str]:
    """A freshly migrated scratch database, shared by the session's tests."""
    directory = tmp_path_factory.mktemp("db")
    async with migrated_database(directory, plugin_apps, POSTGRES_URL) as url:
        yield url


@pytest.fixture
async def fresh(database: str, plugin_apps: PluginApps, tmp_path: Path) -> AsyncIterator[str]:
    """A new, migrated, empty database for the test; the shared one is back afterwards."""
    url, drop = await _fresh_database_url(BACKEND, tmp_path)
    await close_database()
    await migrate(url, plugin_apps)
    await open_database(url, plugin_apps)
    try:
        yield url
    finally:
        await close_database()
        await drop()
        await open_database(database, plugin_apps)


@pytest.fixture(scope="session")
async def world(database: str) -> World:
    return await build_world()


# Writes are checked against the current term: tests pretend it is a Wednesday of the
# world's week, whatever the real date.
TODAY = date(2026, 11, 25)


@pytest.fixture(scope="session")
def settings(database: str, smtp: SmtpServer, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database,
        listen_database_url=listen_url(database),
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        mail_from="diary@school.example",
        public_url="http://testserver",
        today=TODAY,
        attachments_dir=str(tmp_path_factory.mktemp("attachments")),
        max_attachment_bytes=64 * 1024,
    )


@pytest.fixture(scope="session")
def app(settings: Settings) -> Starlette:
    return create_app(settings, manage_database=False)


def nothing_answered(result: dict[str, Any]) -> bool:
    """Whether every root field of an answer that ran is null: how a refused read answers,
    root fields being nullable so that one refusal leaves other fields' data (docs/api.md,
    "Nullability"). A request refused before it ran has `data: null` instead."""
    data = result.get("data")
    return isinstance(data, dict) and bool(data) and all(v is None for v in data.values())


class GraphQLClient:
    """Posts GraphQL documents to the app over ASGI, as a given user or anonymously."""

    def __init__(self, app: Starlette, world: World, client: str = "127.0.0.1") -> None:
        self.app = app
        self.world = world
        # The client address the app sees; limits per client key on it.
        self.client = client

    def from_address(self, client: str) -> GraphQLClient:
        """The same client, seen by the app as coming from another address."""
        return GraphQLClient(self.app, self.world, client)

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app, client=(self.client, 50000)),
            base_url="http://testserver",
        )

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_user: str | None = None,
        bearer: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent = dict(headers or {})
        if as_user is not None:
            bearer = self.world.tokens[as_user]
        if bearer is not None:
            sent["Authorization"] = f"Bearer {bearer}"
        async with self.http() as client:
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
            )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def upload(
        self,
        who: str,
        query: str,
        input: dict[str, Any],
        files: list[tuple[str, bytes]],
        key: str = "attachments",
    ) -> dict[str, Any]:
        """A mutation with files by the GraphQL multipart request spec (operations, map, then
        the files, as `input.<key>`), as `who`; the answer's data, which must have no errors."""
        input = {**input, key: [None] * len(files)}
        mapping = {str(i): [f"variables.input.{key}.{i}"] for i in range(len(files))}
        form = {
            "operations": json.dumps({"query": query, "variables": {"input": input}}),
            "map": json.dumps(mapping),
        }
        uploads = {
            str(i): (name, data, "application/octet-stream") for i, (name, data) in enumerate(files)
        }
        async with self.http() as client:
            response = await client.post(
                "/graphql",
                data=form,
                files=uploads,
                headers={"Authorization": f"Bearer {self.world.tokens[who]}"},
            )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        assert "errors" not in result, result
        data: dict[str, Any] = result["data"]
        return data


@pytest.fixture(scope="session")
def gql(app: Starlette, world: World) -> GraphQLClient:
    return GraphQLClient(app, world)
