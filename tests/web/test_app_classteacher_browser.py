"""The class teacher's screens of the web app in a real browser on a 1366×768 screen: the
demo school's class teacher opens "My class" from the journals, schedules a parent meeting,
sees a mother's answer to it by name, posts the class's news, asks the families to
acknowledge a notice, issues the logins of those who have none and a new temporary password
to a parent who lost theirs. Each is checked in the API (the teacher's own view, the
parent's, and a sign-in with the password issued), each screen audited with axe-core and
photographed."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

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
    DESKTOP,
    TOKEN_LOGIN,
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


# What a parent of the class reads and does, and a sign-in with an issued password: this
# test's own documents beside the app's (the server runs trusted documents only).
TEST_DOCUMENTS = {
    "app-browser-test/Login": TOKEN_LOGIN,
    "app-browser-test/ParentView": """query ParentView {
  viewer { fullName children { id schoolClass { id } } }
  announcements(first: 50) { edges { node { title text schoolClass { id } } } }
  meetings(first: 50) { edges { node { id title place startsAt schoolClass { id } } } }
  acknowledgementRequests(first: 50) { edges { node { title statuses { parentName } } } }
}
""",
    "app-browser-test/Answer": """mutation Answer($meeting: ID!, $student: ID!) {
  answerMeeting(input: {meetingId: $meeting, studentId: $student, answer: WILL_ATTEND}) {
    userErrors { code message }
  }
}
""",
    "app-browser-test/IssuedSignIn": """mutation IssuedSignIn($login: String!, $password: String!) {
  login(input: {login: $login, password: $password, client: APP}) {
    mustChangePassword userErrors { code message }
  }
}
""",
}

MEETING_PLACE = "Кабинет 204"
MEETING_AGENDA = "Итоги второй четверти.\nПоездка в музей."
NEWS_TITLE = "Субботник в субботу"
NEWS_TEXT = "В субботу в 10:00 убираем пришкольный участок. Форма одежды рабочая."
ACK_TITLE = "Согласие на экскурсию"
ACK_TEXT = "Я согласен(на), что мой ребёнок поедет на экскурсию в музей 12 декабря."


def _served(tmp_path: Path) -> dict[str, str]:
    """The demo school's server running the app's documents and this test's."""
    env = served_demo(tmp_path)
    Path(env["EDIARY_TRUSTED_DOCUMENTS"]).write_text(json.dumps(TEST_DOCUMENTS))
    return env


def _gql(server: Server, name: str, variables: dict[str, Any], token: str | None) -> Any:
    response = httpx.post(
        f"{server.url}/graphql",
        json={"documentId": f"app-browser-test/{name}", "variables": variables},
        headers={"Authorization": f"Bearer {token}"} if token else {},
        timeout=30,
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _edges(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


async def test_a_class_teacher_meets_informs_and_lets_in_the_families_of_the_class(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    env = _served(tmp_path)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)
    # A meeting is scheduled ahead of the real clock (the server refuses one in the past).
    meeting_day = (date.today() + timedelta(days=7)).isoformat()
    server = Server(env, tmp_path / "server.log")
    # The addresses the API hands out (the login sheets) are this server's, as a deployment's.
    server.env["EDIARY_PUBLIC_URL"] = server.url
    async with server:
        teacher = await asyncio.to_thread(bearer, server, "classteacher")
        mother = await asyncio.to_thread(bearer, server, "parent2")
        led = (await asyncio.to_thread(app_document, server, "AppLedClasses", {}, teacher))[
            "viewer"
        ]["ledClasses"]
        assert len(led) == 1, led
        school_class = led[0]
        family = await asyncio.to_thread(_gql, server, "ParentView", {}, mother)
        child = next(
            c for c in family["viewer"]["children"] if c["schoolClass"]["id"] == school_class["id"]
        )
        before = (
            await asyncio.to_thread(
                app_document, server, "AppClassAccounts", {"class": school_class["id"]}, teacher
            )
        )["classAccounts"]
        without = [a for a in before if a["state"] == "NONE"]
        # The parent who lost their password: one of the class, not the mother above.
        lost = next(
            a
            for a in before
            if a["role"] == "PARENT"
            and a["state"] == "ACTIVE"
            and a["login"] not in ("parent", "parent2")
        )
        # A child the diary knows no parent of gets a parent account made and issued too.
        with_parents = {a["student"]["id"] for a in before if a["role"] == "PARENT"}
        orphans = {a["student"]["id"] for a in before} - with_parents
        to_issue = len(without) + len(orphans)

        def answer(meeting_id: str) -> None:
            found = _gql(server, "Answer", {"meeting": meeting_id, "student": child["id"]}, mother)
            assert found["answerMeeting"]["userErrors"] == [], found

        def walk() -> dict[str, Any]:
            seen: dict[str, Any] = {"axe": {}}
            browser.get(f"{server.url}/app/")
            sign_in(browser, "classteacher")

            # From the journals to "My class": the one class they lead opens at its meetings.
            wait_for(browser, "main:not([aria-busy]) a.my-class")
            click(browser, "a.my-class")
            wait_for(browser, "main:not([aria-busy]) form#schedule-meeting")
            seen["heading"] = text_of(browser, "main h1")
            seen["address"] = browser.execute_script("return location.hash")
            seen["axe"]["meetings"] = audit(browser, "class meetings")
            photograph(browser, shots, "20-class-meetings")

            # A parent meeting: a day a week ahead, 18:00 to 19:00 as the form offers.
            browser.execute_script(
                "const d = document.getElementById('meeting-day');"
                "d.value = arguments[0]; d.dispatchEvent(new Event('input'));",
                meeting_day,
            )
            browser.find_element(By.ID, "meeting-place").send_keys(MEETING_PLACE)
            browser.find_element(By.ID, "meeting-agenda").send_keys(MEETING_AGENDA)
            browser.find_element(By.CSS_SELECTOR, "#schedule-meeting button[type=submit]").click()
            WebDriverWait(browser, 30).until(
                lambda b: text_of(b, ".class-status").startswith("Собрание назначено")
            )
            seen["scheduled"] = text_of(browser, ".class-status")
            seen["focus"] = browser.execute_script(
                "return document.activeElement.classList.contains('class-status')"
            )
            return seen

        seen = await asyncio.to_thread(walk)
        meetings = _edges(
            (await asyncio.to_thread(app_document, server, "AppClassMeetings", {}, teacher))[
                "meetings"
            ]
        )
        meeting = next(
            m
            for m in meetings
            if m["schoolClass"]
            and m["schoolClass"]["id"] == school_class["id"]
            and m["place"] == MEETING_PLACE
        )
        # The mother answers through the API; the teacher's screen, drawn again, names her.
        await asyncio.to_thread(answer, meeting["id"])
        invitees = [
            edge["node"]
            for edge in (
                await asyncio.to_thread(
                    app_document, server, "AppMeetingInvitees", {"meeting": meeting["id"]}, teacher
                )
            )["node"]["invitees"]["edges"]
        ]
        coming = [i for i in invitees if i["answer"] == "WILL_ATTEND"]

        def the_rest() -> dict[str, Any]:
            browser.refresh()
            wait_for(browser, "main:not([aria-busy]) .meeting")
            card = f"m-{meeting['id']}"
            seen["answers"] = browser.execute_script(
                "return document.getElementById(arguments[0]).closest('article')"
                ".querySelector('.answers').textContent",
                card,
            )
            seen["when"] = browser.execute_script(
                "return document.getElementById(arguments[0]).closest('article')"
                ".querySelector('.when-where').textContent",
                card,
            )
            seen["coming"] = browser.execute_script(
                "const a = document.getElementById(arguments[0]).closest('article');"
                "a.querySelector('details').open = true;"
                "return a.querySelector('details ul.names').textContent",
                card,
            )
            seen["axe"]["meeting-answered"] = audit(browser, "class meeting answered")
            photograph(browser, shots, "21-class-meeting-answered")

            # The class's news.
            click(browser, "nav.sections a[href$='/news']")
            wait_for(browser, "main:not([aria-busy]) form#post-news")
            browser.find_element(By.ID, "news-title").send_keys(NEWS_TITLE)
            browser.find_element(By.ID, "news-text").send_keys(NEWS_TEXT)
            browser.find_element(By.CSS_SELECTOR, "#post-news button[type=submit]").click()
            WebDriverWait(browser, 30).until(
                lambda b: text_of(b, ".class-status").startswith("Опубликовано")
            )
            seen["news"] = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".news h3")]
            seen["axe"]["news"] = audit(browser, "class news")
            photograph(browser, shots, "22-class-news")

            # An acknowledgement asked of every parent of the class.
            click(browser, "nav.sections a[href$='/acknowledgements']")
            wait_for(browser, "main:not([aria-busy]) form#request-ack")
            browser.find_element(By.ID, "ack-title").send_keys(ACK_TITLE)
            browser.find_element(By.ID, "ack-text").send_keys(ACK_TEXT)
            browser.find_element(By.CSS_SELECTOR, "#request-ack button[type=submit]").click()
            WebDriverWait(browser, 30).until(
                lambda b: text_of(b, ".class-status").startswith("Отправлено семьям")
            )
            seen["ack"] = text_of(browser, ".ack .answers")
            seen["axe"]["acknowledgements"] = audit(browser, "class acknowledgements")
            photograph(browser, shots, "23-class-acknowledgements")

            # The families' logins: those without one, then a parent who lost theirs.
            click(browser, "nav.sections a[href$='/logins']")
            wait_for(browser, "main:not([aria-busy]) form#issue-logins")
            seen["axe"]["logins"] = audit(browser, "class logins")
            photograph(browser, shots, "24-class-logins")
            browser.find_element(By.CSS_SELECTOR, "#issue-logins button[type=submit]").click()
            WebDriverWait(browser, 30).until(
                lambda b: text_of(b, ".class-status").startswith("Выдано логинов")
            )
            seen["issued"] = text_of(browser, "#batch-heading")
            click(browser, f"button[aria-label='Новый пароль: {lost['fullName']}']")
            WebDriverWait(browser, 10).until(lambda b: b.switch_to.alert)
            seen["confirm"] = browser.switch_to.alert.text
            browser.switch_to.alert.accept()
            WebDriverWait(browser, 30).until(
                lambda b: text_of(b, "#batch-heading") == "Выданные логины: 1"
            )
            seen["reissued"] = [
                cell.text for cell in browser.find_elements(By.CSS_SELECTOR, ".batch tbody td")
            ]
            seen["print"] = browser.execute_script(
                "return document.querySelector('.batch a.print').href"
            )
            seen["batch-focused"] = browser.execute_script(
                "return document.activeElement.id === 'batch-heading'"
            )
            seen["axe"]["logins-issued"] = audit(browser, "class logins issued")
            photograph(browser, shots, "25-class-login-reissued")
            seen["console"] = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            return seen

        seen = await asyncio.to_thread(the_rest)
        news = _edges(
            (await asyncio.to_thread(app_document, server, "AppClassNews", {}, teacher))[
                "announcements"
            ]
        )
        acks = _edges(
            (
                await asyncio.to_thread(
                    app_document,
                    server,
                    "AppClassAcknowledgements",
                    {"class": school_class["id"]},
                    teacher,
                )
            )["acknowledgementRequests"]
        )
        after = (
            await asyncio.to_thread(
                app_document, server, "AppClassAccounts", {"class": school_class["id"]}, teacher
            )
        )["classAccounts"]
        parent_sees = await asyncio.to_thread(_gql, server, "ParentView", {}, mother)
        _, login, password = seen["reissued"]
        signed = (
            await asyncio.to_thread(
                _gql, server, "IssuedSignIn", {"login": login, "password": password}, None
            )
        )["login"]
        sheets = await asyncio.to_thread(
            httpx.get, seen["print"], headers={"Authorization": f"Bearer {teacher}"}, timeout=30
        )

    print(f"screenshots: {shots}")
    assert seen["heading"] == f"Мой класс: {school_class['name']}"
    assert seen["address"] == f"#/class/{quote(school_class['id'], safe='')}/meetings"
    # The meeting, as scheduled, in the school's time, and the families were told.
    assert seen["scheduled"].startswith("Собрание назначено: Родительское собрание")
    assert seen["focus"] is True
    assert meeting["title"] == "Родительское собрание"
    # 18:00 of the school's time zone (the demo school is in Moscow).
    assert datetime.fromisoformat(meeting["startsAt"]) == datetime.fromisoformat(
        f"{meeting_day}T18:00:00+03:00"
    ), meeting
    # Shown in the school's time, whatever the browser's (this one's is UTC).
    assert "18:00–19:00 · Кабинет 204" in seen["when"], seen["when"]
    assert [i["parentName"] for i in coming] == [family["viewer"]["fullName"]]
    assert seen["answers"] == f"Придут: 1 · Не смогут: 0 · Не ответили: {len(invitees) - 1}"
    assert coming[0]["parentName"] in seen["coming"]
    # A parent of the class sees the meeting and the news; the request asks them too.
    assert any(
        m["id"] == meeting["id"] and m["place"] == MEETING_PLACE
        for m in _edges(parent_sees["meetings"])
    )
    assert {
        "title": NEWS_TITLE,
        "text": NEWS_TEXT,
        "schoolClass": {"id": school_class["id"]},
    } in _edges(parent_sees["announcements"])
    assert NEWS_TITLE in seen["news"]
    assert any(n["title"] == NEWS_TITLE and n["audience"] == "CLASS" for n in news)
    ack = next(r for r in acks if r["title"] == ACK_TITLE)
    assert ack["text"] == ACK_TEXT
    assert all(s["acknowledgement"] is None for s in ack["statuses"])
    assert seen["ack"] == f"Ознакомились: 0 из {len(ack['statuses'])}"
    asked = _edges(parent_sees["acknowledgementRequests"])
    assert next(r for r in asked if r["title"] == ACK_TITLE)["statuses"], asked
    # Those without a login got one; the one who lost theirs has a temporary password now,
    # shown once, that signs in only to be changed.
    assert seen["issued"] == f"Выданные логины: {to_issue}"
    assert [a for a in after if a["state"] == "NONE"] == []
    issued_now = {a["fullName"] for a in after if a["state"] == "ISSUED"}
    assert {a["fullName"] for a in without} | {lost["fullName"]} <= issued_now
    assert lost["fullName"] in seen["confirm"]
    assert seen["reissued"][0] == f"родитель: {lost['student']['fullName']}"
    assert login == lost["login"]
    assert signed == {"mustChangePassword": True, "userErrors": []}
    assert seen["batch-focused"] is True
    # The family's sheet of the new password, to print, at the address the API handed out.
    assert seen["print"].startswith(f"{server.url}/print/logins/")
    assert sheets.status_code == 200, sheets.text
    assert sheets.headers["content-type"].startswith("application/pdf")
    for screen, violations in seen["axe"].items():
        assert violations == [], (screen, violations)
    assert seen["console"] == [], seen["console"]
