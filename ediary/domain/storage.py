"""Where attachment bytes live: a small interface, and the default on local disk."""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path
from typing import Protocol


class AttachmentStorage(Protocol):
    """Stores bytes under keys it makes up; the database keeps the key and the metadata."""

    async def save(self, data: bytes) -> str:
        """Store the bytes and return their new key."""
        ...

    async def load(self, key: str) -> bytes:
        """The bytes stored under a key; KeyError when there are none."""
        ...

    async def delete(self, key: str) -> None:
        """Forget a key; a missing one is not an error."""
        ...


class DiskStorage:
    """One file per attachment under a directory, named by a random key."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        # Keys are made here, but check anyway: a key must never lead out of the directory.
        if not key.isalnum():
            raise KeyError(key)
        return self.root / key[:2] / key

    async def save(self, data: bytes) -> str:
        key = secrets.token_hex(20)
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(data)
            os.replace(partial, path)

        await asyncio.to_thread(write)
        return key

    async def load(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise KeyError(key) from None

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.unlink, True)
