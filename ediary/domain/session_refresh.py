"""Keeping a session alive without the password: a bearer token is exchanged for a new one,
a cookie session's expiry slides forward. Only a live session refreshes: an expired, revoked
or logged-out one must log in again."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from ediary.domain.auth import LiveSession, OpenedSession, SessionKind, open_session
from ediary.domain.errors import SessionExpired
from ediary.domain.models import Session, User
from ediary.domain.session_end import EndReason, SessionsEnded


async def refresh_bearer(
    session: LiveSession, lifetime: timedelta, now: datetime
) -> tuple[OpenedSession, tuple[SessionsEnded, ...]]:
    """A new bearer token for the account, with a new expiry, and the old one revoked, in one
    transaction. Returns the fact to publish after the commit, so that the old token's live
    connections close.

    The old session is revoked only while it is live, in the statement that checks it: of
    two refreshes of one token (its owner and a thief, say) only one gets a new token, and the
    other learns it by SESSION_EXPIRED."""
    async with in_transaction():
        revoked = await Session.filter(id=session.id, revoked_at=None, expires_at__gt=now).update(
            revoked_at=now
        )
        if not revoked:
            raise SessionExpired()
        user = await User.get(id=session.user_id)
        opened = await open_session(user, SessionKind.BEARER, lifetime)
    return opened, (SessionsEnded(EndReason.REFRESHED, (session.id,)),)


async def slide_cookie(session: LiveSession, lifetime: timedelta, now: datetime) -> datetime:
    """The cookie session's new expiry, a whole lifetime from now; the token and the CSRF
    token stay as they are."""
    expires_at = now + lifetime
    slid = await Session.filter(id=session.id, revoked_at=None, expires_at__gt=now).update(
        expires_at=expires_at
    )
    if not slid:
        raise SessionExpired()
    return expires_at
