"""The demo school (`ediary demo`, `make run`): fixture generation beside the domain, not in it.

It writes through the domain's models and rules like any other client of the domain, and
nothing in the domain depends on it.
"""

from ediary.demo.school import (
    PASSWORD,
    PUBLIC_HOLIDAYS,
    SCHOOL_NAME,
    TERMS,
    DemoLogin,
    DemoScale,
    database_is_empty,
    load_demo,
)

__all__ = [
    "PASSWORD",
    "PUBLIC_HOLIDAYS",
    "SCHOOL_NAME",
    "TERMS",
    "DemoLogin",
    "DemoScale",
    "database_is_empty",
    "load_demo",
]
