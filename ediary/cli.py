"""The `ediary` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ediary.config import DEMO_SECRET, Settings
from ediary.scaffold import HOOKS

if TYPE_CHECKING:
    from ediary.adapters.manager import PluginManager


def _plugins(settings: Settings) -> PluginManager | None:
    """The allowed plugins, or None after printing why one of them is broken."""
    from ediary.adapters.manager import PluginError, load_plugins

    try:
        return load_plugins(settings.plugins)
    except PluginError as error:
        print(f"ediary: {error}", file=sys.stderr)
        return None


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from ediary.adapters.manager import PluginError, model_apps
    from ediary.db import migrate

    plugins = _plugins(settings)
    if plugins is None:
        return 2
    try:
        apps = model_apps(plugins)
    except PluginError as error:
        print(f"ediary: {error}", file=sys.stderr)
        return 2
    asyncio.run(migrate(settings.database_url, apps))
    labels = ", ".join(["diary", *apps])
    print(f"Database is up to date ({labels}): {settings.database_url}")
    return 0


def cmd_plugins(settings: Settings, args: argparse.Namespace) -> int:
    from ediary.adapters.manager import describe

    plugins = _plugins(settings)
    if plugins is None:
        return 2
    for info in describe(plugins):
        kind = " (built in)" if info.builtin else ""
        print(f"{info.name} {info.version}{kind}")
        print(f"    hooks: {', '.join(info.hooks) or '-'}")
    return 0


def cmd_plugins_new(settings: Settings, args: argparse.Namespace) -> int:
    from ediary.scaffold import ScaffoldError, new_plugin

    try:
        target = new_plugin(args.name, args.dir, args.hook, region=args.region)
    except ScaffoldError as error:
        print(f"ediary: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {target}. Next: pip install -e '{target}[test]' && pytest {target}")
    return 0


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from ediary.import_command import cmd_import as run

    plugins = _plugins(settings)
    if plugins is None:
        return 2
    return run(settings, plugins, args)


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from ediary.adapters.manager import model_apps
    from ediary.db import close_database, migrate, open_database
    from ediary.demo import database_is_empty, load_demo
    from ediary.domain.storage import DiskStorage

    plugins = _plugins(settings)
    if plugins is None:
        return 2
    apps = model_apps(plugins)

    async def run() -> int:
        await migrate(settings.database_url, apps)
        await open_database(settings.database_url, apps)
        try:
            if not await database_is_empty():
                if args.if_empty:
                    print("The database already has data; the demo school was not loaded.")
                    return 0
                print("The database is not empty: the demo loads into an empty one only.")
                return 1
            print("Loading the demo school...", flush=True)
            logins = await load_demo(
                args.today or settings.school_today(),
                seed=args.seed,
                storage=DiskStorage(Path(settings.attachments_dir)),
            )
        finally:
            await close_database()
        print("\nDemo logins (password for all: demo):")
        width = max(len(item.login) for item in logins)
        for item in logins:
            print(f"  {item.login.ljust(width)}  {item.role}: {item.note}")
        return 0

    return asyncio.run(run())


def _multiprocess_metrics() -> str | None:
    """Give the workers a shared, empty directory for their metrics (see server/metrics.py);
    returns the directory when it was made here, for removing afterwards."""
    import tempfile

    from ediary.server import MULTIPROC_ENV

    given = os.environ.get(MULTIPROC_ENV)
    if not given:
        made = tempfile.mkdtemp(prefix="ediary-metrics-")
        os.environ[MULTIPROC_ENV] = made
        return made
    # Samples left by an earlier run would be added to this run's.
    for stale in Path(given).glob("*.db"):
        stale.unlink()
    return None


def serve_warnings(settings: Settings, workers: int) -> list[str]:
    """What the operator should know before the server starts; nothing here stops it."""
    from ediary.server.metrics import served

    found = []
    if settings.uses_sqlite and workers > 1:
        found.append(
            "SQLite with several workers: each worker sends live updates (subscriptions) only "
            "to its own clients; use PostgreSQL for live updates across workers."
        )
    if settings.production and settings.uses_sqlite:
        found.append("production on SQLite (EDIARY_ALLOW_SQLITE): one machine, no failover.")
    if settings.metrics and not served(settings):
        found.append("/metrics is off: production serves it only with EDIARY_METRICS_TOKEN set.")
    if not settings.production and settings.secret_key == DEMO_SECRET:
        found.append("the demo secret key is in use; set EDIARY_SECRET_KEY outside demos.")
    return found


def _never_migrated(settings: Settings) -> list[str]:
    """Apps of the loaded plugins with none of their tables in a database that has others:
    a plugin installed and never migrated. A database that is down or empty, or behind by a
    newer version's migrations, is left to /readyz, so a server may start before the
    database or before `ediary migrate` of a rolling upgrade."""
    from ediary.adapters.manager import load_plugins, model_apps
    from ediary.db import applied_apps, close_database, open_database, unapplied_migrations

    apps = model_apps(load_plugins(settings.plugins))

    async def check() -> list[str]:
        try:
            await open_database(settings.database_url, apps)
            applied = await applied_apps()
            missing = await unapplied_migrations(apps) if applied else {}
        except Exception:
            return []
        finally:
            await close_database()
        return sorted(label for label in missing if label not in applied)

    # Tortoise logs opening and closing at INFO: a check before the start is not news.
    quiet = logging.getLogger("tortoise")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        return asyncio.run(check())
    finally:
        quiet.setLevel(level)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    if args.workers < 1:
        print("ediary: --workers must be at least 1", file=sys.stderr)
        return 2
    import uvicorn

    from ediary.adapters.manager import PluginError
    from ediary.app import create_app
    from ediary.config import UnsafeSettings
    from ediary.schema.trusted import ManifestError
    from ediary.server.logs import configure, logging_config

    configure(settings.log_format, settings.log_level)
    log = logging.getLogger("ediary.serve")
    try:
        # Build the application once here, so a broken plugin or unsafe production settings
        # stop the start with a clear message instead of a traceback from every worker.
        create_app(settings)
    except UnsafeSettings as error:
        print(f"ediary: {error}", file=sys.stderr)
        return 2
    except PluginError as error:
        print(f"ediary: {error}", file=sys.stderr)
        print("ediary: not starting with a plugin missing; fix or disallow it.", file=sys.stderr)
        return 2
    except ManifestError as error:
        print(f"ediary: trusted documents: {error}", file=sys.stderr)
        return 2
    never_migrated = _never_migrated(settings)
    if never_migrated:
        from ediary.import_command import migrate_first

        print(migrate_first(never_migrated), file=sys.stderr)
        return 2
    for warning in serve_warnings(settings, args.workers):
        log.warning(warning)
    if settings.graphiql:
        log.info("GraphiQL: http://%s:%s/graphql", args.host, args.port)
    if settings.app:
        log.info("Web app: http://%s:%s/app/", args.host, args.port)
    # Set in this process's environment, which the worker processes inherit.
    made = _multiprocess_metrics() if args.workers > 1 else None
    try:
        uvicorn.run(
            "ediary.app:create_served_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_config=logging_config(settings.log_format, settings.log_level),
            log_level=settings.log_level,
            # ediary.access logs each request with its ID, duration and GraphQL operation.
            access_log=False,
        )
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
    return 0


def cmd_schema(settings: Settings, args: argparse.Namespace) -> int:
    from ediary.adapters.manager import PluginError

    try:
        return _write_schema(args)
    except PluginError as error:
        print(f"ediary: {error}", file=sys.stderr)
        return 2


def _write_schema(args: argparse.Namespace) -> int:
    from ediary.schema import breaking, published

    if args.release:
        published.RELEASE_FILE.write_text(published.served_text())
        published.ALLOWED_BREAKS_FILE.write_text(breaking.ALLOWED_HEADER)
        print(f"Wrote {published.RELEASE_FILE} and emptied {published.ALLOWED_BREAKS_FILE}")
        return 0
    if args.plugin is not None and args.plugin not in published.BUNDLED_PLUGINS:
        if not args.print:
            print(
                f"ediary: {args.plugin!r} is not a bundled plugin (it has no file here): "
                "add --print to see what it adds.",
                file=sys.stderr,
            )
            return 2
        sys.stdout.write(published.plugin_text(args.plugin))
        return 0
    if args.core:
        files = [f for f in published.committed_files() if f.path == published.CORE_FILE]
    elif args.plugin is not None:
        files = [published.plugin_file(args.plugin)]
    else:
        files = published.committed_files()
    if args.print:
        for file in files:
            sys.stdout.write(file.build())
        return 0
    if args.check:
        stale = [f for f in files if not f.path.exists() or f.path.read_text() != f.build()]
        for file in stale:
            print(f"{file.name} differs from the code: run `{file.command}` and commit it.")
        if not stale:
            print("The schema files match the code.")
        return 1 if stale else 0
    for file in files:
        file.path.write_text(file.build())
        print(f"Wrote {file.path}")
    return 0


def cmd_documents_check(settings: Settings, args: argparse.Namespace) -> int:
    from ediary.schema import build_schema
    from ediary.schema.trusted import ManifestError, TrustedDocuments

    plugins = _plugins(settings)
    if plugins is None:
        return 2
    try:
        trusted = TrustedDocuments.load(args.files)
        build_schema(plugins, introspection=settings.introspection, trusted=trusted)
    except ManifestError as error:
        print(f"ediary: {error}", file=sys.stderr)
        return 1
    print(f"{len(trusted)} documents fit the schema served with the installed plugins.")
    return 0


def cmd_audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    from ediary.db import close_database, open_database
    from ediary.domain.journal.history import verify

    async def run() -> int:
        await open_database(settings.database_url)
        try:
            verdict = await verify()
        finally:
            await close_database()
        if verdict.finding is None:
            print(f"OK: {verdict.events} mark events form an unbroken chain and match the marks.")
            return 0
        print(f"BROKEN: {verdict.finding.message}")
        return 1

    return asyncio.run(run())


def _academic_year(text: str) -> int:
    """An academic year named as 2021/2022 or 2021: the calendar year of its September."""
    first, slash, second = text.partition("/")
    if not (first.isdigit() and len(first) == 4) or (
        slash and (not second.isdigit() or int(second) != int(first) + 1)
    ):
        raise argparse.ArgumentTypeError(f"{text!r} is not an academic year such as 2021/2022")
    return int(first)


def cmd_partitions_list(settings: Settings, args: argparse.Namespace) -> int:
    from tortoise import connections

    from ediary.db import close_database, open_database
    from ediary.domain import partitions

    async def run() -> int:
        await open_database(settings.database_url)
        try:
            found = await partitions.years(connections.get("default"))
        finally:
            await close_database()
        if not found:
            print("No partitions: the database is not PostgreSQL, or not migrated.")
            return 0
        for year in found:
            where = "archived" if year.archived else "live"
            counts = ", ".join(f"{table} ~{n:,}" for table, n in sorted(year.rows.items()))
            print(f"{year.name}  {where:8}  {counts}")
        return 0

    return asyncio.run(run())


def cmd_partitions_archive(settings: Settings, args: argparse.Namespace) -> int:
    from tortoise import connections

    from ediary.db import close_database, open_database
    from ediary.domain import partitions

    async def run() -> int:
        await open_database(settings.database_url)
        try:
            moved = await partitions.archive(
                connections.get("default"), args.year, settings.school_today()
            )
        except partitions.PartitionError as error:
            print(f"ediary: {error}", file=sys.stderr)
            return 1
        finally:
            await close_database()
        counts = ", ".join(f"{table} ~{n:,}" for table, n in sorted(moved.rows.items()))
        print(f"Archived {moved.name} to schema {partitions.ARCHIVE_SCHEMA}: {counts}")
        return 0

    return asyncio.run(run())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ediary",
        description="An open electronic school diary served as a GraphQL API.",
        epilog="Settings come from EDIARY_* environment variables; see docs/settings.md.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the GraphQL API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="server processes")
    serve.set_defaults(run=cmd_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(run=cmd_migrate)

    demo = commands.add_parser("demo", help="fill an empty database with a demo school")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if there is data")
    demo.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    demo.add_argument(
        "--today", type=date.fromisoformat, default=None, help="pretend today is this date"
    )
    demo.set_defaults(run=cmd_demo)

    plugins = commands.add_parser("plugins", help="list loaded plugins, versions and hooks")
    plugins.set_defaults(run=cmd_plugins)
    plugins_commands = plugins.add_subparsers(dest="plugins_command", metavar="ACTION")
    new = plugins_commands.add_parser(
        "new", help="write a new plugin: pyproject, the hooks asked for, a README and tests"
    )
    new.add_argument("name", help="the plugin's name, e.g. tatarstan (package ediary_tatarstan)")
    new.add_argument(
        "--hook",
        action="append",
        default=[],
        choices=HOOKS,
        help="a hook to implement; repeat for several (default: all of them)",
    )
    new.add_argument("--region", metavar="CODE", help="the region's code (default: the name)")
    new.add_argument(
        "--dir", type=Path, default=Path("."), help="where to create ediary-NAME (default: here)"
    )
    new.set_defaults(run=cmd_plugins_new)

    importer = commands.add_parser(
        "import",
        help="import school data through a plugin",
        epilog="A backend may take options of its own after PATH, such as oneroster's "
        "`--strict` and `--date-order DMY`; a wrong one is answered with the backend's list.",
    )
    importer.add_argument("backend", help="name of the import backend")
    importer.add_argument("path", type=Path, help="file or directory to import")
    importer.add_argument("--dry-run", action="store_true", help="check and report, change nothing")
    importer.add_argument(
        "--school",
        type=int,
        action="append",
        default=[],
        metavar="ID",
        help="a school (by id) the import may change; repeat for several",
    )
    importer.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="CODE",
        help="a region (by code) whose schools the import may change or create; repeat for several",
    )
    importer.set_defaults(run=cmd_import)

    audit = commands.add_parser("audit", help="check the tamper-evident history of marks")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="CHECK")
    verify = audit_commands.add_parser(
        "verify",
        help="recompute the hash chain of mark events and compare it with the marks table; "
        "names the first broken event and exits non-zero",
    )
    verify.set_defaults(run=cmd_audit_verify)

    parts = commands.add_parser(
        "partitions", help="the journal's tables by academic year (PostgreSQL)"
    )
    parts_commands = parts.add_subparsers(
        dest="partitions_command", required=True, metavar="ACTION"
    )
    listing = parts_commands.add_parser(
        "list", help="every academic year with partitions, live or archived, and its rows"
    )
    listing.set_defaults(run=cmd_partitions_list)
    archiving = parts_commands.add_parser(
        "archive",
        help="move a finished academic year out of the live tables into the schema "
        "ediary_archive, without stopping the service",
    )
    archiving.add_argument(
        "year",
        type=_academic_year,
        help="the academic year, as 2021/2022 or by its September's year, 2021",
    )
    archiving.set_defaults(run=cmd_partitions_archive)

    schema = commands.add_parser(
        "schema",
        help="write the committed schema files from the code: schema.graphql (served with the "
        "bundled plugins), schema.core.graphql and each bundled plugin's schema.graphql",
    )
    which = schema.add_mutually_exclusive_group()
    which.add_argument("--core", action="store_true", help="only the core schema")
    which.add_argument(
        "--plugin", metavar="NAME", help="only what the plugin NAME adds to the core schema"
    )
    which.add_argument(
        "--release",
        action="store_true",
        help="at a release: take the served schema as schema.release.graphql, the base of the "
        "breaking-change check, and empty schema.breaking.toml",
    )
    schema.add_argument("--check", action="store_true", help="fail if a file is out of date")
    schema.add_argument("--print", action="store_true", help="print instead of writing")
    schema.set_defaults(run=cmd_schema)

    documents = commands.add_parser("documents", help="trusted documents (persisted queries)")
    documents_commands = documents.add_subparsers(
        dest="documents_command", required=True, metavar="ACTION"
    )
    check = documents_commands.add_parser(
        "check",
        help="check that the documents of manifests parse and validate against the schema "
        "served with the installed plugins, as the server does when it starts",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="manifest files (JSON)")
    check.set_defaults(run=cmd_documents_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    # `ediary import NAME PATH` takes the backend's own options, known once plugins load.
    args, rest = parser.parse_known_args(argv)
    args.backend_options = rest
    if rest and args.run is not cmd_import:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    result: int = args.run(Settings.from_env(), args)
    return result


if __name__ == "__main__":
    sys.exit(main())
