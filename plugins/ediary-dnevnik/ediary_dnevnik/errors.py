"""Refusals of the access-code flows, each with a stable code for `userErrors`."""

from __future__ import annotations

from ediary.domain.errors import DomainError


class CodeInvalid(DomainError):
    """Mistyped, made up or guessed: all answered alike."""

    code = "CODE_INVALID"
    default_message = "There is no such access code. Check it against the slip."


class CodeUsed(DomainError):
    code = "CODE_USED"
    default_message = "This access code has already been used. Ask the class teacher for a new one."


class CodeExpired(DomainError):
    code = "CODE_EXPIRED"
    default_message = "This access code has expired. Ask the class teacher for a new one."


class CodeOtherSchool(DomainError):
    code = "CODE_OTHER_SCHOOL"
    default_message = "This access code belongs to another school."


class CodeWrongRole(DomainError):
    code = "CODE_WRONG_ROLE"
    default_message = "This code is for the student's own account. Log out to use it."


class AlreadyLinked(DomainError):
    code = "ALREADY_LINKED"
    default_message = "This child is already linked to your account."


class LoginInvalid(DomainError):
    code = "LOGIN_INVALID"
    default_message = "The login must be an e-mail address, such as name@example.org."


class LoginUnavailable(DomainError):
    """Only said to someone who proved they own the address with a confirmation link."""

    code = "LOGIN_UNAVAILABLE"
    default_message = "This login has been taken in the meantime. Start again with the code."


class FullNameInvalid(DomainError):
    code = "FULL_NAME_INVALID"
    default_message = "Give the last name and the first name (and the patronymic, if any)."


class PhoneInvalid(DomainError):
    code = "PHONE_INVALID"
    default_message = "Give the phone number with the country code, such as +7 912 345-67-89."


class PhoneUnavailable(DomainError):
    """Said only to someone who typed the code sent to the phone, so they hold it."""

    code = "PHONE_UNAVAILABLE"
    default_message = (
        "This number is already confirmed on another account. Remove it there first, or use "
        '"I don\'t remember my login" to find that account.'
    )


class AccountFieldsUnexpected(DomainError):
    code = "BAD_USER_INPUT"
    default_message = "You are logged in: the code is added to your account, leave these empty."


class AccountFieldsMissing(DomainError):
    code = "BAD_USER_INPUT"
    default_message = "Give a full name, a login and a password to create the account."
