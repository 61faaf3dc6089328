"""Opening an ediary session from a login flow: the password form, an access code, a
regional portal's callback.

A browser gets an HttpOnly session cookie and a CSRF token to send back as X-CSRF-Token; an
app gets a bearer token. A GraphQL login mutation answers with `LoginPayload`
(`open_login`); an HTTP route, such as an identity provider's callback, sets the cookies on
its own response (`open_route_session`). Either way the session itself is the domain's
(`ediary.domain.auth.open_session`): this module only decides how it travels.

    @strawberry.mutation(description="Log in with a portal code.", extensions=[Sensitive()])
    async def log_in_with_code(self, info: Info, input: CodeLoginInput) -> LoginPayload | None:
        try:
            check_login_origin(info.context.request, info.context.settings, input.client)
            user = await redeem_portal_code(input.code)
        except DomainError as error:
            return LoginPayload.refused(error)
        return await open_login(info, user, input.client)
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from enum import Enum
from typing import Self

import strawberry
from starlette.requests import HTTPConnection
from starlette.responses import Response

from ediary.adapters.http import SESSION_COOKIE, app_settings, trusted_origin
from ediary.config import Settings
from ediary.domain import auth
from ediary.domain.access import load_viewer
from ediary.domain.errors import CrossSiteRequest, DomainError
from ediary.domain.models import User
from ediary.schema.errors import UserError
from ediary.schema.info import Info
from ediary.schema.types.people import Viewer

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


@strawberry.type(description="The result of a login.")
class LoginPayload:
    viewer: Viewer | None = strawberry.field(description="Who is now logged in.")
    access_token: str | None = strawberry.field(
        description="Bearer token for APP clients, for the Authorization header."
    )
    csrf_token: str | None = strawberry.field(
        description="For BROWSER clients: send it as X-CSRF-Token with every mutation."
    )
    expires_at: datetime.datetime | None = strawberry.field(description="When the session ends.")
    notices: list[LoginNotice] = strawberry.field(
        default_factory=list,
        description="What the login flow has to tell the person, such as a child the "
        "region's portal lists but the diary cannot find; empty for most logins.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why the login failed."
    )

    @classmethod
    def refused(cls, error: DomainError) -> Self:
        """The answer to a refused login: no session, the error's code and message."""
        return cls(
            viewer=None,
            access_token=None,
            csrf_token=None,
            expires_at=None,
            user_errors=[UserError.from_domain(error)],
        )


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


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


async def open_login(
    info: Info,
    user: User,
    client: ClientKind = ClientKind.BROWSER,
    notices: Sequence[LoginNotice] = (),
) -> LoginPayload:
    """Open a session for `user` from a GraphQL login mutation and answer with its payload:
    a browser gets the cookie (on the mutation's response) and a CSRF token, an app a bearer
    token. The flow has checked who the person is; a browser login from another site's page
    is refused here too, with the payload's CROSS_SITE_REQUEST."""
    settings = info.context.settings
    try:
        check_login_origin(info.context.request, settings, client)
    except DomainError as error:
        return LoginPayload.refused(error)
    kind = session_kind(client)
    opened = await auth.open_session(user, kind, settings.session_lifetime)
    response = info.context.response
    if kind == auth.SessionKind.COOKIE and isinstance(response, Response):
        set_session_cookie(response, opened.token, settings)
    return LoginPayload(
        viewer=Viewer.from_domain(await load_viewer(user), opened.csrf_token or None),
        access_token=opened.token if kind == auth.SessionKind.BEARER else None,
        csrf_token=opened.csrf_token or None,
        expires_at=opened.expires_at,
        notices=list(notices),
        user_errors=[],
    )


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
    return opened
