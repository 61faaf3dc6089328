"""Prometheus metrics at /metrics: requests and latency by route and GraphQL operation name,
errors by code, the database connections; protected or off as the settings say."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import httpx
import pytest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from ediary.app import create_app
from ediary.config import Settings
from ediary.server import MULTIPROC_ENV, metrics
from ediary.server.metrics import operation_label
from tests.world import World

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def _scrape(app: Starlette, headers: dict[str, str] | None = None) -> Samples:
    async with _client(app) as client:
        response = await client.get("/metrics", headers=headers or {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_graphql_requests_are_counted_and_timed_by_operation_name(
    app: Starlette, database: str
) -> None:
    before = await _scrape(app)
    async with _client(app) as client:
        for _ in range(3):
            await client.post("/graphql", json={"query": "query CountMe { __typename }"})
        await client.post("/graphql", json={"query": "{ __typename }"})
    after = await _scrape(app)
    counted = {"method": "POST", "route": "/graphql", "status": "200"}
    for operation, times in (("CountMe", 3), ("anonymous", 1)):
        name = "ediary_http_requests_total"
        labels = {**counted, "operation": operation}
        assert _value(after, name, **labels) - _value(before, name, **labels) == times
        timed = {"route": "/graphql", "operation": operation}
        count = "ediary_http_request_duration_seconds_count"
        assert _value(after, count, **timed) - _value(before, count, **timed) == times
        inf = "ediary_http_request_duration_seconds_bucket"
        assert _value(after, inf, **timed, le="+Inf") == _value(after, count, **timed)


async def test_other_routes_are_counted_by_their_template_not_their_path(
    app: Starlette, database: str
) -> None:
    before = await _scrape(app)
    async with _client(app) as client:
        await client.get("/healthz")
        await client.get("/no/such/page/1")
        await client.get("/no/such/page/2")
    after = await _scrape(app)
    name = "ediary_http_requests_total"
    health = {"method": "GET", "route": "/healthz", "operation": "", "status": "200"}
    unmatched = {"method": "GET", "route": "unmatched", "operation": "", "status": "404"}
    assert _value(after, name, **health) - _value(before, name, **health) == 1
    assert _value(after, name, **unmatched) - _value(before, name, **unmatched) == 2


async def test_graphql_errors_are_counted_by_code(app: Starlette, database: str) -> None:
    before = await _scrape(app)
    async with _client(app) as client:
        await client.post("/graphql", json={"query": 'query Odd { node(id: "zzz") { id } }'})
    after = await _scrape(app)
    labels = {"operation": "Odd", "code": "BAD_USER_INPUT"}
    name = "ediary_graphql_errors_total"
    assert _value(after, name, **labels) - _value(before, name, **labels) == 1


async def test_database_connections_are_reported(app: Starlette, database: str) -> None:
    async with _client(app) as client:
        assert (await client.get("/readyz")).status_code == 200  # it queries the database
    samples = await _scrape(app)
    states = {
        state: _value(samples, "ediary_db_pool_connections", state=state)
        for state in ("in_use", "open", "max")
    }
    assert 0 <= states["in_use"] <= states["open"] <= states["max"]
    assert states["open"] >= 1


def test_operation_names_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "_seen_names", set())
    monkeypatch.setattr(metrics, "MAX_OPERATION_NAMES", 2)
    assert [operation_label(n) for n in (None, "A", "B", "A", "C", "x y", "a" * 65)] == [
        "anonymous",
        "A",
        "B",
        "A",
        "other",
        "other",
        "other",
    ]


async def test_a_metrics_token_is_required_once_set(settings: Settings, database: str) -> None:
    app = create_app(
        dataclasses.replace(settings, metrics_token="scrape-me"), manage_database=False
    )
    async with _client(app) as client:
        refused = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert (refused.status_code, wrong.status_code) == (401, 401)
    assert refused.headers["www-authenticate"] == "Bearer"
    assert await _scrape(app, {"Authorization": "Bearer scrape-me"})


@pytest.mark.parametrize(
    "changes",
    [
        {"metrics": False},
        {"environment": "production", "secret_key": "k" * 40, "allow_sqlite": True},
    ],
)
async def test_metrics_off_or_production_without_a_token_answer_not_found(
    settings: Settings, database: str, changes: dict[str, object]
) -> None:
    app = create_app(dataclasses.replace(settings, **changes), manage_database=False)  # type: ignore[arg-type]
    async with _client(app) as client:
        assert (await client.get("/metrics")).status_code == 404


async def test_a_document_that_does_not_parse_is_counted_with_its_code(
    app: Starlette, database: str
) -> None:
    before = await _scrape(app)
    async with _client(app) as client:
        await client.post("/graphql", json={"query": "query Cut {"})
    after = await _scrape(app)
    labels = {"operation": "anonymous", "code": "GRAPHQL_PARSE_FAILED"}
    name = "ediary_graphql_errors_total"
    assert _value(after, name, **labels) - _value(before, name, **labels) == 1


async def test_a_workers_samples_file_caught_while_being_created_is_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path))
    being_made = tmp_path / "counter_4242.db"
    being_made.touch()  # created, not yet sized: what a scrape can meet

    async def size_it() -> None:
        # The delay is the case under test: the worker sizes its file a moment after the
        # scrape met it empty, and the scrape waits for it rather than failing.
        await asyncio.sleep(0.05)
        MmapedDict(str(being_made)).close()

    sizing = asyncio.create_task(size_it())
    text = (await metrics.exposition()).decode()
    await sizing
    assert text == ""  # the file holds no samples yet, and nothing failed


async def _ask(app: Starlette, token: str, document: str) -> None:
    async with _client(app) as client:
        answer = await client.post(
            "/graphql", json={"query": document}, headers={"Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text


async def test_response_cache_hits_misses_and_stores_are_counted(
    settings: Settings, world: World
) -> None:
    app = create_app(settings, manage_database=False)  # an empty cache of its own
    token = world.tokens["math_teacher"]
    before = await _scrape(app)
    for _ in range(3):
        await _ask(app, token, "query KeptOnce { __typename }")
    after = await _scrape(app)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("ediary_response_cache_lookups_total", result="miss") == 1
    assert grew("ediary_response_cache_lookups_total", result="hit") == 2
    assert grew("ediary_response_cache_stores_total") == 1
    assert grew("ediary_response_cache_evictions_total") == 0
    assert _value(after, "ediary_response_cache_bytes") == app.state.response_cache.entries.currsize
    assert _value(after, "ediary_response_cache_bytes") > 0


async def test_response_cache_evictions_are_counted(settings: Settings, world: World) -> None:
    # Room for one small answer: keeping a second one drops the first.
    small = dataclasses.replace(settings, response_cache_bytes=1024)
    app = create_app(small, manage_database=False)
    token = world.tokens["math_teacher"]
    before = await _scrape(app)
    for name in ("First", "Second", "First"):
        await _ask(app, token, f"query {name} {{ __typename }}")
    after = await _scrape(app)
    evicted = "ediary_response_cache_evictions_total"
    lookups = "ediary_response_cache_lookups_total"
    assert _value(after, evicted) - _value(before, evicted) == 2
    assert _value(after, lookups, result="miss") - _value(before, lookups, result="miss") == 3
    assert _value(after, lookups, result="hit") == _value(before, lookups, result="hit")


async def test_live_subscriptions_are_counted_while_they_listen(settings: Settings) -> None:
    app = create_app(settings, manage_database=False)
    broker = app.state.runtime.broker
    name = "ediary_live_subscriptions"
    assert _value(await _scrape(app), name) == 0
    async with broker.subscribe(), broker.subscribe():
        assert _value(await _scrape(app), name) == 2
    assert _value(await _scrape(app), name) == 0
    async with broker.subscribe():
        await broker.stop()  # a stopping server ends its subscriptions
        assert _value(await _scrape(app), name) == 0
