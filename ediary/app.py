"""The Starlette application: GraphQL over HTTP and WebSocket (`ediary.web.graphql_view`)
behind the response cache, health, metrics, GraphiQL, the reference web app, plugins."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from ediary.adapters.manager import (
    PluginError,
    PluginManager,
    close_unrun,
    collect,
    load_plugins,
    model_apps,
)
from ediary.adapters.notify import NotificationChannel, Notifier
from ediary.config import Settings
from ediary.db import close_database, open_database, replica_connection, tortoise_config
from ediary.delivery import DeliveryWorker, RetryPolicy
from ediary.domain import replicas
from ediary.domain.storage import DiskStorage
from ediary.events import make_broker
from ediary.schema import build_schema
from ediary.schema.context import Runtime
from ediary.schema.reads import declared_reads_only
from ediary.schema.trusted import TrustedDocuments
from ediary.server import collector
from ediary.server.body_limit import BodyLimit
from ediary.server.cors import OriginPolicy
from ediary.server.health import expected_migrations, healthz, readyz
from ediary.server.housekeeping import Housekeeper
from ediary.server.metrics import (
    PrometheusObserver,
    count_delivery_round,
    count_live_subscriptions,
    metrics_endpoint,
    sample_replicas,
    worker_stopped,
)
from ediary.server.requests import RequestContext
from ediary.server.response_cache import ResponseCache
from ediary.web.attachments import attachment_routes
from ediary.web.common import http_error, server_error
from ediary.web.graphiql import graphiql_routes
from ediary.web.graphql_view import DiaryGraphQL
from ediary.web.persisted import PersistedDocuments
from ediary.web.routes import routes as file_routes
from ediary.web.webapp import app_manifests, app_routes

__all__ = [
    "create_app",
]


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


async def _start_plugins(started: list[tuple[str, Any]]) -> None:
    """Await the plugins' startup hooks in order. When one refuses, the coroutines of the
    plugins after it are closed unrun, so the refusal is the only thing reported."""
    for index, (plugin, result) in enumerate(started):
        if not inspect.isawaitable(result):
            continue
        try:
            await result
        except Exception as error:
            close_unrun(started[index + 1 :])
            raise PluginError(plugin, error) from error


def create_app(
    settings: Settings | None = None,
    *,
    manage_database: bool = True,
    extra_plugins: Iterable[object] = (),
    tune_collector: bool = False,
) -> Starlette:
    """Build the application; `manage_database=False` leaves connecting to the caller, and
    `tune_collector=True` (what `ediary serve` runs) sets the garbage collector for a
    server once the application has started (`ediary.server.collector`).

    Raises PluginError, naming the plugin, when a plugin cannot be loaded or set up,
    UnsafeSettings for production settings that must not be served, and ManifestError for
    a trusted documents manifest that cannot be read or does not fit the schema."""
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
        on_round=count_delivery_round,
    )
    runtime = Runtime(
        broker=make_broker(settings.listen_database_url or settings.database_url),
        storage=DiskStorage(Path(settings.attachments_dir)),
        channels=tuple(channels),
        outbox_written=worker.wake,
    )
    runtime.broker.watch_subscribers(count_live_subscriptions)
    # The reference app's operations come first: a deployment's manifest may not give one
    # of its ids another text.
    manifests = app_manifests(plugins) if settings.app else ()
    trusted = TrustedDocuments.load(
        (*manifests, *settings.trusted_documents), only=settings.trusted_documents_only
    )
    schema = build_schema(plugins, introspection=settings.introspection, trusted=trusted)
    graphql = DiaryGraphQL(schema, settings, plugins, notifier, runtime)
    extra_routes = _plugin_routes(plugins, settings)
    response_cache = ResponseCache(
        graphql, settings, declared_reads=declared_reads_only(schema._schema)
    )
    housekeeper = Housekeeper(settings.housekeeping_minutes * 60)
    replica_set = (
        replicas.ReplicaSet(
            [replica_connection(url) for url in settings.database_replica_urls],
            max_lag=settings.replica_max_lag_seconds,
            on_poll=sample_replicas,
        )
        if settings.database_replica_urls
        else None
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await open_database(settings.database_url, apps)
        if replica_set is not None:
            replicas.activate(replica_set)
            replica_set.start()
        await runtime.broker.start()
        graphql.sessions.start()
        worker.start()
        housekeeper.start()
        try:
            await _start_plugins(collect(plugins, "startup", app=app, settings=settings))
            if tune_collector:
                collector.tune()
            yield
        finally:
            await notifier.drain()
            await housekeeper.stop()
            await worker.stop()
            await graphql.sessions.stop()
            await runtime.broker.stop()
            if replica_set is not None:
                await replica_set.stop()
                replicas.activate(None)
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
            # Ids of trusted documents become their texts before the cache keys on them.
            Route("/graphql", PersistedDocuments(response_cache, trusted)),
            WebSocketRoute("/graphql", graphql),
            *attachment_routes(runtime.storage),
            *(graphiql_routes() if settings.graphiql else ()),
            *(app_routes() if settings.app else ()),
            *extra_routes,
            *file_routes(),
        ],
        # Cheap checks first: the body's size while it streams in, before any route (and
        # the response cache, which reads GraphQL bodies) sees a byte of it.
        middleware=[
            Middleware(RequestContext, observer=PrometheusObserver()),
            # Preflights are answered here, before any body is read.
            Middleware(OriginPolicy, allowed_origins=settings.allowed_origins),
            Middleware(
                BodyLimit,
                max_bytes=settings.max_body_bytes,
                uploads={"/graphql": graphql.upload_limits.body_bytes},
            ),
        ],
        # Every route beside GraphQL answers errors as {"code", "message"}, the app's own
        # 404s and 405s and unexpected faults included.
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.plugins = plugins
    app.state.notifier = notifier
    app.state.runtime = runtime
    app.state.delivery = worker
    app.state.response_cache = response_cache
    app.state.expected_migrations = expected_migrations(
        tortoise_config(settings.database_url, apps)["apps"]
    )
    return app


def create_served_app() -> Starlette:
    """The application as `ediary serve` runs it in each of its processes."""
    return create_app(tune_collector=True)
