"""What one OneRoster import knows while it runs: links from sourcedIds, caches, counts.

The mapping modules (roster, people, classes, gradebook) build on it; memory holds only
sourcedId-to-id maps and small caches, never the rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ediary.domain import models
from ediary.domain.bulk import insert_rows
from ediary.domain.enums import Role
from ediary.domain.grading import RegionPolicy
from ediary.domain.imports import ImportScope
from ediary.domain.reach import OutsideReach, ReachGuard
from ediary_oneroster.models import SourceLink
from ediary_oneroster.reader import (
    OneRosterSet,
    Problem,
    Row,
    RowError,
)

PolicyFor = Callable[[str], RegionPolicy]
# A role grant a row asks for: the role, its school, its region.
Grant = tuple[Role, int | None, int | None]
Progress = Callable[[int], None]

# The reason written into the history of marks an import creates, changes or retires.
HISTORY_REASON = "OneRoster import"
# Rows of a file mapped and written together; links written together.
CHUNK = 2000
# Rows done between two reports of progress.
PROGRESS_STEP = 500
LINK_FIELDS = ("kind", "sourced_id", "scope", "core_id", "extra")

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


def outside() -> RowError:
    """The rejection of a row that names what the reach does not own, saying no more."""
    return RowError("reach.outside", OutsideReach.default_message)


class ImportState:
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
        # Accounts the set disables or retires: their sessions end with the import's commit.
        self.deactivated: set[int] = set()
        self._pairs: list[tuple[Row, str, bool | None]] = []
        self.out = outcome
        self._policy_for = policy_for
        self._policies: dict[str, RegionPolicy] = {}
        self._class_cache: dict[int, models.SchoolClass] = {}
        self._report = progress or (lambda n: None)
        self._unreported = 0
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
        # Links made since the last flush: written together, a chunk at a time.
        self.new_links: dict[tuple[str, str, str], tuple[int | None, Any]] = {}
        # The import API's scope: the same reach, today and policies.
        self.scope = ImportScope(guard, today, self.policy_for)

    def progress(self, rows: int = 1) -> None:
        """Count rows done; they are reported a few hundred at a time (a progress bar or a
        job's row count need no more, and each report costs a redraw or a write)."""
        self._unreported += rows
        if self._unreported >= PROGRESS_STEP:
            self.report_progress()

    def report_progress(self) -> None:
        if self._unreported:
            self._report(self._unreported)
            self._unreported = 0

    def policy_for(self, region_code: str) -> RegionPolicy:
        if region_code not in self._policies:
            self._policies[region_code] = self._policy_for(region_code)
        return self._policies[region_code]

    async def school_class(self, class_id: int) -> models.SchoolClass:
        if class_id not in self._class_cache:
            self._class_cache[class_id] = await _class(class_id)
        return self._class_cache[class_id]

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
            raise outside()
        return self.links.get((kind, sid, scope))

    def peek(self, kind: str, sid: str, scope: str = "") -> tuple[int | None, Any] | None:
        """`link` for second passes: what the reach does not own is simply not there."""
        return self.links.get((kind, sid, scope))

    async def set_link(
        self, kind: str, sid: str, core_id: int | None, extra: Any = None, scope: str = ""
    ) -> None:
        key = (kind, sid, scope)
        if key in self.foreign:
            raise outside()
        if key in self.new_links:
            self.new_links[key] = (core_id, extra)
        elif key in self.links:
            if self.links[key] != (core_id, extra):
                await SourceLink.filter(kind=kind, sourced_id=sid, scope=scope).update(
                    core_id=core_id, extra=extra
                )
        else:
            self.new_links[key] = (core_id, extra)
            if len(self.new_links) >= CHUNK:
                await self.flush_links()
        self.links[key] = (core_id, extra)

    async def flush_links(self) -> None:
        """Write the links made since the last flush, in a few multi-row statements."""
        made = [[*key, *target] for key, target in self.new_links.items()]
        self.new_links.clear()
        await insert_rows(SourceLink, LINK_FIELDS, made)

    def reject(self, name: str, row: Row, code: str, message: str) -> None:
        """Count a row of file `name` as rejected, with its problem."""
        self.rejected.add((name, row.sourced_id))
        self.out.count(name, "rejected")
        self.out.problems.append(row.problem(code, f"{row.sourced_id}: {message}"))

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
                else:
                    self.out.count(label, "unchanged")
                return int(obj.id), "updated" if changed else "unchanged"
        obj = await model.create(**values)
        await self.set_link(kind, sid, obj.id, scope=scope)
        self.out.count(label, "created")
        return int(obj.id), "created"


async def _class(class_id: int) -> models.SchoolClass:
    return await models.SchoolClass.get(id=class_id).prefetch_related("school__region")
