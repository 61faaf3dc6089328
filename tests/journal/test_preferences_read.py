"""A parent reads back the notification preference they set for a child, beside the defaults
of a child they have not chosen for."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.enums import Role
from tests import builders
from tests.conftest import TODAY, GraphQLClient
from tests.world import World

SET = """
mutation($input: SetNotificationPreferenceInput!) {
  setNotificationPreference(input: $input) {
    preference { mode digestHour saved student { fullName } } userErrors { code }
  }
}
"""
READ = """
{ viewer { notificationPreferences {
    student { fullName } mode digestHour quietFrom quietTo saved } } }
"""


async def test_a_saved_preference_reads_back_beside_the_defaults(
    gql: GraphQLClient, world: World
) -> None:
    key = f"np{uuid4().hex[:6]}"
    built = await builders.school(key, "R-NP", [(TODAY - timedelta(days=30), TODAY)])
    made = await builders.school_class(built, "3P")
    first = await builders.student(world, built, made, f"{key}-first", "First", "Fedor")
    second = await builders.student(world, built, made, f"{key}-second", "Second", "Sofia")
    family = (Role.PARENT, built.school, None)
    parent = await builders.person(world, f"{key}-parent", "Parent", "Pavel", family)
    stranger = await builders.person(world, f"{key}-stranger", "Stranger", "Stas", family)
    for child in (first, second):
        await models.Guardianship.create(parent=parent, student=child)

    chosen = {
        "studentId": to_base64("Student", first.id),
        "mode": "DIGEST",
        "digestHour": 20,
        "quietFrom": "22:00:00",
        "quietTo": "07:00:00",
    }
    # Another family's child is not found, and nothing is saved for it.
    refused = await gql(SET, {"input": chosen}, as_user=f"{key}-stranger")
    assert refused["data"]["setNotificationPreference"]["userErrors"] == [{"code": "NOT_FOUND"}]
    assert await models.NotificationPreference.filter(parent=stranger).count() == 0

    saved = await gql(SET, {"input": chosen}, as_user=f"{key}-parent")
    assert saved["data"]["setNotificationPreference"] == {
        "preference": {
            "mode": "DIGEST",
            "digestHour": 20,
            "saved": True,
            "student": {"fullName": "First Fedor"},
        },
        "userErrors": [],
    }
    read = await gql(READ, as_user=f"{key}-parent")
    assert read["data"]["viewer"]["notificationPreferences"] == [
        {
            "student": {"fullName": "First Fedor"},
            "mode": "DIGEST",
            "digestHour": 20,
            "quietFrom": "22:00:00",
            "quietTo": "07:00:00",
            "saved": True,
        },
        {
            "student": {"fullName": "Second Sofia"},
            "mode": "INSTANT",
            "digestHour": 19,
            "quietFrom": None,
            "quietTo": None,
            "saved": False,
        },
    ]
    # The other parent's own list is unchanged by it.
    theirs = await gql(READ, as_user=f"{key}-stranger")
    assert theirs["data"]["viewer"]["notificationPreferences"] == []
