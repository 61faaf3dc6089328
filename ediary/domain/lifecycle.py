"""Account lifecycle: a guardian's link to a child ends; an account is deactivated.

These are the only ways either happens, so that whatever hangs on the link or the account (its
sessions and open WebSockets, a plugin's own rows) ends with it. Each runs in one transaction
and calls its `on_*` callback inside it, so a plugin's clean-up commits or rolls back with the
change (ediary.adapters.lifecycle passes the plugins' hooks).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tortoise.transactions import in_transaction

from ediary.domain.models import Guardianship, User
from ediary.domain.session_end import EndReason, SessionsEnded, end_sessions

__all__ = ["OnDeactivated", "OnLinkEnded", "deactivate_account", "end_guardianship"]

OnLinkEnded = Callable[[int, int], Awaitable[None]]
OnDeactivated = Callable[[int], Awaitable[None]]


async def end_guardianship(
    parent_id: int, student_id: int, *, on_ended: OnLinkEnded | None = None
) -> bool:
    """End the link between a guardian and a child; False when there was none.

    The parent's grant at the school stays: without the guardianship it reaches nothing of
    the child (ediary.domain.access), and the parent may have other children there."""
    async with in_transaction():
        removed = await Guardianship.filter(parent_id=parent_id, student_id=student_id).delete()
        if not removed:
            return False
        if on_ended is not None:
            await on_ended(parent_id, student_id)
    return True


async def deactivate_account(
    user_id: int, *, on_deactivated: OnDeactivated | None = None
) -> tuple[SessionsEnded, ...]:
    """Deactivate an account and end every session of it. Returns the facts to publish once
    committed (`Context.committed`, or the broker), which close its open WebSockets at once;
    an account already inactive changes nothing and returns none.

    A deactivated account cannot log in (password, bearer token or portal) and keeps its
    records: marks it wrote, its children's links. Nothing is deleted."""
    async with in_transaction():
        changed = await User.filter(id=user_id, is_active=True).update(is_active=False)
        if not changed:
            return ()
        ended = await end_sessions(EndReason.DEACTIVATED, user_ids=[user_id])
        if on_deactivated is not None:
            await on_deactivated(user_id)
    return ended
