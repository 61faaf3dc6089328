"""Global (Relay) IDs: decoding arguments and resolving nodes through the access policy."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from strawberry import Info, relay
from strawberry.extensions.field_extension import FieldExtension
from strawberry.relay.types import GlobalIDValueError
from strawberry.types.base import StrawberryObjectDefinition

from ediary.domain.errors import NotFound
from ediary.domain.keys import parse_key

__all__ = [
    "local_id",
    "resolve_each",
]

M = TypeVar("M")
N = TypeVar("N")


def node_key(node_id: str, field: str | None = None) -> int:
    """The database ID of a global ID's node part; NotFound, like any unknown ID, for text
    that is no ID this API gives out or a number the key columns cannot hold."""
    key = parse_key(node_id)
    if key is None:
        raise NotFound(field=field)
    return key


def local_id(global_id: relay.GlobalID, type_name: str, field: str | None = None) -> int:
    """The database ID inside a global ID of the expected type; NotFound for any other."""
    if global_id.type_name != type_name:
        raise NotFound(field=field)
    return node_key(global_id.node_id, field)


def node_keys(node_ids: Iterable[str]) -> list[int]:
    """The valid database IDs among node IDs, for fetching them in one query."""
    return [key for key in map(parse_key, node_ids) if key is not None]


async def resolve_each(
    node_ids: Iterable[str],
    required: bool,
    visible: Callable[[int], Awaitable[M]],
    build: Callable[[M], N],
) -> list[N | None]:
    """Resolve nodes one by one through a policy-checked fetch; hidden ones are NotFound."""
    found: list[N | None] = []
    for raw in node_ids:
        try:
            found.append(build(await visible(node_key(raw))))
        except NotFound:
            if required:
                raise
            found.append(None)
    return found


class ConcreteNodesOnly(FieldExtension):
    """Refuses global IDs that name an interface (`Node` itself): strawberry would call the
    interface's unimplemented resolver. They answer like any other type that has no nodes."""

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        _check(kwargs.get("id"), info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        _check(kwargs.get("id"), info)
        found = next_(source, info, **kwargs)
        return await found if inspect.isawaitable(found) else found


def _check(global_id: object, info: Info) -> None:
    if not isinstance(global_id, relay.GlobalID):
        return
    definition = info.schema.get_type_by_name(global_id.type_name)
    if isinstance(definition, StrawberryObjectDefinition) and definition.is_interface:
        raise GlobalIDValueError(f"`{global_id.type_name}` is not a type of node.")
