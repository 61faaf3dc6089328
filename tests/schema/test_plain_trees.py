"""Plain trees (ediary/schema/plain_trees.py): a sub-selection of plain fields answered by one
function, compiled once per node; what it is not sure of (a null in a non-null field, a value
of another type) answered the generic way, with graphql-core's errors and paths; fragments
and directives never compiled. That whole answers equal graphql-core's is tested with the
executor (test_execution.py)."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from graphql import FieldNode

from ediary.schema import plain_trees
from ediary.schema.execution import DiaryExecutionContext


class Box:
    def __init__(self, name: Any, size: Any = 1, inner: Any = None) -> None:
        self.name, self.size, self.inner = name, size, inner


@strawberry.type
class Inner:
    name: str


@strawberry.type
class Item:
    name: str
    size: int | None
    inner: Inner | None


BOXES: list[Any] = []


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return BOXES


def _run(query: str, boxes: list[Any], variables: dict[str, Any] | None = None) -> Any:
    BOXES[:] = boxes
    fast = strawberry.Schema(query=Query, execution_context_class=DiaryExecutionContext)
    reference = strawberry.Schema(query=Query)
    answer = fast.execute_sync(query, variable_values=variables)
    expected = reference.execute_sync(query, variable_values=variables)
    assert answer.data == expected.data
    assert [(e.message, e.path) for e in answer.errors or []] == [
        (e.message, e.path) for e in expected.errors or []
    ]
    return answer


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The fields whose sub-selection was compiled into a tree while the test runs."""
    made: list[str] = []
    original = plain_trees.compiled_tree

    def counting(schema: Any, return_type: Any, node: FieldNode, plan_of: Any) -> Any:
        tree = original(schema, return_type, node, plan_of)
        if tree is not None:
            made.append(node.name.value)
        return tree

    monkeypatch.setattr("ediary.schema.execution.compiled_tree", counting)
    return made


def test_a_plain_selection_is_one_tree(compiled: list[str]) -> None:
    boxes = [Box("a", 2, Box("x")), Box("b", None, None)]
    answer = _run("{ items { __typename name n: size inner { name } } }", boxes)
    assert answer.data == {
        "items": [
            {"__typename": "Item", "name": "a", "n": 2, "inner": {"name": "x"}},
            {"__typename": "Item", "name": "b", "n": None, "inner": None},
        ]
    }
    assert compiled == ["items"]


@pytest.mark.parametrize(
    "bad",
    [Box(None), Box("a", "three"), Box("a", 1, Box(None)), Box("a", 2**40)],
    ids=["null name", "string size", "null inner name", "size past 32 bits"],
)
def test_what_a_tree_is_not_sure_of_gets_graphql_cores_error(bad: Box) -> None:
    answer = _run("{ items { name size inner { name } } }", [Box("ok"), bad])
    assert answer.errors and answer.errors[0].path[:2] == ["items", 1]


def test_fragments_and_directives_are_not_compiled(compiled: list[str]) -> None:
    boxes = [Box("a", 1, Box("x"))]
    _run("{ items { ...F } } fragment F on Item { name }", boxes)
    _run("query($s: Boolean!) { items { name @skip(if: $s) size } }", boxes, {"s": True})
    _run("{ items { name name } }", boxes)
    assert compiled == []


def test_a_tree_is_compiled_once_per_node(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = strawberry.Schema(query=Query, execution_context_class=DiaryExecutionContext)
    made: list[int] = []
    original = plain_trees._Compiler.compile

    def counting(self: Any, return_type: Any, node: Any) -> Any:
        made.append(1)
        return original(self, return_type, node)

    monkeypatch.setattr(plain_trees._Compiler, "compile", counting)
    document = "{ items { name } }"
    BOXES[:] = [Box("a")]
    schema.execute_sync(document)
    schema.execute_sync(document)
    # Each request parses the text again, so its nodes are new: compiled per request here;
    # the server keeps parsed documents (ediary.schema.documents), so its nodes live on.
    assert len(made) == 2
