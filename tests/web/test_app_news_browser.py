"""The web app's news, meetings and acknowledgements in a real browser on a phone (390×844),
against a real `ediary serve` of the demo school that runs only registered documents.

The demo mother reads her child's news (the screen lists what the API answers, newest first,
and the next page on "Show more"), answers two meetings from the keyboard (the API then has
her answers), and acknowledges a request her child's class teacher has just sent through the
API, with a signing key her browser makes with WebCrypto: the API then has the acknowledgement
signed, the signature verifies against the key she registered (checked here with the
`cryptography` library too, over the stored bytes), and the browser keeps only a
non-extractable private key. Revoking that key from the screen leaves the signature
verifiable. Each screen is audited with axe-core and photographed."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import BACKEND
from tests.reference_clients import require
from tests.servers import Server
from tests.web.app_browser import (
    AXE,
    PHONE,
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

# This test's own documents, registered beside the app's: what it asks as the class teacher,
# and what it reads back to check the app's effect.
DOCUMENTS = {
    "app-news-test/Homeroom": """query Homeroom {
  viewer { id teacher { id } children { id schoolClass { id classTeacher { id } } } }
}
""",
    "app-news-test/ScheduleMeeting": """mutation ScheduleMeeting(
  $class: ID!, $title: String!, $startsAt: DateTime!, $endsAt: DateTime!, $agenda: String!
) {
  scheduleMeeting(input: {classId: $class, title: $title, startsAt: $startsAt,
                          endsAt: $endsAt, place: "Кабинет 214", agenda: $agenda}) {
    meeting { id }
    userErrors { code message }
  }
}
""",
    "app-news-test/RequestAcknowledgement": """mutation RequestAcknowledgement(
  $class: ID!, $title: String!, $text: String!
) {
  requestAcknowledgement(input: {classId: $class, title: $title, text: $text}) {
    request { id }
    userErrors { code message }
  }
}
""",
    "app-news-test/Acknowledgements": """query Acknowledgements {
  signingKeys { id publicKey fingerprint revokedAt }
  acknowledgementRequests(first: 50) {
    edges {
      node {
        id
        text
        statuses {
          student { id }
          acknowledgement {
            signed
            signature { signedPayload publicKey signature valid }
          }
        }
      }
    }
  }
}
""",
}

MEETING = "Родительское собрание: итоги второй четверти"
TITLE = "Экскурсия в планетарий 3 декабря"
TEXT = (
    "3 декабря класс едет в Московский планетарий.\n"
    "Выезд от школы в 9:00, возвращение к 14:00. Стоимость — 600 ₽.\n"
    "Прошу подтвердить, что вы ознакомлены с условиями поездки."
)

# The signing key this browser keeps (signing.js), read in the page as the app reads it.
KEPT_KEY = """
const done = arguments[arguments.length - 1];
const open = indexedDB.open('ediary-keys', 1);
open.onupgradeneeded = () => open.result.createObjectStore('keys', {keyPath: 'user'});
open.onsuccess = () => {
  const all = open.result.transaction('keys').objectStore('keys').getAll();
  all.onsuccess = async () => {
    const keys = [];
    for (const key of all.result) {
      const raw = await crypto.subtle.exportKey('pkcs8', key.privateKey).catch(() => null);
      keys.push({user: key.user, keyId: key.keyId, publicKey: key.publicKey,
                 algorithm: key.privateKey.algorithm.name, type: key.privateKey.type,
                 extractable: key.privateKey.extractable, usages: key.privateKey.usages,
                 exported: raw === null ? null : 'exported'});
    }
    open.result.close();
    done(keys);
  };
};
open.onerror = () => done(String(open.error));
"""


# The screens' own modules the page has fetched so far.
LOADED_MODULES = """
return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)
  .filter((path) => ['/app/news.js', '/app/meetings.js', '/app/acks.js', '/app/signing.js']
    .includes(path)).sort();
"""


def _register(env: dict[str, str]) -> None:
    manifest = Path(env["EDIARY_TRUSTED_DOCUMENTS"])
    documents = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps(documents | DOCUMENTS), encoding="utf-8")


def _ask(server: Server, name: str, variables: dict[str, Any], token: str) -> Any:
    response = httpx.post(
        f"{server.url}/graphql",
        json={"documentId": f"app-news-test/{name}", "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"] if edge["node"]]


def _by_id(browser: webdriver.Chrome, element_id: str, css: str) -> None:
    """Presses Enter on `css` inside the card of the element `element_id`: the keyboard's way."""
    target = browser.execute_script(
        "return document.getElementById(arguments[0]).closest('li').querySelector(arguments[1])",
        element_id,
        css,
    )
    target.send_keys(Keys.ENTER)


async def test_a_parent_reads_news_answers_meetings_and_signs_an_acknowledgement(
    tmp_path: Path, browser: webdriver.Chrome
) -> None:
    require("axe-core", AXE.exists(), "run `npm ci` in compat/")
    shots = screenshots(tmp_path)
    env = served_demo(tmp_path)
    _register(env)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    seen: dict[str, Any] = {"axe": {}}
    server = Server(env, tmp_path / "server.log")
    async with server:
        parent = await asyncio.to_thread(bearer, server)
        homeroom = await asyncio.to_thread(bearer, server, "classteacher")
        family = (await asyncio.to_thread(_ask, server, "Homeroom", {}, parent))["viewer"]
        teacher = (await asyncio.to_thread(_ask, server, "Homeroom", {}, homeroom))["viewer"]
        # The mother's child in the class the demo class teacher leads.
        child = next(
            c
            for c in family["children"]
            if c["schoolClass"]["classTeacher"]["id"] == teacher["teacher"]["id"]
        )
        sent = (
            await asyncio.to_thread(
                _ask,
                server,
                "RequestAcknowledgement",
                {"class": child["schoolClass"]["id"], "title": TITLE, "text": TEXT},
                homeroom,
            )
        )["requestAcknowledgement"]
        assert sent["userErrors"] == [], sent
        request_id = sent["request"]["id"]

        # Answers are taken until a meeting starts by the server's clock (not EDIARY_TODAY):
        # the class teacher schedules one three days from now.
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        scheduled = (
            await asyncio.to_thread(
                _ask,
                server,
                "ScheduleMeeting",
                {
                    "class": child["schoolClass"]["id"],
                    "title": MEETING,
                    "startsAt": starts.isoformat(),
                    "endsAt": (starts + timedelta(hours=1)).isoformat(),
                    "agenda": "1. Итоги четверти.\n2. Экскурсия в планетарий.",
                },
                homeroom,
            )
        )["scheduleMeeting"]
        assert scheduled["userErrors"] == [], scheduled
        meeting_id = scheduled["meeting"]["id"]

        news = (await asyncio.to_thread(app_document, server, "AppNews", {}, parent))[
            "announcements"
        ]
        expected_news = [
            item["title"]
            for item in _nodes(news)
            if item["audience"] != "CLASS"
            or item["schoolClass"]["id"] == child["schoolClass"]["id"]
        ]

        def reply(meeting: dict[str, Any]) -> str | None:
            found = [r for r in meeting["myReplies"] if r["student"]["id"] == child["id"]]
            return found[0]["answer"] if found else None

        def read_news() -> None:
            browser.get(f"{server.url}/app/")
            sign_in(browser, "parent")
            wait_for(browser, "main:not([aria-busy]) ul.children a")
            seen["modules_before"] = browser.execute_script(LOADED_MODULES)
            browser.execute_script("location.hash = arguments[0]", f"#/news/{child['id']}")
            wait_for(browser, "main:not([aria-busy]) .announcement")
            seen["news"] = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".news h2")]
            seen["news_current"] = text_of(browser, ".sections a[aria-current=page]")
            seen["modules_news"] = browser.execute_script(LOADED_MODULES)
            seen["axe"]["news"] = audit(browser, "news")
            photograph(browser, shots, "20-news")
            seen["more_shown"] = browser.find_element(By.CSS_SELECTOR, "button.more").is_displayed()
            if seen["more_shown"]:
                browser.find_element(By.CSS_SELECTOR, "button.more").send_keys(Keys.ENTER)
                WebDriverWait(browser, 10).until(
                    lambda b: len(b.find_elements(By.CSS_SELECTOR, ".news h2")) > len(seen["news"])
                )
                # The first of the new page has the focus, for keyboards and screen readers.
                seen["focus_after_more"] = browser.execute_script(
                    "return document.activeElement.textContent"
                )
                seen["news_after_more"] = [
                    e.text for e in browser.find_elements(By.CSS_SELECTOR, ".news h2")
                ]

        await asyncio.to_thread(read_news)

        def answer_meeting() -> None:
            # From the section links, as a parent would.
            browser.find_element(By.CSS_SELECTOR, ".sections a[href^='#/meetings/']").click()
            wait_for(browser, "main:not([aria-busy]) .meeting")
            seen["meeting_before"] = browser.execute_script(
                "return document.getElementById(arguments[0]).closest('li')"
                ".querySelector('.answer-status').textContent",
                f"meeting-{meeting_id}",
            )
            seen["axe"]["meetings"] = audit(browser, "meetings")
            photograph(browser, shots, "21-meetings")
            _by_id(browser, f"meeting-{meeting_id}", ".answer-will_attend")
            WebDriverWait(browser, 10).until(
                lambda b: b.execute_script(
                    "return document.getElementById(arguments[0]).closest('li')"
                    ".querySelector('.answer-status').textContent",
                    f"meeting-{meeting_id}",
                ).startswith("Ответ сохранён")
            )

        def meeting_again() -> None:
            # Drawn again from the API: the answer given shows.
            browser.refresh()
            wait_for(browser, "main:not([aria-busy]) .meeting")
            seen["meeting_after"] = browser.execute_script(
                "const card = document.getElementById(arguments[0]).closest('li');"
                "return [card.querySelector('.answer-status').textContent,"
                "  [...card.querySelectorAll('button[aria-pressed=true]')]"
                "    .map((b) => b.className)]",
                f"meeting-{meeting_id}",
            )
            seen["meeting_order"] = browser.execute_script(
                "return [...document.querySelectorAll("
                "  'ul[aria-labelledby=meetings-coming] .meeting-when time')]"
                ".map((t) => t.getAttribute('datetime'))"
            )
            seen["axe"]["meetings_answered"] = audit(browser, "meetings answered")
            photograph(browser, shots, "22-meetings-answered")

        await asyncio.to_thread(answer_meeting)
        answered = _nodes(
            (await asyncio.to_thread(app_document, server, "AppMeetings", {}, parent))["meetings"]
        )
        await asyncio.to_thread(meeting_again)

        def acknowledge() -> None:
            browser.find_element(By.CSS_SELECTOR, ".sections a[href^='#/acks/']").click()
            wait_for(browser, "main:not([aria-busy]) .ack")
            seen["key_before"] = text_of(browser, ".key p")
            seen["waiting"] = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.acks h3")]
            seen["axe"]["acks"] = audit(browser, "acknowledgements, one waiting")
            photograph(browser, shots, "23-acks")
            _by_id(browser, f"ack-{request_id}", ".acknowledge")
            WebDriverWait(browser, 15).until(
                lambda b: (
                    not b.execute_script(
                        "return document.getElementById(arguments[0]).closest('li')"
                        ".querySelector('.acknowledge')",
                        f"ack-{request_id}",
                    )
                )
            )
            seen["ack_status"] = browser.execute_script(
                "return document.getElementById(arguments[0]).closest('li')"
                ".querySelector('.ack-status').textContent",
                f"ack-{request_id}",
            )
            seen["ack_focus"] = browser.execute_script("return document.activeElement.className")
            seen["key_after"] = text_of(browser, ".key p")
            seen["kept_key"] = browser.execute_async_script(KEPT_KEY)
            seen["modules_acks"] = browser.execute_script(LOADED_MODULES)
            seen["axe"]["acks_signed"] = audit(browser, "acknowledgements, signed")
            photograph(browser, shots, "24-acks-signed")
            seen["console"] = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]

        await asyncio.to_thread(acknowledge)
        signed = await asyncio.to_thread(_ask, server, "Acknowledgements", {}, parent)

        def forget_key() -> None:
            browser.find_element(By.CSS_SELECTOR, ".forget-key").send_keys(Keys.ENTER)
            WebDriverWait(browser, 10).until(
                lambda b: "отозван" in text_of(b, ".key [role=status]")
            )
            seen["kept_after_forget"] = browser.execute_async_script(KEPT_KEY)
            seen["axe"]["acks_forgotten"] = audit(browser, "acknowledgements, key revoked")

        await asyncio.to_thread(forget_key)
        forgotten = await asyncio.to_thread(_ask, server, "Acknowledgements", {}, parent)

    print(f"screenshots: {shots}")
    for screen, violations in seen["axe"].items():
        assert violations == [], (screen, violations)

    # The screens' modules come when first opened, not with the sign-in or the week.
    assert seen["modules_before"] == []
    assert seen["modules_news"] == ["/app/news.js"]
    # (The meetings screen was reloaded: the page's list starts there.)
    assert seen["modules_acks"] == ["/app/acks.js", "/app/meetings.js", "/app/signing.js"]

    # News: the API's first page, newest first, then the next page on "Show more".
    assert seen["news_current"] == "Новости"
    assert seen["news"] == expected_news
    assert news["pageInfo"]["hasNextPage"] == seen["more_shown"]
    if seen["more_shown"]:
        assert seen["news_after_more"][: len(expected_news)] == expected_news
        assert seen["focus_after_more"] == seen["news_after_more"][len(expected_news)]

    # Meetings: the new one, unanswered, then answered; the API has the answer, and the screen
    # drawn again shows it; the coming ones go soonest first.
    assert seen["meeting_before"] == "Вы ещё не ответили."
    assert reply(next(m for m in answered if m["id"] == meeting_id)) == "WILL_ATTEND"
    status_text, pressed = seen["meeting_after"]
    assert status_text.startswith("Вы ответили «Приду»"), status_text
    assert pressed == ["answer-will_attend"]
    assert seen["meeting_order"] == sorted(seen["meeting_order"]) and seen["meeting_order"]

    # The demo's request waits for her too, below the newer one.
    assert seen["waiting"] == [TITLE, "Экскурсия в краеведческий музей"]
    # Acknowledgement: signed with the key the browser made and registered.
    assert seen["key_before"].startswith("Ключа ещё нет")
    assert (
        seen["ack_status"].startswith("Ознакомлен(а)")
        and "с электронной подписью" in seen["ack_status"]
    ), seen["ack_status"]
    assert "ack-status" in seen["ack_focus"]
    assert seen["key_after"].startswith("Создан")
    active = [k for k in signed["signingKeys"] if k["revokedAt"] is None]
    assert len(active) == 1
    request = next(r for r in _nodes(signed["acknowledgementRequests"]) if r["id"] == request_id)
    assert request["text"] == TEXT
    status = next(s for s in request["statuses"] if s["student"]["id"] == child["id"])
    given = status["acknowledgement"]
    assert given["signed"] is True
    signature = given["signature"]
    assert signature["valid"] is True
    assert signature["publicKey"] == active[0]["publicKey"]
    # Verified here as well, from the stored bytes, by another Ed25519 implementation.
    raw_key = base64.b64decode(signature["publicKey"])
    Ed25519PublicKey.from_public_bytes(raw_key).verify(
        base64.b64decode(signature["signature"]), signature["signedPayload"].encode("ascii")
    )
    statement = json.loads(signature["signedPayload"])
    assert statement["textSha256"] == hashlib.sha256(TEXT.encode()).hexdigest()
    assert statement["key"] == hashlib.sha256(raw_key).hexdigest() == active[0]["fingerprint"]
    # The browser keeps one key, the mother's: private, not extractable, Ed25519.
    kept = seen["kept_key"]
    assert [k["user"] for k in kept] == [family["id"]], kept
    assert kept[0]["keyId"] == active[0]["id"]
    assert kept[0]["publicKey"] == active[0]["publicKey"]
    assert (kept[0]["algorithm"], kept[0]["type"], kept[0]["extractable"]) == (
        "Ed25519",
        "private",
        False,
    )
    assert kept[0]["exported"] is None
    assert seen["console"] == []

    # Revoked from the screen: gone from the browser, revoked by the API, and what it signed
    # still verifies from the stored key.
    assert seen["kept_after_forget"] == []
    assert [k["revokedAt"] is not None for k in forgotten["signingKeys"]] == [True]
    still = next(r for r in _nodes(forgotten["acknowledgementRequests"]) if r["id"] == request_id)
    assert still["statuses"][0]["acknowledgement"]["signature"]["valid"] is True
