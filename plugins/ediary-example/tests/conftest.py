"""How to test a plugin: register it directly (no install needed), migrate a scratch SQLite
database with the core's and the plugin's migrations, and talk to the app over ASGI.

Run with `pytest plugins/ediary-example/tests` from the repository root; `make test` does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from ediary.adapters import PluginManager, load_plugins, model_apps
from ediary.app import create_app
from ediary.config import Settings
from ediary.db import close_database, migrate, open_database
from ediary_example import plugin

# Only this plugin: other installed plugins are not part of its tests.
ALLOWED: tuple[str, ...] = ()


@pytest.fixture(scope="session")
def manager() -> PluginManager:
    """The built-in plugins and this one."""
    return load_plugins(ALLOWED, extra=[plugin])


@pytest.fixture(scope="session")
async def database(
    tmp_path_factory: pytest.TempPathFactory, manager: PluginManager
) -> AsyncIterator[str]:
    url = f"sqlite://{tmp_path_factory.mktemp('db') / 'example.sqlite3'}"
    apps = model_apps(manager)
    await migrate(url, apps)
    await open_database(url, apps)
    yield url
    await close_database()


@pytest.fixture(scope="session")
def app(database: str) -> Starlette:
    settings = Settings(database_url=database, plugins=ALLOWED, public_url="http://testserver")
    return create_app(settings, manage_database=False, extra_plugins=[plugin])


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


GraphQL = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def graphql(client: httpx.AsyncClient) -> GraphQL:
    """Post a GraphQL document to the app and return the decoded answer."""

    async def post(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    return post


@pytest.fixture
def greetings_file(tmp_path: Path) -> Path:
    path = tmp_path / "greetings.txt"
    path.write_text("Hello\n\nPrivet\nHello\n" + "x" * 201 + "\n", encoding="utf-8")
    return path
