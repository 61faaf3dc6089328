"""A provider that behaves like ESIA, for the plugin's "esia" profile: compat/esia-provider.mjs
(the npm package oidc-provider) started as its own process, with PKCE required, the GOST
signed client_secret checked by `tests.esia.verify` against a certificate made at test time,
and the person and kids endpoints. Without Node.js or compat/'s packages the tests skip (and
fail under EDIARY_REQUIRE_COMPAT=1), like the other reference clients."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from ediary.app import create_app
from ediary.config import Settings
from tests.esia.keys import KeyPair, make_key_pair
from tests.reference_clients import COMPAT, require
from tests.servers import ROOT, wait_for_provider

ESIA_CLIENT_ID = "ediary-esia-test"


def esia_snils(digits: str) -> str:
    """A SNILS written the way ESIA gives it: 123-456-789 01."""
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


@dataclass
class EsiaProvider:
    url: str
    # The key pair registered with the provider, and one it has never seen.
    client: KeyPair
    stranger: KeyPair

    def set_person(
        self,
        oid: str,
        person: dict[str, Any],
        kids: list[dict[str, Any]] = (),  # type: ignore[assignment]
        *,
        kids_as_references: bool = False,
        reference_base: str = "",
    ) -> None:
        body = {
            "person": person,
            "kids": list(kids),
            "kidsAsReferences": kids_as_references,
            "referenceBase": reference_base,
        }
        httpx.put(f"{self.url}/test/persons/{oid}", json=body, timeout=5).raise_for_status()

    def checks(self) -> list[dict[str, Any]]:
        """The provider's signature checks so far: {"step": "authorization" or "token",
        "ok": bool, "reason": str}."""
        found: list[dict[str, Any]] = httpx.get(f"{self.url}/test/checks", timeout=5).json()
        return found


@pytest.fixture(scope="session")
def esia_provider(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EsiaProvider]:
    from tests.plugins.moscow.conftest import free_port

    node = shutil.which("node")
    require("Node.js", node is not None, "install Node.js 20 or newer (and npm)")
    require(
        "compat/node_modules/oidc-provider",
        (COMPAT / "node_modules" / "oidc-provider").is_dir(),
        "run `npm ci` in compat/",
    )
    assert node is not None
    keys = tmp_path_factory.mktemp("esia-keys")
    client = make_key_pair(keys, "ediary esia client")
    stranger = make_key_pair(keys, "someone else")
    port = free_port()
    redirect_uri = f"{settings.public_url.rstrip('/')}/moscow/callback"
    process = subprocess.Popen(
        [
            node,
            str(COMPAT / "esia-provider.mjs"),
            str(port),
            ESIA_CLIENT_ID,
            redirect_uri,
            str(client.cert_path),
            sys.executable,
            str(ROOT),
        ],
        cwd=COMPAT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_provider(url, "the ESIA provider")
        yield EsiaProvider(url, client, stranger)
    finally:
        process.terminate()
        process.wait(timeout=10)


def esia_settings(settings: Settings, provider: EsiaProvider, keys: KeyPair) -> Settings:
    extra = {
        **settings.extra,
        "EDIARY_MOSCOW_DISCOVERY_URL": f"{provider.url}/.well-known/openid-configuration",
        "EDIARY_MOSCOW_CLIENT_ID": ESIA_CLIENT_ID,
        "EDIARY_MOSCOW_PROFILE": "esia",
        "EDIARY_MOSCOW_SIGNING_KEY": str(keys.key_path),
        "EDIARY_MOSCOW_SIGNING_CERT": str(keys.cert_path),
        "EDIARY_MOSCOW_TIMEOUT": "5",
    }
    return dataclasses.replace(settings, extra=extra)


@pytest.fixture(scope="session")
def esia_app(settings: Settings, esia_provider: EsiaProvider) -> Starlette:
    return create_app(
        esia_settings(settings, esia_provider, esia_provider.client), manage_database=False
    )


async def esia_login(
    app: Starlette,
    provider: EsiaProvider,
    oid: str,
    *,
    client: httpx.AsyncClient | None = None,
    before_callback: Callable[[str], Awaitable[None]] | None = None,
    finish_with: Starlette | None = None,
) -> httpx.Response:
    """Drive the browser: our start route, the provider's login form (the person's oid) and
    its redirects, our callback. `before_callback` gets the login's state first;
    `finish_with` is another server (same database) the callback goes to, with the cookies
    of the browser that started."""
    ours = client or httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    )
    start = await ours.get("/moscow/login")
    assert start.status_code == 302, start.text
    authorize = start.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    async with httpx.AsyncClient(timeout=5) as browser:
        answer = await browser.get(authorize)
        interaction = urljoin(provider.url, answer.headers["location"])
        form = await browser.get(interaction)
        assert form.status_code == 200 and 'name="sub"' in form.text, form.text
        answer = await browser.post(interaction, data={"sub": oid})
        for _ in range(5):
            location = urljoin(provider.url, answer.headers["location"])
            if location.startswith("http://testserver/"):
                break
            answer = await browser.get(location)
        else:
            raise AssertionError(f"the provider did not send the browser back: {answer.text}")
    callback = urlsplit(location)
    assert callback.path == "/moscow/callback", location
    if before_callback is not None:
        await before_callback(query["state"][0])
    if finish_with is not None:
        ours = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=finish_with),
            base_url="http://testserver",
            cookies=ours.cookies,
        )
    return await ours.get(f"{callback.path}?{callback.query}")
