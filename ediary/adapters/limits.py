"""Marks plugins put on their GraphQL fields for the limits checked before a document runs.

`Sensitive()` on a mutation that checks a password, a code or a token: a document may call it
once, so aliases cannot turn one request into many guesses. `MaxItems(n)` on a list field that
is not paged but cannot hold more than `n` items (the days of a week): the cost of a document
counts it at `n` instead of the default. On a list field of an input type, `MaxItems(n)` is
the most items a request may send there: more are refused with TOO_MANY_ITEMS before anything
runs (`capped_list` declares the bound and says it in the description). Both are strawberry
field extensions that change nothing at run time:

    @strawberry.mutation(description="...", extensions=[Sensitive()])
    async def redeem_code(self, info: Info, input: RedeemInput) -> RedeemPayload: ...
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.types.field import StrawberryField

# Lists without a declared bound count as this many items when a document's cost is computed.
DEFAULT_LIST_ITEMS = 10
# List inputs (input fields and arguments) without a declared bound take at most this many.
DEFAULT_INPUT_ITEMS = 100


class Sensitive(FieldExtension):
    """A field a document may select at most once, however it is aliased."""


class MaxItems(FieldExtension):
    """A list field that never holds more than `items` items."""

    def __init__(self, items: int) -> None:
        if items < 1:
            raise ValueError("MaxItems needs at least one item")
        self.items = items


def is_sensitive(field: StrawberryField) -> bool:
    return any(isinstance(extension, Sensitive) for extension in field.extensions)


def max_items(field: StrawberryField) -> int | None:
    for extension in field.extensions:
        if isinstance(extension, MaxItems):
            return extension.items
    return None


def capped_list(items: int, description: str, **options: Any) -> Any:
    """An input type's list field that takes at most `items` items; the bound is declared once
    and read by both the check and the schema's description."""
    return strawberry.field(
        description=f"{description} At most {items} items.",
        extensions=[MaxItems(items)],
        **options,
    )
