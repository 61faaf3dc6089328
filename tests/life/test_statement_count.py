"""A page of news or meetings costs the same number of SQL statements for 5 items or 40."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from strawberry.relay import to_base64

from ediary.db import count_statements
from ediary.domain import models
from ediary.domain.enums import Audience, MeetingAnswer, Role
from tests.builders import person
from tests.conftest import GraphQLClient
from tests.world import World

FEED = """query($first: Int!) { announcements(first: $first) { totalCount edges { cursor node {
    title text kind audience publishedAt author { fullName } school { name }
    schoolClass { name } attachments { filename url } } } } }"""
MEETINGS = """query($first: Int!) { meetings(first: $first) { totalCount edges { node {
    title startsAt organiser { shortName } school { name } schoolClass { name }
    myReplies { answer student { fullName } } } } } }"""
INVITEES = """query($id: ID!, $first: Int!) { node(id: $id) { ... on Meeting {
    invitees(first: $first) { totalCount edges { node { answer answeredAt parentName
      student { fullName } } } } } } }"""


@dataclass
class Class10:
    meeting: str


@pytest.fixture(scope="module")
async def class10(world: World) -> Class10:
    """10A: 45 students with a parent each, 45 news items with a file, 45 meetings that one
    parent answered."""
    school = world.objects["school_A"]
    teacher = await person(world, "ct10", "Zaitseva", "Olga", (Role.TEACHER, school, None))
    school_class = await models.SchoolClass.create(
        school=school,
        academic_year=world.objects["year_A"],
        grade=10,
        letter="A",
        class_teacher=teacher,
    )
    children = []
    for index in range(45):
        child = await person(None, f"s10_{index}", "Pupil", str(index))
        await models.Enrollment.create(
            student=child, school_class=school_class, starts_on=date(2026, 9, 1)
        )
        parent = await person(
            world if index == 0 else None,
            f"p10_{index}",
            "Parent",
            str(index),
            (Role.PARENT, school, None),
        )
        await models.Guardianship.create(parent=parent, student=child)
        children.append((child, parent))
    now = datetime.now(UTC)
    for index in range(45):
        item = await models.Announcement.create(
            audience=Audience.CLASS,
            school=school,
            school_class=school_class,
            author=teacher,
            title=f"10A news {index}",
            text="Text",
            published_at=now - timedelta(minutes=index),
        )
        await models.AnnouncementAttachment.create(
            announcement=item,
            filename="a.pdf",
            content_type="application/pdf",
            size=1,
            storage_key=f"statements10a{index}",
        )
    first_meeting = None
    child, parent = children[0]
    for index in range(45):
        meeting = await models.Meeting.create(
            audience=Audience.CLASS,
            school=school,
            school_class=school_class,
            author=teacher,
            title=f"10A meeting {index}",
            starts_at=now + timedelta(days=1, minutes=index),
            ends_at=now + timedelta(days=1, hours=1, minutes=index),
            place="Hall",
            agenda="Agenda",
        )
        first_meeting = first_meeting or meeting
        await models.MeetingReply.create(
            meeting=meeting,
            parent=parent,
            student=child,
            answer=MeetingAnswer.WILL_ATTEND,
            answered_at=now,
        )
    assert first_meeting is not None
    for other_child, other_parent in children[1:30]:
        await models.MeetingReply.create(
            meeting=first_meeting,
            parent=other_parent,
            student=other_child,
            answer=MeetingAnswer.CANNOT_ATTEND,
            answered_at=now,
        )
    return Class10(meeting=to_base64("Meeting", first_meeting.id))


async def _cost(gql: GraphQLClient, who: str, query: str, variables: dict[str, object]) -> int:
    with count_statements() as count:
        result = await gql(query, variables, as_user=who)
    assert "errors" not in result, result
    return count.value


@pytest.mark.parametrize("query", [FEED, MEETINGS], ids=["announcements", "meetings"])
async def test_a_page_costs_the_same_for_5_and_40_items(
    gql: GraphQLClient, class10: Class10, query: str
) -> None:
    small = await _cost(gql, "p10_0", query, {"first": 5})
    big = await _cost(gql, "p10_0", query, {"first": 40})
    assert small == big
    assert big <= 16, big


async def test_answers_to_a_meeting_cost_the_same_for_5_and_40_parents(
    gql: GraphQLClient, class10: Class10
) -> None:
    small = await _cost(gql, "ct10", INVITEES, {"id": class10.meeting, "first": 5})
    big = await _cost(gql, "ct10", INVITEES, {"id": class10.meeting, "first": 40})
    assert small == big
    assert big <= 16, big
