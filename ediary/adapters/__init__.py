"""The plugin contract regional adapters implement (pluggy, entry-point group "ediary")."""

from ediary.adapters.contrib import GraphQLContribution, ModelsApp
from ediary.adapters.flows import FlowField, LoginFlow
from ediary.adapters.hookspecs import hookimpl
from ediary.adapters.imports import (
    ImportBackend,
    ImportContext,
    ImportOption,
    ImportOutcome,
    ImportProgress,
    ImportReport,
    backends_by_name,
    import_context,
    run_import,
)
from ediary.adapters.limits import MaxItems, Sensitive, capped_list
from ediary.adapters.manager import (
    PluginError,
    PluginManager,
    collect,
    describe,
    load_plugins,
    model_apps,
)
from ediary.adapters.notify import ChannelUnavailable, Message, NotificationChannel, Notifier
from ediary.adapters.sessions import (
    ClientKind,
    LoginNotice,
    bind_login_to_browser,
    check_login_origin,
    local_return_path,
    notices_page,
    open_route_session,
    started_in_this_browser,
)
from ediary.domain.errors import FlowNotOffered
from ediary.domain.import_lock import ImportAlreadyRunning, refuse_if_importing
from ediary.domain.region_flows import RegionFlows

__all__ = [
    "ChannelUnavailable",
    "ClientKind",
    "FlowField",
    "FlowNotOffered",
    "GraphQLContribution",
    "ImportAlreadyRunning",
    "ImportBackend",
    "ImportContext",
    "ImportOption",
    "ImportOutcome",
    "ImportProgress",
    "ImportReport",
    "LoginFlow",
    "LoginNotice",
    "MaxItems",
    "Message",
    "ModelsApp",
    "NotificationChannel",
    "Notifier",
    "PluginError",
    "PluginManager",
    "RegionFlows",
    "Sensitive",
    "backends_by_name",
    "bind_login_to_browser",
    "capped_list",
    "check_login_origin",
    "collect",
    "describe",
    "hookimpl",
    "import_context",
    "load_plugins",
    "local_return_path",
    "model_apps",
    "notices_page",
    "open_route_session",
    "refuse_if_importing",
    "run_import",
    "started_in_this_browser",
]
