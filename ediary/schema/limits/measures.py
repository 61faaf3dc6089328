"""Measures of documents kept from one request to the next, by the shape of their variables.

The apps send the same documents again and again (the document cache keeps them parsed), but
with other variables: another student, another week. Measuring reads the variables only for
page sizes (`first`), `@skip`/`@include` conditions and the lengths of list inputs, so two
requests whose variables agree in those respects measure the same. The shape of a value keeps
exactly that: None, booleans and integers as they are, lists and input objects item by item,
and any other value (a string: an ID, a week) as one mark.

Only measures without errors are kept: a refused document is measured again each time, and
its errors are new each time.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any

from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode

from ediary.schema.limits.analysis import Measure

# Shapes of one document kept at most; then they start over.
SHAPES_PER_DOCUMENT = 64
# Values in a shape at most; variables with more are measured each time.
MAX_SHAPE_VALUES = 256

_OTHER = "·"


class _TooLarge(Exception):
    pass


def shape(value: Any, budget: list[int]) -> Hashable:
    """What of a variable's value the measure can see; `budget` counts down the values."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, list):
        return ("list", tuple(shape(item, budget) for item in value))
    if isinstance(value, dict):
        return ("object", tuple((str(k), shape(v, budget)) for k, v in sorted(value.items())))
    return _OTHER


def _declared(document: DocumentNode) -> list[str]:
    return sorted(
        {
            variable.variable.name.value
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
            for variable in definition.variable_definitions or ()
        }
    )


class Measures:
    """Measures by document (while it lives) and shape of the variables."""

    def __init__(self) -> None:
        # By id: documents hash by their whole structure, which takes longer than measuring.
        self._by_document: dict[int, dict[Hashable, Measure]] = {}

    def __len__(self) -> int:
        return sum(len(kept) for kept in self._by_document.values())

    def get(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        max_page_size: int,
        compute: Callable[[], Measure],
    ) -> Measure:
        """The measure of this request: kept, or computed (and kept if it has no errors)."""
        sent = variables or {}
        declared = _declared(document)
        if not sent.keys() <= set(declared):
            # Variables the document does not declare are refused by validation; measure as
            # if nothing were kept.
            return compute()
        try:
            budget = [MAX_SHAPE_VALUES]
            shapes = tuple((name, shape(sent.get(name), budget)) for name in declared)
        except _TooLarge:
            return compute()
        key = (id(schema), operation_name, max_page_size, shapes)
        kept = self._by_document.get(id(document))
        if kept is not None and key in kept:
            return kept[key]
        found = compute()
        if found.page_errors:
            return found
        if kept is None:
            kept = self._by_document[id(document)] = {}
            # The id may be reused by another document once this one is gone.
            weakref.finalize(document, self._by_document.pop, id(document), None)
        elif len(kept) >= SHAPES_PER_DOCUMENT:
            kept.clear()
        kept[key] = found
        return found


MEASURES = Measures()
