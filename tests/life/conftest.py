"""A class of its own for the school-life tests, 9A of school A, so that what they publish
does not change what the role matrix expects of the shared world: a class teacher, three
students and their parents (one with an e-mail address)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.enums import Role
from tests.builders import person
from tests.conftest import GraphQLClient
from tests.world import World

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class Class9:
    world: World
    ids: dict[str, int] = field(default_factory=dict)

    def gid(self, kind: str, name: str) -> str:
        return to_base64(kind, self.ids[name])


@pytest.fixture(scope="session")
async def class9(world: World) -> Class9:
    found = Class9(world)
    school = world.objects["school_A"]
    teacher = await person(world, "ct9", "Morozova", "Vera", (Role.TEACHER, school, None))
    school_class = await models.SchoolClass.create(
        school=school,
        academic_year=world.objects["year_A"],
        grade=9,
        letter="A",
        class_teacher=teacher,
    )
    found.ids.update(ct9=teacher.id, class9=school_class.id)
    for name, email in (("a", "mother.a@example.org"), ("b", ""), ("c", "")):
        student = await person(
            world, f"ls9_{name}", "Pupil", name.upper(), (Role.STUDENT, school, None)
        )
        await models.Enrollment.create(
            student=student, school_class=school_class, starts_on=date(2026, 9, 1)
        )
        parent = await person(
            world, f"lp9_{name}", "Parent", name.upper(), (Role.PARENT, school, None)
        )
        if email:
            parent.email = email
            await parent.save(update_fields=["email"])
        await models.Guardianship.create(parent=parent, student=student)
        found.ids.update({f"ls9_{name}": student.id, f"lp9_{name}": parent.id})
    return found


def soon(hours: float = 24) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


POST = """
mutation($input: PostAnnouncementInput!) {
  postAnnouncement(input: $input) {
    announcement { id audience kind title text publishedAt expiresAt
                   attachments { id filename contentType url } }
    userErrors { field message code }
  }
}
"""
BLOG = """
mutation($input: PostBlogEntryInput!) {
  postBlogEntry(input: $input) {
    announcement { id audience title text author { fullName } }
    userErrors { field message code }
  }
}
"""
FEED = """
query($first: Int, $after: String) {
  announcements(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id title text kind audience attachments { filename url } } }
  }
}
"""
SCHEDULE = """
mutation($input: ScheduleMeetingInput!) {
  scheduleMeeting(input: $input) {
    meeting { id title startsAt endsAt place onlineUrl agenda minutes audience }
    userErrors { field message code }
  }
}
"""
ANSWER = """
mutation($input: AnswerMeetingInput!) {
  answerMeeting(input: $input) {
    reply { answer student { fullName } }
    userErrors { field message code }
  }
}
"""
MINUTES = """
mutation($input: AddMeetingMinutesInput!) {
  addMeetingMinutes(input: $input) {
    meeting { minutes minutesAddedAt }
    userErrors { field message code }
  }
}
"""


async def feed_titles(gql: GraphQLClient, who: str) -> set[str]:
    """Every title in the viewer's feed, over all pages."""
    titles: set[str] = set()
    after = None
    while True:
        result = await gql(FEED, {"first": 100, "after": after}, as_user=who)
        assert "errors" not in result, result
        page = result["data"]["announcements"]
        titles |= {edge["node"]["title"] for edge in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return titles
        after = page["pageInfo"]["endCursor"]
