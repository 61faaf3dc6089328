"""Each OneRoster test imports into a database of its own (`fresh`, tests/plugins/conftest.py),
so counts start from nothing."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from strawberry import relay

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.auth import SessionKind, hash_password, open_session
from ediary.domain.enums import Role
from ediary.domain.reach import Reach

DATA = Path(__file__).parent / "data"
# The operator importing the hand-made sets: the regions of their two districts.
OPERATOR = Reach(actor_id=None, regions=frozenset({"or-77", "or-12"}), label="operator")


@pytest.fixture
def importing_app(settings: Settings, people: dict[str, Any], tmp_path: Path) -> Starlette:
    # Each school reads the folder named by its id: the test sets go into the school's.
    sets = tmp_path / "sets"
    school = relay.GlobalID.from_id(people["school"]).node_id
    for name in ("v11", "v11-delta"):
        shutil.copytree(DATA / name, sets / school / name)
    extra = {**settings.extra, "EDIARY_IMPORT_DIR": str(sets)}
    return create_app(dataclasses.replace(settings, extra=extra), manage_database=False)


async def _token(login: str, grants: list[tuple[Role, models.School]]) -> str:
    user = await models.User.create(
        login=login, last_name="Test", first_name=login, password_hash=hash_password("x" * 12)
    )
    for role, school in grants:
        await models.RoleGrant.create(user=user, role=role, school=school)
    return (await open_session(user, SessionKind.BEARER, timedelta(days=1))).token


@pytest.fixture
async def people(fresh: str) -> dict[str, Any]:
    region = await models.Region.create(code="r-or", name="Region")
    school = await models.School.create(region=region, name="Imported school", short_name="IS")
    other = await models.School.create(region=region, name="Other school", short_name="OS")
    return {
        "school": str(relay.GlobalID("School", str(school.id))),
        "admin": await _token("or.admin", [(Role.SCHOOL_ADMIN, school)]),
        "teacher": await _token("or.teacher", [(Role.TEACHER, school)]),
        "parent": await _token("or.parent", [(Role.PARENT, other)]),
        "other_admin": await _token("or.admin2", [(Role.SCHOOL_ADMIN, other)]),
    }
