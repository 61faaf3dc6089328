"""Opening an ediary session from a GraphQL login mutation: the payload every login answers
with, and the one call that opens the session and fills it.

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
from typing import Self

import strawberry
from starlette.responses import Response

from ediary.adapters.http import parent_lookback
from ediary.adapters.sessions import (
    ClientKind,
    LoginNotice,
    check_login_origin,
    session_kind,
    set_browser_cookies,
)
from ediary.domain import auth
from ediary.domain.access import Viewer as DomainViewer
from ediary.domain.access import load_viewer
from ediary.domain.errors import DomainError
from ediary.domain.models import User
from ediary.schema.errors import UserError, user_errors
from ediary.schema.info import Info
from ediary.schema.types.people import Viewer

__all__ = ["LoginPayload", "open_login"]


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
    must_change_password: bool = strawberry.field(
        default=False,
        description="True when the password typed was a temporary one the school issued: "
        "the session may do nothing but changePassword (and viewer, logout) until then.",
    )
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
            user_errors=user_errors(error),
        )


async def open_login(
    info: Info,
    user: User,
    client: ClientKind = ClientKind.BROWSER,
    notices: Sequence[LoginNotice] = (),
    *,
    must_change_password: bool = False,
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
    opened = await auth.open_session(
        user, kind, settings.session_lifetime, must_change_password=must_change_password
    )
    # A session bound to change its password reaches nothing yet: its viewer has no ties.
    domain_viewer = (
        DomainViewer(user_id=user.id, login=user.login, full_name=user.full_name)
        if must_change_password
        else await load_viewer(
            user,
            parent_lookback(info.context.plugins, info.context.settings),
            info.context.today(),
        )
    )
    response = info.context.response
    if kind == auth.SessionKind.COOKIE and isinstance(response, Response):
        set_browser_cookies(response, opened, settings)
    return LoginPayload(
        viewer=Viewer.from_domain(
            domain_viewer, opened.csrf_token or None, must_change_password=must_change_password
        ),
        access_token=opened.token if kind == auth.SessionKind.BEARER else None,
        csrf_token=opened.csrf_token or None,
        expires_at=opened.expires_at,
        must_change_password=must_change_password,
        notices=list(notices),
        user_errors=[],
    )
