"""The `webpush` notification channel: one outbox row is one message to one subscription,
addressed `<account>:<subscription>`."""

from __future__ import annotations

import json
import logging

import httpx

from ediary.adapters import Message
from ediary_webpush.config import WebPushConfig
from ediary_webpush.crypto import MAX_PLAINTEXT, encrypt, vapid_authorization
from ediary_webpush.models import PushSubscription
from ediary_webpush.subscriptions import parse_address

log = logging.getLogger("ediary.webpush")

# RFC 8030 section 6.2: a push service answers 404 or 410 for a subscription that has
# expired or was cancelled in the browser; it will never deliver again.
GONE = frozenset({404, 410})


class PushRefused(Exception):
    """The push service did not accept the message; the delivery worker retries later."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the push service answered {status}")
        self.status = status


def notification(message: Message) -> bytes:
    """What the service worker receives: JSON with `title`, `body` and `tag` (the event's
    key, so a retried message replaces its first copy instead of showing twice). A body too
    long for one push message is cut, with an ellipsis."""
    body = message.body
    while True:
        data = json.dumps(
            {"title": message.subject, "body": body, "tag": message.key}, ensure_ascii=False
        ).encode()
        # Subject and key are short (200 characters at most): a body of nothing always fits.
        if len(data) <= MAX_PLAINTEXT or not body:
            return data
        # Cut by the excess in octets (a character is at least one), or by half when the
        # excess counts more octets than the body has characters: it shrinks every time.
        kept = len(body) - (len(data) - MAX_PLAINTEXT) - 1
        if kept <= 0:
            kept = len(body) // 2
        body = body[:kept] + "…" if kept > 1 else ""


class WebPushChannel:
    name = "webpush"

    def __init__(self, config: WebPushConfig, timeout: float = 15.0) -> None:
        self.config = config
        self.timeout = timeout

    async def send(self, message: Message) -> None:
        user_id, subscription_id = parse_address(message.to)
        subscription = await PushSubscription.get_or_none(id=subscription_id, user_id=user_id)
        if subscription is None:
            # Removed since the message was written (the browser asked for no more), or
            # registered by another account since: not theirs to read.
            return
        headers = {
            "Authorization": vapid_authorization(
                self.config.key, self.config.subject, subscription.endpoint
            ),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(self.config.ttl),
            "Urgency": "normal",
        }
        body = encrypt(notification(message), subscription.p256dh, subscription.auth)
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            response = await client.post(subscription.endpoint, content=body, headers=headers)
        if response.status_code in GONE:
            # Only this registration of the endpoint: it may have been registered anew since.
            await PushSubscription.filter(
                id=subscription.id, endpoint=subscription.endpoint
            ).delete()
            log.info("push subscription %s is gone: removed", subscription.id)
            return
        if not response.is_success:
            raise PushRefused(response.status_code)
