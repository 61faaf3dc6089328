"""A parent-teacher meeting end to end: scheduled by the class teacher, families told,
parents answer per child, the class teacher follows answers and silences, minutes after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ediary.domain import models
from tests.conftest import GraphQLClient
from tests.life.conftest import ANSWER, MINUTES, SCHEDULE, Class9, soon

INVITEES = """query($id: ID!, $first: Int!, $after: String) { node(id: $id) { ... on Meeting {
    invitees(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { answer student { fullName } parentName } } } } } }"""
MINE = """query { meetings(first: 10) { totalCount edges { node { id title minutes
    myReplies { answer student { fullName } } } } } }"""


async def _schedule(gql: GraphQLClient, class9: Class9, who: str = "ct9") -> str:
    scheduled = await gql(
        SCHEDULE,
        {
            "input": {
                "classId": class9.gid("SchoolClass", "class9"),
                "title": "9A: end of the quarter",
                "startsAt": soon(24),
                "endsAt": soon(25.5),
                "place": "Room 12",
                "onlineUrl": "https://meet.example.org/9a",
                "agenda": "1. Marks.\n2. The trip.",
            }
        },
        as_user=who,
    )
    payload = scheduled["data"]["scheduleMeeting"]
    assert payload["userErrors"] == [], payload
    meeting_id: str = payload["meeting"]["id"]
    return meeting_id


async def test_class_meeting_answers_and_minutes(gql: GraphQLClient, class9: Class9) -> None:
    meeting = await _schedule(gql, class9)
    # The one parent with an e-mail address is told through the outbox.
    told = await models.OutboxMessage.filter(key__startswith="meeting:").values_list(
        "recipient_id", "channel"
    )
    assert (class9.ids["lp9_a"], "email") in told
    assert all(r in {class9.ids["lp9_a"]} for r, _ in told if r in class9.ids.values())
    # Sending is the delivery worker's, tested with the journal; other tests' servers share
    # this database and their mailboxes must not receive these.
    await models.OutboxMessage.filter(key__startswith="meeting:").delete()

    seen = await gql(MINE, as_user="lp9_a")
    titles = [e["node"]["title"] for e in seen["data"]["meetings"]["edges"]]
    assert "9A: end of the quarter" in titles
    assert "9A: end of the quarter" not in [
        e["node"]["title"] for e in (await gql(MINE, as_user="parent"))["data"]["meetings"]["edges"]
    ]

    def answer(who: str, child: str, what: str) -> dict[str, object]:
        return {
            "input": {
                "meetingId": meeting,
                "studentId": class9.gid("Student", child),
                "answer": what,
            }
        }

    first = await gql(ANSWER, answer("lp9_a", "ls9_a", "WILL_ATTEND"), as_user="lp9_a")
    assert first["data"]["answerMeeting"]["userErrors"] == []
    changed = await gql(ANSWER, answer("lp9_a", "ls9_a", "CANNOT_ATTEND"), as_user="lp9_a")
    assert changed["data"]["answerMeeting"]["reply"]["answer"] == "CANNOT_ATTEND"
    b = await gql(ANSWER, answer("lp9_b", "ls9_b", "WILL_ATTEND"), as_user="lp9_b")
    assert b["data"]["answerMeeting"]["userErrors"] == []
    # Not their child: refused, and nothing is written.
    wrong = await gql(ANSWER, answer("lp9_b", "ls9_c", "WILL_ATTEND"), as_user="lp9_b")
    assert wrong["data"]["answerMeeting"]["userErrors"][0]["code"] == "FORBIDDEN"
    mine = await gql(MINE, as_user="lp9_a")
    (entry,) = [e["node"] for e in mine["data"]["meetings"]["edges"] if e["node"]["id"] == meeting]
    assert entry["myReplies"] == [{"answer": "CANNOT_ATTEND", "student": {"fullName": "Pupil A"}}]

    followed = await gql(INVITEES, {"id": meeting, "first": 2}, as_user="ct9")
    page = followed["data"]["node"]["invitees"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    rest = await gql(
        INVITEES,
        {"id": meeting, "first": 10, "after": page["pageInfo"]["endCursor"]},
        as_user="ct9",
    )
    rows = [e["node"] for e in page["edges"] + rest["data"]["node"]["invitees"]["edges"]]
    assert [(r["parentName"], r["student"]["fullName"], r["answer"]) for r in rows] == [
        ("Parent A", "Pupil A", "CANNOT_ATTEND"),
        ("Parent B", "Pupil B", "WILL_ATTEND"),
        ("Parent C", "Pupil C", None),
    ]
    # The administration follows too; parents do not.
    assert (await gql(INVITEES, {"id": meeting, "first": 5}, as_user="admin"))["data"]["node"]
    hidden = await gql(INVITEES, {"id": meeting, "first": 5}, as_user="lp9_a")
    assert hidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    early = await gql(
        MINUTES, {"input": {"meetingId": meeting, "minutes": "Too soon"}}, as_user="ct9"
    )
    assert early["data"]["addMeetingMinutes"]["userErrors"][0]["code"] == "MEETING_NOT_STARTED"

    # The meeting takes place.
    meeting_row = await models.Meeting.get(title="9A: end of the quarter")
    meeting_row.starts_at = datetime.now(UTC) - timedelta(hours=2)
    meeting_row.ends_at = datetime.now(UTC) - timedelta(hours=1)
    await meeting_row.save()
    late = await gql(ANSWER, answer("lp9_c", "ls9_c", "WILL_ATTEND"), as_user="lp9_c")
    assert late["data"]["answerMeeting"]["userErrors"][0]["code"] == "MEETING_STARTED"
    assert not await models.MeetingReply.filter(parent_id=class9.ids["lp9_c"]).exists()

    added = await gql(
        MINUTES,
        {"input": {"meetingId": meeting, "minutes": "Decided: the trip is on 12 May."}},
        as_user="ct9",
    )
    assert added["data"]["addMeetingMinutes"]["userErrors"] == []
    read = await gql(MINE, as_user="lp9_b")
    (entry,) = [e["node"] for e in read["data"]["meetings"]["edges"] if e["node"]["id"] == meeting]
    assert entry["minutes"] == "Decided: the trip is on 12 May."
    stranger = await gql(
        MINUTES, {"input": {"meetingId": meeting, "minutes": "x"}}, as_user="lp9_b"
    )
    assert stranger["data"]["addMeetingMinutes"]["userErrors"][0]["code"] == "FORBIDDEN"


async def test_school_meeting_is_answered_for_each_child_of_the_school(
    gql: GraphQLClient, class9: Class9
) -> None:
    from strawberry.relay import to_base64

    world = class9.world
    scheduled = await gql(
        SCHEDULE,
        {
            "input": {
                "schoolId": to_base64("School", world.id("school_A")),
                "title": "School A: annual meeting",
                "startsAt": soon(48),
                "endsAt": soon(50),
                "onlineUrl": "http://meet.example.org/a",
                "agenda": "The year.",
                "notifyFamilies": False,
            }
        },
        as_user="admin",
    )
    meeting = scheduled["data"]["scheduleMeeting"]["meeting"]
    assert meeting["audience"] == "SCHOOL" and meeting["place"] == ""
    # other_parent's child in school B is not concerned; the child in 7A is.
    inputs = {
        "classmate": "WILL_ATTEND",
        "other_school_student": "WILL_ATTEND",
    }
    codes = {}
    for child, what in inputs.items():
        done = await gql(
            ANSWER,
            {
                "input": {
                    "meetingId": meeting["id"],
                    "studentId": to_base64("Student", world.id(child)),
                    "answer": what,
                }
            },
            as_user="other_parent",
        )
        errors = done["data"]["answerMeeting"]["userErrors"]
        codes[child] = errors[0]["code"] if errors else None
    assert codes == {"classmate": None, "other_school_student": "NOT_INVITED"}
    # A school meeting's answers are for the administration.
    refused = await gql(INVITEES, {"id": meeting["id"], "first": 5}, as_user="class_teacher")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    followed = await gql(INVITEES, {"id": meeting["id"], "first": 100}, as_user="admin")
    rows = followed["data"]["node"]["invitees"]["edges"]
    answered = [r["node"] for r in rows if r["node"]["answer"]]
    assert answered == [
        {
            "answer": "WILL_ATTEND",
            "student": {"fullName": "Popova Maria"},
            "parentName": "Popov Sergey",
        }
    ]
    outside = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": meeting["id"]},
        as_user="other_school_student",
    )
    assert outside["errors"][0]["extensions"]["code"] == "NOT_FOUND"
