"""The portal login's routes: /tatarstan/login sends the browser to edu.tatar.ru, and
/tatarstan/callback finishes the login there and opens the diary session. The state and the
PKCE verifier stay on the server as a single-use token, and a cookie binds the login to the
browser that started it."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ediary.adapters import (
    FlowNotOffered,
    LoginFlow,
    RegionFlows,
    bind_login_to_browser,
    local_return_path,
    notices_page,
    open_route_session,
    started_in_this_browser,
)
from ediary.adapters.http import app_settings
from ediary.config import Settings
from ediary.domain import tokens
from ediary.domain.errors import DomainError
from ediary_tatarstan import accounts
from ediary_tatarstan.portal import LoginRequest, Portal
from ediary_tatarstan.settings import TatarstanSettings

FLOW_ID = "tatarstan-portal"
START = "/tatarstan/login"
CALLBACK = "/tatarstan/callback"
PURPOSE = "tatarstan-login"
# How long the browser may stay on the portal before the login must start again.
LOGIN_LIFETIME = timedelta(minutes=10)
STATE_COOKIE = "ediary_tatarstan_state"
# In the stored login: the path on this site to come back to (`/tatarstan/login?next=`).
RETURN_PATH = "next"


def _page(status: int, title: str, message: str, code: str) -> HTMLResponse:
    # The code is for scripts and tests; people read the message.
    body = (
        f"<!doctype html><title>{escape(title)}</title>"
        f"<h1 data-code='{escape(code)}'>{escape(title)}</h1><p>{escape(message)}</p>"
        f"<p><a href='{START}'>Log in again</a></p>"
    )
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _refused(error: DomainError, status: int = 400) -> HTMLResponse:
    return _page(status, "Login failed", error.message, error.code)


def _portal(settings: Settings) -> tuple[TatarstanSettings, FlowNotOffered | None]:
    ours = TatarstanSettings.from_env(settings.extra)
    try:
        RegionFlows.of(settings).ensure_in_regions((ours.region,), FLOW_ID)
    except FlowNotOffered as error:
        return ours, error
    return ours, None


async def start(request: Request) -> Response:
    settings = app_settings(request)
    ours, refused = _portal(settings)
    if refused is not None:
        return _refused(refused, 403)
    if not ours.configured:
        return _page(503, "Login unavailable", "The portal login is not set up here.", "")
    login = LoginRequest.new(f"{settings.public_url.rstrip('/')}{CALLBACK}")
    # Kept with the login on the server, so the portal's answer cannot change it.
    back = local_return_path(request.query_params.get(RETURN_PATH))
    await tokens.issue(
        PURPOSE,
        LOGIN_LIFETIME,
        secret=login.state,
        payload={"verifier": login.verifier, RETURN_PATH: back},
    )
    response = RedirectResponse(Portal(ours).authorize_url(login), status_code=302)
    bind_login_to_browser(
        response,
        STATE_COOKIE,
        login.state,
        path=CALLBACK,
        lifetime=LOGIN_LIFETIME,
        settings=settings,
    )
    return response


async def callback(request: Request) -> Response:
    settings = app_settings(request)
    ours, refused = _portal(settings)
    if refused is not None:
        return _refused(refused, 403)
    query = dict(request.query_params)
    state = query.get("state", "")
    if not started_in_this_browser(request, STATE_COOKIE, state):
        return _page(
            400,
            "Login failed",
            "This login did not start in this browser. Start the login again.",
            "PORTAL_LOGIN_FAILED",
        )
    try:
        stored = await tokens.consume(PURPOSE, state)
        login = LoginRequest(
            state, str(stored.payload["verifier"]), f"{settings.public_url.rstrip('/')}{CALLBACK}"
        )
        person = await Portal(ours).finish(login, query)
        user, notices = await accounts.sign_in(person, ours.region, settings.school_today())
    except DomainError as error:
        return _refused(error)
    back = local_return_path(str(stored.payload.get(RETURN_PATH, "/")))
    home = f"{settings.public_url.rstrip('/')}{back}"
    response: Response = (
        notices_page(notices, home) if notices else RedirectResponse(home, status_code=303)
    )
    await open_route_session(request, response, user)
    response.delete_cookie(STATE_COOKIE, path=CALLBACK)
    return response


def portal_flows(settings: Settings) -> list[LoginFlow]:
    """The portal login in the plugin's region, once a client is registered at the portal."""
    ours = TatarstanSettings.from_env(settings.extra)
    if not ours.configured:
        return []
    return [
        LoginFlow(
            id=FLOW_ID,
            title="Log in through edu.tatar.ru",
            regions=(ours.region,),
            steps=("You will be sent to the portal edu.tatar.ru and back.",),
            url=f"{settings.public_url.rstrip('/')}{START}",
        )
    ]


def routes() -> list[BaseRoute]:
    return [Route(START, start), Route(CALLBACK, callback)]
