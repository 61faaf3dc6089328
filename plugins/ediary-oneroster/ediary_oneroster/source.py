"""The files of a OneRoster set, a folder or a zip archive, with the sizes checked before
anything is read (zip bombs, path traversal, symbolic links, files too large)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from ediary_oneroster.records import SetError


@dataclass(frozen=True)
class Limits:
    """What the reader refuses before reading: sizes are checked on the file system or the
    zip directory, never by reading the data."""

    max_file_bytes: int = 512 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024 - 1
    max_ratio: int = 100
    max_members: int = 64
    max_field_chars: int = 64 * 1024


class Source:
    """The files of a set: a folder or a zip archive, with the size checks done up front."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.zip: zipfile.ZipFile | None = None
        self.members: dict[str, zipfile.ZipInfo] = {}
        if path.is_dir():
            return
        if not path.is_file():
            raise SetError("set.missing", f"{path} is neither a folder nor a file")
        size = path.stat().st_size
        if size > limits.max_total_bytes:
            raise SetError(
                "set.too_large",
                f"{path.name} is {size} bytes; the limit is {limits.max_total_bytes}",
            )
        if not zipfile.is_zipfile(path):
            raise SetError("set.not_zip", f"{path.name} is not a zip archive or a folder")
        self.zip = zipfile.ZipFile(path)
        self._check_archive()

    def _check_archive(self) -> None:
        assert self.zip is not None
        infos = self.zip.infolist()
        if len(infos) > self.limits.max_members:
            raise SetError(
                "zip.members",
                f"the archive has {len(infos)} members; at most {self.limits.max_members}",
            )
        total = 0
        for info in infos:
            name = info.filename
            pure = PurePosixPath(name.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or ":" in name:
                raise SetError("zip.path", f"unsafe member name {name!r} in the archive")
            if info.is_dir():
                continue
            total += info.file_size
            if info.file_size > self.limits.max_file_bytes:
                raise SetError(
                    "file.too_large",
                    f"{name} is {info.file_size} bytes; the limit is {self.limits.max_file_bytes}",
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > self.limits.max_ratio:
                raise SetError(
                    "zip.ratio",
                    f"{name} expands {ratio:.0f} times; at most {self.limits.max_ratio} (zip bomb?)",
                )
            # Sets are flat, but an archive of a folder puts the files one level down.
            self.members.setdefault(pure.name, info)
        if total > self.limits.max_total_bytes:
            raise SetError(
                "zip.too_large",
                f"the archive expands to {total} bytes; the limit is {self.limits.max_total_bytes}",
            )

    def exists(self, name: str) -> bool:
        if self.zip is not None:
            return name in self.members
        return (self.path / name).is_file()

    def open(self, name: str) -> io.BufferedReader:
        if self.zip is not None:
            info = self.members[name]
            return io.BufferedReader(_Capped(self.zip.open(info), self.limits.max_file_bytes, name))
        path = self.path / name
        if path.is_symlink():
            raise SetError("file.symlink", f"{name} is a symbolic link; copy the file instead")
        size = path.stat().st_size
        if size > self.limits.max_file_bytes:
            raise SetError(
                "file.too_large",
                f"{name} is {size} bytes; the limit is {self.limits.max_file_bytes}",
            )
        return io.BufferedReader(_Capped(path.open("rb"), self.limits.max_file_bytes, name))

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


class _Capped(io.RawIOBase):
    """A byte stream that fails once more than `limit` bytes came out of it (a zip directory
    may lie about sizes)."""

    def __init__(self, inner: IO[bytes], limit: int, name: str) -> None:
        self.inner, self.limit, self.name_, self.seen = inner, limit, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        self.seen += len(data)
        if self.seen > self.limit:
            raise SetError("file.too_large", f"{self.name_} is larger than {self.limit} bytes")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()
