"""One person, one account, several ways in, end to end against the provider process.

MRKO's way: a parent logs in through the portal, gets an empty account of their own, enters
the login and password the school issued, and from then on the portal opens the school's
account, with the child in it. The Tambov way: a parent with a password account adds the
portal to it, and both ways open it. Unlinking leaves the password; each link and unlink is
in the account's history, for its owner only."""

from __future__ import annotations

from datetime import timedelta

from ediary_moscow.models import PortalIdentity, PortalLink
from starlette.applications import Starlette

from ediary.domain import models
from ediary.domain.enums import Role
from ediary.domain.identity import snils_with_check_sum
from tests.conftest import TODAY
from tests.plugins.moscow.conftest import City, OidcProvider, portal_login
from tests.plugins.moscow.journey import (
    CHILDREN,
    HISTORY,
    LINK_SCHOOL,
    LOGOUT,
    MARKS,
    METHODS,
    PASSWORD_LOGIN,
    START_LINK,
    UNLINK,
    Browser,
    as_admin,
    gid,
    password_browser,
    portal_parent,
    school_parent,
    through_provider,
)


async def test_a_portal_login_links_the_school_account_and_then_opens_it(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    school_account = await school_parent(
        city, "m1.links.mother", "issued password 1", "first_child"
    )
    snils = snils_with_check_sum("555000101")
    browser = await portal_parent(portal_app, oidc_provider, "links-mother", snils)
    portal_account = await models.User.get(snils=snils)
    assert portal_account.id != school_account.id
    methods = (await browser.gql(METHODS))["myLoginMethods"]
    assert methods["hasPassword"] is False and methods["portal"]["flowId"] == "moscow-portal"
    assert (await browser.gql(CHILDREN))["viewer"]["children"] == []

    # The same session, from a second device's point of view.
    twin = Browser(portal_app)
    twin.client.cookies.set("ediary_session", browser.client.cookies.get("ediary_session"))
    assert (await twin.gql(METHODS))["myLoginMethods"]["login"] == f"snils-{snils}"

    # The "Account" entry: the login and password from the class teacher.
    linked = await browser.gql(
        LINK_SCHOOL, {"input": {"login": "m1.links.mother", "password": "issued password 1"}}
    )
    answer = linked["linkSchoolAccount"]
    assert answer["userErrors"] == [], answer
    assert answer["viewer"] == {"login": "m1.links.mother"}
    assert answer["csrfToken"] == browser.client.cookies.get("ediary_csrf")

    # The session goes on in the school's account, which now has both ways in; the empty
    # account the portal made is gone, and the portal login with its SNILS moved over.
    assert (await browser.gql(CHILDREN))["viewer"]["children"] == [
        {"id": gid("Student", city.ids["first_child"]), "firstName": "first_child"}
    ]
    methods = (await browser.gql(METHODS))["myLoginMethods"]
    assert methods["login"] == "m1.links.mother" and methods["hasPassword"] is True
    assert methods["portal"]["maskedSnils"] == f"***-***-*{snils[7:9]} {snils[9:]}"
    assert not await models.User.exists(id=portal_account.id)
    for leftover in (models.RoleGrant, models.Session, models.AccountEvent):
        assert not await leftover.exists(user_id=portal_account.id)
    # The retired account's session ended with it.
    stale = await twin.client.post("/graphql", json={"query": "{ viewer { login } }"})
    assert stale.json()["data"]["viewer"] is None, stale.json()
    assert (await models.User.get(id=school_account.id)).snils == snils
    identity = await PortalIdentity.get(subject="links-mother")
    assert identity.user_id == school_account.id and identity.snils == snils
    history = (await browser.gql(HISTORY))["viewer"]["accountHistory"]
    assert [edge["node"] for edge in history["edges"]] == [
        {"kind": "LOGIN_METHOD_LINKED", "method": "moscow-portal", "byOwner": True}
    ]
    assert (await browser.gql(LOGOUT))["logout"]["ok"] is True

    # The next portal login lands in the school's account and its child's diary.
    again = Browser(portal_app)
    back = await portal_login(portal_app, oidc_provider, "links-mother", client=again.client)
    assert back.status_code == 303, back.text
    methods = (await again.gql(METHODS))["myLoginMethods"]
    assert methods["login"] == "m1.links.mother"
    marks = (await again.gql(MARKS, {"id": gid("Student", city.ids["first_child"])}))["marks"]
    assert [edge["node"]["date"] for edge in marks["edges"]] == [
        (TODAY - timedelta(days=5)).isoformat()
    ]
    # And so does the password, as before.
    by_password = await password_browser(portal_app, "m1.links.mother", "issued password 1")
    assert (await by_password.gql(METHODS))["myLoginMethods"]["portal"] is not None
    assert await models.User.filter(snils=snils).count() == 1


async def test_a_password_account_adds_the_portal_and_unlinks_it(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    father = await school_parent(city, "m1.links.father", "issued password 2", "second_child")
    snils = snils_with_check_sum("555000202")
    oidc_provider.set_user("links-father", {"snils": snils, "family_name": "Sokolov"})
    browser = await password_browser(portal_app, "m1.links.father", "issued password 2")
    assert (await browser.gql(METHODS))["myLoginMethods"]["portal"] is None

    # State Services: the portal is added to the activated account, and sends back here.
    started = (await browser.gql(START_LINK))["startPortalLink"]
    assert started["userErrors"] == [], started
    done = await through_provider(browser, started["authorizationUrl"], "links-father")
    assert done.status_code == 303, done.text
    methods = (await browser.gql(METHODS))["myLoginMethods"]
    assert methods["login"] == "m1.links.father" and methods["hasPassword"] is True
    assert methods["portal"]["flowId"] == "moscow-portal"
    identity = await PortalIdentity.get(user_id=father.id)
    assert (identity.subject, identity.snils) == ("links-father", snils)
    assert not await models.User.filter(login=f"snils-{snils}").exists()

    # Both ways in open the same account.
    by_portal = Browser(portal_app)
    back = await portal_login(portal_app, oidc_provider, "links-father", client=by_portal.client)
    assert back.status_code == 303, back.text
    assert (await by_portal.gql(METHODS))["myLoginMethods"]["login"] == "m1.links.father"
    children = (await by_portal.gql(CHILDREN))["viewer"]["children"]
    assert [child["firstName"] for child in children] == ["second_child"]

    # Unlinking leaves the password; the portal no longer opens this account.
    unlinked = (await browser.gql(UNLINK))["unlinkPortalLogin"]
    assert unlinked == {
        "loginMethods": {"hasPassword": True, "portal": None},
        "userErrors": [],
    }
    assert not await PortalIdentity.exists(user_id=father.id)
    assert (await models.User.get(id=father.id)).snils is None
    fresh = Browser(portal_app)
    again = await portal_login(portal_app, oidc_provider, "links-father", client=fresh.client)
    assert again.status_code == 303, again.text
    assert (await fresh.gql(METHODS))["myLoginMethods"]["login"] == f"snils-{snils}"

    # The owner sees the link and the unlink, newest first; nobody else sees either.
    history = (await browser.gql(HISTORY))["viewer"]["accountHistory"]
    assert [edge["node"] for edge in history["edges"]] == [
        {"kind": "LOGIN_METHOD_UNLINKED", "method": "moscow-portal", "byOwner": True},
        {"kind": "LOGIN_METHOD_LINKED", "method": "moscow-portal", "byOwner": True},
    ]
    others = (await fresh.gql(HISTORY))["viewer"]
    assert others["login"] == f"snils-{snils}"
    kinds = [edge["node"]["kind"] for edge in others["accountHistory"]["edges"]]
    assert kinds == ["LOGIN_METHOD_LINKED"]  # its own portal login, made at this login
    await school_parent(city, "m1.links.stranger", "issued password 3", "second_child")
    stranger = await password_browser(portal_app, "m1.links.stranger", "issued password 3")
    assert (await stranger.gql(HISTORY))["viewer"]["accountHistory"]["totalCount"] == 0


async def test_an_account_from_before_subjects_were_kept_gets_its_portal_login_recorded(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    # What the portal made before the table existed: an account with the SNILS, no subject.
    snils = snils_with_check_sum("555000313")
    earlier = await models.User.create(
        login=f"snils-{snils}", last_name="Ivanova", first_name="Olga", snils=snils
    )
    await models.RoleGrant.create(user=earlier, role=Role.PARENT)
    browser = await portal_parent(portal_app, oidc_provider, "links-earlier", snils)
    methods = (await browser.gql(METHODS))["myLoginMethods"]
    assert methods["login"] == earlier.login and methods["portal"]["flowId"] == "moscow-portal"
    identity = await PortalIdentity.get(subject="links-earlier")
    assert (identity.user_id, identity.snils) == (earlier.id, snils)
    history = (await browser.gql(HISTORY))["viewer"]["accountHistory"]
    assert [edge["node"]["kind"] for edge in history["edges"]] == ["LOGIN_METHOD_LINKED"]

    # The next login finds it by the subject, and records nothing more.
    again = await portal_parent(portal_app, oidc_provider, "links-earlier", snils)
    assert (await again.gql(METHODS))["myLoginMethods"]["login"] == earlier.login
    assert (await again.gql(HISTORY))["viewer"]["accountHistory"]["totalCount"] == 1
    assert await models.User.filter(snils=snils).count() == 1


async def test_children_the_portal_listed_move_to_the_school_account(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    """The usual Moscow case: the portal lists the parent's children at the first login, so
    the portal's account is not empty; its links follow the parent to the school's account."""
    school_account = await school_parent(city, "m1.links.aunt", "issued password 4", "second_child")
    snils = snils_with_check_sum("555001414")
    listed = [{"snils": city.snils["second_child"]}, {"snils": city.snils["third_child"]}]
    claims = {"snils": snils, "family_name": "Parent", "children": listed}
    oidc_provider.set_user("links-aunt", claims)
    browser = Browser(portal_app)
    done = await portal_login(portal_app, oidc_provider, "links-aunt", client=browser.client)
    assert done.status_code == 303, done.text
    children = (await browser.gql(CHILDREN))["viewer"]["children"]
    assert sorted(child["firstName"] for child in children) == ["second_child", "third_child"]

    linked = await browser.gql(
        LINK_SCHOOL, {"input": {"login": "m1.links.aunt", "password": "issued password 4"}}
    )
    assert linked["linkSchoolAccount"]["userErrors"] == [], linked
    children = (await browser.gql(CHILDREN))["viewer"]["children"]
    assert sorted(child["firstName"] for child in children) == ["second_child", "third_child"]
    assert await models.User.filter(snils=snils).count() == 1
    # The school's own link stays the school's; the one only the portal made stays the
    # portal's, for its list to end when the child is no longer on it.
    moved = await PortalLink.filter(parent_id=school_account.id).values_list(
        "student_id", flat=True
    )
    assert list(moved) == [city.ids["third_child"]]
    assert await models.RoleGrant.filter(
        user_id=school_account.id, role=Role.PARENT, school_id=city.ids["school"]
    ).exists()

    oidc_provider.set_user("links-aunt", {**claims, "children": listed[:1]})
    again = Browser(portal_app)
    back = await portal_login(portal_app, oidc_provider, "links-aunt", client=again.client)
    assert back.status_code == 303, back.text
    children = (await again.gql(CHILDREN))["viewer"]["children"]
    assert [child["firstName"] for child in children] == ["second_child"]


REISSUE = """mutation($input: ReissueLoginInput!) { reissueLogin(input: $input) {
    batch { logins { login temporaryPassword } } userErrors { code } } }"""


async def test_linking_spends_the_temporary_password_from_the_schools_sheet(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    """The sheet's password links the portal once; after that the paper opens nothing."""
    mother = await school_parent(city, "m1.links.sheet", "lost password 5", "third_child")
    target = {"input": {"userId": gid("Parent", mother.id)}}
    issued = await as_admin(portal_app, city, REISSUE, target)
    assert issued["reissueLogin"]["userErrors"] == [], issued
    (sheet,) = issued["reissueLogin"]["batch"]["logins"]
    browser = await portal_parent(
        portal_app, oidc_provider, "links-sheet", snils_with_check_sum("555001515")
    )
    linked = await browser.gql(
        LINK_SCHOOL, {"input": {"login": sheet["login"], "password": sheet["temporaryPassword"]}}
    )
    assert linked["linkSchoolAccount"]["userErrors"] == [], linked
    methods = (await browser.gql(METHODS))["myLoginMethods"]
    assert methods["hasPassword"] is False and methods["portal"] is not None
    # The session opened by the portal is not one that must change a password.
    children = (await browser.gql(CHILDREN))["viewer"]["children"]
    assert [child["firstName"] for child in children] == ["third_child"]

    stranger = Browser(portal_app)
    again = await stranger.gql(
        PASSWORD_LOGIN, {"login": sheet["login"], "password": sheet["temporaryPassword"]}
    )
    assert again["login"]["viewer"] is None
    assert again["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    history = (await browser.gql(HISTORY))["viewer"]["accountHistory"]
    assert [edge["node"]["kind"] for edge in history["edges"]] == [
        "LOGIN_METHOD_LINKED",
        "LOGIN_REISSUED",
    ]
