"""The diary back out as a OneRoster 1.2 CSV bulk set: what an import made of a set, and what
was entered in the diary since. Objects imported keep their sourcedId; others get one made
from their kind and id."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from ediary.domain import models
from ediary.domain.enums import Role
from ediary_oneroster.models import Demographic, SourceLink

HEADERS = {
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "academicSessions": "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
    "courses": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes",
    "classes": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    "users": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
    "roles": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId",
    "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
    "demographics": "sourcedId,status,dateLastModified,birthDate,sex",
    "categories": "sourcedId,status,dateLastModified,title,weight",
    "lineItems": "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,categorySourcedId,academicSessionSourcedId,resultValueMin,resultValueMax",
    "results": "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment",
}
ROLE_NAMES = {
    Role.STUDENT: "student",
    Role.TEACHER: "teacher",
    Role.PARENT: "parent",
    Role.SCHOOL_ADMIN: "administrator",
    Role.REGIONAL_OFFICIAL: "administrator",
}


class _Names:
    """sourcedIds for diary objects: the imported one when it names one object only."""

    def __init__(self, links: list[tuple[str, str, str, int | None]]) -> None:
        self.by_core: dict[tuple[str, int], str] = {}
        owners: dict[tuple[str, str], set[int]] = defaultdict(set)
        for kind, sid, _, core_id in links:
            if core_id is not None:
                owners[(kind, sid)].add(core_id)
        for (kind, sid), cores in owners.items():
            if len(cores) == 1:
                self.by_core[(kind, next(iter(cores)))] = sid

    def __call__(self, kind: str, core_id: int, prefix: str) -> str:
        return self.by_core.get((kind, core_id)) or f"{prefix}-{core_id}"


class _Writer:
    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.files: dict[str, Any] = {}
        self.writers: dict[str, Any] = {}
        self.counts: dict[str, int] = defaultdict(int)

    def row(self, name: str, /, **cells: object) -> None:
        if name not in self.writers:
            handle = (self.dest / f"{name}.csv").open("w", newline="", encoding="utf-8")
            self.files[name] = handle
            self.writers[name] = csv.DictWriter(handle, fieldnames=HEADERS[name].split(","))
            self.writers[name].writeheader()
        self.writers[name].writerow({k: "" if v is None else v for k, v in cells.items()})
        self.counts[name] += 1

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()
        with (self.dest / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["propertyName", "value"])
            writer.writerow(["manifest.version", "1.0"])
            writer.writerow(["oneroster.version", "1.2"])
            for name in HEADERS:
                writer.writerow([f"file.{name}", "bulk" if name in self.files else "absent"])
            writer.writerow(["source.systemName", "ediary"])
            writer.writerow(["source.systemCode", "ediary"])


async def export_set(dest: Path) -> dict[str, int]:
    """Write the whole diary to the folder `dest` (created if needed)."""
    dest.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    links = await SourceLink.all().values_list("kind", "sourced_id", "scope", "core_id")
    name = _Names(links)
    out = _Writer(dest)
    try:
        await _write(out, name)
    finally:
        out.close()
    return dict(out.counts)


async def _write(out: _Writer, name: _Names) -> None:
    for region in await models.Region.all().order_by("id"):
        out.row(
            "orgs",
            sourcedId=name("district", region.id, "region"),
            name=region.name,
            type="district",
            identifier=region.code,
        )
    schools = {s.id: s for s in await models.School.all().order_by("id")}
    school_sid: dict[int, str] = {}
    for school in schools.values():
        sid = name("org", school.id, "school")
        school_sid[school.id] = sid
        out.row(
            "orgs",
            sourcedId=sid,
            name=school.name,
            type="school",
            identifier=school.short_name,
            parentSourcedId=name("district", school.region_id, "region"),
        )
    terms_of: dict[int, list[str]] = defaultdict(list)
    for year in await models.AcademicYear.all().order_by("id"):
        ysid = name("year", year.id, "year")
        out.row(
            "academicSessions",
            sourcedId=ysid,
            title=year.name,
            type="schoolYear",
            startDate=year.starts_on,
            endDate=year.ends_on,
            schoolYear=year.ends_on.year,
        )
        for term in await models.Term.filter(academic_year_id=year.id).order_by("number"):
            tsid = name("session", term.id, "term")
            terms_of[year.id].append(tsid)
            out.row(
                "academicSessions",
                sourcedId=tsid,
                title=f"Term {term.number}",
                type="term",
                startDate=term.starts_on,
                endDate=term.ends_on,
                parentSourcedId=ysid,
                schoolYear=year.ends_on.year,
            )
    for school in schools.values():
        out.row(
            "courses",
            sourcedId=f"homeroom-{school.id}",
            title="Homeroom",
            orgSourcedId=school_sid[school.id],
        )
    for subject in await models.Subject.all().order_by("id"):
        out.row(
            "courses",
            sourcedId=name("course", subject.id, "subject"),
            title=subject.name,
            courseCode=subject.short_name,
            orgSourcedId=school_sid[subject.school_id],
        )
    users = {u.id: u for u in await models.User.all().order_by("id")}
    user_sid = {uid: name("user", uid, "user") for uid in users}
    wards: dict[int, list[str]] = defaultdict(list)
    for g in await models.Guardianship.all().order_by("id"):
        wards[g.parent_id].append(user_sid[g.student_id])
    region_sid = {r.id: name("district", r.id, "region") for r in await models.Region.all()}
    for user in users.values():
        out.row(
            "users",
            sourcedId=user_sid[user.id],
            enabledUser="true" if user.is_active else "false",
            username=user.login,
            givenName=user.first_name,
            familyName=user.last_name,
            middleName=user.middle_name,
            email=user.email,
            phone=user.phone,
            agentSourcedIds=",".join(wards[user.id]),
        )
    for grant in await models.RoleGrant.all().order_by("id"):
        role = ROLE_NAMES.get(Role(grant.role))
        if role is None:
            continue
        org = school_sid.get(grant.school_id or 0) or region_sid.get(grant.region_id or 0) or ""
        out.row(
            "roles",
            sourcedId=f"role-{grant.id}",
            userSourcedId=user_sid[grant.user_id],
            roleType="primary",
            role=role,
            orgSourcedId=org,
        )
    classes = {c.id: c for c in await models.SchoolClass.all().order_by("id")}
    class_sid: dict[int, str] = {}
    for c in classes.values():
        class_sid[c.id] = name("class", c.id, "class")
        out.row(
            "classes",
            sourcedId=class_sid[c.id],
            title=f"{c.grade}{c.letter}",
            grades=f"{c.grade:02d}",
            courseSourcedId=f"homeroom-{c.school_id}",
            classType="homeroom",
            schoolSourcedId=school_sid[c.school_id],
            termSourcedIds=",".join(terms_of[c.academic_year_id]),
        )
        if c.class_teacher_id is not None:
            out.row(
                "enrollments",
                sourcedId=f"homeroom-teacher-{c.id}",
                classSourcedId=class_sid[c.id],
                schoolSourcedId=school_sid[c.school_id],
                userSourcedId=user_sid[c.class_teacher_id],
                role="teacher",
                primary="true",
            )
    open_students: dict[int, list[int]] = defaultdict(list)
    for e in await models.Enrollment.all().order_by("id"):
        c = classes[e.school_class_id]
        out.row(
            "enrollments",
            sourcedId=name("enrollment", e.id, "enrollment"),
            classSourcedId=class_sid[c.id],
            schoolSourcedId=school_sid[c.school_id],
            userSourcedId=user_sid[e.student_id],
            role="student",
            beginDate=e.starts_on,
            endDate=e.ends_on,
        )
        if e.student_id not in open_students[c.id]:
            open_students[c.id].append(e.student_id)
    subject_sid = {s.id: name("course", s.id, "subject") for s in await models.Subject.all()}
    scheduled: dict[tuple[int, int], str] = {}
    for ta in await models.TeachingAssignment.all().order_by("id"):
        c = classes[ta.school_class_id]
        key = (c.id, ta.subject_id)
        sid = scheduled.setdefault(key, f"scheduled-{c.id}-{ta.subject_id}")
        if sum(1 for k in scheduled if k == key) == 1 and out.counts.get(f"_{sid}") is None:
            out.counts[f"_{sid}"] = 1
            out.row(
                "classes",
                sourcedId=sid,
                title=f"{c.grade}{c.letter}",
                courseSourcedId=subject_sid[ta.subject_id],
                classType="scheduled",
                schoolSourcedId=school_sid[c.school_id],
                termSourcedIds=",".join(terms_of[c.academic_year_id]),
            )
            for student in open_students[c.id]:
                out.row(
                    "enrollments",
                    sourcedId=f"{sid}-s{student}",
                    classSourcedId=sid,
                    schoolSourcedId=school_sid[c.school_id],
                    userSourcedId=user_sid[student],
                    role="student",
                )
        out.row(
            "enrollments",
            sourcedId=f"ta-{ta.id}",
            classSourcedId=sid,
            schoolSourcedId=school_sid[c.school_id],
            userSourcedId=user_sid[ta.teacher_id],
            role="teacher",
        )
    for helper in [k for k in out.counts if k.startswith("_")]:
        del out.counts[helper]
    for user_id, birth, sex in await Demographic.all().values_list("user_id", "birth_date", "sex"):
        out.row("demographics", sourcedId=user_sid[user_id], birthDate=birth, sex=sex)
    categories: set[tuple[str, int]] = set()
    items: set[str] = set()
    term_sid = {t.id: name("session", t.id, "term") for t in await models.Term.all()}
    regions = {s.id: s.region_id for s in schools.values()}
    _ = regions
    async for mark in models.Mark.filter(deleted_at=None).order_by("id"):
        key = (mark.school_class_id, mark.subject_id)
        if key not in scheduled:
            continue  # marks of a subject nobody teaches the class cannot be placed in a class
        category = f"{mark.kind}-{mark.weight}"
        if (mark.kind, mark.weight) not in categories:
            categories.add((mark.kind, mark.weight))
            out.row("categories", sourcedId=category, title=str(mark.kind), weight=mark.weight)
        item = (
            f"item-{mark.school_class_id}-{mark.subject_id}-{mark.term_id}-{mark.date}-{category}"
        )
        if item not in items:
            items.add(item)
            out.row(
                "lineItems",
                sourcedId=item,
                title=f"{mark.kind} {mark.date}",
                assignDate=mark.date,
                dueDate=mark.date,
                classSourcedId=scheduled[key],
                categorySourcedId=category,
                academicSessionSourcedId=term_sid[mark.term_id],
            )
        out.row(
            "results",
            sourcedId=name("result", mark.id, "mark"),
            lineItemSourcedId=item,
            studentSourcedId=user_sid[mark.student_id],
            scoreStatus="fully graded",
            score=mark.value,
            scoreDate=mark.date,
            comment=mark.comment,
        )
