"""Global (Relay) IDs: decoding arguments and resolving nodes through the access policy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from strawberry import relay

from ediary.domain.errors import NotFound

M = TypeVar("M")
N = TypeVar("N")


def local_id(global_id: relay.GlobalID, type_name: str) -> int:
    """The database ID inside a global ID of the expected type; NotFound for any other."""
    if global_id.type_name != type_name:
        raise NotFound()
    try:
        return int(global_id.node_id)
    except ValueError:
        raise NotFound() from None


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
            try:
                key = int(raw)
            except ValueError:
                raise NotFound() from None
            found.append(build(await visible(key)))
        except NotFound:
            if required:
                raise
            found.append(None)
    return found
