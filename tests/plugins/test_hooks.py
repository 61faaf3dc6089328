"""One test per hook of the plugin contract: a probe plugin implements the hook and the
test observes its effect through the application. tests/test_plugin_docs.py fails when a
hook of ediary/adapters/hookspecs.py has no test here."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ediary.adapters import (
    GraphQLContribution,
    ImportBackend,
    ImportContext,
    ImportReport,
    LoginFlow,
    Message,
    ModelsApp,
    NotificationChannel,
    PluginError,
    hookimpl,
    load_plugins,
    model_apps,
)
from ediary.adapters.imports import backends_by_name, import_context, run_import
from ediary.app import create_app
from ediary.config import Settings
from ediary.domain.grading import DEFAULT_POLICY, MarkScale, RegionPolicy
from ediary.domain.reach import Reach

ROOT = Path(__file__).resolve().parents[2]


async def ask(app: Starlette, query: str, variables: dict[str, Any] | None = None) -> Any:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.hook("login_flows")
async def test_login_flows(settings: Settings, calls: set[str]) -> None:
    class Probe:
        @hookimpl
        def login_flows(self, settings: Settings) -> list[LoginFlow]:
            calls.add("login_flows")
            return [LoginFlow(id="probe", title="Probe", regions=("r9",), mutation="login")]

    app = create_app(settings, manage_database=False, extra_plugins=[Probe()])
    query = "query($r: String) { loginFlows(region: $r) { id mutation } }"
    in_region = (await ask(app, query, {"r": "r9"}))["data"]["loginFlows"]
    assert {"id": "probe", "mutation": "login"} in in_region
    assert {"id": "password", "mutation": "login"} in in_region
    elsewhere = (await ask(app, query, {"r": "r1"}))["data"]["loginFlows"]
    assert "probe" not in [f["id"] for f in elsewhere]


@pytest.mark.hook("registration_flows")
async def test_registration_flows(settings: Settings, calls: set[str]) -> None:
    class Probe:
        @hookimpl
        def registration_flows(self) -> list[LoginFlow]:
            # Implementations may take fewer arguments than the specification offers.
            calls.add("registration_flows")
            return [LoginFlow(id="probe-sign-up", title="Sign up", mutation="signUp")]

    app = create_app(settings, manage_database=False, extra_plugins=[Probe()])
    flows = (await ask(app, "{ registrationFlows { id } }"))["data"]["registrationFlows"]
    assert {"id": "probe-sign-up"} in flows


@pytest.mark.hook("import_backends")
async def test_import_backends(tmp_path: Path, calls: set[str], settings: Settings) -> None:
    seen: list[tuple[Path, ImportContext]] = []

    async def run(path: Path, context: ImportContext) -> ImportReport:
        seen.append((path, context))
        return ImportReport(dry_run=context.dry_run, counts={"rows": 3})

    class Probe:
        @hookimpl
        def import_backends(self) -> list[ImportBackend]:
            calls.add("import_backends")
            return [ImportBackend(name="probe", title="Probe rows", run=run)]

    manager = load_plugins((), extra=[Probe()])
    backends = backends_by_name(manager)
    reach = Reach(actor_id=None, regions=frozenset({"r1"}))
    context = import_context(settings, manager, reach, dry_run=True)
    report = await run_import(backends["probe"], tmp_path, context)
    assert report.counts == {"rows": 3} and seen == [(tmp_path, context)]
    assert context.region_policy("r1") == DEFAULT_POLICY
    assert context.today == settings.school_today() and context.actor_id is None


@pytest.mark.hook("notification_channels")
async def test_notification_channels(settings: Settings, calls: set[str]) -> None:
    delivered: list[tuple[str, Message]] = []

    class Channel:
        def __init__(self, name: str) -> None:
            self.name = name

        async def send(self, message: Message) -> None:
            delivered.append((self.name, message))

    class Probe:
        @hookimpl
        def notification_channels(self, settings: Settings) -> list[NotificationChannel]:
            calls.add("notification_channels")
            # An "email" channel of a plugin replaces the built-in one.
            return [Channel("sms"), Channel("email")]

    app = create_app(settings, manage_database=False, extra_plugins=[Probe()])
    notifier = app.state.notifier
    assert notifier.names == ["email", "sms"]
    await notifier.send("email", Message("a@example.org", "Hi", "Body"))
    notifier.send_later("sms", Message("+79990000000", "", "Code 123456"))
    await notifier.drain()
    assert [(name, m.to) for name, m in delivered] == [
        ("email", "a@example.org"),
        ("sms", "+79990000000"),
    ]


@pytest.mark.hook("region_policy")
async def test_region_policy(calls: set[str]) -> None:
    ten_point = RegionPolicy(code="r9", scale=MarkScale(1, 10, 4, 7))

    class Probe:
        @hookimpl
        def region_policy(self, region_code: str) -> RegionPolicy | None:
            calls.add("region_policy")
            return ten_point if region_code == "r9" else None

    manager = load_plugins((), extra=[Probe()])
    # firstresult: the probe answers for its region, the built-in default for the rest.
    assert manager.hook.region_policy(region_code="r9") is ten_point
    assert manager.hook.region_policy(region_code="r1") is DEFAULT_POLICY


@strawberry.type
class ProbeQuery:
    @strawberry.field(description="A greeting from the probe plugin.")
    def probe_hello(self, name: str) -> str:
        return f"Hello, {name}"


@strawberry.type
class ProbeMutation:
    @strawberry.mutation(description="Echo from the probe plugin.")
    def probe_echo(self, text: str) -> str:
        return text


@strawberry.type
class ClashingQuery:
    @strawberry.field(description="Clashes with the core's viewer.")
    def viewer(self) -> str:
        return "nobody"


@pytest.mark.hook("graphql_schema")
async def test_graphql_schema(settings: Settings, calls: set[str]) -> None:
    class Probe:
        @hookimpl
        def graphql_schema(self) -> GraphQLContribution:
            calls.add("graphql_schema")
            return GraphQLContribution(query=ProbeQuery, mutation=ProbeMutation)

    app = create_app(settings, manage_database=False, extra_plugins=[Probe()])
    hello = await ask(app, '{ probeHello(name: "Anna") }')
    assert hello == {"data": {"probeHello": "Hello, Anna"}}
    echo = await ask(app, 'mutation { probeEcho(text: "ping") }')
    assert echo == {"data": {"probeEcho": "ping"}}
    # The core fields are all still there.
    assert (await ask(app, "{ loginFlows { id } }"))["data"]["loginFlows"]

    class Clash:
        @hookimpl
        def graphql_schema(self) -> GraphQLContribution:
            return GraphQLContribution(query=ClashingQuery)

    with pytest.raises(PluginError, match=r"plugin 'extra-0' failed: Query.viewer is already"):
        create_app(settings, manage_database=False, extra_plugins=[Clash()])


@pytest.mark.hook("http_routes")
async def test_http_routes(settings: Settings, calls: set[str]) -> None:
    async def hello(request: Request) -> Response:
        return PlainTextResponse(f"hello from {request.url.path}")

    class Probe:
        @hookimpl
        def http_routes(self, settings: Settings) -> list[BaseRoute]:
            calls.add("http_routes")
            return [Route("/probe/hello", hello)]

    app = create_app(settings, manage_database=False, extra_plugins=[Probe()])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.get("/probe/hello")
        assert response.text == "hello from /probe/hello"
        assert (await client.get("/healthz")).json() == {"status": "ok"}


@pytest.mark.hook("database_models")
async def test_database_models(tmp_path: Path, calls: set[str]) -> None:
    class Probe:
        @hookimpl
        def database_models(self) -> dict[str, ModelsApp]:
            calls.add("database_models")
            # The example plugin's app: a real models module with a committed migration.
            return {
                "example": {
                    "models": ["ediary_example.models"],
                    "migrations": "ediary_example.migrations",
                }
            }

    apps = model_apps(load_plugins((), extra=[Probe()]))
    assert apps == {
        "example": {"models": ["ediary_example.models"], "migrations": "ediary_example.migrations"}
    }
    # Migrating binds Tortoise for the whole process, so it runs in a process of its own.
    path = tmp_path / "plugin-models.sqlite3"
    script = (
        "import asyncio, sys; from ediary.db import migrate; "
        f"asyncio.run(migrate('sqlite://{path}', {apps!r}))"
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "plugins" / "ediary-example"), "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"example_greeting", "account", "rate_limit"} <= tables

    class Squatter:
        @hookimpl
        def database_models(self) -> dict[str, ModelsApp]:
            return {"diary": {"models": ["x"], "migrations": "y"}}

    with pytest.raises(PluginError, match="app label 'diary' is already used"):
        model_apps(load_plugins((), extra=[Squatter()]))


@pytest.mark.hook("startup")
async def test_startup(settings: Settings, calls: set[str]) -> None:
    started: list[str] = []

    class Probe:
        @hookimpl
        def startup(self, app: Starlette, settings: Settings) -> Any:
            calls.add("startup")

            async def warm_up() -> None:
                started.append(app.state.settings.public_url)

            return warm_up()

    app = create_app(settings, manage_database=False, extra_plugins=[Probe()])
    async with app.router.lifespan_context(app):
        assert started == ["http://testserver"]

    class Failing:
        @hookimpl
        def startup(self) -> None:
            raise RuntimeError("the regional gateway is unreachable")

    broken = create_app(settings, manage_database=False, extra_plugins=[Failing()])
    with pytest.raises(PluginError, match=r"extra-0.*the regional gateway is unreachable"):
        async with broken.router.lifespan_context(broken):
            pass


@pytest.mark.hook("password_login_refusal")
async def test_password_login_refusal(settings: Settings, calls: set[str]) -> None:
    from ediary.domain import models
    from ediary.domain.auth import hash_password

    await models.User.create(
        login="moved.parent",
        last_name="Moved",
        first_name="Parent",
        password_hash=hash_password("a long password 1"),
    )
    await models.User.create(
        login="staying.parent",
        last_name="Staying",
        first_name="Parent",
        password_hash=hash_password("a long password 1"),
    )

    class Probe:
        @hookimpl
        def password_login_refusal(self, user: models.User) -> Any:
            calls.add("password_login_refusal")

            async def decide() -> str | None:
                return "Log in through the city portal." if user.login == "moved.parent" else None

            return decide()

    app = create_app(settings, manage_database=False, extra_plugins=[Probe()])
    login = """mutation($login: String!) {
        login(input: {login: $login, password: "a long password 1", client: APP}) {
            accessToken userErrors { code message } } }"""
    refused = (await ask(app, login, {"login": "moved.parent"}))["data"]["login"]
    assert refused["accessToken"] is None
    assert refused["userErrors"] == [
        {"code": "PASSWORD_LOGIN_CLOSED", "message": "Log in through the city portal."}
    ]
    allowed = (await ask(app, login, {"login": "staying.parent"}))["data"]["login"]
    assert allowed["accessToken"] and allowed["userErrors"] == []
