"""Conversations and signed acknowledgements end to end, against a real `ediary serve`
process: a parent and the class teacher talk, each subscribed over a real WebSocket, and
see messages and read receipts arrive live; the parent registers a key and signs an
acknowledgement on their side; the school administration verifies it again; a forged and
a replayed signature are refused."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ediary.domain import models
from tests.conftest import TODAY
from tests.servers import (
    Mailbox,
    Server,
    next_payload,
    nothing_more,
    smtp_server,
    subscription,
)
from tests.talk.conftest import Class9, close_open_threads
from tests.talk.queries import (
    ACKNOWLEDGE,
    CHALLENGE,
    CLOSE,
    READ,
    REGISTER,
    REQUEST,
    SEND,
    START,
)
from tests.waiting import eventually

UPDATES = """
subscription($id: ID) {
  conversationUpdates(conversationId: $id) {
    kind
    conversation { id closedAt }
    message { id text author { fullName role } }
    readReceipt { lastReadMessageId participant { fullName role } }
  }
}
"""
VERIFY = """
query($id: ID!) {
  node(id: $id) {
    ... on Acknowledgement {
      signed parentName student { fullName }
      signature { valid publicKey signedPayload }
    }
  }
}
"""


async def _update(ws: Any) -> dict[str, Any]:
    update: dict[str, Any] = (await next_payload(ws))["conversationUpdates"]
    return update


async def test_talk_live_and_sign_an_acknowledgement(
    database: str, class9: Class9, tmp_path: Path
) -> None:
    await close_open_threads(class9, "p9_a")
    # A key of the parent from earlier tests is set aside: this parent starts afresh.
    await models.SigningKey.filter(owner_id=class9.ids["p9_a"], revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )
    with smtp_server() as (mailbox, smtp_port):
        env = {
            "EDIARY_DATABASE_URL": database,
            "EDIARY_TODAY": TODAY.isoformat(),
            "EDIARY_SMTP_HOST": "127.0.0.1",
            "EDIARY_SMTP_PORT": str(smtp_port),
            "EDIARY_DELIVERY_POLL_SECONDS": "0.2",
        }
        async with Server(env, tmp_path / "server.log") as server:
            await _scenario(server, class9, mailbox)


async def _scenario(server: Server, class9: Class9, mailbox: Mailbox) -> None:
    parent, teacher = class9.token("p9_a"), class9.token("t9_lead")
    started = await server.gql(
        START,
        {
            "input": {
                "studentId": class9.gid("Student", "s9_a"),
                "teacherId": class9.gid("Teacher", "t9_lead"),
                "text": "Can Ann leave early on Friday?",
            }
        },
        parent,
    )
    assert started["startConversation"]["userErrors"] == []
    conversation = started["startConversation"]["conversation"]["id"]
    watch = {"id": conversation}
    # A participant of nothing cannot listen to the thread.
    async with subscription(server, class9.token("p9_b"), UPDATES, watch, refused=True) as stranger:
        message = json.loads(await asyncio.wait_for(stranger.recv(), 10))
        assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    async with (
        subscription(server, parent, UPDATES, watch) as parent_ws,
        subscription(server, teacher, UPDATES, {"id": None}) as teacher_ws,
    ):
        sent = await server.gql(
            SEND, {"input": {"conversationId": conversation, "text": "Yes, at 12:00."}}, teacher
        )
        reply_id = sent["sendMessage"]["message"]["id"]
        for ws in (parent_ws, teacher_ws):
            update = await _update(ws)
            assert update["kind"] == "MESSAGE_POSTED"
            assert update["message"] == {
                "id": reply_id,
                "text": "Yes, at 12:00.",
                "author": {"fullName": "T9_Lead Test", "role": "TEACHER"},
            }

        # The parent also hears of the teacher's answer by e-mail, through the outbox.
        await eventually(lambda: any("Yes, at 12:00." in m.get_content() for m in mailbox.messages))
        # (The outbox may hold other tests' messages too: look at this one only.)
        (answer,) = [m for m in mailbox.messages if "Yes, at 12:00." in m.get_content()]
        assert answer["To"] == "p9a@example.org"

        read = await server.gql(READ, {"input": {"conversationId": conversation}}, parent)
        assert read["markConversationRead"]["conversation"]["unreadCount"] == 0
        for ws in (parent_ws, teacher_ws):
            update = await _update(ws)
            assert update["kind"] == "MESSAGE_READ"
            assert update["readReceipt"] == {
                "lastReadMessageId": reply_id,
                "participant": {"fullName": "P9_A Test", "role": "PARENT"},
            }
        # Reading again moves nothing and announces nothing.
        await server.gql(READ, {"input": {"conversationId": conversation}}, parent)
        assert await nothing_more(parent_ws, 0.5)

        closed = await server.gql(CLOSE, {"input": {"conversationId": conversation}}, teacher)
        assert closed["closeConversation"]["userErrors"] == []
        for ws in (parent_ws, teacher_ws):
            update = await _update(ws)
            assert update["kind"] == "CONVERSATION_CLOSED"
            assert update["conversation"]["closedAt"] is not None
        late = await server.gql(
            SEND, {"input": {"conversationId": conversation, "text": "Thanks!"}}, parent
        )
        assert [e["code"] for e in late["sendMessage"]["userErrors"]] == ["CONVERSATION_CLOSED"]
        assert await nothing_more(teacher_ws, 0.5)

    # --- a signed acknowledgement ---------------------------------------------------------
    async def request(title: str) -> str:
        made = await server.gql(
            REQUEST,
            {
                "input": {
                    "classId": class9.gid("SchoolClass", "class9"),
                    "title": title,
                    "text": f"{title}: the class goes to the planetarium on 4 December.",
                    "studentIds": [class9.gid("Student", "s9_a")],
                }
            },
            teacher,
        )
        assert made["requestAcknowledgement"]["userErrors"] == []
        request_id: str = made["requestAcknowledgement"]["request"]["id"]
        return request_id

    private = Ed25519PrivateKey.generate()
    public = base64.b64encode(
        private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ).decode()
    key = await server.gql(REGISTER, {"input": {"publicKey": public}}, parent)
    assert key["registerSigningKey"]["userErrors"] == []

    def signature(payload: str, signer: Ed25519PrivateKey = private) -> str:
        return base64.b64encode(signer.sign(payload.encode("ascii"))).decode()

    async def challenge(request_id: str) -> dict[str, str]:
        ids = {"requestId": request_id, "studentId": class9.gid("Student", "s9_a")}
        found = await server.gql(CHALLENGE, {"input": ids}, parent)
        assert found["createAcknowledgementChallenge"]["userErrors"] == []
        given: dict[str, str] = found["createAcknowledgementChallenge"]["challenge"]
        return given

    async def acknowledge(request_id: str, nonce: str, signed: str) -> dict[str, Any]:
        input = {
            "requestId": request_id,
            "studentId": class9.gid("Student", "s9_a"),
            "nonce": nonce,
            "signature": signed,
        }
        answer: dict[str, Any] = (await server.gql(ACKNOWLEDGE, {"input": input}, parent))[
            "acknowledge"
        ]
        return answer

    trip = await request("Planetarium trip")
    first = await challenge(trip)
    # A forged signature (another key) is refused and spends nothing.
    forged = await acknowledge(
        trip, first["nonce"], signature(first["payload"], Ed25519PrivateKey.generate())
    )
    assert [e["code"] for e in forged["userErrors"]] == ["SIGNATURE_INVALID"]
    done = await acknowledge(trip, first["nonce"], signature(first["payload"]))
    assert done["userErrors"] == []
    ack = done["acknowledgement"]
    assert ack["signed"] is True and ack["signature"]["valid"] is True

    # The administration, a third party, verifies it again from what is stored.
    verified = await server.gql(VERIFY, {"id": ack["id"]}, class9.world.tokens["admin"])
    assert verified["node"]["signature"]["valid"] is True
    assert verified["node"]["signature"]["publicKey"] == public
    assert verified["node"]["parentName"] == "P9_A Test"
    assert verified["node"]["signature"]["signedPayload"] == first["payload"]

    # Replays: the spent challenge for another request, and the old signature with a
    # fresh challenge of the other request.
    museum = await request("Museum trip")
    replayed = await acknowledge(museum, first["nonce"], signature(first["payload"]))
    assert [e["code"] for e in replayed["userErrors"]] == ["TOKEN_USED"]
    second = await challenge(museum)
    crossed = await acknowledge(museum, second["nonce"], signature(first["payload"]))
    assert [e["code"] for e in crossed["userErrors"]] == ["SIGNATURE_INVALID"]
    assert (
        await models.Acknowledgement.filter(
            parent_id=class9.ids["p9_a"], request_id=int(_local(museum))
        ).count()
        == 0
    )


def _local(global_id: str) -> str:
    from strawberry.relay import from_base64

    return from_base64(global_id)[1]
