"""Mutations that write the diary: thin wrappers that call the domain's journal services."""

from __future__ import annotations

from strawberry import relay

from ediary.domain.errors import DomainError, InvalidFields, NotFound
from ediary.schema.errors import UserError


def errors_of(error: DomainError) -> list[UserError]:
    """User errors for a refusal; several when several fields are at fault."""
    if isinstance(error, InvalidFields):
        return [
            UserError(field=["input", *p.path], message=p.message, code=p.code)
            for p in error.problems
        ]
    return [UserError.from_domain(error)]


def input_id(global_id: relay.GlobalID, type_name: str, field: str) -> int:
    """The database ID in an input's global ID; NotFound naming the field otherwise."""
    if global_id.type_name != type_name:
        raise NotFound(field=field)
    try:
        return int(global_id.node_id)
    except ValueError:
        raise NotFound(field=field) from None
