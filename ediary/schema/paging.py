"""Relay connections' common parts: the page size a client may ask for, and `pageInfo`.

Cursors themselves are the domain's (`ediary.domain.paging`): a connection here only passes
them through, in the order of its edges.
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry import relay

from ediary.domain.paging import check_first
from ediary.schema.info import Info


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
