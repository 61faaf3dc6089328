"""A class of its own for the conversation tests, so that what they write does not change
what other tests of the shared world expect: 9T of school A, led by its own class teacher,
taught mathematics by another teacher, three students and their parents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from strawberry.relay import from_base64, to_base64

from ediary.domain import models
from ediary.domain.enums import Role
from tests.builders import member
from tests.conftest import GraphQLClient
from tests.world import World


@dataclass
class Class9:
    world: World
    ids: dict[str, int] = field(default_factory=dict)

    def gid(self, kind: str, name: str) -> str:
        return to_base64(kind, self.ids[name])

    def token(self, name: str) -> str:
        return self.world.tokens[name]


@pytest.fixture(scope="session")
async def class9(world: World) -> Class9:
    found = Class9(world)
    lead = await member(world, "t9_lead", Role.TEACHER)
    math_teacher = await member(world, "t9_math", Role.TEACHER)
    await member(world, "t9_other", Role.TEACHER)  # teaches nobody in 9T
    school_class = await models.SchoolClass.create(
        school=world.objects["school_A"],
        academic_year=world.objects["year_A"],
        grade=9,
        letter="T",
        class_teacher=lead,
    )
    await models.TeachingAssignment.create(
        teacher=math_teacher, school_class=school_class, subject=world.objects["math"]
    )
    found.ids.update(class9=school_class.id, t9_lead=lead.id, t9_math=math_teacher.id)
    found.ids["t9_other"] = world.users["t9_other"].id
    for name in ("a", "b", "c"):
        student = await member(world, f"s9_{name}", Role.STUDENT)
        await models.Enrollment.create(
            student=student, school_class=school_class, starts_on=date(2026, 9, 1)
        )
        found.ids[f"s9_{name}"] = student.id
    contacts = {
        "p9_a": ("s9_a", {"email": "p9a@example.org", "phone": "+79990000091"}),
        "p9_b": ("s9_b", {"email": "p9b@example.org"}),
        "p9_c": ("s9_c", {}),
    }
    for name, (child, extra) in contacts.items():
        parent = await member(world, name, Role.PARENT, **extra)
        await models.Guardianship.create(parent=parent, student_id=found.ids[child])
        found.ids[name] = parent.id
    return found


async def close_open_threads(c: Class9, parent: str) -> None:
    """Close the parent's open threads, so that the next start opens a new one."""
    await models.Conversation.filter(parent_id=c.ids[parent], unique_key__isnull=False).update(
        unique_key=None, closed_at=datetime.now(UTC)
    )


def local(global_id: str) -> int:
    return int(from_base64(global_id)[1])


def new_key() -> tuple[Ed25519PrivateKey, str]:
    """A fresh key pair, with the public half as base64 of its raw 32 bytes."""
    import base64

    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private, base64.b64encode(raw).decode()


def sign(private: Ed25519PrivateKey, payload: str) -> str:
    import base64

    return base64.b64encode(private.sign(payload.encode("ascii"))).decode()


async def ok(gql: GraphQLClient, query: str, variables: dict[str, Any], who: str) -> Any:
    """Run a mutation as `who`, expecting no errors; the payload of its one root field."""
    result = await gql(query, variables, as_user=who)
    assert "errors" not in result, result
    (payload,) = result["data"].values()
    assert payload.get("userErrors", []) == [], payload
    return payload


async def refused(gql: GraphQLClient, query: str, variables: dict[str, Any], who: str) -> list[str]:
    """Run a mutation as `who` that must be refused; the codes of its user errors."""
    result = await gql(query, variables, as_user=who)
    assert "errors" not in result, result
    (payload,) = result["data"].values()
    codes = [e["code"] for e in payload["userErrors"]]
    assert codes, payload
    return codes
