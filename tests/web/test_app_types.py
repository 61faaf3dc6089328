"""The web app's modules type-check: `tsc --checkJs` (TypeScript pinned in compat/), strict,
over the JavaScript exactly as it is served, with the JSDoc types of `types.js`. A module that
reads a field its document does not ask for, or passes a possibly-null value on, fails here."""

from __future__ import annotations

import subprocess

from tests.reference_clients import COMPAT, node, require

CONFIG = COMPAT / "tsconfig.app.json"


def test_the_apps_modules_type_check_with_tsc() -> None:
    tsc = COMPAT / "node_modules" / "typescript" / "bin" / "tsc"
    require("typescript", tsc.is_file(), "run `npm ci` in compat/")
    done = subprocess.run(
        [node(), str(tsc), "--noEmit", "-p", str(CONFIG), "--listFilesOnly"],
        cwd=COMPAT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    checked = {line.rsplit("/", 1)[-1] for line in done.stdout.splitlines()}
    # The config reaches every module: a file left out would go unchecked.
    assert {
        "main.js",
        "api.js",
        "week.js",
        "marks.js",
        "types.js",
        "live.js",
        "offline.js",
        "sw.js",
    } <= checked, checked
    done = subprocess.run(
        [node(), str(tsc), "--noEmit", "-p", str(CONFIG)],
        cwd=COMPAT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
