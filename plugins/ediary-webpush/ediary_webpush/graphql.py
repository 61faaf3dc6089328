"""GraphQL of Web Push: the server's key for browsers, and the viewer's subscriptions.

Mutations follow the API's convention: `verbNoun(input: VerbNounInput!): VerbNounPayload!`,
with refusals in `userErrors` and nothing changed when there are any.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Self
from urllib.parse import urlsplit

import strawberry
from strawberry import relay

from ediary.adapters import GraphQLContribution, MaxItems
from ediary.schema.errors import UserError, refusals
from ediary.schema.ids import local_id, resolve_each
from ediary.schema.info import Info
from ediary_webpush import subscriptions
from ediary_webpush.config import MAX_SUBSCRIPTIONS_LIMIT, config_for
from ediary_webpush.models import PushSubscription


@strawberry.type(
    description=(
        "A browser that receives the viewer's notifications through its push service. "
        "Visible to its owner only."
    )
)
class WebPushSubscription(relay.Node):
    id: relay.NodeID[int]
    endpoint: str = strawberry.field(
        description=(
            "The push service's URL for the browser, as `PushSubscription.endpoint` gives it: "
            "compare it with the browser's own to tell which entry is this browser."
        )
    )
    push_service: str = strawberry.field(
        description="The push service's host, such as fcm.googleapis.com, to show people."
    )
    created_at: datetime.datetime = strawberry.field(
        description="When the browser was registered here."
    )

    @classmethod
    def from_model(cls, found: PushSubscription) -> Self:
        return cls(
            id=found.id,
            endpoint=found.endpoint,
            push_service=urlsplit(found.endpoint).hostname or "",
            created_at=found.created_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(subscription_id: int) -> PushSubscription:
            return await subscriptions.visible(viewer, subscription_id)

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.input(description="The keys of a push subscription, from `PushSubscription.toJSON()`.")
class WebPushKeysInput:
    p256dh: str = strawberry.field(
        description="The browser's P-256 public key (65 octets, uncompressed), base64url."
    )
    auth: str = strawberry.field(
        description="The browser's authentication secret (16 octets), base64url."
    )


@strawberry.input(description="A browser's push subscription to register for the viewer.")
class RegisterWebPushSubscriptionInput:
    endpoint: str = strawberry.field(
        description="`PushSubscription.endpoint`: an https URL of a push service."
    )
    keys: WebPushKeysInput = strawberry.field(description="`PushSubscription.toJSON().keys`.")


@strawberry.type(description="The result of registering a push subscription.")
class RegisterWebPushSubscriptionPayload:
    subscription: WebPushSubscription | None = strawberry.field(
        description="The subscription as stored; null when there are user errors."
    )
    user_errors: list[UserError] = strawberry.field(
        description=(
            "Why it was not registered: INVALID_PUSH_ENDPOINT, INVALID_PUSH_KEYS, "
            "WEB_PUSH_UNAVAILABLE (the server has no VAPID key), UNAUTHENTICATED, FORBIDDEN."
        )
    )


@strawberry.input(description="Which of the viewer's subscriptions to remove: one of the two.")
class RemoveWebPushSubscriptionInput:
    subscription_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The subscription's ID (a WebPushSubscription ID)."
    )
    endpoint: str | None = strawberry.field(
        default=None,
        description="The browser's endpoint, for a browser that unsubscribes itself.",
    )


@strawberry.type(description="The result of removing a push subscription.")
class RemoveWebPushSubscriptionPayload:
    removed_subscription_id: relay.GlobalID | None = strawberry.field(
        description="The ID of the subscription removed; null when there are user errors."
    )
    user_errors: list[UserError] = strawberry.field(
        description=(
            "Why nothing was removed: NOT_FOUND (no such subscription of the viewer), "
            "BAD_USER_INPUT (neither or both of subscriptionId and endpoint), "
            "UNAUTHENTICATED, FORBIDDEN."
        )
    )


@strawberry.type
class WebPushQuery:
    @strawberry.field(
        description=(
            "The VAPID public key to pass as `applicationServerKey` to "
            "`pushManager.subscribe` (base64url); null when this server sends no push "
            "notifications."
        )
    )
    def web_push_public_key(self, info: Info) -> str | None:
        config = config_for(info.context.settings)
        return config.public_key if config else None

    @strawberry.field(
        description="The browsers that receive the viewer's notifications, newest first.",
        extensions=[MaxItems(MAX_SUBSCRIPTIONS_LIMIT)],
    )
    async def web_push_subscriptions(self, info: Info) -> list[WebPushSubscription] | None:
        viewer = await info.context.require_viewer()
        return [WebPushSubscription.from_model(s) for s in await subscriptions.of_viewer(viewer)]


@strawberry.type
class WebPushMutation:
    @strawberry.mutation(
        description=(
            "Register the browser's push subscription: diary notifications of the viewer "
            "then also arrive there. An endpoint registered before, by anyone, moves to the "
            "viewer; beyond the most an account keeps, the oldest one is dropped."
        )
    )
    @refusals
    async def register_web_push_subscription(
        self, info: Info, input: RegisterWebPushSubscriptionInput
    ) -> RegisterWebPushSubscriptionPayload | None:
        viewer = await info.context.require_writer()
        stored = await subscriptions.register(
            viewer,
            config_for(info.context.settings),
            subscriptions.NewSubscription(
                endpoint=input.endpoint, p256dh=input.keys.p256dh, auth=input.keys.auth
            ),
        )
        return RegisterWebPushSubscriptionPayload(
            subscription=WebPushSubscription.from_model(stored), user_errors=[]
        )

    @strawberry.mutation(description="Stop sending the viewer's notifications to a browser.")
    @refusals
    async def remove_web_push_subscription(
        self, info: Info, input: RemoveWebPushSubscriptionInput
    ) -> RemoveWebPushSubscriptionPayload | None:
        viewer = await info.context.require_writer()
        subscription_id = None
        if input.subscription_id is not None:
            subscription_id = local_id(
                input.subscription_id, "WebPushSubscription", field="subscriptionId"
            )
        removed = await subscriptions.remove(
            viewer, subscription_id=subscription_id, endpoint=input.endpoint
        )
        return RemoveWebPushSubscriptionPayload(
            removed_subscription_id=relay.GlobalID("WebPushSubscription", str(removed)),
            user_errors=[],
        )


CONTRIBUTION = GraphQLContribution(query=WebPushQuery, mutation=WebPushMutation)
