"""Trusted documents over HTTP with the real application: a registered document sent by its
hash (POST and GET, Apollo's form) or its id (Relay's form) runs as if its text had been sent,
shares the kept answers of that text, and stays under the limits; unknown ids, hashes that do
not match their text, and (when only registered documents may run) texts are refused."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from strawberry.relay import to_base64

from ediary.app import create_app
from ediary.config import Settings
from ediary.schema.trusted import ManifestError, TrustedDocuments
from ediary.server.response_cache import ResponseCache
from tests.conftest import TODAY
from tests.servers import EDIARY, Server, free_port
from tests.world import World

WEEK = "2026-W48"
DIARY = """query TrustedWeek($student: ID!, $week: Week!) {
  diary(studentId: $student, week: $week) {
    days { date lessons { lesson { period subject { name } } marks { value } } }
  }
}"""
VIEWER = "query TrustedViewer { viewer { fullName } }"
UNREGISTERED = "query Unregistered { viewer { fullName children { fullName } } }"
UPDATES = """subscription TrustedUpdates($student: ID!) {
  diaryUpdates(studentId: $student) { kind }
}"""
# graphql-codegen's client preset names documents by a hash of its own choosing (SHA-1 by
# default); Relay by any id. Apollo's clients send the SHA-256 of the text regardless.
DIARY_ID = hashlib.sha1(DIARY.encode()).hexdigest()
VIEWER_ID = "viewer-v1"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(text: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(text)}}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trusted") / "persisted-documents.json"
    path.write_text(json.dumps({DIARY_ID: DIARY, VIEWER_ID: VIEWER}))
    return path


@pytest.fixture(scope="module")
def trusted_app(settings: Settings, manifest: Path) -> Starlette:
    return create_app(
        dataclasses.replace(settings, trusted_documents=(str(manifest),)), manage_database=False
    )


@pytest.fixture(scope="module")
def only_app(settings: Settings, manifest: Path) -> Starlette:
    return create_app(
        dataclasses.replace(
            settings, trusted_documents=(str(manifest),), trusted_documents_only=True
        ),
        manage_database=False,
    )


@pytest.fixture
async def client(trusted_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(trusted_app) as found:
        yield found


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
        base_url="http://testserver",
    )


def _student(world: World) -> str:
    return to_base64("Student", world.users["student"].pk)


def _auth(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens['parent']}"}


def _get_params(body: dict[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}


def _code(response: httpx.Response) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


def _cache(app: Starlette) -> ResponseCache:
    cache: ResponseCache = app.state.response_cache
    return cache


async def test_a_hash_runs_the_registered_document_over_post_and_get(
    client: httpx.AsyncClient, world: World
) -> None:
    variables = {"student": _student(world), "week": WEEK}
    by_text = await client.post(
        "/graphql", json={"query": DIARY, "variables": variables}, headers=_auth(world)
    )
    assert by_text.status_code == 200, by_text.text
    days = by_text.json()["data"]["diary"]["days"]
    assert any(day["lessons"] for day in days)

    body = {"variables": variables, "extensions": persisted(DIARY)}
    by_post = await client.post("/graphql", json=body, headers=_auth(world))
    by_get = await client.get("/graphql", params=_get_params(body), headers=_auth(world))
    for response in (by_post, by_get):
        assert response.status_code == 200, response.text
        assert response.json() == by_text.json()


async def test_relays_document_id_and_the_manifests_own_id(
    client: httpx.AsyncClient, world: World
) -> None:
    for document_id in (VIEWER_ID, "sha256:" + sha256(VIEWER)):
        response = await client.post(
            "/graphql", json={"documentId": document_id}, headers=_auth(world)
        )
        assert response.json() == {"data": {"viewer": {"fullName": "Kuznetsova Natalia"}}}
    got = await client.get("/graphql", params={"documentId": DIARY_ID}, headers=_auth(world))
    # The document ran: its variables are missing, which only a parsed document can say.
    assert got.status_code == 200 and _code(got) == "BAD_USER_INPUT", got.text


async def test_a_hash_is_the_same_kept_answer_as_its_text(
    trusted_app: Starlette, client: httpx.AsyncClient, world: World
) -> None:
    variables = {"student": _student(world), "week": "2026-W47"}
    cache = _cache(trusted_app)
    first = await client.post(
        "/graphql", json={"query": DIARY, "variables": variables}, headers=_auth(world)
    )
    assert first.status_code == 200 and "errors" not in first.json(), first.text
    hits = cache.hits
    body = {"variables": variables, "extensions": persisted(DIARY)}
    by_post = await client.post("/graphql", json=body, headers=_auth(world))
    assert cache.hits == hits + 1
    by_get = await client.get("/graphql", params=_get_params(body), headers=_auth(world))
    assert cache.hits == hits + 2
    assert by_post.content == by_get.content == first.content


async def test_an_unknown_hash_is_not_found_and_apollos_retry_with_the_text_runs(
    client: httpx.AsyncClient, world: World
) -> None:
    body: dict[str, Any] = {"extensions": persisted(UNREGISTERED)}
    for response in (
        await client.post("/graphql", json=body, headers=_auth(world)),
        await client.get("/graphql", params=_get_params(body), headers=_auth(world)),
        await client.post("/graphql", json={"documentId": "nope"}, headers=_auth(world)),
    ):
        assert response.status_code == 400
        assert _code(response) == "PERSISTED_QUERY_NOT_FOUND"
        assert response.headers["cache-control"] == "no-store"
    # Not only registered: the text with its hash runs, as Apollo's link sends it next.
    retried = await client.post(
        "/graphql", json={"query": UNREGISTERED, **body}, headers=_auth(world)
    )
    assert retried.status_code == 200
    assert retried.json()["data"]["viewer"]["children"] == [{"fullName": "Kuznetsov Ivan"}]


async def test_a_hash_that_is_not_its_texts_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    # The hash of a registered document with another text: the text must not ride on it.
    body = {"query": UNREGISTERED, "extensions": persisted(VIEWER)}
    for response in (
        await client.post("/graphql", json=body, headers=_auth(world)),
        await client.get("/graphql", params=_get_params(body), headers=_auth(world)),
        await client.post(
            "/graphql", json={"query": UNREGISTERED, "documentId": VIEWER_ID}, headers=_auth(world)
        ),
    ):
        assert response.status_code == 400
        assert _code(response) == "PERSISTED_QUERY_HASH_MISMATCH"
    wrong_version = {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": sha256(VIEWER)}}}
    response = await client.post("/graphql", json=wrong_version, headers=_auth(world))
    assert response.status_code == 400 and _code(response) == "BAD_REQUEST"


async def test_limits_still_apply_to_a_registered_document(
    settings: Settings, manifest: Path, world: World
) -> None:
    # A week's days count 7 nodes, and every document costs at least 1 point: under these
    # limits the registered document is refused whole, each time, by hash as by text.
    for limits, code in (
        ({"max_query_nodes": 5}, "TOO_MANY_NODES"),
        ({"max_query_cost": 0}, "QUERY_TOO_COSTLY"),
    ):
        app = create_app(
            dataclasses.replace(settings, trusted_documents=(str(manifest),), **limits),
            manage_database=False,
        )
        variables = {"student": _student(world), "week": WEEK}
        body = {"variables": variables, "extensions": persisted(DIARY)}
        async with _client(app) as client:
            for response in (
                await client.post("/graphql", json=body, headers=_auth(world)),
                await client.get("/graphql", params=_get_params(body), headers=_auth(world)),
                await client.post("/graphql", json=body, headers=_auth(world)),
                await client.post(
                    "/graphql", json={"query": DIARY, "variables": variables}, headers=_auth(world)
                ),
            ):
                assert response.status_code == 200
                assert _code(response) == code
                assert response.json()["data"] is None


async def test_only_registered_documents_run_when_so_set(only_app: Starlette, world: World) -> None:
    body = {"variables": {"student": _student(world), "week": WEEK}, "extensions": persisted(DIARY)}
    async with _client(only_app) as client:
        by_hash = await client.get("/graphql", params=_get_params(body), headers=_auth(world))
        assert by_hash.status_code == 200 and "errors" not in by_hash.json(), by_hash.text
        # Logged out too: a registered document is as trusted as the application sending it.
        anonymous = await client.post("/graphql", json={"documentId": VIEWER_ID})
        assert anonymous.json() == {"data": {"viewer": None}}
        for response in (
            await client.post("/graphql", json={"query": UNREGISTERED}, headers=_auth(world)),
            await client.get("/graphql", params={"query": UNREGISTERED}),
            # Even a registered text must come by its id; a hash of an unregistered text
            # with that text is no registration.
            await client.post("/graphql", json={"query": VIEWER}, headers=_auth(world)),
            await client.post(
                "/graphql",
                json={"query": UNREGISTERED, "extensions": persisted(UNREGISTERED)},
                headers=_auth(world),
            ),
        ):
            assert response.status_code == 400, response.text
            assert _code(response) == "TRUSTED_DOCUMENTS_ONLY"


def test_a_document_that_does_not_fit_the_schema_stops_the_start(
    settings: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "documents.json"
    broken.write_text(json.dumps({"old": "query Old { noSuchField }"}))
    with pytest.raises(ManifestError, match="old"):
        create_app(dataclasses.replace(settings, trusted_documents=(str(broken),)))
    clash = tmp_path / "clash.json"
    clash.write_text(json.dumps({"a": VIEWER}))
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"a": UNREGISTERED}))
    with pytest.raises(ManifestError, match="two different documents"):
        TrustedDocuments.load([clash, other])


def test_apollos_manifest_format_is_read(tmp_path: Path) -> None:
    path = tmp_path / "persisted-query-manifest.json"
    path.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {"id": sha256(VIEWER), "name": "TrustedViewer", "type": "query", "body": VIEWER}
                ],
            }
        )
    )
    trusted = TrustedDocuments.load([path])
    assert trusted.text(sha256(VIEWER)) == VIEWER and len(trusted) == 1


async def test_a_served_only_registered_server_refuses_other_subscriptions(
    database: str, manifest: Path, world: World, tmp_path: Path
) -> None:
    """`ediary serve` with the settings: WebSocket operations are held to the same rule."""
    from tests.servers import subscription

    env = {
        "EDIARY_DATABASE_URL": database,
        "EDIARY_TODAY": TODAY.isoformat(),
        "EDIARY_TRUSTED_DOCUMENTS": str(manifest),
        "EDIARY_TRUSTED_DOCUMENTS_ONLY": "true",
    }
    async with Server(env, tmp_path / "serve.log") as server:
        async with subscription(
            server, world.tokens["parent"], UPDATES, {"student": _student(world)}, refused=True
        ) as ws:
            message = json.loads(await ws.recv())
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["code"] == "TRUSTED_DOCUMENTS_ONLY"
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"{server.url}/graphql",
                json={"documentId": VIEWER_ID},
                headers=_auth(world),
            )
        assert response.json() == {"data": {"viewer": {"fullName": "Kuznetsova Natalia"}}}


def test_serve_names_a_broken_manifest_and_exits(tmp_path: Path) -> None:
    import subprocess

    broken = tmp_path / "documents.json"
    broken.write_text("{not json")
    done = subprocess.run(
        [EDIARY, "serve", "--port", str(free_port())],
        env={"EDIARY_TRUSTED_DOCUMENTS": str(broken), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "trusted documents" in done.stderr and str(broken) in done.stderr


def test_documents_check_tells_a_frontends_ci_whether_its_manifest_fits(
    manifest: Path, tmp_path: Path
) -> None:
    import subprocess

    fits = subprocess.run(
        [EDIARY, "documents", "check", str(manifest)], capture_output=True, text=True, timeout=60
    )
    assert fits.returncode == 0, fits.stderr
    assert "2 documents fit" in fits.stdout
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({"stale-1": "query Stale { viewer { noSuchField } }"}))
    refused = subprocess.run(
        [EDIARY, "documents", "check", str(manifest), str(stale)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1
    assert "stale-1" in refused.stderr and "noSuchField" in refused.stderr
