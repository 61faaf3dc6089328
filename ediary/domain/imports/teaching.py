"""Imported teaching ties: which teacher teaches which subject to which class, and which
teacher leads a class (its class teacher), the ties that let a teacher read its journal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise import connections

from ediary.domain.bulk import insert_rows, reserve_ids, update_models
from ediary.domain.enums import Role
from ediary.domain.errors import NotFound
from ediary.domain.imports.people import grant_school_roles
from ediary.domain.imports.scope import ImportScope, Refusal
from ediary.domain.models import Subject, TeachingAssignment
from ediary.domain.reach import OutsideReach

__all__ = [
    "ClassTeacherData",
    "SavedTeaching",
    "TeachingData",
    "assign_teachers",
    "set_class_teachers",
    "unassign_teachers",
]


@dataclass(frozen=True)
class TeachingData:
    """A teacher who teaches a subject to a class."""

    teacher_id: int
    class_id: int
    subject_id: int


@dataclass(frozen=True)
class ClassTeacherData:
    """The teacher who leads a class (its class teacher), or None for none."""

    class_id: int
    teacher_id: int | None


@dataclass(frozen=True)
class SavedTeaching:
    """An assignment `assign_teachers` wrote or found: its id and whether it is new."""

    assignment_id: int
    created: bool


async def assign_teachers(
    scope: ImportScope, items: Sequence[TeachingData]
) -> list[SavedTeaching | Refusal]:
    """Assign teachers to teach subjects to classes; returns, in order, each assignment and
    whether it is new, or why it was refused. The teacher and the class must be the reach's
    own and the subject of the class's school; the teacher gets the teacher role at that
    school as a hand-made assignment would need. An assignment already there is kept."""
    results: list[SavedTeaching | Refusal] = [NotFound()] * len(items)
    if not items:
        return results
    teachers = await scope.owned_users(i.teacher_id for i in items)
    classes = await scope.owned_classes(i.class_id for i in items)
    subjects: dict[int, int] = {
        int(subject): int(school)
        for subject, school in await Subject.filter(
            id__in=sorted({i.subject_id for i in items})
        ).values_list("id", "school_id")
    }
    held: dict[tuple[int, int, int], int] = {
        (int(teacher), int(school_class), int(subject)): int(found)
        for found, teacher, school_class, subject in await TeachingAssignment.filter(
            school_class_id__in=sorted(classes)
        ).values_list("id", "teacher_id", "school_class_id", "subject_id")
    }
    # The new assignments, each with the items that ask for it (a set may repeat one).
    planned: dict[tuple[int, int, int], list[int]] = {}
    for index, item in enumerate(items):
        key = (item.teacher_id, item.class_id, item.subject_id)
        if item.teacher_id not in teachers:
            results[index] = OutsideReach(field="teacherId")
        elif item.class_id not in classes:
            results[index] = OutsideReach(field="classId")
        elif subjects.get(item.subject_id) != classes[item.class_id].school_id:
            results[index] = NotFound(field="subjectId")
        elif key in held:
            results[index] = SavedTeaching(held[key], False)
        else:
            planned.setdefault(key, []).append(index)
    refused = await grant_school_roles(
        scope,
        {(teacher, Role.TEACHER, classes[c].school_id) for teacher, c, _ in planned},
    )
    for key in [k for k in planned if (k[0], Role.TEACHER, classes[k[1]].school_id) in refused]:
        for index in planned.pop(key):
            results[index] = OutsideReach(field="teacherId")
    conn = connections.get("default")
    ids = await reserve_ids(TeachingAssignment, len(planned), conn)
    rows = [[new_id, *key] for key, new_id in zip(planned, ids, strict=True)]
    await insert_rows(
        TeachingAssignment, ("id", "teacher_id", "school_class_id", "subject_id"), rows, conn
    )
    for indexes, new_id in zip(planned.values(), ids, strict=True):
        first, *again = indexes
        results[first] = SavedTeaching(new_id, True)
        for index in again:
            results[index] = SavedTeaching(new_id, False)
    return results


async def unassign_teachers(scope: ImportScope, items: Sequence[TeachingData]) -> int:
    """End these assignments (a teacher who no longer teaches the class); returns how many
    were removed. Assignments of classes the reach does not own are left as they are."""
    classes = await scope.owned_classes(i.class_id for i in items)
    wanted = {(i.teacher_id, i.class_id, i.subject_id) for i in items if i.class_id in classes}
    if not wanted:
        return 0
    found = await TeachingAssignment.filter(
        teacher_id__in=sorted({t for t, _, _ in wanted}),
        school_class_id__in=sorted({c for _, c, _ in wanted}),
    ).values_list("id", "teacher_id", "school_class_id", "subject_id")
    doomed = [int(row[0]) for row in found if (row[1], row[2], row[3]) in wanted]
    if doomed:
        await TeachingAssignment.filter(id__in=doomed).delete()
    return len(doomed)


async def set_class_teachers(
    scope: ImportScope, items: Sequence[ClassTeacherData]
) -> list[bool | Refusal]:
    """Make teachers the class teachers of classes (None: the class has none); returns, in
    order, whether each item changed its class, or why it was refused. The class and the
    teacher must be the reach's own; the teacher gets the teacher role at the class's school.
    Of several items for one class, the last holds."""
    results: list[bool | Refusal] = [NotFound()] * len(items)
    if not items:
        return results
    classes = await scope.owned_classes(i.class_id for i in items)
    teachers = await scope.owned_users(i.teacher_id for i in items if i.teacher_id is not None)
    wanted: dict[int, int | None] = {}
    asked: dict[int, list[int]] = {}
    for index, item in enumerate(items):
        if item.class_id not in classes:
            results[index] = OutsideReach(field="classId")
        elif item.teacher_id is not None and item.teacher_id not in teachers:
            results[index] = OutsideReach(field="teacherId")
        else:
            wanted[item.class_id] = item.teacher_id
            asked.setdefault(item.class_id, []).append(index)
    roles = {(t, Role.TEACHER, classes[c].school_id) for c, t in wanted.items() if t is not None}
    refused = await grant_school_roles(scope, roles)
    for class_id, teacher in list(wanted.items()):
        if teacher is not None and (teacher, Role.TEACHER, classes[class_id].school_id) in refused:
            for index in asked.pop(class_id):
                results[index] = OutsideReach(field="teacherId")
            del wanted[class_id]
    changed = [classes[c] for c, t in wanted.items() if classes[c].class_teacher_id != t]
    for school_class in changed:
        # The scope's own copy too: a later batch of the same import compares with it.
        school_class.class_teacher_id = wanted[school_class.id]
    await update_models(changed, ["class_teacher_id"], connections.get("default"))
    moved = {c.id for c in changed}
    for class_id, indexes in asked.items():
        for index in indexes:
            results[index] = class_id in moved
    return results
