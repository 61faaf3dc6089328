"""Errors the domain raises on purpose: each has a stable code and a message for people."""

from __future__ import annotations

__all__ = [
    "CrossSiteRequest",
    "DomainError",
    "DuplicateSubmission",
    "FlowNotOffered",
    "Forbidden",
    "InvalidCredentials",
    "InvalidFields",
    "InvalidInput",
    "NotFound",
    "PasswordLoginClosed",
    "Problem",
    "SessionExpired",
    "TokenExhausted",
    "TokenExpired",
    "TokenInvalid",
    "TokenUsed",
    "TooManyAttempts",
    "Unauthenticated",
]


class DomainError(Exception):
    """A refusal that is safe to show to the viewer as it is."""

    code = "DOMAIN_ERROR"
    default_message = "The request could not be carried out."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        super().__init__(self.message)

    @property
    def extensions(self) -> dict[str, str | int]:
        """Machine-readable details beside the code, such as when a limit resets."""
        return {}


class NotFound(DomainError):
    """Raised alike for objects that do not exist and for those the viewer may not see."""

    code = "NOT_FOUND"
    default_message = "Nothing was found for this ID."


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"
    default_message = "Log in to see this."


class SessionExpired(DomainError):
    code = "SESSION_EXPIRED"
    default_message = "Your session has expired or is not valid. Log in again."


class Forbidden(DomainError):
    """Raised only where the object is already visible, so the refusal reveals nothing new."""

    code = "FORBIDDEN"
    default_message = "You may not do this."


class InvalidInput(DomainError):
    code = "BAD_USER_INPUT"
    default_message = "The input is not valid."


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"
    default_message = "The login or the password is wrong."


class TooManyAttempts(DomainError):
    """A limiter refused the attempt; `retry_after` says in how many seconds it admits again."""

    code = "TOO_MANY_ATTEMPTS"
    default_message = "Too many failed attempts. Wait a few minutes and try again."

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after

    @property
    def extensions(self) -> dict[str, str | int]:
        return {} if self.retry_after is None else {"retryAfter": self.retry_after}


class CrossSiteRequest(DomainError):
    """A browser sent the request from another site's page (login CSRF and the like)."""

    code = "CROSS_SITE_REQUEST"
    default_message = "This must be done from the diary's own pages, not from another site."


class TokenInvalid(DomainError):
    """Unknown, tampered with, or meant for something else: all look alike."""

    code = "TOKEN_INVALID"
    default_message = "This link or code is not valid."


class TokenExpired(DomainError):
    code = "TOKEN_EXPIRED"
    default_message = "This link or code has expired. Ask for a new one."


class TokenUsed(DomainError):
    code = "TOKEN_USED"
    default_message = "This link or code has already been used."


class TokenExhausted(DomainError):
    """A typed code was guessed at too often: even the right one no longer works."""

    code = "TOKEN_EXHAUSTED"
    default_message = "Too many wrong tries: this code no longer works. Ask for a new one."


class PasswordTooShort(DomainError):
    code = "PASSWORD_TOO_SHORT"
    default_message = "The password is too short."


class PasswordTooLong(DomainError):
    code = "PASSWORD_TOO_LONG"
    default_message = "The password is too long."


class PasswordTooCommon(DomainError):
    code = "PASSWORD_TOO_COMMON"
    default_message = "This password is too easy to guess. Choose another one."


class PasswordChangeRequired(DomainError):
    """A session opened with a temporary password asked for something else than changing it."""

    code = "PASSWORD_CHANGE_REQUIRED"
    default_message = (
        "This password was given by the school and works only once: choose your own with "
        "changePassword first."
    )


class LoginSheetsExpired(DomainError):
    """The sheets of a login batch were asked for after they stopped being printable."""

    code = "LOGIN_SHEETS_EXPIRED"
    default_message = (
        "The sheets of these logins can no longer be printed: the temporary passwords are "
        "not kept. Re-issue the logins of whoever did not get theirs."
    )


class NotEnrolled(DomainError):
    """The student is visible but was in no class during the term asked about."""

    code = "NOT_ENROLLED"
    default_message = (
        "The student is not enrolled in a class for this term, so there is nothing to compute."
    )


class NoCurrentTerm(DomainError):
    """Asked for "the current term" of a school that has none yet (or any more)."""

    code = "NO_CURRENT_TERM"
    default_message = "The school has no term under way or finished this year; name a term."


class TooManyFeeds(DomainError):
    code = "TOO_MANY_FEEDS"
    default_message = (
        "You already have the largest number of calendar feeds for this student; "
        "revoke one you no longer use first."
    )


class Problem:
    """One thing wrong with one input field; `path` leads to it from the input's root."""

    __slots__ = ("code", "message", "path")

    def __init__(self, path: tuple[str, ...], message: str, code: str = "BAD_USER_INPUT") -> None:
        self.path = path
        self.message = message
        self.code = code

    def __repr__(self) -> str:
        return f"Problem({self.path!r}, {self.message!r}, {self.code!r})"


class InvalidFields(InvalidInput):
    """Several fields at fault at once, such as two marks of a batch; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(problems[0].message if problems else None)


class DuplicateSubmission(DomainError):
    """The same batch came twice under one idempotency key; the first one stands."""

    code = "DUPLICATE_SUBMISSION"
    default_message = "This batch was already saved; nothing was written a second time."

    def __init__(self, mark_ids: list[int]) -> None:
        self.mark_ids = mark_ids
        super().__init__(field="idempotencyKey")


class FlowNotOffered(DomainError):
    """A login or registration flow that the region's schools do not offer (the setting
    EDIARY_REGION_FLOWS)."""

    code = "FLOW_NOT_OFFERED"
    default_message = "Your region's schools do not offer this way in. Use your region's login."


class PasswordLoginClosed(DomainError):
    """The account's region moved to another login flow; the message says which."""

    code = "PASSWORD_LOGIN_CLOSED"
    default_message = "Password login is closed for this account. Use your region's login."


# --- conversations and acknowledgements -----------------------------------------------------


class MessageTooLong(DomainError):
    code = "MESSAGE_TOO_LONG"
    default_message = "The message is too long."


class ConversationClosed(DomainError):
    code = "CONVERSATION_CLOSED"
    default_message = "This conversation was closed by the teacher; no new messages."


class AlreadyAcknowledged(DomainError):
    code = "ALREADY_ACKNOWLEDGED"
    default_message = "You have already acknowledged this for this child."


class SigningKeyMalformed(DomainError):
    code = "SIGNING_KEY_MALFORMED"
    default_message = (
        "This is not an Ed25519 public key: give its 32 bytes in base64, or a PEM public key."
    )


class SigningKeyExists(DomainError):
    code = "SIGNING_KEY_EXISTS"
    default_message = "You already have a signing key; revoke it before registering another."


class SigningKeyTaken(DomainError):
    """The key was registered before, by this account or another: a key belongs to one."""

    code = "SIGNING_KEY_TAKEN"
    default_message = "This key has been registered before; generate a new one."


class NoSigningKey(DomainError):
    code = "NO_SIGNING_KEY"
    default_message = "Register a signing key first, or acknowledge without a signature."


class SignatureRequired(DomainError):
    code = "SIGNATURE_REQUIRED"
    default_message = (
        "You have a signing key: ask for a challenge, sign it and send the nonce and signature."
    )


class SignatureMalformed(DomainError):
    code = "SIGNATURE_MALFORMED"
    default_message = "This is not an Ed25519 signature: give its 64 bytes in base64."


class SignatureInvalid(DomainError):
    """Forged, made with another key, or over other bytes than the challenge: all alike."""

    code = "SIGNATURE_INVALID"
    default_message = "The signature does not match the challenge and your signing key."
