"""Browsers' push subscriptions: registered, listed and removed by their owner only.

Who may do what is simple here and lives beside the data: a subscription is its owner's
alone, every read and write is filtered by the viewer's account, and someone else's
subscription answers exactly like one that does not exist.
"""

from __future__ import annotations

import binascii
import ipaddress
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from ediary.domain.access import Viewer
from ediary.domain.errors import DomainError, InvalidInput, NotFound
from ediary_webpush.config import WebPushConfig
from ediary_webpush.crypto import b64url_decode, browser_key
from ediary_webpush.models import PushSubscription

MAX_ENDPOINT = 1024


class WebPushUnavailable(DomainError):
    code = "WEB_PUSH_UNAVAILABLE"
    default_message = "This server does not send push notifications."


class InvalidPushEndpoint(InvalidInput):
    code = "INVALID_PUSH_ENDPOINT"
    default_message = "The endpoint must be the https URL of a push service."


class InvalidPushKeys(InvalidInput):
    code = "INVALID_PUSH_KEYS"
    default_message = (
        "The keys must be the subscription's p256dh (a P-256 public key) and auth "
        "(16 octets), base64url-encoded."
    )


@dataclass(frozen=True)
class NewSubscription:
    endpoint: str
    p256dh: str
    auth: str


def check_endpoint(endpoint: str, config: WebPushConfig) -> str:
    """The endpoint if the server may post to it: https to a named host. The server sends
    to whatever URL a client registers, so addresses of its own network are refused."""
    if len(endpoint) > MAX_ENDPOINT:
        raise InvalidPushEndpoint(field="endpoint")
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise InvalidPushEndpoint(field="endpoint") from None
    if parts.username is not None or parts.fragment or not host:
        raise InvalidPushEndpoint(field="endpoint")
    if config.allow_loopback_http and parts.scheme == "http" and host == "127.0.0.1":
        return endpoint
    if parts.scheme != "https" or host == "localhost" or host.endswith(".localhost"):
        raise InvalidPushEndpoint(field="endpoint")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return endpoint
    raise InvalidPushEndpoint(field="endpoint")


def check_keys(p256dh: str, auth: str) -> tuple[str, str]:
    """The keys without padding, as stored; InvalidPushKeys unless they are usable."""
    try:
        browser_key(p256dh)
    except ValueError:
        raise InvalidPushKeys(field="keys") from None
    try:
        secret = b64url_decode(auth)
    except (binascii.Error, ValueError):
        raise InvalidPushKeys(field="keys") from None
    if len(secret) != 16:
        raise InvalidPushKeys(field="keys")
    return p256dh.rstrip("="), auth.rstrip("=")


async def register(
    viewer: Viewer, config: WebPushConfig | None, new: NewSubscription
) -> PushSubscription:
    """Store the viewer's subscription, in one transaction.

    An endpoint names one browser profile: registered again, it moves to the account that
    registered it last (another person logged in on that browser), with the keys sent now.
    Beyond the most an account may keep, its oldest subscriptions are dropped."""
    if config is None:
        raise WebPushUnavailable()
    assert viewer.user_id is not None
    endpoint = check_endpoint(new.endpoint, config)
    p256dh, auth = check_keys(new.p256dh, new.auth)
    try:
        return await _store(viewer.user_id, endpoint, p256dh, auth, config.max_subscriptions)
    except IntegrityError:
        # The same endpoint was registered at the same moment by another request, which
        # committed first: now it is there to update.
        return await _store(viewer.user_id, endpoint, p256dh, auth, config.max_subscriptions)


async def _store(
    user_id: int, endpoint: str, p256dh: str, auth: str, most: int
) -> PushSubscription:
    async with in_transaction():
        found = await PushSubscription.get_or_none(endpoint=endpoint)
        if found is not None:
            found.user_id = user_id
            found.p256dh, found.auth = p256dh, auth
            await found.save(update_fields=["user_id", "p256dh", "auth"])
            return found
        kept = (
            await PushSubscription.filter(user_id=user_id)
            .order_by("-id")
            .values_list("id", flat=True)
        )
        extra = list(kept[most - 1 :])
        if extra:
            await PushSubscription.filter(id__in=extra).delete()
        return await PushSubscription.create(
            user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth
        )


async def remove(viewer: Viewer, *, subscription_id: int | None, endpoint: str | None) -> int:
    """Delete one of the viewer's subscriptions, by ID or by endpoint; its ID."""
    if (subscription_id is None) == (endpoint is None):
        raise InvalidInput("Give the subscription's ID or its endpoint, not both.")
    found = PushSubscription.filter(user_id=viewer.user_id)
    found = (
        found.filter(id=subscription_id)
        if subscription_id is not None
        else found.filter(endpoint=endpoint)
    )
    async with in_transaction():
        target = await found.first()
        if target is None:
            raise NotFound(field="subscriptionId" if subscription_id is not None else "endpoint")
        await target.delete()
    return target.id


async def of_viewer(viewer: Viewer) -> list[PushSubscription]:
    """The viewer's subscriptions, newest first."""
    return await PushSubscription.filter(user_id=viewer.user_id).order_by("-id")


async def visible(viewer: Viewer, subscription_id: int) -> PushSubscription:
    """One of the viewer's subscriptions; NotFound for any other."""
    found = await PushSubscription.get_or_none(id=subscription_id, user_id=viewer.user_id)
    if found is None:
        raise NotFound()
    return found


def address(user_id: int, subscription_id: int) -> str:
    """The outbox address of a subscription: its owner too, so that a message written for
    one account never reaches a browser that has since moved to another."""
    return f"{user_id}:{subscription_id}"


def parse_address(text: str) -> tuple[int, int]:
    """(owner, subscription) of an outbox address; ValueError for anything else."""
    user, _, subscription = text.partition(":")
    return int(user), int(subscription)


async def addresses(user_ids: Collection[int]) -> Mapping[int, Sequence[str]]:
    """The outbox addresses of accounts' subscriptions, oldest first."""
    found: dict[int, list[str]] = {}
    rows = (
        await PushSubscription.filter(user_id__in=list(user_ids))
        .order_by("id")
        .values_list("id", "user_id")
    )
    for subscription_id, user_id in rows:
        found.setdefault(user_id, []).append(address(user_id, subscription_id))
    return found
