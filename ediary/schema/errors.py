"""Every GraphQL error leaves with a stable code; unexpected ones never show their insides."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar, cast, get_args, get_type_hints, overload

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.relay.types import GlobalIDValueError
from strawberry.types.base import StrawberryList, StrawberryOptional

from ediary.domain.errors import DomainError, InvalidFields, NotFound

__all__ = [
    "UserError",
    "attempt",
    "refusals",
    "user_errors",
]

T = TypeVar("T")
P = ParamSpec("P")

log = logging.getLogger("ediary.errors")

INTERNAL_MESSAGE = "Something went wrong on our side. It has been logged; please try again."


@strawberry.type(description="Why a mutation did not do what was asked; nothing was changed.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, if one is."
    )
    message: str = strawberry.field(description="What went wrong, for people.")
    code: str = strawberry.field(description="Stable machine-readable code, such as NOT_FOUND.")
    retry_after: int | None = strawberry.field(
        default=None,
        description=(
            "With TOO_MANY_ATTEMPTS: seconds until an attempt is admitted again (the HTTP "
            "answer also carries them as Retry-After)."
        ),
    )


def user_errors(error: DomainError, *, missing: str | None = None) -> list[UserError]:
    """A refusal as a payload's `userErrors`: one entry per input field at fault, each with
    its path under `input` (an InvalidFields names several, `["input", "marks", "2",
    "value"]`). `missing` names the input field of the ID a NotFound is about, for refusals
    that name no field themselves."""
    if isinstance(error, InvalidFields):
        return [
            UserError(field=["input", *problem.path], message=problem.message, code=problem.code)
            for problem in error.problems
        ]
    field = error.field or (missing if isinstance(error, NotFound) else None)
    return [
        UserError(
            field=["input", field] if field else None,
            message=error.message,
            code=error.code,
            retry_after=_note_wait(error),
        )
    ]


async def attempt(action: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Await a domain call: its value and no errors, or None and the refusal's userErrors."""
    try:
        return await action, []
    except DomainError as error:
        return None, user_errors(error)


Mutation = Callable[P, Awaitable[T]]


@overload
def refusals(mutation: Mutation[P, T], /) -> Mutation[P, T]: ...


@overload
def refusals(*, missing: str) -> Callable[[Mutation[P, T]], Mutation[P, T]]: ...


def refusals(
    mutation: Mutation[P, T] | None = None, /, *, missing: str | None = None
) -> Mutation[P, T] | Callable[[Mutation[P, T]], Mutation[P, T]]:
    """Answer a mutation's refusal (a DomainError raised anywhere in it) with its payload:
    `userErrors` as `user_errors` makes them (`missing`: the input field a NotFound is about),
    every other field empty (null, an empty list, false). Put it under `@strawberry.mutation`;
    the payload is the return annotation's."""

    def decorate(mutation: Mutation[P, T]) -> Mutation[P, T]:
        @functools.wraps(mutation)
        async def answering(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await mutation(*args, **kwargs)
            except DomainError as error:
                errors = user_errors(error, missing=missing)
                return cast(T, _empty_payload(mutation)(user_errors=errors))

        return answering

    return decorate if mutation is None else decorate(mutation)


@functools.cache
def _empty_payload(mutation: Callable[..., Any]) -> Callable[..., object]:
    """The payload class of a mutation, with every field but `user_errors` filled empty."""
    annotation = get_type_hints(mutation)["return"]
    payload = next(a for a in (get_args(annotation) or (annotation,)) if a is not type(None))
    empty: dict[str, object] = {}
    for field in payload.__strawberry_definition__.fields:
        if field.python_name == "user_errors":
            continue
        kind = field.type
        if isinstance(kind, StrawberryOptional):
            empty[field.python_name] = None
        elif isinstance(kind, StrawberryList):
            empty[field.python_name] = []
        elif kind is bool:
            empty[field.python_name] = False
        else:
            raise TypeError(f"{payload.__name__}.{field.python_name} has no empty value")
    return functools.partial(payload, **empty)


# Seconds limiters asked the client to wait during the current HTTP request, for its
# Retry-After header. The view sets a fresh list per request; a list rather than a number
# because tasks the execution starts (the request time limit) share the object, not the
# variable.
_waits: ContextVar[list[int] | None] = ContextVar("ediary_retry_after", default=None)


@contextmanager
def collecting_waits() -> Iterator[list[int]]:
    """Collect the `retryAfter` of every refusal made into an error while inside."""
    waits: list[int] = []
    token = _waits.set(waits)
    try:
        yield waits
    finally:
        _waits.reset(token)


def _note_wait(error: DomainError) -> int | None:
    wait = error.extensions.get("retryAfter")
    if not isinstance(wait, int):
        return None
    waits = _waits.get()
    if waits is not None:
        waits.append(wait)
    return wait


def _domain_error(error: BaseException | None) -> DomainError | None:
    # Scalar parsers raise DomainError, which graphql-core wraps before it reaches us.
    while error is not None:
        if isinstance(error, DomainError):
            return error
        error = error.__cause__ or getattr(error, "original_error", None)
    return None


class ErrorCodes(MaskErrors):
    """Adds `extensions.code` to every error and masks the ones nobody planned for."""

    def __init__(self) -> None:
        super().__init__()

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._with_code(error) for error in errors]

    def _with_code(self, error: GraphQLError) -> GraphQLError:
        domain = _domain_error(error.original_error)
        if domain is not None:
            _note_wait(domain)
            return self._rebuild(error, domain.message, domain.code, domain.extensions)
        if error.original_error is None and error.extensions and "code" in error.extensions:
            # Our own validation rules (the document limits) set their codes.
            return self._rebuild(error, error.message, str(error.extensions["code"]))
        if error.original_error is None:
            # Raised by graphql-core itself: syntax, validation, variable coercion.
            return self._rebuild(error, error.message, _graphql_code(error.message))
        if isinstance(error.original_error, GlobalIDValueError):
            return self._rebuild(error, "This is not an ID this API gave out.", "BAD_USER_INPUT")
        if isinstance(error.original_error, ValueError) and not error.path:
            # A scalar refused a variable or argument before anything ran.
            return self._rebuild(error, error.message, "BAD_USER_INPUT")
        if isinstance(error.original_error, GraphQLError) and not error.path:
            # graphql-core's own, wrapped: a variable that does not coerce, before anything ran.
            return self._rebuild(error, error.message, _graphql_code(error.message))
        log.error("unexpected error", exc_info=error.original_error)
        return self._rebuild(error, INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR")

    @staticmethod
    def _rebuild(
        error: GraphQLError, message: str, code: str, extra: dict[str, str | int] | None = None
    ) -> GraphQLError:
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={**(extra or {}), "code": code},
        )


def _graphql_code(message: str) -> str:
    if message.startswith("Syntax Error: Document contains more than"):
        # graphql-core stopped parsing at the token limit (EDIARY_MAX_QUERY_TOKENS).
        return "TOO_MANY_TOKENS"
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if any(
        sign in message
        for sign in ("got invalid value", "has invalid value", "Expected value of type")
    ):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"
