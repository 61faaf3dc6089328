"""Finding 9: `fileDiaryApplication` must not tell a parent whether a SNILS is enrolled.

A parent files the same application three times: for a child enrolled at the school, for a
SNILS nobody has, and for a child enrolled at another school. The three answers are the same
(an accepted application under review) and nobody gets linked. The school then matches the
child among its own students when it approves: the legitimate case still works, and an
application that matches nobody is refused by the school.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from ediary_moscow.models import ApplicationStatus, DiaryApplication
from strawberry.relay import from_base64, to_base64

from ediary.domain import models
from ediary.domain.enums import Role
from ediary.domain.identity import snils_with_check_sum
from tests import builders
from tests.conftest import GraphQLClient
from tests.world import World

TODAY = date.today()
TERMS = [(TODAY - timedelta(days=100), TODAY + timedelta(days=100))]
ENROLLED = snils_with_check_sum("777888991")
UNKNOWN = snils_with_check_sum("777888992")
ELSEWHERE = snils_with_check_sum("777888993")

FILE = """mutation($input: FileDiaryApplicationInput!) { fileDiaryApplication(input: $input) {
    application { id status dueOn overdue refusalReason refusalComment consentVersion
                  childFullName childBirthDate }
    userErrors { field message code } } }"""
APPROVE = """mutation($id: ID!) { approveDiaryApplication(input: {applicationId: $id}) {
    application { status } userErrors { code } } }"""
REFUSE = """mutation($id: ID!) {
    refuseDiaryApplication(input: {applicationId: $id, reason: DATA_MISMATCH, comment: ""}) {
    application { status refusalReason } userErrors { code } } }"""
CHILDREN = "{ viewer { children { fullName } } }"


@pytest.fixture(scope="module")
async def school(world: World) -> dict[str, int]:
    here = await builders.school("SN", "r-snils", TERMS)
    there = await builders.school("SO", "r-snils", TERMS)
    ids = {"school": here.id}
    for built, snils, login in ((here, ENROLLED, "sn-child"), (there, ELSEWHERE, "so-child")):
        cls = await builders.school_class(built, "4A")
        child = await builders.student(None, built, cls, login, "Child", login)
        child.snils = snils
        await child.save()
        ids[login] = child.id
    await builders.person(world, "sn-parent", "Parent", "Snils", (Role.PARENT, None, None))
    await builders.person(
        world, "sn-admin", "Admin", "Snils", (Role.SCHOOL_ADMIN, here.school, None)
    )
    return ids


def _form(school_id: int, snils: str) -> dict[str, Any]:
    return {
        "schoolId": to_base64("School", school_id),
        "child": {
            "lastName": "Child",
            "firstName": "Same",
            "birthDate": "2016-04-01",
            "snils": snils,
        },
        "document": {
            "kind": "BIRTH_CERTIFICATE",
            "series": "IV-MO",
            "number": "654321",
            "issuedOn": "2016-04-10",
            "issuedBy": "Registry office",
        },
        "consentGiven": True,
        "consentVersion": "2025-09",
    }


async def _file(gql: GraphQLClient, school_id: int, snils: str) -> dict[str, Any]:
    answer = await gql(FILE, {"input": _form(school_id, snils)}, as_user="sn-parent")
    assert "errors" not in answer, answer
    payload: dict[str, Any] = answer["data"]["fileDiaryApplication"]
    return payload


async def test_the_answer_does_not_depend_on_the_snils(
    gql: GraphQLClient, school: dict[str, int]
) -> None:
    links = await models.Guardianship.all().count()
    answers = {
        snils: await _file(gql, school["school"], snils) for snils in (ENROLLED, UNKNOWN, ELSEWHERE)
    }
    # The same outcome for each: no error naming the SNILS, an application under review.
    assert [a["userErrors"] for a in answers.values()] == [[], [], []]
    ids = {snils: answer["application"].pop("id") for snils, answer in answers.items()}
    enrolled, unknown, elsewhere = answers.values()
    assert enrolled == unknown == elsewhere
    assert enrolled["userErrors"] == [] and enrolled["application"]["status"] == "SUBMITTED"
    # Nobody was looked up or linked on filing.
    assert await models.Guardianship.all().count() == links
    filed = await DiaryApplication.filter(id__in=[_local(i) for i in ids.values()])
    assert {a.student_id for a in filed} == {None}
    # Filing again for the same child is refused alike for every SNILS: the parent's own
    # pending applications are all that is consulted.
    again = [await _file(gql, school["school"], s) for s in (ENROLLED, UNKNOWN)]
    assert [a["userErrors"][0]["code"] for a in again] == ["APPLICATION_PENDING"] * 2

    # The school matches its own student on approval: the legitimate case works...
    approved = await gql(APPROVE, {"id": ids[ENROLLED]}, as_user="sn-admin")
    assert approved["data"]["approveDiaryApplication"] == {
        "application": {"status": "APPROVED"},
        "userErrors": [],
    }
    children = (await gql(CHILDREN, as_user="sn-parent"))["data"]["viewer"]["children"]
    assert children == [{"fullName": "Child sn-child"}]
    # ...and a SNILS of nobody here (unknown, or a child of another school) links nobody;
    # the school refuses it.
    for snils in (UNKNOWN, ELSEWHERE):
        answer = await gql(APPROVE, {"id": ids[snils]}, as_user="sn-admin")
        assert answer["data"]["approveDiaryApplication"]["userErrors"] == [
            {"code": "CHILD_NOT_ENROLLED"}
        ]
        item = await DiaryApplication.get(id=_local(ids[snils]))
        assert item.status is ApplicationStatus.SUBMITTED and item.student_id is None
        refused = await gql(REFUSE, {"id": ids[snils]}, as_user="sn-admin")
        assert refused["data"]["refuseDiaryApplication"]["application"] == {
            "status": "REFUSED",
            "refusalReason": "DATA_MISMATCH",
        }
    assert await models.Guardianship.all().count() == links + 1


def _local(global_id: str) -> int:
    return int(from_base64(global_id)[1])
