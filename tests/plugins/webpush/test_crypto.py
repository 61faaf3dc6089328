"""The plugin's cryptography against the standards: RFC 8291's published example, byte for
byte, and VAPID tokens as a push service checks them; its settings refuse what cannot work."""

from __future__ import annotations

import dataclasses
import time

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from ediary_webpush import config as push_config
from ediary_webpush.channel import notification
from ediary_webpush.config import WebPushConfig, WebPushConfigError, config_for
from ediary_webpush.crypto import (
    MAX_PLAINTEXT,
    encrypt,
    load_private_key,
    vapid_authorization,
)
from ediary_webpush.subscriptions import InvalidPushEndpoint, check_endpoint

from ediary.adapters import PluginError
from ediary.adapters.notify import Message
from ediary.app import create_app
from ediary.config import Settings
from tests.plugins.webpush.push_service import Browser, VapidRefused, b64url, unb64url, verify_vapid

# RFC 8291, Appendix A: the example's keys, salt and message, and the body it gives.
RFC = {
    "plaintext": "V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24",
    "as_private": "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
    "as_public": (
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
    ),
    "ua_private": "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
    "ua_public": (
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    ),
    "salt": "DGv6ra1nlYgDCS1FRnbzlw",
    "auth": "BTBZMqHH6r4Tts7J_aSIgg",
    "body": (
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocIn"
        "mYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNW"
        "QexSgSxsj_Qulcy4a-fN"
    ),
}


def test_encryption_gives_the_rfc_8291_example_byte_for_byte() -> None:
    sender = load_private_key(RFC["as_private"])
    # The example's sender key pair is what load_private_key reads from its private half.
    assert Browser(key=sender).p256dh == RFC["as_public"]
    body = encrypt(
        unb64url(RFC["plaintext"]),
        RFC["ua_public"],
        RFC["auth"],
        sender_key=sender,
        salt=unb64url(RFC["salt"]),
    )
    assert b64url(body) == RFC["body"]


def test_the_rfc_example_opens_with_the_browser_key() -> None:
    browser = Browser(key=load_private_key(RFC["ua_private"]), auth=unb64url(RFC["auth"]))
    assert browser.p256dh == RFC["ua_public"]
    plain = http_ece.decrypt(
        unb64url(RFC["body"]), private_key=browser.key, auth_secret=browser.auth
    )
    assert plain == b"When I grow up, I want to be a watermelon"


def test_every_message_has_its_own_key_and_salt_and_opens_for_its_browser_only() -> None:
    browser, other = Browser(), Browser()
    keys = browser.keys()
    first = encrypt(b'{"body": "5"}', keys["p256dh"], keys["auth"])
    second = encrypt(b'{"body": "5"}', keys["p256dh"], keys["auth"])
    # Salt (16 octets) and the sender's public key (65, after 5 octets) differ each time.
    assert first[:16] != second[:16] and first[21:86] != second[21:86]
    assert browser.open(first) == browser.open(second) == {"body": "5"}
    with pytest.raises(Exception):  # noqa: B017 - the AEAD tag check fails, whatever its type
        other.open(first)


def test_a_long_text_is_cut_to_fit_one_push_message() -> None:
    long = Message(to="1", subject="Дневник", body="оценка 5. " * 1000, key="mark:1:2:webpush:3")
    data = notification(long)
    assert len(data) <= MAX_PLAINTEXT
    browser = Browser()
    keys = browser.keys()
    opened = browser.open(encrypt(data, keys["p256dh"], keys["auth"]))
    assert opened["title"] == "Дневник" and opened["tag"] == "mark:1:2:webpush:3"
    assert opened["body"].endswith("…") and long.body.startswith(opened["body"][:-1])


def test_vapid_token_is_signed_for_the_push_service_origin() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    config = WebPushConfig(key=key, subject="mailto:ops@school.example")
    header = vapid_authorization(key, config.subject, "https://push.example.net/send/abc?x=1")
    found_key, claims = verify_vapid(header, "https://push.example.net")
    assert found_key == config.public_key
    assert claims["sub"] == "mailto:ops@school.example"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    with pytest.raises(VapidRefused):
        verify_vapid(header, "https://other.example.net")
    # Another key's signature does not pass for this key.
    forged = vapid_authorization(
        ec.generate_private_key(ec.SECP256R1()), config.subject, "https://push.example.net/x"
    )
    token = forged.split("t=", 1)[1].split(",", 1)[0]
    with pytest.raises(VapidRefused):
        verify_vapid(f"vapid t={token}, k={config.public_key}", "https://push.example.net")


def _settings(**extra: str) -> Settings:
    return Settings(extra=extra)


def test_settings_are_checked_before_the_server_starts() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    raw = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    assert config_for(_settings()) is None
    good = config_for(
        _settings(
            **{push_config.PRIVATE_KEY: raw, push_config.SUBJECT: "https://school.example/contact"}
        )
    )
    assert good is not None and good.ttl == 24 * 3600 and not good.allow_loopback_http
    refused = [
        {push_config.PRIVATE_KEY: "not a key", push_config.SUBJECT: "mailto:a@b.example"},
        {push_config.PRIVATE_KEY: raw, push_config.SUBJECT: "ops@school.example"},
        {
            push_config.PRIVATE_KEY: raw,
            push_config.SUBJECT: "mailto:a@b.example",
            push_config.PUBLIC_KEY: Browser().p256dh,
        },
        {
            push_config.PRIVATE_KEY: raw,
            push_config.SUBJECT: "mailto:a@b.example",
            push_config.TTL: "-1",
        },
    ]
    for extra in refused:
        with pytest.raises(WebPushConfigError) as error:
            config_for(_settings(**extra))
        assert raw not in str(error.value)
    production = dataclasses.replace(
        _settings(
            **{
                push_config.PRIVATE_KEY: raw,
                push_config.SUBJECT: "mailto:a@b.example",
                push_config.ALLOW_LOOPBACK: "1",
            }
        ),
        environment="production",
    )
    with pytest.raises(WebPushConfigError):
        config_for(production)


def test_a_bad_key_stops_the_application_naming_the_plugin() -> None:
    settings = _settings(
        **{push_config.PRIVATE_KEY: "bm90IGEga2V5", push_config.SUBJECT: "mailto:a@b.example"}
    )
    with pytest.raises(PluginError, match="webpush"):
        create_app(settings, manage_database=False)


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.net/send/1",
        "https://10.1.2.3/send/1",
        "https://[::1]/send/1",
        "https://localhost/send/1",
        "https://api.localhost/send/1",
        "https://user:secret@push.example.net/send/1",
        "https://push.example.net:port/send/1",
        "https:///send/1",
        "http://127.0.0.1:9/send/1",
        "https://push.example.net/" + "x" * 1024,
        "push.example.net/send/1",
    ],
)
def test_endpoints_must_be_https_urls_of_named_hosts(endpoint: str) -> None:
    config = WebPushConfig(key=ec.generate_private_key(ec.SECP256R1()), subject="mailto:a@b.c")
    with pytest.raises(InvalidPushEndpoint):
        check_endpoint(endpoint, config)


def test_loopback_http_is_admitted_only_by_the_test_setting() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    config = WebPushConfig(key=key, subject="mailto:a@b.c", allow_loopback_http=True)
    assert check_endpoint("http://127.0.0.1:8123/push/1", config)
    assert check_endpoint("https://fcm.googleapis.com/fcm/send/abc:def", config)
    with pytest.raises(InvalidPushEndpoint):
        check_endpoint("http://10.0.0.1/push/1", config)
