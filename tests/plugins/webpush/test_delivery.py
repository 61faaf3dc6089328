"""Web Push end to end in the test process: a teacher posts a mark through GraphQL, the
outbox holds one row per subscription of the child's parents, and the delivery worker posts
each to a push service on a loopback port, which checks the VAPID token and hands the body
to the fake browser, which decrypts it. Subscriptions the service calls gone are dropped."""

from __future__ import annotations

import itertools
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from ediary_webpush.channel import WebPushChannel
from ediary_webpush.config import config_for
from ediary_webpush.crypto import b64url_encode, public_key_bytes
from ediary_webpush.models import PushSubscription

from ediary.config import Settings
from ediary.delivery import DeliveryWorker
from ediary.domain.enums import OutboxStatus
from ediary.domain.models import OutboxMessage
from tests.conftest import GraphQLClient
from tests.plugins.webpush.conftest import SUBJECT, Family
from tests.plugins.webpush.push_service import Browser, PushService

REGISTER = """
mutation($input: RegisterWebPushSubscriptionInput!) {
  registerWebPushSubscription(input: $input) { subscription { id } userErrors { code } }
}
"""
POST = """
mutation($input: PostMarksInput!) {
  postMarks(input: $input) { marks { id value } userErrors { code message } }
}
"""
_keys = itertools.count()


async def _subscribe(
    gql: GraphQLClient, family: Family, who: str, endpoint: str, browser: Browser
) -> int:
    answer = await gql(
        REGISTER,
        {"input": {"endpoint": endpoint, "keys": browser.keys()}},
        bearer=family.tokens[who],
    )
    payload = answer["data"]["registerWebPushSubscription"]
    assert payload["userErrors"] == []
    return (await PushSubscription.get(endpoint=endpoint)).id


async def _post_mark(gql: GraphQLClient, family: Family, value: int) -> None:
    answer = await gql(
        POST,
        {
            "input": {
                "lessonId": family.gid("Lesson", f"lesson{value % 3}"),
                "kind": "ORAL",
                "idempotencyKey": f"webpush-{next(_keys)}",
                "marks": [{"studentId": family.gid("Student", "child"), "value": value}],
            }
        },
        bearer=family.tokens["teacher"],
    )
    assert answer["data"]["postMarks"]["userErrors"] == [], answer


def _worker(settings: Settings) -> DeliveryWorker:
    config = config_for(settings)
    assert config is not None
    return DeliveryWorker({"webpush": WebPushChannel(config)})


async def _rows(subscription_id: int) -> list[OutboxMessage]:
    return await OutboxMessage.filter(
        channel="webpush", address__endswith=f":{subscription_id}"
    ).order_by("id")


async def _cleanup(*subscription_ids: int) -> None:
    await PushSubscription.filter(id__in=subscription_ids).delete()


async def test_a_mark_reaches_each_parent_browser_encrypted_and_signed(
    push_gql: GraphQLClient,
    push_settings: Settings,
    family: Family,
    service: PushService,
    vapid_key: ec.EllipticCurvePrivateKey,
) -> None:
    laptop, phone, father = Browser(), Browser(), Browser()
    ids = [
        await _subscribe(push_gql, family, "mother", f"{service.url}/push/mother-laptop", laptop),
        await _subscribe(push_gql, family, "mother", f"{service.url}/push/mother-phone", phone),
        await _subscribe(push_gql, family, "father", f"{service.url}/push/father", father),
    ]
    stranger = await _subscribe(
        push_gql, family, "stranger", f"{service.url}/push/stranger", Browser()
    )
    service.received.clear()
    await _post_mark(push_gql, family, 5)

    rows = {i: await _rows(i) for i in ids}
    assert all(len(found) == 1 for found in rows.values())
    assert await _rows(stranger) == []
    assert await _worker(push_settings).run_once() >= 3

    by_path = {r.path: r for r in service.received}
    assert sorted(by_path) == ["/push/father", "/push/mother-laptop", "/push/mother-phone"]
    assert service.refused == []
    public = b64url_encode(public_key_bytes(vapid_key.public_key()))
    for (path, browser), subscription_id in zip(
        (("/push/mother-laptop", laptop), ("/push/mother-phone", phone), ("/push/father", father)),
        ids,
        strict=True,
    ):
        got = by_path[path]
        assert got.vapid_key == public and got.claims["sub"] == SUBJECT
        assert got.headers["content-encoding"] == "aes128gcm"
        assert int(got.headers["ttl"]) == 24 * 3600
        row = rows[subscription_id][0]
        shown: dict[str, Any] = browser.open(got.body)
        assert shown == {"title": row.subject, "body": row.text, "tag": row.key}
        assert "5" in shown["body"] and "Biology" in shown["body"] + shown["title"]
        await row.refresh_from_db()
        assert row.status is OutboxStatus.SENT
    # Sent rows are not sent again.
    assert await _worker(push_settings).run_once() == 0
    assert len(service.received) == 3
    await _cleanup(*ids, stranger)


async def test_a_subscription_the_service_calls_gone_is_removed_not_retried(
    push_gql: GraphQLClient, push_settings: Settings, family: Family, service: PushService
) -> None:
    kept = await _subscribe(push_gql, family, "mother", f"{service.url}/push/kept", Browser())
    gone = await _subscribe(push_gql, family, "mother", f"{service.url}/gone/old", Browser())
    expired = await _subscribe(push_gql, family, "father", f"{service.url}/expired/x", Browser())
    service.answers.update({"/gone/": 410, "/expired/": 404})
    try:
        await _post_mark(push_gql, family, 4)
        await _worker(push_settings).run_once()
    finally:
        service.answers.clear()
    assert not await PushSubscription.exists(id=gone)
    assert not await PushSubscription.exists(id=expired)
    assert await PushSubscription.exists(id=kept)
    for subscription_id in (gone, expired):
        (row,) = await _rows(subscription_id)
        assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
    # Later events no longer address the removed browsers.
    await _post_mark(push_gql, family, 3)
    assert len(await _rows(gone)) == 1 and len(await _rows(kept)) == 2
    await _worker(push_settings).run_once()
    await _cleanup(kept)


async def test_a_busy_service_gets_the_message_again_later(
    push_gql: GraphQLClient, push_settings: Settings, family: Family, service: PushService
) -> None:
    browser = Browser()
    busy = await _subscribe(push_gql, family, "father", f"{service.url}/busy/1", browser)
    service.answers["/busy/"] = 503
    try:
        await _post_mark(push_gql, family, 2)
        await _worker(push_settings).run_once()
    finally:
        service.answers.clear()
    (row,) = await _rows(busy)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "503" in row.last_error
    assert await PushSubscription.exists(id=busy)
    await _cleanup(busy)


async def test_a_message_for_one_account_never_reaches_a_browser_that_moved_to_another(
    push_gql: GraphQLClient, push_settings: Settings, family: Family, service: PushService
) -> None:
    endpoint = f"{service.url}/push/shared-computer"
    moved = await _subscribe(push_gql, family, "mother", endpoint, Browser())
    # The mark is written while the mother owns the browser; before it goes out, the
    # stranger logs in on that browser and registers it.
    await _post_mark(push_gql, family, 5)
    assert await _subscribe(push_gql, family, "stranger", endpoint, Browser()) == moved
    service.received.clear()
    await _worker(push_settings).run_once()
    assert [r.path for r in service.received if r.path.endswith("shared-computer")] == []
    (row,) = await _rows(moved)
    assert row.status is OutboxStatus.SENT
    await _cleanup(moved)
