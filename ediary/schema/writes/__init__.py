"""Mutations that write the diary: thin wrappers that call the domain's journal services."""

from __future__ import annotations

from strawberry import relay

from ediary.domain.errors import DomainError, InvalidFields
from ediary.schema.errors import UserError
from ediary.schema.ids import local_id


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
    return local_id(global_id, type_name, field)
