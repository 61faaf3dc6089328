"""Login sheets as PDF: one page per family with Cyrillic fonts embedded, read back as text;
the route's refusals; and the housekeeping sweep that makes old sheets unprintable for good."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.enums import Role
from ediary.domain.housekeeping import sweep
from ediary.domain.issued_logins import Family, IssuedPerson
from ediary.printing.login_sheets import login_sheets_pdf
from tests import builders
from tests.conftest import GraphQLClient
from tests.pdf import embedded_fonts, page_texts
from tests.world import World

TERMS = [(date(2026, 9, 1), date(2026, 10, 24)), (date(2026, 11, 3), date(2026, 12, 28))]

ISSUE = """
mutation($input: IssueClassLoginsInput!) {
  issueClassLogins(input: $input) {
    batch { id printUrl logins { fullName login temporaryPassword student { id } } }
    userErrors { code }
  }
}
"""


def test_each_family_gets_a_page_with_its_logins_and_the_instructions() -> None:
    families = [
        Family(
            student_name="Иванов Пётр",
            class_name="3А",
            school_name="Школа № 57",
            logins=(
                IssuedPerson(1, 1, "Иванов Пётр", Role.STUDENT, "ivanov.petr", "abcd-efgh-jkmn"),
                IssuedPerson(2, 1, "Иванова Анна", Role.PARENT, "ivanova.anna", "pqrs-tuvw-xyz2"),
            ),
        ),
        Family(
            student_name="Юсупова Лейла",
            class_name="3А",
            school_name="Школа № 57",
            logins=(
                IssuedPerson(3, 3, "Юсупов Ринат", Role.PARENT, "iusupov.rinat", "2345-6789-abcd"),
            ),
        ),
    ]
    body = login_sheets_pdf(families)
    first, second = page_texts(body)
    for expected in (
        "Вход в электронный дневник",
        "Ученик: Иванов Пётр",
        "Класс: 3А",
        "Школа: Школа № 57",
        "ivanov.petr",
        "abcd-efgh-jkmn",
        "ivanova.anna",
        "pqrs-tuvw-xyz2",
        "смените пароль при первом входе",
        "Обратитесь к классному руководителю",
    ):
        assert expected in first, (expected, first)
    assert "iusupov.rinat" in second and "2345-6789-abcd" in second
    assert "ivanov.petr" not in second
    # The font travels with the file: Cyrillic prints the same on any machine.
    assert any("DejaVuSans" in name for name in embedded_fonts(body))


@pytest.fixture(scope="module")
async def issued(gql: GraphQLClient, world: World) -> dict[str, Any]:
    built = await builders.school("Sheets", "ls", TERMS)
    homeroom = await builders.person(
        world, "ls-homeroom", "Громова", "Ирина", (Role.TEACHER, built.school, None)
    )
    await builders.person(
        world, "ls-admin", "Кузьмин", "Денис", (Role.SCHOOL_ADMIN, built.school, None)
    )
    cls = await builders.school_class(built, "2Г", class_teacher=homeroom)
    await builders.student(None, built, cls, "ls-import-1", "Лисицына", "Ева")
    await builders.student(None, built, cls, "ls-import-2", "Медведев", "Фёдор")
    answer = await gql(
        ISSUE,
        {"input": {"classId": to_base64("SchoolClass", cls.id), "roles": ["STUDENT"]}},
        as_user="ls-homeroom",
    )
    payload = answer["data"]["issueClassLogins"]
    assert payload["userErrors"] == []
    batch: dict[str, Any] = payload["batch"]
    return batch


async def _get(gql: GraphQLClient, world: World, path: str, who: str | None) -> Any:
    headers = {"Authorization": f"Bearer {world.tokens[who]}"} if who else {}
    async with gql.http() as client:
        return await client.get(path, headers=headers)


def _path(batch: dict[str, Any], query: str = "") -> str:
    path: str = batch["printUrl"].removeprefix("http://testserver")
    return path + query


async def test_the_school_administration_prints_a_class_teachers_batch(
    gql: GraphQLClient, world: World, issued: dict[str, Any]
) -> None:
    answer = await _get(gql, world, _path(issued), "ls-admin")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"].startswith('attachment; filename="logins-')
    pages = page_texts(answer.content)
    assert [page.split("Ученик: ")[1].split(" Класс")[0] for page in pages] == [
        "Лисицына Ева",
        "Медведев Фёдор",
    ]
    for person in issued["logins"]:
        page = next(p for p in pages if person["fullName"] in p.split("Класс")[0])
        assert person["login"] in page and person["temporaryPassword"] in page


async def test_one_family_and_the_routes_refusals(
    gql: GraphQLClient, world: World, issued: dict[str, Any]
) -> None:
    eva = next(p for p in issued["logins"] if p["fullName"] == "Лисицына Ева")
    one = await _get(gql, world, _path(issued, f"?student={eva['student']['id']}"), "ls-homeroom")
    assert one.status_code == 200
    [page] = page_texts(one.content)
    assert eva["temporaryPassword"] in page and "Медведев" not in page

    outsider = to_base64("Student", world.users["student"].id)
    for path, who, status, code in (
        (_path(issued), None, 401, "UNAUTHENTICATED"),
        (_path(issued), "class_teacher", 404, "NOT_FOUND"),
        (_path(issued, f"?student={outsider}"), "ls-homeroom", 404, "NOT_FOUND"),
        ("/print/logins/not-an-id.pdf", "ls-homeroom", 404, "NOT_FOUND"),
        (f"/print/logins/{to_base64('LoginBatch', 999999)}.pdf", "ls-homeroom", 404, "NOT_FOUND"),
    ):
        answer = await _get(gql, world, path, who)
        assert (answer.status_code, answer.json()["code"]) == (status, code), path


async def test_the_sweep_makes_old_sheets_unprintable(
    gql: GraphQLClient, world: World, issued: dict[str, Any]
) -> None:
    from strawberry.relay import GlobalID

    batch_id = int(GlobalID.from_id(issued["id"]).node_id)
    # The sheets' time is over; the sweep forgets what their passwords were made from.
    await models.LoginBatch.filter(id=batch_id).update(
        sheets_until=datetime.now(UTC) - timedelta(minutes=1)
    )
    removed = await sweep(datetime.now(UTC))
    assert removed["issued_login"] >= 2
    nonces = await models.IssuedLogin.filter(batch_id=batch_id).values_list("nonce", flat=True)
    assert nonces == ["", ""]
    answer = await _get(gql, world, _path(issued), "ls-homeroom")
    assert (answer.status_code, answer.json()["code"]) == (410, "LOGIN_SHEETS_EXPIRED")
    # The logins themselves still work: only the paper copy is gone.
    assert await models.IssuedLogin.filter(batch_id=batch_id, superseded_at=None).count() == 2
