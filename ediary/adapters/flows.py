"""What a login flow tells a frontend: the fields to ask for and the steps to follow."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FlowField:
    name: str
    label: str
    kind: str = "text"  # text, password, email, phone, code
    required: bool = True


@dataclass(frozen=True)
class LoginFlow:
    """One way in, such as a password, a regional identity provider or an access code."""

    id: str
    title: str
    # Region codes the flow serves; empty means every region.
    regions: tuple[str, ...] = ()
    fields: tuple[FlowField, ...] = ()
    steps: tuple[str, ...] = field(default=())
    # The GraphQL mutation that takes the fields, or a URL to send the browser to.
    mutation: str | None = None
    url: str | None = None

    def serves(self, region_code: str | None) -> bool:
        return not self.regions or region_code is None or region_code in self.regions
