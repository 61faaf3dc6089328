"""The statistics of a group of students, from their term marks.

For a group of students and subjects (a class, a school, one subject of either):

- `students` is the number of students with at least one term mark in the group;
- success rate and quality of knowledge are shares of those students: without a mark below
  the scale's passing mark, and with nothing below its good mark (for one subject this is
  the plain `grading.class_indicators` over the students' marks; over several subjects it
  is `class_indicators` over each student's lowest mark, which is the same definition);
- SOU, the average mark and the distribution are taken over all term marks of the group;
- a term mark is the one the teacher gave, else the forecast from the term average.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ediary.domain.grading import RegionPolicy, class_indicators, weighted_average


@dataclass(frozen=True)
class Indicators:
    """School statistics of a group; every value None when the group is empty or suppressed."""

    students: int | None
    average: Fraction | None
    success_rate: Fraction | None
    quality: Fraction | None
    sou: Fraction | None
    # (mark, how many term marks of it), highest mark first; None when suppressed.
    distribution: tuple[tuple[int, int], ...] | None
    suppressed: bool = False

    def suppress_below(self, min_group: int) -> Indicators:
        """The same figures, or nothing at all when fewer than `min_group` students make them."""
        if self.students is not None and self.students >= min_group:
            return self
        return Indicators(None, None, None, None, None, None, suppressed=True)


def indicators(marks_by_student: Mapping[int, Sequence[int]], policy: RegionPolicy) -> Indicators:
    """Indicators of a group from each student's term marks in the group's subjects."""
    graded = [marks for marks in marks_by_student.values() if marks]
    every = [mark for marks in graded for mark in marks]
    by_student = class_indicators((min(marks) for marks in graded), policy)
    by_mark = class_indicators(every, policy)
    counts = Counter(every)
    return Indicators(
        students=len(graded),
        average=weighted_average((mark, 1) for mark in every),
        success_rate=by_student.success_rate,
        quality=by_student.quality,
        sou=by_mark.sou,
        distribution=tuple((value, counts[value]) for value in reversed(policy.scale.values)),
    )


@dataclass(frozen=True)
class AttendanceSummary:
    """Attendance register entries over a term: absences (excused or not) and lateness."""

    absences: int = 0
    unexcused: int = 0
    late: int = 0

    def __add__(self, other: AttendanceSummary) -> AttendanceSummary:
        return AttendanceSummary(
            self.absences + other.absences,
            self.unexcused + other.unexcused,
            self.late + other.late,
        )


def share_percent(value: Fraction | None) -> Fraction | None:
    """A share as a percentage, exact."""
    return None if value is None else value * 100
