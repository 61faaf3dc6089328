"""A child's settings in the web app, in a real browser on a phone (390×844): the demo mother
chooses how she hears about her younger child (quiet hours, a refused change and its reason,
then a daily digest), which the API then answers; creates a calendar feed, whose address
serves an iCalendar text with the child's lessons, and revokes it, after which the address is
refused; and follows the week's printable link to a PDF. Each screen is audited with axe-core
and photographed; the week is photographed as the browser prints it, too."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import icalendar
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.conftest import BACKEND
from tests.reference_clients import require
from tests.servers import Server
from tests.web.app_browser import (
    AXE,
    PHONE,
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


def _local_id(global_id: str) -> str:
    """The database ID in a Relay global ID (`Lesson:42` in base64), as the feed's UIDs use."""
    return base64.b64decode(global_id).decode().split(":", 1)[1]


def _settings(server: Server, token: str, student: str) -> dict[str, Any]:
    data = app_document(server, "AppSettings", {"student": student}, token)
    return {
        "preferences": {
            pref["student"]["id"]: pref for pref in data["viewer"]["notificationPreferences"]
        },
        "feeds": [feed["id"] for feed in data["calendarFeeds"]],
    }


def _set_time(browser: webdriver.Chrome, css: str, value: str) -> None:
    """What a parent does with the time picker, which differs between devices: the field's
    value changed and the change announced, as the picker does when it closes."""
    browser.execute_script(
        "const field = document.querySelector(arguments[0]); field.value = arguments[1];"
        "field.dispatchEvent(new Event('change', {bubbles: true}));",
        css,
        value,
    )


def _status_is(browser: webdriver.Chrome, section: str, text: str) -> None:
    """Waits for the status line of the settings' `section` to say `text`."""
    WebDriverWait(browser, 30).until(lambda b: text_of(b, f"#{section}-status") == text)


async def test_a_parent_sets_notifications_makes_and_revokes_a_calendar_feed_and_prints_a_week(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    env = served_demo(tmp_path)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    server = Server(env, tmp_path / "server.log")
    # The feed's address is absolute (EDIARY_PUBLIC_URL): this server's own, to be fetched.
    server.env["EDIARY_PUBLIC_URL"] = server.url
    async with server:
        token = await asyncio.to_thread(bearer, server)
        children = (await asyncio.to_thread(app_document, server, "AppViewer", {}, token))[
            "viewer"
        ]["children"]
        child, other = children[1], children[0]
        before = await asyncio.to_thread(_settings, server, token, child["id"])
        week = (
            await asyncio.to_thread(
                app_document, server, "AppWeek", {"student": child["id"], "week": None}, token
            )
        )["diary"]
        lessons = {
            f"lesson-{_local_id(item['lesson']['id'])}@ediary": item["lesson"]
            for day in week["days"]
            for item in day["lessons"]
        }
        assert lessons, "the demo's week has lessons"

        def walk() -> dict[str, Any]:
            seen: dict[str, Any] = {"axe": {}}
            browser.get(f"{server.url}/app/")
            sign_in(browser, "parent")
            click(browser, "ul.children li:nth-child(2) a")

            # The week, with its printable copy, and as the browser prints it.
            wait_for(browser, "main:not([aria-busy]) .lesson")
            seen["print_href"] = browser.find_element(
                By.CSS_SELECTOR, ".print-week a"
            ).get_attribute("href")
            seen["print_text"] = text_of(browser, ".print-week a")
            browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
            seen["printed_hidden"] = browser.execute_script(
                "return ['.top', 'nav.sections', '.print-week', 'nav.weeks a']"
                ".map((css) => getComputedStyle(document.querySelector(css)).display)"
            )
            photograph(browser, shots, "20-week-printed")
            browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
            seen["axe"]["week"] = audit(browser, "week with its print link")

            # The child's settings.
            click(browser, "nav.sections a[href^='#/settings/']")
            wait_for(browser, "main:not([aria-busy]) #mode-INSTANT")
            seen["heading"] = text_of(browser, "main h1")
            seen["checked"] = browser.execute_script(
                "return document.querySelector('input[name=notify-mode]:checked').value"
            )
            seen["axe"]["settings"] = audit(browser, "settings")
            photograph(browser, shots, "21-settings")

            # Quiet hours, offered for the night, then ending at 06:30.
            click(browser, "#quiet")
            _status_is(
                browser,
                "notifications",
                "Сохранено: сообщения приходят сразу, кроме тихих часов 21:00–07:00.",
            )
            _set_time(browser, "#quiet-to", "06:30")
            _status_is(
                browser,
                "notifications",
                "Сохранено: сообщения приходят сразу, кроме тихих часов 21:00–06:30.",
            )
            # One end emptied: the API refuses, and says why.
            _set_time(browser, "#quiet-from", "")
            WebDriverWait(browser, 30).until(
                lambda b: text_of(b, "#notifications-status").startswith("Не сохранено: ")
            )
            seen["refused"] = browser.execute_script(
                "const s = document.querySelector('#notifications-status');"
                "return [s.getAttribute('role'), s.textContent];"
            )
            seen["axe"]["settings-refused"] = audit(browser, "settings, a change refused")
            photograph(browser, shots, "22-settings-refused")
            _set_time(browser, "#quiet-from", "22:00")
            _status_is(
                browser,
                "notifications",
                "Сохранено: сообщения приходят сразу, кроме тихих часов 22:00–06:30.",
            )

            # A daily digest, chosen from the keyboard as radio buttons are; at 20:00.
            browser.find_element(By.ID, "mode-INSTANT").send_keys(Keys.ARROW_DOWN)
            _status_is(browser, "notifications", "Сохранено: сводка раз в день в 19:00.")
            quiet_block = browser.find_element(By.CSS_SELECTOR, ".quiet-block")
            seen["quiet_shown"] = quiet_block.is_displayed()
            Select(browser.find_element(By.ID, "digest-hour")).select_by_visible_text("20:00")
            _status_is(browser, "notifications", "Сохранено: сводка раз в день в 20:00.")
            seen["axe"]["settings-digest"] = audit(browser, "settings, a digest")
            photograph(browser, shots, "23-settings-digest")

            # A calendar feed: its address, to copy or to open on a phone.
            click(browser, "#create-feed")
            wait_for(browser, ".feed-url")
            _status_is(browser, "calendar", "Ссылка создана.")
            seen["feed_url"] = browser.find_element(By.CSS_SELECTOR, ".feed-url").get_attribute(
                "value"
            )
            seen["webcal"] = browser.find_element(By.CSS_SELECTOR, "a.webcal").get_attribute("href")
            seen["focused"] = browser.execute_script(
                "return document.activeElement.classList.contains('feed-url')"
            )
            seen["axe"]["settings-feed"] = audit(browser, "settings, a new calendar feed")
            photograph(browser, shots, "24-settings-feed")
            seen["feeds_listed"] = _settings(server, token, child["id"])["feeds"]
            feed = httpx.get(seen["feed_url"], timeout=30)
            seen["feed"] = (feed.status_code, feed.headers["content-type"], feed.content)

            # Revoked: the address stops answering.
            click(browser, f"li.feed[data-feed='{seen['feeds_listed'][0]}'] button.revoke")
            _status_is(browser, "calendar", "Ссылка отозвана: по ней больше ничего не видно.")
            seen["after_revoke"] = httpx.get(seen["feed_url"], timeout=30).status_code
            seen["feeds_after"] = _settings(server, token, child["id"])["feeds"]
            seen["axe"]["settings-revoked"] = audit(browser, "settings, the feed revoked")
            photograph(browser, shots, "25-settings-revoked")

            # In English.
            click(browser, ".tools button[lang=en]")
            wait_for(browser, "html[lang=en] main:not([aria-busy]) #mode-DIGEST:checked")
            seen["english"] = text_of(browser, "#notifications-title")
            seen["axe"]["settings-en"] = audit(browser, "settings in English")
            photograph(browser, shots, "26-settings-en")
            click(browser, ".tools button[lang=ru]")
            wait_for(browser, "html[lang=ru] main:not([aria-busy]) #mode-DIGEST")

            # The printable week, with this browser's session.
            cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
            pdf = httpx.get(seen["print_href"], cookies=cookies, timeout=60)
            seen["pdf"] = (pdf.status_code, pdf.headers["content-type"], pdf.content[:5])
            seen["pdf_anonymous"] = httpx.get(seen["print_href"], timeout=60).status_code

            # A student's own settings: calendar feeds, and no notifications to choose.
            click(browser, ".tools button:not([lang])")
            sign_in(browser, "student")
            click(browser, "nav.sections a[href^='#/settings/']")
            wait_for(browser, "main:not([aria-busy]) #create-feed")
            seen["student"] = (
                text_of(browser, "main h1"),
                browser.find_elements(By.CSS_SELECTOR, "input[name=notify-mode]"),
            )
            seen["axe"]["student-settings"] = audit(browser, "a student's settings")
            photograph(browser, shots, "27-student-settings")
            seen["console"] = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            return seen

        seen = await asyncio.to_thread(walk)
        after = await asyncio.to_thread(_settings, server, token, child["id"])

    print(f"screenshots: {shots}")
    assert seen["heading"] == child["fullName"]
    # Nothing chosen before: the defaults, which the screen starts from.
    assert before["preferences"][child["id"]]["saved"] is False
    assert seen["checked"] == before["preferences"][child["id"]]["mode"] == "INSTANT"

    # The API has every choice, for this child only.
    chosen = after["preferences"][child["id"]]
    assert {k: chosen[k] for k in ("mode", "digestHour", "quietFrom", "quietTo", "saved")} == {
        "mode": "DIGEST",
        "digestHour": 20,
        "quietFrom": "22:00:00",
        "quietTo": "06:30:00",
        "saved": True,
    }
    assert after["preferences"][other["id"]] == before["preferences"][other["id"]]
    # The refusal is the API's own reason, said at once.
    role, refused = seen["refused"]
    assert role == "alert"
    assert refused == "Не сохранено: Give both ends of the quiet hours, or neither.", refused
    # Quiet hours hold back instant messages only: with a digest they are not offered.
    assert seen["quiet_shown"] is False
    assert seen["english"] == "Notifications"
    # The demo's student is the mother's elder child.
    assert seen["student"] == (other["fullName"], [])

    # The feed: this server's address, a webcal:// twin for phones, listed by the API.
    url = seen["feed_url"]
    assert url.startswith(f"{server.url}/calendar/") and url.endswith(".ics"), url
    assert seen["webcal"] == "webcal://" + url.split("://", 1)[1]
    assert seen["focused"] is True
    assert len(seen["feeds_listed"]) == 1
    status, content_type, body = seen["feed"]
    assert status == 200 and content_type.startswith("text/calendar"), (status, content_type)
    calendar = icalendar.Calendar.from_ical(body)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    # Every lesson of the child's week, under its subject.
    for uid, lesson in lessons.items():
        assert uid in events, (uid, sorted(events))
        assert str(events[uid]["SUMMARY"]).startswith(lesson["subject"]["name"])
    # Revoked: refused, and no longer listed.
    assert seen["after_revoke"] == 404
    assert seen["feeds_after"] == [] == after["feeds"]

    # The printable week is this week's PDF, for the signed-in parent only.
    assert seen["print_text"] == "Печать / PDF"
    student = quote(child["id"], safe="")
    assert seen["print_href"] == (
        f"{server.url}/print/week.pdf?student={student}&week={week['week']}&lang=ru"
    ), seen["print_href"]
    assert seen["pdf"] == (200, "application/pdf", b"%PDF-")
    assert seen["pdf_anonymous"] == 401
    # Printed from the browser, the page keeps the week and drops the app's header and links.
    assert seen["printed_hidden"] == ["none"] * 4, seen["printed_hidden"]

    for screen, violations in seen["axe"].items():
        assert violations == [], (screen, violations)
    assert seen["console"] == [], seen["console"]
