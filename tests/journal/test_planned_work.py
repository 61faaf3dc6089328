"""announceWork, changeWork, cancelWork: a teacher announces a test or quiz for a lesson;
families see it in the diary and the calendar feed, the forecast counts its weight, and
parents are reminded of it before the lesson, through the real outbox, delivery worker and
SMTP server. Whoever may not write at the lesson is refused, hidden lessons like unknown
ones, and a refusal changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import uuid4

from icalendar import Calendar
from strawberry.relay import from_base64, to_base64

from ediary.adapters.builtin.email import SmtpChannel
from ediary.config import Settings
from ediary.delivery import DeliveryWorker
from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import NotifyMode, OutboxStatus, Role
from ediary.domain.weeks import IsoWeek
from ediary.testing.mail import Mailbox
from tests import builders
from tests.conftest import TODAY, GraphQLClient, nothing_answered
from tests.world import World

ANNOUNCE = """
mutation($input: AnnounceWorkInput!) {
  announceWork(input: $input) {
    plannedWork { id kind remote topic description weight lesson { id date } }
    userErrors { field code message }
  }
}
"""
CHANGE = """
mutation($input: ChangeWorkInput!) {
  changeWork(input: $input) {
    plannedWork { id kind remote topic description weight lesson { id date } }
    userErrors { field code message }
  }
}
"""
CANCEL = """
mutation($input: CancelWorkInput!) {
  cancelWork(input: $input) {
    cancelledWorkId
    lesson { id plannedWork { id } }
    userErrors { field code message }
  }
}
"""
DIARY = """
query($s: ID!, $week: Week!) {
  diary(studentId: $s, week: $week) {
    days { lessons { lesson { id } plannedWork { id kind remote topic weight } } }
  }
}
"""
FORECAST = """
query($s: ID!, $subject: ID!, $target: Int!) {
  markForecast(studentId: $s, subjectId: $subject, target: $target) {
    forecast neededOnUpcomingWork
    upcomingWork { needed work { kind weight lesson { date } } }
  }
}
"""
FEED = """
mutation($s: ID!) { createCalendarFeed(input: {studentId: $s}) { url userErrors { code } } }
"""

# The lessons' days: after today, in the same week, so one diary week shows them all.
FIRST = TODAY + timedelta(days=5)  # Monday 30 November 2026
LATER = TODAY + timedelta(days=7)  # Wednesday 2 December 2026


async def _school(world: World) -> dict[str, Any]:
    """A class of its own: a mathematics teacher (the school's), a physics teacher of the
    class, a teacher of the school who does not teach it, a child with a parent who has an
    e-mail address, another family's child in another school, and lessons around today."""
    key = f"pw{uuid4().hex[:6]}"
    terms = [(TODAY - timedelta(days=60), TODAY + timedelta(days=60))]
    built = await builders.school(key, "R-PW", terms, subjects=("Mathematics", "Physics"))
    teacher = (Role.TEACHER, built.school, None)
    made = await builders.school_class(built, "6P")
    physics = await builders.person(world, f"{key}-physics", "Physics", "Petr", teacher)
    await models.TeachingAssignment.filter(
        school_class=made, subject=built.subjects["Physics"]
    ).update(teacher=physics)
    await builders.person(world, f"{key}-colleague", "Colleague", "Kira", teacher)
    assert built.teacher is not None
    world.tokens[f"{key}-math"] = (
        await open_session(built.teacher, SessionKind.BEARER, timedelta(days=1))
    ).token
    child = await builders.student(world, built, made, f"{key}-child", "Child", "Kira")
    parent = await builders.person(
        world, f"{key}-parent", "Parent", "Polina", (Role.PARENT, built.school, None)
    )
    parent.email = f"{key}.parent@example.org"
    await parent.save(update_fields=["email"])
    await models.Guardianship.create(parent=parent, student=child)

    # Another family, of another school: sees nothing of this class.
    elsewhere = await builders.school(f"{key}x", "R-PW", terms)
    far_class = await builders.school_class(elsewhere, "6X")
    far_child = await builders.student(world, elsewhere, far_class, f"{key}-far", "Far", "Fedor")
    far_parent = await builders.person(
        world, f"{key}-far-parent", "Far", "Parent", (Role.PARENT, elsewhere.school, None)
    )
    await models.Guardianship.create(parent=far_parent, student=far_child)
    assert elsewhere.teacher is not None
    world.tokens[f"{key}-far-teacher"] = (
        await open_session(elsewhere.teacher, SessionKind.BEARER, timedelta(days=1))
    ).token

    lessons = {
        "first": await builders.lesson(built, made, "Mathematics", FIRST, 1),
        "later": await builders.lesson(built, made, "Mathematics", LATER, 1),
        "past": await builders.lesson(built, made, "Mathematics", TODAY - timedelta(days=1), 1),
        "physics": await models.Lesson.create(
            school_class=made,
            subject=built.subjects["Physics"],
            teacher=physics,
            date=FIRST,
            period=2,
        ),
        "far": await builders.lesson(elsewhere, far_class, "Mathematics", FIRST, 1),
    }
    for value in (4, 4, 4):
        await builders.mark(built, child, made, "Mathematics", built.terms[0], value)
    return {
        "key": key,
        "child": to_base64("Student", child.id),
        "child_id": child.id,
        "far_child": to_base64("Student", far_child.id),
        "parent_id": parent.id,
        "email": parent.email,
        "math": to_base64("Subject", built.subjects["Mathematics"].id),
        "lessons": {name: to_base64("Lesson", lesson.id) for name, lesson in lessons.items()},
        "lesson_ids": {name: lesson.id for name, lesson in lessons.items()},
    }


def _id(global_id: str) -> int:
    return int(from_base64(global_id)[1])


async def _announce(gql: GraphQLClient, who: str | None, **given: object) -> dict[str, Any]:
    found = await gql(ANNOUNCE, {"input": given}, as_user=who)
    assert "errors" not in found, found
    payload: dict[str, Any] = found["data"]["announceWork"]
    return payload


def _codes(payload: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    return [(tuple(e["field"] or ()), e["code"]) for e in payload["userErrors"]]


async def _state() -> list[tuple[Any, ...]]:
    """Every announced work and every reminder row, to show a refusal changed nothing."""
    works = (
        await models.PlannedWork.all()
        .order_by("id")
        .values_list("id", "lesson_id", "kind", "weight", "topic", "revision", "cancelled_at")
    )
    reminders = (
        await models.OutboxMessage.filter(key__startswith="work:")
        .order_by("id")
        .values_list("key", "status", "due_at")
    )
    return [*works, *reminders]


async def _diary_work(
    gql: GraphQLClient, who: str | None, student: str
) -> dict[int, list[Any]] | str:
    """The announced work of each lesson of the lessons' week in a student's diary, by
    lesson, or the code the diary was refused with."""
    week = str(IsoWeek.containing(FIRST))
    found = await gql(DIARY, {"s": student, "week": week}, as_user=who)
    if nothing_answered(found):
        code: str = found["errors"][0]["extensions"]["code"]
        return code
    assert "errors" not in found, found
    return {
        _id(entry["lesson"]["id"]): entry["plannedWork"]
        for day in found["data"]["diary"]["days"]
        for entry in day["lessons"]
    }


async def test_announce_change_cancel_and_who_may(gql: GraphQLClient, world: World) -> None:
    made = await _school(world)
    key, lessons, ids = made["key"], made["lessons"], made["lesson_ids"]
    teacher = f"{key}-math"
    announce = {"lessonId": lessons["first"], "kind": "TEST", "topic": "Fractions"}

    # Everyone but the lesson's teacher is refused, and nothing is stored.
    before = await _state()
    for who, code in (
        (f"{key}-physics", "FORBIDDEN"),  # teaches the class, not this subject
        (f"{key}-colleague", "NOT_FOUND"),  # of the school, does not see the class
        (f"{key}-far-teacher", "NOT_FOUND"),  # of another school
        (f"{key}-parent", "FORBIDDEN"),  # sees the lesson in the child's diary
        (f"{key}-child", "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ):
        payload = await _announce(gql, who, **announce)
        assert payload["plannedWork"] is None, who
        assert [c for _, c in _codes(payload)] == [code], (who, payload)
    assert await _state() == before

    # The teacher announces it; the weight is the region's for a test (3).
    saved = await _announce(gql, teacher, **announce)
    assert saved["userErrors"] == []
    work = saved["plannedWork"]
    assert {k: work[k] for k in ("kind", "remote", "topic", "description", "weight")} == {
        "kind": "TEST",
        "remote": False,
        "topic": "Fractions",
        "description": "",
        "weight": 3,
    }
    assert work["lesson"] == {"id": lessons["first"], "date": FIRST.isoformat()}
    shown = {"id": work["id"], "kind": "TEST", "remote": False, "topic": "Fractions", "weight": 3}

    # The diary shows it on its lesson to the family; nobody else's diary is open to them.
    for who in (f"{key}-parent", f"{key}-child", teacher):
        found = await _diary_work(gql, who, made["child"])
        assert isinstance(found, dict), (who, found)
        assert found[ids["first"]] == [shown], who
        # The mathematics teacher sees the child's mathematics lessons only.
        assert found[ids["later"]] == [] and found.get(ids["physics"], []) == [], who
    for who in (f"{key}-far-parent", f"{key}-far-teacher", f"{key}-colleague"):
        assert await _diary_work(gql, who, made["child"]) == "NOT_FOUND", who
    assert await _diary_work(gql, f"{key}-parent", made["far_child"]) == "NOT_FOUND"
    anonymous = await _diary_work(gql, None, made["child"])
    assert anonymous == "UNAUTHENTICATED"

    # By its ID: whoever sees the lesson's class; to others it is unknown.
    node = "query($id: ID!) { node(id: $id) { ... on PlannedWork { kind lesson { id } } } }"
    for who, sees in (
        (f"{key}-parent", True),
        (f"{key}-child", True),
        (f"{key}-physics", True),
        (f"{key}-colleague", False),
        (f"{key}-far-teacher", False),
        (f"{key}-far-parent", False),
    ):
        answer = (await gql(node, {"id": work["id"]}, as_user=who))["data"]["node"]
        expected = {"kind": "TEST", "lesson": {"id": lessons["first"]}} if sees else None
        assert answer == expected, who

    # Change and cancel: the same refusals, nothing changed by them.
    before = await _state()
    for who, code in (
        (f"{key}-physics", "FORBIDDEN"),
        (f"{key}-colleague", "NOT_FOUND"),
        (f"{key}-far-teacher", "NOT_FOUND"),
        (f"{key}-parent", "FORBIDDEN"),
        (f"{key}-child", "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ):
        changed = await gql(CHANGE, {"input": {"workId": work["id"], "weight": 1}}, as_user=who)
        assert [c for _, c in _codes(changed["data"]["changeWork"])] == [code], who
        cancelled = await gql(CANCEL, {"input": {"workId": work["id"]}}, as_user=who)
        assert [c for _, c in _codes(cancelled["data"]["cancelWork"])] == [code], who
    assert await _state() == before

    # A quiz now, remote, moved to the later lesson: the quiz's weight unless one is given.
    changed = await gql(
        CHANGE,
        {
            "input": {
                "workId": work["id"],
                "kind": "QUIZ",
                "remote": True,
                "lessonId": lessons["later"],
                "description": "Bring a calculator",
            }
        },
        as_user=teacher,
    )
    payload = changed["data"]["changeWork"]
    assert payload["userErrors"] == []
    assert payload["plannedWork"]["weight"] == 2
    assert payload["plannedWork"]["remote"] is True
    assert payload["plannedWork"]["lesson"]["id"] == lessons["later"]
    found = await _diary_work(gql, f"{key}-parent", made["child"])
    assert isinstance(found, dict)
    assert found[ids["first"]] == []
    assert [w["kind"] for w in found[ids["later"]]] == ["QUIZ"]

    cancelled = await gql(CANCEL, {"input": {"workId": work["id"]}}, as_user=teacher)
    payload = cancelled["data"]["cancelWork"]
    assert payload["userErrors"] == []
    assert payload["cancelledWorkId"] == work["id"]
    assert payload["lesson"] == {"id": lessons["later"], "plannedWork": []}
    found = await _diary_work(gql, f"{key}-parent", made["child"])
    assert isinstance(found, dict) and all(w == [] for w in found.values())
    # Cancelled work is gone: another change or cancel finds nothing, the node too.
    again = await gql(CANCEL, {"input": {"workId": work["id"]}}, as_user=teacher)
    assert _codes(again["data"]["cancelWork"]) == [(("input", "workId"), "NOT_FOUND")]
    node = await gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": work["id"]}, as_user=teacher
    )
    assert node["data"]["node"] is None


async def test_bad_input_is_refused_with_its_code_and_changes_nothing(
    gql: GraphQLClient, world: World
) -> None:
    made = await _school(world)
    key, lessons = made["key"], made["lessons"]
    teacher = f"{key}-math"
    before = await _state()

    async def refused(**given: object) -> list[tuple[tuple[str, ...], str]]:
        payload = await _announce(gql, teacher, **{"kind": "TEST", **given})
        assert payload["plannedWork"] is None
        return _codes(payload)

    # A lesson of another teacher of the class; of another school (hidden: unknown); one
    # that does not exist; one in the past; weights out of range; a topic too long.
    assert await refused(lessonId=lessons["physics"]) == [((), "FORBIDDEN")]
    assert await refused(lessonId=lessons["far"]) == [(("input", "lessonId"), "NOT_FOUND")]
    unknown = to_base64("Lesson", 10**9)
    assert await refused(lessonId=unknown) == [(("input", "lessonId"), "NOT_FOUND")]
    assert await refused(lessonId=lessons["past"]) == [
        (("input", "lessonId"), "LESSON_IN_THE_PAST")
    ]
    for weight in (0, 6, -1):
        assert await refused(lessonId=lessons["first"], weight=weight) == [
            (("input", "weight"), "BAD_USER_INPUT")
        ], weight
    assert await refused(lessonId=lessons["first"], topic="x" * 201) == [
        (("input", "topic"), "BAD_USER_INPUT")
    ]
    # Not a lesson's ID at all.
    assert await refused(lessonId=made["child"]) == [(("input", "lessonId"), "NOT_FOUND")]
    assert await _state() == before

    # A work can be moved neither into the past nor to a hidden lesson, nor given a bad weight.
    saved = await _announce(gql, teacher, lessonId=lessons["first"], kind="QUIZ")
    work_id = saved["plannedWork"]["id"]
    before = await _state()
    for given, expected in (
        ({"lessonId": lessons["past"]}, [(("input", "lessonId"), "LESSON_IN_THE_PAST")]),
        ({"lessonId": lessons["far"]}, [(("input", "lessonId"), "NOT_FOUND")]),
        ({"weight": 9}, [(("input", "weight"), "BAD_USER_INPUT")]),
        (
            {"workId": to_base64("PlannedWork", 10**9), "weight": 2},
            [(("input", "workId"), "NOT_FOUND")],
        ),
        ({}, [((), "BAD_USER_INPUT")]),  # nothing to change
    ):
        changed = await gql(CHANGE, {"input": {"workId": work_id, **given}}, as_user=teacher)
        assert _codes(changed["data"]["changeWork"]) == expected, given
    assert await _state() == before


async def test_reminders_go_out_days_before_and_follow_moves_and_cancellations(
    gql: GraphQLClient, world: World, settings: Settings, mailbox: Mailbox
) -> None:
    made = await _school(world)
    key, lessons = made["key"], made["lessons"]
    teacher, email = f"{key}-math", made["email"]

    tested = await _announce(gql, teacher, lessonId=lessons["first"], kind="TEST", topic="Areas")
    moved = await _announce(gql, teacher, lessonId=lessons["first"], kind="QUIZ")
    dropped = await _announce(gql, teacher, lessonId=lessons["first"], kind="DICTATION")
    ids = [_id(p["plannedWork"]["id"]) for p in (tested, moved, dropped)]

    # Each is due EDIARY_WORK_REMINDER_DAYS (2) days before, at 16:00 in Moscow.
    reminder_at = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
    rows = await models.OutboxMessage.filter(key__startswith="work:", student_id=made["child_id"])
    assert sorted((r.key, r.status, r.due_at) for r in rows) == sorted(
        (f"work:{i}:0:remind:{made['child_id']}:{made['parent_id']}:email", "pending", reminder_at)
        for i in ids
    )

    # The quiz moves to Wednesday: its reminder is re-dated under a new key; the dictation
    # is cancelled before anyone heard of it, so nobody is told.
    await gql(
        CHANGE,
        {"input": {"workId": moved["plannedWork"]["id"], "lessonId": lessons["later"]}},
        as_user=teacher,
    )
    await gql(CANCEL, {"input": {"workId": dropped["plannedWork"]["id"]}}, as_user=teacher)
    waiting = await models.OutboxMessage.filter(
        key__startswith="work:", student_id=made["child_id"], status=OutboxStatus.PENDING
    ).order_by("due_at")
    assert [(r.key.split(":")[1:3], r.due_at) for r in waiting] == [
        ([str(ids[0]), "0"], reminder_at),
        ([str(ids[1]), "1"], reminder_at + timedelta(days=2)),
    ]

    clock = [reminder_at - timedelta(hours=1)]
    worker = DeliveryWorker({"email": SmtpChannel(settings)}, clock=lambda: clock[0])
    await worker.run_once()
    assert mailbox.to(email) == []
    clock[0] = reminder_at + timedelta(minutes=5)
    await worker.run_once()
    first = await mailbox.wait_for(email)
    assert "30.11.2026" in first.body and "контрольная работа" in first.body
    assert "Areas" in first.body and "Mathematics" in first.body

    # Cancelled after the family was reminded: they are told it is off.
    await gql(CANCEL, {"input": {"workId": tested["plannedWork"]["id"]}}, as_user=teacher)
    told = await models.OutboxMessage.get(
        key=f"work:{ids[0]}:cancel:{made['child_id']}:{made['parent_id']}:email"
    )
    assert told.status == OutboxStatus.PENDING and "отменено" in told.text

    clock[0] = reminder_at + timedelta(days=2, minutes=5)
    await worker.run_once()
    second = await mailbox.wait_for(email, count=2)
    assert "02.12.2026" in second.body and "самостоятельная работа" in second.body
    # The quiz's first date and the dictation never went out.
    bodies = [m.body for m in mailbox.to(email)]
    assert len([b for b in bodies if "диктант" in b]) == 0
    assert len([b for b in bodies if "самостоятельная работа" in b]) == 1


async def test_reminders_follow_each_parents_preferences(gql: GraphQLClient, world: World) -> None:
    made = await _school(world)
    key, lessons = made["key"], made["lessons"]
    child, parent = made["child_id"], made["parent_id"]

    async def reminder(**preference: Any) -> models.OutboxMessage | None:
        await models.NotificationPreference.update_or_create(
            defaults=preference, parent_id=parent, student_id=child
        )
        saved = await _announce(gql, f"{key}-math", lessonId=lessons["first"], kind="TEST")
        work_id = _id(saved["plannedWork"]["id"])
        return await models.OutboxMessage.get_or_none(key__startswith=f"work:{work_id}:")

    # Off: no reminder. Quiet hours around 16:00 hold it until they end (18:00 in Moscow);
    # a digest parent's reminder waits, held, for their hour on the reminder's day.
    assert await reminder(mode=NotifyMode.OFF) is None
    quiet = await reminder(mode=NotifyMode.INSTANT, quiet_from=time(15), quiet_to=time(18))
    assert quiet is not None
    assert (quiet.status, quiet.due_at) == (
        OutboxStatus.PENDING,
        datetime(2026, 11, 28, 15, 0, tzinfo=UTC),
    )
    held = await reminder(mode=NotifyMode.DIGEST, digest_hour=20, quiet_from=None, quiet_to=None)
    assert held is not None
    assert (held.status, held.due_at) == (
        OutboxStatus.HELD,
        datetime(2026, 11, 28, 17, 0, tzinfo=UTC),
    )


async def test_the_calendar_feed_and_the_forecast_show_the_work(
    gql: GraphQLClient, world: World
) -> None:
    made = await _school(world)
    key, lessons = made["key"], made["lessons"]
    teacher = f"{key}-math"
    test = await _announce(gql, teacher, lessonId=lessons["later"], kind="TEST", topic="Areas")
    quiz = await _announce(gql, teacher, lessonId=lessons["first"], kind="QUIZ", remote=True)
    gone = await _announce(gql, teacher, lessonId=lessons["first"], kind="ESSAY")
    await gql(CANCEL, {"input": {"workId": gone["plannedWork"]["id"]}}, as_user=teacher)

    feed = await gql(FEED, {"s": made["child"]}, as_user=f"{key}-parent")
    url = feed["data"]["createCalendarFeed"]["url"]
    async with gql.http() as client:
        answer = await client.get(url)
    assert answer.status_code == 200
    events = {str(e["UID"]): e for e in Calendar.from_ical(answer.content).walk("VEVENT")}
    test_event = events[f"work-{_id(test['plannedWork']['id'])}@ediary"]
    assert str(test_event["SUMMARY"]) == "Test: Mathematics"
    assert test_event.decoded("DTSTART").date() == LATER
    assert "Weight: 3" in str(test_event["DESCRIPTION"]) and "Areas" in str(
        test_event["DESCRIPTION"]
    )
    quiz_event = events[f"work-{_id(quiz['plannedWork']['id'])}@ediary"]
    assert str(quiz_event["SUMMARY"]) == "Quiz (remote): Mathematics"
    assert f"work-{_id(gone['plannedWork']['id'])}@ediary" not in events

    # 4, 4, 4 so far. For a 5 the test alone needs a 5 ((12 + 15) / 6 = 4.5), the quiz alone
    # cannot do it ((12 + 10) / 5 = 4.4), and a 5 on both does ((12 + 25) / 8 = 4.625).
    variables = {"s": made["child"], "subject": made["math"], "target": 5}
    found = await gql(FORECAST, variables, as_user=f"{key}-child")
    assert "errors" not in found, found
    forecast = found["data"]["markForecast"]
    assert forecast["forecast"] == 4
    assert forecast["upcomingWork"] == [
        {"needed": None, "work": {"kind": "QUIZ", "weight": 2, "lesson": {"date": str(FIRST)}}},
        {"needed": 5, "work": {"kind": "TEST", "weight": 3, "lesson": {"date": str(LATER)}}},
    ]
    assert forecast["neededOnUpcomingWork"] == 5
    # To keep a 4, a 3 on either alone is enough ((12 + 9) / 6 = 3.5, (12 + 6) / 5 = 3.6),
    # while on both it takes a 4 ((12 + 15) / 8 = 3.375 with 3s).
    found = await gql(FORECAST, {**variables, "target": 4}, as_user=f"{key}-parent")
    forecast = found["data"]["markForecast"]
    assert [w["needed"] for w in forecast["upcomingWork"]] == [3, 3]
    assert forecast["neededOnUpcomingWork"] == 4
