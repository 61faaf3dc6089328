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
    class Probe:
        @hookimpl
        def region_policy(self, region_code: str, settings: Settings) -> RegionPolicy | None:
            calls.add("region_policy")
            if region_code != settings.extra.get("EDIARY_PROBE_REGION"):
                return None
            return RegionPolicy(code=region_code, scale=MarkScale(1, 10, 4, 7))

    manager = load_plugins((), extra=[Probe()])
    settings = Settings(extra={"EDIARY_PROBE_REGION": "r9"})
    # firstresult: the probe answers for the region its settings name, the built-in default
    # for the rest.
    assert manager.hook.region_policy(region_code="r9", settings=settings).scale.maximum == 10
    assert manager.hook.region_policy(region_code="r1", settings=settings) is DEFAULT_POLICY


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


@pytest.mark.hook("guardianship_ended")
async def test_guardianship_ended(settings: Settings, calls: set[str]) -> None:
    from ediary.adapters.lifecycle import Lifecycle
    from ediary.domain import models

    parent = await models.User.create(login="ending.parent", last_name="P", first_name="E")
    child = await models.User.create(login="ending.child", last_name="C", first_name="E")
    await models.Guardianship.create(parent=parent, student=child)
    seen: list[tuple[int, int, bool]] = []

    class Probe:
        @hookimpl
        def guardianship_ended(self, parent_id: int, student_id: int, settings: Settings) -> Any:
            calls.add("guardianship_ended")

            async def record() -> None:
                # Inside the transaction: the link is already gone for it.
                gone = not await models.Guardianship.exists(parent_id=parent_id)
                seen.append((parent_id, student_id, gone))

            return record()

    lifecycle = Lifecycle(load_plugins((), extra=[Probe()]), settings)
    assert await lifecycle.end_guardianship(parent.id, child.id) is True
    assert seen == [(parent.id, child.id, True)]
    # No link, no call.
    assert await lifecycle.end_guardianship(parent.id, child.id) is False
    assert len(seen) == 1


@pytest.mark.hook("account_deactivated")
async def test_account_deactivated(settings: Settings, calls: set[str]) -> None:
    from ediary.adapters.lifecycle import Lifecycle
    from ediary.domain import models

    user = await models.User.create(login="leaving.teacher", last_name="L", first_name="T")

    class Probe:
        @hookimpl
        def account_deactivated(self, user_id: int) -> None:
            calls.add("account_deactivated")
            if user_id == user.id:
                raise RuntimeError("the plugin could not archive the account")

    lifecycle = Lifecycle(load_plugins((), extra=[Probe()]), settings)
    # The hook runs inside the transaction: its failure leaves the account active.
    with pytest.raises(RuntimeError):
        await lifecycle.deactivate_account(user.id)
    assert (await models.User.get(id=user.id)).is_active


@pytest.mark.hook("access_allowed")
async def test_access_allowed(settings: Settings, calls: set[str]) -> None:
    from ediary.adapters.access import plugin_rules
    from ediary.domain.access import ALL_FACETS, Facet, StudentGrant, Viewer, plugin_action_allowed

    class Note:
        def __init__(self, owner: int) -> None:
            self.owner = owner

    class Probe:
        @hookimpl
        def access_allowed(self, viewer: Viewer, action: str, target: object) -> Any:
            calls.add("access_allowed")
            if action != "probe.read_note" or not isinstance(target, Note):
                return None

            async def decide() -> bool:
                return target.owner == viewer.user_id

            return decide()

    class Veto:
        @hookimpl
        def access_allowed(self, action: str) -> bool | None:
            return False if action == "probe.read_note" else None

    rules = plugin_rules(load_plugins((), extra=[Probe()]), settings)
    owner, stranger = Viewer(user_id=1), Viewer(user_id=2)
    assert await plugin_action_allowed(owner, "probe.read_note", Note(1), rules)
    assert not await plugin_action_allowed(stranger, "probe.read_note", Note(1), rules)
    # Nobody answers: refused.
    assert not await plugin_action_allowed(owner, "probe.edit_note", Note(1), rules)
    # A note that shows a child's marks needs the core's grant of marks, whatever the rule says.
    lessons_only = StudentGrant(9, frozenset({Facet.LESSONS}), None)
    shows_marks = {"facets": [Facet.MARKS]}
    assert not await plugin_action_allowed(
        owner, "probe.read_note", Note(1), rules, grant=lessons_only, **shows_marks
    )
    assert not await plugin_action_allowed(owner, "probe.read_note", Note(1), rules, **shows_marks)
    whole = StudentGrant(9, ALL_FACETS, None)
    assert await plugin_action_allowed(
        owner, "probe.read_note", Note(1), rules, grant=whole, **shows_marks
    )
    # One refusal outweighs any number of yeses.
    vetoed = plugin_rules(load_plugins((), extra=[Probe(), Veto()]), settings)
    assert not await plugin_action_allowed(owner, "probe.read_note", Note(1), vetoed)
