"""An account's history: every change to the ways into it, for its owner to read.

A login issued by the school, a password re-issued by a class teacher, a portal linked or
unlinked: the owner sees each with who did it and when, so that a change they did not make
stands out. The history is written in the same transaction as the change it records.
"""

from __future__ import annotations

from ediary.domain.access import Viewer
from ediary.domain.enums import AccountEventKind
from ediary.domain.errors import Unauthenticated
from ediary.domain.models import AccountEvent
from ediary.domain.paging import Page, before_cursor, moment_cursor

__all__ = ["own_history", "record"]


async def record(
    user_id: int, kind: AccountEventKind, *, actor_id: int | None = None, method: str = ""
) -> None:
    """Add one event to the history of `user_id`; `method` names the login flow concerned."""
    await AccountEvent.create(user_id=user_id, kind=kind, actor_id=actor_id, method=method)


async def own_history(viewer: Viewer, *, first: int, after: str | None) -> Page[AccountEvent]:
    """The viewer's own history, newest first; nobody reads another account's."""
    if viewer.user_id is None:
        raise Unauthenticated()
    query = AccountEvent.filter(user_id=viewer.user_id)
    total = await query.count()
    if after is not None:
        query = query.filter(before_cursor(after, "at"))
    rows = await query.order_by("-at", "-id").limit(first + 1).prefetch_related("actor")
    items = rows[:first]
    return Page(
        items=items,
        cursors=[moment_cursor(item.at, item.id) for item in items],
        has_next=len(rows) > first,
        total=total,
    )
