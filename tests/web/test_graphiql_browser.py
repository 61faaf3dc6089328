"""GraphiQL in a real browser: headless Debian chromium (driven by Selenium through Debian's
matching chromedriver) opens /graphql of a real `ediary serve`, logs in with the cookie
session by the README's login as pasted, reads the viewer, loses the tab's CSRF token (as a
new tab would) and logs out (a mutation, which needs the CSRF header the page sends, asked
again), and never asks another origin for anything."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from ediary.domain import models
from ediary.domain.auth import hash_password
from tests.servers import Server

PASSWORD = "graphiql in a browser"
ROOT = Path(__file__).resolve().parents[2]


def _readme_login() -> str:
    """The README's login mutation as a reader pastes it, for this test's account."""
    line = next(
        line
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith("mutation { login(")
    )
    demo = 'login: "parent", password: "demo"'
    assert demo in line
    return line.replace(demo, f'login: "graphiql.user", password: "{PASSWORD}"')


def _run(browser: webdriver.Chrome, query: str, expect: str) -> Any:
    """Puts `query` in GraphiQL's editor, runs it, and returns the response pane's JSON once it
    mentions `expect`. Operations stay anonymous: GraphiQL picks up a new operation name only
    a moment after the text changes, and would send the previous one's."""
    browser.execute_script(
        "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue("
        "arguments[0]);",
        query,
    )
    browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
    read = (
        "const pane = document.querySelector('.graphiql-response .CodeMirror');"
        "return pane ? pane.CodeMirror.getValue() : '';"
    )
    WebDriverWait(browser, 30).until(lambda b: expect in b.execute_script(read))
    return json.loads(browser.execute_script(read))


def _requested(browser: webdriver.Chrome) -> list[str]:
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            urls.append(message["params"].get("request", message["params"]).get("url", ""))
    return urls


async def test_graphiql_runs_queries_and_mutations_in_chromium(
    database: str, tmp_path: Path, browser: webdriver.Chrome
) -> None:
    await models.User.create(
        login="graphiql.user",
        last_name="Browser",
        first_name="Gina",
        password_hash=hash_password(PASSWORD),
    )
    env = {"EDIARY_DATABASE_URL": database}
    async with Server(env, tmp_path / "server.log") as server:

        def session() -> tuple[Any, Any, Any, list[str]]:
            browser.get(f"{server.url}/graphql")
            WebDriverWait(browser, 60).until(
                lambda b: b.find_elements(By.CSS_SELECTOR, ".graphiql-query-editor .CodeMirror")
            )
            login = _run(browser, _readme_login(), "csrfToken")
            viewer = _run(browser, "{ viewer { fullName } }", "Gina")
            # A new tab has the cookie but not the token: the page asks for it again.
            browser.execute_script("window.sessionStorage.clear();")
            browser.refresh()
            WebDriverWait(browser, 60).until(
                lambda b: b.find_elements(By.CSS_SELECTOR, ".graphiql-query-editor .CodeMirror")
            )
            logout = _run(browser, "mutation { logout { ok userErrors { code } } }", '"ok"')
            return login, viewer, logout, _requested(browser)

        login, viewer, logout, requested = await asyncio.to_thread(session)
        console = browser.get_log("browser")

    assert login["data"]["login"]["userErrors"] == []
    assert login["data"]["login"]["csrfToken"]
    assert login["data"]["login"]["viewer"]["fullName"].startswith("Browser")
    assert viewer == {
        "data": {"viewer": {"fullName": login["data"]["login"]["viewer"]["fullName"]}}
    }
    # logout is a mutation: with a cookie session it needs the X-CSRF-Token, which the page
    # got back after the reload with viewer { csrfToken }.
    assert logout == {"data": {"logout": {"ok": True, "userErrors": []}}}

    ours = urlsplit(server.url).netloc
    assert any(url.endswith("/static/graphiql/graphiql.min.js") for url in requested)
    elsewhere = [
        url for url in requested if not url.startswith("data:") and urlsplit(url).netloc != ours
    ]
    assert elsewhere == [], elsewhere
    errors = [entry for entry in console if entry["level"] == "SEVERE"]
    assert errors == [], errors
