"""Compiled field sets: the fields of one object, executed by a function written for them.

graphql-core executes an object's fields in a loop that asks, for every field of every object,
what the field is and how to complete it. For a diary week that is some 800 fields over 250
objects, and the asking costs more than the answering. The selection set a document asks of
a type does not change between the objects of a list, nor between requests of the same
document, so `DiaryExecutionContext` writes one Python function per (type, selection) the
first time it meets it, and calls that for every object (the approach graphql-jit takes
for graphql-js).

The function does only the common work itself: it reads each plain attribute, and answers a
null of a nullable field and a `str`, `int`, `float` or `bool` its built-in scalar passes
through unchanged. Everything else (an enum, a custom scalar, an object, a list, a value
that is missing, wrong or raised, a field with a resolver) is handed to the executor's own
generic methods, exactly as before. So errors, their paths and null propagation stay those
of graphql-core, which the tests compare field by field.

What is compiled depends only on the type and the (response name, field name) pairs of the
selection, never on variables or values; aliases and names are passed to the code as data,
never written into it. Compiled functions are kept per schema in a bounded LRU.
"""

from __future__ import annotations

import datetime
import enum
import inspect
import keyword
import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from cachetools import LRUCache
from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
)
from graphql.pyutils import Undefined

if TYPE_CHECKING:
    from graphql.execution.collect_fields import GroupedFieldSet

    from ediary.schema.execution import PlainField

__all__ = ["FieldSet", "compiled_field_set", "leaf_answer"]

# (context, source, path, grouped field set, position context) -> results or an awaitable.
FieldSet = Callable[[Any, Any, Any, "GroupedFieldSet", Any], Any]

# Distinct keys are bounded by the documents served: aliases make them as many as a client
# likes, so the oldest go.
CAPACITY = 2048

_COMPILED: WeakKeyDictionary[GraphQLSchema, LRUCache[tuple[Any, ...], FieldSet]]
_COMPILED = WeakKeyDictionary()

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1

# The built-in scalars whose serializer returns a value of these exact Python types as it is
# (graphql-core's serialize_string, serialize_int within 32 bits, serialize_float for finite
# floats, serialize_boolean, serialize_id for strings): the test each compiles to.
_PASSES_THROUGH: dict[Any, str] = {
    GraphQLString: "type(value) is str",
    GraphQLID: "type(value) is str",
    GraphQLInt: "type(value) is int and INT_MIN <= value <= INT_MAX",
    GraphQLFloat: "type(value) is float and isfinite(value)",
    GraphQLBoolean: "type(value) is bool",
}


def compiled_field_set(
    schema: GraphQLSchema,
    parent_type: GraphQLObjectType,
    grouped_field_set: GroupedFieldSet,
    plan_of: Callable[[GraphQLObjectType, str], PlainField | None],
) -> FieldSet:
    """The function executing `grouped_field_set` on objects of `parent_type`."""
    selection = tuple(
        (response_name, details[0].node.name.value)
        for response_name, details in grouped_field_set.items()
    )
    key = (parent_type, selection)
    kept = _COMPILED.get(schema)
    if kept is None:
        kept = _COMPILED[schema] = LRUCache(CAPACITY)
    found = kept.get(key)
    if found is None:
        found = kept[key] = _compile(parent_type, selection, plan_of)
    return found


def _compile(
    parent_type: GraphQLObjectType,
    selection: tuple[tuple[str, str], ...],
    plan_of: Callable[[GraphQLObjectType, str], PlainField | None],
) -> FieldSet:
    names: dict[str, Any] = {
        "UNREAD": _UNREAD,
        "Undefined": Undefined,
        "PARENT": parent_type,
    }
    lines = [
        "def field_set(context, source, path, grouped, position):",
        "    results = {}",
        "    pending = []",
        "    try:",
    ]
    for index, (response_name, field_name) in enumerate(selection):
        name = f"NAME_{index}"
        names[name] = response_name
        plan = plan_of(parent_type, field_name)
        if plan is None:
            lines += [
                f"        result = context.ordinary_field(PARENT, source, path, grouped[{name}],",
                f"                                        {name}, position)",
                *_keep(name),
            ]
            continue
        names[f"PLAN_{index}"] = plan
        lines += [
            "        try:",
            f"            value = {_read(plan, index, names)}",
            "        except Exception:",
            "            value = UNREAD",
        ]
        # (test, the answer when it holds), tried in turn; otherwise the generic way.
        cases: list[tuple[str, str]] = []
        if not plan.non_null:
            cases.append(("value is None", "None"))
        if plan.leaf is not None:
            cases.append(leaf_answer(plan.leaf, names, f"LEAF_{index}"))
        for number, (test, answer) in enumerate(cases):
            lines += [
                f"        {'if' if number == 0 else 'elif'} {test}:",
                f"            results[{name}] = {answer}",
            ]
        generic = [
            f"        result = context.plain_field(PARENT, PLAN_{index}, source, path,"
            f" grouped[{name}], {name}, value, position)",
            *_keep(name),
        ]
        if cases:
            lines += ["        else:", *("    " + line for line in generic)]
        else:
            lines += generic
    if not selection:  # every field skipped, or fragments only on other types
        lines.append("        pass")
    lines += [
        "    except Exception:",
        "        context.settle_pending(results, pending)",
        "        raise",
        "    if pending:",
        "        return context.gather_pending(results, pending)",
        "    return results",
    ]
    code = "\n".join(lines)
    namespace: dict[str, Any] = {}
    exec(compile(code, f"<field set of {parent_type.name}>", "exec"), names, namespace)
    field_set: FieldSet = namespace["field_set"]
    field_set.__doc__ = f"{parent_type.name} {{ {' '.join(f for _, f in selection)} }}"
    return field_set


def leaf_answer(leaf: Any, names: dict[str, Any], name: str) -> tuple[str, str]:
    """The test that `value` has an answer of this leaf type, and the expression of that
    answer, for compiled code; what they refer to is added to `names`, under names starting
    with `name`."""
    if leaf in _PASSES_THROUGH:
        names.update(INT_MIN=_INT_MIN, INT_MAX=_INT_MAX, isfinite=math.isfinite)
        return _PASSES_THROUGH[leaf], "value"
    members = _enum_names(leaf)
    if members is not None:
        names[f"{name}_ENUM"], names[f"{name}_NAMES"] = members
        return f"type(value) is {name}_ENUM", f"{name}_NAMES[value]"
    names[name] = _leaf_coercion(leaf)
    return f"(coerced := {name}(value)) is not UNREAD", "coerced"


def _enum_names(leaf: Any) -> tuple[type[enum.Enum], dict[enum.Enum, Any]] | None:
    """Strawberry's enum type and the name it serializes each member to, or None for an
    enum strawberry did not make (or a member it would not serialize plainly)."""
    wrapped = getattr(leaf, "wrapped_cls", None)
    if not isinstance(wrapped, type) or not issubclass(wrapped, enum.Enum):
        return None
    answers: dict[enum.Enum, Any] = {}
    for member in wrapped:
        try:
            answer = leaf.coerce_output_value(member)
        except Exception:
            return None
        if answer is None or answer is Undefined:
            return None
        answers[member] = answer
    return wrapped, answers


# What custom scalars mostly serialize, which is never an error or an awaitable: asking
# `inspect.isawaitable` of every date of an answer costs more than serializing it.
_NEVER_AWAITABLE = frozenset(
    {str, int, float, bool, datetime.date, datetime.datetime, datetime.time, Decimal, Fraction}
)


def _leaf_coercion(leaf: Any) -> Callable[[Any], Any]:
    """The leaf's serialized value, or UNREAD for anything the generic way must answer: a
    null, an error as a value, an awaitable, a value the scalar refuses."""
    coerce = leaf.coerce_output_value

    def coerced(value: Any) -> Any:
        if value is None or value is _UNREAD or value is Undefined:
            return _UNREAD
        if type(value) not in _NEVER_AWAITABLE and (
            isinstance(value, Exception) or inspect.isawaitable(value)
        ):
            return _UNREAD
        try:
            answer = coerce(value)
        except Exception:
            return _UNREAD
        return _UNREAD if answer is None or answer is Undefined else answer

    return coerced


def _keep(name: str) -> list[str]:
    """Lines keeping `result` under `name`, unless the field was skipped, noting awaitables."""
    return [
        "        if result is not Undefined:",
        f"            results[{name}] = result",
        "            if context.is_awaitable(result):",
        f"                pending.append({name})",
    ]


def _read(plan: PlainField, index: int, names: dict[str, Any]) -> str:
    """The expression reading the field from `source`: an attribute access where the plan
    reads one attribute by a plain name, else the plan's reader."""
    read = plan.read
    if isinstance(read, attrgetter):
        attribute = read.__reduce__()[1]
        if (
            len(attribute) == 1
            and isinstance(attribute[0], str)
            and attribute[0].isidentifier()
            and not keyword.iskeyword(attribute[0])
            and "." not in attribute[0]
        ):
            return f"source.{attribute[0]}"
    names[f"READ_{index}"] = read
    return f"READ_{index}(source)"


# Distinct from every value a field can hold: reading it raised. Shared with the executor.
class _Unread:
    def __repr__(self) -> str:
        return "UNREAD"


_UNREAD: Any = _Unread()
UNREAD = _UNREAD
