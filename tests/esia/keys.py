"""GOST R 34.10-2012 key pairs and self-signed certificates, made at test time so that no
private key is ever committed: the key as PKCS#8 and the certificate as X.509, both PEM,
built with asn1crypto and signed with gostcrypto (through the plugin's GOST helpers)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import core, keys, pem, x509
from ediary_moscow.gost import (
    CURVES,
    GOST_KEY,
    GOST_SIGNATURE,
    SIZE,
    STREEBOG_256,
    GostKeyParameters,
    GostPrivateKeyInfo,
    GostPublicKeyInfo,
    public_point,
    sign_digest,
    streebog256,
)

# id-tc26-gost-3410-2012-256-paramSetB: the curve ESIA's own certificates use.
CURVE = "1.2.643.7.1.2.1.1.2"


@dataclass(frozen=True)
class KeyPair:
    key_path: Path
    cert_path: Path

    @property
    def certificate_pem(self) -> bytes:
        return self.cert_path.read_bytes()


def _parameters() -> GostKeyParameters:
    return GostKeyParameters({"public_key_param_set": CURVE, "digest_param_set": STREEBOG_256})


def new_private_key() -> bytes:
    """32 random bytes below the curve's order, little-endian."""
    import gostcrypto

    order = gostcrypto.gostsignature.CURVES_R_1323565_1_024_2019[CURVES[CURVE]]["q"]
    return (secrets.randbelow(order - 1) + 1).to_bytes(SIZE, "little")


def private_key_pem(private: bytes) -> bytes:
    info = GostPrivateKeyInfo(
        {
            "version": 0,
            "private_key_algorithm": {"algorithm": GOST_KEY, "parameters": _parameters()},
            # R 1323565.1.023: the key, little-endian, in an OCTET STRING of its own.
            "private_key": core.OctetString(private).dump(),
        }
    )
    return bytes(pem.armor("PRIVATE KEY", info.dump()))


def public_key_info(private: bytes) -> bytes:
    info = GostPublicKeyInfo(
        {
            "algorithm": {"algorithm": GOST_KEY, "parameters": _parameters()},
            "public_key": core.OctetString(public_point(CURVE, private)).dump(),
        }
    )
    return bytes(info.dump())


def certificate_pem(private: bytes, common_name: str) -> bytes:
    """A self-signed certificate for the key, valid from a day ago for a year."""
    name = x509.Name.build({"common_name": common_name, "organization_name": "ediary tests"})
    now = datetime.now(UTC).replace(microsecond=0)
    algorithm = {"algorithm": GOST_SIGNATURE}
    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": int.from_bytes(os.urandom(8), "big"),
            "signature": algorithm,
            "issuer": name,
            "validity": {
                "not_before": x509.Time({"utc_time": now - timedelta(days=1)}),
                "not_after": x509.Time({"utc_time": now + timedelta(days=365)}),
            },
            "subject": name,
            "subject_public_key_info": keys.PublicKeyInfo.load(public_key_info(private)),
            "extensions": [
                {
                    "extn_id": "key_usage",
                    "critical": True,
                    "extn_value": x509.KeyUsage({"digital_signature", "non_repudiation"}),
                },
            ],
        }
    )
    signature = sign_digest(CURVE, private, streebog256(tbs.dump()))
    certificate = x509.Certificate(
        {"tbs_certificate": tbs, "signature_algorithm": algorithm, "signature_value": signature}
    )
    return bytes(pem.armor("CERTIFICATE", certificate.dump()))


def make_key_pair(directory: Path, common_name: str = "ediary test client") -> KeyPair:
    """A fresh key and its certificate, written as PEM files under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    private = new_private_key()
    stem = common_name.replace(" ", "-")
    key_path, cert_path = directory / f"{stem}.key", directory / f"{stem}.crt"
    key_path.write_bytes(private_key_pem(private))
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate_pem(private, common_name))
    return KeyPair(key_path, cert_path)
