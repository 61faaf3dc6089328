"""ediary-moscow: the Moscow portal flow (mos.ru and State Services OpenID Connect login,
SNILS identity, "Electronic student diary" applications)."""

__version__ = "0.1.0"
