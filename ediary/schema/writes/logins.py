"""School-issued logins and the password change: issueClassLogins, reissueLogin,
changePassword. Thin: the rules are in `ediary.domain.issued_logins` and
`ediary.domain.password_change`."""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Self

import strawberry
from strawberry import relay

from ediary.adapters import Message, Sensitive
from ediary.adapters.limits import capped_list
from ediary.domain import issued_logins, password_change
from ediary.domain.enums import Role
from ediary.schema.errors import UserError, attempt
from ediary.schema.ids import local_id
from ediary.schema.info import Info
from ediary.schema.types.people import Student
from ediary.schema.types.school import SchoolClass
from ediary.schema.types.talk import Parent
from ediary.schema.writes import input_id


class LoginRecipient(StrEnum):
    """Who in a family a login is for."""

    STUDENT = "student"
    PARENT = "parent"


LoginRecipientType = strawberry.enum(
    LoginRecipient, name="LoginRecipient", description="STUDENT: the child; PARENT: a parent."
)
_ROLES = {LoginRecipient.STUDENT: Role.STUDENT, LoginRecipient.PARENT: Role.PARENT}


@strawberry.input(description="Which families of a class get logins, and whom in each.")
class IssueClassLoginsInput:
    class_id: relay.GlobalID = strawberry.field(
        description="The class; its students enrolled today and their parents are issued."
    )
    roles: list[LoginRecipientType] = capped_list(  # type: ignore[valid-type]
        2,
        "STUDENT, PARENT or both (the default). A child the diary knows no parent of gets a "
        "parent account named after the family.",
        default_factory=lambda: [LoginRecipient.STUDENT, LoginRecipient.PARENT],
    )
    reissue_existing: bool = strawberry.field(
        default=False,
        description="Also give new temporary passwords to people who already have a way in "
        "(a password of their own, a portal identity): their old password stops working.",
    )


@strawberry.input(description="The person whose lost login or password is given anew.")
class ReissueLoginInput:
    user_id: relay.GlobalID = strawberry.field(
        description="The student (Student ID) or parent (Parent ID) of a class the viewer "
        "may issue logins for."
    )


@strawberry.type(description="One login and temporary password, issued to one person.")
class IssuedLogin:
    full_name: str = strawberry.field(description="Whose login it is.")
    role: LoginRecipientType = strawberry.field(  # type: ignore[valid-type]
        description="STUDENT for the child, PARENT for a parent."
    )
    login: str = strawberry.field(description="The login to type, as printed on the sheet.")
    temporary_password: str | None = strawberry.field(
        description="The temporary password, shown in this answer only and on the sheets "
        "while they can be printed; never stored. It must be changed at the first login."
    )
    _student_id: strawberry.Private[int]

    @strawberry.field(description="The child whose family sheet carries this login.")
    async def student(self, info: Info) -> Student | None:
        user = await info.context.loaders.user.load(self._student_id)
        return Student.from_model(user) if user else None


@strawberry.type(description="Logins issued together for families of one class.")
class LoginBatch:
    id: relay.GlobalID = strawberry.field(description="The batch's ID, for its sheets' URL.")
    created_at: datetime.datetime = strawberry.field(description="When the logins were issued.")
    sheets_until: datetime.datetime = strawberry.field(
        description="Until when the sheets can be printed (printUrl); after that the "
        "temporary passwords cannot be shown again by anyone."
    )
    print_url: str = strawberry.field(
        description="The sheets as PDF, one page per family, for the same logged-in user; "
        "add ?student={studentId} for one family's."
    )
    logins: list[IssuedLogin] = strawberry.field(
        description="The logins issued, family by family, the child's first."
    )
    _class_id: strawberry.Private[int]

    @strawberry.field(description="The class the logins were issued for.")
    async def school_class(self, info: Info) -> SchoolClass | None:
        found = await info.context.loaders.school_class.load(self._class_id)
        return SchoolClass.from_model(found) if found else None

    @classmethod
    def from_domain(cls, batch: issued_logins.IssuedBatch, public_url: str) -> Self:
        gid = relay.GlobalID("LoginBatch", str(batch.id))
        return cls(
            id=gid,
            created_at=batch.created_at,
            sheets_until=batch.sheets_until,
            print_url=f"{public_url}/print/logins/{gid}.pdf",
            logins=[
                IssuedLogin(
                    full_name=p.full_name,
                    role=LoginRecipient(p.role.value),
                    login=p.login,
                    temporary_password=p.password,
                    _student_id=p.student_id,
                )
                for p in batch.logins
            ],
            _class_id=batch.class_id,
        )


@strawberry.type(description="The result of issueClassLogins or reissueLogin.")
class IssueLoginsPayload:
    batch: LoginBatch | None = strawberry.field(
        description="The batch with its logins and temporary passwords; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was issued.")


@strawberry.input(description="The current password and a new one.")
class ChangePasswordInput:
    current_password: str = strawberry.field(
        description="The password used now (the temporary one at a first login)."
    )
    new_password: str = strawberry.field(
        description="8 to 128 characters; common passwords and the current one are refused."
    )


@strawberry.type(description="The result of a password change.")
class ChangePasswordPayload:
    ok: bool = strawberry.field(description="True when the password was changed.")
    user_errors: list[UserError] = strawberry.field(description="Why it was not changed.")


def password_changed_notice(to: str, login: str) -> Message:
    """The e-mail telling the owner their password changed, in case it was not them."""
    return Message(
        to=to,
        subject="Your school diary password was changed",
        body=(
            f'The password of the school diary account "{login}" has just been changed.\n\n'
            "If it was not you, tell the school at once: the class teacher gives a new "
            "password.\n\n-- \nThe school diary. This message was sent automatically; "
            "do not reply."
        ),
    )


def _issued(
    info: Info, batch: issued_logins.IssuedBatch | None, errors: list[UserError]
) -> IssueLoginsPayload:
    """The payload of an issue or a re-issue: the batch with its passwords, or the refusal."""
    url = info.context.settings.public_url
    return IssueLoginsPayload(
        batch=LoginBatch.from_domain(batch, url) if batch else None, user_errors=errors
    )


LoginStateType = strawberry.enum(
    issued_logins.LoginState,
    name="LoginState",
    description="Whether someone can sign in yet: NONE (a login is still to be issued), "
    "ISSUED (a temporary password issued, not yet changed), ACTIVE (a password of their own "
    "or a portal identity).",
)


@strawberry.type(description="A student of a class or one of their parents, and their login.")
class ClassAccount:
    full_name: str = strawberry.field(description="Last name, first name and patronymic.")
    role: LoginRecipientType = strawberry.field(  # type: ignore[valid-type]
        description="STUDENT for the child, PARENT for a parent."
    )
    state: LoginStateType = strawberry.field(  # type: ignore[valid-type]
        description="Whether they can sign in yet."
    )
    login: str | None = strawberry.field(
        description="The login they sign in with; null while the state is NONE."
    )
    _student_id: strawberry.Private[int]
    _parent: strawberry.Private[Parent | None]

    @strawberry.field(description="The child of the family (the student themself).")
    async def student(self, info: Info) -> Student | None:
        user = await info.context.loaders.user.load(self._student_id)
        return Student.from_model(user) if user else None

    @strawberry.field(
        description="The parent, for a parent; null for the student. With `student`, the ID "
        "to pass to reissueLogin."
    )
    def parent(self) -> Parent | None:
        return self._parent

    @classmethod
    def from_domain(cls, account: issued_logins.ClassAccount) -> Self:
        is_parent = account.role is Role.PARENT
        return cls(
            full_name=account.user.full_name,
            role=LoginRecipient.PARENT if is_parent else LoginRecipient.STUDENT,
            state=account.state,
            login=account.login,
            _student_id=account.student_id,
            _parent=Parent.from_model(account.user) if is_parent else None,
        )


@strawberry.type
class LoginQuery:
    @strawberry.field(
        description="The students of a class enrolled today and their parents, family by "
        "family, the child first, with whether each can sign in: for those who issue the "
        "class's logins (its class teacher, the school administration). NOT_FOUND for a class "
        "the viewer cannot see, FORBIDDEN for one they may not issue logins for."
    )
    async def class_accounts(
        self, info: Info, class_id: relay.GlobalID
    ) -> list[ClassAccount] | None:
        viewer = await info.context.require_viewer()
        found = await issued_logins.class_accounts(
            viewer, local_id(class_id, "SchoolClass"), info.context.today()
        )
        return [ClassAccount.from_domain(a) for a in found]


@strawberry.type
class LoginMutations:
    @strawberry.mutation(
        description="Issue logins and temporary passwords for the students of a class and "
        "their parents, printable as one sheet per family. For the class teacher and the "
        "school administration; a class the viewer cannot see is NOT_FOUND.",
        extensions=[Sensitive()],
    )
    async def issue_class_logins(
        self, info: Info, input: IssueClassLoginsInput
    ) -> IssueLoginsPayload | None:
        async def issue() -> issued_logins.IssuedBatch:
            viewer = await info.context.require_writer()
            batch, ended = await issued_logins.issue_class_logins(
                viewer,
                input_id(input.class_id, "SchoolClass", "classId"),
                roles=[_ROLES[LoginRecipient(r)] for r in input.roles],
                reissue_existing=input.reissue_existing,
                secret_key=info.context.settings.secret_key,
                today=info.context.today(),
            )
            # Published so that every process closes the WebSockets of replaced passwords.
            await info.context.committed(ended)
            return batch

        return _issued(info, *await attempt(issue()))

    @strawberry.mutation(
        description="Give one student or parent a new temporary password (a lost one): the "
        "old password and every session of the account end at once. NOT_FOUND for anyone "
        "outside the classes the viewer may issue logins for.",
        extensions=[Sensitive()],
    )
    async def reissue_login(
        self, info: Info, input: ReissueLoginInput
    ) -> IssueLoginsPayload | None:
        async def reissue() -> issued_logins.IssuedBatch:
            viewer = await info.context.require_writer()
            batch, ended = await issued_logins.reissue_login(
                viewer,
                _person_id(input.user_id),
                secret_key=info.context.settings.secret_key,
                today=info.context.today(),
            )
            await info.context.committed(ended)
            return batch

        return _issued(info, *await attempt(reissue()))

    @strawberry.mutation(
        description="Change the password; other sessions of the account end. A session "
        "opened with a temporary password may do this and nothing else.",
        extensions=[Sensitive()],
    )
    async def change_password(
        self, info: Info, input: ChangePasswordInput
    ) -> ChangePasswordPayload | None:
        async def change() -> password_change.ChangedPassword:
            await info.context.require_writer(before_password_change=True)
            # The account alone: a viewer bound to change its password has no other ties.
            viewer = await info.context.viewer()
            found = info.context.credentials()
            changed = await password_change.change_password(
                viewer,
                input.current_password,
                input.new_password,
                session_token=found[0] if found else None,
            )
            await info.context.committed(changed.ended)
            return changed

        changed, errors = await attempt(change())
        if changed is not None and changed.email:
            info.context.notifier.send_later(
                "email", password_changed_notice(changed.email, changed.login)
            )
        return ChangePasswordPayload(ok=not errors, user_errors=errors)


def _person_id(global_id: relay.GlobalID) -> int:
    """A student's or a parent's ID: both name an account."""
    type_name = "Parent" if global_id.type_name == "Parent" else "Student"
    return input_id(global_id, type_name, "userId")
