"""An account's own history: the changes to the ways into it."""

from __future__ import annotations

import datetime
from typing import Self

import strawberry

from ediary.domain import enums, models
from ediary.domain.paging import Page
from ediary.schema.paging import Connection, connection

AccountEventKind = strawberry.enum(
    enums.AccountEventKind,
    description="What changed: LOGIN_ISSUED and LOGIN_REISSUED (a login and temporary "
    "password given by the school), PASSWORD_CHANGED, PASSWORD_RESET (through recovery), "
    "LOGIN_METHOD_LINKED and LOGIN_METHOD_UNLINKED (a way in such as the region's portal).",
)


@strawberry.type(description="One change to the ways into the viewer's account.")
class AccountEvent:
    kind: AccountEventKind = strawberry.field(  # type: ignore[valid-type]
        description="What changed: a login issued, a password changed, a portal linked."
    )
    method: str | None = strawberry.field(
        description="The login flow concerned, as in `loginFlows` (such as `moscow-portal`); "
        "null for the diary's own login and password."
    )
    at: datetime.datetime = strawberry.field(description="When it happened.")
    by_owner: bool = strawberry.field(
        description="True when the account's owner made the change themselves."
    )
    actor_name: str | None = strawberry.field(
        description="Who made the change when it was not the owner (a class teacher, an "
        "administrator); null when the owner did, or when nobody did (a change made by the "
        "system) or the account that did is gone."
    )

    @classmethod
    def from_model(cls, event: models.AccountEvent) -> Self:
        by_owner = event.actor_id == event.user_id
        actor = event.actor if event.actor_id is not None and not by_owner else None
        return cls(
            kind=event.kind,
            method=event.method or None,
            at=event.at,
            by_owner=by_owner,
            actor_name=actor.full_name if actor is not None else None,
        )


AccountEventConnection = Connection[AccountEvent]


def account_event_page(
    page: Page[models.AccountEvent], after: str | None
) -> AccountEventConnection:
    nodes = [AccountEvent.from_model(item) for item in page.items]
    return connection(nodes, page.cursors, has_next=page.has_next, after=after, total=page.total)
