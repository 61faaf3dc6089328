"""E-mail over SMTP, the built-in notification channel (EDIARY_SMTP_HOST turns it on)."""

from __future__ import annotations

import os
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from ediary.adapters.channels import NotificationChannel, OutgoingMessage
from ediary.adapters.hookspecs import hookimpl


class EmailChannel:
    name = "email"

    def __init__(
        self,
        host: str,
        port: int = 25,
        sender: str = "ediary@localhost",
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def build(self, message: OutgoingMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.address
        mail["Subject"] = message.subject
        # Derived from the idempotency key: mail systems drop a repeat of a Message-ID.
        domain = self.sender.rpartition("@")[2] or "ediary.local"
        mail["Message-ID"] = make_msgid(idstring=message.key.replace(":", "."), domain=domain)
        mail["X-Ediary-Key"] = message.key
        mail.set_content(message.text)
        return mail

    async def send(self, message: OutgoingMessage) -> None:
        await aiosmtplib.send(
            self.build(message),
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            start_tls=self.starttls,
            timeout=self.timeout,
        )


def from_env(environ: dict[str, str] | os._Environ[str] = os.environ) -> EmailChannel | None:
    host = environ.get("EDIARY_SMTP_HOST")
    if not host:
        return None
    return EmailChannel(
        host=host,
        port=int(environ.get("EDIARY_SMTP_PORT") or 25),
        sender=environ.get("EDIARY_MAIL_FROM") or "ediary@localhost",
        username=environ.get("EDIARY_SMTP_USER") or None,
        password=environ.get("EDIARY_SMTP_PASSWORD") or None,
        starttls=(environ.get("EDIARY_SMTP_STARTTLS") or "").lower() in {"1", "true", "yes"},
    )


@hookimpl
def notification_channels() -> list[NotificationChannel]:
    """E-mail, when an SMTP server is configured."""
    channel = from_env()
    return [channel] if channel else []
