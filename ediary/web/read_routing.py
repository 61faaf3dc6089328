"""Which GraphQL requests may read on a replica, and what a request that wrote leaves behind
for the next ones of its session (see ediary.domain.replicas)."""

from __future__ import annotations

from functools import lru_cache

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse


@lru_cache(maxsize=512)
def is_query(document: str, operation_name: str | None, max_tokens: int) -> bool:
    """Whether the operation the request runs is a query; anything else, an unparsable
    document included, reads on the primary (the view then answers the error itself)."""
    try:
        parsed = parse(document, no_location=True, max_tokens=max_tokens)
    except GraphQLError:
        return False
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    return len(operations) == 1 and operations[0].operation == OperationType.QUERY
