"""The access policy: who may see which part of whose diary.

Every read of children's data asks this module. Resolvers never decide on their own; they
load the facts the policy needs (the viewer, the student's class placements) and ask.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from ediary.domain.enums import Audience, ExcuseKind, Role
from ediary.domain.models import User
from ediary.domain.ties import Ties, of_user

__all__ = [
    "ANONYMOUS",
    "Facet",
    "PluginRules",
    "StudentGrant",
    "Viewer",
    "may_file_diary_application",
    "may_import_school_data",
    "may_issue_access_codes",
    "may_review_diary_applications",
    "may_see_class",
    "may_see_school",
    "plugin_action_allowed",
]


class Facet(StrEnum):
    """A part of a student's diary that is granted or withheld as a whole."""

    LESSONS = "lessons"
    HOMEWORK = "homework"
    MARKS = "marks"
    ATTENDANCE = "attendance"
    REMARKS = "remarks"


ALL_FACETS = frozenset(Facet)

# How many days back parents may look in a region, by its code: the region policy's
# parent_lookback_days, None for no limit.
ParentLookback = Callable[[str | None], int | None]


@dataclass(frozen=True)
class Placement:
    """A student's membership of a class, as the policy needs it."""

    class_id: int
    school_id: int
    academic_year_id: int
    region_code: str
    starts_on: date
    ends_on: date | None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class Viewer:
    """Who is asking, with everything the policy needs, loaded once per request."""

    user_id: int | None = None
    login: str = ""
    full_name: str = ""
    roles: frozenset[Role] = frozenset()
    children: frozenset[int] = frozenset()
    # (class id, subject id) pairs the viewer teaches.
    teaches: frozenset[tuple[int, int]] = frozenset()
    homerooms: frozenset[int] = frozenset()
    admin_schools: frozenset[int] = frozenset()
    health_schools: frozenset[int] = frozenset()
    official_regions: frozenset[int] = frozenset()
    # Classes the viewer or their children are enrolled in today or will be (an enrollment
    # that ended is no tie: a family follows the child's diary, not the class left behind).
    member_classes: frozenset[int] = frozenset()
    # Schools the viewer has any tie to: staff grants and posts, the schools of
    # `member_classes`. A bare student or parent grant is no tie of its own.
    schools: frozenset[int] = frozenset()
    # Schools of every enrollment of the viewer or their children, ended ones included: the
    # frame (terms, subjects) of the family's diary, which follows the child everywhere.
    diary_schools: frozenset[int] = frozenset()
    # Schools the viewer works at (teaching, leading a class, administration, health care),
    # not those they are tied to only as a student or a parent.
    staff_schools: frozenset[int] = frozenset()
    # How many days back a parent may look at a child's diary in a region (the region
    # policy's parent_lookback_days); a None answer means no limit. Required of a parent's
    # viewer (see __post_init__); None only for viewers no window applies to.
    parent_lookback: ParentLookback | None = field(
        default=None, compare=False, hash=False, repr=False
    )
    # The schools' today the viewer was built for (`viewer_of`): the day parent windows are
    # counted back from. None only for viewers made by hand, which then pass `today` along.
    today: date | None = field(default=None, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        # A parent's viewer without the region's window would show a child's whole history
        # where the region allows less: refuse to make one.
        if Role.PARENT in self.roles and self.parent_lookback is None:
            raise ValueError("a parent's viewer needs the region policy's parent_lookback")

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def taught_classes(self) -> frozenset[int]:
        return frozenset(class_id for class_id, _ in self.teaches)


ANONYMOUS = Viewer()

# Roles that make a school's grant a workplace rather than a family's tie.
STAFF_ROLES = frozenset({Role.TEACHER, Role.SCHOOL_ADMIN, Role.HEALTH_WORKER})
# Roles whose grant at a school ties nobody to it by itself: a student's or a parent's reach
# at a school comes from enrollments (their own, their children's) that have not ended, so
# it ends with the move or the guardianship even when the grant is left behind.
FAMILY_ROLES = frozenset({Role.STUDENT, Role.PARENT})


@dataclass(frozen=True)
class StudentGrant:
    """What a viewer may see of one student: which facets, of which subjects, and when.

    Staff follow a student through enrollments in their school or classes, so their grant is
    bounded by those enrollments (`through`): records dated inside one of them, of its class.
    Families (the student, the parents) follow the child wherever they study: `through` is
    None. Every facet query filters by the bounds (`ediary.domain.bounds`), so a new read
    cannot forget them.
    """

    student_id: int
    facets: frozenset[Facet]
    # None means every subject; otherwise only these subjects' lessons and marks.
    subjects: frozenset[int] | None
    # The region whose policy applies to the student (of the latest placement).
    region_code: str | None = None
    # The first day the viewer may see dated records (lessons, marks, attendance...) of;
    # None means no limit. Set for parents by their region's parent_lookback_days.
    visible_from: date | None = None
    # The enrollments that grant this (staff); None when the grant follows the child
    # everywhere (families). A school's staff never see what came after a move.
    through: tuple[Placement, ...] | None = None

    def shows(self, day: date) -> bool:
        """Whether records dated `day` are inside the viewer's window."""
        return self.visible_from is None or day >= self.visible_from

    def covers(self, day: date, class_id: int | None = None) -> bool:
        """Whether a record dated `day` (of `class_id`, when it has one) is inside the grant:
        inside the viewer's window and, for staff, inside an enrollment that grants it."""
        if not self.shows(day):
            return False
        if self.through is None:
            return True
        return any(
            p.covers(day) and (class_id is None or p.class_id == class_id) for p in self.through
        )

    def allows(self, facet: Facet, subject_id: int | None = None) -> bool:
        if facet not in self.facets:
            return False
        return self.subjects is None or subject_id is None or subject_id in self.subjects


def viewer_of(ties: Ties, parent_lookback: ParentLookback, today: date) -> Viewer:
    """The viewer an account's ties make: its roles, and which of its ties count for them.

    `parent_lookback` answers, for a region code, how many days back parents may look (the
    region policy's parent_lookback_days; the server passes its plugins' policy,
    `ediary.adapters.http.parent_lookback`), and is required. `today` (the
    schools' today, `Settings.school_today()`) decides which enrollments still tie a family
    to a class, and is where parent windows count back from.
    """
    roles = {grant.role for grant in ties.grants}
    by_role: dict[Role, set[int]] = {}
    regions: set[int] = set()
    for grant in ties.grants:
        if grant.school_id is not None:
            by_role.setdefault(grant.role, set()).add(grant.school_id)
        if grant.role == Role.REGIONAL_OFFICIAL and grant.region_id is not None:
            regions.add(grant.region_id)

    # A guardianship counts only for an account that holds the parent role.
    children = set(ties.children) if Role.PARENT in roles else set()
    teaches: set[tuple[int, int]] = set()
    homerooms: set[int] = set()
    schools: set[int] = set()
    for role, where in by_role.items():
        if role not in FAMILY_ROLES:
            schools |= where
    staff_schools: set[int] = set()
    for role in STAFF_ROLES:
        staff_schools |= by_role.get(role, set())
    # Teaching assignments and homerooms count only for an account that holds the teacher
    # role: taking the role away ends what they grant, even before the rows are cleared.
    if Role.TEACHER in roles:
        teaches = {(t.class_id, t.subject_id) for t in ties.teaching}
        schools |= {t.school_id for t in ties.teaching}
        homerooms = {h.class_id for h in ties.homerooms}
        if homerooms:
            roles.add(Role.CLASS_TEACHER)
        schools |= {h.school_id for h in ties.homerooms}
        staff_schools |= {t.school_id for t in ties.teaching}
        staff_schools |= {h.school_id for h in ties.homerooms}
    members = children | ({ties.user_id} if Role.STUDENT in roles else set())
    memberships = [m for m in ties.memberships if m.student_id in members]
    diary_schools = {m.school_id for m in memberships}
    # Enrollments that have not ended: the current ones and those that start later (a
    # student enrolled for September sees the class in August).
    current = [m for m in memberships if m.ends_on is None or m.ends_on >= today]
    member_classes = {m.class_id for m in current}
    schools |= {m.school_id for m in current}
    return Viewer(
        user_id=ties.user_id,
        login=ties.login,
        full_name=ties.full_name,
        roles=frozenset(roles),
        children=frozenset(children),
        teaches=frozenset(teaches),
        homerooms=frozenset(homerooms),
        admin_schools=frozenset(by_role.get(Role.SCHOOL_ADMIN, ())),
        health_schools=frozenset(by_role.get(Role.HEALTH_WORKER, ())),
        official_regions=frozenset(regions),
        member_classes=frozenset(member_classes),
        schools=frozenset(schools),
        diary_schools=frozenset(diary_schools),
        staff_schools=frozenset(staff_schools),
        parent_lookback=parent_lookback,
        today=today,
    )


async def load_viewer(user: User, parent_lookback: ParentLookback, today: date) -> Viewer:
    """The viewer of an account already in hand, its ties read in one statement (see
    `viewer_of` for the arguments). A request's viewer comes with its session instead
    (`ediary.domain.auth.resolve_session`)."""
    found = await of_user(user.id, user.login, user.full_name)
    return viewer_of(found, parent_lookback, today)


def parent_window(
    viewer: Viewer, region_code: str | None, today: date | None = None
) -> date | None:
    """The first day a parent may see of a child in this region; None for no limit. `today`
    defaults to the day the viewer was built for."""
    if viewer.parent_lookback is None:
        return None
    days = viewer.parent_lookback(region_code)
    if days is None:
        return None
    day = today or viewer.today
    if day is None:
        raise ValueError("a parent window needs today: pass it, or build the viewer with it")
    return day - timedelta(days=days)


def student_grant(
    viewer: Viewer, student_id: int, placements: Iterable[Placement], today: date | None = None
) -> StudentGrant | None:
    """What the viewer may see of a student placed in these classes; None when nothing.

    A parent's grant is limited to the region policy's window (`parent_lookback_days` back
    from `today`), unless the viewer also follows the student as staff.
    """
    if not viewer.is_authenticated:
        return None
    placements = sorted(placements, key=lambda p: p.starts_on)
    region = placements[-1].region_code if placements else None
    full = StudentGrant(student_id, ALL_FACETS, None, region)
    if student_id == viewer.user_id and Role.STUDENT in viewer.roles:
        return full
    # Staff follow the student through enrollments in their school or class, and only
    # through those: what the student does after moving on is not theirs to see.
    led = tuple(
        p
        for p in placements
        if p.school_id in viewer.admin_schools or p.class_id in viewer.homerooms
    )
    if student_id in viewer.children:
        # A parent who also leads the child's class or school keeps the whole history.
        window = None if led else parent_window(viewer, region, today)
        return StudentGrant(student_id, ALL_FACETS, None, region, window)
    if led:
        return StudentGrant(student_id, ALL_FACETS, None, region, through=led)
    taught = tuple(p for p in placements if p.class_id in viewer.taught_classes)
    taught_subjects = frozenset(s for c, s in viewer.teaches if c in {p.class_id for p in taught})
    if taught_subjects:
        return StudentGrant(student_id, ALL_FACETS, taught_subjects, region, through=taught)
    cared = tuple(p for p in placements if p.school_id in viewer.health_schools)
    if cared:
        # Health workers follow absences, not learning: lessons for context, no marks.
        facets = frozenset({Facet.LESSONS, Facet.ATTENDANCE})
        return StudentGrant(student_id, facets, None, region, through=cared)
    # Regional officials see aggregates only, never an individual child.
    return None


def may_see_class(viewer: Viewer, class_id: int, school_id: int) -> bool:
    """Timetable and membership of a class: its teachers, students, families and school staff."""
    if not viewer.is_authenticated:
        return False
    return (
        class_id in viewer.taught_classes
        or class_id in viewer.homerooms
        or school_id in viewer.admin_schools
        or school_id in viewer.health_schools
        or class_id in viewer.member_classes
    )


def may_see_school(viewer: Viewer, school_id: int, region_id: int) -> bool:
    """A school's public structure (classes, subjects, bells) for anyone tied to it."""
    return viewer.is_authenticated and (
        school_id in viewer.schools or region_id in viewer.official_regions
    )


@dataclass(frozen=True)
class TeacherTies:
    """Where a person teaches: the classes of their teaching assignments, class-teacher posts
    and the lessons they taught or substituted, and the schools of those classes. Someone
    with none is not a teacher at all."""

    teacher_id: int
    classes: frozenset[int]
    schools: frozenset[int]


def may_see_teacher(viewer: Viewer, ties: TeacherTies) -> bool:
    """A teacher's name (`Teacher`): themself, the staff of a school they teach at, and the
    families (students and parents) of a class they teach or taught. Holding some role at
    the same school is not enough: the school's students and parents are not teachers, and a
    family does not browse the staff of classes that are not theirs."""
    if not viewer.is_authenticated or not ties.classes:
        return False
    if ties.teacher_id == viewer.user_id:
        return True
    return bool(ties.schools & viewer.staff_schools) or bool(ties.classes & viewer.member_classes)


def courses_shown(
    viewer: Viewer, student_id: int, class_id: int, school_id: int
) -> frozenset[int] | None:
    """Which subjects of a student's current class the viewer sees with their teachers
    (`Student.teachers`): None for every subject, an empty set for none.

    The family (the student, the parents) sees them all, as do the class teacher, the
    school's administration and health worker; a teacher of the class sees the subjects
    they teach there, as in the diary. Anyone else sees none."""
    if not viewer.is_authenticated:
        return frozenset()
    family = student_id in viewer.children or (
        student_id == viewer.user_id and Role.STUDENT in viewer.roles
    )
    if (
        family
        or class_id in viewer.homerooms
        or school_id in viewer.admin_schools
        or school_id in viewer.health_schools
    ):
        return None
    return frozenset(s for c, s in viewer.teaches if c == class_id)


def may_see_teacher_timetable(viewer: Viewer, teacher_id: int, school_ids: Iterable[int]) -> bool:
    """A teacher sees their own timetable; the administration sees its staff's."""
    if not viewer.is_authenticated:
        return False
    return teacher_id == viewer.user_id or bool(set(school_ids) & viewer.admin_schools)


def may_issue_access_codes(viewer: Viewer, class_id: int, school_id: int) -> bool:
    """Access codes that let families of a class in: its class teacher and the school's
    administration issue them, print them and see whether they were used."""
    return viewer.is_authenticated and (
        class_id in viewer.homerooms or school_id in viewer.admin_schools
    )


def may_issue_logins(viewer: Viewer, class_id: int, school_id: int) -> bool:
    """Logins and temporary passwords for the families of a class, and their sheets: like
    access codes, its class teacher and the school's administration (its IT staff included)."""
    return may_issue_access_codes(viewer, class_id, school_id)


# --- statistics: reports, ratings and the regional view ------------------------------------------


def may_see_class_journal(viewer: Viewer, class_id: int, subject_id: int, school_id: int) -> bool:
    """The journal grid of a class and subject (every student's marks and absences side by
    side): the teacher of that class and subject, the class teacher and the administration.
    Families see one child's diary, never the grid."""
    return viewer.is_authenticated and (
        (class_id, subject_id) in viewer.teaches
        or class_id in viewer.homerooms
        or school_id in viewer.admin_schools
    )


def may_see_class_report(viewer: Viewer, class_id: int, school_id: int) -> bool:
    """A class's term report names its students: its class teacher and the administration."""
    return viewer.is_authenticated and (
        class_id in viewer.homerooms or school_id in viewer.admin_schools
    )


def may_see_school_report(viewer: Viewer, school_id: int) -> bool:
    """A school's term report, with every class in it: the school's administration."""
    return viewer.is_authenticated and school_id in viewer.admin_schools


def may_see_region_report(viewer: Viewer, region_id: int) -> bool:
    """Aggregates per school of a region, never a child: the region's officials."""
    return viewer.is_authenticated and region_id in viewer.official_regions


def may_see_class_rating(
    viewer: Viewer, grant: StudentGrant, placement: Placement, show_class_rating: bool
) -> bool:
    """The student's place in class and the class averages beside their own.

    Staff who follow the class always may; the family (the student and their guardians) only
    when the school has turned the rating on, since comparing children is the school's call.
    """
    if Facet.MARKS not in grant.facets:
        return False
    if (
        placement.class_id in viewer.homerooms
        or placement.class_id in viewer.taught_classes
        or placement.school_id in viewer.admin_schools
    ):
        return True
    family = grant.student_id == viewer.user_id or grant.student_id in viewer.children
    return family and show_class_rating


def may_manage_calendar_feed(viewer: Viewer, creator_id: int, grant: StudentGrant | None) -> bool:
    """A calendar feed is its creator's; those who follow the whole diary may revoke it too.

    The family or the class teacher must be able to cut off a leaked feed address even when
    someone else created it.
    """
    if not viewer.is_authenticated:
        return False
    if creator_id == viewer.user_id:
        return True
    return grant is not None and grant.subjects is None and grant.facets == ALL_FACETS


# --- Writing ---------------------------------------------------------------------------------
# Who may change what. Services load the facts (the lesson, the mark, the term) and ask here;
# a refusal of something the viewer cannot even see is NotFound, decided by the read rules.


def may_teach(viewer: Viewer, class_id: int, subject_id: int, substitute_id: int | None) -> bool:
    """Marks, homework, topics and remarks: the teacher of the class and subject, or the
    substitute of this very lesson."""
    if not viewer.is_authenticated:
        return False
    return (class_id, subject_id) in viewer.teaches or (
        substitute_id is not None and substitute_id == viewer.user_id
    )


def may_record_attendance(
    viewer: Viewer, class_id: int, subject_id: int, substitute_id: int | None
) -> bool:
    """The register of a lesson: whoever teaches it, and the class teacher of the class."""
    return may_teach(viewer, class_id, subject_id, substitute_id) or class_id in viewer.homerooms


def may_amend_mark(viewer: Viewer, author_id: int, school_id: int, term_is_current: bool) -> bool:
    """Correct or delete a mark: its author while its term is open, or the administration."""
    if not viewer.is_authenticated:
        return False
    if school_id in viewer.admin_schools:
        return True
    return author_id == viewer.user_id and term_is_current


def may_excuse(
    viewer: Viewer, kind: ExcuseKind, student_id: int, school_id: int, class_id: int
) -> bool:
    """A parent writes a note for their child, the health worker a medical excuse, and the
    class teacher or administration excuse on behalf of the school."""
    if not viewer.is_authenticated:
        return False
    if kind is ExcuseKind.PARENT_NOTE:
        return student_id in viewer.children
    if kind is ExcuseKind.MEDICAL:
        return school_id in viewer.health_schools
    return school_id in viewer.admin_schools or class_id in viewer.homerooms


def may_announce_absence(viewer: Viewer, student_id: int) -> bool:
    """Telling the school ahead that a child will be away is a parent's note, like the
    PARENT_NOTE excuse of `may_excuse`: each parent, for their own children."""
    return viewer.is_authenticated and student_id in viewer.children


def may_change_timetable(viewer: Viewer, school_id: int) -> bool:
    """Cancellations, substitutions and room changes belong to the school administration."""
    return viewer.is_authenticated and school_id in viewer.admin_schools


def may_import_school_data(viewer: Viewer, school_id: int) -> bool:
    """Importing a roster and gradebook into a school, and seeing how it went: its
    administration only."""
    return viewer.is_authenticated and school_id in viewer.admin_schools


def may_set_notifications(viewer: Viewer, student_id: int) -> bool:
    """Each parent chooses for themself how they hear about each of their children."""
    return viewer.is_authenticated and student_id in viewer.children


# --- applications for access to a child's diary (regional portal flows) --------------------------


def may_file_diary_application(viewer: Viewer) -> bool:
    """A parent asks a school for access to a child's diary."""
    return viewer.is_authenticated and Role.PARENT in viewer.roles


def may_review_diary_applications(viewer: Viewer, school_id: int) -> bool:
    """Applications to a school are reviewed by its administration."""
    return viewer.is_authenticated and school_id in viewer.admin_schools


# --- school life: announcements, teachers' blogs and meetings ------------------------------------


@dataclass(frozen=True)
class Posting:
    """An announcement, blog entry or meeting, as the policy needs it."""

    audience: Audience
    author_id: int
    school_id: int | None
    class_id: int | None


@dataclass(frozen=True)
class NewsReach:
    """Where a viewer's news comes from. Lists filter by it in SQL and single reads ask
    `may_read_announcement`, so both answer alike."""

    user_id: int | None = None
    # School-wide news of these schools.
    schools: frozenset[int] = frozenset()
    # Class news of these classes, and of every class of `class_schools`.
    classes: frozenset[int] = frozenset()
    class_schools: frozenset[int] = frozenset()
    # Blogs of these teachers.
    blog_authors: frozenset[int] = frozenset()
    # Schools whose news (not blogs) the viewer sees before publication and after expiry.
    managed_schools: frozenset[int] = frozenset()


def family_classes(viewer: Viewer) -> frozenset[int]:
    """Classes whose teachers' blogs the viewer reads: the student's own classes and the
    classes of a parent's children. Staff read blogs only as members of a family."""
    return viewer.member_classes


def news_reach(viewer: Viewer, blog_authors: Iterable[int]) -> NewsReach:
    """The reach of a viewer, given the teachers who teach or lead `family_classes`.

    Anyone tied to a school reads its news; a class's news goes to those who see the class;
    the school's administration also sees what is not yet or no longer shown.
    """
    if not viewer.is_authenticated:
        return NewsReach()
    return NewsReach(
        user_id=viewer.user_id,
        schools=viewer.schools,
        classes=viewer.member_classes | viewer.taught_classes | viewer.homerooms,
        class_schools=viewer.admin_schools | viewer.health_schools,
        blog_authors=frozenset(blog_authors),
        managed_schools=viewer.admin_schools,
    )


def may_read_announcement(reach: NewsReach, item: Posting, live: bool) -> bool:
    """Whether the viewer of `reach` sees an announcement; `live` means published and not
    expired. Authors always see their own; families see only live items of their reach."""
    if reach.user_id is None:
        return False
    if item.author_id == reach.user_id:
        return True
    managed = item.audience is not Audience.BLOG and item.school_id in reach.managed_schools
    if not (live or managed):
        return False
    if item.audience is Audience.SCHOOL:
        return item.school_id in reach.schools
    if item.audience is Audience.CLASS:
        return item.class_id in reach.classes or item.school_id in reach.class_schools
    return item.author_id in reach.blog_authors


def may_post_school_news(viewer: Viewer, school_id: int) -> bool:
    """School-wide news and school meetings come from the school's administration."""
    return viewer.is_authenticated and school_id in viewer.admin_schools


def may_post_class_news(viewer: Viewer, class_id: int, school_id: int) -> bool:
    """A class's news and parent-teacher meetings: its class teacher and the administration."""
    return viewer.is_authenticated and (
        class_id in viewer.homerooms or school_id in viewer.admin_schools
    )


def may_write_blog(viewer: Viewer) -> bool:
    """Every teacher keeps a blog for the families of the classes they teach."""
    return viewer.is_authenticated and Role.TEACHER in viewer.roles


def may_edit_announcement(viewer: Viewer, item: Posting) -> bool:
    """Only the author rewrites what they published."""
    return viewer.is_authenticated and item.author_id == viewer.user_id


def may_withdraw_announcement(viewer: Viewer, item: Posting) -> bool:
    """The author withdraws their own; the administration may take down school and class
    news of its school (a blog belongs to its author alone)."""
    if may_edit_announcement(viewer, item):
        return True
    return item.audience is not Audience.BLOG and item.school_id in viewer.admin_schools


def meeting_reach(viewer: Viewer) -> NewsReach:
    """Where a viewer's meetings come from: school meetings of every school they are tied to;
    class meetings of the classes they belong to, teach or lead, and of every class of the
    schools they administer."""
    if not viewer.is_authenticated:
        return NewsReach()
    return NewsReach(
        user_id=viewer.user_id,
        schools=viewer.schools,
        classes=viewer.member_classes | viewer.taught_classes | viewer.homerooms,
        class_schools=viewer.admin_schools,
        managed_schools=viewer.admin_schools,
    )


def may_see_meeting(reach: NewsReach, meeting: Posting) -> bool:
    """Whether the viewer of `reach` sees a meeting; the organiser always does."""
    if reach.user_id is None:
        return False
    if meeting.author_id == reach.user_id:
        return True
    if meeting.audience is Audience.SCHOOL:
        return meeting.school_id in reach.schools
    return meeting.class_id in reach.classes or meeting.school_id in reach.class_schools


def may_schedule_meeting(
    viewer: Viewer, audience: Audience, school_id: int, class_id: int | None
) -> bool:
    """Class meetings: the class teacher and the administration; school meetings: the
    administration."""
    if audience is Audience.CLASS and class_id is not None:
        return may_post_class_news(viewer, class_id, school_id)
    return may_post_school_news(viewer, school_id)


def may_change_meeting(viewer: Viewer, meeting: Posting) -> bool:
    """Edit, move or cancel a meeting: whoever may schedule such a meeting now (the class
    teacher and the administration for a class meeting, the administration for a school
    one). An organiser who no longer leads the class leaves it to those who do."""
    return meeting.school_id is not None and may_schedule_meeting(
        viewer, meeting.audience, meeting.school_id, meeting.class_id
    )


def may_run_meeting(viewer: Viewer, meeting: Posting) -> bool:
    """Follow who answered what, and write the minutes: the organiser, the class teacher of
    a class meeting, and the school's administration."""
    if not viewer.is_authenticated:
        return False
    if meeting.author_id == viewer.user_id or meeting.school_id in viewer.admin_schools:
        return True
    return meeting.audience is Audience.CLASS and meeting.class_id in viewer.homerooms


def may_reply_to_meeting(viewer: Viewer, student_id: int) -> bool:
    """A parent answers for their own child; whether the meeting concerns the child is a
    fact the service checks against the child's current class."""
    return viewer.is_authenticated and student_id in viewer.children


# --- conversations, acknowledgements and signing keys ----------------------------------------
# A thread is private to its participants: the school administration does not read families'
# conversations with teachers, and students never see them.


def may_start_family_conversation(
    viewer: Viewer,
    student_id: int,
    student_classes: Iterable[int],
    parent_id: int,
    parent_children: Iterable[int],
    teacher_id: int,
    teacher_classes: Iterable[int],
) -> bool:
    """A thread between a parent and a teacher of their child, about that child, started by
    either of them. A teacher is the child's when they teach the child's class or lead it."""
    if not viewer.is_authenticated or viewer.user_id not in (parent_id, teacher_id):
        return False
    if parent_id == teacher_id:
        return False
    return student_id in set(parent_children) and bool(set(student_classes) & set(teacher_classes))


def may_see_direct_conversation(
    viewer: Viewer, parent_id: int | None, teacher_id: int | None, student_id: int | None
) -> bool:
    """A parent-teacher thread: its teacher, and its parent while the child is still theirs."""
    if not viewer.is_authenticated:
        return False
    if viewer.user_id == teacher_id:
        return True
    return viewer.user_id == parent_id and student_id in viewer.children


def may_see_class_group(viewer: Viewer, class_id: int, family_classes: Iterable[int]) -> bool:
    """The group of a class: its class teacher, and parents of children in the class today
    (`family_classes`, the classes the viewer's children are in now)."""
    if not viewer.is_authenticated:
        return False
    return class_id in viewer.homerooms or class_id in set(family_classes)


def may_close_conversation(
    viewer: Viewer, is_group: bool, teacher_id: int | None, class_id: int | None
) -> bool:
    """Closing a thread is the teacher's call: the teacher of a parent-teacher thread, the
    class teacher for the class's group."""
    if not viewer.is_authenticated:
        return False
    if is_group:
        return class_id is not None and class_id in viewer.homerooms
    return teacher_id is not None and viewer.user_id == teacher_id


def may_see_parent(viewer: Viewer, parent_id: int, children_classes: Iterable[int]) -> bool:
    """A parent's name: themself, and the teachers and class teachers of their children's
    classes, who need it to write to them."""
    if not viewer.is_authenticated:
        return False
    if viewer.user_id == parent_id:
        return True
    classes = set(children_classes)
    return bool(classes & viewer.taught_classes) or bool(classes & viewer.homerooms)


def may_request_acknowledgement(viewer: Viewer, class_id: int) -> bool:
    """Messages that need parents' acknowledgement go out from the class teacher."""
    return viewer.is_authenticated and class_id in viewer.homerooms


def may_see_ack_request(
    viewer: Viewer, class_id: int, school_id: int, target_students: Iterable[int]
) -> bool:
    """A request: its class's class teacher, the school's administration, and the parents of
    the students it is addressed to (students themselves sign nothing)."""
    if not viewer.is_authenticated:
        return False
    if class_id in viewer.homerooms or school_id in viewer.admin_schools:
        return True
    return bool(set(target_students) & viewer.children)


def may_see_acknowledgement(viewer: Viewer, class_id: int, school_id: int, parent_id: int) -> bool:
    """Who acknowledged, and the signature: the class teacher, the administration, the parent."""
    if not viewer.is_authenticated:
        return False
    return (
        viewer.user_id == parent_id
        or class_id in viewer.homerooms
        or school_id in viewer.admin_schools
    )


def may_acknowledge(viewer: Viewer, student_id: int, target_students: Iterable[int]) -> bool:
    """Each parent acknowledges for each of their children the request is addressed to."""
    return (
        viewer.is_authenticated
        and student_id in viewer.children
        and student_id in set(target_students)
    )


def may_hold_signing_key(viewer: Viewer) -> bool:
    """Parents sign acknowledgements, so parents register signing keys."""
    return viewer.is_authenticated and Role.PARENT in viewer.roles


# Actions on plugins' objects are named "<plugin>.<verb>" ("example.delete_greeting").
# These namespaces are the core's own: their rules are the functions above, and no plugin's
# answer is asked for them.
CORE_NAMESPACES = frozenset({"diary", "ediary"})

# Asks the plugins' `access_allowed` rules and returns their answers: True allows, False
# refuses, None abstains.
PluginRules = Callable[[Viewer, str, object], Awaitable[Iterable[bool | None]]]


async def plugin_action_allowed(
    viewer: Viewer,
    action: str,
    target: object,
    rules: PluginRules,
    *,
    grant: StudentGrant | None = None,
    facets: Iterable[Facet] = (),
) -> bool:
    """Whether the viewer may do `action` on a plugin's object `target`: allowed when some
    plugin's rule says yes and none says no; nobody answering is a refusal.

    An object that shows part of a child's diary names the `facets` it shows and comes with
    the viewer's `grant` on the child (`student_grant`): without every facet granted the
    answer is no, whatever the rules say, so a plugin narrows the core's grants but never
    widens them.
    """
    namespace, dot, verb = action.partition(".")
    if not dot or not namespace or not verb:
        raise ValueError(f"a plugin's action is named '<plugin>.<verb>', not {action!r}")
    if namespace in CORE_NAMESPACES:
        raise ValueError(f"{action!r} is the core's to decide: ask its may_* function")
    wanted = frozenset(facets)
    if wanted and (grant is None or not wanted <= grant.facets):
        return False
    answers = list(await rules(viewer, action, target))
    return False not in answers and True in answers
