"""Writing imported school data: accounts, enrollments, guardians and marks.

An import writes through these functions, never through rows, so that what it writes is what
the API would have written: an account's login and e-mail are checked against every other
account, a student is enrolled with the school role that goes with it, and a mark passes the
region's scale, weights and dates and starts its history (without that entry `ediary audit
verify` reports the mark as changed behind the journal's back). Every function works within
an `ImportScope`, the actor's reach during one import, and refuses what the reach does not
own with `OutsideReach`, whose message names nothing outside it.

Each write has a batch form that takes a list (`save_accounts`, `enroll_many`,
`link_guardians`, `assign_teachers`, `unassign_teachers`, `record_marks`, and
`retire_marks`): every item is checked by the same rules,
a refused item comes back as its `DomainError` in its place, and the rest are written in a few
set-based statements (`ediary.domain.bulk`), so an import of a region runs at bulk speed. The
one-item functions are the batch ones called with one item.

The caller runs them inside one transaction (the core's import runner opens it) and turns a
`DomainError` into a rejected row.
"""

from ediary.domain.imports.marks import (
    IMPORT_REASON,
    ImportedMark,
    MarkWriter,
    RecordedMark,
    record_mark,
    record_marks,
    retire_marks,
)
from ediary.domain.imports.people import (
    AccountData,
    EnrollmentData,
    GuardianLink,
    SavedAccount,
    SavedEnrollment,
    enroll,
    enroll_many,
    link_guardian,
    link_guardians,
    save_account,
    save_accounts,
)
from ediary.domain.imports.scope import ImportScope, Refusal
from ediary.domain.imports.teaching import (
    ClassTeacherData,
    SavedTeaching,
    TeachingData,
    assign_teachers,
    set_class_teachers,
    unassign_teachers,
)
from ediary.domain.imports.years import SavedTerm, TermData, set_terms

__all__ = [
    "IMPORT_REASON",
    "AccountData",
    "ClassTeacherData",
    "EnrollmentData",
    "GuardianLink",
    "ImportScope",
    "ImportedMark",
    "MarkWriter",
    "RecordedMark",
    "Refusal",
    "SavedAccount",
    "SavedEnrollment",
    "SavedTeaching",
    "SavedTerm",
    "TeachingData",
    "TermData",
    "assign_teachers",
    "enroll",
    "enroll_many",
    "link_guardian",
    "link_guardians",
    "record_mark",
    "record_marks",
    "retire_marks",
    "save_account",
    "save_accounts",
    "set_class_teachers",
    "set_terms",
    "unassign_teachers",
]
