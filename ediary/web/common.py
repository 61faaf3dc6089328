"""What every file route shares: the viewer from the GraphQL session, IDs, error answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from strawberry.relay import GlobalID

from ediary.adapters.http import error_response
from ediary.domain.budget import RateLimited
from ediary.domain.errors import (
    DomainError,
    Forbidden,
    LoginSheetsExpired,
    NoCurrentTerm,
    NotEnrolled,
    NotFound,
    PasswordChangeRequired,
    SessionExpired,
    Unauthenticated,
)
from ediary.schema.context import Context
from ediary.schema.ids import local_id

Endpoint = Callable[[Request], Awaitable[Response]]


def context(request: Request) -> Context:
    """The same per-request context GraphQL builds, so the same cookie or bearer works."""
    return Context(
        request=request,
        response=Response(),
        settings=request.app.state.settings,
        plugins=request.app.state.plugins,
        notifier=request.app.state.notifier,
        runtime=request.app.state.runtime,
    )


def object_id(raw: str | None, type_name: str) -> int:
    """The database ID in a global ID of the expected type; NotFound for anything else."""
    if not raw:
        raise NotFound()
    try:
        return local_id(GlobalID.from_id(raw), type_name)
    except (ValueError, TypeError):
        raise NotFound() from None


def optional_id(raw: str | None, type_name: str) -> int | None:
    return object_id(raw, type_name) if raw else None


_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    NotEnrolled: 404,
    NoCurrentTerm: 404,
    Unauthenticated: 401,
    SessionExpired: 401,
    Forbidden: 403,
    PasswordChangeRequired: 403,
    LoginSheetsExpired: 410,
    RateLimited: 429,
}


def problem(error: DomainError) -> Response:
    """A refusal as JSON with the same code and message GraphQL would give."""
    # Anything else the domain refuses on purpose is a fault in the request.
    status = next((s for kind, s in _STATUS.items() if isinstance(error, kind)), 400)
    return error_response(status, error.code, error.message)


def answers_errors(endpoint: Endpoint) -> Endpoint:
    """Turn domain refusals into JSON answers with a status; anything else is a 500."""

    @wraps(endpoint)
    async def wrapped(request: Request) -> Response:
        try:
            return await endpoint(request)
        except DomainError as error:
            return problem(error)

    return wrapped


# The app's own refusals (no route, a method a route does not take), in the same shape.
_HTTP_CODES: dict[int, tuple[str, str]] = {
    404: ("NOT_FOUND", "There is nothing at this address."),
    405: ("METHOD_NOT_ALLOWED", "This address does not answer this method."),
}


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's HTTPException (unknown paths, wrong methods, static files) as JSON."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code, message = _HTTP_CODES.get(status, (_status_name(status), str(exc.detail)))
    return error_response(status, code, message, dict(exc.headers or {}))


def _status_name(status: int) -> str:
    try:
        return HTTPStatus(status).name
    except ValueError:
        return "HTTP_ERROR"


async def server_error(request: Request, exc: Exception) -> Response:
    """A fault outside GraphQL: logged with its traceback by Starlette, told to nobody."""
    return error_response(
        500, "INTERNAL_SERVER_ERROR", "Something went wrong on our side; it has been logged."
    )
