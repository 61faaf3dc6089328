"""Conversations through the API: parent-teacher threads started by either side, the class
group, read receipts and unread counts, closing, and notifications to families."""

from __future__ import annotations

from typing import Any

from ediary.domain import models
from ediary.domain.enums import NotifyMode
from tests.conftest import GraphQLClient
from tests.talk.conftest import Class9, close_open_threads, local, ok, refused
from tests.talk.queries import (
    CLASS_GROUP,
    CLOSE,
    CONVERSATIONS,
    MESSAGES,
    READ,
    SEND,
    START,
)


async def _start(gql: GraphQLClient, c: Class9, who: str, text: str, **ids: str) -> Any:
    await close_open_threads(c, "p9_a")
    return await ok(
        gql, START, {"input": {"studentId": c.gid("Student", "s9_a"), "text": text, **ids}}, who
    )


async def _messages(gql: GraphQLClient, conversation: str, who: str, first: int = 20) -> Any:
    result = await gql(MESSAGES, {"id": conversation, "first": first}, as_user=who)
    assert "errors" not in result, result
    return result["data"]["node"]


async def test_a_parent_and_a_teacher_talk_with_read_receipts(
    gql: GraphQLClient, class9: Class9
) -> None:
    started = await _start(
        gql,
        class9,
        "p9_a",
        "Good evening! How is Ann doing?",
        teacherId=class9.gid("Teacher", "t9_math"),
    )
    conversation = started["conversation"]["id"]
    assert started["conversation"]["kind"] == "DIRECT"
    first_id = started["message"]["id"]

    seen = await _messages(gql, conversation, "t9_math")
    assert seen["unreadCount"] == 1
    (edge,) = seen["messages"]["edges"]
    assert edge["node"]["author"] == {
        "fullName": "P9_A Test",
        "role": "PARENT",
        "isViewer": False,
    }
    assert edge["node"]["readBy"] == []

    read = await ok(gql, READ, {"input": {"conversationId": conversation}}, "t9_math")
    assert read["conversation"]["unreadCount"] == 0
    reply = await ok(
        gql, SEND, {"input": {"conversationId": conversation, "text": "Very well."}}, "t9_math"
    )
    assert reply["message"]["isOwn"] is True

    mine = await _messages(gql, conversation, "p9_a")
    assert mine["unreadCount"] == 1
    newest, oldest = (e["node"] for e in mine["messages"]["edges"])
    assert (newest["text"], oldest["id"]) == ("Very well.", first_id)
    # The teacher has read the parent's message; nobody but its author has read the reply.
    assert [r["participant"]["fullName"] for r in oldest["readBy"]] == ["T9_Math Test"]
    assert newest["readBy"] == []
    assert newest["author"]["role"] == "TEACHER"

    # A second start between the same three reuses the open thread.
    again = await ok(
        gql,
        START,
        {
            "input": {
                "studentId": class9.gid("Student", "s9_a"),
                "teacherId": class9.gid("Teacher", "t9_math"),
                "text": "One more thing.",
            }
        },
        "p9_a",
    )
    assert again["conversation"]["id"] == conversation
    assert (await _messages(gql, conversation, "p9_a"))["messages"]["totalCount"] == 3


async def test_a_teacher_starts_with_a_parent_found_on_the_student(
    gql: GraphQLClient, class9: Class9
) -> None:
    query = "query($id: ID!) { node(id: $id) { ... on Student { parents { id fullName } } } }"
    found = await gql(query, {"id": class9.gid("Student", "s9_b")}, as_user="t9_lead")
    (parent,) = found["data"]["node"]["parents"]
    assert parent["fullName"] == "P9_B Test"
    await close_open_threads(class9, "p9_b")
    started = await ok(
        gql,
        START,
        {
            "input": {
                "studentId": class9.gid("Student", "s9_b"),
                "parentId": parent["id"],
                "text": "Please call me about the olympiad.",
            }
        },
        "t9_lead",
    )
    conversation = started["conversation"]["id"]
    listed = await gql(CONVERSATIONS, {"first": 50}, as_user="p9_b")
    nodes = [e["node"] for e in listed["data"]["conversations"]["edges"]]
    thread = next(n for n in nodes if n["id"] == conversation)
    assert thread["teacher"] == {"fullName": "T9_Lead Test"}
    assert thread["parent"] == {"fullName": "P9_B Test"}
    assert thread["unreadCount"] == 1
    # The parent's list also holds the group of the child's class.
    assert any(n["kind"] == "CLASS_GROUP" and n["schoolClass"]["name"] == "9T" for n in nodes)
    # The child sees none of it.
    assert (await gql(CONVERSATIONS, {"first": 50}, as_user="s9_b"))["data"]["conversations"][
        "totalCount"
    ] == 0
    # Teachers of the class see the student's parents; others do not.
    other = await gql(query, {"id": class9.gid("Student", "s9_b")}, as_user="admin")
    assert other["data"]["node"]["parents"] == []


async def test_the_class_group_is_for_its_parents_and_class_teacher(
    gql: GraphQLClient, class9: Class9
) -> None:
    group = await gql(CLASS_GROUP, {"id": class9.gid("SchoolClass", "class9")}, as_user="t9_lead")
    conversation = group["data"]["classConversation"]["id"]
    same = await gql(CLASS_GROUP, {"id": class9.gid("SchoolClass", "class9")}, as_user="p9_c")
    assert same["data"]["classConversation"]["id"] == conversation
    for outsider in ("t9_math", "s9_a", "parent", "admin"):
        refused_ = await gql(
            CLASS_GROUP, {"id": class9.gid("SchoolClass", "class9")}, as_user=outsider
        )
        assert refused_["errors"][0]["extensions"]["code"] == "NOT_FOUND", outsider

    await ok(gql, SEND, {"input": {"conversationId": conversation, "text": "Hello all"}}, "p9_c")
    await ok(
        gql, SEND, {"input": {"conversationId": conversation, "text": "Meeting at 6"}}, "t9_lead"
    )
    for parent in ("p9_a", "p9_b"):
        assert (await _messages(gql, conversation, parent))["unreadCount"] == 2
    await ok(gql, READ, {"input": {"conversationId": conversation}}, "p9_a")
    page = await _messages(gql, conversation, "p9_b")
    teacher_message, parent_message = (e["node"] for e in page["messages"]["edges"])
    assert teacher_message["author"]["role"] == "TEACHER"
    assert sorted(r["participant"]["fullName"] for r in teacher_message["readBy"]) == ["P9_A Test"]
    assert sorted(r["participant"]["fullName"] for r in parent_message["readBy"]) == [
        "P9_A Test",
        "T9_Lead Test",
    ]


async def test_closing_is_the_teachers_and_stops_new_messages(
    gql: GraphQLClient, class9: Class9
) -> None:
    await close_open_threads(class9, "p9_c")
    started = await ok(
        gql,
        START,
        {
            "input": {
                "studentId": class9.gid("Student", "s9_c"),
                "teacherId": class9.gid("Teacher", "t9_lead"),
                "text": "Question about the trip",
            }
        },
        "p9_c",
    )
    conversation = started["conversation"]["id"]
    assert await refused(gql, CLOSE, {"input": {"conversationId": conversation}}, "p9_c") == [
        "FORBIDDEN"
    ]
    closed = await ok(gql, CLOSE, {"input": {"conversationId": conversation}}, "t9_lead")
    assert closed["conversation"]["closedAt"] is not None
    before = await models.ConversationMessage.filter(conversation_id=local(conversation)).count()
    for who in ("p9_c", "t9_lead"):
        codes = await refused(
            gql, SEND, {"input": {"conversationId": conversation, "text": "Still there?"}}, who
        )
        assert codes == ["CONVERSATION_CLOSED"]
    after = await models.ConversationMessage.filter(conversation_id=local(conversation)).count()
    assert before == after
    # The closed thread stays readable; a new start opens a new thread.
    assert (await _messages(gql, conversation, "p9_c"))["messages"]["totalCount"] == 1
    again = await ok(
        gql,
        START,
        {
            "input": {
                "studentId": class9.gid("Student", "s9_c"),
                "teacherId": class9.gid("Teacher", "t9_lead"),
                "text": "Another question",
            }
        },
        "p9_c",
    )
    assert again["conversation"]["id"] != conversation


async def test_text_is_stored_exactly_as_given(gql: GraphQLClient, class9: Class9) -> None:
    text = '<script>alert("x")</script> <b>bold</b> &amp; \u202e\n  spaced  '
    started = await _start(gql, class9, "p9_a", text, teacherId=class9.gid("Teacher", "t9_lead"))
    assert started["message"]["text"] == text
    stored = await models.ConversationMessage.get(id=local(started["message"]["id"]))
    assert stored.text == text


async def test_the_schools_messages_reach_families_through_the_outbox(
    gql: GraphQLClient, class9: Class9
) -> None:
    async def rows(parent: str) -> int:
        return await models.OutboxMessage.filter(
            recipient_id=class9.ids[parent], key__startswith="talk:"
        ).count()

    before_a, before_b = await rows("p9_a"), await rows("p9_b")
    started = await _start(
        gql, class9, "p9_a", "A parent's message", teacherId=class9.gid("Teacher", "t9_math")
    )
    # Parents' own messages stay in the app.
    assert await rows("p9_a") == before_a
    await ok(
        gql,
        SEND,
        {"input": {"conversationId": started["conversation"]["id"], "text": "Teacher's answer"}},
        "t9_math",
    )
    # E-mail and SMS to the one parent of the thread (the test app has e-mail only).
    mails = await models.OutboxMessage.filter(
        recipient_id=class9.ids["p9_a"], key__startswith="talk:"
    ).order_by("-id")
    assert await rows("p9_a") > before_a
    assert "Teacher's answer" in mails[0].text
    assert await rows("p9_b") == before_b

    # The class teacher's group message goes to every parent who has not turned it off.
    await models.NotificationPreference.create(
        parent_id=class9.ids["p9_b"], student_id=class9.ids["s9_b"], mode=NotifyMode.OFF
    )
    try:
        group = await gql(
            CLASS_GROUP, {"id": class9.gid("SchoolClass", "class9")}, as_user="t9_lead"
        )
        before_a = await rows("p9_a")
        await ok(
            gql,
            SEND,
            {
                "input": {
                    "conversationId": group["data"]["classConversation"]["id"],
                    "text": "No school on Friday",
                }
            },
            "t9_lead",
        )
        assert await rows("p9_a") == before_a + 1
        assert await rows("p9_b") == before_b
    finally:
        await models.NotificationPreference.filter(parent_id=class9.ids["p9_b"]).delete()


async def test_pages_of_conversations_and_messages(gql: GraphQLClient, class9: Class9) -> None:
    started = await _start(gql, class9, "p9_a", "m0", teacherId=class9.gid("Teacher", "t9_lead"))
    conversation = started["conversation"]["id"]
    for n in range(1, 5):
        await ok(gql, SEND, {"input": {"conversationId": conversation, "text": f"m{n}"}}, "p9_a")
    seen: list[str] = []
    after = None
    while True:
        result = await gql(
            MESSAGES, {"id": conversation, "first": 2, "after": after}, as_user="t9_lead"
        )
        page = result["data"]["node"]["messages"]
        seen += [e["node"]["text"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen[:5] == ["m4", "m3", "m2", "m1", "m0"]
    assert page["totalCount"] == len(seen)
    too_many = await gql(MESSAGES, {"id": conversation, "first": 101}, as_user="t9_lead")
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    listed = await gql(CONVERSATIONS, {"first": 1}, as_user="p9_a")
    connection = listed["data"]["conversations"]
    assert connection["pageInfo"]["hasNextPage"] is True
    assert connection["edges"][0]["node"]["id"] == conversation  # latest activity first
    rest = await gql(
        CONVERSATIONS,
        {"first": 100, "after": connection["pageInfo"]["endCursor"]},
        as_user="p9_a",
    )
    ids = [e["node"]["id"] for e in rest["data"]["conversations"]["edges"]]
    assert conversation not in ids
    assert len(ids) + 1 == connection["totalCount"]
