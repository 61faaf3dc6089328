"""The built-in e-mail channel: SMTP through aiosmtplib, set up by EDIARY_SMTP_* settings."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from ediary.adapters.hookspecs import hookimpl
from ediary.adapters.notify import Message, NotificationChannel
from ediary.config import Settings

log = logging.getLogger("ediary.email")


class SmtpChannel:
    """Delivers e-mail to one SMTP server; each message opens its own connection."""

    name = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: Message) -> None:
        settings = self.settings
        mail = EmailMessage()
        mail["From"] = settings.mail_from
        mail["To"] = message.to
        mail["Subject"] = message.subject
        if message.key:
            # Mail systems drop a repeat of a Message-ID: a retried delivery shows once.
            domain = settings.mail_from.rpartition("@")[2] or "ediary.local"
            mail["Message-ID"] = make_msgid(idstring=message.key.replace(":", "."), domain=domain)
            mail["X-Ediary-Key"] = message.key
        mail.set_content(message.body)
        await aiosmtplib.send(
            mail,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password or None,
            start_tls=settings.smtp_starttls,
            timeout=30,
        )


class DroppedMail:
    """Stands in when no SMTP server is set, so flows run and the log says what is missing."""

    name = "email"

    async def send(self, message: Message) -> None:
        log.warning("EDIARY_SMTP_HOST is not set: an e-mail was not sent")


@hookimpl(trylast=True)
def notification_channels(settings: Settings) -> list[NotificationChannel]:
    """Offer e-mail over SMTP, or a stand-in that logs when SMTP is not configured."""
    if settings.smtp_host:
        return [SmtpChannel(settings)]
    return [DroppedMail()]
