"""Production mode: safe defaults, no introspection or GraphiQL unless asked for, no
tracebacks in responses, and a server that refuses to start with unsafe settings."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ediary.adapters import hookimpl
from ediary.app import create_app
from ediary.config import DEMO_SECRET, Settings, UnsafeSettings
from ediary.domain import models
from ediary.domain.auth import hash_password
from tests.server.logcapture import json_lines
from tests.servers import EDIARY

SECRET = "s3cr3t-" * 6
INTROSPECT = "{ __schema { queryType { name } } }"


def test_production_flips_the_defaults_to_the_safe_side() -> None:
    development = Settings.from_env({})
    production = Settings.from_env({"EDIARY_ENV": "production"})
    fields = ("introspection", "graphiql", "secure_cookies", "log_format")
    assert [getattr(development, f) for f in fields] == [True, True, False, "text"]
    assert [getattr(production, f) for f in fields] == [False, False, True, "json"]


def test_each_default_can_still_be_chosen_explicitly() -> None:
    chosen = Settings.from_env(
        {
            "EDIARY_ENV": "production",
            "EDIARY_INTROSPECTION": "true",
            "EDIARY_GRAPHIQL": "1",
            "EDIARY_SECURE_COOKIES": "false",
            "EDIARY_LOG_FORMAT": "text",
        }
    )
    assert (chosen.introspection, chosen.graphiql, chosen.secure_cookies, chosen.log_format) == (
        True,
        True,
        False,
        "text",
    )


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(ValueError, match="EDIARY_ENV must be one of development, production"):
        Settings.from_env({"EDIARY_ENV": "prod"})


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({}, "EDIARY_SECRET_KEY is the demo secret"),
        ({"EDIARY_SECRET_KEY": "short-but-not-demo"}, "shorter than 32 characters"),
        ({"EDIARY_SECRET_KEY": SECRET, "EDIARY_DATABASE_URL": "sqlite://x"}, "is SQLite"),
    ],
)
def test_unsafe_production_settings_are_named(env: dict[str, str], problem: str) -> None:
    settings = Settings.from_env({"EDIARY_ENV": "production", **env})
    with pytest.raises(UnsafeSettings, match=problem):
        settings.check_production()


@pytest.mark.parametrize(
    "env",
    [
        {"EDIARY_DATABASE_URL": "postgres://diary@db:5432/diary"},
        {"EDIARY_DATABASE_URL": "sqlite://diary.sqlite3", "EDIARY_ALLOW_SQLITE": "true"},
    ],
)
def test_safe_production_settings_pass(env: dict[str, str]) -> None:
    settings = Settings.from_env({"EDIARY_ENV": "production", "EDIARY_SECRET_KEY": SECRET, **env})
    assert settings.refusals() == []
    # The same settings in development are never refused, whatever they are.
    assert Settings.from_env({"EDIARY_SECRET_KEY": DEMO_SECRET}).refusals() == []


def test_the_server_refuses_to_start_with_the_demo_secret(tmp_path: Path) -> None:
    done = subprocess.run(
        [EDIARY, "serve", "--port", "1"],
        env={"EDIARY_ENV": "production", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "ediary: refusing to start in production: EDIARY_SECRET_KEY is the demo secret; set a "
        "random one; the database is SQLite; use PostgreSQL, or set EDIARY_ALLOW_SQLITE=true "
        "for a single-machine installation."
    )


def test_the_application_factory_refuses_too(settings: Settings) -> None:
    unsafe = dataclasses.replace(settings, environment="production", allow_sqlite=True)
    with pytest.raises(UnsafeSettings):
        create_app(unsafe, manage_database=False)


class Broken:
    """A plugin route with a bug in it."""

    @hookimpl
    def http_routes(self, settings: Settings) -> list[BaseRoute]:
        async def broken(request: Request) -> Response:
            raise RuntimeError("internal detail: /srv/secret/path")

        return [Route("/broken", broken)]


@pytest.fixture(scope="module")
def production_app(settings: Settings) -> Starlette:
    production = dataclasses.replace(
        settings,
        environment="production",
        secret_key=SECRET,
        allow_sqlite=True,
        introspection=False,
        graphiql=False,
        secure_cookies=True,
    )
    return create_app(production, manage_database=False, extra_plugins=[Broken()])


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver")


async def test_introspection_is_off_in_production_and_on_in_development(
    production_app: Starlette, app: Starlette, database: str
) -> None:
    async with _client(production_app) as client:
        refused = (await client.post("/graphql", json={"query": INTROSPECT})).json()
        plain = (await client.post("/graphql", json={"query": "{ __typename }"})).json()
    assert refused["data"] is None
    assert {e["extensions"]["code"] for e in refused["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    assert "introspection" in refused["errors"][0]["message"].lower()
    assert plain == {"data": {"__typename": "Query"}}
    async with _client(app) as client:
        allowed = (await client.post("/graphql", json={"query": INTROSPECT})).json()
    assert allowed == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_graphiql_is_off_in_production_and_on_in_development(
    production_app: Starlette, app: Starlette, database: str
) -> None:
    browser = {"Accept": "text/html"}
    async with _client(production_app) as client:
        off = await client.get("/graphql", headers=browser)
    async with _client(app) as client:
        on = await client.get("/graphql", headers=browser)
    assert on.status_code == 200 and on.headers["content-type"].startswith("text/html")
    assert "graphiql" in on.text.lower()
    assert off.status_code == 404 and not off.headers["content-type"].startswith("text/html")
    assert off.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_crash_answers_a_bare_500_and_logs_the_traceback_with_the_request_id(
    production_app: Starlette, database: str
) -> None:
    with json_lines() as lines:
        async with _client(production_app) as client:
            response = await client.get("/broken", headers={"X-Request-ID": "crash-1"})
    assert (response.status_code, response.text) == (500, "Internal Server Error")
    assert response.headers["x-request-id"] == "crash-1"
    (error,) = lines.of("ediary.errors")
    assert error["request_id"] == "crash-1"
    assert "RuntimeError: internal detail" in error["exception"]
    (access,) = lines.of("ediary.access")
    assert (access["status"], access["request_id"]) == (500, "crash-1")


async def test_the_session_cookie_is_secure_in_production(
    production_app: Starlette, database: str
) -> None:
    await models.User.get_or_create(
        login="prod.cookie",
        defaults={"last_name": "T", "first_name": "P", "password_hash": hash_password("pw-123")},
    )
    login = 'mutation { login(input: {login: "prod.cookie", password: "pw-123"}) { csrfToken } }'
    async with _client(production_app) as client:
        response = await client.post("/graphql", json={"query": login})
    assert response.json()["data"]["login"]["csrfToken"]
    cookie = response.headers["set-cookie"].lower()
    assert "ediary_session=" in cookie and "; secure" in cookie and "httponly" in cookie
