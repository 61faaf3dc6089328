"""The gradebook: categories, line items and results (marks with their history)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from ediary.domain import models
from ediary.domain.enums import MarkAction, WorkKind
from ediary.domain.journal.history import Change, state_of
from ediary_oneroster.classes import ClassesMapper
from ediary_oneroster.reader import (
    Row,
    RowError,
    parse_date,
)
from ediary_oneroster.state import HISTORY_REASON

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
                now = datetime.now(UTC)
                done = await models.Mark.filter(id=found[0], deleted_at=None).update(deleted_at=now)
                if done:
                    mark = await models.Mark.get(id=found[0])
                    actor = self.actor_id or mark.author_id
                    change = Change(mark, MarkAction.DELETE, actor, state_of(mark), HISTORY_REASON)
                    await self._history([change])
                self.out.count("marks", "retired" if done else "unchanged")
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
        school_class = await self.school_class(homeroom)
        if region is None:
            region = school_class.school.region.code
        scale = self.policy_for(region).scale
        if not _whole(score) or not scale.contains(int(Decimal(score))):
            raise RowError(
                "result.scale",
                f"score {score} is not a mark on the region scale {scale.minimum}-{scale.maximum}",
            )
        when = parse_date(row.get("scoreDate"), "scoreDate") or (
            date.fromisoformat(extra["date"]) if extra["date"] else None
        )
        if when is None:
            raise RowError("result.date", "neither scoreDate nor the line item's dueDate is given")
        term_id = None
        if extra["period"]:
            term = self.link("session", extra["period"], school_sid)
            term_id = term[0] if term else None
        if term_id is None:
            term_id = await self.term_on(school_class.academic_year_id, when)
            if term_id is None:
                raise RowError("result.term", f"{when} is in no term of the class's year")
        author = cls[1].get("teacher")
        if author is None:
            assignment = await models.TeachingAssignment.filter(
                school_class_id=homeroom, subject_id=cls[1]["subject"]
            ).first()
            if assignment is None:
                raise RowError(
                    "result.no_teacher", "the class has no teacher to be the author of the mark"
                )
            author = assignment.teacher_id
        kind = WorkKind(extra["kind"])
        weight = extra["weight"] or self.policy_for(region).weights[kind]
        if weight > self.policy_for(region).max_weight:
            raise RowError("result.weight", f"weight {weight} is above the region maximum")
        values = {
            "student_id": student_id,
            "school_class_id": homeroom,
            "subject_id": cls[1]["subject"],
            "term_id": term_id,
            "date": when,
            "value": int(Decimal(score)),
            "weight": weight,
            "kind": kind,
            "comment": row.get("comment")[:500],
            "author_id": author,
        }
        if found is not None:
            values.pop("author_id")
        await self.upsert(models.Mark, "result", row.sourced_id, values)


def _whole(value: str) -> bool:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return False
    return number.is_finite() and number == number.to_integral_value()
