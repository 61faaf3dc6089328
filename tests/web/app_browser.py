"""Driving the web app in headless chromium against a real `ediary serve` of the demo school:
the server's environment, tokens to read what the app should show, axe-core audits,
screenshots, and waits that survive a screen drawn again."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.reference_clients import COMPAT
from tests.servers import Server

# A school day inside the demo's second term: the week has lessons, marks and homework.
TODAY = "2026-11-26"
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
# The teacher's screen: desktop first, at the commonest laptop size.
DESKTOP = {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False}
FIRST_LOAD_LIMIT = 300 * 1024
AXE = COMPAT / "node_modules" / "axe-core" / "axe.min.js"


def screenshots(tmp_path: Path) -> Path:
    """Where the screens are written: EDIARY_SCREENSHOTS when set (CI keeps it), else tmp."""
    folder = Path(os.environ.get("EDIARY_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def load_demo(folder: Path) -> dict[str, str]:
    env = {
        "EDIARY_DATABASE_URL": f"sqlite://{folder / 'demo.sqlite3'}",
        "EDIARY_ATTACHMENTS_DIR": str(folder / "attachments"),
        "EDIARY_TODAY": TODAY,
    }
    loaded = subprocess.run(
        [sys.executable, "-m", "ediary.cli", "demo"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert loaded.returncode == 0, loaded.stderr
    return env


def app_document(server: Server, name: str, variables: dict[str, Any], token: str) -> Any:
    """What the API answers to one of the app's own documents, for this test to expect."""
    response = httpx.post(
        f"{server.url}/graphql",
        json={"documentId": f"ediary-app/{name}", "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def class_journal(
    server: Server, token: str, pair: tuple[str, str], term: str | None = None
) -> Any:
    """What the API answers to the app's journal of a (class ID, subject ID): the class's
    current term, or `term`."""
    variables = {"class": pair[0], "subject": pair[1], "term": term}
    return app_document(server, "AppClassJournal", variables, token)["classJournal"]


def teachers_classes(server: Server, token: str) -> dict[str, tuple[str, str]]:
    """The classes and subjects the teacher teaches this week, as (class ID, subject ID) by
    the label the app gives them ("5А · Математика")."""
    week = app_document(server, "AppTeacherWeek", {}, token)["teacherTimetable"]
    return {
        f"{lesson['schoolClass']['name']} · {lesson['subject']['name']}": (
            lesson["schoolClass"]["id"],
            lesson["subject"]["id"],
        )
        for day in week["days"]
        for lesson in day["lessons"]
    }


# This test's own manifest: a token login for the demo mother, to read what the app should
# show (a login sent as text would be refused by this server).
TOKEN_LOGIN = """mutation TestLogin($login: String!) {
  login(input: {login: $login, password: "demo", client: APP}) {
    accessToken userErrors { code message }
  }
}
"""


def served_demo(tmp_path: Path) -> dict[str, str]:
    """The environment of a server of the demo school, as of TODAY, that runs only the app's
    documents and this test's token login."""
    env = load_demo(tmp_path)
    manifest = tmp_path / "test-documents.json"
    manifest.write_text(json.dumps({"app-browser-test/Login": TOKEN_LOGIN}))
    return env | {
        "EDIARY_TRUSTED_DOCUMENTS": str(manifest),
        "EDIARY_TRUSTED_DOCUMENTS_ONLY": "true",
    }


def bearer(server: Server, login: str = "parent") -> str:
    response = httpx.post(
        f"{server.url}/graphql",
        json={"documentId": "app-browser-test/Login", "variables": {"login": login}},
        timeout=30,
    )
    body = response.json()
    assert not body["data"]["login"]["userErrors"], body
    token: str = body["data"]["login"]["accessToken"]
    return token


def audit(browser: webdriver.Chrome, screen: str) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is, serious and critical ones only."""
    if not browser.execute_script("return typeof window.axe === 'object'"):
        browser.execute_script(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then("
        "  (r) => done(r.violations.map((v) => ({id: v.id, impact: v.impact,"
        "    help: v.help, nodes: v.nodes.map((n) => n.target.join(' '))}))),"
        "  (e) => done([{id: 'axe failed', impact: 'critical', help: String(e), nodes: []}]));"
    )
    print(f"axe on {screen}: {[(v['id'], v['impact']) for v in found] or 'no violations'}")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def photograph(browser: webdriver.Chrome, folder: Path, name: str) -> Path:
    """The whole page at the phone's width, not only what fits on its screen."""
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
    )
    path = folder / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def wait_for(browser: webdriver.Chrome, css: str, within: float = 30) -> WebElement:
    """The first element matching `css`, once there is one: the one the wait found, not a
    second look, which a screen drawn again in between would not answer."""
    # until() answers what the condition last returned: the elements the wait found.
    found: list[WebElement] = WebDriverWait(browser, within).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, css)
    )
    return found[0]


def sign_in(browser: webdriver.Chrome, login: str, password: str = "demo") -> None:
    """Fill the app's sign-in form, once it is there, and send it."""
    wait_for(browser, "#login").send_keys(login)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def text_of(browser: webdriver.Chrome, css: str) -> str:
    """The text of the first element matching `css` now ('' when none): read in the page, so
    a screen drawn again meanwhile leaves no stale element behind."""
    found: str = browser.execute_script(
        "return document.querySelector(arguments[0])?.textContent ?? ''", css
    )
    return found


def click(browser: webdriver.Chrome, css: str) -> None:
    """Clicks the element matching `css` once it is there, on the screen as last drawn."""

    def clicked(b: webdriver.Chrome) -> bool:
        try:
            b.find_element(By.CSS_SELECTOR, css).click()
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        return True

    WebDriverWait(browser, 30).until(clicked)


def first_load(browser: webdriver.Chrome, url: str) -> dict[str, Any]:
    """Opens `url` with an empty cache (the session cookie kept) and, once the week is drawn,
    what the page transferred: the document, its modules and styles, and the API's answers.
    Cold as a first visit: without the service worker and the files it kept either."""
    parts = urlsplit(url)
    browser.get("about:blank")
    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
    browser.execute_cdp_cmd(
        "Storage.clearDataForOrigin",
        {
            "origin": f"{parts.scheme}://{parts.netloc}",
            "storageTypes": "service_workers,cache_storage",
        },
    )
    browser.get(url)
    WebDriverWait(browser, 30).until(
        lambda b: b.execute_script(
            "return performance.getEntriesByName('ediary:week-rendered').length > 0"
        )
    )
    measured: dict[str, Any] = browser.execute_script(
        """
        const entries = [...performance.getEntriesByType('navigation'),
                         ...performance.getEntriesByType('resource')];
        const api = entries.filter((e) => e.name.endsWith('/graphql'));
        return {
          entries: entries.map((e) => ({name: e.name, transferSize: e.transferSize,
                                        encodedBodySize: e.encodedBodySize})),
          transferred: entries.reduce((sum, e) => sum + e.transferSize, 0),
          encoded: entries.reduce((sum, e) => sum + e.encodedBodySize, 0),
          answered: Math.max(...api.map((e) => e.responseEnd)),
          rendered: performance.getEntriesByName('ediary:week-rendered')[0].startTime,
        };
        """
    )
    return measured


def graphql_bodies(browser: webdriver.Chrome) -> list[dict[str, Any]]:
    bodies = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        request = message["params"]["request"]
        if request["url"].endswith("/graphql") and request["method"] == "POST":
            bodies.append(json.loads(request.get("postData") or "{}"))
    return bodies


def requested(browser: webdriver.Chrome) -> list[str]:
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            urls.append(message["params"].get("request", message["params"]).get("url", ""))
    return urls
