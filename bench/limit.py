"""The limit: W1 and W2 answered by hand, with one SQL statement per request.

A minimal Starlette application that takes the same POST /graphql request as ediary (the query
text of bench/queries/w1_ediary.graphql or w2_ediary.graphql with its variables and a bearer
token) and returns the same JSON. PostgreSQL checks the session and the right to see the data
and builds the whole document; Python only decodes the IDs and passes the bytes on. Nothing
written in Python can serve these answers with less work, so ediary is measured against it.

    BENCH_DATABASE_URL=postgres://... uvicorn bench.limit:app --workers 2
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

NOT_FOUND = json.dumps(
    {
        "data": None,
        "errors": [
            {
                "message": "Nothing was found for this ID.",
                "extensions": {"code": "NOT_FOUND"},
            }
        ],
    }
).encode()

# A live session of an active account: the same test as ediary's resolve_session.
VIEWER = """
viewer AS (
  SELECT s.user_id FROM login_session s JOIN account a ON a.id = s.user_id
  WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND a.is_active
    AND NOT s.must_change_password
)"""

FULL_NAME = (
    "concat_ws(' ', NULLIF({0}.last_name, ''), NULLIF({0}.first_name, ''), "
    "NULLIF({0}.middle_name, ''))"
)

# Integer rounding of the default region policy: half up, clamped into 1..5.
FORECAST = (
    "least(5, greatest(1, {w} / {ws} + CASE WHEN ({w} % {ws}) * 2 >= {ws} THEN 1 ELSE 0 END))"
)

# Rows that hang off a lesson are looked up with its date too (mark.date and attendance.date
# are the lesson's), and a term's marks with the term's dates: PostgreSQL partitions them by
# academic year and then reads one year's.
W1 = f"""
WITH {VIEWER},
placed AS (
  SELECT e.school_class_id, e.starts_on, e.ends_on, c.school_id, c.academic_year_id
  FROM enrollment e JOIN school_class c ON c.id = e.school_class_id
  WHERE e.student_id = $2 AND e.starts_on <= $4 AND (e.ends_on IS NULL OR e.ends_on >= $3)
),
allowed AS (
  SELECT 1 FROM viewer v
  WHERE v.user_id = $2
     OR EXISTS (SELECT 1 FROM guardianship g WHERE g.parent_id = v.user_id AND g.student_id = $2)
),
lessons AS (
  SELECT l.*, p.school_id FROM lesson l
  JOIN placed p ON p.school_class_id = l.school_class_id
   AND l.date >= p.starts_on AND (p.ends_on IS NULL OR l.date <= p.ends_on)
  WHERE l.date BETWEEN $3 AND $4 AND EXISTS (SELECT 1 FROM allowed)
),
term AS (
  SELECT t.id, t.starts_on, t.ends_on FROM term t
  WHERE t.academic_year_id IN (SELECT academic_year_id FROM placed) AND t.starts_on <= $4
  ORDER BY t.starts_on DESC LIMIT 1
),
sums AS (
  SELECT subject_id, sum(value * weight) AS w, sum(weight) AS ws, count(*) AS n FROM mark
  WHERE student_id = $2 AND term_id = (SELECT id FROM term) AND deleted_at IS NULL
    AND date BETWEEN (SELECT starts_on FROM term) AND (SELECT ends_on FROM term)
  GROUP BY subject_id
)
SELECT CASE WHEN EXISTS (SELECT 1 FROM allowed) THEN json_build_object('data',
  json_build_object('diary', json_build_object(
  'days', (
    SELECT json_agg(json_build_object('date', d::date, 'lessons', coalesce((
      SELECT json_agg(json_build_object(
        'lesson', json_build_object(
          'period', l.period,
          'bell', (SELECT json_build_object('startsAt', b.starts_at::time,
                                            'endsAt', b.ends_at::time)
                   FROM bell_period b WHERE b.school_id = l.school_id AND b.number = l.period),
          'subject', (SELECT json_build_object('name', s.name) FROM subject s
                      WHERE s.id = l.subject_id),
          'teacher', (SELECT json_build_object('fullName', {FULL_NAME.format("t")})
                      FROM account t WHERE t.id = l.teacher_id),
          'substituteTeacher', (SELECT json_build_object('fullName', {FULL_NAME.format("t")})
                                FROM account t WHERE t.id = l.substitute_teacher_id),
          'room', l.room, 'topic', l.topic, 'status', upper(l.status),
          'changeNote', l.change_note),
        'homework', coalesce((
          SELECT json_agg(json_build_object('text', h.text, 'dueOn', h.due_on) ORDER BY h.id)
          FROM homework h WHERE h.lesson_id = l.id), '[]'),
        'marks', coalesce((
          SELECT json_agg(json_build_object('value', m.value, 'weight', m.weight,
                          'kind', upper(m.kind), 'comment', m.comment)
                          ORDER BY m.created_at, m.id)
          FROM mark m WHERE m.lesson_id = l.id AND m.date = l.date AND m.student_id = $2
            AND m.deleted_at IS NULL),
          '[]'),
        'attendance', (SELECT json_build_object('kind', upper(a.kind), 'excused', a.excused)
                       FROM attendance a
                       WHERE a.lesson_id = l.id AND a.date = l.date AND a.student_id = $2)
      ) ORDER BY l.period, l.id) FROM lessons l WHERE l.date = d::date), '[]')) ORDER BY d)
    FROM generate_series($3::date, $4::date, interval '1 day') d),
  'termAverages', coalesce((
    SELECT json_agg(json_build_object(
      'subject', json_build_object('name', s.name),
      'average', round(x.w::numeric / x.ws, 2),
      'markCount', x.n,
      'forecast', {FORECAST.format(w="x.w", ws="x.ws")}) ORDER BY s.name COLLATE "C")
    FROM sums x JOIN subject s ON s.id = x.subject_id), '[]')
)))::text END
"""

W2 = f"""
WITH {VIEWER},
cls AS (
  SELECT c.* FROM school_class c, viewer v
  WHERE c.id = $2 AND (
    EXISTS (SELECT 1 FROM teaching_assignment t WHERE t.teacher_id = v.user_id
            AND t.school_class_id = $2 AND t.subject_id = $3)
    OR c.class_teacher_id = v.user_id
    OR EXISTS (SELECT 1 FROM role_grant r WHERE r.user_id = v.user_id
               AND r.role = 'school_admin' AND r.school_id = c.school_id))
),
trm AS (
  SELECT t.* FROM term t JOIN cls ON t.academic_year_id = cls.academic_year_id
  WHERE t.id = $4
    AND EXISTS (SELECT 1 FROM subject s WHERE s.id = $3 AND s.school_id = cls.school_id)
),
students AS (
  SELECT DISTINCT ON (a.id) a.id, a.last_name, a.first_name, a.middle_name, e.id AS enrollment
  FROM enrollment e JOIN account a ON a.id = e.student_id, trm
  WHERE e.school_class_id = $2 AND e.starts_on <= trm.ends_on
    AND (e.ends_on IS NULL OR e.ends_on >= trm.starts_on)
  ORDER BY a.id, a.last_name, a.first_name, a.middle_name, e.id
),
lessons AS (
  SELECT l.id, l.date, l.period, l.topic, l.status FROM lesson l, trm
  WHERE l.school_class_id = $2 AND l.subject_id = $3
    AND l.date >= trm.starts_on AND l.date <= trm.ends_on
),
marks AS (
  SELECT * FROM mark
  WHERE student_id IN (SELECT id FROM students) AND subject_id = $3 AND term_id = $4
    AND deleted_at IS NULL
),
cells AS (
  SELECT student_id, lesson_id, json_agg(json_build_object('value', value, 'weight', weight,
         'kind', upper(kind), 'comment', comment) ORDER BY created_at, id) AS marks
  FROM marks WHERE lesson_id IN (SELECT id FROM lessons) GROUP BY student_id, lesson_id
),
sums AS (
  SELECT student_id, sum(value * weight) AS w, sum(weight) AS ws, count(*) AS n
  FROM marks GROUP BY student_id
),
absences AS (
  SELECT lesson_id, student_id, kind, excused FROM attendance
  WHERE lesson_id IN (SELECT id FROM lessons) AND student_id IN (SELECT id FROM students)
    AND date >= (SELECT starts_on FROM trm) AND date <= (SELECT ends_on FROM trm)
),
grid AS (
  SELECT s.id AS student_id, json_agg(json_build_object(
      'marks', coalesce(c.marks, '[]'),
      'attendance', CASE WHEN a.kind IS NULL THEN NULL
                    ELSE json_build_object('kind', upper(a.kind), 'excused', a.excused) END)
      ORDER BY l.date, l.period, l.id) AS cells
  FROM students s CROSS JOIN lessons l
  LEFT JOIN cells c ON c.lesson_id = l.id AND c.student_id = s.id
  LEFT JOIN absences a ON a.lesson_id = l.id AND a.student_id = s.id
  GROUP BY s.id
)
SELECT CASE WHEN EXISTS (SELECT 1 FROM trm) THEN json_build_object('data',
  json_build_object('classJournal', json_build_object(
  'lessons', coalesce((
    SELECT json_agg(json_build_object('date', l.date, 'topic', l.topic, 'status', upper(l.status))
                    ORDER BY l.date, l.period, l.id) FROM lessons l), '[]'),
  'rows', coalesce((
    SELECT json_agg(json_build_object(
      'student', json_build_object('fullName', {FULL_NAME.format("s")}),
      'cells', coalesce(g.cells, '[]'),
      'average', json_build_object(
        'average', CASE WHEN x.ws > 0 THEN round(x.w::numeric / x.ws, 2) END,
        'markCount', coalesce(x.n, 0),
        'forecast', CASE WHEN x.ws > 0 THEN {FORECAST.format(w="x.w", ws="x.ws")} END)
    ) ORDER BY s.last_name, s.first_name, s.middle_name, s.enrollment)
    FROM students s LEFT JOIN sums x ON x.student_id = s.id
    LEFT JOIN grid g ON g.student_id = s.id), '[]')
)))::text END
"""


def local_id(global_id: str, kind: str) -> int:
    """The database ID inside a Relay global ID ("Kind:42", base64)."""
    found_kind, _, key = base64.b64decode(global_id).decode().partition(":")
    if found_kind != kind:
        raise ValueError(global_id)
    return int(key)


def monday_of(week: str) -> date:
    year, _, number = week.partition("-W")
    return date.fromisocalendar(int(year), int(number), 1)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    url = os.environ["BENCH_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    # One plan kept per statement, as ediary's connections keep (ediary.db): left to choose,
    # PostgreSQL re-plans the statements at every request once years of partitions inflate
    # the estimate of a kept plan (W1 at L5: 6.8 ms a request against 2.0 with one client).
    app.state.pool = await asyncpg.create_pool(
        url, min_size=2, max_size=10, server_settings={"plan_cache_mode": "force_generic_plan"}
    )
    try:
        yield
    finally:
        await app.state.pool.close()


async def graphql(request: Request) -> Response:
    body = json.loads(await request.body())
    variables: dict[str, Any] = body.get("variables") or {}
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    digest = hashlib.sha256(token.encode()).hexdigest()
    try:
        if "classJournal" in body["query"]:
            args: tuple[Any, ...] = (
                W2,
                digest,
                local_id(variables["class"], "SchoolClass"),
                local_id(variables["subject"], "Subject"),
                local_id(variables["term"], "Term"),
            )
        else:
            monday = monday_of(variables["week"])
            args = (
                W1,
                digest,
                local_id(variables["student"], "Student"),
                monday,
                date.fromordinal(monday.toordinal() + 6),
            )
    except (KeyError, ValueError):
        return Response(NOT_FOUND, media_type="application/json")
    async with request.app.state.pool.acquire() as connection:
        found = await connection.fetchval(*args)
    content = found.encode() if found is not None else NOT_FOUND
    return Response(content, media_type="application/json")


app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)
