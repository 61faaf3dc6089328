"""The per-request context: who is asking, their session, loaders and plugins."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

import pluggy
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from ediary.adapters import http
from ediary.adapters.http import SESSION_COOKIE
from ediary.adapters.notify import Notifier
from ediary.config import Settings
from ediary.domain import auth
from ediary.domain.access import ANONYMOUS, Viewer, load_viewer
from ediary.domain.errors import Forbidden, SessionExpired, Unauthenticated
from ediary.domain.grading import RegionPolicy
from ediary.domain.models import Session
from ediary.schema.loaders import Loaders

__all__ = ["CSRF_HEADER", "SESSION_COOKIE", "Context"]

CSRF_HEADER = "x-csrf-token"


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket
    settings: Settings
    plugins: pluggy.PluginManager
    notifier: Notifier
    loaders: Loaders = field(default_factory=Loaders)
    _viewer: Viewer | None = None
    _session: Session | None = None

    def credentials(self) -> tuple[str, str] | None:
        """The session token and how it came (cookie or bearer), if the request has one."""
        return http.credentials(self.request)

    @property
    def client_address(self) -> str:
        """The client's IP address, for limits per client."""
        return http.client_address(self.request)

    async def viewer(self) -> Viewer:
        """The viewer, anonymous without credentials; SessionExpired for bad credentials."""
        if self._viewer is None:
            found = self.credentials()
            if found is None:
                self._viewer = ANONYMOUS
            else:
                token, kind = found
                session, user = await auth.resolve_session(token)
                if session.kind != kind:
                    raise SessionExpired()
                self._session = session
                self._viewer = await load_viewer(user, http.parent_lookback(self.plugins))
        return self._viewer

    async def require_viewer(self) -> Viewer:
        viewer = await self.viewer()
        if not viewer.is_authenticated:
            raise Unauthenticated()
        return viewer

    async def require_writer(self) -> Viewer:
        """The viewer for a mutation; cookie sessions must echo their CSRF token in a header."""
        viewer = await self.require_viewer()
        session = self._session
        if session is not None and session.kind == auth.SessionKind.COOKIE:
            sent = self.request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
                raise Forbidden(
                    "This change needs the X-CSRF-Token header the login returned.",
                )
        return viewer

    def region_policy(self, region_code: str | None) -> RegionPolicy:
        policy: RegionPolicy = self.plugins.hook.region_policy(region_code=region_code or "")
        return policy
