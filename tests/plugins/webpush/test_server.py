"""Web Push through a real `ediary serve` process: the plugin found by its entry point and
configured from the environment, its delivery worker posting a parent's notification to a
push service on a loopback port, which checks VAPID, and the fake browser decrypting it."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from ediary_webpush import config as push_config

from tests.conftest import TODAY
from tests.plugins.webpush.conftest import SUBJECT, Family
from tests.plugins.webpush.push_service import Browser, b64url, push_service
from tests.servers import Server
from tests.waiting import eventually

REGISTER = """
mutation($input: RegisterWebPushSubscriptionInput!) {
  registerWebPushSubscription(input: $input) { subscription { id } userErrors { code } }
}
"""
REMOVE = """
mutation($input: RemoveWebPushSubscriptionInput!) {
  removeWebPushSubscription(input: $input) { userErrors { code } }
}
"""
POST = """
mutation($input: PostMarksInput!) {
  postMarks(input: $input) { marks { id } userErrors { code } }
}
"""


async def test_a_served_mark_arrives_as_a_web_push(
    database: str, family: Family, tmp_path: Path
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    public = Browser(key=key).p256dh
    env = {
        "EDIARY_DATABASE_URL": database,
        "EDIARY_TODAY": TODAY.isoformat(),
        "EDIARY_DELIVERY_POLL_SECONDS": "0.2",
        "EDIARY_ATTACHMENTS_DIR": str(tmp_path / "files"),
        push_config.PRIVATE_KEY: b64url(key.private_numbers().private_value.to_bytes(32, "big")),
        push_config.PUBLIC_KEY: public,
        push_config.SUBJECT: SUBJECT,
        push_config.ALLOW_LOOPBACK: "1",
    }
    browser = Browser()
    with push_service() as service:
        path = f"/push/served-{tmp_path.name}"
        endpoint = service.url + path
        async with Server(env, tmp_path / "server.log") as server:
            mother = family.tokens["mother"]
            assert (await server.gql("{ webPushPublicKey }", {}, mother)) == {
                "webPushPublicKey": public
            }
            made = await server.gql(
                REGISTER, {"input": {"endpoint": endpoint, "keys": browser.keys()}}, mother
            )
            assert made["registerWebPushSubscription"]["userErrors"] == []
            posted = await server.gql(
                POST,
                {
                    "input": {
                        "lessonId": family.gid("Lesson", "lesson2"),
                        "kind": "TEST",
                        "idempotencyKey": f"webpush-served-{tmp_path.name}",
                        "marks": [{"studentId": family.gid("Student", "child"), "value": 4}],
                    }
                },
                family.tokens["teacher"],
            )
            assert posted["postMarks"]["userErrors"] == []
            await eventually(lambda: any(r.path == path for r in service.received))
            got = next(r for r in service.received if r.path == path)
            assert got.vapid_key == public and got.claims["sub"] == SUBJECT
            shown = browser.open(got.body)
            assert "4" in shown["body"] and "Biology" in shown["title"] + shown["body"]
            await server.gql(REMOVE, {"input": {"endpoint": endpoint}}, mother)
        assert service.refused == []
