"""The web app for families and teachers at `/app/`: ES modules served as they are written.

There is no build step, so `make run` on a fresh machine serves the app with Python alone.
The app talks only to the public API (`/graphql`, cookie session and CSRF header) and sends
only the operations of its manifest, `app/documents.json`, which the server registers as
trusted documents beside any the deployment names (`app_manifest`)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from ediary.adapters.manager import PluginManager

HERE = Path(__file__).resolve().parent
APP = HERE / "app"
APP_PATH = "/app"
MANIFEST = APP / "documents.json"

# Nothing inline and nothing from elsewhere: the app's own modules, styles and API only; its
# one worker is the service worker that keeps its files for opening offline (app/sw.js).
POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


def app_manifest() -> Path:
    """The app's trusted documents, registered whenever the app is served."""
    return MANIFEST


def app_manifests(plugins: PluginManager) -> tuple[Path, ...]:
    """The app's own documents, and those of its screens for a plugin's login flow
    (`documents.<plugin>.json`, such as the access code's), registered only when that plugin
    is loaded: they use the plugin's part of the schema, which a server without it lacks."""
    flows = sorted(APP.glob("documents.*.json"))
    return (MANIFEST, *(path for path in flows if plugins.has_plugin(path.name.split(".")[1])))


@cache
def _page() -> str:
    return (APP / "index.html").read_text(encoding="utf-8")


def app_page(request: Request) -> Response:
    """The app's one HTML page; the screens are drawn by its modules."""
    return HTMLResponse(
        _page(),
        headers={
            "Content-Security-Policy": POLICY,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            # Always asked again, so a deploy's new modules are picked up at once.
            "Cache-Control": "no-cache",
        },
    )


class _AppFiles(StaticFiles):
    """The app's modules and styles, revalidated on each load (they are not fingerprinted)."""

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if Path(full_path).name == "sw.js":
            # The service worker's scope is the app's, said outright (it is also its folder).
            response.headers["Service-Worker-Allowed"] = f"{APP_PATH}/"
        return response


def app_routes() -> list[BaseRoute]:
    """`/app/` (the page) and its files under `/app/`; `/app` redirects to `/app/`."""
    return [
        Route(f"{APP_PATH}/", app_page, methods=["GET", "HEAD"]),
        # Compressed for a phone on a slow connection: the modules and words are text that
        # shrinks to about a quarter; the service worker keeps them as the browser got them.
        Mount(
            APP_PATH, app=GZipMiddleware(_AppFiles(directory=APP), minimum_size=1024), name="app"
        ),
    ]
