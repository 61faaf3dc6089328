"""The plugin contract regional adapters implement (pluggy, entry-point group "ediary")."""

from typing import TYPE_CHECKING, Any

from ediary.adapters.contrib import GraphQLContribution, ModelsApp
from ediary.adapters.flows import FlowField, LoginFlow
from ediary.adapters.hookspecs import hookimpl
from ediary.adapters.imports import ImportBackend, ImportReport
from ediary.adapters.limits import MaxItems, Sensitive, capped_list
from ediary.adapters.manager import (
    PluginError,
    PluginManager,
    collect,
    describe,
    load_plugins,
    model_apps,
)
from ediary.adapters.notify import Message, NotificationChannel, Notifier
from ediary.domain.errors import FlowNotOffered
from ediary.domain.region_flows import RegionFlows

if TYPE_CHECKING:
    from ediary.adapters.sessions import (
        ClientKind,
        LoginNotice,
        LoginPayload,
        check_login_origin,
        open_login,
        open_route_session,
    )

# The session API is built on the GraphQL schema, which itself imports this package: it is
# imported on first use rather than here.
_SESSIONS = {
    "ClientKind",
    "LoginNotice",
    "LoginPayload",
    "check_login_origin",
    "open_login",
    "open_route_session",
}


def __getattr__(name: str) -> Any:
    if name in _SESSIONS:
        from ediary.adapters import sessions

        return getattr(sessions, name)
    raise AttributeError(f"module 'ediary.adapters' has no attribute {name!r}")


__all__ = [
    "ClientKind",
    "FlowField",
    "FlowNotOffered",
    "GraphQLContribution",
    "ImportBackend",
    "ImportReport",
    "LoginFlow",
    "LoginNotice",
    "LoginPayload",
    "MaxItems",
    "Message",
    "ModelsApp",
    "NotificationChannel",
    "Notifier",
    "PluginError",
    "PluginManager",
    "RegionFlows",
    "Sensitive",
    "capped_list",
    "check_login_origin",
    "collect",
    "describe",
    "hookimpl",
    "load_plugins",
    "model_apps",
    "open_login",
    "open_route_session",
]
