"""Parsing each distinct document once: the apps send the same few queries again and again."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import ParserCache


class DocumentCache(ParserCache):
    """Strawberry's parser cache, except that a document which does not parse is left to
    strawberry's own parse step: raised from this hook, the syntax error would skip the
    error handling that gives it its code."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLError:
            context.graphql_document = None
        yield
