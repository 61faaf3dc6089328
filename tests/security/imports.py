"""A school B of its own for import tests: OneRoster sets written into its import folder and
`startImport` run as its administrator. The `island` fixture (conftest) gives each test a
database with the test world, so an attack that succeeds spoils no other test's data."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from tests.conftest import GraphQLClient
from tests.waiting import eventually
from tests.world import World

MANIFEST = """propertyName,value
manifest.version,1.0
oneroster.version,1.1
file.academicSessions,absent
file.categories,absent
file.classes,absent
file.classResources,absent
file.courses,absent
file.courseResources,absent
file.demographics,absent
file.enrollments,absent
file.lineItems,absent
file.orgs,bulk
file.resources,absent
file.results,absent
file.users,bulk
"""
ORGS = """sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
b-district,,,Region Two,district,r2,
b-school,,,School B,school,B,b-district
"""
USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
)
START = """
mutation($input: StartImportInput!) {
  startImport(input: $input) { job { id } userErrors { code message } }
}"""
JOB = """
query($id: ID!) { importJob(id: $id) { status report { rejected problems } } }"""
DIARY = """
query($student: ID!, $week: Week!) { diary(studentId: $student, week: $week) { days { date } } }"""


@dataclasses.dataclass
class Island:
    """The test world in a database of its own, and the directory imports are read from."""

    url: str
    world: World
    gql: GraphQLClient
    sets: Path


def write_set(island: Island, name: str, *users: str) -> Path:
    """A OneRoster 1.1 set of school B (orgs and users) in school B's import folder."""
    path = island.sets / str(island.world.id("school_B")) / name
    path.mkdir(parents=True)
    (path / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    (path / "orgs.csv").write_text(ORGS, encoding="utf-8")
    (path / "users.csv").write_text(USERS_HEADER + "".join(users), encoding="utf-8")
    return path


async def import_as_other_admin(island: Island, name: str) -> dict[str, Any]:
    """startImport as school B's administrator, then the finished job's report."""
    gql = island.gql
    started = await gql(
        START, {"input": {"backend": "oneroster", "path": name}}, as_user="other_admin"
    )
    payload = started["data"]["startImport"]
    assert payload["userErrors"] == [], payload
    job: dict[str, Any] = {}

    async def finished() -> bool:
        result = await gql(JOB, {"id": payload["job"]["id"]}, as_user="other_admin")
        job.update(result["data"]["importJob"])
        return job["status"] in ("SUCCEEDED", "FAILED")

    await eventually(finished, within=30, what="the import job to finish")
    return job
