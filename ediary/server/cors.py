"""CORS for browser apps served from other origins (`EDIARY_ALLOWED_ORIGINS`).

The protocol itself (preflights, `Access-Control-*` headers, `Vary: Origin`) is Starlette's
`CORSMiddleware`, the well-kept implementation; this module only decides where it applies and
with which rules:

- Only listed origins are ever allowed; none by default, and never `*`.
- The routes that read the session cookie (`/graphql`, the chart, report and attachment
  downloads) allow credentials for those origins: a listed origin is trusted like our own
  pages, so its app may log in with `client: BROWSER` and then sends the CSRF token like
  GraphiQL does. Bearer-token apps need no credentials at all.
- The calendar feeds, whose secret address is the only key, allow listed origins without
  credentials; everything else (health, metrics, GraphiQL's files) gets no CORS headers.
- A refused preflight answers `403` with the JSON error body of every other route, instead of
  Starlette's plain-text `400`.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ediary.adapters.http import error_response
from ediary.server.requests import REQUEST_ID_HEADER

# Routes whose answers depend on the session cookie (or a bearer token).
GRAPHQL = "/graphql"
WITH_COOKIES = ("/charts/", "/reports/", "/attachments/")
# Routes a secret in the address opens: no cookie is read, so none may be sent.
WITHOUT_COOKIES = ("/calendar/",)

METHODS = ("GET", "POST")
# What a browser app sends beyond the CORS-safelisted headers: the JSON media type, a bearer
# token, the cookie session's CSRF token, the multipart spec's preflight header, our request ID.
HEADERS = (
    "Accept",
    "Authorization",
    "Content-Type",
    "X-CSRF-Token",
    "Apollo-Require-Preflight",
    REQUEST_ID_HEADER,
)
# What an app on another origin may read of an answer besides the safelisted headers.
EXPOSED = ("Retry-After", REQUEST_ID_HEADER, "Content-Disposition")
# How long a browser may keep a granted preflight, in seconds.
MAX_AGE = 600


class _Cors(CORSMiddleware):
    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        if answer.status_code == 200:
            return answer
        what = bytes(answer.body).decode().removeprefix("Disallowed CORS ")
        headers = {
            name: value
            for name, value in answer.headers.items()
            if name.lower().startswith("access-control-") or name.lower() == "vary"
        }
        return error_response(
            403,
            "ORIGIN_NOT_ALLOWED",
            f"This server does not allow the requested {what} from this origin; "
            "see EDIARY_ALLOWED_ORIGINS.",
            headers,
        )


class OriginPolicy:
    """ASGI middleware: CORS on the API routes for the allowed origins, as described above."""

    def __init__(self, app: ASGIApp, allowed_origins: Sequence[str]) -> None:
        self.app = app
        common = {
            "allow_origins": list(allowed_origins),
            "allow_methods": list(METHODS),
            "allow_headers": list(HEADERS),
            "expose_headers": list(EXPOSED),
            "max_age": MAX_AGE,
        }
        self.with_cookies = _Cors(app, allow_credentials=True, **common)  # type: ignore[arg-type]
        self.without_cookies = _Cors(app, allow_credentials=False, **common)  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if path == GRAPHQL or path.startswith(WITH_COOKIES):
                await self.with_cookies(scope, receive, send)
                return
            if path.startswith(WITHOUT_COOKIES):
                await self.without_cookies(scope, receive, send)
                return
        await self.app(scope, receive, send)
