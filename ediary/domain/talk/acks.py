"""Acknowledgements: the class teacher asks, each parent acknowledges per child, signing
with their Ed25519 key when they have registered one.

A signed acknowledgement goes in two steps. The parent asks for a challenge: a single-use
nonce bound to the request, the child, the parent and their key, with the exact text to
sign. They sign it on their device and send the nonce and the signature back; the server
rebuilds the text from its own records, verifies, spends the nonce and stores the text,
the key and the signature together, all in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from ediary.domain import tokens
from ediary.domain.access import (
    Viewer,
    may_acknowledge,
    may_hold_signing_key,
    may_request_acknowledgement,
    may_see_ack_request,
    may_see_acknowledgement,
    may_see_class,
)
from ediary.domain.errors import (
    AlreadyAcknowledged,
    Forbidden,
    InvalidInput,
    NoSigningKey,
    NotFound,
    SignatureInvalid,
    SignatureRequired,
    SigningKeyExists,
    SigningKeyTaken,
    TokenInvalid,
)
from ediary.domain.journal.base import WriteContext
from ediary.domain.models import (
    Acknowledgement,
    AckRequest,
    AckTarget,
    Enrollment,
    Guardianship,
    SchoolClass,
    SigningKey,
    User,
)
from ediary.domain.notifications import Notice, enqueue
from ediary.domain.placements import enrolled_over
from ediary.domain.talk import signing, texts
from ediary.domain.talk.conversations import TEXT_LIMIT, checked_text

TITLE_LIMIT = 200
CHALLENGE_PURPOSE = "ack-challenge"
CHALLENGE_LIFETIME = timedelta(minutes=15)


# --- signing keys ----------------------------------------------------------------------------


async def active_key(user_id: int) -> SigningKey | None:
    return await SigningKey.filter(owner_id=user_id, revoked_at=None).first()


async def register_key(viewer: Viewer, public_key: str) -> SigningKey:
    """A parent's Ed25519 public key; one active key at a time, each key registered once."""
    if not may_hold_signing_key(viewer) or viewer.user_id is None:
        raise Forbidden("Only parents register signing keys.")
    raw = signing.parse_public_key(public_key)
    found = signing.fingerprint(raw)
    if await active_key(viewer.user_id) is not None:
        raise SigningKeyExists(field="publicKey")
    if await SigningKey.exists(fingerprint=found):
        raise SigningKeyTaken(field="publicKey")
    try:
        async with in_transaction():
            return await SigningKey.create(
                owner_id=viewer.user_id, public_key=signing.encode(raw), fingerprint=found
            )
    except IntegrityError:
        raise SigningKeyTaken(field="publicKey") from None


async def visible_key(viewer: Viewer, key_id: int) -> SigningKey:
    """A signing key is seen by its owner only (acknowledgements show their key's bytes)."""
    key = await SigningKey.get_or_none(id=key_id)
    if key is None or viewer.user_id is None or key.owner_id != viewer.user_id:
        raise NotFound(field="keyId")
    return key


async def revoke_key(viewer: Viewer, key_id: int, now: datetime) -> SigningKey:
    """Stop using a key; acknowledgements it signed stay verifiable by their stored key."""
    key = await visible_key(viewer, key_id)
    if key.revoked_at is None:
        key.revoked_at = now
        await key.save(update_fields=["revoked_at"])
    return key


async def own_keys(viewer: Viewer) -> list[SigningKey]:
    if viewer.user_id is None:
        return []
    return await SigningKey.filter(owner_id=viewer.user_id).order_by("-id")


# --- requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFacts:
    """A request with what the policy needs: its class's school and its students."""

    request: AckRequest
    school_id: int
    targets: frozenset[int]


async def request_acknowledgement(
    ctx: WriteContext, class_id: int, title: str, text: str, student_ids: list[int] | None
) -> AckRequest:
    """The class teacher asks the parents of the class (or of some of its students)."""
    school_class = await SchoolClass.get_or_none(id=class_id)
    if school_class is None or not may_see_class(ctx.viewer, class_id, school_class.school_id):
        raise NotFound(field="classId")
    if not may_request_acknowledgement(ctx.viewer, class_id):
        raise Forbidden("Only the class teacher asks the class's parents for acknowledgement.")
    checked_text(title, "title", TITLE_LIMIT)
    checked_text(text, "text", TEXT_LIMIT)
    rows = await Enrollment.filter(
        enrolled_over(ctx.today),
        school_class_id=class_id,
    ).values("student_id")
    in_class = {int(r["student_id"]) for r in rows}
    if student_ids is not None:
        if not student_ids:
            raise InvalidInput(
                "Name at least one student, or leave the list out.", field="studentIds"
            )
        if not set(student_ids) <= in_class:
            # Students of other classes answer like unknown IDs.
            raise NotFound(field="studentIds")
        chosen = set(student_ids)
    else:
        chosen = in_class
    if not chosen:
        raise InvalidInput("The class has no students today.", field="classId")
    async with in_transaction():
        request = await AckRequest.create(
            school_class_id=class_id,
            author_id=ctx.actor_id,
            title=title,
            text=text,
            text_sha256=signing.text_sha256(text),
        )
        await AckTarget.bulk_create(
            [AckTarget(request_id=request.id, student_id=s) for s in sorted(chosen)]
        )
        author = await User.get(id=ctx.actor_id)
        names = {u.id: f"{u.first_name} {u.last_name}" for u in await User.filter(id__in=chosen)}
        notices = [
            Notice(
                student,
                f"ack:{request.id}:{student}",
                texts.ack_subject(names.get(student, "")),
                texts.ack_text(author.full_name, title, text),
            )
            for student in sorted(chosen)
        ]
        await enqueue(notices, ctx.channels, ctx.now, ctx.zone)
    return request


async def _facts(request_ids: list[int]) -> dict[int, RequestFacts]:
    requests = await AckRequest.filter(id__in=request_ids).select_related("school_class")
    targets: dict[int, set[int]] = defaultdict(set)
    if requests:
        rows = await AckTarget.filter(request_id__in=[r.id for r in requests]).values(
            "request_id", "student_id"
        )
        for row in rows:
            targets[row["request_id"]].add(row["student_id"])
    return {
        r.id: RequestFacts(r, r.school_class.school_id, frozenset(targets[r.id])) for r in requests
    }


def _sees(viewer: Viewer, facts: RequestFacts) -> bool:
    return may_see_ack_request(
        viewer, facts.request.school_class_id, facts.school_id, facts.targets
    )


async def visible_request(viewer: Viewer, request_id: int) -> RequestFacts:
    found = (await _facts([request_id])).get(request_id)
    if found is None or not _sees(viewer, found):
        raise NotFound(field="requestId")
    return found


@dataclass(frozen=True)
class RequestPage:
    rows: list[RequestFacts]
    has_next: bool
    total: int


async def requests_page(
    viewer: Viewer, first: int, after: int | None, class_id: int | None = None
) -> RequestPage:
    """Requests the viewer may see, newest first: their children's, their class's, their
    school's."""
    ids: list[int] = []
    if viewer.children:
        rows = await AckTarget.filter(student_id__in=sorted(viewer.children)).values("request_id")
        ids = sorted({int(r["request_id"]) for r in rows})
    reach = Q(id__in=ids or [0])
    if viewer.homerooms:
        reach |= Q(school_class_id__in=sorted(viewer.homerooms))
    if viewer.admin_schools:
        reach |= Q(school_class__school_id__in=sorted(viewer.admin_schools))
    query = AckRequest.filter(reach)
    if class_id is not None:
        query = query.filter(school_class_id=class_id)
    total = await query.count()
    if after is not None:
        query = query.filter(id__lt=after)
    rows = await query.order_by("-id").limit(first + 1).values("id")
    page = [int(r["id"]) for r in rows[:first]]
    facts = await _facts(page)
    return RequestPage([facts[i] for i in page if i in facts], len(rows) > first, total)


@dataclass(frozen=True)
class Status:
    """One parent of one addressed student, and their acknowledgement if given."""

    student: User
    parent: User
    acknowledgement: Acknowledgement | None


async def statuses(viewer: Viewer, facts: RequestFacts) -> list[Status]:
    """Who acknowledged and who did not, as far as the viewer may see: everyone for the
    class teacher and the administration, their own rows for a parent. Four queries."""
    request = facts.request
    links = await Guardianship.filter(student_id__in=sorted(facts.targets) or [0]).values(
        "parent_id", "student_id"
    )
    pairs = [
        (int(link["student_id"]), int(link["parent_id"]))
        for link in links
        if may_see_acknowledgement(
            viewer, request.school_class_id, facts.school_id, int(link["parent_id"])
        )
        and int(link["student_id"]) in facts.targets
    ]
    people = {p for pair in pairs for p in pair}
    users = {u.id: u for u in await User.filter(id__in=sorted(people) or [0])}
    acks = {
        (a.student_id, a.parent_id): a for a in await Acknowledgement.filter(request_id=request.id)
    }
    found = [
        Status(users[s], users[p], acks.get((s, p))) for s, p in pairs if s in users and p in users
    ]
    return sorted(found, key=lambda x: (x.student.full_name, x.parent.full_name, x.parent.id))


async def visible_acknowledgement(viewer: Viewer, ack_id: int) -> Acknowledgement:
    ack = await Acknowledgement.get_or_none(id=ack_id).select_related("request__school_class")
    if ack is None:
        raise NotFound()
    school_class = ack.request.school_class
    if not may_see_acknowledgement(viewer, school_class.id, school_class.school_id, ack.parent_id):
        raise NotFound()
    return ack


def signature_valid(ack: Acknowledgement, request: AckRequest) -> bool:
    """Verify the stored signature again, and that its bytes speak of this request's
    current text, this parent and this child."""
    expected = signing.Statement(
        request_id=request.id,
        text_sha256=signing.text_sha256(request.text),
        parent_id=ack.parent_id,
        student_id=ack.student_id,
        key_fingerprint="",
        nonce="",
    )
    return signing.verify_stored(ack.signed_payload, ack.public_key, ack.signature, expected)


# --- acknowledging ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Challenge:
    nonce: str
    payload: str
    expires_at: datetime


async def _addressed(ctx: WriteContext, request_id: int, student_id: int) -> RequestFacts:
    facts = await visible_request(ctx.viewer, request_id)
    if not may_acknowledge(ctx.viewer, student_id, facts.targets):
        raise NotFound(field="studentId")
    if await Acknowledgement.exists(
        request_id=request_id, student_id=student_id, parent_id=ctx.actor_id
    ):
        raise AlreadyAcknowledged(field="studentId")
    return facts


def _statement(
    facts: RequestFacts, parent_id: int, student_id: int, key: SigningKey, nonce: str
) -> signing.Statement:
    return signing.Statement(
        request_id=facts.request.id,
        text_sha256=facts.request.text_sha256,
        parent_id=parent_id,
        student_id=student_id,
        key_fingerprint=key.fingerprint,
        nonce=nonce,
    )


async def challenge(ctx: WriteContext, request_id: int, student_id: int) -> Challenge:
    """A single-use nonce and the exact text to sign for one acknowledgement."""
    facts = await _addressed(ctx, request_id, student_id)
    key = await active_key(ctx.actor_id)
    if key is None:
        raise NoSigningKey()
    nonce, token = await tokens.issue(
        CHALLENGE_PURPOSE,
        CHALLENGE_LIFETIME,
        user_id=ctx.actor_id,
        payload={"request": request_id, "student": student_id, "key": key.id},
    )
    statement = _statement(facts, ctx.actor_id, student_id, key, nonce)
    return Challenge(nonce, statement.payload(), token.expires_at)


async def acknowledge(
    ctx: WriteContext,
    request_id: int,
    student_id: int,
    nonce: str | None,
    signature: str | None,
) -> Acknowledgement:
    """Acknowledge for one child: signed when the parent holds a key, plain otherwise."""
    facts = await _addressed(ctx, request_id, student_id)
    key = await active_key(ctx.actor_id)
    now = datetime.now(UTC)
    if key is None:
        if nonce is not None or signature is not None:
            raise NoSigningKey(field="signature")
        return await _store(request_id, student_id, ctx.actor_id, now)
    if not nonce or not signature:
        raise SignatureRequired(field="signature")
    raw_signature = signing.parse_signature(signature)
    async with in_transaction():
        # Spent inside the transaction: a refusal below leaves the challenge unspent.
        token = await tokens.consume(CHALLENGE_PURPOSE, nonce)
        bound = token.payload or {}
        if (
            token.user_id != ctx.actor_id
            or bound.get("request") != request_id
            or bound.get("student") != student_id
            or bound.get("key") != key.id
        ):
            raise TokenInvalid("This challenge was given for another acknowledgement or key.")
        payload = _statement(facts, ctx.actor_id, student_id, key, nonce).payload()
        raw_key = signing.parse_public_key(key.public_key)
        if not signing.signature_holds(raw_key, raw_signature, payload.encode("ascii")):
            raise SignatureInvalid(field="signature")
        return await _store(
            request_id,
            student_id,
            ctx.actor_id,
            now,
            payload=payload,
            key=key,
            signature=signing.encode(raw_signature),
        )


async def _store(
    request_id: int,
    student_id: int,
    parent_id: int,
    now: datetime,
    *,
    payload: str | None = None,
    key: SigningKey | None = None,
    signature: str | None = None,
) -> Acknowledgement:
    try:
        async with in_transaction():
            return await Acknowledgement.create(
                request_id=request_id,
                student_id=student_id,
                parent_id=parent_id,
                acknowledged_at=now,
                signed_payload=payload,
                public_key=key.public_key if key else None,
                signing_key_id=key.id if key else None,
                signature=signature,
            )
    except IntegrityError:
        raise AlreadyAcknowledged(field="studentId") from None
