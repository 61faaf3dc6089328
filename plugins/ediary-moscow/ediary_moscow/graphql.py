"""GraphQL of the diary applications: a thin layer over `applications`.

Mutations follow the API's convention: `verbNoun(input: VerbNounInput!): VerbNounPayload!`,
with refusals in `userErrors` and nothing changed when there are any.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay

from ediary.adapters import GraphQLContribution, Sensitive
from ediary.domain.errors import NotFound
from ediary.schema.errors import UserError, attempt
from ediary.schema.ids import local_id, resolve_each
from ediary.schema.info import Info
from ediary_moscow import applications
from ediary_moscow.applications import READ_APPLICATION
from ediary_moscow.models import ApplicationStatus, DocumentKind, RefusalReason
from ediary_moscow.models import DiaryApplication as Model
from ediary_moscow.settings import moscow_settings

DiaryApplicationStatus = strawberry.enum(
    ApplicationStatus, name="DiaryApplicationStatus", description="Where an application stands."
)
DiaryRefusalReason = strawberry.enum(
    RefusalReason,
    name="DiaryRefusalReason",
    description="Why a school refused an application (a fixed list, with free text beside).",
)
ChildDocumentKind = strawberry.enum(
    DocumentKind, name="ChildDocumentKind", description="The child's identity document."
)


@strawberry.type(description="An application for access to a child's electronic diary.")
class DiaryApplication(relay.Node):
    id: relay.NodeID[int]
    status: DiaryApplicationStatus = strawberry.field(  # type: ignore[valid-type]
        description="SUBMITTED while under review, then APPROVED or REFUSED."
    )
    child_full_name: str = strawberry.field(description="The child's name, as filed.")
    child_birth_date: datetime.date = strawberry.field(description="The child's date of birth.")
    filed_at: datetime.datetime = strawberry.field(description="When the parent filed it.")
    due_on: datetime.date = strawberry.field(
        description="The review deadline: 3 working days after filing."
    )
    overdue: bool = strawberry.field(description="Still under review after the deadline.")
    refusal_reason: DiaryRefusalReason | None = strawberry.field(  # type: ignore[valid-type]
        description="Why it was refused; null unless REFUSED."
    )
    refusal_comment: str = strawberry.field(description="The school's words beside the reason.")
    consent_version: str = strawberry.field(
        description="The version of the consent text the parent accepted."
    )
    consent_at: datetime.datetime = strawberry.field(description="When consent was given.")

    @classmethod
    def from_model(cls, item: Model, today: datetime.date) -> Self:
        name = " ".join(
            p for p in (item.child_last_name, item.child_first_name, item.child_middle_name) if p
        )
        return cls(
            id=item.id,
            status=item.status,
            child_full_name=name,
            child_birth_date=item.child_birth_date,
            filed_at=item.filed_at,
            due_on=item.due_on,
            overdue=applications.is_overdue(item, today),
            refusal_reason=item.refusal_reason,
            refusal_comment=item.refusal_comment,
            consent_version=item.consent_version,
            consent_at=item.consent_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        await info.context.require_viewer()

        async def visible(item_id: int) -> Model:
            item = await Model.get_or_none(id=item_id)
            if item is None or not await info.context.allowed(READ_APPLICATION, item):
                raise NotFound()
            return item

        today = info.context.today()
        return await resolve_each(
            node_ids, required, visible, lambda item: cls.from_model(item, today)
        )


@strawberry.input(description="The child the application is for, as in their documents.")
class ChildDataInput:
    last_name: str = strawberry.field(
        description="The child's family name, as in the child's identity document."
    )
    first_name: str = strawberry.field(
        description="The child's given name, as in the child's identity document."
    )
    middle_name: str = strawberry.field(default="", description="Patronymic, if any.")
    birth_date: datetime.date = strawberry.field(
        description="The child's date of birth, as in their documents."
    )
    snils: str = strawberry.field(description="The child's SNILS, 11 digits.")


@strawberry.input(description="The child's identity document.")
class ChildDocumentInput:
    kind: ChildDocumentKind = strawberry.field(  # type: ignore[valid-type]
        description="Which identity document of the child the number is from."
    )
    series: str = strawberry.field(default="", description="Series, if the document has one.")
    number: str = strawberry.field(
        description="The document's number as printed on it, without the series."
    )
    issued_on: datetime.date = strawberry.field(description="Date of issue.")
    issued_by: str = strawberry.field(default="", description="Who issued it.")


@strawberry.input(description="An application for access to a child's diary.")
class FileDiaryApplicationInput:
    school_id: relay.GlobalID = strawberry.field(description="The child's school (a School ID).")
    child: ChildDataInput = strawberry.field(
        description="The child the application is for, as in their documents."
    )
    document: ChildDocumentInput = strawberry.field(description="The child's document.")
    consent_given: bool = strawberry.field(
        description="The parent consents to the processing of the child's personal data."
    )
    consent_version: str = strawberry.field(
        description="The version of the consent text shown (moscowConsentVersion)."
    )


@strawberry.type(description="The result of filing an application.")
class FileDiaryApplicationPayload:
    application: DiaryApplication | None = strawberry.field(description="The new application.")
    user_errors: list[UserError] = strawberry.field(description="Why it was not filed.")


@strawberry.input(description="An application to approve.")
class ApproveDiaryApplicationInput:
    application_id: relay.GlobalID = strawberry.field(description="A DiaryApplication ID.")


@strawberry.type(description="The result of approving an application.")
class ApproveDiaryApplicationPayload:
    application: DiaryApplication | None = strawberry.field(
        description="The application, now approved; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was not approved.")


@strawberry.input(description="An application to refuse, and why.")
class RefuseDiaryApplicationInput:
    application_id: relay.GlobalID = strawberry.field(description="A DiaryApplication ID.")
    reason: DiaryRefusalReason = strawberry.field(description="The reason, from the list.")  # type: ignore[valid-type]
    comment: str = strawberry.field(
        default="", description="Free text for the parent; required with OTHER."
    )


@strawberry.type(description="The result of refusing an application.")
class RefuseDiaryApplicationPayload:
    application: DiaryApplication | None = strawberry.field(
        description="The application, now refused with its reason; null when the change was "
        "refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was not refused.")


@strawberry.type
class MoscowQuery:
    @strawberry.field(description="The version of the consent text a new application accepts.")
    def moscow_consent_version(self, info: Info) -> str | None:
        return moscow_settings(info.context.settings).consent_version

    @strawberry.field(description="The viewer's own diary applications, newest first.")
    async def my_diary_applications(self, info: Info) -> list[DiaryApplication] | None:
        viewer = await info.context.require_viewer()
        return [
            DiaryApplication.from_model(a, info.context.today())
            for a in await applications.my_applications(viewer)
        ]

    @strawberry.field(description="Applications to a school, oldest first, for its administration.")
    async def diary_applications_to_review(
        self,
        info: Info,
        school_id: relay.GlobalID,
        overdue_only: bool = False,
    ) -> list[DiaryApplication] | None:
        viewer = await info.context.require_viewer()
        found = await applications.school_applications(
            viewer,
            local_id(school_id, "School"),
            overdue_only=overdue_only,
            today=info.context.today(),
        )
        return [DiaryApplication.from_model(a, info.context.today()) for a in found]


@strawberry.type
class MoscowMutation:
    @strawberry.mutation(
        description="File an application for access to a child's diary.", extensions=[Sensitive()]
    )
    async def file_diary_application(
        self, info: Info, input: FileDiaryApplicationInput
    ) -> FileDiaryApplicationPayload | None:
        viewer = await info.context.require_writer()
        child, document = input.child, input.document

        async def run() -> Model:
            return await applications.file_application(
                viewer,
                moscow_settings(info.context.settings),
                local_id(input.school_id, "School"),
                applications.ChildData(
                    child.last_name,
                    child.first_name,
                    child.middle_name,
                    child.birth_date,
                    child.snils,
                ),
                applications.Document(
                    DocumentKind(document.kind),
                    document.series,
                    document.number,
                    document.issued_on,
                    document.issued_by,
                ),
                input.consent_given,
                input.consent_version,
                info.context.today(),
            )

        found, errors = await attempt(run())
        item = DiaryApplication.from_model(found, info.context.today()) if found else None
        return FileDiaryApplicationPayload(application=item, user_errors=errors)

    @strawberry.mutation(description="Approve an application: the child is linked to the parent.")
    async def approve_diary_application(
        self, info: Info, input: ApproveDiaryApplicationInput
    ) -> ApproveDiaryApplicationPayload | None:
        viewer = await info.context.require_writer()

        async def run() -> Model:
            return await applications.approve(
                viewer, local_id(input.application_id, "DiaryApplication"), info.context.today()
            )

        found, errors = await attempt(run())
        item = DiaryApplication.from_model(found, info.context.today()) if found else None
        return ApproveDiaryApplicationPayload(application=item, user_errors=errors)

    @strawberry.mutation(
        description="Refuse an application with a reason; the parent may file again."
    )
    async def refuse_diary_application(
        self, info: Info, input: RefuseDiaryApplicationInput
    ) -> RefuseDiaryApplicationPayload | None:
        viewer = await info.context.require_writer()

        async def run() -> Model:
            return await applications.refuse(
                viewer,
                local_id(input.application_id, "DiaryApplication"),
                RefusalReason(input.reason),
                input.comment,
            )

        found, errors = await attempt(run())
        item = DiaryApplication.from_model(found, info.context.today()) if found else None
        return RefuseDiaryApplicationPayload(application=item, user_errors=errors)


CONTRIBUTION = GraphQLContribution(
    query=MoscowQuery, mutation=MoscowMutation, types=(DiaryApplication,)
)
