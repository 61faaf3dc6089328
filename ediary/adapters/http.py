"""Helpers for plugins' HTTP routes: who is asking, from where, and the app's services."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from urllib.parse import urlsplit

import pluggy
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from ediary.adapters.notify import Notifier
from ediary.config import Settings
from ediary.domain import auth
from ediary.domain.access import ANONYMOUS, ParentLookback, Viewer, viewer_of
from ediary.domain.errors import PasswordLoginClosed, SessionExpired, Unauthenticated
from ediary.domain.grading import RegionPolicy
from ediary.domain.models import User
from ediary.events.broker import Change

__all__ = [
    "SESSION_COOKIE",
    "announce",
    "app_notifier",
    "app_settings",
    "client_address",
    "error_response",
    "request_session",
    "request_viewer",
    "trusted_origin",
]

SESSION_COOKIE = "ediary_session"
# ASGI scope key: the session the response cache (or an upload's check) already resolved
# for this request, as (token, auth.ResolvedSession), so that the view does not look it up
# a second time.
RESOLVED_SESSION = "ediary.resolved_session"
# ASGI scope key: how many rows of tables the data version leaves out (the query budget) the
# request wrote, so that the response cache can tell them from other writes on SQLite.
UNCOUNTED_WRITES = "ediary.uncounted_writes"
# ASGI scope key: the data version a replica had before the request read on it. The response
# cache keeps such an answer only if that version is not older than the one it read on the
# primary at the start (the replica may be behind it).
READ_ON_REPLICA = "ediary.read_on_replica"


def credentials(request: HTTPConnection) -> tuple[str, str] | None:
    """The session token and how it came (cookie or bearer), if the request has one."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), auth.SessionKind.BEARER
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return cookie, auth.SessionKind.COOKIE
    return None


async def require_session(request: HTTPConnection) -> auth.ResolvedSession:
    """The live session of a request with its account's ties, kept in its scope
    (RESOLVED_SESSION) so that the view does not look them up again; Unauthenticated without
    credentials, SessionExpired for bad ones. For work that only a logged-in user may cause
    at all."""
    found = credentials(request)
    if found is None:
        raise Unauthenticated()
    token, kind = found
    resolved = await auth.resolve_session(token)
    if resolved.session.kind != kind:
        raise SessionExpired()
    request.scope[RESOLVED_SESSION] = (token, resolved)
    return resolved


async def request_session(request: HTTPConnection) -> auth.LiveSession | None:
    """The live session a request carries (session cookie or bearer token), or None: without
    one, or with one that has ended. For a route that must know which session, not only which
    viewer, such as a callback finishing what a session started."""
    if credentials(request) is None:
        return None
    try:
        return (await require_session(request)).session
    except SessionExpired:
        return None


async def request_viewer(request: HTTPConnection) -> Viewer:
    """The viewer of a request, anonymous without credentials; SessionExpired for bad ones."""
    if credentials(request) is None:
        return ANONYMOUS
    resolved = await require_session(request)
    return session_viewer(resolved, request.app.state.plugins, request.app.state.settings)


def session_viewer(
    resolved: auth.ResolvedSession, plugins: pluggy.PluginManager, settings: Settings
) -> Viewer:
    """The viewer a resolved session makes, with the plugins' region policy and the schools'
    today. A session opened with a temporary password reaches nothing: its viewer is the
    account alone, without roles or ties, until the password is changed."""
    if resolved.session.must_change_password:
        ties = resolved.ties
        return Viewer(user_id=ties.user_id, login=ties.login, full_name=ties.full_name)
    return viewer_of(resolved.ties, parent_lookback(plugins, settings), settings.school_today())


def parent_lookback(plugins: pluggy.PluginManager, settings: Settings) -> ParentLookback:
    """How far back parents may look in a region, by the plugins' region policy."""

    def lookback(region_code: str | None) -> int | None:
        policy: RegionPolicy = plugins.hook.region_policy(
            region_code=region_code or "", settings=settings
        )
        return policy.parent_lookback_days

    return lookback


async def ensure_password_login_allowed(
    plugins: pluggy.PluginManager, user: User, settings: Settings
) -> None:
    """Raise PasswordLoginClosed when a plugin refuses password login for this account."""
    for answer in plugins.hook.password_login_refusal(user=user, settings=settings):
        message = await answer if inspect.isawaitable(answer) else answer
        if message:
            raise PasswordLoginClosed(message)


def client_address(request: HTTPConnection) -> str:
    """The client's IP address. Behind a proxy, run uvicorn with --proxy-headers and
    --forwarded-allow-ips so this is the client's and not the proxy's."""
    return request.client.host if request.client else "unknown"


def same_origin(request: HTTPConnection) -> bool:
    """Whether a browser sent the request from this site's own pages: its Origin, when it
    sends one, names our host. Without an Origin it is not a browser's cross-site request
    (browsers send one with every cross-site POST and WebSocket), so nothing ambient is
    abused."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The one shape of an error on every route beside GraphQL: `{"code", "message"}` with
    the status, never stored by caches. Plugins' routes answer their errors with it too."""
    return JSONResponse(
        {"code": code, "message": message},
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def trusted_origin(request: HTTPConnection, settings: Settings) -> bool:
    """Whether a browser sent the request from our own pages or from an app on an origin
    listed in `EDIARY_ALLOWED_ORIGINS`. Listed origins are trusted like our own pages: they may
    use a cookie session (log in with it, read its CSRF token, open WebSockets with it)."""
    if same_origin(request):
        return True
    return request.headers.get("origin", "").lower() in settings.allowed_origins


def app_settings(request: HTTPConnection) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def app_notifier(request: HTTPConnection) -> Notifier:
    notifier: Notifier = request.app.state.notifier
    return notifier


async def announce(request: HTTPConnection, changes: Sequence[Change]) -> None:
    """Publish committed changes (a diary change, sessions that ended) to every process."""
    await request.app.state.runtime.broker.publish(changes)
