"""The login routes: /moscow/login sends the browser to the provider, /moscow/callback
finishes the login and opens an ediary session (cookie)."""

from __future__ import annotations

import hmac
from datetime import timedelta
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ediary.adapters.http import SESSION_COOKIE, app_settings
from ediary.adapters.lifecycle import Lifecycle
from ediary.domain import auth, tokens
from ediary.domain.errors import DomainError, TokenExpired, TokenUsed
from ediary_moscow import accounts
from ediary_moscow.errors import LoginFailed
from ediary_moscow.oidc import AuthRequest, Provider
from ediary_moscow.settings import moscow_settings

PURPOSE = "moscow-login"
# How long the browser may stay at the provider before the login must start again.
LOGIN_LIFETIME = timedelta(minutes=10)
CSRF_COOKIE = "ediary_csrf"
# Binds a login to the browser that started it: a callback address handed to another
# browser (login CSRF, into the sender's account) finds no matching cookie there.
STATE_COOKIE = "ediary_moscow_state"
STATE_COOKIE_PATH = "/moscow/"


def _redirect_uri(request: Request) -> str:
    return f"{app_settings(request).public_url.rstrip('/')}/moscow/callback"


def _page(status: int, title: str, message: str) -> HTMLResponse:
    body = (
        f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1>"
        f"<p>{escape(message)}</p><p><a href='/moscow/login'>Log in again</a></p>"
    )
    return HTMLResponse(body, status_code=status)


async def start(request: Request) -> Response:
    config = moscow_settings(app_settings(request))
    if not config.configured:
        return _page(503, "Login unavailable", "The portal login is not configured here.")
    auth_request = AuthRequest.new()
    try:
        url = await Provider(config).authorize_url(auth_request, _redirect_uri(request))
    except DomainError as error:
        return _page(503, "Login unavailable", error.message)
    # State, nonce and the PKCE verifier stay on the server (single use, any process).
    await tokens.issue(
        PURPOSE,
        LOGIN_LIFETIME,
        secret=auth_request.state,
        payload={"nonce": auth_request.nonce, "verifier": auth_request.verifier},
    )
    response = RedirectResponse(url, status_code=302)
    # Lax: the provider's redirect back is a top-level GET, which carries it.
    response.set_cookie(
        STATE_COOKIE,
        auth_request.state,
        max_age=int(LOGIN_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=app_settings(request).secure_cookies,
        path=STATE_COOKIE_PATH,
    )
    return response


def _started_here(request: Request, state: str) -> bool:
    sent = request.cookies.get(STATE_COOKIE, "")
    return bool(sent) and hmac.compare_digest(sent.encode(), state.encode())


async def callback(request: Request) -> Response:
    settings = app_settings(request)
    config = moscow_settings(settings)
    params = request.query_params
    if params.get("error"):
        return _page(400, "Login cancelled", "The portal did not confirm the login. Start again.")
    state, code = params.get("state", ""), params.get("code", "")
    if not state or not code:
        return _page(400, "Login failed", "The portal's answer is incomplete. Start again.")
    if not _started_here(request, state):
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
    provider = Provider(config)
    try:
        answer = await provider.exchange(code, auth_request, _redirect_uri(request))
        claims = await provider.id_claims(answer["id_token"], auth_request.nonce)
        person = await provider.person(answer["access_token"], str(claims["sub"]))
        merged = {**person, **claims}
        snils = accounts.person_snils(merged, config.profile.snils_claim)
        claim = config.profile.children_claim
        children = accounts.children_snils(merged[claim] or []) if claim in merged else None
        lifecycle = Lifecycle(request.app.state.plugins, settings)
        user = await accounts.sign_in(merged, snils, children, lifecycle)
    except LoginFailed as error:
        return _page(400, "Login failed", error.message)
    except DomainError as error:
        return _page(503, "Login unavailable", error.message)
    opened = await auth.open_session(user, auth.SessionKind.COOKIE, settings.session_lifetime)
    response = RedirectResponse(f"{settings.public_url.rstrip('/')}/", status_code=303)
    age = int(settings.session_lifetime.total_seconds())
    common = {"max_age": age, "samesite": "lax", "secure": settings.secure_cookies, "path": "/"}
    response.set_cookie(SESSION_COOKIE, opened.token, httponly=True, **common)  # type: ignore[arg-type]
    # The page echoes this in the X-CSRF-Token header of its GraphQL mutations.
    response.set_cookie(CSRF_COOKIE, opened.csrf_token, httponly=False, **common)  # type: ignore[arg-type]
    response.delete_cookie(STATE_COOKIE, path=STATE_COOKIE_PATH)
    return response


def routes() -> list[BaseRoute]:
    return [Route("/moscow/login", start), Route("/moscow/callback", callback)]
