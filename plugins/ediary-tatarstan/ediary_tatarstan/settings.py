"""The plugin's settings, read once from the EDIARY_TATARSTAN_* variables (see the README)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

PREFIX = "EDIARY_TATARSTAN_"
DEFAULT_PORTAL_URL = "https://edu.tatar.ru"


@dataclass(frozen=True)
class TatarstanSettings:
    portal_url: str = DEFAULT_PORTAL_URL
    client_id: str = ""
    client_secret: str = ""
    region: str = "16"
    # Seconds to wait for the portal on each call.
    timeout: float = 10.0
    # The fraction of a point from which a term mark rounds up (see policy.py).
    round_up_from: Fraction = Fraction(3, 5)

    @property
    def configured(self) -> bool:
        """Whether the portal login can be offered: a client is registered at the portal."""
        return bool(self.portal_url and self.client_id and self.client_secret)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TatarstanSettings:
        """The settings in `env` (the server's EDIARY_* variables); ValueError names a bad one."""
        timeout_text = env.get(PREFIX + "TIMEOUT", "10")
        try:
            timeout = float(timeout_text)
        except ValueError:
            timeout = math.nan
        if not 0 < timeout <= 300:
            raise ValueError(
                f"{PREFIX}TIMEOUT must be a number of seconds from 0 to 300, got {timeout_text!r}"
            )
        portal_url = env.get(PREFIX + "PORTAL_URL", DEFAULT_PORTAL_URL).strip().rstrip("/")
        if not portal_url.startswith(("https://", "http://")):
            raise ValueError(f"{PREFIX}PORTAL_URL must be an http(s) address, got {portal_url!r}")
        region = env.get(PREFIX + "REGION", "16").strip()
        if not region:
            raise ValueError(f"{PREFIX}REGION must not be empty")
        rounding_text = env.get(PREFIX + "ROUND_UP_FROM", "0.6")
        try:
            round_up_from = Fraction(rounding_text.strip().replace(",", "."))
        except (ValueError, ZeroDivisionError):
            round_up_from = Fraction(0)
        if not 0 < round_up_from <= 1:
            raise ValueError(
                f"{PREFIX}ROUND_UP_FROM must be a fraction above 0 and at most 1, such as 0.6, "
                f"got {rounding_text!r}"
            )
        return cls(
            portal_url=portal_url,
            client_id=env.get(PREFIX + "CLIENT_ID", "").strip(),
            client_secret=env.get(PREFIX + "CLIENT_SECRET", ""),
            region=region,
            timeout=timeout,
            round_up_from=round_up_from,
        )
