"""Parsing each distinct document once: the apps send the same few queries again and again.

Only documents of logged-in users are kept, in a cache bounded by bytes (`TextCache`):
strawberry's own `ParserCache` keys an `lru_cache` of 512 entries on the text of whatever
anyone sent, and half a thousand padded anonymous documents are a lot of memory kept for
good.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

from ediary.domain.errors import DomainError
from ediary.schema.context import Context
from ediary.server.text_cache import TextCache

# Memory the parsed documents of a schema may take.
CAPACITY = 32 * 1024 * 1024
# A parsed document takes up to about a hundred times its text (comments take nothing).
BYTES_PER_CHAR = 100
# The apps' queries are a few kilobytes; longer documents are parsed each time.
MAX_CHARS = 16 * 1024


def document_cache() -> TextCache[DocumentNode]:
    """The cache one schema's `DocumentCache` extensions share."""
    return TextCache(CAPACITY, per_char=BYTES_PER_CHAR, max_chars=MAX_CHARS)


class DocumentCache(SchemaExtension):
    """Parses the documents of logged-in users once. Anything else, and a document which
    does not parse, is left to strawberry's own parse step: raised from this hook, the
    syntax error would skip the error handling that gives it its code."""

    def __init__(self, cache: TextCache[DocumentNode]) -> None:
        super().__init__()
        self.cache = cache

    async def on_parse(self) -> AsyncIterator[None]:
        execution = self.execution_context
        query = execution.query
        if query is not None and await _logged_in(execution.context):
            options = tuple(sorted(execution.parse_options.items()))
            document = self.cache.get(query, options)
            if document is None:
                try:
                    document = parse(query, **execution.parse_options)
                except GraphQLError:
                    document = None
                else:
                    self.cache.put(query, document, options)
            execution.graphql_document = document
        yield


async def _logged_in(context: object) -> bool:
    if not isinstance(context, Context):
        return False
    try:
        viewer = await context.viewer()
    except DomainError:
        return False  # bad credentials: as anonymous as none
    return viewer.is_authenticated
