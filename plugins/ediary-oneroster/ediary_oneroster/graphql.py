"""GraphQL of imports: `startImport` for school administrators and `importJob` to poll it.

Mutations follow the API's convention: `verbNoun(input: VerbNounInput!): VerbNounPayload!`,
with refusals in `userErrors` and nothing changed when there are any.
"""

from __future__ import annotations

import datetime
from typing import Any, Self

import strawberry
from strawberry import relay

from ediary.adapters import GraphQLContribution, ImportContext, import_context
from ediary.domain.errors import InvalidInput
from ediary.domain.reach import Reach
from ediary.schema.errors import UserError, refusals
from ediary.schema.ids import local_id
from ediary.schema.info import Info
from ediary_oneroster import jobs
from ediary_oneroster.models import ImportJob as JobRow
from ediary_oneroster.models import JobStatus

# The file system's limits (Linux NAME_MAX, and a path well inside PATH_MAX once joined to
# the import directory): anything longer names nothing there, and the OS would raise.
MAX_PATH_CHARACTERS = 1024
MAX_NAME_BYTES = 255


ImportJobStatus = strawberry.enum(
    JobStatus, name="ImportJobStatus", description="Where a background import is."
)


@strawberry.type(description="How many objects of a kind an import created, updated, retired...")
class ImportCount:
    what: str = strawberry.field(description='Kind and action, such as "marks created".')
    count: int = strawberry.field(
        description="How many objects of the kind were created or updated."
    )


@strawberry.type(description="What an import did, or would do on a dry run: the CLI summary.")
class ImportReport:
    dry_run: bool = strawberry.field(description="True when nothing was written.")
    created: int = strawberry.field(description="Objects created, all kinds together.")
    updated: int = strawberry.field(description="Objects changed, all kinds together.")
    retired: int = strawberry.field(description="Objects retired by tobedeleted rows.")
    rejected: int = strawberry.field(description="Rows rejected; the problems say why.")
    counts: list[ImportCount] = strawberry.field(description="Every count, by kind and action.")
    problems: list[str] = strawberry.field(
        description="Rejected rows and why, by file and row, or why the whole set was refused."
    )

    @classmethod
    def from_json(cls, report: dict[str, Any]) -> Self:
        counts: dict[str, int] = report.get("counts", {})

        def total(action: str) -> int:
            return sum(n for what, n in counts.items() if what.endswith(f" {action}"))

        return cls(
            dry_run=bool(report.get("dry_run")),
            created=total("created"),
            updated=total("updated"),
            retired=total("retired"),
            rejected=total("rejected"),
            counts=[ImportCount(what=what, count=n) for what, n in sorted(counts.items())],
            problems=list(report.get("problems", [])),
        )


@strawberry.type(description="An import started from the API, running in the background.")
class ImportJob:
    id: relay.GlobalID = strawberry.field(description="Give it to importJob to poll.")
    status: ImportJobStatus = strawberry.field(  # type: ignore[valid-type]
        description="QUEUED, RUNNING, then SUCCEEDED or FAILED (also when the server stopped "
        "while it ran)."
    )
    dry_run: bool = strawberry.field(description="True for a check that writes nothing.")
    rows: int = strawberry.field(
        description="Rows read so far: updated about once a second while the job runs, all "
        "of them once it has finished."
    )
    created_at: datetime.datetime = strawberry.field(description="When it was started.")
    finished_at: datetime.datetime | None = strawberry.field(
        description="When it finished; null while it runs."
    )
    report: ImportReport | None = strawberry.field(
        description="The summary, once the job has succeeded or failed."
    )

    @classmethod
    def from_model(cls, job: JobRow) -> Self:
        return cls(
            id=relay.GlobalID("ImportJob", str(job.id)),
            status=job.status,
            dry_run=job.dry_run,
            rows=job.rows_done,
            created_at=job.created_at,
            finished_at=job.finished_at,
            report=ImportReport.from_json(job.report) if job.report else None,
        )


@strawberry.input(description="What to import, from where, into which school.")
class StartImportInput:
    backend: str = strawberry.field(description='The import backend: "oneroster".')
    path: str = strawberry.field(
        description="A folder or zip inside the server's import directory (EDIARY_IMPORT_DIR), "
        f"relative to it; at most {MAX_PATH_CHARACTERS} characters."
    )
    dry_run: bool = strawberry.field(
        default=False, description="Check everything and report, write nothing."
    )
    school_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="The school (a School ID); may be left out by the administrator of one school.",
    )


@strawberry.type(description="The result of starting an import.")
class StartImportPayload:
    job: ImportJob | None = strawberry.field(description="The job, queued; poll importJob.")
    user_errors: list[UserError] = strawberry.field(description="Why no import was started.")


def _checked_path(path: str) -> str:
    """The import path argument, refused before the file system sees it when it is too long."""
    too_long = len(path) > MAX_PATH_CHARACTERS or any(
        len(part.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for part in path.split("/")
    )
    if too_long:
        raise InvalidInput(
            f"The path is too long: at most {MAX_PATH_CHARACTERS} characters, "
            f"{MAX_NAME_BYTES} bytes for each name in it.",
            field="path",
        )
    return path


@strawberry.type
class OneRosterQuery:
    @strawberry.field(description="An import job, for the administrators of its school.")
    async def import_job(self, info: Info, id: relay.GlobalID) -> ImportJob | None:
        viewer = await info.context.require_viewer()
        return ImportJob.from_model(await jobs.load_job(viewer, local_id(id, "ImportJob")))


@strawberry.type
class OneRosterMutation:
    @strawberry.mutation(
        description="Import a set from the server's import directory into a school, in the "
        "background. School administrators only."
    )
    @refusals
    async def start_import(self, info: Info, input: StartImportInput) -> StartImportPayload | None:
        context = info.context

        def context_for(reach: Reach) -> ImportContext:
            return import_context(context.settings, context.plugins, reach, dry_run=input.dry_run)

        viewer = await info.context.require_writer()
        job = await jobs.start_import(
            viewer,
            backend=input.backend,
            path=_checked_path(input.path),
            dry_run=input.dry_run,
            school_id=local_id(input.school_id, "School") if input.school_id else None,
            extra=info.context.settings.extra,
            context_for=context_for,
        )
        return StartImportPayload(job=ImportJob.from_model(job), user_errors=[])


CONTRIBUTION = GraphQLContribution(query=OneRosterQuery, mutation=OneRosterMutation)
