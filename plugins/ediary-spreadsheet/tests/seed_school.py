"""`python seed_school.py DATABASE_URL TODAY`: a migrated database gets a region with a school
and its class 5А of the year around TODAY; prints the school's id. The command-line tests run
it as a process of its own, as they run `ediary`."""

from __future__ import annotations

import asyncio
import sys
from datetime import date

from ediary.db import close_database, open_database
from ediary.domain.models import Region, SchoolClass
from ediary.testing import add_school, school_year


async def seed(url: str, today: date) -> int:
    await open_database(url)
    try:
        region = await Region.create(code="cli", name="Region cli")
        parts = await add_school(region, "cli", year=school_year(today), terms=[])
        await SchoolClass.create(school=parts.school, academic_year=parts.year, grade=5, letter="А")
        return int(parts.school.pk)
    finally:
        await close_database()


if __name__ == "__main__":
    print(asyncio.run(seed(sys.argv[1], date.fromisoformat(sys.argv[2]))))
