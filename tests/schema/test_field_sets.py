"""Compiled field sets (ediary/schema/field_sets.py): one function per type and selection,
reused by every object and request; names and aliases are data, not code; enums answered as
strawberry serializes them; the kept functions bounded. That their answers are graphql-core's
is tested with the executor (test_execution.py)."""

from __future__ import annotations

import enum
from typing import Any

import pytest
import strawberry
from graphql import GraphQLEnumType, GraphQLObjectType

from ediary.adapters.manager import load_plugins
from ediary.schema import build_schema, field_sets
from ediary.schema.execution import DiaryExecutionContext, plain_field


@strawberry.enum
class Mood(enum.Enum):
    CALM = "calm"
    LOUD = "loud"


class Row:
    def __init__(self, name: str) -> None:
        self.name = name
        self.mood = Mood.CALM
        self.size = 3


@strawberry.type
class Item:
    name: str
    mood: Mood
    size: int


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Row("a"), Row("b"), Row("c")]  # type: ignore[list-item]


def _schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, execution_context_class=DiaryExecutionContext)


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The selections compiled while the test runs."""
    made: list[str] = []
    original = field_sets._compile

    def counting(parent_type: GraphQLObjectType, selection: Any, plan_of: Any) -> Any:
        made.append(f"{parent_type.name}:{','.join(name for name, _ in selection)}")
        return original(parent_type, selection, plan_of)

    monkeypatch.setattr(field_sets, "_compile", counting)
    return made


async def test_a_selection_is_compiled_once_for_every_object_and_request(
    compiled: list[str],
) -> None:
    schema = _schema()
    for _ in range(3):
        result = await schema.execute("{ items { name mood size } }")
        assert result.errors is None
        assert result.data == {"items": [{"name": n, "mood": "CALM", "size": 3} for n in "abc"]}
    assert compiled == ["Query:items", "Item:name,mood,size"]
    # Another selection of the same type is another function.
    await schema.execute("{ items { size } }")
    assert compiled[-1] == "Item:size"


async def test_aliases_are_data_not_code(compiled: list[str]) -> None:
    schema = _schema()
    hostile = "{ items { __import__: name x_os_system: size } }"
    result = await schema.execute(hostile)
    assert result.errors is None
    assert result.data == {"items": [{"__import__": n, "x_os_system": 3} for n in "abc"]}
    assert "Item:__import__,x_os_system" in compiled


def test_enums_are_answered_as_strawberry_serializes_every_member() -> None:
    schema = build_schema(load_plugins())._schema
    checked = 0
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLEnumType) or graphql_type.name.startswith("__"):
            continue
        found = field_sets._enum_names(graphql_type)
        assert found is not None, graphql_type.name
        wrapped, names = found
        assert set(names) == set(wrapped)
        for member, name in names.items():
            assert name == graphql_type.serialize(member)
        checked += 1
    assert checked >= 5


def test_kept_functions_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(field_sets, "_COMPILED", type(field_sets._COMPILED)())
    monkeypatch.setattr(field_sets, "CAPACITY", 4)
    schema = _schema()._schema
    item = schema.get_type("Item")
    assert isinstance(item, GraphQLObjectType)

    class Details:
        def __init__(self, name: str) -> None:
            self.node = type("Node", (), {"name": type("Name", (), {"value": name})()})()

    for alias in range(10):
        grouped: Any = {f"a{alias}": [Details("name")]}
        field_sets.compiled_field_set(schema, item, grouped, plain_field)
    assert len(field_sets._COMPILED[schema]) == 4
