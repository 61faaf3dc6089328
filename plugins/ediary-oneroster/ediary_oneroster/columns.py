"""The columns of each OneRoster CSV file (1.1 and 1.2), the names 1.0 and vendors use for
some of them, and which columns hold dates or name orgs."""

from __future__ import annotations

_COMMON = ("sourcedId", "status", "dateLastModified")

# Every column the standard defines, 1.1 and 1.2 together.
KNOWN: dict[str, tuple[str, ...]] = {
    "orgs": (*_COMMON, "name", "type", "identifier", "parentSourcedId"),
    "academicSessions": (
        *_COMMON,
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ),
    "courses": (
        *_COMMON,
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ),
    "classes": (
        *_COMMON,
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ),
    "users": (
        *_COMMON,
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ),
    "roles": (
        *_COMMON,
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ),
    "enrollments": (
        *_COMMON,
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ),
    "demographics": (
        *_COMMON,
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ),
    "categories": (*_COMMON, "title", "weight"),
    "lineItems": (
        *_COMMON,
        "title",
        "description",
        "assignDate",
        "dueDate",
        "classSourcedId",
        "categorySourcedId",
        "gradingPeriodSourcedId",
        "academicSessionSourcedId",
        "resultValueMin",
        "resultValueMax",
        "schoolSourcedId",
        "scoreScaleSourcedId",
        "learningObjectiveSet",
        "learningObjectiveIds",
        "learningObjectiveResults",
    ),
    "results": (
        *_COMMON,
        "lineItemSourcedId",
        "studentSourcedId",
        "scoreStatus",
        "score",
        "scoreDate",
        "comment",
        "classSourcedId",
        "scoreScaleSourcedId",
        "textScore",
        "learningObjectiveSet",
        "inProgress",
        "incomplete",
        "late",
        "missing",
    ),
}

# Other names for standard columns (lower case): OneRoster 1.0's and vendors'.
ALIASES: dict[str, dict[str, str]] = {
    "users": {
        "agents": "agentSourcedIds",
        "userid": "userIds",
        "orgsourcedid": "orgSourcedIds",
        "schoolsourcedid": "orgSourcedIds",
        "firstname": "givenName",
        "lastname": "familyName",
    },
    "classes": {"termsourcedid": "termSourcedIds"},
    "courses": {"schoolyearid": "schoolYearSourcedId", "schoolsourcedid": "orgSourcedId"},
    # Vendors that give demographics records ids of their own name the user here.
    "demographics": {"usersourcedid": "sourcedId"},
    "results": {"usersourcedid": "studentSourcedId"},
}

# Columns of dates the diary keeps; dateLastModified is metadata and is handled apart.
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "academicSessions": ("startDate", "endDate"),
    "demographics": ("birthDate",),
    "enrollments": ("beginDate", "endDate"),
    "roles": ("beginDate", "endDate"),
    "lineItems": ("assignDate", "dueDate"),
    "results": ("scoreDate",),
}

# Columns that name the school of a row (a list for users' orgSourcedIds).
ORG_COLUMNS: dict[str, tuple[str, ...]] = {
    "courses": ("orgSourcedId",),
    "classes": ("schoolSourcedId",),
    "users": ("orgSourcedIds", "primaryOrgSourcedId"),
    "roles": ("orgSourcedId",),
    "enrollments": ("schoolSourcedId",),
    "lineItems": ("schoolSourcedId",),
}

# Files a set can be imported without: a problem with one leaves that file out, not the set.
OPTIONAL = ("demographics", "categories", "lineItems", "results")

BOOLEANS = {"true": "true", "false": "false", "1": "true", "0": "false"}
BOOLEANS.update(
    {"yes": "true", "no": "false", "y": "true", "n": "false", "t": "true", "f": "false"}
)
