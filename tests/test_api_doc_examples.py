"""Every GraphQL example in docs/api.md is valid against the schema the server serves (with
the bundled plugins), so a reader can paste it into GraphiQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse, validate

from ediary.adapters.manager import load_plugins
from ediary.schema import build_schema
from tests.web.api_operations import graphql_blocks

API = Path(__file__).parents[1] / "docs" / "api.md"
# Indented blocks (inside a list item) included, as the generated frontend's test reads them.
EXAMPLES = [block.text for block in graphql_blocks(API.read_text(encoding="utf-8"))]


def test_the_guide_has_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: " ".join(e.split())[:40])
def test_an_example_is_valid_against_the_served_schema(example: str) -> None:
    schema = build_schema(load_plugins())._schema
    assert validate(schema, parse(example)) == []
