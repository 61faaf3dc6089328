"""Hook specifications: each extension point a regional adapter may implement.

Every hook is documented in docs/plugins.md with its signature, return value and an example,
and tested in tests/plugins/test_hooks.py; tests fail when either is missing.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.routing import BaseRoute

    from ediary.adapters.contrib import GraphQLContribution, ModelsApp
    from ediary.adapters.flows import LoginFlow
    from ediary.adapters.imports import ImportBackend
    from ediary.adapters.notify import NotificationChannel
    from ediary.config import Settings
    from ediary.domain.grading import RegionPolicy
    from ediary.domain.models import User

hookspec = pluggy.HookspecMarker("ediary")
hookimpl = pluggy.HookimplMarker("ediary")


@hookspec
def login_flows(settings: Settings) -> list[LoginFlow]:
    """Describe the login flows this plugin offers, so frontends can render them."""
    raise NotImplementedError


@hookspec
def password_login_refusal(user: User, settings: Settings) -> Awaitable[str | None] | str | None:
    """Refuse password login for an account (say, its region moved to a portal login): return
    the message telling the person what to do instead, or None to allow; may be awaitable."""
    raise NotImplementedError


@hookspec
def registration_flows(settings: Settings) -> list[LoginFlow]:
    """Describe the ways to get an account this plugin offers, such as an access code."""
    raise NotImplementedError


@hookspec
def import_backends() -> list[ImportBackend]:
    """Offer importers of school data (rosters, marks) from a region's export format. Each
    runs in one transaction with an ImportContext (settings, policy, today, reach, progress)."""
    raise NotImplementedError


@hookspec
def notification_channels(settings: Settings) -> list[NotificationChannel]:
    """Offer channels that deliver messages to people, such as e-mail or an SMS gateway."""
    raise NotImplementedError


@hookspec(firstresult=True)
def region_policy(region_code: str) -> RegionPolicy | None:
    """Return the grading and visibility policy of a region, or None to leave it to others."""
    raise NotImplementedError


@hookspec
def graphql_schema() -> GraphQLContribution | None:
    """Add Query and Mutation fields and extra types to the GraphQL schema."""
    raise NotImplementedError


@hookspec
def http_routes(settings: Settings) -> list[BaseRoute]:
    """Add HTTP routes (Starlette), such as an identity provider callback or a download."""
    raise NotImplementedError


@hookspec
def database_models() -> dict[str, ModelsApp]:
    """Declare the plugin's own Tortoise apps: label to models modules and migrations."""
    raise NotImplementedError


@hookspec
def startup(app: Starlette, settings: Settings) -> Awaitable[None] | None:
    """Run when the server starts, after the database is open; may return an awaitable."""
    raise NotImplementedError
