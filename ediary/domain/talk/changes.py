"""What a committed conversation write announces to live subscribers: IDs only."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")

TOPIC = "talk"


class TalkChangeKind(StrEnum):
    """What happened in a conversation."""

    MESSAGE_POSTED = "message_posted"
    MESSAGE_READ = "message_read"
    CONVERSATION_CLOSED = "conversation_closed"


@dataclass(frozen=True)
class TalkChange:
    """A change to one conversation; `object_id` is the message, the read receipt or the
    conversation itself. Subscribers load it after the commit through the access policy."""

    kind: TalkChangeKind
    conversation_id: int
    object_id: int

    def to_json(self) -> str:
        return json.dumps({"topic": TOPIC, **asdict(self)}, separators=(",", ":"))

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> TalkChange:
        return cls(
            kind=TalkChangeKind(data["kind"]),
            conversation_id=int(data["conversation_id"]),
            object_id=int(data["object_id"]),
        )


@dataclass(frozen=True)
class TalkOutcome(Generic[T]):
    """The result of a conversation write and the changes to announce after its commit."""

    value: T
    changes: tuple[TalkChange, ...] = ()
