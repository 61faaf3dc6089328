"""Where a portal login comes back to: `/moscow/login?next=` names a page of this site (the web
app asks for `/app/`), kept with the login on the server; anything that is not a path here
(another site, spelt in the ways browsers read as one) comes back home instead."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from ediary.adapters import local_return_path
from ediary.domain.identity import snils_with_check_sum
from tests.plugins.moscow.conftest import City, OidcProvider


async def _login(app: Starlette, provider: OidcProvider, sub: str, start: str) -> httpx.Response:
    """Our start route with `start` as its query, the provider's form, our callback."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as ours:
        started = await ours.get(f"/moscow/login{start}")
        assert started.status_code == 302, started.text
        async with httpx.AsyncClient(timeout=5) as browser:
            back = await browser.post(started.headers["location"], data={"sub": sub})
            assert back.status_code == 302, back.text
        callback = urlsplit(back.headers["location"])
        # A `next` on the provider's answer is not ours to follow: only the stored one counts.
        return await ours.get(f"{callback.path}?{callback.query}&next=%2F%2Fevil.example")


async def test_a_portal_login_comes_back_to_the_page_that_started_it(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    oidc_provider.set_user(
        "parent-return",
        {
            "snils": snils_with_check_sum("555000111"),
            "family_name": "Sokolova",
            "given_name": "Anna",
            "children": [{"snils": city.snils["first_child"]}],
        },
    )
    done = await _login(
        portal_app, oidc_provider, "parent-return", f"?next={quote('/app/#/marks/1', safe='')}"
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "http://testserver/app/#/marks/1"
    assert done.cookies.get("ediary_session")

    home = await _login(portal_app, oidc_provider, "parent-return", "")
    assert home.headers["location"] == "http://testserver/"


@pytest.mark.parametrize(
    "sent",
    [
        "//evil.example/app/",
        "/\\evil.example",
        "https://evil.example/",
        "evil.example",
        "/app/\n",
        "/app/ x",
        "/" + "a" * 600,
    ],
)
async def test_a_return_address_that_is_not_a_path_here_goes_home(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City, sent: str
) -> None:
    assert local_return_path(sent) == "/"
    oidc_provider.set_user(
        "parent-elsewhere", {"snils": snils_with_check_sum("555000222"), "children": []}
    )
    done = await _login(
        portal_app, oidc_provider, "parent-elsewhere", f"?next={quote(sent, safe='')}"
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "http://testserver/"


def test_paths_here_are_kept_as_they_are() -> None:
    for path in ("/", "/app/", "/app/#/week/U3R1ZGVudDox/2026-W48", "/app/?lang=en"):
        assert local_return_path(path) == path
    assert local_return_path(None) == "/"
    assert local_return_path("", default="/app/") == "/app/"
