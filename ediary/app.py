"""The Starlette application: GraphQL over HTTP and WebSocket, health, metrics, GraphiQL,
plugins."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UnsetType

from ediary.adapters.manager import PluginError, PluginManager, collect, load_plugins, model_apps
from ediary.adapters.notify import NotificationChannel, Notifier
from ediary.config import Settings
from ediary.db import close_database, open_database, tortoise_config
from ediary.delivery import DeliveryWorker, RetryPolicy
from ediary.domain.errors import DomainError
from ediary.domain.storage import DiskStorage
from ediary.events import make_broker
from ediary.schema import build_schema
from ediary.schema.context import Context, Runtime
from ediary.server.health import expected_migrations, healthz, readyz
from ediary.server.metrics import PrometheusObserver, metrics_endpoint, worker_stopped
from ediary.server.requests import RequestContext
from ediary.web.attachments import attachment_route
from ediary.web.routes import routes as file_routes


class DiaryGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with our per-request context."""

    def __init__(
        self,
        schema: strawberry.Schema,
        settings: Settings,
        plugins: PluginManager,
        notifier: Notifier,
        runtime: Runtime | None = None,
    ) -> None:
        # Multipart requests carry homework files; like every mutation they pass the CSRF
        # check of cookie sessions, which a cross-site form cannot.
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=True,
        )
        self.settings = settings
        self.plugins = plugins
        self.notifier = notifier
        self.runtime = runtime or Runtime()

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
        """Subscriptions authenticate once, at connection: a bearer token in the
        `connection_init` payload ({"authorization": "Bearer ..."}) or the session cookie."""
        found = context.credentials()
        if found is None:
            raise ConnectionRejectionError({"reason": "Log in to subscribe."})
        if found[1] == "cookie" and not _same_origin(context.request):
            # A cookie rides along on any site's WebSocket: only our own pages may use it.
            raise ConnectionRejectionError({"reason": "Cross-site connection refused."})
        try:
            await context.require_viewer()
        except DomainError as error:
            raise ConnectionRejectionError({"reason": error.message}) from None
        return None


def _same_origin(request: Request | WebSocket) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser: no ambient cookie to abuse
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _channels(plugins: PluginManager, settings: Settings) -> dict[str, NotificationChannel]:
    """Channels by name; plugins registered later come first, so a region can replace one."""
    found: dict[str, NotificationChannel] = {}
    for _, channels in collect(plugins, "notification_channels", settings=settings):
        for channel in channels:
            found.setdefault(channel.name, channel)
    return found


def _plugin_routes(plugins: PluginManager, settings: Settings) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for plugin, found in collect(plugins, "http_routes", settings=settings):
        if not all(isinstance(route, BaseRoute) for route in found):
            raise PluginError(plugin, "http_routes must return Starlette routes")
        routes.extend(found)
    return routes


def create_app(
    settings: Settings | None = None,
    *,
    manage_database: bool = True,
    extra_plugins: Iterable[object] = (),
) -> Starlette:
    """Build the application; `manage_database=False` leaves connecting to the caller.

    Raises PluginError, naming the plugin, when a plugin cannot be loaded or set up, and
    UnsafeSettings for production settings that must not be served."""
    settings = settings or Settings.from_env()
    settings.check_production()
    plugins = load_plugins(settings.plugins, extra=extra_plugins)
    apps = model_apps(plugins)
    channels = _channels(plugins, settings)
    # Account flows (confirmation links, resets) send at once through the notifier; diary
    # notifications go through the outbox and the delivery worker, with retries.
    notifier = Notifier(channels.values())
    worker = DeliveryWorker(
        channels,
        retry=RetryPolicy(
            max_attempts=settings.delivery_max_attempts,
            first_delay=settings.delivery_retry_seconds,
        ),
        poll_seconds=settings.delivery_poll_seconds,
    )
    runtime = Runtime(
        broker=make_broker(settings.database_url),
        storage=DiskStorage(Path(settings.attachments_dir)),
        channels=tuple(channels),
        outbox_written=worker.wake,
    )
    schema = build_schema(plugins, introspection=settings.introspection)
    graphql = DiaryGraphQL(schema, settings, plugins, notifier, runtime)
    extra_routes = _plugin_routes(plugins, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await open_database(settings.database_url, apps)
        await runtime.broker.start()
        worker.start()
        try:
            for plugin, started in collect(plugins, "startup", app=app, settings=settings):
                if inspect.isawaitable(started):
                    try:
                        await started
                    except Exception as error:
                        raise PluginError(plugin, error) from error
            yield
        finally:
            await notifier.drain()
            await worker.stop()
            await runtime.broker.stop()
            if manage_database:
                await close_database()
            worker_stopped()

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    app = Starlette(
        debug=False,
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", graphql),
            attachment_route(settings, runtime.storage),
            *extra_routes,
            *file_routes(),
        ],
        middleware=[Middleware(RequestContext, observer=PrometheusObserver())],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.plugins = plugins
    app.state.notifier = notifier
    app.state.runtime = runtime
    app.state.delivery = worker
    app.state.expected_migrations = expected_migrations(
        tortoise_config(settings.database_url, apps)["apps"]
    )
    return app
