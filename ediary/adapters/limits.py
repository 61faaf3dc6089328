"""Marks plugins put on their GraphQL fields for the limits checked before a document runs.

`Sensitive()` on a mutation that checks a password, a code or a token: a document may call it
once, so aliases cannot turn one request into many guesses. `MaxItems(n)` on a list field that
is not paged but cannot hold more than `n` items (the days of a week): the cost of a document
counts it at `n` instead of the default. Both are strawberry field extensions that change
nothing at run time:

    @strawberry.mutation(description="...", extensions=[Sensitive()])
    async def redeem_code(self, info: Info, input: RedeemInput) -> RedeemPayload: ...
"""

from __future__ import annotations

from strawberry.extensions.field_extension import FieldExtension
from strawberry.types.field import StrawberryField

# Lists without a declared bound count as this many items when a document's cost is computed.
DEFAULT_LIST_ITEMS = 10


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
