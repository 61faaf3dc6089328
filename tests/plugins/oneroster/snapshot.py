"""The diary's content without ids: two databases with the same content compare equal."""

from __future__ import annotations

from typing import Any

from ediary.domain import models
from ediary_oneroster.models import Demographic


async def snapshot() -> dict[str, Any]:
    users = {u.id: u.login for u in await models.User.all()}
    schools = {s.id: s.name for s in await models.School.all()}
    classes = {
        c.id: (schools[c.school_id], c.grade, c.letter) for c in await models.SchoolClass.all()
    }
    subjects = {s.id: (schools[s.school_id], s.name) for s in await models.Subject.all()}
    terms = {t.id: (t.number, t.starts_on, t.ends_on) for t in await models.Term.all()}
    return {
        "regions": sorted((r.code, r.name) for r in await models.Region.all()),
        "schools": sorted((s.name, s.short_name) for s in await models.School.all()),
        "years": sorted(
            (schools[y.school_id], y.name, y.starts_on, y.ends_on)
            for y in await models.AcademicYear.all()
        ),
        "terms": sorted(terms.values()),
        "classes": sorted(
            (*classes[c.id], users.get(c.class_teacher_id or 0))
            for c in await models.SchoolClass.all()
        ),
        "subjects": sorted(
            (*s, x.short_name) for x in await models.Subject.all() for s in [subjects[x.id]]
        ),
        "users": sorted(
            (u.login, u.last_name, u.first_name, u.middle_name, u.email, u.phone, u.is_active)
            for u in await models.User.all()
        ),
        "roles": sorted(
            (users[g.user_id], str(g.role), schools.get(g.school_id or 0), g.region_id is not None)
            for g in await models.RoleGrant.all()
        ),
        "guardianships": sorted(
            (users[g.parent_id], users[g.student_id]) for g in await models.Guardianship.all()
        ),
        "enrollments": sorted(
            (users[e.student_id], classes[e.school_class_id], e.starts_on, e.ends_on)
            for e in await models.Enrollment.all()
        ),
        "assignments": sorted(
            (users[a.teacher_id], classes[a.school_class_id], subjects[a.subject_id])
            for a in await models.TeachingAssignment.all()
        ),
        "marks": sorted(
            (
                users[m.student_id],
                classes[m.school_class_id],
                subjects[m.subject_id],
                terms[m.term_id],
                m.date,
                m.value,
                m.weight,
                str(m.kind),
                m.comment,
                m.deleted_at is not None,
            )
            for m in await models.Mark.all()
        ),
        "demographics": sorted(
            (users[d.user_id], d.birth_date, d.sex) for d in await Demographic.all()
        ),
    }
