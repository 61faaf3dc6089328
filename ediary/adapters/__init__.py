"""The plugin contract regional adapters implement (pluggy, entry-point group "ediary")."""

from ediary.adapters.contrib import GraphQLContribution, ModelsApp
from ediary.adapters.flows import FlowField, LoginFlow
from ediary.adapters.hookspecs import hookimpl
from ediary.adapters.imports import (
    ImportBackend,
    ImportContext,
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

__all__ = [
    "ChannelUnavailable",
    "FlowField",
    "GraphQLContribution",
    "ImportBackend",
    "ImportContext",
    "ImportOutcome",
    "ImportProgress",
    "ImportReport",
    "LoginFlow",
    "MaxItems",
    "Message",
    "ModelsApp",
    "NotificationChannel",
    "Notifier",
    "PluginError",
    "PluginManager",
    "Sensitive",
    "backends_by_name",
    "capped_list",
    "collect",
    "describe",
    "hookimpl",
    "import_context",
    "load_plugins",
    "model_apps",
    "run_import",
]
