"""Opening an ediary session from a login flow, over HTTP: the password form, an access
code, a regional portal's callback.

A browser gets an HttpOnly session cookie and a CSRF token to send back as X-CSRF-Token; an
app gets a bearer token. An HTTP route, such as an identity provider's callback, sets the
cookies on its own response (`open_route_session`); a GraphQL login mutation answers with
`ediary.schema.sessions.LoginPayload` through `ediary.schema.sessions.open_login`, which
builds on this module. Either way the session itself is the domain's
(`ediary.domain.auth.open_session`): this module decides how it travels.
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from enum import Enum
from html import escape

import strawberry
from starlette.requests import HTTPConnection
from starlette.responses import HTMLResponse, Response

from ediary.adapters.http import SESSION_COOKIE, app_settings, trusted_origin
from ediary.config import Settings
from ediary.domain import auth
from ediary.domain.errors import CrossSiteRequest
from ediary.domain.models import User

# Readable by the page's scripts (not HttpOnly), which echo it as X-CSRF-Token: how a page
# that an HTTP route redirected to learns the token a GraphQL login would have returned.
CSRF_COOKIE = "ediary_csrf"


@strawberry.enum(description="What kind of client logs in, which decides how the session travels.")
class ClientKind(Enum):
    BROWSER = "browser"
    APP = "app"


@strawberry.type(description="Something the person should know after logging in.")
class LoginNotice:
    code: str = strawberry.field(
        description="Stable and machine-readable, such as MOSCOW_CHILD_NOT_FOUND."
    )
    message: str = strawberry.field(description="What to tell the person, and what to do.")


def session_kind(client: ClientKind) -> str:
    return auth.SessionKind.BEARER if client is ClientKind.APP else auth.SessionKind.COOKIE


def check_login_origin(request: HTTPConnection, settings: Settings, client: ClientKind) -> None:
    """CrossSiteRequest when a browser login comes from another site's page. Call it before
    the flow checks anything (a password, a code), so a cross-site page learns nothing."""
    if client is ClientKind.BROWSER and not trusted_origin(request, settings):
        # A cross-site page must not log the victim's browser into another account (login
        # CSRF): the cookie would make the victim write into that account. Apps on allowed
        # origins are trusted like our own pages.
        raise CrossSiteRequest()


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure as the settings say, for the
    session's whole lifetime."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def set_browser_cookies(response: Response, opened: auth.OpenedSession, settings: Settings) -> None:
    """The session cookie and the CSRF cookie of a browser session. The CSRF cookie is
    readable by our pages, which echo it as X-CSRF-Token; it is set at every browser login,
    so that a login over an older session never leaves that session's token behind."""
    set_session_cookie(response, opened.token, settings)
    response.set_cookie(
        CSRF_COOKIE,
        opened.csrf_token,
        max_age=int(settings.session_lifetime.total_seconds()),
        httponly=False,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


async def open_route_session(
    request: HTTPConnection,
    response: Response | None,
    user: User,
    client: ClientKind = ClientKind.BROWSER,
) -> auth.OpenedSession:
    """Open a session for `user` from an HTTP route, such as an identity provider's
    callback. For a browser the session cookie and the CSRF cookie (`ediary_csrf`, which
    the page echoes as X-CSRF-Token) are set on `response`; for an app (`response` may be
    None) the route hands the answer's `token` to the app. The route must itself bind the
    login to the browser that started it (a state cookie, as OpenID Connect's `state`): a
    provider's redirect back is a cross-site navigation by design."""
    if client is ClientKind.BROWSER and response is None:
        raise ValueError("a browser session needs the response that carries its cookies")
    settings = app_settings(request)
    opened = await auth.open_session(user, session_kind(client), settings.session_lifetime)
    if response is not None and client is ClientKind.BROWSER:
        set_browser_cookies(response, opened, settings)
    return opened


def bind_login_to_browser(
    response: Response,
    cookie: str,
    state: str,
    *,
    path: str,
    lifetime: timedelta,
    settings: Settings,
) -> None:
    """Tie a redirect login's `state` to the browser that starts it, with an HttpOnly cookie
    on `path` (the callback's). Lax: the provider's redirect back is a top-level GET, which
    carries it; a callback address forwarded to another browser (login CSRF, into the
    sender's account) finds no match there (`started_in_this_browser`)."""
    response.set_cookie(
        cookie,
        state,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path=path,
    )


def started_in_this_browser(request: HTTPConnection, cookie: str, state: str) -> bool:
    """Whether the callback's `state` is the one this browser started with; check it before
    spending the state, so a forwarded address costs its owner nothing."""
    sent = request.cookies.get(cookie, "")
    return bool(sent and state) and hmac.compare_digest(sent.encode(), state.encode())


# Longer than any page of the site needs; a return address is not a place to carry data.
RETURN_PATH_MAX = 512


def local_return_path(value: str | None, default: str = "/") -> str:
    """Where a redirect login (a portal's) sends the browser back to: `value` when it is a
    path on this site, else `default`. Only a path starting with one `/` is taken: `//host`,
    `/\\host` (which browsers read as `//host`), a scheme, spaces or control characters would
    let a crafted login link send a freshly signed-in browser to another site (an open
    redirect), so they fall back to `default`."""
    if not value or len(value) > RETURN_PATH_MAX or not value.startswith("/"):
        return default
    if value.startswith("//") or "\\" in value:
        return default
    if any(ord(character) <= 0x20 or ord(character) == 0x7F for character in value):
        return default
    return value


def notices_page(notices: list[LoginNotice], home: str) -> HTMLResponse:
    """The page a route's login lands on when its flow has something to tell the person,
    instead of the redirect home; each notice keeps its code in `data-code`."""
    items = "".join(
        f"<li data-code='{escape(notice.code)}'>{escape(notice.message)}</li>" for notice in notices
    )
    body = (
        "<!doctype html><title>Logged in</title><h1>Logged in</h1>"
        f"<ul>{items}</ul><p><a href='{escape(home)}'>Open the diary</a></p>"
    )
    return HTMLResponse(body, headers={"Cache-Control": "no-store"})
