"""Executing a document with less work per plain field.

A diary week is some 800 fields, and most of them are plain: a strawberry field without a
resolver of its own, reading an attribute. For each one graphql-core would build a resolve
info and a path, call strawberry's resolver chain, check for awaitables and complete the value
step by step. `DiaryExecutionContext` reads such a field directly. A scalar or an enum is
serialized as graphql-core's `complete_leaf_value` would; an object or a list, and whatever a
leaf cannot answer plainly (a null for a non-null field, an awaitable, an error as a value), is
completed by graphql-core's own `complete_value`, exactly as `execute_field` would complete
what the resolver returned. A read that raises goes to `execute_field` itself. So errors, their
paths and null propagation stay graphql-core's.

The decision is made once per (parent type, field name) and schema, for any document: there
is no per-query code. A request whose extensions wrap resolvers (a `resolve` hook, seen by
graphql-core as middleware) takes no shortcut, so such hooks still see every field.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    is_leaf_type,
)
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

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

# Distinct from None, the mark of an ordinary field.
_NOT_PLANNED: Any = object()
# Distinct from every value a field can hold: reading it raised.
_UNREAD: Any = object()


def _is_strawberry_basic(resolve: object) -> bool:
    # Strawberry gives a field without a resolver, permission classes or field extensions
    # this resolver, which ignores its info and arguments and reads the attribute (through
    # the config's default_resolver). Fields with a resolver get wrappers that need an info.
    return (
        getattr(resolve, "_is_default", False) is True
        and getattr(resolve, "__name__", "") == "_get_basic_result"
    )


def plain_field(parent_type: GraphQLObjectType, field_name: str) -> PlainField | None:
    """The plan for a field that may skip graphql-core's machinery, or None if it may not.

    Such a field has strawberry's basic resolver and no arguments. `__typename` and
    introspection fields are not fields of the parent type, so they never have a plan."""
    field = parent_type.fields.get(field_name)
    if field is None or field.args or not _is_strawberry_basic(field.resolve):
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
    """Strawberry's executor, reading plain fields without strawberry's resolver chain, and
    answering plain leaves without a resolve info or a path each."""

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

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """Execute the fields of one object, plain fields directly, the rest as graphql-core.

        Mirrors graphql-core's `execute_fields`, which it replaces: awaitables are gathered
        the same way, and settled in the background if a field raises."""
        plans = self._plans
        if plans is None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                field_name = field_details_list[0].node.name.value
                plan = plans.get((parent_type, field_name), _NOT_PLANNED)
                if plan is _NOT_PLANNED:
                    plan = plans[(parent_type, field_name)] = plain_field(parent_type, field_name)
                if plan is not None:
                    try:
                        value = plan.read(source_value)
                    except Exception:
                        value = _UNREAD  # execute_field below reads again and reports it
                    if value is _UNREAD:
                        pass
                    elif value is None or value is Undefined:
                        if not plan.non_null:
                            results[response_name] = None
                            continue
                    elif (
                        plan.leaf is not None
                        and not isinstance(value, Exception)
                        and not is_awaitable(value)
                    ):
                        try:
                            coerced = plan.leaf.coerce_output_value(value)
                        except Exception:
                            coerced = None
                        if coerced is not None and coerced is not Undefined:
                            results[response_name] = coerced
                            continue
                    if value is not _UNREAD:
                        # Objects and lists, and whatever a leaf could not answer plainly
                        # (a null for a non-null field, an awaitable, an error as a value):
                        # completed by graphql-core, as execute_field would complete it.
                        result = self._complete_read(
                            plan,
                            parent_type,
                            Path(path, response_name, parent_type.name),
                            field_details_list,
                            value,
                            position_context,
                        )
                        results[response_name] = result
                        if is_awaitable(result):
                            awaitable_fields.append(response_name)
                        continue
                field_path = Path(path, response_name, parent_type.name)
                result = self.execute_field(
                    parent_type, source_value, field_details_list, field_path, position_context
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise

        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

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
