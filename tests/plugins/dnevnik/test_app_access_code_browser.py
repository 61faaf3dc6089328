"""The web app's access-code sign-up and password recovery in a real browser, as a parent on a
phone (390×844): headless Debian chromium against a real `ediary serve` of the demo school with
the Dnevnik plugin on (as every installed plugin is, unless EDIARY_PLUGINS says otherwise), a
real SMTP server for its e-mails, and only registered documents.

The class teacher issues codes through the API; the parent opens /app/, chooses "I have an
access code", mistypes the code, then redeems the right one, follows the e-mailed link in
another tab, comes back and ends signed in on the child's week. Then she forgets the password:
the recovery screen e-mails a link, she sets a new password on the server's page and signs in
with it. Every screen is audited with axe-core and photographed."""

from __future__ import annotations

import asyncio
import json
import re
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import BACKEND
from tests.reference_clients import require
from tests.servers import Mailbox, Server, sms_gateway, smtp_server
from tests.web.app_browser import (
    AXE,
    PHONE,
    audit,
    click,
    load_demo,
    photograph,
    screenshots,
    sign_in,
    text_of,
    wait_for,
)
from tests.web.conftest import browser as browser  # the chromium fixture of the app's tests

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")

EMAIL = "anna.sokolova@example.org"
PASSWORD = "tulips under snow 2026"
NEW_PASSWORD = "lilacs after rain 2027"

# This test's own documents, beside the app's: what the school does and what it checks.
DOCUMENTS = {
    "access-code-test/Login": """mutation Login($login: String!, $password: String!) {
  login(input: {login: $login, password: $password, client: APP}) {
    accessToken userErrors { code message }
  }
}
""",
    "access-code-test/MyClass": """query MyClass {
  viewer { student { id fullName schoolClass { id name } } }
}
""",
    "access-code-test/Issue": """mutation Issue($class: ID!) {
  issueAccessCodes(input: {classId: $class, parentsPerStudent: 1, forStudents: false}) {
    batch { codes { role code student { id } } }
    userErrors { code message }
  }
}
""",
    "access-code-test/Family": """query Family {
  viewer { login fullName roles children { id fullName } }
}
""",
}


def _ask(server: Server, name: str, variables: dict[str, Any], token: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = httpx.post(
        f"{server.url}/graphql",
        json={"documentId": f"access-code-test/{name}", "variables": variables},
        headers=headers,
        timeout=30,
    ).json()
    assert "errors" not in body, body
    return body["data"]


def _token(server: Server, login: str, password: str = "demo") -> str:
    answer = _ask(server, "Login", {"login": login, "password": password})["login"]
    assert not answer["userErrors"], answer
    token: str = answer["accessToken"]
    return token


def _link(mailbox: Mailbox, to: str, path: str, before: int) -> str:
    """The link to `path` in the newest message to `to` after the first `before` ones."""
    for message in reversed(mailbox.messages[before:]):
        assert isinstance(message, EmailMessage)
        if str(message["To"]) != to:
            continue
        body = message.get_body(preferencelist=("plain", "html"))
        assert body is not None
        found = re.search(rf"http\S+{re.escape(path)}\?token=[\w\-.~%]+", body.get_content())
        if found:
            return found.group(0)
    raise AssertionError(f"no {path} link to {to} in {len(mailbox.messages)} messages")


def _school_code(server: Server) -> tuple[dict[str, Any], str]:
    """The demo student, and a parent's code for her that her class teacher issues."""
    student = _ask(server, "MyClass", {}, _token(server, "student"))["viewer"]["student"]
    issued = _ask(
        server, "Issue", {"class": student["schoolClass"]["id"]}, _token(server, "classteacher")
    )["issueAccessCodes"]
    assert not issued["userErrors"], issued
    code: str = next(
        found["code"]
        for found in issued["batch"]["codes"]
        if found["student"]["id"] == student["id"] and found["role"] == "PARENT"
    )
    return student, code


def _wait_for_mail(mailbox: Mailbox, count: int, within: float = 30) -> None:
    # The server sends after answering: the message may come a moment after the screen.
    deadline = time.monotonic() + within
    while len(mailbox.messages) < count:
        assert time.monotonic() < deadline, f"{len(mailbox.messages)} messages, not {count}"
        time.sleep(0.1)


async def test_a_parent_redeems_an_access_code_and_recovers_her_password_on_a_phone(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    manifest = tmp_path / "access-code-test.json"
    manifest.write_text(json.dumps(DOCUMENTS))
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    with smtp_server() as (mailbox, smtp_port):
        env = load_demo(tmp_path) | {
            "EDIARY_TRUSTED_DOCUMENTS": str(manifest),
            "EDIARY_TRUSTED_DOCUMENTS_ONLY": "true",
            "EDIARY_SMTP_HOST": "127.0.0.1",
            "EDIARY_SMTP_PORT": str(smtp_port),
            "EDIARY_MAIL_FROM": "diary@school.example",
        }
        server = Server(env, tmp_path / "server.log")
        # The e-mailed links lead back to this very server.
        server.env["EDIARY_PUBLIC_URL"] = server.url
        async with server:
            student, code = await asyncio.to_thread(_school_code, server)

            def walk() -> dict[str, Any]:
                seen: dict[str, Any] = {"axe": {}}
                browser.get(f"{server.url}/app/")

                # The sign-in offers what this server offers: the code and recovery, no portal.
                wait_for(browser, "nav.ways a[href='#/code']")
                seen["ways"] = [
                    a.text for a in browser.find_elements(By.CSS_SELECTOR, "nav.ways a")
                ]
                seen["axe"]["sign-in"] = audit(browser, "sign-in with its ways in")
                photograph(browser, shots, "code-1-sign-in")

                # The code, mistyped first: the field says so.
                click(browser, "nav.ways a[href='#/code']")
                wait_for(browser, "#code")
                seen["axe"]["code"] = audit(browser, "access code form")
                photograph(browser, shots, "code-2-form")
                seen["focused"] = browser.execute_script("return document.activeElement.id")
                browser.find_element(By.ID, "code").send_keys("ABCD-EFGH-JKLM")
                browser.find_element(By.ID, "fullName").send_keys("Соколова Анна Петровна")
                browser.find_element(By.ID, "email").send_keys(EMAIL)
                browser.find_element(By.ID, "newPassword").send_keys(PASSWORD, Keys.ENTER)
                WebDriverWait(browser, 30).until(lambda b: text_of(b, "form .alert"))
                seen["wrong_code"] = (
                    text_of(browser, "form .alert"),
                    browser.find_element(By.ID, "code").get_attribute("aria-invalid"),
                    browser.execute_script("return document.activeElement.id"),
                )
                seen["axe"]["code-refused"] = audit(browser, "access code refused")
                photograph(browser, shots, "code-3-refused")

                # The right code: an e-mail with a link.
                typed = browser.find_element(By.ID, "code")
                typed.clear()
                typed.send_keys(code, Keys.ENTER)
                WebDriverWait(browser, 30).until(lambda b: EMAIL in text_of(b, "main h1 + p"))
                seen["check_email"] = text_of(browser, "main h1 + p")
                seen["axe"]["check-email"] = audit(browser, "check your e-mail")
                photograph(browser, shots, "code-4-check-email")

                # Back too early: not confirmed yet.
                click(browser, "main button.primary")
                WebDriverWait(browser, 30).until(lambda b: text_of(b, "main .alert"))
                seen["too_early"] = text_of(browser, "main .alert")

                # The link, in another tab as from the mail app; its button confirms.
                _wait_for_mail(mailbox, 1)
                link = _link(mailbox, EMAIL, "/dnevnik/confirm/account", 0)
                app_tab = browser.current_window_handle
                browser.switch_to.new_window("tab")
                browser.get(link)
                browser.find_element(By.CSS_SELECTOR, "form button").click()
                WebDriverWait(browser, 30).until(lambda b: "confirmed" in text_of(b, "body"))
                browser.close()
                browser.switch_to.window(app_tab)

                # Back in the app: signed in, on the child's week.
                click(browser, "main button.primary")
                wait_for(browser, "main:not([aria-busy]) nav.weeks")
                seen["week"] = (text_of(browser, "main h1"), browser.current_url)
                seen["axe"]["week"] = audit(browser, "the new parent's week")
                photograph(browser, shots, "code-5-week")

                # Signed out, she has forgotten the password: the recovery screen.
                click(browser, ".tools button:not([lang])")
                click(browser, "nav.ways a[href='#/recover']")
                wait_for(browser, "#resetLogin")
                seen["axe"]["recover"] = audit(browser, "recovery")
                photograph(browser, shots, "recover-1-form")
                before = len(mailbox.messages)
                browser.find_element(By.ID, "resetLogin").send_keys(EMAIL, Keys.ENTER)
                wait_for(browser, ".recover p.answered")
                seen["reset_sent"] = text_of(browser, ".recover p.answered")
                seen["axe"]["recover-sent"] = audit(browser, "recovery link sent")
                photograph(browser, shots, "recover-2-sent")

                # The server's page sets the new password; then the app signs in with it.
                _wait_for_mail(mailbox, before + 1)
                browser.get(_link(mailbox, EMAIL, "/dnevnik/reset", before))
                browser.find_element(By.NAME, "new_password").send_keys(NEW_PASSWORD)
                browser.find_element(By.CSS_SELECTOR, "form button").click()
                WebDriverWait(browser, 30).until(
                    # Read in the page: the form's answer replaces the page the body was in.
                    lambda b: "password is set" in text_of(b, "body")
                )
                browser.get(f"{server.url}/app/")
                sign_in(browser, EMAIL, NEW_PASSWORD)
                wait_for(browser, "main:not([aria-busy]) nav.weeks")
                seen["after_reset"] = text_of(browser, "main h1")
                # The plugin's own pages (the links' targets) have no icon: the browser's ask for
                # /favicon.ico there fails, which is not the app's doing.
                seen["console"] = [
                    e
                    for e in browser.get_log("browser")
                    if e["level"] == "SEVERE"
                    and not e["message"].startswith(f"{server.url}/favicon.ico ")
                ]
                return seen

            seen = await asyncio.to_thread(walk)
            # The account exists, with her name, and the child is linked to it.
            family = (
                await asyncio.to_thread(
                    _ask,
                    server,
                    "Family",
                    {},
                    await asyncio.to_thread(_token, server, EMAIL, NEW_PASSWORD),
                )
            )["viewer"]

    print(f"screenshots: {shots}")
    assert seen["ways"] == [
        "У меня есть код доступа от школы",
        "Забыли пароль или логин?",
    ], seen["ways"]
    assert seen["focused"] == "code"
    assert seen["wrong_code"] == (
        "Такого кода нет. Проверьте, как он написан на листке.",
        "true",
        "code",
    )
    assert EMAIL in seen["check_email"]
    assert seen["too_early"] == "Учётная запись ещё не подтверждена: откройте ссылку из письма."
    assert seen["week"][0] == student["fullName"]
    assert seen["week"][1].endswith(f"#/week/{quote(student['id'], safe='')}")
    assert EMAIL in seen["reset_sent"]
    assert seen["after_reset"] == student["fullName"]
    assert family["login"] == EMAIL
    assert family["fullName"].startswith("Соколова Анна")
    assert "PARENT" in family["roles"]
    assert family["children"] == [{"id": student["id"], "fullName": student["fullName"]}]
    for screen, violations in seen["axe"].items():
        assert violations == [], (screen, violations)
    assert seen["console"] == [], seen["console"]


async def test_a_parent_activates_the_account_by_an_sms_code_on_a_phone(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    """Given a phone, the account is activated by the six digits sent by SMS (a real HTTP
    gateway playing the operator, through the SMS plugin), typed on the next screen."""
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    manifest = tmp_path / "access-code-test.json"
    manifest.write_text(json.dumps(DOCUMENTS))
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    email, phone = "oleg.sokolov@example.org", "8 (912) 345-67-89"
    with sms_gateway() as (gateway, sms_url):
        env = load_demo(tmp_path) | {
            "EDIARY_TRUSTED_DOCUMENTS": str(manifest),
            "EDIARY_TRUSTED_DOCUMENTS_ONLY": "true",
            "EDIARY_SMS_GATEWAY_URL": sms_url,
        }
        async with Server(env, tmp_path / "server.log") as server:
            student, code = await asyncio.to_thread(_school_code, server)

            def walk() -> dict[str, Any]:
                seen: dict[str, Any] = {"axe": {}}
                # The code's screen has an address of its own: a slip could print it.
                browser.get(f"{server.url}/app/#/code")
                wait_for(browser, "#code").send_keys(code)
                browser.find_element(By.ID, "fullName").send_keys("Соколов Олег Игоревич")
                browser.find_element(By.ID, "email").send_keys(email)
                browser.find_element(By.ID, "newPassword").send_keys(PASSWORD)
                browser.find_element(By.ID, "phone").send_keys(phone, Keys.ENTER)
                wait_for(browser, "#smsCode")
                seen["sent_to"] = text_of(browser, "main h1 + p")
                seen["focused"] = browser.execute_script("return document.activeElement.id")
                seen["axe"]["sms"] = audit(browser, "the SMS code")
                photograph(browser, shots, "code-6-sms")

                deadline = time.monotonic() + 30
                while not gateway.received:
                    assert time.monotonic() < deadline, "no SMS reached the gateway"
                    time.sleep(0.1)
                sms = gateway.received[-1]
                seen["sms_to"] = sms["to"]
                digits = re.search(r"\b(\d{6})\b", sms["text"])
                assert digits, sms
                browser.find_element(By.ID, "smsCode").send_keys(digits.group(1), Keys.ENTER)
                wait_for(browser, "main:not([aria-busy]) nav.weeks")
                seen["week"] = text_of(browser, "main h1")
                seen["axe"]["week"] = audit(browser, "the week after the SMS code")
                photograph(browser, shots, "code-7-week-after-sms")
                seen["console"] = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
                return seen

            seen = await asyncio.to_thread(walk)
            family = (
                await asyncio.to_thread(
                    _ask,
                    server,
                    "Family",
                    {},
                    await asyncio.to_thread(_token, server, email, PASSWORD),
                )
            )["viewer"]

    print(f"screenshots: {shots}")
    assert phone in seen["sent_to"]
    assert seen["focused"] == "smsCode"
    assert seen["sms_to"] == "+79123456789"
    assert seen["week"] == student["fullName"]
    assert family["login"] == email
    assert family["children"] == [{"id": student["id"], "fullName": student["fullName"]}]
    for screen, violations in seen["axe"].items():
        assert violations == [], (screen, violations)
    assert seen["console"] == [], seen["console"]
