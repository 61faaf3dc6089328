"""The time limit of a query or mutation: past `request_timeout` it is cancelled.

The limit wraps the whole of `Schema.execute`, so cancelling it also ends the extensions of
the operation; the answer is therefore built here, already with its code. Subscriptions do not
go through `execute` and live as long as their connection.
"""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionResult

from ediary.domain.errors import DomainError
from ediary.schema.context import Context

TIMEOUT_MESSAGE = (
    "The request took too long and was stopped; nothing it had started was kept. "
    "Ask for less at once."
)


class RequestTimeout(DomainError):
    code = "TIMEOUT"
    default_message = TIMEOUT_MESSAGE


class TimedSchema(strawberry.Schema):
    """A schema whose `execute` answers TIMEOUT when the request's time is up."""

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> ExecutionResult:
        if not isinstance(context_value, Context):
            return await super().execute(query, variable_values, context_value, *args, **kwargs)
        try:
            async with asyncio.timeout(context_value.settings.request_timeout):
                return await super().execute(query, variable_values, context_value, *args, **kwargs)
        except TimeoutError:
            # Transactions opened by resolvers were rolled back as the cancellation left them.
            error = GraphQLError(TIMEOUT_MESSAGE, extensions={"code": RequestTimeout.code})
            return ExecutionResult(data=None, errors=[error])
