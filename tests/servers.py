"""Real processes and real peers for end-to-end tests: `ediary serve`, an SMTP server
(aiosmtpd), an HTTP server playing the SMS gateway, and a graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from ediary.testing.database import listen_url
from tests.waiting import eventually

ROOT = Path(__file__).resolve().parent.parent
EDIARY = str(Path(sys.executable).parent / "ediary")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_provider(url: str, what: str) -> None:
    """Until the OpenID Connect provider process at `url` serves its discovery document;
    RuntimeError naming `what` if it does not within ten seconds."""
    for _ in range(100):
        try:
            if httpx.get(f"{url}/.well-known/openid-configuration", timeout=1).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


class Server:
    """An `ediary serve` process on a free port, stopped when the block ends."""

    def __init__(
        self, env: dict[str, str], log: Path, args: tuple[str, ...] = (), wait: float = 30
    ) -> None:
        self.port = free_port()
        self.env = {**os.environ, **env}
        # A database served through the test pooler LISTENs on the server directly.
        listen = listen_url(self.env.get("EDIARY_DATABASE_URL", ""))
        if listen:
            self.env.setdefault("EDIARY_LISTEN_DATABASE_URL", listen)
        self.log = log
        self.args = args
        self.wait = wait
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> Server:
        out = self.log.open("wb")
        self.process = await asyncio.create_subprocess_exec(
            EDIARY,
            "serve",
            "--port",
            str(self.port),
            *self.args,
            env=self.env,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
            cwd=self.log.parent,
        )
        deadline = time.monotonic() + self.wait
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                if self.process.returncode is not None:
                    raise RuntimeError(f"server exited: {self.log.read_text()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.url}/healthz")).status_code == 200:
                        return self
                await asyncio.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()}")

    async def __aexit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    async def gql(self, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                f"{self.url}/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        assert "errors" not in result, result
        return result["data"]


class Mailbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


class Gateway:
    """Plays an SMS gateway: records each POST; answers 503 to the first `fail_first`."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[dict[str, Any]] = []
        self.refused = 0
        self.fail_first = fail_first
        self.lock = threading.Lock()


@contextlib.contextmanager
def sms_gateway(fail_first: int = 0) -> Iterator[tuple[Gateway, str]]:
    gateway = Gateway(fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with gateway.lock:
                if gateway.refused < gateway.fail_first:
                    gateway.refused += 1
                    status = 503
                else:
                    gateway.received.append({**body, "key": self.headers["Idempotency-Key"]})
                    status = 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway, f"http://127.0.0.1:{server.server_address[1]}/send"
    finally:
        server.shutdown()
        server.server_close()


async def metric(url: str, name: str) -> float:
    """The value of an unlabelled metric of the server at `url` (0 before its first sample)."""
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{url}/metrics")
    response.raise_for_status()
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name:
                return sample.value
    return 0.0


async def live_subscriptions(url: str) -> int:
    """How many subscriptions the server at `url` has listening."""
    return int(await metric(url, "ediary_live_subscriptions"))


async def delivery_rounds(url: str, rounds: int) -> None:
    """Wait until the server's delivery worker has gone through the outbox `rounds` more times,
    so that anything it would send again has been sent."""
    name = "ediary_delivery_rounds_total"
    start = await metric(url, name)

    async def done() -> bool:
        return await metric(url, name) >= start + rounds

    await eventually(done, what=f"{rounds} delivery rounds at {url}")


async def listening(url: str, at_least: int) -> None:
    """Wait until the server at `url` has `at_least` subscriptions listening.

    graphql-transport-ws does not confirm a subscription, so a test that makes a change right
    after subscribing waits for this: a change committed once a subscription counts reaches it.
    """

    async def enough() -> bool:
        return await live_subscriptions(url) >= at_least

    await eventually(enough, what=f"{at_least} live subscriptions at {url}")


@contextlib.asynccontextmanager
async def subscription(
    server: Server, token: str, query: str, variables: dict[str, Any], refused: bool = False
) -> AsyncIterator[ClientConnection]:
    """A graphql-transport-ws subscription, authenticated in connection_init, yielded once the
    server listens for it (or at once when the test expects it `refused`)."""
    before = await live_subscriptions(server.url)
    ws_url = server.url.replace("http://", "ws://") + "/graphql"
    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables},
                }
            )
        )
        if not refused:
            await listening(server.url, at_least=before + 1)
        yield ws


async def closed_by_server(ws: ClientConnection, within: float) -> tuple[int, str, list[Any]]:
    """Wait for the server to close: the close code, its reason, and what came before."""
    received: list[Any] = []
    deadline = time.monotonic() + within
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"still open after {within} s; received {received}")
            received.append(json.loads(await asyncio.wait_for(ws.recv(), left)))
    except TimeoutError:
        raise AssertionError(f"still open after {within} s; received {received}") from None
    except ConnectionClosed as closed:
        assert closed.rcvd is not None, "closed without a close frame"
        return closed.rcvd.code, closed.rcvd.reason, received


async def next_payload(ws: ClientConnection, within: float = 10) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), within))
    assert message["type"] == "next", message
    data: dict[str, Any] = message["payload"]
    assert "errors" not in data, data
    return data["data"]


async def nothing_more(ws: ClientConnection, wait: float = 1.0) -> bool:
    try:
        message = await asyncio.wait_for(ws.recv(), wait)
    except TimeoutError:
        return True
    raise AssertionError(f"unexpected message: {message}")
