"""An account's history: written by the changes that record it, read only by its owner,
newest first, in pages."""

from __future__ import annotations

from datetime import timedelta

from ediary.domain import models
from ediary.domain.account_history import record
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import AccountEventKind
from tests.conftest import GraphQLClient
from tests.world import World

HISTORY = """
query($first: Int!, $after: String) {
  viewer {
    accountHistory(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { kind method byOwner actorName } }
    }
  }
}
"""


async def _person(login: str) -> tuple[models.User, str]:
    user = await models.User.create(login=login, last_name="Lebedeva", first_name="Irina")
    opened = await open_session(user, SessionKind.BEARER, timedelta(hours=1))
    return user, opened.token


async def test_the_owner_reads_their_history_newest_first_with_who_made_each_change(
    gql: GraphQLClient, world: World
) -> None:
    owner, token = await _person("history-owner")
    teacher = world.users["class_teacher"]
    await record(owner.id, AccountEventKind.LOGIN_ISSUED, actor_id=teacher.id)
    await record(owner.id, AccountEventKind.PASSWORD_CHANGED, actor_id=owner.id)
    await record(
        owner.id, AccountEventKind.LOGIN_METHOD_LINKED, actor_id=owner.id, method="moscow-portal"
    )

    first = await gql(HISTORY, {"first": 2}, bearer=token)
    assert "errors" not in first, first
    history = first["data"]["viewer"]["accountHistory"]
    assert history["totalCount"] == 3
    assert [edge["node"] for edge in history["edges"]] == [
        {
            "kind": "LOGIN_METHOD_LINKED",
            "method": "moscow-portal",
            "byOwner": True,
            "actorName": None,
        },
        {"kind": "PASSWORD_CHANGED", "method": None, "byOwner": True, "actorName": None},
    ]
    assert history["pageInfo"]["hasNextPage"] is True

    after = history["pageInfo"]["endCursor"]
    rest = await gql(HISTORY, {"first": 2, "after": after}, bearer=token)
    page = rest["data"]["viewer"]["accountHistory"]
    assert [edge["node"] for edge in page["edges"]] == [
        {"kind": "LOGIN_ISSUED", "method": None, "byOwner": False, "actorName": "Sidorov Pavel"}
    ]
    assert page["pageInfo"]["hasNextPage"] is False


async def test_nobody_else_reads_an_account_history(gql: GraphQLClient) -> None:
    owner, _ = await _person("history-private")
    _, stranger_token = await _person("history-stranger")
    await record(owner.id, AccountEventKind.LOGIN_REISSUED, actor_id=None)

    answer = await gql(HISTORY, {"first": 5}, bearer=stranger_token)
    assert answer["data"]["viewer"]["accountHistory"]["totalCount"] == 0


async def test_a_cursor_it_did_not_give_out_is_refused(gql: GraphQLClient) -> None:
    _, token = await _person("history-cursor")
    answer = await gql(HISTORY, {"first": 5, "after": "bm90IGEgY3Vyc29y"}, bearer=token)
    assert answer["data"]["viewer"]["accountHistory"] is None
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
