"""The web app's files as the server serves them (in the process): the page with its policy,
its modules from this server only, its trusted documents registered (and each one the modules
send is in the manifest and fits even the core schema), and nothing of it with EDIARY_APP off."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import graphql
import httpx
import pytest
from starlette.applications import Starlette

from ediary.adapters.manager import load_plugins
from ediary.app import create_app
from ediary.config import Settings
from ediary.schema.trusted import TrustedDocuments
from ediary.web.webapp import APP, MANIFEST, app_manifests

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "ediary-app/"


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(app) as client:
        yield client


def _manifest() -> dict[str, str]:
    documents: dict[str, str] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return documents


# The documents of the app's screens for a plugin's flow, by plugin: `documents.<plugin>.json`.
PLUGIN_MANIFESTS = {path.name.split(".")[1]: path for path in APP.glob("documents.*.json")}


def _every_manifest() -> dict[str, str]:
    documents = _manifest()
    for path in PLUGIN_MANIFESTS.values():
        documents.update(json.loads(path.read_text(encoding="utf-8")))
    return documents


def _sent_by_the_modules() -> set[str]:
    """The operations the modules send: `run('Name', ...)` over HTTP and
    `subscribe('Name', ...)` over the WebSocket, in any of them."""
    return {
        name
        for module in APP.glob("*.js")
        for name in re.findall(
            r"\b(?:run|subscribe)\(\s*'(\w+)'", module.read_text(encoding="utf-8")
        )
    }


async def test_the_page_and_every_file_it_loads_come_from_this_server(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get("/app/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    # The service worker, from this server only.
    assert "worker-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    linked = re.findall(r'(?:src|href)="([^"#]+)"', page.text)
    assert "/app/main.js" in linked and "/app/theme.css" in linked
    # The modules import each other by relative paths: each is served, as JavaScript.
    imported = {
        f"/app/{name}"
        for module in APP.glob("*.js")
        for name in re.findall(r"from '\./([\w.]+)'", module.read_text(encoding="utf-8"))
    }
    for path in {*linked, *imported}:
        assert path.startswith("/app/"), path  # this server only
        served = await http.get(path)
        assert served.status_code == 200, path
        assert served.headers["cache-control"] == "no-cache", path
        if path.endswith(".js"):
            assert served.headers["content-type"].startswith("text/javascript"), path
    moved = await http.get("/app", follow_redirects=False)
    assert moved.status_code in (307, 308) and moved.headers["location"].endswith("/app/")
    missing = await http.get("/app/nothing.js")
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")


async def test_the_files_travel_compressed_to_a_browser_that_takes_it(
    http: httpx.AsyncClient,
) -> None:
    plain = await http.get("/app/i18n.js", headers={"Accept-Encoding": "identity"})
    packed = await http.get("/app/i18n.js", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    # httpx has unpacked it: the same module, in under half the bytes on the wire.
    assert packed.content == plain.content
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert packed.headers["cache-control"] == "no-cache"


def test_the_modules_send_exactly_the_documents_of_the_manifest() -> None:
    documents = _every_manifest()
    sent = _sent_by_the_modules()
    assert sent, "no run('...') found in the modules"
    assert {PREFIX + name for name in sent} == set(documents)
    for document_id, text in documents.items():
        # Each id names its operation, which is what the app sends as operationName.
        (operation,) = graphql.parse(text).definitions
        assert isinstance(operation, graphql.OperationDefinitionNode)
        assert operation.name is not None
        assert document_id == PREFIX + operation.name.value


def test_the_documents_fit_the_core_schema_without_plugins() -> None:
    core = graphql.build_schema((ROOT / "schema.core.graphql").read_text(encoding="utf-8"))
    prepared = TrustedDocuments.load([MANIFEST]).prepare(core, introspection=False)
    assert len(prepared) == len(_manifest())


def test_a_plugins_documents_fit_its_schema_and_are_registered_only_with_it() -> None:
    assert "dnevnik" in PLUGIN_MANIFESTS
    for name, path in PLUGIN_MANIFESTS.items():
        # The core schema and the plugin's own part, as the plugin's schema file has it.
        core = (ROOT / "schema.core.graphql").read_text(encoding="utf-8")
        own = (ROOT / "plugins" / f"ediary-{name}" / "schema.graphql").read_text(encoding="utf-8")
        schema = graphql.build_schema(core + own)
        documents = json.loads(path.read_text(encoding="utf-8"))
        prepared = TrustedDocuments.load([path]).prepare(schema, introspection=False)
        assert len(prepared) == len(documents), path
        # No id of the app's own manifest is given another text.
        assert not set(documents) & set(_manifest()), path
        assert path in app_manifests(load_plugins([name]))
        assert path not in app_manifests(load_plugins([]))
    assert app_manifests(load_plugins([]))[0] == MANIFEST


async def test_the_apps_documents_are_registered_and_run_by_id(http: httpx.AsyncClient) -> None:
    answer = await http.post("/graphql", json={"documentId": f"{PREFIX}AppViewer"})
    assert answer.json() == {"data": {"viewer": None}}


async def test_a_server_that_runs_only_registered_documents_runs_the_apps(
    settings: Settings, world: object
) -> None:
    only = replace(settings, trusted_documents_only=True)
    async with _client(create_app(only, manage_database=False)) as http:
        text = await http.post("/graphql", json={"query": "{ viewer { fullName } }"})
        assert text.json()["errors"][0]["extensions"]["code"] == "TRUSTED_DOCUMENTS_ONLY"
        by_id = await http.post("/graphql", json={"documentId": f"{PREFIX}AppViewer"})
        assert by_id.json() == {"data": {"viewer": None}}


async def test_no_app_and_none_of_its_documents_when_it_is_turned_off(
    settings: Settings, world: object
) -> None:
    app = create_app(replace(settings, app=False), manage_database=False)
    async with _client(app) as http:
        page = await http.get("/app/")
        assert (page.status_code, page.json()["code"]) == (404, "NOT_FOUND")
        assert (await http.get("/app/main.js")).status_code == 404
        by_id = await http.post("/graphql", json={"documentId": f"{PREFIX}AppViewer"})
        assert by_id.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_app_setting() -> None:
    assert Settings.from_env({}).app is True
    assert Settings.from_env({"EDIARY_ENV": "production"}).app is True
    assert Settings.from_env({"EDIARY_APP": "false"}).app is False
    # Only registered documents, and none registered but the app's: the app's still run.
    assert Settings.from_env({"EDIARY_TRUSTED_DOCUMENTS_ONLY": "true"}).trusted_documents_only
    with pytest.raises(ValueError, match="EDIARY_TRUSTED_DOCUMENTS_ONLY needs"):
        Settings.from_env({"EDIARY_TRUSTED_DOCUMENTS_ONLY": "true", "EDIARY_APP": "false"})


async def test_the_service_worker_keeps_every_file_of_the_app(http: httpx.AsyncClient) -> None:
    worker = await http.get("/app/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["service-worker-allowed"] == "/app/"
    kept = set(re.findall(r"^  '(/app/[^']*)',$", worker.text, re.MULTILINE))
    # The page (at /app/), and every module, style, icon and document of the app but the
    # worker itself.
    files = {
        f"/app/{path.name}" for path in APP.iterdir() if path.name not in ("sw.js", "index.html")
    }
    assert kept == files | {"/app/"}, kept ^ (files | {"/app/"})
    for path in kept:
        assert (await http.get(path)).status_code == 200, path
    page = await http.get("/app/")
    assert '<link rel="manifest" href="/app/manifest.webmanifest">' in page.text


async def test_the_web_app_manifest_makes_it_installable(http: httpx.AsyncClient) -> None:
    served = await http.get("/app/manifest.webmanifest")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("application/manifest+json")
    manifest = served.json()
    assert manifest["start_url"] == manifest["scope"] == manifest["id"] == "/app/"
    assert manifest["display"] == "standalone"
    # Russian first, with English.
    assert manifest["lang"] == "ru"
    assert manifest["name"] == "Электронный дневник / School diary"
    assert manifest["short_name"]
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    icons = {icon["sizes"]: icon for icon in manifest["icons"]}
    # What browsers ask of an installable app: a 192 and a 512 px icon.
    assert {"192x192", "512x512"} <= set(icons)
    for size, icon in icons.items():
        image = await http.get(icon["src"])
        assert image.status_code == 200, icon
        assert image.headers["content-type"] == icon["type"], icon
        if icon["type"] == "image/png":
            # The PNG's own width and height (IHDR) are the ones the manifest names.
            width = int.from_bytes(image.content[16:20], "big")
            height = int.from_bytes(image.content[20:24], "big")
            assert f"{width}x{height}" == size, icon
