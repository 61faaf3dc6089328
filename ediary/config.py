"""Settings, read once from environment variables (see docs/settings.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta

DEFAULT_DATABASE_URL = "sqlite://ediary.sqlite3"
DEMO_SECRET = "demo-secret-change-me"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything the server can be told from outside; the defaults suit a demo on a laptop."""

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = DEMO_SECRET
    debug: bool = False
    # Cookies marked Secure are not sent over plain HTTP, which the local demo uses.
    secure_cookies: bool = False
    session_lifetime: timedelta = timedelta(days=14)
    plugins: tuple[str, ...] | None = None
    max_page_size: int = 100
    login_failures_before_lock: int = 5
    login_lock: timedelta = timedelta(minutes=5)
    # The schools' time zone: local dates of marks, quiet hours and digest hours.
    timezone: str = "Europe/Moscow"
    # For demos and tests only: pretend today is this date (writes check terms against it).
    today: date | None = None
    attachments_dir: str = "attachments"
    max_attachment_bytes: int = 10 * 1024 * 1024
    delivery_poll_seconds: float = 5.0
    delivery_retry_seconds: float = 30.0
    delivery_max_attempts: int = 8
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        plugins = env.get("EDIARY_PLUGINS")
        return cls(
            database_url=env.get("EDIARY_DATABASE_URL") or DEFAULT_DATABASE_URL,
            secret_key=env.get("EDIARY_SECRET_KEY") or DEMO_SECRET,
            debug=_flag(env.get("EDIARY_DEBUG"), False),
            secure_cookies=_flag(env.get("EDIARY_SECURE_COOKIES"), False),
            session_lifetime=timedelta(
                hours=int(env.get("EDIARY_SESSION_HOURS") or 14 * 24),
            ),
            plugins=(
                tuple(p.strip() for p in plugins.split(",") if p.strip())
                if plugins is not None
                else None
            ),
            max_page_size=int(env.get("EDIARY_MAX_PAGE_SIZE") or 100),
            timezone=env.get("EDIARY_TIMEZONE") or "Europe/Moscow",
            today=date.fromisoformat(env["EDIARY_TODAY"]) if env.get("EDIARY_TODAY") else None,
            attachments_dir=env.get("EDIARY_ATTACHMENTS_DIR") or "attachments",
            max_attachment_bytes=int(
                float(env.get("EDIARY_MAX_ATTACHMENT_MB") or 10) * 1024 * 1024
            ),
            delivery_poll_seconds=float(env.get("EDIARY_DELIVERY_POLL_SECONDS") or 5),
            delivery_retry_seconds=float(env.get("EDIARY_DELIVERY_RETRY_SECONDS") or 30),
            delivery_max_attempts=int(env.get("EDIARY_DELIVERY_MAX_ATTEMPTS") or 8),
        )
