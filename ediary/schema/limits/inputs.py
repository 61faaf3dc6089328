"""The size of list inputs, checked while the document is measured: a request sending more
items than a list input takes is refused whole (TOO_MANY_ITEMS) before any of it is coerced,
authorized or written. Each list input declares its bound with `MaxItems` (see
`ediary.adapters.limits.capped_list`); one that does not takes `DEFAULT_INPUT_ITEMS`."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLError,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    Node,
    get_nullable_type,
)
from strawberry.types.field import StrawberryField

from ediary.adapters.limits import DEFAULT_INPUT_ITEMS, max_items


def bound(definition: GraphQLArgument | GraphQLInputField) -> int:
    """The most items the list input takes."""
    declared = definition.extensions.get("strawberry-definition")
    if isinstance(declared, StrawberryField):
        return max_items(declared) or DEFAULT_INPUT_ITEMS
    return DEFAULT_INPUT_ITEMS


def oversized(
    name: str,
    definition: GraphQLArgument | GraphQLInputField,
    value: Any,
    node: Node,
) -> list[GraphQLError]:
    """An error for each list in the value that holds more items than its input takes."""
    errors: list[GraphQLError] = []
    _check(name, definition, definition.type, value, node, errors)
    return errors


def _check(
    name: str,
    definition: GraphQLArgument | GraphQLInputField,
    kind: GraphQLInputType,
    value: Any,
    node: Node,
    errors: list[GraphQLError],
) -> None:
    kind = get_nullable_type(kind)  # type: ignore[assignment]
    if isinstance(kind, GraphQLList):
        if not isinstance(value, list):
            return  # a single value for a list: coercion wraps or refuses it
        limit = bound(definition)
        if len(value) > limit:
            # Refused on its length alone: the items are not looked at.
            errors.append(
                GraphQLError(
                    f"`{name}` takes at most {limit} items; this request sends {len(value)}.",
                    [node],
                    extensions={"code": "TOO_MANY_ITEMS"},
                )
            )
            return
        for item in value:
            _check(name, definition, kind.of_type, item, node, errors)
    elif isinstance(kind, GraphQLInputObjectType) and isinstance(value, dict):
        for field_name, field in kind.fields.items():
            if field_name in value:
                _check(field_name, field, field.type, value[field_name], node, errors)
