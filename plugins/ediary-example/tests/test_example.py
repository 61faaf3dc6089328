"""Tests of the example plugin, one per thing it adds. Copy them along with the plugin."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from ediary.adapters import (
    ImportOutcome,
    ImportReport,
    PluginManager,
    backends_by_name,
    import_context,
    run_import,
)
from ediary.config import Settings
from ediary.domain.grading import DEFAULT_POLICY
from ediary.domain.reach import Reach
from ediary.testing import PASSWORD, GraphQLClient, SmallWorld
from ediary_example.models import Greeting


@pytest.fixture
def greetings_file(tmp_path: Path) -> Path:
    path = tmp_path / "greetings.txt"
    path.write_text("Hello\n\nPrivet\nHello\n" + "x" * 201 + "\n", encoding="utf-8")
    return path


async def test_the_portal_flow_is_offered_in_its_region_only(graphql: GraphQLClient) -> None:
    query = "query($r: String) { loginFlows(region: $r) { id url } }"
    here = await graphql(query, {"r": "example"})
    assert {"id": "example-portal", "url": "http://testserver/example/portal"} in (
        here["data"]["loginFlows"]
    )
    elsewhere = await graphql(query, {"r": "r1"})
    assert "example-portal" not in [f["id"] for f in elsewhere["data"]["loginFlows"]]


async def test_the_portal_route_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/example/portal")
    assert response.status_code == 200 and "portal" in response.text


def test_the_region_policy_applies_to_its_region_only(plugin_manager: PluginManager) -> None:
    assert plugin_manager.hook.region_policy(region_code="example").scale.maximum == 10
    assert plugin_manager.hook.region_policy(region_code="r1") == DEFAULT_POLICY


async def test_greetings_are_imported_and_served(
    graphql: GraphQLClient, plugin_manager: PluginManager, greetings_file: Path
) -> None:
    backends = backends_by_name(plugin_manager)
    settings = Settings()

    async def run(reach: Reach, dry_run: bool) -> ImportReport:
        context = import_context(settings, plugin_manager, reach, dry_run=dry_run)
        return await run_import(backends["greetings"], greetings_file, context)

    # Greetings belong to no school: one school's reach imports none of them.
    refused = await run(Reach(actor_id=None, schools=frozenset({1})), False)
    assert refused.outcome is ImportOutcome.REFUSED and await Greeting.all().count() == 0
    region = Reach(actor_id=None, regions=frozenset({"example"}))
    dry = await run(region, True)
    assert dry.counts == {"greetings": 2} and len(dry.problems) == 1
    assert await Greeting.all().count() == 0
    done = await run(region, False)
    assert done.counts == {"greetings": 2} and done.exit_code == 1
    result = await graphql("{ exampleGreetings { text } }")
    assert result["data"]["exampleGreetings"] == [{"text": "Hello"}, {"text": "Privet"}]


async def test_adding_a_greeting_needs_a_login(graphql: GraphQLClient) -> None:
    mutation = """mutation { addExampleGreeting(input: {text: "Hi"}) {
        greeting { text } userErrors { code } } }"""
    result = await graphql(mutation)
    assert result["data"]["addExampleGreeting"]["userErrors"] == [{"code": "UNAUTHENTICATED"}]


async def test_a_logged_in_user_adds_a_greeting(graphql: GraphQLClient, world: SmallWorld) -> None:
    mutation = """mutation($text: String!) { addExampleGreeting(input: {text: $text}) {
        greeting { text } userErrors { code } } }"""
    browser = await graphql.login(world.teacher.login, PASSWORD, browser=True)
    added = await browser(mutation, {"text": "  Salam  "})
    assert added["data"]["addExampleGreeting"] == {"greeting": {"text": "Salam"}, "userErrors": []}
    app = await graphql.login(world.parent.login, PASSWORD)
    too_long = await app(mutation, {"text": "x" * 201})
    assert too_long["data"]["addExampleGreeting"]["userErrors"] == [{"code": "BAD_USER_INPUT"}]
    assert await Greeting.filter(text="Salam").count() == 1


async def test_startup_runs_with_the_app(app: Starlette, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="ediary.example")
    async with app.router.lifespan_context(app):
        assert "example plugin started for http://testserver" in caplog.text
