"""The login routes: /moscow/login sends the browser to the provider, /moscow/callback
finishes the login and opens an ediary session (cookie). When the portal lists a child the
diary cannot find, the callback says so on a page of its own instead of redirecting. A login
started by `startPortalLink` comes back to the same callback, which then adds the portal to
the account of the session that started it instead of logging in."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ediary.adapters import (
    FlowNotOffered,
    LoginNotice,
    RegionFlows,
    bind_login_to_browser,
    local_return_path,
    notices_page,
    open_route_session,
    started_in_this_browser,
)
from ediary.adapters.http import app_settings, request_session
from ediary.adapters.lifecycle import Lifecycle
from ediary.config import Settings
from ediary.domain import tokens
from ediary.domain.errors import DomainError, TokenExpired, TokenUsed
from ediary.domain.models import User
from ediary_moscow import accounts, links
from ediary_moscow.errors import AlreadyLinked, LinkNotStarted, LoginFailed, SnilsMismatch
from ediary_moscow.links import PORTAL_FLOW_ID
from ediary_moscow.oidc import AuthRequest, Provider
from ediary_moscow.plugin import portal_flow
from ediary_moscow.settings import moscow_settings

PURPOSE = "moscow-login"
# How long the browser may stay at the provider before the login must start again.
LOGIN_LIFETIME = timedelta(minutes=10)
CHILD_NOT_FOUND = "MOSCOW_CHILD_NOT_FOUND"
# Binds a login to the browser that started it: a callback address handed to another
# browser (login CSRF, into the sender's account) finds no matching cookie there.
STATE_COOKIE = "ediary_moscow_state"
STATE_COOKIE_PATH = "/moscow/"
# In the stored login of a link: the session that started it and its account.
LINK_SESSION = "link_session"
LINK_USER = "link_user"
LINK_REFUSALS = (AlreadyLinked, SnilsMismatch)
# In the stored login: the path on this site the browser goes back to (`/moscow/login?next=`).
RETURN_PATH = "next"


def _redirect_uri(request: HTTPConnection) -> str:
    return f"{app_settings(request).public_url.rstrip('/')}/moscow/callback"


def _page(status: int, title: str, message: str, code: str = "") -> HTMLResponse:
    # The code is for scripts and tests; people read the message.
    body = (
        f"<!doctype html><title>{escape(title)}</title>"
        f"<h1 data-code='{escape(code)}'>{escape(title)}</h1>"
        f"<p>{escape(message)}</p><p><a href='/moscow/login'>Log in again</a></p>"
    )
    return HTMLResponse(body, status_code=status)


def offered(settings: Settings) -> FlowNotOffered | None:
    """The refusal when no region the portal serves offers it (EDIARY_REGION_FLOWS)."""
    try:
        RegionFlows.of(settings).ensure_in_regions(portal_flow(settings).regions, PORTAL_FLOW_ID)
    except FlowNotOffered as error:
        return error
    return None


async def _notices(user: User, children: list[str]) -> list[LoginNotice]:
    """What to tell the parent about the children the portal lists: those not linked now
    are not enrolled at a school of the diary under that SNILS."""
    linked = await User.filter(snils__in=children, guardians__parent_id=user.id).values_list(
        "snils", flat=True
    )
    missing = len(set(children) - {str(snils) for snils in linked})
    if not missing:
        return []
    which = "a child" if missing == 1 else f"{missing} children"
    return [
        LoginNotice(
            code=CHILD_NOT_FOUND,
            message=(
                f"The portal lists {which} we cannot find among the schools' students. File "
                "an application \u201cElectronic student diary\u201d for each child to have "
                "them linked."
            ),
        )
    ]


async def authorization_url(
    request: HTTPConnection,
    response: Response,
    link: dict[str, int] | None = None,
    return_path: str = "/",
) -> str:
    """The provider's authorization address for a new login, its state, nonce and PKCE
    verifier kept on the server (single use, any process) and the state bound to the
    browser by a cookie set on `response`. `link` names the session and account a link
    of the portal was started from: the callback then adds the portal to that account.
    `return_path`, a path on this site (`local_return_path`), is where the callback sends
    the browser once signed in; kept with the login on the server, so the provider's answer
    cannot change it."""
    settings = app_settings(request)
    auth_request = AuthRequest.new()
    url = await Provider(moscow_settings(settings)).authorize_url(
        auth_request, _redirect_uri(request)
    )
    await tokens.issue(
        PURPOSE,
        LOGIN_LIFETIME,
        secret=auth_request.state,
        payload={
            "nonce": auth_request.nonce,
            "verifier": auth_request.verifier,
            RETURN_PATH: return_path,
            **(link or {}),
        },
    )
    bind_login_to_browser(
        response,
        STATE_COOKIE,
        auth_request.state,
        path=STATE_COOKIE_PATH,
        lifetime=LOGIN_LIFETIME,
        settings=settings,
    )
    return url


async def start(request: Request) -> Response:
    settings = app_settings(request)
    config = moscow_settings(settings)
    if not config.configured:
        return _page(503, "Login unavailable", "The portal login is not configured here.")
    refused = offered(settings)
    if refused is not None:
        return _page(403, "Login unavailable", refused.message, refused.code)
    response = RedirectResponse("", status_code=302)
    # A page of this site (the web app at /app/) asks to come back to itself; anything that
    # is not a path here goes home instead.
    back = local_return_path(request.query_params.get(RETURN_PATH))
    try:
        response.headers["location"] = await authorization_url(request, response, return_path=back)
    except DomainError as error:
        return _page(503, "Login unavailable", error.message)
    return response


async def _linking_session(request: Request, stored: dict[str, object]) -> int:
    """The account a link is for: the session that started it must be the one this browser
    still holds; LinkNotStarted otherwise (logged out, or another account since)."""
    session = await request_session(request)
    if session is None or session.id != stored.get(LINK_SESSION):
        raise LinkNotStarted()
    if session.user_id != stored.get(LINK_USER):
        raise LinkNotStarted()
    return session.user_id


async def callback(request: Request) -> Response:
    settings = app_settings(request)
    config = moscow_settings(settings)
    params = request.query_params
    if params.get("error"):
        return _page(400, "Login cancelled", "The portal did not confirm the login. Start again.")
    state, code = params.get("state", ""), params.get("code", "")
    if not state or not code:
        return _page(400, "Login failed", "The portal's answer is incomplete. Start again.")
    refused = offered(settings)
    if refused is not None:
        return _page(403, "Login unavailable", refused.message, refused.code)
    if not started_in_this_browser(request, STATE_COOKIE, state):
        # Checked before the state is spent, so a forwarded address costs its owner nothing.
        return _page(
            400, "Login failed", "This login did not start in this browser. Start the login again."
        )
    try:
        # Spent before anything else, and committed: a state is good for one answer only.
        stored = await tokens.consume(PURPOSE, state)
    except (TokenUsed, TokenExpired):
        return _page(
            400,
            "Login failed",
            "This login link was already used or has expired. Start the login again.",
        )
    except DomainError:
        return _page(400, "Login failed", "This login did not start here. Start the login again.")
    auth_request = AuthRequest(state, stored.payload["nonce"], stored.payload["verifier"])
    linking: int | None = None
    if LINK_SESSION in stored.payload:
        try:
            # Before the provider is asked anything: an answer for no link costs nothing.
            linking = await _linking_session(request, stored.payload)
        except LinkNotStarted as error:
            return _page(400, "Portal not linked", error.message, error.code)
    provider = Provider(config)
    try:
        answer = await provider.exchange(code, auth_request, _redirect_uri(request))
        claims = await provider.id_claims(answer["id_token"], auth_request.nonce)
        person = await provider.person(answer["access_token"], str(claims["sub"]))
        merged = {**person, **claims}
        snils = accounts.person_snils(merged, config.profile.snils_claim)
        claim = config.profile.children_claim
        children = accounts.children_snils(merged[claim] or []) if claim in merged else None
        if linking is not None:
            await links.link_portal(linking, links.PortalPerson(str(claims["sub"]), snils))
            return _linked(settings)
        lifecycle = Lifecycle(request.app.state.plugins, settings)
        user = await accounts.sign_in(merged, snils, children, lifecycle)
    except LINK_REFUSALS as error:
        return _page(400, "Portal not linked", error.message, error.code)
    except LoginFailed as error:
        return _page(400, "Login failed", error.message)
    except DomainError as error:
        return _page(503, "Login unavailable", error.message)
    # Logins stored before return paths were kept go home.
    back = local_return_path(str(stored.payload.get(RETURN_PATH, "/")))
    home = f"{settings.public_url.rstrip('/')}{back}"
    notices = await _notices(user, children or [])
    response: Response = (
        notices_page(notices, home) if notices else RedirectResponse(home, status_code=303)
    )
    await open_route_session(request, response, user)
    response.delete_cookie(STATE_COOKIE, path=STATE_COOKIE_PATH)
    return response


def _linked(settings: Settings) -> Response:
    """Back to the site, still in the account the link was started from."""
    response = RedirectResponse(f"{settings.public_url.rstrip('/')}/", status_code=303)
    response.delete_cookie(STATE_COOKIE, path=STATE_COOKIE_PATH)
    return response


def routes() -> list[BaseRoute]:
    return [Route("/moscow/login", start), Route("/moscow/callback", callback)]
