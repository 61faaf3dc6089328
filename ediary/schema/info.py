"""The resolver `info` type of this schema."""

from __future__ import annotations

from typing import TypeAlias

import strawberry

from ediary.schema.context import Context

__all__ = [
    "Info",
]

Info: TypeAlias = strawberry.Info[Context, None]
