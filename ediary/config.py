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
    # Limits on one GraphQL document, checked before anything runs (docs/api.md, "Limits").
    max_query_depth: int = 15
    max_query_aliases: int = 30
    max_query_tokens: int = 2000
    max_query_nodes: int = 50_000
    max_query_cost: int = 500
    # Query points a viewer (or, logged out, a client address) may spend per hour.
    rate_points_per_hour: int = 5000
    anonymous_rate_points_per_hour: int = 1000
    # Seconds a query or mutation may run before it is cancelled.
    request_timeout: float = 30.0
    login_failures_before_lock: int = 5
    login_window: timedelta = timedelta(minutes=15)
    login_lock: timedelta = timedelta(minutes=5)
    # Where links in e-mails point: the address people open the diary at.
    public_url: str = "http://127.0.0.1:8000"
    # Outgoing mail; no host means the e-mail channel is off and messages are dropped.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "ediary@localhost"
    # Every EDIARY_* variable as given, for plugins to read their own settings from.
    # Report groups (a school, a subject of a school) with fewer graded students than this
    # are suppressed in the regional view, so that no child can be singled out.
    report_min_group: int = 5
    # The schools' time zone: local dates of marks, quiet hours and digest hours.
    timezone: str = "Europe/Moscow"
    # For demos and tests only: pretend today is this date (writes check terms against it).
    today: date | None = None
    attachments_dir: str = "attachments"
    max_attachment_bytes: int = 10 * 1024 * 1024
    delivery_poll_seconds: float = 5.0
    delivery_retry_seconds: float = 30.0
    delivery_max_attempts: int = 8
    # Announcements, blog entries and meetings one person may publish in an hour.
    posts_per_hour: int = 30
    # The in-browser IDE on GET /graphql and its files under /static/graphiql/.
    graphiql: bool = True
    # Memory each server process may keep answers of GraphQL queries in; 0 turns it off.
    response_cache_bytes: int = 64 * 1024 * 1024
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
            max_query_depth=int(env.get("EDIARY_MAX_QUERY_DEPTH") or 15),
            max_query_aliases=int(env.get("EDIARY_MAX_QUERY_ALIASES") or 30),
            max_query_tokens=int(env.get("EDIARY_MAX_QUERY_TOKENS") or 2000),
            max_query_nodes=int(env.get("EDIARY_MAX_QUERY_NODES") or 50_000),
            max_query_cost=int(env.get("EDIARY_MAX_QUERY_COST") or 500),
            rate_points_per_hour=int(env.get("EDIARY_RATE_POINTS_PER_HOUR") or 5000),
            anonymous_rate_points_per_hour=int(
                env.get("EDIARY_ANONYMOUS_RATE_POINTS_PER_HOUR") or 1000
            ),
            request_timeout=float(env.get("EDIARY_REQUEST_TIMEOUT") or 30),
            public_url=(env.get("EDIARY_PUBLIC_URL") or cls.public_url).rstrip("/"),
            smtp_host=env.get("EDIARY_SMTP_HOST") or "",
            smtp_port=int(env.get("EDIARY_SMTP_PORT") or 25),
            smtp_username=env.get("EDIARY_SMTP_USERNAME") or "",
            smtp_password=env.get("EDIARY_SMTP_PASSWORD") or "",
            smtp_starttls=_flag(env.get("EDIARY_SMTP_STARTTLS"), False),
            mail_from=env.get("EDIARY_MAIL_FROM") or cls.mail_from,
            extra={k: v for k, v in env.items() if k.startswith("EDIARY_")},
            report_min_group=int(env.get("EDIARY_REPORT_MIN_GROUP") or 5),
            timezone=env.get("EDIARY_TIMEZONE") or "Europe/Moscow",
            today=date.fromisoformat(env["EDIARY_TODAY"]) if env.get("EDIARY_TODAY") else None,
            attachments_dir=env.get("EDIARY_ATTACHMENTS_DIR") or "attachments",
            max_attachment_bytes=int(
                float(env.get("EDIARY_MAX_ATTACHMENT_MB") or 10) * 1024 * 1024
            ),
            delivery_poll_seconds=float(env.get("EDIARY_DELIVERY_POLL_SECONDS") or 5),
            delivery_retry_seconds=float(env.get("EDIARY_DELIVERY_RETRY_SECONDS") or 30),
            delivery_max_attempts=int(env.get("EDIARY_DELIVERY_MAX_ATTEMPTS") or 8),
            posts_per_hour=int(env.get("EDIARY_POSTS_PER_HOUR") or 30),
            graphiql=_flag(env.get("EDIARY_GRAPHIQL"), True),
            response_cache_bytes=int(
                float(env.get("EDIARY_RESPONSE_CACHE_MB") or 64) * 1024 * 1024
            ),
        )

    def __post_init__(self) -> None:
        """Refuse settings that would make reports meaningless or leaky."""
        if self.report_min_group < 1:
            raise ValueError(f"EDIARY_REPORT_MIN_GROUP must be >= 1, got {self.report_min_group}")
        if self.request_timeout <= 0:
            raise ValueError(f"EDIARY_REQUEST_TIMEOUT must be > 0, got {self.request_timeout}")
