"""The org tree of a set as vendors export it, reduced to what the diary has: districts
(regions) and the schools in them.

Departments and other orgs named where a school is meant stand for their school; a set with
no org of type school has its topmost non-district orgs read as schools; a school reaches its
district through any orgs between them; and a set with no district gets one supplied for the
region the import was given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

# Orgs above a district: never a school, never anyone's school.
ABOVE_DISTRICT = ("state", "national")
# The sourcedId of the district supplied for a set without one.
SUPPLIED_PREFIX = "ediary-region:"


@dataclass
class OrgPlan:
    """What each org of the set is read as."""

    types: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    # Orgs read as schools although their type says otherwise.
    promoted: set[str] = field(default_factory=set)
    # A department (or another org) and the school it stands for.
    school_of: dict[str, str] = field(default_factory=dict)
    # A school whose parent is not its district, and the district it is in.
    district_of: dict[str, str] = field(default_factory=dict)
    # The supplied district's sourcedId and region code, when the set has no district.
    supplied: str | None = None
    region: str | None = None

    def is_school(self, sid: str) -> bool:
        return self.types.get(sid) == "school" or sid in self.promoted

    def ancestors(self, sid: str) -> Iterable[str]:
        """The parents of an org up to the top; stops at a cycle (refused elsewhere)."""
        seen = {sid}
        parent = self.parents.get(sid, "")
        while parent and parent not in seen:
            seen.add(parent)
            yield parent
            parent = self.parents.get(parent, "")


def plan_orgs(rows: Iterable[tuple[str, str, str]], region: str | None) -> OrgPlan:
    """Plan the orgs (sourcedId, type, parentSourcedId) of a set; `region` is the code of the
    region a set without a district belongs to, if the import was given one."""
    plan = OrgPlan()
    for sid, kind, parent in rows:
        if sid:
            plan.types[sid] = kind.strip().lower()
            plan.parents[sid] = parent.strip()
    districts = [sid for sid, kind in plan.types.items() if kind == "district"]
    not_schools = ("district", *ABOVE_DISTRICT)
    if not any(kind == "school" for kind in plan.types.values()):
        plan.promoted = {
            sid
            for sid, kind in plan.types.items()
            if kind not in not_schools
            and all(plan.types.get(up) in not_schools for up in plan.ancestors(sid))
        }
    schools = [sid for sid in plan.types if plan.is_school(sid)]
    for sid, kind in plan.types.items():
        if kind in not_schools or plan.is_school(sid):
            continue
        school = next((up for up in plan.ancestors(sid) if plan.is_school(up)), None)
        if school is None and len(schools) == 1:
            school = schools[0]
        if school is not None:
            plan.school_of[sid] = school
    if not districts and region is not None and schools:
        plan.supplied, plan.region = f"{SUPPLIED_PREFIX}{region}", region
    for school in schools:
        district = next((up for up in plan.ancestors(school) if up in districts), None)
        if district is None and len(districts) == 1:
            district = districts[0]
        district = district or plan.supplied
        if district is not None and district != plan.parents.get(school):
            plan.district_of[school] = district
    return plan
