"""The plugin manager: built-in plugins first, then the allowed `ediary` entry points.

Hooks the server calls while it starts go through `collect`, which calls each plugin on its
own, so an error names the plugin that raised it and the server refuses to start.
"""

from __future__ import annotations

import importlib.metadata
import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pluggy

from ediary.adapters import hookspecs
from ediary.adapters.builtin import email, password, policy
from ediary.adapters.contrib import ModelsApp

BUILTIN = (password, policy, email)
BUILTIN_PREFIX = "ediary."
RESERVED_APP_LABELS = frozenset({"diary", "models", "tortoise"})


class PluginError(RuntimeError):
    """A plugin that could not be loaded or set up: the server refuses to start half-configured."""

    def __init__(self, plugin: str, error: BaseException | str) -> None:
        self.plugin = plugin
        detail = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        super().__init__(f"plugin {plugin!r} failed: {detail}")


@dataclass(frozen=True)
class PluginInfo:
    """A loaded plugin as `ediary plugins` shows it."""

    name: str
    version: str
    hooks: tuple[str, ...]
    builtin: bool


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, remembering the distribution version of each plugin."""

    def __init__(self) -> None:
        super().__init__("ediary")
        self.versions: dict[str, str] = {}


def _ediary_version() -> str:
    try:
        return importlib.metadata.version("ediary")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def load_plugins(
    allowed: Iterable[str] | None = None, *, extra: Iterable[object] = ()
) -> PluginManager:
    """Built-ins plus the `ediary` entry points whose names are in `allowed` (all when None).

    `extra` registers plugin objects directly, last: tests use it, and so can an embedding
    application. Raises PluginError for a plugin that fails to import or does not fit the
    hook specifications."""
    allowed = None if allowed is None else frozenset(allowed)
    manager = PluginManager()
    manager.add_hookspecs(hookspecs)
    versions = manager.versions
    for module in BUILTIN:
        name = BUILTIN_PREFIX + module.__name__.rsplit(".", 1)[-1]
        manager.register(module, name=name)
        versions[name] = _ediary_version()
    for entry_point in sorted(
        importlib.metadata.entry_points(group="ediary"), key=lambda e: e.name
    ):
        if allowed is not None and entry_point.name not in allowed:
            continue
        if manager.has_plugin(entry_point.name):
            # Two distributions (or two copies of one) claim the name: keep the first.
            continue
        try:
            plugin = entry_point.load()
            manager.register(plugin, name=entry_point.name)
        except Exception as error:
            raise PluginError(entry_point.name, error) from error
        versions[entry_point.name] = entry_point.dist.version if entry_point.dist else "unknown"
    for name in sorted((allowed or frozenset()) - set(versions)):
        # Allowed but absent: a deployment that expects a region's login would run without it.
        raise PluginError(name, "not installed (no entry point of that name in the group 'ediary')")
    for index, plugin in enumerate(extra):
        name = getattr(plugin, "__name__", None) or f"extra-{index}"
        try:
            manager.register(plugin, name=name)
        except Exception as error:
            raise PluginError(name, error) from error
        versions[name] = str(getattr(plugin, "__version__", "unregistered"))
    try:
        # A hook implementation whose name matches no specification is a typo: say so now.
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        raise PluginError(manager.get_name(error.plugin) or "unknown", error) from error
    return manager


def describe(manager: pluggy.PluginManager) -> list[PluginInfo]:
    """Each loaded plugin with its version and the hooks it implements, built-ins first."""
    versions = manager.versions if isinstance(manager, PluginManager) else {}
    found: list[PluginInfo] = []
    for name, plugin in manager.list_name_plugin():
        if plugin is None:
            continue
        hooks = tuple(sorted(caller.name for caller in manager.get_hookcallers(plugin) or []))
        found.append(
            PluginInfo(
                name=name,
                version=versions.get(name, "unknown"),
                hooks=hooks,
                builtin=name.startswith(BUILTIN_PREFIX),
            )
        )
    return sorted(found, key=lambda p: (not p.builtin, p.name))


def collect(manager: pluggy.PluginManager, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call a hook plugin by plugin, in pluggy's order, and return (plugin name, result)
    pairs for the results that are not None. An error becomes a PluginError naming the
    plugin that raised it."""
    caller: pluggy.HookCaller = getattr(manager.hook, hook)
    results: list[tuple[str, Any]] = []
    # pluggy keeps implementations first-registered-first; it calls them in reverse.
    for impl in reversed(caller.get_hookimpls()):
        if impl.hookwrapper or impl.wrapper:
            continue
        arguments = {name: kwargs[name] for name in impl.argnames}
        try:
            result = impl.function(**arguments)
        except Exception as error:
            close_unrun(results)
            raise PluginError(impl.plugin_name, error) from error
        if result is not None:
            results.append((impl.plugin_name, result))
    return results


def close_unrun(results: list[tuple[str, Any]]) -> None:
    """Close the coroutines among hook results that will not be awaited, because a plugin
    refused before their turn: the refusal is then all that is reported."""
    for _, result in results:
        if inspect.iscoroutine(result):
            result.close()


def model_apps(manager: pluggy.PluginManager) -> dict[str, ModelsApp]:
    """The Tortoise apps plugins declare, checked for labels that clash."""
    apps: dict[str, ModelsApp] = {}
    owners: dict[str, str] = {}
    for plugin, declared in collect(manager, "database_models"):
        for label, app in declared.items():
            if label in RESERVED_APP_LABELS or label in apps:
                other = owners.get(label, "ediary")
                raise PluginError(plugin, f"app label {label!r} is already used by {other!r}")
            if not app.get("models") or not app.get("migrations"):
                raise PluginError(plugin, f"app {label!r} needs both models and migrations")
            apps[label] = app
            owners[label] = plugin
    return apps
