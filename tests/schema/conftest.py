"""Fixtures of the schema's tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


@pytest.fixture
def resolve_infos(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The fields graphql-core built a resolve info for, in order: those it answered itself
    rather than a compiled field set or plain tree."""
    built: list[str] = []
    original = StrawberryGraphQLCoreExecutionContext.build_resolve_info

    def counting(self: Any, field: Any, nodes: Any, parent: Any, path: Any) -> Any:
        built.append(nodes[0].name.value)
        return original(self, field, nodes, parent, path)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "build_resolve_info", counting)
    yield built
