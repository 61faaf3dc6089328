"""The gradebook: categories, line items and results (marks with their history)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ediary.domain import models
from ediary.domain.enums import WorkKind
from ediary.domain.errors import DomainError, InvalidFields, NotFound
from ediary.domain.imports import ImportedMark, MarkWriter, retire_marks
from ediary.domain.reach import OutsideReach
from ediary_oneroster.classes import ClassesMapper
from ediary_oneroster.reader import (
    Row,
    RowError,
    parse_date,
)
from ediary_oneroster.state import CHUNK, HISTORY_REASON

KIND_WORDS: dict[str, WorkKind] = {kind.value: kind for kind in WorkKind}
KIND_WORDS.update(
    {
        "assignment": WorkKind.HOMEWORK,
        "homework assignment": WorkKind.HOMEWORK,
        "examination": WorkKind.EXAM,
        "final exam": WorkKind.EXAM,
        "laboratory": WorkKind.LAB,
        "class work": WorkKind.CLASSWORK,
        "oral answer": WorkKind.ORAL,
    }
)


class GradebookMapper(ClassesMapper):
    """Maps categories.csv, lineItems.csv and results.csv."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Results mapped and not yet written: marks to record, marks to retire.
        self.marking: list[tuple[Row, ImportedMark]] = []
        self.retiring: list[int] = []
        self._teachers: dict[tuple[int, int], int | None] = {}
        # Writes a chunk of marks while the next one is mapped.
        self._marks: MarkWriter | None = None

    # -- gradebook ---------------------------------------------------------------------------

    async def _categories(self, row: Row) -> None:
        title = row.get("title").lower()
        kind = KIND_WORDS.get(title)
        if kind is None:
            raise RowError(
                "category.kind",
                f"title {row.get('title')!r} names no kind of work ({', '.join(k.value for k in WorkKind)})",
            )
        weight: int | None = None
        if row.get("weight"):
            try:
                number = Decimal(row.get("weight"))
            except InvalidOperation:
                raise RowError(
                    "category.weight", f"weight {row.get('weight')!r} is not a number"
                ) from None
            if number != number.to_integral_value() or number < 1:
                raise RowError(
                    "category.weight", f"weight {row.get('weight')} is not a whole number from 1"
                )
            weight = int(number)
        extra = {"kind": kind.value, "weight": weight}
        found = self.link("category", row.sourced_id)
        self.out.count(
            "categories",
            "unchanged" if found and found[1] == extra else ("updated" if found else "created"),
        )
        await self.set_link("category", row.sourced_id, None, extra)

    async def _lineItems(self, row: Row) -> None:
        class_sid = row.get("classSourcedId")
        found = self.link("class", class_sid)
        if found is None:
            raise RowError(
                "reference.missing", f"class {class_sid!r} is not in the set or the diary"
            )
        category = self.link("category", row.get("categorySourcedId"))
        if category is None:
            raise RowError(
                "reference.missing",
                f"category {row.get('categorySourcedId')!r} is not in the set or the diary",
            )
        if found[0] is not None:
            raise RowError("lineItem.class", "line items belong to scheduled classes (a subject)")
        period = row.get("gradingPeriodSourcedId") or row.get("academicSessionSourcedId")
        when = parse_date(row.get("dueDate"), "dueDate") or parse_date(
            row.get("assignDate"), "assignDate"
        )
        low, high = row.get("resultValueMin"), row.get("resultValueMax")
        extra = {
            "class": class_sid,
            "kind": category[1]["kind"],
            "weight": category[1]["weight"],
            "period": period,
            "date": when.isoformat() if when else None,
            "min": low,
            "max": high,
            "title": row.get("title"),
        }
        school_sid = found[1]["school"]
        region = self.region_codes.get(self.region_of_school.get(school_sid, -1))
        if region is None:
            school = await models.School.get(id=self.core("org", school_sid)).prefetch_related(
                "region"
            )
            region = school.region.code
        scale = self.policy_for(region).scale
        for value, name in ((low, "resultValueMin"), (high, "resultValueMax")):
            if value and not _whole(value):
                raise RowError("lineItem.scale", f"{name} {value} is not a whole number")
        if (low and int(Decimal(low)) != scale.minimum) or (
            high and int(Decimal(high)) != scale.maximum
        ):
            raise RowError(
                "lineItem.scale",
                f"scores {low or '?'}-{high or '?'} are not the region scale {scale.minimum}-{scale.maximum}; convert them first",
            )
        previous = self.link("lineItem", row.sourced_id)
        self.out.count(
            "lineItems",
            "unchanged"
            if previous and previous[1] == extra
            else ("updated" if previous else "created"),
        )
        await self.set_link("lineItem", row.sourced_id, None, extra)

    async def _results(self, row: Row) -> None:
        """Map a result to a mark (or a mark to retire); marks are written a chunk at a time
        through the import API, which checks each as the journal would."""
        item_sid = row.get("lineItemSourcedId")
        item = self.link("lineItem", item_sid)
        if item is None:
            raise RowError(
                "reference.rejected"
                if ("lineItems", item_sid) in self.rejected
                else "reference.missing",
                f"line item {item_sid!r} is not in the set or the diary",
            )
        student_id = self.core("user", row.get("studentSourcedId"), what="student")
        found = self.link("result", row.sourced_id)
        if row.retired:
            if found is not None and found[0] is not None:
                self.retiring.append(found[0])
                await self._flush_results(CHUNK)
            return
        score = row.get("score")
        if not score:
            self.out.count(f"results {row.get('scoreStatus') or 'without score'}", "skipped")
            return
        extra = item[1]
        cls = self.link("class", extra["class"])
        assert cls is not None
        school_sid = cls[1]["school"]
        region = self.region_codes.get(self.region_of_school.get(school_sid, -1))
        homeroom = await self._homeroom(student_id)
        if homeroom is None:
            raise RowError("result.no_homeroom", "the student is in no homeroom class")
        if region is None:
            region = (await self.school_class(homeroom)).school.region.code
        policy = self.policy_for(region)
        scale = policy.scale
        value = _whole_number(score)
        if value is None or not scale.contains(value):
            raise RowError(
                "result.scale",
                f"score {score} is not a mark on the region scale {scale.minimum}-{scale.maximum}",
            )
        when = parse_date(row.get("scoreDate"), "scoreDate") or (
            date.fromisoformat(extra["date"]) if extra["date"] else None
        )
        if when is None:
            raise RowError("result.date", "neither scoreDate nor the line item's dueDate is given")
        author = cls[1].get("teacher") or await self._teacher_of(homeroom, cls[1]["subject"])
        if author is None:
            raise RowError(
                "result.no_teacher", "the class has no teacher to be the author of the mark"
            )
        kind = _KINDS[extra["kind"]]
        weight = extra["weight"] or policy.weights[kind]
        if weight > policy.max_weight:
            raise RowError("result.weight", f"weight {weight} is above the region maximum")
        mark = ImportedMark(
            student_id=student_id,
            class_id=homeroom,
            subject_id=cls[1]["subject"],
            on=when,
            value=value,
            author_id=author,
            kind=kind,
            weight=weight,
            comment=row.get("comment")[:500],
            mark_id=found[0] if found is not None else None,
        )
        self.marking.append((row, mark))
        await self._flush_results(CHUNK)

    async def _teacher_of(self, class_id: int, subject_id: int) -> int | None:
        key = (class_id, subject_id)
        if key not in self._teachers:
            assignment = await models.TeachingAssignment.filter(
                school_class_id=class_id, subject_id=subject_id
            ).first()
            self._teachers[key] = assignment.teacher_id if assignment else None
        return self._teachers[key]

    async def _flush_results(self, at_least: int = 1) -> None:
        """Write the marks mapped so far, once there are `at_least` of them (stored while
        the next chunk is mapped: `MarkWriter`)."""
        if len(self.marking) + len(self.retiring) < at_least:
            return
        marking, self.marking = self.marking, []
        retiring, self.retiring = self.retiring, []
        if self._marks is None:
            self._marks = MarkWriter(self.scope, HISTORY_REASON)
        done = await self._marks.record([mark for _, mark in marking])
        for (row, _), result in zip(marking, done, strict=True):
            if isinstance(result, DomainError):
                self.reject("results", row, _code(result), result.message)
                continue
            self.out.count("marks", result.action)
            if result.action == "created":
                await self.set_link("result", row.sourced_id, result.mark_id)
        if retiring:
            await self._marks.finish()
            retired = await retire_marks(self.scope, retiring, HISTORY_REASON)
            self.out.counts["marks retired"] += len(retired)
            self.out.counts["marks unchanged"] += len(set(retiring) - retired)

    async def _after_results(self) -> None:
        await self._flush_results()
        if self._marks is not None:
            await self._marks.finish()

    async def _abandon_marks(self) -> None:
        """Let a chunk's write in progress end when the run stops on an error: the
        transaction's connection must be idle before it is rolled back."""
        if self._marks is not None:
            await self._marks.abandon()


def _code(error: DomainError) -> str:
    """The row problem code of a mark the import API refused."""
    if isinstance(error, OutsideReach):
        return "reach.outside"
    if isinstance(error, NotFound):
        return "reference.missing"
    if isinstance(error, InvalidFields) and error.problems:
        field = error.problems[0].path[-1] if error.problems[0].path else ""
        if field == "date":
            return "result.term" if "term" in error.message else "result.date"
        return {"value": "result.scale", "weight": "result.weight"}.get(field, "result.invalid")
    return "result.invalid"


# Work kinds by their stored value: calling the enum costs more, once a result.
_KINDS: dict[str, WorkKind] = {kind.value: kind for kind in WorkKind}


@lru_cache(maxsize=1024)
def _whole_number(value: str) -> int | None:
    """The whole number a score writes ("5", "5.0"), else None; a set's results repeat a
    handful of scores, each read once."""
    return int(Decimal(value)) if _whole(value) else None


def _whole(value: str) -> bool:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return False
    return number.is_finite() and number == number.to_integral_value()
