"""The class journal in depth, in a real browser on a 1366×768 screen, from the keyboard alone:
the demo school's mathematics teacher records an absence (н), corrects a mark with a reason,
gives the topic and homework of a lesson from its column's header, and opens another term;
a mark given meanwhile through the API (the same teacher in another tab) appears in the open
grid without a reload. Each effect is checked in the API; each screen is audited with
axe-core and photographed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import BACKEND
from tests.reference_clients import require
from tests.servers import Server
from tests.web.app_browser import (
    AXE,
    DESKTOP,
    TODAY,
    app_document,
    audit,
    bearer,
    class_journal,
    photograph,
    screenshots,
    served_demo,
    sign_in,
    teachers_classes,
    text_of,
    wait_for,
)

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")

REASON = "Пересдала тему"
TOPIC = "Решение квадратных уравнений"
HOMEWORK = "№ 214, 215 на с. 87"
WHERE = "const c = document.activeElement.dataset; return [+(c.row ?? -1), +c.column];"


def _go(browser: webdriver.Chrome, row: int, column: int) -> None:
    """Arrows from the focused cell to (row, column); row -1 is the lessons' headers."""
    r, c = browser.execute_script(WHERE)
    keys = (Keys.ARROW_DOWN if row > r else Keys.ARROW_UP) * abs(row - r)
    keys += (Keys.ARROW_RIGHT if column > c else Keys.ARROW_LEFT) * abs(column - c)
    if keys:
        browser.switch_to.active_element.send_keys(keys)
    assert browser.execute_script(WHERE) == [row, column]


def _russian_key(browser: webdriver.Chrome, key: str, code: str) -> None:
    """A key pressed on a Russian layout, through the browser's input pipeline: chromedriver
    types letters outside the US layout as text alone, without the keydown a layout gives."""
    for kind in ("keyDown", "keyUp"):
        event = {"type": kind, "key": key, "code": code}
        if kind == "keyDown":
            event["text"] = key
        browser.execute_cdp_cmd("Input.dispatchKeyEvent", event)


def _status_starts(browser: webdriver.Chrome, text: str) -> None:
    try:
        WebDriverWait(browser, 30).until(lambda b: text_of(b, ".journal-status").startswith(text))
    except TimeoutException:
        raise AssertionError(f"status: {text_of(browser, '.journal-status')!r}") from None


async def test_a_teacher_fills_in_the_journal_in_depth_from_the_keyboard(
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
        pair = pairs[label]
        before = await asyncio.to_thread(class_journal, server, token, pair)
        held = [
            c
            for c, lesson in enumerate(before["lessons"])
            if lesson["date"] <= TODAY and lesson["status"] == "HELD"
        ]
        rows = before["rows"]
        # An absence: the second student, at the latest lesson held where she has nothing.
        absent_column = max(
            c
            for c in held
            if not rows[1]["cells"][c]["marks"] and not rows[1]["cells"][c]["attendance"]
        )
        # A correction: the latest mark of the first student who has one in this term.
        marked_row, marked_column = max(
            ((r, c) for r, row in enumerate(rows) for c in held if row["cells"][c]["marks"]),
            key=lambda rc: (rc[1], -rc[0]),
        )
        old_mark = rows[marked_row]["cells"][marked_column]["marks"][-1]
        new_value = 5 if old_mark["value"] != 5 else 4
        # A lesson held by today, one without homework if there is one (else its homework is
        # edited): what the dialog shows is replaced.
        bare = [c for c in held if not before["lessons"][c]["homework"]]
        lesson_column = max(bare or held)
        # The live mark: the third student, at a held lesson where he has no mark.
        live_column = max(c for c in held if not rows[2]["cells"][c]["marks"])
        other_terms = [t for t in before["terms"] if t["id"] != before["term"]["id"]]

        def walk() -> dict[str, Any]:
            seen: dict[str, Any] = {"axe": {}}
            browser.get(f"{server.url}/app/#/journal/{pair[0]}/{pair[1]}")
            sign_in(browser, "teacher")
            wait_for(browser, "main:not([aria-busy]) table.journal td[tabindex='0']")
            WebDriverWait(browser, 10).until(
                lambda b: b.execute_script(
                    "return document.activeElement.matches('table.journal td')"
                )
            )
            seen["legend"] = text_of(browser, ".journal-legend")
            seen["axe"]["journal"] = audit(browser, "journal in depth")
            photograph(browser, shots, "13-journal-depth")

            # An absence: н in the cell.
            _go(browser, 1, absent_column)
            _russian_key(browser, "н", "KeyY")
            _status_starts(browser, "Отмечено отсутствие")
            seen["absent-cell"] = text_of(
                browser, f"td[data-row='1'][data-column='{absent_column}']"
            )
            seen["after-absence"] = browser.execute_script(WHERE)

            # A correction: a digit and Enter in a cell with a mark asks for the reason.
            _go(browser, marked_row, marked_column)
            browser.switch_to.active_element.send_keys(str(new_value) + Keys.ENTER)
            wait_for(browser, "dialog[open] #journal-reason")
            seen["correct-title"] = text_of(browser, "dialog[open] h2")
            # Without a reason the API is not asked.
            browser.switch_to.active_element.send_keys(Keys.ENTER)
            WebDriverWait(browser, 10).until(lambda b: text_of(b, "dialog[open] [role=alert]"))
            seen["no-reason"] = text_of(browser, "dialog[open] [role=alert]")
            seen["axe"]["correct"] = audit(browser, "correcting a mark")
            photograph(browser, shots, "14-journal-correct")
            browser.switch_to.active_element.send_keys(REASON + Keys.ENTER)
            _status_starts(browser, "Исправлена")
            seen["corrected-status"] = text_of(browser, ".journal-status")
            seen["corrected-cell"] = browser.execute_script(
                "const [r, c] = arguments;"
                "const td = document.querySelector(`td[data-row='${r}'][data-column='${c}']`);"
                "return [td.textContent, td.title, td.classList.contains('corrected'),"
                " document.activeElement === td];",
                marked_row,
                marked_column,
            )

            # A lesson's topic and homework: up to its header, Enter.
            _go(browser, 0, lesson_column)
            _go(browser, -1, lesson_column)
            browser.switch_to.active_element.send_keys(Keys.ENTER)
            wait_for(browser, "dialog[open] #journal-topic")
            # Escape closes it, and the keyboard is back on the header.
            browser.switch_to.active_element.send_keys(Keys.ESCAPE)
            WebDriverWait(browser, 10).until(
                lambda b: not b.find_elements("css selector", "dialog")
            )
            seen["after-escape"] = browser.execute_script(WHERE)
            browser.switch_to.active_element.send_keys(Keys.ENTER)
            wait_for(browser, "dialog[open] #journal-topic")
            seen["proposed"] = browser.execute_script(
                "return document.getElementById('journal-topic').value"
            )
            replace = Keys.CONTROL + "a" + Keys.NULL
            browser.switch_to.active_element.send_keys(replace + TOPIC + Keys.TAB)
            browser.switch_to.active_element.send_keys(replace + HOMEWORK)
            seen["due"] = browser.execute_script(
                "return document.getElementById('journal-due').value"
            )
            seen["axe"]["lesson"] = audit(browser, "a lesson's topic and homework")
            photograph(browser, shots, "15-journal-lesson")
            # Tab past the day it is due to the save button.
            browser.switch_to.active_element.send_keys(Keys.TAB + Keys.TAB + Keys.ENTER)
            _status_starts(browser, "Урок")
            seen["lesson-label"] = browser.execute_script(
                "return document.activeElement.getAttribute('aria-label')"
            )
            seen["console"] = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            return seen

        seen = await asyncio.to_thread(walk)
        after = await asyncio.to_thread(class_journal, server, token, pair)

        # A colleague (here the same teacher in another tab) gives a mark: it appears live.
        student = rows[2]["student"]
        lesson = before["lessons"][live_column]
        cell = f"td[data-row='2'][data-column='{live_column}']"
        posted_at = time.monotonic()
        posted = await asyncio.to_thread(
            app_document,
            server,
            "AppPostMark",
            {"student": student["id"], "lesson": lesson["id"], "value": 3},
            token,
        )
        assert posted["postMark"]["userErrors"] == [], posted

        def live() -> dict[str, Any]:
            seen: dict[str, Any] = {}
            WebDriverWait(browser, 10).until(lambda b: "3" in text_of(b, cell).split())
            seen["seconds"] = time.monotonic() - posted_at
            seen["status"] = text_of(browser, ".journal-status")
            seen["outlined"] = browser.execute_script(
                "return document.querySelector(arguments[0]).classList.contains('arrived')", cell
            )
            seen["axe"] = audit(browser, "journal after a live mark")
            photograph(browser, shots, "16-journal-live")

            # Another term, from the picker by the keyboard.
            browser.execute_script("document.getElementById('journal-term').focus()")
            browser.switch_to.active_element.send_keys(Keys.HOME)
            WebDriverWait(browser, 30).until(
                lambda b: b.execute_script(
                    "return location.hash.split('/').length === 5 &&"
                    " !document.querySelector('main[aria-busy]') &&"
                    " !!document.querySelector('table.journal')"
                )
            )
            seen["term-picked"] = browser.execute_script(
                "const s = document.getElementById('journal-term');"
                "return [s.options[s.selectedIndex].value, s.options[s.selectedIndex].text,"
                " document.querySelectorAll('table.journal thead .lesson-head').length,"
                " document.querySelectorAll('table.journal tbody tr').length];"
            )
            seen["term-axe"] = audit(browser, "journal of another term")
            photograph(browser, shots, "17-journal-term")
            seen["console"] = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            return seen

        seen_live = await asyncio.to_thread(live)
        first_term = before["terms"][0]
        earlier = await asyncio.to_thread(class_journal, server, token, pair, first_term["id"])

    print(f"screenshots: {shots}; live mark after {seen_live['seconds']:.2f} s")
    assert "н" in seen["legend"] and "о" in seen["legend"] and "Delete" in seen["legend"]

    # The absence is in the API, and in the cell; Enter-less keys move down the column too.
    attendance = after["rows"][1]["cells"][absent_column]["attendance"]
    assert attendance is not None and attendance["kind"] == "ABSENT", attendance
    assert "н" in seen["absent-cell"].split()
    assert seen["after-absence"] == [2, absent_column]

    # The correction, with its reason in the mark's history.
    assert seen["correct-title"] == (
        f"{rows[marked_row]['student']['fullName']}: исправить {old_mark['value']} на {new_value}?"
    )
    assert seen["no-reason"].startswith("Укажите причину")
    marks = after["rows"][marked_row]["cells"][marked_column]["marks"]
    corrected = next(m for m in marks if m["id"] == old_mark["id"])
    assert corrected["value"] == new_value
    last = corrected["history"][-1]
    assert (last["action"], last["oldValue"], last["newValue"], last["reason"]) == (
        "CORRECT",
        old_mark["value"],
        new_value,
        REASON,
    )
    text, title, underlined, focused = seen["corrected-cell"]
    assert str(new_value) in text.split() and REASON in title and underlined and focused

    # The lesson's topic and homework, due by default at the next lesson of the subject.
    saved = after["lessons"][lesson_column]
    assert seen["after-escape"] == [-1, lesson_column]
    assert saved["topic"] == TOPIC
    assert seen["proposed"] == before["lessons"][lesson_column]["topic"]
    assert (saved["homework"][0]["text"], saved["homework"][0]["dueOn"]) == (HOMEWORK, seen["due"])
    assert seen["due"] > saved["date"]
    assert TOPIC in seen["lesson-label"] and HOMEWORK in seen["lesson-label"]

    # The colleague's mark, live, with a polite word of it.
    assert seen_live["seconds"] < 10
    assert seen_live["status"] == f"Коллега поставил(а) 3: {student['fullName']}"
    assert seen_live["outlined"]

    # The first term's journal, as the API has it.
    assert other_terms, before["terms"]
    value, text, columns, lines = seen_live["term-picked"]
    assert value == first_term["id"] and text == f"{first_term['number']} четверть"
    assert columns == len(earlier["lessons"]) and lines == len(earlier["rows"])

    for screen, violations in [
        *seen["axe"].items(),
        ("live", seen_live["axe"]),
        ("term", seen_live["term-axe"]),
    ]:
        assert violations == [], (screen, violations)
    assert seen["console"] == [] and seen_live["console"] == [], (
        seen["console"],
        seen_live["console"],
    )
