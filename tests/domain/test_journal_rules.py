"""Pure rules of the journal: when a notification may go out, what a file really is, which
live changes a subscriber may see, and what the event hash covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from ediary.domain.access import ALL_FACETS, Facet, Placement, StudentGrant
from ediary.domain.enums import MarkAction, NotifyMode, OutboxStatus
from ediary.domain.journal import files
from ediary.domain.journal.changes import ChangeKind, DiaryChange
from ediary.domain.journal.history import GENESIS, event_hash
from ediary.domain.journal.live import concerns
from ediary.domain.models import MarkEvent
from ediary.domain.notifications import delivery_time

MOSCOW = ZoneInfo("Europe/Moscow")


def _at(hour: int, minute: int = 0) -> datetime:
    """A moment on 25 November 2026 at this Moscow wall-clock time, in UTC."""
    return datetime(2026, 11, 25, hour, minute, tzinfo=MOSCOW).astimezone(UTC)


def test_instant_goes_now_outside_quiet_hours_and_waits_inside_them() -> None:
    quiet = {"quiet_from": time(22), "quiet_to": time(7)}
    now = _at(15)
    assert delivery_time(NotifyMode.INSTANT, now, MOSCOW, **quiet).due_at == now  # type: ignore[union-attr]
    late = delivery_time(NotifyMode.INSTANT, _at(23, 30), MOSCOW, **quiet)
    assert late is not None and late.status is OutboxStatus.PENDING
    assert late.due_at.astimezone(MOSCOW) == datetime(2026, 11, 26, 7, tzinfo=MOSCOW)
    early = delivery_time(NotifyMode.INSTANT, _at(6, 59), MOSCOW, **quiet)
    assert early is not None
    assert early.due_at.astimezone(MOSCOW) == datetime(2026, 11, 25, 7, tzinfo=MOSCOW)
    daytime_quiet = delivery_time(
        NotifyMode.INSTANT, _at(13), MOSCOW, quiet_from=time(12), quiet_to=time(14)
    )
    assert daytime_quiet is not None
    assert daytime_quiet.due_at.astimezone(MOSCOW).time() == time(14)


def test_digest_waits_for_its_hour_and_off_sends_nothing() -> None:
    before = delivery_time(NotifyMode.DIGEST, _at(10), MOSCOW, digest_hour=19)
    assert before is not None and before.status is OutboxStatus.HELD
    assert before.due_at.astimezone(MOSCOW) == datetime(2026, 11, 25, 19, tzinfo=MOSCOW)
    after = delivery_time(NotifyMode.DIGEST, _at(19, 1), MOSCOW, digest_hour=19)
    assert after is not None
    assert after.due_at.astimezone(MOSCOW) == datetime(2026, 11, 26, 19, tzinfo=MOSCOW)
    assert delivery_time(NotifyMode.OFF, _at(10), MOSCOW) is None


@pytest.mark.parametrize(
    ("name", "data", "verdict"),
    [
        ("a.pdf", b"%PDF-1.7 ...", "application/pdf"),
        ("a.jpeg", b"\xff\xd8\xff\xe0" + b"0" * 20, "image/jpeg"),
        ("a.txt", "Задача 5".encode(), "text/plain"),
        ("a.pdf", b"MZ\x90\x00" + b"\x00" * 20, "Files of this type cannot be attached."),
        ("a.txt", b"\x7fELF\x02\x01\x01\x00", "Files of this type cannot be attached."),
        ("a.pdf", b"\x89PNG\r\n\x1a\n....", "The file's name does not match its contents."),
        ("a.docx", b"PK\x03\x04 not a zip", "Files of this type cannot be attached."),
        ("a.pdf", b"", "The file is empty."),
        ("a.pdf", b"%PDF-" + b"x" * 2048, "The file is larger than 1 KB."),
    ],
)
def test_files_are_judged_by_their_bytes(name: str, data: bytes, verdict: str) -> None:
    found = files.check(name, data, 1024)
    assert (found.content_type or found.problem) == verdict


def test_file_names_lose_their_directories() -> None:
    assert files.clean_name("..\\..\\etc/passwd.txt") == "passwd.txt"
    assert files.clean_name("   ") == "file"


def _change(kind: ChangeKind, student: int | None, subject: int | None = 7) -> DiaryChange:
    return DiaryChange(kind, class_id=3, subject_id=subject, student_id=student, object_id=1)


def test_live_changes_obey_the_grant() -> None:
    placed = [Placement(3, 1, 1, "r1", date(2026, 9, 1), None)]
    family = StudentGrant(10, ALL_FACETS, None)
    teacher = StudentGrant(10, ALL_FACETS, frozenset({7}))
    nurse = StudentGrant(10, frozenset({Facet.LESSONS, Facet.ATTENDANCE}), None)
    mark = _change(ChangeKind.MARK_POSTED, 10)
    assert concerns(family, placed, mark)
    assert not concerns(family, placed, _change(ChangeKind.MARK_POSTED, 11))
    assert concerns(teacher, placed, mark)
    assert not concerns(teacher, placed, _change(ChangeKind.MARK_POSTED, 10, subject=8))
    assert not concerns(nurse, placed, mark)
    assert concerns(nurse, placed, _change(ChangeKind.ATTENDANCE_RECORDED, 10))
    homework = _change(ChangeKind.HOMEWORK_SET, None)
    assert concerns(family, placed, homework)
    assert not concerns(nurse, placed, homework)
    other_class = DiaryChange(ChangeKind.HOMEWORK_SET, 4, 7, None, 1)
    assert not concerns(family, placed, other_class)


def test_the_event_hash_covers_every_field_and_the_previous_hash(database: str) -> None:
    # `database`: Tortoise must know the models to build one, even unsaved.
    event = MarkEvent(
        seq=1,
        mark_id=1,
        action=MarkAction.CORRECT,
        actor_id=2,
        at=datetime(2026, 11, 25, 9, tzinfo=UTC),
        student_id=3,
        subject_id=4,
        lesson_id=None,
        date=date(2026, 11, 25),
        old_value=3,
        new_value=4,
        old_weight=1,
        new_weight=1,
        old_kind="oral",
        new_kind="oral",
        old_comment="",
        new_comment="",
        reason="Recount",
        prev_hash=GENESIS,
    )
    original = event_hash(event)
    assert len(original) == 64 and original == event_hash(event)
    for field, value in (
        ("new_value", 5),
        ("reason", "Recount."),
        ("prev_hash", "1" * 64),
        ("actor_id", 9),
        ("at", datetime(2026, 11, 25, 9, 0, 1, tzinfo=UTC)),
    ):
        saved = getattr(event, field)
        setattr(event, field, value)
        assert event_hash(event) != original, field
        setattr(event, field, saved)
