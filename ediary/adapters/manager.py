"""The plugin manager: built-in plugins first, then the allowed entry points."""

from __future__ import annotations

import importlib.metadata

import pluggy

from ediary.adapters import hookspecs
from ediary.adapters.builtin import email, password, policy

BUILTIN = (password, policy, email)


class PluginError(RuntimeError):
    """A plugin that could not be loaded: the server refuses to start half-configured."""


def load_plugins(allowed: tuple[str, ...] | None = None) -> pluggy.PluginManager:
    """Built-ins plus the `ediary` entry points; `allowed` names which ones may load."""
    manager = pluggy.PluginManager("ediary")
    manager.add_hookspecs(hookspecs)
    for module in BUILTIN:
        manager.register(module, name=f"ediary.{module.__name__.rsplit('.', 1)[-1]}")
    for entry_point in importlib.metadata.entry_points(group="ediary"):
        if allowed is not None and entry_point.name not in allowed:
            continue
        try:
            plugin = entry_point.load()
            manager.register(plugin, name=entry_point.name)
        except Exception as error:
            raise PluginError(f"plugin {entry_point.name!r} failed to load: {error}") from error
    return manager
