"""Users, their roles, guardians and demographics."""

from __future__ import annotations

from typing import Any

from ediary.domain import models
from ediary.domain.enums import Role
from ediary_oneroster.models import Demographic
from ediary_oneroster.reader import (
    Row,
    RowError,
    parse_bool,
    parse_date,
    parse_list,
)
from ediary_oneroster.state import Grant, ImportState, outside

PARENT_ROLES = ("parent", "guardian", "relativecontact")


class PeopleMapper(ImportState):
    """Maps users.csv, roles.csv and demographics.csv."""

    # -- users and roles ---------------------------------------------------------------------

    async def _users(self, row: Row) -> None:
        login = row.get("username")
        if not login:
            raise RowError("user.username", "username is empty")
        enabled = parse_bool(row.get("enabledUser"), "enabledUser", True)
        values: dict[str, Any] = {
            "login": login[:254],
            "first_name": row.get("givenName")[:100],
            "last_name": row.get("familyName")[:100],
            "middle_name": row.get("middleName")[:100],
            "email": row.get("email") or None,
            "phone": (row.get("phone") or row.get("sms"))[:32] or None,
            "is_active": enabled and not row.retired,
        }
        found = self.link("user", row.sourced_id)
        user_id = found[0] if found is not None else None
        collision = await self.guard.account_collision(
            user_id, login=values["login"], email=values["email"]
        )
        if collision == "outside":
            raise outside()
        if collision == "inside":
            raise RowError("user.login_taken", f"the login {login!r} belongs to another account")
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
        before = self.out.counts["users created"]
        user_id, action = await self.upsert(models.User, "user", row.sourced_id, values)
        if self.out.counts["users created"] > before:
            self.guard.adopt_user(user_id)
        if not values["is_active"]:
            self.deactivated.add(user_id)
        if row.retired and (action != "unchanged" or self.out.counts["users created"] > before):
            self.out.count("users", "retired")
        for grant in grants:
            await self._apply_grant(user_id, grant)
        for agent in parse_list(row.get("agentSourcedIds")):
            parent_role = role.lower() in PARENT_ROLES if role else None
            self._pairs.append((row, agent, parent_role))

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

    async def _apply_grant(self, user_id: int, grant: Grant | None) -> None:
        if grant is None:
            return
        role, school_id, region_id = grant
        _, created = await models.RoleGrant.get_or_create(
            user_id=user_id, role=role, school_id=school_id, region_id=region_id
        )
        self.out.count("roles", "created" if created else "unchanged")

    async def _after_users(self) -> None:
        if self.data.present("roles"):
            return  # roles.csv says who is a parent: pair them after it
        await self._guardianships()

    async def _guardianships(self) -> None:
        for row, agent, parent_role in self._pairs:
            try:
                me = self.core("user", row.sourced_id, what="user")
                other = self.core("user", agent, what="agent")
                if parent_role is None:
                    grants = await models.RoleGrant.filter(user_id=me, role=Role.PARENT).exists()
                    parent_role = grants
                parent, student = (me, other) if parent_role else (other, me)
                _, created = await models.Guardianship.get_or_create(
                    parent_id=parent, student_id=student
                )
                self.out.count("guardianships", "created" if created else "unchanged")
            except RowError as error:
                self.out.count("guardianships", "rejected")
                self.out.problems.append(
                    row.problem(error.code, f"agentSourcedIds: {error.message}")
                )
        self._pairs = []

    async def _roles(self, row: Row) -> None:
        user_id = self.core("user", row.get("userSourcedId"), what="user")
        if row.retired:
            self.out.count("roles", "kept (tobedeleted)")
            return
        await self._apply_grant(
            user_id, await self._plan_grant(row.get("role"), row.get("orgSourcedId"))
        )

    async def _after_roles(self) -> None:
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
