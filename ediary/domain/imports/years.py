"""Imported terms: the quarters, trimesters or halves of a school year, which decide the term
every mark and term mark belongs to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tortoise import connections

from ediary.domain.bulk import insert_models, reserve_ids, update_models
from ediary.domain.errors import InvalidInput
from ediary.domain.imports.scope import ImportScope, Refusal
from ediary.domain.models import AcademicYear, Term
from ediary.domain.reach import OutsideReach

__all__ = ["SavedTerm", "TermData", "set_terms"]

# More than any term system has (quarters, trimesters, halves, modules of six weeks).
MAX_TERMS = 12


@dataclass(frozen=True)
class TermData:
    """A term of a school year: its number in the year and its first and last days."""

    number: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class SavedTerm:
    """A term `set_terms` wrote or kept: its id, whether it is new, or else changed."""

    term_id: int
    created: bool
    changed: bool


def _overlap(a: TermData | Term, b: TermData | Term) -> bool:
    return a.starts_on <= b.ends_on and b.starts_on <= a.ends_on


async def set_terms(
    scope: ImportScope, year_id: int, items: Sequence[TermData]
) -> list[SavedTerm | Refusal]:
    """Create or update the terms of a school year the reach owns, matched by number; returns,
    in order, each term and whether it was created or changed, or why it was refused. A term
    starts before it ends, and no two terms of the year overlap (those given and those kept):
    otherwise the term of a day, and so of a mark, would be ambiguous."""
    results: list[SavedTerm | Refusal] = [OutsideReach(field="academicYearId")] * len(items)
    if not items or not await scope.guard.owned_ids(AcademicYear, [year_id]):
        return results
    held = {t.number: t for t in await Term.filter(academic_year_id=year_id)}
    accepted: dict[int, tuple[int, TermData]] = {}
    for index, item in enumerate(items):
        if not 1 <= item.number <= MAX_TERMS:
            results[index] = InvalidInput(
                f"A term's number is from 1 to {MAX_TERMS}.", field="number"
            )
        elif item.ends_on < item.starts_on:
            results[index] = InvalidInput("A term ends after it starts.", field="endsOn")
        else:
            if item.number in accepted:
                # Of two items for one number, the last holds.
                earlier, _ = accepted[item.number]
                results[earlier] = InvalidInput(
                    "A later term of the set has this number.", field="number"
                )
            accepted[item.number] = (index, item)
    # The year as it will be: the terms given, and those kept that none of them replaces.
    # Two given terms that overlap are both refused (neither can be told to be the right one),
    # which keeps the terms they would have replaced: check again until nothing clashes.
    while True:
        kept = [t for number, t in held.items() if number not in accepted]
        clashing = [
            number
            for number, (_, item) in accepted.items()
            if any(_overlap(item, t) for t in kept)
            or any(_overlap(item, o) for n, (_, o) in accepted.items() if n != number)
        ]
        if not clashing:
            break
        for number in clashing:
            index, _ = accepted.pop(number)
            results[index] = InvalidInput(
                "The term overlaps another term of the year.", field="startsOn"
            )
    conn = connections.get("default")
    created: list[Term] = []
    changed: list[Term] = []
    for number, (_, item) in accepted.items():
        term = held.get(number)
        if term is None:
            created.append(
                Term(
                    academic_year_id=year_id,
                    number=number,
                    starts_on=item.starts_on,
                    ends_on=item.ends_on,
                )
            )
        elif (term.starts_on, term.ends_on) != (item.starts_on, item.ends_on):
            term.starts_on, term.ends_on = item.starts_on, item.ends_on
            changed.append(term)
    for term, term_id in zip(created, await reserve_ids(Term, len(created), conn), strict=True):
        term.id = term_id
    await insert_models(created, conn)
    await update_models(changed, ["starts_on", "ends_on"], conn)
    written = {t.number: t for t in [*created, *changed]}
    new, moved = {t.number for t in created}, {t.number for t in changed}
    for number, (index, _) in accepted.items():
        term = written.get(number) or held[number]
        results[index] = SavedTerm(term.id, number in new, number in moved)
    return results
