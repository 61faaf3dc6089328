"""GraphQL of the diary applications and of the ways into an account: a thin layer over
`applications` and `links`.

Mutations follow the API's convention: `verbNoun(input: VerbNounInput!): VerbNounPayload!`,
with refusals in `userErrors` and nothing changed when there are any.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Self

import strawberry
from starlette.responses import Response
from strawberry import relay

from ediary.adapters import ClientKind, GraphQLContribution, Sensitive
from ediary.domain import auth
from ediary.domain.errors import NotFound
from ediary.schema.errors import UserError, attempt, refusals
from ediary.schema.ids import local_id, resolve_each
from ediary.schema.info import Info
from ediary.schema.sessions import LoginPayload, open_login
from ediary_moscow import applications, links
from ediary_moscow.applications import READ_APPLICATION
from ediary_moscow.errors import BrowserSessionRequired, ProviderUnavailable
from ediary_moscow.models import ApplicationStatus, DocumentKind, RefusalReason
from ediary_moscow.models import DiaryApplication as Model
from ediary_moscow.settings import moscow_settings
from ediary_moscow.web import LINK_SESSION, LINK_USER, authorization_url, offered

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


@strawberry.type(description="The portal login of the viewer's account.")
class PortalLoginMethod:
    flow_id: str = strawberry.field(
        description="The login flow, as in `loginFlows` (`moscow-portal`)."
    )
    linked_at: datetime.datetime = strawberry.field(description="When the portal was linked.")
    masked_snils: str = strawberry.field(
        description="The SNILS the portal vouched for, all but its last digits hidden."
    )


@strawberry.type(description="The ways into the viewer's account.")
class LoginMethods:
    login: str = strawberry.field(description="The account's login.")
    has_password: bool = strawberry.field(
        description="True when the login and a password open the account."
    )
    portal: PortalLoginMethod | None = strawberry.field(
        description="The portal login; null when the portal is not linked."
    )

    @classmethod
    def from_domain(cls, found: links.LoginMethods) -> Self:
        portal = found.portal
        return cls(
            login=found.login,
            has_password=found.has_password,
            portal=PortalLoginMethod(
                flow_id=links.METHOD,
                linked_at=portal.linked_at,
                masked_snils=links.mask_snils(portal.snils),
            )
            if portal is not None
            else None,
        )


@strawberry.input(description="The login and password the school issued.")
class LinkSchoolAccountInput:
    login: str = strawberry.field(description="The login from the class teacher.")
    password: str = strawberry.field(
        description="Its password; failures count towards the login limits."
    )


@strawberry.type(description="The result of starting a portal link.")
class StartPortalLinkPayload:
    authorization_url: str | None = strawberry.field(
        description="Send the browser here; the portal sends it back to /moscow/callback, "
        "which adds the portal login to this account."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why no link was started: ALREADY_LINKED, BROWSER_SESSION_REQUIRED for a "
        "bearer session, FLOW_NOT_OFFERED in regions without the portal, PROVIDER_UNAVAILABLE."
    )


@strawberry.type(description="The result of unlinking the portal login.")
class UnlinkPortalLoginPayload:
    login_methods: LoginMethods | None = strawberry.field(
        description="The ways into the account that remain."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was unlinked: PORTAL_NOT_LINKED, LAST_WAY_IN when the "
        "account has no password."
    )


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

    @strawberry.field(
        description="The ways into the viewer's account: the login and password, the portal."
    )
    async def my_login_methods(self, info: Info) -> LoginMethods | None:
        viewer = await info.context.require_viewer()
        assert viewer.user_id is not None
        return LoginMethods.from_domain(await links.login_methods(viewer.user_id))

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

    @strawberry.mutation(
        description="Signed in through the portal, enter the login and password the school "
        "issued: the portal login moves to that account, the empty account the portal made "
        "is retired, and the session continues in the school's account, as after a login "
        "(a new cookie and CSRF token, or a new access token). Refused, with nothing changed: "
        "INVALID_CREDENTIALS as a failed login says it, TOO_MANY_ATTEMPTS with the login's "
        "limits, PORTAL_NOT_LINKED when not signed in through the portal, SAME_ACCOUNT, "
        "ALREADY_LINKED when that account has a portal login, SNILS_MISMATCH, "
        "PORTAL_ACCOUNT_HAS_DATA.",
        extensions=[Sensitive()],
    )
    async def link_school_account(
        self, info: Info, input: LinkSchoolAccountInput
    ) -> LoginPayload | None:
        viewer = await info.context.require_writer()
        session = info.context.session
        assert viewer.user_id is not None and session is not None
        linked, errors = await attempt(
            links.link_school_account(
                viewer.user_id,
                input.login,
                input.password,
                info.context.client_address,
                auth.LoginLimits.of(info.context.settings),
            )
        )
        if linked is None:
            return LoginPayload(
                viewer=None, access_token=None, csrf_token=None, expires_at=None, user_errors=errors
            )
        await info.context.committed(linked.ended)
        # The old session ended with the retired account; one like it opens in the school's.
        client = ClientKind.APP if session.kind == auth.SessionKind.BEARER else ClientKind.BROWSER
        return await open_login(info, linked.user, client)

    @strawberry.mutation(
        description="Add the portal login to the viewer's account: answers the portal's "
        "address; the portal sends the browser back to the callback, which links it."
    )
    @refusals
    async def start_portal_link(self, info: Info) -> StartPortalLinkPayload | None:
        viewer = await info.context.require_writer()
        session = info.context.session
        response = info.context.response
        assert viewer.user_id is not None and session is not None
        if session.kind != auth.SessionKind.COOKIE or not isinstance(response, Response):
            raise BrowserSessionRequired()
        if not moscow_settings(info.context.settings).configured:
            raise ProviderUnavailable("The portal login is not configured here.")
        refused = offered(info.context.settings)
        if refused is not None:
            raise refused
        await links.ensure_can_start(viewer.user_id)
        link = {LINK_SESSION: session.id, LINK_USER: viewer.user_id}
        url = await authorization_url(info.context.request, response, link)
        return StartPortalLinkPayload(authorization_url=url, user_errors=[])

    @strawberry.mutation(
        description="Remove the portal login from the viewer's account; refused when it is "
        "the only way in."
    )
    @refusals
    async def unlink_portal_login(self, info: Info) -> UnlinkPortalLoginPayload | None:
        viewer = await info.context.require_writer()
        assert viewer.user_id is not None
        await links.unlink_portal(viewer.user_id)
        methods = LoginMethods.from_domain(await links.login_methods(viewer.user_id))
        return UnlinkPortalLoginPayload(login_methods=methods, user_errors=[])


CONTRIBUTION = GraphQLContribution(
    query=MoscowQuery, mutation=MoscowMutation, types=(DiaryApplication,)
)
