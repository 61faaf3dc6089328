"""Errors of the portal flow, each with a stable code and a message that says what to do."""

from __future__ import annotations

from ediary.domain.errors import DomainError


class LoginFailed(DomainError):
    code = "PORTAL_LOGIN_FAILED"
    default_message = "The login through the portal did not succeed. Start the login again."


class ProviderUnavailable(DomainError):
    code = "PROVIDER_UNAVAILABLE"
    default_message = (
        "The login portal does not answer right now. Try again in a few minutes, or log in "
        "another way."
    )


class ChildNotEnrolled(DomainError):
    code = "CHILD_NOT_ENROLLED"
    # Told to the school's administration on approval, never to the parent who filed.
    default_message = (
        "No student with this SNILS is enrolled in your school today. Refuse the application "
        "(DATA_MISMATCH) or enroll the child first."
    )


class ApplicationPending(DomainError):
    code = "APPLICATION_PENDING"
    default_message = "An application for this child is already under review."


class ApplicationClosed(DomainError):
    code = "APPLICATION_CLOSED"
    default_message = "This application has already been reviewed."
