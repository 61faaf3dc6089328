"""/graphql over HTTP in the process: media types, status codes, refusals with codes, and the
GraphiQL page with its own files (or none, with EDIARY_GRAPHIQL off)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
from starlette.applications import Starlette

from ediary.app import create_app
from ediary.config import Settings
from ediary.web.graphql_http import GRAPHQL_RESPONSE_JSON

GRAPHQL_JSON = {"accept": GRAPHQL_RESPONSE_JSON}
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(app) as client:
        yield client


def _code(response: httpx.Response) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


async def test_graphql_response_json_gets_400_without_data_for_a_bad_document(
    http: httpx.AsyncClient,
) -> None:
    for query, code in (("{ viewer {", "GRAPHQL_PARSE_FAILED"), ("{ nope }", None)):
        answer = await http.post("/graphql", json={"query": query}, headers=GRAPHQL_JSON)
        assert answer.status_code == 400, answer.text
        assert answer.headers["content-type"] == f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
        assert "data" not in answer.json()
        if code:
            assert _code(answer) == code
    coercion = await http.post(
        "/graphql",
        json={"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": None}},
        headers=GRAPHQL_JSON,
    )
    assert coercion.status_code == 400 and "data" not in coercion.json()
    assert _code(coercion) == "BAD_USER_INPUT"


async def test_graphql_response_json_keeps_200_when_the_operation_ran(
    http: httpx.AsyncClient, world: object
) -> None:
    ok = await http.post(
        "/graphql", json={"query": "{ viewer { fullName } }"}, headers=GRAPHQL_JSON
    )
    assert (ok.status_code, ok.json()) == (200, {"data": {"viewer": None}})
    refused = await http.post(
        "/graphql",
        json={"query": '{ diary(studentId: "U3R1ZGVudDox", week: "2026-W48") { week } }'},
        headers=GRAPHQL_JSON,
    )
    # A field's error is not a request error: data is there (the field null), and the status
    # is 200.
    assert refused.status_code == 200, refused.text
    assert refused.json()["data"] == {"diary": None}
    assert _code(refused) == "UNAUTHENTICATED"


async def test_application_json_keeps_200_with_errors(http: httpx.AsyncClient) -> None:
    for accept in ("application/json", "*/*", None):
        headers = {"accept": accept} if accept else {}
        answer = await http.post("/graphql", json={"query": "{ nope }"}, headers=headers)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/json; charset=utf-8"
        assert answer.json()["data"] is None
        assert _code(answer) == "GRAPHQL_VALIDATION_FAILED"


async def test_get_runs_queries_only(http: httpx.AsyncClient) -> None:
    query = await http.get("/graphql", params={"query": "{ viewer { fullName } }"})
    assert (query.status_code, query.json()) == (200, {"data": {"viewer": None}})
    mutation = await http.get("/graphql", params={"query": "mutation { logout { ok } }"})
    assert (mutation.status_code, mutation.headers["allow"]) == (405, "POST")
    assert _code(mutation) == "METHOD_NOT_ALLOWED"
    put = await http.put("/graphql", json={"query": "{ viewer { fullName } }"})
    assert (put.status_code, put.headers["allow"], _code(put)) == (
        405,
        "GET, POST",
        "METHOD_NOT_ALLOWED",
    )


async def test_requests_turned_away_before_graphql_carry_a_code(http: httpx.AsyncClient) -> None:
    body = {"query": "{ viewer { fullName } }"}
    cases = [
        (http.post("/graphql", json=body, headers={"accept": "text/plain"}), 406, "NOT_ACCEPTABLE"),
        (
            http.post("/graphql", content=b'{"query": "{ __typename }"}', headers={}),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            http.post(
                "/graphql", content="query { __typename }", headers={"content-type": "text/plain"}
            ),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (http.post("/graphql", json=[body, body]), 400, "BATCHING_NOT_SUPPORTED"),
        (
            http.post("/graphql", content=b"{", headers={"content-type": "application/json"}),
            400,
            "BAD_REQUEST",
        ),
        (http.post("/graphql", json={"query": 1}), 400, "BAD_REQUEST"),
        (http.post("/graphql", json={"variables": {}}), 400, "BAD_REQUEST"),
    ]
    for request, status, code in cases:
        answer = await request
        assert (answer.status_code, _code(answer)) == (status, code), answer.text
        assert answer.headers["content-type"].startswith("application/json")


async def test_graphiql_page_and_its_files_come_from_this_server(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    linked = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert {"static/graphiql/graphiql.min.js", "static/graphiql/react.production.min.js"} <= set(
        linked
    )
    for path in linked:
        if path.startswith("data:"):
            continue
        assert "//" not in path and ":" not in path, path  # relative: this server only
        served = await http.get(f"/{path}")
        assert served.status_code == 200, path
        assert len(served.content) > 50, path
    for license_file in ("graphiql", "react", "react-dom", "graphql"):
        notice = await http.get(f"/static/graphiql/LICENSE.{license_file}")
        assert notice.status_code == 200 and "MIT License" in notice.text


async def test_no_graphiql_when_it_is_turned_off(settings: Settings, world: object) -> None:
    app = create_app(replace(settings, graphiql=False), manage_database=False)
    async with _client(app) as http:
        page = await http.get("/graphql", headers=BROWSER)
        assert (page.status_code, _code(page)) == (404, "NOT_FOUND")
        assert "<html" not in page.text
        assert (await http.get("/static/graphiql/graphiql.min.js")).status_code == 404
        query = await http.get("/graphql", params={"query": "{ viewer { fullName } }"})
        assert query.json() == {"data": {"viewer": None}}


def test_graphiql_setting() -> None:
    assert Settings.from_env({}).graphiql is True
    assert Settings.from_env({"EDIARY_GRAPHIQL": "0"}).graphiql is False
    assert Settings.from_env({"EDIARY_GRAPHIQL": "true"}).graphiql is True
