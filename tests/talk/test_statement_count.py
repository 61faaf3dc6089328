"""A page of messages with read receipts, a page of conversations with unread counts and the
acknowledgements of a request each cost the same number of SQL statements, small or large."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from strawberry.relay import to_base64

from ediary.db import count_statements
from ediary.domain import models
from ediary.domain.enums import ConversationKind, Role
from ediary.domain.talk import signing
from tests.builders import member
from tests.conftest import GraphQLClient
from tests.talk.conftest import Class9
from tests.talk.queries import CONVERSATIONS, MESSAGES, STATUSES

STUDENTS = 30


async def _family_class(c: Class9) -> dict[str, Any]:
    world = c.world
    lead = await member(world, "t9s_lead", Role.TEACHER)
    school_class = await models.SchoolClass.create(
        school=world.objects["school_A"],
        academic_year=world.objects["year_A"],
        grade=9,
        letter="S",
        class_teacher=lead,
    )
    students, parents = [], []
    for n in range(STUDENTS):
        student = await models.User.create(login=f"s9s_{n}", last_name=f"S{n:02}", first_name="S")
        parent = await models.User.create(login=f"p9s_{n}", last_name=f"P{n:02}", first_name="P")
        await models.RoleGrant.create(
            user=parent, role=Role.PARENT, school=world.objects["school_A"]
        )
        await models.Enrollment.create(
            student=student, school_class=school_class, starts_on=date(2026, 9, 1)
        )
        await models.Guardianship.create(parent=parent, student=student)
        students.append(student)
        parents.append(parent)
    return {"lead": lead, "class": school_class, "students": students, "parents": parents}


async def _thread(lead: models.User, parent: models.User, student: models.User, size: int) -> int:
    now = datetime.now(UTC)
    thread = await models.Conversation.create(
        kind=ConversationKind.DIRECT,
        student=student,
        parent=parent,
        teacher=lead,
        activity_at=now,
    )
    last = 0
    for n in range(size):
        author = parent if n % 2 else lead
        message = await models.ConversationMessage.create(
            conversation=thread, author=author, text=f"message {n}"
        )
        last = message.id
    for reader in (lead, parent):
        await models.ConversationRead.create(
            conversation=thread, user=reader, last_read_message_id=last - 2, read_at=now
        )
    return thread.id


async def _request(
    lead: models.User, school_class: models.SchoolClass, pairs: list[tuple[Any, Any]]
) -> int:
    text = "Consent to the trip"
    request = await models.AckRequest.create(
        school_class=school_class,
        author=lead,
        title="Trip",
        text=text,
        text_sha256=signing.text_sha256(text),
    )
    for index, (student, parent) in enumerate(pairs):
        await models.AckTarget.create(request=request, student=student)
        if index % 3 == 2:
            continue  # not acknowledged yet
        if index % 3 == 1:
            await models.Acknowledgement.create(
                request=request, student=student, parent=parent, acknowledged_at=datetime.now(UTC)
            )
            continue
        private = Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        statement = signing.Statement(
            request.id, request.text_sha256, parent.id, student.id, signing.fingerprint(raw), "n"
        )
        payload = statement.payload()
        await models.Acknowledgement.create(
            request=request,
            student=student,
            parent=parent,
            acknowledged_at=datetime.now(UTC),
            signed_payload=payload,
            public_key=signing.encode(raw),
            signature=signing.encode(private.sign(payload.encode())),
        )
    return request.id


@pytest.fixture(scope="module")
async def big(class9: Class9) -> dict[str, Any]:
    found = await _family_class(class9)
    lead, students, parents = found["lead"], found["students"], found["parents"]
    found["small_thread"] = await _thread(lead, parents[0], students[0], 5)
    found["big_thread"] = await _thread(lead, parents[1], students[1], 40)
    for n in range(2, STUDENTS):
        await _thread(lead, parents[n], students[n], 1)
    pairs = list(zip(students, parents, strict=True))
    found["small_request"] = await _request(lead, found["class"], pairs[:3])
    found["big_request"] = await _request(lead, found["class"], pairs)
    return found


async def _cost(gql: GraphQLClient, query: str, variables: dict[str, Any], who: str) -> int:
    with count_statements() as count:
        result = await gql(query, variables, as_user=who)
    assert "errors" not in result, result
    return count.value


async def test_a_page_of_messages_with_read_receipts(
    gql: GraphQLClient, big: dict[str, Any]
) -> None:
    small = await _cost(
        gql,
        MESSAGES,
        {"id": to_base64("Conversation", big["small_thread"]), "first": 5},
        "t9s_lead",
    )
    large = await _cost(
        gql, MESSAGES, {"id": to_base64("Conversation", big["big_thread"]), "first": 40}, "t9s_lead"
    )
    assert small == large
    assert large <= 12, large


async def test_a_page_of_conversations_with_unread_counts(
    gql: GraphQLClient, big: dict[str, Any]
) -> None:
    # The first look creates the class's group; from then on every look costs the same.
    await _cost(gql, CONVERSATIONS, {"first": 1}, "t9s_lead")
    small = await _cost(gql, CONVERSATIONS, {"first": 2}, "t9s_lead")
    large = await _cost(gql, CONVERSATIONS, {"first": STUDENTS}, "t9s_lead")
    assert small == large
    assert large <= 12, large


async def test_the_acknowledgements_of_a_request(gql: GraphQLClient, big: dict[str, Any]) -> None:
    small_id = to_base64("AcknowledgementRequest", big["small_request"])
    large_id = to_base64("AcknowledgementRequest", big["big_request"])
    # Counted first: asked again unchanged, the answer would come from the response cache.
    small = await _cost(gql, STATUSES, {"id": small_id}, "t9s_lead")
    large = await _cost(gql, STATUSES, {"id": large_id}, "t9s_lead")
    assert small == large
    assert large <= 12, large
    result = await gql(STATUSES, {"id": large_id}, as_user="t9s_lead")
    rows = result["data"]["node"]["statuses"]
    assert len(rows) == STUDENTS
    signed = [r for r in rows if r["acknowledgement"] and r["acknowledgement"]["signed"]]
    assert len(signed) == STUDENTS // 3
    assert all(r["acknowledgement"]["signature"]["valid"] for r in signed)
