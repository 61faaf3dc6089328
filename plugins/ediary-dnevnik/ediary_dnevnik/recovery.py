"""Recovery: "I don't remember my password" and "I don't remember my login".

Both answer the same whether or not an account exists: the limits count every request per
login or address whether it exists or not, and messages go out in the background after the
answer, so neither the answer nor its timing tells.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from ediary.adapters import ChannelUnavailable
from ediary.domain import auth, tokens
from ediary.domain.models import User
from ediary.domain.passwords import check_new_password
from ediary.domain.session_end import EndReason, end_sessions
from ediary_dnevnik import limits, mail
from ediary_dnevnik.accounts import normalize_email, normalize_phone
from ediary_dnevnik.errors import LoginInvalid, PhoneInvalid
from ediary_dnevnik.flow import Env, Guard, Outbox, run

RESET_PASSWORD = "dnevnik.reset_password"
# Short-lived: a reset link in a mailbox is a key to the account.
RESET_LIFETIME = timedelta(minutes=30)


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
        await user.save(update_fields=["password_hash"])
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
            phone = normalize_phone(address)
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
