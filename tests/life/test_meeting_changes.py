"""Meetings that change and news that notifies, end to end: editing, moving and cancelling
a meeting through GraphQL, who may do it, refusals that change nothing, and what reaches
families' mailboxes through the outbox, the delivery worker and a real SMTP server."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from strawberry.relay import from_base64, to_base64

from ediary.adapters.builtin.email import SmtpChannel
from ediary.config import Settings
from ediary.delivery import DeliveryWorker
from ediary.domain import models
from ediary.domain.enums import Audience, MeetingAnswer, NotifyMode, OutboxStatus, Role
from ediary.testing.mail import Mailbox
from tests.builders import person
from tests.conftest import GraphQLClient
from tests.life.conftest import ANSWER, POST, SCHEDULE
from tests.world import World

MEETING_FIELDS = """meeting { id title agenda place onlineUrl startsAt endsAt
    cancelledAt cancelReason movedFrom myReplies { answer } }
  userErrors { field message code }"""
EDIT = f"""mutation($input: EditMeetingInput!) {{ editMeeting(input: $input) {{
  {MEETING_FIELDS} }} }}"""
MOVE = f"""mutation($input: MoveMeetingInput!) {{ moveMeeting(input: $input) {{
  {MEETING_FIELDS} }} }}"""
CANCEL = f"""mutation($input: CancelMeetingInput!) {{ cancelMeeting(input: $input) {{
  {MEETING_FIELDS} }} }}"""
INVITEES = """query($id: ID!) { node(id: $id) { ... on Meeting {
    invitees(first: 10) { edges { node { answer parentName } } } } } }"""
MINE = """query { meetings(first: 50) { edges { node { id title cancelledAt cancelReason
    movedFrom } } } }"""
BLOG = """mutation($input: PostBlogEntryInput!) { postBlogEntry(input: $input) {
    announcement { id } userErrors { code } } }"""
EDIT_NEWS = """mutation($input: EditAnnouncementInput!) { editAnnouncement(input: $input) {
    announcement { id } userErrors { code } } }"""
WITHDRAW = """mutation($input: WithdrawAnnouncementInput!) { withdrawAnnouncement(input: $input) {
    announcement { id } userErrors { code } } }"""


@dataclass
class Class11:
    """11A of school A, led by ct11: the families whose mailboxes these tests read. Parent A
    hears of everything; parent B turned notifications off for their child; parent C's
    child is in 11B; the far parent's child is in school B."""

    world: World
    ids: dict[str, int] = field(default_factory=dict)

    def gid(self, kind: str, name: str) -> str:
        return to_base64(kind, self.ids[name])


@pytest.fixture(scope="session")
async def class11(world: World) -> Class11:
    found = Class11(world)
    school, year = world.objects["school_A"], world.objects["year_A"]
    teacher = await person(world, "ct11", "Belova", "Nina", (Role.TEACHER, school, None))
    ten_a = await models.SchoolClass.create(
        school=school, academic_year=year, grade=11, letter="A", class_teacher=teacher
    )
    ten_b = await models.SchoolClass.create(school=school, academic_year=year, grade=11, letter="B")
    found.ids.update(ct11=teacher.id, class11=ten_a.id)
    families = (
        ("a", ten_a, school, "a11@example.org"),
        ("b", ten_a, school, "b11@example.org"),
        ("c", ten_b, school, "c11@example.org"),
        ("far", world.objects["class_5a"], world.objects["school_B"], "far11@example.org"),
    )
    for name, school_class, where, email in families:
        student = await person(
            world, f"ls11_{name}", "Eleventh", name.upper(), (Role.STUDENT, where, None)
        )
        await models.Enrollment.create(
            student=student, school_class=school_class, starts_on=date(2026, 9, 1)
        )
        parent = await person(
            world, f"lp11_{name}", "Parent11", name.upper(), (Role.PARENT, where, None)
        )
        parent.email = email
        await parent.save(update_fields=["email"])
        await models.Guardianship.create(parent=parent, student=student)
        found.ids.update({f"ls11_{name}": student.id, f"lp11_{name}": parent.id})
    await models.NotificationPreference.create(
        parent_id=found.ids["lp11_b"], student_id=found.ids["ls11_b"], mode=NotifyMode.OFF
    )
    return found


def _at(hours: float) -> datetime:
    return (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0)


async def _meeting(world: World, **extra: Any) -> models.Meeting:
    """An upcoming meeting of 7A by its class teacher, written directly: the setup of a test
    about changing it, which must not spend the organiser's hourly posts."""
    school_class = world.objects["class_7a"]
    assert isinstance(school_class, models.SchoolClass)
    values: dict[str, Any] = {
        "audience": Audience.CLASS,
        "school_id": school_class.school_id,
        "school_class_id": school_class.id,
        "author_id": world.users["class_teacher"].id,
        "title": "Upcoming",
        "starts_at": _at(30),
        "ends_at": _at(31),
        "place": "Room 1",
        "agenda": "Things.",
        **extra,
    }
    return await models.Meeting.create(**values)


async def _row(meeting_id: int) -> dict[str, Any]:
    (row,) = await models.Meeting.filter(id=meeting_id).values(
        "title",
        "agenda",
        "place",
        "online_url",
        "starts_at",
        "ends_at",
        "cancelled_at",
        "cancel_reason",
        "moved_from",
        "updated_at",
    )
    return row


async def _state(meeting_id: int) -> tuple[dict[str, Any], int, int]:
    return (
        await _row(meeting_id),
        await models.MeetingReply.filter(meeting_id=meeting_id).count(),
        await models.OutboxMessage.all().count(),
    )


def _payload(result: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"][name]
    return payload


async def _deliver(settings: Settings) -> int:
    """What the server's delivery worker does after a commit, until nothing is due."""
    worker = DeliveryWorker({"email": SmtpChannel(settings)}, batch=500)
    sent = 0
    while done := await worker.run_once():
        sent += done
    return sent


def _local(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(ZoneInfo(settings.timezone)).strftime("%d.%m.%Y в %H:%M")


# --- the role matrix -----------------------------------------------------------------------

ROLES = [
    ("class_teacher", None),  # the organiser, 7A's class teacher
    ("admin", None),
    ("math_teacher", "FORBIDDEN"),  # teaches 7A, so sees the meeting, but does not run it
    ("other_school_teacher", "NOT_FOUND"),
    ("parent", "FORBIDDEN"),  # invited: a child in 7A
    ("lp11_a", "NOT_FOUND"),  # a parent of the school, not invited
    ("student", "FORBIDDEN"),
    (None, "UNAUTHENTICATED"),
]


def _inputs(meeting_gid: str) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        "edit": (EDIT, "editMeeting", {"meetingId": meeting_gid, "title": "Renamed"}),
        "move": (
            MOVE,
            "moveMeeting",
            {
                "meetingId": meeting_gid,
                "startsAt": _at(50).isoformat(),
                "endsAt": _at(51).isoformat(),
            },
        ),
        "cancel": (CANCEL, "cancelMeeting", {"meetingId": meeting_gid, "reason": "Flu."}),
    }


@pytest.mark.parametrize("mutation", ["edit", "move", "cancel"])
@pytest.mark.parametrize(("who", "refusal"), ROLES, ids=lambda v: str(v))
async def test_who_may_change_a_meeting(
    gql: GraphQLClient,
    world: World,
    class11: Class11,
    mutation: str,
    who: str | None,
    refusal: str | None,
) -> None:
    meeting = await _meeting(world)
    query, name, given = _inputs(to_base64("Meeting", meeting.id))[mutation]
    before = await _state(meeting.id)
    result = await gql(query, {"input": {**given, "notifyFamilies": False}}, as_user=who)
    if refusal == "UNAUTHENTICATED":
        codes = [e["extensions"]["code"] for e in result.get("errors", [])] or [
            e["code"] for e in result["data"][name]["userErrors"]
        ]
        assert codes == [refusal]
    else:
        payload = _payload(result, name)
        assert [e["code"] for e in payload["userErrors"]] == ([refusal] if refusal else [])
    if refusal is not None:
        assert await _state(meeting.id) == before
        return
    after = await _row(meeting.id)
    changed = {k for k in after if after[k] != before[0][k]} - {"updated_at"}
    assert (
        changed
        == {
            "edit": {"title"},
            "move": {"starts_at", "ends_at", "moved_from"},
            "cancel": {"cancelled_at", "cancel_reason"},
        }[mutation]
    )


# --- refusals that change nothing ----------------------------------------------------------

BAD: list[tuple[str, str, dict[str, Any], str, list[tuple[list[str], str]]]] = [
    ("empty title", "edit", {"title": "  "}, "upcoming", [(["input", "title"], "BAD_USER_INPUT")]),
    ("long title", "edit", {"title": "T" * 201}, "upcoming", [(["input", "title"], "TOO_LONG")]),
    (
        "neither place nor link",
        "edit",
        {"place": "", "onlineUrl": ""},
        "upcoming",
        [(["input", "place"], "BAD_USER_INPUT")],
    ),
    (
        "bad link",
        "edit",
        {"onlineUrl": "ftp://x"},
        "upcoming",
        [(["input", "onlineUrl"], "INVALID_URL")],
    ),
    (
        "edit a past meeting",
        "edit",
        {"title": "Late"},
        "past",
        [(["input", "meetingId"], "MEETING_STARTED")],
    ),
    (
        "edit a cancelled meeting",
        "edit",
        {"title": "X"},
        "cancelled",
        [(["input", "meetingId"], "MEETING_CANCELLED")],
    ),
    (
        "move to end before start",
        "move",
        {"startsAt": 50, "endsAt": 49},
        "upcoming",
        [(["input", "endsAt"], "DATES_OUT_OF_ORDER")],
    ),
    (
        "move into the past",
        "move",
        {"startsAt": -5, "endsAt": -4},
        "upcoming",
        [(["input", "startsAt"], "DATES_OUT_OF_ORDER")],
    ),
    (
        "move to where it is",
        "move",
        {"startsAt": "same", "endsAt": "same"},
        "upcoming",
        [(["input", "startsAt"], "BAD_USER_INPUT")],
    ),
    (
        "move a past meeting",
        "move",
        {"startsAt": 50, "endsAt": 51},
        "past",
        [(["input", "meetingId"], "MEETING_STARTED")],
    ),
    (
        "move a cancelled meeting",
        "move",
        {"startsAt": 50, "endsAt": 51},
        "cancelled",
        [(["input", "meetingId"], "MEETING_CANCELLED")],
    ),
    (
        "cancel without a reason",
        "cancel",
        {"reason": " "},
        "upcoming",
        [(["input", "reason"], "BAD_USER_INPUT")],
    ),
    (
        "cancel with a long reason",
        "cancel",
        {"reason": "r" * 501},
        "upcoming",
        [(["input", "reason"], "TOO_LONG")],
    ),
    (
        "cancel a past meeting",
        "cancel",
        {"reason": "Late"},
        "past",
        [(["input", "meetingId"], "MEETING_STARTED")],
    ),
    (
        "cancel twice",
        "cancel",
        {"reason": "Again"},
        "cancelled",
        [(["input", "meetingId"], "MEETING_CANCELLED")],
    ),
    (
        "a missing meeting",
        "cancel",
        {"reason": "x", "missing": True},
        "upcoming",
        [(["input", "meetingId"], "NOT_FOUND")],
    ),
]


@pytest.mark.parametrize("case", BAD, ids=lambda c: c[0])
async def test_refused_changes_change_nothing(
    gql: GraphQLClient,
    world: World,
    case: tuple[str, str, dict[str, Any], str, list[tuple[list[str], str]]],
) -> None:
    _, mutation, given, state, expected = case
    extra: dict[str, Any] = {
        "upcoming": {},
        "past": {"starts_at": _at(-3), "ends_at": _at(-2)},
        "cancelled": {"cancelled_at": _at(-1), "cancel_reason": "Before."},
    }[state]
    meeting = await _meeting(world, **extra)
    # An answer given earlier: a refused move must not reset it.
    await models.MeetingReply.create(
        meeting_id=meeting.id,
        parent_id=world.users["parent"].id,
        student_id=world.users["student"].id,
        answer=MeetingAnswer.WILL_ATTEND,
        answered_at=_at(-1),
    )
    given = dict(given)
    gid = to_base64(
        "Meeting", meeting.id + 10_000_000 if given.pop("missing", False) else meeting.id
    )
    for key, held in (("startsAt", meeting.starts_at), ("endsAt", meeting.ends_at)):
        if key in given:
            moment = held if given[key] == "same" else _at(given[key])
            given[key] = moment.isoformat()
    query, name, _ = _inputs(gid)[mutation]
    before = await _state(meeting.id)
    result = await gql(query, {"input": {"meetingId": gid, **given}}, as_user="class_teacher")
    payload = _payload(result, name)
    assert payload["meeting"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == expected
    assert await _state(meeting.id) == before


async def test_a_cancelled_meeting_takes_no_answers(gql: GraphQLClient, world: World) -> None:
    meeting = await _meeting(world, cancelled_at=_at(-1), cancel_reason="Flu.")
    before = await _state(meeting.id)
    result = await gql(
        ANSWER,
        {
            "input": {
                "meetingId": to_base64("Meeting", meeting.id),
                "studentId": to_base64("Student", world.users["student"].id),
                "answer": "WILL_ATTEND",
            }
        },
        as_user="parent",
    )
    errors = _payload(result, "answerMeeting")["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "meetingId"], "MEETING_CANCELLED")
    ]
    assert await _state(meeting.id) == before


# --- end to end, to the mailboxes ----------------------------------------------------------


async def test_a_meeting_is_edited_moved_and_cancelled_and_families_hear_of_it(
    gql: GraphQLClient, class11: Class11, settings: Settings, mailbox: Mailbox
) -> None:
    await _deliver(settings)  # what earlier tests left due is not this test's
    # Computed once: a second boundary between two calls of _at must not shift the start.
    old_start, new_start = _at(24), _at(72)
    scheduled = await gql(
        SCHEDULE,
        {
            "input": {
                "classId": class11.gid("SchoolClass", "class11"),
                "title": "11A: exams",
                "startsAt": old_start.isoformat(),
                "endsAt": (old_start + timedelta(hours=1)).isoformat(),
                "place": "Room 10",
                "agenda": "Exams.",
            }
        },
        as_user="ct11",
    )
    meeting = _payload(scheduled, "scheduleMeeting")["meeting"]
    answered = await gql(
        ANSWER,
        {
            "input": {
                "meetingId": meeting["id"],
                "studentId": class11.gid("Student", "ls11_a"),
                "answer": "WILL_ATTEND",
            }
        },
        as_user="lp11_a",
    )
    assert _payload(answered, "answerMeeting")["userErrors"] == []
    await _deliver(settings)
    assert "11A: exams" in (await mailbox.wait_for("a11@example.org")).body

    edited = _payload(
        await gql(EDIT, {"input": {"meetingId": meeting["id"], "place": "Hall"}}, as_user="ct11"),
        "editMeeting",
    )
    assert edited["userErrors"] == [] and edited["meeting"]["place"] == "Hall"
    await _deliver(settings)
    assert "место: Hall" in (await mailbox.wait_for("a11@example.org", 2)).body

    moved = _payload(
        await gql(
            MOVE,
            {
                "input": {
                    "meetingId": meeting["id"],
                    "startsAt": new_start.isoformat(),
                    "endsAt": (new_start + timedelta(hours=1)).isoformat(),
                }
            },
            as_user="ct11",
        ),
        "moveMeeting",
    )
    assert moved["userErrors"] == []
    assert datetime.fromisoformat(moved["meeting"]["movedFrom"]) == old_start
    assert datetime.fromisoformat(moved["meeting"]["startsAt"]) == new_start
    # Answers for the old time are reset: every parent is asked again.
    rows = _payload(await gql(INVITEES, {"id": meeting["id"]}, as_user="ct11"), "node")
    assert [e["node"]["answer"] for e in rows["invitees"]["edges"]] == [None, None]
    # One notice per parent and child: parent A has one child here and one address.
    moved_keys = await models.OutboxMessage.filter(
        key__startswith=f"meeting:{from_base64(meeting['id'])[1]}:moved:"
    ).values_list("recipient_id", flat=True)
    assert list(moved_keys) == [class11.ids["lp11_a"]]
    assert await _deliver(settings) >= 1
    notice = await mailbox.wait_for("a11@example.org", 3)
    assert "перенесено" in notice.subject
    assert _local(old_start, settings) in notice.body and _local(new_start, settings) in notice.body
    assert "ещё раз" in notice.body

    cancelled = _payload(
        await gql(
            CANCEL,
            {"input": {"meetingId": meeting["id"], "reason": "The teacher is ill."}},
            as_user="ct11",
        ),
        "cancelMeeting",
    )
    assert cancelled["userErrors"] == [] and cancelled["meeting"]["cancelledAt"]
    # Still listed for the family, as cancelled with the reason.
    listed = _payload(await gql(MINE, as_user="lp11_a"), "meetings")
    (entry,) = [e["node"] for e in listed["edges"] if e["node"]["id"] == meeting["id"]]
    assert entry["cancelReason"] == "The teacher is ill." and entry["cancelledAt"]
    await _deliver(settings)
    last = await mailbox.wait_for("a11@example.org", 4)
    assert "отменено" in last.body and "The teacher is ill." in last.body
    # Parent B chose no notifications for this child: not one message, at any step.
    assert mailbox.to("b11@example.org") == []
    assert not await models.OutboxMessage.filter(recipient_id=class11.ids["lp11_b"]).exists()
    # 11B's parent was never invited.
    assert mailbox.to("c11@example.org") == []


async def test_news_reaches_the_families_of_its_reach(
    gql: GraphQLClient, class11: Class11, settings: Settings, mailbox: Mailbox
) -> None:
    await _deliver(settings)
    before = {a: len(mailbox.to(a)) for a in ("a11", "b11", "c11", "far11")}

    def got(address: str) -> list[str]:
        return [m.body for m in mailbox.to(f"{address}@example.org")[before[address] :]]

    class_news = await gql(
        POST,
        {
            "input": {
                "classId": class11.gid("SchoolClass", "class11"),
                "title": "11A: the trip",
                "text": "On Friday.",
            }
        },
        as_user="ct11",
    )
    assert _payload(class_news, "postAnnouncement")["userErrors"] == []
    school_news = await gql(
        POST,
        {
            "input": {
                "schoolId": to_base64("School", class11.world.id("school_A")),
                "title": "School A: quarantine",
                "text": "From Monday.",
                "kind": "QUARANTINE",
            }
        },
        as_user="admin",
    )
    assert _payload(school_news, "postAnnouncement")["userErrors"] == []
    await _deliver(settings)
    assert any("11A: the trip" in b for b in got("a11"))
    assert any("School A: quarantine" in b for b in got("a11"))
    assert not any("11A: the trip" in b for b in got("c11"))
    assert any("School A: quarantine" in b for b in got("c11"))
    assert got("far11") == []  # school B
    assert got("b11") == []  # notifications off

    # A blog entry tells nobody unless its author asks for it.
    quiet = _payload(
        await gql(BLOG, {"input": {"title": "Reading list", "text": "Books."}}, as_user="ct11"),
        "postBlogEntry",
    )
    _, quiet_id = from_base64(quiet["announcement"]["id"])
    assert not await models.OutboxMessage.filter(key__startswith=f"news:{quiet_id}:").exists()
    told = _payload(
        await gql(
            BLOG,
            {"input": {"title": "Olympiad", "text": "Sign up.", "notifyFamilies": True}},
            as_user="ct11",
        ),
        "postBlogEntry",
    )
    _, told_id = from_base64(told["announcement"]["id"])
    told_to = await models.OutboxMessage.filter(key__startswith=f"news:{told_id}:").values_list(
        "recipient_id", flat=True
    )
    assert set(told_to) == {class11.ids["lp11_a"]}


async def test_scheduled_news_waits_for_publication_and_a_withdrawal_takes_it_back(
    gql: GraphQLClient, class11: Class11, settings: Settings, mailbox: Mailbox
) -> None:
    await _deliver(settings)
    publish = _at(3)
    posted = _payload(
        await gql(
            POST,
            {
                "input": {
                    "classId": class11.gid("SchoolClass", "class11"),
                    "title": "11A: later news",
                    "text": "Not yet.",
                    "publishAt": publish.isoformat(),
                }
            },
            as_user="ct11",
        ),
        "postAnnouncement",
    )
    _, item_id = from_base64(posted["announcement"]["id"])
    waiting = await models.OutboxMessage.filter(key__startswith=f"news:{item_id}:")
    assert [m.recipient_id for m in waiting] == [class11.ids["lp11_a"]]
    assert all(m.due_at >= publish and m.status is OutboxStatus.PENDING for m in waiting)
    await _deliver(settings)
    assert not any("11A: later news" in m.body for m in mailbox.to("a11@example.org"))

    # Before publication, an edit carries the waiting notices along: new title, new moment.
    later = _at(5)
    edited = await gql(
        EDIT_NEWS,
        {
            "input": {
                "announcementId": posted["announcement"]["id"],
                "title": "11A: later news, renamed",
                "publishAt": later.isoformat(),
            }
        },
        as_user="ct11",
    )
    assert _payload(edited, "editAnnouncement")["userErrors"] == []
    waiting = await models.OutboxMessage.filter(key__startswith=f"news:{item_id}:")
    assert [m.recipient_id for m in waiting] == [class11.ids["lp11_a"]]
    assert all(m.due_at >= later and "renamed" in m.text for m in waiting)

    withdrawn = _payload(
        await gql(
            WITHDRAW, {"input": {"announcementId": posted["announcement"]["id"]}}, as_user="ct11"
        ),
        "withdrawAnnouncement",
    )
    assert withdrawn["userErrors"] == []
    assert not await models.OutboxMessage.filter(key__startswith=f"news:{item_id}:").exists()
    # The worker, now and at any later round, has nothing of it left to send.
    await _deliver(settings)
    assert not any("11A: later news" in m.body for m in mailbox.to("a11@example.org"))
