# Model docstrings become table comments: keep quotes and semicolons out of them.
"""Tables of the OneRoster plugin, app label "oneroster"."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class SourceLink(Model):
    """Which diary object a OneRoster sourcedId was imported into, per school where needed."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    sourced_id = fields.CharField(max_length=255)
    # The school sourcedId for objects the diary keeps per school (years, terms, subjects).
    scope = fields.CharField(max_length=255, default="")
    core_id = fields.IntField(null=True)
    # What the diary has no table for (a category, a line item), as JSON.
    extra: Any = fields.JSONField(null=True)

    class Meta:
        table = "oneroster_source_link"
        app = "oneroster"
        unique_together = (("kind", "sourced_id", "scope"),)
        indexes = (("kind", "core_id"),)


class Demographic(Model):
    """Birth date and sex of an account, from demographics.csv."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[Model] = fields.OneToOneField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    birth_date = fields.DateField(null=True)
    sex = fields.CharField(max_length=16, default="")

    user_id: int

    class Meta:
        table = "oneroster_demographic"
        app = "oneroster"


class JobStatus(StrEnum):
    """Where a background import is."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ImportJob(Model):
    """An import started from the API, run in the background, and its report."""

    id = fields.IntField(primary_key=True)
    school: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "diary.School", related_name=False, on_delete=fields.CASCADE
    )
    requested_by: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    dry_run = fields.BooleanField(default=False)
    status = fields.CharEnumField(JobStatus, max_length=16, default=JobStatus.QUEUED)
    rows_done = fields.IntField(default=0)
    rows_total = fields.IntField(default=0)
    report: Any = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    school_id: int
    requested_by_id: int

    class Meta:
        table = "oneroster_import_job"
        app = "oneroster"
