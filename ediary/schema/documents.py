"""Parsing and validating each distinct document once: the apps send the same few queries
again and again.

Only documents of logged-in users are kept, in a cache bounded by bytes (`TextCache`):
strawberry's own `ParserCache` keys an `lru_cache` of 512 entries on the text of whatever
anyone sent, and half a thousand padded anonymous documents are a lot of memory kept for
good.

A kept document also remembers the validation rules it passed. The rules of the GraphQL
specification (and introspection being off) depend only on the schema and the document, so
the next request with the same text runs only the rules that depend on the request: those
marked `per_request` (the query limits, which read the variables and the operation name).
A document that failed is validated in full each time, so its errors are always reported.

Trusted documents (`ediary.schema.trusted`), registered by the applications when they were
built, are parsed and validated when the server starts and kept apart, for good: whoever
sends one, logged in or not, its parse is spared.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    TypeInfo,
    ValidationContext,
    parse,
    validate,
)
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


@dataclass
class Parsed:
    """A kept document, and the request-independent rules it is known to pass."""

    document: DocumentNode
    passed: frozenset[type[ASTValidationRule]] = frozenset()


def document_cache() -> TextCache[Parsed]:
    """The cache one schema's `DocumentCache` extensions share."""
    return TextCache(CAPACITY, per_char=BYTES_PER_CHAR, max_chars=MAX_CHARS)


def per_request(rule: type[ASTValidationRule]) -> bool:
    """Whether a rule's verdict depends on more than the schema and the document."""
    return bool(getattr(rule, "per_request", False))


def walks(rule: type[ASTValidationRule]) -> bool:
    """Whether a rule visits the document's nodes; one marked `walks = False` does all its
    work when it is made, and the document need not be walked for it."""
    return bool(getattr(rule, "walks", True))


def _validate(
    schema: GraphQLSchema, document: DocumentNode, rules: list[type[ASTValidationRule]]
) -> list[GraphQLError]:
    if any(walks(rule) for rule in rules):
        return validate(schema, document, rules)
    # graphql-core's validate would walk the whole document with a type info for nothing.
    errors: list[GraphQLError] = []
    context = ValidationContext(schema, document, TypeInfo(schema), errors.append)
    for rule in rules:
        rule(context)
    return errors


class DocumentCache(SchemaExtension):
    """Parses the documents of logged-in users once, and runs the validation rules they
    passed once. Anything else, and a document which does not parse, is left to strawberry's
    own parse step: raised from this hook, the syntax error would skip the error handling
    that gives it its code."""

    def __init__(
        self, cache: TextCache[Parsed], trusted: Mapping[str, Parsed] | None = None
    ) -> None:
        super().__init__()
        self.cache = cache
        self.trusted = trusted or {}
        self.parsed: Parsed | None = None

    async def on_parse(self) -> AsyncIterator[None]:
        execution = self.execution_context
        query = execution.query
        trusted = self.trusted.get(query) if query is not None else None
        if trusted is not None:
            self.parsed = trusted
            execution.graphql_document = trusted.document
        elif query is not None and await _logged_in(execution.context):
            options = tuple(sorted(execution.parse_options.items()))
            parsed = self.cache.get(query, options)
            if parsed is None:
                try:
                    parsed = Parsed(parse(query, **execution.parse_options))
                except GraphQLError:
                    parsed = None
                else:
                    self.cache.put(query, parsed, options)
            self.parsed = parsed
            execution.graphql_document = parsed.document if parsed else None
        yield

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        parsed = self.parsed
        if parsed is None or execution.graphql_document is not parsed.document:
            yield
            return
        rules = execution.validation_rules
        fixed = frozenset(rule for rule in rules if not per_request(rule))
        if fixed and fixed <= parsed.passed and execution.pre_execution_errors is None:
            # Setting the errors (none or some) tells strawberry validation has been run.
            execution.pre_execution_errors = _validate(
                execution.schema._schema,
                parsed.document,
                [rule for rule in rules if rule not in parsed.passed],
            )
        yield
        if execution.pre_execution_errors == [] and fixed:
            parsed.passed = parsed.passed | fixed


async def _logged_in(context: object) -> bool:
    if not isinstance(context, Context):
        return False
    try:
        viewer = await context.viewer()
    except DomainError:
        return False  # bad credentials: as anonymous as none
    return viewer.is_authenticated
