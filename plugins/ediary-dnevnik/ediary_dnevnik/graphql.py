"""GraphQL of the access-code flows: a thin layer over `issuing`, `accounts`, `recovery`.

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
from ediary.domain.errors import DomainError, InvalidInput
from ediary.schema.errors import UserError, attempt
from ediary.schema.ids import local_id, resolve_each
from ediary.schema.info import Info
from ediary.schema.types.people import Student
from ediary.schema.types.school import SchoolClass
from ediary_dnevnik import accounts, issuing, recovery
from ediary_dnevnik.accounts import Redeemed
from ediary_dnevnik.codes import display
from ediary_dnevnik.flow import Env
from ediary_dnevnik.models import CodeRole

AccessCodeRole = strawberry.enum(
    CodeRole, name="AccessCodeRole", description="Who an access code is for."
)
RedeemStatus = strawberry.enum(
    Redeemed, name="RedeemStatus", description="What happened to a redeemed access code."
)


def _env(info: Info) -> Env:
    context = info.context
    return Env(context.settings, context.notifier, context.client_address, context.committed)


@strawberry.type(description="One access code: for one child and one role, usable once.")
class AccessCode:
    role: AccessCodeRole = strawberry.field(  # type: ignore[valid-type]
        description="PARENT for a parent of the child, STUDENT for the child."
    )
    code: str | None = strawberry.field(
        description=(
            "The code as printed, XXXX-XXXX-XXXX; null when it can no longer be shown "
            "(the server secret changed since): issue a new batch then."
        )
    )
    expires_at: datetime.datetime = strawberry.field(description="When the code stops working.")
    used: bool = strawberry.field(description="Whether someone has redeemed the code.")
    _student_id: strawberry.Private[int]

    @strawberry.field(description="The child the code links to.")
    async def student(self, info: Info) -> Student | None:
        user = await info.context.loaders.user.load(self._student_id)
        assert user is not None
        return Student.from_model(user)


@strawberry.type(description="Access codes issued together for the families of one class.")
class AccessCodeBatch(relay.Node):
    id: relay.NodeID[int]
    created_at: datetime.datetime = strawberry.field(description="When the codes were issued.")
    expires_at: datetime.datetime = strawberry.field(description="When the codes stop working.")
    codes: list[AccessCode] = strawberry.field(
        description="The codes, by student name, the student's own code first."
    )
    csv_url: str = strawberry.field(
        description="Download of the codes as CSV, for the same logged-in user."
    )
    print_url: str = strawberry.field(
        description="A printable page with one slip per code, for the same logged-in user."
    )
    _class_id: strawberry.Private[int]

    @classmethod
    def from_domain(cls, batch: issuing.Batch, public_url: str) -> Self:
        base = f"{public_url}/dnevnik/batches/{batch.id}"
        return cls(
            id=batch.id,
            created_at=batch.created_at,
            expires_at=batch.expires_at,
            codes=[
                AccessCode(
                    role=code.role,
                    code=display(code.code) if code.code else None,
                    expires_at=code.expires_at,
                    used=code.used,
                    _student_id=code.student_id,
                )
                for code in batch.codes
            ],
            csv_url=f"{base}/codes.csv",
            print_url=f"{base}/print",
            _class_id=batch.class_id,
        )

    @strawberry.field(description="The class the codes are for.")
    async def school_class(self, info: Info) -> SchoolClass | None:
        found = await info.context.loaders.school_class.load(self._class_id)
        assert found is not None
        return SchoolClass.from_model(found)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()
        settings = info.context.settings

        async def visible(batch_id: int) -> issuing.Batch:
            return await issuing.load_batch(viewer, settings.secret_key, batch_id)

        return await resolve_each(
            node_ids, required, visible, lambda batch: cls.from_domain(batch, settings.public_url)
        )


@strawberry.type(description="The confirmed security parameters of the logged-in account.")
class SecurityParameters:
    email: str | None = strawberry.field(
        description="Confirmed e-mail for recovery; null until a confirmation link is followed."
    )
    phone: str | None = strawberry.field(
        description="Confirmed mobile phone; null until the code sent to it is typed in."
    )
    masked_email: str | None = strawberry.field(
        description="The confirmed e-mail as a***@example.org, for screens others may see."
    )
    masked_phone: str | None = strawberry.field(
        description="The confirmed phone as +7 *** ***-**-89, for screens others may see."
    )


@strawberry.input(description="Which codes to issue for a class.")
class IssueAccessCodesInput:
    class_id: relay.GlobalID = strawberry.field(description="The class (a SchoolClass ID).")
    parents_per_student: int = strawberry.field(
        default=2, description="Parent codes per student, 0 to 4."
    )
    for_students: bool = strawberry.field(
        default=True, description="Also one code per student for the student's own account."
    )
    valid_days: int = strawberry.field(default=30, description="Days the codes work, 1 to 90.")


@strawberry.type(description="The result of issuing access codes.")
class IssueAccessCodesPayload:
    batch: AccessCodeBatch | None = strawberry.field(description="The codes just issued.")
    user_errors: list[UserError] = strawberry.field(description="Why no codes were issued.")


@strawberry.input(
    description=(
        "An access code, and for a new account the full name, login and password. "
        "Logged in, give the code only: the child is added to the account."
    )
)
class RedeemAccessCodeInput:
    code: str = strawberry.field(description="The code from the slip, with or without dashes.")
    full_name: str = strawberry.field(
        default="", description="Last name, first name and patronymic of the new account."
    )
    login: str = strawberry.field(
        default="", description="An e-mail address: the login, confirmed by a link."
    )
    password: str = strawberry.field(
        default="", description="8 to 128 characters; common passwords are refused."
    )
    school_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="The school the family chose, if any: a code of another school is refused.",
    )
    phone: str = strawberry.field(
        default="",
        description=(
            "A mobile phone to activate the account with: a six-digit code goes there by SMS "
            "instead of a link to the login, and the phone is confirmed with it."
        ),
    )


@strawberry.type(description="The result of redeeming an access code.")
class RedeemAccessCodePayload:
    status: RedeemStatus | None = strawberry.field(  # type: ignore[valid-type]
        description=(
            "LINKED: the child is on the account now. CONFIRMATION_SENT: follow the link "
            "e-mailed to the login to finish, or type the code sent by SMS when a phone was "
            "given (confirmAccountByPhone)."
        )
    )
    child: Student | None = strawberry.field(description="The child linked, when LINKED.")
    user_errors: list[UserError] = strawberry.field(description="Why the code was refused.")


@strawberry.input(description="The token from a confirmation link.")
class ConfirmAccountInput:
    token: str = strawberry.field(description="The `token` parameter of the link.")


@strawberry.type(description="The result of confirming a new account.")
class ConfirmAccountPayload:
    login: str | None = strawberry.field(description="The login to log in with now.")
    user_errors: list[UserError] = strawberry.field(description="Why the link did not work.")


@strawberry.input(description="The phone given at sign-up and the code it received by SMS.")
class ConfirmAccountByPhoneInput:
    phone: str = strawberry.field(description="The number given when redeeming the code.")
    code: str = strawberry.field(description="The six digits from the SMS.")


@strawberry.type(description="The result of activating a new account by an SMS code.")
class ConfirmAccountByPhonePayload:
    login: str | None = strawberry.field(description="The login to log in with now.")
    user_errors: list[UserError] = strawberry.field(description="Why the code did not work.")


@strawberry.input(description="A new recovery e-mail address, with the password.")
class ChangeSecurityEmailInput:
    email: str = strawberry.field(description="The new address; a confirmation link goes there.")
    password: str = strawberry.field(description="The current password of the account.")


@strawberry.type(description="The result of asking to change the recovery e-mail.")
class ChangeSecurityEmailPayload:
    ok: bool = strawberry.field(description="True when the confirmation link was sent.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was sent.")


@strawberry.input(description="The token from the link sent to a new recovery address.")
class ConfirmSecurityEmailInput:
    token: str = strawberry.field(description="The `token` parameter of the link.")


@strawberry.type(description="The result of confirming a recovery e-mail address.")
class ConfirmSecurityEmailPayload:
    ok: bool = strawberry.field(description="True when the address is now in use.")
    user_errors: list[UserError] = strawberry.field(description="Why the link did not work.")


@strawberry.input(description="A new mobile phone for recovery, with the password.")
class ChangeSecurityPhoneInput:
    phone: str = strawberry.field(description="The number with its country code, +7...")
    password: str = strawberry.field(description="The current password of the account.")


@strawberry.type(description="The result of asking to change the recovery phone.")
class ChangeSecurityPhonePayload:
    ok: bool = strawberry.field(description="True when a code was sent to the phone.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was sent.")


@strawberry.input(description="The six-digit code the new phone received.")
class ConfirmSecurityPhoneInput:
    code: str = strawberry.field(description="The code from the SMS.")


@strawberry.type(description="The result of confirming a recovery phone.")
class ConfirmSecurityPhonePayload:
    ok: bool = strawberry.field(description="True when the phone is now in use.")
    user_errors: list[UserError] = strawberry.field(description="Why the code did not work.")


@strawberry.input(description="The login of the account whose password is forgotten.")
class RequestPasswordResetInput:
    login: str = strawberry.field(
        description="The account's login; the answer is the same whether such an account exists "
        "or not."
    )


@strawberry.type(
    description="The answer to a reset request: the same whether or not the login exists."
)
class RequestPasswordResetPayload:
    ok: bool = strawberry.field(
        description="True when the request was taken: a link goes to the confirmed e-mail."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Only for too many requests or malformed input."
    )


@strawberry.input(description="The token from a reset link and the new password.")
class ResetPasswordInput:
    token: str = strawberry.field(description="The `token` parameter of the link.")
    new_password: str = strawberry.field(
        description="8 to 128 characters; common passwords are refused."
    )


@strawberry.type(description="The result of a password reset; every session has ended.")
class ResetPasswordPayload:
    ok: bool = strawberry.field(description="True when the new password is set.")
    user_errors: list[UserError] = strawberry.field(description="Why it was not set.")


@strawberry.input(description="The confirmed phone of the account whose password is forgotten.")
class RequestPasswordResetByPhoneInput:
    phone: str = strawberry.field(
        description="The number; the answer is the same whether an account has it or not."
    )


@strawberry.type(
    description="The answer to a reset request by phone: the same whether or not an account "
    "has the number."
)
class RequestPasswordResetByPhonePayload:
    ok: bool = strawberry.field(
        description="True when the request was taken: a code goes to the phone by SMS."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Only for too many requests, malformed input or no SMS gateway."
    )


@strawberry.input(description="The phone, the code it received by SMS and the new password.")
class ResetPasswordByPhoneInput:
    phone: str = strawberry.field(description="The number the code was sent to.")
    code: str = strawberry.field(description="The six digits from the SMS.")
    new_password: str = strawberry.field(
        description="8 to 128 characters; common passwords are refused."
    )


@strawberry.type(description="The result of a password reset by phone; every session has ended.")
class ResetPasswordByPhonePayload:
    ok: bool = strawberry.field(description="True when the new password is set.")
    user_errors: list[UserError] = strawberry.field(description="Why it was not set.")


@strawberry.input(description="The confirmed e-mail or phone of the forgotten login.")
class RemindLoginInput:
    address: str = strawberry.field(description="An e-mail address or a phone number.")


@strawberry.type(
    description="The answer to a login reminder: the same whether or not an account exists."
)
class RemindLoginPayload:
    ok: bool = strawberry.field(
        description="True when the request was taken: the logins go to that address."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Only for too many requests or malformed input."
    )


@strawberry.type
class DnevnikQuery:
    @strawberry.field(
        description="Access codes issued for a class, newest first (class teacher, admin)."
    )
    async def access_code_batches(
        self, info: Info, class_id: relay.GlobalID
    ) -> list[AccessCodeBatch] | None:
        viewer = await info.context.require_viewer()
        settings = info.context.settings
        found = await issuing.class_batches(
            viewer, settings.secret_key, local_id(class_id, "SchoolClass")
        )
        return [AccessCodeBatch.from_domain(b, settings.public_url) for b in found]

    @strawberry.field(description="The confirmed e-mail and phone of the logged-in account.")
    async def security_parameters(self, info: Info) -> SecurityParameters | None:
        found = await accounts.security_parameters(await info.context.require_viewer())
        return SecurityParameters(
            email=found.email,
            phone=found.phone,
            masked_email=found.masked_email,
            masked_phone=found.masked_phone,
        )


@strawberry.type
class DnevnikMutation:
    @strawberry.mutation(
        description="Issue one-time access codes for the students of a class and their parents."
    )
    async def issue_access_codes(
        self, info: Info, input: IssueAccessCodesInput
    ) -> IssueAccessCodesPayload | None:
        async def issue() -> issuing.Batch:
            viewer = await info.context.require_writer()
            return await issuing.issue_batch(
                _env(info),
                viewer,
                local_id(input.class_id, "SchoolClass"),
                parents_per_student=input.parents_per_student,
                for_students=input.for_students,
                valid_days=input.valid_days,
                today=info.context.today(),
            )

        batch, errors = await attempt(issue())
        url = info.context.settings.public_url
        return IssueAccessCodesPayload(
            batch=AccessCodeBatch.from_domain(batch, url) if batch else None, user_errors=errors
        )

    @strawberry.mutation(
        description="Redeem an access code: sign up, or add a child to the logged-in account.",
        extensions=[Sensitive()],
    )
    async def redeem_access_code(
        self, info: Info, input: RedeemAccessCodeInput
    ) -> RedeemAccessCodePayload | None:
        async def redeem() -> accounts.RedeemResult:
            viewer = await info.context.viewer()
            if viewer.is_authenticated:
                viewer = await info.context.require_writer()
            school_id = None
            if input.school_id is not None:
                try:
                    school_id = local_id(input.school_id, "School")
                except DomainError:
                    raise InvalidInput("This is not a school ID.", field="schoolId") from None
            form = accounts.RedeemForm(
                code=input.code,
                full_name=input.full_name,
                login=input.login,
                password=input.password,
                school_id=school_id,
                phone=input.phone,
            )
            return await accounts.redeem(_env(info), viewer, form)

        result, errors = await attempt(redeem())
        child = None
        if result is not None and result.child_id is not None:
            user = await info.context.loaders.user.load(result.child_id)
            child = Student.from_model(user) if user else None
        return RedeemAccessCodePayload(
            status=result.status if result else None, child=child, user_errors=errors
        )

    @strawberry.mutation(
        description="Confirm a new account with the token from its e-mail.",
        extensions=[Sensitive()],
    )
    async def confirm_account(
        self, info: Info, input: ConfirmAccountInput
    ) -> ConfirmAccountPayload | None:
        user, errors = await attempt(accounts.confirm_account(_env(info), input.token))
        return ConfirmAccountPayload(login=user.login if user else None, user_errors=errors)

    @strawberry.mutation(
        description="Activate a new account with the code sent by SMS to its phone.",
        extensions=[Sensitive()],
    )
    async def confirm_account_by_phone(
        self, info: Info, input: ConfirmAccountByPhoneInput
    ) -> ConfirmAccountByPhonePayload | None:
        user, errors = await attempt(
            accounts.confirm_account_by_phone(_env(info), input.phone, input.code)
        )
        return ConfirmAccountByPhonePayload(login=user.login if user else None, user_errors=errors)

    @strawberry.mutation(
        description="Set a new recovery e-mail; it is used once confirmed.",
        extensions=[Sensitive()],
    )
    async def change_security_email(
        self, info: Info, input: ChangeSecurityEmailInput
    ) -> ChangeSecurityEmailPayload | None:
        async def change() -> None:
            viewer = await info.context.require_writer()
            await accounts.change_security_email(_env(info), viewer, input.email, input.password)

        _, errors = await attempt(change())
        return ChangeSecurityEmailPayload(ok=not errors, user_errors=errors)

    @strawberry.mutation(
        description="Confirm a recovery e-mail with the token from its link.",
        extensions=[Sensitive()],
    )
    async def confirm_security_email(
        self, info: Info, input: ConfirmSecurityEmailInput
    ) -> ConfirmSecurityEmailPayload | None:
        _, errors = await attempt(accounts.confirm_security_email(_env(info), input.token))
        return ConfirmSecurityEmailPayload(ok=not errors, user_errors=errors)

    @strawberry.mutation(
        description="Set a new recovery phone; it is used once confirmed.", extensions=[Sensitive()]
    )
    async def change_security_phone(
        self, info: Info, input: ChangeSecurityPhoneInput
    ) -> ChangeSecurityPhonePayload | None:
        async def change() -> None:
            viewer = await info.context.require_writer()
            await accounts.change_security_phone(_env(info), viewer, input.phone, input.password)

        _, errors = await attempt(change())
        return ChangeSecurityPhonePayload(ok=not errors, user_errors=errors)

    @strawberry.mutation(
        description="Confirm a recovery phone with the code it received.", extensions=[Sensitive()]
    )
    async def confirm_security_phone(
        self, info: Info, input: ConfirmSecurityPhoneInput
    ) -> ConfirmSecurityPhonePayload | None:
        async def confirm() -> None:
            viewer = await info.context.require_writer()
            await accounts.confirm_security_phone(_env(info), viewer, input.code)

        _, errors = await attempt(confirm())
        return ConfirmSecurityPhonePayload(ok=not errors, user_errors=errors)

    @strawberry.mutation(
        description="I don't remember my password: e-mail a reset link.", extensions=[Sensitive()]
    )
    async def request_password_reset(
        self, info: Info, input: RequestPasswordResetInput
    ) -> RequestPasswordResetPayload | None:
        _, errors = await attempt(recovery.request_password_reset(_env(info), input.login))
        return RequestPasswordResetPayload(ok=not errors, user_errors=errors)

    @strawberry.mutation(
        description="Set a new password with the token from a reset link.", extensions=[Sensitive()]
    )
    async def reset_password(
        self, info: Info, input: ResetPasswordInput
    ) -> ResetPasswordPayload | None:
        _, errors = await attempt(
            recovery.reset_password(_env(info), input.token, input.new_password)
        )
        return ResetPasswordPayload(ok=not errors, user_errors=errors)

    @strawberry.mutation(
        description="I don't remember my password: send a code by SMS to the confirmed phone.",
        extensions=[Sensitive()],
    )
    async def request_password_reset_by_phone(
        self, info: Info, input: RequestPasswordResetByPhoneInput
    ) -> RequestPasswordResetByPhonePayload | None:
        _, errors = await attempt(recovery.request_password_reset_by_phone(_env(info), input.phone))
        return RequestPasswordResetByPhonePayload(ok=not errors, user_errors=errors)

    @strawberry.mutation(
        description="Set a new password with the code sent by SMS.", extensions=[Sensitive()]
    )
    async def reset_password_by_phone(
        self, info: Info, input: ResetPasswordByPhoneInput
    ) -> ResetPasswordByPhonePayload | None:
        _, errors = await attempt(
            recovery.reset_password_by_phone(
                _env(info), input.phone, input.code, input.new_password
            )
        )
        return ResetPasswordByPhonePayload(ok=not errors, user_errors=errors)

    @strawberry.mutation(
        description="I don't remember my login: send it to this address.", extensions=[Sensitive()]
    )
    async def remind_login(self, info: Info, input: RemindLoginInput) -> RemindLoginPayload | None:
        _, errors = await attempt(recovery.remind_login(_env(info), input.address))
        return RemindLoginPayload(ok=not errors, user_errors=errors)


CONTRIBUTION = GraphQLContribution(
    query=DnevnikQuery, mutation=DnevnikMutation, types=(AccessCodeBatch,)
)
