"""The teacher's class journal of the web app in a real browser on a 1366×768 screen: the demo
school's mathematics teacher signs in, opens a class's journal for the current term from this
week's classes, and gives a mark from the keyboard alone (arrows to the cell, a digit, Enter),
which the API then has; each screen is audited with axe-core and photographed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

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
    TODAY,
    audit,
    bearer,
    class_journal,
    click,
    photograph,
    screenshots,
    served_demo,
    sign_in,
    teachers_classes,
    text_of,
    wait_for,
)

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")


def _start_column(journal: dict[str, Any]) -> int:
    """Where the grid puts the keyboard first: the last lesson with a mark in it."""
    marked = [
        c
        for c in range(len(journal["lessons"]))
        if any(row["cells"][c]["marks"] for row in journal["rows"])
    ]
    return marked[-1] if marked else 0


async def test_a_teacher_gives_a_mark_in_the_class_journal_from_the_keyboard(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    env = served_demo(tmp_path)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)
    async with Server(env, tmp_path / "server.log") as server:
        token = await asyncio.to_thread(bearer, server, "teacher")
        pairs = await asyncio.to_thread(teachers_classes, server, token)
        label = sorted(pairs)[0]
        before = await asyncio.to_thread(class_journal, server, token, pairs[label])
        start = _start_column(before)
        # The first student's cell at the latest lesson held by today that has no mark of hers.
        student = before["rows"][0]
        column = max(
            c
            for c, lesson in enumerate(before["lessons"])
            if lesson["date"] <= TODAY
            and lesson["status"] == "HELD"
            and not student["cells"][c]["marks"]
        )

        # A lesson still to come, where no mark can be given yet.
        future = next(c for c, lesson in enumerate(before["lessons"]) if lesson["date"] > TODAY)

        def walk() -> dict[str, Any]:
            seen: dict[str, Any] = {"axe": {}}
            browser.get(f"{server.url}/app/")
            sign_in(browser, "teacher")

            # This week's classes; a teacher has no child to choose.
            wait_for(browser, "main:not([aria-busy]) ul.children a")
            seen["journals"] = [
                a.text for a in browser.find_elements(By.CSS_SELECTOR, "ul.children a")
            ]
            seen["axe"]["journals"] = audit(browser, "journals")
            photograph(browser, shots, "7-journals")
            click(browser, f"ul.children a[href$='{pairs[label][1]}']")

            # The grid, with the keyboard already in it.
            wait_for(browser, "main:not([aria-busy]) table.journal td[tabindex='0']")
            WebDriverWait(browser, 10).until(
                lambda b: b.execute_script(
                    "return document.activeElement.matches('table.journal td')"
                )
            )
            seen["heading"] = text_of(browser, "main h1")
            seen["start"] = browser.execute_script(
                "const c = document.activeElement.dataset; return [+c.row, +c.column];"
            )
            seen["axe"]["journal"] = audit(browser, "journal")
            keys = Keys.ARROW_LEFT * (start - column) if start >= column else ""
            keys += Keys.ARROW_RIGHT * (column - start) if column > start else ""
            browser.switch_to.active_element.send_keys(keys + Keys.ARROW_DOWN + Keys.ARROW_UP)
            seen["at"] = browser.execute_script(
                "const c = document.activeElement.dataset; return [+c.row, +c.column];"
            )
            browser.switch_to.active_element.send_keys("5")
            seen["pending"] = text_of(browser, ".journal-status")
            photograph(browser, shots, "8-journal-pending")
            browser.switch_to.active_element.send_keys(Keys.ENTER)
            WebDriverWait(browser, 30).until(
                lambda b: text_of(b, ".journal-status").startswith("Поставлена 5")
            )
            seen["status"] = text_of(browser, ".journal-status")
            seen["cell"] = browser.execute_script(
                "return document.querySelector(`td[data-row='0'][data-column='${arguments[0]}']`)"
                ".textContent",
                column,
            )
            # Enter moved down the column, to the next student.
            seen["after"] = browser.execute_script(
                "const c = document.activeElement.dataset; return [+c.row, +c.column];"
            )
            seen["axe"]["journal-given"] = audit(browser, "journal after a mark")
            photograph(browser, shots, "9-journal-given")
            # A mark for a lesson to come is refused, and the teacher is told why.
            browser.switch_to.active_element.send_keys(
                Keys.ARROW_RIGHT * (future - column) + "4" + Keys.ENTER
            )
            WebDriverWait(browser, 30).until(
                lambda b: text_of(b, ".journal-status").startswith("Не сохранено")
            )
            seen["refused"] = browser.execute_script(
                "const s = document.querySelector('.journal-status');"
                "return [s.getAttribute('role'), s.textContent];"
            )
            seen["console"] = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            return seen

        seen = await asyncio.to_thread(walk)
        after = await asyncio.to_thread(class_journal, server, token, pairs[label])

    print(f"screenshots: {shots}")
    assert seen["journals"] == sorted(pairs), seen["journals"]
    assert seen["heading"] == label
    assert seen["start"] == [0, start]
    assert seen["at"] == [0, column]
    assert seen["pending"].startswith("Оценка 5")
    assert seen["status"] == f"Поставлена 5: {student['student']['fullName']}"
    assert seen["after"] == [1, column]
    # The API has the mark, in that student's cell of that lesson.
    marks = after["rows"][0]["cells"][column]["marks"]
    assert [m["value"] for m in marks] == [5], marks
    assert seen["cell"].split()[0] == "5"
    role, refused = seen["refused"]
    assert role == "alert" and len(refused) > len("Не сохранено: "), refused
    assert after["rows"][1]["cells"][future]["marks"] == []
    for screen, violations in seen["axe"].items():
        assert violations == [], (screen, violations)
    assert seen["console"] == [], seen["console"]
