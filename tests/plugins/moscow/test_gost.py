"""ESIA's signed client_secret: Streebog-256 against the standard's test vectors, the CMS
signature checked by the test provider's verifier and, independently, by OpenSSL with
Debian's GOST engine (libengine-gost-openssl; skipped without it, failing under
EDIARY_REQUIRE_COMPAT=1); a tampered message or signature fails both."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest
from asn1crypto import cms
from ediary_moscow.gost import (
    GOST_SIGNATURE,
    STREEBOG_256,
    GostSigner,
    SigningKeyError,
    streebog256,
)

from tests.esia.keys import KeyPair, make_key_pair
from tests.esia.verify import Refused, check
from tests.reference_clients import require

# GOST R 34.11-2012, appendix A: the messages M1 and M2 and their 256-bit hashes, here in
# the byte order they have on the wire (the standard prints both as numbers, reversed).
M1 = b"012345678901234567890123456789012345678901234567890123456789012"
H1 = "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"
M2 = bytes.fromhex(
    "d1e520e2e5f2f0e82c20d1f2f0e8e1eee6e820e2edf3f6e82c20e2e5fef2fa20f120eceef0ff20f1f2f0e5"
    "ebe0ece820ede020f5f0e0e1f0fbff20efebfaeafb20c8e3eef0e5e2fb"
)
H2 = "9dd2fe4e90409e5da87f53976d7405b0c0cac628fc669a741d50063c557e8f50"

REQUEST = {
    "scope": "openid fullname snils kid_fullname kid_birthdate kid_snils",
    "timestamp": "2026.12.06 17:30:00 +0000",
    "client_id": "ediary-esia-test",
    "state": "2b8e1c6a-1f5e-4c2d-9a7e-0c1f0d4e6b11",
}
MESSAGE = "".join(REQUEST[name] for name in ("scope", "timestamp", "client_id", "state"))


@pytest.fixture
def pair(tmp_path: Path) -> KeyPair:
    return make_key_pair(tmp_path)


def _signed(pair: KeyPair) -> str:
    signer = GostSigner.from_files(str(pair.key_path), str(pair.cert_path))
    return signer.client_secret(**REQUEST)


def _der(secret: str) -> bytes:
    return base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))


def _certificate(pair: KeyPair):  # type: ignore[no-untyped-def]
    from ediary_moscow.gost import load_certificate

    return load_certificate(pair.certificate_pem)


def test_streebog_256_gives_the_standards_hashes() -> None:
    assert streebog256(M1).hex() == H1
    assert streebog256(M2).hex() == H2


def test_the_secret_is_a_detached_gost_cms_signature(pair: KeyPair) -> None:
    secret = _signed(pair)
    assert "=" not in secret and "+" not in secret and "/" not in secret  # base64url
    info = cms.ContentInfo.load(_der(secret))
    signed = info["content"]
    assert info["content_type"].native == "signed_data"
    assert signed["encap_content_info"]["content"].native is None  # detached
    assert [a["algorithm"].dotted for a in signed["digest_algorithms"]] == [STREEBOG_256]
    [signer] = signed["signer_infos"]
    assert signer["signature_algorithm"]["algorithm"].dotted == GOST_SIGNATURE
    attributes = {a["type"].native: a["values"][0].native for a in signer["signed_attrs"]}
    assert attributes["content_type"] == "data"
    assert attributes["message_digest"] == streebog256(MESSAGE.encode())
    assert "signing_time" in attributes
    assert signed["certificates"][0].chosen.dump() == _certificate(pair).dump()


def test_the_verifier_accepts_it_and_refuses_tampering(pair: KeyPair, tmp_path: Path) -> None:
    secret = _signed(pair)
    certificate = _certificate(pair)
    check(MESSAGE.encode(), secret, certificate)
    with pytest.raises(Refused, match="message digest does not match"):
        check((MESSAGE + "x").encode(), secret, certificate)
    # One bit of the signature value flipped (its last byte is the last of r).
    der = bytearray(_der(secret))
    der[-1] ^= 1
    flipped = base64.urlsafe_b64encode(bytes(der)).decode().rstrip("=")
    with pytest.raises(Refused, match="GOST signature does not verify"):
        check(MESSAGE.encode(), flipped, certificate)
    other = make_key_pair(tmp_path / "other", "someone else")
    with pytest.raises(Refused, match="registered certificate is not in the signature"):
        check(MESSAGE.encode(), _signed(other), certificate)


def test_a_key_and_certificate_that_do_not_match_are_refused(pair: KeyPair, tmp_path: Path) -> None:
    other = make_key_pair(tmp_path / "other", "someone else")
    with pytest.raises(SigningKeyError, match="does not belong to the certificate"):
        GostSigner.from_files(str(other.key_path), str(pair.cert_path))
    with pytest.raises(SigningKeyError, match=r"EDIARY_MOSCOW_SIGNING_KEY .*not a PKCS#8"):
        GostSigner.from_files(str(pair.cert_path), str(pair.cert_path))


def _openssl(command: str, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    # The engine right after the command: `verify` takes what follows its files as files.
    return subprocess.run(
        ["openssl", command, "-engine", "gost", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
    )


def _gost_engine() -> None:
    try:
        present = _openssl("dgst", "-md_gost12_256", stdin=b"").returncode == 0
    except FileNotFoundError:
        present = False
    require("OpenSSL's GOST engine", present, "apt-get install libengine-gost-openssl")


def test_openssl_with_the_gost_engine_verifies_it(pair: KeyPair, tmp_path: Path) -> None:
    _gost_engine()
    signature, message = tmp_path / "secret.der", tmp_path / "message"
    signature.write_bytes(_der(_signed(pair)))
    message.write_bytes(MESSAGE.encode())
    common = ["-binary", "-inform", "DER", "-in", str(signature), "-purpose", "any"]
    trust = ["-CAfile", str(pair.cert_path), "-out", "/dev/null"]
    verified = _openssl("cms", "-verify", *common, "-content", str(message), *trust)
    assert verified.returncode == 0, verified.stderr.decode()
    assert b"Verification successful" in verified.stderr

    message.write_bytes((MESSAGE + "x").encode())
    tampered = _openssl("cms", "-verify", *common, "-content", str(message), *trust)
    assert tampered.returncode != 0
    assert b"Verification failure" in tampered.stderr


def test_openssl_reads_the_test_keys_and_certificates(pair: KeyPair) -> None:
    _gost_engine()
    # The self-signed certificate's GOST signature, and the key file's public key.
    verified = _openssl("verify", "-CAfile", str(pair.cert_path), str(pair.cert_path))
    assert verified.returncode == 0 and b": OK" in verified.stdout, verified.stderr.decode()
    from_key = _openssl("pkey", "-in", str(pair.key_path), "-pubout")
    from_cert = _openssl("x509", "-in", str(pair.cert_path), "-pubkey", "-noout")
    assert from_key.returncode == 0, from_key.stderr.decode()
    assert from_key.stdout.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert from_key.stdout == from_cert.stdout


@pytest.mark.parametrize(
    ("paramset", "curve"),
    [
        ("A", "1.2.643.2.2.35.1"),
        ("B", "1.2.643.2.2.35.2"),
        ("C", "1.2.643.2.2.35.3"),
        ("XA", "1.2.643.2.2.36.0"),
        ("XB", "1.2.643.2.2.36.1"),
        ("TCA", "1.2.643.7.1.2.1.1.1"),
        ("TCB", "1.2.643.7.1.2.1.1.2"),
        ("TCC", "1.2.643.7.1.2.1.1.3"),
        ("TCD", "1.2.643.7.1.2.1.1.4"),
    ],
)
def test_a_key_and_certificate_made_by_openssl_sign_what_openssl_verifies(
    paramset: str, curve: str, tmp_path: Path
) -> None:
    """Key files as issued elsewhere: OpenSSL's PKCS#8 and certificates, on every 256-bit
    curve, under the CryptoPro OIDs too."""
    _gost_engine()
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = _openssl(
        "genpkey",
        "-algorithm",
        "gost2012_256",
        "-pkeyopt",
        f"paramset:{paramset}",
        "-out",
        str(key),
    )
    assert made.returncode == 0, made.stderr.decode()
    subject = ["-subj", "/CN=issued elsewhere", "-days", "30", "-md_gost12_256"]
    made = _openssl("req", "-x509", "-new", "-key", str(key), *subject, "-out", str(cert))
    assert made.returncode == 0, made.stderr.decode()

    signer = GostSigner.from_files(str(key), str(cert))
    assert signer.curve_oid == curve
    signature, message = tmp_path / "secret.der", tmp_path / "message"
    signature.write_bytes(_der(signer.client_secret(**REQUEST)))
    message.write_bytes(MESSAGE.encode())
    verified = _openssl(
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        str(signature),
        "-content",
        str(message),
        "-CAfile",
        str(cert),
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    )
    assert verified.returncode == 0, verified.stderr.decode()
