"""Mutations that write the diary: thin wrappers that call the domain's journal services."""

from __future__ import annotations

from strawberry import relay

from ediary.schema.ids import local_id


def input_id(global_id: relay.GlobalID, type_name: str, field: str) -> int:
    """The database ID in an input's global ID; NotFound naming the field otherwise."""
    return local_id(global_id, type_name, field)
