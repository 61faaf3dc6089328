"""A PostgreSQL primary with a streaming replica, and PgBouncer in front of the primary, all
on loopback ports of their own, for the tests of reads on replicas and of the pooler.

The servers run from the machine's PostgreSQL binaries (Debian's /usr/lib/postgresql/N/bin)
and /usr/sbin/pgbouncer. Neither accepts to run as root: as root, they run as the `postgres`
user, from a directory of their own under the system's temporary directory (pytest's are
private to root)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from tests.reference_clients import require
from tests.servers import free_port

PGBOUNCER = "/usr/sbin/pgbouncer"
TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "postgres", "createdb")
# One database for the served application; the cluster holds nothing else of ours.
DATABASE = "diary"


def _bindir() -> Path | None:
    """The directory with initdb, pg_ctl, pg_basebackup and postgres of one version."""
    candidates = []
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(Path(os.path.realpath(found)).parent)
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for directory in candidates:
        if all((directory / tool).exists() for tool in TOOLS):
            return directory
    return None


def _as_owner(command: list[str]) -> list[str]:
    # initdb, postgres and pgbouncer refuse root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str], timeout: float = 120) -> None:
    done = subprocess.run(_as_owner(command), capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stdout}\n{done.stderr}")


@dataclass
class Cluster:
    root: Path
    bindir: Path
    primary_port: int
    replica_port: int
    bouncer_port: int

    def url(self, port: int, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_port)

    @property
    def replica_url(self) -> str:
        return self.url(self.replica_port)

    @property
    def bouncer_url(self) -> str:
        # asyncpg's prepared statements outlive a transaction, PgBouncer's server connections
        # do not belong to a client beyond one: with no statement cache, asyncpg prepares
        # unnamed statements inside each exchange (see docs/operations.md, "PgBouncer").
        return self.url(self.bouncer_port) + "?statement_cache_size=0"

    def _ctl(self, data: str, action: str, port: int | None = None) -> None:
        command = [str(self.bindir / "pg_ctl"), "-D", str(self.root / data), "-w", "-t", "60"]
        if action == "start":
            command += ["-l", str(self.root / f"{data}.log"), "start"]
        else:
            command += ["-m", "fast", action]
        _run(command)

    def stop_replica(self) -> None:
        self._ctl("replica", "stop")

    def start_replica(self) -> None:
        self._ctl("replica", "start")

    def postmaster_pid(self, data: str) -> int:
        """The process id of a server's postmaster ("primary" or "replica"), which forks
        every backend and background process of that server."""
        return int((self.root / data / "postmaster.pid").read_text().splitlines()[0])

    async def sql(self, port: int, text: str, *args: object) -> list[asyncpg.Record]:
        """Rows of one statement on one server of the cluster, as its superuser."""
        connection = await asyncpg.connect(
            f"postgresql://postgres@127.0.0.1:{port}/{DATABASE}", timeout=10
        )
        try:
            return list(await connection.fetch(text, *args))
        finally:
            await connection.close()

    async def replica_streams(self) -> bool:
        """Whether the replica is in recovery and the primary sends it the WAL."""
        with contextlib.suppress(OSError, asyncpg.PostgresError):
            (standby,) = await self.sql(self.replica_port, "SELECT pg_is_in_recovery() AS r")
            streaming = await self.sql(
                self.primary_port,
                "SELECT count(*) AS n FROM pg_stat_replication WHERE state = 'streaming'",
            )
            return bool(standby["r"]) and streaming[0]["n"] > 0
        return False

    async def caught_up(self) -> bool:
        """Whether the replica has replayed everything the primary has written."""
        (primary,) = await self.sql(self.primary_port, "SELECT pg_current_wal_lsn() AS lsn")
        (replica,) = await self.sql(self.replica_port, "SELECT pg_last_wal_replay_lsn() AS lsn")
        return bool(replica["lsn"] >= primary["lsn"])


_PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{root}'
wal_level = replica
max_wal_senders = 4
hot_standby = on
max_connections = 60
shared_buffers = 32MB
# Test data, thrown away at the end: no need to wait for the disk.
fsync = off
full_page_writes = off
"""

_BOUNCER_INI = """
[databases]
* = host=127.0.0.1 port={primary}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {root}/userlist.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 10
ignore_startup_parameters = extra_float_digits
logfile = {root}/pgbouncer.log
pidfile = {root}/pgbouncer.pid
admin_users = postgres
"""


def available() -> Path:
    """The PostgreSQL binaries, or a skip (a failure under EDIARY_REQUIRE_COMPAT=1) naming
    what to install."""
    bindir = _bindir()
    require(
        "PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup)",
        bindir is not None,
        "apt-get install postgresql",
    )
    require("PgBouncer", Path(PGBOUNCER).exists(), "apt-get install pgbouncer")
    require("runuser", os.geteuid() != 0 or shutil.which("runuser") is not None, "util-linux")
    assert bindir is not None
    return bindir


@contextlib.contextmanager
def running_cluster(settings: str = "", bouncer: bool = True) -> Iterator[Cluster]:
    """Start the primary, a replica made with `pg_basebackup -R`, and PgBouncer (unless
    `bouncer` is false; its port is then unused); stop and remove them all on exit.

    `settings`, lines of postgresql.conf, are appended after the primary's own, so they take
    precedence; the replica is copied from the primary and has them too."""
    bindir = available()
    root = Path(tempfile.mkdtemp(prefix="ediary-cluster-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    cluster = Cluster(root, bindir, free_port(), free_port(), free_port())
    started: list[str] = []
    pooler: subprocess.Popen[bytes] | None = None
    try:
        _run([str(bindir / "initdb"), "-D", str(root / "primary"), "-U", "postgres", "-A", "trust"])
        conf = _PRIMARY_CONF.format(port=cluster.primary_port, root=root) + settings
        _append(root / "primary" / "postgresql.conf", conf)
        _append(root / "primary" / "pg_hba.conf", "host replication all 127.0.0.1/32 trust\n")
        cluster._ctl("primary", "start")
        started.append("primary")
        _run(
            [
                str(bindir / "pg_basebackup"),
                *("-h", "127.0.0.1", "-p", str(cluster.primary_port), "-U", "postgres"),
                *("-D", str(root / "replica"), "-R", "-X", "stream", "-c", "fast"),
            ]
        )
        _append(root / "replica" / "postgresql.conf", f"port = {cluster.replica_port}\n")
        cluster._ctl("replica", "start")
        started.append("replica")
        if bouncer:
            pooler = _start_bouncer(cluster)
        yield cluster
    finally:
        if pooler is not None:
            pooler.terminate()
            pooler.wait(timeout=10)
        for data in reversed(started):
            with contextlib.suppress(RuntimeError):
                cluster._ctl(data, "stop")
        shutil.rmtree(root, ignore_errors=True)


def _start_bouncer(cluster: Cluster) -> subprocess.Popen[bytes]:
    root = cluster.root
    _write(root / "userlist.txt", '"postgres" ""\n')
    ini = _BOUNCER_INI.format(primary=cluster.primary_port, port=cluster.bouncer_port, root=root)
    _write(root / "pgbouncer.ini", ini)
    process = subprocess.Popen(
        _as_owner([PGBOUNCER, str(root / "pgbouncer.ini")]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_port(cluster.bouncer_port, process, root / "pgbouncer.log")
    return process


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    import socket

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pgbouncer exited: {log.read_text() if log.exists() else ''}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError("pgbouncer did not listen within 15 s")
