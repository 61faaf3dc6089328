"""A real SMTP server for tests: aiosmtpd in a thread of the test process, on a free port.

Point `Settings(smtp_host="127.0.0.1", smtp_port=server.port)` at it; `server.mailbox` keeps
what arrives."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Mail:
    """A delivered message: its recipients, subject and plain-text body."""

    to: list[str]
    subject: str
    body: str

    def link(self) -> str:
        found: list[str] = LINK.findall(self.body)
        assert len(found) == 1, f"expected one link in {self.body!r}"
        return found[0]


class Mailbox:
    """Keeps every message the server accepts; tests wait for the one they expect."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mails: list[Mail] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        part = parsed.get_body(("plain",))
        body = part.get_content() if part is not None else ""
        with self._lock:
            self._mails.append(Mail(list(envelope.rcpt_tos), str(parsed["Subject"]), body))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Mail]:
        with self._lock:
            return [m for m in self._mails if address in m.to]

    async def wait_for(self, address: str, count: int = 1, within: float = 5.0) -> Mail:
        """The `count`-th message to an address, waiting for it to arrive."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found[count - 1]
            await asyncio.sleep(0.01)
        raise AssertionError(f"no message {count} to {address} within {within} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    """Started and stopped as a context manager: `with SmtpServer() as server: ...`."""

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
