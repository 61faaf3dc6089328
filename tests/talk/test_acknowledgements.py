"""Acknowledgements: the class teacher asks, parents acknowledge per child, signed with an
Ed25519 key when they hold one; the class teacher, the administration and the parent see
who did, and every signature verifies again from what is stored."""

from __future__ import annotations

from typing import Any

from ediary.domain import models
from ediary.domain.talk import signing
from tests.conftest import GraphQLClient
from tests.talk.conftest import Class9, local, new_key, ok, sign
from tests.talk.queries import ACKNOWLEDGE, CHALLENGE, REGISTER, REQUEST, REVOKE, STATUSES


async def ask(gql: GraphQLClient, c: Class9, title: str, *students: str) -> str:
    input: dict[str, Any] = {
        "classId": c.gid("SchoolClass", "class9"),
        "title": title,
        "text": f"{title}: the class goes to the museum on Friday, 9:00 to 14:00.",
    }
    if students:
        input["studentIds"] = [c.gid("Student", s) for s in students]
    made = await ok(gql, REQUEST, {"input": input}, "t9_lead")
    request_id: str = made["request"]["id"]
    return request_id


async def statuses(gql: GraphQLClient, request: str, who: str) -> list[dict[str, Any]]:
    result = await gql(STATUSES, {"id": request}, as_user=who)
    assert "errors" not in result, result
    rows: list[dict[str, Any]] = result["data"]["node"]["statuses"]
    return rows


async def signed_ack(
    gql: GraphQLClient, c: Class9, parent: str, request: str, student: str, private: Any
) -> Any:
    ids = {"requestId": request, "studentId": c.gid("Student", student)}
    challenge = (await ok(gql, CHALLENGE, {"input": ids}, parent))["challenge"]
    signature = sign(private, challenge["payload"])
    return await ok(
        gql,
        ACKNOWLEDGE,
        {"input": {**ids, "nonce": challenge["nonce"], "signature": signature}},
        parent,
    )


async def test_parents_acknowledge_signed_and_plain_and_the_teacher_sees_who(
    gql: GraphQLClient, class9: Class9
) -> None:
    request = await ask(gql, class9, "Museum trip consent")
    rows = await statuses(gql, request, "t9_lead")
    assert [(r["student"]["fullName"], r["acknowledgement"]) for r in rows] == [
        ("S9_A Test", None),
        ("S9_B Test", None),
        ("S9_C Test", None),
    ]

    private, public = new_key()
    key = await ok(gql, REGISTER, {"input": {"publicKey": public}}, "p9_a")
    assert key["signingKey"]["fingerprint"] == signing.fingerprint(signing.parse_public_key(public))
    done = await signed_ack(gql, class9, "p9_a", request, "s9_a", private)
    ack = done["acknowledgement"]
    assert ack["signed"] is True
    assert ack["signature"]["valid"] is True
    assert ack["signature"]["publicKey"] == public
    payload = ack["signature"]["signedPayload"]
    stated = signing.Statement.parse(payload)
    assert stated is not None
    assert (stated.parent_id, stated.student_id, stated.request_id) == (
        class9.ids["p9_a"],
        class9.ids["s9_a"],
        local(request),
    )

    # Without a key, an acknowledgement is plain.
    plain = await ok(
        gql,
        ACKNOWLEDGE,
        {"input": {"requestId": request, "studentId": class9.gid("Student", "s9_b")}},
        "p9_b",
    )
    assert (plain["acknowledgement"]["signed"], plain["acknowledgement"]["signature"]) == (
        False,
        None,
    )

    for who in ("t9_lead", "admin"):
        seen = {
            r["student"]["fullName"]: r["acknowledgement"]
            for r in await statuses(gql, request, who)
        }
        assert seen["S9_A Test"]["signed"] is True
        assert seen["S9_A Test"]["signature"] == {"valid": True}
        assert seen["S9_B Test"]["signed"] is False
        assert seen["S9_C Test"] is None
    # A parent sees their own row only.
    assert [r["student"]["fullName"] for r in await statuses(gql, request, "p9_a")] == ["S9_A Test"]


async def test_verification_runs_again_on_what_is_stored(
    gql: GraphQLClient, class9: Class9
) -> None:
    request = await ask(gql, class9, "Swimming pool consent", "s9_c")
    private, public = new_key()
    await ok(gql, REGISTER, {"input": {"publicKey": public}}, "p9_c")
    ack = (await signed_ack(gql, class9, "p9_c", request, "s9_c", private))["acknowledgement"]
    query = "query($id: ID!) { node(id: $id) { ... on Acknowledgement { signature { valid } } } }"

    async def valid(who: str) -> bool:
        result = await gql(query, {"id": ack["id"]}, as_user=who)
        assert "errors" not in result, result
        found: bool = result["data"]["node"]["signature"]["valid"]
        return found

    assert await valid("admin") and await valid("p9_c") and await valid("t9_lead")
    row = await models.Acknowledgement.get(id=local(ack["id"]))
    stored = row.signed_payload
    assert stored is not None
    # The stored bytes changed behind the application's back: the signature no longer holds.
    await models.Acknowledgement.filter(id=row.id).update(signed_payload=stored.replace("s", "S"))
    assert not await valid("admin")
    await models.Acknowledgement.filter(id=row.id).update(signed_payload=stored)
    assert await valid("admin")
    # The request's text changed: the signature holds, but not for this text any more.
    request_row = await models.AckRequest.get(id=local(request))
    await models.AckRequest.filter(id=request_row.id).update(text=request_row.text + " Bring food.")
    try:
        assert not await valid("admin")
    finally:
        await models.AckRequest.filter(id=request_row.id).update(text=request_row.text)
    # Revoking the key afterwards leaves the old signature verifiable.
    key = await models.SigningKey.get(owner_id=class9.ids["p9_c"], revoked_at=None)
    from strawberry.relay import to_base64

    await ok(gql, REVOKE, {"input": {"keyId": to_base64("SigningKey", key.id)}}, "p9_c")
    assert await valid("admin")


async def test_requests_can_go_to_some_students_only(gql: GraphQLClient, class9: Class9) -> None:
    request = await ask(gql, class9, "Olympiad team", "s9_b")
    assert [r["student"]["fullName"] for r in await statuses(gql, request, "t9_lead")] == [
        "S9_B Test"
    ]
    listed = await gql(
        "query { acknowledgementRequests(first: 100) { totalCount edges { node { id } } } }",
        as_user="p9_a",
    )
    ids = [e["node"]["id"] for e in listed["data"]["acknowledgementRequests"]["edges"]]
    assert request not in ids
    hidden = await gql(STATUSES, {"id": request}, as_user="p9_a")
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    mine = await gql(
        "query { acknowledgementRequests(first: 100) { edges { node { id } } } }", as_user="p9_b"
    )
    assert request in [e["node"]["id"] for e in mine["data"]["acknowledgementRequests"]["edges"]]
    # Parents hear of it through the outbox: the one with an address gets a message.
    assert await models.OutboxMessage.filter(key__startswith=f"ack:{local(request)}:").count() == 1
