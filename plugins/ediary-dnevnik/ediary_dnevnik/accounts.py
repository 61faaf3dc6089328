"""Accounts through access codes: redeem a code, confirm the e-mail, link the child; then
change the security parameters (e-mail, phone), confirmed before use. The password change is
core's (`ediary.domain.password_change`, `changePassword`): it works in every region.

The account's `email` and `phone` hold confirmed values only. A new value waits in the
confirmation token until its link is followed or its code is typed.

A new account is activated either by a link e-mailed to its login or by a code sent by SMS to
a phone given at sign-up; the second confirms the phone and leaves the e-mail unconfirmed.
A phone is confirmed on one account at a time: confirming a number another account has is
refused (PHONE_UNAVAILABLE), and only after the code has shown that the person holds the phone,
so the refusal tells nothing to whoever does not hold it (see the README).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from ediary.adapters import ChannelUnavailable, RegionFlows
from ediary.domain import auth, one_time_codes, tokens
from ediary.domain.access import Viewer
from ediary.domain.enums import Role
from ediary.domain.errors import (
    DomainError,
    InvalidCredentials,
    NotFound,
    TokenExpired,
    TokenInvalid,
    TokenUsed,
    Unauthenticated,
)
from ediary.domain.models import (
    Guardianship,
    OneTimeCode,
    OneTimeToken,
    RoleGrant,
    SchoolClass,
    User,
)
from ediary.domain.passwords import check_new_password
from ediary_dnevnik import codes, limits, mail, phones
from ediary_dnevnik.errors import (
    AccountFieldsMissing,
    AccountFieldsUnexpected,
    AlreadyLinked,
    CodeExpired,
    CodeInvalid,
    CodeOtherSchool,
    CodeUsed,
    CodeWrongRole,
    FullNameInvalid,
    LoginInvalid,
    LoginUnavailable,
    PhoneUnavailable,
)
from ediary_dnevnik.flow import Env, Guard, Outbox, read_phone, run
from ediary_dnevnik.issuing import PURPOSE as CODE_PURPOSE
from ediary_dnevnik.models import AccessCode, CodeRole
from ediary_dnevnik.plugin import ACCESS_CODE_FLOW_ID

CONFIRM_ACCOUNT = "dnevnik.confirm_account"
CONFIRM_EMAIL = "dnevnik.confirm_email"
CONFIRM_PHONE = "dnevnik.confirm_phone"
ACTIVATE_BY_PHONE = "dnevnik.activate_phone"
CONFIRM_LIFETIME = timedelta(hours=48)

# Good enough to catch slips; the confirmation link is what proves an address.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


class Redeemed(StrEnum):
    """What happened to a redeemed code."""

    # A logged-in parent: the child is linked now.
    LINKED = "linked"
    # A new account: a confirmation link went to the login address. Also the answer when
    # the address already has an account, which then gets a note instead of a link.
    CONFIRMATION_SENT = "confirmation_sent"


@dataclass(frozen=True)
class RedeemForm:
    code: str
    full_name: str = ""
    login: str = ""
    password: str = ""
    school_id: int | None = None
    # Given: the account is activated by a code sent here by SMS, not by an e-mailed link.
    phone: str = ""


@dataclass(frozen=True)
class RedeemResult:
    status: Redeemed
    child_id: int | None = None


def normalize_email(value: str, field: str = "login") -> str:
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise LoginInvalid(field=field)
    return email


def _split_name(full_name: str) -> tuple[str, str, str]:
    parts = full_name.split()
    if len(parts) < 2 or len(full_name) > 300 or any(len(p) > 100 for p in parts):
        raise FullNameInvalid(field="fullName")
    return parts[0], parts[1], " ".join(parts[2:])


async def _spend_code(typed: str, school_id: int | None, offered: RegionFlows) -> AccessCode:
    code = codes.normalize(typed)
    if code is None:
        raise CodeInvalid(field="code")
    try:
        token = await tokens.consume(CODE_PURPOSE, code)
    except TokenInvalid:
        raise CodeInvalid(field="code") from None
    except TokenUsed:
        raise CodeUsed(field="code") from None
    except TokenExpired:
        raise CodeExpired(field="code") from None
    found = await AccessCode.get(token_id=token.id).select_related("batch__school_class")
    if school_id is not None and found.batch.school_class.school_id != school_id:
        raise CodeOtherSchool(field="code")
    # Raised inside the transaction that spent the code, so a refused code stays unspent.
    await offered.ensure_at_school(found.batch.school_class.school_id, ACCESS_CODE_FLOW_ID)
    return found


async def _link_parent(parent_id: int, found: AccessCode) -> None:
    school_class: SchoolClass = found.batch.school_class
    await Guardianship.create(parent_id=parent_id, student_id=found.student_id)
    await RoleGrant.get_or_create(
        user_id=parent_id, role=Role.PARENT, school_id=school_class.school_id, region_id=None
    )


def _code_key(typed: str) -> str:
    return codes.normalize(typed) or typed.strip()


async def redeem(env: Env, viewer: Viewer, form: RedeemForm) -> RedeemResult:
    """Redeem a code: link the child to a logged-in parent, or start a new account."""
    offered = RegionFlows.of(env.settings)
    guards = [
        Guard("dnevnik.redeem.client", env.client_key, limits.REDEEM_PER_CLIENT),
        Guard("dnevnik.redeem.code", _code_key(form.code), limits.REDEEM_PER_CODE, True),
    ]
    if viewer.is_authenticated:
        assert viewer.user_id is not None
        user_id = viewer.user_id
        guards.append(Guard("dnevnik.redeem.account", str(user_id), limits.REDEEM_PER_ACCOUNT))

        async def link(outbox: Outbox) -> RedeemResult:
            if form.full_name or form.login or form.password:
                raise AccountFieldsUnexpected()
            found = await _spend_code(form.code, form.school_id, offered)
            if found.role is not CodeRole.PARENT:
                raise CodeWrongRole(field="code")
            if await Guardianship.exists(parent_id=user_id, student_id=found.student_id):
                raise AlreadyLinked(field="code")
            await _link_parent(user_id, found)
            found.redeemed_by_id = user_id
            await found.save(update_fields=["redeemed_by_id"])
            return RedeemResult(Redeemed.LINKED, found.student_id)

        return await run("redeem access code (logged in)", env, guards, link)

    login = form.login.strip().lower()
    guards.append(
        Guard("dnevnik.redeem.account", login, limits.REDEEM_PER_ACCOUNT, every_attempt=True)
    )

    async def sign_up(outbox: Outbox) -> RedeemResult:
        if not (form.full_name.strip() and form.login.strip() and form.password):
            raise AccountFieldsMissing()
        last, first, middle = _split_name(form.full_name)
        email = normalize_email(form.login)
        password = check_new_password(form.password, login=email)
        number = None
        if form.phone.strip():
            number = phones.normalize(form.phone, phones.region(env.settings))
            if not env.notifier.has("sms"):
                raise ChannelUnavailable("No SMS gateway is set up here: confirm by e-mail.")
        found = await _spend_code(form.code, form.school_id, offered)
        # Hashed before looking the login up, so both answers take as long.
        password_hash = await asyncio.to_thread(auth.hash_password, password)
        taken = await User.get_or_none(login=email)
        if taken is not None and not taken.is_active and await _abandoned(taken.id):
            # A sign-up nobody confirmed in time must not hold the address forever.
            await taken.delete()
            taken = None
        if taken is not None:
            # Same answer as a fresh sign-up; the owner of the address gets a note, and the
            # code stays unspent (the transaction is rolled back by raising below).
            raise _LoginTaken(taken.email)
        if found.role is CodeRole.PARENT:
            account = await User.create(
                login=email,
                password_hash=password_hash,
                last_name=last,
                first_name=first,
                middle_name=middle,
                is_active=False,
            )
            account_id = account.id
            payload: dict[str, object] = {"access_code": found.id}
        else:
            # The student's account exists: the school made it. The new login and password
            # apply once the address is confirmed.
            account_id = found.student_id
            payload = {"access_code": found.id, "login": email, "password_hash": password_hash}
        found.redeemed_by_id = account_id
        await found.save(update_fields=["redeemed_by_id"])
        if number is not None:
            code, _ = await one_time_codes.issue(
                ACTIVATE_BY_PHONE,
                number,
                env.settings.secret_key,
                limits.PHONE_CODE,
                user_id=account_id,
                payload=payload,
            )
            outbox.add("sms", mail.activation_code(number, code))
            return RedeemResult(Redeemed.CONFIRMATION_SENT)
        secret, token = await tokens.issue(
            CONFIRM_ACCOUNT, CONFIRM_LIFETIME, user_id=account_id, payload=payload
        )
        outbox.add(
            "email",
            mail.confirm_account(email, env.link("confirm/account", secret), token.expires_at),
        )
        return RedeemResult(Redeemed.CONFIRMATION_SENT)

    try:
        return await run("redeem access code", env, guards, sign_up)
    except _LoginTaken as taken:
        if taken.address:
            env.notifier.send_later("email", mail.login_taken(taken.address))
        return RedeemResult(Redeemed.CONFIRMATION_SENT)


async def _abandoned(user_id: int) -> bool:
    """An account made by a sign-up whose confirmation links and SMS codes all expired
    unused (a later sign-up with the same phone expires the earlier one's code at once)."""
    links = OneTimeToken.filter(purpose=CONFIRM_ACCOUNT, user_id=user_id)
    sms = OneTimeCode.filter(purpose=ACTIVATE_BY_PHONE, user_id=user_id)
    # Without any, it is an account the school or an import made, perhaps deactivated.
    if not (await links.exists() or await sms.exists()):
        return False
    if (
        await links.filter(used_at__isnull=False).exists()
        or await sms.filter(used_at__isnull=False).exists()
    ):
        return False
    now = datetime.now(UTC)
    return not (
        await links.filter(expires_at__gt=now).exists()
        or await sms.filter(expires_at__gt=now).exists()
    )


class _LoginTaken(DomainError):
    """Internal: rolls the sign-up back; never shown (the answer looks like a success)."""

    code = "LOGIN_TAKEN"

    def __init__(self, address: str | None) -> None:
        super().__init__()
        self.address = address


async def confirm_account(env: Env, secret: str) -> User:
    """Follow a confirmation link: activate the account (or set the student's new login)
    and link the child."""
    guards = [Guard("dnevnik.link.client", env.client_key, limits.LINK_PER_CLIENT)]

    async def work(outbox: Outbox) -> User:
        token = await tokens.consume(CONFIRM_ACCOUNT, secret)
        assert token.user_id is not None
        return await _activate(token.user_id, token.payload, phone=None)

    return await run("confirm account", env, guards, work)


async def confirm_account_by_phone(env: Env, phone: str, code: str) -> User:
    """Type the code sent by SMS at sign-up: activate the account with this phone confirmed
    (its e-mail stays unconfirmed) and link the child."""
    number = read_phone("confirm account by phone", env, phone)
    guards = [Guard("dnevnik.link.client", env.client_key, limits.LINK_PER_CLIENT)]
    # Counted before and outside the transaction, so that a wrong code still counts.
    attempt = await one_time_codes.count_attempt(ACTIVATE_BY_PHONE, number)

    async def work(outbox: Outbox) -> User:
        spent = await one_time_codes.spend(attempt, code, env.settings.secret_key)
        assert spent.user_id is not None
        return await _activate(spent.user_id, spent.payload, phone=number)

    return await run("confirm account by phone", env, guards, work)


async def _activate(account_id: int, payload: dict[str, object], *, phone: str | None) -> User:
    """Open a signed-up account: by the e-mailed link (phone None), which confirms the login
    as the e-mail, or by an SMS code, which confirms the phone instead."""
    found = await AccessCode.get(id=payload["access_code"]).select_related("batch__school_class")
    account = await User.get(id=account_id)
    if phone is not None:
        await _ensure_phone_free(phone, account.id)
        account.phone = phone
    if found.role is CodeRole.PARENT:
        account.is_active = True
        if phone is None:
            account.email = account.login
        await account.save(update_fields=["is_active", "email", "phone"])
        if not await Guardianship.exists(parent_id=account.id, student_id=found.student_id):
            await _link_parent(account.id, found)
    else:
        login = str(payload["login"])
        if await User.exists(login=login):
            raise LoginUnavailable()
        account.login = login
        if phone is None:
            account.email = login
        account.password_hash = str(payload["password_hash"])
        account.temporary_password_at = None
        await account.save(
            update_fields=["login", "email", "phone", "password_hash", "temporary_password_at"]
        )
        await RoleGrant.get_or_create(
            user_id=account.id,
            role=Role.STUDENT,
            school_id=found.batch.school_class.school_id,
            region_id=None,
        )
    return account


async def _ensure_phone_free(phone: str, account_id: int) -> None:
    """Refuse a number confirmed on another account. Asked only after the SMS code proved
    that the person holds the phone: they could learn as much from a login reminder."""
    if await User.filter(phone=phone).exclude(id=account_id).exists():
        raise PhoneUnavailable(field="phone")


async def _writer(viewer: Viewer) -> User:
    if not viewer.is_authenticated:
        raise Unauthenticated()
    user = await User.get_or_none(id=viewer.user_id, is_active=True)
    if user is None:
        raise NotFound()
    return user


async def _check_password(user: User, password: str, field: str) -> None:
    if not await auth.verify_password(user, password):
        raise InvalidCredentials("The current password is wrong.", field=field)


async def change_security_email(env: Env, viewer: Viewer, email: str, password: str) -> None:
    """Send a confirmation link to a new recovery address; it is used once confirmed."""
    guards = [Guard("dnevnik.password.account", str(viewer.user_id), limits.PASSWORD_PER_ACCOUNT)]

    async def work(outbox: Outbox) -> None:
        user = await _writer(viewer)
        await _check_password(user, password, "password")
        address = normalize_email(email, field="email")
        await tokens.revoke(CONFIRM_EMAIL, user.id)
        secret, token = await tokens.issue(
            CONFIRM_EMAIL, CONFIRM_LIFETIME, user_id=user.id, payload={"email": address}
        )
        outbox.add(
            "email",
            mail.confirm_email(address, env.link("confirm/email", secret), token.expires_at),
        )

    await run("change security e-mail", env, guards, work)


async def confirm_security_email(env: Env, secret: str) -> User:
    """Follow the link sent to a new recovery address: the address is now in use."""
    guards = [Guard("dnevnik.link.client", env.client_key, limits.LINK_PER_CLIENT)]

    async def work(outbox: Outbox) -> User:
        token = await tokens.consume(CONFIRM_EMAIL, secret)
        user = await User.get(id=token.user_id)
        user.email = token.payload["email"]
        await user.save(update_fields=["email"])
        return user

    return await run("confirm security e-mail", env, guards, work)


async def change_security_phone(env: Env, viewer: Viewer, phone: str, password: str) -> None:
    """Send a six-digit code by SMS to a new phone; it is used once the code is typed."""
    guards = [Guard("dnevnik.password.account", str(viewer.user_id), limits.PASSWORD_PER_ACCOUNT)]

    async def work(outbox: Outbox) -> None:
        user = await _writer(viewer)
        await _check_password(user, password, "password")
        number = phones.normalize(phone, phones.region(env.settings))
        if not env.notifier.has("sms"):
            raise ChannelUnavailable("No SMS gateway is set up here: phones cannot be confirmed.")
        # Whether another account has the number is not said here: whoever asks need not
        # hold the phone. The code is sent either way, and confirming it decides.
        code, _ = await one_time_codes.issue(
            CONFIRM_PHONE,
            str(user.id),
            env.settings.secret_key,
            limits.PHONE_CODE,
            user_id=user.id,
            payload={"phone": number},
        )
        outbox.add("sms", mail.phone_code(number, code))

    await run("change security phone", env, guards, work)


async def confirm_security_phone(env: Env, viewer: Viewer, code: str) -> User:
    """Type the code the phone received: the phone is now in use."""
    guards = [Guard("dnevnik.phone.account", str(viewer.user_id), limits.PHONE_CODE_PER_ACCOUNT)]
    attempt = await one_time_codes.count_attempt(CONFIRM_PHONE, str(viewer.user_id))

    async def work(outbox: Outbox) -> User:
        user = await _writer(viewer)
        spent = await one_time_codes.spend(attempt, code, env.settings.secret_key)
        number = str(spent.payload["phone"])
        await _ensure_phone_free(number, user.id)
        user.phone = number
        await user.save(update_fields=["phone"])
        return user

    return await run("confirm security phone", env, guards, work)


@dataclass(frozen=True)
class SecurityParameters:
    email: str | None
    phone: str | None

    @property
    def masked_email(self) -> str | None:
        return phones.mask_email(self.email) if self.email else None

    @property
    def masked_phone(self) -> str | None:
        return phones.mask(self.phone) if self.phone else None


async def security_parameters(viewer: Viewer) -> SecurityParameters:
    user = await _writer(viewer)
    return SecurityParameters(email=user.email, phone=user.phone)
