"""End to end: a parent logs in through the provider, sees the auto-linked child's last
school month, files an application for a second child, is refused, files again, is approved,
and sees both children."""

from __future__ import annotations

from datetime import date, timedelta

from starlette.applications import Starlette

from ediary.domain import models
from tests.conftest import TODAY
from tests.plugins.moscow.conftest import City, OidcProvider, portal_login
from tests.plugins.moscow.journey import (
    APPROVE,
    CHILDREN,
    FILE,
    REFUSE,
    REVIEW,
    Browser,
    application,
    as_admin,
    gid,
)

MARKS = "query($id: ID!) { marks(studentId: $id, first: 50) { edges { node { date value } } } }"
MINE = "{ myDiaryApplications { id status refusalReason refusalComment } }"


async def test_parent_from_login_to_two_children(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    parent_snils = "11223344595"
    oidc_provider.set_user(
        "parent-e2e",
        {
            "snils": "112-233-445 95",
            "family_name": "Sokolova",
            "given_name": "Anna",
            "children": [{"snils": city.snils["first_child"]}],
        },
    )
    browser = Browser(portal_app)
    done = await portal_login(portal_app, oidc_provider, "parent-e2e", client=browser.client)
    assert done.status_code == 303, done.text
    assert browser.client.cookies.get("ediary_session")
    parent = await models.User.get(snils=parent_snils)
    assert parent.last_name == "Sokolova"

    # The child the portal knows is linked; the diary shows the last school month only.
    children = (await browser.gql(CHILDREN))["viewer"]["children"]
    assert [c["firstName"] for c in children] == ["first_child"]
    marks = (await browser.gql(MARKS, {"id": gid("Student", city.ids["first_child"])}))["marks"]
    shown = [edge["node"]["date"] for edge in marks["edges"]]
    assert shown == [(TODAY - timedelta(days=5)).isoformat()]

    # An application for the second child, with data that does not match: refused.
    filed = await browser.gql(
        FILE, {"input": application(city, "second_child", last_name="Sokolovv")}
    )
    first = filed["fileDiaryApplication"]
    assert first["userErrors"] == [] and first["application"]["status"] == "SUBMITTED"
    assert first["application"]["consentVersion"] == "2025-09"
    assert date.fromisoformat(first["application"]["dueOn"]) > TODAY
    pending = await as_admin(
        portal_app, city, REVIEW, {"school": gid("School", city.ids["school"]), "overdue": False}
    )
    assert first["application"]["id"] in [a["id"] for a in pending["diaryApplicationsToReview"]]
    refused = await as_admin(
        portal_app,
        city,
        REFUSE,
        {
            "input": {
                "applicationId": first["application"]["id"],
                "reason": "DATA_MISMATCH",
                "comment": "The last name differs from the school's records.",
            }
        },
    )
    assert refused["refuseDiaryApplication"]["application"]["status"] == "REFUSED"
    mine = (await browser.gql(MINE))["myDiaryApplications"]
    assert mine[0]["status"] == "REFUSED" and mine[0]["refusalReason"] == "DATA_MISMATCH"
    assert "last name" in mine[0]["refusalComment"]
    assert len((await browser.gql(CHILDREN))["viewer"]["children"]) == 1

    # Filed again with the right data: approved, and both children are there.
    again = await browser.gql(FILE, {"input": application(city, "second_child")})
    second = again["fileDiaryApplication"]
    assert second["userErrors"] == []
    approved = await as_admin(
        portal_app, city, APPROVE, {"input": {"applicationId": second["application"]["id"]}}
    )
    assert approved["approveDiaryApplication"] == {
        "application": {"status": "APPROVED"},
        "userErrors": [],
    }
    children = (await browser.gql(CHILDREN))["viewer"]["children"]
    assert sorted(c["firstName"] for c in children) == ["first_child", "second_child"]
    marks = (await browser.gql(MARKS, {"id": gid("Student", city.ids["second_child"])}))["marks"]
    assert len(marks["edges"]) == 1

    # A later login finds the same account.
    again_login = await portal_login(portal_app, oidc_provider, "parent-e2e")
    assert again_login.status_code == 303
    assert await models.User.filter(snils=parent_snils).count() == 1
