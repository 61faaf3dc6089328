"""The Starlette application: GraphQL over HTTP and WebSocket, health, GraphiQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pluggy
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from ediary.adapters import load_plugins
from ediary.config import Settings
from ediary.db import close_database, open_database
from ediary.schema import schema
from ediary.schema.context import Context
from ediary.web.routes import routes as file_routes


class DiaryGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with our per-request context."""

    def __init__(self, settings: Settings, plugins: pluggy.PluginManager) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self.settings = settings
        self.plugins = plugins

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            request=request, response=response, settings=self.settings, plugins=self.plugins
        )


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    """Build the application; `manage_database=False` leaves connecting to the caller."""
    settings = settings or Settings.from_env()
    plugins = load_plugins(settings.plugins)
    graphql = DiaryGraphQL(settings, plugins)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await open_database(settings.database_url)
        try:
            yield
        finally:
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
            *file_routes(),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.plugins = plugins
    return app
