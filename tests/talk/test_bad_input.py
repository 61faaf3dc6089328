"""Bad input and abuse, each refused with a clear code and nothing stored: messages out of
the sender's reach, oversized or empty messages, floods, and every way a signature can be
wrong (forged, replayed, made with a key that is not the parent's, malformed, twice)."""

from __future__ import annotations

import base64
import os
from datetime import UTC, date, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.enums import Role
from ediary.domain.talk.conversations import MESSAGE_LIMIT, TEXT_LIMIT
from tests.builders import member
from tests.conftest import GraphQLClient
from tests.talk.conftest import Class9, local, new_key, ok, refused, sign
from tests.talk.queries import (
    ACKNOWLEDGE,
    CHALLENGE,
    CLOSE,
    READ,
    REGISTER,
    REQUEST,
    REVOKE,
    SEND,
    START,
)


async def snapshot() -> tuple[int, ...]:
    """Everything a refused request must leave as it was."""
    return (
        await models.Conversation.all().count(),
        await models.ConversationMessage.all().count(),
        await models.ConversationRead.all().count(),
        await models.AckRequest.all().count(),
        await models.AckTarget.all().count(),
        await models.Acknowledgement.all().count(),
        await models.SigningKey.all().count(),
        await models.OneTimeToken.filter(used_at__isnull=False).count(),
        await models.OutboxMessage.all().count(),
    )


async def _thread(gql: GraphQLClient, c: Class9) -> str:
    started = await ok(
        gql,
        START,
        {
            "input": {
                "studentId": c.gid("Student", "s9_a"),
                "teacherId": c.gid("Teacher", "t9_math"),
                "text": "Hello",
            }
        },
        "p9_a",
    )
    conversation: str = started["conversation"]["id"]
    return conversation


async def test_messages_out_of_reach_answer_like_unknown_ids(
    gql: GraphQLClient, class9: Class9
) -> None:
    conversation = await _thread(gql, class9)
    before = await snapshot()
    for who in ("parent", "p9_b", "s9_a", "t9_lead", "admin", "other_school_teacher"):
        codes = await refused(
            gql, SEND, {"input": {"conversationId": conversation, "text": "hi"}}, who
        )
        assert codes == ["NOT_FOUND"], who
    for bad in (to_base64("Conversation", 10**8), class9.gid("Student", "s9_a")):
        codes = await refused(gql, SEND, {"input": {"conversationId": bad, "text": "hi"}}, "p9_a")
        assert codes == ["NOT_FOUND"], bad
    anonymous = await gql(SEND, {"input": {"conversationId": conversation, "text": "hi"}})
    assert anonymous["data"]["sendMessage"]["userErrors"][0]["code"] == "UNAUTHENTICATED"

    starts: list[tuple[str, dict[str, str]]] = [
        # a teacher who does not teach the child
        (
            "p9_a",
            {
                "studentId": class9.gid("Student", "s9_a"),
                "teacherId": class9.gid("Teacher", "t9_other"),
            },
        ),
        # a child that is not the parent's
        (
            "p9_a",
            {
                "studentId": class9.gid("Student", "s9_b"),
                "teacherId": class9.gid("Teacher", "t9_math"),
            },
        ),
        # a teacher of another school
        (
            "p9_a",
            {
                "studentId": class9.gid("Student", "s9_a"),
                "teacherId": to_base64("Teacher", class9.world.users["other_school_teacher"].id),
            },
        ),
        # a teacher writing about a student they do not teach
        (
            "t9_other",
            {
                "studentId": class9.gid("Student", "s9_a"),
                "parentId": to_base64("Parent", class9.ids["p9_a"]),
            },
        ),
        # a parent who is not the student's
        (
            "t9_math",
            {
                "studentId": class9.gid("Student", "s9_a"),
                "parentId": to_base64("Parent", class9.ids["p9_b"]),
            },
        ),
        # a student never takes part
        (
            "s9_a",
            {
                "studentId": class9.gid("Student", "s9_a"),
                "teacherId": class9.gid("Teacher", "t9_math"),
            },
        ),
    ]
    for who, ids in starts:
        codes = await refused(gql, START, {"input": {**ids, "text": "hi"}}, who)
        assert codes == ["NOT_FOUND"], (who, ids)
    message_of_another = await ok(
        gql,
        START,
        {
            "input": {
                "studentId": class9.gid("Student", "s9_b"),
                "teacherId": class9.gid("Teacher", "t9_math"),
                "text": "Another thread",
            }
        },
        "p9_b",
    )
    before = await snapshot()
    codes = await refused(
        gql,
        READ,
        {
            "input": {
                "conversationId": conversation,
                "messageId": message_of_another["message"]["id"],
            }
        },
        "p9_a",
    )
    assert codes == ["NOT_FOUND"]
    assert await refused(gql, CLOSE, {"input": {"conversationId": conversation}}, "t9_lead") == [
        "NOT_FOUND"
    ]
    both = {
        "studentId": class9.gid("Student", "s9_a"),
        "teacherId": class9.gid("Teacher", "t9_math"),
        "parentId": to_base64("Parent", class9.ids["p9_a"]),
        "text": "hi",
    }
    assert await refused(gql, START, {"input": both}, "p9_a") == ["BAD_USER_INPUT"]
    assert await snapshot() == before


async def test_oversized_and_empty_messages_are_refused(gql: GraphQLClient, class9: Class9) -> None:
    conversation = await _thread(gql, class9)
    before = await snapshot()
    for text, code in (
        ("x" * (TEXT_LIMIT + 1), "MESSAGE_TOO_LONG"),
        ("я" * (TEXT_LIMIT + 1), "MESSAGE_TOO_LONG"),
        ("", "BAD_USER_INPUT"),
        ("   \n\t ", "BAD_USER_INPUT"),
    ):
        result = await gql(
            SEND, {"input": {"conversationId": conversation, "text": text}}, as_user="p9_a"
        )
        (error,) = result["data"]["sendMessage"]["userErrors"]
        assert (error["code"], error["field"]) == (code, ["input", "text"])
    assert await snapshot() == before
    # Exactly at the limit is fine.
    await ok(
        gql, SEND, {"input": {"conversationId": conversation, "text": "y" * TEXT_LIMIT}}, "p9_a"
    )


async def test_a_flood_of_messages_is_stopped(gql: GraphQLClient, class9: Class9) -> None:
    # A family of its own, so the limit it reaches touches no other test.
    world = class9.world
    school_class = await models.SchoolClass.create(
        school=world.objects["school_A"],
        academic_year=world.objects["year_A"],
        grade=9,
        letter="F",
        class_teacher=await member(world, "t9f_lead", Role.TEACHER),
    )
    child = await member(world, "s9f", Role.STUDENT)
    await models.Enrollment.create(
        student=child, school_class=school_class, starts_on=date(2026, 9, 1)
    )
    await models.Guardianship.create(parent=await member(world, "p9f", Role.PARENT), student=child)
    group = await gql(
        "query($id: ID!) { classConversation(classId: $id) { id } }",
        {"id": to_base64("SchoolClass", school_class.id)},
        as_user="p9f",
    )
    conversation = group["data"]["classConversation"]["id"]
    for n in range(MESSAGE_LIMIT.attempts):
        await ok(gql, SEND, {"input": {"conversationId": conversation, "text": f"spam {n}"}}, "p9f")
    before = await snapshot()
    codes = await refused(
        gql, SEND, {"input": {"conversationId": conversation, "text": "one more"}}, "p9f"
    )
    assert codes == ["TOO_MANY_ATTEMPTS"]
    assert await snapshot() == before
    # Others in the same group still write.
    await ok(gql, SEND, {"input": {"conversationId": conversation, "text": "Stop"}}, "t9f_lead")


# --- acknowledgements -------------------------------------------------------------------------


async def _request(gql: GraphQLClient, c: Class9, title: str) -> str:
    made = await ok(
        gql,
        REQUEST,
        {
            "input": {
                "classId": c.gid("SchoolClass", "class9"),
                "title": title,
                "text": f"{title}: details.",
                "studentIds": [c.gid("Student", "s9_b")],
            }
        },
        "t9_lead",
    )
    request: str = made["request"]["id"]
    return request


async def _fresh_key(gql: GraphQLClient, c: Class9, parent: str) -> Any:
    await models.SigningKey.filter(owner_id=c.ids[parent], revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )
    private, public = new_key()
    await ok(gql, REGISTER, {"input": {"publicKey": public}}, parent)
    return private


def _ids(c: Class9, request: str) -> dict[str, str]:
    return {"requestId": request, "studentId": c.gid("Student", "s9_b")}


async def _challenge(gql: GraphQLClient, c: Class9, request: str) -> dict[str, str]:
    found: dict[str, str] = (await ok(gql, CHALLENGE, {"input": _ids(c, request)}, "p9_b"))[
        "challenge"
    ]
    return found


async def test_requests_only_from_the_class_teacher_and_within_limits(
    gql: GraphQLClient, class9: Class9
) -> None:
    base = {
        "classId": class9.gid("SchoolClass", "class9"),
        "title": "Trip",
        "text": "Consent",
    }
    before = await snapshot()
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("t9_math", base, "FORBIDDEN"),
        ("p9_a", base, "FORBIDDEN"),
        ("admin", base, "FORBIDDEN"),
        ("other_school_teacher", base, "NOT_FOUND"),
        ("s9_a", base, "FORBIDDEN"),
        ("t9_lead", {**base, "classId": to_base64("SchoolClass", 10**8)}, "NOT_FOUND"),
        (
            "t9_lead",
            {**base, "studentIds": [to_base64("Student", class9.world.id("student"))]},
            "NOT_FOUND",
        ),
        ("t9_lead", {**base, "studentIds": []}, "BAD_USER_INPUT"),
        ("t9_lead", {**base, "title": " "}, "BAD_USER_INPUT"),
        ("t9_lead", {**base, "title": "t" * 201}, "MESSAGE_TOO_LONG"),
        ("t9_lead", {**base, "text": "t" * (TEXT_LIMIT + 1)}, "MESSAGE_TOO_LONG"),
    ]
    for who, input, code in cases:
        assert await refused(gql, REQUEST, {"input": input}, who) == [code], (who, input)
    assert await snapshot() == before


async def test_malformed_foreign_and_second_keys_are_refused(
    gql: GraphQLClient, class9: Class9
) -> None:
    await _fresh_key(gql, class9, "p9_a")
    x25519 = (
        X25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    taken = await models.SigningKey.filter(owner_id=class9.ids["p9_a"], revoked_at=None).first()
    assert taken is not None
    before = await snapshot()
    cases: list[tuple[str, str, str]] = [
        ("p9_b", "not base64 at all!", "SIGNING_KEY_MALFORMED"),
        ("p9_b", base64.b64encode(os.urandom(31)).decode(), "SIGNING_KEY_MALFORMED"),
        ("p9_b", base64.b64encode(os.urandom(33)).decode(), "SIGNING_KEY_MALFORMED"),
        ("p9_b", x25519, "SIGNING_KEY_MALFORMED"),
        (
            "p9_b",
            "-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----",
            "SIGNING_KEY_MALFORMED",
        ),
        ("p9_b", "", "SIGNING_KEY_MALFORMED"),
        ("p9_b", "A" * 5000, "SIGNING_KEY_MALFORMED"),
        # another parent's key
        ("p9_b", taken.public_key, "SIGNING_KEY_TAKEN"),
        # a second key while one is active
        ("p9_a", new_key()[1], "SIGNING_KEY_EXISTS"),
        # teachers and students sign nothing
        ("t9_lead", new_key()[1], "FORBIDDEN"),
        ("s9_a", new_key()[1], "FORBIDDEN"),
    ]
    await models.SigningKey.filter(owner_id=class9.ids["p9_b"], revoked_at=None).delete()
    before = await snapshot()
    for who, key, code in cases:
        assert await refused(gql, REGISTER, {"input": {"publicKey": key}}, who) == [code], (
            who,
            key,
        )
    assert await snapshot() == before
    assert await refused(
        gql, REVOKE, {"input": {"keyId": to_base64("SigningKey", taken.id)}}, "p9_b"
    ) == ["NOT_FOUND"]


async def test_forged_and_malformed_signatures_store_nothing(
    gql: GraphQLClient, class9: Class9
) -> None:
    private = await _fresh_key(gql, class9, "p9_b")
    request = await _request(gql, class9, "Forgery check")
    challenge = await _challenge(gql, class9, request)
    stranger, _ = new_key()
    payload = challenge["payload"]
    before = await snapshot()
    cases: list[tuple[str, str]] = [
        # made with a key that is not the parent's
        (sign(stranger, payload), "SIGNATURE_INVALID"),
        # 64 random bytes
        (base64.b64encode(os.urandom(64)).decode(), "SIGNATURE_INVALID"),
        # the parent's key over other bytes
        (sign(private, payload.replace('"student"', '"Student"')), "SIGNATURE_INVALID"),
        (sign(private, payload + " "), "SIGNATURE_INVALID"),
        # not a signature at all
        ("!!not base64!!", "SIGNATURE_MALFORMED"),
        (base64.b64encode(os.urandom(63)).decode(), "SIGNATURE_MALFORMED"),
        ("A" * 1000, "SIGNATURE_MALFORMED"),
    ]
    for signature, code in cases:
        input = {**_ids(class9, request), "nonce": challenge["nonce"], "signature": signature}
        assert await refused(gql, ACKNOWLEDGE, {"input": input}, "p9_b") == [code], signature
    missing = await refused(gql, ACKNOWLEDGE, {"input": _ids(class9, request)}, "p9_b")
    assert missing == ["SIGNATURE_REQUIRED"]
    unknown_nonce = {
        **_ids(class9, request),
        "nonce": "made-up",
        "signature": sign(private, payload),
    }
    assert await refused(gql, ACKNOWLEDGE, {"input": unknown_nonce}, "p9_b") == ["TOKEN_INVALID"]
    assert await snapshot() == before
    # The challenge was not spent by the refusals: the real signature still goes through.
    good = {
        **_ids(class9, request),
        "nonce": challenge["nonce"],
        "signature": sign(private, payload),
    }
    done = await ok(gql, ACKNOWLEDGE, {"input": good}, "p9_b")
    assert done["acknowledgement"]["signature"]["valid"] is True


async def test_replayed_signatures_and_signing_twice_are_refused(
    gql: GraphQLClient, class9: Class9
) -> None:
    private = await _fresh_key(gql, class9, "p9_b")
    first = await _request(gql, class9, "Replay A")
    second = await _request(gql, class9, "Replay B")
    third = await _request(gql, class9, "Replay C")
    challenge = await _challenge(gql, class9, first)
    signature = sign(private, challenge["payload"])
    signed = {"nonce": challenge["nonce"], "signature": signature}
    await ok(gql, ACKNOWLEDGE, {"input": {**_ids(class9, first), **signed}}, "p9_b")
    before = await snapshot()
    # Signing twice.
    assert await refused(
        gql, ACKNOWLEDGE, {"input": {**_ids(class9, first), **signed}}, "p9_b"
    ) == ["ALREADY_ACKNOWLEDGED"]
    assert await refused(gql, CHALLENGE, {"input": _ids(class9, first)}, "p9_b") == [
        "ALREADY_ACKNOWLEDGED"
    ]
    # The spent challenge and its signature, replayed for another request.
    assert await refused(
        gql, ACKNOWLEDGE, {"input": {**_ids(class9, second), **signed}}, "p9_b"
    ) == ["TOKEN_USED"]
    # A fresh challenge of the other request with the first request's signature.
    fresh = await _challenge(gql, class9, second)
    before = await snapshot()
    replay = {**_ids(class9, second), "nonce": fresh["nonce"], "signature": signature}
    assert await refused(gql, ACKNOWLEDGE, {"input": replay}, "p9_b") == ["SIGNATURE_INVALID"]
    # An unspent challenge of one request, spent on another.
    other = await _challenge(gql, class9, third)
    before = await snapshot()
    crossed = {
        **_ids(class9, second),
        "nonce": other["nonce"],
        "signature": sign(private, other["payload"]),
    }
    assert await refused(gql, ACKNOWLEDGE, {"input": crossed}, "p9_b") == ["TOKEN_INVALID"]
    assert await snapshot() == before


async def test_keys_challenges_and_who_may_acknowledge(gql: GraphQLClient, class9: Class9) -> None:
    request = await _request(gql, class9, "Who acknowledges")
    await models.SigningKey.filter(owner_id=class9.ids["p9_b"], revoked_at=None).delete()
    before = await snapshot()
    # Without a key there is nothing to sign with.
    assert await refused(gql, CHALLENGE, {"input": _ids(class9, request)}, "p9_b") == [
        "NO_SIGNING_KEY"
    ]
    unasked = {**_ids(class9, request), "nonce": "x", "signature": "eA=="}
    assert await refused(gql, ACKNOWLEDGE, {"input": unasked}, "p9_b") == ["NO_SIGNING_KEY"]
    # Students, other parents and staff acknowledge nothing.
    for who, code in (
        ("s9_b", "NOT_FOUND"),
        ("p9_a", "NOT_FOUND"),
        ("parent", "NOT_FOUND"),
        ("t9_lead", "NOT_FOUND"),
        ("admin", "NOT_FOUND"),
    ):
        assert await refused(gql, ACKNOWLEDGE, {"input": _ids(class9, request)}, who) == [code], who
    assert await snapshot() == before
    # A challenge given for one key does not serve after the key is replaced.
    private = await _fresh_key(gql, class9, "p9_b")
    challenge = await _challenge(gql, class9, request)
    private = await _fresh_key(gql, class9, "p9_b")
    before = await snapshot()
    stale = {
        **_ids(class9, request),
        "nonce": challenge["nonce"],
        "signature": sign(private, challenge["payload"]),
    }
    assert await refused(gql, ACKNOWLEDGE, {"input": stale}, "p9_b") == ["TOKEN_INVALID"]
    assert await snapshot() == before


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "a\x00b"])
async def test_html_in_requests_is_kept_as_text(
    gql: GraphQLClient, class9: Class9, text: str
) -> None:
    made = await gql(
        REQUEST,
        {"input": {"classId": class9.gid("SchoolClass", "class9"), "title": text, "text": text}},
        as_user="t9_lead",
    )
    payload = made["data"]["requestAcknowledgement"]
    if "\x00" in text:
        # PostgreSQL text cannot hold NUL; both backends refuse it alike.
        assert [e["code"] for e in payload["userErrors"]] == ["BAD_USER_INPUT"]
        return
    stored = await models.AckRequest.get(id=local(payload["request"]["id"]))
    assert (stored.title, stored.text) == (text, text)
