"""The plugins' access rules (the `access_allowed` hook), as the core access policy asks them
(ediary.domain.access.plugin_action_allowed)."""

from __future__ import annotations

import inspect
from collections.abc import Iterable

import pluggy

from ediary.config import Settings
from ediary.domain.access import PluginRules, Viewer

__all__ = ["plugin_rules"]


def plugin_rules(plugins: pluggy.PluginManager, settings: Settings) -> PluginRules:
    """Every plugin's answer to "may this viewer do this action on this object"."""

    async def ask(viewer: Viewer, action: str, target: object) -> Iterable[bool | None]:
        answers: list[bool | None] = []
        # pluggy leaves out None, so what comes back are the answers of rules that took a side.
        for answer in plugins.hook.access_allowed(
            viewer=viewer, action=action, target=target, settings=settings
        ):
            found = await answer if inspect.isawaitable(answer) else answer
            if found is not None:
                answers.append(bool(found))
        return answers

    return ask
