"""SMS through an HTTP gateway: an ediary notification channel plugin."""

from __future__ import annotations

import httpx

from ediary.adapters import Message, NotificationChannel, hookimpl
from ediary.config import Settings

__all__ = ["SmsGatewayChannel", "notification_channels"]

# One SMS is 70 Cyrillic characters; gateways split longer texts, so cap the bill at 5 parts.
MAX_TEXT = 335


class SmsGatewayChannel:
    name = "sms"

    def __init__(
        self, url: str, token: str | None = None, sender: str = "ediary", timeout: float = 15.0
    ) -> None:
        self.url = url
        self.token = token
        self.sender = sender
        self.timeout = timeout

    async def send(self, message: Message) -> None:
        headers = {"Idempotency-Key": message.key} if message.key else {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        text = message.body if len(message.body) <= MAX_TEXT else message.body[: MAX_TEXT - 1] + "…"
        body = {"to": message.to, "text": text, "sender": self.sender, "id": message.key}
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            response = await client.post(self.url, json=body, headers=headers)
        response.raise_for_status()


def from_settings(settings: Settings) -> SmsGatewayChannel | None:
    env = settings.extra
    url = env.get("EDIARY_SMS_GATEWAY_URL")
    if not url:
        return None
    return SmsGatewayChannel(
        url,
        token=env.get("EDIARY_SMS_GATEWAY_TOKEN") or None,
        sender=env.get("EDIARY_SMS_SENDER") or "ediary",
    )


@hookimpl
def notification_channels(settings: Settings) -> list[NotificationChannel]:
    """SMS, when a gateway URL is configured."""
    channel = from_settings(settings)
    return [channel] if channel else []
