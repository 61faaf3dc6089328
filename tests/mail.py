"""The SMTP sink of the core's tests is the one plugin authors get from `ediary.testing`."""

from ediary.testing.mail import Mail, Mailbox, SmtpServer, free_port

__all__ = ["Mail", "Mailbox", "SmtpServer", "free_port"]
