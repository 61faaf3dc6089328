"""requestAcknowledgement, signing keys, challenges and acknowledge."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry import relay

from ediary.adapters.limits import capped_list
from ediary.domain.journal.base import MAX_CLASS_BATCH
from ediary.domain.models import AckRequest
from ediary.domain.talk import acks
from ediary.schema.errors import UserError, refusals
from ediary.schema.info import Info
from ediary.schema.types.talk import (
    Acknowledgement,
    AcknowledgementChallenge,
    AcknowledgementRequest,
    SigningKey,
)
from ediary.schema.writes import input_id


@strawberry.input(description="A message the parents of a class must acknowledge.")
class RequestAcknowledgementInput:
    class_id: relay.GlobalID = strawberry.field(description="The class; the viewer leads it.")
    title: str = strawberry.field(description="What it is about, up to 200 characters.")
    text: str = strawberry.field(description="The text to acknowledge, up to 4000 characters.")
    student_ids: list[relay.GlobalID] | None = capped_list(
        MAX_CLASS_BATCH,
        "Only the parents of these students of the class; all of them when null.",
        default=None,
    )


@strawberry.type(description="The result of requestAcknowledgement.")
class RequestAcknowledgementPayload:
    request: AcknowledgementRequest | None = strawberry.field(description="The request sent.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was sent.")


@strawberry.input(description="An Ed25519 public key to sign acknowledgements with.")
class RegisterSigningKeyInput:
    public_key: str = strawberry.field(
        description="The raw 32-byte public key in base64, or a PEM public key."
    )


@strawberry.type(description="The result of registerSigningKey.")
class RegisterSigningKeyPayload:
    signing_key: SigningKey | None = strawberry.field(description="The key registered.")
    user_errors: list[UserError] = strawberry.field(description="Why it was not registered.")


@strawberry.input(description="The signing key to revoke.")
class RevokeSigningKeyInput:
    key_id: relay.GlobalID = strawberry.field(
        description="ID of one of the viewer's registered signing keys."
    )


@strawberry.type(description="The result of revokeSigningKey.")
class RevokeSigningKeyPayload:
    signing_key: SigningKey | None = strawberry.field(
        description="The key, revoked; revoking it again changes nothing."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was not revoked.")


@strawberry.input(description="The acknowledgement to be signed: a request and a child.")
class CreateAcknowledgementChallengeInput:
    request_id: relay.GlobalID = strawberry.field(
        description="ID of the acknowledgement request to sign."
    )
    student_id: relay.GlobalID = strawberry.field(
        description="ID of the viewer's child the acknowledgement is for."
    )


@strawberry.type(description="The result of createAcknowledgementChallenge.")
class CreateAcknowledgementChallengePayload:
    challenge: AcknowledgementChallenge | None = strawberry.field(
        description="The nonce and the exact text to sign."
    )
    user_errors: list[UserError] = strawberry.field(description="Why there is no challenge.")


@strawberry.input(
    description="A parent's acknowledgement for one child; with a signing key, the nonce of a "
    "challenge and the signature of its payload."
)
class AcknowledgeInput:
    request_id: relay.GlobalID = strawberry.field(
        description="ID of the acknowledgement request being signed."
    )
    student_id: relay.GlobalID = strawberry.field(
        description="ID of the viewer's child the acknowledgement is for."
    )
    nonce: str | None = strawberry.field(
        default=None, description="The nonce of the challenge signed."
    )
    signature: str | None = strawberry.field(
        default=None, description="The Ed25519 signature of the challenge's payload, base64."
    )


@strawberry.type(description="The result of acknowledge.")
class AcknowledgePayload:
    acknowledgement: Acknowledgement | None = strawberry.field(
        description="The acknowledgement as stored, with the signature checked; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was stored.")


@strawberry.type
class AcknowledgementMutations:
    @strawberry.mutation(
        description="Ask the parents of the class (or of some students) to acknowledge a "
        "message, such as a trip consent: the class teacher only."
    )
    @refusals
    async def request_acknowledgement(
        self, info: Info, input: RequestAcknowledgementInput
    ) -> RequestAcknowledgementPayload | None:
        ctx = await info.context.writer()
        request = await acks.request_acknowledgement(
            ctx,
            input_id(input.class_id, "SchoolClass", "classId"),
            input.title,
            input.text,
            (
                [input_id(s, "Student", "studentIds") for s in input.student_ids]
                if input.student_ids is not None
                else None
            ),
        )
        await info.context.committed(())
        return RequestAcknowledgementPayload(
            request=AcknowledgementRequest.from_model(request), user_errors=[]
        )

    @strawberry.mutation(description="Register the viewer's Ed25519 public key (parents).")
    @refusals
    async def register_signing_key(
        self, info: Info, input: RegisterSigningKeyInput
    ) -> RegisterSigningKeyPayload | None:
        viewer = await info.context.require_writer()
        key = await acks.register_key(viewer, input.public_key)
        return RegisterSigningKeyPayload(signing_key=SigningKey.from_model(key), user_errors=[])

    @strawberry.mutation(description="Revoke one of the viewer's signing keys.")
    @refusals
    async def revoke_signing_key(
        self, info: Info, input: RevokeSigningKeyInput
    ) -> RevokeSigningKeyPayload | None:
        viewer = await info.context.require_writer()
        key = await acks.revoke_key(
            viewer, input_id(input.key_id, "SigningKey", "keyId"), datetime.now(UTC)
        )
        return RevokeSigningKeyPayload(signing_key=SigningKey.from_model(key), user_errors=[])

    @strawberry.mutation(
        description="A single-use challenge to sign for acknowledging a request for a child."
    )
    @refusals
    async def create_acknowledgement_challenge(
        self, info: Info, input: CreateAcknowledgementChallengeInput
    ) -> CreateAcknowledgementChallengePayload | None:
        ctx = await info.context.writer()
        found = await acks.challenge(
            ctx,
            input_id(input.request_id, "AcknowledgementRequest", "requestId"),
            input_id(input.student_id, "Student", "studentId"),
        )
        return CreateAcknowledgementChallengePayload(
            challenge=AcknowledgementChallenge(
                nonce=found.nonce, payload=found.payload, expires_at=found.expires_at
            ),
            user_errors=[],
        )

    @strawberry.mutation(
        description="Acknowledge a request for a child; a parent with a signing key signs."
    )
    @refusals
    async def acknowledge(self, info: Info, input: AcknowledgeInput) -> AcknowledgePayload | None:
        ctx = await info.context.writer()
        request_id = input_id(input.request_id, "AcknowledgementRequest", "requestId")
        ack = await acks.acknowledge(
            ctx,
            request_id,
            input_id(input.student_id, "Student", "studentId"),
            input.nonce,
            input.signature,
        )
        request = await AckRequest.get(id=request_id)
        return AcknowledgePayload(
            acknowledgement=Acknowledgement.build(ack, request), user_errors=[]
        )
