"""Settings, read once from environment variables (see docs/settings.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

__all__ = [
    "Settings",
]

DEFAULT_DATABASE_URL = "sqlite://ediary.sqlite3"
DEMO_SECRET = "demo-secret-change-me"
# Shorter secrets can be guessed offline from anything signed with them.
MIN_SECRET_LENGTH = 32
ENVIRONMENTS = ("development", "production")
LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


class UnsafeSettings(ValueError):
    """Production settings the server refuses to start with; the message says what to fix."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _origins(value: str) -> tuple[str, ...]:
    """Comma-separated origins, each written the way browsers send it in `Origin`: scheme and
    host in lower case, no default port, no path. `*` is refused: every origin allowed would
    let any site's page act with the visitor's session cookie."""
    found = []
    for raw in value.split(","):
        text = raw.strip()
        if not text:
            continue
        try:
            parts = urlsplit(text.rstrip("/"))
            port = parts.port
        except ValueError:
            parts, port = None, None
        if (
            parts is None
            or parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise ValueError(
                f"EDIARY_ALLOWED_ORIGINS: {text!r} is not an origin (scheme://host[:port])"
            )
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        if port is not None and port != {"http": 80, "https": 443}[parts.scheme]:
            host = f"{host}:{port}"
        found.append(f"{parts.scheme}://{host}")
    return tuple(dict.fromkeys(found))


def _region_flows(value: str) -> dict[str, frozenset[str]]:
    """`CODE=flow,flow;CODE=flow`: the login and registration flows each listed region's
    schools offer. A region named twice, or without flows, is a mistake refused at start-up
    rather than a region left with no way in."""
    found: dict[str, frozenset[str]] = {}
    for raw in value.split(";"):
        text = raw.strip()
        if not text:
            continue
        code, sep, flows = (part.strip() for part in text.partition("="))
        ids = frozenset(flow.strip() for flow in flows.split(",") if flow.strip())
        if not sep or not code or not ids or code in found:
            raise ValueError(
                f"EDIARY_REGION_FLOWS: {text!r} is not REGION=flow[,flow] or names its region twice"
            )
        found[code] = ids
    return found


@dataclass(frozen=True)
class Settings:
    """Everything the server can be told from outside; the defaults suit a demo on a laptop."""

    database_url: str = DEFAULT_DATABASE_URL
    # Streaming replicas of the PostgreSQL primary that serve reads outside write transactions
    # (docs/operations.md, "Read replicas"), and how far behind one may fall and still serve.
    database_replica_urls: tuple[str, ...] = ()
    replica_max_lag_seconds: float = 5.0
    # LISTEN/NOTIFY needs a session of its own on the primary: a direct address when
    # EDIARY_DATABASE_URL goes through a pooler in transaction mode; empty means that one.
    listen_database_url: str = ""
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
    # Failed password logins of one account from one client address, within the window.
    login_failures_before_lock: int = 5
    login_window: timedelta = timedelta(minutes=15)
    login_lock: timedelta = timedelta(minutes=15)
    # Failed logins from one client address over all accounts, within the same window.
    login_address_failures: int = 50
    login_address_lock: timedelta = timedelta(minutes=15)
    # Failed logins of one account from all addresses: higher and slower than the first limit,
    # so that one address cannot reach it and lock the owner out everywhere.
    login_account_failures: int = 100
    login_account_window: timedelta = timedelta(hours=1)
    login_account_lock: timedelta = timedelta(minutes=15)
    # Where links point (e-mails, files, charts, feeds): the address people open the diary at.
    public_url: str = "http://127.0.0.1:8000"
    # Origins (scheme://host[:port]) of browser apps served elsewhere that may call the API:
    # CORS for HTTP, the origin check of WebSockets. None by default: only our own pages.
    allowed_origins: tuple[str, ...] = ()
    # The login and registration flows (by id) each listed region offers; a region left out
    # offers every installed flow (ediary.domain.region_flows).
    region_flows: dict[str, frozenset[str]] = field(default_factory=dict)
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
    # Largest request body (JSON, forms) of any route, refused with 413 while it streams in.
    # Uploads to /graphql may be larger: up to what the attachment limits allow.
    max_body_bytes: int = 1024 * 1024
    delivery_poll_seconds: float = 5.0
    delivery_retry_seconds: float = 30.0
    delivery_max_attempts: int = 8
    # Days before a lesson that families are reminded of the test or quiz announced for it.
    work_reminder_days: int = 2
    # Announcements, blog entries and meetings one person may publish in an hour.
    posts_per_hour: int = 30
    # How often a server process deletes expired throttle counters and query budgets; 0: never.
    housekeeping_minutes: float = 60.0
    # How often a server process re-checks the sessions of its open WebSockets in the
    # database, for endings no broker message announced (expiry, a deactivation by import).
    ws_session_check_seconds: float = 0.5
    # Memory each server process may keep answers of GraphQL queries in; 0 turns it off.
    response_cache_bytes: int = 64 * 1024 * 1024
    # `production` flips the defaults below to the safe side and refuses unsafe settings.
    environment: str = "development"
    # The schema's introspection and the GraphiQL page; off by default in production.
    introspection: bool = True
    graphiql: bool = True
    # The reference web app at /app/; a school with its own frontend may turn it off.
    app: bool = True
    # SQLite in production is refused unless allowed: one machine, live updates per process.
    allow_sqlite: bool = False
    # `/metrics`: off entirely, or only with this bearer token (production needs one).
    metrics: bool = True
    metrics_token: str = ""
    log_format: str = "text"
    log_level: str = "info"
    # Manifests of the documents applications registered when they were built (persisted
    # queries), and whether the server runs only those.
    trusted_documents: tuple[str, ...] = ()
    trusted_documents_only: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        plugins = env.get("EDIARY_PLUGINS")
        environment = (env.get("EDIARY_ENV") or "development").strip().lower()
        production = environment == "production"
        return cls(
            database_url=env.get("EDIARY_DATABASE_URL") or DEFAULT_DATABASE_URL,
            database_replica_urls=tuple(
                url.strip()
                for url in (env.get("EDIARY_DATABASE_REPLICA_URLS") or "").split(",")
                if url.strip()
            ),
            replica_max_lag_seconds=float(env.get("EDIARY_REPLICA_MAX_LAG_SECONDS") or 5),
            listen_database_url=env.get("EDIARY_LISTEN_DATABASE_URL") or "",
            secret_key=env.get("EDIARY_SECRET_KEY") or DEMO_SECRET,
            debug=_flag(env.get("EDIARY_DEBUG"), False),
            secure_cookies=_flag(env.get("EDIARY_SECURE_COOKIES"), production),
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
            login_failures_before_lock=int(env.get("EDIARY_LOGIN_FAILURES") or 5),
            login_window=timedelta(minutes=float(env.get("EDIARY_LOGIN_WINDOW_MINUTES") or 15)),
            login_lock=timedelta(minutes=float(env.get("EDIARY_LOGIN_LOCK_MINUTES") or 15)),
            login_address_failures=int(env.get("EDIARY_LOGIN_ADDRESS_FAILURES") or 50),
            login_address_lock=timedelta(
                minutes=float(env.get("EDIARY_LOGIN_ADDRESS_LOCK_MINUTES") or 15)
            ),
            login_account_failures=int(env.get("EDIARY_LOGIN_ACCOUNT_FAILURES") or 100),
            login_account_window=timedelta(
                minutes=float(env.get("EDIARY_LOGIN_ACCOUNT_WINDOW_MINUTES") or 60)
            ),
            login_account_lock=timedelta(
                minutes=float(env.get("EDIARY_LOGIN_ACCOUNT_LOCK_MINUTES") or 15)
            ),
            public_url=(env.get("EDIARY_PUBLIC_URL") or cls.public_url).rstrip("/"),
            allowed_origins=_origins(env.get("EDIARY_ALLOWED_ORIGINS") or ""),
            region_flows=_region_flows(env.get("EDIARY_REGION_FLOWS") or ""),
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
            max_body_bytes=int(env.get("EDIARY_MAX_BODY_BYTES") or 1024 * 1024),
            delivery_poll_seconds=float(env.get("EDIARY_DELIVERY_POLL_SECONDS") or 5),
            delivery_retry_seconds=float(env.get("EDIARY_DELIVERY_RETRY_SECONDS") or 30),
            delivery_max_attempts=int(env.get("EDIARY_DELIVERY_MAX_ATTEMPTS") or 8),
            work_reminder_days=int(env.get("EDIARY_WORK_REMINDER_DAYS") or 2),
            posts_per_hour=int(env.get("EDIARY_POSTS_PER_HOUR") or 30),
            housekeeping_minutes=float(env.get("EDIARY_HOUSEKEEPING_MINUTES") or 60),
            ws_session_check_seconds=float(env.get("EDIARY_WS_SESSION_CHECK_SECONDS") or 0.5),
            response_cache_bytes=int(
                float(env.get("EDIARY_RESPONSE_CACHE_MB") or 64) * 1024 * 1024
            ),
            environment=environment,
            introspection=_flag(env.get("EDIARY_INTROSPECTION"), not production),
            graphiql=_flag(env.get("EDIARY_GRAPHIQL"), not production),
            app=_flag(env.get("EDIARY_APP"), True),
            allow_sqlite=_flag(env.get("EDIARY_ALLOW_SQLITE"), False),
            metrics=_flag(env.get("EDIARY_METRICS"), True),
            metrics_token=env.get("EDIARY_METRICS_TOKEN") or "",
            log_format=(env.get("EDIARY_LOG_FORMAT") or ("json" if production else "text")).lower(),
            log_level=(
                env.get("EDIARY_LOG_LEVEL")
                or ("debug" if _flag(env.get("EDIARY_DEBUG"), False) else "info")
            ).lower(),
            trusted_documents=tuple(
                path.strip()
                for path in (env.get("EDIARY_TRUSTED_DOCUMENTS") or "").split(",")
                if path.strip()
            ),
            trusted_documents_only=_flag(env.get("EDIARY_TRUSTED_DOCUMENTS_ONLY"), False),
        )

    def __post_init__(self) -> None:
        """Refuse settings that would make reports meaningless or leaky."""
        if self.report_min_group < 1:
            raise ValueError(f"EDIARY_REPORT_MIN_GROUP must be >= 1, got {self.report_min_group}")
        if self.request_timeout <= 0:
            raise ValueError(f"EDIARY_REQUEST_TIMEOUT must be > 0, got {self.request_timeout}")
        if self.ws_session_check_seconds <= 0:
            raise ValueError(
                f"EDIARY_WS_SESSION_CHECK_SECONDS must be > 0, got {self.ws_session_check_seconds}"
            )
        if self.replica_max_lag_seconds <= 0:
            raise ValueError(
                f"EDIARY_REPLICA_MAX_LAG_SECONDS must be > 0, got {self.replica_max_lag_seconds}"
            )
        postgres = ("postgres://", "postgresql://", "asyncpg://")
        if self.database_replica_urls and not (
            self.database_url.startswith(postgres)
            and all(url.startswith(postgres) for url in self.database_replica_urls)
        ):
            raise ValueError(
                "EDIARY_DATABASE_REPLICA_URLS: replicas are of a PostgreSQL primary; both "
                "it and they need postgres:// URLs"
            )
        if self.max_body_bytes < 1:
            raise ValueError(f"EDIARY_MAX_BODY_BYTES must be >= 1, got {self.max_body_bytes}")
        if self.work_reminder_days < 0:
            raise ValueError(
                f"EDIARY_WORK_REMINDER_DAYS must be >= 0, got {self.work_reminder_days}"
            )
        if self.environment not in ENVIRONMENTS:
            raise ValueError(f"EDIARY_ENV must be one of {', '.join(ENVIRONMENTS)}")
        if self.log_format not in LOG_FORMATS:
            raise ValueError(f"EDIARY_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
        if self.log_level not in LOG_LEVELS:
            raise ValueError(f"EDIARY_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        if self.trusted_documents_only and not (self.trusted_documents or self.app):
            # Nothing at all would run, not even a login.
            raise ValueError(
                "EDIARY_TRUSTED_DOCUMENTS_ONLY needs EDIARY_TRUSTED_DOCUMENTS or the web app"
            )

    def school_today(self) -> date:
        """The schools' today: `today` when set (demos, tests), else today in `timezone`."""
        return self.today or datetime.now(ZoneInfo(self.timezone)).date()

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite://")

    def refusals(self) -> list[str]:
        """What makes these settings unsafe to serve in production; empty when they are fine."""
        if not self.production:
            return []
        found = []
        if self.secret_key == DEMO_SECRET:
            found.append("EDIARY_SECRET_KEY is the demo secret; set a random one")
        elif len(self.secret_key) < MIN_SECRET_LENGTH:
            found.append(f"EDIARY_SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters")
        if self.uses_sqlite and not self.allow_sqlite:
            found.append(
                "the database is SQLite; use PostgreSQL, or set EDIARY_ALLOW_SQLITE=true for a "
                "single-machine installation"
            )
        return found

    def check_production(self) -> None:
        """Raise UnsafeSettings naming every problem, so one restart fixes them all."""
        found = self.refusals()
        if found:
            raise UnsafeSettings("refusing to start in production: " + "; ".join(found) + ".")
