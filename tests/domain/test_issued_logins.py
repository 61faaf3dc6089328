"""School-issued logins end to end through GraphQL: a class teacher issues logins for a class,
prints the sheets, a parent logs in with the temporary password, must change it, then reads
the diary; a lost password is re-issued and the old one dies with its sessions. And every
refusal: another class, another school, a parent asking, a person outside reach, another's
batch."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from strawberry.relay import to_base64
from websockets.asyncio.client import connect

from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import AccountEventKind, Role
from tests import builders
from tests.conftest import GraphQLClient
from tests.pdf import page_texts
from tests.security.live import (
    SLOW_SWEEP,
    UPDATES,
    connected,
    family_school,
    post_graphql,
    server_env,
    subscribe,
    token_for,
)
from tests.servers import Server, closed_by_server, listening
from tests.world import World

TERMS = [(date(2026, 9, 1), date(2026, 10, 24)), (date(2026, 11, 3), date(2026, 12, 28))]

ISSUE = """
mutation($input: IssueClassLoginsInput!) {
  issueClassLogins(input: $input) {
    batch {
      id printUrl sheetsUntil schoolClass { name }
      logins { fullName role login temporaryPassword student { fullName } }
    }
    userErrors { field code message }
  }
}
"""

REISSUE = """
mutation($id: ID!) {
  reissueLogin(input: {userId: $id}) {
    batch { id logins { fullName role login temporaryPassword student { fullName } } }
    userErrors { field code }
  }
}
"""

LOGIN = """
mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password, client: APP}) {
    accessToken mustChangePassword
    viewer { login roles mustChangePassword }
    userErrors { code }
  }
}
"""

CHANGE = """
mutation($current: String!, $new: String!) {
  changePassword(input: {currentPassword: $current, newPassword: $new}) {
    ok userErrors { field code }
  }
}
"""

VIEWER = "query { viewer { login mustChangePassword children { fullName } } }"
DIARY = 'query($s: ID!) { diary(studentId: $s, week: "2026-W48") { student { fullName } } }'
HISTORY = "query { viewer { accountHistory(first: 10) { edges { node { kind actorName } } } } }"
PASSWORD = re.compile(r"^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$")


@dataclass
class L:
    ids: dict[str, str] = field(default_factory=dict)
    users: dict[str, models.User] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
async def lg(world: World) -> L:
    built = await builders.school("Лицей", "lg", TERMS, subjects=("Математика",))
    other = await builders.school("Гимназия", "lg2", TERMS)
    teacher = (Role.TEACHER, built.school, None)
    homeroom = await builders.person(world, "lg-homeroom", "Сидорова", "Анна", teacher)
    side_homeroom = await builders.person(world, "lg-side-homeroom", "Белов", "Олег", teacher)
    await builders.person(
        world, "lg-other-admin", "Козлов", "Олег", (Role.SCHOOL_ADMIN, other.school, None)
    )
    cls = await builders.school_class(built, "5А", class_teacher=homeroom)
    side = await builders.school_class(built, "5Б", class_teacher=side_homeroom)
    far = await builders.school_class(other, "6В")
    pupil = await builders.student(None, built, cls, "import-0001", "Ёжикова", "Юлия")
    lone = await builders.student(None, built, cls, "import-0002", "Щукин", "Пётр")
    side_pupil = await builders.student(None, built, side, "import-0003", "Орлов", "Илья")
    # A child the diary knows no parent of.
    await builders.student(None, built, side, "import-0005", "Зайцев", "Глеб")
    await builders.student(None, built, far, "import-0004", "Новикова", "Дарья")
    mother = await builders.person(
        None, "import-p-0001", "Ёжикова", "Мария", (Role.PARENT, built.school, None)
    )
    await models.Guardianship.create(parent=mother, student=pupil)
    # A teacher of the school who is also the pupil's parent: not the class teacher's to issue.
    staff_parent = await builders.person(
        world,
        "lg-staff-parent",
        "Ёжиков",
        "Павел",
        teacher,
        (Role.PARENT, built.school, None),
    )
    await models.Guardianship.create(parent=staff_parent, student=pupil)
    side_parent = await builders.person(
        world, "lg-side-parent", "Орлова", "Вера", (Role.PARENT, built.school, None)
    )
    await models.Guardianship.create(parent=side_parent, student=side_pupil)
    # A parent of the class with a session: may see the class, may not issue for it.
    class_parent = await builders.person(
        world, "lg-class-parent", "Щукина", "Ольга", (Role.PARENT, built.school, None)
    )
    await models.Guardianship.create(parent=class_parent, student=lone)
    # Someone already holding the readable login the pupil would get: hers gets a suffix.
    await models.User.create(login="ezhikova.iuliia", last_name="X", first_name="Y")
    found = L()
    found.ids = {
        "class": to_base64("SchoolClass", cls.id),
        "side": to_base64("SchoolClass", side.id),
        "far": to_base64("SchoolClass", far.id),
        "pupil": to_base64("Student", pupil.id),
        "lone": to_base64("Student", lone.id),
        "mother": to_base64("Parent", mother.id),
        "side_parent": to_base64("Parent", side_parent.id),
        "staff_parent": to_base64("Parent", staff_parent.id),
    }
    found.users = {
        "pupil": pupil,
        "lone": lone,
        "mother": mother,
        "side_parent": side_parent,
        "lg-class-parent": class_parent,
        "staff_parent": staff_parent,
    }
    found.objects = {"class": cls}
    return found


async def _get(gql: GraphQLClient, path: str, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with gql.http() as client:
        return await client.get(path, headers=headers)


async def _fresh_token(lg: L, world: World, who: str) -> str:
    """A session of `who` opened now: issuing logins for the class ends the sessions of its
    parents, so a parent asking after that needs a new one."""
    if who not in lg.users:
        return world.tokens[who]
    opened = await open_session(lg.users[who], SessionKind.BEARER, timedelta(hours=1))
    return opened.token


async def _counts() -> tuple[int, int, int, int]:
    return (
        await models.LoginBatch.all().count(),
        await models.IssuedLogin.all().count(),
        await models.User.all().count(),
        await models.AccountEvent.all().count(),
    )


ACCOUNTS = """
query($classId: ID!) {
  classAccounts(classId: $classId) { fullName role state login student { fullName } parent { id } }
}
"""
LED = "query { viewer { ledClasses { name } } }"


async def test_the_class_teacher_sees_who_in_the_class_can_sign_in_before_anything_is_issued(
    gql: GraphQLClient, lg: L
) -> None:
    # First in this module: nothing has been issued for the class yet.
    answer = await gql(ACCOUNTS, {"classId": lg.ids["class"]}, as_user="lg-homeroom")
    assert "errors" not in answer, answer
    rows = [
        (a["fullName"], a["role"], a["state"], a["login"], a["student"]["fullName"])
        for a in answer["data"]["classAccounts"]
    ]
    # Family by family, the child first; nobody has a way in yet, so no login to show.
    assert rows == [
        ("Ёжикова Юлия", "STUDENT", "NONE", None, "Ёжикова Юлия"),
        ("Ёжиков Павел", "PARENT", "NONE", None, "Ёжикова Юлия"),
        ("Ёжикова Мария", "PARENT", "NONE", None, "Ёжикова Юлия"),
        ("Щукин Пётр", "STUDENT", "NONE", None, "Щукин Пётр"),
        ("Щукина Ольга", "PARENT", "NONE", None, "Щукин Пётр"),
    ]
    # The ID reissueLogin takes: the parent's for a parent, else the student's.
    parents = [a["parent"] for a in answer["data"]["classAccounts"]]
    assert parents[2] == {"id": lg.ids["mother"]} and parents[0] is None
    led = await gql(LED, as_user="lg-homeroom")
    assert led["data"]["viewer"]["ledClasses"] == [{"name": "5А"}]
    assert (await gql(LED, as_user="lg-class-parent"))["data"]["viewer"]["ledClasses"] == []
    # As the mutations: a class out of sight is missing, one in sight but not theirs refused.
    for who, cls, code in (
        ("lg-side-homeroom", "class", "NOT_FOUND"),
        ("lg-other-admin", "class", "NOT_FOUND"),
        ("lg-class-parent", "class", "FORBIDDEN"),
    ):
        refused = await gql(ACCOUNTS, {"classId": lg.ids[cls]}, as_user=who)
        assert refused["data"]["classAccounts"] is None
        assert refused["errors"][0]["extensions"]["code"] == code, (who, refused)


async def test_a_class_teacher_issues_logins_and_a_parent_changes_the_password_first(
    gql: GraphQLClient, world: World, lg: L
) -> None:
    answer = await gql(ISSUE, {"input": {"classId": lg.ids["class"]}}, as_user="lg-homeroom")
    assert "errors" not in answer, answer
    payload = answer["data"]["issueClassLogins"]
    assert payload["userErrors"] == []
    batch = payload["batch"]
    assert batch["schoolClass"] == {"name": "5А"}
    logins = {(p["fullName"], p["role"]): p for p in batch["logins"]}
    # Every student and parent of the class, with a readable login and a password to type;
    # a child without a known parent gets a parent account named after the family.
    assert sorted(logins) == [
        ("Ёжикова Мария", "PARENT"),
        ("Ёжикова Юлия", "STUDENT"),
        ("Щукин Пётр", "STUDENT"),
        ("Щукина Ольга", "PARENT"),
    ]
    assert logins["Ёжикова Юлия", "STUDENT"]["login"] == "ezhikova.iuliia2"
    assert logins["Ёжикова Мария", "PARENT"]["login"] == "ezhikova.mariia"
    assert logins["Щукин Пётр", "STUDENT"]["login"] == "shchukin.petr"
    assert logins["Ёжикова Мария", "PARENT"]["student"] == {"fullName": "Ёжикова Юлия"}
    for person in batch["logins"]:
        assert PASSWORD.match(person["temporaryPassword"]), person
    # Never stored in clear, nor as anything but the password hash.
    mother = await models.User.get(id=lg.users["mother"].id)
    password = logins["Ёжикова Мария", "PARENT"]["temporaryPassword"]
    assert password not in str(await models.IssuedLogin.filter(user_id=mother.id).values())
    assert mother.temporary_password_at is not None

    # The sheets, one page per family, read back: each login and password is on its page.
    sheet = await _get(gql, batch["printUrl"].removeprefix("http://testserver"), None)
    assert sheet.status_code == 401
    sheet = await _get(
        gql, batch["printUrl"].removeprefix("http://testserver"), world.tokens["lg-homeroom"]
    )
    assert sheet.status_code == 200, sheet.text
    assert sheet.headers["content-type"] == "application/pdf"
    assert sheet.headers["cache-control"] == "private, no-store"
    pages = page_texts(sheet.content)
    assert len(pages) == 2
    ezhikovs = next(page for page in pages if "Ёжикова Юлия" in page)
    for expected in ("5А", "School Лицей", "смените пароль при первом входе"):
        assert expected in ezhikovs, ezhikovs
    for person in (logins["Ёжикова Юлия", "STUDENT"], logins["Ёжикова Мария", "PARENT"]):
        assert person["login"] in ezhikovs
        assert person["temporaryPassword"] in ezhikovs
    assert logins["Щукин Пётр", "STUDENT"]["temporaryPassword"] not in ezhikovs
    one = await _get(
        gql,
        batch["printUrl"].removeprefix("http://testserver") + f"?student={lg.ids['lone']}",
        world.tokens["lg-homeroom"],
    )
    assert len(page_texts(one.content)) == 1 and "Щукин Пётр" in page_texts(one.content)[0]

    # The parent logs in with the temporary password: the session must change it first.
    opened = (await gql(LOGIN, {"login": "ezhikova.mariia", "password": password}))["data"]
    assert opened["login"]["mustChangePassword"] is True
    assert opened["login"]["viewer"] == {
        "login": "ezhikova.mariia",
        "roles": [],
        "mustChangePassword": True,
    }
    token = opened["login"]["accessToken"]
    viewer = await gql(VIEWER, bearer=token)
    assert viewer["data"]["viewer"] == {
        "login": "ezhikova.mariia",
        "mustChangePassword": True,
        "children": [],
    }
    refused = await gql(DIARY, {"s": lg.ids["pupil"]}, bearer=token)
    assert refused["data"]["diary"] is None
    assert refused["errors"][0]["extensions"]["code"] == "PASSWORD_CHANGE_REQUIRED"
    sheet_refused = await _get(gql, "/print/week.pdf?student=" + lg.ids["pupil"], token)
    assert sheet_refused.status_code == 403
    assert sheet_refused.json()["code"] == "PASSWORD_CHANGE_REQUIRED"

    # The same password again is refused; a new one of her own frees the session.
    same = await gql(CHANGE, {"current": password, "new": password}, bearer=token)
    assert same["data"]["changePassword"]["ok"] is False
    changed = await gql(CHANGE, {"current": password, "new": "ёжик в тумане 2026"}, bearer=token)
    assert changed["data"]["changePassword"] == {"ok": True, "userErrors": []}
    viewer = await gql(VIEWER, bearer=token)
    assert viewer["data"]["viewer"]["mustChangePassword"] is False
    assert viewer["data"]["viewer"]["children"] == [{"fullName": "Ёжикова Юлия"}]
    diary = await gql(DIARY, {"s": lg.ids["pupil"]}, bearer=token)
    assert diary["data"]["diary"] == {"student": {"fullName": "Ёжикова Юлия"}}, diary
    # The temporary password is gone; the new one logs in without the forced change.
    again = await gql(LOGIN, {"login": "ezhikova.mariia", "password": password})
    assert again["data"]["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    fresh = await gql(LOGIN, {"login": "ezhikova.mariia", "password": "ёжик в тумане 2026"})
    assert fresh["data"]["login"]["mustChangePassword"] is False
    assert (await models.User.get(id=mother.id)).temporary_password_at is None

    # Her history shows who issued the login and that she changed the password.
    history = await gql(HISTORY, bearer=token)
    kinds = [e["node"] for e in history["data"]["viewer"]["accountHistory"]["edges"]]
    assert kinds == [
        {"kind": "PASSWORD_CHANGED", "actorName": None},
        {"kind": "LOGIN_ISSUED", "actorName": "Сидорова Анна"},
    ]

    # Issuing again leaves alone whoever has a password of their own now.
    second = await gql(
        ISSUE, {"input": {"classId": lg.ids["class"], "roles": ["PARENT"]}}, as_user="lg-homeroom"
    )
    assert second["data"]["issueClassLogins"]["userErrors"] == []
    assert "Ёжикова Мария" not in {
        p["fullName"] for p in second["data"]["issueClassLogins"]["batch"]["logins"]
    }


async def test_after_the_issue_the_class_teacher_sees_who_still_has_to_change_the_password(
    gql: GraphQLClient, lg: L
) -> None:
    # After the test above: the class issued, the mother's password changed for her own.
    answer = await gql(ACCOUNTS, {"classId": lg.ids["class"]}, as_user="lg-homeroom")
    states = {a["fullName"]: (a["state"], a["login"]) for a in answer["data"]["classAccounts"]}
    assert states == {
        "Ёжикова Юлия": ("ISSUED", "ezhikova.iuliia2"),
        # A member of staff is never issued through the class.
        "Ёжиков Павел": ("NONE", None),
        "Ёжикова Мария": ("ACTIVE", "ezhikova.mariia"),
        "Щукин Пётр": ("ISSUED", "shchukin.petr"),
        "Щукина Ольга": ("ISSUED", "shchukina.olga"),
    }


async def test_a_reissued_password_kills_the_old_one_and_its_sessions(
    gql: GraphQLClient, world: World, lg: L
) -> None:
    first = await gql(
        ISSUE,
        {"input": {"classId": lg.ids["side"], "roles": ["PARENT"], "reissueExisting": True}},
        as_user="lg-side-homeroom",
    )
    logins = first["data"]["issueClassLogins"]["batch"]["logins"]
    issued, placeholder = (
        next(p for p in logins if p["fullName"] == name)
        for name in ("Орлова Вера", "Зайцев Родитель")
    )
    assert len(logins) == 2
    # The child without a parent got a parent account named after the family, tied to it.
    assert placeholder["login"] == "zaitsev.roditel"
    assert placeholder["student"] == {"fullName": "Зайцев Глеб"}
    made = await gql(
        LOGIN, {"login": placeholder["login"], "password": placeholder["temporaryPassword"]}
    )
    made_token = made["data"]["login"]["accessToken"]
    own = {"current": placeholder["temporaryPassword"], "new": "zaitsev family secret"}
    assert (await gql(CHANGE, own, bearer=made_token))["data"]["changePassword"]["ok"] is True
    made_viewer = (await gql(VIEWER, bearer=made_token))["data"]["viewer"]
    assert made_viewer["children"] == [{"fullName": "Зайцев Глеб"}]
    # The parent already had a session: a new password issued for her ends it.
    assert (await gql(VIEWER, as_user="lg-side-parent"))["errors"][0]["extensions"][
        "code"
    ] == "SESSION_EXPIRED"
    opened = await gql(LOGIN, {"login": issued["login"], "password": issued["temporaryPassword"]})
    token = opened["data"]["login"]["accessToken"]
    changed = await gql(
        CHANGE,
        {"current": issued["temporaryPassword"], "new": "orlova's own password"},
        bearer=token,
    )
    assert changed["data"]["changePassword"]["ok"] is True

    # She lost it: the class teacher re-issues; her password and session die at once.
    again = await gql(REISSUE, {"id": lg.ids["side_parent"]}, as_user="lg-side-homeroom")
    assert again["data"]["reissueLogin"]["userErrors"] == []
    [renewed] = again["data"]["reissueLogin"]["batch"]["logins"]
    assert renewed["login"] == issued["login"]
    assert renewed["temporaryPassword"] != issued["temporaryPassword"]
    expired = await gql(VIEWER, bearer=token)
    assert expired["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"
    old = await gql(LOGIN, {"login": issued["login"], "password": "orlova's own password"})
    assert old["data"]["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    new = await gql(LOGIN, {"login": issued["login"], "password": renewed["temporaryPassword"]})
    assert new["data"]["login"]["mustChangePassword"] is True
    # A session bound to change its password may still log out.
    bound = new["data"]["login"]["accessToken"]
    out = await gql("mutation { logout { ok userErrors { code } } }", bearer=bound)
    assert out["data"]["logout"] == {"ok": True, "userErrors": []}
    assert (await gql(VIEWER, bearer=bound))["errors"][0]["extensions"]["code"] == (
        "SESSION_EXPIRED"
    )
    # The first batch's sheet no longer carries the replaced password.
    user_id = lg.users["side_parent"].id
    assert not await models.IssuedLogin.filter(
        user_id=user_id, superseded_at=None, batch_id__not=_batch_id(again)
    ).exists()
    events = await models.AccountEvent.filter(user_id=user_id).order_by("id")
    assert [e.kind for e in events] == [
        AccountEventKind.LOGIN_ISSUED,
        AccountEventKind.PASSWORD_CHANGED,
        AccountEventKind.LOGIN_REISSUED,
    ]


def _batch_id(answer: dict[str, Any]) -> int:
    from strawberry.relay import GlobalID

    return int(GlobalID.from_id(answer["data"]["reissueLogin"]["batch"]["id"]).node_id)


@pytest.mark.parametrize(
    ("who", "target", "code"),
    [
        # A class teacher of another class of the school, another school's administration.
        ("lg-side-homeroom", "class", "NOT_FOUND"),
        ("lg-other-admin", "class", "NOT_FOUND"),
        ("lg-homeroom", "far", "NOT_FOUND"),
        # A parent of the class sees it, and may not issue for it.
        ("lg-class-parent", "class", "FORBIDDEN"),
    ],
)
async def test_issuing_outside_reach_is_refused_and_writes_nothing(
    gql: GraphQLClient, world: World, lg: L, who: str, target: str, code: str
) -> None:
    token = await _fresh_token(lg, world, who)
    before = await _counts()
    answer = await gql(ISSUE, {"input": {"classId": lg.ids[target]}}, bearer=token)
    payload = answer["data"]["issueClassLogins"]
    assert payload["batch"] is None
    assert [e["code"] for e in payload["userErrors"]] == [code]
    assert await _counts() == before


async def test_no_roles_is_bad_input(gql: GraphQLClient, lg: L) -> None:
    before = await _counts()
    answer = await gql(
        ISSUE, {"input": {"classId": lg.ids["class"], "roles": []}}, as_user="lg-homeroom"
    )
    assert answer["data"]["issueClassLogins"]["userErrors"][0]["code"] == "BAD_USER_INPUT"
    assert await _counts() == before


async def test_reissuing_for_someone_outside_reach_looks_like_nobody(
    gql: GraphQLClient, world: World, lg: L
) -> None:
    before = await _counts()
    hash_before = (await models.User.get(id=lg.users["side_parent"].id)).password_hash
    for who, target in (
        ("lg-homeroom", "side_parent"),
        ("lg-other-admin", "mother"),
        ("lg-class-parent", "pupil"),
    ):
        token = await _fresh_token(lg, world, who)
        answer = await gql(REISSUE, {"id": lg.ids[target]}, bearer=token)
        assert answer["data"]["reissueLogin"]["userErrors"] == [
            {"field": None, "code": "NOT_FOUND"}
        ], (who, target)
    assert await _counts() == before
    assert (await models.User.get(id=lg.users["side_parent"].id)).password_hash == hash_before


async def test_a_member_of_staff_who_is_a_parent_is_not_reissued_through_the_class(
    gql: GraphQLClient, world: World, lg: L
) -> None:
    before = await _counts()
    answer = await gql(REISSUE, {"id": lg.ids["staff_parent"]}, as_user="lg-homeroom")
    assert answer["data"]["reissueLogin"]["userErrors"] == [{"field": None, "code": "FORBIDDEN"}]
    assert await _counts() == before
    # Nor was he given a login with the class: his session lives on.
    assert (await gql(VIEWER, as_user="lg-staff-parent"))["data"]["viewer"]["login"] == (
        "lg-staff-parent"
    )
    assert not await models.IssuedLogin.exists(user_id=lg.users["staff_parent"].id)


async def test_sheets_are_only_for_the_issuer_and_only_for_a_while(
    gql: GraphQLClient, world: World, lg: L
) -> None:
    answer = await gql(REISSUE, {"id": lg.ids["pupil"]}, as_user="lg-homeroom")
    batch_id = _batch_id(answer)
    path = f"/print/logins/{answer['data']['reissueLogin']['batch']['id']}.pdf"
    for who in ("lg-side-homeroom", "lg-other-admin", "lg-class-parent"):
        refused = await _get(gql, path, await _fresh_token(lg, world, who))
        assert refused.status_code == 404, who
        assert refused.json()["code"] == "NOT_FOUND"
    assert (await _get(gql, path, world.tokens["lg-homeroom"])).status_code == 200

    await models.LoginBatch.filter(id=batch_id).update(
        sheets_until=datetime.now(UTC) - timedelta(minutes=1)
    )
    late = await _get(gql, path, world.tokens["lg-homeroom"])
    assert late.status_code == 410
    assert late.json()["code"] == "LOGIN_SHEETS_EXPIRED"
    # What the password was made from is gone: nobody can print it again.
    assert await models.IssuedLogin.filter(batch_id=batch_id).values_list("nonce", flat=True) == [
        ""
    ]


async def test_a_reissue_closes_open_websockets_and_a_temporary_session_cannot_subscribe(
    world: World, database: str, tmp_path: Path
) -> None:
    """Real `ediary serve` and graphql-transport-ws clients: the parent's open subscription
    closes when the class teacher re-issues her password, and a session opened with the
    temporary password is refused a WebSocket (4403) until it changes it."""
    family = await family_school(world)
    await models.SchoolClass.filter(id=family.lesson.school_class_id).update(
        class_teacher_id=family.teacher.id
    )
    parent, teacher = await token_for(family.parent), await token_for(family.teacher)
    async with (
        Server(server_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        connected(server, parent) as ws,
    ):
        await subscribe(ws, "1", UPDATES, family.updates)
        await listening(server.url, at_least=1)
        answer = await post_graphql(
            server, REISSUE, {"id": to_base64("Parent", family.parent.id)}, teacher
        )
        [issued] = answer["reissueLogin"]["batch"]["logins"]
        code, reason, received = await closed_by_server(ws, within=1.0)
        assert (code, reason, received) == (4401, "Session ended: the password was reset.", [])

        opened = await post_graphql(
            server, LOGIN, {"login": issued["login"], "password": issued["temporaryPassword"]}
        )
        temporary = opened["login"]["accessToken"]
        url = server.url.replace("http://", "ws://") + "/graphql"
        async with connect(url, subprotocols=["graphql-transport-ws"]) as refused:  # type: ignore[list-item]
            init = {"authorization": f"Bearer {temporary}"}
            await refused.send(json.dumps({"type": "connection_init", "payload": init}))
            code, reason, received = await closed_by_server(refused, within=5.0)
        assert code == 4403 and received == []


async def test_two_classes_issued_at_once_never_share_a_login(
    gql: GraphQLClient, world: World
) -> None:
    """Two children of the same name in two classes, issued at the same moment by their class
    teachers: on PostgreSQL both transactions pick the same login, the unique login refuses
    the later one, and it tries again with the next number."""
    built = await builders.school("Twins", "lg-twins", TERMS)
    ids, whose = [], []
    for index, name in enumerate(("7А", "7Б")):
        teacher = await builders.person(
            world, f"lg-twins-{index}", "Учитель", name, (Role.TEACHER, built.school, None)
        )
        cls = await builders.school_class(built, name, class_teacher=teacher)
        await builders.student(None, built, cls, f"lg-twins-import-{index}", "Смирнов", "Лев")
        ids.append(to_base64("SchoolClass", cls.id))
        whose.append(f"lg-twins-{index}")
    answers = await asyncio.gather(
        *(
            gql(ISSUE, {"input": {"classId": i, "roles": ["STUDENT"]}}, as_user=who)
            for i, who in zip(ids, whose, strict=True)
        )
    )
    logins = sorted(a["data"]["issueClassLogins"]["batch"]["logins"][0]["login"] for a in answers)
    assert logins == ["smirnov.lev", "smirnov.lev2"]
