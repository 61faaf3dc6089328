"""The test provider's check of ESIA's client_secret, run as a process by
compat/esia-provider.mjs: `python -m tests.esia.verify CERTIFICATE` with a JSON object
{"message": ..., "signature": ...} on standard input. Exit status 0 when the signature is a
detached CMS SignedData over the message by the registered certificate's key, 1 otherwise,
with the reason on standard error.

It reads the CMS structure and does the GOST arithmetic itself (asn1crypto, gostcrypto), so a
mistake in the plugin's byte orders is not repeated here; only the ASN.1 shape of a GOST
public key is shared."""

from __future__ import annotations

import base64
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import gostcrypto
from asn1crypto import cms, core, pem, x509
from ediary_moscow.gost import GostPublicKeyInfo

STREEBOG_256 = "1.2.643.7.1.1.2.2"
GOST_2012_256 = "1.2.643.7.1.1.3.2"
CURVE_NAMES = {
    "1.2.643.7.1.2.1.1.1": "id-tc26-gost-3410-2012-256-paramSetA",
    "1.2.643.7.1.2.1.1.2": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.7.1.2.1.1.3": "id-tc26-gost-3410-2012-256-paramSetC",
    "1.2.643.7.1.2.1.1.4": "id-tc26-gost-3410-2012-256-paramSetD",
    # The CryptoPro names of the same curves.
    "1.2.643.2.2.35.1": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.2.2.35.2": "id-tc26-gost-3410-2012-256-paramSetC",
    "1.2.643.2.2.35.3": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.2.2.36.0": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.2.2.36.1": "id-tc26-gost-3410-2012-256-paramSetD",
}
# How far the signing time may be from now: a captured secret is not good for long.
CLOCK_WINDOW = timedelta(minutes=5)


class Refused(Exception):
    pass


def _streebog(data: bytes) -> bytes:
    return bytes(gostcrypto.gosthash.new("streebog256", data=data).digest())


def _attribute(signer: cms.SignerInfo, kind: str) -> object:
    found = [a["values"][0] for a in signer["signed_attrs"] if a["type"].native == kind]
    if len(found) != 1:
        raise Refused(f"the signed attributes do not have one {kind}")
    return found[0]


def check(message: bytes, signature: str, trusted: x509.Certificate) -> None:
    """Raises Refused with the reason unless `signature` is good for `message`."""
    try:
        info = cms.ContentInfo.load(
            base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        )
        content_type = info["content_type"].native
    except ValueError as error:
        raise Refused(f"not a CMS structure ({error})") from None
    if content_type != "signed_data":
        raise Refused(f"not SignedData but {content_type}")
    signed = info["content"]
    if signed["encap_content_info"]["content"].native is not None:
        raise Refused("the signature is not detached")
    if trusted.dump() not in [choice.chosen.dump() for choice in signed["certificates"]]:
        raise Refused("the registered certificate is not in the signature")
    if len(signed["signer_infos"]) != 1:
        raise Refused("not one signer")
    signer = signed["signer_infos"][0]
    sid = signer["sid"].chosen
    tbs = trusted["tbs_certificate"]
    if (
        sid["issuer"].dump() != tbs["issuer"].dump()
        or sid["serial_number"].native != tbs["serial_number"].native
    ):
        raise Refused("the signer is not the registered certificate")
    if signer["digest_algorithm"]["algorithm"].dotted != STREEBOG_256:
        raise Refused("the digest is not GOST R 34.11-2012 256-bit")
    if signer["signature_algorithm"]["algorithm"].dotted != GOST_2012_256:
        raise Refused("the signature is not GOST R 34.10-2012 256-bit")
    if _attribute(signer, "content_type").native != "data":  # type: ignore[attr-defined]
        raise Refused("the signed content type is not data")
    if _attribute(signer, "message_digest").native != _streebog(message):  # type: ignore[attr-defined]
        raise Refused("the message digest does not match the message")
    signed_at = _attribute(signer, "signing_time").native  # type: ignore[attr-defined]
    if abs(datetime.now(UTC) - signed_at) > CLOCK_WINDOW:
        raise Refused(f"signed at {signed_at:%Y-%m-%d %H:%M:%S}, too far from now")
    # What was signed: the attributes' DER under the SET OF tag instead of their [0].
    digest = _streebog(signer["signed_attrs"].untag().dump())
    key = GostPublicKeyInfo.load(tbs["subject_public_key_info"].dump())
    curve = CURVE_NAMES[key["algorithm"]["parameters"]["public_key_param_set"].dotted]
    point = core.OctetString.load(key["public_key"].native).native
    # On the wire x, y and the digest are little-endian, s || r big-endian; gostcrypto wants
    # big-endian x || y, r || s and the digest as the big-endian form of the same number.
    public = bytearray(point[:32][::-1] + point[32:][::-1])
    value = signer["signature"].native
    engine = gostcrypto.gostsignature.new(
        gostcrypto.gostsignature.MODE_256,
        gostcrypto.gostsignature.CURVES_R_1323565_1_024_2019[curve],
    )
    if len(value) != 64 or not engine.verify(
        public, bytearray(digest[::-1]), bytearray(value[32:] + value[:32])
    ):
        raise Refused("the GOST signature does not verify")


def main(argv: list[str]) -> int:
    trusted_pem = Path(argv[0]).read_bytes()
    trusted = x509.Certificate.load(pem.unarmor(trusted_pem)[2])
    request = json.load(sys.stdin)
    try:
        check(str(request["message"]).encode(), str(request["signature"]), trusted)
    except Refused as refusal:
        print(refusal, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
