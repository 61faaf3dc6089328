"""The document limits as a graphql-core validation rule: refused documents never run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, ValidationContext, ValidationRule

from ediary.config import Settings
from ediary.schema.limits.analysis import Measure, measure
from ediary.schema.limits.measures import MEASURES


def problems(found: Measure, settings: Settings) -> list[GraphQLError]:
    """Each limit the document goes over, with its code and a message for people."""
    errors = list(found.page_errors)

    def refuse(code: str, message: str) -> None:
        errors.append(GraphQLError(message, extensions={"code": code}))

    if found.depth > settings.max_query_depth:
        refuse(
            "QUERY_TOO_DEEP",
            f"The query nests fields {found.depth} levels deep; "
            f"at most {settings.max_query_depth} are allowed.",
        )
    if found.aliases > settings.max_query_aliases:
        refuse(
            "TOO_MANY_ALIASES",
            f"The query uses {found.aliases} aliases; "
            f"at most {settings.max_query_aliases} are allowed.",
        )
    if found.nodes > settings.max_query_nodes:
        refuse(
            "TOO_MANY_NODES",
            f"The query may return up to {found.nodes} objects; at most "
            f"{settings.max_query_nodes} are allowed. Ask for smaller pages (`first`).",
        )
    if found.cost > settings.max_query_cost:
        refuse(
            "QUERY_TOO_COSTLY",
            f"The query costs {found.cost} points; at most {settings.max_query_cost} "
            "are allowed in one request. Ask for smaller pages or fewer nested lists.",
        )
    for name, count in sorted(found.sensitive.items()):
        if count > 1:
            refuse(
                "SENSITIVE_FIELD_REPEATED",
                f"`{name}` may appear once in a request; this one asks for it {count} times.",
            )
    return errors


def limits_rule(
    settings: Settings,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    measured: Callable[[Measure], None],
) -> type[ValidationRule]:
    """A rule for one request: the cost depends on its variables and chosen operation."""

    class DocumentLimits(ValidationRule):
        # Read by the document cache: this verdict is not kept from one request to the next.
        per_request = True
        # All its work is done when it is made: the document cache need not walk for it.
        walks = False

        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            found = MEASURES.get(
                context.schema,
                context.document,
                operation_name,
                variables,
                settings.max_page_size,
                lambda: measure(
                    context.schema,
                    context.document,
                    operation_name,
                    variables,
                    settings.max_page_size,
                ),
            )
            for error in problems(found, settings):
                context.report_error(error)
            measured(found)

    return DocumentLimits
