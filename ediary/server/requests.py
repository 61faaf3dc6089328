"""What is known about the request being served, for its log lines and its metrics.

A pure ASGI middleware sets it for each HTTP request; the application runs in the same
task, so everything logged while serving it (and the GraphQL extension that names the
operation) finds it through a context variable.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's or client's ID is reused only when it is short and plain, so nothing odd reaches
# log lines or the response header.
_VALID_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")

access_log = logging.getLogger("ediary.access")
error_log = logging.getLogger("ediary.errors")


@dataclass
class RequestInfo:
    request_id: str
    method: str
    path: str
    # Set by the GraphQL extension for GraphQL requests.
    operation: str | None = None
    operation_type: str | None = None
    # The GraphQL execution result; its errors carry their codes once the response is out.
    graphql_result: Any = None

    def error_codes(self) -> list[str]:
        errors = getattr(self.graphql_result, "errors", None) or []
        return [str((error.extensions or {}).get("code", "UNKNOWN")) for error in errors]


current_request: ContextVar[RequestInfo | None] = ContextVar("ediary_request", default=None)


def request_id_from(sent: str | None) -> str:
    """The client's request ID when it is acceptable, else a new one."""
    if sent is not None and _VALID_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


# Path parameters that are credentials (a calendar feed's secret address) stay out of logs.
_SECRET_PARAMS = ("secret", "token")


def logged_path(scope: Scope) -> str:
    """The path, with secret path parameters replaced by their names."""
    path: str = scope["path"]
    for name, value in (scope.get("path_params") or {}).items():
        if str(value) and any(word in name.lower() for word in _SECRET_PARAMS):
            path = path.replace(str(value), f"{{{name}}}")
    return path


def route_of(scope: Scope) -> str:
    """The matched route's path template: bounded, unlike the paths clients send."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


# nginx's code for "the client closed the request": shown on the access line and in metrics.
CLIENT_CLOSED = 499
# What reading or writing a request raises when its client has gone: Starlette's body reader,
# anyio's streams under BaseHTTPMiddleware and friends, a WebSocket closed under us.
_DISCONNECTS = (ClientDisconnect, anyio.EndOfStream, anyio.BrokenResourceError, WebSocketDisconnect)


def is_disconnect(error: BaseException) -> bool:
    """Whether the error only says the client disconnected (task groups may wrap it)."""
    if isinstance(error, BaseExceptionGroup):
        return all(is_disconnect(inner) for inner in error.exceptions)
    return isinstance(error, _DISCONNECTS)


class Observer:
    """Told about each finished request (the metrics)."""

    def finished(self, info: RequestInfo, route: str, status: int, seconds: float) -> None: ...


class RequestContext:
    """Gives each HTTP request an ID (echoed in X-Request-ID), logs one access line for it
    and reports it to the observer."""

    def __init__(self, app: ASGIApp, observer: Observer | None = None) -> None:
        self.app = app
        self.observer = observer or Observer()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            try:
                await self.app(scope, receive, send)
            except Exception as error:
                if not is_disconnect(error):
                    raise
                access_log.info("%s closed by the client", scope["path"])
            return
        info = RequestInfo(
            request_id=request_id_from(Headers(scope=scope).get(REQUEST_ID_HEADER)),
            method=scope["method"],
            path=scope["path"],
        )
        token = current_request.set(info)
        status = 500  # unless a response starts: an exception escaped the application
        started_response = False
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status = message["status"]
                started_response = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = info.request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:
            if is_disconnect(error):
                # The client went away: nobody to answer and nothing of ours went wrong, so
                # the access line (status 499) is all the log says about it.
                status = CLIENT_CLOSED
                return
            # Logged once, here, with the request's ID; the client gets a bare 500 with the ID
            # to quote, never the traceback.
            info.path = logged_path(scope)
            error_log.exception("unhandled error in %s %s", info.method, info.path)
            if started_response:
                raise
            status = 500
            await PlainTextResponse(
                "Internal Server Error",
                status_code=500,
                headers={REQUEST_ID_HEADER: info.request_id},
            )(scope, receive, send)
        finally:
            seconds = time.perf_counter() - started
            info.path = logged_path(scope)
            fields: dict[str, Any] = {
                "method": info.method,
                "path": info.path,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
            }
            if info.operation is not None:
                fields["operation"] = info.operation
                fields["operation_type"] = info.operation_type
            codes = info.error_codes()
            if codes:
                fields["error_codes"] = codes
            access_log.info("%s %s %s", info.method, info.path, status, extra=fields)
            self.observer.finished(info, route_of(scope), status, seconds)
            current_request.reset(token)
