"""Families' notification preferences, and writing the outbox in the writer's transaction.

Sending is not done here: the server's delivery worker reads the outbox after the commit,
so a channel that is down never slows down or fails the teacher's save.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from ediary.domain.access import Viewer, may_set_notifications
from ediary.domain.enums import NotifyMode, OutboxStatus
from ediary.domain.errors import InvalidInput, NotFound
from ediary.domain.models import Guardianship, NotificationPreference, OutboxMessage, User

__all__ = [
    "AddressBook",
    "register_address_book",
]

# Which field of the account holds the address for a channel. A channel of a plugin that
# is neither listed here nor has an address book has no address to send to, and gets no
# messages.
ADDRESS_FIELDS = {"email": "email", "sms": "phone"}

# Addresses of the given accounts for a channel whose addresses are not a field of the
# account (a browser's push subscriptions): several per account, or none.
AddressBook = Callable[[Collection[int]], Awaitable[Mapping[int, Sequence[str]]]]

_address_books: dict[str, AddressBook] = {}


def register_address_book(channel: str, book: AddressBook) -> None:
    """Let `enqueue` address a plugin's channel: one outbox row per address the book gives.
    The book is called inside the writer's transaction, only while the channel is loaded."""
    _address_books[channel] = book


@dataclass(frozen=True)
class Delivery:
    """When a message may go out and in what state it waits."""

    status: OutboxStatus
    due_at: datetime


def _in_quiet_hours(moment: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # the quiet period spans midnight


def _next_local(now_local: datetime, at: time) -> datetime:
    """The next moment (today or tomorrow) when the local clock shows `at`."""
    candidate = now_local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now_local else candidate + timedelta(days=1)


def delivery_time(
    mode: NotifyMode,
    now: datetime,
    zone: ZoneInfo,
    *,
    digest_hour: int = 19,
    quiet_from: time | None = None,
    quiet_to: time | None = None,
) -> Delivery | None:
    """When a message about a change made `now` goes out; None when the parent chose off."""
    if mode is NotifyMode.OFF:
        return None
    local = now.astimezone(zone)
    if mode is NotifyMode.DIGEST:
        return Delivery(OutboxStatus.HELD, _next_local(local, time(digest_hour)))
    if quiet_from and quiet_to and _in_quiet_hours(local.time(), quiet_from, quiet_to):
        return Delivery(OutboxStatus.PENDING, _next_local(local, quiet_to))
    return Delivery(OutboxStatus.PENDING, now)


@dataclass(frozen=True)
class Notice:
    """Something a family should hear about: one student, a key, a subject line and text."""

    student_id: int
    key: str
    subject: str
    text: str
    # Only these of the student's parents, such as the one parent of a conversation; None
    # for all of them.
    parents: frozenset[int] | None = None


async def enqueue(
    notices: Sequence[Notice], channels: Iterable[str], now: datetime, zone: ZoneInfo
) -> int:
    """Write outbox rows for each parent of each student, per channel they have an address
    for, as their preferences say. Call inside the writer's transaction."""
    usable = [c for c in channels if c in ADDRESS_FIELDS or c in _address_books]
    if not notices or not usable:
        return 0
    students = {n.student_id for n in notices}
    links = await Guardianship.filter(student_id__in=list(students)).values(
        "parent_id", "student_id"
    )
    if not links:
        return 0
    parents = {p.id: p for p in await User.filter(id__in=[x["parent_id"] for x in links])}
    prefs = {
        (p.parent_id, p.student_id): p
        for p in await NotificationPreference.filter(
            parent_id__in=list(parents), student_id__in=list(students)
        )
    }
    by_student: dict[int, list[int]] = {}
    for link in links:
        by_student.setdefault(link["student_id"], []).append(link["parent_id"])
    booked = {
        channel: await _address_books[channel](list(parents))
        for channel in usable
        if channel not in ADDRESS_FIELDS
    }
    rows = []
    for notice in notices:
        for parent_id in by_student.get(notice.student_id, []):
            if notice.parents is not None and parent_id not in notice.parents:
                continue
            parent = parents[parent_id]
            if not parent.is_active:
                continue
            pref = prefs.get((parent_id, notice.student_id))
            when = delivery_time(
                pref.mode if pref else DEFAULT_MODE,
                now,
                zone,
                digest_hour=pref.digest_hour if pref else DEFAULT_DIGEST_HOUR,
                quiet_from=pref.quiet_from if pref else None,
                quiet_to=pref.quiet_to if pref else None,
            )
            if when is None:
                continue
            for channel, key, address in _addresses(parent, channel_names=usable, booked=booked):
                rows.append(
                    OutboxMessage(
                        key=f"{notice.key}:{parent_id}:{key}",
                        channel=channel,
                        address=address,
                        subject=notice.subject,
                        text=notice.text,
                        recipient_id=parent_id,
                        student_id=notice.student_id,
                        status=when.status,
                        due_at=when.due_at,
                    )
                )
    if rows:
        await OutboxMessage.bulk_create(rows, batch_size=500)
    return len(rows)


def _addresses(
    parent: User, *, channel_names: Sequence[str], booked: Mapping[str, Mapping[int, Sequence[str]]]
) -> Iterable[tuple[str, str, str]]:
    """(channel, key suffix, address) for each address a parent has; a channel with an
    address book may give several, each its own row and key."""
    for channel in channel_names:
        if channel in ADDRESS_FIELDS:
            address = getattr(parent, ADDRESS_FIELDS[channel])
            if address:
                yield channel, channel, address
            continue
        for address in booked[channel].get(parent.id, ()):
            yield channel, f"{channel}:{address}", address


async def set_preference(
    viewer: Viewer,
    student_id: int,
    mode: NotifyMode,
    digest_hour: int,
    quiet_from: time | None,
    quiet_to: time | None,
) -> NotificationPreference:
    """A parent's choice for one child; NotFound for anyone else's child."""
    if not may_set_notifications(viewer, student_id) or viewer.user_id is None:
        raise NotFound(field="studentId")
    if not 0 <= digest_hour <= 23:
        raise InvalidInput("The digest hour is from 0 to 23.", field="digestHour")
    if (quiet_from is None) != (quiet_to is None):
        raise InvalidInput("Give both ends of the quiet hours, or neither.", field="quietTo")
    pref, _ = await NotificationPreference.get_or_create(
        parent_id=viewer.user_id, student_id=student_id
    )
    pref.mode = mode
    pref.digest_hour = digest_hour
    pref.quiet_from = quiet_from
    pref.quiet_to = quiet_to
    await pref.save()
    return pref


# What a parent who never chose gets (the outbox's defaults above).
DEFAULT_MODE = NotifyMode.INSTANT
DEFAULT_DIGEST_HOUR = 19


@dataclass(frozen=True)
class Preference:
    """How a parent hears about one child, as saved or, when never set, the defaults."""

    student_id: int
    mode: NotifyMode
    digest_hour: int
    quiet_from: time | None
    quiet_to: time | None
    saved: bool

    @classmethod
    def of(cls, row: NotificationPreference) -> Preference:
        return cls(row.student_id, row.mode, row.digest_hour, row.quiet_from, row.quiet_to, True)


async def preferences(viewer: Viewer, student_id: int | None = None) -> list[Preference]:
    """The viewer's preference for each child they may set one for (one child when
    `student_id` is given: NotFound for anyone else's), in one statement; others have none."""
    children = sorted(c for c in viewer.children if may_set_notifications(viewer, c))
    if student_id is not None:
        if student_id not in children:
            raise NotFound(field="studentId")
        children = [student_id]
    if not children or viewer.user_id is None:
        return []
    saved = {
        row.student_id: row
        for row in await NotificationPreference.filter(
            parent_id=viewer.user_id, student_id__in=children
        )
    }
    return [
        Preference.of(saved[c])
        if c in saved
        else Preference(c, DEFAULT_MODE, DEFAULT_DIGEST_HOUR, None, None, False)
        for c in children
    ]
