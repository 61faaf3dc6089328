"""A pytest plugin for testing ediary plugins (and ediary itself).

Opt in from a conftest.py with `pytest_plugins = ["ediary.testing"]` and override the fixture
`ediary_plugins` to return your plugin; docs/plugins.md, "Testing a plugin", lists the fixtures.
"""

from ediary.testing.client import GraphQLClient, LoginFailed, Session
from ediary.testing.database import migrated_database, postgres_server, scratch_database_url
from ediary.testing.mail import Mail, Mailbox, SmtpServer
from ediary.testing.world import (
    PASSWORD,
    Grant,
    SchoolParts,
    SmallWorld,
    add_school,
    add_user,
    build_small_world,
    school_year,
)

pytest_plugins = ["ediary.testing.plugin"]

__all__ = [
    "PASSWORD",
    "Grant",
    "GraphQLClient",
    "LoginFailed",
    "Mail",
    "Mailbox",
    "SchoolParts",
    "Session",
    "SmallWorld",
    "SmtpServer",
    "add_school",
    "add_user",
    "build_small_world",
    "migrated_database",
    "postgres_server",
    "school_year",
    "scratch_database_url",
]
