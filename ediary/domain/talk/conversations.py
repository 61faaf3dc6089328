"""Conversations: parent-teacher threads about a child, and one group per class.

Every read and write asks the access policy; a thread the viewer may not see answers like
one that does not exist. Messages are plain text, stored exactly as written: clients show
them as text, never as HTML.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from ediary.domain import paging, ratelimit
from ediary.domain.access import (
    Viewer,
    may_close_conversation,
    may_see_class_group,
    may_see_direct_conversation,
    may_see_parent,
    may_start_family_conversation,
)
from ediary.domain.enums import ConversationKind
from ediary.domain.errors import (
    ConversationClosed,
    Forbidden,
    InvalidInput,
    MessageTooLong,
    NotFound,
    TooManyAttempts,
)
from ediary.domain.journal.base import WriteContext
from ediary.domain.models import (
    Conversation,
    ConversationMessage,
    ConversationRead,
    Enrollment,
    Guardianship,
    SchoolClass,
    TeachingAssignment,
    User,
)
from ediary.domain.notifications import Notice, enqueue
from ediary.domain.placements import enrolled_over, placements
from ediary.domain.talk import texts
from ediary.domain.talk.changes import TalkChange, TalkChangeKind
from ediary.domain.talk.changes import TalkOutcome as Outcome

# Characters in one message: a long letter fits, a pasted book does not.
TEXT_LIMIT = 4000
# Messages (and new threads) one person may send: a lively exchange fits, a flood does not.
MESSAGE_LIMIT = ratelimit.Limit(30, timedelta(minutes=10), timedelta(minutes=10))
MESSAGE_SCOPE = "talk.message"


async def _count_message(user_id: int) -> None:
    """Count one message against the sender's limit; refuse while they are locked out."""
    try:
        await ratelimit.attempt(MESSAGE_SCOPE, str(user_id), MESSAGE_LIMIT)
    except TooManyAttempts as refused:
        raise TooManyAttempts(
            "You have sent too many messages in a short time. Wait a few minutes.",
            retry_after=refused.retry_after,
        ) from None


@dataclass(frozen=True)
class Talker:
    """The viewer with the one fact conversations need beyond the Viewer: the classes their
    children are in today, which decides the class groups they belong to."""

    viewer: Viewer
    family_classes: frozenset[int]

    @property
    def user_id(self) -> int:
        if self.viewer.user_id is None:
            raise NotFound()
        return self.viewer.user_id

    @property
    def group_classes(self) -> frozenset[int]:
        return self.viewer.homerooms | self.family_classes


async def talker(viewer: Viewer, today: date) -> Talker:
    """Load the facts once per request (one query, none for viewers without children)."""
    classes: set[int] = set()
    if viewer.children:
        found = await placements(viewer.children, today, today)
        classes = {p.class_id for rows in found.values() for p in rows if p.covers(today)}
    return Talker(viewer, frozenset(classes))


def sees(who: Talker, conversation: Conversation) -> bool:
    if conversation.kind is ConversationKind.CLASS_GROUP:
        assert conversation.school_class_id is not None
        return may_see_class_group(who.viewer, conversation.school_class_id, who.family_classes)
    return may_see_direct_conversation(
        who.viewer, conversation.parent_id, conversation.teacher_id, conversation.student_id
    )


def _group_key(class_id: int) -> str:
    return f"class:{class_id}"


def _direct_key(parent_id: int, teacher_id: int, student_id: int) -> str:
    return f"direct:{parent_id}:{teacher_id}:{student_id}"


async def ensure_groups(class_ids: Iterable[int], now: datetime) -> None:
    """The group of each class exists from the first time anyone looks for it."""
    wanted = {_group_key(c): c for c in class_ids}
    if not wanted:
        return
    rows = await Conversation.filter(unique_key__in=list(wanted)).values("unique_key")
    existing = {r["unique_key"] for r in rows}
    missing = [
        Conversation(
            kind=ConversationKind.CLASS_GROUP,
            unique_key=key,
            school_class_id=class_id,
            activity_at=now,
        )
        for key, class_id in wanted.items()
        if key not in existing
    ]
    if missing:
        await Conversation.bulk_create(missing, ignore_conflicts=True)


async def visible_conversation(who: Talker, conversation_id: int) -> Conversation:
    """A thread the viewer takes part in; NotFound for any other, existing or not."""
    found = await Conversation.get_or_none(id=conversation_id)
    if found is None or not sees(who, found):
        raise NotFound(field="conversationId")
    return found


async def class_group(who: Talker, class_id: int, now: datetime) -> Conversation:
    """The group of a class, for its class teacher and the parents of its students."""
    if not may_see_class_group(who.viewer, class_id, who.family_classes):
        raise NotFound(field="classId")
    if not await SchoolClass.exists(id=class_id):
        raise NotFound(field="classId")
    await ensure_groups([class_id], now)
    return await Conversation.get(unique_key=_group_key(class_id))


# --- lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    rows: list[Conversation]
    has_next: bool
    total: int


def conversation_cursor(conversation: Conversation) -> str:
    return paging.moment_cursor(conversation.activity_at, conversation.id)


def message_cursor(message: ConversationMessage) -> str:
    return paging.id_cursor(message.id)


async def conversations_page(
    who: Talker, now: datetime, first: int, after: str | None, student_id: int | None = None
) -> Page:
    """The viewer's threads, latest activity first."""
    await ensure_groups(who.group_classes, now)
    uid = who.user_id
    direct = Q(kind=ConversationKind.DIRECT) & (
        Q(teacher_id=uid) | Q(parent_id=uid, student_id__in=sorted(who.viewer.children) or [0])
    )
    groups = Q(kind=ConversationKind.CLASS_GROUP, school_class_id__in=sorted(who.group_classes))
    query = (
        Conversation.filter(direct | groups) if who.group_classes else Conversation.filter(direct)
    )
    if student_id is not None:
        query = query.filter(student_id=student_id)
    total = await query.count()
    if after is not None:
        query = query.filter(paging.before_cursor(after, "activity_at"))
    rows = await query.order_by("-activity_at", "-id").limit(first + 1)
    return Page(list(rows[:first]), len(rows) > first, total)


@dataclass(frozen=True)
class MessagePage:
    rows: list[ConversationMessage]
    has_next: bool
    total: int


async def messages_page(conversation: Conversation, first: int, after: str | None) -> MessagePage:
    """Messages of a thread the caller has checked, newest first."""
    query = ConversationMessage.filter(conversation_id=conversation.id)
    total = await query.count()
    if after is not None:
        query = query.filter(id__lt=paging.after_id(after))
    rows = await query.order_by("-id").limit(first + 1)
    return MessagePage(list(rows[:first]), len(rows) > first, total)


async def reads_of(conversation_ids: Iterable[int]) -> dict[int, list[ConversationRead]]:
    """Every participant's read receipt of these threads, in one query."""
    found: dict[int, list[ConversationRead]] = defaultdict(list)
    ids = list(conversation_ids)
    if ids:
        for row in await ConversationRead.filter(conversation_id__in=ids).order_by("id"):
            found[row.conversation_id].append(row)
    return found


async def unread_counts(user_id: int, conversation_ids: Iterable[int]) -> dict[int, int]:
    """Messages of others after the user's read receipt, per thread, in two queries."""
    ids = list(conversation_ids)
    if not ids:
        return {}
    last = dict(
        await ConversationRead.filter(user_id=user_id, conversation_id__in=ids).values_list(
            "conversation_id", "last_read_message_id"
        )
    )
    after_read = Q(*(Q(conversation_id=c, id__gt=last.get(c, 0)) for c in ids), join_type="OR")
    rows = (
        await ConversationMessage.filter(after_read)
        .exclude(author_id=user_id)
        .annotate(unread=Count("id"))
        .group_by("conversation_id")
        .values("conversation_id", "unread")
    )
    counts = {int(r["conversation_id"]): int(r["unread"]) for r in rows}
    return {c: counts.get(c, 0) for c in ids}


# --- writes --------------------------------------------------------------------------------


def checked_text(text: str, field: str = "text", limit: int = TEXT_LIMIT) -> str:
    """Plain text as given, within its limit; NUL alone is refused (no database keeps it)."""
    if "\x00" in text:
        raise InvalidInput("Text cannot contain NUL characters.", field=field)
    if not text.strip():
        raise InvalidInput("This cannot be empty.", field=field)
    if len(text) > limit:
        raise MessageTooLong(f"At most {limit} characters.", field=field)
    return text


async def _teacher_classes(teacher_id: int) -> set[int]:
    taught = await TeachingAssignment.filter(teacher_id=teacher_id).values("school_class_id")
    led = await SchoolClass.filter(class_teacher_id=teacher_id).values("id")
    return {int(r["school_class_id"]) for r in taught} | {int(r["id"]) for r in led}


async def start_conversation(
    ctx: WriteContext,
    student_id: int,
    text: str,
    *,
    teacher_id: int | None = None,
    parent_id: int | None = None,
) -> Outcome[tuple[Conversation, ConversationMessage]]:
    """A parent writes to a teacher of their child (`teacher_id`), or a teacher to a parent
    (`parent_id`), about the child. An open thread of the three is reused."""
    viewer = ctx.viewer
    me = ctx.actor_id
    if (teacher_id is None) == (parent_id is None):
        raise InvalidInput("Name either the teacher or the parent to write to.", field="teacherId")
    here = (await placements([student_id], ctx.today, ctx.today)).get(student_id, [])
    student_classes = {p.class_id for p in here if p.covers(ctx.today)}
    if teacher_id is not None:
        if student_id not in viewer.children:
            raise NotFound(field="studentId")
        parent, teacher = me, teacher_id
        parent_children: set[int] = set(viewer.children)
        teacher_classes = await _teacher_classes(teacher_id)
        counterpart = "teacherId"
    else:
        assert parent_id is not None
        mine = viewer.taught_classes | viewer.homerooms
        if not student_classes & mine:
            raise NotFound(field="studentId")
        parent, teacher = parent_id, me
        rows = await Guardianship.filter(parent_id=parent_id).values("student_id")
        parent_children = {int(r["student_id"]) for r in rows}
        teacher_classes = set(mine)
        counterpart = "parentId"
    if not may_start_family_conversation(
        viewer, student_id, student_classes, parent, parent_children, teacher, teacher_classes
    ):
        raise NotFound(field=counterpart)
    checked_text(text)
    await _count_message(me)
    key = _direct_key(parent, teacher, student_id)
    async with in_transaction():
        conversation = await Conversation.get_or_none(unique_key=key)
        if conversation is None:
            try:
                async with in_transaction():
                    conversation = await Conversation.create(
                        kind=ConversationKind.DIRECT,
                        unique_key=key,
                        student_id=student_id,
                        parent_id=parent,
                        teacher_id=teacher,
                        activity_at=ctx.now,
                    )
            except IntegrityError:
                # Started by the other side at the same moment: one thread it is.
                conversation = await Conversation.get(unique_key=key)
        message = await _post(ctx, conversation, text)
    return Outcome(
        (conversation, message),
        (TalkChange(TalkChangeKind.MESSAGE_POSTED, conversation.id, message.id),),
    )


async def send_message(
    ctx: WriteContext, conversation_id: int, text: str
) -> Outcome[ConversationMessage]:
    """A new message in a thread the writer takes part in, while it is open."""
    who = await talker(ctx.viewer, ctx.today)
    conversation = await visible_conversation(who, conversation_id)
    if conversation.closed_at is not None:
        raise ConversationClosed(field="conversationId")
    checked_text(text)
    await _count_message(ctx.actor_id)
    async with in_transaction():
        # Re-read under the transaction: a close that just committed wins.
        current = await Conversation.get(id=conversation.id)
        if current.closed_at is not None:
            raise ConversationClosed(field="conversationId")
        message = await _post(ctx, current, text)
    return Outcome(
        message, (TalkChange(TalkChangeKind.MESSAGE_POSTED, conversation.id, message.id),)
    )


async def _post(ctx: WriteContext, conversation: Conversation, text: str) -> ConversationMessage:
    message = await ConversationMessage.create(
        conversation_id=conversation.id, author_id=ctx.actor_id, text=text
    )
    await Conversation.filter(id=conversation.id).update(activity_at=ctx.now)
    conversation.activity_at = ctx.now
    # Writers have read what they wrote.
    await _advance(conversation.id, ctx.actor_id, message.id, ctx.now)
    await _notify(ctx, conversation, message)
    return message


async def _advance(
    conversation_id: int, user_id: int, message_id: int, now: datetime
) -> ConversationRead | None:
    """Move a read receipt forward, never back; the receipt when it moved."""
    moved = await ConversationRead.filter(
        conversation_id=conversation_id, user_id=user_id, last_read_message_id__lt=message_id
    ).update(last_read_message_id=message_id, read_at=now)
    if moved:
        return await ConversationRead.get(conversation_id=conversation_id, user_id=user_id)
    if await ConversationRead.exists(conversation_id=conversation_id, user_id=user_id):
        return None
    try:
        async with in_transaction():
            return await ConversationRead.create(
                conversation_id=conversation_id,
                user_id=user_id,
                last_read_message_id=message_id,
                read_at=now,
            )
    except IntegrityError:
        return None


async def _notify(
    ctx: WriteContext, conversation: Conversation, message: ConversationMessage
) -> None:
    """Families hear of what the school writes to them through their channels; parents'
    own messages stay in the app."""
    author = await User.get(id=message.author_id)
    if conversation.kind is ConversationKind.DIRECT:
        if message.author_id != conversation.teacher_id:
            return
        assert conversation.student_id is not None and conversation.parent_id is not None
        children = {conversation.student_id: frozenset({conversation.parent_id})}
    else:
        school_class = await SchoolClass.get(id=conversation.school_class_id)
        if message.author_id != school_class.class_teacher_id:
            return
        children = await _one_child_per_parent(school_class.id, ctx.today)
    if not children:
        return
    names = {u.id: f"{u.first_name} {u.last_name}" for u in await User.filter(id__in=children)}
    notices = [
        Notice(
            student,
            f"talk:{message.id}",
            texts.message_subject(names.get(student, "")),
            texts.message_text(author.full_name, message.text),
            parents=parents,
        )
        for student, parents in children.items()
    ]
    await enqueue(notices, ctx.channels, ctx.now, ctx.zone)


async def _one_child_per_parent(class_id: int, today: date) -> dict[int, frozenset[int]]:
    """For a class's group: each parent once, through one of their children in the class."""
    students = await Enrollment.filter(
        enrolled_over(today),
        school_class_id=class_id,
    ).values_list("student_id", flat=True)
    links = (
        await Guardianship.filter(student_id__in=list(students) or [0])
        .order_by("student_id")
        .values_list("parent_id", "student_id")
    )
    first_child: dict[int, int] = {}
    for parent, student in links:
        first_child.setdefault(int(parent), int(student))
    grouped: dict[int, set[int]] = defaultdict(set)
    for parent, student in first_child.items():
        grouped[student].add(parent)
    return {student: frozenset(parents) for student, parents in grouped.items()}


async def mark_read(
    ctx: WriteContext, conversation_id: int, message_id: int | None
) -> Outcome[Conversation]:
    """The viewer has read the thread up to a message (the latest when none is named)."""
    who = await talker(ctx.viewer, ctx.today)
    conversation = await visible_conversation(who, conversation_id)
    if message_id is not None:
        if not await ConversationMessage.exists(id=message_id, conversation_id=conversation.id):
            raise NotFound(field="messageId")
        target: int | None = message_id
    else:
        latest = (
            await ConversationMessage.filter(conversation_id=conversation.id)
            .order_by("-id")
            .first()
        )
        target = latest.id if latest is not None else None
    if target is None:
        return Outcome(conversation)
    async with in_transaction():
        moved = await _advance(conversation.id, ctx.actor_id, target, ctx.now)
    if moved is None:
        return Outcome(conversation)
    return Outcome(
        conversation, (TalkChange(TalkChangeKind.MESSAGE_READ, conversation.id, moved.id),)
    )


async def close_conversation(ctx: WriteContext, conversation_id: int) -> Outcome[Conversation]:
    """The teacher ends a thread: it stays readable, and takes no new messages."""
    who = await talker(ctx.viewer, ctx.today)
    conversation = await visible_conversation(who, conversation_id)
    is_group = conversation.kind is ConversationKind.CLASS_GROUP
    if not may_close_conversation(
        ctx.viewer, is_group, conversation.teacher_id, conversation.school_class_id
    ):
        raise Forbidden("Only the teacher of the conversation may close it.")
    if conversation.closed_at is not None:
        return Outcome(conversation)
    conversation.closed_at = ctx.now
    conversation.closed_by_id = ctx.actor_id
    fields = ["closed_at", "closed_by_id"]
    if not is_group:
        # A new thread between the same people may start after this one is closed.
        conversation.unique_key = None
        fields.append("unique_key")
    await conversation.save(update_fields=fields)
    return Outcome(
        conversation,
        (TalkChange(TalkChangeKind.CONVERSATION_CLOSED, conversation.id, conversation.id),),
    )


# --- parents, as teachers need them to write ---------------------------------------------------


async def _children_classes(student_ids: Iterable[int], today: date) -> set[int]:
    found = await placements(list(student_ids), today, today)
    return {p.class_id for rows in found.values() for p in rows if p.covers(today)}


async def visible_parent(viewer: Viewer, parent_id: int, today: date) -> User:
    """A parent the viewer may name: themself, or a parent of a child the viewer teaches."""
    rows = await Guardianship.filter(parent_id=parent_id).values("student_id")
    classes = await _children_classes([int(r["student_id"]) for r in rows], today)
    user = await User.get_or_none(id=parent_id)
    if user is None or not rows or not may_see_parent(viewer, parent_id, classes):
        raise NotFound(field="parentId")
    return user


async def parents_of(viewer: Viewer, student_id: int, today: date) -> list[User]:
    """The parents of a student that the viewer may name, by name."""
    rows = await Guardianship.filter(student_id=student_id).values("parent_id")
    if not rows:
        return []
    classes = await _children_classes([student_id], today)
    ids = [
        int(r["parent_id"]) for r in rows if may_see_parent(viewer, int(r["parent_id"]), classes)
    ]
    users = await User.filter(id__in=ids or [0])
    return sorted(users, key=lambda u: (u.full_name, u.id))
