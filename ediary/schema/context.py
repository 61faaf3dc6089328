"""The per-request context: who is asking, their session, loaders and plugins."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pluggy
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from ediary.adapters import http
from ediary.adapters.access import plugin_rules
from ediary.adapters.http import SESSION_COOKIE
from ediary.adapters.links import Links
from ediary.adapters.notify import Notifier
from ediary.config import Settings
from ediary.domain import access, auth, replicas
from ediary.domain.access import ANONYMOUS, Facet, StudentGrant, Viewer
from ediary.domain.budget import Charge
from ediary.domain.errors import (
    Forbidden,
    PasswordChangeRequired,
    SessionExpired,
    Unauthenticated,
)
from ediary.domain.grading import RegionPolicy
from ediary.domain.journal.base import WriteContext
from ediary.domain.storage import AttachmentStorage, DiskStorage
from ediary.events import Broker, LocalBroker
from ediary.events.broker import Change
from ediary.schema.loaders import Loaders

__all__ = ["CSRF_HEADER", "SESSION_COOKIE", "Context", "CsrfTokenRequired"]

CSRF_HEADER = "x-csrf-token"


class CsrfTokenRequired(Forbidden):
    """A mutation of a cookie session without its CSRF token (or with another one)."""

    code = "CSRF_TOKEN_REQUIRED"
    default_message = (
        "This change needs the X-CSRF-Token header: the csrfToken the login returned, or "
        "viewer { csrfToken } asked again."
    )


@dataclass
class Runtime:
    """What the server process holds for every request: the broker, storage, channels."""

    broker: Broker = field(default_factory=LocalBroker)
    storage: AttachmentStorage = field(default_factory=lambda: DiskStorage(Path("attachments")))
    channels: tuple[str, ...] = ()
    # Called after a commit that wrote to the outbox, to wake the delivery worker.
    outbox_written: Callable[[], None] = lambda: None


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket
    settings: Settings
    plugins: pluggy.PluginManager
    notifier: Notifier
    loaders: Loaders = field(default_factory=Loaders)
    runtime: Runtime = field(default_factory=Runtime)
    # The payload of graphql-transport-ws `connection_init`, for WebSocket connections.
    connection_params: dict[str, Any] | None = None
    # What the request was charged and how many objects it may return (the `rateLimit` field).
    charge: Charge | None = None
    query_nodes: int = 0
    _viewer: Viewer | None = None
    _session: auth.LiveSession | None = None
    # Whether the session (and the ties) the response cache resolved for this request may
    # stand for it; never for a live update, which must see the database as it is now.
    _reuse_resolved: bool = True

    def credentials(self) -> tuple[str, str] | None:
        """The session token and how it came (cookie or bearer), if the request has one."""
        params = self.connection_params or {}
        sent = params.get("authorization") or params.get("Authorization")
        if isinstance(sent, str) and sent.lower().startswith("bearer "):
            return sent[7:].strip(), auth.SessionKind.BEARER
        return http.credentials(self.request)

    @property
    def client_address(self) -> str:
        """The client's IP address, for limits per client."""
        return http.client_address(self.request)

    @property
    def session(self) -> auth.LiveSession | None:
        """The session the viewer was resolved from, once `viewer()` has run."""
        return self._session

    def for_operation(self) -> Context:
        """A context for one more operation over the same connection (a WebSocket): the same
        credentials, resolved afresh, with loaders and charges of its own."""
        return replace(
            self, loaders=Loaders(), charge=None, query_nodes=0, _viewer=None, _session=None
        )

    async def live_viewer(self) -> Viewer:
        """The viewer as the database has it now, for a subscription about to send an update.

        A subscription lives for hours: a guardianship ended, a class handed over or a session
        ended since it opened must stop what it sends, so live updates never rely on the viewer
        (or the loaders) of the moment they were opened. The same credentials are resolved
        again, so an ended session answers SessionExpired; the loaders are emptied too.
        """
        self.loaders = Loaders()
        return await replace(self.for_operation(), _reuse_resolved=False).require_viewer()

    async def viewer(self) -> Viewer:
        """The viewer, anonymous without credentials; SessionExpired for bad credentials."""
        if self._viewer is None:
            found = self.credentials()
            if found is None:
                self._viewer = ANONYMOUS
            else:
                token, kind = found
                kept = self.request.scope.get(http.RESOLVED_SESSION)
                if self._reuse_resolved and kept is not None and kept[0] == token:
                    resolved: auth.ResolvedSession = kept[1]
                else:
                    resolved = await auth.resolve_session(token)
                if resolved.session.kind != kind:
                    raise SessionExpired()
                self._session = resolved.session
                self._viewer = http.session_viewer(resolved, self.plugins, self.settings)
                target = replicas.current()
                if target is not None:
                    target.for_session(resolved.session.write_lsn)
        return self._viewer

    @property
    def password_change_required(self) -> bool:
        """Whether the session was opened with a temporary password not changed since, once
        `viewer()` has run."""
        return self._session is not None and self._session.must_change_password

    async def require_viewer(self, *, before_password_change: bool = False) -> Viewer:
        """The logged-in viewer; Unauthenticated without one. A session opened with a
        temporary password is refused here (PASSWORD_CHANGE_REQUIRED), the one place every
        read and write passes, unless `before_password_change` (the viewer itself, the
        password change, the logout)."""
        viewer = await self.viewer()
        if not viewer.is_authenticated:
            raise Unauthenticated()
        if self.password_change_required and not before_password_change:
            raise PasswordChangeRequired()
        return viewer

    async def require_writer(self, *, before_password_change: bool = False) -> Viewer:
        """The viewer for a mutation; cookie sessions must echo their CSRF token in a header."""
        viewer = await self.require_viewer(before_password_change=before_password_change)
        session = self._session
        if session is not None and session.kind == auth.SessionKind.COOKIE:
            sent = self.request.headers.get(CSRF_HEADER, "")
            if not sent:
                raise CsrfTokenRequired()
            if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
                raise CsrfTokenRequired(
                    "The X-CSRF-Token header is not this session's token. Ask for "
                    "viewer { csrfToken } again."
                )
        return viewer

    async def session_csrf_token(self) -> str | None:
        """The CSRF token of the request's cookie session, for a page of ours or an app on an
        allowed origin; None for bearer tokens, without a session, and for other origins."""
        # Per session, not per account: the response cache must never keep such an answer
        # (another session of the account, or a bearer token, would get it).
        if isinstance(self.response, Response):
            self.response.headers["Cache-Control"] = "no-store"
        await self.viewer()
        session = self._session
        if session is None or session.kind != auth.SessionKind.COOKIE:
            return None
        if not http.trusted_origin(self.request, self.settings):
            return None
        return session.csrf_token or None

    @property
    def links(self) -> Links:
        """Absolute links under the public base URL (`EDIARY_PUBLIC_URL`)."""
        return Links(self.settings.public_url)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        """The schools' today (`Settings.school_today()`): every resolver, route and hook
        asks this, never the system's date."""
        return self.settings.school_today()

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    async def writer(self) -> WriteContext:
        """Everything a domain write needs, for a viewer allowed to write at all."""
        viewer = await self.require_writer()
        now = self.now()
        today = self.today()
        return WriteContext(
            viewer=viewer,
            now=now,
            today=today,
            zone=self.zone(),
            policy_for=self.region_policy,
            channels=self.runtime.channels,
            reminder_days=self.settings.work_reminder_days,
        )

    async def committed(self, changes: Sequence[Change]) -> None:
        """Announce a committed write to live subscribers and wake the delivery worker."""
        self.runtime.outbox_written()
        await self.runtime.broker.publish(changes)

    async def allowed(
        self,
        action: str,
        target: object,
        *,
        grant: StudentGrant | None = None,
        facets: Iterable[Facet] = (),
    ) -> bool:
        """Whether the viewer may do a plugin's `action` on its object `target`, by the
        plugins' access rules (`ediary.domain.access.plugin_action_allowed`)."""
        viewer = await self.viewer()
        rules = plugin_rules(self.plugins, self.settings)
        return await access.plugin_action_allowed(
            viewer, action, target, rules, grant=grant, facets=facets
        )

    def region_policy(self, region_code: str | None) -> RegionPolicy:
        policy: RegionPolicy = self.plugins.hook.region_policy(
            region_code=region_code or "", settings=self.settings
        )
        return policy
