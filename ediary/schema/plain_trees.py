"""Plain trees: a whole sub-selection of plain fields, answered by one compiled function.

A class journal is some 1,800 cells, each with its marks and attendance; a diary week some
250 objects. Below the field that returns them, every field of such a selection is plain (a
strawberry field without a resolver, reading an attribute) and every object is one of its
field's own type. `ediary.schema.field_sets` already runs each object's fields by a compiled
function, but each object still costs a path, a dispatch per object or list and a call per
field. When a field's whole sub-selection is plain, the executor instead calls one function
written for that sub-selection, which builds the answer's dictionaries and lists directly:
one Python function per object type of the tree, reading attributes and checking each value
the way graphql-core's serializers would pass it through.

The function answers only what it is sure of. Anything else (a null for a non-null field, a
value of another type, an enum member or scalar value the fast test does not know, a read
that raises, an awaitable) makes it give up, and the executor completes the same value the
generic way, which reports the error at its path exactly as graphql-core would. Reading is
free of side effects (plain attributes of objects the resolvers built), so reading again is
only a little work lost, on a path that ends in an error anyway.

A sub-selection qualifies when it holds fields only: no fragments, no directives (so no
`@skip` or `@include` depending on variables, no `@defer`), no response name twice, and no
field with a resolver, arguments or an abstract type. What is compiled depends on the field's
AST node and type only, so it is kept per schema, by node, in a bounded LRU; documents are
parsed once per distinct text (`ediary.schema.documents`), so their nodes live across requests.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from operator import attrgetter
from typing import Any
from weakref import WeakKeyDictionary

from cachetools import LRUCache
from graphql import (
    FieldNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    SelectionSetNode,
    is_leaf_type,
)
from graphql.pyutils import Undefined
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema_converter import GraphQLCoreConverter

from ediary.schema.field_sets import (
    INT_MAX,
    INT_MIN,
    PASSES_THROUGH,
    UNREAD,
    enum_names,
    leaf_coercion,
    read_expression,
)

__all__ = ["NotPlain", "Tree", "compiled_tree"]

# The completed value of a field, from the value its plain read gave; raises when not plain.
Tree = Callable[[Any], Any]
PlanOf = Callable[[GraphQLObjectType, str], Any]

CAPACITY = 2048

# Per schema: (id of the field's node, id of its type) -> (node, type, tree or None). The
# node and type are kept to tell a reused id from the same object.
_KEPT: WeakKeyDictionary[GraphQLSchema, LRUCache[tuple[int, int], tuple[Any, Any, Tree | None]]] = (
    WeakKeyDictionary()
)


class NotPlain(Exception):
    """The value is not one the tree answers: the generic way must complete it."""


class _Unsupported(Exception):
    """The sub-selection cannot be compiled into a tree."""


def compiled_tree(
    schema: GraphQLSchema, return_type: GraphQLOutputType, node: FieldNode, plan_of: PlanOf
) -> Tree | None:
    """The tree answering `node`'s sub-selection for a value of `return_type` (an object type
    or a list of them), or None when the sub-selection is not all plain."""
    kept = _KEPT.get(schema)
    if kept is None:
        kept = _KEPT[schema] = LRUCache(CAPACITY)
    key = (id(node), id(return_type))
    found = kept.get(key)
    if found is not None and found[0] is node and found[1] is return_type:
        return found[2]
    tree: Tree | None
    try:
        tree = _Compiler(plan_of).compile(return_type, node)
    except _Unsupported:
        tree = None
    kept[key] = (node, return_type, tree)
    return tree


class _Compiler:
    """Writes the functions of one tree: one per object type and selection, one per list."""

    def __init__(self, plan_of: PlanOf) -> None:
        self.plan_of = plan_of
        self.names: dict[str, Any] = {
            "NotPlain": NotPlain,
            "UNREAD": UNREAD,
            "Undefined": Undefined,
            "INT_MIN": INT_MIN,
            "INT_MAX": INT_MAX,
            "isfinite": math.isfinite,
            "is_awaitable": optimized_is_awaitable,
        }
        self.functions: list[str] = []
        self.count = 0

    def compile(self, return_type: GraphQLOutputType, node: FieldNode) -> Tree:
        if node.directives:
            raise _Unsupported()
        named = return_type
        while isinstance(named, GraphQLNonNull | GraphQLList):
            named = named.of_type
        if not isinstance(named, GraphQLObjectType) or node.selection_set is None:
            raise _Unsupported()
        entry = self._converter(return_type, node.selection_set)
        code = "\n\n".join(self.functions)
        # One namespace: the functions call each other by their global names.
        exec(compile(code, f"<plain tree of {named.name}>", "exec"), self.names)
        tree: Tree = self.names[entry]
        return tree

    def _name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}_{self.count}"

    def _converter(self, kind: GraphQLOutputType, selection_set: SelectionSetNode | None) -> str:
        """The name of a function taking a read value of `kind` to its answer."""
        name = self._name("convert")
        lines = [
            f"def {name}(value):",
            *self._convert(kind, selection_set, "    "),
            "    return value",
        ]
        self.functions.append("\n".join(lines))
        return name

    def _convert(
        self, kind: GraphQLOutputType, selection_set: SelectionSetNode | None, indent: str
    ) -> list[str]:
        """Lines turning `value`, of `kind`, into its answer in place, or raising NotPlain."""
        if isinstance(kind, GraphQLNonNull):
            return [
                f"{indent}if value is None:",
                f"{indent}    raise NotPlain()",
                *self._convert_present(kind.of_type, selection_set, indent),
            ]
        return [
            f"{indent}if value is not None:",
            *self._convert_present(kind, selection_set, indent + "    "),
        ]

    def _convert_present(
        self, kind: GraphQLOutputType, selection_set: SelectionSetNode | None, indent: str
    ) -> list[str]:
        if isinstance(kind, GraphQLList):
            item = self._converter(kind.of_type, selection_set)
            return [
                f"{indent}if type(value) is not list and type(value) is not tuple:",
                f"{indent}    raise NotPlain()",
                f"{indent}value = [{item}(item) for item in value]",
            ]
        if is_leaf_type(kind):
            return self._leaf(kind, indent)
        if isinstance(kind, GraphQLObjectType) and selection_set is not None:
            build = self._object(kind, selection_set)
            return [f"{indent}value = {build}(value)"]
        raise _Unsupported()  # an interface or a union: the type is decided per value

    def _leaf(self, leaf: Any, indent: str) -> list[str]:
        if leaf in PASSES_THROUGH:
            return [f"{indent}if not ({PASSES_THROUGH[leaf]}):", f"{indent}    raise NotPlain()"]
        members = enum_names(leaf)
        if members is not None:
            enum_type, answers = self._name("ENUM"), self._name("ENUM_NAMES")
            self.names[enum_type], self.names[answers] = members
            return [
                f"{indent}if type(value) is not {enum_type}:",
                f"{indent}    raise NotPlain()",
                f"{indent}value = {answers}[value]",
            ]
        coerce = self._name("LEAF")
        self.names[coerce] = leaf_coercion(leaf)
        return [
            f"{indent}value = {coerce}(value)",
            f"{indent}if value is UNREAD:",
            f"{indent}    raise NotPlain()",
        ]

    def _object(self, object_type: GraphQLObjectType, selection_set: SelectionSetNode) -> str:
        """The name of a function building the answer of one object of `object_type`."""
        name = self._name("build")
        type_name = self._name("TYPE_NAME")
        self.names[type_name] = object_type.name
        lines = [f"def {name}(source):"]
        is_type_of = object_type.is_type_of
        if is_type_of is None:
            lines += [
                "    if isinstance(source, Exception) or is_awaitable(source):",
                "        raise NotPlain()",
            ]
        elif getattr(is_type_of, "__module__", "") == GraphQLCoreConverter.__module__:
            check = self._name("IS_TYPE_OF")
            self.names[check] = is_type_of
            # Strawberry's check reads only the value, never the resolve info.
            lines += [f"    if not {check}(source, None):", "        raise NotPlain()"]
        else:
            raise _Unsupported()
        lines.append("    answer = {}")
        seen: set[str] = set()
        for selection in selection_set.selections:
            if not isinstance(selection, FieldNode) or selection.directives:
                raise _Unsupported()
            response_name = selection.alias.value if selection.alias else selection.name.value
            if response_name in seen:
                raise _Unsupported()  # merged fields: collect_fields' business
            seen.add(response_name)
            key = self._name("KEY")
            self.names[key] = response_name
            field_name = selection.name.value
            if field_name == "__typename":
                lines.append(f"    answer[{key}] = {type_name}")
                continue
            plan = self.plan_of(object_type, field_name)
            if plan is None or selection.arguments:
                raise _Unsupported()
            if plan.leaf is None and selection.selection_set is None:
                raise _Unsupported()
            lines.append(f"    value = {read_expression(plan, self.count, self.names)}")
            self.count += 1
            if not isinstance(plan.read, attrgetter):  # a reader may say: not at hand
                lines += ["    if value is UNREAD:", "        raise NotPlain()"]
            lines += self._convert(plan.field.type, selection.selection_set, "    ")
            lines.append(f"    answer[{key}] = value")
        lines.append("    return answer")
        self.functions.append("\n".join(lines))
        return name
