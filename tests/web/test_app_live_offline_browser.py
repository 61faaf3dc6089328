"""The web app's week, live and offline, in a real browser on a phone (390×844): a parent has
her child's week open when the demo school's mathematics teacher gives the child a mark
through the API, and the mark appears within seconds, without a reload, said politely to
screen readers; then the server goes away and the reloaded page still shows the week, read-only
and marked as offline, from the copy the browser kept. That copy is the signed-in user's only:
when her session is logged out elsewhere the page shows the sign-in and the copy is gone, the
next user's week replaces it, and sign-out drops it.

The browser's own installability check finds nothing missing for installing the app. Like the
other browser tests, the server runs only registered documents, each state is audited with
axe-core and photographed into the folder the test names."""

from __future__ import annotations

import asyncio
import base64
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import BACKEND
from tests.reference_clients import require
from tests.servers import Server, listening
from tests.web.app_browser import (
    AXE,
    PHONE,
    TODAY,
    app_document,
    audit,
    bearer,
    click,
    photograph,
    screenshots,
    served_demo,
    sign_in,
    text_of,
    wait_for,
)

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")

# What the page keeps (offline.js): read in the page, as the app reads it.
KEPT = (
    "const done = arguments[arguments.length - 1];"
    "caches.open('ediary-offline').then((c) => c.match('/app/offline/last-week'))"
    "  .then((r) => (r ? r.json() : null)).then(done, (e) => done(String(e)));"
)
# Live, a mark arrives within this many seconds of the teacher's request.
WITHIN = 5


def _same_week(day: str) -> bool:
    return date.fromisoformat(day).isocalendar()[:2] == date.fromisoformat(TODAY).isocalendar()[:2]


def _lesson_to_mark(server: Server, teacher: str, children: list[dict[str, Any]]) -> Any:
    """One of the mother's children in a class of the teacher, and a lesson of this week
    held by today where the child has no mark yet: (child, lesson ID)."""
    week = app_document(server, "AppTeacherWeek", {}, teacher)["teacherTimetable"]
    pairs = {
        (lesson["schoolClass"]["id"], lesson["subject"]["id"])
        for day in week["days"]
        for lesson in day["lessons"]
        if lesson["schoolClass"]
    }
    for class_id, subject_id in sorted(pairs):
        journal = app_document(
            server, "AppClassJournal", {"class": class_id, "subject": subject_id}, teacher
        )["classJournal"]
        for row in journal["rows"]:
            child = next((c for c in children if c["id"] == row["student"]["id"]), None)
            if child is None:
                continue
            for column, lesson in enumerate(journal["lessons"]):
                if (
                    lesson["date"] <= TODAY
                    and _same_week(lesson["date"])
                    and lesson["status"] == "HELD"
                    and not row["cells"][column]["marks"]
                ):
                    return child, lesson["id"]
    raise AssertionError("the demo teacher teaches none of the mother's children this week")


def _kept(browser: webdriver.Chrome) -> Any:
    return browser.execute_async_script(KEPT)


async def test_a_parent_sees_the_teachers_mark_live_and_reads_the_week_offline(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    env = served_demo(tmp_path)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    seen: dict[str, Any] = {"axe": {}}
    server = Server(env, tmp_path / "server.log")
    async with server:
        parent = await asyncio.to_thread(bearer, server)
        teacher = await asyncio.to_thread(bearer, server, "teacher")
        mother = (await asyncio.to_thread(app_document, server, "AppViewer", {}, parent))["viewer"]
        child, lesson = await asyncio.to_thread(
            _lesson_to_mark, server, teacher, mother["children"]
        )

        def open_week() -> None:
            browser.get(f"{server.url}/app/")
            sign_in(browser, "parent")
            wait_for(browser, "main:not([aria-busy]) ul.children a")
            browser.execute_script("location.hash = arguments[0]", f"#/week/{child['id']}")
            wait_for(browser, "main:not([aria-busy]) .lesson")
            # Set in this document: still there after the update means no reload.
            browser.execute_script("window.ediaryTestDocument = 'first'")
            seen["marks_before"] = len(browser.find_elements(By.CSS_SELECTOR, ".lesson .mark"))
            WebDriverWait(browser, 10).until(lambda b: isinstance(_kept(b), dict))
            seen["kept"] = _kept(browser)
            # The app's files are kept before the server goes away.
            seen["worker"] = browser.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "navigator.serviceWorker.ready.then((r) => done(r.scope), (e) => done(String(e)));"
            )
            # Installable, by the browser's own checks of the manifest and the worker.
            seen["installable"] = browser.execute_cdp_cmd("Page.getInstallabilityErrors", {})
            seen["app_manifest"] = browser.execute_cdp_cmd("Page.getAppManifest", {})
            seen["axe"]["week"] = audit(browser, "week, followed live")
            photograph(browser, shots, "10-live-before")

        await asyncio.to_thread(open_week)
        # The page's subscription is listening: a mark committed now reaches it.
        await listening(server.url, at_least=1)

        def post_mark() -> Any:
            return httpx.post(
                f"{server.url}/graphql",
                json={
                    "documentId": "ediary-app/AppPostMark",
                    "variables": {"student": child["id"], "lesson": lesson, "value": 5},
                },
                headers={"Authorization": f"Bearer {teacher}"},
                timeout=30,
            ).json()

        posted_at = time.monotonic()
        posted = await asyncio.to_thread(post_mark)
        assert posted["data"]["postMark"]["userErrors"] == [], posted

        def watch() -> None:
            WebDriverWait(browser, WITHIN).until(lambda b: text_of(b, ".live"))
            seen["after_seconds"] = time.monotonic() - posted_at
            seen["live"] = browser.execute_script(
                "const live = document.querySelector('.live');"
                "return [live.getAttribute('role'), live.getAttribute('aria-live'),"
                "        live.textContent];"
            )
            seen["fresh"] = [
                e.text for e in browser.find_elements(By.CSS_SELECTOR, ".mark.fresh .value")
            ]
            seen["marks_after"] = len(browser.find_elements(By.CSS_SELECTOR, ".lesson .mark"))
            seen["same_document"] = browser.execute_script("return window.ediaryTestDocument")
            seen["axe"]["live"] = audit(browser, "week with a mark arrived live")
            photograph(browser, shots, "11-live-after")
            # The phone's screen around the new mark, as the parent sees it.
            browser.execute_script(
                "document.querySelector('.mark.fresh').scrollIntoView({block: 'center'})"
            )
            shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
            (shots / "11b-live-mark.png").write_bytes(base64.b64decode(shot["data"]))
            WebDriverWait(browser, 10).until(
                lambda b: (
                    len(_kept(b)["diary"]["days"]) > 0
                    and _kept(b)["savedAt"] != seen["kept"]["savedAt"]
                )
            )
            seen["kept_after"] = _kept(browser)
            seen["console"] = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]

        await asyncio.to_thread(watch)

    # The server is gone: no connection to anything.
    def offline() -> None:
        browser.refresh()
        wait_for(browser, "main:not([aria-busy]) .offline")
        seen["offline"] = text_of(browser, ".offline")
        seen["offline_heading"] = text_of(browser, "main h1")
        seen["offline_marks"] = len(browser.find_elements(By.CSS_SELECTOR, ".lesson .mark"))
        seen["offline_links"] = len(browser.find_elements(By.CSS_SELECTOR, "nav.weeks a"))
        seen["axe"]["offline"] = audit(browser, "week offline")
        photograph(browser, shots, "12-offline")

    await asyncio.to_thread(offline)

    again = Server(env, tmp_path / "server-again.log")
    again.port = server.port  # the same origin, whose storage holds the copy
    async with again:
        student = await asyncio.to_thread(bearer, again, "student")
        pupil = (await asyncio.to_thread(app_document, again, "AppViewer", {}, student))["viewer"]

        def back_online() -> None:
            # The offline screen's own way back: try again.
            click(browser, "button.retry")
            wait_for(browser, "main:not([aria-busy]) .live")
            seen["back_online"] = browser.find_elements(By.CSS_SELECTOR, ".offline")

        await asyncio.to_thread(back_online)
        await listening(again.url, at_least=1)

        def log_out_elsewhere() -> Any:
            # The same session logged out from elsewhere (its cookie and token, as another tab).
            cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
            return httpx.post(
                f"{again.url}/graphql",
                json={"documentId": "ediary-app/AppLogout"},
                cookies=cookies,
                headers={"X-CSRF-Token": cookies["ediary_csrf"], "Origin": again.url},
                timeout=30,
            ).json()

        logged_out = await asyncio.to_thread(log_out_elsewhere)
        assert logged_out["data"]["logout"]["userErrors"] == [], logged_out

        def next_user() -> None:
            # The server closed the week's connection: the app asks who is signed in (nobody),
            # shows the sign-in and drops the copy.
            wait_for(browser, "main:not([aria-busy]) #login", within=10)
            seen["kept_signed_out"] = _kept(browser)
            # Another user on this browser keeps their own week, and sign-out drops it.
            sign_in(browser, "student")
            wait_for(browser, "main:not([aria-busy]) .lesson")
            WebDriverWait(browser, 10).until(lambda b: isinstance(_kept(b), dict))
            seen["kept_student"] = _kept(browser)["user"]
            click(browser, ".tools button:not([lang])")
            wait_for(browser, "main:not([aria-busy]) #login")
            seen["kept_after_sign_out"] = _kept(browser)

        await asyncio.to_thread(next_user)

    print(f"screenshots: {shots}")
    print(f"the mark was on the parent's screen {seen['after_seconds']:.2f} s after the request")
    assert seen["worker"].endswith("/app/"), seen["worker"]
    print(f"installability: {seen['installable']}, manifest: {seen['app_manifest']['errors']}")
    assert seen["installable"]["installabilityErrors"] == [], seen["installable"]
    assert seen["app_manifest"]["errors"] == [], seen["app_manifest"]
    assert seen["app_manifest"]["url"].endswith("/app/manifest.webmanifest")
    # The copy is the mother's, of the week she opened, and holds nothing of her session.
    kept = seen["kept"]
    assert kept["user"] == mother["id"] and kept["child"]["id"] == child["id"]
    assert set(kept) == {"user", "child", "severalChildren", "diary", "savedAt"}
    assert "csrf" not in str(kept).lower()
    # Live: the new mark, on the same document, said politely.
    assert seen["same_document"] == "first"
    assert seen["after_seconds"] < WITHIN
    role, polite, said = seen["live"]
    assert (role, polite) == ("status", "polite")
    assert said.startswith("Новая оценка 5: "), said
    assert seen["fresh"] == ["5"]
    assert seen["marks_after"] == seen["marks_before"] + 1
    assert seen["console"] == [], seen["console"]
    # Offline: the week as last seen, with the live mark, read-only and said so.
    assert seen["offline"].startswith("Нет связи. Неделя показана по состоянию на ")
    assert seen["offline_heading"] == child["fullName"]
    assert seen["offline_marks"] == seen["marks_after"]
    assert seen["offline_links"] == 0
    # Back online, the week is the API's again. The session ended elsewhere: no copy; the next
    # user's own copy; none after sign-out.
    assert seen["back_online"] == []
    assert seen["kept_signed_out"] is None
    assert seen["kept_student"] == pupil["id"]
    assert seen["kept_after_sign_out"] is None
    for screen, violations in seen["axe"].items():
        assert violations == [], (screen, violations)
    assert {"10-live-before.png", "11-live-after.png", "12-offline.png"} <= {
        p.name for p in shots.glob("*.png")
    }
