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
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import BACKEND
from tests.reference_clients import require
from tests.servers import Server
from tests.web.app_browser import (
    AXE,
    FIRST_LOAD_LIMIT,
    PHONE,
    app_document,
    audit,
    bearer,
    click,
    first_load,
    graphql_bodies,
    photograph,
    requested,
    screenshots,
    served_demo,
    sign_in,
    text_of,
    wait_for,
)

# The demo runs on its own SQLite file, so one pass of the suite is enough.
pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")


async def test_a_parent_on_a_phone_signs_in_picks_a_child_and_reads_her_week_and_marks(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    env = served_demo(tmp_path)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    async with Server(env, tmp_path / "server.log") as server:
        token = await asyncio.to_thread(bearer, server)
        viewer = await asyncio.to_thread(app_document, server, "AppViewer", {}, token)
        children = viewer["viewer"]["children"]
        assert len(children) == 2, children
        # The younger child, second in the list: picking her is a real choice.
        child = children[1]
        week = (
            await asyncio.to_thread(
                app_document, server, "AppWeek", {"student": child["id"], "week": None}, token
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
                app_document, server, "AppTermAverages", {"student": child["id"]}, token
            )
        )["termAverages"]
        averaged = next(row for row in averages if row["average"] is not None)

        def walk() -> dict[str, Any]:
            seen: dict[str, Any] = {"axe": {}, "shots": {}}
            browser.get(f"{server.url}/app/")

            # Sign in.
            wait_for(browser, "#login")
            seen["axe"]["login"] = audit(browser, "login")
            seen["shots"]["login"] = photograph(browser, shots, "1-sign-in")
            sign_in(browser, "parent")

            # Pick a child.
            wait_for(browser, "ul.children a")
            seen["children"] = [
                link.text for link in browser.find_elements(By.CSS_SELECTOR, "ul.children a")
            ]
            seen["axe"]["children"] = audit(browser, "children")
            seen["shots"]["children"] = photograph(browser, shots, "2-children")
            click(browser, "ul.children li:nth-child(2) a")

            # Her week.
            wait_for(browser, ".lesson .mark")
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
            seen["axe"]["week"] = audit(browser, "week")
            seen["shots"]["week"] = photograph(browser, shots, "3-week")
            week_url = browser.current_url

            # The week before, and back.
            shown = text_of(browser, ".weeks h2")
            click(browser, "nav.weeks a[rel=prev]")
            WebDriverWait(browser, 30).until(lambda b: text_of(b, ".weeks h2") not in ("", shown))
            seen["previous_week"] = text_of(browser, ".weeks h2")
            browser.back()
            WebDriverWait(browser, 30).until(lambda b: text_of(b, ".weeks h2") == shown)

            # Marks by subject.
            click(browser, "nav.sections a[href^='#/marks/']")
            wait_for(browser, ".subject .average")
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
            seen["axe"]["marks"] = audit(browser, "marks")
            seen["shots"]["marks"] = photograph(browser, shots, "4-marks")

            # In English.
            click(browser, ".tools button[lang=en]")
            wait_for(browser, "html[lang=en] main:not([aria-busy]) .subject .average")
            seen["english"] = text_of(browser, "nav.sections")
            seen["axe"]["marks-en"] = audit(browser, "marks in English")
            seen["shots"]["marks-en"] = photograph(browser, shots, "5-marks-en")
            click(browser, ".tools button[lang=ru]")
            wait_for(browser, "html[lang=ru] main:not([aria-busy]) .subject .average")

            # The week screen's first load, cold: an empty cache, the session kept. Like a
            # new tab, the page has the cookie but not the tab's CSRF token.
            browser.execute_script("sessionStorage.clear()")
            seen["first_load"] = first_load(browser, week_url)
            seen["requested"] = requested(browser)

            # Sign out: a mutation, with the session's CSRF token.
            cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
            click(browser, ".tools button:not([lang])")
            wait_for(browser, "#login")
            # Signed out for real: the session's cookie no longer opens anything.
            seen["after"] = httpx.post(
                f"{server.url}/graphql",
                json={"documentId": "ediary-app/AppViewer"},
                cookies=cookies,
                timeout=30,
            ).json()
            seen["bodies"] = graphql_bodies(browser)

            # A student signs in to their own week: nobody to choose.
            sign_in(browser, "student")
            wait_for(browser, "main:not([aria-busy]) nav.weeks")
            seen["student"] = (
                text_of(browser, "main h1"),
                browser.find_elements(By.CSS_SELECTOR, "a[href='#/children']"),
                audit(browser, "a student's week"),
            )
            photograph(browser, shots, "6-student-week")
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
    assert seen["english"] == "WeekMarksProgressMessagesNewsMeetingsAcknowledgeSettings"
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
