"""Mapping a OneRoster set onto the diary, in one transaction, idempotent by sourcedId.

See docs/import.md for the mapping. Each row is checked, mapped and written on its own, so
memory holds only sourcedId-to-id maps, never the rows; rows that cannot be mapped are
rejected with a Problem and the rest is imported. Problems with the whole set (SetError)
roll everything back.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from ediary.config import Settings
from ediary.domain import models
from ediary.domain.enums import MarkAction, Role, WorkKind
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy
from ediary.domain.journal.history import Change, append, record_imported, state_of
from ediary.domain.reach import OutsideReach, Reach, ReachGuard
from ediary.domain.session_end import EndReason, end_sessions
from ediary_oneroster.models import Demographic, SourceLink
from ediary_oneroster.reader import (
    FILES,
    Limits,
    OneRosterSet,
    Problem,
    ReadOptions,
    Row,
    RowError,
    SetError,
    open_set,
    parse_bool,
    parse_date,
    parse_list,
)

PolicyFor = Callable[[str], RegionPolicy]
# A role grant a row asks for: the role, its school, its region.
Grant = tuple[Role, int | None, int | None]
Progress = Callable[[int], None]

# The reason written into the history of marks an import creates, changes or retires.
HISTORY_REASON = "OneRoster import"
TERM_TYPES = ("term", "semester", "gradingperiod")
PARENT_ROLES = ("parent", "guardian", "relativecontact")
KIND_WORDS: dict[str, WorkKind] = {kind.value: kind for kind in WorkKind}
KIND_WORDS.update(
    {
        "assignment": WorkKind.HOMEWORK,
        "homework assignment": WorkKind.HOMEWORK,
        "examination": WorkKind.EXAM,
        "final exam": WorkKind.EXAM,
        "laboratory": WorkKind.LAB,
        "class work": WorkKind.CLASSWORK,
        "oral answer": WorkKind.ORAL,
    }
)
CLASS_TITLE = re.compile(r"^\s*(\d{1,2})\s*[-\s]?\s*([^\W\d_]{0,8})\s*$")
# The diary table each kind of source link points into, so the reach can say whose it is.
LINKED_MODELS: dict[str, Any] = {
    "district": models.Region,
    "org": models.School,
    "year": models.AcademicYear,
    "session": models.Term,
    "course": models.Subject,
    "class": models.SchoolClass,
    "user": models.User,
    "enrollment": models.Enrollment,
    "result": models.Mark,
}


LABELS = {
    "Region": "regions",
    "School": "schools",
    "AcademicYear": "academic years",
    "Term": "terms",
    "Subject": "subjects",
    "SchoolClass": "classes",
    "User": "users",
    "Enrollment": "enrollments",
    "Mark": "marks",
}


class _Rollback(Exception):
    """Leaves the transaction of a dry run."""


@dataclass
class Outcome:
    """What an import did (or would do): counts by kind and action, and rejected rows."""

    dry_run: bool
    version: str = ""
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    # What reading mapped onto the standard, once per file and kind (`ReadOptions`).
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, action: str) -> None:
        self.counts[f"{kind} {action}"] += 1


def _default_policy(region_code: str) -> RegionPolicy:
    return DEFAULT_POLICY


def _outside() -> RowError:
    return RowError("reach.outside", OutsideReach.default_message)


class Importer:
    """One import of one set, as the actor of a reach: a reach of exactly one school (an
    administrator's, or `--school`) maps the set's school onto it."""

    def __init__(
        self,
        data: OneRosterSet,
        outcome: Outcome,
        policy_for: PolicyFor,
        guard: ReachGuard,
        progress: Progress | None = None,
        *,
        today: date,
    ) -> None:
        self.data = data
        self.guard = guard
        # Who the history of changed marks names; without one (the command line), the author.
        self.actor_id = guard.actor_id
        self.conn: BaseDBAsyncClient | None = None
        self.new_marks: list[int] = []
        # Accounts the set disables or retires: their sessions end with the import's commit.
        self.deactivated: set[int] = set()
        self._pairs: list[tuple[Row, str, bool | None]] = []
        self.out = outcome
        self._policy_for = policy_for
        self._policies: dict[str, RegionPolicy] = {}
        self._class_cache: dict[int, models.SchoolClass] = {}
        self._terms: dict[tuple[int, date], int | None] = {}
        self.progress = progress or (lambda n: None)
        self.school_id = guard.reach.school
        self.today = today
        self.links: dict[tuple[str, str, str], tuple[int | None, Any]] = {}
        # Links to what the reach does not own: never read, changed nor linked to.
        self.foreign: set[tuple[str, str, str]] = set()
        self.orgs: dict[str, Row] = {}
        self.sessions: dict[str, Row] = {}
        self.courses: dict[str, Row] = {}
        self.region_of_school: dict[str, int] = {}
        self.region_codes: dict[int, str] = {}
        self.homeroom_of: dict[int, int | None] = {}
        self.rejected: set[tuple[str, str]] = set()
        self.touched: set[tuple[str, str, str]] = set()

    def policy_for(self, region_code: str) -> RegionPolicy:
        if region_code not in self._policies:
            self._policies[region_code] = self._policy_for(region_code)
        return self._policies[region_code]

    async def school_class(self, class_id: int) -> models.SchoolClass:
        if class_id not in self._class_cache:
            self._class_cache[class_id] = await _class(class_id)
        return self._class_cache[class_id]

    async def term_on(self, year_id: int, day: date) -> int | None:
        if (year_id, day) not in self._terms:
            term = await models.Term.filter(
                academic_year_id=year_id, starts_on__lte=day, ends_on__gte=day
            ).first()
            self._terms[(year_id, day)] = term.id if term else None
        return self._terms[(year_id, day)]

    # -- links -------------------------------------------------------------------------------

    async def _load_links(self) -> None:
        """Every link, sorted into the reach's own and the others (`foreign`): sourcedIds
        are one namespace for the whole diary, so a set may name another school's objects."""
        rows = await SourceLink.all().values_list("kind", "sourced_id", "scope", "core_id", "extra")
        ids: dict[str, set[int]] = defaultdict(set)
        for kind, _, _, core_id, _ in rows:
            if core_id is not None and kind in LINKED_MODELS:
                ids[kind].add(core_id)
        owned = {
            kind: await self.guard.owned_ids(LINKED_MODELS[kind], found)
            for kind, found in ids.items()
        }
        homerooms = await self.guard.owned_ids(
            models.SchoolClass,
            (
                extra["homeroom"]
                for kind, _, _, core_id, extra in rows
                if kind == "enrollment" and core_id is None and extra
            ),
        )
        # Links without a diary row belong where what they name belongs: scheduled classes
        # to their school, line items to their class; categories are a shared vocabulary.
        later: list[tuple[str, str, str, Any]] = []
        for kind, sid, scope, core_id, extra in rows:
            key = (kind, sid, scope)
            if core_id is not None:
                mine = core_id in owned.get(kind, set())
            elif kind == "enrollment":
                mine = bool(extra) and extra.get("homeroom") in homerooms
            elif kind in ("class", "lineItem"):
                later.append((kind, sid, scope, extra))
                continue
            else:
                mine = kind == "category"
            self._sort_link(key, core_id, extra, mine)
        for kind, sid, scope, extra in sorted(later):  # "class" before "lineItem"
            parent = ("org", extra.get("school", ""), "") if kind == "class" else None
            if kind == "lineItem":
                parent = ("class", extra.get("class", ""), "")
            mine = parent in self.links
            self._sort_link((kind, sid, scope), None, extra, mine)

    def _sort_link(
        self, key: tuple[str, str, str], core_id: int | None, extra: Any, mine: bool
    ) -> None:
        if mine:
            self.links[key] = (core_id, extra)
        else:
            self.foreign.add(key)

    def link(self, kind: str, sid: str, scope: str = "") -> tuple[int | None, Any] | None:
        """What a sourcedId was imported into, if the reach owns it; a row that names what
        someone else owns is rejected, saying no more than that."""
        if (kind, sid, scope) in self.foreign:
            raise _outside()
        return self.links.get((kind, sid, scope))

    def peek(self, kind: str, sid: str, scope: str = "") -> tuple[int | None, Any] | None:
        """`link` for second passes: what the reach does not own is simply not there."""
        return self.links.get((kind, sid, scope))

    async def set_link(
        self, kind: str, sid: str, core_id: int | None, extra: Any = None, scope: str = ""
    ) -> None:
        key = (kind, sid, scope)
        if key in self.foreign:
            raise _outside()
        if key in self.links:
            if self.links[key] != (core_id, extra):
                await SourceLink.filter(kind=kind, sourced_id=sid, scope=scope).update(
                    core_id=core_id, extra=extra
                )
        else:
            await SourceLink.create(
                kind=kind, sourced_id=sid, scope=scope, core_id=core_id, extra=extra
            )
        self.links[key] = (core_id, extra)

    def core(self, kind: str, sid: str, scope: str = "", what: str = "") -> int:
        found = self.link(kind, sid, scope)
        if found is None or found[0] is None:
            if (kind, sid) in self.rejected:
                raise RowError("reference.rejected", f"{what or kind} {sid!r} was rejected above")
            raise RowError(
                "reference.missing", f"{what or kind} {sid!r} is not in the set or the diary"
            )
        return found[0]

    async def upsert(
        self, model: Any, kind: str, sid: str, values: dict[str, Any], scope: str = ""
    ) -> tuple[int, str]:
        """Create or update the object linked to `sid`; returns its id and what happened."""
        label = LABELS[model.__name__]
        found = self.link(kind, sid, scope)
        if (kind, sid, scope) in self.touched and found is not None and found[0] is not None:
            return found[0], "unchanged"
        self.touched.add((kind, sid, scope))
        if found is not None and found[0] is not None:
            obj = await model.get_or_none(id=found[0])
            if obj is not None:
                changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
                if changed:
                    await model.filter(id=obj.id).update(**changed)
                    self.out.count(label, "updated")
                    if model is models.Mark:
                        await self._mark_changed(obj, changed)
                else:
                    self.out.count(label, "unchanged")
                return int(obj.id), "updated" if changed else "unchanged"
        obj = await model.create(**values)
        if model is models.Mark:
            self.new_marks.append(obj.id)
        await self.set_link(kind, sid, obj.id, scope=scope)
        self.out.count(label, "created")
        return int(obj.id), "created"

    # -- mark history ------------------------------------------------------------------------

    async def _history(self, changes: list[Change]) -> None:
        assert self.conn is not None
        await append(self.conn, changes, datetime.now(UTC))

    async def _mark_changed(self, mark: models.Mark, changed: dict[str, Any]) -> None:
        """A correction event for a mark a newer set changed."""
        before = state_of(mark)
        for name, value in changed.items():
            setattr(mark, name, value)
        actor = self.actor_id or mark.author_id
        await self._history([Change(mark, MarkAction.CORRECT, actor, before, HISTORY_REASON)])

    async def _record_new_marks(self) -> None:
        """Start the history of the marks this import created, a page at a time."""
        assert self.conn is not None
        page = 2000
        for start in range(0, len(self.new_marks), page):
            ids = self.new_marks[start : start + page]
            marks = await models.Mark.filter(id__in=ids).order_by("id")
            await record_imported(self.conn, marks, reason=HISTORY_REASON)
        self.new_marks.clear()

    # -- driving -----------------------------------------------------------------------------

    async def run(self) -> None:
        await self._load_links()
        for name in FILES:
            if not self.data.present(name):
                continue
            handler = getattr(self, f"_{name}")
            for row in self.data.rows(name):
                self.out.rows += 1
                self.progress(1)
                if "__width__" in row.cells:
                    self.out.problems.append(
                        row.problem(
                            "row.width",
                            f"the row has {row.cells['__width__']} cells, the header another number",
                        )
                    )
                    continue
                try:
                    if row.error is not None:
                        raise row.error
                    await self._check_common(row)
                    await handler(row)
                except RowError as error:
                    self.rejected.add((name, row.sourced_id))
                    self.out.count(name, "rejected")
                    self.out.problems.append(
                        row.problem(error.code, f"{row.sourced_id}: {error.message}")
                    )
            after = getattr(self, f"_after_{name}", None)
            if after is not None:
                await after()
        await self._record_new_marks()
        # Open WebSockets of these accounts close at the next session check of each server
        # process (EDIARY_WS_SESSION_CHECK_SECONDS): an import may run in another program.
        await end_sessions(EndReason.DEACTIVATED, user_ids=self.deactivated)

    async def _check_common(self, row: Row) -> None:
        if not row.sourced_id:
            raise RowError("value.required", "sourcedId is empty")
        if row.status not in ("", "active", "tobedeleted"):
            raise RowError(
                "value.status", f"status {row.status!r} is not empty, active or tobedeleted"
            )
        from ediary_oneroster.reader import parse_datetime

        parse_datetime(row.get("dateLastModified"), "dateLastModified")

    # -- orgs --------------------------------------------------------------------------------

    async def _orgs(self, row: Row) -> None:
        self.orgs[row.sourced_id] = row
        kind = row.get("type").lower()
        if kind == "district":
            code = row.get("identifier") or row.sourced_id
            if self.school_id is not None:
                # The school's region, for this import only: a school owns no region, so the
                # district's link (shared by every school of it) is left as it is.
                school = await models.School.get(id=self.school_id)
                region_id = school.region_id
                self.foreign.discard(("district", row.sourced_id, ""))
                self.links[("district", row.sourced_id, "")] = (region_id, None)
                self.out.count("regions", "unchanged")
            else:
                if not self.guard.may_use_region_code(code[:32]):
                    raise RowError(
                        "reach.region",
                        f"region {code!r} is not one this import was given (--region)",
                    )
                found = self.link("district", row.sourced_id)
                existing = None
                if found is None:
                    existing = await models.Region.get_or_none(code=code)
                    if existing is not None:
                        await self.set_link("district", row.sourced_id, existing.id)
                region = {"code": code[:32], "name": row.get("name")[:200]}
                if row.supplied and (found or existing):
                    del region["name"]  # the region the import was given keeps its name
                region_id, _ = await self.upsert(models.Region, "district", row.sourced_id, region)
            self.region_codes[region_id] = code
            if row.retired:
                self.out.count("regions", "kept (tobedeleted)")
        elif kind == "school":
            parent = row.get("parentSourcedId")
            found_parent = self.link("district", parent) if parent else None
            if found_parent is None or found_parent[0] is None:
                raise RowError(
                    "org.no_district",
                    f"school {row.get('name')!r} needs a parent district in the set",
                )
            region_id = found_parent[0]
            values = {
                "name": row.get("name")[:300],
                "short_name": (row.get("identifier") or row.get("name"))[:100],
                "region_id": region_id,
            }
            if self.school_id is not None:
                key = ("org", row.sourced_id, "")
                found = self.links.get(key)
                if key in self.foreign or (found is not None and found[0] != self.school_id):
                    raise SetError(
                        "scope.school",
                        f"school {row.sourced_id!r}: {OutsideReach.default_message}",
                    )
                if any(
                    r.get("type").lower() == "school"
                    for s, r in self.orgs.items()
                    if s != row.sourced_id
                ):
                    raise SetError(
                        "scope.school", "the set has more than one school; import your school only"
                    )
                await self.set_link("org", row.sourced_id, self.school_id)
                self.out.count("schools", "unchanged")
            else:
                await self.upsert(models.School, "org", row.sourced_id, values)
            self.region_of_school[row.sourced_id] = region_id
        else:
            self.out.count(f"orgs of type {kind or '?'}", "skipped")

    # -- academic sessions, created per school when a class needs them ---------------------

    async def _academicSessions(self, row: Row) -> None:
        kind = row.get("type").lower()
        if kind not in ("schoolyear", *TERM_TYPES):
            raise RowError(
                "session.type", f"type {kind!r} is not schoolYear, term, semester or gradingPeriod"
            )
        starts = parse_date(row.get("startDate"), "startDate")
        ends = parse_date(row.get("endDate"), "endDate")
        if starts is None or ends is None or ends < starts:
            raise RowError("session.dates", "startDate and endDate are required, start before end")
        if kind == "schoolyear" and len(row.get("title")) > 20:
            raise RowError("session.title", "a school year title has at most 20 characters")
        self.sessions[row.sourced_id] = row
        self.out.count("academicSessions", "read")
        # Update what earlier imports made of it, for every school.
        for (k, sid, scope), (core_id, _) in list(self.links.items()):
            if k in ("session", "year") and sid == row.sourced_id and core_id is not None:
                model: Any = models.AcademicYear if kind == "schoolyear" else models.Term
                values: dict[str, Any] = {"starts_on": starts, "ends_on": ends}
                if kind == "schoolyear":
                    values["name"] = row.get("title")
                obj = await model.get_or_none(id=core_id)
                if obj is not None and any(getattr(obj, f) != v for f, v in values.items()):
                    await model.filter(id=core_id).update(**values)
                    self.out.count("years and terms", "updated")
                _ = scope

    def _year_of(self, session_sid: str) -> str:
        seen: set[str] = set()
        sid = session_sid
        while sid and sid not in seen:
            seen.add(sid)
            row = self.sessions.get(sid)
            if row is None:
                break
            if row.get("type").lower() == "schoolyear":
                return sid
            parent = row.get("parentSourcedId")
            if not parent:
                year = row.get("schoolYear")
                for other, candidate in self.sessions.items():
                    if (
                        candidate.get("type").lower() == "schoolyear"
                        and candidate.get("schoolYear") == year
                    ):
                        return other
            sid = parent
        raise RowError(
            "session.no_year", f"session {session_sid!r} belongs to no schoolYear in the set"
        )

    async def ensure_year(self, school_sid: str, term_sids: list[str]) -> int:
        """The academic year (and its terms) of a class, created for the school if needed."""
        for term_sid in term_sids:
            found = self.link("session", term_sid, school_sid)
            if found is not None and term_sid not in self.sessions:
                term = await models.Term.get(id=found[0])
                return term.academic_year_id
        if not term_sids:
            raise RowError("class.terms", "termSourcedIds is empty")
        year_sid = self._year_of(term_sids[0])
        year_row = self.sessions[year_sid]
        school_id = self.core("org", school_sid, what="school")
        year_id, _ = await self.upsert(
            models.AcademicYear,
            "year",
            year_sid,
            {
                "school_id": school_id,
                "name": year_row.get("title"),
                "starts_on": parse_date(year_row.get("startDate"), "startDate"),
                "ends_on": parse_date(year_row.get("endDate"), "endDate"),
            },
            scope=school_sid,
        )
        leaves = [
            sid
            for sid, row in self.sessions.items()
            if row.get("type").lower() in TERM_TYPES
            and self._year_of(sid) == year_sid
            and not any(
                other.get("parentSourcedId") == sid and other.get("type").lower() in TERM_TYPES
                for other in self.sessions.values()
            )
        ]
        leaves.sort(key=lambda sid: (self.sessions[sid].get("startDate"), sid))
        for number, sid in enumerate(leaves, start=1):
            found = self.link("session", sid, school_sid)
            if found is not None:
                continue
            taken = [term.number for term in await models.Term.filter(academic_year_id=year_id)]
            row = self.sessions[sid]
            term = await models.Term.create(
                academic_year_id=year_id,
                number=number if number not in taken else max(taken, default=0) + 1,
                starts_on=parse_date(row.get("startDate"), "startDate"),
                ends_on=parse_date(row.get("endDate"), "endDate"),
            )
            await self.set_link("session", sid, term.id, scope=school_sid)
            self.out.count("terms", "created")
        return year_id

    # -- courses: subjects per school, created when a class needs one ----------------------

    async def _courses(self, row: Row) -> None:
        self.courses[row.sourced_id] = row
        self.out.count("courses", "read")

    async def ensure_subject(self, course_sid: str, school_sid: str) -> int:
        found = self.link("course", course_sid, school_sid)
        row = self.courses.get(course_sid)
        if row is None:
            if found is None or found[0] is None:
                raise RowError(
                    "reference.missing", f"course {course_sid!r} is not in the set or the diary"
                )
            return found[0]
        school_id = self.core("org", school_sid, what="school")
        name = row.get("title")[:200]
        if found is None:
            existing = await models.Subject.get_or_none(school_id=school_id, name=name)
            if existing is not None:
                await self.set_link("course", course_sid, existing.id, scope=school_sid)
        subject_id, _ = await self.upsert(
            models.Subject,
            "course",
            course_sid,
            {
                "school_id": school_id,
                "name": name,
                "short_name": (row.get("courseCode") or name)[:50],
            },
            scope=school_sid,
        )
        return subject_id

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
            raise _outside()
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

    # -- classes -----------------------------------------------------------------------------

    async def _classes(self, row: Row) -> None:
        school_sid = row.get("schoolSourcedId")
        self.core("org", school_sid, what="school")
        kind = row.get("classType").lower()
        terms = parse_list(row.get("termSourcedIds"))
        if kind == "homeroom":
            match = CLASS_TITLE.match(row.get("title"))
            if match is None:
                raise RowError(
                    "class.title",
                    f"title {row.get('title')!r} is not a grade and letter such as 7B",
                )
            year_id = await self.ensure_year(school_sid, terms)
            values = {
                "school_id": self.core("org", school_sid),
                "academic_year_id": year_id,
                "grade": int(match.group(1)),
                "letter": match.group(2).upper(),
            }
            found = self.link("class", row.sourced_id)
            if found is None:
                existing = await models.SchoolClass.get_or_none(
                    academic_year_id=year_id, grade=values["grade"], letter=values["letter"]
                )
                if existing is not None:
                    raise RowError(
                        "class.exists",
                        f"class {row.get('title')} already exists in the diary for that year",
                    )
            class_id, _ = await self.upsert(models.SchoolClass, "class", row.sourced_id, values)
            if row.retired:
                ended = await models.Enrollment.filter(
                    school_class_id=class_id, ends_on=None
                ).update(ends_on=self.today)
                self.out.counts["enrollments retired"] += ended
        elif kind == "scheduled":
            year_id = await self.ensure_year(school_sid, terms)
            subject_id = await self.ensure_subject(row.get("courseSourcedId"), school_sid)
            extra: dict[str, Any] = {
                "subject": subject_id,
                "school": school_sid,
                "year": year_id,
                "retired": row.retired,
            }
            found = self.link("class", row.sourced_id)
            if found is not None and found[1] and "teacher" in found[1]:
                extra["teacher"] = found[1]["teacher"]
            action = (
                "created" if found is None else ("unchanged" if found[1] == extra else "updated")
            )
            self.out.count("scheduled classes", action)
            await self.set_link("class", row.sourced_id, None, extra)
        else:
            raise RowError("class.type", f"classType {kind!r} is not homeroom or scheduled")

    # -- enrollments: two passes, homerooms first, then scheduled classes -------------------

    async def _enrollments(self, row: Row) -> None:
        class_sid, user_sid = row.get("classSourcedId"), row.get("userSourcedId")
        role = row.get("role").lower()
        found = self.link("class", class_sid)
        if found is None:
            raise RowError(
                "reference.missing", f"class {class_sid!r} is not in the set or the diary"
            )
        user_id = self.core("user", user_sid, what="user")
        if found[0] is None:
            return  # a scheduled class: second pass
        class_id = found[0]
        if role == "student":
            school_class = await models.SchoolClass.get(id=class_id).prefetch_related(
                "academic_year"
            )
            starts = (
                parse_date(row.get("beginDate"), "beginDate")
                or school_class.academic_year.starts_on
            )
            ends = parse_date(row.get("endDate"), "endDate")
            if row.retired and ends is None:
                ends = self.today
            before = self.link("enrollment", row.sourced_id)
            _, action = await self.upsert(
                models.Enrollment,
                "enrollment",
                row.sourced_id,
                {
                    "student_id": user_id,
                    "school_class_id": class_id,
                    "starts_on": starts,
                    "ends_on": ends,
                },
            )
            if row.retired and (before is None or action == "updated"):
                self.out.count("enrollments", "retired")
            self.homeroom_of[user_id] = class_id
        elif role == "teacher":
            teacher = None if row.retired else user_id
            school_class = await models.SchoolClass.get(id=class_id)
            if school_class.class_teacher_id != teacher:
                await models.SchoolClass.filter(id=class_id).update(class_teacher_id=teacher)
                self.out.count("class teachers", "updated")
            else:
                self.out.count("class teachers", "unchanged")
            await self.set_link("enrollment", row.sourced_id, None, {"homeroom": class_id})
        else:
            self.out.count(f"enrollments as {role or '?'}", "skipped")

    async def _homeroom(self, student_id: int) -> int | None:
        if student_id not in self.homeroom_of:
            enrollment = (
                await models.Enrollment.filter(student_id=student_id)
                .order_by("-starts_on", "-id")
                .first()
            )
            self.homeroom_of[student_id] = enrollment.school_class_id if enrollment else None
        return self.homeroom_of[student_id]

    async def _after_enrollments(self) -> None:
        teachers: dict[str, list[tuple[Row, int]]] = defaultdict(list)
        homerooms: dict[str, set[int]] = defaultdict(set)
        for row in self.data.rows("enrollments"):
            self.progress(1)
            if "__width__" in row.cells or (("enrollments", row.sourced_id) in self.rejected):
                continue
            found = self.peek("class", row.get("classSourcedId"))
            if found is None or found[0] is not None:
                continue
            user = self.peek("user", row.get("userSourcedId"))
            if user is None or user[0] is None:
                continue
            role = row.get("role").lower()
            if role == "student":
                homeroom = await self._homeroom(user[0])
                if homeroom is None:
                    self.out.count("enrollments", "rejected")
                    self.out.problems.append(
                        row.problem(
                            "enrollment.no_homeroom",
                            f"{row.sourced_id}: the student is in no homeroom class",
                        )
                    )
                    continue
                if not row.retired:
                    homerooms[row.get("classSourcedId")].add(homeroom)
                self.out.count("scheduled enrollments", "read")
            elif role == "teacher":
                teachers[row.get("classSourcedId")].append((row, user[0]))
        for class_sid, rows in teachers.items():
            found = self.link("class", class_sid)
            assert found is not None
            subject_id = found[1]["subject"]
            for row, teacher_id in rows:
                if row.retired or found[1].get("retired"):
                    removed = await models.TeachingAssignment.filter(
                        teacher_id=teacher_id,
                        subject_id=subject_id,
                        school_class_id__in=list(homerooms[class_sid]) or [0],
                    ).delete()
                    self.out.counts["teaching assignments retired"] += removed
                    continue
                if not homerooms[class_sid]:
                    self.out.problems.append(
                        row.problem(
                            "class.no_students",
                            f"{row.sourced_id}: class {class_sid!r} has no students in homeroom classes",
                        )
                    )
                    self.out.count("teaching assignments", "rejected")
                for class_id in sorted(homerooms[class_sid]):
                    _, created = await models.TeachingAssignment.get_or_create(
                        teacher_id=teacher_id, school_class_id=class_id, subject_id=subject_id
                    )
                    self.out.count("teaching assignments", "created" if created else "unchanged")
            await self.set_link("class", class_sid, None, {**found[1], "teacher": rows[0][1]})

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

    # -- gradebook ---------------------------------------------------------------------------

    async def _categories(self, row: Row) -> None:
        title = row.get("title").lower()
        kind = KIND_WORDS.get(title)
        if kind is None:
            raise RowError(
                "category.kind",
                f"title {row.get('title')!r} names no kind of work ({', '.join(k.value for k in WorkKind)})",
            )
        weight: int | None = None
        if row.get("weight"):
            try:
                number = Decimal(row.get("weight"))
            except InvalidOperation:
                raise RowError(
                    "category.weight", f"weight {row.get('weight')!r} is not a number"
                ) from None
            if number != number.to_integral_value() or number < 1:
                raise RowError(
                    "category.weight", f"weight {row.get('weight')} is not a whole number from 1"
                )
            weight = int(number)
        extra = {"kind": kind.value, "weight": weight}
        found = self.link("category", row.sourced_id)
        self.out.count(
            "categories",
            "unchanged" if found and found[1] == extra else ("updated" if found else "created"),
        )
        await self.set_link("category", row.sourced_id, None, extra)

    async def _lineItems(self, row: Row) -> None:
        class_sid = row.get("classSourcedId")
        found = self.link("class", class_sid)
        if found is None:
            raise RowError(
                "reference.missing", f"class {class_sid!r} is not in the set or the diary"
            )
        category = self.link("category", row.get("categorySourcedId"))
        if category is None:
            raise RowError(
                "reference.missing",
                f"category {row.get('categorySourcedId')!r} is not in the set or the diary",
            )
        if found[0] is not None:
            raise RowError("lineItem.class", "line items belong to scheduled classes (a subject)")
        period = row.get("gradingPeriodSourcedId") or row.get("academicSessionSourcedId")
        when = parse_date(row.get("dueDate"), "dueDate") or parse_date(
            row.get("assignDate"), "assignDate"
        )
        low, high = row.get("resultValueMin"), row.get("resultValueMax")
        extra = {
            "class": class_sid,
            "kind": category[1]["kind"],
            "weight": category[1]["weight"],
            "period": period,
            "date": when.isoformat() if when else None,
            "min": low,
            "max": high,
            "title": row.get("title"),
        }
        school_sid = found[1]["school"]
        region = self.region_codes.get(self.region_of_school.get(school_sid, -1))
        if region is None:
            school = await models.School.get(id=self.core("org", school_sid)).prefetch_related(
                "region"
            )
            region = school.region.code
        scale = self.policy_for(region).scale
        for value, name in ((low, "resultValueMin"), (high, "resultValueMax")):
            if value and not _whole(value):
                raise RowError("lineItem.scale", f"{name} {value} is not a whole number")
        if (low and int(Decimal(low)) != scale.minimum) or (
            high and int(Decimal(high)) != scale.maximum
        ):
            raise RowError(
                "lineItem.scale",
                f"scores {low or '?'}-{high or '?'} are not the region scale {scale.minimum}-{scale.maximum}; convert them first",
            )
        previous = self.link("lineItem", row.sourced_id)
        self.out.count(
            "lineItems",
            "unchanged"
            if previous and previous[1] == extra
            else ("updated" if previous else "created"),
        )
        await self.set_link("lineItem", row.sourced_id, None, extra)

    async def _results(self, row: Row) -> None:
        item_sid = row.get("lineItemSourcedId")
        item = self.link("lineItem", item_sid)
        if item is None:
            raise RowError(
                "reference.rejected"
                if ("lineItems", item_sid) in self.rejected
                else "reference.missing",
                f"line item {item_sid!r} is not in the set or the diary",
            )
        student_id = self.core("user", row.get("studentSourcedId"), what="student")
        found = self.link("result", row.sourced_id)
        if row.retired:
            if found is not None and found[0] is not None:
                now = datetime.now(UTC)
                done = await models.Mark.filter(id=found[0], deleted_at=None).update(deleted_at=now)
                if done:
                    mark = await models.Mark.get(id=found[0])
                    actor = self.actor_id or mark.author_id
                    change = Change(mark, MarkAction.DELETE, actor, state_of(mark), HISTORY_REASON)
                    await self._history([change])
                self.out.count("marks", "retired" if done else "unchanged")
            return
        score = row.get("score")
        if not score:
            self.out.count(f"results {row.get('scoreStatus') or 'without score'}", "skipped")
            return
        extra = item[1]
        cls = self.link("class", extra["class"])
        assert cls is not None
        school_sid = cls[1]["school"]
        region = self.region_codes.get(self.region_of_school.get(school_sid, -1))
        homeroom = await self._homeroom(student_id)
        if homeroom is None:
            raise RowError("result.no_homeroom", "the student is in no homeroom class")
        school_class = await self.school_class(homeroom)
        if region is None:
            region = school_class.school.region.code
        scale = self.policy_for(region).scale
        if not _whole(score) or not scale.contains(int(Decimal(score))):
            raise RowError(
                "result.scale",
                f"score {score} is not a mark on the region scale {scale.minimum}-{scale.maximum}",
            )
        when = parse_date(row.get("scoreDate"), "scoreDate") or (
            date.fromisoformat(extra["date"]) if extra["date"] else None
        )
        if when is None:
            raise RowError("result.date", "neither scoreDate nor the line item's dueDate is given")
        term_id = None
        if extra["period"]:
            term = self.link("session", extra["period"], school_sid)
            term_id = term[0] if term else None
        if term_id is None:
            term_id = await self.term_on(school_class.academic_year_id, when)
            if term_id is None:
                raise RowError("result.term", f"{when} is in no term of the class's year")
        author = cls[1].get("teacher")
        if author is None:
            assignment = await models.TeachingAssignment.filter(
                school_class_id=homeroom, subject_id=cls[1]["subject"]
            ).first()
            if assignment is None:
                raise RowError(
                    "result.no_teacher", "the class has no teacher to be the author of the mark"
                )
            author = assignment.teacher_id
        kind = WorkKind(extra["kind"])
        weight = extra["weight"] or self.policy_for(region).weights[kind]
        if weight > self.policy_for(region).max_weight:
            raise RowError("result.weight", f"weight {weight} is above the region maximum")
        values = {
            "student_id": student_id,
            "school_class_id": homeroom,
            "subject_id": cls[1]["subject"],
            "term_id": term_id,
            "date": when,
            "value": int(Decimal(score)),
            "weight": weight,
            "kind": kind,
            "comment": row.get("comment")[:500],
            "author_id": author,
        }
        if found is not None:
            values.pop("author_id")
        await self.upsert(models.Mark, "result", row.sourced_id, values)


async def _class(class_id: int) -> models.SchoolClass:
    return await models.SchoolClass.get(id=class_id).prefetch_related("school__region")


def _whole(value: str) -> bool:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return False
    return number.is_finite() and number == number.to_integral_value()


def count_rows(data: OneRosterSet) -> tuple[int, list[Problem]]:
    """First pass: every file is read through once, so broken CSV, encodings, duplicate
    sourcedIds and cycles of org parents stop the import before anything is written."""
    total = 0
    for name in FILES:
        if not data.present(name):
            continue
        seen: dict[str, int] = {}
        parents: dict[str, str] = {}
        read = 0
        try:
            for row in data.rows(name):
                read += 1
                sid = row.sourced_id
                if not sid:
                    continue
                if sid in seen:
                    raise SetError(
                        "sourcedId.duplicate",
                        f"{name}.csv: sourcedId {sid!r} is on rows {seen[sid]} and {row.number}",
                    )
                seen[sid] = row.number
                if name == "orgs" and row.get("parentSourcedId"):
                    parents[sid] = row.get("parentSourcedId")
        except SetError as error:
            if not data.drop(name, error):  # an optional file is left out, not the set
                raise
            continue
        total += read
        if name == "enrollments":
            total += len(seen)
        for start in parents:
            path = [start]
            node = parents.get(start)
            while node is not None:
                if node in path:
                    cycle = " -> ".join([*path[path.index(node) :], node])
                    raise SetError(
                        "org.cycle", f"orgs.csv: the parents go round in a circle: {cycle}"
                    )
                path.append(node)
                node = parents.get(node)
    return total, []


async def import_set(
    path: Path,
    dry_run: bool,
    reach: Reach,
    *,
    policy_for: PolicyFor | None = None,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    limits: Limits | None = None,
    today: date | None = None,
    options: ReadOptions | None = None,
) -> Outcome:
    """Import a set in one transaction, as the actor of `reach`: only what the reach owns is
    changed or linked to, and only roles it may grant are given. With `dry_run` the
    transaction is rolled back. `policy_for` and `today` come from the import's context
    (ediary.adapters.ImportContext); without them, the default policy and the schools' today
    from the server's settings; `options` how tolerantly the set is read. Raises SetError
    (nothing written) for a set that cannot be imported at all."""
    today = today or Settings.from_env().school_today()
    data = open_set(path, limits, options)
    outcome = Outcome(dry_run=dry_run, version=data.version)
    try:
        total, _ = count_rows(data)
        outcome.problems.extend(data.dropped)
        if on_total is not None:
            on_total(total)
        try:
            async with in_transaction() as conn:
                guard = await ReachGuard.open(reach)
                importer = Importer(
                    data, outcome, policy_for or _default_policy, guard, progress, today=today
                )
                importer.conn = conn
                await importer.run()
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass
    finally:
        data.close()
    outcome.warnings = [str(note) for note in data.notes]
    return outcome
