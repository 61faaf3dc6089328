"""The reference web app in a real browser, as a parent on a phone (390×844): headless Debian
chromium opens /app/ of a real `ediary serve` with the demo school, signs in as the demo
mother of two, picks a child, reads her week and her marks by subject, and signs out.

The server runs only registered documents (`EDIARY_TRUSTED_DOCUMENTS_ONLY`; the test's own
manifest holds just the token login it reads the expected week with): the app works with the
trusted documents it ships and nothing else. Each screen
is audited with axe-core (pinned in compat/) and photographed into a folder this test names
(`EDIARY_SCREENSHOTS`, or pytest's tmp_path); the cold first load of the week screen is
measured in the browser with the Performance API."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import BACKEND
from tests.reference_clients import COMPAT, require
from tests.servers import Server

# The demo runs on its own SQLite file, so one pass of the suite is enough.
pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")

# A school day inside the demo's second term: the week has lessons, marks and homework.
TODAY = "2026-11-26"
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
FIRST_LOAD_LIMIT = 300 * 1024
AXE = COMPAT / "node_modules" / "axe-core" / "axe.min.js"


def _screenshots(tmp_path: Path) -> Path:
    """Where the screens are written: EDIARY_SCREENSHOTS when set (CI keeps it), else tmp."""
    folder = Path(os.environ.get("EDIARY_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _load_demo(folder: Path) -> dict[str, str]:
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


def _app_document(server: Server, name: str, variables: dict[str, Any], token: str) -> Any:
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


# This test's own manifest: a token login for the demo mother, to read what the app should
# show (a login sent as text would be refused by this server).
TOKEN_LOGIN = """mutation TestLogin {
  login(input: {login: "parent", password: "demo", client: APP}) {
    accessToken userErrors { code message }
  }
}
"""


def _bearer(server: Server) -> str:
    response = httpx.post(
        f"{server.url}/graphql", json={"documentId": "app-browser-test/Login"}, timeout=30
    )
    body = response.json()
    assert not body["data"]["login"]["userErrors"], body
    token: str = body["data"]["login"]["accessToken"]
    return token


def _audit(browser: webdriver.Chrome, screen: str) -> list[dict[str, Any]]:
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


def _photograph(browser: webdriver.Chrome, folder: Path, name: str) -> Path:
    """The whole page at the phone's width, not only what fits on its screen."""
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
    )
    path = folder / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def _wait(browser: webdriver.Chrome, css: str, within: float = 30) -> WebElement:
    WebDriverWait(browser, within).until(lambda b: b.find_elements(By.CSS_SELECTOR, css))
    return browser.find_element(By.CSS_SELECTOR, css)


def _text(browser: webdriver.Chrome, css: str) -> str:
    """The text of the first element matching `css` now ('' when none): read in the page, so
    a screen drawn again meanwhile leaves no stale element behind."""
    found: str = browser.execute_script(
        "return document.querySelector(arguments[0])?.textContent ?? ''", css
    )
    return found


def _click(browser: webdriver.Chrome, css: str) -> None:
    """Clicks the element matching `css` once it is there, on the screen as last drawn."""

    def clicked(b: webdriver.Chrome) -> bool:
        try:
            b.find_element(By.CSS_SELECTOR, css).click()
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        return True

    WebDriverWait(browser, 30).until(clicked)


def _first_load(browser: webdriver.Chrome, url: str) -> dict[str, Any]:
    """Opens `url` with an empty cache (the session cookie kept) and, once the week is drawn,
    what the page transferred: the document, its modules and styles, and the API's answers."""
    browser.get("about:blank")
    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
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


def _graphql_bodies(browser: webdriver.Chrome) -> list[dict[str, Any]]:
    bodies = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        request = message["params"]["request"]
        if request["url"].endswith("/graphql") and request["method"] == "POST":
            bodies.append(json.loads(request.get("postData") or "{}"))
    return bodies


def _requested(browser: webdriver.Chrome) -> list[str]:
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            urls.append(message["params"].get("request", message["params"]).get("url", ""))
    return urls


async def test_a_parent_on_a_phone_signs_in_picks_a_child_and_reads_her_week_and_marks(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = _screenshots(tmp_path)
    env = _load_demo(tmp_path)
    manifest = tmp_path / "test-documents.json"
    manifest.write_text(json.dumps({"app-browser-test/Login": TOKEN_LOGIN}))
    env |= {"EDIARY_TRUSTED_DOCUMENTS": str(manifest), "EDIARY_TRUSTED_DOCUMENTS_ONLY": "true"}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    async with Server(env, tmp_path / "server.log") as server:
        token = await asyncio.to_thread(_bearer, server)
        viewer = await asyncio.to_thread(_app_document, server, "AppViewer", {}, token)
        children = viewer["viewer"]["children"]
        assert len(children) == 2, children
        # The younger child, second in the list: picking her is a real choice.
        child = children[1]
        week = (
            await asyncio.to_thread(
                _app_document, server, "AppWeek", {"student": child["id"], "week": None}, token
            )
        )["diary"]
        marked = [
            (lesson["lesson"]["subject"]["name"], mark["value"], mark["weight"])
            for day in week["days"]
            for lesson in day["lessons"]
            for mark in lesson["marks"]
        ]
        assert marked, "the demo's week has marks"
        changes = [
            (lesson["lesson"]["subject"]["name"], lesson["lesson"]["changeNote"])
            for day in week["days"]
            for lesson in day["lessons"]
            if lesson["lesson"]["status"] != "HELD" or lesson["lesson"]["changeNote"]
        ]
        assert changes, "the demo's week has a change of the timetable"
        averages = (
            await asyncio.to_thread(
                _app_document, server, "AppTermAverages", {"student": child["id"]}, token
            )
        )["termAverages"]
        averaged = next(row for row in averages if row["average"] is not None)

        def walk() -> dict[str, Any]:
            seen: dict[str, Any] = {"axe": {}, "shots": {}}
            browser.get(f"{server.url}/app/")

            # Sign in.
            _wait(browser, "#login")
            seen["axe"]["login"] = _audit(browser, "login")
            seen["shots"]["login"] = _photograph(browser, shots, "1-sign-in")
            browser.find_element(By.ID, "login").send_keys("parent")
            browser.find_element(By.ID, "password").send_keys("demo")
            browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()

            # Pick a child.
            _wait(browser, "ul.children a")
            seen["children"] = [
                link.text for link in browser.find_elements(By.CSS_SELECTOR, "ul.children a")
            ]
            seen["axe"]["children"] = _audit(browser, "children")
            seen["shots"]["children"] = _photograph(browser, shots, "2-children")
            _click(browser, "ul.children li:nth-child(2) a")

            # Her week.
            _wait(browser, ".lesson .mark")
            seen["heading"] = browser.find_element(By.CSS_SELECTOR, "main h1").text
            seen["lessons"] = [
                (
                    item.find_element(By.CSS_SELECTOR, "h3").text,
                    [v.text for v in item.find_elements(By.CSS_SELECTOR, ".mark .value")],
                    # What a screen reader says of each mark.
                    [
                        v.get_attribute("textContent")
                        for v in item.find_elements(By.CSS_SELECTOR, ".mark .visually-hidden")
                    ],
                )
                for item in browser.find_elements(By.CSS_SELECTOR, ".lesson")
            ]
            seen["changed"] = browser.execute_script(
                "return [...document.querySelectorAll('.lesson.changed')].map((item) => ["
                "  item.querySelector('h3').textContent,"
                "  item.querySelector('.change').textContent])"
            )
            seen["axe"]["week"] = _audit(browser, "week")
            seen["shots"]["week"] = _photograph(browser, shots, "3-week")
            week_url = browser.current_url

            # The week before, and back.
            shown = _text(browser, ".weeks h2")
            _click(browser, "nav.weeks a[rel=prev]")
            WebDriverWait(browser, 30).until(lambda b: _text(b, ".weeks h2") not in ("", shown))
            seen["previous_week"] = _text(browser, ".weeks h2")
            browser.back()
            WebDriverWait(browser, 30).until(lambda b: _text(b, ".weeks h2") == shown)

            # Marks by subject.
            _click(browser, "nav.sections a[href^='#/marks/']")
            _wait(browser, ".subject .average")
            seen["subjects"] = browser.execute_script(
                """
                const found = {};
                for (const item of document.querySelectorAll('.subject')) {
                  found[item.querySelector('h3').textContent] = [
                    item.querySelector('.average').textContent,
                    item.querySelector('.forecast').textContent,
                    item.querySelectorAll('.mark').length,
                  ];
                }
                return found;
                """
            )
            seen["axe"]["marks"] = _audit(browser, "marks")
            seen["shots"]["marks"] = _photograph(browser, shots, "4-marks")

            # In English.
            _click(browser, ".tools button[lang=en]")
            _wait(browser, "html[lang=en] main:not([aria-busy]) .subject .average")
            seen["english"] = _text(browser, "nav.sections")
            seen["axe"]["marks-en"] = _audit(browser, "marks in English")
            seen["shots"]["marks-en"] = _photograph(browser, shots, "5-marks-en")
            _click(browser, ".tools button[lang=ru]")
            _wait(browser, "html[lang=ru] main:not([aria-busy]) .subject .average")

            # The week screen's first load, cold: an empty cache, the session kept. Like a
            # new tab, the page has the cookie but not the tab's CSRF token.
            browser.execute_script("sessionStorage.clear()")
            seen["first_load"] = _first_load(browser, week_url)
            seen["requested"] = _requested(browser)

            # Sign out: a mutation, with the session's CSRF token.
            cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
            _click(browser, ".tools button:not([lang])")
            _wait(browser, "#login")
            # Signed out for real: the session's cookie no longer opens anything.
            seen["after"] = httpx.post(
                f"{server.url}/graphql",
                json={"documentId": "ediary-app/AppViewer"},
                cookies=cookies,
                timeout=30,
            ).json()
            seen["bodies"] = _graphql_bodies(browser)

            # A student signs in to their own week: nobody to choose.
            browser.find_element(By.ID, "login").send_keys("student")
            browser.find_element(By.ID, "password").send_keys("demo")
            browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            _wait(browser, "main:not([aria-busy]) nav.weeks")
            seen["student"] = (
                _text(browser, "main h1"),
                browser.find_elements(By.CSS_SELECTOR, "a[href='#/children']"),
                _audit(browser, "a student's week"),
            )
            _photograph(browser, shots, "6-student-week")
            seen["console"] = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            return seen

        seen = await asyncio.to_thread(walk)

    print(f"screenshots: {shots}")
    assert seen["children"][0].startswith(children[0]["fullName"])
    assert seen["children"][1].startswith(children[1]["fullName"])
    assert seen["heading"] == child["fullName"]
    # Each mark the API gives for the week is on the screen, under its lesson's subject.
    for subject, value, weight in marked:
        assert any(
            name == subject
            and str(value) in values
            and any(a.startswith(f"Оценка {value}, вес {weight}, ") for a in labels)
            for name, values, labels in seen["lessons"]
        ), (subject, value, seen["lessons"])
    # Changes of the timetable stand out, with the school's note.
    for subject, note in changes:
        assert any(name == subject and note in text for name, text in seen["changed"]), (
            subject,
            note,
            seen["changed"],
        )
    assert seen["previous_week"]
    subject = averaged["subject"]["name"]
    average = f"{averaged['average']:.2f}".replace(".", ",")
    assert seen["subjects"][subject][0] == average, seen["subjects"]
    assert seen["subjects"][subject][1] == str(averaged["forecast"] or "—")
    assert seen["subjects"][subject][2] == averaged["markCount"]
    assert seen["english"] == "WeekMarks"
    # The demo's student is the mother's elder child.
    assert seen["student"] == (children[0]["fullName"], [], [])

    for screen, violations in seen["axe"].items():
        assert violations == [], (screen, violations)

    load = seen["first_load"]
    print(
        f"week screen, first load: {load['transferred']} bytes transferred, "
        f"{load['encoded']} bytes of bodies, rendered {load['rendered'] - load['answered']:.0f} ms "
        "after the API's last answer"
    )
    for entry in load["entries"]:
        print(f"  {entry['transferSize']:>7}  {entry['name']}")
    # Cold: every file came over the network, none from the cache.
    assert all(entry["transferSize"] > 0 for entry in load["entries"]), load["entries"]
    assert load["transferred"] < FIRST_LOAD_LIMIT, load["transferred"]
    assert load["rendered"] - load["answered"] < 1000

    # Only the public API, by the ids of the app's trusted documents.
    assert seen["bodies"] and all(
        body.get("documentId", "").startswith("ediary-app/") and "query" not in body
        for body in seen["bodies"]
    ), seen["bodies"]
    ours = urlsplit(server.url).netloc
    elsewhere = [
        url for url in seen["requested"] if url.startswith("http") and urlsplit(url).netloc != ours
    ]
    assert elsewhere == [], elsewhere
    assert seen["console"] == [], seen["console"]
    assert seen["after"]["data"] == {"viewer": None}
    assert [e["extensions"]["code"] for e in seen["after"]["errors"]] == ["SESSION_EXPIRED"]
    assert sorted(p.name for p in shots.glob("*.png")) >= [
        "1-sign-in.png",
        "2-children.png",
        "3-week.png",
        "4-marks.png",
        "5-marks-en.png",
    ]
