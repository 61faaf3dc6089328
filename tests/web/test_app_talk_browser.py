"""Conversations with teachers in the web app, live, in two real browsers: the demo mother on
a phone (390×844) opens her son's messages from his week, writes to his mathematics teacher
from the keyboard (Ctrl+Enter) and the API has the message; the teacher, signed in on a
1366×768 screen in a second browser with her conversations open, sees the thread come into her
list live with the unread count, opens it (which marks it read: the mother's screen says
"read") and answers; the answer is on the mother's open conversation within seconds, without a
reload, said politely. The teacher closes the thread, and the mother's screen turns read-only
at once. Signing out closes the mother's WebSocket. The week's own load fetches none of the
conversations' code.

Like the other browser tests, the server runs only registered documents; each screen is audited
with axe-core (no serious or critical violation) and photographed into the folder the test
names."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.conftest import BACKEND
from tests.reference_clients import chromium, require
from tests.servers import Server, listening, live_subscriptions
from tests.web.app_browser import (
    AXE,
    DESKTOP,
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

# The teacher's answer reaches the mother's open conversation within this many seconds.
WITHIN = 5
QUESTION = "Здравствуйте! Семён пропустил контрольную по алгебре.\nКогда её можно написать?"
ANSWER = "Добрый день! В четверг после шестого урока, кабинет 21."


@pytest.fixture
def teacher_browser() -> Iterator[webdriver.Chrome]:
    """A second, separate browser (its own cookies): the teacher's computer."""
    binary, driver = chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield chrome
    finally:
        chrome.quit()


def _child_taught_by(server: Server, parent: str, teacher_id: str) -> dict[str, Any]:
    """The mother's child whom the teacher teaches, as the app's conversations screen reads it."""
    mother = app_document(server, "AppViewer", {}, parent)["viewer"]
    for child in mother["children"]:
        talk = app_document(server, "AppTalk", {"student": child["id"]}, parent)
        if any(st["teacher"]["id"] == teacher_id for st in talk["student"]["subjectTeachers"]):
            return {"child": child, "conversations": talk["conversations"]}
    raise AssertionError("the demo teacher teaches none of the mother's children")


def _thread(server: Server, token: str, child: str, teacher_id: str) -> dict[str, Any] | None:
    """The mother's open thread with the teacher about the child, as the API has it."""
    talk = app_document(server, "AppTalk", {"student": child}, token)
    for edge in talk["conversations"]["edges"]:
        node = edge["node"]
        if node["teacher"] and node["teacher"]["id"] == teacher_id and not node["closedAt"]:
            conversation: dict[str, Any] = app_document(
                server, "AppConversation", {"conversation": node["id"]}, token
            )["conversation"]
            return conversation
    return None


def _texts(browser: webdriver.Chrome, css: str) -> list[str]:
    found: list[str] = browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent)", css
    )
    return found


def _loaded(browser: webdriver.Chrome) -> list[str]:
    """The app's modules this document has fetched so far."""
    names: list[str] = browser.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name)"
        "  .filter((n) => n.includes('/app/') && n.endsWith('.js'))"
        "  .map((n) => n.slice(n.lastIndexOf('/') + 1))"
    )
    return names


async def test_a_parent_and_a_teacher_talk_live(
    tmp_path: Path, browser: webdriver.Chrome, teacher_browser: webdriver.Chrome
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    env = served_demo(tmp_path)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    teacher_browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)
    seen: dict[str, Any] = {"axe": {}}
    server = Server(env, tmp_path / "server.log")
    async with server:
        parent = await asyncio.to_thread(bearer, server)
        teacher = await asyncio.to_thread(bearer, server, "teacher")
        teacher_id = (await asyncio.to_thread(app_document, server, "AppViewer", {}, teacher))[
            "viewer"
        ]["teacher"]["id"]
        found = await asyncio.to_thread(_child_taught_by, server, parent, teacher_id)
        child = found["child"]
        seen["threads_before"] = found["conversations"]["edges"]

        def parent_opens() -> None:
            browser.get(f"{server.url}/app/")
            sign_in(browser, "parent")
            wait_for(browser, "main:not([aria-busy]) ul.children a")
            click(browser, f"ul.children a[href='#/week/{quote(child['id'], safe='')}']")
            wait_for(browser, "main:not([aria-busy]) .lesson")
            seen["week_modules"] = _loaded(browser)
            # From the child's sections, as a parent goes there.
            click(browser, "nav.sections a[href^='#/talk/']")
            wait_for(browser, "main:not([aria-busy]) form.new-conversation")
            seen["talk_modules"] = _loaded(browser)
            seen["list"] = _texts(browser, ".conversations .with")
            seen["unread_badges"] = _texts(browser, ".conversations .badge .visually-hidden")
            seen["current_tab"] = text_of(browser, "nav.sections a[aria-current='page']")
            seen["axe"]["parent list"] = audit(browser, "the child's conversations")
            photograph(browser, shots, "20-talk-parent-list")

        await asyncio.to_thread(parent_opens)

        def teacher_opens_her_list() -> None:
            teacher_browser.get(f"{server.url}/app/")
            sign_in(teacher_browser, "teacher")
            wait_for(teacher_browser, "main:not([aria-busy]) h1")
            click(teacher_browser, ".tools a.talk-link")
            wait_for(teacher_browser, "main:not([aria-busy]) .conversations")
            seen["teacher_list_before"] = _texts(teacher_browser, ".conversations a")

        await asyncio.to_thread(teacher_opens_her_list)
        # Both lists follow their viewer's conversations: the mother's and the teacher's.
        await listening(server.url, at_least=2)

        def parent_writes() -> None:
            Select(browser.find_element(By.ID, "talk-to")).select_by_value(teacher_id)
            seen["picked"] = Select(
                browser.find_element(By.ID, "talk-to")
            ).first_selected_option.text
            text = browser.find_element(By.ID, "talk-text")
            lines = QUESTION.split("\n")
            # Enter alone is a new line; Ctrl+Enter sends.
            text.send_keys(lines[0], Keys.ENTER, lines[1])
            text.send_keys(Keys.CONTROL, Keys.ENTER)
            wait_for(browser, "main:not([aria-busy]) .messages .message.own")
            seen["hash"] = browser.execute_script("return location.hash")
            seen["own"] = _texts(browser, ".messages .message.own .text")
            seen["heading"] = text_of(browser, "main h1")
            seen["axe"]["parent conversation"] = audit(browser, "the conversation, written")
            photograph(browser, shots, "21-talk-parent-sent")
            # Set in this document: still there after the answer means no reload.
            browser.execute_script("window.ediaryTestDocument = 'first'")

        await asyncio.to_thread(parent_writes)
        # The API has the message, in a thread of the three of them.
        thread = await asyncio.to_thread(_thread, server, parent, child["id"], teacher_id)
        assert thread is not None
        assert thread["messages"]["edges"][0]["node"]["text"] == QUESTION
        assert thread["messages"]["edges"][0]["node"]["isOwn"] is True
        assert thread["student"]["id"] == child["id"]
        assert seen["hash"] == f"#/conversation/{quote(thread['id'], safe='')}"
        # The mother's open conversation and the teacher's list.
        await listening(server.url, at_least=2)
        before_teacher = await live_subscriptions(server.url) - 1

        def teacher_opens() -> None:
            # The new thread came to the teacher's list live, said politely.
            link = f".conversations a[data-conversation='{thread['id']}']"
            wait_for(teacher_browser, link, within=WITHIN)
            seen["teacher_live"] = text_of(teacher_browser, ".live")
            seen["teacher_item"] = text_of(teacher_browser, link)
            seen["teacher_badge"] = text_of(teacher_browser, f"{link} .badge .visually-hidden")
            seen["axe"]["teacher list"] = audit(teacher_browser, "the teacher's conversations")
            photograph(teacher_browser, shots, "22-talk-teacher-list")
            click(teacher_browser, link)
            wait_for(teacher_browser, "main:not([aria-busy]) .messages .message.theirs")
            seen["teacher_sees"] = _texts(teacher_browser, ".messages .message.theirs .text")

        await asyncio.to_thread(teacher_opens)

        def parent_sees_read() -> None:
            # The teacher opened it: the mother's screen says her message was read.
            wait_for(browser, ".message.own .seen", within=WITHIN)
            seen["seen"] = text_of(browser, ".message.own .seen")

        await asyncio.to_thread(parent_sees_read)
        await listening(server.url, at_least=before_teacher + 1)
        unread = await asyncio.to_thread(
            app_document, server, "AppConversation", {"conversation": thread["id"]}, teacher
        )
        seen["teacher_unread_after_opening"] = unread["conversation"]["unreadCount"]

        def teacher_answers() -> float:
            seen["axe"]["teacher conversation"] = audit(teacher_browser, "the teacher's thread")
            photograph(teacher_browser, shots, "23-talk-teacher-conversation")
            teacher_browser.find_element(By.ID, "message-text").send_keys(ANSWER)
            sent_at = time.monotonic()
            click(teacher_browser, "form.composer button[type=submit]")
            return sent_at

        sent_at = await asyncio.to_thread(teacher_answers)

        def parent_gets_the_answer() -> None:
            WebDriverWait(browser, WITHIN).until(
                lambda b: ANSWER in _texts(b, ".messages .message.theirs .text")
            )
            seen["after_seconds"] = time.monotonic() - sent_at
            seen["same_document"] = browser.execute_script("return window.ediaryTestDocument")
            seen["live"] = browser.execute_script(
                "const live = document.querySelector('.talk-status');"
                "return [live.getAttribute('role'), live.getAttribute('aria-live'),"
                "        live.textContent];"
            )
            seen["order"] = _texts(browser, ".messages .message .text")
            seen["axe"]["answer live"] = audit(browser, "the answer, arrived live")
            photograph(browser, shots, "24-talk-parent-answer-live")

        await asyncio.to_thread(parent_gets_the_answer)
        # Seen on the open screen, so read: nothing is left unread for the mother.
        for _ in range(50):
            mine = await asyncio.to_thread(
                app_document, server, "AppConversation", {"conversation": thread["id"]}, parent
            )
            if mine["conversation"]["unreadCount"] == 0:
                break
            await asyncio.sleep(0.1)
        seen["parent_unread"] = mine["conversation"]["unreadCount"]

        def teacher_closes() -> None:
            click(teacher_browser, "button.close-conversation")
            WebDriverWait(teacher_browser, 5).until(lambda b: b.switch_to.alert)
            teacher_browser.switch_to.alert.accept()
            wait_for(teacher_browser, ".closed-note")
            WebDriverWait(browser, WITHIN).until(lambda b: text_of(b, ".closed-note"))
            seen["closed_note"] = text_of(browser, ".closed-note")
            seen["composer_after_close"] = browser.find_elements(By.CSS_SELECTOR, "form.composer")
            seen["axe"]["closed"] = audit(browser, "the conversation, closed")
            photograph(browser, shots, "25-talk-parent-closed")
            # And the words in English, for the other language.
            click(browser, ".tools button[lang='en']")
            WebDriverWait(browser, 10).until(lambda b: "closed" in text_of(b, ".closed-note"))
            seen["english"] = text_of(browser, ".closed-note")
            seen["english_back"] = text_of(browser, "a.back")
            photograph(browser, shots, "26-talk-parent-closed-en")
            seen["console"] = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            seen["teacher_console"] = [
                e for e in teacher_browser.get_log("browser") if e["level"] == "SEVERE"
            ]

        await asyncio.to_thread(teacher_closes)
        closed = await asyncio.to_thread(
            app_document, server, "AppConversation", {"conversation": thread["id"]}, parent
        )
        # The mother's conversation (followed again in English) and the teacher's.
        await listening(server.url, at_least=2)
        listening_before_sign_out = await live_subscriptions(server.url)

        def parent_signs_out() -> None:
            click(browser, ".tools button:not([lang])")
            wait_for(browser, "main:not([aria-busy]) #login")

        await asyncio.to_thread(parent_signs_out)
        # Her conversation's subscription ended with the sign-out; the teacher's goes on.
        for _ in range(50):
            if await live_subscriptions(server.url) == listening_before_sign_out - 1:
                break
            await asyncio.sleep(0.1)
        seen["listening_after_sign_out"] = await live_subscriptions(server.url)

    print(f"screenshots: {shots}")
    print(f"the answer was on the parent's screen {seen['after_seconds']:.2f} s after sending")
    # The week loads none of the conversations' code; the conversations screen does.
    assert not {"talk.js", "conversation.js"} & set(seen["week_modules"]), seen["week_modules"]
    assert "talk.js" in seen["talk_modules"]
    # The child's messages: the demo thread with the class teacher, unread, and the class's group.
    assert seen["current_tab"] == "Сообщения"
    for edge in seen["threads_before"]:
        assert edge["node"]["teacher"]["fullName"] in seen["list"], seen["list"]
    assert any(name.startswith("Чат родителей") for name in seen["list"]), seen["list"]
    assert seen["unread_badges"], seen["list"]
    assert seen["picked"].startswith(thread["teacher"]["fullName"])
    assert seen["own"] == [QUESTION]
    assert seen["heading"] == thread["teacher"]["fullName"]
    # The teacher's list names the parent and the child, with the unread message.
    assert thread["parent"]["fullName"] in seen["teacher_item"]
    assert child["fullName"] in seen["teacher_item"]
    assert seen["teacher_badge"].strip() == "Непрочитанных: 1"
    assert seen["teacher_list_before"] == []
    assert seen["teacher_live"].startswith(f"Новое сообщение от {thread['parent']['fullName']}")
    assert seen["teacher_sees"] == [QUESTION]
    assert seen["teacher_unread_after_opening"] == 0
    assert seen["seen"] == "Прочитано"
    # Live: the answer on the same document, after the question, said politely.
    assert seen["same_document"] == "first"
    assert seen["after_seconds"] < WITHIN
    role, polite, said = seen["live"]
    assert (role, polite) == ("status", "polite")
    assert ANSWER in said
    assert seen["order"] == [QUESTION, ANSWER]
    assert seen["parent_unread"] == 0
    # Closed: read-only at once, with the note; the API agrees.
    assert closed["conversation"]["closedAt"]
    assert seen["closed_note"].startswith("Учитель закрыл беседу")
    assert seen["composer_after_close"] == []
    assert seen["english"].startswith("The teacher closed this conversation")
    assert seen["english_back"] == "← All conversations"
    assert listening_before_sign_out == 2
    assert seen["listening_after_sign_out"] == 1
    assert seen["console"] == [] and seen["teacher_console"] == []
    for screen, violations in seen["axe"].items():
        assert violations == [], (screen, violations)
