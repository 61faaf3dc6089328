"""What every flow of the plugin shares: limits, one transaction, logging, mail after commit.

A flow runs its work in one transaction and either commits whole or changes nothing. Attempts
are counted before it and outside it, so a refused attempt still counts. Messages are sent,
and facts (sessions that ended) published, only after the commit. Every attempt is logged
with its outcome and the client address, and never with a code, token, password or address.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from tortoise.transactions import in_transaction

from ediary.adapters import Message, Notifier
from ediary.config import Settings
from ediary.domain import ratelimit
from ediary.domain.errors import DomainError, TooManyAttempts
from ediary.domain.session_end import SessionsEnded
from ediary_dnevnik import phones

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

    @property
    def client_key(self) -> str:
        """The client's key in limits per client (an IPv6 client's /64 network)."""
        return ratelimit.client_key(self.client)

    def link(self, path: str, token: str) -> str:
        return f"{self.settings.public_url}/dnevnik/{path}?token={token}"


@dataclass(frozen=True)
class Guard:
    """A limit on one key. Failures always count; `every_attempt` counts successes too."""

    scope: str
    key: str
    limit: ratelimit.Limit
    every_attempt: bool = False

    @property
    def counter(self) -> ratelimit.Counter:
        return ratelimit.Counter(self.scope, self.key, self.limit)


@dataclass
class Outbox:
    """Messages a flow wants sent, and facts announced, once its transaction has committed."""

    messages: list[tuple[str, Message]]
    facts: list[SessionsEnded] = field(default_factory=list)

    def add(self, channel: str, message: Message) -> None:
        self.messages.append((channel, message))

    def announce(self, facts: Sequence[SessionsEnded]) -> None:
        self.facts.extend(facts)


def read_phone(event: str, env: Env, typed: str) -> str:
    """The number in E.164 for a flow that needs it before its limits (they count per
    number); a refusal is logged like any other."""
    try:
        return phones.normalize(typed, phones.region(env.settings))
    except DomainError as error:
        log.warning("%s: refused %s (client %s)", event, error.code, env.client)
        raise


async def run(
    event: str,
    env: Env,
    guards: Sequence[Guard],
    work: Callable[[Outbox], Awaitable[T]],
) -> T:
    """Count the attempt on every guard, run `work` in one transaction, log the outcome,
    announce the facts and send the messages. Refusals are DomainErrors, raised after the
    rollback.

    The attempt is counted before the work, in one statement per guard, so parallel requests
    cannot all pass a limit that has one attempt left; a success then gives it back on the
    guards that count failures only. List the client's guard first: a refused client counts
    nothing on the keys behind it (a code, an account)."""
    try:
        await ratelimit.attempt_all([guard.counter for guard in guards])
    except TooManyAttempts:
        log.warning("%s: refused TOO_MANY_ATTEMPTS (client %s)", event, env.client)
        raise
    outbox = Outbox([])
    try:
        async with in_transaction():
            result = await work(outbox)
    except DomainError as error:
        log.warning("%s: refused %s (client %s)", event, error.code, env.client)
        raise
    for guard in guards:
        if not guard.every_attempt:
            await ratelimit.give_back(guard.scope, guard.key)
    log.info("%s: done (client %s)", event, env.client)
    if outbox.facts:
        await env.announce(outbox.facts)
    for channel, message in outbox.messages:
        env.notifier.send_later(channel, message)
    return result
