"""The root Mutation type: login and logout for now."""

from __future__ import annotations

import datetime

import strawberry
from starlette.responses import Response

from ediary.adapters import http, sessions
from ediary.adapters.builtin.password import PASSWORD_FLOW
from ediary.adapters.limits import Sensitive
from ediary.adapters.sessions import ClientKind
from ediary.domain import auth
from ediary.domain.errors import DomainError, InvalidInput
from ediary.domain.region_flows import RegionFlows
from ediary.domain.session_end import EndReason, end_sessions
from ediary.domain.session_refresh import refresh_bearer, slide_cookie
from ediary.schema.calendar import CalendarMutation
from ediary.schema.errors import UserError, refusals, user_errors
from ediary.schema.info import Info
from ediary.schema.sessions import LoginPayload, open_login


@strawberry.input(description="A login and password.")
class LoginInput:
    login: str = strawberry.field(description="The login the school or the sign-up gave.")
    password: str = strawberry.field(
        description="The account's password; failures count towards the login limits."
    )
    client: ClientKind = strawberry.field(
        default=ClientKind.BROWSER,
        description=(
            "BROWSER sets an HttpOnly session cookie and returns a CSRF token to send back in "
            "the X-CSRF-Token header of mutations; APP returns a bearer token instead."
        ),
    )


@strawberry.type(description="The result of refreshSession.")
class RefreshSessionPayload:
    access_token: str | None = strawberry.field(
        description="For a bearer session: the new token; the one sent is revoked."
    )
    csrf_token: str | None = strawberry.field(
        description="For a cookie session: its CSRF token, unchanged."
    )
    expires_at: datetime.datetime | None = strawberry.field(
        description="When the session now ends."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was refreshed: SESSION_EXPIRED when the session is no longer "
        "live (log in again), UNAUTHENTICATED without one."
    )


@strawberry.type(description="The result of a logout.")
class LogoutPayload:
    ok: bool = strawberry.field(description="True when the session is closed.")
    user_errors: list[UserError] = strawberry.field(description="Why the logout failed.")


@strawberry.type
class Mutation(CalendarMutation):
    @strawberry.mutation(description="Log in with a login and password.", extensions=[Sensitive()])
    async def login(self, info: Info, input: LoginInput) -> LoginPayload | None:
        settings = info.context.settings
        try:
            sessions.check_login_origin(info.context.request, settings, input.client)
            user = await auth.authenticate(
                input.login,
                input.password,
                info.context.client_address,
                auth.LoginLimits.of(settings),
            )
            # Checked after the password, like the plugins' refusals below, so that neither
            # answer tells anything to someone without it.
            await RegionFlows.of(settings).ensure_for_account(user.id, PASSWORD_FLOW.id)
            # A region that moved families to a portal login closes password login for them.
            await http.ensure_password_login_allowed(info.context.plugins, user, settings)
        except DomainError as error:
            return LoginPayload.refused(error)
        # A password the school issued opens a session that must change it first.
        return await open_login(
            info,
            user,
            input.client,
            must_change_password=user.temporary_password_at is not None,
        )

    @strawberry.mutation(
        description="Keep the session going without the password, while it is still live. "
        "A bearer token (APP) is exchanged for a new one with a new expiry; the old one is "
        "revoked at once, and WebSockets opened with it close (4401). A cookie session "
        "(BROWSER, with X-CSRF-Token) gets a new expiry and its cookie is set again. Over HTTP "
        "only; once per document.",
        extensions=[Sensitive()],
    )
    async def refresh_session(self, info: Info) -> RefreshSessionPayload | None:
        settings = info.context.settings
        try:
            await info.context.require_writer()
            session = info.context.session
            if session is None or not isinstance(info.context.response, Response):
                raise InvalidInput("Refresh a session over HTTP.")
            now = info.context.now()
            if session.kind == auth.SessionKind.BEARER:
                opened, ended = await refresh_bearer(session, settings.session_lifetime, now)
                # Published so that every process closes the old token's open WebSockets.
                await info.context.committed(ended)
                return RefreshSessionPayload(
                    access_token=opened.token,
                    csrf_token=None,
                    expires_at=opened.expires_at,
                    user_errors=[],
                )
            expires_at = await slide_cookie(session, settings.session_lifetime, now)
        except DomainError as error:
            return RefreshSessionPayload(
                access_token=None,
                csrf_token=None,
                expires_at=None,
                user_errors=user_errors(error),
            )
        found = info.context.credentials()
        assert found is not None  # a cookie session came with its cookie
        sessions.set_session_cookie(info.context.response, found[0], settings)
        return RefreshSessionPayload(
            access_token=None,
            csrf_token=session.csrf_token,
            expires_at=expires_at,
            user_errors=[],
        )

    @strawberry.mutation(description="End the current session.")
    @refusals
    async def logout(self, info: Info) -> LogoutPayload | None:
        await info.context.require_writer(before_password_change=True)
        found = info.context.credentials()
        if found is not None:
            # Published so that every process closes this session's open WebSockets.
            await info.context.committed(await end_sessions(EndReason.LOGOUT, token=found[0]))
        response = info.context.response
        if isinstance(response, Response):
            sessions.clear_session_cookie(response)
        return LogoutPayload(ok=True, user_errors=[])
