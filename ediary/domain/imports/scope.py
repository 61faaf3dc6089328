"""An import's actor and reach, with what it looked up once for all the rows it writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from ediary.domain.errors import DomainError
from ediary.domain.grading import RegionPolicy
from ediary.domain.models import SchoolClass, User
from ediary.domain.reach import OutsideReach, Reach, ReachGuard

T = TypeVar("T")

# What a batch function gives back for each item: its result, or why it was refused.
Refusal = DomainError


@dataclass
class ImportScope:
    """One import's actor and reach, the schools' today and the region policy lookup."""

    guard: ReachGuard
    today: date
    policy_for: Callable[[str], RegionPolicy]
    # Classes the reach owns, with their school and region, as batches look them up.
    _classes: dict[int, SchoolClass] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # A region's policy holds for the whole import, and a batch asks it once an item:
        # each region's is asked of the plugins once.
        ask, known = self.policy_for, dict[str, RegionPolicy]()

        def policy_for(region_code: str) -> RegionPolicy:
            found = known.get(region_code)
            if found is None:
                found = known[region_code] = ask(region_code)
            return found

        self.policy_for = policy_for

    @classmethod
    async def open(
        cls, reach: Reach, today: date, policy_for: Callable[[str], RegionPolicy]
    ) -> ImportScope:
        """Resolve the reach's schools and regions; call it inside the import's transaction."""
        return cls(await ReachGuard.open(reach), today, policy_for)

    @property
    def actor_id(self) -> int | None:
        return self.guard.actor_id

    async def owned_classes(self, class_ids: Iterable[int]) -> dict[int, SchoolClass]:
        """Of these classes, the ones the reach owns (with school and region), in one query
        for those not asked about before."""
        wanted = set(class_ids)
        missing = wanted - self._classes.keys()
        owned = await self.guard.owned_ids(SchoolClass, missing)
        if owned:
            for found in await SchoolClass.filter(id__in=sorted(owned)).select_related(
                "school__region"
            ):
                self._classes[found.id] = found
        return {i: self._classes[i] for i in wanted if i in self._classes}

    async def owned_class(self, class_id: int) -> SchoolClass:
        """The class, when the reach owns it; OutsideReach otherwise (also for no class)."""
        found = await self.owned_classes([class_id])
        if class_id not in found:
            raise OutsideReach(field="classId")
        return found[class_id]

    async def owned_users(self, user_ids: Iterable[int]) -> set[int]:
        """Of these accounts, the ones the reach owns."""
        return await self.guard.owned_ids(User, user_ids)

    async def owned_user(self, user_id: int, field: str) -> None:
        if not await self.owned_users([user_id]):
            raise OutsideReach(field=field)


def single(results: list[T | Refusal]) -> T:
    """The one result of a batch of one, or its refusal raised."""
    (result,) = results
    if isinstance(result, DomainError):
        raise result
    return result
