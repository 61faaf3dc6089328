"""Orgs, academic sessions and courses: the district, its schools, years, terms, subjects."""

from __future__ import annotations

from typing import Any

from ediary.domain import models
from ediary.domain.errors import DomainError
from ediary.domain.imports import TermData, set_terms
from ediary.domain.reach import OutsideReach
from ediary_oneroster.reader import (
    Row,
    RowError,
    SetError,
    parse_date,
)
from ediary_oneroster.state import ImportState

TERM_TYPES = ("term", "semester", "gradingperiod")


class RosterMapper(ImportState):
    """Maps orgs.csv, academicSessions.csv and courses.csv."""

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
        for (k, sid, _), (core_id, _) in list(self.links.items()):
            if k not in ("session", "year") or sid != row.sourced_id or core_id is None:
                continue
            if kind != "schoolyear":
                term = await models.Term.get_or_none(id=core_id)
                if term is None:
                    continue
                (saved,) = await set_terms(
                    self.scope, term.academic_year_id, [TermData(term.number, starts, ends)]
                )
                if isinstance(saved, DomainError):
                    raise RowError("session.invalid", saved.message)
                if saved.changed:
                    self.out.count("years and terms", "updated")
                continue
            values = {"starts_on": starts, "ends_on": ends, "name": row.get("title")}
            year = await models.AcademicYear.get_or_none(id=core_id)
            if year is not None and any(getattr(year, f) != v for f, v in values.items()):
                await models.AcademicYear.filter(id=core_id).update(**values)
                self.out.count("years and terms", "updated")

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
        missing = [
            (number, sid)
            for number, sid in enumerate(leaves, start=1)
            if self.link("session", sid, school_sid) is None
        ]
        if missing:
            numbers: list[Any] = await models.Term.filter(academic_year_id=year_id).values_list(
                "number", flat=True
            )
            taken = {int(n) for n in numbers}
            terms: list[TermData] = []
            for number, sid in missing:
                # A year may already have terms made by hand: the set's go after them.
                if number in taken:
                    number = max(taken) + 1
                taken.add(number)
                row = self.sessions[sid]
                starts = parse_date(row.get("startDate"), "startDate")
                ends = parse_date(row.get("endDate"), "endDate")
                assert starts is not None and ends is not None  # checked when read
                terms.append(TermData(number, starts, ends))
            for (_, sid), saved in zip(
                missing, await set_terms(self.scope, year_id, terms), strict=True
            ):
                if isinstance(saved, DomainError):
                    raise RowError("session.invalid", f"term {sid!r}: {saved.message}")
                await self.set_link("session", sid, saved.term_id, scope=school_sid)
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
