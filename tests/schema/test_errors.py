"""Tests for ediary.schema.errors' one way from a refusal to a payload's userErrors."""

from __future__ import annotations

import pytest
import strawberry

from ediary.domain.errors import Forbidden, InvalidFields, NotFound, Problem, TooManyAttempts
from ediary.schema.errors import UserError, attempt, collecting_waits, refusals, user_errors


def test_each_field_at_fault_keeps_its_path() -> None:
    error = InvalidFields(
        [
            Problem(("marks", "0", "value"), "Marks go from 1 to 5.", "MARK_OUT_OF_SCALE"),
            Problem(("marks", "2", "studentId"), "Not in this class.", "NOT_IN_CLASS"),
        ]
    )
    assert user_errors(error) == [
        UserError(
            field=["input", "marks", "0", "value"],
            message="Marks go from 1 to 5.",
            code="MARK_OUT_OF_SCALE",
        ),
        UserError(
            field=["input", "marks", "2", "studentId"],
            message="Not in this class.",
            code="NOT_IN_CLASS",
        ),
    ]


def test_a_refusal_of_no_field_has_none() -> None:
    (found,) = user_errors(Forbidden("Only the class teacher."))
    assert (found.field, found.code, found.message) == (
        None,
        "FORBIDDEN",
        "Only the class teacher.",
    )


def test_not_found_points_at_the_id_it_was_given() -> None:
    assert user_errors(NotFound(), missing="feedId")[0].field == ["input", "feedId"]
    # A refusal that names its field keeps it, and `missing` is only for NotFound.
    assert user_errors(NotFound(field="studentId"), missing="feedId")[0].field == [
        "input",
        "studentId",
    ]
    assert user_errors(Forbidden(), missing="feedId")[0].field is None


def test_a_wait_is_told_and_collected_for_retry_after() -> None:
    with collecting_waits() as waits:
        (found,) = user_errors(TooManyAttempts(retry_after=42))
    assert found.retry_after == 42 and waits == [42]


async def test_attempt_answers_the_value_or_the_errors() -> None:
    async def works() -> int:
        return 7

    async def refuses() -> int:
        raise NotFound(field="lessonId")

    assert await attempt(works()) == (7, [])
    value, errors = await attempt(refuses())
    assert value is None and [e.field for e in errors] == [["input", "lessonId"]]


@strawberry.type(description="A probe payload.")
class ProbePayload:
    items: list[int] = strawberry.field(description="Some numbers, empty when refused.")
    thing: str | None = strawberry.field(description="A text, null when refused.")
    ok: bool = strawberry.field(description="Whether it went through.")
    user_errors: list[UserError] = strawberry.field(description="Why it did not.")


class Probe:
    @refusals
    async def act(self, refuse: bool) -> ProbePayload | None:
        if refuse:
            raise InvalidFields([Problem(("thing",), "Not this.", "NOT_THIS")])
        return ProbePayload(items=[1], thing="done", ok=True, user_errors=[])


async def test_refusals_answer_the_payload_with_every_other_field_empty() -> None:
    assert await Probe().act(False) == ProbePayload(
        items=[1], thing="done", ok=True, user_errors=[]
    )
    refused = await Probe().act(True)
    assert refused == ProbePayload(
        items=[],
        thing=None,
        ok=False,
        user_errors=[UserError(field=["input", "thing"], message="Not this.", code="NOT_THIS")],
    )


@strawberry.type(description="A payload with a field that cannot be empty.")
class Rigid:
    count: int = strawberry.field(description="Always a number.")
    user_errors: list[UserError] = strawberry.field(description="Why not.")


@refusals
async def rigid() -> Rigid | None:
    raise Forbidden()


async def test_refusals_need_a_payload_whose_fields_can_be_empty() -> None:
    with pytest.raises(TypeError, match="count has no empty value"):
        await rigid()
