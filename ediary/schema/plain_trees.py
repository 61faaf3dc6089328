"""Plain trees: a whole sub-answer built by one compiled function.

Compiled field sets (`ediary.schema.field_sets`) answer one object at a time, and still hand
every object and list to the executor, which builds a path, finds the sub-selection and
calls the next field set. Below a resolver, most of a diary week or a class journal is
nothing but stored attributes of plain objects, down to the leaves: the lessons of the days
of a week, the marks of the cells of a journal. A *plain tree* is such a selection, and
`compiled_tree` writes one Python function that walks it over the objects and returns the
finished answer, with no executor, paths or awaitables in between.

A tree answers only what needs no judgement: an object of exactly its strawberry class, a
list or tuple, a null where the schema allows one, a leaf its scalar passes through or
serializes, an enum member. Anything else (a null for a non-null field, a value of another
type, a scalar that refuses the value) and the tree gives up, before anything is written
anywhere: the executor then answers the same objects its own way, reporting the error with
its path. Giving up is safe because a tree reads only what is already there: the stored
attributes of strawberry types (dataclass fields, never properties or resolvers), and the
fields whose type says how to answer them at once (`answered_at_once`), which give up
themselves when their value must be loaded, and relay's `id` of a node that finds its id
and type name relay's own way.

What is compiled depends only on the types and the shape of the selection (response
names, field names, the sub-shapes), never on variables, values or the document's text:
compiled trees are kept per schema in a bounded LRU, and keep no part of a request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar
from weakref import WeakKeyDictionary

from cachetools import LRUCache
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    is_leaf_type,
)
from strawberry import relay
from strawberry.relay import to_base64
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from ediary.schema.field_sets import UNREAD, leaf_answer

if TYPE_CHECKING:
    from ediary.schema.execution import PlainField

__all__ = [
    "GIVE_UP",
    "Shape",
    "Tree",
    "answered_at_once",
    "compiled_tree",
    "stands_in",
    "tree_field",
]


class _GiveUp:
    def __repr__(self) -> str:
        return "GIVE_UP"


# What a tree, or a field answered at once, returns when the executor must answer instead.
GIVE_UP: Any = _GiveUp()

# An object's answer from the object, or GIVE_UP.
Tree = Callable[[Any], Any]

# (object type, ((response name, field name, the sub-shape of an object field or None), ...))
Shape = tuple[GraphQLObjectType, tuple[tuple[str, str, Any], ...]]

# Distinct shapes are bounded by the documents served; aliases make them as many as a client
# likes, so the oldest go.
CAPACITY = 1024

_COMPILED: WeakKeyDictionary[GraphQLSchema, LRUCache[Shape, Tree]] = WeakKeyDictionary()

# Fields with a resolver that can answer without one when their value is at hand: by
# (strawberry class, Python name of the field).
_AT_ONCE: dict[tuple[type, str], Callable[[Any], Any]] = {}

# Rows a strawberry type may be answered from as they are, by strawberry class: the row's
# class and the names of the type's fields the row holds, stored under the same name with
# the same meaning (see `stands_in`).
_STAND_INS: dict[type, dict[type, frozenset[str]]] = {}

# The function behind relay's `Node.id` resolver, which every node type inherits.
_RELAY_ID = next(
    field.base_resolver.wrapped_func.__func__
    for field in relay.Node.__strawberry_definition__.fields  # type: ignore[attr-defined]
    if field.python_name == "_id"
)

Answer = TypeVar("Answer", bound=Callable[[Any], Any])


def answered_at_once(cls: type, field: str) -> Callable[[Answer], Answer]:
    """Register how a tree answers `cls.field` without its resolver: a function of the
    object returning what the resolver would, or GIVE_UP when the resolver must run (its
    value is not loaded). It must only read what the object holds."""

    def register(answer: Answer) -> Answer:
        _AT_ONCE[(cls, field)] = answer
        return answer

    return register


def stands_in(cls: type, row: type, fields: Iterable[str]) -> None:
    """Let a tree answer `cls` straight from an object of exactly `row`, the domain row the
    type is made from, when every field selected is one of `fields` (stored by `cls` and by
    `row` under the same name, with the same meaning; relay's `id` among them when the row
    holds the node's id) or answered at once for `row` (`answered_at_once(row, ...)`).
    The executor never sees such a row: only a field answered at once hands rows to a tree,
    and its resolver gives the executor strawberry objects made from them. So a row
    selected for more than it holds makes the tree give up, and the executor answers."""
    stored = {f.name for f in dataclasses.fields(cls)}
    held = {f.name for f in dataclasses.fields(row)}
    names = frozenset(fields)
    assert names <= stored and names <= held, (cls, row, names - stored, names - held)
    _STAND_INS.setdefault(cls, {})[row] = names


def _row_field(
    object_type: GraphQLObjectType,
    field_name: str,
    row: type,
    fields: frozenset[str],
    reader_of: Callable[[GraphQLObjectType, str], Callable[[Any], Any] | str | None],
) -> Callable[[Any], Any] | str | None:
    """How a tree reads a field of `object_type` from a row standing in for it, or None."""
    definition = object_type.fields[field_name].extensions.get(
        GraphQLCoreConverter.DEFINITION_BACKREF
    )
    if not isinstance(definition, StrawberryField):
        return None
    at_once = _AT_ONCE.get((row, definition.python_name))
    if at_once is not None:
        return at_once
    reader = reader_of(object_type, field_name)
    if isinstance(reader, str):
        return reader if reader in fields else None
    cls = _origin(object_type)
    if reader is not None and _is_relay_id(definition) and cls is not None:
        attribute = cls.resolve_id_attr()  # type: ignore[attr-defined]
        return _global_id(object_type.name, attribute) if attribute in fields else None
    return None


def _origin(object_type: GraphQLObjectType) -> type | None:
    definition = object_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    origin = getattr(definition, "origin", None)
    return origin if isinstance(origin, type) and dataclasses.is_dataclass(origin) else None


def tree_field(
    parent_type: GraphQLObjectType, field_name: str, plan: PlainField | None
) -> Callable[[Any], Any] | str | None:
    """How a tree reads a field: the name of a stored attribute, a function answering it at
    once, or None when only the executor may answer it."""
    cls = _origin(parent_type)
    field = parent_type.fields.get(field_name)
    if cls is None or field is None or field.args:
        return None
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField):
        return None
    stored = {f.name for f in dataclasses.fields(cls)}
    if plan is not None and isinstance(plan.read, attrgetter):
        name = definition.python_name
        return name if name in stored and name.isidentifier() else None
    if _is_relay_id(definition) and _plain_node(cls, stored):
        return _global_id(parent_type.name, cls.resolve_id_attr())
    return _AT_ONCE.get((cls, definition.python_name))


def _is_relay_id(definition: StrawberryField) -> bool:
    """Whether the field is relay's `Node.id`, not a field of the type's own."""
    wrapped = getattr(definition.base_resolver, "wrapped_func", None)
    return getattr(wrapped, "__func__", None) is _RELAY_ID


def _plain_node(cls: type, stored: set[str]) -> TypeGuard[type[relay.Node]]:
    """Whether `cls` is a relay node whose `id` is relay's own: its type's name and the
    stored attribute its `NodeID` marks, neither way of finding them overridden."""
    if not issubclass(cls, relay.Node):
        return False
    own = (
        getattr(cls.resolve_id, "__func__", None) is relay.Node.resolve_id.__func__  # type: ignore[attr-defined]
        and getattr(cls.resolve_typename, "__func__", None) is relay.Node.resolve_typename.__func__  # type: ignore[attr-defined]
    )
    return own and cls.resolve_id_attr() in stored


def _global_id(type_name: str, attribute: str) -> Callable[[Any], Any]:
    """What relay's `id` resolver answers, as the string the ID scalar serializes it to."""
    read = attrgetter(attribute)

    def answer(source: Any) -> Any:
        node_id = read(source)
        return GIVE_UP if node_id is None else to_base64(type_name, str(node_id))

    return answer


def compiled_tree(
    schema: GraphQLSchema,
    shape: Shape,
    reader_of: Callable[[GraphQLObjectType, str], Callable[[Any], Any] | str | None],
) -> Tree:
    """The function answering objects of `shape`'s type with its selection."""
    kept = _COMPILED.get(schema)
    if kept is None:
        kept = _COMPILED[schema] = LRUCache(CAPACITY)
    found = kept.get(shape)
    if found is None:
        found = kept[shape] = _Writer(reader_of).tree(shape)
    return found


class _Writer:
    """Writes the functions of one tree: one function per object of the shape."""

    def __init__(
        self, reader_of: Callable[[GraphQLObjectType, str], Callable[[Any], Any] | str | None]
    ) -> None:
        self.reader_of = reader_of
        self.names: dict[str, Any] = {"GIVE_UP": GIVE_UP, "UNREAD": UNREAD}
        self.functions: list[str] = []
        self.count = 0

    def tree(self, shape: Shape) -> Tree:
        first = self.object(shape)
        code = "\n\n".join(self.functions)
        # The functions call one another by name: they are defined among the names they use.
        exec(compile(code, f"<plain tree of {shape[0].name}>", "exec"), self.names)
        tree: Tree = self.names[first]
        return tree

    def fresh(self, prefix: str) -> str:
        """A name used nowhere else in the tree's code."""
        self.count += 1
        return f"{prefix}_{self.count}"

    def name(self, prefix: str, value: Any) -> str:
        """A fresh name for `value` in the tree's code."""
        name = self.fresh(prefix)
        self.names[name] = value
        return name

    def object(self, shape: Shape) -> str:
        """Writes the function answering one object of the shape; returns its name."""
        object_type = shape[0]
        cls = _origin(object_type)
        function = self.fresh("object")
        self.functions.append("")  # its place: functions it calls are written after it
        place = len(self.functions) - 1
        lines = [
            f"def {function}(source):",
            f"    if type(source) is not {self.name('CLASS', cls)}:",
        ]
        for row, fields in _STAND_INS.get(cls, {}).items() if cls is not None else ():
            answer_row = self.row_object(shape, row, fields)
            lines += [
                f"        if type(source) is {self.name('ROW', row)}:",
                f"            return {answer_row}(source)",
            ]
        lines.append("        return GIVE_UP")
        self.functions[place] = "\n".join(
            lines + self.answer(shape, lambda name: self.reader_of(object_type, name))
        )
        return function

    def row_object(self, shape: Shape, row: type, fields: frozenset[str]) -> str:
        """Writes the function answering one object of the shape from a row standing in for
        it (see `stands_in`); returns its name."""
        object_type = shape[0]
        function = self.fresh("row")
        self.functions.append("")
        place = len(self.functions) - 1

        def reader(field_name: str) -> Callable[[Any], Any] | str | None:
            return _row_field(object_type, field_name, row, fields, self.reader_of)

        body = self.answer(shape, reader)
        self.functions[place] = "\n".join([f"def {function}(source):", *body])
        return function

    def answer(
        self,
        shape: Shape,
        reader_of: Callable[[str], Callable[[Any], Any] | str | None],
    ) -> list[str]:
        """The lines building the answer of `source` with the shape's selection."""
        object_type, selection = shape
        lines = ["    answer = {}"]
        for response_name, field_name, sub_shape in selection:
            key = self.name("KEY", response_name)
            if field_name == "__typename":
                lines.append(f"    answer[{key}] = {self.name('TYPENAME', object_type.name)}")
                continue
            reader = reader_of(field_name)
            if reader is None:
                # Only a row standing in for the type lacks a field: the executor answers.
                return ["    return GIVE_UP"]
            if isinstance(reader, str):
                lines.append(f"    value = source.{reader}")
            else:
                lines += [
                    f"    value = {self.name('AT_ONCE', reader)}(source)",
                    "    if value is GIVE_UP:",
                    "        return GIVE_UP",
                ]
            field_type = object_type.fields[field_name].type
            lines += self.value(field_type, sub_shape, f"answer[{key}]", "    ")
        lines.append("    return answer")
        return lines

    def value(self, kind: GraphQLOutputType, sub_shape: Any, target: str, indent: str) -> list[str]:
        """Lines setting `target` to the answer of `value` of type `kind`, or giving up."""
        nullable = not isinstance(kind, GraphQLNonNull)
        inner = kind if nullable else kind.of_type  # type: ignore[union-attr]
        lines: list[str] = []
        if nullable:
            lines += [
                f"{indent}if value is None:",
                f"{indent}    {target} = None",
                f"{indent}else:",
            ]
            indent += "    "
        if isinstance(inner, GraphQLList) and sub_shape is not None:
            # Objects: an item that is an object seen before in the list (the empty cell a
            # class journal's row holds between its filled ones) gets the answer already
            # made; answers are only read. The list holds its items while this runs, so an
            # id is theirs; the one just before is asked about first, as most repeats are.
            items, last, seen = self.fresh("items"), self.fresh("last"), self.fresh("seen")
            key = self.fresh("key")
            lines += [
                f"{indent}if type(value) is not list and type(value) is not tuple:",
                f"{indent}    return GIVE_UP",
                f"{indent}{items} = []",
                f"{indent}{last} = UNREAD",
                f"{indent}{seen} = {{}}",
                f"{indent}for value in value:",
                f"{indent}    if value is {last}:",
                f"{indent}        {items}.append(item_{items})",
                f"{indent}        continue",
                f"{indent}    {last} = value",
                f"{indent}    {key} = id(value)",
                f"{indent}    item_{items} = {seen}.get({key}, UNREAD)",
                f"{indent}    if item_{items} is not UNREAD:",
                f"{indent}        {items}.append(item_{items})",
                f"{indent}        continue",
                *self.value(inner.of_type, sub_shape, f"item_{items}", indent + "    "),
                f"{indent}    {seen}[{key}] = item_{items}",
                f"{indent}    {items}.append(item_{items})",
                f"{indent}{target} = {items}",
            ]
        elif isinstance(inner, GraphQLList):
            items = self.fresh("items")
            lines += [
                f"{indent}if type(value) is not list and type(value) is not tuple:",
                f"{indent}    return GIVE_UP",
                f"{indent}{items} = []",
                f"{indent}for value in value:",
                *self.value(inner.of_type, sub_shape, f"item_{items}", indent + "    "),
                f"{indent}    {items}.append(item_{items})",
                f"{indent}{target} = {items}",
            ]
        elif is_leaf_type(inner):
            test, answer = leaf_answer(inner, self.names, self.fresh("LEAF"))
            lines += [
                f"{indent}if {test}:",
                f"{indent}    {target} = {answer}",
                f"{indent}else:",
                f"{indent}    return GIVE_UP",
            ]
        else:
            assert isinstance(inner, GraphQLObjectType) and sub_shape is not None
            lines += [
                f"{indent}value = {self.object(sub_shape)}(value)",
                f"{indent}if value is GIVE_UP:",
                f"{indent}    return GIVE_UP",
                f"{indent}{target} = value",
            ]
        return lines
