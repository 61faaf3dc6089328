"""The notification channel contract: what a plugin implements to deliver messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to one address through one channel."""

    channel: str
    address: str
    subject: str
    text: str
    # Idempotency key, one per event x recipient x channel: pass it on where the
    # provider accepts one, so a retried delivery is not shown twice.
    key: str


class NotificationChannel(Protocol):
    """A way to reach people, such as e-mail or an SMS gateway."""

    name: str

    async def send(self, message: OutgoingMessage) -> None:
        """Deliver the message; raise on failure, and the delivery worker retries later."""
        ...
