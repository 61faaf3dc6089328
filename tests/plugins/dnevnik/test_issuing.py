"""Who may issue access codes (the core access policy), what a batch holds, the CSV and
printable downloads, and the code format."""

from __future__ import annotations

import pytest

from ediary_dnevnik import codes
from tests.conftest import GraphQLClient
from tests.plugins.dnevnik import queries as q
from tests.plugins.dnevnik.conftest import Town
from tests.plugins.dnevnik.family import error_codes, issue, path, payload


@pytest.mark.parametrize(
    ("who", "class_name", "code"),
    [
        ("homeroom_teacher", "class_3b", "NOT_FOUND"),  # not their class, and not visible
        ("subject_teacher", "class_3a", "FORBIDDEN"),  # sees the class, may not issue
        ("orlova_alisa", "class_3a", "FORBIDDEN"),  # a student of the class
        ("admin_e", "class_3a", "NOT_FOUND"),  # another school's administrator
        (None, "class_3a", "UNAUTHENTICATED"),
    ],
)
async def test_only_the_class_teacher_and_the_administration_issue_codes(
    gql: GraphQLClient, town: Town, who: str | None, class_name: str, code: str
) -> None:
    result = await gql(
        q.ISSUE,
        {"classId": town.gid("SchoolClass", class_name)},
        bearer=town.tokens[who] if who else None,
    )
    assert error_codes(result, "issueAccessCodes") == [code]
    assert payload(result, "issueAccessCodes")["batch"] is None


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"parents": 5}, "parentsPerStudent"),
        ({"parents": -1}, "parentsPerStudent"),
        ({"days": 0}, "validDays"),
        ({"days": 91}, "validDays"),
        ({"parents": 0, "students": False}, "forStudents"),
    ],
)
async def test_batch_parameters_are_checked(
    gql: GraphQLClient, town: Town, variables: dict[str, object], field: str
) -> None:
    result = await gql(
        q.ISSUE,
        {"classId": town.gid("SchoolClass", "class_3a"), **variables},
        bearer=town.tokens["homeroom_teacher"],
    )
    [error] = payload(result, "issueAccessCodes")["userErrors"]
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", ["input", field])


async def test_batches_are_listed_and_fetched_by_node_for_issuers_only(
    gql: GraphQLClient, town: Town
) -> None:
    issued = await issue(gql, town, "class_4a", by="admin_e", parents=2)
    assert len(issued) == 3 and all(c["used"] is False for c in issued)
    listed = await gql(
        q.BATCHES, {"classId": town.gid("SchoolClass", "class_4a")}, bearer=town.tokens["admin_e"]
    )
    batch = payload(listed, "accessCodeBatches")[0]
    assert sorted(c["code"] for c in batch["codes"]) == sorted(c["code"] for c in issued)
    node = "query($id: ID!) { node(id: $id) { ... on AccessCodeBatch { codes { code } } } }"
    found = await gql(node, {"id": batch["id"]}, bearer=town.tokens["admin_e"])
    assert len(found["data"]["node"]["codes"]) == 3
    hidden = await gql(node, {"id": batch["id"]}, bearer=town.tokens["admin_d"])
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    refused = await gql(
        q.BATCHES, {"classId": town.gid("SchoolClass", "class_4a")}, bearer=town.tokens["admin_d"]
    )
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_downloads_need_a_session_that_may_see_the_batch(
    gql: GraphQLClient, town: Town
) -> None:
    result = await gql(
        q.ISSUE,
        {"classId": town.gid("SchoolClass", "class_3a"), "parents": 1},
        bearer=town.tokens["homeroom_teacher"],
    )
    batch = payload(result, "issueAccessCodes")["batch"]
    async with gql.http() as http:
        for url in (batch["csvUrl"], batch["printUrl"]):
            anonymous = await http.get(path(url))
            assert anonymous.status_code == 401
            forged = await http.get(path(url), headers={"Authorization": "Bearer forged"})
            assert forged.status_code == 401
            for outsider in ("admin_e", "subject_teacher"):
                headers = {"Authorization": f"Bearer {town.tokens[outsider]}"}
                assert (await http.get(path(url), headers=headers)).status_code == 404
            headers = {"Authorization": f"Bearer {town.tokens['admin_d']}"}
            allowed = await http.get(path(url), headers=headers)
            assert allowed.status_code == 200
            assert allowed.headers["cache-control"] == "no-store"
        missing = await http.get("/dnevnik/batches/999999/print", headers=headers)
        assert missing.status_code == 404


def test_codes_survive_the_usual_typing_slips() -> None:
    code = codes.derive("secret", "nonce")
    assert len(code) == codes.LENGTH and set(code) <= set(codes.ALPHABET)
    assert codes.derive("secret", "nonce") == code
    assert codes.derive("another secret", "nonce") != code
    printed = codes.display(code)
    slipped = printed.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert codes.normalize(slipped) == code
    assert codes.normalize(f"  {printed}\t") == code
    for bad in ("", "ABC", printed + "X", "UUUU-UUUU-UUUU", "АБВГ-ДЕЖЗ-ИЙКЛ"):
        assert codes.normalize(bad) is None


def test_csv_cells_never_start_a_formula() -> None:
    from ediary_dnevnik.web import _cell

    assert _cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [_cell(v) for v in ("+1", "-1", "@a", "Orlova Alisa", "")] == [
        "'+1",
        "'-1",
        "'@a",
        "Orlova Alisa",
        "",
    ]
