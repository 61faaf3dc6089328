"""GraphiQL, the in-browser IDE, on `GET /graphql` with every file served by ediary itself.

The page and its scripts come from this package (`static/graphiql/`, refreshed by
`make assets` from pinned npm versions), so it works without internet access, and a
Content-Security-Policy keeps the browser from loading or sending anything elsewhere."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "static" / "graphiql"
ASSETS_PATH = "/static/graphiql"

# CodeMirror sets inline styles, and GraphiQL's fonts are data: URLs in its stylesheet.
# `connect-src 'self'` covers the page's own WebSocket for subscriptions.
POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


@cache
def _page() -> str:
    return (HERE / "graphiql.html").read_text(encoding="utf-8")


def graphiql_page(request: Request) -> Response:
    """The IDE's HTML; its asset paths are relative to `/graphql`."""
    return HTMLResponse(
        _page(),
        headers={
            "Content-Security-Policy": POLICY,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
        },
    )


def graphiql_routes() -> list[BaseRoute]:
    """The IDE's scripts and styles, under /static/graphiql/."""
    return [Mount(ASSETS_PATH, app=StaticFiles(directory=ASSETS), name="graphiql")]
