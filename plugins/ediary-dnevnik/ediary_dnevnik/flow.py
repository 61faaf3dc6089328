"""What every flow of the plugin shares: limits, one transaction, logging, mail after commit.

A flow runs its work in one transaction and either commits whole or changes nothing. Attempts
are counted outside that transaction, so a refused attempt still counts. Messages are sent,
and facts (sessions that ended) published, only after the commit. Every attempt is logged
with its outcome and the client address, and never with a code, token, password or address.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from tortoise.transactions import in_transaction

from ediary.adapters.notify import Message, Notifier
from ediary.config import Settings
from ediary.domain import ratelimit
from ediary.domain.errors import DomainError, TooManyAttempts
from ediary.domain.session_end import SessionsEnded

log = logging.getLogger("ediary.dnevnik")

T = TypeVar("T")


@dataclass(frozen=True)
class Env:
    """What a flow needs from the application serving it."""

    settings: Settings
    notifier: Notifier
    # The client's address, for limits per client.
    client: str
    # Publishes committed facts to every server process (sessions that ended close their
    # open WebSockets).
    announce: Callable[[Sequence[SessionsEnded]], Awaitable[None]]

    def link(self, path: str, token: str) -> str:
        return f"{self.settings.public_url}/dnevnik/{path}?token={token}"


@dataclass(frozen=True)
class Guard:
    """A limit on one key. Failures always count; `every_attempt` counts successes too."""

    scope: str
    key: str
    limit: ratelimit.Limit
    every_attempt: bool = False


@dataclass
class Outbox:
    """Messages a flow wants sent, and facts announced, once its transaction has committed."""

    messages: list[tuple[str, Message]]
    facts: list[SessionsEnded] = field(default_factory=list)

    def add(self, channel: str, message: Message) -> None:
        self.messages.append((channel, message))

    def announce(self, facts: Sequence[SessionsEnded]) -> None:
        self.facts.extend(facts)


async def run(
    event: str,
    env: Env,
    guards: Sequence[Guard],
    work: Callable[[Outbox], Awaitable[T]],
) -> T:
    """Check the limits, run `work` in one transaction, count the attempt, log the outcome,
    announce the facts and send the messages. Refusals are DomainErrors, raised after the
    rollback."""
    try:
        for guard in guards:
            await ratelimit.ensure_allowed(guard.scope, guard.key)
    except TooManyAttempts:
        log.warning("%s: refused TOO_MANY_ATTEMPTS (client %s)", event, env.client)
        raise
    outbox = Outbox([])
    try:
        async with in_transaction():
            result = await work(outbox)
    except DomainError as error:
        for guard in guards:
            await ratelimit.record(guard.scope, guard.key, guard.limit)
        log.warning("%s: refused %s (client %s)", event, error.code, env.client)
        raise
    for guard in guards:
        if guard.every_attempt:
            await ratelimit.record(guard.scope, guard.key, guard.limit)
    log.info("%s: done (client %s)", event, env.client)
    if outbox.facts:
        await env.announce(outbox.facts)
    for channel, message in outbox.messages:
        env.notifier.send_later(channel, message)
    return result
