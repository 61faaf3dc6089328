"""Notification channels and the notifier that sends through them after a commit."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from ediary.domain.errors import DomainError

log = logging.getLogger("ediary.notify")


@dataclass(frozen=True)
class Message:
    """A message to one person: an e-mail address or a phone number, and the text."""

    to: str
    subject: str
    body: str
    # Idempotency key, one per event, recipient and channel: channels pass it on where the
    # receiver accepts one (e-mail Message-ID, a gateway's Idempotency-Key), so a delivery
    # retried after a lost acknowledgement is not shown twice.
    key: str = ""


class NotificationChannel(Protocol):
    """Something that delivers messages: `name` is how callers choose it ("email", "sms")."""

    name: str

    async def send(self, message: Message) -> None: ...


class ChannelUnavailable(DomainError):
    code = "CHANNEL_UNAVAILABLE"
    default_message = "This kind of message cannot be sent here."


class Notifier:
    """Sends messages through channels by name. The first channel of a name wins, and
    plugins registered later come first, so a region can replace the built-in e-mail."""

    def __init__(self, channels: Iterable[NotificationChannel]) -> None:
        self._channels: dict[str, NotificationChannel] = {}
        for channel in channels:
            self._channels.setdefault(channel.name, channel)
        self._pending: set[asyncio.Task[None]] = set()

    def has(self, name: str) -> bool:
        return name in self._channels

    @property
    def names(self) -> list[str]:
        return sorted(self._channels)

    async def send(self, name: str, message: Message) -> None:
        """Send now and let failures propagate."""
        channel = self._channels.get(name)
        if channel is None:
            raise ChannelUnavailable()
        await channel.send(message)

    def send_later(self, name: str, message: Message) -> None:
        """Send in the background: call it after the commit. The answer to the request then
        takes as long whether or not a message went out, and a slow mail server does not
        hold the request; failures are logged."""
        task = asyncio.get_running_loop().create_task(self._deliver(name, message))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _deliver(self, name: str, message: Message) -> None:
        try:
            await self.send(name, message)
        except Exception:
            # The address is personal data and the body may hold a link: log neither.
            log.exception("could not send a %r message", name)

    async def drain(self) -> None:
        """Wait for messages still being sent (at shutdown, and in tests)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)
