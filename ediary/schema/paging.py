"""Relay connections: one generic Edge and Connection for every list that pages, the page
size a client may ask for, and `pageInfo`.

`Connection[Message]` is the schema's `MessageConnection` and `Edge[Message]` its
`MessageEdge` (strawberry names a generic type after its argument). Cursors themselves are
the domain's (`ediary.domain.paging`): a connection only passes them through, in the order of
its edges; the order of a list is said by the field that returns it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

import strawberry
from strawberry import relay

from ediary.domain.paging import check_first
from ediary.schema.info import Info

N = TypeVar("N")


@strawberry.type(description="One item of a connection, and the cursor to continue after it.")
class Edge(Generic[N]):
    cursor: str = strawberry.field(description="Opaque cursor to pass as `after`.")
    node: N | None = strawberry.field(
        description="The item at this position; null only when it could not be loaded (see "
        "`errors`)."
    )


@strawberry.type(
    description="A page of a list, in the order the field that returns it says: the items "
    "with their cursors, whether more follow, and how many the whole list has."
)
class Connection(Generic[N]):
    edges: Sequence[Edge[N] | None] | None = strawberry.field(
        description="The page's items with their cursors, in the list's order."
    )
    page_info: relay.PageInfo = strawberry.field(
        description="Whether more pages follow, and the cursors to continue from."
    )
    total_count: int = strawberry.field(description="How many items the list has, on all pages.")


def connection(
    nodes: Sequence[N], cursors: Sequence[str], *, has_next: bool, after: str | None, total: int
) -> Connection[N]:
    """A forward page: `nodes` with their `cursors`, in order."""
    return Connection(
        edges=[Edge(cursor=c, node=n) for n, c in zip(nodes, cursors, strict=True)],
        page_info=page_info(cursors, has_next=has_next, after=after),
        total_count=total,
    )


def check_page_size(info: Info, first: int) -> None:
    """`first` within 1 and the server's page limit (`EDIARY_MAX_PAGE_SIZE`)."""
    check_first(first, info.context.settings.max_page_size)


def page_info(cursors: Sequence[str], *, has_next: bool, after: str | None) -> relay.PageInfo:
    """The `pageInfo` of a forward page whose edges have these cursors, in order."""
    return relay.PageInfo(
        has_next_page=has_next,
        has_previous_page=after is not None,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
