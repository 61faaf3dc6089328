"""Texts of the messages the flows send. Each says what happened and what to do if the
reader did not ask for it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ediary.adapters import Message

SIGNATURE = "\n\n-- \nThe school diary. This message was sent automatically; do not reply."


def _when(moment: datetime) -> str:
    return moment.strftime("%d.%m.%Y %H:%M UTC")


def confirm_account(to: str, link: str, expires_at: datetime) -> Message:
    return Message(
        to=to,
        subject="Confirm your school diary account",
        body=(
            "You used an access code to create a school diary account with this address.\n\n"
            f"To confirm the address and open the account, follow this link:\n{link}\n\n"
            f"The link works once, until {_when(expires_at)}. If you did not ask for an "
            "account, ignore this message: nothing happens without the link." + SIGNATURE
        ),
    )


def login_taken(to: str) -> Message:
    # Sent instead of a confirmation when the address already has an account, so that the
    # answer on the screen is the same whether or not it has one.
    return Message(
        to=to,
        subject="Your school diary account",
        body=(
            "Someone used an access code to create a school diary account with this address, "
            "but this address already has an account.\n\n"
            "If it was you: log in, then enter the access code on the page for adding a "
            'child. If you forgot the password, use "I don\'t remember my password".\n'
            "If it was not you, ignore this message: the code was not used." + SIGNATURE
        ),
    )


def confirm_email(to: str, link: str, expires_at: datetime) -> Message:
    return Message(
        to=to,
        subject="Confirm the e-mail address for your school diary",
        body=(
            "This address was given as the e-mail for recovering a school diary account.\n\n"
            f"To confirm it, follow this link:\n{link}\n\n"
            f"The link works once, until {_when(expires_at)}. Until it is followed, the "
            "address is not used. If you did not ask for this, ignore the message." + SIGNATURE
        ),
    )


def phone_code(to: str, code: str) -> Message:
    return Message(
        to=to,
        subject="School diary",
        body=f"School diary: your confirmation code is {code}. Do not tell it to anyone.",
    )


def activation_code(to: str, code: str) -> Message:
    return Message(
        to=to,
        subject="School diary",
        body=f"School diary: {code} is the code to activate your account. Do not tell it to "
        "anyone.",
    )


def password_reset_code(to: str, code: str) -> Message:
    return Message(
        to=to,
        subject="School diary",
        body=f"School diary: {code} is the code to set a new password. If you did not ask, "
        "ignore this SMS.",
    )


def password_reset(to: str, login: str, link: str, expires_at: datetime) -> Message:
    return Message(
        to=to,
        subject="Reset your school diary password",
        body=(
            f'Someone asked to reset the password of the school diary account "{login}".\n\n'
            f"To choose a new password, follow this link:\n{link}\n\n"
            f"The link works once, until {_when(expires_at)}. Setting a new password logs "
            "the account out everywhere. If you did not ask for this, ignore the message: "
            "the password stays as it is." + SIGNATURE
        ),
    )


def password_changed(to: str, login: str) -> Message:
    return Message(
        to=to,
        subject="Your school diary password was changed",
        body=(
            f'The password of the school diary account "{login}" has just been changed.\n\n'
            'If it was not you, use "I don\'t remember my password" at once, and tell the '
            "school." + SIGNATURE
        ),
    )


def login_reminder(to: str, logins: Sequence[str]) -> Message:
    listed = "\n".join(f"  {login}" for login in logins)
    return Message(
        to=to,
        subject="Your school diary login",
        body=(
            "You asked which login belongs to this address. "
            f"The school diary accounts with this address are:\n{listed}\n\n"
            "If you did not ask, ignore this message." + SIGNATURE
        ),
    )


def login_reminder_sms(to: str, logins: Sequence[str]) -> Message:
    return Message(to=to, subject="School diary", body="School diary login: " + ", ".join(logins))
