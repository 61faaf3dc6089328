"""Every role against every kind of object, through the GraphQL API.

Each row names who may see an object; everyone else must get NOT_FOUND (or
UNAUTHENTICATED when anonymous), with nothing in `data`. "empty" marks viewers who may
open the student but see no part of this kind (a health worker and marks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette
from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.access import load_viewer
from ediary.domain.enums import Audience
from ediary.domain.feeds import create_feed
from tests import builders
from tests.conftest import TODAY, GraphQLClient, nothing_answered
from tests.world import WEEK, World

VIEWERS = [
    None,
    "student",
    "classmate",
    "other_class_student",
    "other_school_student",
    "parent",
    "other_parent",
    "math_teacher",
    "russian_teacher",
    "class_teacher",
    "other_school_teacher",
    "admin",
    "other_admin",
    "nurse",
    "official",
]

FOLLOW_STUDENT = {
    "student",
    "parent",
    "math_teacher",
    "russian_teacher",
    "class_teacher",
    "admin",
    "nurse",
}
SEE_CLASS_7A = {
    "student",
    "classmate",
    "parent",
    "other_parent",
    "math_teacher",
    "russian_teacher",
    "class_teacher",
    "admin",
    "nurse",
}
TIED_TO_SCHOOL_A = SEE_CLASS_7A | {"other_class_student", "official"}
MATH_MARKS = {"student", "parent", "math_teacher", "class_teacher", "admin"}
# A feed's creator, and those who follow the student's whole diary.
FEED_MANAGERS = {"parent", "student", "class_teacher", "admin"}
# School life: the families of 7A, everyone of school A (officials read no news), and those
# a class meeting concerns (no health worker).
FAMILIES_7A = {"student", "classmate", "parent", "other_parent"}
SCHOOL_A_PEOPLE = TIED_TO_SCHOOL_A - {"official"}
CLASS_7A_MEETING = SEE_CLASS_7A - {"nurse"}
# The parent and the mathematics teacher talk about the student; 7A's group is its class
# teacher's and its parents'; the request goes to 7A's parents.
TALK_THREAD = {"parent", "math_teacher"}
TALK_GROUP = {"class_teacher", "parent", "other_parent"}
ACK_REQUEST_READERS = {"class_teacher", "admin", "parent", "other_parent"}
ACK_READERS = {"parent", "class_teacher", "admin"}
PARENT_READERS = {"parent", "math_teacher", "russian_teacher", "class_teacher"}


@dataclass(frozen=True)
class Target:
    name: str
    query: str
    variables: Callable[[World], dict[str, Any]]
    allowed: frozenset[str]
    # Viewers who get an answer without error but with nothing of this kind in it.
    empty: frozenset[str] = frozenset()
    is_empty: Callable[[Any], bool] = lambda data: not data


def gid(kind: str, name: str) -> Callable[[World], str]:
    return lambda world: to_base64(kind, world.id(name))


def node(kind: str, name: str, fields: str, allowed: set[str]) -> Target:
    return Target(
        name=f"node {kind} {name}",
        query=f"query($id: ID!) {{ node(id: $id) {{ ... on {kind} {{ {fields} }} }} }}",
        variables=lambda world: {"id": gid(kind, name)(world)},
        allowed=frozenset(allowed),
    )


def student_query(name: str, body: str, allowed: set[str], **extra: Any) -> Target:
    return Target(
        name=name,
        query=(f"query($student: ID!{', $week: Week!' if '$week' in body else ''}) {{ {body} }}"),
        variables=lambda world: {
            "student": gid("Student", "student")(world),
            **({"week": str(WEEK)} if "$week" in body else {}),
        },
        allowed=frozenset(allowed),
        **extra,
    )


TARGETS = [
    student_query(
        "diary",
        "diary(studentId: $student, week: $week) { days { lessons { lesson { id } } } }",
        FOLLOW_STUDENT,
    ),
    student_query(
        "marks",
        "marks(studentId: $student) { edges { node { value } } }",
        FOLLOW_STUDENT,
        empty=frozenset({"nurse"}),
        is_empty=lambda data: data["marks"]["edges"] == [],
    ),
    student_query(
        "term averages",
        "termAverages(studentId: $student) { average }",
        FOLLOW_STUDENT,
        empty=frozenset({"nurse"}),
        is_empty=lambda data: data["termAverages"] == [],
    ),
    student_query(
        "final marks",
        "finalMarks(studentId: $student) { value }",
        FOLLOW_STUDENT,
        empty=frozenset({"nurse"}),
        is_empty=lambda data: data["finalMarks"] == [],
    ),
    # The class teacher's term remark: for those who read the whole report card, not a
    # subject teacher or a health worker; null here, since none is written on the student.
    student_query(
        "term remark",
        "termRemark(studentId: $student) { text }",
        {"student", "parent", "class_teacher", "admin"},
    ),
    node("Student", "student", "fullName", FOLLOW_STUDENT),
    node(
        "Mark",
        "math_mark",
        "value",
        {"student", "parent", "math_teacher", "class_teacher", "admin"},
    ),
    node(
        "Mark",
        "russian_mark",
        "value",
        {"student", "parent", "russian_teacher", "class_teacher", "admin"},
    ),
    Target(
        name="class timetable 7A",
        query="""query($id: ID!, $week: Week!) {
            classTimetable(classId: $id, week: $week) { week } }""",
        variables=lambda world: {"id": gid("SchoolClass", "class_7a")(world), "week": str(WEEK)},
        allowed=frozenset(SEE_CLASS_7A),
    ),
    node("SchoolClass", "class_7a", "name", SEE_CLASS_7A),
    node("Lesson", "math_lesson", "topic", SEE_CLASS_7A),
    node("Homework", "math_homework", "text", SEE_CLASS_7A),
    Target(
        name="teacher timetable",
        query="""query($id: ID!, $week: Week!) {
            teacherTimetable(teacherId: $id, week: $week) { week } }""",
        variables=lambda world: {"id": gid("Teacher", "math_teacher")(world), "week": str(WEEK)},
        allowed=frozenset({"math_teacher", "admin"}),
    ),
    Target(
        name="bell schedule",
        query="query($id: ID!) { bellSchedule(schoolId: $id) { number } }",
        variables=lambda world: {"id": gid("School", "school_A")(world)},
        allowed=frozenset(TIED_TO_SCHOOL_A),
    ),
    node("School", "school_A", "name", TIED_TO_SCHOOL_A),
    node("Subject", "math", "name", TIED_TO_SCHOOL_A - {"official"}),
    # A teacher: the staff of their school and the families of the classes they teach.
    node("Teacher", "math_teacher", "fullName", SEE_CLASS_7A),
    Target(
        name="node Teacher russian_teacher (7A and 7B)",
        query="query($id: ID!) { node(id: $id) { ... on Teacher { fullName } } }",
        variables=lambda world: {"id": to_base64("Teacher", world.users["russian_teacher"].id)},
        allowed=frozenset(SEE_CLASS_7A | {"other_class_student"}),
    ),
    Target(
        name="node Teacher other_school_teacher",
        query="query($id: ID!) { node(id: $id) { ... on Teacher { fullName } } }",
        variables=lambda world: {
            "id": to_base64("Teacher", world.users["other_school_teacher"].id)
        },
        allowed=frozenset(
            {"other_school_teacher", "other_admin", "other_school_student", "other_parent"}
        ),
    ),
    Target(
        name="node Teacher of a student's ID",
        query="query($id: ID!) { node(id: $id) { ... on Teacher { fullName } } }",
        variables=lambda world: {"id": to_base64("Teacher", world.id("student"))},
        allowed=frozenset(),
    ),
    # --- analytics, reports and calendar feeds
    student_query(
        "year averages",
        "yearAverages(studentId: $student) { average }",
        FOLLOW_STUDENT,
        empty=frozenset({"nurse"}),
        is_empty=lambda data: data["yearAverages"] == [],
    ),
    Target(
        name="mark forecast",
        query="""query($student: ID!, $subject: ID!) {
            markForecast(studentId: $student, subjectId: $subject, target: 5) { forecast } }""",
        variables=lambda world: {
            "student": gid("Student", "student")(world),
            "subject": gid("Subject", "math")(world),
        },
        allowed=frozenset(MATH_MARKS),
    ),
    student_query(
        "progress",
        "progress(studentId: $student) { subjects { points { average } } }",
        FOLLOW_STUDENT,
        empty=frozenset({"nurse"}),
        is_empty=lambda data: data["progress"]["subjects"] == [],
    ),
    student_query(
        "class standing",
        "classStanding(studentId: $student) { subjects { average } }",
        FOLLOW_STUDENT,
        empty=frozenset({"nurse"}),
        is_empty=lambda data: data["classStanding"]["subjects"] == [],
    ),
    student_query(
        "calendar feeds",
        "calendarFeeds(studentId: $student) { id }",
        FOLLOW_STUDENT,
    ),
    Target(
        name="class report 7A",
        query="query($id: ID!) { classReport(classId: $id) { students } }",
        variables=lambda world: {"id": gid("SchoolClass", "class_7a")(world)},
        allowed=frozenset({"class_teacher", "admin"}),
    ),
    Target(
        name="class journal 7A mathematics",
        query="""query($class: ID!, $subject: ID!, $term: ID!) {
            classJournal(classId: $class, subjectId: $subject, termId: $term) {
              rows { cells { marks { value } } } } }""",
        variables=lambda world: {
            "class": gid("SchoolClass", "class_7a")(world),
            "subject": gid("Subject", "math")(world),
            "term": gid("Term", "term2_A")(world),
        },
        allowed=frozenset({"math_teacher", "class_teacher", "admin"}),
    ),
    Target(
        name="school report A",
        query="query($id: ID!) { schoolReport(schoolId: $id) { students } }",
        variables=lambda world: {"id": gid("School", "school_A")(world)},
        allowed=frozenset({"admin"}),
    ),
    Target(
        name="regional report r1",
        query="""query { regionalReport(regionCode: "r1", academicYear: "2026/2027",
            termNumber: 2) { schools { suppressed } } }""",
        variables=lambda world: {},
        allowed=frozenset({"official"}),
    ),
    node("CalendarFeed", "parent_feed", "createdAt", FEED_MANAGERS),
    # --- school life: news, blogs, meetings (made by the `life_items` fixture)
    node("Announcement", "class_news", "title", SEE_CLASS_7A),
    node("AnnouncementAttachment", "class_news_file", "filename", SEE_CLASS_7A),
    node("Announcement", "school_news", "title", SCHOOL_A_PEOPLE),
    node("Announcement", "blog_entry", "title", FAMILIES_7A | {"math_teacher"}),
    node("Announcement", "scheduled_news", "title", {"class_teacher", "admin"}),
    node("Announcement", "expired_news", "title", {"admin"}),
    node("Announcement", "withdrawn_news", "title", set()),
    node("Meeting", "class_meeting", "title", CLASS_7A_MEETING),
    node("Meeting", "school_meeting", "title", SCHOOL_A_PEOPLE),
    # --- conversations and acknowledgements: private to their participants
    node("Conversation", "talk_thread", "kind", TALK_THREAD),
    node("Message", "talk_message", "text", TALK_THREAD),
    node("Conversation", "talk_group", "kind", TALK_GROUP),
    Target(
        name="class conversation 7A",
        query="query($id: ID!) { classConversation(classId: $id) { id } }",
        variables=lambda world: {"id": gid("SchoolClass", "class_7a")(world)},
        allowed=frozenset(TALK_GROUP),
    ),
    node("AcknowledgementRequest", "talk_request", "title", ACK_REQUEST_READERS),
    node("Acknowledgement", "talk_ack", "signed signature { valid }", ACK_READERS),
    node("SigningKey", "talk_key", "fingerprint", frozenset({"parent"})),
    node("Parent", "parent", "fullName", PARENT_READERS),
]


async def _news(world: World, key: str, **fields: Any) -> models.Announcement:
    now = datetime.now(UTC)
    defaults: dict[str, Any] = {
        "audience": Audience.CLASS,
        "school": world.objects["school_A"],
        "school_class": world.objects["class_7a"],
        "author": world.users["class_teacher"],
        "title": key,
        "text": f"Text of {key}",
        "published_at": now - timedelta(days=1),
    }
    made = await models.Announcement.create(**{**defaults, **fields})
    world.objects[key] = made
    return made


PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(scope="module")
async def life_items(world: World, app: Starlette) -> None:
    """News, a blog entry and meetings of school A, written directly, for the matrix."""
    now = datetime.now(UTC)
    news = await _news(world, "class_news")
    world.objects["class_news_file"] = await models.AnnouncementAttachment.create(
        announcement=news,
        filename="plan.pdf",
        content_type="application/pdf",
        size=len(PDF),
        storage_key=await app.state.runtime.storage.save(PDF),
    )
    await _news(
        world,
        "school_news",
        audience=Audience.SCHOOL,
        school_class=None,
        author=world.users["admin"],
    )
    await _news(
        world,
        "blog_entry",
        audience=Audience.BLOG,
        school=None,
        school_class=None,
        author=world.users["math_teacher"],
    )
    await _news(world, "scheduled_news", published_at=now + timedelta(days=1))
    await _news(
        world,
        "expired_news",
        audience=Audience.SCHOOL,
        school_class=None,
        author=world.users["admin"],
        published_at=now - timedelta(days=5),
        expires_at=now - timedelta(days=1),
    )
    await _news(world, "withdrawn_news", withdrawn_at=now)
    for key, audience, school_class, author, starts in (
        ("class_meeting", Audience.CLASS, world.objects["class_7a"], "class_teacher", 72),
        ("school_meeting", Audience.SCHOOL, None, "admin", 72),
        ("held_meeting", Audience.CLASS, world.objects["class_7a"], "class_teacher", -1),
    ):
        world.objects[key] = await models.Meeting.create(
            audience=audience,
            school=world.objects["school_A"],
            school_class=school_class,
            author=world.users[author],
            title=key,
            starts_at=now + timedelta(hours=starts),
            ends_at=now + timedelta(hours=starts + 1),
            place="Hall",
            agenda="Agenda",
        )


NEWS_READERS: dict[str, set[str]] = {
    "class_news": SEE_CLASS_7A,
    "school_news": SCHOOL_A_PEOPLE,
    "blog_entry": FAMILIES_7A | {"math_teacher"},
    "scheduled_news": {"class_teacher", "admin"},
    "expired_news": {"admin"},
    "withdrawn_news": set(),
}
MEETING_READERS: dict[str, set[str]] = {
    "class_meeting": CLASS_7A_MEETING,
    "school_meeting": SCHOOL_A_PEOPLE,
    "held_meeting": CLASS_7A_MEETING,
}
LISTS = """query { announcements(first: 100) { edges { node { title } } }
                   meetings(first: 100) { edges { node { title } } } }"""


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v or "anonymous")
async def test_news_and_meeting_lists_follow_the_policy(
    gql: GraphQLClient, world: World, viewer: str | None, life_items: None
) -> None:
    result = await gql(LISTS, as_user=viewer)
    if viewer is None:
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        return
    assert "errors" not in result, result
    # Other tests publish too: look only at the items made for the matrix.
    for field, readers in (("announcements", NEWS_READERS), ("meetings", MEETING_READERS)):
        listed = {e["node"]["title"] for e in result["data"][field]["edges"]} & set(readers)
        assert listed == {key for key, who in readers.items() if viewer in who}, field


INVITEES = """query($id: ID!) { node(id: $id) { ... on Meeting {
    invitees(first: 10) { totalCount } } } }"""


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v or "anonymous")
async def test_meeting_answers_are_followed_by_those_who_run_it(
    gql: GraphQLClient, world: World, viewer: str | None, life_items: None
) -> None:
    result = await gql(INVITEES, {"id": gid("Meeting", "class_meeting")(world)}, as_user=viewer)
    if viewer in {"class_teacher", "admin"}:
        assert "errors" not in result, result
        # Both 7A students have a parent.
        assert result["data"]["node"]["invitees"]["totalCount"] == 2
        return
    if viewer is None:
        expected = "UNAUTHENTICATED"
    elif viewer in CLASS_7A_MEETING:
        expected = "FORBIDDEN"
    else:
        expected = "NOT_FOUND"
    assert result["errors"][0]["extensions"]["code"] == expected, result


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v or "anonymous")
async def test_announcement_files_follow_the_policy(
    gql: GraphQLClient, world: World, viewer: str | None, life_items: None
) -> None:
    url = f"/attachments/announcements/{world.id('class_news_file')}"
    headers = {"Authorization": f"Bearer {world.tokens[viewer]}"} if viewer else {}
    async with gql.http() as client:
        answer = await client.get(url, headers=headers)
    if viewer in SEE_CLASS_7A:
        assert (answer.status_code, answer.content) == (200, PDF)
    elif viewer is None:
        assert (answer.status_code, answer.json()["code"]) == (401, "UNAUTHENTICATED")
    else:
        assert (answer.status_code, answer.json()["code"]) == (404, "NOT_FOUND")


@pytest.fixture(scope="module")
async def parent_feed(world: World) -> None:
    """A calendar feed the parent created, for the node row of the matrix."""
    created = await create_feed(
        await load_viewer(world.users["parent"], builders.no_window, TODAY), world.id("student")
    )
    world.objects["parent_feed"] = created.feed


@pytest.fixture(scope="module")
async def talk(world: World) -> None:
    """A thread of the parent and the mathematics teacher, 7A's group, a request of 7A's
    class teacher and the parent's signed acknowledgement of it, made through the domain."""
    import base64
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from ediary.domain import models
    from ediary.domain.enums import ConversationKind
    from ediary.domain.journal.base import WriteContext
    from ediary.domain.talk import acks, conversations

    async def as_(name: str) -> WriteContext:
        viewer = await load_viewer(world.users[name], builders.no_window, TODAY)
        return WriteContext(viewer=viewer, now=datetime.now(UTC), today=TODAY)

    started = await conversations.start_conversation(
        await as_("parent"),
        world.id("student"),
        "About the test",
        teacher_id=world.users["math_teacher"].id,
    )
    thread, message = started.value
    await conversations.ensure_groups([world.id("class_7a")], datetime.now(UTC))
    group = await models.Conversation.get(unique_key=f"class:{world.id('class_7a')}")
    request = await acks.request_acknowledgement(
        await as_("class_teacher"), world.id("class_7a"), "Trip", "Consent to the trip", None
    )
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    parent = await as_("parent")
    key = await acks.register_key(parent.viewer, base64.b64encode(raw).decode())
    challenge = await acks.challenge(parent, request.id, world.id("student"))
    signature = base64.b64encode(private.sign(challenge.payload.encode())).decode()
    ack = await acks.acknowledge(
        parent, request.id, world.id("student"), challenge.nonce, signature
    )
    # A second thread of the same three, for the write matrix to close.
    spare = await models.Conversation.create(
        kind=ConversationKind.DIRECT,
        student_id=world.id("student"),
        parent_id=world.users["parent"].id,
        teacher_id=world.users["math_teacher"].id,
        activity_at=datetime.now(UTC),
    )
    world.objects.update(
        talk_spare_thread=spare,
        talk_thread=thread,
        talk_message=message,
        talk_group=group,
        talk_request=request,
        talk_ack=ack,
        talk_key=key,
        parent=world.users["parent"],
    )


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v or "anonymous")
async def test_role_matrix(
    gql: GraphQLClient,
    world: World,
    viewer: str | None,
    target: Target,
    parent_feed: None,
    life_items: None,
    talk: None,
) -> None:
    result = await gql(target.query, target.variables(world), as_user=viewer)
    if viewer in target.allowed and viewer not in target.empty:
        assert "errors" not in result, result
        assert not target.is_empty(result["data"]), result
    elif viewer in target.empty:
        assert "errors" not in result, result
        assert target.is_empty(result["data"]), result
    else:
        assert nothing_answered(result), result
        (error,) = result["errors"]
        expected = "UNAUTHENTICATED" if viewer is None else "NOT_FOUND"
        assert error["extensions"]["code"] == expected, result


# --- files beside GraphQL: the same session and the same policy --------------------------------


def term2(world: World) -> str:
    return gid("Term", "term2_A")(world)


FILES: list[tuple[str, Callable[[World], str], frozenset[str]]] = [
    (
        "progress chart",
        lambda w: f"/charts/progress/{gid('Student', 'student')(w)}.svg?term={term2(w)}",
        frozenset(FOLLOW_STUDENT),
    ),
    (
        "class report csv",
        lambda w: f"/reports/class/{gid('SchoolClass', 'class_7a')(w)}.csv?term={term2(w)}",
        frozenset({"class_teacher", "admin"}),
    ),
    (
        "school report xlsx",
        lambda w: f"/reports/school/{gid('School', 'school_A')(w)}.xlsx?term={term2(w)}",
        frozenset({"admin"}),
    ),
]


@pytest.mark.parametrize("target", FILES, ids=lambda t: t[0])
@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v or "anonymous")
async def test_file_routes_follow_the_policy(
    gql: GraphQLClient,
    world: World,
    viewer: str | None,
    target: tuple[str, Callable[[World], str], frozenset[str]],
) -> None:
    _, url, allowed = target
    headers = {"Authorization": f"Bearer {world.tokens[viewer]}"} if viewer else {}
    async with gql.http() as client:
        answer = await client.get(url(world), headers=headers)
    if viewer in allowed:
        assert answer.status_code == 200, answer.text
    elif viewer is None:
        assert (answer.status_code, answer.json()["code"]) == (401, "UNAUTHENTICATED")
    else:
        assert (answer.status_code, answer.json()["code"]) == (404, "NOT_FOUND")


CREATE_FEED = """mutation($student: ID!) {
  createCalendarFeed(input: {studentId: $student}) { url userErrors { code } } }"""


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v or "anonymous")
async def test_who_may_create_a_calendar_feed(
    gql: GraphQLClient, world: World, viewer: str | None
) -> None:
    result = await gql(CREATE_FEED, {"student": gid("Student", "student")(world)}, as_user=viewer)
    payload = result["data"]["createCalendarFeed"]
    if viewer in FOLLOW_STUDENT:
        assert payload["userErrors"] == [] and payload["url"], result
    else:
        expected = "UNAUTHENTICATED" if viewer is None else "NOT_FOUND"
        assert (payload["url"], payload["userErrors"]) == (None, [{"code": expected}])


# --- Writing ----------------------------------------------------------------------------------
# Each action is tried by every viewer on the world's `classmate` (7A; parent: other_parent),
# so that nothing the read tests of `student` expect is changed. Allowed viewers succeed;
# viewers who can see the object but may not change it get FORBIDDEN; the rest NOT_FOUND.

MARK_FOLLOWERS = {"classmate", "other_parent", "math_teacher", "class_teacher", "admin"}
FOLLOW_CLASSMATE = (FOLLOW_STUDENT - {"student", "parent"}) | {"classmate", "other_parent"}


@dataclass(frozen=True)
class WriteAction:
    name: str
    mutation: str
    input: Callable[[World, str], dict[str, Any]]
    allowed: frozenset[str]
    visible: frozenset[str]


async def _fresh_mark(gql: GraphQLClient, world: World) -> str:
    posted = await gql(
        """mutation($input: PostMarkInput!) { postMark(input: $input) { mark { id } } }""",
        {
            "input": {
                "lessonId": gid("Lesson", "math_lesson")(world),
                "studentId": _classmate(world),
                "value": 4,
            }
        },
        as_user="math_teacher",
    )
    mark_id: str = posted["data"]["postMark"]["mark"]["id"]
    return mark_id


def _classmate(world: World) -> str:
    return gid("Student", "classmate")(world)


def _excuse(kind: str) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, _: {
        "studentId": _classmate(world),
        "from": str(WEEK.monday),
        "to": str(WEEK.monday),
        "kind": kind,
        "reason": "Note",
    }


WRITES = [
    WriteAction(
        "post mark",
        "postMark",
        lambda world, _: {
            "lessonId": gid("Lesson", "math_lesson")(world),
            "studentId": _classmate(world),
            "value": 5,
        },
        frozenset({"math_teacher"}),
        frozenset(SEE_CLASS_7A),
    ),
    WriteAction(
        "correct mark",
        "correctMark",
        lambda world, viewer: {
            "markId": gid("Mark", "classmate_mark")(world),
            "comment": f"checked by {viewer}",
            "reason": "Recheck",
        },
        frozenset({"math_teacher", "admin"}),
        frozenset(MARK_FOLLOWERS),
    ),
    WriteAction(
        "delete mark",
        "deleteMark",
        lambda world, mark: {"markId": mark, "reason": "Given by mistake"},
        frozenset({"math_teacher", "admin"}),
        frozenset(MARK_FOLLOWERS),
    ),
    WriteAction(
        "record attendance",
        "recordAttendance",
        lambda world, _: {
            "lessonId": gid("Lesson", "math_lesson")(world),
            "entries": [{"studentId": _classmate(world), "presence": "LATE", "minutesLate": 5}],
        },
        frozenset({"math_teacher", "class_teacher"}),
        frozenset(SEE_CLASS_7A),
    ),
    WriteAction(
        "excuse with a parent's note",
        "excuseAbsence",
        _excuse("PARENT_NOTE"),
        frozenset({"other_parent"}),
        frozenset(FOLLOW_CLASSMATE),
    ),
    WriteAction(
        "medical excuse",
        "excuseAbsence",
        _excuse("MEDICAL"),
        frozenset({"nurse"}),
        frozenset(FOLLOW_CLASSMATE),
    ),
    WriteAction(
        "school excuse",
        "excuseAbsence",
        _excuse("SCHOOL"),
        frozenset({"class_teacher", "admin"}),
        frozenset(FOLLOW_CLASSMATE),
    ),
    WriteAction(
        "lesson topic",
        "setLessonTopic",
        lambda world, _: {
            "lessonId": gid("Lesson", "math_lesson")(world),
            "topic": "Quadratic equations",
        },
        frozenset({"math_teacher"}),
        frozenset(SEE_CLASS_7A),
    ),
    WriteAction(
        "remark",
        "addRemark",
        lambda world, _: {
            "lessonId": gid("Lesson", "math_lesson")(world),
            "studentId": _classmate(world),
            "kind": "PREPARATION",
            "text": "No textbook",
        },
        frozenset({"math_teacher"}),
        frozenset(SEE_CLASS_7A),
    ),
    WriteAction(
        "class news",
        "postAnnouncement",
        lambda world, viewer: {
            "classId": gid("SchoolClass", "class_7a")(world),
            "title": f"News by {viewer}",
            "text": "Text",
        },
        frozenset({"class_teacher", "admin"}),
        # Posting where one may not answers as if the class did not exist.
        frozenset(),
    ),
    WriteAction(
        "school news",
        "postAnnouncement",
        lambda world, viewer: {
            "schoolId": gid("School", "school_A")(world),
            "title": f"School news by {viewer}",
            "text": "Text",
        },
        frozenset({"admin"}),
        frozenset(),
    ),
    WriteAction(
        "blog entry",
        "postBlogEntry",
        lambda world, viewer: {"title": f"Blog of {viewer}", "text": "Text"},
        frozenset({"math_teacher", "russian_teacher", "class_teacher", "other_school_teacher"}),
        frozenset(VIEWERS[1:]),
    ),
    WriteAction(
        "edit news",
        "editAnnouncement",
        lambda world, viewer: {
            "announcementId": gid("Announcement", "class_news")(world),
            "text": f"Checked by {viewer}",
        },
        frozenset({"class_teacher"}),
        frozenset(SEE_CLASS_7A),
    ),
    WriteAction(
        "withdraw news",
        "withdrawAnnouncement",
        lambda world, item: {"announcementId": item},
        frozenset({"class_teacher", "admin"}),
        frozenset(SEE_CLASS_7A),
    ),
    WriteAction(
        "class meeting",
        "scheduleMeeting",
        lambda world, _: {
            "classId": gid("SchoolClass", "class_7a")(world),
            "title": "Meeting",
            "startsAt": (datetime.now(UTC) + timedelta(days=5)).isoformat(),
            "endsAt": (datetime.now(UTC) + timedelta(days=5, hours=1)).isoformat(),
            "place": "Hall",
            "agenda": "Agenda",
            "notifyFamilies": False,
        },
        frozenset({"class_teacher", "admin"}),
        frozenset(),
    ),
    WriteAction(
        "answer a meeting",
        "answerMeeting",
        lambda world, _: {
            "meetingId": gid("Meeting", "class_meeting")(world),
            "studentId": _classmate(world),
            "answer": "WILL_ATTEND",
        },
        frozenset({"other_parent"}),
        frozenset(CLASS_7A_MEETING),
    ),
    WriteAction(
        "meeting minutes",
        "addMeetingMinutes",
        lambda world, viewer: {
            "meetingId": gid("Meeting", "held_meeting")(world),
            "minutes": f"Written by {viewer}",
        },
        frozenset({"class_teacher", "admin"}),
        frozenset(CLASS_7A_MEETING),
    ),
    WriteAction(
        "message in a parent-teacher thread",
        "sendMessage",
        lambda world, viewer: {
            "conversationId": gid("Conversation", "talk_thread")(world),
            "text": f"From {viewer}",
        },
        frozenset(TALK_THREAD),
        frozenset(TALK_THREAD),
    ),
    WriteAction(
        "message in the class group",
        "sendMessage",
        lambda world, viewer: {
            "conversationId": gid("Conversation", "talk_group")(world),
            "text": f"From {viewer}",
        },
        frozenset(TALK_GROUP),
        frozenset(TALK_GROUP),
    ),
    WriteAction(
        "close a parent-teacher thread",
        "closeConversation",
        lambda world, _: {"conversationId": gid("Conversation", "talk_spare_thread")(world)},
        frozenset({"math_teacher"}),
        frozenset(TALK_THREAD),
    ),
    WriteAction(
        "request acknowledgement",
        "requestAcknowledgement",
        lambda world, _: {
            "classId": gid("SchoolClass", "class_7a")(world),
            "title": "Theatre",
            "text": "Consent to the theatre visit",
        },
        frozenset({"class_teacher"}),
        frozenset(SEE_CLASS_7A),
    ),
    WriteAction(
        "term remark",
        "setTermRemark",
        lambda world, viewer: {
            "studentId": _classmate(world),
            "termId": term2(world),
            "text": f"Written by {viewer}",
        },
        frozenset({"class_teacher", "admin"}),
        frozenset(FOLLOW_CLASSMATE),
    ),
    WriteAction(
        "room change",
        "changeRoom",
        lambda world, _: {"lessonId": gid("Lesson", "math_lesson")(world), "room": "201"},
        frozenset({"admin"}),
        frozenset(SEE_CLASS_7A),
    ),
]


@pytest.mark.parametrize("action", WRITES, ids=lambda a: a.name)
@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v or "anonymous")
async def test_write_matrix(
    gql: GraphQLClient,
    world: World,
    viewer: str | None,
    action: WriteAction,
    life_items: None,
    talk: None,
) -> None:
    if action.name == "delete mark":
        input = action.input(world, await _fresh_mark(gql, world))
    elif action.name == "withdraw news":
        fresh = await _news(world, f"to withdraw {viewer}")
        input = action.input(world, to_base64("Announcement", fresh.id))
    else:
        input = action.input(world, viewer or "")
    if action.mutation == "excuseAbsence":
        await _absent(world)
    type_name = action.mutation[0].upper() + action.mutation[1:]
    query = f"""mutation($input: {type_name}Input!) {{
        {action.mutation}(input: $input) {{ userErrors {{ field message code }} }} }}"""
    result = await gql(query, {"input": input}, as_user=viewer)
    assert "errors" not in result, result
    errors = result["data"][action.mutation]["userErrors"]
    if viewer in action.allowed:
        assert errors == [], (viewer, errors)
        return
    if viewer is None:
        expected = "UNAUTHENTICATED"
    elif viewer in action.visible:
        expected = "FORBIDDEN"
    else:
        expected = "NOT_FOUND"
    assert [e["code"] for e in errors] == [expected], (viewer, errors)


async def _absent(world: World) -> None:
    from ediary.domain import models
    from ediary.domain.enums import AttendanceKind

    lesson = await models.Lesson.get(id=world.id("russian_lesson"))
    record, _ = await models.Attendance.get_or_create(
        lesson_id=lesson.id,
        student_id=world.id("classmate"),
        defaults={
            "date": lesson.date,
            "kind": AttendanceKind.ABSENT,
            "recorded_by_id": world.users["russian_teacher"].id,
        },
    )
    record.excused, record.excuse_kind = False, None
    await record.save()


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v or "anonymous")
async def test_mark_history_is_shown_to_those_who_see_the_mark(
    gql: GraphQLClient, world: World, viewer: str | None
) -> None:
    query = "query($id: ID!) { node(id: $id) { ... on Mark { history { action newValue } } } }"
    result = await gql(query, {"id": gid("Mark", "math_mark")(world)}, as_user=viewer)
    if viewer in {"student", "parent", "math_teacher", "class_teacher", "admin"}:
        assert result["data"]["node"]["history"] == [{"action": "CREATE", "newValue": 5}], result
    else:
        assert result["data"] == {"node": None}, result
        expected = "UNAUTHENTICATED" if viewer is None else "NOT_FOUND"
        assert result["errors"][0]["extensions"]["code"] == expected
