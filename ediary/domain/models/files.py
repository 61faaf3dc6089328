"""What every stored file has, whatever it is attached to; the bytes live in the storage."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class StoredFile(Model):
    """The metadata of a file in the attachment storage, shared by every kind of attachment."""

    id = fields.IntField(primary_key=True)
    filename = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    storage_key = fields.CharField(max_length=128, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True
