"""The fixtures and pytest settings of `ediary.testing`; see its docstring."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from datetime import date

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from ediary.adapters import PluginManager, load_plugins, model_apps
from ediary.app import create_app
from ediary.config import Settings
from ediary.testing.client import GraphQLClient
from ediary.testing.database import listen_url, migrated_database, postgres_server
from ediary.testing.mail import Mailbox, SmtpServer
from ediary.testing.world import SmallWorld, build_small_world

# A Wednesday in the second quarter: tests see the same week whatever the real date.
TODAY = date(2026, 11, 25)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Async tests and fixtures need no markers, as with `--asyncio-mode=auto`, unless the
    # command line chose a mode.
    if config.getoption("asyncio_mode", None) is None:
        config.option.asyncio_mode = "auto"


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(
    collector: pytest.Module | pytest.Class, name: str, obj: object
) -> None:
    # The database is opened in the session's event loop and Tortoise's connections belong to
    # it: async tests run in that loop too, unless a test's own asyncio marker says otherwise.
    if not inspect.iscoroutinefunction(obj) or not collector.funcnamefilter(name):
        return
    marks = getattr(obj, "pytestmark", [])
    if not any(mark.name == "asyncio" for mark in marks):
        pytest.mark.asyncio(loop_scope="session")(obj)


def pytest_report_header() -> str:
    return f"ediary database backend: {'postgres' if postgres_server() else 'sqlite'}"


@pytest.fixture(scope="session")
def ediary_plugins() -> list[object]:
    """The plugins under test, registered directly: override it in your conftest.py."""
    return []


@pytest.fixture(scope="session")
def region_code() -> str:
    """The code of the world's region: override it with your region's."""
    return "test"


@pytest.fixture(scope="session")
def today() -> date:
    """The date the app and the world take as today."""
    return TODAY


@pytest.fixture(scope="session")
def plugin_manager(ediary_plugins: list[object]) -> PluginManager:
    """The built-in plugins and `ediary_plugins`; installed plugins are left out."""
    return load_plugins((), extra=ediary_plugins)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database(
    tmp_path_factory: pytest.TempPathFactory, plugin_manager: PluginManager
) -> AsyncIterator[str]:
    """A scratch database migrated with the core's and the plugins' migrations, open for the
    session: SQLite, or PostgreSQL when EDIARY_TEST_POSTGRES_URL names a server database."""
    directory = tmp_path_factory.mktemp("db")
    apps = model_apps(plugin_manager)
    async with migrated_database(directory, apps, postgres_server()) as url:
        yield url


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on a free loopback port; the app's e-mail goes to it."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def mailbox(smtp: SmtpServer) -> Mailbox:
    """The messages the SMTP server received."""
    return smtp.mailbox


@pytest.fixture(scope="session")
def settings(
    database: str, smtp: SmtpServer, today: date, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """The app's settings: the scratch database, the SMTP server, `today`, no installed
    plugins, and http://testserver as the public address."""
    return Settings(
        database_url=database,
        listen_database_url=listen_url(database),
        plugins=(),
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        mail_from="diary@school.example",
        public_url="http://testserver",
        today=today,
        attachments_dir=str(tmp_path_factory.mktemp("attachments")),
    )


@pytest.fixture(scope="session")
def app(settings: Settings, ediary_plugins: list[object]) -> Starlette:
    """The application with `ediary_plugins`, on the scratch database."""
    return create_app(settings, manage_database=False, extra_plugins=ediary_plugins)


@pytest.fixture(scope="session")
def graphql(app: Starlette) -> GraphQLClient:
    """GraphQL over ASGI: `await graphql(query, variables)`, `await graphql.login(...)`."""
    return GraphQLClient(app)


@pytest_asyncio.fixture(loop_scope="session")
async def client(graphql: GraphQLClient) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client of the app, for the plugin's own routes."""
    async with graphql.http() as http:
        yield http


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def world(database: str, region_code: str, today: date) -> SmallWorld:
    """The small world, built once per session in `region_code`."""
    return await build_small_world(region_code, today)
