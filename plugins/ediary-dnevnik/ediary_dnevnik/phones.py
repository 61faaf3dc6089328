"""Phone numbers: read as people type them, kept in E.164, shown masked.

A number without its country code is read in the deployment's region,
`EDIARY_DNEVNIK_PHONE_REGION` (RU unless set), so "8 912 345-67-89" is +79123456789.
Only numbers that can receive an SMS are taken: valid mobile (or mobile-or-fixed) numbers.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from ediary.config import Settings
from ediary_dnevnik.errors import PhoneInvalid

DEFAULT_REGION = "RU"
# Wider than any E.164 number: longer input is refused before the parser sees it.
_MAX_TYPED = 40
_SMS_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def region(settings: Settings) -> str:
    return (settings.extra.get("EDIARY_DNEVNIK_PHONE_REGION") or DEFAULT_REGION).strip().upper()


def normalize(typed: str, default_region: str = DEFAULT_REGION, field: str = "phone") -> str:
    """The number in E.164 (+79123456789), or PhoneInvalid."""
    if len(typed) > _MAX_TYPED:
        raise PhoneInvalid(field=field)
    try:
        number = phonenumbers.parse(typed, default_region)
    except NumberParseException:
        raise PhoneInvalid(field=field) from None
    if not phonenumbers.is_valid_number(number) or (
        phonenumbers.number_type(number) not in _SMS_TYPES
    ):
        raise PhoneInvalid(field=field)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def mask(phone: str) -> str:
    """+7 *** ***-**-89: enough for the owner to recognise the number on a shared screen."""
    return phone[:2] + " *** ***-**-" + phone[-2:] if len(phone) > 4 else "***"


def mask_email(email: str) -> str:
    """a***@example.org: the domain stays, the mailbox name shows its first letter."""
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"
