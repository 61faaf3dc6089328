"""setNotificationPreference: how a parent hears about one child."""

from __future__ import annotations

import datetime

import strawberry
from strawberry import relay

from ediary.domain import enums, notifications
from ediary.schema.errors import UserError, refusals
from ediary.schema.info import Info
from ediary.schema.types.people import Student
from ediary.schema.writes import input_id

NotifyMode = strawberry.enum(enums.NotifyMode, description="INSTANT, a daily DIGEST, or OFF.")


@strawberry.input(description="How a parent wants to hear about one of their children.")
class SetNotificationPreferenceInput:
    student_id: relay.GlobalID = strawberry.field(
        description="ID of the viewer's child the preference is for."
    )
    mode: NotifyMode = strawberry.field(  # type: ignore[valid-type]
        description="INSTANT, a daily DIGEST, or OFF."
    )
    digest_hour: int = strawberry.field(
        default=19, description="Local hour, 0 to 23, at which the daily digest goes out."
    )
    quiet_from: datetime.time | None = strawberry.field(
        default=None, description="Start of quiet hours: instant messages wait until quietTo."
    )
    quiet_to: datetime.time | None = strawberry.field(
        default=None, description="End of quiet hours, such as 07:00."
    )


@strawberry.type(description="How a parent hears about one child.")
class NotificationPreference:
    mode: NotifyMode = strawberry.field(  # type: ignore[valid-type]
        description="INSTANT, a daily DIGEST, or OFF."
    )
    digest_hour: int = strawberry.field(
        description="Hour of the daily digest, in the time zone of the server's schools "
        "(EDIARY_TIMEZONE)."
    )
    quiet_from: datetime.time | None = strawberry.field(
        description="Start of quiet hours, local time like `digestHour`."
    )
    quiet_to: datetime.time | None = strawberry.field(description="End of quiet hours.")
    saved: bool = strawberry.field(
        description="False while the parent has never chosen: the values are then the "
        "defaults (INSTANT, digest at 19)."
    )
    _student_id: strawberry.Private[int]

    @classmethod
    def from_domain(cls, pref: notifications.Preference) -> NotificationPreference:
        return cls(
            mode=pref.mode,
            digest_hour=pref.digest_hour,
            quiet_from=pref.quiet_from,
            quiet_to=pref.quiet_to,
            saved=pref.saved,
            _student_id=pref.student_id,
        )

    @strawberry.field(description="The child this preference is about.")
    async def student(self, info: Info) -> Student:
        user = await info.context.loaders.user.load(self._student_id)
        assert user is not None
        return Student.from_model(user)


@strawberry.type(description="The result of setNotificationPreference.")
class SetNotificationPreferencePayload:
    preference: NotificationPreference | None = strawberry.field(
        description="The preference as saved; null when the change was refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(
        description="Choose how to hear about a child: e-mail and SMS at once, daily, or never."
    )
    @refusals
    async def set_notification_preference(
        self, info: Info, input: SetNotificationPreferenceInput
    ) -> SetNotificationPreferencePayload | None:
        viewer = await info.context.require_writer()
        pref = await notifications.set_preference(
            viewer,
            input_id(input.student_id, "Student", "studentId"),
            input.mode,
            input.digest_hour,
            input.quiet_from,
            input.quiet_to,
        )
        return SetNotificationPreferencePayload(
            preference=NotificationPreference.from_domain(notifications.Preference.of(pref)),
            user_errors=[],
        )
