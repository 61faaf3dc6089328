"""The teacher's timetable in the web app, in a real browser on a 1366×768 screen: the demo
school's mathematics teacher opens it from the journals, reads this week's lessons as the API
gives them, goes to the week before and back from the keyboard, and opens a lesson's journal
from it; each screen is audited with axe-core and photographed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import BACKEND
from tests.reference_clients import require
from tests.servers import Server
from tests.web.app_browser import (
    AXE,
    DESKTOP,
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

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")


# What a day of the screen lists: its lessons' headings, in order.
READ_DAYS = """
return [...document.querySelectorAll('.timetable section.day')].map((day) => ({
  lessons: [...day.querySelectorAll('li.lesson')].map((li) => ({
    title: li.querySelector('h3').textContent,
    period: li.querySelector('.period').textContent,
    cancelled: li.classList.contains('cancelled'),
    journal: li.querySelector('.journal-link a')?.getAttribute('href') ?? null,
  })),
}));
"""


def _expected(timetable: dict[str, Any]) -> list[dict[str, Any]]:
    """The days with lessons as the screen should list them, from the API's answer."""
    return [
        {
            "lessons": [
                {
                    "title": f"{lesson['schoolClass']['name']} · {lesson['subject']['name']}",
                    "period": str(lesson["period"]),
                    "cancelled": lesson["status"] == "CANCELLED",
                    "journal": "#/journal/{}/{}".format(
                        quote(lesson["schoolClass"]["id"], safe=""),
                        quote(lesson["subject"]["id"], safe=""),
                    ),
                }
                for lesson in day["lessons"]
            ]
        }
        for day in timetable["days"]
        if day["lessons"]
    ]


async def test_a_teacher_reads_the_week_and_opens_a_lessons_journal(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    env = served_demo(tmp_path)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)
    async with Server(env, tmp_path / "server.log") as server:
        token = await asyncio.to_thread(bearer, server, "teacher")
        this_week = (
            await asyncio.to_thread(app_document, server, "AppTeacherTimetable", {}, token)
        )["teacherTimetable"]
        week_before = (
            await asyncio.to_thread(
                app_document, server, "AppTeacherTimetable", {"week": "2026-W47"}, token
            )
        )["teacherTimetable"]
        assert this_week["week"] == "2026-W48"

        def walk() -> dict[str, Any]:
            seen: dict[str, Any] = {"axe": {}}
            browser.get(f"{server.url}/app/")
            sign_in(browser, "teacher")
            wait_for(browser, "main:not([aria-busy]) a.timetable-link").click()

            wait_for(browser, "main:not([aria-busy]) .timetable section.day")
            seen["address"] = browser.execute_script("return location.hash")
            seen["heading"] = text_of(browser, "main h1")
            seen["days"] = browser.execute_script(READ_DAYS)
            seen["axe"]["timetable"] = audit(browser, "timetable")
            photograph(browser, shots, "40-timetable")

            # The week before, from the keyboard: the link, then Enter.
            this_range = text_of(browser, "nav.weeks .range")
            browser.find_element(By.CSS_SELECTOR, "nav.weeks a[rel='prev']").send_keys(Keys.ENTER)
            # Until that week is drawn: this week's screen matches the same selectors.
            busy_or_same = ("", this_range)
            WebDriverWait(browser, 30).until(
                lambda b: text_of(b, "main:not([aria-busy]) nav.weeks .range") not in busy_or_same
            )
            wait_for(browser, "main:not([aria-busy]) .timetable section.day")
            seen["before_address"] = browser.execute_script("return location.hash")
            seen["before_days"] = browser.execute_script(READ_DAYS)
            seen["axe"]["timetable before"] = audit(browser, "timetable, the week before")

            # A lesson's journal, from its link.
            link = browser.find_element(By.CSS_SELECTOR, ".timetable .journal-link a")
            seen["link_label"] = link.get_attribute("aria-label")
            link.send_keys(Keys.ENTER)
            wait_for(browser, "main:not([aria-busy]) table.journal")
            seen["journal_heading"] = text_of(browser, "main h1")

            # In English the screen keeps its lessons and says its words in English.
            browser.get(f"{server.url}/app/#/timetable")
            wait_for(browser, "main:not([aria-busy]) .timetable section.day")
            browser.find_element(By.CSS_SELECTOR, "header button[lang='en']").click()
            wait_for(browser, "html[lang='en'] main:not([aria-busy]) .timetable section.day")
            seen["english"] = text_of(browser, "main h1")
            seen["axe"]["timetable en"] = audit(browser, "timetable in English")
            photograph(browser, shots, "41-timetable-en")
            return seen

        seen = await asyncio.to_thread(walk)

    print(f"timetable screenshots: {shots}")
    assert seen["address"] == "#/timetable"
    assert seen["heading"] == "Расписание"
    assert seen["days"] == _expected(this_week) and seen["days"]
    assert seen["before_address"] == "#/timetable/2026-W47"
    assert seen["before_days"] == _expected(week_before)
    first = seen["before_days"][0]["lessons"][0]
    assert seen["link_label"] == f"Журнал: {first['title']}"
    assert seen["journal_heading"] == first["title"]
    assert seen["english"] == "Timetable"
    assert all(found == [] for found in seen["axe"].values()), seen["axe"]
