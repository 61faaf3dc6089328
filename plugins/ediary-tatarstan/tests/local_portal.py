"""A local stand-in for the portal edu.tatar.ru, run by uvicorn in its own process for the
tests: the login page, the token endpoint (client secret and PKCE verifier checked, codes
single-use) and the person endpoint behind the bearer token.

People are put in with `PUT /_test/people/{login}` (the person endpoint's JSON). Two more
trees stand for a portal in trouble: everything under `/broken/` answers a maintenance page
with status 200, everything under `/slow/` answers after two seconds.

Its settings come from the environment: LOCAL_PORTAL_CLIENT_ID, LOCAL_PORTAL_CLIENT_SECRET.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import os
import secrets
import time
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route

CLIENT_ID = os.environ.get("LOCAL_PORTAL_CLIENT_ID", "ediary")
CLIENT_SECRET = os.environ.get("LOCAL_PORTAL_CLIENT_SECRET", "secret")
CODE_SECONDS = 60


@dataclass(frozen=True)
class Grant:
    login: str
    redirect_uri: str
    challenge: str
    issued: float


people: dict[str, dict[str, Any]] = {}
grants: dict[str, Grant] = {}
tokens: dict[str, str] = {}


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def authorize_problem(params: Any) -> str | None:
    """Why an authorization request is refused outright (never redirected back: the
    redirect address is not trusted until the client is)."""
    if params.get("client_id") != CLIENT_ID:
        return "unknown client"
    if params.get("response_type") != "code":
        return "response_type must be code"
    if not params.get("redirect_uri"):
        return "redirect_uri is missing"
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        return "PKCE with S256 is required"
    return None


def page(message: str = "") -> HTMLResponse:
    notice = f"<p>{html.escape(message)}</p>" if message else ""
    return HTMLResponse(
        "<!doctype html><title>Электронное образование в Республике Татарстан</title>"
        f"{notice}<form method=post><input name=login><button>Войти</button>"
        "<button name=decline value=1>Отказаться</button></form>"
    )


async def authorize(request: Request) -> HTMLResponse | RedirectResponse:
    params = request.query_params
    problem = authorize_problem(params)
    if problem:
        return HTMLResponse(html.escape(problem), status_code=400)
    if request.method == "GET":
        return page()
    form = await request.form()
    back: dict[str, str] = {"state": params.get("state", "")}
    if form.get("decline"):
        back["error"] = "access_denied"
    else:
        login = str(form.get("login", ""))
        if login not in people:
            return page("Неверный логин")
        code = secrets.token_urlsafe(24)
        grants[code] = Grant(
            login, params["redirect_uri"], params["code_challenge"], time.monotonic()
        )
        back["code"] = code
    return RedirectResponse(f"{params['redirect_uri']}?{urlencode(back)}", status_code=302)


def token_error(error: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status)


async def token(request: Request) -> JSONResponse:
    form = await request.form()
    if form.get("client_id") != CLIENT_ID or not secrets.compare_digest(
        str(form.get("client_secret", "")).encode(), CLIENT_SECRET.encode()
    ):
        return token_error("invalid_client", 401)
    if form.get("grant_type") != "authorization_code":
        return token_error("unsupported_grant_type")
    # Spent whatever happens next: a code is good for one try.
    grant = grants.pop(str(form.get("code", "")), None)
    if (
        grant is None
        or time.monotonic() - grant.issued > CODE_SECONDS
        or form.get("redirect_uri") != grant.redirect_uri
        or not secrets.compare_digest(
            s256(str(form.get("code_verifier", ""))).encode(), grant.challenge.encode()
        )
    ):
        return token_error("invalid_grant")
    access = secrets.token_urlsafe(32)
    tokens[access] = grant.login
    return JSONResponse({"access_token": access, "token_type": "Bearer", "expires_in": 600})


async def person(request: Request) -> JSONResponse:
    scheme, _, access = request.headers.get("authorization", "").partition(" ")
    login = tokens.get(access) if scheme.lower() == "bearer" else None
    if login is None:
        return JSONResponse({"error": "invalid_token"}, status_code=401)
    return JSONResponse(people[login])


async def put_person(request: Request) -> PlainTextResponse:
    people[request.path_params["login"]] = await request.json()
    return PlainTextResponse("stored")


async def broken(request: Request) -> HTMLResponse:
    return HTMLResponse("<html><body>Ведутся технические работы</body></html>")


async def slow(request: Request) -> PlainTextResponse:
    await asyncio.sleep(2)
    return PlainTextResponse("late")


async def health(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


app = Starlette(
    routes=[
        Route("/health", health),
        Route("/oauth/authorize", authorize, methods=["GET", "POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/api/v1/person", person),
        Route("/_test/people/{login}", put_person, methods=["PUT"]),
        Route("/broken/{rest:path}", broken, methods=["GET", "POST"]),
        Route("/slow/{rest:path}", slow, methods=["GET", "POST"]),
    ]
)
