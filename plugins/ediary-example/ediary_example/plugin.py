"""The hooks of the example plugin; the entry point `example` names this module."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from pathlib import Path

import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from ediary.adapters import (
    GraphQLContribution,
    ImportBackend,
    ImportContext,
    ImportReport,
    LoginFlow,
    ModelsApp,
    NotificationChannel,
    hookimpl,
)
from ediary.config import Settings
from ediary.domain.access import Viewer
from ediary.domain.enums import Role
from ediary.domain.errors import Forbidden, InvalidInput, NotFound
from ediary.domain.grading import MarkScale, RegionPolicy
from ediary.schema.errors import UserError, refusals
from ediary.schema.info import Info
from ediary_example.models import Greeting

log = logging.getLogger("ediary.example")

REGION = "example"


@hookimpl
def login_flows(settings: Settings) -> list[LoginFlow]:
    """A login through the region's portal: the frontend sends the browser to `url`."""
    return [
        LoginFlow(
            id="example-portal",
            title="Log in through the Example portal",
            regions=(REGION,),
            steps=("You will be sent to the regional portal and back.",),
            url=f"{settings.public_url}/example/portal",
        )
    ]


@hookimpl
def registration_flows(settings: Settings) -> list[LoginFlow]:
    """Accounts in this region come from the portal: no separate sign-up."""
    return []


async def import_greetings(path: Path, context: ImportContext) -> ImportReport:
    """One greeting per line; blank lines and known greetings are skipped, long ones reported.

    Greetings are shown in every school of the deployment, so no school owns them: only a
    reach over a whole region (`--region`) may add them, never one school's.
    """
    report = ImportReport(dry_run=context.dry_run)
    if not context.reach.regions:
        report.refusal = "greetings are for a whole region: import them with --region"
        return report
    content = await asyncio.to_thread(path.read_text, encoding="utf-8")
    new: list[str] = []
    for number, line in enumerate(content.splitlines(), start=1):
        text = line.strip()
        if len(text) > 200:
            report.problems.append(f"line {number}: longer than 200 characters")
        elif text and text not in new and not await Greeting.exists(text=text):
            new.append(text)
    # The core rolls a dry run back: writing is the same either way.
    await Greeting.bulk_create([Greeting(text=text) for text in new])
    report.counts["greetings"] = len(new)
    return report


@hookimpl
def import_backends() -> list[ImportBackend]:
    """`ediary import greetings FILE --region CODE [--dry-run]`, and `example-roster` (students,
    parents and marks through the import API, see ediary_example.roster)."""
    from ediary_example.roster import import_roster

    return [
        ImportBackend(name="greetings", title="Example greetings", run=import_greetings),
        ImportBackend(name="example-roster", title="Example roster", run=import_roster),
    ]


@hookimpl
def notification_channels(settings: Settings) -> list[NotificationChannel]:
    """Nothing to add: messages go through the built-in e-mail channel."""
    return []


@hookimpl
def region_policy(region_code: str) -> RegionPolicy | None:
    """Marks 1 to 10 in the region "example"; other regions are left to other plugins."""
    if region_code != REGION:
        return None
    return RegionPolicy(code=REGION, scale=MarkScale(minimum=1, maximum=10, passing=4, good=7))


@strawberry.type(description="A greeting of the example plugin.")
class ExampleGreeting:
    text: str = strawberry.field(description="The greeting as written, 1 to 200 characters.")


@strawberry.type
class ExampleQuery:
    @strawberry.field(description="Greetings stored by the example plugin, oldest first.")
    async def example_greetings(self, info: Info) -> list[ExampleGreeting] | None:
        found = await Greeting.all().order_by("id")
        return [
            ExampleGreeting(text=g.text)
            for g in found
            if await info.context.allowed(READ_GREETING, g)
        ]


@strawberry.input(description="A greeting to store.")
class AddExampleGreetingInput:
    text: str = strawberry.field(description="1 to 200 characters.")


@strawberry.type(description="The result of adding a greeting.")
class AddExampleGreetingPayload:
    greeting: ExampleGreeting | None = strawberry.field(description="The greeting stored.")
    user_errors: list[UserError] = strawberry.field(description="Why it was not stored.")


@strawberry.input(description="The greeting to remove.")
class RemoveExampleGreetingInput:
    text: str = strawberry.field(description="The greeting's text.")


@strawberry.type(description="The result of removing a greeting.")
class RemoveExampleGreetingPayload:
    removed: bool = strawberry.field(description="Whether the greeting was removed.")
    user_errors: list[UserError] = strawberry.field(description="Why it was not removed.")


@strawberry.type
class ExampleMutation:
    @strawberry.mutation(description="Store a greeting (any logged-in user).")
    @refusals
    async def add_example_greeting(
        self, info: Info, input: AddExampleGreetingInput
    ) -> AddExampleGreetingPayload | None:
        await info.context.require_writer()
        text = input.text.strip()
        if not 1 <= len(text) <= 200:
            raise InvalidInput("A greeting has 1 to 200 characters.", field="text")
        stored, _ = await Greeting.get_or_create(
            text=text, defaults={"author_id": (await info.context.viewer()).user_id}
        )
        return AddExampleGreetingPayload(greeting=ExampleGreeting(text=stored.text), user_errors=[])

    @strawberry.mutation(description="Remove a greeting: its author, or a regional official, may.")
    @refusals
    async def remove_example_greeting(
        self, info: Info, input: RemoveExampleGreetingInput
    ) -> RemoveExampleGreetingPayload | None:
        await info.context.require_writer()
        found = await Greeting.get_or_none(text=input.text.strip())
        # A greeting the viewer may not read is answered as one that does not exist.
        if found is None or not await info.context.allowed(READ_GREETING, found):
            raise NotFound("No such greeting.", field="text")
        if not await info.context.allowed(REMOVE_GREETING, found):
            raise Forbidden("Only its author or a regional official may remove it.")
        await found.delete()
        return RemoveExampleGreetingPayload(removed=True, user_errors=[])


@hookimpl
def graphql_schema() -> GraphQLContribution:
    """`exampleGreetings`, `addExampleGreeting` and `removeExampleGreeting`."""
    return GraphQLContribution(query=ExampleQuery, mutation=ExampleMutation)


async def portal(request: Request) -> Response:
    # A real adapter redirects to the identity provider here and handles its callback.
    return HTMLResponse("<p>The Example portal would ask who you are here.</p>")


@hookimpl
def http_routes(settings: Settings) -> list[BaseRoute]:
    """`GET /example/portal`."""
    return [Route("/example/portal", portal)]


READ_GREETING = "example.read_greeting"
REMOVE_GREETING = "example.remove_greeting"


@hookimpl
def access_allowed(viewer: Viewer, action: str, target: object) -> bool | None:
    """Anyone reads greetings; their author or a regional official removes one."""
    if not isinstance(target, Greeting):
        return None
    if action == READ_GREETING:
        return True
    if action == REMOVE_GREETING:
        by_author = viewer.is_authenticated and target.author_id == viewer.user_id
        return by_author or Role.REGIONAL_OFFICIAL in viewer.roles
    return None


@hookimpl
def account_deactivated(user_id: int) -> Awaitable[object]:
    """The greetings an account wrote stay, without their author."""
    return Greeting.filter(author_id=user_id).update(author_id=None)


@hookimpl
def database_models() -> dict[str, ModelsApp]:
    """The app "example": the `Greeting` model and its migrations."""
    return {
        "example": {"models": ["ediary_example.models"], "migrations": "ediary_example.migrations"}
    }


@hookimpl
def startup(app: Starlette, settings: Settings) -> None:
    """Runs once the database is open; return a coroutine to do async work."""
    log.info("example plugin started for %s", settings.public_url)
