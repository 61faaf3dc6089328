"""docs/settings.md has a row for every field of Settings, and every variable in it is read."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from ediary.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "settings.md"

# Fields whose variable is not EDIARY_ + the field's name in capitals.
VARIABLES = {
    "environment": "EDIARY_ENV",
    "session_lifetime": "EDIARY_SESSION_HOURS",
    "max_attachment_bytes": "EDIARY_MAX_ATTACHMENT_MB",
    "login_failures_before_lock": "EDIARY_LOGIN_FAILURES",
    "login_window": "EDIARY_LOGIN_WINDOW_MINUTES",
    "login_lock": "EDIARY_LOGIN_LOCK_MINUTES",
    "login_address_lock": "EDIARY_LOGIN_ADDRESS_LOCK_MINUTES",
    "login_account_window": "EDIARY_LOGIN_ACCOUNT_WINDOW_MINUTES",
    "login_account_lock": "EDIARY_LOGIN_ACCOUNT_LOCK_MINUTES",
    "response_cache_bytes": "EDIARY_RESPONSE_CACHE_MB",
}
# Every EDIARY_* variable as given, for plugins: not a setting of its own.
NOT_SETTINGS = {"extra"}


def _documented() -> set[str]:
    """Variables named in the first column of the core table."""
    table = DOC.read_text().split("| variable | default | meaning |", 1)[1].split("\n\n", 1)[0]
    return {
        name
        for row in table.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`(EDIARY_[A-Z0-9_]+)`", row.split("|")[1])
    }


def test_every_setting_has_a_row() -> None:
    documented = _documented()
    missing = [
        f"{field.name} ({VARIABLES.get(field.name, 'EDIARY_' + field.name.upper())})"
        for field in dataclasses.fields(Settings)
        if field.name not in NOT_SETTINGS
        and VARIABLES.get(field.name, "EDIARY_" + field.name.upper()) not in documented
    ]
    assert missing == [], "add these to the table in docs/settings.md"


def test_every_documented_variable_is_read_by_the_code() -> None:
    sources = "\n".join(
        path.read_text()
        for base in (ROOT / "ediary", ROOT / "plugins")
        for path in base.rglob("*.py")
        if ".venv" not in path.parts
    )
    unread = sorted(name for name in _documented() if f'"{name}"' not in sources)
    assert unread == []
