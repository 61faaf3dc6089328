"""HTTP routes: the codes of a batch as CSV and as a printable page, and the pages the
e-mailed links open (confirm an account, confirm an address, reset a password).

A link only shows a page with a button or a form; the change happens on POST. Mail scanners
that open every link in a message therefore cannot spend a token.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Sequence
from html import escape
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from ediary.adapters.http import (
    announce,
    app_notifier,
    app_settings,
    client_address,
    request_viewer,
)
from ediary.domain import tokens
from ediary.domain.errors import DomainError, NotFound, SessionExpired, Unauthenticated
from ediary.domain.session_end import SessionsEnded
from ediary_dnevnik import accounts, issuing, recovery
from ediary_dnevnik.codes import display
from ediary_dnevnik.flow import Env
from ediary_dnevnik.models import CodeRole

ROLE_NAMES = {CodeRole.PARENT: "parent", CodeRole.STUDENT: "student"}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }}
.slip {{ border: 1px dashed #555; padding: 1rem; margin: 0 0 1rem; break-inside: avoid; }}
.code {{ font: bold 1.6rem monospace; letter-spacing: .1rem; }}
.error {{ color: #a00; }}
@media print {{ .noprint {{ display: none; }} }}
</style></head><body>
{body}
</body></html>
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=escape(title), body=body), status_code=status)


async def _form(request: Request) -> dict[str, str]:
    # The pages post plain url-encoded forms; reading them needs no multipart parser.
    body = (await request.body()).decode("utf-8", errors="replace")
    return {key: values[0] for key, values in parse_qs(body).items()}


def _env(request: Request) -> Env:
    async def publish(facts: Sequence[SessionsEnded]) -> None:
        await announce(request, facts)

    return Env(app_settings(request), app_notifier(request), client_address(request), publish)


async def _batch(request: Request) -> issuing.Batch | Response:
    try:
        viewer = await request_viewer(request)
        if not viewer.is_authenticated:
            raise Unauthenticated()
        return await issuing.load_batch(
            viewer, app_settings(request).secret_key, request.path_params["batch_id"]
        )
    except (Unauthenticated, SessionExpired) as error:
        return Response(error.message, status_code=401, media_type="text/plain")
    except DomainError:
        # Forbidden and missing batches look alike, as everywhere in the API.
        return Response(NotFound.default_message, status_code=404, media_type="text/plain")


def _cell(value: str) -> str:
    # A cell starting with = + - @ is a formula to spreadsheet programs: keep it text.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


async def batch_csv(request: Request) -> Response:
    batch = await _batch(request)
    if isinstance(batch, Response):
        return batch
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["class", "student", "role", "code", "expires", "used"])
    for code in batch.codes:
        writer.writerow(
            [
                _cell(batch.class_name),
                _cell(code.student_name),
                ROLE_NAMES[code.role],
                display(code.code) if code.code else "",
                code.expires_at.date().isoformat(),
                "yes" if code.used else "no",
            ]
        )
    filename = f"access-codes-{batch.class_name}-{batch.id}.csv"
    return Response(
        # A byte-order mark, so spreadsheet programs read the Cyrillic names as UTF-8.
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


async def batch_print(request: Request) -> Response:
    batch = await _batch(request)
    if isinstance(batch, Response):
        return batch
    site = escape(app_settings(request).public_url)
    slips = []
    for code in batch.codes:
        if code.used or code.code is None:
            continue
        who = "for a parent of" if code.role is CodeRole.PARENT else "for the student"
        slips.append(
            f'<div class="slip"><p>School diary access code {who} '
            f"<strong>{escape(code.student_name)}</strong>, class {escape(batch.class_name)}"
            f'</p><p class="code">{escape(display(code.code))}</p>'
            f"<p>Open {site}, choose “I have an access code”, enter the code, your full name, "
            "your e-mail as the login and a password, then follow the link we e-mail you. "
            f"The code works once, until {code.expires_at.date().isoformat()}.</p></div>"
        )
    body = (
        f'<p class="noprint"><button onclick="window.print()">Print</button> '
        f"{len(slips)} unused codes of class {escape(batch.class_name)}.</p>" + "".join(slips)
    )
    response = _page(f"Access codes, class {batch.class_name}", body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _confirm_page(title: str, text: str, button: str, token: str) -> HTMLResponse:
    return _page(
        title,
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p>"
        f'<form method="post"><input type="hidden" name="token" value="{escape(token)}">'
        f"<button>{escape(button)}</button></form>",
    )


def _error_page(title: str, error: DomainError) -> HTMLResponse:
    return _page(
        title,
        f'<h1>{escape(title)}</h1><p class="error" data-code="{escape(error.code)}">'
        f"{escape(error.message)}</p>",
        status=400,
    )


def _link_route(
    title: str,
    text: str,
    button: str,
    done: str,
    purpose: str,
    action: Callable[[Env, str], Awaitable[object]],
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        if request.method == "GET":
            token = request.query_params.get("token", "")
            try:
                # Say at once when a link cannot work; only the button spends it.
                await tokens.check(purpose, token)
            except DomainError as error:
                return _error_page(title, error)
            return _confirm_page(title, text, button, token)
        form = await _form(request)
        try:
            await action(_env(request), form.get("token", ""))
        except DomainError as error:
            return _error_page(title, error)
        return _page(title, f"<h1>{escape(title)}</h1><p>{escape(done)}</p>")

    return endpoint


confirm_account = _link_route(
    "Confirm your account",
    "Press the button to confirm your e-mail address and open your school diary account.",
    "Confirm",
    "Your account is confirmed. You can log in now.",
    accounts.CONFIRM_ACCOUNT,
    accounts.confirm_account,
)

confirm_email = _link_route(
    "Confirm the recovery e-mail",
    "Press the button to use this address for recovering your school diary account.",
    "Confirm",
    "The address is confirmed and will be used for recovery.",
    accounts.CONFIRM_EMAIL,
    accounts.confirm_security_email,
)


async def reset_password(request: Request) -> Response:
    title = "Choose a new password"
    if request.method == "GET":
        token = request.query_params.get("token", "")
        try:
            await tokens.check(recovery.RESET_PASSWORD, token)
        except DomainError as error:
            return _error_page(title, error)
        return _page(
            title,
            f'<h1>{title}</h1><form method="post">'
            f'<input type="hidden" name="token" value="{escape(token)}">'
            '<p><label>New password (8 to 128 characters) <input type="password" '
            'name="new_password" minlength="8" maxlength="128" required '
            'autocomplete="new-password"></label></p><button>Set the password</button></form>',
        )
    form = await _form(request)
    try:
        await recovery.reset_password(
            _env(request), form.get("token", ""), form.get("new_password", "")
        )
    except DomainError as error:
        return _error_page(title, error)
    return _page(
        title, f"<h1>{title}</h1><p>The new password is set. Log in with it everywhere.</p>"
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/dnevnik/batches/{batch_id:int}/codes.csv", batch_csv),
        Route("/dnevnik/batches/{batch_id:int}/print", batch_print),
        Route("/dnevnik/confirm/account", confirm_account, methods=["GET", "POST"]),
        Route("/dnevnik/confirm/email", confirm_email, methods=["GET", "POST"]),
        Route("/dnevnik/reset", reset_password, methods=["GET", "POST"]),
    ]
