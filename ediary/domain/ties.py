"""An account's ties, as the access policy's viewer is made of them, read in one statement.

The rows behind a viewer (role grants, children, teaching assignments, homerooms and the
enrollments of the account and its children) are read as JSON aggregates in subqueries of
one statement: by themselves for an account already in hand (`of_user`), or beside the
session that names the account (`ediary.domain.auth`), so that a logged-in request knows
who is asking after one round trip. The rules that turn ties into a viewer are the access
policy's (`ediary.domain.access.viewer_of`); this module only reads, and reads everything
those rules might need: which rows count is decided there, by the account's roles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from ediary.domain import sql
from ediary.domain.enums import Role


class Grant(NamedTuple):
    role: Role
    school_id: int | None
    region_id: int | None


class Teaching(NamedTuple):
    class_id: int
    subject_id: int
    school_id: int


class Homeroom(NamedTuple):
    class_id: int
    school_id: int


class Membership(NamedTuple):
    """An enrollment of the account or of one of its children, with its class's school."""

    student_id: int
    class_id: int
    school_id: int
    ends_on: date | None


@dataclass(frozen=True)
class Ties:
    """Everything the access policy builds a viewer from, as the database has it."""

    user_id: int
    login: str
    full_name: str
    grants: tuple[Grant, ...] = ()
    # The students the account is a guardian of, whatever its roles.
    children: frozenset[int] = frozenset()
    teaching: tuple[Teaching, ...] = ()
    homerooms: tuple[Homeroom, ...] = ()
    # Enrollments, ended ones included, of the account itself and of its children.
    memberships: tuple[Membership, ...] = ()


# The aggregates of one account, whose id is the SQL expression `{user}` (a column of the
# outer statement, or a parameter). The members' enrollments are a union rather than an OR
# of the two conditions, so that each side is a lookup in enrollment's index by student.
_TIES = """
COALESCE((SELECT json_agg(json_build_array(g.role, g.school_id, g.region_id))
          FROM role_grant g WHERE g.user_id = {user}), '[]') AS grants,
COALESCE((SELECT json_agg(w.student_id)
          FROM guardianship w WHERE w.parent_id = {user}), '[]') AS children,
COALESCE((SELECT json_agg(json_build_array(t.school_class_id, t.subject_id, c.school_id))
          FROM teaching_assignment t JOIN school_class c ON c.id = t.school_class_id
          WHERE t.teacher_id = {user}), '[]') AS teaching,
COALESCE((SELECT json_agg(json_build_array(c.id, c.school_id))
          FROM school_class c WHERE c.class_teacher_id = {user}), '[]') AS homerooms,
COALESCE((SELECT json_agg(json_build_array(m.student_id, m.class_id, m.school_id, m.ends_on))
          FROM (SELECT e.student_id, e.school_class_id AS class_id, c.school_id, e.ends_on
                FROM enrollment e JOIN school_class c ON c.id = e.school_class_id
                WHERE e.student_id = {user}
                UNION ALL
                SELECT e.student_id, e.school_class_id, c.school_id, e.ends_on
                FROM guardianship w
                JOIN enrollment e ON e.student_id = w.student_id
                JOIN school_class c ON c.id = e.school_class_id
                WHERE w.parent_id = {user}) m), '[]') AS memberships"""


def columns(user: str) -> str:
    """The select-list columns of an account's ties (grants, children, teaching, homerooms,
    memberships), for the account whose id is the SQL expression `user`."""
    return _TIES.format(user=user)


_OF_USER = "SELECT " + columns("$1")


def from_row(row: Mapping[str, Any], user_id: int, login: str, full_name: str) -> Ties:
    """The ties in a row that has the `columns` of the account `user_id`."""
    return Ties(
        user_id=user_id,
        login=login,
        full_name=full_name,
        grants=tuple(
            Grant(Role(role), school_id, region_id)
            for role, school_id, region_id in sql.json_rows(row["grants"])
        ),
        children=frozenset(int(student_id) for student_id in sql.json_rows(row["children"])),
        teaching=tuple(Teaching(*found) for found in sql.json_rows(row["teaching"])),
        homerooms=tuple(Homeroom(*found) for found in sql.json_rows(row["homerooms"])),
        memberships=tuple(
            Membership(
                student_id, class_id, school_id, None if ends_on is None else sql.as_date(ends_on)
            )
            for student_id, class_id, school_id, ends_on in sql.json_rows(row["memberships"])
        ),
    )


async def of_user(user_id: int, login: str, full_name: str) -> Ties:
    """The ties of an account already in hand, in one statement."""
    rows = await sql.fetch(_OF_USER, [user_id])
    return from_row(rows[0], user_id, login, full_name)
