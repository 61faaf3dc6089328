"""The class teacher issues the Dnevnik plugin's access codes from the web app, in a real
browser on a 1366×768 screen: headless Debian chromium against a real `ediary serve` of the
demo school with the plugin on (as every installed plugin is, unless EDIARY_PLUGINS says
otherwise), running only registered documents.

From the keyboard, in "My class" → the families' logins, she issues one parent code per
student and a code for each student; the codes are shown once, with their expiry, the warning
and the link to the printable slips. The API then has the batch with exactly the codes shown,
and a code read off the screen is redeemed by a parent, which the batch then counts as used.
Every screen is audited with axe-core and photographed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.conftest import BACKEND
from tests.reference_clients import require
from tests.servers import Server
from tests.web.app_browser import (
    AXE,
    DESKTOP,
    TOKEN_LOGIN,
    app_document,
    audit,
    bearer,
    photograph,
    screenshots,
    served_demo,
    sign_in,
    text_of,
    wait_for,
)
from tests.web.conftest import browser as browser  # the chromium fixture of the app's tests

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")


# What the test reads and does beside the app: the codes themselves (the app's own listing
# leaves them out), a parent redeeming one, and her children afterwards.
TEST_DOCUMENTS = {
    "app-browser-test/Login": TOKEN_LOGIN,
    "app-browser-test/Batches": """query Batches($class: ID!) {
  accessCodeBatches(classId: $class) {
    id expiresAt printUrl
    codes { role code used student { id fullName } }
  }
}
""",
    "app-browser-test/Redeem": """mutation Redeem($code: String!) {
  redeemAccessCode(input: {code: $code}) {
    status child { id } userErrors { code message }
  }
}
""",
    "app-browser-test/Children": """query Children {
  viewer { children { id } }
}
""",
}


def _served(tmp_path: Path) -> dict[str, str]:
    """The demo school's server running the app's documents and this test's."""
    env = served_demo(tmp_path)
    Path(env["EDIARY_TRUSTED_DOCUMENTS"]).write_text(json.dumps(TEST_DOCUMENTS))
    return env


def _gql(server: Server, name: str, variables: dict[str, Any], token: str) -> Any:
    response = httpx.post(
        f"{server.url}/graphql",
        json={"documentId": f"app-browser-test/{name}", "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_a_class_teacher_issues_access_codes_that_a_parent_redeems(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    env = _served(tmp_path)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)
    server = Server(env, tmp_path / "server.log")
    # The sheets' address the API hands out is this server's, as a deployment's.
    server.env["EDIARY_PUBLIC_URL"] = server.url
    async with server:
        teacher = await asyncio.to_thread(bearer, server, "classteacher")
        mother = await asyncio.to_thread(bearer, server, "parent")
        led = (await asyncio.to_thread(app_document, server, "AppLedClasses", {}, teacher))[
            "viewer"
        ]["ledClasses"]
        assert len(led) == 1, led
        school_class = led[0]
        before = (
            await asyncio.to_thread(
                app_document, server, "AppAccessCodeBatches", {"class": school_class["id"]}, teacher
            )
        )["accessCodeBatches"]

        def walk() -> dict[str, Any]:
            seen: dict[str, Any] = {"axe": {}}
            browser.get(f"{server.url}/app/")
            sign_in(browser, "classteacher")
            # Signed in: the journals, with the way to "My class".
            wait_for(browser, "main:not([aria-busy]) a.my-class")
            browser.get(f"{server.url}/app/#/class/{quote(school_class['id'], safe='')}/logins")
            wait_for(browser, "main:not([aria-busy]) form#issue-codes")
            seen["title"] = text_of(browser, ".codes-section h2")
            seen["axe"]["codes"] = audit(browser, "access codes")
            photograph(browser, shots, "30-class-codes")

            # Keyboard only: one parent code per student, the students' own, 30 days; Enter
            # on the button sends it.
            parents = browser.find_element(By.ID, "codes-parents")
            parents.send_keys(Keys.CONTROL, "a")
            parents.send_keys("1", Keys.TAB)
            focused = [browser.execute_script("return document.activeElement.id")]
            browser.switch_to.active_element.send_keys(Keys.TAB)
            focused.append(browser.execute_script("return document.activeElement.id"))
            browser.switch_to.active_element.send_keys(Keys.TAB)
            focused.append(
                browser.execute_script("return document.activeElement.closest('form').id")
                + " "
                + browser.execute_script("return document.activeElement.type")
            )
            seen["focused"] = focused
            browser.switch_to.active_element.send_keys(Keys.ENTER)
            wait_for(browser, ".codes-issued tbody tr")
            seen["status"] = text_of(browser, ".codes-section .class-status")
            seen["heading"] = text_of(browser, "#codes-heading")
            seen["heading-focused"] = browser.execute_script(
                "return document.activeElement.id === 'codes-heading'"
            )
            seen["once"] = text_of(browser, ".codes-issued .once")
            seen["rows"] = [
                [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
                for row in browser.find_elements(By.CSS_SELECTOR, ".codes-issued tbody tr")
            ]
            seen["print"] = browser.execute_script(
                "return document.querySelector('.codes-issued a.print').href"
            )
            seen["earlier"] = len(browser.find_elements(By.CSS_SELECTOR, ".code-batches tbody tr"))
            seen["axe"]["codes-issued"] = audit(browser, "access codes issued")
            photograph(browser, shots, "31-class-codes-issued")

            # The sheets: the plugin's printable page, with the same session.
            app_tab = browser.current_window_handle
            browser.switch_to.new_window("tab")
            browser.get(seen["print"])
            seen["sheet"] = browser.find_element(By.TAG_NAME, "body").text
            photograph(browser, shots, "32-class-codes-sheet")
            browser.close()
            browser.switch_to.window(app_tab)
            # The plugin's page has no icon: the browser's ask for /favicon.ico there fails,
            # which is not the app's doing.
            seen["console"] = [
                e
                for e in browser.get_log("browser")
                if e["level"] == "SEVERE"
                and not e["message"].startswith(f"{server.url}/favicon.ico ")
            ]
            return seen

        seen = await asyncio.to_thread(walk)
        after = (
            await asyncio.to_thread(_gql, server, "Batches", {"class": school_class["id"]}, teacher)
        )["accessCodeBatches"]
        listed = (
            await asyncio.to_thread(
                app_document, server, "AppAccessCodeBatches", {"class": school_class["id"]}, teacher
            )
        )["accessCodeBatches"]
        children = {
            c["id"]
            for c in (await asyncio.to_thread(_gql, server, "Children", {}, mother))["viewer"][
                "children"
            ]
        }
        batch = after[0]
        # A parent's code, read off the screen, for a child the mother is not yet a parent of.
        shown = {row[2]: row for row in seen["rows"]}
        code = next(
            c
            for c in batch["codes"]
            if c["role"] == "PARENT" and c["student"]["id"] not in children
        )
        redeemed = (
            await asyncio.to_thread(
                _gql, server, "Redeem", {"code": shown[code["code"]][2]}, mother
            )
        )["redeemAccessCode"]
        children_after = {
            c["id"]
            for c in (await asyncio.to_thread(_gql, server, "Children", {}, mother))["viewer"][
                "children"
            ]
        }
        used = [
            c["used"]
            for c in (
                await asyncio.to_thread(
                    _gql, server, "Batches", {"class": school_class["id"]}, teacher
                )
            )["accessCodeBatches"][0]["codes"]
        ]

    print(f"screenshots: {shots}")
    assert seen["title"] == "Коды доступа для семей"
    assert seen["focused"] == ["codes-days", "codes-students", "issue-codes submit"]
    # The batch is new, and it holds exactly what the screen showed, in its order.
    assert len(after) == len(before) + 1 == len(listed) == seen["earlier"]
    students = {c["student"]["id"] for c in batch["codes"]}
    assert len(batch["codes"]) == 2 * len(students), batch["codes"]
    assert seen["status"] == f"Выдано кодов: {len(batch['codes'])}"
    assert seen["heading"] == f"Выданные коды: {len(batch['codes'])}"
    assert seen["heading-focused"]
    assert [row[:3] for row in seen["rows"]] == [
        [
            c["student"]["fullName"],
            "сам ученик" if c["role"] == "STUDENT" else "родитель",
            c["code"],
        ]
        for c in batch["codes"]
    ]
    assert seen["once"].startswith("Коды показаны один раз")
    assert "Коды действуют до" in seen["once"]
    assert seen["print"] == batch["printUrl"]
    assert all(c["code"] in seen["sheet"] for c in batch["codes"])
    # A code from the screen works: the child is the mother's now, and the code is used.
    assert redeemed == {
        "status": "LINKED",
        "child": {"id": code["student"]["id"]},
        "userErrors": [],
    }, redeemed
    assert children_after == children | {code["student"]["id"]}
    assert used == [c["code"] == code["code"] for c in batch["codes"]]
    for screen, violations in seen["axe"].items():
        assert violations == [], (screen, violations)
    assert seen["console"] == [], seen["console"]
