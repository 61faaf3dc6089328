"""What a GraphQL document asks for, measured from its text and variables before it runs.

One walk gives every figure the limits need: depth, aliases, sensitive fields, nodes and cost.
Nodes and cost follow GitHub's published model: a paged field counts its `first` items, a list
that is not paged counts its declared bound (`MaxItems`) or `DEFAULT_LIST_ITEMS`; the nodes of a
document are the items of every list multiplied down the path, the cost is the number of list
fetches the server makes, divided by 100, at least one point. Introspection fields count like
any other, except for depth.

Fragments are measured once and reused: a document that spreads a fragment that spreads another
many times over stays cheap to measure, where expanding every spread would take exponential time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    value_from_ast_untyped,
)
from strawberry.types.field import StrawberryField

from ediary.adapters.limits import DEFAULT_LIST_ITEMS, is_sensitive, max_items
from ediary.schema.limits.inputs import oversized

# The fields every type has without declaring them.
_META_FIELDS: dict[str, GraphQLField] = {
    "__schema": SchemaMetaFieldDef,
    "__type": TypeMetaFieldDef,
    "__typename": TypeNameMetaFieldDef,
}

# The whole schema, once is all anybody needs; under aliases it is the same answer again.
ONCE_PER_DOCUMENT = frozenset({"__schema"})

PAGE_ARGUMENT = "first"
# The lists inside a connection are the page its field already counted.
CONNECTION_LISTS = frozenset({"edges", "nodes"})


@dataclass
class Tally:
    depth: int = 0
    aliases: int = 0
    nodes: int = 0
    # How many list fetches the selection makes for one parent object.
    requests: int = 0
    sensitive: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.depth = max(self.depth, other.depth)
        self.aliases += other.aliases
        self.nodes += other.nodes
        self.requests += other.requests
        self.sensitive.update(other.sensitive)


@dataclass
class Measure:
    """The figures of the operation that will run; the largest ones when it is not chosen yet."""

    depth: int = 0
    aliases: int = 0
    nodes: int = 0
    cost: int = 1
    sensitive: Counter[str] = field(default_factory=Counter)
    # Arguments refused while walking: page sizes out of range, list inputs over their bound.
    page_errors: list[GraphQLError] = field(default_factory=list)


def points(requests: int) -> int:
    return max(1, round(requests / 100))


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    max_page_size: int,
) -> Measure:
    operations = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (operation_name is None or (d.name is not None and d.name.value == operation_name))
    ]
    result = Measure()
    for operation in operations:
        walker = _Walker(schema, document, operation, variables or {}, max_page_size)
        root = schema.get_root_type(operation.operation)
        tally = walker.selection_set(operation.selection_set, root)
        if operation.operation is OperationType.MUTATION:
            # A mutation is one more fetch, whatever it selects.
            tally.requests += 1
        result.depth = max(result.depth, tally.depth)
        result.aliases = max(result.aliases, tally.aliases)
        result.nodes = max(result.nodes, tally.nodes)
        result.cost = max(result.cost, points(tally.requests))
        result.sensitive |= tally.sensitive
        result.page_errors.extend(walker.errors)
    return result


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
        max_page_size: int,
    ) -> None:
        self.schema = schema
        self.max_page_size = max_page_size
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        defaults = {
            d.variable.name.value: value_from_ast_untyped(d.default_value)
            for d in operation.variable_definitions or ()
            if d.default_value is not None
        }
        self.variables = {**defaults, **variables}
        self.measured: dict[str, Tally] = {}
        self.entered: set[str] = set()
        self.errors: list[GraphQLError] = []

    def value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        return value_from_ast_untyped(node, self.variables)

    def skipped(self, node: FieldNode | InlineFragmentNode | FragmentSpreadNode) -> bool:
        for directive in node.directives or ():
            condition = next(
                (a.value for a in directive.arguments or () if a.name.value == "if"), None
            )
            if condition is None:
                continue
            if directive.name.value == "skip" and self.value(condition) is True:
                return True
            if directive.name.value == "include" and self.value(condition) is False:
                return True
        return False

    def selection_set(
        self, selections: SelectionSetNode | None, parent: GraphQLNamedType | None
    ) -> Tally:
        total = Tally()
        for selection in selections.selections if selections else ():
            if self.skipped(selection):  # type: ignore[arg-type]
                continue
            if isinstance(selection, FieldNode):
                total.add(self.field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                kind = self.schema.get_type(condition.name.value) if condition else parent
                total.add(self.selection_set(selection.selection_set, kind))
            elif isinstance(selection, FragmentSpreadNode):
                total.add(self.fragment(selection.name.value))
        return total

    def fragment(self, name: str) -> Tally:
        if name in self.measured:
            return self.measured[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.entered:
            # Unknown fragments and cycles are validation errors of their own.
            return Tally()
        self.entered.add(name)
        kind = self.schema.get_type(definition.type_condition.name.value)
        tally = self.selection_set(definition.selection_set, kind)
        self.entered.discard(name)
        self.measured[name] = tally
        return tally

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Tally:
        name = node.name.value
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return Tally()
        definition = _META_FIELDS.get(name) or parent.fields.get(name)
        if definition is None:
            return Tally()
        # Introspection counts its aliases, lists and fetches like any field: aliased
        # `__schema` copies would otherwise return the schema many times over. Only its depth
        # is free: `ofType` chains nest as deep as the schema's wrapped types, and one copy
        # of the schema is bounded by the schema itself.
        introspection = name.startswith("__") or parent.name.startswith("__")
        for argument in node.arguments or ():
            declared = definition.args.get(argument.name.value)
            if declared is not None:
                self.errors.extend(
                    oversized(argument.name.value, declared, self.value(argument.value), argument)
                )
        child = self.selection_set(node.selection_set, get_named_type(definition.type))
        items = self.items(node, definition, parent)
        tally = Tally(
            depth=child.depth + (0 if introspection else 1),
            aliases=child.aliases + (1 if node.alias else 0),
            nodes=child.nodes,
            requests=child.requests,
            sensitive=child.sensitive,
        )
        strawberry_field = definition.extensions.get("strawberry-definition")
        if name in ONCE_PER_DOCUMENT or (
            isinstance(strawberry_field, StrawberryField) and is_sensitive(strawberry_field)
        ):
            tally.sensitive = tally.sensitive + Counter({name: 1})
        if items is not None:
            tally.nodes = items + items * child.nodes
            tally.requests = 1 + items * child.requests
        return tally

    def items(
        self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType
    ) -> int | None:
        """How many items the field may return, or None when it is not a list of objects."""
        if PAGE_ARGUMENT in definition.args:
            return self.page_size(node, definition)
        if parent.name.endswith("Connection") and node.name.value in CONNECTION_LISTS:
            return None
        kind = get_nullable_type(definition.type)
        if not isinstance(kind, GraphQLList) or not is_composite_type(get_named_type(kind)):
            return None
        strawberry_field = definition.extensions.get("strawberry-definition")
        if isinstance(strawberry_field, StrawberryField):
            return max_items(strawberry_field) or DEFAULT_LIST_ITEMS
        return DEFAULT_LIST_ITEMS

    def page_size(self, node: FieldNode, definition: GraphQLField) -> int:
        sent = next((a.value for a in node.arguments or () if a.name.value == PAGE_ARGUMENT), None)
        value = self.value(sent) if sent is not None else None
        if value is None:
            default = definition.args[PAGE_ARGUMENT].default_value
            value = default if isinstance(default, int) else None
        if not isinstance(value, int) or isinstance(value, bool):
            # Missing or of the wrong type: coercion refuses it; count a full page meanwhile.
            return self.max_page_size
        if not 1 <= value <= self.max_page_size:
            self.errors.append(
                GraphQLError(
                    f"`first` must be between 1 and {self.max_page_size}.",
                    [sent or node],
                    extensions={"code": "BAD_USER_INPUT"},
                )
            )
            return self.max_page_size
        return value
