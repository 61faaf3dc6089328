"""Errors of the portal login, each with a stable code and a message that says what to do."""

from __future__ import annotations

from ediary.domain.errors import DomainError


class PortalLoginFailed(DomainError):
    """The portal refused this login (a used or foreign code, a state that is not ours)."""

    code = "PORTAL_LOGIN_FAILED"
    default_message = "The login through the portal did not succeed. Start the login again."


class PortalUnavailable(DomainError):
    """The portal did not answer, or answered with an error of its own."""

    code = "PORTAL_UNAVAILABLE"
    default_message = (
        "The portal edu.tatar.ru does not answer right now. Try again in a few minutes."
    )


class PortalBadAnswer(DomainError):
    """The portal answered, but not with what its API promises: nothing of it is used."""

    code = "PORTAL_BAD_ANSWER"
    default_message = (
        "The portal edu.tatar.ru gave an answer we cannot read. Try again later; if it keeps "
        "happening, tell the school."
    )
