"""The plugin contract regional adapters implement (pluggy, entry-point group "ediary")."""

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
from ediary.adapters.notify import ChannelUnavailable, Message, NotificationChannel, Notifier

__all__ = [
    "ChannelUnavailable",
    "FlowField",
    "GraphQLContribution",
    "ImportBackend",
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
    "capped_list",
    "collect",
    "describe",
    "hookimpl",
    "load_plugins",
    "model_apps",
]
