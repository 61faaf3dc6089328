"""Resolver fields that can answer at once: a plain reader kept beside the resolver.

Some fields need a resolver only sometimes. A lesson's bell is at hand when the diary
loaded the week with its bells, and must be loaded when the lesson came from elsewhere; so
`Lesson.bell` has a resolver, and a resolver costs graphql-core's whole per-field
machinery on every lesson of every week. A field marked with `at_once(read)` keeps its
resolver for the general case, and the executor (`ediary.schema.execution`) first calls
`read(source)`: its answer is the field's value, completed like a plain field's; `UNREAD`
means "not at hand", and the resolver runs as usual.

`read` gets only the object, never the resolve info or arguments, so only fields without
arguments, permission classes or field extensions may be marked (the executor ignores the
mark on any other), and `read` must answer exactly what the resolver would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ediary.schema.field_sets import UNREAD

__all__ = ["READ_AT_ONCE", "UNREAD", "at_once"]

# The key of the reader in a strawberry field's metadata.
READ_AT_ONCE = "ediary.read_at_once"


def at_once(read: Callable[[Any], Any]) -> dict[str, Any]:
    """Metadata for `strawberry.field(metadata=...)`: read the value without the resolver."""
    return {READ_AT_ONCE: read}
