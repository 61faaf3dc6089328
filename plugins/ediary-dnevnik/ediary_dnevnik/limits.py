"""How many attempts each flow allows, per client address, per code and per account.

Failures are what guessing produces, so they are counted per client; every attempt counts
per code and per account, which also bounds how many e-mails one address can be sent.
"""

from __future__ import annotations

from datetime import timedelta

from ediary.domain.one_time_codes import Policy
from ediary.domain.ratelimit import Limit

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)

# Redeeming: a family types one code, maybe twice; a script tries thousands.
REDEEM_PER_CLIENT = Limit(attempts=10, window=15 * MINUTE, lock=30 * MINUTE)
REDEEM_PER_CODE = Limit(attempts=5, window=HOUR, lock=HOUR)
REDEEM_PER_ACCOUNT = Limit(attempts=5, window=HOUR, lock=HOUR)

# Confirmation and reset links: a link is clicked once or twice.
LINK_PER_CLIENT = Limit(attempts=10, window=15 * MINUTE, lock=30 * MINUTE)

# Recovery requests: each sends a message, so they are rarer still. Per account they are
# counted twice: from one client, which is what the owner meets, and from all clients, which
# bounds the mail an account's owner can be sent. The second is higher, so that one client
# cannot use it to keep the owner from recovering their account.
RECOVERY_PER_CLIENT = Limit(attempts=10, window=HOUR, lock=HOUR)
RECOVERY_PER_ACCOUNT_CLIENT = Limit(attempts=3, window=HOUR, lock=HOUR)
RECOVERY_PER_ACCOUNT = Limit(attempts=10, window=HOUR, lock=HOUR)

# Changing a password or a security parameter asks for the current password.
PASSWORD_PER_ACCOUNT = Limit(attempts=5, window=15 * MINUTE, lock=15 * MINUTE)
# A six-digit phone code allows five tries, then a new code must be asked for.
PHONE_CODE_PER_ACCOUNT = Limit(attempts=5, window=15 * MINUTE, lock=15 * MINUTE)
# Every code sent by SMS (activation, a new phone, a password reset): six digits for ten
# minutes, dead after five tries, right or wrong. Asking again is bounded by the recovery
# limits, so guessing one phone's codes takes years.
PHONE_CODE = Policy(digits=6, lifetime=10 * MINUTE, max_attempts=5)
