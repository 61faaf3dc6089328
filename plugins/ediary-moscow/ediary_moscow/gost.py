"""ESIA's `client_secret`: a detached CMS signature made with GOST R 34.10-2012 (256-bit key,
a TC26 curve) over a GOST R 34.11-2012 (Streebog-256) digest.

The algorithm comes from gostcrypto, the ASN.1 (key and certificate files, CMS SignedData)
from asn1crypto. gostcrypto works with big-endian integers; the encodings on the wire follow
RFC 4491 and R 1323565.1.023 (as OpenSSL's GOST engine and CryptoPro do), which keep the
digest, the public key and the private key little-endian and the signature as s || r. The
conversions are all in this module.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import gostcrypto
from asn1crypto import cms, core, pem, x509

GOST_KEY = "1.2.643.7.1.1.1.1"  # id-tc26-gost3410-12-256
STREEBOG_256 = "1.2.643.7.1.1.2.2"  # id-tc26-gost3411-12-256
GOST_SIGNATURE = "1.2.643.7.1.1.3.2"  # id-tc26-signwithdigest-gost3410-12-256
# The 256-bit curves, by OID, under gostcrypto's names (R 1323565.1.024-2019). TC26's B, C
# and D are the CryptoPro A, B and C curves of RFC 4357, which most issued certificates
# (and OpenSSL's `paramset:A`..`C`) still name by the older OIDs, the exchange ones too.
CURVES = {
    "1.2.643.7.1.2.1.1.1": "id-tc26-gost-3410-2012-256-paramSetA",
    "1.2.643.7.1.2.1.1.2": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.7.1.2.1.1.3": "id-tc26-gost-3410-2012-256-paramSetC",
    "1.2.643.7.1.2.1.1.4": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.2.2.35.1": "id-tc26-gost-3410-2012-256-paramSetB",  # CryptoPro-A
    "1.2.643.2.2.35.2": "id-tc26-gost-3410-2012-256-paramSetC",  # CryptoPro-B
    "1.2.643.2.2.35.3": "id-tc26-gost-3410-2012-256-paramSetD",  # CryptoPro-C
    "1.2.643.2.2.36.0": "id-tc26-gost-3410-2012-256-paramSetB",  # CryptoPro-XchA
    "1.2.643.2.2.36.1": "id-tc26-gost-3410-2012-256-paramSetD",  # CryptoPro-XchB
}
SIZE = 32


class SigningKeyError(ValueError):
    """A key or certificate file that cannot sign ESIA's client secret; says which and why."""


class GostKeyParameters(core.Sequence):
    """GostR3410-2012-PublicKeyParameters: the curve and (for 256-bit keys) the digest."""

    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("public_key_param_set", core.ObjectIdentifier),
        ("digest_param_set", core.ObjectIdentifier, {"optional": True}),
    ]


class GostKeyAlgorithm(core.Sequence):
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("algorithm", core.ObjectIdentifier),
        ("parameters", GostKeyParameters),
    ]


class GostPrivateKeyInfo(core.Sequence):
    """PKCS#8 PrivateKeyInfo for a GOST key (asn1crypto's own knows no GOST algorithm)."""

    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("version", core.Integer),
        ("private_key_algorithm", GostKeyAlgorithm),
        ("private_key", core.OctetString),
        ("attributes", core.Any, {"implicit": 0, "optional": True}),
    ]


class GostPublicKeyInfo(core.Sequence):
    """SubjectPublicKeyInfo for a GOST key: the point x || y (little-endian) in an OCTET
    STRING, that in the BIT STRING."""

    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("algorithm", GostKeyAlgorithm),
        ("public_key", core.OctetBitString),
    ]


def streebog256(data: bytes) -> bytes:
    """The Streebog-256 digest in the byte order of CMS and OpenSSL."""
    return bytes(gostcrypto.gosthash.new("streebog256", data=data).digest())


def _engine(curve_oid: str) -> gostcrypto.gostsignature.GOST34102012:
    try:
        name = CURVES[curve_oid]
    except KeyError:
        raise SigningKeyError(f"the curve {curve_oid} is not a GOST 256-bit curve") from None
    return gostcrypto.gostsignature.new(
        gostcrypto.gostsignature.MODE_256,
        gostcrypto.gostsignature.CURVES_R_1323565_1_024_2019[name],
    )


def public_point(curve_oid: str, private: bytes) -> bytes:
    """x || y, each little-endian (the key's encoding in a certificate), for a private key
    given little-endian."""
    point = bytes(_engine(curve_oid).public_key_generate(bytearray(private[::-1])))
    return point[:SIZE][::-1] + point[SIZE:][::-1]


def sign_digest(curve_oid: str, private: bytes, digest: bytes) -> bytes:
    """The signature s || r (big-endian) of a Streebog-256 digest."""
    # The standard reads the digest as a little-endian number; gostcrypto as a big-endian one.
    signed = bytes(_engine(curve_oid).sign(bytearray(private[::-1]), bytearray(digest[::-1])))
    return signed[SIZE:] + signed[:SIZE]


def verify_digest(curve_oid: str, point: bytes, digest: bytes, signature: bytes) -> bool:
    """Whether `signature` (s || r) of `digest` was made by the key at `point` (x || y LE)."""
    if len(point) != 2 * SIZE or len(signature) != 2 * SIZE or len(digest) != SIZE:
        return False
    public = bytearray(point[:SIZE][::-1] + point[SIZE:][::-1])
    ordered = bytearray(signature[SIZE:] + signature[:SIZE])
    return bool(_engine(curve_oid).verify(public, bytearray(digest[::-1]), ordered))


def _der(data: bytes) -> bytes:
    return pem.unarmor(data)[2] if pem.detect(data) else data


def load_private_key(data: bytes) -> tuple[str, bytes]:
    """The curve OID and the 32-byte private key (little-endian) of a PKCS#8 file, PEM or DER."""
    try:
        info = GostPrivateKeyInfo.load(_der(data))
        algorithm = info["private_key_algorithm"]
        oid = algorithm["algorithm"].dotted
        curve = algorithm["parameters"]["public_key_param_set"].dotted
        raw = info["private_key"].native
    except (ValueError, TypeError, KeyError) as error:
        raise SigningKeyError(f"not a PKCS#8 private key ({error})") from None
    if oid != GOST_KEY:
        raise SigningKeyError(f"not a GOST R 34.10-2012 256-bit key (algorithm {oid})")
    if len(raw) != SIZE:
        # R 1323565.1.023 wraps the key in an OCTET STRING of its own.
        try:
            raw = core.OctetString.load(raw).native
        except ValueError:
            raw = b""
    if len(raw) != SIZE:
        raise SigningKeyError("the private key is not 32 bytes long")
    _engine(curve)
    return curve, raw


def load_certificate(data: bytes) -> x509.Certificate:
    try:
        certificate = x509.Certificate.load(_der(data))
        certificate_key(certificate)
    except (ValueError, TypeError, KeyError) as error:
        raise SigningKeyError(f"not an X.509 certificate with a GOST key ({error})") from None
    return certificate


def certificate_key(certificate: x509.Certificate) -> tuple[str, bytes]:
    """The curve OID and the public point (x || y, little-endian) of a certificate."""
    # Read with the GOST shape: asn1crypto's PublicKeyInfo knows no GOST algorithm.
    spki = certificate["tbs_certificate"]["subject_public_key_info"].dump()
    info = GostPublicKeyInfo.load(spki)
    oid = info["algorithm"]["algorithm"].dotted
    if oid != GOST_KEY:
        raise SigningKeyError(f"the certificate's key is not GOST R 34.10-2012 256-bit ({oid})")
    point = core.OctetString.load(info["public_key"].native).native
    return info["algorithm"]["parameters"]["public_key_param_set"].dotted, point


def _attribute(kind: str, value: core.Asn1Value) -> cms.CMSAttribute:
    return cms.CMSAttribute({"type": kind, "values": [value]})


def detached_signature(
    message: bytes,
    curve_oid: str,
    private: bytes,
    certificate: x509.Certificate,
    now: datetime | None = None,
) -> bytes:
    """CMS ContentInfo (DER) with a SignedData over `message`, the message left out."""
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    attributes = sorted(
        (
            _attribute("content_type", cms.ContentType("data")),
            _attribute("signing_time", cms.Time({"utc_time": moment})),
            _attribute("message_digest", core.OctetString(streebog256(message))),
        ),
        key=lambda attribute: attribute.dump(),  # DER orders a SET OF by encoding
    )
    signed_attrs = cms.CMSAttributes(attributes)
    # What is signed is the attributes' DER with the SET OF tag, not the [0] it is sent with.
    signature = sign_digest(curve_oid, private, streebog256(signed_attrs.dump()))
    tbs = certificate["tbs_certificate"]
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": tbs["issuer"], "serial_number": tbs["serial_number"]}
                    )
                }
            ),
            "digest_algorithm": {"algorithm": STREEBOG_256},
            "signed_attrs": signed_attrs,
            "signature_algorithm": {"algorithm": GOST_SIGNATURE},
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [{"algorithm": STREEBOG_256}],
            "encap_content_info": {"content_type": "data"},
            "certificates": [certificate],
            "signer_infos": [signer],
        }
    )
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump())


@dataclass(frozen=True)
class GostSigner:
    """ESIA's client secret, signed with the organisation's GOST key.

    The message is `scope + timestamp + client_id + state`, concatenated without separators:
    the order ESIA's method guidelines give for the authorization and token endpoints
    (`/aas/oauth2/ac`, `/aas/oauth2/te`), where ESIA rebuilds it from the request's own
    `scope`, `timestamp`, `client_id` and `state` parameters to check the signature; the
    timestamp is `yyyy.MM.dd HH:mm:ss Z` (`2026.12.06 17:30:00 +0000`). The signature is
    base64url without padding, so it travels in a form field and a query string as is.
    """

    curve_oid: str
    private: bytes = field(repr=False)  # never in a log line or a traceback's locals
    certificate: x509.Certificate = field(repr=False)

    @classmethod
    def from_files(cls, key_path: str, cert_path: str) -> GostSigner:
        """The signer for a key and certificate file; SigningKeyError names what is wrong."""
        if not key_path:
            raise SigningKeyError("EDIARY_MOSCOW_SIGNING_KEY is not set")
        if not cert_path:
            raise SigningKeyError("EDIARY_MOSCOW_SIGNING_CERT is not set")
        try:
            key_data, cert_data = Path(key_path).read_bytes(), Path(cert_path).read_bytes()
        except OSError as error:
            raise SigningKeyError(f"cannot read {error.filename}: {error.strerror}") from None
        try:
            curve, private = load_private_key(key_data)
        except SigningKeyError as error:
            raise SigningKeyError(f"EDIARY_MOSCOW_SIGNING_KEY ({key_path}): {error}") from None
        try:
            certificate = load_certificate(cert_data)
        except SigningKeyError as error:
            raise SigningKeyError(f"EDIARY_MOSCOW_SIGNING_CERT ({cert_path}): {error}") from None
        if certificate_key(certificate) != (curve, public_point(curve, private)):
            raise SigningKeyError(
                f"the key {key_path} does not belong to the certificate {cert_path}"
            )
        return cls(curve, private, certificate)

    def client_secret(self, *, scope: str, timestamp: str, client_id: str, state: str) -> str:
        message = f"{scope}{timestamp}{client_id}{state}".encode()
        der = detached_signature(message, self.curve_oid, self.private, self.certificate)
        return base64.urlsafe_b64encode(der).decode().rstrip("=")
