"""Trusted documents: the operations a frontend registered when it was built, which it then
sends by their id instead of their text (persisted queries).

A manifest is a JSON file read at start. Two formats are accepted: a plain object of id to
document text, as graphql-codegen's client preset (`persistedDocuments`) and its
persisted-documents plugins write it, and Apollo's persisted query manifest
(`{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "body"}]}`).
Every document is also known by the SHA-256 of its text (hex, and `sha256:<hex>` as the
GraphQL-over-HTTP draft writes document ids), which is what Apollo's clients send, whatever
ids the manifest used.

Each registered document is parsed and validated once, when the schema is built
(`prepare`), and kept for the life of the process: a request naming it skips the parse, and
the rules of the specification are not run again. With `only`, the server runs nothing
else: `only_registered` refuses, for every transport, a document that is not one of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from graphql import (
    ASTValidationRule,
    GraphQLError,
    GraphQLSchema,
    ValidationContext,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from ediary.schema.documents import Parsed

APOLLO_MANIFEST = "apollo-persisted-query-manifest"
# The prefix the GraphQL-over-HTTP draft puts before a SHA-256 document id.
SHA256_PREFIX = "sha256:"
ONLY_CODE = "TRUSTED_DOCUMENTS_ONLY"


class ManifestError(ValueError):
    """A manifest that cannot be served; the message names the file and the document."""


def sha256_hex(text: str) -> str:
    """The id Apollo's clients compute for a document: SHA-256 of its UTF-8 text, in hex."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class TrustedDocuments:
    """The registered documents by id, and whether nothing else may run."""

    texts: dict[str, str] = field(default_factory=dict)
    only: bool = False

    @classmethod
    def load(cls, paths: Iterable[str | Path], *, only: bool = False) -> TrustedDocuments:
        """Read manifests; a later file may add documents, never give an id another text."""
        found = cls(only=only)
        for path in paths:
            for document_id, text in _read_manifest(Path(path)).items():
                found.add(document_id, text, source=str(path))
        return found

    def add(self, document_id: str, text: str, *, source: str = "manifest") -> None:
        digest = sha256_hex(text)
        for key in (document_id, digest, SHA256_PREFIX + digest):
            known = self.texts.get(key)
            if known is not None and known != text:
                raise ManifestError(f"{source}: the id {key!r} names two different documents")
            self.texts[key] = text

    def __len__(self) -> int:
        return len(set(self.texts.values()))

    def text(self, document_id: str) -> str | None:
        """The registered document with this id (manifest id, SHA-256 hex or `sha256:hex`)."""
        return self.texts.get(document_id)

    def prepare(self, schema: GraphQLSchema, *, introspection: bool) -> dict[str, Parsed]:
        """Parse and validate every registered document against the served schema, once.

        Raises ManifestError naming a document that does not parse or validate: a frontend
        built against another schema is found out when the server starts, not by its users."""
        rules: list[type[ASTValidationRule]] = list(specified_rules)
        if not introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        # Strawberry adds these two to whatever rules a request runs, the first time a
        # document is validated; a registered document passes them here instead.
        checked = [*rules, MaybeNullValidationRule, OneOfInputValidationRule]
        prepared: dict[str, Parsed] = {}
        # The first id each document was registered under names it in errors.
        names = {text: key for key, text in reversed(self.texts.items())}
        for text, name in names.items():
            try:
                document = parse(text)
            except GraphQLError as error:
                raise ManifestError(f"document {name} does not parse: {error.message}") from None
            errors = validate(schema, document, checked)
            if errors:
                raise ManifestError(f"document {name} does not validate: {errors[0].message}")
            prepared[text] = Parsed(document, frozenset(rules))
        return prepared


def only_registered(prepared: Mapping[str, Parsed]) -> type[ASTValidationRule]:
    """A validation rule refusing any document but the registered ones.

    The document cache hands a registered text its prepared document (the same object every
    time), so the rule needs only the document's identity; it does not walk it."""
    known = {id(parsed.document) for parsed in prepared.values()}

    class OnlyRegistered(ASTValidationRule):
        walks = False

        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            if id(context.document) not in known:
                context.report_error(
                    GraphQLError(
                        "This server runs only the documents its applications registered; "
                        "send the document's id in extensions.persistedQuery.",
                        extensions={"code": ONLY_CODE},
                    )
                )

    return OnlyRegistered


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        raw = orjson.loads(path.read_bytes())
    except OSError as error:
        raise ManifestError(f"{path}: cannot be read ({error.strerror})") from None
    except orjson.JSONDecodeError as error:
        raise ManifestError(f"{path}: not JSON ({error})") from None
    if isinstance(raw, dict) and raw.get("format") == APOLLO_MANIFEST:
        operations = raw.get("operations")
        if raw.get("version") != 1 or not isinstance(operations, list):
            raise ManifestError(f"{path}: an Apollo manifest of version 1 has `operations`")
        found: dict[str, str] = {}
        for operation in operations:
            if not (
                isinstance(operation, dict)
                and isinstance(operation.get("id"), str)
                and isinstance(operation.get("body"), str)
            ):
                raise ManifestError(f"{path}: every operation needs a string `id` and `body`")
            found[operation["id"]] = operation["body"]
        return found
    if not isinstance(raw, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in raw.items()
    ):
        raise ManifestError(f"{path}: expected a JSON object of document id to document text")
    return dict(raw)
