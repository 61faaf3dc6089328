"""The history of a mark, as those who may see the mark see it."""

from __future__ import annotations

import datetime
from typing import Self

import strawberry

from ediary.domain import enums, models
from ediary.schema.types.journal import WorkKind
from ediary.schema.types.people import Teacher

MarkAction = strawberry.enum(
    enums.MarkAction, description="What a change did to a mark: created, corrected or deleted."
)


@strawberry.type(description="One change of a mark, in the order of the tamper-evident chain.")
class MarkEvent:
    sequence: int = strawberry.field(description="Position of the event in the chain of events.")
    action: MarkAction = strawberry.field(  # type: ignore[valid-type]
        description="CREATE, CORRECT or DELETE."
    )
    at: datetime.datetime = strawberry.field(description="When the change was made.")
    actor: Teacher = strawberry.field(description="Who made the change.")
    old_value: int | None = strawberry.field(description="The mark before; null when created.")
    new_value: int = strawberry.field(description="The mark after the change.")
    old_weight: int | None = strawberry.field(description="The weight before; null when created.")
    new_weight: int = strawberry.field(description="The weight after the change.")
    old_kind: WorkKind | None = strawberry.field(  # type: ignore[valid-type]
        description="The kind of work before; null when created."
    )
    new_kind: WorkKind = strawberry.field(  # type: ignore[valid-type]
        description="The kind of work after the change."
    )
    old_comment: str | None = strawberry.field(description="The comment before; null when created.")
    new_comment: str = strawberry.field(description="The comment after the change.")
    reason: str = strawberry.field(description="Why the mark was corrected or deleted.")
    hash: str = strawberry.field(
        description="SHA-256 of the event and the previous event's hash, in hex."
    )

    @classmethod
    def from_model(cls, event: models.MarkEvent) -> Self:
        return cls(
            sequence=event.seq,
            action=event.action,
            at=event.at,
            actor=Teacher.from_model(event.actor),
            old_value=event.old_value,
            new_value=event.new_value,
            old_weight=event.old_weight,
            new_weight=event.new_weight,
            old_kind=enums.WorkKind(event.old_kind) if event.old_kind else None,
            new_kind=enums.WorkKind(event.new_kind),
            old_comment=event.old_comment,
            new_comment=event.new_comment,
            reason=event.reason,
            hash=event.hash,
        )
