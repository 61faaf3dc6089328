"""Closed vocabularies of the diary, shared by models, policy and grading."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AccountEventKind",
    "AnnouncementKind",
    "AttendanceKind",
    "Audience",
    "ConversationKind",
    "ExcuseKind",
    "LessonStatus",
    "MarkAction",
    "MeetingAnswer",
    "NotifyMode",
    "OutboxStatus",
    "RemarkKind",
    "Role",
    "TermSystem",
    "WorkKind",
]


class Role(StrEnum):
    """A role granted to an account, possibly scoped to a school or region."""

    STUDENT = "student"
    PARENT = "parent"
    TEACHER = "teacher"
    SCHOOL_ADMIN = "school_admin"
    REGIONAL_OFFICIAL = "regional_official"
    HEALTH_WORKER = "health_worker"
    # Not granted directly: a teacher who is the homeroom teacher of a class has it.
    CLASS_TEACHER = "class_teacher"


class TermSystem(StrEnum):
    """How a school divides its academic year."""

    QUARTERS = "quarters"
    TRIMESTERS = "trimesters"
    HALF_YEARS = "half_years"


class LessonStatus(StrEnum):
    """What happened to a lesson compared with the timetable."""

    HELD = "held"
    CANCELLED = "cancelled"
    SUBSTITUTED = "substituted"


class WorkKind(StrEnum):
    """The kind of work a mark was given for; the region policy maps kinds to weights."""

    ORAL = "oral"
    CLASSWORK = "classwork"
    HOMEWORK = "homework"
    QUIZ = "quiz"
    DICTATION = "dictation"
    LAB = "lab"
    ESSAY = "essay"
    TEST = "test"
    EXAM = "exam"


class AttendanceKind(StrEnum):
    """An entry in the attendance register; presence is the absence of an entry."""

    ABSENT = "absent"
    LATE = "late"


class ExcuseKind(StrEnum):
    """Who excused an absence."""

    PARENT_NOTE = "parent_note"
    MEDICAL = "medical"
    SCHOOL = "school"


class RemarkKind(StrEnum):
    """A teacher's remark on a student's behaviour or preparation."""

    BEHAVIOUR = "behaviour"
    PREPARATION = "preparation"
    PRAISE = "praise"


class MarkAction(StrEnum):
    """A change recorded in the history of a mark."""

    CREATE = "create"
    CORRECT = "correct"
    DELETE = "delete"


class NotifyMode(StrEnum):
    """How a parent wants to hear about one child: at once, once a day, or not at all."""

    INSTANT = "instant"
    DIGEST = "digest"
    OFF = "off"


class OutboxStatus(StrEnum):
    """Where a notification is on its way out."""

    PENDING = "pending"
    # Waiting for the daily digest it will be folded into.
    HELD = "held"
    DIGESTED = "digested"
    SENT = "sent"
    FAILED = "failed"


class AnnouncementKind(StrEnum):
    """What an announcement is about, so families can tell a quarantine from a contest."""

    NEWS = "news"
    QUARANTINE = "quarantine"
    COMPETITION = "competition"
    SCHEDULE_CHANGE = "schedule_change"


class Audience(StrEnum):
    """Who an announcement or meeting is for."""

    SCHOOL = "school"
    CLASS = "class"
    # A teacher's blog: the families of the classes the teacher teaches or leads.
    BLOG = "blog"


class MeetingAnswer(StrEnum):
    """A parent's answer to a meeting invitation, for one child."""

    WILL_ATTEND = "will_attend"
    CANNOT_ATTEND = "cannot_attend"


class ConversationKind(StrEnum):
    """A thread between one parent and one teacher about a child, or a class's group."""

    DIRECT = "direct"
    CLASS_GROUP = "class_group"


class AccountEventKind(StrEnum):
    """Something that changed how an account is entered, kept in the account's history."""

    LOGIN_ISSUED = "login_issued"
    LOGIN_REISSUED = "login_reissued"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    LOGIN_METHOD_LINKED = "login_method_linked"
    LOGIN_METHOD_UNLINKED = "login_method_unlinked"
