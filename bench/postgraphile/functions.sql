-- Bench-only SQL functions that let PostGraphile answer W1 and W2 through its generated schema.
-- They live in their own schema, bench_pg, created by the harness in the benchmark databases
-- only; ediary never reads them. PostGraphile's own filters are equality conditions, so the
-- date ranges of a week and a term, the bell schedule (joined by school and period number)
-- and the term averages are functions here.
DROP SCHEMA IF EXISTS bench_pg CASCADE;
CREATE SCHEMA bench_pg;

-- W1: the lessons of a student's classes in the week starting on `monday`.
CREATE OR REPLACE FUNCTION bench_pg.week_lessons(student integer, monday date)
RETURNS SETOF public.lesson LANGUAGE sql STABLE AS $$
  SELECT l.* FROM public.lesson l
  JOIN public.enrollment e ON e.school_class_id = l.school_class_id AND e.student_id = student
   AND l.date >= e.starts_on AND (e.ends_on IS NULL OR l.date <= e.ends_on)
  WHERE l.date BETWEEN monday AND monday + 6
  ORDER BY l.date, l.period, l.id
$$;

-- W1: the bell schedule of the student's schools; the client puts times to periods.
-- (PostGraphile takes computed columns only from the table's own schema, and this one stays
-- out of ediary's.)
CREATE OR REPLACE FUNCTION bench_pg.student_bells(student integer)
RETURNS SETOF public.bell_period LANGUAGE sql STABLE AS $$
  SELECT DISTINCT b.* FROM public.bell_period b
  JOIN public.school_class c ON c.school_id = b.school_id
  JOIN public.enrollment e ON e.school_class_id = c.id
  WHERE e.student_id = student
  ORDER BY b.number
$$;

CREATE TYPE bench_pg.term_average AS (
  subject text, average numeric, mark_count integer, forecast integer
);

-- W1: the weighted average per subject over the term of the day, as the diary shows it.
CREATE OR REPLACE FUNCTION bench_pg.term_averages(student integer, day date)
RETURNS SETOF bench_pg.term_average LANGUAGE sql STABLE AS $$
  WITH term AS (
    SELECT t.id FROM public.term t
    WHERE t.academic_year_id IN (
      SELECT c.academic_year_id FROM public.enrollment e
      JOIN public.school_class c ON c.id = e.school_class_id WHERE e.student_id = student)
      AND t.starts_on <= day
    ORDER BY t.starts_on DESC LIMIT 1
  ), sums AS (
    SELECT subject_id, sum(value * weight) AS w, sum(weight) AS ws, count(*) AS n
    FROM public.mark
    WHERE student_id = student AND term_id = (SELECT id FROM term) AND deleted_at IS NULL
    GROUP BY subject_id
  )
  SELECT s.name::text, round(x.w::numeric / x.ws, 2), x.n::integer,
         least(5, greatest(1, x.w / x.ws + CASE WHEN (x.w % x.ws) * 2 >= x.ws THEN 1 ELSE 0 END))::integer
  FROM sums x JOIN public.subject s ON s.id = x.subject_id
  ORDER BY s.name COLLATE "C"
$$;

-- W2: the lessons of a class and subject over a term.
CREATE OR REPLACE FUNCTION bench_pg.journal_lessons(class_id integer, subject_id integer, term_id integer)
RETURNS SETOF public.lesson LANGUAGE sql STABLE AS $$
  SELECT l.* FROM public.lesson l JOIN public.term t ON t.id = term_id
  WHERE l.school_class_id = class_id AND l.subject_id = journal_lessons.subject_id
    AND l.date BETWEEN t.starts_on AND t.ends_on
  ORDER BY l.date, l.period, l.id
$$;

-- W2: the students of a class during a term, in register order.
CREATE OR REPLACE FUNCTION bench_pg.journal_students(class_id integer, term_id integer)
RETURNS SETOF public.account LANGUAGE sql STABLE AS $$
  SELECT a.* FROM public.account a
  JOIN (
    SELECT e.student_id, min(e.id) AS enrollment FROM public.enrollment e
    JOIN public.term t ON t.id = term_id
    WHERE e.school_class_id = class_id AND e.starts_on <= t.ends_on
      AND (e.ends_on IS NULL OR e.ends_on >= t.starts_on)
    GROUP BY e.student_id
  ) e ON e.student_id = a.id
  ORDER BY a.last_name, a.first_name, a.middle_name, e.enrollment
$$;

CREATE TYPE bench_pg.student_average AS (
  student_id integer, average numeric, mark_count integer, forecast integer
);

-- W2: each student's weighted average of the subject over the term.
CREATE OR REPLACE FUNCTION bench_pg.journal_averages(class_id integer, subject_id integer, term_id integer)
RETURNS SETOF bench_pg.student_average LANGUAGE sql STABLE AS $$
  WITH sums AS (
    SELECT m.student_id, sum(m.value * m.weight) AS w, sum(m.weight) AS ws, count(*) AS n
    FROM public.mark m
    WHERE m.student_id IN (
      SELECT id FROM bench_pg.journal_students(journal_averages.class_id, journal_averages.term_id))
      AND m.subject_id = journal_averages.subject_id AND m.term_id = journal_averages.term_id
      AND m.deleted_at IS NULL
    GROUP BY m.student_id
  )
  SELECT x.student_id, round(x.w::numeric / x.ws, 2), x.n::integer,
         least(5, greatest(1, x.w / x.ws + CASE WHEN (x.w % x.ws) * 2 >= x.ws THEN 1 ELSE 0 END))::integer
  FROM sums x
$$;

-- On PostgreSQL ediary partitions lesson, mark, attendance and mark_event by academic year
-- (ediary.domain.partitions): their primary keys hold the date, and the references into them
-- are kept by triggers, not foreign keys. PostGraphile makes its relations from foreign
-- keys, so smart tags declare the ones the queries follow (and the harness starts it with
-- --use-partitioned-parent, which exposes the tables rather than their partitions).
COMMENT ON TABLE public.lesson IS E'@unique id';
COMMENT ON TABLE public.mark IS E'@foreignKey (lesson_id) references lesson (id)';
COMMENT ON TABLE public.attendance IS E'@foreignKey (lesson_id) references lesson (id)';
COMMENT ON TABLE public.homework IS E'@foreignKey (lesson_id) references lesson (id)';
