"""The breaking-change check: the served schema against the last release's.

graphql-core's `find_breaking_changes` decides what breaks a client generated from the
release's schema (a removed field, a narrowed argument, an output field made nullable...).
An intended break is a reviewed decision: it is listed, with the reason, in
`schema.breaking.toml`, which starts empty at each release.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from graphql import build_schema, find_breaking_changes

ALLOWED_HEADER = """\
# Breaking changes to the API since the last release (schema.release.graphql), each one
# meant and explained. The test tests/test_schema_file.py runs graphql-core's
# find_breaking_changes(release, served) and fails on a change that is not listed here, and
# on an entry that no longer happens. A group is a reason and the changes it explains,
# written as graphql-core describes them:
#
#   [[breaks]]
#   reason = "Why the break is worth it, and what clients do about it."
#   changes = ["Field Query.example was removed."]
#
# `ediary schema --release` takes the served schema as the new release and empties this list.
"""


@dataclass(frozen=True)
class Verdict:
    """The breaking changes found, and how they compare with the allowed ones."""

    unexpected: list[str]
    no_longer_happening: list[str]


def breaking_changes(release_sdl: str, served_sdl: str) -> list[str]:
    """graphql-core's descriptions of the changes that break a client of the release."""
    changes = find_breaking_changes(build_schema(release_sdl), build_schema(served_sdl))
    return sorted(change.description for change in changes)


def allowed_changes(path: Path) -> dict[str, str]:
    """The listed changes, each with its reason; a group without a reason is refused."""
    allowed: dict[str, str] = {}
    for index, group in enumerate(tomllib.loads(path.read_text()).get("breaks", [])):
        reason = str(group.get("reason", "")).strip()
        if not reason:
            raise ValueError(f"{path.name}: group {index + 1} gives no reason")
        for change in group.get("changes", []):
            allowed[str(change)] = reason
    return allowed


def check(release_sdl: str, served_sdl: str, allowed: dict[str, str]) -> Verdict:
    found = breaking_changes(release_sdl, served_sdl)
    return Verdict(
        unexpected=[change for change in found if change not in allowed],
        no_longer_happening=sorted(set(allowed) - set(found)),
    )
