"""Changing one's password: the current one, then a new one; in every region.

It is also how a temporary password the school issued (`issued_logins`) is replaced: the
session that changed it may be used for everything again, the account's other sessions end
(whoever else knew the old password is logged out), and the account's history gets the
change. Wrong current passwords are counted per account, so a stolen session cannot be
used to guess the password.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from ediary.domain import account_history, auth, ratelimit
from ediary.domain.access import Viewer
from ediary.domain.enums import AccountEventKind
from ediary.domain.errors import InvalidCredentials, InvalidInput, NotFound, Unauthenticated
from ediary.domain.models import Session, User
from ediary.domain.passwords import check_new_password
from ediary.domain.session_end import EndReason, SessionsEnded, end_sessions

__all__ = ["CHANGE_LIMIT", "ChangedPassword", "change_password"]

SCOPE = "password.change.account"
# Five wrong current passwords in 15 minutes lock the change for 15 minutes.
CHANGE_LIMIT = ratelimit.Limit(5, timedelta(minutes=15), timedelta(minutes=15))


@dataclass(frozen=True)
class ChangedPassword:
    """What the caller does after the commit: announce the ended sessions, tell the owner."""

    user_id: int
    login: str
    email: str | None
    ended: tuple[SessionsEnded, ...]


async def change_password(
    viewer: Viewer, current: str, new: str, *, session_token: str | None
) -> ChangedPassword:
    """Check `current`, set `new` (NIST rules, `passwords`), in one transaction. The session
    of `session_token` goes on, no longer bound to change the password; every other session
    of the account ends."""
    if viewer.user_id is None:
        raise Unauthenticated()
    key = str(viewer.user_id)
    await ratelimit.attempt(SCOPE, key, CHANGE_LIMIT)
    async with in_transaction():
        user = await User.get_or_none(id=viewer.user_id, is_active=True)
        if user is None:
            raise NotFound()
        if not await auth.verify_password(user, current):
            raise InvalidCredentials("The current password is wrong.", field="currentPassword")
        password = check_new_password(new, login=user.login, field="newPassword")
        if password == auth.nfkc(current):
            raise InvalidInput("Choose a password other than the current one.", field="newPassword")
        user.password_hash = await asyncio.to_thread(auth.hash_password, password)
        user.temporary_password_at = None
        await user.save(update_fields=["password_hash", "temporary_password_at"])
        ended = await end_sessions(
            EndReason.PASSWORD_CHANGED, user_ids=[user.id], keep_token=session_token
        )
        if session_token is not None:
            await Session.filter(token_hash=auth.token_digest(session_token)).update(
                must_change_password=False
            )
        await account_history.record(user.id, AccountEventKind.PASSWORD_CHANGED, actor_id=user.id)
    await ratelimit.give_back(SCOPE, key)
    return ChangedPassword(user.id, user.login, user.email, ended)
