"""The web app's portal sign-in in a real browser, as a parent on a phone (390×844): headless
Debian chromium against a real `ediary serve` of the demo school with the Moscow plugin
configured for the real OpenID Connect provider process of these tests (oidc-provider-mock).

The sign-in screen offers "Sign in with mos.ru / Gosuslugi" because the server's `loginFlows`
has the portal; the button goes to the plugin's `/moscow/login?next=/app/`, the provider's
login form, the plugin's callback and back to /app/, signed in with a cookie session, where
the child the portal lists (by the SNILS the school recorded) is linked and her week shown."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from ediary.domain.identity import snils_with_check_sum
from tests.conftest import BACKEND
from tests.plugins.moscow.conftest import CLIENT_ID, OidcProvider
from tests.reference_clients import require
from tests.servers import Server
from tests.web.app_browser import (
    AXE,
    PHONE,
    audit,
    click,
    load_demo,
    photograph,
    screenshots,
    text_of,
    wait_for,
)
from tests.web.conftest import browser as browser  # the chromium fixture of the app's tests

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")

PARENT_SNILS = snils_with_check_sum("777000222")
CHILD_SNILS = snils_with_check_sum("777000111")
# This test's own document, beside the app's: a token to ask who the demo student is.
DOCUMENTS = {
    "portal-test/Login": """mutation Login($login: String!) {
  login(input: {login: $login, password: "demo", client: APP}) { accessToken }
}
""",
}


def _check(server: Server, cookies: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The demo student as the API gives her, and what the portal's session cookie opens now."""
    token = httpx.post(
        f"{server.url}/graphql",
        json={"documentId": "portal-test/Login", "variables": {"login": "student"}},
        timeout=30,
    ).json()["data"]["login"]["accessToken"]
    student: dict[str, Any] = httpx.post(
        f"{server.url}/graphql",
        json={"documentId": "ediary-app/AppViewer"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()["data"]["viewer"]["student"]
    after: dict[str, Any] = httpx.post(
        f"{server.url}/graphql",
        json={"documentId": "ediary-app/AppViewer"},
        cookies={"ediary_session": cookies["ediary_session"]},
        timeout=30,
    ).json()
    return student, after


async def test_a_parent_signs_in_through_the_portal_and_lands_on_her_childs_week(
    tmp_path: Path, browser: webdriver.Chrome, oidc_provider: OidcProvider
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    env = load_demo(tmp_path)
    # The school has recorded the demo student's SNILS, by which the portal's list finds her.
    database = sqlite3.connect(tmp_path / "demo.sqlite3")
    with database:
        database.execute("UPDATE account SET snils = ? WHERE login = 'student'", (CHILD_SNILS,))
    database.close()
    manifest = tmp_path / "portal-test.json"
    manifest.write_text(json.dumps(DOCUMENTS))
    oidc_provider.set_user(
        "demo-portal-mother",
        {
            "snils": PARENT_SNILS,
            "family_name": "Соколова",
            "given_name": "Анна",
            "children": [{"snils": CHILD_SNILS}],
        },
    )
    env |= {
        "EDIARY_TRUSTED_DOCUMENTS": str(manifest),
        "EDIARY_TRUSTED_DOCUMENTS_ONLY": "true",
        "EDIARY_MOSCOW_DISCOVERY_URL": f"{oidc_provider.url}/.well-known/openid-configuration",
        "EDIARY_MOSCOW_CLIENT_ID": CLIENT_ID,
        "EDIARY_MOSCOW_CLIENT_SECRET": "test secret",
    }
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    server = Server(env, tmp_path / "server.log")
    # The provider sends the browser back to this server's callback.
    server.env["EDIARY_PUBLIC_URL"] = server.url
    async with server:

        def walk() -> dict[str, Any]:
            seen: dict[str, Any] = {"axe": {}}
            browser.get(f"{server.url}/app/")
            wait_for(browser, "nav.ways a.portal")
            portal = browser.find_element(By.CSS_SELECTOR, "nav.ways a.portal")
            seen["button"] = (portal.text, portal.get_attribute("href"))
            seen["axe"]["sign-in"] = audit(browser, "sign-in with the portal")
            photograph(browser, shots, "portal-1-sign-in")

            # From the keyboard: the button is a link, Enter follows it.
            portal.send_keys(Keys.ENTER)
            wait_for(browser, "input[name=sub]")
            seen["provider"] = urlsplit(browser.current_url).netloc
            browser.find_element(By.CSS_SELECTOR, "input[name=sub]").send_keys(
                "demo-portal-mother", Keys.ENTER
            )

            # Back in the app, signed in, on the child's week.
            wait_for(browser, "main:not([aria-busy]) nav.weeks")
            # The provider's own page (its stylesheet from a CDN this machine cannot reach) is
            # not ours to judge: only what our server's pages said counts.
            ours = [
                e
                for e in browser.get_log("browser")
                if e["level"] == "SEVERE" and server.url in e["message"]
            ]
            seen["week"] = (text_of(browser, "main h1"), browser.current_url)
            seen["axe"]["week"] = audit(browser, "week after the portal")
            photograph(browser, shots, "portal-2-week")
            seen["cookies"] = {c["name"]: c["value"] for c in browser.get_cookies()}
            # Signing out works as after a password (the CSRF token from the portal's cookie).
            click(browser, ".tools button:not([lang])")
            wait_for(browser, "nav.ways a.portal")
            seen["console"] = ours + [
                e for e in browser.get_log("browser") if e["level"] == "SEVERE"
            ]
            return seen

        seen = await asyncio.to_thread(walk)
        student, after = await asyncio.to_thread(_check, server, seen["cookies"])
    database = sqlite3.connect(tmp_path / "demo.sqlite3")
    with database:
        parent = database.execute(
            "SELECT id, last_name, first_name FROM account WHERE snils = ?", (PARENT_SNILS,)
        ).fetchone()
        linked = database.execute(
            "SELECT student_id FROM guardianship WHERE parent_id = ?", (parent[0],)
        ).fetchall()
        child = database.execute(
            "SELECT id FROM account WHERE snils = ?", (CHILD_SNILS,)
        ).fetchone()
    database.close()

    print(f"screenshots: {shots}")
    text, href = seen["button"]
    assert text == "Войти через mos.ru / Госуслуги"
    started = urlsplit(href)
    assert (started.netloc, started.path) == (urlsplit(server.url).netloc, "/moscow/login")
    assert parse_qs(started.query)["next"] == ["/app/"]
    assert seen["provider"] == urlsplit(oidc_provider.url).netloc
    assert seen["week"][0] == student["fullName"]
    assert seen["week"][1].startswith(f"{server.url}/app/#/week/{quote(student['id'], safe='')}")
    # The portal made the account (its name from the portal) and linked the child.
    assert parent[1:] == ("Соколова", "Анна")
    assert linked == [(child[0],)]
    # Signed out: the portal's session opens nothing any more.
    assert after["data"] == {"viewer": None}
    for screen, violations in seen["axe"].items():
        assert violations == [], (screen, violations)
    assert seen["console"] == [], seen["console"]
