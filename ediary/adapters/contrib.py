"""What plugins hand to the core: GraphQL contributions and database apps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict


@dataclass(frozen=True)
class GraphQLContribution:
    """Strawberry types a plugin adds; Query and Mutation classes are merged into the root."""

    query: type | None = None
    mutation: type | None = None
    # Types reachable only through `node(id:)` or interfaces, which the schema must still know.
    types: tuple[type, ...] = field(default=())


class ModelsApp(TypedDict):
    """A plugin's Tortoise app, as `ediary migrate` and the server load it."""

    models: list[str]
    migrations: str
