"""The size of request bodies, checked before anything reads them and while they stream in.

An ASGI middleware in front of every route: a `Content-Length` over the limit is refused
before the application runs, and a body without one (chunked) is counted as it arrives, so
the application stops at the first chunk past the limit. Either way the client gets a 413
with a JSON body like a GraphQL error, `extensions.code` PAYLOAD_TOO_LARGE.

File uploads (`multipart/form-data`) to the paths that take them may be larger, up to what
the upload limits allow (`ediary.web.multipart`); every other body is held to
EDIARY_MAX_BODY_BYTES.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CODE = "PAYLOAD_TOO_LARGE"


class BodyTooLarge(Exception):
    """Raised from `receive` when the body grows past the limit; answered here with 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.")
        self.limit = limit


def _media_type(headers: Headers) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _declared_length(headers: Headers) -> int | None:
    value = headers.get("content-length")
    if value is None or not value.strip().isdigit():
        return None  # the server refuses malformed lengths; counting still applies
    return int(value)


def too_large(limit: int) -> JSONResponse:
    """The refusal of a body over `limit` bytes."""
    message = f"The request body is larger than {limit} bytes, the most this server accepts here."
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": CODE}}]},
        status_code=413,
        # The rest of the body is never read: the connection cannot carry another request.
        headers={"Connection": "close"},
    )


class BodyLimit:
    """ASGI middleware refusing bodies over a limit; see the module's description."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, uploads: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Path -> the largest multipart body that path takes.
        self.uploads = dict(uploads or {})

    def limit_for(self, scope: Scope, headers: Headers) -> int:
        """The most the request's body may carry."""
        upload = self.uploads.get(scope["path"])
        if upload is not None and _media_type(headers) == "multipart/form-data":
            return upload
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.limit_for(scope, headers)
        declared = _declared_length(headers)
        if declared is not None and declared > limit:
            await too_large(limit)(scope, receive, send)
            return

        received = 0
        exceeded = False
        started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge(limit)
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                # The application caught the refusal and answers something else of its
                # own (a 400, a 500): the client hears why instead.
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            # Whatever the application made of the refusal, it is answered as one.
            if not exceeded or started:
                raise
        if exceeded and not started:
            await too_large(limit)(scope, receive, send)
