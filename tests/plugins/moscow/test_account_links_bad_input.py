"""Refused links and unlinks: each with its stable code, and nothing changed in the database
(accounts, portal logins, children, histories and sessions read before and after)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ediary_moscow.models import DiaryApplication, PortalIdentity
from starlette.applications import Starlette

from ediary.domain import models
from ediary.domain.auth import hash_password
from ediary.domain.enums import Role
from ediary.domain.identity import snils_with_check_sum
from tests.plugins.moscow.conftest import City, OidcProvider
from tests.plugins.moscow.journey import (
    FILE,
    LINK_SCHOOL,
    LOGOUT,
    PASSWORD_LOGIN,
    START_LINK,
    UNLINK,
    Browser,
    application,
    password_browser,
    portal_parent,
    school_parent,
    through_provider,
)


async def snapshot() -> dict[str, Any]:
    """What a link or unlink would change, in every account at once."""
    return {
        "accounts": sorted(
            await models.User.all().values_list("id", "login", "snils", "is_active")
        ),
        "portal": sorted(
            await PortalIdentity.all().values_list("user_id", "subject", "snils", "linked_at")
        ),
        "children": sorted(await models.Guardianship.all().values_list("parent_id", "student_id")),
        "history": await models.AccountEvent.all().count(),
        "sessions": sorted(
            await models.Session.filter(revoked_at=None).values_list("id", flat=True)
        ),
    }


def link(login: str, password: str) -> dict[str, Any]:
    return {"input": {"login": login, "password": password}}


async def refused_link(browser: Browser, login: str, password: str) -> dict[str, Any]:
    answer = (await browser.gql(LINK_SCHOOL, link(login, password)))["linkSchoolAccount"]
    assert answer["viewer"] is None and answer["csrfToken"] is None, answer
    assert len(answer["userErrors"]) == 1, answer
    error: dict[str, Any] = answer["userErrors"][0]
    return error


async def test_a_wrong_password_is_refused_like_a_failed_login(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    await school_parent(city, "m1.bad.wrong", "issued password 4", "first_child")
    browser = await portal_parent(
        portal_app, oidc_provider, "bad-wrong", snils_with_check_sum("555000303")
    )
    before = await snapshot()
    wrong = await refused_link(browser, "m1.bad.wrong", "not the password")
    unknown = await refused_link(browser, "m1.bad.nobody", "not the password")
    after = await snapshot()
    assert after == before

    # The same words as the login's, whether or not the login exists: nothing is told.
    login = await Browser(portal_app).gql(
        PASSWORD_LOGIN, {"login": "m1.bad.nobody", "password": "not the password"}
    )
    failed = login["login"]["userErrors"][0]
    assert wrong["code"] == unknown["code"] == failed["code"] == "INVALID_CREDENTIALS"
    assert wrong["message"] == unknown["message"] == failed["message"]


async def test_failed_links_count_towards_the_login_limits(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    await school_parent(city, "m1.bad.guessed", "issued password 5", "first_child")
    browser = await portal_parent(
        portal_app, oidc_provider, "bad-guessed", snils_with_check_sum("555000404")
    )
    codes = [
        (await refused_link(browser, "m1.bad.guessed", f"guess {n}"))["code"] for n in range(6)
    ]
    assert codes[-1] == "TOO_MANY_ATTEMPTS", codes
    # The limit is the login's own: the right password from here is refused too, by both.
    before = await snapshot()
    right = await refused_link(browser, "m1.bad.guessed", "issued password 5")
    assert right["code"] == "TOO_MANY_ATTEMPTS"
    login = await Browser(portal_app).gql(
        PASSWORD_LOGIN, {"login": "m1.bad.guessed", "password": "issued password 5"}
    )
    assert login["login"]["userErrors"][0]["code"] == "TOO_MANY_ATTEMPTS"
    assert await snapshot() == before


async def test_a_school_account_with_a_portal_login_is_not_linked_again(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    await school_parent(city, "m1.bad.taken", "issued password 6", "first_child")
    first = await portal_parent(
        portal_app, oidc_provider, "bad-taken-1", snils_with_check_sum("555000505")
    )
    done = await first.gql(LINK_SCHOOL, link("m1.bad.taken", "issued password 6"))
    assert done["linkSchoolAccount"]["userErrors"] == []

    # Another portal person enters the same school login: it is linked elsewhere already.
    second = await portal_parent(
        portal_app, oidc_provider, "bad-taken-2", snils_with_check_sum("555000606")
    )
    before = await snapshot()
    error = await refused_link(second, "m1.bad.taken", "issued password 6")
    assert error["code"] == "ALREADY_LINKED"
    assert await snapshot() == before

    # The school account itself, in through the portal, entering its own login.
    again = await refused_link(first, "m1.bad.taken", "issued password 6")
    assert again["code"] == "SAME_ACCOUNT"
    assert await snapshot() == before


async def test_a_portal_login_of_another_account_is_not_added(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    await portal_parent(
        portal_app, oidc_provider, "bad-elsewhere", snils_with_check_sum("555000707")
    )
    await school_parent(city, "m1.bad.elsewhere", "issued password 7", "first_child")
    browser = await password_browser(portal_app, "m1.bad.elsewhere", "issued password 7")
    started = (await browser.gql(START_LINK))["startPortalLink"]
    before = await snapshot()
    page = await through_provider(browser, started["authorizationUrl"], "bad-elsewhere")
    assert page.status_code == 400 and "data-code='ALREADY_LINKED'" in page.text
    assert await snapshot() == before


async def test_a_snils_the_school_recorded_otherwise_is_refused(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    recorded = snils_with_check_sum("555000808")
    school = await school_parent(city, "m1.bad.snils", "issued password 8", "first_child")
    school.snils = recorded
    await school.save(update_fields=["snils"])
    browser = await portal_parent(
        portal_app, oidc_provider, "bad-snils-link", snils_with_check_sum("555000909")
    )
    before = await snapshot()
    error = await refused_link(browser, "m1.bad.snils", "issued password 8")
    assert error["code"] == "SNILS_MISMATCH"
    assert await snapshot() == before

    # Adding the portal from the school's account meets the same SNILS.
    by_password = await password_browser(portal_app, "m1.bad.snils", "issued password 8")
    oidc_provider.set_user("bad-snils-add", {"snils": snils_with_check_sum("555001009")})
    started = (await by_password.gql(START_LINK))["startPortalLink"]
    before = await snapshot()
    page = await through_provider(by_password, started["authorizationUrl"], "bad-snils-add")
    assert page.status_code == 400 and "data-code='SNILS_MISMATCH'" in page.text
    assert await snapshot() == before


async def test_a_callback_for_a_link_this_session_did_not_start_is_refused(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    await school_parent(city, "m1.bad.nostart", "issued password 9", "first_child")
    await school_parent(city, "m1.bad.other", "issued password 10", "first_child")
    snils = snils_with_check_sum("555001101")
    oidc_provider.set_user("bad-nostart", {"snils": snils})

    # Started, then logged out before the portal sent the browser back.
    browser = await password_browser(portal_app, "m1.bad.nostart", "issued password 9")
    started = (await browser.gql(START_LINK))["startPortalLink"]
    assert (await browser.gql(LOGOUT))["logout"]["ok"] is True
    before = await snapshot()
    page = await through_provider(browser, started["authorizationUrl"], "bad-nostart")
    assert page.status_code == 400 and "data-code='LINK_NOT_STARTED'" in page.text
    assert await snapshot() == before

    # Started, then another account logged in in the same browser: not added to that one.
    browser = await password_browser(portal_app, "m1.bad.nostart", "issued password 9")
    started = (await browser.gql(START_LINK))["startPortalLink"]
    other = await browser.gql(
        PASSWORD_LOGIN, {"login": "m1.bad.other", "password": "issued password 10"}
    )
    assert other["login"]["userErrors"] == []
    before = await snapshot()
    page = await through_provider(browser, started["authorizationUrl"], "bad-nostart")
    assert page.status_code == 400 and "data-code='LINK_NOT_STARTED'" in page.text
    assert await snapshot() == before
    assert not await models.User.filter(snils=snils).exists()


async def test_a_bearer_session_starts_no_link(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    await school_parent(city, "m1.bad.app", "issued password 11", "first_child")
    browser = Browser(portal_app)
    answer = await browser.gql(
        """mutation { login(input: {login: "m1.bad.app", password: "issued password 11",
        client: APP}) { accessToken } }"""
    )
    token = answer["login"]["accessToken"]
    response = await browser.client.post(
        "/graphql", json={"query": START_LINK}, headers={"Authorization": f"Bearer {token}"}
    )
    started = response.json()["data"]["startPortalLink"]
    assert started["authorizationUrl"] is None
    assert [e["code"] for e in started["userErrors"]] == ["BROWSER_SESSION_REQUIRED"]
    assert "ediary_moscow_state" not in response.headers.get("set-cookie", "")


async def test_the_last_way_in_is_not_unlinked(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    browser = await portal_parent(
        portal_app, oidc_provider, "bad-last", snils_with_check_sum("555001202")
    )
    before = await snapshot()
    answer = (await browser.gql(UNLINK))["unlinkPortalLogin"]
    assert answer["loginMethods"] is None
    assert [e["code"] for e in answer["userErrors"]] == ["LAST_WAY_IN"]
    assert await snapshot() == before

    # A password account with no portal login has nothing to unlink, nor to link from.
    await school_parent(city, "m1.bad.none", "issued password 12", "first_child")
    plain = await password_browser(portal_app, "m1.bad.none", "issued password 12")
    before = await snapshot()
    answer = (await plain.gql(UNLINK))["unlinkPortalLogin"]
    assert [e["code"] for e in answer["userErrors"]] == ["PORTAL_NOT_LINKED"]
    error = await refused_link(plain, "m1.bad.taken.none", "issued password 12")
    assert error["code"] == "PORTAL_NOT_LINKED"
    assert await snapshot() == before


async def test_a_portal_account_with_data_is_not_folded_in(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    await school_parent(city, "m1.bad.data", "issued password 13", "first_child")
    browser = await portal_parent(
        portal_app, oidc_provider, "bad-data", snils_with_check_sum("555001303")
    )
    filed = await browser.gql(FILE, {"input": application(city, "second_child")})
    assert filed["fileDiaryApplication"]["userErrors"] == []
    before = await snapshot()
    error = await refused_link(browser, "m1.bad.data", "issued password 13")
    assert error["code"] == "PORTAL_ACCOUNT_HAS_DATA"
    assert await snapshot() == before
    assert await DiaryApplication.filter(child_snils=city.snils["second_child"]).exists()


async def test_the_portal_answer_for_a_link_is_good_once(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    await school_parent(city, "m1.bad.replay", "issued password 14", "first_child")
    oidc_provider.set_user("bad-replay", {"snils": snils_with_check_sum("555001404")})
    browser = await password_browser(portal_app, "m1.bad.replay", "issued password 14")
    started = (await browser.gql(START_LINK))["startPortalLink"]
    done = await through_provider(browser, started["authorizationUrl"], "bad-replay")
    assert done.status_code == 303
    callback = urlsplit(str(done.request.url))
    before = await snapshot()
    # The browser's state cookie is gone, and the state is spent: a replay is refused.
    state = dict(parse_qsl(callback.query))["state"]
    browser.client.cookies.set("ediary_moscow_state", state, path="/moscow/")
    replay = await browser.client.get(f"{callback.path}?{callback.query}")
    assert replay.status_code == 400
    assert await snapshot() == before
    again = (await browser.gql(START_LINK))["startPortalLink"]
    assert [e["code"] for e in again["userErrors"]] == ["ALREADY_LINKED"]


async def test_a_pupils_account_without_a_recorded_snils_is_refused(
    portal_app: Starlette, oidc_provider: OidcProvider, city: City
) -> None:
    """A parent typing the child's login: the child's account must not take the parent's
    SNILS and portal login."""
    pupil = await models.User.create(
        login="m1.bad.pupil",
        last_name="Sokolov",
        first_name="Pupil",
        password_hash=hash_password("pupil password 1"),
    )
    await models.RoleGrant.create(user=pupil, role=Role.STUDENT, school_id=city.ids["school"])
    browser = await portal_parent(
        portal_app, oidc_provider, "bad-pupil-link", snils_with_check_sum("555001212")
    )
    before = await snapshot()
    error = await refused_link(browser, "m1.bad.pupil", "pupil password 1")
    assert error["code"] == "SNILS_MISMATCH" and "pupil" in error["message"]
    assert await snapshot() == before

    # Nor from the pupil's own session through State Services.
    by_password = await password_browser(portal_app, "m1.bad.pupil", "pupil password 1")
    oidc_provider.set_user("bad-pupil-add", {"snils": snils_with_check_sum("555001313")})
    started = (await by_password.gql(START_LINK))["startPortalLink"]
    assert started["userErrors"] == [], started
    before = await snapshot()
    page = await through_provider(by_password, started["authorizationUrl"], "bad-pupil-add")
    assert page.status_code == 400 and "data-code='SNILS_MISMATCH'" in page.text
    assert await snapshot() == before
