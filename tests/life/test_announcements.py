"""News of a class and a school and teachers' blogs, end to end through GraphQL: who posts,
who reads, files, publication and expiry, edits and withdrawal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from strawberry.relay import to_base64

from tests.conftest import GraphQLClient
from tests.life.conftest import BLOG, FEED, PDF, POST, feed_titles, soon
from tests.world import World

NODE = """query($id: ID!) { node(id: $id) { ... on Announcement { title text
    author { fullName } school { name } schoolClass { name } } } }"""


def _gid(world: World, kind: str, name: str) -> str:
    return to_base64(kind, world.id(name))


async def test_class_news_with_a_file_reaches_the_class_only(
    gql: GraphQLClient, world: World
) -> None:
    posted = await gql.upload(
        "class_teacher",
        POST,
        {
            "classId": _gid(world, "SchoolClass", "class_7a"),
            "kind": "COMPETITION",
            "title": "7A: chess tournament",
            "text": "Sign up by Friday.",
        },
        [("rules.pdf", PDF)],
    )
    assert posted["postAnnouncement"]["userErrors"] == []
    item = posted["postAnnouncement"]["announcement"]
    assert (item["audience"], item["kind"]) == ("CLASS", "COMPETITION")
    (file,) = item["attachments"]
    assert (file["filename"], file["contentType"]) == ("rules.pdf", "application/pdf")

    for who in ("parent", "student", "other_parent", "math_teacher", "admin"):
        assert "7A: chess tournament" in await feed_titles(gql, who), who
    for who in ("other_class_student", "other_school_student", "other_admin"):
        assert "7A: chess tournament" not in await feed_titles(gql, who), who
        hidden = await gql(NODE, {"id": item["id"]}, as_user=who)
        assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    seen = await gql(NODE, {"id": item["id"]}, as_user="parent")
    assert seen["data"]["node"] == {
        "title": "7A: chess tournament",
        "text": "Sign up by Friday.",
        "author": {"fullName": "Sidorov Pavel"},
        "school": {"name": "School A"},
        "schoolClass": {"name": "7A"},
    }
    async with gql.http() as client:
        for who, status in (("parent", 200), ("other_class_student", 404)):
            headers = {"Authorization": f"Bearer {world.tokens[who]}"}
            answer = await client.get(file["url"], headers=headers)
            assert answer.status_code == status, who
            if status == 200:
                assert answer.content == PDF
                assert answer.headers["x-content-type-options"] == "nosniff"
                assert answer.headers["content-disposition"].startswith("attachment;")
        # Logged out is told apart before the file is looked at, as on every file route.
        logged_out = await client.get(file["url"])
        assert logged_out.status_code == 401
        assert logged_out.json()["code"] == "UNAUTHENTICATED"


async def test_school_quarantine_reaches_every_family_of_the_school(
    gql: GraphQLClient, world: World
) -> None:
    posted = await gql(
        POST,
        {
            "input": {
                "schoolId": _gid(world, "School", "school_A"),
                "kind": "QUARANTINE",
                "title": "School A: quarantine until Monday",
                "text": "Lessons move online.",
            }
        },
        as_user="admin",
    )
    assert posted["data"]["postAnnouncement"]["userErrors"] == []
    title = "School A: quarantine until Monday"
    for who in ("parent", "other_class_student", "other_parent", "nurse", "class_teacher"):
        assert title in await feed_titles(gql, who), who
    for who in ("other_school_student", "other_school_teacher", "official"):
        assert title not in await feed_titles(gql, who), who
    # A parent with children in two schools sees the news of both.
    other = await gql(
        POST,
        {
            "input": {
                "schoolId": _gid(world, "School", "school_B"),
                "title": "School B: open day",
                "text": "Saturday at 10.",
            }
        },
        as_user="other_admin",
    )
    assert other["data"]["postAnnouncement"]["userErrors"] == []
    both = await feed_titles(gql, "other_parent")
    assert {title, "School B: open day"} <= both
    assert "School B: open day" not in await feed_titles(gql, "parent")
    only = await gql(FEED, {"first": 100}, as_user="other_parent")
    kinds = {e["node"]["title"]: e["node"]["kind"] for e in only["data"]["announcements"]["edges"]}
    assert kinds[title] == "QUARANTINE"


async def test_a_teachers_blog_is_for_the_families_of_their_classes(
    gql: GraphQLClient, world: World
) -> None:
    posted = await gql(
        BLOG,
        {"input": {"title": "Math blog: why proofs", "text": "Because."}},
        as_user="math_teacher",
    )
    entry = posted["data"]["postBlogEntry"]
    assert entry["userErrors"] == []
    assert entry["announcement"]["audience"] == "BLOG"
    title = "Math blog: why proofs"
    # The mathematics teacher teaches 7A only.
    for who in ("parent", "student", "other_parent", "math_teacher"):
        assert title in await feed_titles(gql, who), who
    for who in ("other_class_student", "other_school_student", "russian_teacher", "nurse"):
        assert title not in await feed_titles(gql, who), who


async def test_publication_expiry_edits_and_withdrawal(gql: GraphQLClient, world: World) -> None:
    class_7a = _gid(world, "SchoolClass", "class_7a")
    later = await gql(
        POST,
        {"input": {"classId": class_7a, "title": "7A: later", "text": "x", "publishAt": soon()}},
        as_user="class_teacher",
    )
    assert later["data"]["postAnnouncement"]["userErrors"] == []
    gone = await gql(
        POST,
        {
            "input": {
                "classId": class_7a,
                "title": "7A: brief",
                "text": "y",
                "publishAt": (datetime.now(UTC) - timedelta(days=2)).isoformat(),
                "expiresAt": soon(0.001),
            }
        },
        as_user="class_teacher",
    )
    item = gone["data"]["postAnnouncement"]["announcement"]
    assert "7A: later" not in await feed_titles(gql, "parent")
    assert {"7A: later"} <= await feed_titles(gql, "class_teacher")
    assert {"7A: later"} <= await feed_titles(gql, "admin")
    # Let the short one expire (4 seconds after it was posted at the latest).
    from ediary.domain import models

    await models.Announcement.filter(title="7A: brief").update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert "7A: brief" not in await feed_titles(gql, "parent")
    assert "7A: brief" in await feed_titles(gql, "class_teacher")

    edit = """mutation($input: EditAnnouncementInput!) { editAnnouncement(input: $input) {
        announcement { title expiresAt } userErrors { code } } }"""
    edited = await gql(
        edit,
        {"input": {"announcementId": item["id"], "title": "7A: back", "clearExpiry": True}},
        as_user="class_teacher",
    )
    assert edited["data"]["editAnnouncement"] == {
        "announcement": {"title": "7A: back", "expiresAt": None},
        "userErrors": [],
    }
    assert "7A: back" in await feed_titles(gql, "parent")
    refused = await gql(
        edit, {"input": {"announcementId": item["id"], "title": "mine"}}, as_user="admin"
    )
    assert refused["data"]["editAnnouncement"]["userErrors"] == [{"code": "FORBIDDEN"}]

    withdraw = """mutation($input: WithdrawAnnouncementInput!) { withdrawAnnouncement(
        input: $input) { userErrors { code } } }"""
    done = await gql(withdraw, {"input": {"announcementId": item["id"]}}, as_user="class_teacher")
    assert done["data"]["withdrawAnnouncement"]["userErrors"] == []
    for who in ("parent", "class_teacher", "admin"):
        assert "7A: back" not in await feed_titles(gql, who)
    again = await gql(withdraw, {"input": {"announcementId": item["id"]}}, as_user="class_teacher")
    assert again["data"]["withdrawAnnouncement"]["userErrors"] == [{"code": "NOT_FOUND"}]


async def test_markup_is_kept_as_plain_text(gql: GraphQLClient, world: World) -> None:
    text = '<script>alert("x")</script> <b>bold</b> &amp; <img src=x onerror=alert(1)>\n  '
    posted = await gql(
        POST,
        {
            "input": {
                "classId": _gid(world, "SchoolClass", "class_7a"),
                "title": "<i>7A</i>",
                "text": text,
            }
        },
        as_user="class_teacher",
    )
    item = posted["data"]["postAnnouncement"]["announcement"]
    assert (item["title"], item["text"]) == ("<i>7A</i>", text)
    shown = await gql(NODE, {"id": item["id"]}, as_user="parent")
    assert shown["data"]["node"]["text"] == text


async def test_feed_pages_follow_cursors(gql: GraphQLClient, world: World) -> None:
    first = await gql(FEED, {"first": 2}, as_user="parent")
    page = first["data"]["announcements"]
    assert len(page["edges"]) == 2 and page["pageInfo"]["hasNextPage"]
    rest = await gql(FEED, {"first": 100, "after": page["pageInfo"]["endCursor"]}, as_user="parent")
    seen = [e["node"]["id"] for e in page["edges"]]
    later = [e["node"]["id"] for e in rest["data"]["announcements"]["edges"]]
    assert not set(seen) & set(later)
    assert len(seen) + len(later) == page["totalCount"]
