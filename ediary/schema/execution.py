"""Executing a document with less work per plain field.

A diary week is some 800 fields over 250 objects, and most fields are plain: a strawberry
field without a resolver of its own, reading an attribute. For each one graphql-core would
build a resolve info and a path, call strawberry's resolver chain, check for awaitables and
complete the value step by step. `DiaryExecutionContext` runs each object's fields with a
function compiled for its type and selection (`ediary.schema.field_sets`), which reads plain
fields directly and answers their common values itself. What that function leaves comes
here: `plain_field` serializes a scalar or an enum as graphql-core's `complete_leaf_value`
would and completes a plain object or list of objects without a resolve info
(`_complete_plainly`); whatever it cannot answer plainly (a null for a non-null field, an
awaitable, an error as a value, an abstract type) is completed by graphql-core's own
`complete_value`, exactly as `execute_field` would complete what a resolver returned. A read
that raises, and a field with a resolver, go to `execute_field` itself. So errors, their paths
and null propagation stay graphql-core's.

Which fields are plain is decided once per (parent type, field name) and schema. A request
whose extensions wrap resolvers (a `resolve` hook, seen by graphql-core as middleware) takes
none of these shortcuts, so such hooks still see every field.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from weakref import WeakKeyDictionary

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.execution.is_awaitable import optimized_is_awaitable as is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from ediary.schema.field_sets import UNREAD, FieldSet, compiled_field_set
from ediary.schema.plain_trees import GIVE_UP, Shape, Tree, compiled_tree, tree_field

if TYPE_CHECKING:
    from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
    from graphql.pyutils import AwaitableOrValue

__all__ = ["DiaryExecutionContext", "plain_field"]


class PlainField(NamedTuple):
    """How to answer one plain field without graphql-core's per-field machinery."""

    field: GraphQLField
    read: Callable[[Any], Any]  # what strawberry's resolver of a field without one reads
    leaf: GraphQLLeafType | None  # the scalar or enum a leaf serializes to
    non_null: bool


# Plans by schema, then by (parent type, field name); None marks an ordinary field. Weak, so
# a schema built and dropped (tests build many) takes its plans with it.
_PLANS: WeakKeyDictionary[GraphQLSchema, dict[tuple[GraphQLObjectType, str], PlainField | None]]
_PLANS = WeakKeyDictionary()

# Where strawberry defines the is_type_of it gives object types that implement interfaces.
_STRAWBERRY_CONVERTER = GraphQLCoreConverter.__module__

# How trees read each field, by schema, then by (parent type, field name); see _PLANS.
_TREE_FIELDS: WeakKeyDictionary[
    GraphQLSchema, dict[tuple[GraphQLObjectType, str], Callable[[Any], Any] | str | None]
]
_TREE_FIELDS = WeakKeyDictionary()

# Plain trees (or None: not a tree) by operation, while its document lives; then by schema,
# parent type and the ids of the field nodes a selection starts from (nodes of the same
# document, so their ids are theirs as long as the entry is there). See
# DiaryExecutionContext._tree.
_KnownTrees = dict[tuple[GraphQLSchema, GraphQLObjectType, tuple[int, ...]], "Tree | None"]
_KNOWN_TREES: dict[int, _KnownTrees] = {}


def _known_trees(operation: OperationDefinitionNode) -> _KnownTrees:
    known = _KNOWN_TREES.get(id(operation))
    if known is None:
        known = _KNOWN_TREES[id(operation)] = {}
        # A document only this request holds (an anonymous client's) takes its trees along.
        weakref.finalize(operation, _KNOWN_TREES.pop, id(operation), None)
    return known


# Distinct from None, the mark of an ordinary field.
_NOT_PLANNED: Any = object()
# Distinct from every value a field can hold: reading it raised.
_UNREAD: Any = UNREAD


def _is_strawberry_basic(field: GraphQLField) -> bool:
    # Strawberry gives a field without a resolver, permission classes or field extensions
    # a resolver that ignores its info and arguments and reads the attribute (through the
    # config's default_resolver). A field whose extensions only mark it (the limits'
    # MaxItems: no resolve hook, so strawberry leaves them out of the resolve chain) reads
    # the same attribute through wrappers that build an info first. Fields with a resolver
    # get wrappers that need an info.
    if getattr(field.resolve, "_is_default", False) is not True:
        return False
    if getattr(field.resolve, "__name__", "") == "_get_basic_result":
        return True
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return (
        isinstance(definition, StrawberryField)
        and definition.base_resolver is None
        and not definition.permission_classes
        and not any(extension.has_resolver for extension in definition.extensions)
    )


def plain_field(parent_type: GraphQLObjectType, field_name: str) -> PlainField | None:
    """The plan for a field that may skip graphql-core's machinery, or None if it may not.

    Such a field has strawberry's basic resolver and no arguments. `__typename` and
    introspection fields are not fields of the parent type, so they never have a plan."""
    field = parent_type.fields.get(field_name)
    if field is None or field.args or not _is_strawberry_basic(field):
        return None
    kind = field.type
    non_null = isinstance(kind, GraphQLNonNull)
    if non_null:
        kind = kind.of_type
    return PlainField(field, _reader(field), kind if is_leaf_type(kind) else None, non_null)


def _reader(field: GraphQLField) -> Callable[[Any], Any]:
    resolve = field.resolve
    assert resolve is not None  # checked by _is_strawberry_basic
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if (
        isinstance(definition, StrawberryField)
        and definition.base_resolver is None
        and definition.default_resolver is getattr
    ):
        # The basic resolver calls the field's get_result, which reads the attribute with the
        # config's default_resolver: getattr, unless a schema chose another. One C call
        # instead of four Python ones, for most of the fields of an answer.
        return attrgetter(definition.python_name)
    return lambda source: resolve(source, None)


class DiaryExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, running each object's fields by a compiled function, plain
    fields without strawberry's resolver chain, a resolve info or graphql-core's dispatch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        plans: dict[tuple[GraphQLObjectType, str], PlainField | None] | None = None
        if manager is None or not manager.middlewares:
            plans = _PLANS.get(self.schema)
            if plans is None:
                plans = _PLANS[self.schema] = {}
        # None: a resolve hook wraps every field, so every field takes the ordinary path.
        self._plans = plans
        self._field_sets: dict[tuple[GraphQLObjectType, int], FieldSet] = {}
        # By (type, id of a grouped field set graphql-core keeps for the request).
        self._shapes: dict[tuple[GraphQLObjectType, int], Shape | None] = {}
        self._trees: dict[tuple[GraphQLObjectType, int], Tree | None] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """Execute the fields of one object with the function compiled for its selection
        (`ediary.schema.field_sets`), which answers plain fields itself and hands the rest to
        `plain_field` and `ordinary_field`."""
        if self._plans is None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        if position_context is None:
            tree = self._tree(parent_type, grouped_field_set)
            if tree is not None:
                answer = tree(source_value)
                if answer is not GIVE_UP:
                    return cast("dict[str, Any]", answer)
        # The objects of a list share their grouped field set (graphql-core memoizes it for
        # the request), so the compiled function is found once per list, not per object.
        field_set = self._field_set(parent_type, grouped_field_set)
        results: AwaitableOrValue[dict[str, Any]]
        results = field_set(self, source_value, path, grouped_field_set, position_context)
        return results

    def _field_set(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> FieldSet:
        key = (parent_type, id(grouped_field_set))
        field_set = self._field_sets.get(key)
        if field_set is None:
            field_set = self._field_sets[key] = compiled_field_set(
                self.schema, parent_type, grouped_field_set, self._plan_of
            )
        return field_set

    def _tree(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> Tree | None:
        """The plain tree answering the selection on objects of this type, if it is one."""
        key = (parent_type, id(grouped_field_set))
        if key in self._trees:
            return self._trees[key]
        # Across requests, by the document's own field nodes: a kept document (most are)
        # gives the same nodes each time, and walking its selection for the shape cost more
        # than answering a week from the tree.
        nodes = tuple(details.node for found in grouped_field_set.values() for details in found)
        known = _known_trees(self.operation)
        known_key = (self.schema, parent_type, tuple(map(id, nodes)))
        if known_key in known:
            tree = self._trees[key] = known[known_key]
            return tree
        shape = self._shape(parent_type, grouped_field_set)
        tree = self._trees[key] = (
            None if shape is None else compiled_tree(self.schema, shape, self._tree_field)
        )
        if self._fixed(nodes):
            known[known_key] = tree
        return tree

    def _fixed(self, nodes: tuple[FieldNode, ...]) -> bool:
        """Whether what is collected below these fields is the same whatever the variables:
        no directive anywhere under them (`@skip`, `@include`, `@defer` decide per request),
        no fragment taking arguments."""
        stack = [node.selection_set for node in nodes if node.selection_set is not None]
        seen: set[str] = set()
        while stack:
            for selection in stack.pop().selections:
                if selection.directives:
                    return False
                if isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or fragment.variable_signatures:
                        return False
                    if name not in seen:
                        seen.add(name)
                        if fragment.definition.directives:
                            return False
                        stack.append(fragment.definition.selection_set)
                elif (
                    isinstance(selection, FieldNode | InlineFragmentNode)
                    and selection.selection_set is not None
                ):
                    stack.append(selection.selection_set)
        return True

    def _shape(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> Shape | None:
        """The selection's shape if every field in it, down to the leaves, is one a tree
        reads (`plain_trees.tree_field`) of an object type, and nothing is deferred,
        streamed or directed; None otherwise."""
        key = (parent_type, id(grouped_field_set))
        if key in self._shapes:
            return self._shapes[key]
        self._shapes[key] = None  # stays None for a selection the walk below gives up on
        selection: list[tuple[str, str, Shape | None]] = []
        for response_name, details_list in grouped_field_set.items():
            field_name = details_list[0].node.name.value
            if field_name == "__typename":
                selection.append((response_name, field_name, None))
                continue
            if self._tree_field(parent_type, field_name) is None or any(
                details.node.directives or details.defer_usage is not None
                for details in details_list
            ):
                return None
            named = get_named_type(parent_type.fields[field_name].type)
            if is_leaf_type(named):
                selection.append((response_name, field_name, None))
                continue
            if not isinstance(named, GraphQLObjectType):
                return None
            collected = self.collect_subfields(named, details_list)
            if collected.new_defer_usages or collected.forbidden_directive_instances:
                return None
            sub_shape = self._shape(named, collected.grouped_field_set)
            if sub_shape is None:
                return None
            selection.append((response_name, field_name, sub_shape))
        shape = self._shapes[key] = (parent_type, tuple(selection))
        return shape

    def _tree_field(
        self, parent_type: GraphQLObjectType, field_name: str
    ) -> Callable[[Any], Any] | str | None:
        fields = _TREE_FIELDS.get(self.schema)
        if fields is None:
            fields = _TREE_FIELDS[self.schema] = {}
        key = (parent_type, field_name)
        if key not in fields:
            fields[key] = tree_field(
                parent_type, field_name, self._plan_of(parent_type, field_name)
            )
        return fields[key]

    def _plan_of(self, parent_type: GraphQLObjectType, field_name: str) -> PlainField | None:
        plans = self._plans
        assert plans is not None
        plan: PlainField | None = plans.get((parent_type, field_name), _NOT_PLANNED)
        if plan is _NOT_PLANNED:
            plan = plans[(parent_type, field_name)] = plain_field(parent_type, field_name)
        return plan

    def ordinary_field(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        field_details_list: FieldDetailsList,
        response_name: str,
        position_context: Any,
    ) -> Any:
        """A field with a resolver of its own, executed by graphql-core."""
        return self.execute_field(
            parent_type,
            source_value,
            field_details_list,
            Path(path, response_name, parent_type.name),
            position_context,
        )

    def plain_field(
        self,
        parent_type: GraphQLObjectType,
        plan: PlainField,
        source_value: Any,
        path: Path | None,
        field_details_list: FieldDetailsList,
        response_name: str,
        value: Any,
        position_context: Any,
    ) -> Any:
        """A plain field whose value the compiled function read but did not answer: a leaf
        serialized as graphql-core's complete_leaf_value would, the rest completed as
        execute_field would complete what a resolver returned. A read that raised goes to
        execute_field itself, which reads again and reports the error."""
        if value is _UNREAD:
            return self.execute_field(
                parent_type,
                source_value,
                field_details_list,
                Path(path, response_name, parent_type.name),
                position_context,
            )
        if value is None or value is Undefined:
            if not plan.non_null:
                return None
        elif (
            plan.leaf is not None
            and not isinstance(value, Exception)
            and not self.is_awaitable(value)
        ):
            try:
                coerced = plan.leaf.coerce_output_value(value)
            except Exception:
                coerced = None
            if coerced is not None and coerced is not Undefined:
                return coerced
        # Objects and lists, and whatever a leaf could not answer plainly (a null for a
        # non-null field, an awaitable, an error as a value).
        return self._complete_read(
            plan,
            parent_type,
            Path(path, response_name, parent_type.name),
            field_details_list,
            value,
            position_context,
        )

    def settle_pending(self, results: dict[str, Any], pending: list[str]) -> None:
        """A field raised: awaitables already started are settled in the background, as
        graphql-core's execute_fields does."""
        if pending:
            self.settle_in_background([results[name] for name in pending])

    async def gather_pending(self, results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
        """The object's results once its awaitable fields are answered."""
        if len(pending) == 1:
            name = pending[0]
            results[name] = await results[name]
        else:
            awaited = await gather_with_cancel(*(results[name] for name in pending))
            results.update(zip(pending, awaited, strict=True))
        return results

    def _complete_read(
        self,
        plan: PlainField,
        parent_type: GraphQLObjectType,
        path: Path,
        field_details_list: FieldDetailsList,
        value: Any,
        position_context: Any,
    ) -> Any:
        """What graphql-core's execute_field does with the value a resolver returned."""
        return_type = plan.field.type
        try:
            completed = self._complete_plainly(
                return_type, field_details_list, path, value, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if completed is not _UNREAD:
            return completed
        info = self.build_resolve_info(plan.field, to_nodes(field_details_list), parent_type, path)
        try:
            if self.is_awaitable(value):
                return self.complete_awaitable_value(
                    return_type, field_details_list, info, path, value, position_context
                )
            completed = self.complete_value(
                return_type, field_details_list, info, path, value, position_context
            )
            if self.is_awaitable(completed):
                return self._await_completed(completed, return_type, field_details_list, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        return completed

    async def _await_completed(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None

    def _complete_plainly(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
        value: Any,
        position_context: Any,
    ) -> Any:
        """Complete an object, or a list of objects or leaves, as graphql-core's complete_value
        would, without a resolve info or its dispatch on every item; `_UNREAD` when the value
        is not that plain, before anything was done, so graphql-core completes it instead.

        Plain means: present, not an error or an awaitable, of the field's own object type
        (no abstract type, no `is_type_of` but strawberry's, which ignores its info), a list
        of such items, and no directive on the field (so no @stream)."""
        if isinstance(return_type, GraphQLNonNull):
            return_type = return_type.of_type
        if isinstance(return_type, GraphQLObjectType):
            if value is None or not _is_plainly(return_type, value):
                return _UNREAD
            return self._complete_object(
                return_type, field_details_list, path, value, position_context
            )
        if not isinstance(return_type, GraphQLList) or not isinstance(value, list | tuple):
            return _UNREAD
        for details in field_details_list:
            if details.node.directives:
                return _UNREAD
        if not value:  # most of a journal's cells: no marks
            return []
        item_type = return_type.of_type
        inner = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if isinstance(inner, GraphQLObjectType):
            for item in value:
                if item is None or not _is_plainly(inner, item):
                    return _UNREAD
            return self._complete_objects(
                inner, item_type, field_details_list, path, value, position_context
            )
        if is_leaf_type(inner):
            leaves: list[Any] = []
            for item in value:
                if item is None:
                    if inner is not item_type:
                        return _UNREAD
                    leaves.append(None)
                    continue
                try:
                    coerced = inner.coerce_output_value(item)
                except Exception:
                    return _UNREAD
                if coerced is None or coerced is Undefined:
                    return _UNREAD
                leaves.append(coerced)
            return leaves
        return _UNREAD

    def _complete_object(
        self,
        object_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        value: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(
            object_type, field_details_list
        )
        return self.execute_collected_subfields(
            object_type, value, path, grouped_field_set, new_defer_usages, position_context
        )

    def _complete_objects(
        self,
        object_type: GraphQLObjectType,
        item_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
        items: list[Any] | tuple[Any, ...],
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        """A list of objects, item by item as graphql-core's complete_iterable_value: an item
        that fails is reported at its index and is null, or fails the list if non-null."""
        is_awaitable = self.is_awaitable
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(
            object_type, field_details_list
        )
        # Without @defer the items' fields are executed as execute_collected_subfields would
        # (no delivery group), by the one function compiled for them, found once per list.
        field_set = (
            self._field_set(object_type, grouped_field_set)
            if self._plans is not None and not new_defer_usages and position_context is None
            else None
        )
        tree = self._tree(object_type, grouped_field_set) if field_set is not None else None
        try:
            for index, item in enumerate(items):
                item_path = path.add_key(index, None)
                try:
                    result = GIVE_UP if tree is None else tree(item)
                    if result is GIVE_UP:
                        result = (
                            self._complete_object(
                                object_type, field_details_list, item_path, item, position_context
                            )
                            if field_set is None
                            else field_set(self, item, item_path, grouped_field_set, None)
                        )
                except Exception as raw_error:
                    self.handle_field_error(raw_error, item_type, field_details_list, item_path)
                    result = None
                if is_awaitable(result):
                    result = self._await_completed(result, item_type, field_details_list, item_path)
                    awaitable_indices.append(index)
                completed.append(result)
        except Exception:
            if awaitable_indices:
                self.settle_in_background([completed[index] for index in awaitable_indices])
            raise
        if not awaitable_indices:
            return completed

        async def get_completed() -> list[Any]:
            awaited = await gather_with_cancel(*(completed[index] for index in awaitable_indices))
            for index, result in zip(awaitable_indices, awaited, strict=True):
                completed[index] = result
            return completed

        return get_completed()


def _is_plainly(object_type: GraphQLObjectType, value: Any) -> bool:
    """Whether `value` is of `object_type` without asking for a resolve info: no check at
    all, or strawberry's own, which reads only the value (and holds only for instances of
    strawberry types, which are never errors or awaitables)."""
    is_type_of = object_type.is_type_of
    if is_type_of is None:
        return not isinstance(value, Exception) and not is_awaitable(value)
    if getattr(is_type_of, "__module__", "") != _STRAWBERRY_CONVERTER:
        return False
    return bool(is_type_of(value, cast("GraphQLResolveInfo[Any]", None)))  # unread by strawberry's
