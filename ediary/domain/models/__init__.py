# Model docstrings become table comments, and the SQLite schema editor neither escapes quotes
# nor guards semicolons in them: keep both out of model docstrings.
"""Tortoise models of the diary; one app, label "diary"."""

from ediary.domain.models.calendar import CalendarFeed
from ediary.domain.models.history import MarkBatch, MarkEvent
from ediary.domain.models.journal import (
    AbsenceNotice,
    Attendance,
    FinalMark,
    Homework,
    HomeworkAttachment,
    Lesson,
    Mark,
    PlannedWork,
    Remark,
    TermRemark,
)
from ediary.domain.models.life import (
    Announcement,
    AnnouncementAttachment,
    Meeting,
    MeetingReply,
)
from ediary.domain.models.logins import IssuedLogin, LoginBatch
from ediary.domain.models.notify import NotificationPreference, OutboxMessage
from ediary.domain.models.people import (
    AccountEvent,
    Enrollment,
    Guardianship,
    RoleGrant,
    Session,
    User,
)
from ediary.domain.models.school import (
    AcademicYear,
    BellPeriod,
    Region,
    School,
    SchoolClass,
    Subject,
    TeachingAssignment,
    Term,
)
from ediary.domain.models.security import OneTimeCode, OneTimeToken, QueryBudget, RateLimit
from ediary.domain.models.talk import (
    Acknowledgement,
    AckRequest,
    AckTarget,
    Conversation,
    ConversationMessage,
    ConversationRead,
    SigningKey,
)

__all__ = [
    "AbsenceNotice",
    "AcademicYear",
    "AccountEvent",
    "AckRequest",
    "AckTarget",
    "Acknowledgement",
    "Announcement",
    "AnnouncementAttachment",
    "Attendance",
    "BellPeriod",
    "CalendarFeed",
    "Conversation",
    "ConversationMessage",
    "ConversationRead",
    "Enrollment",
    "FinalMark",
    "Guardianship",
    "Homework",
    "HomeworkAttachment",
    "IssuedLogin",
    "Lesson",
    "LoginBatch",
    "Mark",
    "MarkBatch",
    "MarkEvent",
    "Meeting",
    "MeetingReply",
    "NotificationPreference",
    "OneTimeCode",
    "OneTimeToken",
    "OutboxMessage",
    "PlannedWork",
    "QueryBudget",
    "RateLimit",
    "Region",
    "Remark",
    "RoleGrant",
    "School",
    "SchoolClass",
    "Session",
    "SigningKey",
    "Subject",
    "TeachingAssignment",
    "Term",
    "TermRemark",
    "User",
]
