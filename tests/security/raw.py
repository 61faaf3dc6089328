"""Requests made at the ASGI level, so that a test sees how much of a body the server read.

httpx reads a streamed body to the end whatever the server does; here the body is handed
over chunk by chunk on demand, and the test learns how many bytes were asked for."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message

CHUNK = 64 * 1024


@dataclass
class Answer:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # Bytes of the request body the server received.
    read: int = 0

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def code(self) -> str | None:
        errors = self.json().get("errors") or [{}]
        code: str | None = errors[0].get("extensions", {}).get("code")
        return code


def padded(prefix: bytes, size: int, suffix: bytes = b"") -> Iterator[bytes]:
    """`prefix`, spaces, then `suffix`: `size` bytes in all, made as they are sent."""
    yield prefix
    left = size - len(prefix) - len(suffix)
    while left > 0:
        step = min(CHUNK, left)
        yield b" " * step
        left -= step
    yield suffix


async def request(
    app: ASGIApp,
    path: str,
    chunks: Iterator[bytes],
    headers: dict[str, str],
    *,
    method: str = "POST",
    query_string: str = "",
    client: str = "127.0.0.1",
) -> Answer:
    """Send a request whose body is `chunks`, each a message of its own (no Content-Length
    unless given in `headers`: a chunked body)."""
    answer = Answer()
    pending = iter(chunks)
    finished = False

    async def receive() -> Message:
        nonlocal finished
        if finished:
            return {"type": "http.disconnect"}
        chunk = next(pending, None)
        if chunk is None:
            finished = True
            return {"type": "http.request", "body": b"", "more_body": False}
        answer.read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query_string.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"host", b"testserver")],
        "client": (client, 50000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    return answer
