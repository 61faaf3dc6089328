"""Measures kept by document and shape of the variables: reused only where measuring again
would give the same figures."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from graphql import DocumentNode, GraphQLSchema, parse

from ediary.adapters.manager import load_plugins
from ediary.schema import build_schema
from ediary.schema.limits.analysis import Measure, measure
from ediary.schema.limits.measures import MAX_SHAPE_VALUES, Measures, shape

PAGE = 100

MARKS = """
query($student: ID!, $n: Int!, $withHistory: Boolean!) {
  marks(studentId: $student, first: $n) {
    edges { node { value history @include(if: $withHistory) { at } } }
  }
}
"""


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(load_plugins())._schema


class Counted:
    """Measures through a `Measures`, counting the walks it could not spare."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.kept = Measures()
        self.walks = 0

    def __call__(self, document: DocumentNode, variables: dict[str, Any]) -> Measure:
        def compute() -> Measure:
            self.walks += 1
            return measure(self.schema, document, None, variables, PAGE)

        return self.kept.get(self.schema, document, None, variables, PAGE, compute)


def test_a_shape_keeps_what_measuring_reads() -> None:
    budget = [MAX_SHAPE_VALUES]
    # Strings are all alike to the measure; numbers, booleans and None are not.
    assert shape("U3R1ZGVudDox", budget) == shape("2026-W48", budget)
    assert shape(1, budget) != shape(True, budget)
    assert shape(0, budget) != shape(False, budget)
    assert shape(None, budget) != shape("", budget)
    assert shape(10, budget) != shape(11, budget)
    assert shape(["a", "b"], budget) != shape(["a"], budget)
    assert shape({"ids": ["a"]}, budget) == shape({"ids": ["b"]}, budget)
    assert shape({"ids": ["a"]}, budget) != shape({"other": ["a"]}, budget)


def test_other_students_reuse_the_measure_and_other_pages_do_not(schema: GraphQLSchema) -> None:
    counted = Counted(schema)
    document = parse(MARKS)
    first = counted(document, {"student": "U3R1ZGVudDox", "n": 10, "withHistory": True})
    again = counted(document, {"student": "U3R1ZGVudDoy", "n": 10, "withHistory": True})
    assert counted.walks == 1
    assert again == first
    bigger = counted(document, {"student": "U3R1ZGVudDoy", "n": 20, "withHistory": True})
    assert counted.walks == 2
    assert bigger.nodes > first.nodes
    without = counted(document, {"student": "U3R1ZGVudDoy", "n": 20, "withHistory": False})
    assert counted.walks == 3
    assert without.nodes < bigger.nodes
    # Each kept measure is the one a fresh walk gives.
    for variables in (
        {"student": "x", "n": 10, "withHistory": True},
        {"student": "y", "n": 20, "withHistory": False},
    ):
        assert counted(document, variables) == measure(schema, document, None, variables, PAGE)


def test_refused_measures_are_not_kept(schema: GraphQLSchema) -> None:
    counted = Counted(schema)
    document = parse(MARKS)
    for _ in range(2):
        found = counted(document, {"student": "x", "n": PAGE + 1, "withHistory": True})
        assert found.page_errors
    assert counted.walks == 2
    assert len(counted.kept) == 0


def test_undeclared_and_oversized_variables_are_measured_each_time(
    schema: GraphQLSchema,
) -> None:
    counted = Counted(schema)
    document = parse(MARKS)
    odd = {"student": "x", "n": 1, "withHistory": True, "extra": 1}
    counted(document, odd)
    counted(document, odd)
    huge = {"student": ["x"] * MAX_SHAPE_VALUES, "n": 1, "withHistory": True}
    counted(document, huge)
    counted(document, huge)
    assert counted.walks == 4
    assert len(counted.kept) == 0


def test_a_document_takes_its_measures_with_it(schema: GraphQLSchema) -> None:
    counted = Counted(schema)
    document = parse(MARKS)
    counted(document, {"student": "x", "n": 1, "withHistory": True})
    assert len(counted.kept) == 1
    del document
    gc.collect()
    assert len(counted.kept) == 0
