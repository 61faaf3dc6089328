"""A deterministic data set for the benchmarks, written straight into PostgreSQL.

Same seed, same data. Per school: 40 classes of 25 students (grades 1 to 11), 13 subjects, 35
lessons a week for a 9-week first term (about 12,300 lessons), 3 to 8 marks a lesson (about
68,000 marks) of several kinds and weights, about 5% absences or lateness, homework on most
lessons, a parent for every student, and given term marks for half of the classes. Size S is
one school, M ten, L a hundred; S5, M5 and L5 add five earlier academic years of the same
density (bench/history.py).

Rows go in with COPY: generating through the ORM would take longer than the benchmark.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

import asyncpg

from bench.history import add_history
from ediary.db import installed_plugin_apps, migrate
from ediary.domain.enums import WorkKind
from ediary.domain.grading import DEFAULT_WEIGHTS

# Schools per size. A digit after a size adds that many earlier academic years
# (bench/history.py): L5 is L with five past years, to show that reads stay flat as years pile
# up. See `parse_size`.
SIZES = {"S": 1, "M": 10, "L": 100}
# Bump when the shape of the data changes: `ensure` rebuilds databases with another version.
VERSION = 3
CLASSES_PER_SCHOOL = 40
STUDENTS_PER_CLASS = 25
TERM_1 = (date(2026, 9, 1), date(2026, 10, 30))
TERM_2 = (date(2026, 11, 9), date(2026, 12, 28))
YEAR = "2026/2027"
# Weekly hours of the 13 subjects: 35 lessons a week.
SUBJECTS = (
    ("Mathematics", 5),
    ("Russian", 4),
    ("Literature", 3),
    ("English", 3),
    ("History", 2),
    ("Social studies", 1),
    ("Geography", 2),
    ("Biology", 2),
    ("Physics", 3),
    ("Chemistry", 2),
    ("Informatics", 2),
    ("Physical education", 3),
    ("Art", 3),
)
KINDS = (
    (WorkKind.ORAL, 30),
    (WorkKind.CLASSWORK, 30),
    (WorkKind.HOMEWORK, 20),
    (WorkKind.QUIZ, 8),
    (WorkKind.DICTATION, 4),
    (WorkKind.LAB, 3),
    (WorkKind.ESSAY, 2),
    (WorkKind.TEST, 3),
)
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@dataclass
class Ids:
    """Primary keys handed out in order, per table."""

    next: dict[str, int] = field(default_factory=dict)

    def __call__(self, table: str) -> int:
        value = self.next.get(table, 1)
        self.next[table] = value + 1
        return value


@dataclass
class Rows:
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, *row: Any) -> None:
        self.tables.setdefault(table, []).append(row)


COLUMNS = {
    "region": ("id", "code", "name"),
    "school": ("id", "region_id", "name", "short_name", "timezone", "show_class_rating"),
    "academic_year": ("id", "school_id", "name", "starts_on", "ends_on", "term_system"),
    "term": ("id", "academic_year_id", "number", "starts_on", "ends_on"),
    "bell_period": ("id", "school_id", "number", "starts_at", "ends_at"),
    "subject": ("id", "school_id", "name", "short_name"),
    "account": (
        "id",
        "login",
        "password_hash",
        "last_name",
        "first_name",
        "middle_name",
        "is_active",
        "created_at",
    ),
    "role_grant": ("id", "user_id", "role", "school_id", "region_id"),
    "school_class": ("id", "school_id", "academic_year_id", "grade", "letter", "class_teacher_id"),
    "teaching_assignment": ("id", "teacher_id", "school_class_id", "subject_id"),
    "enrollment": ("id", "student_id", "school_class_id", "starts_on", "ends_on"),
    "guardianship": ("id", "parent_id", "student_id", "relation", "created_at"),
    "lesson": (
        "id",
        "school_class_id",
        "subject_id",
        "teacher_id",
        "date",
        "period",
        "room",
        "topic",
        "status",
        "change_note",
    ),
    "homework": ("id", "lesson_id", "text", "due_on", "author_id", "created_at", "updated_at"),
    "mark": (
        "id",
        "student_id",
        "lesson_id",
        "school_class_id",
        "subject_id",
        "term_id",
        "date",
        "value",
        "weight",
        "kind",
        "comment",
        "author_id",
        "created_at",
        "updated_at",
    ),
    "attendance": (
        "id",
        "lesson_id",
        "student_id",
        "date",
        "kind",
        "reason",
        "excused",
        "recorded_by_id",
        "created_at",
    ),
    "final_mark": (
        "id",
        "student_id",
        "subject_id",
        "academic_year_id",
        "term_id",
        "value",
        "author_id",
        "created_at",
    ),
}


def school_days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def _account(rows: Rows, ids: Ids, login: str, last: str, first: str) -> int:
    key = ids("account")
    rows.add("account", key, login, "", last, first, "", True, NOW)
    return key


def _school(rows: Rows, ids: Ids, rng: random.Random, region_id: int, n: int) -> None:
    school = ids("school")
    rows.add("school", school, region_id, f"School No. {n}", f"No. {n}", "Europe/Moscow", False)
    year = ids("academic_year")
    rows.add("academic_year", year, school, YEAR, TERM_1[0], TERM_2[1], "quarters")
    term1, term2 = ids("term"), ids("term")
    rows.add("term", term1, year, 1, *TERM_1)
    rows.add("term", term2, year, 2, *TERM_2)
    for period in range(1, 8):
        rows.add(
            "bell_period",
            ids("bell_period"),
            school,
            period,
            f"{7 + period:02d}:30",
            f"{8 + period:02d}:15",
        )
    subjects = []
    for name, hours in SUBJECTS:
        key = ids("subject")
        rows.add("subject", key, school, name, name[:4])
        subjects.append((key, hours))
    admin = _account(rows, ids, f"s{n}-admin", "Admin", f"School {n}")
    rows.add("role_grant", ids("role_grant"), admin, "school_admin", school, None)
    # Three teachers per subject, each with about a third of the classes.
    teachers: dict[int, list[int]] = {}
    for subject, _ in subjects:
        teachers[subject] = []
        for k in range(3):
            key = _account(rows, ids, f"s{n}-t{subject}-{k}", "Teacher", f"{subject}-{k}")
            rows.add("role_grant", ids("role_grant"), key, "teacher", school, None)
            teachers[subject].append(key)
    weights = [w for _, w in KINDS]
    kinds = [k for k, _ in KINDS]
    for index in range(CLASSES_PER_SCHOOL):
        grade, letter = 1 + index % 11, "ABCD"[index // 11]
        school_class = ids("school_class")
        teacher_of = {subject: teachers[subject][index % 3] for subject, _ in subjects}
        homeroom = teacher_of[subjects[index % len(subjects)][0]]
        rows.add("school_class", school_class, school, year, grade, letter, homeroom)
        for subject, teacher in teacher_of.items():
            rows.add(
                "teaching_assignment", ids("teaching_assignment"), teacher, school_class, subject
            )
        students = []
        for s in range(STUDENTS_PER_CLASS):
            key = _account(rows, ids, f"s{n}-c{index}-{s}", f"Student{s}", f"C{index}")
            rows.add("role_grant", ids("role_grant"), key, "student", school, None)
            rows.add("enrollment", ids("enrollment"), key, school_class, TERM_1[0], None)
            parent = _account(rows, ids, f"s{n}-c{index}-{s}-p", f"Student{s}", "Parent")
            rows.add("role_grant", ids("role_grant"), parent, "parent", school, None)
            rows.add("guardianship", ids("guardianship"), parent, key, "parent", NOW)
            # Each student's usual mark; marks scatter around it.
            students.append((key, rng.choices((5, 4, 3), (3, 5, 2))[0]))
        # A fixed weekly timetable: 35 slots over 5 days and 7 periods.
        slots = [subject for subject, hours in subjects for _ in range(hours)]
        rng.shuffle(slots)
        sums: dict[tuple[int, int], list[int]] = {}
        taught: dict[int, int] = {}
        for day in school_days(*TERM_1):
            for period in range(1, 8):
                subject = slots[day.weekday() * 7 + period - 1]
                teacher = teacher_of[subject]
                lesson = ids("lesson")
                taught[subject] = taught.get(subject, 0) + 1
                rows.add(
                    "lesson",
                    lesson,
                    school_class,
                    subject,
                    teacher,
                    day,
                    period,
                    str(100 + index),
                    f"Topic {taught[subject]}",
                    "held",
                    "",
                )
                if rng.random() < 0.8:
                    rows.add(
                        "homework",
                        ids("homework"),
                        lesson,
                        "Exercises",
                        day + timedelta(days=1),
                        teacher,
                        NOW,
                        NOW,
                    )
                for student, usual in rng.sample(students, rng.randint(3, 8)):
                    kind = rng.choices(kinds, weights)[0]
                    value = max(1, min(5, usual + rng.choice((-2, -1, -1, 0, 0, 0, 0, 1))))
                    weight = DEFAULT_WEIGHTS[kind]
                    rows.add(
                        "mark",
                        ids("mark"),
                        student,
                        lesson,
                        school_class,
                        subject,
                        term1,
                        day,
                        value,
                        weight,
                        kind.value,
                        "",
                        teacher,
                        NOW,
                        NOW,
                    )
                    sums.setdefault((student, subject), []).append(value)
                for student, _ in students:
                    roll = rng.random()
                    if roll < 0.05:
                        late = roll < 0.01
                        rows.add(
                            "attendance",
                            ids("attendance"),
                            lesson,
                            student,
                            day,
                            "late" if late else "absent",
                            "",
                            rng.random() < 0.6,
                            teacher,
                            NOW,
                        )
        if index % 2 == 0:  # half of the classes already have their term marks
            for (student, subject), values in sums.items():
                value = round(sum(values) / len(values))
                rows.add(
                    "final_mark",
                    ids("final_mark"),
                    student,
                    subject,
                    year,
                    term1,
                    value,
                    teacher_of[subject],
                    NOW,
                )


class Size(NamedTuple):
    schools: int
    history_years: int


def parse_size(name: str) -> Size:
    """A size of SIZES, or one followed by a digit from 1 to 9, the past academic years:
    "L5" is Size(schools=100, history_years=5)."""
    base, years = name[:1], name[1:]
    if base not in SIZES or years not in ("", *"123456789"):
        raise ValueError(f"unknown size {name!r}: {', '.join(SIZES)}, or one of them and 1 to 9")
    return Size(SIZES[base], int(years or 0))


def database_url(server_url: str, name: str) -> str:
    return f"{server_url.rpartition('/')[0]}/{name}"


def _asyncpg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _parameters(size: str, seed: int) -> str:
    parsed = parse_size(size)
    # Sizes without history keep the text they always had, so their built databases are reused.
    history = f" history={parsed.history_years}" if parsed.history_years else ""
    return f"size={size} schools={parsed.schools}{history} seed={seed} version={VERSION}"


async def ensure(server_url: str, name: str, size: str, seed: int = 1) -> tuple[str, bool]:
    """Database `name` filled for this size and seed: reused when a complete build with the
    same parameters is already there, built otherwise. Returns its URL and whether it was built.
    """
    url = database_url(server_url, name)
    try:
        connection = await asyncpg.connect(_asyncpg(url))
    except asyncpg.InvalidCatalogNameError:
        return await build(server_url, name, size, seed), True
    try:
        # The marker row is written last, so a build that died half-way is not reused.
        found = await connection.fetchval(
            "SELECT parameters FROM bench_dataset WHERE parameters = $1", _parameters(size, seed)
        )
    except asyncpg.UndefinedTableError:
        found = None
    finally:
        await connection.close()
    if found is not None:
        # A reused database gets the migrations added since it was built.
        await migrate(url, installed_plugin_apps())
        return url, False
    return await build(server_url, name, size, seed), True


async def build(server_url: str, name: str, size: str, seed: int = 1) -> str:
    """(Re)create database `name` on the server and fill it; returns its URL."""
    admin = await asyncpg.connect(_asyncpg(server_url))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = database_url(server_url, name)
    # The marker's table exists before `ediary migrate`, which puts the data version's trigger
    # on every table: a table without one turns ediary's response cache off.
    connection = await asyncpg.connect(_asyncpg(url))
    try:
        await connection.execute(
            "CREATE TABLE bench_dataset (parameters text PRIMARY KEY, built_at timestamptz)"
        )
    finally:
        await connection.close()
    # The plugins' tables too, as `ediary migrate` makes them: `ediary serve` refuses a
    # database without the migrations of the plugins it loads.
    await migrate(url, installed_plugin_apps())
    parsed = parse_size(size)
    rng = random.Random(seed)
    ids = Ids()
    connection = await asyncpg.connect(_asyncpg(url))
    try:
        rows = Rows()
        region = ids("region")
        rows.add("region", region, "bench", "Benchmark region")
        official = _account(rows, ids, "official", "Official", "Region")
        rows.add("role_grant", ids("role_grant"), official, "regional_official", None, region)
        await _copy(connection, rows)
        for n in range(1, parsed.schools + 1):
            rows = Rows()
            _school(rows, ids, rng, region, n)
            await _copy(connection, rows)
        for table, value in ids.next.items():
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {value})"
            )
        await add_history(connection, parsed.history_years)
        await connection.execute("ANALYZE")
        await connection.execute(
            "INSERT INTO bench_dataset VALUES ($1, now())", _parameters(size, seed)
        )
    finally:
        await connection.close()
    return url


async def _copy(connection: asyncpg.Connection, rows: Rows) -> None:
    for table in COLUMNS:  # parents before children
        if table in rows.tables:
            await connection.copy_records_to_table(
                table, records=rows.tables[table], columns=list(COLUMNS[table])
            )
