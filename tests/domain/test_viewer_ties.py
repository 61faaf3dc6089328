"""The viewer read with its session in one statement is the viewer the access rules made
from the models row by row, for every kind of tie; and a session that must not work is
refused, whichever way it fails."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from ediary.db import count_statements
from ediary.domain import auth, models, replicas
from ediary.domain.access import (
    FAMILY_ROLES,
    STAFF_ROLES,
    ParentLookback,
    Viewer,
    load_viewer,
    viewer_of,
)
from ediary.domain.auth import SessionKind, open_session
from ediary.domain.enums import Role
from ediary.domain.errors import SessionExpired
from tests import builders

TODAY = date(2026, 11, 25)
FIRST_DAY = date(2026, 9, 1)


async def _viewer_row_by_row(
    user: models.User,
    parent_lookback: ParentLookback,
    today: date,
) -> Viewer:
    """The access rules as they were written before the one statement: the models read one
    query at a time. The reference the new path must agree with, field by field."""
    grants = await models.RoleGrant.filter(user_id=user.id).values("role", "school_id", "region_id")
    roles = {Role(g["role"]) for g in grants}
    by_role: dict[Role, set[int]] = {}
    regions: set[int] = set()
    for grant in grants:
        if grant["school_id"] is not None:
            by_role.setdefault(Role(grant["role"]), set()).add(grant["school_id"])
        if grant["role"] == Role.REGIONAL_OFFICIAL and grant["region_id"] is not None:
            regions.add(grant["region_id"])
    children: set[int] = set()
    if Role.PARENT in roles:
        rows = await models.Guardianship.filter(parent_id=user.id).values("student_id")
        children = {row["student_id"] for row in rows}
    teaches: set[tuple[int, int]] = set()
    homerooms: set[int] = set()
    schools: set[int] = set()
    for role, where in by_role.items():
        if role not in FAMILY_ROLES:
            schools |= where
    staff_schools: set[int] = set()
    for role in STAFF_ROLES:
        staff_schools |= by_role.get(role, set())
    if Role.TEACHER in roles:
        rows = await models.TeachingAssignment.filter(teacher_id=user.id).values(
            "school_class_id", "subject_id", "school_class__school_id"
        )
        teaches = {(r["school_class_id"], r["subject_id"]) for r in rows}
        schools |= {r["school_class__school_id"] for r in rows}
        homeroom_rows = await models.SchoolClass.filter(class_teacher_id=user.id).values(
            "id", "school_id"
        )
        homerooms = {r["id"] for r in homeroom_rows}
        if homerooms:
            roles.add(Role.CLASS_TEACHER)
        schools |= {r["school_id"] for r in homeroom_rows}
        staff_schools |= {r["school_class__school_id"] for r in rows}
        staff_schools |= {r["school_id"] for r in homeroom_rows}
    members = children | ({user.id} if Role.STUDENT in roles else set())
    member_classes: set[int] = set()
    diary_schools: set[int] = set()
    if members:
        rows = await models.Enrollment.filter(student_id__in=members).values(
            "school_class_id", "school_class__school_id", "ends_on"
        )
        diary_schools = {r["school_class__school_id"] for r in rows}
        current = [r for r in rows if r["ends_on"] is None or r["ends_on"] >= today]
        member_classes = {r["school_class_id"] for r in current}
        schools |= {r["school_class__school_id"] for r in current}
    return Viewer(
        user_id=user.id,
        login=user.login,
        full_name=user.full_name,
        roles=frozenset(roles),
        children=frozenset(children),
        teaches=frozenset(teaches),
        homerooms=frozenset(homerooms),
        admin_schools=frozenset(by_role.get(Role.SCHOOL_ADMIN, ())),
        health_schools=frozenset(by_role.get(Role.HEALTH_WORKER, ())),
        official_regions=frozenset(regions),
        member_classes=frozenset(member_classes),
        schools=frozenset(schools),
        diary_schools=frozenset(diary_schools),
        staff_schools=frozenset(staff_schools),
        parent_lookback=parent_lookback,
    )


@dataclass
class Town:
    """Two schools in two regions, three classes, and an account for every kind of tie."""

    tag: str
    ids: dict[str, int] = field(default_factory=dict)
    users: dict[str, models.User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    async def user(self, name: str, *grants: tuple[Role, int | None, int | None]) -> models.User:
        user = await models.User.create(
            login=f"{self.tag}-{name}", last_name="Orlova", first_name=name, middle_name="Ivanovna"
        )
        for role, school_id, region_id in grants:
            await models.RoleGrant.create(
                user=user, role=role, school_id=school_id, region_id=region_id
            )
        self.users[name] = user
        self.ids[name] = user.id
        self.tokens[name] = (await open_session(user, SessionKind.BEARER, timedelta(days=1))).token
        return user


async def _school(town: Town, key: str, region: models.Region) -> None:
    school = await models.School.create(region=region, name=f"School {key}", short_name=key)
    year = await models.AcademicYear.create(
        school=school, name="2026/2027", starts_on=FIRST_DAY, ends_on=date(2027, 5, 31)
    )
    town.ids[f"school_{key}"] = school.id
    town.ids[f"year_{key}"] = year.id


@pytest.fixture(scope="module")
async def town(database: str) -> Town:
    town = Town(uuid.uuid4().hex[:8])
    north = await models.Region.create(code=f"n{town.tag}", name="North")
    south = await models.Region.create(code=f"s{town.tag}", name="South")
    town.ids["north"], town.ids["south"] = north.id, south.id
    await _school(town, "N", north)
    await _school(town, "S", south)
    n, s = town.ids["school_N"], town.ids["school_S"]

    both = await town.user("teacher", (Role.TEACHER, n, None))
    for key, school, grade, teacher in (
        ("class_n6", n, 6, None),
        ("class_n7", n, 7, both),
        ("class_s5", s, 5, None),
        ("class_s9", s, 9, None),
    ):
        created = await models.SchoolClass.create(
            school_id=school,
            academic_year_id=town.ids[f"year_{'N' if school == n else 'S'}"],
            grade=grade,
            letter="A",
            class_teacher=teacher,
        )
        town.ids[key] = created.id
    algebra = await models.Subject.create(school_id=n, name="Algebra", short_name="Alg")
    physics = await models.Subject.create(school_id=n, name="Physics", short_name="Phys")
    town.ids["algebra"], town.ids["physics"] = algebra.id, physics.id
    # A teacher of two subjects in one class who also leads another.
    for subject in (algebra, physics):
        await models.TeachingAssignment.create(
            teacher=both, school_class_id=town.ids["class_n6"], subject=subject
        )

    async def enroll(student: models.User, key: str, ends_on: date | None = None) -> None:
        await models.Enrollment.create(
            student=student, school_class_id=town.ids[key], starts_on=FIRST_DAY, ends_on=ends_on
        )

    # A parent of two children in two schools, one of whom left a class for another.
    parent = await town.user("parent", (Role.PARENT, n, None), (Role.PARENT, s, None))
    older = await town.user("older", (Role.STUDENT, n, None))
    younger = await town.user("younger", (Role.STUDENT, s, None))
    await enroll(older, "class_n6")
    await enroll(younger, "class_s5", ends_on=date(2026, 10, 30))
    await enroll(younger, "class_s9")
    for child in (older, younger):
        await models.Guardianship.create(parent=parent, student=child)

    # A student whose only enrollment ended: the school's diary frame stays, the class goes.
    left = await town.user("left", (Role.STUDENT, n, None))
    await enroll(left, "class_n7", ends_on=date(2026, 10, 1))
    # A student enrolled for a class that starts later is tied to it already.
    future = await town.user("future", (Role.STUDENT, s, None))
    await models.Enrollment.create(
        student=future,
        school_class_id=town.ids["class_s9"],
        starts_on=date(2027, 1, 10),
        ends_on=date(2027, 5, 31),
    )

    await town.user("official", (Role.REGIONAL_OFFICIAL, None, north.id))
    await town.user("admin", (Role.SCHOOL_ADMIN, s, None))
    await town.user("nurse", (Role.HEALTH_WORKER, n, None))
    await town.user("nobody")

    # Rows that count for nothing without the role that goes with them: a guardianship of
    # an account that is no parent, a homeroom and assignment of one that is no teacher,
    # an enrollment of one that is no student.
    stray = await town.user("stray", (Role.SCHOOL_ADMIN, n, None))
    await models.Guardianship.create(parent=stray, student=left)
    await models.SchoolClass.filter(id=town.ids["class_s9"]).update(class_teacher_id=stray.id)
    await models.TeachingAssignment.create(
        teacher=stray, school_class_id=town.ids["class_s5"], subject=algebra
    )
    await enroll(stray, "class_s5")
    # A student who is also a parent: their own enrollment and their child's both count.
    both_ways = await town.user("student_parent", (Role.STUDENT, s, None), (Role.PARENT, n, None))
    await enroll(both_ways, "class_s9")
    await models.Guardianship.create(parent=both_ways, student=older)
    return town


def _lookback(region_code: str | None) -> int | None:
    return 30 if region_code else None


KINDS = [
    "parent",
    "older",
    "younger",
    "teacher",
    "left",
    "future",
    "official",
    "admin",
    "nurse",
    "nobody",
    "stray",
    "student_parent",
]


@pytest.mark.parametrize("name", KINDS)
async def test_the_session_brings_the_viewer_the_rules_make_row_by_row(
    town: Town, name: str
) -> None:
    user = town.users[name]
    expected = await _viewer_row_by_row(user, _lookback, TODAY)
    resolved = await auth.resolve_session(town.tokens[name])
    assert resolved.session.user_id == user.id
    by_session = viewer_of(resolved.ties, _lookback, TODAY)
    assert by_session == expected
    assert by_session.parent_lookback is _lookback
    # The same rules for an account already in hand.
    assert await load_viewer(user, _lookback, TODAY) == expected
    with_version, version = await auth.resolve_session_at_version(town.tokens[name])
    assert viewer_of(with_version.ties, _lookback, TODAY) == expected
    assert version


async def test_what_each_kind_of_tie_grants(town: Town) -> None:
    ids = town.ids

    async def viewer(name: str) -> Viewer:
        return viewer_of(
            (await auth.resolve_session(town.tokens[name])).ties, builders.no_window, TODAY
        )

    parent = await viewer("parent")
    assert parent.full_name == "Orlova parent Ivanovna"
    assert parent.login == f"{town.tag}-parent"
    assert parent.children == {ids["older"], ids["younger"]}
    assert parent.member_classes == {ids["class_n6"], ids["class_s9"]}
    assert parent.diary_schools == {ids["school_N"], ids["school_S"]}
    assert parent.schools == {ids["school_N"], ids["school_S"]}
    assert parent.staff_schools == frozenset()

    teacher = await viewer("teacher")
    assert teacher.roles == {Role.TEACHER, Role.CLASS_TEACHER}
    assert teacher.teaches == {
        (ids["class_n6"], ids["algebra"]),
        (ids["class_n6"], ids["physics"]),
    }
    assert teacher.homerooms == {ids["class_n7"]}
    assert teacher.staff_schools == {ids["school_N"]}

    left = await viewer("left")
    assert left.member_classes == frozenset()
    assert left.diary_schools == {ids["school_N"]}
    assert left.schools == frozenset()
    assert (await viewer("future")).member_classes == {ids["class_s9"]}

    assert (await viewer("official")).official_regions == {ids["north"]}
    assert (await viewer("official")).schools == frozenset()
    admin = await viewer("admin")
    assert admin.admin_schools == admin.staff_schools == admin.schools == {ids["school_S"]}
    assert (await viewer("nurse")).health_schools == {ids["school_N"]}

    nobody = await viewer("nobody")
    assert nobody.is_authenticated
    assert nobody.roles == frozenset()
    assert nobody.schools == nobody.children == frozenset()

    stray = await viewer("stray")
    assert stray.roles == {Role.SCHOOL_ADMIN}
    assert stray.children == stray.homerooms == frozenset()
    assert stray.teaches == frozenset()
    assert stray.member_classes == stray.diary_schools == frozenset()


async def test_a_session_and_its_viewer_cost_one_statement(town: Town) -> None:
    with count_statements() as count:
        resolved, _ = await auth.resolve_session_at_version(town.tokens["parent"])
        viewer_of(resolved.ties, builders.no_window, TODAY)
    assert count.value == 1
    with count_statements() as count:
        await load_viewer(town.users["teacher"], builders.no_window, TODAY)
    assert count.value == 1


async def test_the_session_row_carries_what_its_users_read(town: Town) -> None:
    user = await town.user("cookie-holder")
    opened = await open_session(user, SessionKind.COOKIE, timedelta(hours=2))
    resolved = await auth.resolve_session(opened.token)
    stored = await models.Session.get(token_hash=auth.token_digest(opened.token))
    assert resolved.session == auth.LiveSession(
        id=stored.id,
        user_id=user.id,
        kind=SessionKind.COOKIE,
        csrf_token=opened.csrf_token,
        expires_at=stored.expires_at,
        # A session just opened reads on the primary until its login's position is recorded.
        write_lsn=replicas.UNRECORDED,
    )
    assert resolved.session.expires_at.tzinfo is not None


async def _refuse(token: str) -> None:
    with pytest.raises(SessionExpired):
        await auth.resolve_session(token)
    with pytest.raises(SessionExpired):
        await auth.resolve_session_at_version(token)


async def test_an_unknown_token_is_refused(town: Town) -> None:
    await _refuse("not-a-token-anyone-was-given")


async def test_a_revoked_session_is_refused(town: Town) -> None:
    user = await town.user("revoked")
    await models.Session.filter(user_id=user.id).update(revoked_at=datetime.now(UTC))
    await _refuse(town.tokens["revoked"])


async def test_an_expired_session_is_refused(town: Town) -> None:
    user = await town.user("expired")
    opened = await open_session(user, SessionKind.BEARER, timedelta(seconds=-1))
    await _refuse(opened.token)
    # The account's other session, still live, works.
    assert (await auth.resolve_session(town.tokens["expired"])).session.user_id == user.id


async def test_a_session_of_a_deactivated_account_is_refused(town: Town) -> None:
    user = await town.user("deactivated")
    await models.User.filter(id=user.id).update(is_active=False)
    await _refuse(town.tokens["deactivated"])
