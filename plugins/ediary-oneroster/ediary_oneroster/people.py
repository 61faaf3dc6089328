"""Users, their roles, guardians and demographics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q

from ediary.domain import models
from ediary.domain.bulk import insert_rows
from ediary.domain.enums import Role
from ediary.domain.errors import DomainError, InvalidFields
from ediary.domain.imports import AccountData, save_accounts
from ediary.domain.reach import OutsideReach
from ediary_oneroster.models import Demographic
from ediary_oneroster.reader import (
    Row,
    RowError,
    parse_bool,
    parse_date,
    parse_list,
)
from ediary_oneroster.state import CHUNK, Grant, ImportState

PARENT_ROLES = ("parent", "guardian", "relativecontact")


def _account_code(error: DomainError) -> str:
    """The row problem code of an account the import API refused."""
    if isinstance(error, OutsideReach):
        return "reach.outside"
    if error.field == "login" and not isinstance(error, InvalidFields):
        return "user.login_taken"
    return "user.invalid"


def _account_message(error: DomainError, row: Row) -> str:
    if _account_code(error) == "user.login_taken":
        return f"the login {row.get('username')!r} belongs to another account"
    if isinstance(error, InvalidFields):
        return "; ".join(f"{'.'.join(p.path)}: {p.message}" for p in error.problems)
    return error.message


class PeopleMapper(ImportState):
    """Maps users.csv, roles.csv and demographics.csv."""

    # -- users and roles ---------------------------------------------------------------------

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Users mapped and not yet written, with the roles they ask for.
        self.accounts: list[tuple[Row, AccountData, list[Grant | None]]] = []
        # Roles to give (user, grant) and the count they go to, not yet written.
        self.grants: list[tuple[int, Grant]] = []

    async def _users(self, row: Row) -> None:
        """Map a user; accounts are written a chunk at a time through the import API."""
        login = row.get("username")
        if not login:
            raise RowError("user.username", "username is empty")
        enabled = parse_bool(row.get("enabledUser"), "enabledUser", True)
        found = self.link("user", row.sourced_id)
        account = AccountData(
            login=login[:254],
            first_name=row.get("givenName")[:100],
            last_name=row.get("familyName")[:100],
            middle_name=row.get("middleName")[:100],
            email=row.get("email") or None,
            phone=(row.get("phone") or row.get("sms"))[:32] or None,
            user_id=found[0] if found is not None else None,
            active=enabled and not row.retired,
        )
        # Roles are checked before the account is written: a refused one changes nothing.
        role = row.get("role")
        grants = (
            [
                await self._plan_grant(role, org)
                for org in parse_list(row.get("orgSourcedIds")) or [""]
            ]
            if role
            else []
        )
        self.accounts.append((row, account, grants))
        if len(self.accounts) >= CHUNK:
            await self._flush_users()

    async def _flush_users(self) -> None:
        accounts, self.accounts = self.accounts, []
        saved = await save_accounts(self.scope, [account for _, account, _ in accounts])
        for (row, account, grants), result in zip(accounts, saved, strict=True):
            if isinstance(result, DomainError):
                self.reject("users", row, _account_code(result), _account_message(result, row))
                continue
            user_id = result.user.id
            action = "created" if result.created else ("updated" if result.changed else "unchanged")
            self.out.count("users", action)
            if result.created:
                await self.set_link("user", row.sourced_id, user_id)
            if not account.active:
                self.deactivated.add(user_id)
            if row.retired and action != "unchanged":
                self.out.count("users", "retired")
            for grant in grants:
                self._apply_grant(user_id, grant)
            role = row.get("role")
            for agent in parse_list(row.get("agentSourcedIds")):
                parent_role = role.lower() in PARENT_ROLES if role else None
                self._pairs.append((row, agent, parent_role))
        await self._flush_grants()

    async def _plan_grant(self, role_name: str, org_sid: str) -> Grant | None:
        """The role a row asks for, where; None for a role the diary has no use for. Raises
        RowError for one the importer's reach may not grant."""
        role_name = role_name.lower()
        org = self.orgs.get(org_sid)
        org_type = org.get("type").lower() if org is not None else ""
        school_id = region_id = None
        if org_sid:
            if org_type == "district" or (not org_type and self.link("district", org_sid)):
                region_id = self.core("district", org_sid, what="district")
            else:
                school_id = self.core("org", org_sid, what="school")
        if role_name == "student":
            role = Role.STUDENT
        elif role_name == "teacher":
            role = Role.TEACHER
        elif role_name in PARENT_ROLES:
            role = Role.PARENT
        elif role_name in (
            "administrator",
            "sitea dministrator",
            "districtadministrator",
            "siteadministrator",
            "systemadministrator",
        ):
            role = Role.REGIONAL_OFFICIAL if region_id is not None else Role.SCHOOL_ADMIN
        else:
            self.out.count(f"roles {role_name}", "skipped")
            return None
        if school_id is None and region_id is None:
            raise RowError("role.org", f"the role {role_name!r} needs a school (or a district)")
        if role != Role.REGIONAL_OFFICIAL and school_id is None:
            raise RowError(
                "role.org", f"the role {role_name!r} is held at a school, not a district"
            )
        if not await self.guard.may_grant(role, school_id, region_id):
            raise RowError(
                "reach.role",
                f"the role {role_name!r} there is not one this import may grant",
            )
        return role, school_id, region_id

    def _apply_grant(self, user_id: int, grant: Grant | None) -> None:
        if grant is not None:
            self.grants.append((user_id, grant))

    async def _flush_grants(self) -> None:
        """Give the roles asked for so far that are not held yet, in one insert."""
        grants, self.grants = self.grants, []
        users = sorted({user_id for user_id, _ in grants})
        held: set[tuple[int, Role, int | None, int | None]] = set()
        for start in range(0, len(users), CHUNK):
            rows: list[Any] = await models.RoleGrant.filter(
                user_id__in=users[start : start + CHUNK]
            ).values_list("user_id", "role", "school_id", "region_id")
            held |= {(u, Role(r), s, g) for u, r, s, g in rows}
        new = []
        for user_id, (role, school_id, region_id) in grants:
            key = (user_id, role, school_id, region_id)
            self.out.count("roles", "unchanged" if key in held else "created")
            if key not in held:
                held.add(key)
                new.append(list(key))
        await insert_rows(models.RoleGrant, ("user_id", "role", "school_id", "region_id"), new)

    async def _after_users(self) -> None:
        await self._flush_users()
        if self.data.present("roles"):
            return  # roles.csv says who is a parent: pair them after it
        await self._guardianships()

    async def _guardianships(self) -> None:
        """Link each user to the agents their row names, parent to student, in one insert."""
        pairs: list[tuple[Row, int, int, bool | None]] = []
        for row, agent, parent_role in self._pairs:
            try:
                me = self.core("user", row.sourced_id, what="user")
                other = self.core("user", agent, what="agent")
            except RowError as error:
                self.out.count("guardianships", "rejected")
                self.out.problems.append(
                    row.problem(error.code, f"agentSourcedIds: {error.message}")
                )
                continue
            pairs.append((row, me, other, parent_role))
        self._pairs = []
        users = sorted({me for _, me, _, _ in pairs})
        parents: set[int] = set()
        linked: set[tuple[int, int]] = set()
        for start in range(0, len(users), CHUNK):
            page = users[start : start + CHUNK]
            holders: list[Any] = await models.RoleGrant.filter(
                user_id__in=page, role=Role.PARENT
            ).values_list("user_id", flat=True)
            parents |= {int(user_id) for user_id in holders}
            found: list[Any] = await models.Guardianship.filter(
                Q(parent_id__in=page) | Q(student_id__in=page)
            ).values_list("parent_id", "student_id")
            linked |= {(p, s) for p, s in found}
        new = []
        for _, me, other, parent_role in pairs:
            is_parent = parent_role if parent_role is not None else me in parents
            pair = (me, other) if is_parent else (other, me)
            self.out.count("guardianships", "unchanged" if pair in linked else "created")
            if pair not in linked:
                linked.add(pair)
                new.append([*pair, "parent", datetime.now(UTC)])
        fields = ("parent_id", "student_id", "relation", "created_at")
        await insert_rows(models.Guardianship, fields, new)

    async def _roles(self, row: Row) -> None:
        user_id = self.core("user", row.get("userSourcedId"), what="user")
        if row.retired:
            self.out.count("roles", "kept (tobedeleted)")
            return
        self._apply_grant(user_id, await self._plan_grant(row.get("role"), row.get("orgSourcedId")))

    async def _after_roles(self) -> None:
        await self._flush_grants()
        await self._guardianships()

    # -- demographics --------------------------------------------------------------------

    async def _demographics(self, row: Row) -> None:
        user_id = self.core("user", row.sourced_id, what="user")
        values = {
            "birth_date": parse_date(row.get("birthDate"), "birthDate"),
            "sex": row.get("sex").lower()[:16],
        }
        existing = await Demographic.get_or_none(user_id=user_id)
        if existing is None:
            await Demographic.create(
                user_id=user_id, birth_date=values["birth_date"], sex=values["sex"]
            )
            self.out.count("demographics", "created")
        elif any(getattr(existing, k) != v for k, v in values.items()):
            await Demographic.filter(id=existing.id).update(**values)
            self.out.count("demographics", "updated")
        else:
            self.out.count("demographics", "unchanged")
