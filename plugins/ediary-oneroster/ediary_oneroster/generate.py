"""A deterministic OneRoster 1.1 set of any size, for the kill test and workload W5."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

SUBJECTS = ("Mathematics", "Russian language", "Physics", "History", "Biology")
SIZES = {
    # schools, classes per school, students per class, marks per student and subject
    "XS": (1, 2, 10, 2),
    "S": (2, 6, 25, 4),
    "M": (5, 11, 25, 8),
}


def _school_day(week: int, weekday: int) -> date:
    day = date(2025, 9, 8) + timedelta(days=7 * week + weekday)
    # The autumn holidays (between quarters 1 and 2) have no lessons.
    return day + timedelta(days=14) if day > date(2025, 10, 26) else day


def write_set(dest: Path, size: str = "S") -> int:
    """Write the set to the folder `dest`; returns the number of data rows."""
    schools, classes, students, marks = SIZES[size]
    dest.mkdir(parents=True, exist_ok=True)
    rows = 0
    writers = {}
    handles = []

    def out(name: str, header: str) -> None:
        handle = (dest / f"{name}.csv").open("w", newline="", encoding="utf-8")
        handles.append(handle)
        writer = csv.writer(handle)
        writer.writerow(header.split(","))
        writers[name] = writer

    def row(name: str, *cells: object) -> None:
        nonlocal rows
        rows += 1
        writers[name].writerow(cells)

    out("orgs", "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId")
    out(
        "academicSessions",
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
    )
    out(
        "courses",
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes",
    )
    out(
        "classes",
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    )
    out(
        "users",
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password",
    )
    out(
        "enrollments",
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
    )
    out("categories", "sourcedId,status,dateLastModified,title")
    out(
        "lineItems",
        "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,categorySourcedId,gradingPeriodSourcedId,resultValueMin,resultValueMax",
    )
    out(
        "results",
        "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment",
    )
    row("orgs", "gen-d", "", "", "Generated district", "district", "gen-region", "")
    row(
        "academicSessions",
        "gen-y",
        "",
        "",
        "2025/2026",
        "schoolYear",
        "2025-09-01",
        "2026-05-31",
        "",
        "2026",
    )
    quarters = [
        (date(2025, 9, 1), date(2025, 10, 26)),
        (date(2025, 11, 5), date(2025, 12, 28)),
        (date(2026, 1, 9), date(2026, 3, 22)),
        (date(2026, 4, 1), date(2026, 5, 31)),
    ]
    for number, (start, end) in enumerate(quarters, 1):
        row(
            "academicSessions",
            f"gen-q{number}",
            "",
            "",
            f"Quarter {number}",
            "gradingPeriod",
            start,
            end,
            "gen-y",
            "2026",
        )
    terms = ",".join(f"gen-q{n}" for n in range(1, 5))
    row("categories", "gen-cat-classwork", "", "", "classwork")
    row("categories", "gen-cat-test", "", "", "test")
    for s in range(schools):
        school = f"gen-s{s}"
        row("orgs", school, "", "", f"Generated school {s}", "school", f"GEN{s}", "gen-d")
        row("courses", f"{school}-home", "", "", "gen-y", "Homeroom", "HR", "", school, "", "")
        for k, subject in enumerate(SUBJECTS):
            row(
                "courses",
                f"{school}-c{k}",
                "",
                "",
                "gen-y",
                subject,
                subject[:4].upper(),
                "",
                school,
                "",
                "",
            )
            teacher = f"{school}-t{k}"
            row(
                "users",
                teacher,
                "",
                "",
                "true",
                school,
                "teacher",
                f"{teacher}@gen",
                "",
                "Teacher",
                f"No{k}",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            )
        for c in range(classes):
            grade, letter = 5 + c // 3, "ABC"[c % 3]
            homeroom = f"{school}-k{c}"
            row(
                "classes",
                homeroom,
                "",
                "",
                f"{grade}{letter}",
                f"{grade:02d}",
                f"{school}-home",
                "",
                "homeroom",
                "",
                school,
                terms,
                "",
                "",
                "",
            )
            row(
                "enrollments",
                f"{homeroom}-ct",
                "",
                "",
                homeroom,
                school,
                f"{school}-t{c % len(SUBJECTS)}",
                "teacher",
                "true",
                "",
                "",
            )
            for k in range(len(SUBJECTS)):
                scheduled = f"{homeroom}-x{k}"
                row(
                    "classes",
                    scheduled,
                    "",
                    "",
                    f"{SUBJECTS[k]} {grade}{letter}",
                    f"{grade:02d}",
                    f"{school}-c{k}",
                    "",
                    "scheduled",
                    "",
                    school,
                    terms,
                    "",
                    "",
                    "",
                )
                row(
                    "enrollments",
                    f"{scheduled}-t",
                    "",
                    "",
                    scheduled,
                    school,
                    f"{school}-t{k}",
                    "teacher",
                    "true",
                    "",
                    "",
                )
                for m in range(marks):
                    day = date(2025, 9, 8) + timedelta(days=7 * m + k)
                    row(
                        "lineItems",
                        f"{scheduled}-li{m}",
                        "",
                        "",
                        f"Work {m}",
                        "",
                        day,
                        day,
                        scheduled,
                        "gen-cat-test" if m % 4 == 3 else "gen-cat-classwork",
                        "",
                        "",
                        "",
                    )
            for p in range(students):
                student = f"{homeroom}-p{p}"
                parent = f"{student}-g"
                row(
                    "users",
                    student,
                    "",
                    "",
                    "true",
                    school,
                    "student",
                    f"{student}@gen",
                    "",
                    "Student",
                    f"No{p}",
                    "",
                    "",
                    "",
                    "",
                    "",
                    parent,
                    f"{grade:02d}",
                    "",
                )
                row(
                    "users",
                    parent,
                    "",
                    "",
                    "true",
                    school,
                    "parent",
                    f"{parent}@gen",
                    "",
                    "Parent",
                    f"No{p}",
                    "",
                    "",
                    "",
                    "",
                    "",
                    student,
                    "",
                    "",
                )
                row(
                    "enrollments",
                    f"{student}-e",
                    "",
                    "",
                    homeroom,
                    school,
                    student,
                    "student",
                    "false",
                    "2025-09-01",
                    "",
                )
                for k in range(len(SUBJECTS)):
                    scheduled = f"{homeroom}-x{k}"
                    row(
                        "enrollments",
                        f"{student}-e{k}",
                        "",
                        "",
                        scheduled,
                        school,
                        student,
                        "student",
                        "false",
                        "",
                        "",
                    )
                    for m in range(marks):
                        day = _school_day(m, k)
                        score = 2 + (p * 7 + k * 3 + m * 5) % 4
                        row(
                            "results",
                            f"{student}-r{k}-{m}",
                            "",
                            "",
                            f"{scheduled}-li{m}",
                            student,
                            "fully graded",
                            score,
                            day,
                            "",
                        )
    for handle in handles:
        handle.close()
    with (dest / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["propertyName", "value"])
        writer.writerow(["manifest.version", "1.0"])
        writer.writerow(["oneroster.version", "1.1"])
        for name in (
            "orgs",
            "academicSessions",
            "courses",
            "classes",
            "users",
            "enrollments",
            "categories",
            "lineItems",
            "results",
        ):
            writer.writerow([f"file.{name}", "bulk"])
        writer.writerow(["file.demographics", "absent"])
    return rows
