"""Managing push subscriptions through GraphQL: the server's key, registering, listing and
removing, for the viewer only; invalid endpoints and keys are refused with stable codes."""

from __future__ import annotations

import asyncio
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from ediary_webpush.crypto import b64url_encode, public_key_bytes
from ediary_webpush.models import PushSubscription

from tests.conftest import GraphQLClient
from tests.plugins.webpush.conftest import Family
from tests.plugins.webpush.push_service import Browser, PushService, b64url

KEY = "{ webPushPublicKey }"
LIST = "{ webPushSubscriptions { id endpoint pushService createdAt } }"
REGISTER = """
mutation($input: RegisterWebPushSubscriptionInput!) {
  registerWebPushSubscription(input: $input) {
    subscription { id endpoint pushService }
    userErrors { field code message }
  }
}
"""
REMOVE = """
mutation($input: RemoveWebPushSubscriptionInput!) {
  removeWebPushSubscription(input: $input) {
    removedSubscriptionId
    userErrors { field code message }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { ... on WebPushSubscription { endpoint } } }"


async def _register(
    gql: GraphQLClient, token: str, endpoint: str, keys: dict[str, str]
) -> dict[str, Any]:
    answer = await gql(REGISTER, {"input": {"endpoint": endpoint, "keys": keys}}, bearer=token)
    found: dict[str, Any] = answer["data"]["registerWebPushSubscription"]
    return found


async def _listed(gql: GraphQLClient, token: str) -> list[str]:
    answer = await gql(LIST, bearer=token)
    return [s["endpoint"] for s in answer["data"]["webPushSubscriptions"]]


async def test_the_public_key_is_the_vapid_key_of_the_server(
    push_gql: GraphQLClient, gql: GraphQLClient, vapid_key: ec.EllipticCurvePrivateKey
) -> None:
    answer = await push_gql(KEY)
    assert answer["data"]["webPushPublicKey"] == b64url_encode(
        public_key_bytes(vapid_key.public_key())
    )
    # The plugin loaded without a key: no push, and registering says so.
    assert (await gql(KEY))["data"]["webPushPublicKey"] is None
    refused = await _register(
        gql, gql.world.tokens["math_teacher"], "https://push.example.net/a", Browser().keys()
    )
    assert refused["subscription"] is None
    assert [e["code"] for e in refused["userErrors"]] == ["WEB_PUSH_UNAVAILABLE"]


async def test_a_parent_registers_lists_and_removes_a_browser(
    push_gql: GraphQLClient, family: Family
) -> None:
    mother = family.tokens["mother"]
    endpoint = "https://fcm.googleapis.com/fcm/send/mother-laptop:APA91b"
    made = await _register(push_gql, mother, endpoint, Browser().keys())
    assert made["userErrors"] == []
    assert made["subscription"]["pushService"] == "fcm.googleapis.com"
    assert endpoint in await _listed(push_gql, mother)
    node = await push_gql(NODE, {"id": made["subscription"]["id"]}, bearer=mother)
    assert node["data"]["node"] == {"endpoint": endpoint}

    removed = await push_gql(
        REMOVE, {"input": {"subscriptionId": made["subscription"]["id"]}}, bearer=mother
    )
    assert removed["data"]["removeWebPushSubscription"] == {
        "removedSubscriptionId": made["subscription"]["id"],
        "userErrors": [],
    }
    assert endpoint not in await _listed(push_gql, mother)
    again = await push_gql(
        REMOVE, {"input": {"subscriptionId": made["subscription"]["id"]}}, bearer=mother
    )
    assert [e["code"] for e in again["data"]["removeWebPushSubscription"]["userErrors"]] == [
        "NOT_FOUND"
    ]


async def test_a_browser_unsubscribing_removes_itself_by_endpoint(
    push_gql: GraphQLClient, family: Family
) -> None:
    father = family.tokens["father"]
    endpoint = "https://updates.push.services.mozilla.com/wpush/v2/father-phone"
    await _register(push_gql, father, endpoint, Browser().keys())
    removed = await push_gql(REMOVE, {"input": {"endpoint": endpoint}}, bearer=father)
    assert removed["data"]["removeWebPushSubscription"]["userErrors"] == []
    assert endpoint not in await _listed(push_gql, father)
    both = await push_gql(
        REMOVE,
        {"input": {"endpoint": endpoint, "subscriptionId": "V2ViUHVzaFN1YnNjcmlwdGlvbjox"}},
        bearer=father,
    )
    assert [e["code"] for e in both["data"]["removeWebPushSubscription"]["userErrors"]] == [
        "BAD_USER_INPUT"
    ]


async def test_someone_elses_subscription_is_as_if_it_did_not_exist(
    push_gql: GraphQLClient, family: Family
) -> None:
    endpoint = "https://web.push.apple.com/mother-tablet"
    made = await _register(push_gql, family.tokens["mother"], endpoint, Browser().keys())
    stranger = family.tokens["stranger"]
    assert endpoint not in await _listed(push_gql, stranger)
    node = await push_gql(NODE, {"id": made["subscription"]["id"]}, bearer=stranger)
    unknown_id = "V2ViUHVzaFN1YnNjcmlwdGlvbjo5OTk5OTk5"  # WebPushSubscription:9999999
    missing = await push_gql(NODE, {"id": unknown_id}, bearer=stranger)
    assert node["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert node["errors"][0]["message"] == missing["errors"][0]["message"]
    pairs = (
        ({"subscriptionId": made["subscription"]["id"]}, {"subscriptionId": unknown_id}),
        ({"endpoint": endpoint}, {"endpoint": endpoint + "-unknown"}),
    )
    for theirs, nobodys in pairs:
        refused = await push_gql(REMOVE, {"input": theirs}, bearer=stranger)
        errors = refused["data"]["removeWebPushSubscription"]["userErrors"]
        assert [e["code"] for e in errors] == ["NOT_FOUND"]
        # Someone else's answers word for word like one that does not exist.
        unknown = await push_gql(REMOVE, {"input": nobodys}, bearer=stranger)
        assert errors == unknown["data"]["removeWebPushSubscription"]["userErrors"]
    assert endpoint in await _listed(push_gql, family.tokens["mother"])


async def test_an_endpoint_registered_again_moves_to_the_new_account(
    push_gql: GraphQLClient, family: Family
) -> None:
    endpoint = "https://fcm.googleapis.com/fcm/send/shared-family-computer"
    await _register(push_gql, family.tokens["mother"], endpoint, Browser().keys())
    browser = Browser()
    moved = await _register(push_gql, family.tokens["stranger"], endpoint, browser.keys())
    assert moved["userErrors"] == []
    assert endpoint not in await _listed(push_gql, family.tokens["mother"])
    assert endpoint in await _listed(push_gql, family.tokens["stranger"])
    stored = await PushSubscription.get(endpoint=endpoint)
    assert (stored.user_id, stored.p256dh) == (family.ids["stranger"], browser.p256dh)


async def test_an_account_keeps_its_newest_subscriptions_only(
    push_gql: GraphQLClient, family: Family
) -> None:
    teacher = family.tokens["teacher"]
    endpoints = [f"https://fcm.googleapis.com/fcm/send/teacher-{n}" for n in range(12)]
    for endpoint in endpoints:
        assert (await _register(push_gql, teacher, endpoint, Browser().keys()))["userErrors"] == []
    # EDIARY_WEBPUSH_MAX_SUBSCRIPTIONS is 10 by default; newest first.
    assert await _listed(push_gql, teacher) == endpoints[::-1][:10]


async def test_bad_endpoints_and_keys_are_refused_with_their_codes(
    push_gql: GraphQLClient, family: Family, service: PushService
) -> None:
    mother = family.tokens["mother"]
    good = Browser().keys()
    cases = [
        ("http://push.example.net/a", good, "INVALID_PUSH_ENDPOINT", "endpoint"),
        ("https://192.168.1.10/a", good, "INVALID_PUSH_ENDPOINT", "endpoint"),
        ("https://localhost:8443/a", good, "INVALID_PUSH_ENDPOINT", "endpoint"),
        ("http://127.0.0.2:80/a", good, "INVALID_PUSH_ENDPOINT", "endpoint"),
        (
            "https://push.example.net/a",
            {**good, "auth": b64url(b"x" * 15)},
            "INVALID_PUSH_KEYS",
            "keys",
        ),
        (
            "https://push.example.net/a",
            {**good, "p256dh": b64url(b"\x04" + b"\x01" * 64)},
            "INVALID_PUSH_KEYS",
            "keys",
        ),
        ("https://push.example.net/a", {**good, "p256dh": "%%%"}, "INVALID_PUSH_KEYS", "keys"),
    ]
    before = await PushSubscription.filter(user_id=family.ids["mother"]).count()
    for endpoint, keys, code, field in cases:
        refused = await _register(push_gql, mother, endpoint, keys)
        assert refused["subscription"] is None
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
            (code, ["input", field])
        ], endpoint
    assert await PushSubscription.filter(user_id=family.ids["mother"]).count() == before
    # The test setting admits the loopback push service.
    local = await _register(push_gql, mother, f"{service.url}/push/mother-test", good)
    assert local["userErrors"] == []
    await push_gql(
        REMOVE, {"input": {"endpoint": f"{service.url}/push/mother-test"}}, bearer=mother
    )


async def test_logged_out_nothing_is_listed_or_registered(push_gql: GraphQLClient) -> None:
    listed = await push_gql(LIST)
    assert listed["data"]["webPushSubscriptions"] is None
    assert listed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    answer = await push_gql(
        REGISTER,
        {"input": {"endpoint": "https://push.example.net/a", "keys": Browser().keys()}},
    )
    errors = answer["data"]["registerWebPushSubscription"]["userErrors"]
    assert [e["code"] for e in errors] == ["UNAUTHENTICATED"]


async def test_one_endpoint_registered_at_once_by_two_requests_is_stored_once(
    push_gql: GraphQLClient, family: Family
) -> None:
    endpoint = "https://fcm.googleapis.com/fcm/send/double-click"
    answers = await asyncio.gather(
        *(
            _register(push_gql, family.tokens[who], endpoint, Browser().keys())
            for who in ("mother", "father", "mother", "father")
        )
    )
    assert [a["userErrors"] for a in answers] == [[]] * 4
    assert await PushSubscription.filter(endpoint=endpoint).count() == 1
