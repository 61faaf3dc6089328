"""What every class-list import needs, whatever file it reads: class names as schools write
them (5А, 5 "а", 5-A), a person's full name split into its parts, the school's classes of the
year under way, and students and parents written through `ediary.domain.imports` so that a
second run of the same list finds the people the first one made and changes nothing.

A student is found again by SNILS, else by a login made of the school, the names and the
birth date; a parent by their login, which is their e-mail or else their phone.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from ediary.domain.auth import normalize_login
from ediary.domain.errors import DomainError, InvalidInput
from ediary.domain.imports import AccountData, ImportScope, enroll, link_guardian, save_account
from ediary.domain.models import School, SchoolClass, User
from ediary.domain.reach import Reach

__all__ = [
    "InvalidClassName",
    "InvalidFullName",
    "ListedLine",
    "ListedParent",
    "ListedStudent",
    "OneSchoolOnly",
    "PersonName",
    "current_classes",
    "import_line",
    "import_parent",
    "import_student",
    "one_school",
    "parse_class_name",
    "split_full_name",
    "student_login",
]

# A grade of 1 to 11 and at most one letter, however the school wrote it: 5А, 5а, 5 "А",
# 5 «А», 5-А, 5/А, 5 А.
_CLASS = re.compile(r"^(\d{1,2})\s*[-/]?\s*[\"'«“„]?\s*([^\W\d_]?)\s*[\"'»”“]?$")
# Latin letters that look Cyrillic: spreadsheets typed on an English layout carry them.
_LOOKALIKES = str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")
# Initials such as "А." or "А.П.": a list that has only these does not name the person.
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]?\.?$")


class InvalidClassName(InvalidInput):
    """Not a grade of 1 to 11 with at most one Russian letter."""

    code = "INVALID_CLASS_NAME"
    default_message = "A class is a grade and a letter, such as 5А."


class InvalidFullName(InvalidInput):
    """A full name without a last and a first name written out."""

    code = "INVALID_FULL_NAME"
    default_message = "A full name is a last name, a first name and maybe a middle name."


class OneSchoolOnly(DomainError):
    """A class list is one school's: the import must reach exactly that school."""

    code = "ONE_SCHOOL_ONLY"
    default_message = (
        "A class list belongs to one school: import it as that school's administrator, or "
        "name the school with --school."
    )


def parse_class_name(value: str) -> tuple[int, str]:
    """The grade (1 to 11) and the letter (upper-case Cyrillic, may be empty) of a class name."""
    found = _CLASS.match(value.strip().upper().translate(_LOOKALIKES))
    if found is None:
        raise InvalidClassName(f"A class is a grade and a letter, such as 5А, got {value!r}.")
    grade, letter = int(found.group(1)), found.group(2).replace("Ё", "Е")
    if not 1 <= grade <= 11:
        raise InvalidClassName(f"The grade of class {value!r} is not between 1 and 11.")
    if letter and not "А" <= letter <= "Я":
        raise InvalidClassName(f"The letter of class {value!r} is not a Russian letter.")
    return grade, letter


@dataclass(frozen=True)
class PersonName:
    """A person's names as the diary keeps them."""

    last_name: str
    first_name: str
    middle_name: str = ""

    def __str__(self) -> str:
        return " ".join(
            part for part in (self.last_name, self.first_name, self.middle_name) if part
        )


def split_full_name(value: str) -> PersonName:
    """ "Фамилия Имя Отчество" in one cell as its parts: the first word is the last name, the
    second the first name, the rest the middle name (so "Алиев Руслан Тимур оглы" keeps
    "Тимур оглы"). A comma after the last name is allowed; initials are refused."""
    words = value.replace(",", " ").split()
    if len(words) < 2:
        raise InvalidFullName(f"{value.strip()!r} is not a last and a first name.")
    if any(_INITIALS.match(word) for word in words[1:]):
        raise InvalidFullName(f"{value.strip()!r} has initials: write the names out.")
    return PersonName(words[0], words[1], " ".join(words[2:]))


async def one_school(reach: Reach) -> int:
    """The one school a class list is imported into: the reach must be exactly one school."""
    if reach.regions or len(reach.schools) != 1:
        raise OneSchoolOnly()
    (school_id,) = reach.schools
    if not await School.exists(id=school_id):
        raise OneSchoolOnly()
    return school_id


async def current_classes(school_id: int, today: date) -> dict[tuple[int, str], int]:
    """The school's classes of the year under way by grade and letter, as `parse_class_name`
    reads them, so a Latin look-alike letter in the diary matches the list's Cyrillic one."""
    found = await SchoolClass.filter(
        school_id=school_id,
        academic_year__starts_on__lte=today,
        academic_year__ends_on__gte=today,
    ).values_list("id", "grade", "letter")
    classes: dict[tuple[int, str], int] = {}
    for class_id, grade, letter in found:
        try:
            classes[parse_class_name(f"{grade}{letter}")] = int(class_id)
        except InvalidClassName:
            continue  # a class no list can name, such as a group "5 углублённый"
    return classes


@dataclass(frozen=True)
class ListedStudent:
    """A student as a class list names them: SNILS as 11 digits, when the list has one."""

    name: PersonName
    birth_date: date | None
    snils: str | None = None


@dataclass(frozen=True)
class ListedParent:
    """A parent as a class list names them: phone in E.164, e-mail in lower case."""

    name: PersonName
    phone: str | None = None
    email: str | None = None


def student_login(school_id: int, student: ListedStudent) -> str:
    """The login of a student an import creates: from the SNILS, else a stable key of the
    school, the names and the birth date."""
    if student.snils is not None:
        return f"snils-{student.snils}"
    return _name_login(school_id, student)


def _name_login(school_id: int, student: ListedStudent) -> str:
    name = student.name
    who = "|".join(
        (name.last_name, name.first_name, name.middle_name, str(student.birth_date or ""))
    )
    return f"student-{school_id}-{hashlib.sha256(who.casefold().encode()).hexdigest()[:12]}"


async def _existing(login: str, snils: str | None = None) -> User | None:
    if snils is not None and (holder := await User.get_or_none(snils=snils)) is not None:
        return holder
    return await User.get_or_none(login=normalize_login(login))


async def _known_student(school_id: int, student: ListedStudent) -> User | None:
    # By SNILS, else by name and birth date: a list may add a SNILS an earlier one lacked.
    by_name = _name_login(school_id, student)
    if student.snils is None:
        return await _existing(by_name)
    return await _existing(student_login(school_id, student), student.snils) or await _existing(
        by_name
    )


async def import_student(
    scope: ImportScope, school_id: int, student: ListedStudent, class_id: int
) -> tuple[User, bool]:
    """Create the student's account or update the one an earlier import made, and enroll them
    in the class from today; returns the account and whether it was created."""
    known = await _known_student(school_id, student)
    saved, created = await save_account(
        scope,
        AccountData(
            login=known.login if known else student_login(school_id, student),
            last_name=student.name.last_name,
            first_name=student.name.first_name,
            middle_name=student.name.middle_name,
            # A class list has no contacts of the student: keep those the account has.
            email=known.email if known else None,
            phone=known.phone if known else None,
            snils=student.snils,
            user_id=known.id if known else None,
        ),
    )
    await enroll(scope, saved.id, class_id, scope.today)
    return saved, created


async def import_parent(scope: ImportScope, parent: ListedParent, student_id: int) -> bool:
    """Create or update the parent (their login is the e-mail, else the phone) and link them
    to the enrolled student; returns whether the link is new."""
    login = parent.email or parent.phone
    if login is None:
        raise InvalidInput("A parent needs an e-mail or a phone to log in with.", field="login")
    known = await _existing(login)
    saved, _ = await save_account(
        scope,
        AccountData(
            login=known.login if known else login,
            last_name=parent.name.last_name,
            first_name=parent.name.first_name,
            middle_name=parent.name.middle_name,
            email=parent.email or (known.email if known else None),
            phone=parent.phone or (known.phone if known else None),
            user_id=known.id if known else None,
        ),
    )
    return await link_guardian(scope, saved.id, student_id)


@dataclass(frozen=True)
class ListedLine:
    """What writing one line of a class list did."""

    # The student's account, or None when it was refused (`refused` says why).
    student: User | None
    refused: DomainError | None = None
    # Why the line's parent was left out, the student staying; None if written or none named.
    parent_refused: DomainError | None = None
    # Whether the parent's link to the student is new; None when no parent was written.
    guardian_linked: bool | None = None


async def import_line(
    scope: ImportScope,
    school_id: int,
    class_id: int,
    student: ListedStudent,
    parent: ListedParent | DomainError | None,
) -> ListedLine:
    """One line of a class list: the student, then the parent it names (or why that parent
    cannot be written). Each is written in a savepoint of its own, so a refused student leaves
    nothing of the line behind, and a refused parent leaves the student."""
    try:
        async with in_transaction():
            saved, _ = await import_student(scope, school_id, student, class_id)
    except DomainError as error:
        return ListedLine(None, refused=error)
    if parent is None:
        return ListedLine(saved)
    if isinstance(parent, DomainError):
        return ListedLine(saved, parent_refused=parent)
    try:
        async with in_transaction():
            linked = await import_parent(scope, parent, saved.id)
    except DomainError as error:
        return ListedLine(saved, parent_refused=error)
    return ListedLine(saved, guardian_linked=linked)
