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


# Linking the portal login and the school's login and password into one account.


class PortalNotLinked(DomainError):
    code = "PORTAL_NOT_LINKED"
    default_message = "This account has no portal login."


class AlreadyLinked(DomainError):
    code = "ALREADY_LINKED"
    default_message = (
        "This portal login already belongs to another diary account. Log in through the "
        "portal and link the school's login and password from there."
    )


class SameAccount(DomainError):
    code = "SAME_ACCOUNT"
    default_message = "This is the account you are logged in to: there is nothing to link."


class SnilsMismatch(DomainError):
    code = "SNILS_MISMATCH"
    default_message = (
        "The SNILS the school recorded for this account is not the one in your portal "
        "profile. Ask the school to check it."
    )


class PortalAccountHasData(DomainError):
    code = "PORTAL_ACCOUNT_HAS_DATA"
    default_message = (
        "The account the portal made for you already holds data (applications, messages, "
        "children linked by the school or a password of its own), so it cannot be folded "
        "into the school's account. Ask the school to move it."
    )


class LastWayIn(DomainError):
    code = "LAST_WAY_IN"
    default_message = (
        "The portal is the only way into this account: unlinking it would lock you out. Set "
        "a password first."
    )


class LinkNotStarted(DomainError):
    code = "LINK_NOT_STARTED"
    default_message = (
        "This portal answer is not for a link this session started. Log in, and start "
        "linking the portal again from your account."
    )


class BrowserSessionRequired(DomainError):
    code = "BROWSER_SESSION_REQUIRED"
    default_message = (
        "Link the portal from the diary in a browser: the portal sends that browser back."
    )
