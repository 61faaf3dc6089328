"""Which GraphQL requests may read on a replica (see ediary.domain.replicas): queries only.
Anything else, an unparsable document included, reads on the primary."""

from __future__ import annotations

import hashlib

from cachetools import LRUCache
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse

# Keyed by a digest, never the text: a client must not fill memory with large documents.
_KINDS: LRUCache[bytes, bool] = LRUCache(maxsize=1024)


def is_query(document: str, operation_name: str | None, max_tokens: int) -> bool:
    """Whether the operation the request runs is a query (parsed once per document)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(document.encode())
    digest.update(b"\0" + (operation_name or "").encode())
    key = digest.digest()
    found = _KINDS.get(key)
    if found is None:
        found = _KINDS[key] = _is_query(document, operation_name, max_tokens)
    return found


def _is_query(document: str, operation_name: str | None, max_tokens: int) -> bool:
    try:
        # graphql-core stops at the token limit, as the schema's parser does.
        parsed = parse(document, no_location=True, max_tokens=max_tokens)
    except GraphQLError:
        return False
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    return len(operations) == 1 and operations[0].operation == OperationType.QUERY
