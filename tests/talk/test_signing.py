"""The signing helpers alone: key formats, the canonical text, verification of stored bytes,
and that live conversation changes survive the trip through the broker's JSON."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ediary.domain.errors import SignatureMalformed, SigningKeyMalformed
from ediary.domain.journal.changes import ChangeKind, DiaryChange
from ediary.domain.talk import signing
from ediary.domain.talk.changes import TalkChange, TalkChangeKind
from ediary.events.broker import decode

PRIVATE = Ed25519PrivateKey.generate()
RAW = PRIVATE.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_a_key_is_accepted_as_base64_urlsafe_base64_or_pem() -> None:
    pem = PRIVATE.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    for text in (
        base64.b64encode(RAW).decode(),
        base64.urlsafe_b64encode(RAW).decode().rstrip("="),
        pem.decode(),
    ):
        assert signing.parse_public_key(text) == RAW


@pytest.mark.parametrize("text", ["", "@@@", base64.b64encode(b"x" * 31).decode(), "A" * 2000])
def test_malformed_keys(text: str) -> None:
    with pytest.raises(SigningKeyMalformed):
        signing.parse_public_key(text)


@pytest.mark.parametrize("text", ["", "###", base64.b64encode(b"x" * 65).decode()])
def test_malformed_signatures(text: str) -> None:
    with pytest.raises(SignatureMalformed):
        signing.parse_signature(text)


def test_the_canonical_text_is_stable_and_round_trips() -> None:
    statement = signing.Statement(7, "ab" * 32, 3, 4, "cd" * 32, "nonce-1")
    payload = statement.payload()
    assert payload == (
        '{"key":"' + "cd" * 32 + '","nonce":"nonce-1","parent":3,'
        '"purpose":"ediary.acknowledgement.v1","request":7,"student":4,'
        '"textSha256":"' + "ab" * 32 + '"}'
    )
    assert signing.Statement.parse(payload) == statement
    # Any other spelling of the same facts is not the canonical text.
    assert signing.Statement.parse(payload.replace(",", ", ")) is None
    assert signing.Statement.parse("not json") is None


def test_stored_signatures_verify_and_tampering_shows() -> None:
    statement = signing.Statement(
        1, signing.text_sha256("Trip"), 2, 3, signing.fingerprint(RAW), "n"
    )
    payload = statement.payload()
    key, sig = signing.encode(RAW), signing.encode(PRIVATE.sign(payload.encode()))
    assert signing.verify_stored(payload, key, sig, statement)
    assert not signing.verify_stored(payload.replace('"n"', '"m"'), key, sig, statement)
    other = signing.Statement(1, signing.text_sha256("Trip!"), 2, 3, "", "")
    assert not signing.verify_stored(payload, key, sig, other)
    assert not signing.verify_stored(payload, key, "@@", statement)
    assert not signing.verify_stored(None, key, sig)


def test_changes_of_both_kinds_travel_through_json() -> None:
    talk = TalkChange(TalkChangeKind.MESSAGE_READ, 5, 9)
    diary = DiaryChange(ChangeKind.MARK_POSTED, 1, 2, 3, 4)
    assert decode(talk.to_json()) == talk
    assert decode(diary.to_json()) == diary
