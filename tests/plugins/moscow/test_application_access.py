"""Who sees a diary application, by the plugin's access rule (`access_allowed`), through the
core's one question: the parent who filed it and the school's administration; another parent
gets the same answer as for an application that does not exist."""

from __future__ import annotations

from starlette.applications import Starlette
from strawberry import relay

from ediary.domain.identity import snils_with_check_sum
from tests.plugins.moscow.conftest import City, OidcProvider
from tests.plugins.moscow.journey import FILE, application, as_admin, portal_parent

NODE = "query($id: ID!) { node(id: $id) { ... on DiaryApplication { id status } } }"


async def test_an_application_is_its_parents_and_its_schools(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    filer = await portal_parent(
        portal_app, oidc_provider, "filer", snils_with_check_sum("565666777")
    )
    other = await portal_parent(
        portal_app, oidc_provider, "nosy", snils_with_check_sum("666777888")
    )
    filed = await filer.gql(FILE, {"input": application(city, "second_child")})
    found = filed["fileDiaryApplication"]["application"]
    ask = {"id": found["id"]}
    assert (await filer.gql(NODE, ask))["node"] == {"id": found["id"], "status": "SUBMITTED"}
    assert (await as_admin(portal_app, city, NODE, ask))["node"]["id"] == found["id"]
    # Another parent is told what anyone is told of an ID that names nothing.
    missing = {"id": str(relay.GlobalID("DiaryApplication", "999999"))}
    answers = []
    for variables in (ask, missing):
        response = await other.client.post("/graphql", json={"query": NODE, "variables": variables})
        answers.append(response.json())
    assert answers[0]["data"] == {"node": None}
    assert answers[0]["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
    assert answers[0] == answers[1]
