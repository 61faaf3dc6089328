"""What a paper copy says: a student's diary week and term report card, alone or for a class.

The week is `diary.load_week`, the very function behind GraphQL's `diary` query, so the paper
says what the screen says. The report card reads, for any number of students of one class, a
fixed number of statements: the class list, mark sums per student and subject, the given term
and year marks, absences per student and subject, the subjects' names, and the class
teacher's remarks for the term (`TermRemark`, see `term_remarks`).

The card prints the class teacher's term remark for those who read the whole card (the
family, the class teacher, the administration; not a subject teacher). Remarks written at
lessons (`Remark`) are printed on the week pages where they were written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from tortoise.expressions import Q
from tortoise.functions import Count

from ediary.domain.access import Facet, Viewer, may_see_class_report
from ediary.domain.analytics.scope import student_term
from ediary.domain.analytics.sums import SUM_FIELDS, sum_columns, sums_from_row
from ediary.domain.averages import counted_marks
from ediary.domain.diary import DiaryWeek, load_week
from ediary.domain.enums import AttendanceKind
from ediary.domain.errors import InvalidInput, NoCurrentTerm, NotFound
from ediary.domain.grading import RegionPolicy, term_mark_of_sums
from ediary.domain.models import (
    Attendance,
    Enrollment,
    FinalMark,
    School,
    SchoolClass,
    Subject,
    Term,
    TermRemark,
    User,
)
from ediary.domain.models.people import full_name
from ediary.domain.placements import enrolled_over, placements
from ediary.domain.rows import TermRow
from ediary.domain.term_remarks import may_read_term_remark
from ediary.domain.terms import current_term
from ediary.domain.weeks import IsoWeek

PolicyFor = Callable[[str | None], RegionPolicy]


@dataclass(frozen=True)
class WeekPage:
    """One student's diary week with whom and what class it is about."""

    student: str
    school_class: str
    school: str
    diary: DiaryWeek
    # Remark texts by lesson, for the lessons whose remarks the grant shows.
    remarks: dict[int, list[str]]


@dataclass(frozen=True)
class SubjectLine:
    subject: str
    # The term mark the teacher gave, or else the one the average forecasts (`given` False).
    term_mark: int | None
    term_mark_given: bool
    year_mark: int | None
    # Lessons missed in the term (absences and illness), of them excused, and latenesses.
    missed: int = 0
    excused: int = 0
    late: int = 0


@dataclass(frozen=True)
class ReportCard:
    student_id: int
    student: str
    school_class: str
    school: str
    term: Term | TermRow
    lines: list[SubjectLine] = field(default_factory=list)
    # The class teacher's remark for the term; None when there is none or it is not shown.
    remark: str | None = None

    @property
    def missed(self) -> int:
        return sum(line.missed for line in self.lines)

    @property
    def excused(self) -> int:
        return sum(line.excused for line in self.lines)

    @property
    def late(self) -> int:
        return sum(line.late for line in self.lines)


# --- Weeks ------------------------------------------------------------------------------------


async def _remark_texts(diary: DiaryWeek) -> dict[int, list[str]]:
    # The week's remarks are one shared read (`Once`), however many lessons ask.
    remarks: dict[int, list[str]] = {}
    for day in diary.days:
        for lesson in day.lessons:
            found = await lesson.remarks()
            if found:
                remarks[lesson.lesson.id] = [remark.text for remark in found]
    return remarks


async def _page(
    viewer: Viewer, student: User, class_name: str, school: str, week: IsoWeek, policy: PolicyFor
) -> WeekPage:
    diary = await load_week(viewer, student.id, week, policy)
    return WeekPage(student.full_name, class_name, school, diary, await _remark_texts(diary))


async def week_page(viewer: Viewer, student_id: int, week: IsoWeek, policy: PolicyFor) -> WeekPage:
    """A student's week as the viewer may see it; NotFound when the student is hidden."""
    diary = await load_week(viewer, student_id, week, policy)
    student = await User.get(id=student_id)
    # The class of the heading: the one the student was in last that week, if any.
    placed = (await placements([student_id], week.monday, week.sunday)).get(student_id, [])
    latest = max(placed, key=lambda p: p.starts_on, default=None)
    school_class = (
        await SchoolClass.get_or_none(id=latest.class_id).select_related("school")
        if latest is not None
        else None
    )
    return WeekPage(
        student.full_name,
        school_class.name if school_class else "",
        school_class.school.name if school_class else "",
        diary,
        await _remark_texts(diary),
    )


async def _visible_class(viewer: Viewer, class_id: int) -> SchoolClass:
    """The class, for its class teacher and its school's administration; NotFound otherwise."""
    school_class = await SchoolClass.get_or_none(id=class_id).select_related("school")
    if school_class is None or not may_see_class_report(viewer, class_id, school_class.school_id):
        raise NotFound()
    return school_class


async def _members(school_class: SchoolClass, first: date, last: date) -> list[User]:
    """Students enrolled in the class at some time between the two days, by name."""
    ids = await Enrollment.filter(
        enrolled_over(first, last), school_class_id=school_class.id
    ).values_list("student_id", flat=True)
    found = await User.filter(id__in=sorted(set(ids)))
    return sorted(found, key=lambda u: (u.last_name, u.first_name, u.middle_name, u.id))


async def class_week_pages(
    viewer: Viewer, class_id: int, week: IsoWeek, policy: PolicyFor
) -> list[WeekPage]:
    """Every student's week of a class, one page each, for those who may see the class's
    report. Each week is `load_week` of its student, so a class costs statements per
    student; the web route charges the viewer's budget per page for that reason."""
    school_class = await _visible_class(viewer, class_id)
    pages = []
    for student in await _members(school_class, week.monday, week.sunday):
        pages.append(
            await _page(viewer, student, school_class.name, school_class.school.name, week, policy)
        )
    return pages


async def class_size(viewer: Viewer, class_id: int, first: date, last: date) -> int:
    """How many pages a class's copy will have (0 for a class hidden from the viewer), read
    before the heavy work so its cost can be charged first."""
    school_class = await SchoolClass.get_or_none(id=class_id)
    if school_class is None or not may_see_class_report(viewer, class_id, school_class.school_id):
        return 0
    ids = await Enrollment.filter(enrolled_over(first, last), school_class_id=class_id).values_list(
        "student_id", flat=True
    )
    return len(set(ids))


# --- Report cards -----------------------------------------------------------------------------


async def _class_term(
    school_class: SchoolClass, term_id: int | None, today: date
) -> Term | TermRow:
    if term_id is None:
        term = await current_term({school_class.academic_year_id}, today)
        if term is None:
            raise NoCurrentTerm()
        return term
    found = await Term.get_or_none(id=term_id, academic_year__school_id=school_class.school_id)
    if found is None:
        raise NotFound()
    if found.academic_year_id != school_class.academic_year_id:
        raise InvalidInput("The term is not in the school year of this class.", field="term")
    return found


async def _cards(
    school_class: SchoolClass,
    term: Term | TermRow,
    students: list[User],
    policy: RegionPolicy,
    shown: frozenset[int] | None = None,
    remarks: bool = True,
) -> list[ReportCard]:
    """The report cards of these students of the class, in a fixed number of statements;
    only the `shown` subjects when given (a subject teacher's grant), and the class
    teacher's remarks only when `remarks`."""
    ids = sorted(s.id for s in students)
    if not ids:
        return []
    term_marks: dict[tuple[int, int], tuple[int, bool]] = {}
    rows = (
        await counted_marks(policy, term_id=term.id, student_id__in=ids)
        .annotate(**sum_columns())
        .group_by("student_id", "subject_id")
        .values("student_id", "subject_id", *SUM_FIELDS)
    )
    for row in rows:
        sums = sums_from_row(row)
        value = term_mark_of_sums(sums.weighted, sums.weights, policy)
        if value is not None:
            term_marks[(row["student_id"], row["subject_id"])] = (value, False)
    year_marks: dict[tuple[int, int], int] = {}
    finals = await FinalMark.filter(
        Q(term_id=term.id) | Q(term_id=None),
        student_id__in=ids,
        academic_year_id=term.academic_year_id,
    ).values("student_id", "subject_id", "term_id", "value")
    for final in finals:
        key = (final["student_id"], final["subject_id"])
        if final["term_id"] is None:
            year_marks[key] = final["value"]
        else:
            term_marks[key] = (final["value"], True)
    # (missed, excused, late) per student and subject, over the term's lessons of the class.
    absences: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    counts = (
        await Attendance.filter(
            student_id__in=ids,
            lesson__school_class_id=school_class.id,
            lesson__date__gte=term.starts_on,
            lesson__date__lte=term.ends_on,
        )
        .annotate(entries=Count("id"))
        .group_by("student_id", "lesson__subject_id", "kind", "excused")
        .values("student_id", "lesson__subject_id", "kind", "excused", "entries")
    )
    for row in counts:
        entry = absences[(row["student_id"], row["lesson__subject_id"])]
        n = int(row["entries"])
        if row["kind"] == AttendanceKind.LATE:
            entry[2] += n
        else:
            entry[0] += n
            entry[1] += n if row["excused"] else 0
    subject_ids = {s for _, s in (*term_marks, *year_marks, *absences)}
    subjects = (
        {s.id: s.name for s in await Subject.filter(id__in=sorted(subject_ids))}
        if subject_ids
        else {}
    )
    texts: dict[int, str] = {}
    if remarks:
        found = await TermRemark.filter(
            term_id=term.id, school_class_id=school_class.id, student_id__in=ids
        ).values_list("student_id", "text")
        texts = {student_id: text for student_id, text in found}
    cards = []
    for student in students:
        mine = sorted(
            (
                s
                for (who, s) in {*term_marks, *year_marks, *absences}
                if who == student.id and (shown is None or s in shown)
            ),
            key=lambda s: subjects[s],
        )
        lines = []
        for subject_id in mine:
            key = (student.id, subject_id)
            mark, given = term_marks.get(key, (None, False))
            missed, excused, late = absences.get(key, (0, 0, 0))
            lines.append(
                SubjectLine(
                    subjects[subject_id], mark, given, year_marks.get(key), missed, excused, late
                )
            )
        cards.append(
            ReportCard(
                student.id,
                full_name(student.last_name, student.first_name, student.middle_name),
                school_class.name,
                school_class.school.name,
                term,
                lines,
                texts.get(student.id),
            )
        )
    return cards


async def _policy(school: School, policy_for: PolicyFor) -> RegionPolicy:
    await school.fetch_related("region")
    return policy_for(school.region.code)


async def report_card(
    viewer: Viewer, student_id: int, term_id: int | None, policy_for: PolicyFor, today: date
) -> ReportCard:
    """A student's report card for a term (the current one when none is given), through the
    same policy as their progress: NotFound when hidden, and when the grant shows no marks."""
    scope = await student_term(viewer, student_id, term_id, today)
    if not scope.grant.allows(Facet.MARKS):
        raise NotFound()
    school_class = await SchoolClass.get(id=scope.placement.class_id).select_related("school")
    student = await User.get(id=student_id)
    policy = await _policy(school_class.school, policy_for)
    cards = await _cards(
        school_class,
        scope.term,
        [student],
        policy,
        scope.grant.subjects,
        remarks=may_read_term_remark(scope.grant),
    )
    return cards[0]


async def class_report_cards(
    viewer: Viewer, class_id: int, term_id: int | None, policy_for: PolicyFor, today: date
) -> list[ReportCard]:
    """The report cards of every student enrolled in the class during the term, by name."""
    school_class = await _visible_class(viewer, class_id)
    term = await _class_term(school_class, term_id, today)
    students = await _members(school_class, term.starts_on, term.ends_on)
    policy = await _policy(school_class.school, policy_for)
    return await _cards(school_class, term, students, policy)
