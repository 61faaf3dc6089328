"""Ending sessions: the one way a session stops working before it expires, and the fact it
announces so that every server process closes the live connections of that session.

A session is a database row (`ediary.domain.models.Session`). HTTP requests resolve it on
every request, so revoking the row is enough for them; a WebSocket lives for hours, so
`end_sessions` also returns `SessionsEnded` facts for the caller to publish after its commit,
and `ended_sessions` lets a process re-check the sessions of its open connections in one
statement (the backstop for an ending it was not told about: expiry, a deactivation written by
another program, a lost notification).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ediary.domain.auth import token_digest
from ediary.domain.models import Session

__all__ = [
    "EndReason",
    "SessionsEnded",
    "end_sessions",
]

TOPIC = "sessions"
# A change travels in a PostgreSQL NOTIFY batched with others (under 8000 bytes in all):
# a fact names at most this many sessions, and a long list becomes several facts.
IDS_PER_FACT = 16
# Sessions checked per statement by `ended_sessions`.
IDS_PER_CHECK = 500


class EndReason(StrEnum):
    """Why a session ended; a client is told this when its connection closes."""

    LOGOUT = "logout"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    DEACTIVATED = "deactivated"
    REVOKED = "revoked"
    EXPIRED = "expired"
    # A bearer token exchanged for a new one (`refreshSession`).
    REFRESHED = "refreshed"


@dataclass(frozen=True)
class SessionsEnded:
    """These sessions ended (committed); connections that use them must close."""

    reason: EndReason
    session_ids: tuple[int, ...]

    def to_json(self) -> str:
        data = {"topic": TOPIC, "reason": self.reason.value, "session_ids": self.session_ids}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SessionsEnded:
        return cls(
            reason=EndReason(data["reason"]),
            session_ids=tuple(int(i) for i in data["session_ids"]),
        )


def _now() -> datetime:
    return datetime.now(UTC)


async def end_sessions(
    reason: EndReason,
    *,
    token: str | None = None,
    user_ids: Iterable[int] = (),
    keep_token: str | None = None,
) -> tuple[SessionsEnded, ...]:
    """Revoke the live session of `token` and every live session of `user_ids` (except the one
    of `keep_token`). Returns the facts to publish once the caller's transaction commits.

    Every path that ends sessions (logout, password change or reset, deactivation, revocation)
    comes through here, so that none of them forgets the open WebSockets."""
    users = sorted(set(user_ids))
    if token is None and not users:
        return ()
    live = Session.filter(revoked_at=None)
    if token is not None:
        live = live.filter(token_hash=token_digest(token))
    else:
        live = live.filter(user_id__in=users)
    if keep_token is not None:
        live = live.exclude(token_hash=token_digest(keep_token))
    found: list[Any] = list(await live.values_list("id", flat=True))
    ids = sorted(int(session_id) for session_id in found)
    if not ids:
        return ()
    await Session.filter(id__in=ids, revoked_at=None).update(revoked_at=_now())
    return tuple(
        SessionsEnded(reason, tuple(ids[start : start + IDS_PER_FACT]))
        for start in range(0, len(ids), IDS_PER_FACT)
    )


async def ended_sessions(session_ids: Sequence[int]) -> dict[int, EndReason]:
    """Which of these sessions no longer work, and why; one statement per IDS_PER_CHECK."""
    ended: dict[int, EndReason] = {}
    now = _now()
    for start in range(0, len(session_ids), IDS_PER_CHECK):
        chunk = list(session_ids[start : start + IDS_PER_CHECK])
        rows = await Session.filter(id__in=chunk).values_list(
            "id", "revoked_at", "expires_at", "user__is_active"
        )
        found: set[int] = set()
        for session_id, revoked_at, expires_at, active in rows:
            found.add(session_id)
            if not active:
                ended[session_id] = EndReason.DEACTIVATED
            elif revoked_at is not None:
                ended[session_id] = EndReason.REVOKED
            elif expires_at <= now:
                ended[session_id] = EndReason.EXPIRED
        # A deleted row (its user deleted) works no more than a revoked one.
        ended.update(dict.fromkeys(set(chunk) - found, EndReason.REVOKED))
    return ended
