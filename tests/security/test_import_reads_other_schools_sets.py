"""Adversarial pass, finding A1 (high): `startImport` read any set in the shared import
directory.

`EDIARY_IMPORT_DIR` is one folder for the whole deployment, where the operators drop every
school's exports. School B's administrator named school A's set (not yet imported, so no
sourcedId of it was linked to school A) and the import mapped its one school onto school B:
A's children, parents and teachers became accounts of school B, readable and managed by B's
administrator, and A's own import of the set was refused afterwards (its school sourcedId
now pointed to B). A school's administrator now reads only the folder of their own school,
`EDIARY_IMPORT_DIR/<school id>/`; every other path answers like a missing one.
"""

from __future__ import annotations

from pathlib import Path

from ediary.domain import models
from ediary_oneroster.jobs import wait_for_jobs
from tests.security.imports import (
    MANIFEST,
    START,
    USERS_HEADER,
    Island,
    import_as_other_admin,
    write_set,
)

# School A's export for a new school year: sourcedIds the diary has never linked.
A_ORGS = """sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
a-district-2027,,,Region One,district,r1,
a-school-2027,,,School A,school,A,a-district-2027
"""
A_USERS = (
    "a-child-2027,active,,true,a-school-2027,student,a.child.2027,,Vera,Belova,,,"
    "vera@example.org,,,,7,\n"
)


def write_school_a_set(root: Path, name: str) -> Path:
    path = root / name
    path.mkdir(parents=True)
    (path / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    (path / "orgs.csv").write_text(A_ORGS, encoding="utf-8")
    (path / "users.csv").write_text(USERS_HEADER + A_USERS, encoding="utf-8")
    return path


async def _start(island: Island, path: str) -> list[dict[str, object]]:
    result = await island.gql(
        START, {"input": {"backend": "oneroster", "path": path}}, as_user="other_admin"
    )
    # Were a job started after all, it must have finished before anything is asserted.
    await wait_for_jobs()
    errors: list[dict[str, object]] = result["data"]["startImport"]["userErrors"]
    return errors


async def test_another_schools_set_in_the_shared_directory_is_not_read(island: Island) -> None:
    # The operators dropped school A's set where every school's sets arrive.
    write_school_a_set(island.sets, "a-autumn")
    errors = await _start(island, "a-autumn")
    assert not await models.User.exists(login="a.child.2027")
    assert [e["code"] for e in errors] == ["BAD_USER_INPUT"]


async def test_another_schools_folder_is_out_of_reach(island: Island) -> None:
    school_a = island.world.id("school_A")
    write_school_a_set(island.sets / str(school_a), "autumn")
    for path in (f"../{school_a}/autumn", str(island.sets / str(school_a) / "autumn")):
        errors = await _start(island, path)
        assert not await models.User.exists(login="a.child.2027"), path
        assert [e["code"] for e in errors] == ["PATH_OUTSIDE_IMPORT_DIR"], path


async def test_a_school_reads_the_sets_of_its_own_folder(island: Island) -> None:
    write_set(
        island,
        "b-autumn",
        "b-new-pupil,active,,true,b-school,student,b.new.pupil,,Ilya,Gromov,,,,,,,5,\n",
    )
    job = await import_as_other_admin(island, "b-autumn")
    assert job["status"] == "SUCCEEDED" and job["report"]["rejected"] == 0, job
    pupil = await models.User.get(login="b.new.pupil")
    grants = await models.RoleGrant.filter(user=pupil).values_list("school_id", flat=True)
    assert grants == [island.world.id("school_B")]
