"""Classes and enrollments: homerooms with their students, scheduled classes with teachers."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any

from ediary.domain import models
from ediary.domain.errors import DomainError
from ediary.domain.imports import (
    ClassTeacherData,
    EnrollmentData,
    TeachingData,
    assign_teachers,
    enroll_many,
    set_class_teachers,
    unassign_teachers,
)
from ediary.domain.reach import OutsideReach
from ediary_oneroster.reader import (
    Row,
    RowError,
    parse_date,
    parse_list,
)
from ediary_oneroster.roster import RosterMapper
from ediary_oneroster.state import CHUNK

# A homeroom's title: its grade and letter, such as 7B or 10-А.
CLASS_TITLE = re.compile(r"^\s*(\d{1,2})\s*[-\s]?\s*([^\W\d_]{0,8})\s*$")


class ClassesMapper(RosterMapper):
    """Maps classes.csv and enrollments.csv (two passes: homerooms, then scheduled classes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Homeroom enrollments mapped and not yet written.
        self.enrolling: list[tuple[Row, EnrollmentData]] = []
        # Homerooms' class teachers mapped and not yet written, all in one batch.
        self.leading: list[tuple[Row, ClassTeacherData]] = []
        self._year_starts: dict[int, date] = {}

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
                await self._close_class(class_id)
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
            starts = parse_date(row.get("beginDate"), "beginDate") or await self._year_start(
                class_id
            )
            ends = parse_date(row.get("endDate"), "endDate")
            if row.retired and ends is None:
                ends = self.today
            self.enrolling.append((row, EnrollmentData(user_id, class_id, starts, ends)))
            self.homeroom_of[user_id] = class_id
            if len(self.enrolling) >= CHUNK:
                await self._flush_enrollments()
        elif role == "teacher":
            teacher = None if row.retired else user_id
            self.leading.append((row, ClassTeacherData(class_id, teacher)))
        else:
            self.out.count(f"enrollments as {role or '?'}", "skipped")

    async def _year_start(self, class_id: int) -> date:
        if class_id not in self._year_starts:
            school_class = await models.SchoolClass.get(id=class_id).prefetch_related(
                "academic_year"
            )
            self._year_starts[class_id] = school_class.academic_year.starts_on
        return self._year_starts[class_id]

    async def _flush_enrollments(self) -> None:
        """Write the homeroom enrollments mapped so far through the import API."""
        enrolling, self.enrolling = self.enrolling, []
        saved = await enroll_many(self.scope, [item for _, item in enrolling])
        for (row, item), result in zip(enrolling, saved, strict=True):
            if isinstance(result, DomainError):
                self.homeroom_of.pop(item.student_id, None)
                code = "reach.outside" if isinstance(result, OutsideReach) else "enrollment.invalid"
                self.reject("enrollments", row, code, result.message)
                continue
            action = "created" if result.created else ("updated" if result.changed else "unchanged")
            self.out.count("enrollments", action)
            if row.retired and action != "unchanged":
                self.out.count("enrollments", "retired")
            if self.peek("enrollment", row.sourced_id) != (result.enrollment.id, None):
                await self.set_link("enrollment", row.sourced_id, result.enrollment.id)

    async def _close_class(self, class_id: int) -> None:
        """End today every open enrollment of a class the set retired, through the import
        API (one that starts later ends the day it starts)."""
        found: list[Any] = await models.Enrollment.filter(
            school_class_id=class_id, ends_on=None
        ).values_list("student_id", "starts_on")
        closing = [
            EnrollmentData(int(student), class_id, starts, max(starts, self.today))
            for student, starts in found
        ]
        saved = await enroll_many(self.scope, closing)
        ended = sum(1 for s in saved if not isinstance(s, DomainError) and s.changed)
        self.out.counts["enrollments retired"] += ended

    async def _flush_class_teachers(self) -> None:
        """Write the homerooms' class teachers through the import API."""
        leading, self.leading = self.leading, []
        saved = await set_class_teachers(self.scope, [item for _, item in leading])
        for (row, item), result in zip(leading, saved, strict=True):
            if isinstance(result, DomainError):
                code = "reach.outside" if isinstance(result, OutsideReach) else "class.invalid"
                self.reject("enrollments", row, code, result.message)
                continue
            self.out.count("class teachers", "updated" if result else "unchanged")
            await self.set_link("enrollment", row.sourced_id, None, {"homeroom": item.class_id})

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
        await self._flush_enrollments()
        await self._flush_class_teachers()
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
        # Every class's teachers are assigned in one batch of the import API.
        assigning: list[tuple[Row, TeachingData]] = []
        unassigning: list[TeachingData] = []
        for class_sid, rows in teachers.items():
            found = self.link("class", class_sid)
            assert found is not None
            subject_id = found[1]["subject"]
            for row, teacher_id in rows:
                taught = [
                    TeachingData(teacher_id, class_id, subject_id)
                    for class_id in sorted(homerooms[class_sid])
                ]
                if row.retired or found[1].get("retired"):
                    unassigning += taught
                    continue
                if not taught:
                    self.out.problems.append(
                        row.problem(
                            "class.no_students",
                            f"{row.sourced_id}: class {class_sid!r} has no students in homeroom classes",
                        )
                    )
                    self.out.count("teaching assignments", "rejected")
                assigning += [(row, item) for item in taught]
            await self.set_link("class", class_sid, None, {**found[1], "teacher": rows[0][1]})
        if unassigning:
            removed = await unassign_teachers(self.scope, unassigning)
            self.out.counts["teaching assignments retired"] += removed
        saved = await assign_teachers(self.scope, [item for _, item in assigning])
        for (row, _), result in zip(assigning, saved, strict=True):
            if isinstance(result, DomainError):
                code = "reach.outside" if isinstance(result, OutsideReach) else "class.invalid"
                self.out.count("teaching assignments", "rejected")
                self.out.problems.append(row.problem(code, f"{row.sourced_id}: {result.message}"))
                continue
            self.out.count("teaching assignments", "created" if result.created else "unchanged")
