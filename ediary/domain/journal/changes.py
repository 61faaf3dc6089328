"""What a committed write announces to live subscribers: small, serialisable facts."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class ChangeKind(StrEnum):
    """What happened in the diary."""

    MARK_POSTED = "mark_posted"
    MARK_CORRECTED = "mark_corrected"
    MARK_DELETED = "mark_deleted"
    HOMEWORK_SET = "homework_set"
    HOMEWORK_CHANGED = "homework_changed"
    ATTENDANCE_RECORDED = "attendance_recorded"
    ABSENCE_EXCUSED = "absence_excused"
    REMARK_ADDED = "remark_added"
    LESSON_CHANGED = "lesson_changed"


@dataclass(frozen=True)
class DiaryChange:
    """A change to one student's diary, or to a whole class's when `student_id` is None.

    Only IDs travel: a subscriber loads the object itself, after the commit, through the
    access policy, so a notification payload never carries data to the wrong viewer.
    """

    kind: ChangeKind
    class_id: int
    subject_id: int | None
    student_id: int | None
    object_id: int
    # The lesson the change is about, when it has one: a subscriber names the lesson (its
    # subject and day) even when the object itself is gone, as a register entry taken back.
    lesson_id: int | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> DiaryChange:
        data = json.loads(text)
        return cls(
            kind=ChangeKind(data["kind"]),
            class_id=int(data["class_id"]),
            subject_id=None if data["subject_id"] is None else int(data["subject_id"]),
            student_id=None if data["student_id"] is None else int(data["student_id"]),
            object_id=int(data["object_id"]),
            # A change published by a process of an older version carries no lesson.
            lesson_id=None if data.get("lesson_id") is None else int(data["lesson_id"]),
        )


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """The result of a write and the changes to announce after its commit."""

    value: T
    changes: tuple[DiaryChange, ...] = ()
