"""The plugin contract regional adapters implement (pluggy, entry-point group "ediary")."""

from ediary.adapters.hookspecs import hookimpl
from ediary.adapters.manager import PluginError, load_plugins

__all__ = ["PluginError", "hookimpl", "load_plugins"]
