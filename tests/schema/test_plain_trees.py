"""Plain trees answer what graphql-core would, or give up before answering anything: compared
with strawberry's own executor on strawberry objects holding odd values, since a tree reads
only objects of exactly its types."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import enum
import gc
from collections.abc import Generator
from inspect import isawaitable
from types import SimpleNamespace
from typing import Any

import pytest
import strawberry
from graphql import DocumentNode, GraphQLObjectType, execute, parse, print_ast
from strawberry import relay
from strawberry.extensions import FieldExtension
from strawberry.relay import to_base64
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from ediary.schema.execution import _KNOWN_TREES, DiaryExecutionContext
from ediary.schema.plain_trees import GIVE_UP, answered_at_once, stands_in, tree_field


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class Shout(FieldExtension):
    """An extension with a resolve hook: the field is not read plainly."""

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        return str(next_(source, info, **kwargs)).upper()


@strawberry.type
class Leaf:
    name: str
    nickname: str | None
    count: int | None
    colour: Colour
    day: datetime.date
    tags: list[str] | None
    loud: str = strawberry.field(extensions=[Shout()])
    _badge: strawberry.Private[str | None] = None

    @strawberry.field
    def badge(self) -> str | None:
        found = self.badge_at_once()
        return "loaded" if found is GIVE_UP else found

    def badge_at_once(self) -> str | None:
        return GIVE_UP if self._badge is None else self._badge


answered_at_once(Leaf, "badge")(Leaf.badge_at_once)


@strawberry.type
class Branch:
    label: str
    leaves: list[Leaf | None]
    strict: list[Leaf]
    spare: Leaf | None


@strawberry.type
class Pin(relay.Node):
    """A node whose id relay finds its own way: trees answer it."""

    id: relay.NodeID[int]
    name: str


@strawberry.type
class Tag(relay.Node):
    """A node that finds its id its own way: trees leave it to the resolver."""

    code: relay.NodeID[str]

    @classmethod
    def resolve_id(cls, root: Tag, *, info: Any) -> str:
        return root.code.upper()


@dataclasses.dataclass
class LeafRow:
    """A row a Leaf is made from, as the domain's rows are: trees answer it as a Leaf."""

    name: Any
    count: Any
    colour: Any
    day: Any
    tags: Any
    nickname: str = "not the leaf's nickname"  # held, but not said to mean the same


# How many rows were made into leaves: by the executor, when a tree gave up on them.
MADE: list[LeafRow] = []


def _leaf_of(row: LeafRow) -> Leaf:
    MADE.append(row)
    return _leaf(row.name, count=row.count, colour=row.colour, day=row.day, tags=row.tags)


@strawberry.type
class Grove:
    """Leaves kept as rows: the executor gets leaves made from them, a tree the rows."""

    label: str
    _rows: strawberry.Private[list[LeafRow | None]]

    @strawberry.field
    def leaves(self) -> list[Leaf | None]:
        return [None if row is None else _leaf_of(row) for row in self._rows]


answered_at_once(Grove, "leaves")(lambda grove: grove._rows)
stands_in(Leaf, LeafRow, ("name", "count", "colour", "day", "tags"))
# What Leaf.badge answers for a leaf made from a row (its `_badge` is "given").
answered_at_once(LeafRow, "badge")(lambda row: "given")


def _row(name: Any = "row", **odd: Any) -> LeafRow:
    values = {"count": 2, "colour": Colour.GREEN, "day": datetime.date(2026, 12, 8), "tags": []}
    return LeafRow(name, **{**values, **odd})


class _Later:
    """An awaitable held as a value, counting how often it was awaited."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.awaited = 0

    def __await__(self) -> Generator[Any, None, str]:
        self.awaited += 1
        yield from asyncio.sleep(0).__await__()
        return self.value


def _leaf(name: Any = "plain", **odd: Any) -> Leaf:
    values: dict[str, Any] = {
        "name": name,
        "nickname": None,
        "count": 1,
        "colour": Colour.RED,
        "day": datetime.date(2026, 11, 23),
        "tags": [name, "shared"],
        "loud": "quiet",
        "_badge": "given",
    }
    return Leaf(**{**values, **odd})


def _odd_leaves() -> list[Any]:
    return [
        _leaf(),
        _leaf(None),  # a null in the non-null `name`
        _leaf("odd", count="many"),  # a value Int refuses
        _leaf("big", count=2**40),  # an int outside GraphQL's Int
        _leaf("paint", colour="purple"),  # not a member of the enum
        _leaf("error", count=ValueError("an error as a value")),
        _leaf("late", nickname=_Later("awaited")),  # an awaitable held as a value
        _leaf("unloaded", _badge=None),  # a field its resolver must load
        _leaf("day", day="2026-11-23"),  # a string where a date belongs
        _leaf("tags", tags=("a", None)),  # a null in a list of non-null strings
    ]


@strawberry.type
class Query:
    @strawberry.field
    def tidy(self) -> Branch:
        leaves = [_leaf("a"), _leaf("b", nickname="bee", tags=())]
        return Branch(label="tidy", leaves=leaves, strict=leaves, spare=None)

    @strawberry.field
    def odd(self) -> list[Branch | None]:
        return [
            Branch(label=str(leaf.name), leaves=[leaf, None], strict=[leaf], spare=leaf)
            for leaf in _odd_leaves()
        ]

    @strawberry.field
    def repeated(self) -> Branch:
        # The same object again and again in one list, as a class journal's empty cells are.
        shared, odd = _leaf("shared"), _leaf(None)
        leaves = [shared, shared, _leaf("own"), shared, None, None, shared]
        return Branch(label="repeated", leaves=leaves, strict=[odd, odd], spare=shared)

    @strawberry.field
    def pins(self) -> list[Pin | None]:
        return [Pin(id=1, name="one"), Pin(id=None, name="none"), Pin(id=3, name="three")]  # type: ignore[arg-type]

    @strawberry.field
    def tags(self) -> list[Tag]:
        return [Tag(code="a"), Tag(code="b")]

    @strawberry.field
    def grove(self) -> Grove:
        shared = _row("shared")
        return Grove(label="grove", _rows=[_row("a"), shared, shared, None, _row("b", tags=["t"])])

    @strawberry.field
    def odd_grove(self) -> Grove:
        rows: list[LeafRow | None] = [
            _row(),
            _row(None),
            _row(count="many"),
            _row(colour="purple"),
            _row(tags=(None,)),
        ]
        return Grove(label="odd", _rows=rows)

    @strawberry.field
    def given(self) -> Branch | None:
        """The branch the test passes as the root value."""
        return getattr(self, "given", None)

    @strawberry.field
    def not_a_leaf(self) -> Branch:
        # An object of another class where a Leaf belongs: graphql-core accepts it.
        return Branch(label="other", leaves=[], strict=[_Imitation()], spare=None)  # type: ignore[list-item]


class _Imitation:
    name = "imitation"


def _schema(executor: Any) -> strawberry.Schema:
    return strawberry.Schema(query=Query, execution_context_class=executor)


DOCUMENTS = [
    "{ tidy { label leaves { name nickname count colour day tags loud badge } } }",
    "{ tidy { l: label strict { n: name, ...on Leaf { count } __typename } spare { name } } }",
    "{ odd { label leaves { name count colour day tags badge nickname } } }",
    "{ odd { label strict { name count } spare { colour day } } }",
    "{ odd { spare { name tags loud } } }",
    "{ notALeaf { strict { name } } }",
    "{ tidy { leaves { ... @include(if: false) { name } } spare { name } } }",
    "{ tidy { leaves @skip(if: false) { name } } }",
    "{ pins { id name } tags { id } }",
    "{ repeated { leaves { name tags } spare { name } } }",
    "{ repeated { strict { name } } }",
    "{ grove { label leaves { name count colour day tags badge __typename } } }",
    "{ grove { leaves { name nickname } } }",
    "{ grove { leaves { loud } } }",
    "{ oddGrove { leaves { name count colour tags } } }",
]


async def _compare(document: str) -> Any:
    fast = await _schema(DiaryExecutionContext).execute(document)
    reference = await _schema(StrawberryGraphQLCoreExecutionContext).execute(document)
    assert fast.data == reference.data
    assert [e.formatted for e in fast.errors or []] == [e.formatted for e in reference.errors or []]
    return fast


@pytest.mark.parametrize("document", DOCUMENTS)
async def test_trees_answer_as_graphql_core_does(document: str) -> None:
    await _compare(document)


async def test_a_tidy_tree_is_answered_by_the_tree_alone(resolve_infos: list[str]) -> None:
    result = await _compare("{ tidy { label leaves { name colour day tags badge } } }")
    assert result.data["tidy"]["leaves"][1] == {
        "name": "b",
        "colour": "RED",
        "day": "2026-11-23",
        "tags": [],
        "badge": "given",
    }
    resolve_infos.clear()
    await _schema(DiaryExecutionContext).execute(
        "{ tidy { label leaves { name colour day tags badge } } }"
    )
    assert resolve_infos == ["tidy"]


async def test_a_field_with_a_resolve_hook_keeps_the_executor(resolve_infos: list[str]) -> None:
    result = await _compare("{ tidy { leaves { loud } } }")
    assert result.data == {"tidy": {"leaves": [{"loud": "QUIET"}, {"loud": "QUIET"}]}}
    resolve_infos.clear()
    await _schema(DiaryExecutionContext).execute("{ tidy { leaves { loud } } }")
    assert resolve_infos == ["tidy", "loud", "loud"]


async def test_an_unloaded_field_is_answered_by_its_resolver() -> None:
    result = await _compare("{ odd { label spare { badge } } }")
    badges = {row["label"]: row["spare"]["badge"] for row in result.data["odd"] if row}
    assert badges["unloaded"] == "loaded" and badges["plain"] == "given"


async def test_an_awaitable_held_is_awaited_once() -> None:
    # The tree gives up on it without touching it; the executor awaits the very same one.
    result = await _compare("{ odd { label spare { nickname } } }")
    late = next(row for row in result.data["odd"] if row and row["label"] == "late")
    assert late["spare"] == {"nickname": "awaited"}
    held = _Later("held")
    branch = Branch(label="", leaves=[], strict=[], spare=_leaf(nickname=held))
    answer = await _schema(DiaryExecutionContext).execute(
        "{ given { spare { nickname } } }", root_value=SimpleNamespace(given=branch)
    )
    assert answer.data == {"given": {"spare": {"nickname": "held"}}} and held.awaited == 1


def test_what_a_tree_reads() -> None:
    schema = _schema(DiaryExecutionContext)._schema
    leaf = schema.get_type("Leaf")
    assert isinstance(leaf, GraphQLObjectType)
    context: Any = DiaryExecutionContext.__new__(DiaryExecutionContext)
    context.schema, context._plans = schema, {}
    assert tree_field(leaf, "name", context._plan_of(leaf, "name")) == "name"
    assert tree_field(leaf, "loud", context._plan_of(leaf, "loud")) is None
    assert tree_field(leaf, "badge", None) is Leaf.badge_at_once
    pin, tag = schema.get_type("Pin"), schema.get_type("Tag")
    assert isinstance(pin, GraphQLObjectType) and isinstance(tag, GraphQLObjectType)
    read_id = tree_field(pin, "id", None)
    assert callable(read_id) and read_id(Pin(id=7, name="")) == to_base64("Pin", "7")
    assert tree_field(tag, "id", None) is None  # its own resolve_id


async def test_relay_ids_are_answered_by_the_tree(resolve_infos: list[str]) -> None:
    result = await _compare("{ pins { id name } }")
    assert result.data["pins"][0] == {"id": to_base64("Pin", "1"), "name": "one"}
    assert result.data["pins"][1] is None  # a node without an id: relay's own error
    # Each pin is a tree of its own: only the pin without an id went to relay's resolver.
    resolve_infos.clear()
    await _schema(DiaryExecutionContext).execute("{ pins { id name } }")
    assert resolve_infos == ["pins", "id"]


async def _run(schema: strawberry.Schema, document: DocumentNode, **variables: Any) -> Any:
    """graphql-core's execution of an already parsed document, as a kept document runs."""
    result = execute(
        schema._schema,
        document,
        variable_values=variables,
        executor_class=DiaryExecutionContext,
    )
    return (await result if isawaitable(result) else result).data


async def test_a_kept_document_finds_its_trees_without_walking_its_selection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    schema = _schema(DiaryExecutionContext)
    document = parse("{ tidy { label leaves { name colour } spare { name } } }")
    walks: list[str] = []
    shape = DiaryExecutionContext._shape

    def counted(self: DiaryExecutionContext, parent_type: Any, grouped: Any) -> Any:
        walks.append(parent_type.name)
        return shape(self, parent_type, grouped)

    monkeypatch.setattr(DiaryExecutionContext, "_shape", counted)
    first = await _run(schema, document)
    assert walks and first["tidy"]["leaves"][1] == {"name": "b", "colour": "RED"}
    walks.clear()
    assert await _run(schema, document) == first
    assert walks == []


async def test_a_selection_that_depends_on_the_variables_is_walked_each_time() -> None:
    schema = _schema(DiaryExecutionContext)
    document = parse(
        "query ($name: Boolean!) { tidy { leaves { colour ... @include(if: $name) { name } } } }"
    )
    reference = _schema(StrawberryGraphQLCoreExecutionContext)
    for name in (True, False, True):
        expected = await reference.execute(print_ast(document), variable_values={"name": name})
        assert await _run(schema, document, name=name) == expected.data
        assert ("name" in (await _run(schema, document, name=name))["tidy"]["leaves"][0]) is name


async def test_the_trees_of_a_document_go_with_it() -> None:
    """A document nobody keeps (an anonymous client's) leaves nothing behind."""
    schema = _schema(DiaryExecutionContext)
    document = parse("{ tidy { label leaves { name } } }")
    operation = document.definitions[0]
    await _run(schema, document)
    assert id(operation) in _KNOWN_TREES
    kept = id(operation)
    del document, operation
    gc.collect()
    assert kept not in _KNOWN_TREES


async def test_rows_standing_in_for_a_type_are_answered_without_objects_made() -> None:
    MADE.clear()
    result = await _compare("{ grove { leaves { name count colour badge } } }")
    made = len(MADE)  # by strawberry's own executor, which only knows the resolver
    assert result.data["grove"]["leaves"][0] == {
        "name": "a",
        "count": 2,
        "colour": "GREEN",
        "badge": "given",
    }
    MADE.clear()
    await _schema(DiaryExecutionContext).execute("{ grove { leaves { name count colour } } }")
    assert made == 4 and MADE == []


async def test_a_row_selected_for_what_it_does_not_hold_is_made_into_its_type() -> None:
    # The row has a nickname, but not the leaf's: the executor answers leaves made from rows.
    MADE.clear()
    await _schema(DiaryExecutionContext).execute("{ grove { leaves { name nickname } } }")
    assert len(MADE) == 4
    MADE.clear()
    result = await _compare("{ oddGrove { leaves { name count } } }")
    assert result.errors and len(MADE) == 2 * 5  # both executors made every leaf


def test_a_row_stands_in_only_for_fields_both_hold() -> None:
    with pytest.raises(AssertionError):
        stands_in(Leaf, LeafRow, ("name", "loud"))  # the row holds no `loud`
    with pytest.raises(AssertionError):
        stands_in(Leaf, LeafRow, ("name", "_badge"))  # a stored field the row lacks


async def test_an_object_met_again_in_a_list_is_answered_once() -> None:
    # [shared, shared, own, shared, None, None, shared]: the answers are only read, so the
    # shared leaf's one answer stands wherever it comes, next to itself or not.
    result = await _compare("{ repeated { leaves { name tags } } }")
    leaves = result.data["repeated"]["leaves"]
    assert leaves[0] is leaves[1] is leaves[3] is leaves[6]
    assert leaves[2] == {"name": "own", "tags": ["own", "shared"]} and leaves[4] is None
