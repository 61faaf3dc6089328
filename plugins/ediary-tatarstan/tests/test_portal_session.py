"""The portal login end to end: the app sends the browser to the local portal (a real HTTP
service in its own process), the portal sends it back to the app's callback, and the app
opens a diary session for the parent with the children it finds linked."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import httpx
import pytest
from ediary_tatarstan import plugin
from portal_process import LocalPortal

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain.models import Guardianship, User
from ediary.testing import GraphQLClient, SmallWorld

STUDENT_SNILS = "08765432102"
CHILD = {
    "snils": "087-654-321 02",
    "last_name": "Kuznetsov",
    "first_name": "Ivan",
    "birth_date": "2013-03-01",
    "school_code": "1650123",
    "class": "7А",
}
UNKNOWN_CHILD = {
    "snils": "123-456-789 64",
    "last_name": "Галиева",
    "first_name": "Камила",
    "birth_date": "2018-11-20",
    "school_code": "1650123",
    "class": "2Б",
}
VIEWER = "{ viewer { login children { id lastName firstName } } }"


def parent(snils: str, *children: dict[str, str]) -> dict[str, object]:
    return {
        "snils": snils,
        "last_name": "Кузнецова",
        "first_name": "Алия",
        "middle_name": "Рустамовна",
        "children": list(children),
    }


async def portal_login(app: httpx.AsyncClient, login: str, start_query: str = "") -> httpx.URL:
    """Start at the app and log in on the portal's page: the app's callback address the portal
    sends the browser back to."""
    start = await app.get(f"/tatarstan/login{start_query}")
    assert start.status_code == 302, start.text
    authorize = start.headers["location"]
    async with httpx.AsyncClient(timeout=5) as browser:
        assert "<form" in (await browser.get(authorize)).text
        back = await browser.post(authorize, data={"login": login})
    assert back.status_code == 302
    callback = httpx.URL(back.headers["location"])
    assert (callback.host, callback.path) == ("testserver", "/tatarstan/callback")
    return callback


@pytest.fixture
async def enrolled(world: SmallWorld) -> User:
    world.student.snils = STUDENT_SNILS
    await world.student.save()
    return world.student


async def test_a_parent_logs_in_and_sees_the_linked_child(
    graphql: GraphQLClient, local_portal: LocalPortal, enrolled: User
) -> None:
    local_portal.add_person("kuznetsova", parent("112-233-445 95", CHILD))
    async with graphql.http() as app:
        callback = await portal_login(app, "kuznetsova")
        landed = await app.get(callback.raw_path.decode())

        assert landed.status_code == 303, landed.text
        assert landed.headers["location"] == "http://testserver/"
        answer = await graphql.post(VIEWER, cookies=app.cookies)

    viewer = answer["data"]["viewer"]
    assert viewer["login"] == "snils-11223344595"
    assert [(c["lastName"], c["firstName"]) for c in viewer["children"]] == [("Kuznetsov", "Ivan")]
    mother = await User.get(snils="11223344595")
    assert (mother.last_name, mother.first_name, mother.middle_name) == (
        "Кузнецова",
        "Алия",
        "Рустамовна",
    )


@pytest.mark.parametrize(
    ("sent", "landing"),
    [
        ("?next=%2Fapp%2F%23%2Fchildren", "http://testserver/app/#/children"),
        ("?next=%2F%2Fevil.example%2F", "http://testserver/"),
        ("?next=https%3A%2F%2Fevil.example%2F", "http://testserver/"),
    ],
)
async def test_the_login_comes_back_to_a_page_of_this_site_only(
    graphql: GraphQLClient, local_portal: LocalPortal, enrolled: User, sent: str, landing: str
) -> None:
    local_portal.add_person("kuznetsova-next", parent("112-233-445 95", CHILD))
    async with graphql.http() as app:
        callback = await portal_login(app, "kuznetsova-next", sent)
        landed = await app.get(callback.raw_path.decode())
    assert landed.status_code == 303, landed.text
    assert landed.headers["location"] == landing


async def test_a_child_the_diary_cannot_find_is_told(
    graphql: GraphQLClient, local_portal: LocalPortal, enrolled: User
) -> None:
    local_portal.add_person("two", parent("001-001-998 47", CHILD, UNKNOWN_CHILD))
    async with graphql.http() as app:
        landed = await app.get((await portal_login(app, "two")).raw_path.decode())
        answer = await graphql.post(VIEWER, cookies=app.cookies)

    assert landed.status_code == 200
    assert "data-code='TATARSTAN_CHILD_NOT_FOUND'" in landed.text
    assert "Камила Галиева (class 2Б)" in landed.text
    assert "Ivan" not in landed.text
    assert [c["firstName"] for c in answer["data"]["viewer"]["children"]] == ["Ivan"]
    mother = await User.get(snils="00100199847")
    assert await Guardianship.filter(parent=mother).count() == 1


async def test_a_wrong_state_is_refused_and_spends_nothing(
    graphql: GraphQLClient, local_portal: LocalPortal, enrolled: User
) -> None:
    local_portal.add_person("state", parent("112-233-445 95", CHILD))
    async with graphql.http() as app:
        callback = await portal_login(app, "state")
        forged = callback.copy_set_param("state", "not-ours")
        refused = await app.get(forged.raw_path.decode())
        # Another browser, without the cookie the login started with, is refused too.
        async with graphql.http() as elsewhere:
            stranger = await elsewhere.get(callback.raw_path.decode())
        answer = await graphql.post(VIEWER, cookies=app.cookies)

        assert refused.status_code == stranger.status_code == 400
        assert "did not start in this browser" in refused.text
        assert answer["data"]["viewer"] is None
        # The state was not spent: the right answer still logs in, once.
        assert (await app.get(callback.raw_path.decode())).status_code == 303
        again = await app.get(callback.raw_path.decode())
    assert again.status_code == 400


async def test_the_portal_is_refused_where_the_region_does_not_offer_it(
    settings: Settings, local_portal: LocalPortal, world: SmallWorld
) -> None:
    only_passwords = replace(settings, region_flows={"16": frozenset({"password"})})
    app = create_app(only_passwords, manage_database=False, extra_plugins=[plugin])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        started = await client.get("/tatarstan/login")
        back = await client.get("/tatarstan/callback?state=x&code=y")
        flows = await client.post("/graphql", json={"query": '{ loginFlows(region: "16") { id } }'})

    assert started.status_code == back.status_code == 403
    assert "data-code='FLOW_NOT_OFFERED'" in started.text
    assert urlsplit(local_portal.url).netloc not in started.headers.get("location", "")
    assert {"id": "tatarstan-portal"} not in flows.json()["data"]["loginFlows"]


async def test_the_flow_is_listed_in_its_region(graphql: GraphQLClient) -> None:
    query = "query($region: String) { loginFlows(region: $region) { id url } }"
    here = await graphql(query, {"region": "16"})
    elsewhere = await graphql(query, {"region": "77"})

    portal = {"id": "tatarstan-portal", "url": "http://testserver/tatarstan/login"}
    assert portal in here["data"]["loginFlows"]
    assert portal not in elsewhere["data"]["loginFlows"]
