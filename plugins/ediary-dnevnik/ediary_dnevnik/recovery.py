"""Recovery: "I don't remember my password" and "I don't remember my login".

Both answer the same whether or not an account exists: the limits count every request per
login or address whether it exists or not, and messages go out in the background after the
answer, so neither the answer nor its timing tells.

By phone, the password is reset with a six-digit code sent by SMS to the account's confirmed
phone. A request for a number no account has stores a code just the same (for nobody, and
never sent), so that both requests do the same work.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from ediary.adapters import ChannelUnavailable
from ediary.domain import auth, one_time_codes, tokens
from ediary.domain.errors import TokenInvalid
from ediary.domain.models import User
from ediary.domain.passwords import check_new_password
from ediary.domain.session_end import EndReason, end_sessions
from ediary_dnevnik import limits, mail, phones
from ediary_dnevnik.accounts import normalize_email
from ediary_dnevnik.errors import LoginInvalid, PhoneInvalid
from ediary_dnevnik.flow import Env, Guard, Outbox, read_phone, run

RESET_PASSWORD = "dnevnik.reset_password"
# Short-lived: a reset link in a mailbox is a key to the account.
RESET_LIFETIME = timedelta(minutes=30)
RESET_BY_PHONE = "dnevnik.reset_phone"


async def request_password_reset(env: Env, login: str) -> None:
    """Send a reset link to the confirmed e-mail of the account, if there is one."""
    key = auth.normalize_login(login)
    guards = [
        Guard("dnevnik.recovery.client", env.client_key, limits.RECOVERY_PER_CLIENT, True),
        Guard(
            "dnevnik.reset.account_client",
            f"{env.client_key} {key}",
            limits.RECOVERY_PER_ACCOUNT_CLIENT,
            True,
        ),
        Guard("dnevnik.reset.account", key, limits.RECOVERY_PER_ACCOUNT, True),
    ]

    async def work(outbox: Outbox) -> None:
        user = await User.get_or_none(login=key, is_active=True)
        if user is None or not user.email:
            return
        # Only the newest link works.
        await tokens.revoke(RESET_PASSWORD, user.id)
        secret, token = await tokens.issue(RESET_PASSWORD, RESET_LIFETIME, user_id=user.id)
        outbox.add(
            "email",
            mail.password_reset(
                user.email, user.login, env.link("reset", secret), token.expires_at
            ),
        )

    await run("request password reset", env, guards, work)


async def reset_password(env: Env, secret: str, new_password: str) -> User:
    """Set a new password through a reset link; every session of the account ends."""
    guards = [Guard("dnevnik.link.client", env.client_key, limits.LINK_PER_CLIENT)]

    async def work(outbox: Outbox) -> User:
        token = await tokens.consume(RESET_PASSWORD, secret)
        user = await User.get(id=token.user_id)
        password = check_new_password(new_password, login=user.login, field="newPassword")
        user.password_hash = await asyncio.to_thread(auth.hash_password, password)
        # A password the owner chose: no longer the temporary one a school may have issued.
        user.temporary_password_at = None
        await user.save(update_fields=["password_hash", "temporary_password_at"])
        outbox.announce(await end_sessions(EndReason.PASSWORD_RESET, user_ids=[user.id]))
        if user.email:
            outbox.add("email", mail.password_changed(user.email, user.login))
        return user

    user = await run("reset password", env, guards, work)
    # Whoever was locked out by wrong guesses may log in with the new password at once.
    await auth.forget_failures(user.login, env.client)
    return user


async def remind_login(env: Env, address: str) -> None:
    """Send the logins of the accounts whose confirmed e-mail (or phone) this is."""
    by_email = "@" in address
    key = address.strip().lower()
    guards = [
        Guard("dnevnik.recovery.client", env.client_key, limits.RECOVERY_PER_CLIENT, True),
        Guard(
            "dnevnik.remind.address_client",
            f"{env.client_key} {key}",
            limits.RECOVERY_PER_ACCOUNT_CLIENT,
            True,
        ),
        Guard("dnevnik.remind.address", key, limits.RECOVERY_PER_ACCOUNT, True),
    ]

    async def work(outbox: Outbox) -> None:
        if by_email:
            email = normalize_email(address, field="address")
            logins = await User.filter(email=email, is_active=True).values_list("login", flat=True)
            if logins:
                outbox.add("email", mail.login_reminder(email, sorted(map(str, logins))))
            return
        try:
            phone = phones.normalize(address, phones.region(env.settings))
        except PhoneInvalid:
            raise LoginInvalid(
                "Give the e-mail address or the phone number of the account.", field="address"
            ) from None
        if not env.notifier.has("sms"):
            raise ChannelUnavailable("Logins are sent by e-mail only here: give the e-mail.")
        logins = await User.filter(phone=phone, is_active=True).values_list("login", flat=True)
        if logins:
            outbox.add("sms", mail.login_reminder_sms(phone, sorted(map(str, logins))))

    await run("remind login", env, guards, work)


async def request_password_reset_by_phone(env: Env, phone: str) -> None:
    """Send a code by SMS to the confirmed phone, if an account has it."""
    number = read_phone("request password reset by phone", env, phone)
    guards = [
        Guard("dnevnik.recovery.client", env.client_key, limits.RECOVERY_PER_CLIENT, True),
        Guard(
            "dnevnik.reset.phone_client",
            f"{env.client_key} {number}",
            limits.RECOVERY_PER_ACCOUNT_CLIENT,
            True,
        ),
        Guard("dnevnik.reset.phone", number, limits.RECOVERY_PER_ACCOUNT, True),
    ]

    async def work(outbox: Outbox) -> None:
        if not env.notifier.has("sms"):
            # Said for every number alike: it is the server's set-up, not the account's.
            raise ChannelUnavailable("Passwords are reset by e-mail only here.")
        # Confirmed phones belong to one account each; numbers confirmed twice before that
        # rule (several logins) get no code: reset those by login and e-mail.
        owners: list[Any] = (
            await User.filter(phone=number, is_active=True).limit(2).values_list("id", flat=True)
        )
        user_id = int(owners[0]) if len(owners) == 1 else None
        code, _ = await one_time_codes.issue(
            RESET_BY_PHONE, number, env.settings.secret_key, limits.PHONE_CODE, user_id=user_id
        )
        if user_id is not None:
            outbox.add("sms", mail.password_reset_code(number, code))

    await run("request password reset by phone", env, guards, work)


async def reset_password_by_phone(env: Env, phone: str, code: str, new_password: str) -> User:
    """Set a new password with the code sent by SMS; every session of the account ends."""
    number = read_phone("reset password by phone", env, phone)
    guards = [Guard("dnevnik.link.client", env.client_key, limits.LINK_PER_CLIENT)]
    # Counted before and outside the transaction, so that a wrong code still counts.
    attempt = await one_time_codes.count_attempt(RESET_BY_PHONE, number)

    async def work(outbox: Outbox) -> User:
        spent = await one_time_codes.spend(attempt, code, env.settings.secret_key)
        user = None
        if spent.user_id is not None:
            user = await User.get_or_none(id=spent.user_id, is_active=True, phone=number)
        if user is None:
            # A code for nobody, or the phone left the account since: as if mistyped.
            raise TokenInvalid()
        password = check_new_password(new_password, login=user.login, field="newPassword")
        user.password_hash = await asyncio.to_thread(auth.hash_password, password)
        # A password the owner chose: no longer the temporary one a school may have issued.
        user.temporary_password_at = None
        await user.save(update_fields=["password_hash", "temporary_password_at"])
        # Only the newest way in works: reset links sent earlier die with the old password.
        await tokens.revoke(RESET_PASSWORD, user.id)
        outbox.announce(await end_sessions(EndReason.PASSWORD_RESET, user_ids=[user.id]))
        if user.email:
            outbox.add("email", mail.password_changed(user.email, user.login))
        return user

    user = await run("reset password by phone", env, guards, work)
    await auth.forget_failures(user.login, env.client)
    return user
