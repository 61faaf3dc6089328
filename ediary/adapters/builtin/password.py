"""Plain password login, available in every region."""

from __future__ import annotations

from ediary.adapters.flows import FlowField, LoginFlow
from ediary.adapters.hookspecs import hookimpl

PASSWORD_FLOW = LoginFlow(
    id="password",
    title="Login and password",
    fields=(
        FlowField("login", "Login"),
        FlowField("password", "Password", kind="password"),
    ),
    steps=("Enter the login and password the school gave you.",),
    mutation="login",
)


@hookimpl
def login_flows() -> list[LoginFlow]:
    """Offer the login-and-password form."""
    return [PASSWORD_FLOW]
