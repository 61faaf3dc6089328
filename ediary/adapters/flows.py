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
    """One way to log in, such as a password or a regional identity provider."""

    id: str
    title: str
    # Region codes the flow serves; empty means every region.
    regions: tuple[str, ...] = ()
    fields: tuple[FlowField, ...] = ()
    steps: tuple[str, ...] = field(default=())

    def serves(self, region_code: str | None) -> bool:
        return not self.regions or region_code is None or region_code in self.regions
