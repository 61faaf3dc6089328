"""Open WebSockets and the sessions they use: a connection stops the moment its session ends.

A graphql-transport-ws connection authenticates once, at `connection_init`, and may then live
for hours. Three things keep it honest:

- every operation sent over it (query, mutation, subscription) resolves the session afresh,
  in a context of its own; an ended session closes the connection instead of running it;
- `SessionWatch` closes every connection of a session as soon as a `SessionsEnded` fact
  reaches this process through the broker (logout, password change or reset, deactivation:
  `ediary.domain.session_end.end_sessions`), and every `ws_session_check_seconds` it re-checks
  the sessions of all its connections in the database, for endings nobody announced (expiry,
  an import run by another program, a lost notification);
- before a pushed event goes out, the sessions are re-checked: every change this process
  receives queues one check of all its connections' sessions (one statement per 500, shared
  by every subscriber of that change, and coalesced while one is waiting), and a result is
  sent only once the newest check has finished and found its session still live.

Close codes: 4401 when the session ended (logout, password change or reset, revocation,
expiry) and 4403 when the account was deactivated, with a reason saying which.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
)

from ediary.domain.errors import DomainError
from ediary.domain.session_end import EndReason, SessionsEnded, ended_sessions
from ediary.events.broker import Change
from ediary.schema.context import Context

if TYPE_CHECKING:
    from ediary.web.graphql_view import DiaryGraphQL

log = logging.getLogger("ediary.live")

# graphql-transport-ws's own codes: the credentials no longer work / the account may not.
SESSION_ENDED = 4401
ACCOUNT_DEACTIVATED = 4403

_REASONS = {
    EndReason.LOGOUT: "Session ended: logged out.",
    EndReason.PASSWORD_CHANGED: "Session ended: the password was changed.",
    EndReason.PASSWORD_RESET: "Session ended: the password was reset.",
    EndReason.DEACTIVATED: "Account deactivated.",
    EndReason.REVOKED: "Session ended.",
    EndReason.EXPIRED: "Session expired.",
    EndReason.REFRESHED: "Session ended: the token was refreshed.",
}


def close_code(reason: EndReason) -> int:
    """The WebSocket close code for a connection whose session ended for `reason`."""
    return ACCOUNT_DEACTIVATED if reason is EndReason.DEACTIVATED else SESSION_ENDED


def close_reason(reason: EndReason) -> str:
    """The close frame's reason text (a client shows it; at most 123 bytes)."""
    return _REASONS[reason]


class LiveConnection:
    """One open WebSocket and the session it authenticated with."""

    def __init__(
        self, session_id: int, expires_at: datetime, close: Callable[[int, str], Awaitable[None]]
    ) -> None:
        self.session_id = session_id
        self.expires_at = expires_at
        self.ended: EndReason | None = None
        self._close = close
        self._closing: asyncio.Task[None] | None = None

    def check(self, now: datetime) -> EndReason | None:
        """Why the session no longer works, as far as this process knows; None if it does."""
        if self.ended is None and self.expires_at <= now:
            self.end(EndReason.EXPIRED)
        return self.ended

    def end(self, reason: EndReason) -> None:
        """Mark the session ended at once (nothing more is sent) and close the connection."""
        if self.ended is not None:
            return
        self.ended = reason
        self._closing = asyncio.create_task(self._send_close(reason), name="ediary-ws-close")

    async def _send_close(self, reason: EndReason) -> None:
        # The client may already be gone: then there is nothing left to close.
        with contextlib.suppress(Exception):
            await self._close(close_code(reason), close_reason(reason))


class SessionWatch:
    """This process's open WebSockets by session, closed when their session ends."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._by_session: dict[int, set[LiveConnection]] = {}
        self._task: asyncio.Task[None] | None = None
        # The newest check of every session, queued by a change this process received.
        self._latest: asyncio.Task[None] | None = None
        self._queued = False

    @property
    def connections(self) -> int:
        return sum(len(found) for found in self._by_session.values())

    def register(self, connection: LiveConnection) -> None:
        self._by_session.setdefault(connection.session_id, set()).add(connection)

    def unregister(self, connection: LiveConnection) -> None:
        found = self._by_session.get(connection.session_id)
        if found is not None:
            found.discard(connection)
            if not found:
                del self._by_session[connection.session_id]

    def on_change(self, change: Change) -> None:
        """A broker listener: runs before any subscriber sees this change (or a later one)."""
        if isinstance(change, SessionsEnded):
            self._end(dict.fromkeys(change.session_ids, change.reason))
        elif self._by_session and not self._queued:
            # A check not yet started reads the database after this change: it serves
            # every change received until it starts.
            self._queued = True
            self._latest = asyncio.create_task(self._check_queued(), name="ediary-session-check")

    async def _check_queued(self) -> None:
        self._queued = False
        try:
            await self.check_now()
        except Exception:
            log.exception("could not re-check the sessions of open WebSockets")

    async def settled(self) -> None:
        """Wait for the newest queued check (the one that covers every change received)."""
        latest = self._latest
        if latest is not None and not latest.done():
            await asyncio.shield(latest)

    def _end(self, ended: dict[int, EndReason]) -> None:
        for session_id, reason in ended.items():
            for connection in list(self._by_session.get(session_id, ())):
                connection.end(reason)

    async def check_now(self) -> None:
        """Close the connections whose session the database says has ended."""
        live = [sid for sid, found in self._by_session.items() if found]
        if live:
            self._end(await ended_sessions(live))

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="ediary-session-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check_now()
            except Exception:
                # The database may be away for a moment; the next round tries again.
                log.exception("could not re-check the sessions of open WebSockets")


# The context of the operation running in the current task; the connection's otherwise.
_operation_context: ContextVar[Context | None] = ContextVar("ediary_operation", default=None)


class SessionCheckedHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with the session checked per operation and per message."""

    live: LiveConnection | None = None

    # Strawberry hands every operation the connection's one context; each operation runs in
    # a task of its own, so a context variable gives each its own, freshly authenticated.
    @property
    def context(self) -> Context:
        return _operation_context.get() or self._connection_context

    @context.setter
    def context(self, value: Context) -> None:
        self._connection_context = value

    @property
    def watch(self) -> SessionWatch:
        view: DiaryGraphQL = self.view  # type: ignore[assignment]
        return view.sessions

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        session = self._connection_context.session
        if self.connection_acknowledged and self.live is None and session is not None:
            self.live = LiveConnection(session.id, session.expires_at, self.websocket.close)
            self.watch.register(self.live)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        live = self.live
        if live is None:  # pragma: no cover - operations wait for connection_ack
            return
        context = self._connection_context.for_operation()
        try:
            await context.require_viewer()
        except DomainError:
            why = await ended_sessions([live.session_id])
            live.end(why.get(live.session_id, EndReason.REVOKED))
        if live.check(datetime.now(UTC)) is not None:
            return  # the connection is closing; shutdown forgets the operation
        _operation_context.set(context)
        await super().run_operation(operation)

    async def send_message(self, message: Message) -> None:
        live = self.live
        if live is not None:
            if message["type"] == "next":
                await self.watch.settled()
            if live.check(datetime.now(UTC)) is not None:
                return
        await super().send_message(message)

    async def shutdown(self) -> None:
        if self.live is not None:
            self.watch.unregister(self.live)
        await super().shutdown()
