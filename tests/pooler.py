"""What a PgBouncer in front of the test server has passed on, read from its admin console."""

from __future__ import annotations

import subprocess
from urllib.parse import urlsplit


def transactions_through(pooler: str, database: str) -> int:
    """Transactions the PgBouncer at `pooler` (a postgres:// URL of its address) has passed
    to `database`, as its admin console's SHOW STATS counts them."""
    address = urlsplit(pooler)
    console = ["-h", address.hostname or "127.0.0.1", "-p", str(address.port or 6432)]
    console += ["-U", address.username or "postgres", "-d", "pgbouncer"]
    shown = subprocess.run(
        ["psql", *console, "-At", "-F", "|", "-c", "SHOW STATS"],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in shown.stdout.splitlines():
        fields = line.split("|")
        if fields[0] == database:
            return int(fields[1])
    return 0
