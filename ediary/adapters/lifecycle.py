"""The account lifecycle with the plugins' hooks: what core and plugins call to end a
guardian's link to a child or deactivate an account (ediary.domain.lifecycle), so that every
plugin's `guardianship_ended` and `account_deactivated` runs inside the same transaction."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass

import pluggy

from ediary.config import Settings
from ediary.domain import lifecycle
from ediary.domain.session_end import SessionsEnded

__all__ = ["Lifecycle"]


async def _settle(answers: Iterable[object]) -> None:
    for answer in answers:
        if inspect.isawaitable(answer):
            await answer


@dataclass(frozen=True)
class Lifecycle:
    """The lifecycle services bound to a server's plugins and settings."""

    plugins: pluggy.PluginManager
    settings: Settings

    async def end_guardianship(self, parent_id: int, student_id: int) -> bool:
        """End a guardian's link to a child; False when there was none."""
        return await lifecycle.end_guardianship(
            parent_id, student_id, on_ended=self._guardianship_ended
        )

    async def deactivate_account(self, user_id: int) -> tuple[SessionsEnded, ...]:
        """Deactivate an account and end its sessions; publish the facts it returns once
        committed, so its open WebSockets close (`Context.committed` does)."""
        return await lifecycle.deactivate_account(user_id, on_deactivated=self._account_deactivated)

    async def _guardianship_ended(self, parent_id: int, student_id: int) -> None:
        await _settle(
            self.plugins.hook.guardianship_ended(
                parent_id=parent_id, student_id=student_id, settings=self.settings
            )
        )

    async def _account_deactivated(self, user_id: int) -> None:
        await _settle(
            self.plugins.hook.account_deactivated(user_id=user_id, settings=self.settings)
        )
