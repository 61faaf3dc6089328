"""A browser app on its own origin, in a real headless chromium: a page served on another
loopback port calls a real `ediary serve` with a bearer token, by a cross-origin `fetch`
(with its CORS preflight) and a graphql-transport-ws subscription written with the
browser's `WebSocket`, and receives a message a teacher sends. The same page on a port the
server does not list is refused both: the browser withholds the answer, the server refuses
the WebSocket handshake."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any
from urllib.parse import urlencode

from selenium import webdriver
from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.enums import Role
from tests.builders import member
from tests.conftest import TODAY
from tests.servers import Server, free_port, listening
from tests.talk.queries import SEND, START
from tests.world import World

# The app: a fetch and a subscription, each reporting what the browser let it see.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>an app on its own origin</title></head><body>
<script>
  const params = new URLSearchParams(location.search);
  const api = params.get('api');
  const token = params.get('token');
  const report = (window.report = { fetch: null, socket: [], closed: null });
  fetch(api + '/graphql', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json',
      Authorization: 'Bearer ' + token,
    },
    body: JSON.stringify({ query: '{ viewer { login } }' }),
  })
    .then((response) => response.json())
    .then(
      (body) => { report.fetch = body; },
      (error) => { report.fetch = { failed: String(error) }; },
    );

  const socket = new WebSocket(api.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
  socket.onopen = () => {
    const init = { type: 'connection_init', payload: { authorization: 'Bearer ' + token } };
    socket.send(JSON.stringify(init));
  };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    report.socket.push(message);
    if (message.type === 'connection_ack') {
      socket.send(JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: {
          query: 'subscription($id: ID) { conversationUpdates(conversationId: $id) '
            + '{ kind message { text } } }',
          variables: { id: params.get('conversation') },
        },
      }));
    } else if (message.type === 'ping') {
      socket.send(JSON.stringify({ type: 'pong' }));
    }
  };
  socket.onclose = (event) => { report.closed = event.code; };
</script>
</body></html>
"""


@contextlib.contextmanager
def app_page() -> Iterator[str]:
    """Serves PAGE on a free loopback port: the app's own origin."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def _family(world: World) -> dict[str, str]:
    """A class of its own (so the shared world is untouched): a class teacher, a student and
    a parent, with their bearer tokens."""
    lead = await member(world, "cors_lead", Role.TEACHER)
    school_class = await models.SchoolClass.create(
        school=world.objects["school_A"],
        academic_year=world.objects["year_A"],
        grade=10,
        letter="Z",
        class_teacher=lead,
    )
    student = await member(world, "cors_student", Role.STUDENT)
    await models.Enrollment.create(
        student=student, school_class=school_class, starts_on=date(2026, 9, 1)
    )
    parent = await member(world, "cors_parent", Role.PARENT)
    await models.Guardianship.create(parent=parent, student=student)
    return {
        "student": to_base64("Student", student.id),
        "teacher": to_base64("Teacher", lead.id),
        "lead": world.tokens["cors_lead"],
        "parent": world.tokens["cors_parent"],
    }


async def _report(browser: webdriver.Chrome, done: str, within: float = 30) -> dict[str, Any]:
    """The page's report once the JavaScript expression `done` (over `r`) holds."""
    script = f"const r = window.report; return r && ({done}) ? JSON.stringify(r) : null;"
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = await asyncio.to_thread(browser.execute_script, script)
        if found:
            report: dict[str, Any] = json.loads(found)
            return report
        await asyncio.sleep(0.2)
    raise AssertionError(f"the page did not get there: {done}")


async def test_an_app_on_an_allowed_origin_fetches_and_subscribes(
    database: str, world: World, tmp_path: Path, browser: webdriver.Chrome
) -> None:
    family = await _family(world)
    with app_page() as allowed, app_page() as not_allowed:
        env = {
            "EDIARY_DATABASE_URL": database,
            "EDIARY_TODAY": TODAY.isoformat(),
            "EDIARY_ALLOWED_ORIGINS": allowed,
        }
        async with Server(env, tmp_path / "server.log") as server:
            started = await server.gql(
                START,
                {
                    "input": {
                        "studentId": family["student"],
                        "teacherId": family["teacher"],
                        "text": "Is there a trip on Friday?",
                    }
                },
                family["parent"],
            )
            assert started["startConversation"]["userErrors"] == []
            conversation = started["startConversation"]["conversation"]["id"]
            query = urlencode(
                {"api": server.url, "token": family["parent"], "conversation": conversation}
            )

            await asyncio.to_thread(browser.get, f"{allowed}/?{query}")
            ready = await _report(
                browser, "r.fetch && r.socket.some((m) => m.type === 'connection_ack')"
            )
            assert ready["fetch"] == {"data": {"viewer": {"login": "cors_parent"}}}
            await listening(server.url, at_least=1)
            sent = await server.gql(
                SEND,
                {"input": {"conversationId": conversation, "text": "Yes, bring a lunch."}},
                family["lead"],
            )
            assert sent["sendMessage"]["userErrors"] == []
            live = await _report(browser, "r.socket.some((m) => m.type === 'next')")
            pushed = [m for m in live["socket"] if m["type"] == "next"]
            assert pushed[0]["id"] == "1"
            assert pushed[0]["payload"] == {
                "data": {
                    "conversationUpdates": {
                        "kind": "MESSAGE_POSTED",
                        "message": {"text": "Yes, bring a lunch."},
                    }
                }
            }
            assert live["closed"] is None

            await asyncio.to_thread(browser.get, f"{not_allowed}/?{query}")
            refused = await _report(browser, "r.fetch && r.closed !== null")
            console = await asyncio.to_thread(browser.get_log, "browser")

    # The browser withheld the answer (no Access-Control-Allow-Origin for this origin) and
    # the server refused the handshake before a message was read.
    assert "failed" in refused["fetch"], refused
    assert refused["socket"] == []
    assert refused["closed"] == 1006
    said = " ".join(entry["message"] for entry in console)
    assert "CORS" in said or "Access-Control-Allow-Origin" in said, said
