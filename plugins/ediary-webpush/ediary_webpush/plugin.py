"""The hooks of the webpush plugin; the entry point `webpush` names this module."""

from __future__ import annotations

from ediary.adapters import GraphQLContribution, ModelsApp, NotificationChannel, hookimpl
from ediary.config import Settings
from ediary.domain.notifications import register_address_book
from ediary_webpush import subscriptions
from ediary_webpush.channel import WebPushChannel
from ediary_webpush.config import config_for
from ediary_webpush.models import APP_LABEL


@hookimpl
def notification_channels(settings: Settings) -> list[NotificationChannel]:
    """`webpush`, when a VAPID key is configured; a bad key or subject stops the start."""
    config = config_for(settings)
    if config is None:
        return []
    register_address_book(WebPushChannel.name, subscriptions.addresses)
    return [WebPushChannel(config)]


@hookimpl
def graphql_schema() -> GraphQLContribution:
    """`webPushPublicKey`, `webPushSubscriptions`, `registerWebPushSubscription`,
    `removeWebPushSubscription`, node type `WebPushSubscription`."""
    from ediary_webpush.graphql import CONTRIBUTION

    return CONTRIBUTION


@hookimpl
def database_models() -> dict[str, ModelsApp]:
    """The app "webpush": browsers' push subscriptions."""
    return {
        APP_LABEL: {"models": ["ediary_webpush.models"], "migrations": "ediary_webpush.migrations"}
    }
