"""The Starlette application: GraphQL over HTTP and WebSocket, health, GraphiQL, plugins."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from ediary.adapters.manager import PluginError, PluginManager, collect, load_plugins, model_apps
from ediary.adapters.notify import Notifier
from ediary.config import Settings
from ediary.db import close_database, open_database
from ediary.schema import build_schema
from ediary.schema.context import Context
from ediary.web.routes import routes as file_routes


class DiaryGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with our per-request context."""

    def __init__(
        self,
        schema: strawberry.Schema,
        settings: Settings,
        plugins: PluginManager,
        notifier: Notifier,
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self.settings = settings
        self.plugins = plugins
        self.notifier = notifier

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            request=request,
            response=response,
            settings=self.settings,
            plugins=self.plugins,
            notifier=self.notifier,
        )


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

    Raises PluginError, naming the plugin, when a plugin cannot be loaded or set up."""
    settings = settings or Settings.from_env()
    plugins = load_plugins(settings.plugins, extra=extra_plugins)
    apps = model_apps(plugins)
    notifier = Notifier(
        channel
        for _, channels in collect(plugins, "notification_channels", settings=settings)
        for channel in channels
    )
    graphql = DiaryGraphQL(build_schema(plugins), settings, plugins, notifier)
    extra_routes = _plugin_routes(plugins, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await open_database(settings.database_url, apps)
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
            if manage_database:
                await close_database()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    app = Starlette(
        debug=False,
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", graphql),
            *extra_routes,
            *file_routes(),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.plugins = plugins
    app.state.notifier = notifier
    return app
