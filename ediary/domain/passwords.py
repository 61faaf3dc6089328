"""What a new password must be, after NIST SP 800-63B (section 3.1.1.2).

Length is what counts: at least 8 characters, up to 128 accepted, every printable character
and space allowed, no composition rules (digits, capitals, symbols) and no forced expiry.
Passwords that are known to be common, repetitive or derived from the login are refused.
"""

from __future__ import annotations

import unicodedata

from ediary.domain.errors import PasswordTooCommon, PasswordTooLong, PasswordTooShort

__all__ = [
    "check_new_password",
]

MIN_LENGTH = 8
# NIST asks to accept at least 64; argon2 hashes any length at the same cost.
MAX_LENGTH = 128

# A small list of the most common passwords of 8 and more characters (shorter ones fail the
# length check anyway), with keyboard walks of Latin and Russian layouts and words of the trade.
_COMMON = frozenset(
    """
    password password1 password12 password123 passw0rd p@ssw0rd p@ssword 12345678 123456789
    1234567890 0123456789 12341234 11111111 111111111 00000000 88888888 87654321 123123123
    147258369 159753456 789456123 987654321 qwertyui qwerty12 qwerty123 qwerty1234 qwertyuiop
    1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y q1w2e3r4 q1w2e3r4t5 1qaz2wsx zaq12wsx zaq1zaq1 qazwsxedc
    asdfghjk asdfghjkl zxcvbnm1 zxcvbnm123 abc12345 abcd1234 abcdefgh aa123456 a1234567
    iloveyou iloveyou1 sunshine princess football baseball welcome1 welcome123 trustno1
    letmein1 superman batman123 starwars whatever dragon12 monkey12 master12 shadow12
    michael1 jennifer charlie1 computer internet samsung1 nokia123 pokemon1 minecraft
    fortnite liverpool chelsea1 spartak1 zenit123 cska1948 dynamo12 natasha1 nastya123
    ekaterina anastasia alexandr aleksandr vladimir svetlana tatyana1 marina12 kristina
    moscow123 moskva123 russia123 rossiya1 privet123 parol123 parolparol
    йцукенгш йцукенгшщз йцукенгшщзхъ фывапролд ячсмитьб пароль123 парольпароль привет123
    школа123 дневник123 dnevnik1 dnevnik123 ediary123 school123 student1 teacher1
    """.split()
)


def _normalized(password: str) -> str:
    # The same password typed on two devices may differ in Unicode form: compare NFKC.
    return unicodedata.normalize("NFKC", password)


def check_new_password(password: str, *, login: str = "", field: str = "password") -> str:
    """The password as it will be hashed (NFKC), or a PasswordToo* error naming `field`."""
    value = _normalized(password)
    if len(value) < MIN_LENGTH:
        raise PasswordTooShort(
            f"The password must be at least {MIN_LENGTH} characters long.", field=field
        )
    if len(value) > MAX_LENGTH:
        raise PasswordTooLong(
            f"The password must be at most {MAX_LENGTH} characters long.", field=field
        )
    folded = value.casefold()
    if (
        folded in _COMMON
        or len(set(folded)) < 3
        or (login and folded in {login.casefold(), login.casefold().split("@", 1)[0]})
    ):
        raise PasswordTooCommon(field=field)
    return value
