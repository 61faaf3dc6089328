"""The schema extension that enforces the limits: tokens while parsing, the document limits
while validating, then the hourly budget before execution."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from ediary.adapters.http import UNCOUNTED_WRITES
from ediary.config import Settings
from ediary.domain import budget
from ediary.domain.access import ANONYMOUS
from ediary.domain.errors import DomainError
from ediary.schema.context import Context
from ediary.schema.limits.analysis import Measure
from ediary.schema.limits.rules import limits_rule

DEFAULTS = Settings()


class QueryLimits(SchemaExtension):
    """Limits of every document, for HTTP and WebSocket alike (see docs/api.md, "Limits")."""

    measured: Measure | None = None

    def _context(self) -> Context | None:
        context = self.execution_context.context
        return context if isinstance(context, Context) else None

    def _settings(self) -> Settings:
        context = self._context()
        return context.settings if context is not None else DEFAULTS

    def _keep(self, found: Measure) -> None:
        self.measured = found

    def on_operation(self) -> Iterator[None]:
        settings = self._settings()
        execution = self.execution_context
        # graphql-core stops parsing at this many tokens, before a huge document is read.
        execution.parse_options["max_tokens"] = settings.max_query_tokens
        execution.validation_rules = (
            *execution.validation_rules,
            limits_rule(settings, execution.operation_name, execution.variables, self._keep),
        )
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        context = self._context()
        if context is not None and self.measured is not None:
            try:
                charge = await self._charge(context, self.measured.cost)
            except Exception as error:
                # A failing store refuses the request (masked and logged by ErrorCodes)
                # rather than letting it run uncounted.
                self._refuse(error)
            else:
                context.charge = charge
                if charge is not None:
                    scope = context.request.scope
                    scope[UNCOUNTED_WRITES] = scope.get(UNCOUNTED_WRITES, 0) + 1
                context.query_nodes = self.measured.nodes
                if charge is not None and not charge.granted:
                    self._refuse(budget.RateLimited(charge))
        yield

    def _refuse(self, error: Exception) -> None:
        if self.execution_context.operation_type is OperationType.SUBSCRIPTION:
            # strawberry subscribes whatever result is set, but answers errors raised here.
            raise error
        # For queries and mutations a result set here stops strawberry from executing; an
        # error raised instead would leave the operation before ErrorCodes gives it a code.
        self.execution_context.result = ExecutionResult(
            data=None, errors=[GraphQLError(str(error), original_error=error)]
        )

    @staticmethod
    async def _charge(context: Context, cost: int) -> budget.Charge | None:
        settings = context.settings
        try:
            viewer = await context.viewer()
        except DomainError:
            # Bad credentials: the resolvers refuse them; the address pays for the request.
            viewer = ANONYMOUS
        limit = (
            settings.rate_points_per_hour
            if viewer.is_authenticated
            else settings.anonymous_rate_points_per_hour
        )
        key = budget.budget_key(viewer.user_id, context.client_address)
        return await budget.charge(key, cost, limit, context.now())
