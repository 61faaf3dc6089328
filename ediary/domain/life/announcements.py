"""School and class news and teachers' blogs: reading what concerns the viewer, writing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from ediary.domain.access import (
    NewsReach,
    Posting,
    Viewer,
    family_classes,
    may_edit_announcement,
    may_post_class_news,
    may_post_school_news,
    may_read_announcement,
    may_withdraw_announcement,
    may_write_blog,
    news_reach,
)
from ediary.domain.enums import AnnouncementKind, Audience
from ediary.domain.errors import Forbidden, InvalidFields, NotFound, Problem
from ediary.domain.journal import texts
from ediary.domain.journal.base import WriteContext
from ediary.domain.life import checks
from ediary.domain.life.families import recall, tell
from ediary.domain.models import (
    Announcement,
    AnnouncementAttachment,
    School,
    SchoolClass,
    TeachingAssignment,
)
from ediary.domain.paging import Page, before_cursor, moment_cursor
from ediary.domain.uploads import (
    AcceptedFile,
    FileRules,
    IncomingFile,
    file_problems,
    forget,
    store,
)


def posting(item: Announcement) -> Posting:
    return Posting(item.audience, item.author_id, item.school_id, item.school_class_id)


def is_live(item: Announcement, now: datetime) -> bool:
    """Published, not expired and not withdrawn: what families are shown."""
    return (
        item.withdrawn_at is None
        and item.published_at <= now
        and (item.expires_at is None or item.expires_at > now)
    )


async def reach_of(viewer: Viewer) -> NewsReach:
    """The viewer's reach, with the teachers whose blogs their family reads."""
    classes = list(family_classes(viewer))
    authors: set[int] = set()
    if classes:
        authors.update(
            await TeachingAssignment.filter(school_class_id__in=classes).values_list(
                "teacher_id", flat=True
            )  # type: ignore[arg-type]
        )
        authors.update(
            await SchoolClass.filter(id__in=classes, class_teacher_id__isnull=False).values_list(
                "class_teacher_id", flat=True
            )  # type: ignore[arg-type]
        )
    return news_reach(viewer, authors)


def _reach_filter(reach: NewsReach, now: datetime) -> Q | None:
    """SQL for `may_read_announcement`; None when nothing can be visible."""
    if reach.user_id is None:
        return None
    shown: list[Q] = []
    if reach.schools:
        shown.append(Q(audience=Audience.SCHOOL, school_id__in=list(reach.schools)))
    if reach.classes:
        shown.append(Q(audience=Audience.CLASS, school_class_id__in=list(reach.classes)))
    if reach.class_schools:
        shown.append(Q(audience=Audience.CLASS, school_id__in=list(reach.class_schools)))
    if reach.blog_authors:
        shown.append(Q(audience=Audience.BLOG, author_id__in=list(reach.blog_authors)))
    live = Q(published_at__lte=now) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    either = [Q(author_id=reach.user_id)]
    if shown:
        either.append(live & Q(*shown, join_type=Q.OR))
    if reach.managed_schools:
        # Managed schools are among `schools` and `class_schools`: no reach check needed.
        either.append(
            Q(
                audience__in=[Audience.SCHOOL, Audience.CLASS],
                school_id__in=list(reach.managed_schools),
            )
        )
    return Q(withdrawn_at__isnull=True) & Q(*either, join_type=Q.OR)


async def announcements(
    viewer: Viewer,
    now: datetime,
    *,
    first: int,
    after: str | None,
    kind: AnnouncementKind | None = None,
) -> Page[Announcement]:
    """What the viewer may read, latest publication first, with attachments."""
    found = _reach_filter(await reach_of(viewer), now)
    if found is None:
        return Page([], [], False, 0)
    query = Announcement.filter(found)
    if kind is not None:
        query = query.filter(kind=kind)
    total = await query.count()
    if after is not None:
        query = query.filter(before_cursor(after, "published_at"))
    rows = list(
        await query.order_by("-published_at", "-id")
        .limit(first + 1)
        .prefetch_related("attachments")
    )
    items = rows[:first]
    cursors = [moment_cursor(a.published_at, a.id) for a in items]
    return Page(items, cursors, len(rows) > first, total)


async def visible_announcement(viewer: Viewer, announcement_id: int, now: datetime) -> Announcement:
    """One announcement the viewer may read; NotFound alike for hidden and missing ones."""
    item = await Announcement.get_or_none(id=announcement_id, withdrawn_at=None).prefetch_related(
        "attachments"
    )
    if item is None or not may_read_announcement(
        await reach_of(viewer), posting(item), is_live(item, now)
    ):
        raise NotFound()
    return item


async def visible_attachment(
    viewer: Viewer, attachment_id: int, now: datetime
) -> AnnouncementAttachment:
    """A file of an announcement the viewer may read."""
    found = await AnnouncementAttachment.get_or_none(id=attachment_id)
    if found is None:
        raise NotFound()
    await visible_announcement(viewer, found.announcement_id, now)
    return found


@dataclass(frozen=True)
class Draft:
    """What an author writes; None leaves a field as it is when editing."""

    kind: AnnouncementKind | None = None
    title: str | None = None
    text: str | None = None
    publish_at: datetime | None = None
    expires_at: datetime | None = None
    # Editing only: drop the expiry, so the item stays up until withdrawn.
    clear_expiry: bool = False


def _draft_problems(
    ctx: WriteContext, draft: Draft, published_at: datetime, expires_at: datetime | None
) -> list[Problem]:
    found = []
    if draft.title is not None:
        found.append(checks.text_problem(draft.title, ("title",), checks.TITLE_LIMIT))
    if draft.text is not None:
        found.append(checks.text_problem(draft.text, ("text",), checks.TEXT_LIMIT))
    if expires_at is not None and expires_at <= published_at:
        found.append(
            Problem(
                ("expiresAt",), "It cannot expire before it is published.", "DATES_OUT_OF_ORDER"
            )
        )
    elif expires_at is not None and draft.expires_at is not None and expires_at <= ctx.now:
        found.append(Problem(("expiresAt",), "This moment is already past.", "DATES_OUT_OF_ORDER"))
    return [p for p in found if p is not None]


async def _target(
    ctx: WriteContext, audience: Audience, school_id: int | None, class_id: int | None
) -> tuple[int | None, int | None]:
    """The school and class an item goes to, if the author may post there. Anywhere else
    answers NOT_FOUND, so nobody learns which schools and classes exist."""
    viewer = ctx.viewer
    if audience is Audience.BLOG:
        if not may_write_blog(viewer):
            raise Forbidden("Only teachers keep a blog.")
        return None, None
    if audience is Audience.CLASS:
        school_class = await SchoolClass.get_or_none(id=class_id) if class_id else None
        if school_class is None or not may_post_class_news(
            viewer, school_class.id, school_class.school_id
        ):
            raise NotFound(field="classId")
        return school_class.school_id, school_class.id
    school = await School.get_or_none(id=school_id) if school_id else None
    if school is None or not may_post_school_news(viewer, school.id):
        raise NotFound(field="schoolId")
    return school.id, None


async def _store(item: Announcement, accepted: list[AcceptedFile], rules: FileRules) -> list[str]:
    async def row(name: str, kind: str, size: int, key: str) -> AnnouncementAttachment:
        return await AnnouncementAttachment.create(
            announcement=item, filename=name, content_type=kind, size=size, storage_key=key
        )

    return await store(accepted, rules, row)


async def post(
    ctx: WriteContext,
    audience: Audience,
    draft: Draft,
    uploads: list[IncomingFile],
    rules: FileRules,
    *,
    school_id: int | None = None,
    class_id: int | None = None,
    notify: bool,
    posts_per_hour: int,
) -> Announcement:
    """Publish news to a school or class, or a blog entry; now, or at `publish_at`. With
    `notify`, the families it reaches hear of it when it goes live, not before."""
    school, school_class = await _target(ctx, audience, school_id, class_id)
    await checks.ensure_may_post(ctx.actor_id, posts_per_hour)
    published_at = checks.moment(draft.publish_at, ctx.zone) if draft.publish_at else ctx.now
    expires_at = checks.moment(draft.expires_at, ctx.zone) if draft.expires_at else None
    full = Draft(
        draft.kind,
        draft.title if draft.title is not None else "",
        draft.text if draft.text is not None else "",
        draft.publish_at,
        draft.expires_at,
    )
    problems = _draft_problems(ctx, full, published_at, expires_at)
    refused, accepted = await file_problems(uploads, rules, 0, "attachments", "announcement")
    problems += refused
    if problems:
        raise InvalidFields(problems)
    keys: list[str] = []
    try:
        async with in_transaction():
            item = await Announcement.create(
                audience=audience,
                kind=draft.kind or AnnouncementKind.NEWS,
                school_id=school,
                school_class_id=school_class,
                author_id=ctx.actor_id,
                title=full.title,
                text=full.text,
                published_at=published_at,
                expires_at=expires_at,
            )
            keys = await _store(item, accepted, rules)
            if notify:
                await _tell(ctx, item)
    except BaseException:
        await forget(rules, keys)
        raise
    await checks.count_post(ctx.actor_id, posts_per_hour)
    await item.fetch_related("attachments")
    return item


_WHERE = {
    Audience.SCHOOL: "новости школы",
    Audience.CLASS: "новости класса",
    Audience.BLOG: "блог учителя",
}


def _notices_key(item: Announcement) -> str:
    return f"news:{item.id}"


async def _tell(ctx: WriteContext, item: Announcement) -> None:
    """The families the item reaches, each parent once per child, by their preferences;
    due when it is published, so a scheduled item is not announced before it can be read."""
    where, title = _WHERE[item.audience], item.title
    await tell(
        ctx,
        posting(item),
        _notices_key(item),
        where,
        lambda student: texts.news_posted(student, title, where),
        from_moment=item.published_at,
    )


async def _own(ctx: WriteContext, announcement_id: int) -> Announcement:
    try:
        return await visible_announcement(ctx.viewer, announcement_id, ctx.now)
    except NotFound:
        raise NotFound(field="announcementId") from None


async def edit(
    ctx: WriteContext,
    announcement_id: int,
    draft: Draft,
    uploads: list[IncomingFile],
    remove: list[int],
    rules: FileRules,
) -> Announcement:
    """The author's change of their item: texts, kind, moments, files."""
    item = await _own(ctx, announcement_id)
    if not may_edit_announcement(ctx.viewer, posting(item)):
        raise Forbidden("Only the author may change this.")
    published_at = (
        checks.moment(draft.publish_at, ctx.zone) if draft.publish_at else item.published_at
    )
    expires_at = item.expires_at
    if draft.clear_expiry:
        expires_at = None
    elif draft.expires_at is not None:
        expires_at = checks.moment(draft.expires_at, ctx.zone)
    problems = _draft_problems(ctx, draft, published_at, expires_at)
    existing = {a.id: a for a in item.attachments}
    for index, attachment_id in enumerate(remove):
        if attachment_id not in existing:
            problems.append(
                Problem(("removeAttachments", str(index)), "No such file on this announcement.")
            )
    kept = len(existing) - len(set(remove) & set(existing))
    refused, accepted = await file_problems(uploads, rules, kept, "addAttachments", "announcement")
    problems += refused
    if problems:
        raise InvalidFields(problems)
    if draft.kind is not None:
        item.kind = draft.kind
    if draft.title is not None:
        item.title = draft.title
    if draft.text is not None:
        item.text = draft.text
    # Notices of an item not yet published have not gone out (they are due at its
    # publication): they follow the edit. Once it is out, an edit tells nobody again.
    unpublished = item.published_at > ctx.now
    item.published_at, item.expires_at = published_at, expires_at
    keys: list[str] = []
    try:
        async with in_transaction():
            await item.save(
                update_fields=["kind", "title", "text", "published_at", "expires_at", "updated_at"]
            )
            if unpublished and await recall(_notices_key(item)):
                await _tell(ctx, item)
            if remove:
                await AnnouncementAttachment.filter(announcement_id=item.id, id__in=remove).delete()
            keys = await _store(item, accepted, rules)
    except BaseException:
        await forget(rules, keys)
        raise
    await forget(rules, [existing[i].storage_key for i in set(remove) if i in existing])
    await item.fetch_related("attachments")
    return item


async def withdraw(ctx: WriteContext, announcement_id: int) -> Announcement:
    """Take an item down: nobody sees it any more, and its notices that have not gone out
    are taken back; the row stays for the record."""
    item = await _own(ctx, announcement_id)
    if not may_withdraw_announcement(ctx.viewer, posting(item)):
        raise Forbidden("Only the author or the school's administration may withdraw this.")
    item.withdrawn_at = ctx.now
    async with in_transaction():
        await item.save(update_fields=["withdrawn_at", "updated_at"])
        # Families are not told of what nobody may read any more.
        await recall(_notices_key(item))
    return item
