"""`python -m ediary_oneroster export DEST`: the diary as a OneRoster 1.2 CSV set."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from ediary.config import Settings
from ediary.db import close_database, installed_plugin_apps, open_database
from ediary_oneroster.export import export_set


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ediary_oneroster")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write a OneRoster 1.2 CSV set (folder)")
    export.add_argument("dest", type=Path)
    args = parser.parse_args(argv)

    async def run() -> int:
        await open_database(Settings.from_env().database_url, installed_plugin_apps())
        try:
            counts = await export_set(args.dest)
        finally:
            await close_database()
        print(", ".join(f"{n} {name}" for name, n in counts.items()))
        return 0

    return asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
