"""`/graphql`: strawberry's ASGI view with our per-request context, WebSocket authentication,
GraphQL-over-HTTP media types and status codes (see `ediary.web.graphql_http`), and the
GraphiQL page served from our own files (see `ediary.web.graphiql`).

Strawberry does the parsing and execution; this subclass only decides what goes around it:
which media type the answer is in, which status it carries, and how a request that never
reaches GraphQL is refused (a JSON body with an `extensions.code`, never plain text)."""

from __future__ import annotations

from typing import cast

import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UnsetType

from ediary.adapters.http import READ_ON_REPLICA, require_session, trusted_origin
from ediary.adapters.manager import PluginManager
from ediary.adapters.notify import Notifier
from ediary.config import Settings
from ediary.domain import replicas
from ediary.domain.auth import LiveSession
from ediary.domain.errors import DomainError
from ediary.schema.context import Context, Runtime
from ediary.schema.errors import collecting_waits
from ediary.server.metrics import count_replica_query
from ediary.web import read_routing
from ediary.web.graphiql import graphiql_page
from ediary.web.graphql_http import JSON, accepts_html, negotiate, status_for
from ediary.web.live_sessions import SessionCheckedHandler, SessionWatch
from ediary.web.multipart import (
    UploadLimits,
    UploadRefused,
    UploadRequestAdapter,
    close_upload,
)


class Refused(Exception):
    """A request turned away before GraphQL runs, with a stable code for clients."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class DiaryGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with our per-request context and the HTTP rules above."""

    graphql_transport_ws_handler_class = SessionCheckedHandler

    def __init__(
        self,
        schema: strawberry.Schema,
        settings: Settings,
        plugins: PluginManager,
        notifier: Notifier,
        runtime: Runtime | None = None,
    ) -> None:
        # Multipart requests carry homework files; like every mutation they pass the CSRF
        # check of cookie sessions, which a cross-site form cannot. The IDE is ours, not
        # strawberry's (which loads its scripts from a CDN).
        super().__init__(
            schema,
            graphql_ide=None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=True,
            # Only graphql-transport-ws, whose handler checks the session per operation and
            # per message; the legacy graphql-ws protocol would bypass those checks.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            # Strawberry refuses the handshake (403) from any other origin than ours, before
            # a message is read; browser apps on listed origins may connect.
            allowed_origins=settings.allowed_origins,
        )
        self.settings = settings
        self.plugins = plugins
        self.notifier = notifier
        self.runtime = runtime or Runtime()
        # Open WebSockets by session: closed when their session ends (see live_sessions).
        self.sessions = SessionWatch(settings.ws_session_check_seconds)
        self.runtime.broker.add_listener(self.sessions.on_change)
        self.upload_limits = UploadLimits.from_settings(settings)

    def request_adapter_class(self, request: Request) -> AsyncHTTPRequestAdapter:  # type: ignore[override]
        # Strawberry makes its view of each request with this: ours parses uploads within
        # the upload limits.
        return UploadRequestAdapter(request, self.upload_limits)

    def encode_json(self, data: object) -> str:
        # orjson is several times faster than the standard library on large answers. Text,
        # not bytes: the same encoder writes WebSocket messages, which clients expect in
        # text frames.
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self._answer(request)
            await response(scope, receive, send)
        finally:
            # Uploaded files live in temporary files: they go with the request, whatever
            # became of it (the form is in reference cycles the collector may not reach
            # for a long time).
            await close_upload(request)

    async def _answer(self, request: Request) -> Response:
        accept = request.headers.get("accept")
        if request.method == "GET" and "query" not in request.query_params and accepts_html(accept):
            if self.settings.graphiql:
                return graphiql_page(request)
            return _refusal(Refused(404, "NOT_FOUND", "There is no GraphiQL on this server."))
        media_type = negotiate(accept)
        if media_type is None:
            return _refusal(
                Refused(
                    406,
                    "NOT_ACCEPTABLE",
                    "Answers are application/graphql-response+json or application/json; "
                    "the Accept header allows neither.",
                )
            )
        request.state.graphql_media_type = media_type
        cross_site = _cross_site_form(request)
        if cross_site is not None:
            return _refusal(cross_site, media_type)
        try:
            if _is_upload(request):
                await _require_uploader(request)
            return await self.run(request)
        except Refused as refused:
            return _refusal(refused, media_type)
        except UploadRefused as error:
            return _refusal(Refused(413, "PAYLOAD_TOO_LARGE", error.message), media_type)
        except MultiPartException as error:
            return _refusal(Refused(400, "BAD_REQUEST", error.message), media_type)
        except HTTPException as error:
            # Strawberry's own refusals (400 with a reason) all concern the request's shape.
            return _refusal(Refused(error.status_code, "BAD_REQUEST", error.reason), media_type)

    def is_request_allowed(self, request: BaseRequestProtocol) -> bool:
        if request.method not in ("GET", "POST"):
            raise Refused(
                405,
                "METHOD_NOT_ALLOWED",
                "Send GraphQL as POST (or GET for queries).",
                {"Allow": "GET, POST"},
            )
        return True

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        return False  # decided in _answer, before content negotiation

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            media = (request.content_type or "").split(";", 1)[0].strip().lower()
            if media not in (JSON, "multipart/form-data"):
                raise Refused(
                    415,
                    "UNSUPPORTED_MEDIA_TYPE",
                    "Send the request as application/json "
                    "(or multipart/form-data to upload files).",
                )
            if media == JSON and (await request.get_body()).lstrip()[:1] == b"[":
                raise Refused(
                    400,
                    "BATCHING_NOT_SUPPORTED",
                    "Send one operation per request; a JSON array of operations is not accepted.",
                )
        return await super().parse_http_body(request)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> strawberry.types.ExecutionResult:
        # Strawberry's own execute_single, with the operation types HTTP may run here: GET is
        # safe and cacheable, so only queries run through it; subscriptions only over a
        # WebSocket (over HTTP strawberry would execute one like a query, which fails).
        allowed = OperationType.from_http(request_adapter.method) - {OperationType.SUBSCRIPTION}
        if request_adapter.method == "GET":
            allowed -= {OperationType.MUTATION}
        try:
            with collecting_waits() as waits, replicas.reading() as target:
                if replicas.active() is None or not read_routing.is_query(
                    request_data.query or "",
                    request_data.operation_name,
                    self.settings.max_query_tokens,
                ):
                    target.writes()
                result = await self.schema.execute(
                    request_data.query,
                    root_value=root_value,
                    variable_values=request_data.variables,
                    context_value=context,
                    operation_name=request_data.operation_name,
                    allowed_operation_types=allowed,
                    operation_extensions=request_data.extensions,
                )
            if target.read_on_replica:
                request.scope[READ_ON_REPLICA] = target.replica_version
                count_replica_query("replica")
            elif target.on_primary:
                count_replica_query("primary")
            if replicas.active() is not None:
                await replicas.record_write(*_written_sessions(context.session, target))
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                raise Refused(
                    400,
                    "SUBSCRIPTION_NEEDS_WEBSOCKET",
                    "Subscriptions run over a WebSocket on this same URL "
                    "(graphql-transport-ws), not over HTTP.",
                ) from None
            raise Refused(
                405,
                "METHOD_NOT_ALLOWED",
                f"{error.as_http_error_reason(request_adapter.method)}; send it as POST.",
                {"Allow": "POST"},
            ) from None
        except CannotGetOperationTypeError as error:
            raise Refused(400, "BAD_REQUEST", error.as_http_error_reason()) from None
        except MissingQueryError:
            raise Refused(400, "BAD_REQUEST", "No GraphQL query found in the request.") from None
        if waits:
            # A limiter refused something (TOO_MANY_ATTEMPTS, RATE_LIMITED): say when to
            # come back in HTTP's own terms too (RFC 9110, section 10.2.3).
            sub_response.headers["Retry-After"] = str(max(waits))
        return result

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = getattr(request.state, "graphql_media_type", JSON)
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media_type = sub_response.media_type or JSON
        status = 200
        if isinstance(response_data, dict):
            status = status_for(response_data, media_type)
            if status != 200:
                # The operation never ran: the specification's answer has no data entry.
                response_data.pop("data", None)
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{media_type}; charset=utf-8"
        # Strawberry hands resolvers a response whose status is None until one sets it, which
        # Starlette's type (an int) does not say.
        if cast("int | None", sub_response.status_code) is None:
            response.status_code = status
        return response

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            request=request,
            response=response,
            settings=self.settings,
            plugins=self.plugins,
            notifier=self.notifier,
            runtime=self.runtime,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A connection authenticates at `connection_init`: a bearer token in its payload
        ({"authorization": "Bearer ..."}) or the session cookie. Each operation and each
        message after that checks the session again (`SessionCheckedHandler`)."""
        found = context.credentials()
        if found is None:
            raise ConnectionRejectionError({"reason": "Log in to subscribe."})
        if found[1] == "cookie" and not trusted_origin(context.request, self.settings):
            # A cookie rides along on any site's WebSocket: only our own pages (and the apps
            # on allowed origins) may use it.
            raise ConnectionRejectionError({"reason": "Cross-site connection refused."})
        try:
            await context.require_viewer()
        except DomainError as error:
            raise ConnectionRejectionError({"reason": error.message}) from None
        return None


def _is_upload(request: Request) -> bool:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return request.method == "POST" and media == "multipart/form-data"


async def _require_uploader(request: Request) -> None:
    """Only a logged-in user may upload: checked before a byte of the body is parsed."""
    try:
        await require_session(request)
    except DomainError as error:
        raise Refused(401, error.code, "Log in to upload files. " + error.message) from None


def _refusal(refused: Refused, media_type: str = JSON) -> Response:
    return JSONResponse(
        {"errors": [{"message": refused.message, "extensions": {"code": refused.code}}]},
        status_code=refused.status,
        headers=refused.headers,
        media_type=f"{media_type}; charset=utf-8",
    )


# Headers a cross-site HTML form cannot send, and a cross-site script cannot send without a
# CORS preflight (which this server never grants): the cookie session's CSRF token, a bearer
# token, or the header the GraphQL multipart request spec's CSRF advice names.
PREFLIGHT_HEADERS = ("x-csrf-token", "authorization", "apollo-require-preflight")


def _cross_site_form(request: Request) -> Refused | None:
    """Refuse a multipart POST that a page of any site could have sent (login CSRF, or a
    cookie's upload): JSON is always preflighted, multipart/form-data is not."""
    if request.method != "POST":
        return None
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "multipart/form-data":
        return None
    if any(request.headers.get(name) for name in PREFLIGHT_HEADERS):
        return None
    return Refused(
        400,
        "CSRF_HEADER_REQUIRED",
        "A multipart request must carry an X-CSRF-Token, Authorization or "
        "Apollo-Require-Preflight header, which a form on another site cannot send.",
    )


def _written_sessions(session: LiveSession | None, target: replicas.ReadTarget) -> list[int]:
    """The sessions whose write position the request records, once its writes are committed:
    those it opened (a login), and its own if it wrote or if it is the first request of a
    session opened elsewhere (an HTTP route's login, a plugin's), which recorded none."""
    written = list(target.opened)
    if session is not None and (target.wrote or session.write_lsn == replicas.UNRECORDED):
        written.append(session.id)
    return written
